package io.kindling.worker.exchange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientBootstrap;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.crypto.AuthServerBootstrap;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.server.TransportServerBootstrap;
import org.apache.spark.network.util.ConfigProvider;
import org.apache.spark.network.util.TransportConf;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.ByteBufferBlockData;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TestBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * A segment task's end of the exchange, on Spark's network transport (the library under its block
 * transfer service and RPC), set up as the block transfer service sets up its own: with Spark's
 * authentication, and its encryption when {@code spark.network.crypto.enabled}, from the same
 * settings and secret. Peers push blocks to the task's server, which puts them in its {@link Inbox};
 * the task pushes to theirs. A push is one upload stream: the block's name and header as its
 * metadata, the values as its body, sent from where they lie (a view of the network's own memory
 * included) and received straight into the inbox's buffer, or into the model where the task expects
 * the values ({@link Inbox#expect}). The push completes when the peer has every byte. Between
 * tasks of one executor (every task, under a local master) the block is handed over in the
 * executor's BlockManager instead, its buffers as they are, and the push carries only its name:
 * through the socket it would be copied several times.
 *
 * <p>Spark's own upload ({@code BlockTransferService.uploadBlock}) would store each block in the
 * peer's BlockManager and report it to the driver, a message per block and peer: the driver's load
 * would grow with the square of the tasks. Each task has its own server, on a free port, for the
 * segment's lifetime.
 */
public final class PeerTransport implements AutoCloseable {
    /** How a failed push's message begins: the peer's executor is gone, or cannot be reached. */
    public static final String SEND_FAILED = "could not send averaging block";
    /** How a push that broke off on its way in is reported: its sender's executor is gone, most likely. */
    public static final String RECEIVE_FAILED = "could not receive averaging block";
    /**
     * Whether tasks of one executor hand blocks over in its BlockManager (the default); false: they
     * push them through the socket like any peer (tests of the network path under a local master).
     */
    public static final String HAND_OVER = "spark.kindling.exchange.handOver";
    private static final int MAX_NAME = 1024;
    private static final byte IN_BODY = 0; // the values follow as the upload's body
    private static final byte IN_BLOCK_MANAGER = 1; // the block is in this executor's BlockManager

    private final Inbox inbox;
    private final String prefix;
    private final TransportContext context;
    private final TransportServer server;
    private final TransportClientFactory clients;
    private final Peer self;
    private final BlockManager blockManager;
    private final boolean handOver;
    private final java.util.Set<String> stashed = java.util.concurrent.ConcurrentHashMap.newKeySet(); // not yet taken

    private PeerTransport(Inbox inbox, String prefix) {
        this.inbox = inbox;
        this.prefix = prefix;
        SparkEnv env = SparkEnv.get();
        SparkConf conf = env.conf();
        blockManager = env.blockManager();
        handOver = conf.getBoolean(HAND_OVER, true);
        if (conf.getBoolean("spark.ssl.rpc.enabled", false)) {
            throw new IllegalStateException("spark.ssl.rpc.enabled is set, and Kindling's exchange between executors"
                    + " does not support TLS; use spark.network.crypto.enabled (with spark.authenticate) instead");
        }
        TransportConf transportConf = new TransportConf("kindling", new SparkSettings(conf));
        context = new TransportContext(transportConf, new Receiver());
        List<TransportServerBootstrap> serverBootstraps = new ArrayList<>();
        List<TransportClientBootstrap> clientBootstraps = new ArrayList<>();
        if (env.securityManager().isAuthenticationEnabled()) {
            serverBootstraps.add(new AuthServerBootstrap(transportConf, env.securityManager()));
            clientBootstraps.add(new AuthClientBootstrap(transportConf, conf.getAppId(), env.securityManager()));
        }
        // Peers reach it where they reach the block manager; it listens where the driver binds its
        // own services when that differs (a driver in a container).
        String host = env.blockManager().blockManagerId().host();
        String bind = "driver".equals(env.executorId()) ? conf.get("spark.driver.bindAddress", host) : host;
        try {
            server = context.createServer(bind, 0, serverBootstraps);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        clients = context.createClientFactory(clientBootstraps);
        self = new Peer(env.executorId(), host, server.getPort());
    }

    /**
     * Starts a server whose blocks go to {@code inbox}, accepting only names that start with
     * {@code prefix} (the segment's).
     */
    static PeerTransport start(Inbox inbox, String prefix) {
        return new PeerTransport(inbox, prefix);
    }

    /** Where peers reach this task. */
    Peer self() {
        return self;
    }

    /**
     * Whether blocks for {@code to} are handed over as they are, its task being of this executor:
     * the sender's buffers must then not change until the peer has read them, later than the push
     * completes. Blocks for any other peer are the peer's own copies once the push completes.
     */
    boolean handsOverTo(Peer to) {
        return handOver && to.executorId().equals(self.executorId());
    }

    /**
     * Pushes block {@code name} to {@code to}: {@code header} ({@link Inbox#HEADER} bytes), then
     * {@code values}, each from its position to its limit. The returned future completes when the
     * peer has received it all, and fails when the push does. A peer of the same executor gets the
     * buffers themselves: they must not change until it has read them, and a direct one must be a
     * buffer of its own, not a slice or duplicate (Spark frees the direct buffers of a block it drops).
     */
    CompletableFuture<Void> send(Peer to, String name, ByteBuffer header, ByteBuffer values) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        String stash = stashName(name, to);
        byte where = handsOverTo(to) && stash(stash, header, values) ? IN_BLOCK_MANAGER
                : IN_BODY;
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer meta = ByteBuffer.allocate(1 + Integer.BYTES + nameBytes.length + header.remaining())
                .order(ByteOrder.LITTLE_ENDIAN).put(where).putInt(nameBytes.length).put(nameBytes)
                .put(header.duplicate()).flip();
        TransportClient client;
        try {
            client = clients.createClient(to.host(), to.port());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(failure(to, name, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(failure(to, name, e));
        }
        ByteBuffer body = where == IN_BODY ? values.slice() : ByteBuffer.allocate(0);
        client.uploadStream(new NioManagedBuffer(meta), new NioManagedBuffer(body), new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
                stashed.remove(stash); // the peer took it before answering
                done.complete(null);
            }

            @Override
            public void onFailure(Throwable e) {
                done.completeExceptionally(failure(to, name, e));
            }
        });
        return done;
    }

    /** The name of block {@code name} stashed for {@code to}: one block may go to several peers. */
    private static String stashName(String name, Peer to) {
        return name + "-for-" + to.port();
    }

    /**
     * Puts the block in this executor's BlockManager, its buffers as they are, without telling the
     * driver, for a task of the same executor to take; false when the BlockManager has no room.
     */
    private boolean stash(String name, ByteBuffer header, ByteBuffer values) {
        ByteBuffer[] chunks = values.hasRemaining() ? new ByteBuffer[] {header.slice(), values.isDirect() ? values
                : values.slice()} : new ByteBuffer[] {header.slice()};
        // Memory and disk: under memory pressure Spark may move the block to disk before the peer
        // takes it, where a memory-only block would be dropped.
        boolean stored = blockManager.putBytes(new TestBlockId(name), new ChunkedByteBuffer(chunks),
                StorageLevel.MEMORY_AND_DISK_SER(), false, ClassTag$.MODULE$.apply(byte[].class));
        if (stored) {
            stashed.add(name);
        }
        return stored;
    }

    /** Takes the block a task of this executor stashed: its buffers, to read before the sender goes on. */
    private ByteBuffer[] unstash(String name) {
        BlockId id = new TestBlockId(name);
        Option<BlockData> data = blockManager.getLocalBytes(id);
        if (data.isEmpty()) {
            throw new IllegalStateException("averaging block " + name + " is missing from this executor's BlockManager");
        }
        ByteBuffer[] chunks;
        if (data.get() instanceof ByteBufferBlockData bytes) {
            chunks = bytes.buffer().getChunks();
        } else { // moved to disk: read back into memory of the receiver's own
            ByteBuffer read = data.get().toByteBuffer();
            ByteBuffer copy = ByteBuffer.allocate(read.remaining());
            chunks = new ByteBuffer[] {copy.put(read).flip()};
            data.get().dispose();
        }
        blockManager.releaseLock(id, Option.empty());
        blockManager.removeBlock(id, false);
        return chunks;
    }

    private static IllegalStateException failure(Peer to, String name, Throwable cause) {
        return new IllegalStateException(SEND_FAILED + " " + name + " to executor " + to.executorId() + " at "
                + to.host() + ":" + to.port() + ": " + cause.getMessage(), cause);
    }

    /** Closes the server and connections, and drops any block stashed for a peer that never took it. */
    @Override
    public void close() {
        try {
            for (String name : stashed) {
                BlockId id = new TestBlockId(name);
                if (blockManager.getStatus(id).isDefined()) {
                    blockManager.removeBlock(id, false);
                }
            }
            stashed.clear();
        } finally {
            server.close();
            clients.close();
            context.close();
        }
    }

    /** Takes pushed blocks into the inbox; this server answers nothing else. */
    private final class Receiver extends RpcHandler {
        private final StreamManager streams = new OneForOneStreamManager();

        @Override
        public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
            callback.onFailure(new UnsupportedOperationException("Kindling's exchange takes only block uploads"));
        }

        @Override
        public StreamCallbackWithID receiveStream(TransportClient client, ByteBuffer meta, RpcResponseCallback callback) {
            meta = meta.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            byte where = meta.hasRemaining() ? meta.get() : -1;
            int length = meta.remaining() >= Integer.BYTES ? meta.getInt() : -1;
            if (where != IN_BODY && where != IN_BLOCK_MANAGER || length < 0 || length > MAX_NAME
                    || length > meta.remaining()) {
                throw new IllegalArgumentException("not an averaging block's metadata: kind " + where + ", a name of "
                        + length + " bytes, expected at most " + Math.min(MAX_NAME, meta.remaining()));
            }
            byte[] nameBytes = new byte[length];
            meta.get(nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            if (!name.startsWith(prefix)) {
                throw new IllegalArgumentException("averaging block " + name + " is not of this segment (" + prefix + ")");
            }
            // Values the task expects straight into its model land there; others go into a buffer.
            ByteBuffer zone = where == IN_BODY ? inbox.landing(name, meta) : null;
            ByteBuffer header = zone != null ? ByteBuffer.allocate(Inbox.HEADER).put(meta.duplicate()).flip() : null;
            ByteBuffer block = where == IN_BODY && zone == null ? inbox.open(name, meta) : null;
            return new StreamCallbackWithID() {
                @Override
                public String getID() {
                    return name;
                }

                @Override
                public void onData(String streamId, ByteBuffer data) throws IOException {
                    ByteBuffer into = zone != null ? zone : block;
                    if (into == null || data.remaining() > into.remaining()) {
                        throw new IOException("averaging block " + name + " is longer than its header says");
                    }
                    if (zone != null) {
                        inbox.land(zone, data);
                    } else {
                        block.put(data);
                    }
                }

                @Override
                public void onComplete(String streamId) {
                    if (zone != null) { // checked as Inbox.deliver checks a buffer
                        if (zone.hasRemaining()) {
                            throw new IllegalStateException("averaging block " + name + " ended " + zone.remaining()
                                    + " bytes early");
                        }
                        inbox.deliver(name, new ByteBuffer[] {header});
                    } else if (block != null) {
                        inbox.deliver(name, block);
                    } else {
                        inbox.deliver(name, unstash(stashName(name, self)));
                    }
                }

                @Override
                public void onFailure(String streamId, Throwable cause) {
                    inbox.fail(name, RECEIVE_FAILED + " " + name + ": " + cause);
                }
            };
        }

        @Override
        public StreamManager getStreamManager() {
            return streams;
        }
    }

    /**
     * Spark's settings as the transport reads them. The exchange's own I/O threads ({@code
     * spark.kindling.io.serverThreads} and {@code clientThreads}) default to one each: a task pushes
     * to and receives from a few peers at a time, and its executor's cores are training.
     */
    private static final class SparkSettings extends ConfigProvider {
        private final Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "spark.kindling.io.serverThreads", "1", "spark.kindling.io.clientThreads", "1"));

        SparkSettings(SparkConf conf) {
            for (Tuple2<String, String> entry : conf.getAll()) {
                settings.put(entry._1(), entry._2());
            }
        }

        @Override
        public String get(String name) {
            String value = settings.get(name);
            if (value == null) {
                throw new NoSuchElementException(name);
            }
            return value;
        }

        @Override
        public Iterable<Map.Entry<String, String>> getAll() {
            return settings.entrySet();
        }
    }
}
