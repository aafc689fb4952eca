package org.parley.ldap.internal;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.parley.api.stanza.Element;
import org.parley.ldap.internal.LdapSettings.VCardField;

/** A XEP-0054 vCard built from a directory entry's attributes through the configured map. */
final class VCards {
    static final String NAMESPACE = "vcard-temp";

    private VCards() {
    }

    static Element build(LdapSettings.VCardMap map, Map<String, List<Object>> attributes) {
        Element.Builder v = Element.builder("vCard", NAMESPACE);
        String given = text(map, attributes, VCardField.GIVEN_NAME);
        String family = text(map, attributes, VCardField.FAMILY_NAME);
        if (given != null || family != null) {
            Element.Builder n = Element.builder("N", NAMESPACE);
            if (family != null) {
                n.textChild("FAMILY", family);
            }
            if (given != null) {
                n.textChild("GIVEN", given);
            }
            v.child(n.build());
        }
        // After N: clients that derive FN from N (Smack) then keep the directory's FN.
        String fn = text(map, attributes, VCardField.FULL_NAME);
        if (fn != null) {
            v.textChild("FN", fn);
        }
        String title = text(map, attributes, VCardField.TITLE);
        if (title != null) {
            v.textChild("TITLE", title);
        }
        String org = text(map, attributes, VCardField.ORGANISATION);
        String unit = text(map, attributes, VCardField.UNIT);
        if (org != null || unit != null) {
            Element.Builder o = Element.builder("ORG", NAMESPACE);
            // ORGNAME is required in ORG by the vCard DTD of XEP-0054: an empty one when only the unit is known.
            o.textChild("ORGNAME", org == null ? "" : org);
            if (unit != null) {
                o.textChild("ORGUNIT", unit);
            }
            v.child(o.build());
        }
        String phone = text(map, attributes, VCardField.PHONE);
        if (phone != null) {
            v.child(Element.builder("TEL", NAMESPACE).child(Element.empty("WORK", NAMESPACE))
                    .child(Element.empty("VOICE", NAMESPACE)).textChild("NUMBER", phone).build());
        }
        String email = text(map, attributes, VCardField.EMAIL);
        if (email != null) {
            // The institution's address: WORK.
            v.child(Element.builder("EMAIL", NAMESPACE).child(Element.empty("WORK", NAMESPACE)).child(Element.empty("INTERNET", NAMESPACE))
                    .child(Element.empty("PREF", NAMESPACE)).textChild("USERID", email).build());
        }
        byte[] photo = bytes(map, attributes, VCardField.PHOTO);
        if (photo != null && photo.length > 0 && photo.length <= map.maxPhotoBytes()) {
            String type = imageType(photo);
            if (type != null) {
                v.child(Element.builder("PHOTO", NAMESPACE).textChild("TYPE", type)
                        .textChild("BINVAL", Base64.getEncoder().encodeToString(photo)).build());
            }
        }
        return v.build();
    }

    /** The media type from the first bytes; null for anything but JPEG and PNG, which is left out. */
    static String imageType(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        return null;
    }

    private static String text(LdapSettings.VCardMap map, Map<String, List<Object>> attributes, VCardField field) {
        String attribute = map.attributes().get(field);
        List<Object> values = attribute == null ? null : attributes.get(attribute);
        if (values == null || values.isEmpty()) {
            return null;
        }
        Object v = values.get(0);
        String s = v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
        return s.isBlank() ? null : s;
    }

    private static byte[] bytes(LdapSettings.VCardMap map, Map<String, List<Object>> attributes, VCardField field) {
        String attribute = map.attributes().get(field);
        List<Object> values = attribute == null ? null : attributes.get(attribute);
        if (values == null || values.isEmpty()) {
            return null;
        }
        return values.get(0) instanceof byte[] b ? b : null;
    }
}
