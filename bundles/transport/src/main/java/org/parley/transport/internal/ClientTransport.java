package org.parley.transport.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.config.ConfigurationChecker;
import org.parley.api.config.ConfigurationChecks;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.connection.ConnectionHandler;
import org.parley.api.connection.StreamHandler;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.tls.TlsContextProvider;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for client connections: STARTTLS on the c2s port, TLS from the first byte on the direct
 * TLS port (XEP-0368). The session core and the TLS provider are dynamic references: while the
 * session core is replaced, open and new connections wait for its successor (reading paused);
 * while the TLS provider is, new connections are offered no TLS and open ones carry on.
 */
@Component(configurationPid = "org.parley.transport", immediate = true, service = ConfigurationChecker.class,
        property = ConfigurationChecker.PID + "=org.parley.transport")
public final class ClientTransport implements ConfigurationChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTransport.class);

    /** maxConnections = 0 where the open-file limit is unknown (not a Unix): the old fixed default. */
    static final int UNKNOWN_FILE_LIMIT_CONNECTIONS = 100_000;

    private final IoThreads ioThreads;
    private final NioSocketAcceptor acceptor;
    private final ConnectionLimiter limiter;
    private volatile TransportConfig config;
    private volatile XmppStreamParser.Limits limits;
    private volatile ConnectionHandler connectionHandler;
    private volatile TlsContextProvider tls;

    @Activate
    public ClientTransport(TransportConfig config) throws IOException {
        validate(config);
        this.config = config;
        this.limits = limitsOf(config);
        this.limiter = new ConnectionLimiter(config.maxConnectionsPerAddress(), maxConnections(config.maxConnections()));
        ReadBuffers.install();
        this.ioThreads = new IoThreads(IoThreads.defaultCount());
        this.acceptor = new NioSocketAcceptor(ioThreads);
        acceptor.setSessionDataStructureFactory(new WriteQueue.Factory());
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.getSessionConfig().setTcpNoDelay(true);
        acceptor.setHandler(new XmppIoHandler(this));
        try {
            bind(config);
        } catch (IOException | RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    /**
     * Applies a changed configuration. Never throws: Felix SCR answers an exception from here by
     * restarting the component with the new configuration, which would take the listener down
     * for a bad value instead of refusing the value.
     */
    @Modified
    void modified(TransportConfig newConfig) throws IOException {
        try {
            validate(newConfig);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new transport configuration: {}; the previous settings stay in force", e.getMessage());
            return;
        }
        boolean rebind = !newConfig.bindAddress().equals(config.bindAddress()) || newConfig.c2sPort() != config.c2sPort()
                || newConfig.c2sTlsPort() != config.c2sTlsPort();
        TransportConfig old = config;
        this.config = newConfig;
        this.limits = limitsOf(newConfig);
        int maxConnections = maxConnections(newConfig.maxConnections());
        limiter.setLimits(newConfig.maxConnectionsPerAddress(), maxConnections);
        LOG.info("Applied transport settings: maxStanzaBytes={}, maxConnectionsPerAddress={}, maxConnections={}, "
                + "idleTimeoutSeconds={} (for new connections)", newConfig.maxStanzaBytes(),
                newConfig.maxConnectionsPerAddress(), maxConnections, newConfig.idleTimeoutSeconds());
        if (rebind) {
            acceptor.unbind();
            try {
                bind(newConfig);
            } catch (IOException e) {
                LOG.error("Cannot listen on the new ports ({}); keeping the old ones", e.getMessage());
                this.config = old;
                bind(old);
            }
        }
    }

    @Deactivate
    void deactivate() {
        acceptor.unbind();
        acceptor.dispose(true);
        // the acceptor disposes only processors it created itself
        ioThreads.dispose();
        ReadBuffers.uninstall();
    }

    /**
     * What {@link #modified} would refuse: {@link #validate}'s rules, and a new port another
     * listener holds (the components' or the admin console's, whatever PID configures it, or
     * another process's): this bundle would fail to bind it and keep its old ports. The ports it
     * listens on itself are not probed.
     */
    @Override
    public List<ConfigurationProblem> check(Map<String, Object> proposed) {
        TransportConfig inForce = config;
        return ConfigurationChecks.check(TransportConfig.class, proposed, c -> {
            validate(c);
            for (String key : List.of("c2sPort", "c2sTlsPort")) {
                int port = key.equals("c2sPort") ? c.c2sPort() : c.c2sTlsPort();
                if (port != 0 && port != inForce.c2sPort() && port != inForce.c2sTlsPort()) {
                    String unavailable = ConfigurationChecks.unavailablePort(c.bindAddress(), port);
                    if (unavailable != null) {
                        throw new IllegalArgumentException("key '" + key + "': " + unavailable);
                    }
                }
            }
        });
    }

    /** Refuses a configuration that cannot work, naming the key; the previous one stays in force. */
    private static void validate(TransportConfig c) {
        checkPort("c2sPort", c.c2sPort());
        checkPort("c2sTlsPort", c.c2sTlsPort());
        if (c.c2sPort() == 0 && c.c2sTlsPort() == 0) {
            throw new IllegalArgumentException("c2sPort and c2sTlsPort are both 0: no client could connect");
        }
        if (c.c2sPort() != 0 && c.c2sPort() == c.c2sTlsPort()) {
            throw new IllegalArgumentException("c2sPort and c2sTlsPort must differ, both are " + c.c2sPort());
        }
        if (c.maxStanzaBytes() < 10_000) {
            throw new IllegalArgumentException("maxStanzaBytes must be at least 10000 (RFC 6120 section 13.12), got " + c.maxStanzaBytes());
        }
        if (c.maxConnections() < 0) {
            throw new IllegalArgumentException("maxConnections must be at least 1, or 0 for what the open-file limit allows, got "
                    + c.maxConnections());
        }
        if (c.maxConnectionsPerAddress() < 1) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be at least 1, got " + c.maxConnectionsPerAddress());
        }
        if (c.idleTimeoutSeconds() < 10) {
            throw new IllegalArgumentException("idleTimeoutSeconds must be at least 10, got " + c.idleTimeoutSeconds());
        }
        if (c.reattachGraceSeconds() < 1) {
            throw new IllegalArgumentException("reattachGraceSeconds must be at least 1, got " + c.reattachGraceSeconds());
        }
    }

    /**
     * The connection limit in force: the configured one, warned about when the open-file limit
     * cannot hold it; or for 0, what the open-file limit leaves after the server's own files, so a
     * default configuration never promises more connections than the process can open.
     */
    private static int maxConnections(int configured) {
        long fileLimit = FileLimit.current();
        if (configured > 0) {
            warnIfFileLimitTooLow(configured, fileLimit);
            return configured;
        }
        int derived = fromFileLimit(fileLimit);
        LOG.info("maxConnections is {}: the open-file limit {} less {} files kept for the server itself", derived,
                fileLimit, FileLimit.RESERVED);
        return derived;
    }

    /**
     * What maxConnections = 0 means for an open-file limit: the limit less the server's own files
     * (at least 1), or {@link #UNKNOWN_FILE_LIMIT_CONNECTIONS} where the JVM cannot tell the limit.
     */
    static int fromFileLimit(long fileLimit) {
        if (fileLimit <= 0) {
            return UNKNOWN_FILE_LIMIT_CONNECTIONS;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fileLimit - FileLimit.RESERVED));
    }

    /**
     * Says so when the process may open fewer files than the configuration lets clients take:
     * past the limit, accept() fails and the server cannot open its own files either.
     *
     * @return whether it warned
     */
    static boolean warnIfFileLimitTooLow(int maxConnections, long fileLimit) {
        long needed = (long) maxConnections + FileLimit.RESERVED;
        if (fileLimit <= 0 || fileLimit >= needed) {
            return false;
        }
        LOG.warn("maxConnections is {}, but this process may open only {} files ({} are kept for the server itself): "
                + "connections beyond {} will fail. Raise the open-file limit (ulimit -n, LimitNOFILE) or lower maxConnections",
                maxConnections, fileLimit, FileLimit.RESERVED, Math.max(0, fileLimit - FileLimit.RESERVED));
        return true;
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be a TCP port (0 to 65535), got " + port);
        }
    }

    private static XmppStreamParser.Limits limitsOf(TransportConfig c) {
        XmppStreamParser.Limits d = XmppStreamParser.Limits.DEFAULT;
        return new XmppStreamParser.Limits(c.maxStanzaBytes(), d.maxDepth(), d.maxAttributes(), d.maxStreamHeaderBytes());
    }

    private void bind(TransportConfig c) throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>(2);
        if (c.c2sPort() != 0) {
            addresses.add(new InetSocketAddress(c.bindAddress(), c.c2sPort()));
        }
        if (c.c2sTlsPort() != 0) {
            addresses.add(new InetSocketAddress(c.bindAddress(), c.c2sTlsPort()));
        }
        acceptor.bind(addresses);
        LOG.info("Listening for clients on {} (STARTTLS port {}, direct TLS port {})", c.bindAddress(), c.c2sPort(), c.c2sTlsPort());
    }

    /**
     * The session core arrived (at start, or as the successor of an upgraded one): it takes the
     * connections that waited for it, the ones its predecessor ran (re-attached, with their state
     * from the handoff) and the ones that arrived meanwhile (as new).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    synchronized void setConnectionHandler(ConnectionHandler handler) {
        this.connectionHandler = handler;
        int reattached = 0;
        int closed = 0;
        for (MinaClientConnection c : connections()) {
            if (!c.isDetached()) {
                continue;
            }
            boolean fresh = c.isFresh();
            StreamHandler stream;
            try {
                stream = fresh ? handler.connected(c) : handler.reattach(c);
            } catch (RuntimeException e) {
                LOG.error("The session core failed to take {}", c, e);
                stream = null;
            }
            if (stream == null) {
                c.closeWithError(StreamErrorCondition.SYSTEM_SHUTDOWN, "the server was upgraded; please reconnect");
                closed++;
            } else {
                c.reattach(stream);
                if (!fresh) {
                    reattached++;
                }
            }
        }
        if (reattached + closed > 0) {
            LOG.info("The new session core took over {} open connection(s); {} could not be continued and were closed",
                    reattached, closed);
        }
    }

    /**
     * The session core is going away (stopping, or being upgraded): its connections stay open,
     * reading paused, for its successor; without one within {@code reattachGraceSeconds} they close.
     */
    synchronized void unsetConnectionHandler(ConnectionHandler handler) {
        if (connectionHandler != handler) {
            return;
        }
        connectionHandler = null;
        List<MinaClientConnection> open = connections();
        for (MinaClientConnection c : open) {
            c.detach();
        }
        if (!open.isEmpty()) {
            int grace = config.reattachGraceSeconds();
            LOG.info("The session core left; {} open connection(s) wait up to {} s for its successor", open.size(), grace);
            CompletableFuture.delayedExecutor(grace, TimeUnit.SECONDS).execute(this::closeOrphans);
        }
    }

    /** A new connection: to the session core, or held for the next one while there is none. */
    synchronized void accept(MinaClientConnection connection) {
        ConnectionHandler handler = connectionHandler;
        if (handler == null) {
            connection.holdAsNew();
            CompletableFuture.delayedExecutor(config.reattachGraceSeconds(), TimeUnit.SECONDS).execute(this::closeOrphans);
            return;
        }
        connection.attach(handler.connected(connection));
    }

    /** Closes the connections still waiting when no session core came within the grace period. */
    private synchronized void closeOrphans() {
        if (connectionHandler != null) {
            return;
        }
        int closed = 0;
        for (MinaClientConnection c : connections()) {
            if (c.isDetached()) {
                c.closeWithError(StreamErrorCondition.SYSTEM_SHUTDOWN, "no session service; please reconnect");
                closed++;
            }
        }
        if (closed > 0) {
            LOG.warn("No session core arrived within {} s: closed {} waiting connection(s)", config.reattachGraceSeconds(), closed);
        }
    }

    private List<MinaClientConnection> connections() {
        List<MinaClientConnection> all = new ArrayList<>();
        for (IoSession s : acceptor.getManagedSessions().values()) {
            MinaClientConnection c = XmppIoHandler.connection(s);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setTls(TlsContextProvider provider) {
        this.tls = provider;
    }

    void unsetTls(TlsContextProvider provider) {
        if (tls == provider) {
            tls = null;
        }
    }

    ConnectionHandler connectionHandler() {
        return connectionHandler;
    }

    TlsContextProvider tls() {
        return tls;
    }

    TransportConfig config() {
        return config;
    }

    XmppStreamParser.Limits limits() {
        return limits;
    }

    ConnectionLimiter limiter() {
        return limiter;
    }

    boolean isDirectTlsPort(int localPort) {
        return localPort == config.c2sTlsPort();
    }
}
