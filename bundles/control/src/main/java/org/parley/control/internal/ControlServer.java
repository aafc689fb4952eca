package org.parley.control.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.parley.control.ControlProtocol;
import org.parley.control.ControlProtocol.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code bin/parley}'s commands on a Unix-domain socket that only the instance's owner can
 * open, by running the matching Gogo command ({@code user add} runs {@code user:add}). The same
 * socket serves the launcher's offline mode, so a command behaves the same whether the server is
 * running or not.
 */
@Component(immediate = true)
public final class ControlServer {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** How long a command waits for its Gogo function to appear (offline start-up registers them late). */
    private static final long COMMAND_WAIT_MILLIS = 30_000;

    private final CommandProcessor processor;
    private final ServerStatus status;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;

    @Activate
    public ControlServer(BundleContext context, @Reference CommandProcessor processor) throws IOException {
        this.processor = processor;
        this.status = new ServerStatus(context);
        this.socketPath = socketPath(context);
        Files.createDirectories(socketPath.getParent());
        refuseIfServed(socketPath);
        Files.deleteIfExists(socketPath);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        try {
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.warn("Cannot restrict {} to its owner on this file system", socketPath);
        }
        this.workers = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                r -> new Thread(r, "parley-control"));
        this.acceptor = new Thread(this::acceptLoop, "parley-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Control socket listening on {}", socketPath);
    }

    static Path socketPath(BundleContext context) {
        String explicit = context.getProperty(ControlProtocol.SOCKET_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String data = context.getProperty("parley.data");
        return ControlProtocol.socketPath(Path.of(data == null ? "data" : data));
    }

    /** A live socket at our path means another server runs on this instance's data: never steal it. */
    private static void refuseIfServed(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("another Parley server already serves " + path);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("another Parley")) {
                throw e;
            }
            // Nobody answered: a stale socket left by a crash.
        }
    }

    @Deactivate
    void deactivate() throws IOException, InterruptedException {
        server.close();
        acceptor.join(2000);
        workers.shutdownNow();
        Files.deleteIfExists(socketPath);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("Control socket accept failed", e);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.warn("Too many control commands at once; one was refused");
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
             DataInputStream in = new DataInputStream(Channels.newInputStream(client));
             DataOutputStream out = new DataOutputStream(Channels.newOutputStream(client))) {
            List<String> words = ControlProtocol.readRequest(in);
            ControlProtocol.writeResponse(out, run(words));
        } catch (IOException e) {
            LOG.debug("Control client went away", e);
        }
    }

    /** Runs one command: the first two words are the Gogo scope and function, the rest its arguments. */
    Response run(List<String> words) {
        if (words.size() < 2) {
            return new Response(ControlProtocol.USAGE, "usage: <scope> <command> [arguments...]");
        }
        if (words.get(0).equals("parley")) {
            return builtin(words.get(1));
        }
        StringBuilder line = new StringBuilder(words.get(0)).append(':').append(words.get(1));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream printStream = new PrintStream(printed, true, StandardCharsets.UTF_8);
        long deadline = System.currentTimeMillis() + COMMAND_WAIT_MILLIS;
        while (true) {
            try (CommandSession session = processor.createSession(InputStream.nullInputStream(), printStream, printStream)) {
                // Arguments travel as variables so no quoting or expansion can change them.
                for (int i = 2; i < words.size(); i++) {
                    session.put("arg" + i, words.get(i));
                }
                StringBuilder command = new StringBuilder(line);
                for (int i = 2; i < words.size(); i++) {
                    command.append(" $arg").append(i);
                }
                Object result = session.execute(command);
                return new Response(ControlProtocol.OK, printed.toString(StandardCharsets.UTF_8) + format(result));
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                if (message.startsWith("Command not found") && System.currentTimeMillis() < deadline) {
                    sleepBriefly();
                    continue;
                }
                if (message.startsWith("Command not found")) {
                    return new Response(ControlProtocol.USAGE, "unknown command: " + String.join(" ", words.subList(0, 2)) + "\n");
                }
                if (e instanceof IllegalArgumentException && message.startsWith("Cannot coerce")) {
                    return new Response(ControlProtocol.USAGE, "wrong arguments for " + line + ": " + message + "\n");
                }
                return new Response(ControlProtocol.FAILED, message.endsWith("\n") ? message : message + "\n");
            }
        }
    }

    /** Commands of the control socket itself: a liveness probe and a one-line status. */
    private Response builtin(String command) {
        return switch (command) {
            case "ping" -> new Response(ControlProtocol.OK, "pong\n");
            case "status" -> new Response(ControlProtocol.OK, status.describe());
            default -> new Response(ControlProtocol.USAGE, "unknown command: parley " + command);
        };
    }

    private static String format(Object result) {
        if (result == null) {
            return "";
        }
        if (result instanceof Collection<?> items) {
            StringBuilder sb = new StringBuilder();
            for (Object item : items) {
                sb.append(item).append('\n');
            }
            return sb.toString();
        }
        String text = result.toString();
        return text.endsWith("\n") || text.isEmpty() ? text : text + "\n";
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
