package org.parley.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped etc/logback.xml read by logback and the same file applied by ShippedConfiguration
 * must give one configuration: same filters, loggers, appenders, patterns, rotation and lines.
 */
class ShippedConfigurationTest {
    @TempDir
    Path dir;
    private final List<LoggerContext> contexts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        contexts.forEach(LoggerContext::stop);
        System.clearProperty("parley.log");
        System.clearProperty("parley.console.level");
        System.clearProperty("logback.configurationFile");
    }

    private LoggerContext context() {
        LoggerContext context = new LoggerContext();
        // What logback's SLF4J provider gives the context it configures; a bare one cannot log.
        context.setMDCAdapter(new LogbackMDCAdapter());
        contexts.add(context);
        return context;
    }

    private Path shippedFile() throws IOException {
        Path file = dir.resolve("etc/logback.xml");
        Files.createDirectories(file.getParent());
        try (InputStream in = ShippedConfiguration.class.getResourceAsStream(ShippedConfiguration.SHIPPED_COPY)) {
            assertNotNull(in, "the build copies the distribution's etc/logback.xml into the fragment");
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private LoggerContext fromXml(Path file, Path logDirectory, String consoleLevel) throws Exception {
        System.setProperty("parley.log", logDirectory.toString());
        System.setProperty("parley.console.level", consoleLevel);
        LoggerContext context = context();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(file.toFile());
        return context;
    }

    private LoggerContext fromCode(Path file, Path logDirectory, String consoleLevel) {
        System.setProperty("parley.log", logDirectory.toString());
        System.setProperty("parley.console.level", consoleLevel);
        System.setProperty("logback.configurationFile", file.toString());
        LoggerContext context = context();
        ShippedConfiguration configurator = new ShippedConfiguration();
        configurator.setContext(context);
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configurator.configure(context));
        return context;
    }

    @Test
    void theShippedFileAndTheCodeGiveTheSameFiltersLoggersAppendersAndRotation() throws Exception {
        Path file = shippedFile();
        Path xmlLogs = dir.resolve("xml");
        Path codeLogs = dir.resolve("code");
        LoggerContext xml = fromXml(file, xmlLogs, "WARN");
        LoggerContext code = fromCode(file, codeLogs, "WARN");

        RepeatedLineFilter xmlFilter = (RepeatedLineFilter) xml.getTurboFilterList().get(0);
        RepeatedLineFilter codeFilter = (RepeatedLineFilter) code.getTurboFilterList().get(0);
        assertEquals(1, xml.getTurboFilterList().size());
        assertEquals(1, code.getTurboFilterList().size());
        assertEquals(xmlFilter.allowedRepetitions(), codeFilter.allowedRepetitions());
        assertEquals(xmlFilter.windowMillis(), codeFilter.windowMillis());
        assertTrue(codeFilter.isStarted());

        assertEquals(levels(xml), levels(code));

        List<Appender<ILoggingEvent>> xmlAppenders = rootAppenders(xml);
        List<Appender<ILoggingEvent>> codeAppenders = rootAppenders(code);
        assertEquals(xmlAppenders.stream().map(a -> a.getName() + " " + a.getClass()).toList(),
                codeAppenders.stream().map(a -> a.getName() + " " + a.getClass()).toList());
        for (int i = 0; i < xmlAppenders.size(); i++) {
            Appender<ILoggingEvent> x = xmlAppenders.get(i);
            Appender<ILoggingEvent> c = codeAppenders.get(i);
            assertTrue(c.isStarted(), c.getName());
            assertEquals(pattern(x), pattern(c), c.getName());
            assertEquals(thresholds(x), thresholds(c), c.getName());
            if (x instanceof RollingFileAppender<ILoggingEvent> xf) {
                RollingFileAppender<ILoggingEvent> cf = (RollingFileAppender<ILoggingEvent>) c;
                assertEquals(relative(xmlLogs, xf.getFile()), relative(codeLogs, cf.getFile()));
                SizeAndTimeBasedRollingPolicy<?> xr = assertInstanceOf(SizeAndTimeBasedRollingPolicy.class, xf.getRollingPolicy());
                SizeAndTimeBasedRollingPolicy<?> cr = assertInstanceOf(SizeAndTimeBasedRollingPolicy.class, cf.getRollingPolicy());
                assertSame(cr, cf.getTriggeringPolicy(), "the policy also decides when to roll");
                assertTrue(cr.isStarted());
                assertEquals(relative(xmlLogs, xr.getFileNamePattern()), relative(codeLogs, cr.getFileNamePattern()));
                assertEquals(xr.getCompressionMode(), cr.getCompressionMode());
                assertEquals(xr.getMaxHistory(), cr.getMaxHistory());
                assertEquals(size(xr, SizeAndTimeBasedRollingPolicy.class, "maxFileSize"),
                        size(cr, SizeAndTimeBasedRollingPolicy.class, "maxFileSize"));
                assertEquals(size(xr, TimeBasedRollingPolicy.class, "totalSizeCap"),
                        size(cr, TimeBasedRollingPolicy.class, "totalSizeCap"));
            }
        }
        assertTrue(xmlAppenders.get(0) instanceof RollingFileAppender, "the shipped file still writes parley.log");
        assertTrue(xmlAppenders.get(1) instanceof ConsoleAppender);
    }

    @Test
    void theShippedFileAndTheCodeWriteTheSameLines() throws Exception {
        Path file = shippedFile();
        Path xmlLogs = dir.resolve("xml");
        Path codeLogs = dir.resolve("code");
        for (LoggerContext context : List.of(fromXml(file, xmlLogs, "INFO"), fromCode(file, codeLogs, "INFO"))) {
            Logger server = context.getLogger("org.parley.server.Server");
            server.info("Started with {} bundles", 42);
            server.debug("not written: below INFO");
            context.getLogger("org.apache.mina.filter.ssl.SslHandler").info("not written: mina below WARN");
            context.getLogger("org.apache.mina.filter.ssl.SslHandler").warn("mina warning");
            context.getLogger("org.apache.mina.core.service.IoProcessor").error("not written: off");
            context.getLogger("com.zaxxer.hikari.pool.HikariPool").info("not written: hikari below WARN");
            for (int i = 0; i < 8; i++) {
                server.error("the same line", new IllegalStateException("again"));
            }
            context.stop();
        }
        List<String> written = lines(codeLogs.resolve("parley.log"));
        assertEquals(lines(xmlLogs.resolve("parley.log")), written);
        assertEquals(7, written.stream().filter(l -> l.startsWith("INFO") || l.startsWith("WARN") || l.startsWith("ERROR")).count(),
                "one INFO, one WARN, five of the eight repeated ERROR lines: " + written);
    }

    @Test
    void aFileTheOperatorChangedIsLeftToLogback() throws Exception {
        Path file = shippedFile();
        Files.writeString(file, Files.readString(file).replace("<maxHistory>14</maxHistory>", "<maxHistory>30</maxHistory>"));
        System.setProperty("parley.log", dir.resolve("logs").toString());
        System.setProperty("logback.configurationFile", file.toString());
        LoggerContext context = context();
        ShippedConfiguration configurator = new ShippedConfiguration();
        configurator.setContext(context);

        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertEquals(List.of(), rootAppenders(context));
        assertTrue(context.getTurboFilterList().isEmpty());
    }

    @Test
    void theShippedFileSavedWithWindowsLineEndingsIsStillRecognised() throws Exception {
        Path file = shippedFile();
        Files.writeString(file, Files.readString(file).replace("\n", "\r\n"));
        assertEquals(2, rootAppenders(fromCode(file, dir.resolve("logs"), "INFO")).size());
    }

    @Test
    void withoutTheLogDirectoryOrAFileLogbackDecides() throws Exception {
        Path file = shippedFile();
        LoggerContext context = context();
        ShippedConfiguration configurator = new ShippedConfiguration();
        configurator.setContext(context);
        System.setProperty("logback.configurationFile", file.toString());
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context), "no parley.log");
        System.setProperty("parley.log", dir.resolve("logs").toString());
        System.setProperty("logback.configurationFile", dir.resolve("missing.xml").toString());
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context), "no such file");
        assertEquals(List.of(), rootAppenders(context));
    }

    /** How logback finds it: the fragment's service file, read through its host's class loader. */
    @Test
    void logbackFindsItAsAConfiguratorService() {
        List<String> found = new ArrayList<>();
        ServiceLoader.load(Configurator.class, Configurator.class.getClassLoader()).forEach(c -> found.add(c.getClass().getName()));
        assertTrue(found.contains(ShippedConfiguration.class.getName()), found.toString());
    }

    private static Map<String, Level> levels(LoggerContext context) {
        Map<String, Level> levels = new TreeMap<>();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levels.put(logger.getName(), logger.getLevel());
            }
        }
        return levels;
    }

    private static List<Appender<ILoggingEvent>> rootAppenders(LoggerContext context) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        Iterator<Appender<ILoggingEvent>> it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        it.forEachRemaining(appenders::add);
        return appenders;
    }

    private static String pattern(Appender<ILoggingEvent> appender) {
        return ((PatternLayoutEncoder) ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder()).getPattern();
    }

    /** Which levels each filter of the appender lets through. */
    private static List<String> thresholds(Appender<ILoggingEvent> appender) {
        List<String> decisions = new ArrayList<>();
        for (Filter<ILoggingEvent> filter : appender.getCopyOfAttachedFiltersList()) {
            assertInstanceOf(ThresholdFilter.class, filter);
            for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                LoggingEvent event = new LoggingEvent();
                event.setLevel(level);
                decisions.add(level + " " + filter.decide(event));
            }
        }
        return decisions;
    }

    private static String relative(Path base, String path) {
        assertTrue(path.startsWith(base.toString()), path);
        return path.substring(base.toString().length());
    }

    private static String size(Object policy, Class<?> declaring, String field) throws ReflectiveOperationException {
        Field f = declaring.getDeclaredField(field);
        f.setAccessible(true);
        return String.valueOf(((FileSize) f.get(policy)).getSize());
    }

    /** The lines without their timestamps, which differ between the two contexts. */
    private static List<String> lines(Path log) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceFirst("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} ", ""))
                .toList();
    }
}
