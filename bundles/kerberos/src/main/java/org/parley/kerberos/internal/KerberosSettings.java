package org.parley.kerberos.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * The Kerberos configuration as checked values. {@link #parse} gives either settings to use as a
 * whole or the problems, each naming its key; the caller then keeps what it had, since the keys
 * depend on each other (the realms default to the principal's, the rule's groups to its pattern).
 *
 * @param keytab null when GSSAPI is not configured
 */
record KerberosSettings(Path keytab, String principal, Set<String> realms, Pattern principalPattern,
        String localpartTemplate, boolean requireAccount) {

    /** service/host@REALM; the GSSAPI service name RFC 6120 registers for XMPP is "xmpp". */
    private static final Pattern SERVICE_PRINCIPAL = Pattern.compile("([^/@\\s]+)/([^/@\\s]+)@([^/@\\s]+)");
    private static final Pattern REALM = Pattern.compile("[^/@\\s,]+");
    private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$(\\d)|\\$");
    private static final String FORBIDDEN_IN_LOCALPART = "\"&'/:<>@";
    private static final int MAX_LOCALPART_OCTETS = 1023;

    /** A configuration error: the key and what is wrong with its value. */
    record Problem(String key, String reason) {
        @Override
        public String toString() {
            return KerberosConfig.PID + ": key '" + key + "': " + reason;
        }
    }

    /** Either settings or the problems that prevent them. */
    record Parsed(KerberosSettings settings, List<Problem> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    boolean configured() {
        return keytab != null;
    }

    static Parsed parse(KerberosConfig c, Path etc) {
        List<Problem> problems = new ArrayList<>();
        String keytabValue = c.keytab() == null ? "" : c.keytab().trim();
        Path keytab = null;
        if (!keytabValue.isEmpty()) {
            try {
                Path p = Path.of(keytabValue);
                keytab = p.isAbsolute() || etc == null ? p : etc.resolve(p);
            } catch (InvalidPathException e) {
                problems.add(new Problem("keytab", "not a file name: " + e.getMessage()));
            }
        }
        String principal = c.principal() == null ? "" : c.principal().trim();
        String principalRealm = null;
        if (principal.isEmpty()) {
            if (!keytabValue.isEmpty()) {
                problems.add(new Problem("principal", "is required with a keytab: the service principal, xmpp/<host>@<REALM>"));
            }
        } else {
            Matcher m = SERVICE_PRINCIPAL.matcher(principal);
            if (m.matches()) {
                principalRealm = m.group(3);
            } else {
                problems.add(new Problem("principal", "'" + principal + "' is not a service principal of the form xmpp/<host>@<REALM>"));
            }
        }
        Set<String> realms = new LinkedHashSet<>();
        for (String r : c.realms() == null ? new String[0] : c.realms()) {
            // FileInstall gives a comma-separated list as one string when it is not an array.
            for (String part : r.split(",")) {
                String realm = part.trim();
                if (realm.isEmpty()) {
                    continue;
                }
                if (REALM.matcher(realm).matches()) {
                    realms.add(realm);
                } else {
                    problems.add(new Problem("realms", "'" + realm + "' is not a realm name"));
                }
            }
        }
        if (realms.isEmpty() && principalRealm != null) {
            realms.add(principalRealm);
        }
        Pattern pattern = null;
        try {
            pattern = Pattern.compile(c.principalPattern() == null ? "" : c.principalPattern());
        } catch (PatternSyntaxException e) {
            problems.add(new Problem("principalPattern", "not a regular expression: " + e.getDescription()));
        }
        String template = c.localpart() == null ? "" : c.localpart().trim();
        if (template.isEmpty()) {
            problems.add(new Problem("localpart", "is empty"));
        } else if (pattern != null) {
            int groups = pattern.matcher("").groupCount();
            Matcher refs = GROUP_REFERENCE.matcher(template);
            while (refs.find()) {
                if (refs.group(1) == null) {
                    problems.add(new Problem("localpart", "'$' must be followed by a group number 1-9 in '" + template + "'"));
                    break;
                }
                int g = Integer.parseInt(refs.group(1));
                if (g == 0 || g > groups) {
                    problems.add(new Problem("localpart", "'$" + g + "' names no group of principalPattern (it has "
                            + groups + ")"));
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed(null, List.copyOf(problems));
        }
        return new Parsed(new KerberosSettings(keytab, principal, Set.copyOf(realms), pattern, template,
                c.requireAccount()), List.of());
    }

    /** The realm of a principal: what follows its last unescaped '@'; empty when it has none. */
    static String realmOf(String principal) {
        for (int i = principal.length() - 1; i >= 0; i--) {
            if (principal.charAt(i) == '@' && (i == 0 || principal.charAt(i - 1) != '\\')) {
                return principal.substring(i + 1);
            }
        }
        return "";
    }

    boolean realmAllowed(String realm) {
        return realms.contains(realm);
    }

    /**
     * The account the configured rule gives a principal: the template filled with the pattern's
     * groups, prepared as a localpart (RFC 7622). Empty when the principal does not match as a
     * whole or the result is no valid localpart.
     */
    Optional<String> localpart(String principal) {
        Matcher m = principalPattern.matcher(principal);
        if (!m.matches()) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        Matcher refs = GROUP_REFERENCE.matcher(localpartTemplate);
        int at = 0;
        while (refs.find()) {
            name.append(localpartTemplate, at, refs.start());
            String group = m.group(Integer.parseInt(refs.group(1)));
            name.append(group == null ? "" : group);
            at = refs.end();
        }
        name.append(localpartTemplate.substring(at));
        return prepared(name.toString());
    }

    /** RFC 7622 section 3.3: UsernameCaseMapped, then the characters a JID's localpart must not have. */
    static Optional<String> prepared(String localpart) {
        if (localpart.isEmpty()) {
            return Optional.empty();
        }
        String p;
        try {
            p = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(localpart);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (int i = 0; i < p.length(); i++) {
            if (FORBIDDEN_IN_LOCALPART.indexOf(p.charAt(i)) >= 0) {
                return Optional.empty();
            }
        }
        return p.getBytes(StandardCharsets.UTF_8).length > MAX_LOCALPART_OCTETS ? Optional.empty() : Optional.of(p);
    }

    @Override
    public String toString() {
        return "keytab " + keytab + ", principal " + principal + ", realms " + realms + ", principals matching "
                + principalPattern + " map to " + localpartTemplate + "@<domain>"
                + (requireAccount ? " (existing accounts only)" : "");
    }
}
