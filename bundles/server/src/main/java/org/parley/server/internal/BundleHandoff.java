package org.parley.server.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.parley.api.server.StateHandoff;

/**
 * The {@link StateHandoff} one bundle sees: one instance per using bundle, so a deposit is checked
 * against the depositor's own class loader.
 */
@Component(service = StateHandoff.class, scope = ServiceScope.BUNDLE)
public final class BundleHandoff implements StateHandoff {
    private final HandoffStore store;
    private final String name;
    private final SnapshotCheck check;

    @Activate
    public BundleHandoff(ComponentContext context, @Reference HandoffStore store) {
        this(store, context.getUsingBundle());
    }

    BundleHandoff(HandoffStore store, Bundle user) {
        this.store = store;
        this.name = user == null ? "?" : user.getSymbolicName() + " " + user.getVersion();
        this.check = new SnapshotCheck(cls -> user != null && user.equals(FrameworkUtil.getBundle(cls)));
    }

    @Override
    public void deposit(String key, Map<String, Object> snapshot) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(snapshot, "snapshot");
        check.check(snapshot);
        store.deposit(key, snapshot, name);
    }

    @Override
    public Optional<Map<String, Object>> take(String key) {
        return store.take(Objects.requireNonNull(key, "key"), name);
    }
}
