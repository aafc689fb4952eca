package org.parley.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What is checked to notice that a file changed: existence, modification time, size and file
 * identity (the inode; it changes when a deployment swaps a symbolic link or renames a new file
 * into place, even if the modification time is kept).
 */
record FileStamp(boolean exists, FileTime modified, long size, Object fileKey) {
    private static final FileStamp ABSENT = new FileStamp(false, null, -1, null);

    static FileStamp of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(true, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return ABSENT;
        }
    }

    /** The stamps of a certificate and a key file, and of the client CA file if any, taken together. */
    record Pair(FileStamp certificate, FileStamp key, FileStamp clientCas) {
        static Pair of(TlsSettings settings) {
            Path cas = settings.clientCaFile();
            return new Pair(FileStamp.of(settings.certificateFile()), FileStamp.of(settings.keyFile()),
                    cas == null ? ABSENT : FileStamp.of(cas));
        }
    }
}
