package org.parley.launcher;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.parley.control.ControlProtocol;

/** Sends one command to an instance's control socket. */
final class ControlClient {
    private ControlClient() {
    }

    /** The answer, or null when nothing listens on that socket. */
    static ControlProtocol.Response send(Path socket, List<String> words) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return null;
        }
        try (channel;
             DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
             DataInputStream in = new DataInputStream(Channels.newInputStream(channel))) {
            ControlProtocol.writeRequest(out, words);
            return ControlProtocol.readResponse(in);
        }
    }
}
