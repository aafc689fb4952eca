package org.parley.ldap.internal;

/**
 * Builds the search for one user. The username comes from the client, so it is escaped as an
 * RFC 4515 assertion value: '*', '(', ')', '\' and NUL become \2a, \28, \29, \5c and \00, and a
 * name like {@code *)(uid=*} is a literal that matches no one instead of a wildcard that matches
 * everyone (LDAP injection).
 */
final class LdapFilters {
    private LdapFilters() {
    }

    static String escapeValue(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '*' -> out.append("\\2a");
                case '(' -> out.append("\\28");
                case ')' -> out.append("\\29");
                case '\\' -> out.append("\\5c");
                case '\0' -> out.append("\\00");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The operator's filter (which entries are accounts here) and the username equality. */
    static String userFilter(LdapSettings settings, String username) {
        return "(&" + settings.userFilter() + "(" + settings.usernameAttribute() + "=" + escapeValue(username) + "))";
    }
}
