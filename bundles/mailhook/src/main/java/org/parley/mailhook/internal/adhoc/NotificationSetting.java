package org.parley.mailhook.internal.adhoc;

/** Where a user's choice is kept. Blocking: the command calls it on the worker pool. */
public interface NotificationSetting {
    boolean enabled(String username) throws Exception;

    void enabled(String username, boolean on) throws Exception;
}
