package org.parley.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The wire format of the control socket. A request is the command's words (for example
 * {@code user add alice@example.org secret}); the response is an exit code and the text to print.
 * Used by both the launcher (client, outside OSGi) and the control bundle (server).
 */
public final class ControlProtocol {
    /** The socket's file name inside the instance's data directory. */
    public static final String SOCKET_FILE = "control.sock";
    /** Framework property naming another socket path (the launcher's offline mode uses a private one). */
    public static final String SOCKET_PROPERTY = "parley.control.socket";

    /** Exit code for a command that ran and succeeded. */
    public static final int OK = 0;
    /** Exit code for a command that ran and was refused (bad input, existing user...). */
    public static final int FAILED = 1;
    /** Exit code for words that name no command, or the wrong number of arguments. */
    public static final int USAGE = 2;

    /** Unix-domain socket paths longer than this do not fit in sockaddr_un on Linux (108 bytes with the NUL). */
    static final int MAX_SOCKET_PATH = 100;

    private static final int MAX_WORDS = 64;
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    /** One answer from the server. */
    public record Response(int exitCode, String output) {
    }

    private ControlProtocol() {
    }

    /**
     * Where an instance's control socket lives: {@code control.sock} in its data directory, or,
     * when that path is too long for a Unix-domain socket, a name derived from the data directory
     * in the system's temporary directory. Server and client both call this, so they agree.
     */
    public static Path socketPath(Path dataDirectory) {
        Path preferred = dataDirectory.toAbsolutePath().normalize().resolve(SOCKET_FILE);
        if (preferred.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return preferred;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(preferred.toString().getBytes(StandardCharsets.UTF_8));
            return Path.of(System.getProperty("java.io.tmpdir"), "parley-" + HexFormat.of().formatHex(hash, 0, 8) + ".sock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    public static void writeRequest(DataOutputStream out, List<String> words) throws IOException {
        out.writeInt(words.size());
        for (String word : words) {
            writeString(out, word);
        }
        out.flush();
    }

    public static List<String> readRequest(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_WORDS) {
            throw new IOException("bad request: " + count + " words");
        }
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            words.add(readString(in));
        }
        return words;
    }

    public static void writeResponse(DataOutputStream out, Response response) throws IOException {
        out.writeInt(response.exitCode());
        writeString(out, response.output());
        out.flush();
    }

    public static Response readResponse(DataInputStream in) throws IOException {
        int code = in.readInt();
        return new Response(code, readString(in));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("bad string length " + length);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("truncated");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
