package org.parley.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The repository's external component example (examples/component-relay/relay.py, Python with
 * slixmpp's component mode) run as a real separate process: a component written with a library
 * other than Parley's. Lines it prints are collected; lines written go to its standard input.
 */
final class ComponentRelay implements AutoCloseable {
    /** Debian's python, which has python3-slixmpp (the python on PATH may be another one). */
    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    private ComponentRelay(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "relay-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Path script() {
        Path p = Path.of("..", "examples", "component-relay", "relay.py").toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("the example component is missing: " + p);
        }
        return p;
    }

    static ComponentRelay start(int port, String domain, String secret, String to) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), "--domain", domain, "--port",
                String.valueOf(port)));
        if (to != null) {
            cmd.add("--to");
            cmd.add(to);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PARLEY_COMPONENT_SECRET", secret);
        return new ComponentRelay(pb.start());
    }

    /** The next printed line that starts with {@code prefix} (earlier others are skipped). */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the relay printed no '" + prefix + "' line within " + timeout.toMillis() + " ms; it printed "
                        + printed() + (process.isAlive() ? "" : " and exited with " + process.exitValue()));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Nothing more starting with {@code prefix} is printed within {@code wait}. */
    String pollLine(String prefix, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null || line.startsWith(prefix)) {
                return line;
            }
        }
    }

    List<String> printed() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Kills the process at once (SIGKILL): no stream close, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the relay is still running after " + timeout.toMillis() + " ms; it printed " + printed());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
