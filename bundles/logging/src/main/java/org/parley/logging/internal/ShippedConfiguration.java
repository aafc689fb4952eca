package org.parley.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets up logging as the shipped etc/logback.xml says, in code, when the file logback is told to
 * read ({@code logback.configurationFile}) is that file unchanged. Reading the XML loads about
 * 300 classes of logback's Joran model and handlers that stay for the server's whole life (the
 * JDK's SAX parser stays anyway: Felix SCR reads component descriptors with it); an instance whose
 * logback.xml the operator changed (or replaced) is configured from the file by logback as
 * before, so everything logback.xml can say still works there.
 *
 * <p>Found by logback through {@code META-INF/services} of this fragment (its host's class loader
 * sees the fragment's resources) and asked before logback's own configurators. The copy of the
 * shipped file it compares with is built into this fragment from the distribution's defaults, and
 * {@code ShippedConfigurationTest} configures logback from that file and from this class and
 * requires the same loggers, appenders, patterns, rotation and output, so the two cannot drift.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ShippedConfiguration extends ContextAwareBase implements Configurator {
    static final String SHIPPED_COPY = "logback.xml";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String logDirectory = System.getProperty("parley.log");
        String file = System.getProperty("logback.configurationFile");
        if (logDirectory == null || file == null || !isShippedFile(Path.of(file))) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, logDirectory, System.getProperty("parley.console.level", "INFO"));
        addInfo("Configured as the shipped " + file + " says, without reading it as XML");
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    boolean isShippedFile(Path file) {
        try (InputStream shipped = ShippedConfiguration.class.getResourceAsStream(SHIPPED_COPY)) {
            if (shipped == null || !Files.isRegularFile(file)) {
                return false;
            }
            return normalized(new String(shipped.readAllBytes(), StandardCharsets.UTF_8))
                    .equals(normalized(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            addWarn("Could not compare " + file + " with the shipped configuration; logback reads it", e);
            return false;
        }
    }

    /** Line endings only: a file saved on Windows is still the shipped file. */
    private static String normalized(String text) {
        return text.replace("\r\n", "\n").strip();
    }

    /** What the shipped etc/logback.xml says, element by element, in logback's order. */
    static void apply(LoggerContext context, String logDirectory, String consoleLevel) {
        RepeatedLineFilter repeated = new RepeatedLineFilter();
        repeated.setContext(context);
        repeated.setAllowedRepetitions(5);
        repeated.setWindowSeconds(10);
        repeated.start();
        context.addTurboFilter(repeated);

        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(logDirectory + "/parley.log");
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(logDirectory + "/parley.%d{yyyy-MM-dd}.%i.log.gz");
        rolling.setMaxFileSize(FileSize.valueOf("50MB"));
        rolling.setMaxHistory(14);
        rolling.setTotalSizeCap(FileSize.valueOf("1GB"));
        rolling.start();
        file.setRollingPolicy(rolling);
        file.setEncoder(encoder(context, "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n"));
        file.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setContext(context);
        threshold.setLevel(consoleLevel);
        threshold.start();
        console.addFilter(threshold);
        console.setEncoder(encoder(context, "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n"));
        console.start();

        context.getLogger("org.apache.mina").setLevel(Level.WARN);
        context.getLogger("org.apache.mina.core.service.IoProcessor").setLevel(Level.OFF);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(file);
        root.addAppender(console);
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
