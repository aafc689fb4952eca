package org.parley.itests;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real SMTP server (GreenMail) on a loopback port that stays the same across stop and start, so
 * a test can take it away from the Parley server and bring it back.
 */
final class MailServer {
    private final int port;
    private GreenMail greenMail;

    MailServer() {
        port = FreePorts.next();
    }

    int port() {
        return port;
    }

    synchronized void start() {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(30_000); // GreenMail's 2 s default fails on a busy machine
        greenMail = new GreenMail(setup);
        greenMail.start();
    }

    /** Stops it; what it received is forgotten. */
    synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** The mails received for one address, in arrival order. */
    synchronized List<MimeMessage> mailsTo(String address) throws MessagingException {
        List<MimeMessage> out = new ArrayList<>();
        if (greenMail == null) {
            return out;
        }
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            Address[] to = m.getRecipients(MimeMessage.RecipientType.TO);
            if (to != null && to.length == 1 && ((InternetAddress) to[0]).getAddress().equalsIgnoreCase(address)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Waits until at least n mails arrived for the address, and returns them all. */
    List<MimeMessage> awaitMailsTo(String address, int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<MimeMessage> mails = mailsTo(address);
            if (mails.size() >= n) {
                return mails;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " mail(s) to " + address + " within " + timeout + ", got " + mails.size());
            }
            Thread.sleep(100);
        }
    }
}
