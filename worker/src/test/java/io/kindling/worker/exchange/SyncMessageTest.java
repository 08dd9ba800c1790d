package io.kindling.worker.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The wire forms of the tasks' messages to the driver: JDK types only, every field kept. */
class SyncMessageTest {
    @Test
    void messagesSurviveTheirWireForm() {
        SyncMessage trained = new SyncMessage(SyncMessage.Kind.TRAINED, 41, 17, 3, 640, 12.625, 10, 987_654_321L,
                1_234_567_890L);
        assertEquals(trained, SyncMessage.fromWire(trained.toWire()));
        assertEquals(SyncMessage.done(41, 3), SyncMessage.fromWire(SyncMessage.done(41, 3).toWire()));
        assertNull(SyncMessage.fromWire(new long[] {99, 1, 2, 3, 4, 5, 6, 7, 8}), "unknown kind");
        assertNull(SyncMessage.fromWire("hello 1 2 x@h:1"), "a hello is not a sync");
        SyncMessage.Hello hello = new SyncMessage.Hello(41, 2, new Peer("driver", "127.0.0.1", 40123).toString());
        assertEquals(hello, SyncMessage.Hello.fromWire(hello.toWire()));
    }

    @Test
    void addressesParseBack() {
        Peer peer = new Peer("7", "10.0.0.12", 35000);
        assertEquals(peer, Peer.parse(peer.toString()));
        assertEquals(new Peer("driver", "::1", 5), Peer.parse("driver@::1:5"), "an IPv6 host keeps its colons");
        assertThrows(IllegalArgumentException.class, () -> Peer.parse("no address"));
    }
}
