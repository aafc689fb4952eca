package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
    private static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");

    /** Parsed as XML: a chart that is not well-formed (an unescaped name, say) fails here. */
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Instant> times(int n) {
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times.add(T0.plusSeconds(10L * i));
        }
        return times;
    }

    private static List<double[]> points(Element polyline) {
        List<double[]> result = new ArrayList<>();
        for (String pair : polyline.getAttribute("points").split(" ")) {
            String[] xy = pair.split(",");
            result.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return result;
    }

    @Test
    void aLineChartHasOnePolylinePerSeriesWithAPointPerSampleAndTheTimesAtItsEnds() throws Exception {
        String svg = SvgChart.lines("online", "Online", times(4), List.of(
                new SvgChart.Series("users", new double[] {1, 2, 3, 4}),
                new SvgChart.Series("sessions", new double[] {2, 3, 4, 5})));
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals("online", doc.getDocumentElement().getAttribute("id"));
        NodeList lines = doc.getElementsByTagName("polyline");
        assertEquals(2, lines.getLength());
        assertEquals(4, points((Element) lines.item(0)).size());
        assertEquals("users", ((Element) lines.item(0)).getElementsByTagName("title").item(0).getTextContent());
        assertTrue(doc.getDocumentElement().getTextContent().contains("20:00 UTC"), "the first sample's time is under the axis");
        assertTrue(doc.getDocumentElement().getTextContent().contains("sessions"), "the legend names each series");
    }

    @Test
    void theLargestValueReachesTheTopOfARoundedAxisAndZeroTheBottom() throws Exception {
        Document doc = parse(SvgChart.lines("c", "C", times(3), List.of(new SvgChart.Series("s", new double[] {0, 5, 10}))));
        List<double[]> pts = points((Element) doc.getElementsByTagName("polyline").item(0));
        double bottom = pts.get(0)[1];
        double top = pts.get(2)[1];
        assertTrue(top < bottom, "larger values are higher up");
        assertEquals((top + bottom) / 2, pts.get(1)[1], 0.1, "linear in between");
        assertTrue(pts.get(0)[0] < pts.get(1)[0] && pts.get(1)[0] < pts.get(2)[0], "time runs left to right");
        assertTrue(doc.getDocumentElement().getTextContent().contains("10"), "the axis is labelled up to 10");
    }

    @Test
    void namesAndTitlesAreEscapedSoAChartCannotCarryMarkup() throws Exception {
        String evil = "<script>alert(1)</script>\"&'";
        String svg = SvgChart.lines(evil, evil, times(2), List.of(new SvgChart.Series(evil, new double[] {1, 2})));
        Document doc = parse(svg);
        assertEquals(0, doc.getElementsByTagName("script").getLength());
        assertFalse(svg.contains("<script"), svg);
        assertEquals(evil, doc.getDocumentElement().getAttribute("aria-label"));
        String bars = SvgChart.bars("b", "B", List.of(evil), new long[] {3});
        assertEquals(0, parse(bars).getElementsByTagName("script").getLength());
    }

    @Test
    void valuesThatAreNotFiniteOrNegativeAreDrawnAsZero() throws Exception {
        Document doc = parse(SvgChart.lines("c", "C", times(4), List.of(
                new SvgChart.Series("s", new double[] {Double.NaN, Double.POSITIVE_INFINITY, -3, 0}))));
        List<double[]> pts = points((Element) doc.getElementsByTagName("polyline").item(0));
        for (double[] p : pts) {
            assertEquals(pts.get(3)[1], p[1], 0.01, "on the zero line");
            assertTrue(Double.isFinite(p[0]) && Double.isFinite(p[1]));
        }
    }

    @Test
    void withoutSamplesTheChartSaysSo() throws Exception {
        Document doc = parse(SvgChart.lines("c", "Stanzas", List.of(), List.of(new SvgChart.Series("s", new double[0]))));
        assertEquals(0, doc.getElementsByTagName("polyline").getLength());
        assertTrue(doc.getDocumentElement().getTextContent().contains("no samples yet"));
        Document one = parse(SvgChart.lines("c", "C", times(1), List.of(new SvgChart.Series("s", new double[] {2}))));
        assertEquals(1, points((Element) one.getElementsByTagName("polyline").item(0)).size(), "a single sample is a point");
    }

    @Test
    void aBarChartHasOneBarPerWeekLabelledWithItsValue() throws Exception {
        Document doc = parse(SvgChart.bars("weeks", "Distinct users", List.of("2026-W47", "2026-W48"), new long[] {3, 12}));
        NodeList bars = doc.getElementsByTagName("rect");
        assertEquals(2, bars.getLength());
        double small = Double.parseDouble(((Element) bars.item(0)).getAttribute("height"));
        double large = Double.parseDouble(((Element) bars.item(1)).getAttribute("height"));
        assertTrue(large > 3 * small, small + " vs " + large);
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("2026-W47") && text.contains("12"), text);
        assertTrue(parse(SvgChart.bars("w", "W", List.of(), new long[0])).getDocumentElement().getTextContent().contains("nothing to show"));
    }

    @Test
    void seriesOfTheWrongLengthAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SvgChart.lines("c", "C", times(3), List.of(new SvgChart.Series("s", new double[] {1, 2}))));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.bars("b", "B", List.of("a"), new long[] {1, 2}));
    }

    @Test
    void theAxisEndsOnARoundNumberAndTicksAreShort() {
        assertEquals(1, SvgChart.roundUp(0));
        assertEquals(1, SvgChart.roundUp(Double.NaN));
        assertEquals(1, SvgChart.roundUp(0.9));
        assertEquals(10, SvgChart.roundUp(7));
        assertEquals(25, SvgChart.roundUp(21));
        assertEquals(0.5, SvgChart.roundUp(0.42), 1e-9);
        assertEquals(200_000, SvgChart.roundUp(123_456));
        assertEquals("0", SvgChart.tick(0));
        assertEquals("2.5", SvgChart.tick(2.5));
        assertEquals("0.13", SvgChart.tick(0.125));
        assertEquals("12.5k", SvgChart.tick(12_500));
        assertEquals("1.5M", SvgChart.tick(1_500_000));
    }
}
