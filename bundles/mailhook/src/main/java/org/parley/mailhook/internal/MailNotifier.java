package org.parley.mailhook.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.parley.api.offline.OfflineMessageStored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored-message events into mails. The event's thread (the offline bundle's) only checks
 * the rate limit and hands over; composing and sending run on the mail thread, so neither a slow
 * SMTP server nor a failing one reaches the offline store or a session.
 */
final class MailNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(MailNotifier.class);

    private final ExecutorService mailThread;
    private final SmtpMailer mailer;
    private final Clock clock;
    private final RateLimit rateLimit;
    private volatile MailSettings settings; // null while the configuration is refused: no mail

    MailNotifier(MailSettings settings, ExecutorService mailThread, SmtpMailer mailer, Clock clock) {
        this.settings = settings;
        this.mailThread = mailThread;
        this.mailer = mailer;
        this.clock = clock;
        this.rateLimit = new RateLimit(settings == null ? java.time.Duration.ZERO : settings.interval());
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    MailSettings settings() {
        return settings;
    }

    /** Applies to the next mail; mails already composed keep what they say. */
    void settings(MailSettings next) {
        settings = next;
        rateLimit.interval(next.interval());
    }

    /** Never blocks and never throws: the offline store's thread calls it. */
    void stored(OfflineMessageStored event) {
        MailSettings current = settings;
        if (current == null) {
            return;
        }
        String account = event.recipient().toString();
        String sender = event.sender() == null ? event.recipient().getDomain().toString() : event.sender().asBareJid().toString();
        Instant now = clock.instant();
        if (!rateLimit.tryAcquire(account, sender, now)) {
            LOG.debug("No mail to {} about {}: one was sent within the last {}", account, sender, current.interval());
            return;
        }
        try {
            mailThread.execute(() -> notify(current, event, sender));
        } catch (RejectedExecutionException e) {
            rateLimit.release(account, sender, now); // stopping: the sender's next message may still be told
        }
    }

    private void notify(MailSettings current, OfflineMessageStored event, String sender) {
        String account = event.recipient().toString();
        Optional<String> address = current.recipients().address(event.recipient());
        if (address.isEmpty()) {
            LOG.warn("No mail address is known for {} (template {}): no mail about the message from {}", account,
                    current.recipients(), sender);
            return;
        }
        String text = current.includeText() ? event.message().element().childText("body") : null;
        Notification mail = Notification.compose(account, address.get(), sender, event.waiting(), event.storedAt(), text);
        try {
            mailer.send(current, mail);
            LOG.info("Mailed {} <{}> that {} wrote ({} waiting)", account, address.get(), sender, event.waiting());
        } catch (Exception e) {
            LOG.warn("The mail to {} <{}> about {} could not be sent through {}: {}", account, address.get(), sender,
                    current.smtp(), e.toString());
        }
    }

    void close() {
        mailThread.shutdownNow();
        try {
            mailThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
