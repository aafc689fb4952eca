package org.parley.vcard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.server.TestWorkers;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** The live configuration: a value out of range is refused and the running limit stays. */
class VCardConfigTest {
    @TempDir
    Path data;

    private static VCardConfig config(int maxPhotoBytes) {
        return new VCardConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return VCardConfig.class;
            }

            @Override
            public int maxPhotoBytes() {
                return maxPhotoBytes;
            }

            @Override
            public boolean avatarHashes() {
                return true;
            }
        };
    }

    private static StanzaErrorCondition setPhoto(VCardComponent vcards, int bytes) throws Exception {
        Element photo = Element.builder("PHOTO", VCards.NAMESPACE).textChild("TYPE", "image/png")
                .textChild("BINVAL", Base64.getEncoder().encodeToString(new byte[bytes])).build();
        Stanza iq = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "1")
                .child(Element.builder("vCard", VCards.NAMESPACE).child(photo).build()).build());
        return vcards.handle(iq, new TestSession("alice@example.org/r")).toCompletableFuture().get(10, TimeUnit.SECONDS).errorCondition();
    }

    @Test
    void aLimitOutOfRangeIsRefused_andTheRunningOneStays() throws Exception {
        try (TestWorkers workers = new TestWorkers()) {
            TestSqlDatabase database = TestSqlDatabase.h2(data);
            try {
                VCardComponent vcards = new VCardComponent(config(0), database, workers);
                assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, setPhoto(vcards, VCards.DEFAULT_MAX_PHOTO_BYTES + 1),
                        "an invalid first configuration starts with the default");
                vcards.modified(config(10_000));
                assertEquals(null, setPhoto(vcards, 10_000));
                assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, setPhoto(vcards, 10_001));
                vcards.modified(config(VCards.MAX_PHOTO_BYTES_LIMIT + 1));
                assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, setPhoto(vcards, 10_001), "the refused value changed nothing");
            } finally {
                database.shutdown();
            }
        }
    }
}
