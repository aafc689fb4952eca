package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.server.TestWorkers;
import org.parley.api.stanza.Element;

class VCardsTest {
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F'};

    private static LdapSettings.VCardMap defaults(TestConfig c) {
        LdapSettings.Parsed p = LdapSettings.parse(c.set("urls", new String[] {"ldap://x"}).set("baseDn", "dc=x").build(), Path.of("."));
        assertTrue(p.valid(), p.problems().toString());
        return p.settings().vcard();
    }

    @Test
    void theFieldsComeFromTheMappedAttributes() {
        Element v = VCards.build(defaults(new TestConfig()), Map.of("cn", List.of("Alice Liddell"), "givenName", List.of("Alice"),
                "sn", List.of("Liddell"), "mail", List.of("alice@example.org"), "o", List.of("Example University"),
                "ou", List.of("Mathematics"), "telephoneNumber", List.of("+44 1865 270000"), "jpegPhoto", List.of(JPEG)));
        assertEquals("vCard", v.name());
        assertEquals("vcard-temp", v.namespace());
        assertEquals("Alice Liddell", v.childText("FN"));
        assertEquals("Alice", v.child("N", "vcard-temp").childText("GIVEN"));
        assertEquals("Liddell", v.child("N", "vcard-temp").childText("FAMILY"));
        assertEquals("alice@example.org", v.child("EMAIL", "vcard-temp").childText("USERID"));
        assertEquals("Example University", v.child("ORG", "vcard-temp").childText("ORGNAME"));
        assertEquals("Mathematics", v.child("ORG", "vcard-temp").childText("ORGUNIT"));
        assertEquals("+44 1865 270000", v.child("TEL", "vcard-temp").childText("NUMBER"));
        Element photo = v.child("PHOTO", "vcard-temp");
        assertEquals("image/jpeg", photo.childText("TYPE"));
        assertArrayEquals(JPEG, Base64.getDecoder().decode(photo.childText("BINVAL")));
        assertNull(v.child("TITLE", "vcard-temp"), "no title attribute, no TITLE");
    }

    @Test
    void anOperatorCanRemapAndLeaveFieldsOut() {
        LdapSettings.VCardMap map = defaults(new TestConfig().set("vcardFullName", "displayName").set("vcardPhone", "")
                .set("vcardPhoto", "thumbnailPhoto"));
        Element v = VCards.build(map, Map.of("displayName", List.of("Dr. A. Liddell"), "telephoneNumber", List.of("123")));
        assertEquals("Dr. A. Liddell", v.childText("FN"));
        assertNull(v.child("TEL", "vcard-temp"), "phone is not mapped");
    }

    @Test
    void aPhotoThatIsTooLargeOrNotAnImageIsLeftOut() {
        LdapSettings.VCardMap map = defaults(new TestConfig().set("vcardMaxPhotoBytes", 8));
        assertNull(VCards.build(map, Map.of("jpegPhoto", List.of(JPEG))).child("PHOTO", "vcard-temp"), "10 bytes > 8");
        LdapSettings.VCardMap roomy = defaults(new TestConfig());
        assertNull(VCards.build(roomy, Map.of("jpegPhoto", List.of(new byte[] {1, 2, 3, 4}))).child("PHOTO", "vcard-temp"));
        assertEquals("image/png", VCards.imageType(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}));
    }

    @Test
    void aUnitWithoutOrganisationStillHasTheRequiredOrgname() {
        Element org = VCards.build(defaults(new TestConfig()), Map.of("ou", List.of("Physics"))).child("ORG", "vcard-temp");
        assertEquals("", org.childText("ORGNAME"));
        assertEquals("Physics", org.childText("ORGUNIT"));
    }

    @Test
    void anInvalidAttributeNameIsRefusedNamingItsKey() {
        LdapSettings.Parsed p = LdapSettings.parse(new TestConfig().set("urls", new String[] {"ldap://x"}).set("baseDn", "dc=x")
                .set("vcardEmail", "mail)(x").build(), Path.of("."));
        assertEquals("vcardEmail", p.problems().get(0).key());
    }

    @Test
    void theEntrysTextAndBinaryAttributesAreReadFromARealDirectory() throws Exception {
        try (TestDirectory directory = new TestDirectory(); TestWorkers workers = new TestWorkers()) {
            Entry alice = directory.server.getEntry("uid=alice,ou=people," + TestDirectory.BASE);
            directory.server.modify("uid=alice,ou=people," + TestDirectory.BASE,
                    new com.unboundid.ldap.sdk.Modification(com.unboundid.ldap.sdk.ModificationType.ADD, "jpegPhoto", JPEG));
            assertTrue(alice.hasAttribute(new Attribute("uid", "alice")));
            LdapSettings s = LdapSettings.parse(TestConfig.of(directory).build(), Path.of(".")).settings();
            try (DirectoryClient client = new DirectoryClient(s, TestCodec.SERVICE)) {
                DirectoryClient.User user = assertInstanceOf(DirectoryClient.User.class, client.find("alice"));
                Map<String, List<Object>> values = client.attributes(user.dn(), s.vcard().attributes().values());
                assertEquals(List.of("alice"), values.get("cn"));
                assertEquals(List.of("alice@example.org"), values.get("mail"));
                assertArrayEquals(JPEG, (byte[]) values.get("jpegPhoto").get(0));
                Element v = VCards.build(s.vcard(), values);
                assertEquals("image/jpeg", v.child("PHOTO", "vcard-temp").childText("TYPE"));
            }
        }
    }
}
