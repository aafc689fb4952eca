package org.parley.kerberos.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.sasl.SaslException;
import org.ietf.jgss.GSSException;

/**
 * Why the JDK refused a client's GSSAPI token, in words for the client's {@code <text/>}. The JDK
 * gives the Kerberos error code (RFC 4120 section 7.5.9) as the GSS minor status or, as Java 17's
 * acceptor does (minor -1), only in the message of the cause ({@code "Ticket expired (32)"}),
 * whose class is JDK-internal; a failed decryption has no code at all ("Checksum failed").
 *
 * @param text for the client: what is wrong and what to do
 * @param detail for the log: the JDK's own words
 * @param mayBeTheKeytab whether the server's key, not the ticket, may be at fault (a ticket for
 *     another service looks the same as a keytab that lost the key)
 */
record GssRefusal(String text, String detail, boolean mayBeTheKeytab) {
    static final int KRB_AP_ERR_BAD_INTEGRITY = 31;
    static final int KRB_AP_ERR_TKT_EXPIRED = 32;
    static final int KRB_AP_ERR_TKT_NYV = 33;
    static final int KRB_AP_ERR_REPEAT = 34;
    static final int KRB_AP_ERR_NOT_US = 35;
    static final int KRB_AP_ERR_BADMATCH = 36;
    static final int KRB_AP_ERR_SKEW = 37;
    static final int KRB_AP_ERR_MODIFIED = 41;
    static final int KRB_AP_ERR_BADKEYVER = 44;
    static final int KRB_AP_ERR_NOKEY = 45;

    private static final String OTHER_SERVICE = "the Kerberos ticket is not for this service: get a ticket for xmpp/<host>";

    static GssRefusal of(SaslException e) {
        GSSException gss = gssCause(e);
        String detail = gss != null ? gss.getMessage() + " (major " + gss.getMajor() + ", minor " + gss.getMinor() + ")"
                : String.valueOf(e.getMessage());
        if (gss == null) {
            return new GssRefusal("the GSSAPI exchange is not valid: " + e.getMessage(), detail, false);
        }
        String message = messages(e);
        switch (kerberosCode(gss, e)) {
            case KRB_AP_ERR_TKT_EXPIRED:
                return new GssRefusal("the Kerberos ticket has expired: renew it (kinit) and sign in again", detail, false);
            case KRB_AP_ERR_TKT_NYV:
                return new GssRefusal("the Kerberos ticket is not yet valid", detail, false);
            case KRB_AP_ERR_SKEW:
                return new GssRefusal("the clocks of the client and the server differ too much for Kerberos", detail, false);
            case KRB_AP_ERR_REPEAT:
                return new GssRefusal("the Kerberos authenticator was replayed", detail, false);
            case KRB_AP_ERR_NOT_US:
            case KRB_AP_ERR_BADMATCH:
                return new GssRefusal(OTHER_SERVICE, detail, false);
            case KRB_AP_ERR_BAD_INTEGRITY:
            case KRB_AP_ERR_MODIFIED:
            case KRB_AP_ERR_BADKEYVER:
            case KRB_AP_ERR_NOKEY:
                return new GssRefusal(OTHER_SERVICE, detail, true);
            default:
                break;
        }
        if (message.contains("Cannot find key") || message.contains("Checksum failed")
                || message.contains("Integrity check") || gss.getMajor() == GSSException.NO_CRED) {
            return new GssRefusal(OTHER_SERVICE, detail, true);
        }
        if (gss.getMajor() == GSSException.CREDENTIALS_EXPIRED || gss.getMajor() == GSSException.CONTEXT_EXPIRED) {
            return new GssRefusal("the Kerberos ticket has expired: renew it (kinit) and sign in again", detail, false);
        }
        if (gss.getMajor() == GSSException.DEFECTIVE_TOKEN || gss.getMajor() == GSSException.BAD_MECH) {
            return new GssRefusal("the GSSAPI token is not a Kerberos V5 token", detail, false);
        }
        return new GssRefusal("the Kerberos ticket was not accepted", detail, false);
    }

    private static final Pattern CODE = Pattern.compile("\\((\\d{1,3})\\)\\s*$");

    /** The Kerberos error code: the minor status when the JDK sets one, else the "(NN)" ending a cause's message. */
    private static int kerberosCode(GSSException gss, Throwable e) {
        if (gss.getMinor() > 0) {
            return gss.getMinor();
        }
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            Matcher m = CODE.matcher(String.valueOf(t.getMessage()));
            if (m.find() && !(t instanceof SaslException)) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            all.append(t.getMessage()).append(' ');
        }
        return all.toString();
    }

    private static GSSException gssCause(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof GSSException g) {
                return g;
            }
        }
        return null;
    }
}
