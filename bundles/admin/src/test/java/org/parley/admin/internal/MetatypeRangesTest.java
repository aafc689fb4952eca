package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetatypeRangesTest {
    private static final String XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.2.0">
              <OCD id="org.example.Config" name="Example">
                <AD id="port" type="Integer" min="1" max="65535" default="5222"/>
                <AD id="holdSeconds" type="Integer" min="0" default="30"/>
                <AD id="ratio" type="Double" max="0.5" default="0.25"/>
                <AD id="name" type="String" min="1" max="20" default="x"/>
                <AD id="count" type="Integer" default="3"/>
              </OCD>
              <Designate pid="org.example">
                <Object ocdref="org.example.Config"/>
              </Designate>
            </metatype:MetaData>
            """;

    @Test
    void theRangesOfTheDesignatedPidAreReadByKeyAndAStringsLengthBoundsAreNot() throws Exception {
        Map<String, MetatypeRanges.Range> ranges = MetatypeRanges.parse(stream(XML), "org.example");

        assertEquals(Map.of("port", new MetatypeRanges.Range("1", "65535"), "holdSeconds", new MetatypeRanges.Range("0", null),
                "ratio", new MetatypeRanges.Range(null, "0.5")), ranges);
        assertNull(MetatypeRanges.parse(stream(XML), "org.example.other"), "a document that does not designate the PID");
    }

    @Test
    void aValueOutsideNamesTheBoundItCrossedAndInsideOrNotANumberIsNotARangeProblem() {
        MetatypeRanges.Range port = new MetatypeRanges.Range("1", "65535");

        assertEquals("0 is below the minimum 1", port.refusal("0"));
        assertEquals("70000 is above the maximum 65535", port.refusal(" 70000 "));
        assertEquals("-1 is below the minimum 1", port.refusal("-1"));
        assertNull(port.refusal("1"));
        assertNull(port.refusal("65535"));
        assertNull(port.refusal("many"), "the type check names that");
        assertEquals("99999999999999999999 is above the maximum 65535", port.refusal("99999999999999999999"));
        assertEquals("0.75 is above the maximum 0.5", new MetatypeRanges.Range(null, "0.5").refusal("0.75"));
    }

    @Test
    void theRangeIsDescribedForTheFormAndTheApi() {
        assertEquals("1 to 65535", new MetatypeRanges.Range("1", "65535").describe());
        assertEquals("at least 0", new MetatypeRanges.Range("0", null).describe());
        assertEquals("at most 60", new MetatypeRanges.Range(null, "60").describe());
    }

    /** The XML bnd wrote for this bundle's own configuration, so a change in bnd's output is seen here. */
    @Test
    void theRangesBndWroteForTheAdminConfigurationAreRead() throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF/metatype/org.parley.admin.internal.AdminConfig.xml");
        try (InputStream in = Files.newInputStream(xml)) {
            Map<String, MetatypeRanges.Range> ranges = MetatypeRanges.parse(in, AdminConfig.PID);

            assertEquals(new MetatypeRanges.Range("10", "86400"), ranges.get("sessionIdleSeconds"));
            assertEquals(new MetatypeRanges.Range("1024", "1073741824"), ranges.get("maxUploadBytes"));
        }
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.strip().getBytes(StandardCharsets.UTF_8));
    }
}
