package org.parley.muc.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.parley.api.stanza.Element;

/**
 * The muc#roomconfig data form (XEP-0045 section 10.2, XEP-0004): the form an owner gets, and a
 * submitted form read into a new {@link RoomConfig}. A submission is applied whole or refused
 * whole: an unknown or malformed field leaves the room as it was.
 */
final class RoomForms {
    static final String NAME = "muc#roomconfig_roomname";
    static final String DESCRIPTION = "muc#roomconfig_roomdesc";
    static final String PERSISTENT = "muc#roomconfig_persistentroom";
    static final String PUBLIC = "muc#roomconfig_publicroom";
    static final String MEMBERS_ONLY = "muc#roomconfig_membersonly";
    static final String MODERATED = "muc#roomconfig_moderatedroom";
    static final String PASSWORD_PROTECTED = "muc#roomconfig_passwordprotectedroom";
    static final String SECRET = "muc#roomconfig_roomsecret";
    static final String WHOIS = "muc#roomconfig_whois";
    static final String MAX_USERS = "muc#roomconfig_maxusers";
    static final String HISTORY = "muc#maxhistoryfetch";
    static final String CHANGE_SUBJECT = "muc#roomconfig_changesubject";

    private final Supplier<MucSettings> settings;

    RoomForms(Supplier<MucSettings> settings) {
        this.settings = settings;
    }

    /** The form of type {@code form} an owner fills in, showing the room's configuration now. */
    Element configForm(RoomConfig c) {
        MucSettings s = settings.get();
        Element.Builder x = Element.builder("x", Muc.DATA).attribute("type", "form")
                .child(Element.builder("title", Muc.DATA).text("Configuration of the room").build())
                .child(Muc.field("FORM_TYPE", "hidden", null, Muc.ROOMCONFIG))
                .child(Muc.field(NAME, "text-single", "Name of the room", c.name()))
                .child(Muc.field(DESCRIPTION, "text-single", "Description of the room", c.description()))
                .child(Muc.field(PERSISTENT, "boolean", "Keep the room when the last occupant leaves", bool(c.persistent())))
                .child(Muc.field(PUBLIC, "boolean", "List the room in the directory", bool(c.publicRoom())))
                .child(Muc.field(MEMBERS_ONLY, "boolean", "Only members may enter", bool(c.membersOnly())))
                .child(Muc.field(MODERATED, "boolean", "Only occupants with voice may speak", bool(c.moderated())))
                .child(Muc.field(PASSWORD_PROTECTED, "boolean", "A password is needed to enter", bool(c.passwordProtected())))
                .child(Muc.field(SECRET, "text-private", "Password", c.password()));
        Element whois = Muc.field(WHOIS, "list-single", "Who may see occupants' real JIDs", c.nonAnonymous() ? "anyone" : "moderators")
                .toBuilder().child(option("Moderators only", "moderators")).child(option("Anyone", "anyone")).build();
        x.child(whois);
        Element.Builder maxUsers = Muc.field(MAX_USERS, "list-single", "Occupants at most",
                c.maxUsers() == 0 ? "none" : Integer.toString(c.maxUsers())).toBuilder();
        for (int n : List.of(10, 20, 30, 50, 100, 200, 500, 1000)) {
            if (n <= s.maxOccupants()) {
                maxUsers.child(option(Integer.toString(n), Integer.toString(n)));
            }
        }
        maxUsers.child(option("No limit of the room's own", "none"));
        x.child(maxUsers.build());
        x.child(Muc.field(HISTORY, "text-single", "Messages of history kept (at most " + s.maxHistoryLength() + ")",
                Integer.toString(c.historyLength())));
        x.child(Muc.field(CHANGE_SUBJECT, "boolean", "Participants may change the subject", bool(c.changeSubject())));
        return x.build();
    }

    private static Element option(String label, String value) {
        return Element.builder("option", Muc.DATA).attribute("label", label)
                .child(Element.builder("value", Muc.DATA).text(value).build()).build();
    }

    private static String bool(boolean b) {
        return b ? "1" : "0";
    }

    /**
     * The configuration a submitted form makes of {@code current}; fields not submitted keep their
     * value (an empty form accepts what the room has, as "accept defaults" in Pidgin and Adium does).
     *
     * @throws IllegalArgumentException naming the first unknown or malformed field; nothing is applied
     */
    RoomConfig apply(RoomConfig current, Element form) {
        Map<String, List<String>> values = new HashMap<>();
        for (Element f : form.elements()) {
            if (!f.is("field", Muc.DATA)) {
                continue;
            }
            String var = f.attribute("var");
            if (var == null) {
                throw new IllegalArgumentException("a submitted field has no var");
            }
            values.put(var, f.elements().stream().filter(v -> v.is("value", Muc.DATA)).map(Element::text).toList());
        }
        List<String> formType = values.remove("FORM_TYPE");
        if (formType != null && !formType.equals(List.of(Muc.ROOMCONFIG))) {
            throw new IllegalArgumentException("FORM_TYPE must be " + Muc.ROOMCONFIG);
        }
        MucSettings s = settings.get();
        String name = current.name();
        String description = current.description();
        boolean persistent = current.persistent();
        boolean publicRoom = current.publicRoom();
        boolean membersOnly = current.membersOnly();
        boolean moderated = current.moderated();
        Boolean passwordProtected = null;
        String password = current.password();
        boolean nonAnonymous = current.nonAnonymous();
        int maxUsers = current.maxUsers();
        int history = current.historyLength();
        boolean changeSubject = current.changeSubject();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            String var = e.getKey();
            String v = single(var, e.getValue());
            switch (var) {
                case NAME -> name = text(var, v, 1023);
                case DESCRIPTION -> description = text(var, v, 4000);
                case PERSISTENT -> persistent = bool(var, v);
                case PUBLIC -> publicRoom = bool(var, v);
                case MEMBERS_ONLY -> membersOnly = bool(var, v);
                case MODERATED -> moderated = bool(var, v);
                case PASSWORD_PROTECTED -> passwordProtected = bool(var, v);
                case SECRET -> password = text(var, e.getValue().isEmpty() ? "" : e.getValue().get(0), 1023);
                case WHOIS -> {
                    if (!v.equals("anyone") && !v.equals("moderators")) {
                        throw new IllegalArgumentException("field " + var + " is 'moderators' or 'anyone', not '" + v + "'");
                    }
                    nonAnonymous = v.equals("anyone");
                }
                case MAX_USERS -> maxUsers = v.equals("none") || v.isEmpty() ? 0 : number(var, v, 1, s.maxOccupants());
                case HISTORY -> history = number(var, v, 0, s.maxHistoryLength());
                case CHANGE_SUBJECT -> changeSubject = bool(var, v);
                default -> throw new IllegalArgumentException("unknown field " + var);
            }
        }
        if (passwordProtected != null && !passwordProtected) {
            password = "";
        } else if (Boolean.TRUE.equals(passwordProtected) && password.isEmpty()) {
            throw new IllegalArgumentException("a password-protected room needs " + SECRET);
        }
        return new RoomConfig(name, description, persistent, publicRoom, membersOnly, moderated, password, nonAnonymous,
                maxUsers, history, changeSubject);
    }

    private static String single(String var, List<String> values) {
        if (values.size() > 1) {
            throw new IllegalArgumentException("field " + var + " takes one value");
        }
        return values.isEmpty() ? "" : values.get(0).strip();
    }

    private static String text(String var, String v, int max) {
        if (v.length() > max) {
            throw new IllegalArgumentException("field " + var + " is longer than " + max + " characters");
        }
        return v;
    }

    private static boolean bool(String var, String v) {
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new IllegalArgumentException("field " + var + " is a boolean (0, 1, false, true), not '" + v + "'");
        };
    }

    private static int number(String var, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("field " + var + " is a whole number from " + min + " to " + max + ", not '" + v + "'");
    }
}
