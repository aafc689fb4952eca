package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.mailhook.internal.Configs.config;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MailSettingsTest {
    @Test
    void theDefaultsWork() {
        MailSettings s = MailSettings.from(config(), "example.edu");
        assertEquals("localhost", s.smtp().host());
        assertEquals(587, s.smtp().port(), "starttls on the submission port");
        assertEquals(MailSettings.Security.STARTTLS, s.smtp().security());
        assertEquals("noreply@example.edu", s.from());
        assertFalse(s.includeText(), "the text stays in the service unless the operator says otherwise");
        assertEquals(Duration.ofMinutes(15), s.interval());
    }

    @Test
    void theUsualPortFollowsTheSecurityMode() {
        assertEquals(465, MailSettings.from(config("smtpSecurity", "SMTPS"), "x.org").smtp().port());
        assertEquals(25, MailSettings.from(config("smtpSecurity", "none"), "x.org").smtp().port());
        assertEquals(2525, MailSettings.from(config("smtpSecurity", "none", "smtpPort", 2525), "x.org").smtp().port());
    }

    @Test
    void thePasswordIsNeverShown() {
        MailSettings s = MailSettings.from(config("smtpUsername", "relay", "smtpPassword", "s3cret"), "x.org");
        assertFalse(s.smtp().toString().contains("s3cret"), s.smtp().toString());
        assertFalse(s.toString().contains("s3cret"), "the record's own toString uses Smtp's");
    }

    @Test
    void eachBadValueIsRefusedNamingItsKey() {
        assertRefused("smtpHost", config("smtpHost", " "));
        assertRefused("smtpHost", config("smtpHost", "mail example"));
        assertRefused("smtpPort", config("smtpPort", 70000));
        assertRefused("smtpPort", config("smtpPort", -1));
        assertRefused("smtpSecurity", config("smtpSecurity", "ssl3"));
        assertRefused("smtpPassword", config("smtpUsername", "relay"));
        assertRefused("smtpSecurity", config("smtpSecurity", "none", "smtpUsername", "relay", "smtpPassword", "pw"));
        assertRefused("smtpTimeoutSeconds", config("smtpTimeoutSeconds", 0));
        assertRefused("from", config("from", "not an address"));
        assertRefused("recipientTemplate", config("recipientTemplate", "{user}@example.edu"));
        assertRefused("recipientTemplate", config("recipientTemplate", "{localpart@example.edu"));
        assertRefused("intervalSeconds", config("intervalSeconds", -5));
        assertRefused("retryInitialSeconds", config("retryInitialSeconds", 0));
        assertRefused("retryMaxSeconds", config("retryInitialSeconds", 60, "retryMaxSeconds", 30));
        assertRefused("retryGiveUpHours", config("retryGiveUpHours", 0));
    }

    private static void assertRefused(String key, MailHookConfig config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailSettings.from(config, "example.edu"));
        assertTrue(e.getMessage().startsWith(key + ":"), "expected the key " + key + " first in: " + e.getMessage());
    }
}
