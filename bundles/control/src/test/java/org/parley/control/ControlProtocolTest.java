package org.parley.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlProtocolTest {
    @Test
    void wordsWithSpacesQuotesAndUnicodeSurviveTheRoundTrip() throws IOException {
        List<String> words = List.of("user", "add", "jürgen@example.org", "pass with 'quotes' and $vars and \"dq\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ControlProtocol.writeRequest(new DataOutputStream(bytes), words);
        assertEquals(words, ControlProtocol.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }

    @Test
    void socketLivesInTheDataDirectoryWhenThePathFits() {
        java.nio.file.Path data = java.nio.file.Path.of("/srv/parley/data");
        assertEquals(data.resolve("control.sock"), ControlProtocol.socketPath(data));
    }

    @Test
    void aDataDirectoryTooDeepForAUnixSocketGetsAStableShortPath() {
        java.nio.file.Path deep = java.nio.file.Path.of("/srv/" + "very-long-directory-name/".repeat(6) + "data");
        java.nio.file.Path socket = ControlProtocol.socketPath(deep);
        org.junit.jupiter.api.Assertions.assertTrue(socket.toString().length() <= ControlProtocol.MAX_SOCKET_PATH, socket.toString());
        assertEquals(socket, ControlProtocol.socketPath(deep), "client and server derive the same path");
        org.junit.jupiter.api.Assertions.assertNotEquals(socket, ControlProtocol.socketPath(deep.resolveSibling("other")));
    }

    @Test
    void responseRoundTrip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ControlProtocol.writeResponse(new DataOutputStream(bytes), new ControlProtocol.Response(1, "user exists\n"));
        ControlProtocol.Response r = ControlProtocol.readResponse(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(1, r.exitCode());
        assertEquals("user exists\n", r.output());
    }

    @Test
    void anAbsurdWordCountIsRefusedBeforeAllocating() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(1_000_000);
        assertThrows(IOException.class, () -> ControlProtocol.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }

    @Test
    void aTruncatedRequestIsAnError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        out.writeInt(10);
        out.write(new byte[3]);
        assertThrows(IOException.class, () -> ControlProtocol.readRequest(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }
}
