package org.example.extending;

import org.osgi.service.component.annotations.Component;
import org.parley.api.offline.OfflineMessageListener;
import org.parley.api.offline.OfflineMessageStored;

// The shape of a mail hook: told after a message is stored for an offline user.
@Component
public final class MailOnOffline implements OfflineMessageListener {
    @Override
    public void stored(OfflineMessageStored event) {
        // queue a notification for event.recipient(); never block here
    }
}
