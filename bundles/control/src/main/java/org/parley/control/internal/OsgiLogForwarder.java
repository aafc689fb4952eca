package org.parley.control.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the OSGi log (where SCR, ConfigAdmin and FileInstall report, for example a component
 * that failed to activate or a configuration value it refused) into Parley's log files. Without
 * it those reports would stay in memory where no operator sees them.
 */
@Component(immediate = true)
public final class OsgiLogForwarder implements LogListener {
    private final LogReaderService reader;

    @Activate
    public OsgiLogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Logger log = LoggerFactory.getLogger("osgi." + (entry.getBundle() == null ? "framework" : entry.getBundle().getSymbolicName()));
        String message = entry.getMessage();
        Throwable error = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> log.error(message, error);
            case WARN -> log.warn(message, error);
            case INFO -> log.debug(message, error);
            default -> log.trace(message, error);
        }
    }
}
