package io.kindling.worker.exchange;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.buffer.NettyManagedBuffer;
import org.apache.spark.network.shuffle.BlockFetchingListener;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.ByteBufferBlockData;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TestBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.Option;
import scala.reflect.ClassTag$;

/**
 * A task's blocks in its executor's BlockManager, and fetches of other tasks' blocks through Spark's
 * block transfer service, so Spark's authentication and I/O encryption apply. Blocks are put without
 * telling the driver's BlockManagerMaster: peers know where a block is from the segment's addresses,
 * so no put, fetch or removal costs the driver a message. A block's buffer belongs to its owner, who
 * may reuse it once the block is removed (removal waits for reads in progress).
 */
public final class PeerBlocks implements AutoCloseable {
    /** How a failed fetch's message begins: the peer's executor is gone, or cannot be reached. */
    public static final String FETCH_FAILED = "could not fetch averaging block";

    private final BlockManager blockManager = SparkEnv.get().blockManager();
    private final Peer self = Peer.self();
    private final Set<BlockId> mine = new HashSet<>();

    public Peer self() {
        return self;
    }

    /**
     * Publishes the bytes of {@code chunks} (each from its position to its limit) as block
     * {@code name}. Spark keeps the buffers, not a copy: they must not change until the block is
     * removed, and a direct one must be a buffer of its own, not a slice (Spark frees direct buffers
     * it drops).
     */
    public void put(String name, ByteBuffer... chunks) {
        BlockId id = new TestBlockId(name);
        ByteBuffer[] held = new ByteBuffer[chunks.length];
        long bytes = 0;
        for (int i = 0; i < chunks.length; i++) {
            held[i] = chunks[i].isDirect() ? chunks[i] : chunks[i].slice();
            bytes += held[i].remaining();
        }
        boolean stored = blockManager.putBytes(id, new ChunkedByteBuffer(held), StorageLevel.MEMORY_AND_DISK_SER(),
                false, ClassTag$.MODULE$.apply(byte[].class));
        if (!stored) {
            throw new IllegalStateException("could not store averaging block " + name + " (" + bytes
                    + " bytes) in executor " + self.executorId() + "'s BlockManager");
        }
        mine.add(id);
    }

    public void remove(String name) {
        BlockId id = new TestBlockId(name);
        if (mine.remove(id)) {
            blockManager.removeBlock(id, false);
        }
    }

    /**
     * Blocks {@code names} of {@code owner}, in that order, read from memory when they are in this
     * executor; otherwise asked for in one request, each arriving as it comes.
     */
    public List<CompletableFuture<Fetched>> fetch(Peer owner, List<String> names) {
        List<CompletableFuture<Fetched>> results = new ArrayList<>(names.size());
        if (owner.executorId().equals(self.executorId())) {
            for (String name : names) {
                BlockId id = new TestBlockId(name);
                Option<BlockData> local = blockManager.getLocalBytes(id);
                if (local.isEmpty()) {
                    results.add(CompletableFuture.failedFuture(new IllegalStateException("averaging block " + name
                            + " is missing from this executor")));
                } else {
                    // The owner's buffers themselves, read-only; the read lock keeps them until closed.
                    ByteBuffer[] parts = local.get() instanceof ByteBufferBlockData data ? data.buffer().getChunks()
                            : new ByteBuffer[] {local.get().toByteBuffer()};
                    results.add(CompletableFuture.completedFuture(new Fetched(parts,
                            () -> blockManager.releaseLock(id, Option.empty()))));
                }
            }
            return results;
        }
        Map<String, CompletableFuture<Fetched>> byId = new HashMap<>();
        String[] ids = new String[names.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = new TestBlockId(names.get(i)).name();
            CompletableFuture<Fetched> result = new CompletableFuture<>();
            byId.put(ids[i], result);
            results.add(result);
        }
        if (ids.length == 0) {
            return results;
        }
        blockManager.blockTransferService().fetchBlocks(owner.host(), owner.port(), owner.executorId(), ids,
                new BlockFetchingListener() {
                    @Override
                    public void onBlockFetchSuccess(String blockId, ManagedBuffer data) {
                        CompletableFuture<Fetched> result = byId.get(blockId);
                        try {
                            Fetched fetched = Fetched.of(data);
                            if (!result.complete(fetched)) {
                                fetched.close(); // a retried fetch delivered it twice
                            }
                        } catch (java.io.IOException | RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onBlockFetchFailure(String blockId, Throwable failure) {
                        byId.get(blockId).completeExceptionally(new IllegalStateException(FETCH_FAILED + " "
                                + blockId + " from executor " + owner.executorId() + " at " + owner.host() + ":"
                                + owner.port() + ": " + failure.getMessage(), failure));
                    }
                }, null);
        return results;
    }

    /**
     * A fetched block's bytes, in the buffers they arrived in, valid until {@link #close}. Closing
     * twice releases once: a failed round releases every fetch it requested, used or not.
     */
    public static final class Fetched implements AutoCloseable {
        private final ByteBuffer[] parts;
        private final Runnable release;
        private final AtomicBoolean closed = new AtomicBoolean();

        Fetched(ByteBuffer[] parts, Runnable release) {
            this.parts = parts;
            this.release = release;
        }

        /**
         * The buffers of a block the network delivered, kept (retained) until closed. A block arrives as
         * many buffers; their views are taken as they are, rather than merged into one copy.
         */
        static Fetched of(ManagedBuffer data) throws java.io.IOException {
            if (data instanceof NettyManagedBuffer && data.convertToNetty() instanceof ByteBuf buf) {
                return new Fetched(buf.nioBuffers(), buf::release); // a retained duplicate
            }
            data.retain();
            return new Fetched(new ByteBuffer[] {data.nioByteBuffer()}, data::release);
        }

        public ByteBuffer[] parts() {
            return parts;
        }

        public long size() {
            long n = 0;
            for (ByteBuffer p : parts) {
                n += p.remaining();
            }
            return n;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        }
    }

    /** Removes every block this task still has. */
    @Override
    public void close() {
        for (BlockId id : mine) {
            blockManager.removeBlock(id, false);
        }
        mine.clear();
    }
}
