package org.parley.mailhook.internal;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/**
 * Sends one notification over SMTP and blocks until the server took it or refused it: run only on
 * the mail thread.
 */
final class SmtpMailer {
    /**
     * @throws MessagingException when the server could not be reached or did not take the mail;
     *     the caller keeps the mail and tries again later
     */
    void send(MailSettings settings, Notification mail) throws MessagingException {
        MailSettings.Smtp smtp = settings.smtp();
        String protocol = smtp.security() == MailSettings.Security.SMTPS ? "smtps" : "smtp";
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        String timeout = Long.toString(smtp.timeout().toMillis());
        props.setProperty(prefix + "connectiontimeout", timeout);
        props.setProperty(prefix + "timeout", timeout);
        props.setProperty(prefix + "writetimeout", timeout);
        props.setProperty(prefix + "auth", Boolean.toString(!smtp.username().isEmpty()));
        if (smtp.security() == MailSettings.Security.STARTTLS) {
            // Required, not opportunistic: a server that does not offer it is an error, not a reason to send in clear.
            props.setProperty(prefix + "starttls.enable", "true");
            props.setProperty(prefix + "starttls.required", "true");
        }
        if (smtp.security() != MailSettings.Security.NONE) {
            props.setProperty(prefix + "ssl.checkserveridentity", "true");
            if (smtp.tls() != null) {
                props.put(prefix + "ssl.socketFactory", smtp.tls()); // used for SMTPS and for the STARTTLS upgrade
            }
        }
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(settings.from(), true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.address(), true));
        message.setSubject(mail.subject(), "UTF-8");
        message.setSentDate(new Date());
        message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: vacation responders must not answer it
        // A data source, not setText: writing a String needs a content handler found through the
        // activation framework's mailcap, which a bundle's class loader does not see.
        message.setDataHandler(new DataHandler(new ByteArrayDataSource(mail.body().getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=UTF-8")));
        message.saveChanges();
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(smtp.host(), smtp.port(), smtp.username().isEmpty() ? null : smtp.username(),
                    smtp.username().isEmpty() ? null : smtp.password());
            transport.sendMessage(message, message.getAllRecipients());
        }
    }
}
