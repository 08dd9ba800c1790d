package io.kindling.worker.exchange;

/**
 * Where a task of a segment takes pushed blocks: its executor (for error messages) and the address of
 * its {@link PeerTransport}'s server.
 */
public record Peer(String executorId, String host, int port) {

    /** The text form {@code executor@host:port}, as exchanged at a segment's start. */
    @Override
    public String toString() {
        return executorId + "@" + host + ":" + port;
    }

    public static Peer parse(String text) {
        int at = text.indexOf('@');
        int colon = text.lastIndexOf(':');
        if (at < 0 || colon < at) {
            throw new IllegalArgumentException("not an executor address: '" + text + "'");
        }
        return new Peer(text.substring(0, at), text.substring(at + 1, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
