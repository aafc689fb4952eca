package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslMechanism;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What SCR will register, read from the component descriptors bnd generated into this bundle (the
 * Service-Component header of its manifest), not from the classes: the session core orders the
 * offer by these service rankings, so they are the behaviour.
 */
class MechanismRegistrationTest {
    private record Registered(String implementation, int ranking, List<String> references) {
    }

    @Test
    void theBundleRegistersSixMechanismsRankedStrongestFirst() throws Exception {
        List<Registered> mechanisms = registeredMechanisms();
        mechanisms.sort(Comparator.comparingInt(Registered::ranking).reversed());
        // EXTERNAL first: a client that presented a trusted certificate should use it (XEP-0178).
        Registered external = mechanisms.remove(0);
        assertEquals(ExternalMechanism.class.getName(), external.implementation());
        assertEquals(ExternalMechanism.RANKING, external.ranking());

        AuthCore core = new AuthCore(new InMemoryUserStore(), null, AuthSettings.DEFAULTS, SaslFixture.SECRET,
                () -> "n", System::nanoTime, name -> false);
        List<String> names = new ArrayList<>();
        for (Registered r : mechanisms) {
            RegisteredMechanism m = (RegisteredMechanism) Class.forName(r.implementation())
                    .getConstructor(AuthCore.class).newInstance(core);
            names.add(m.name());
            assertEquals(m.mechanism().ranking(), r.ranking(), r.implementation() + ": the ranking the tests assume");
        }
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), names);
        assertEquals(names.size(), mechanisms.stream().map(Registered::ranking).distinct().count(),
                "no two rankings tie (a tie would be broken by service id, i.e. by start order)");
    }

    @Test
    void everyPasswordMechanismSharesTheOneAuthCoreAndNothingElse() throws Exception {
        for (Registered r : registeredMechanisms()) {
            if (r.implementation().equals(ExternalMechanism.class.getName())) {
                // It also checks certificates with the tls bundle and asks every directory whether an account exists.
                assertEquals(java.util.Set.of(AuthCore.class.getName(), "org.parley.api.tls.TlsContextProvider",
                        "org.parley.api.auth.UserDirectory"), java.util.Set.copyOf(r.references()), r.implementation());
            } else {
                assertEquals(List.of(AuthCore.class.getName()), r.references(), r.implementation());
            }
        }
    }

    private static List<Registered> registeredMechanisms() throws Exception {
        List<Registered> result = new ArrayList<>();
        for (String descriptor : serviceComponents()) {
            Document doc;
            try (InputStream in = AuthCore.class.getClassLoader().getResourceAsStream(descriptor)) {
                doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            }
            if (!provides(doc, SaslMechanism.class.getName())) {
                continue;
            }
            Integer ranking = null;
            NodeList properties = doc.getElementsByTagName("property");
            for (int i = 0; i < properties.getLength(); i++) {
                Element p = (Element) properties.item(i);
                if (p.getAttribute("name").equals("service.ranking")) {
                    assertEquals("Integer", p.getAttribute("type"), descriptor);
                    ranking = Integer.valueOf(p.getAttribute("value"));
                }
            }
            List<String> references = new ArrayList<>();
            NodeList refs = doc.getElementsByTagName("reference");
            for (int i = 0; i < refs.getLength(); i++) {
                references.add(((Element) refs.item(i)).getAttribute("interface"));
            }
            String implementation = ((Element) doc.getElementsByTagName("implementation").item(0)).getAttribute("class");
            assertTrue(ranking != null, descriptor + " has no service.ranking");
            result.add(new Registered(implementation, ranking, references));
        }
        assertEquals(6, result.size(), "mechanism components: " + result);
        return result;
    }

    private static boolean provides(Document doc, String service) {
        NodeList provides = doc.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            if (((Element) provides.item(i)).getAttribute("interface").equals(service)) {
                return true;
            }
        }
        return false;
    }

    /** The descriptors this bundle's manifest names, as SCR finds them. */
    private static List<String> serviceComponents() throws Exception {
        for (URL url : Collections.list(AuthCore.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            try (InputStream in = url.openStream()) {
                Manifest mf = new Manifest(in);
                if ("org.parley.auth".equals(mf.getMainAttributes().getValue("Bundle-SymbolicName"))) {
                    String header = mf.getMainAttributes().getValue("Service-Component");
                    return List.of(header.split("\\s*,\\s*"));
                }
            }
        }
        throw new AssertionError("no manifest of org.parley.auth on the test class path");
    }
}
