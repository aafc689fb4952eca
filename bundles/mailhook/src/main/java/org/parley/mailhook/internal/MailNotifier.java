package org.parley.mailhook.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.parley.api.offline.OfflineMessageStored;
import org.parley.mailhook.internal.adhoc.NotificationSetting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored-message events into mails. The event's thread (the offline bundle's) only checks
 * the rate limit and hands over; composing, queuing in the {@link Outbox} and sending run on the
 * mail thread, so neither a slow SMTP server nor a failing one reaches the offline store or a
 * session. A mail is in the outbox before its first attempt; one the server does not take is
 * tried again with exponential backoff until it is sent or too old.
 */
final class MailNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(MailNotifier.class);
    /** Mails sent in one pass before the thread looks at new work again. */
    static final int BATCH = 50;
    /** The longest the outbox goes unlooked at, whatever the schedule says (a clock step, a failed query). */
    static final Duration POLL = Duration.ofSeconds(60);

    private final ScheduledExecutorService mailThread;
    private final Outbox outbox;
    private final NotificationSetting preferences;
    private final SmtpMailer mailer;
    private final Clock clock;
    private final RateLimit rateLimit;
    private volatile MailSettings settings; // null while the configuration is refused: nothing is queued or sent
    private volatile boolean closed;
    private final RecipientAddresses directory;
    // Mail thread only:
    private ScheduledFuture<?> wake;
    private Instant wakeAt;

    MailNotifier(MailSettings settings, Outbox outbox, NotificationSetting preferences, ScheduledExecutorService mailThread,
            SmtpMailer mailer, Clock clock) {
        this(settings, outbox, preferences, mailThread, mailer, clock, account -> Optional.empty());
    }

    /** @param directory asked first for a user's address; the configured template when it knows none */
    MailNotifier(MailSettings settings, Outbox outbox, NotificationSetting preferences, ScheduledExecutorService mailThread,
            SmtpMailer mailer, Clock clock, RecipientAddresses directory) {
        this.directory = directory;
        this.settings = settings;
        this.outbox = outbox;
        this.preferences = preferences;
        this.mailThread = mailThread;
        this.mailer = mailer;
        this.clock = clock;
        this.rateLimit = new RateLimit(settings == null ? Duration.ZERO : settings.interval());
    }

    /** The bundle's one mail thread: sending, the outbox and its retry plan, in order. */
    static ScheduledThreadPoolExecutor mailThread() {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-mailhook");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a planned retry is the next start's job
        thread.setRemoveOnCancelPolicy(true);
        return thread;
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    MailSettings settings() {
        return settings;
    }

    /** Sends what an earlier run (before a restart or an upgrade) left in the outbox. */
    void start() {
        run(this::pass);
    }

    /** Applies to the next mail; mails already composed keep what they say, and are now tried through the new server. */
    void settings(MailSettings next) {
        settings = next;
        rateLimit.interval(next.interval());
        run(this::pass);
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
        if (!run(() -> enqueue(current, event, sender))) {
            rateLimit.release(account, sender, now); // stopping: the sender's next message may still be told
        }
    }

    private boolean run(Runnable work) {
        try {
            mailThread.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void enqueue(MailSettings current, OfflineMessageStored event, String sender) {
        String account = event.recipient().toString();
        try {
            if (!preferences.enabled(event.recipient().getLocalpart().toString())) {
                LOG.debug("No mail to {} about {}: they turned mail notifications off", account, sender);
                return;
            }
        } catch (Exception e) {
            // Not knowing the choice, send nothing: a user who said no must not get mail.
            LOG.error("Whether {} wants mail could not be read; no mail about the message from {}", account, sender, e);
            return;
        }
        Optional<String> address = directory.address(event.recipient()).or(() -> current.recipients().address(event.recipient()));
        if (address.isEmpty()) {
            LOG.warn("No mail address is known for {} (template {}): no mail about the message from {}", account,
                    current.recipients(), sender);
            return;
        }
        String text = current.includeText() ? event.message().element().childText("body") : null;
        Notification mail = Notification.compose(account, address.get(), sender, event.waiting(), event.storedAt(), text);
        try {
            outbox.add(mail, clock.instant());
        } catch (SQLException | RuntimeException e) {
            LOG.error("The mail to {} about {} could not be queued; it is not sent", account, sender, e);
            return;
        }
        pass();
    }

    /** Tries every mail that is due, then sleeps until the next one is. */
    private void pass() {
        if (closed) {
            return; // what is queued stays in the outbox for the next start
        }
        if (wake != null && wake.getDelay(TimeUnit.NANOSECONDS) <= 0) {
            wake = null; // it is this pass (or one about to find nothing): the next wake-up is planned afresh below
        }
        MailSettings current = settings;
        if (current == null) {
            return; // a valid configuration starts a pass
        }
        try {
            List<Outbox.Queued> due = outbox.due(clock.instant(), BATCH);
            for (Outbox.Queued queued : due) {
                if (closed) {
                    return; // stopping; the rest stays in the outbox
                }
                attempt(current, queued);
            }
            if (due.size() == BATCH) {
                run(this::pass); // more are due: after whatever else waits for the thread
            } else {
                wakeAt(outbox.nextDue().orElse(null));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("The mail outbox could not be read; trying again in {}", POLL, e);
            wakeAt(clock.instant().plus(POLL));
        }
    }

    private void attempt(MailSettings current, Outbox.Queued queued) throws SQLException {
        Notification mail = queued.mail();
        try {
            mailer.send(current, mail);
            outbox.delete(queued.id());
            LOG.info("Mailed {} <{}> that {} wrote{}", mail.account(), mail.address(), mail.sender(),
                    queued.attempts() == 0 ? "" : " (attempt " + (queued.attempts() + 1) + ")");
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            int attempts = queued.attempts() + 1;
            Instant now = clock.instant();
            if (!now.isBefore(queued.createdAt().plus(current.backoff().giveUpAfter()))) {
                outbox.delete(queued.id());
                LOG.error("Gave up the mail to {} <{}> about {} after {} attempts since {}: {}", mail.account(), mail.address(),
                        mail.sender(), attempts, queued.createdAt(), e.toString());
                return;
            }
            Duration delay = current.backoff().delayAfter(attempts);
            outbox.retryLater(queued.id(), attempts, now.plus(delay), e.toString());
            LOG.warn("The mail to {} <{}> about {} was not taken by {} (attempt {}): {}; it is kept and tried again in {}",
                    mail.account(), mail.address(), mail.sender(), current.smtp(), attempts, e.toString(), delay);
        }
    }

    private void wakeAt(Instant at) {
        Instant now = clock.instant();
        Instant target = at == null || at.isAfter(now.plus(POLL)) ? now.plus(POLL) : at;
        if (wake != null && !wake.isDone() && !wakeAt.isAfter(target)) {
            return; // an earlier or equal wake-up is already set
        }
        if (wake != null) {
            wake.cancel(false);
        }
        long delay = Math.max(0, Duration.between(now, target).toMillis());
        try {
            wake = mailThread.schedule(this::pass, delay, TimeUnit.MILLISECONDS);
            wakeAt = target;
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * Stops after the mail being sent, if any. The thread is not interrupted: an interrupt during
     * file I/O closes the embedded database's file channel under every other bundle's feet, and
     * a blocking SMTP exchange does not heed it anyway. Events handed over but not yet queued are
     * still written to the outbox (cheap), so they are sent by the next start.
     */
    void close() {
        closed = true;
        mailThread.shutdown();
        try {
            if (!mailThread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("A mail was still being sent when the mail hook stopped; if the server took it, it may be sent again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A deleted account: its waiting mail and its choice go. */
    void forget(org.jxmpp.jid.EntityBareJid account) throws SQLException {
        outbox.forget(account.toString(), account.getLocalpart().toString());
    }
}
