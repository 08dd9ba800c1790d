package io.kindling.worker.exchange;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.shuffle.BlockFetchingListener;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
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

    /** Publishes {@code data} (from its position to its limit) as block {@code name}. */
    public void put(String name, ByteBuffer data) {
        BlockId id = new TestBlockId(name);
        boolean stored = blockManager.putBytes(id, new ChunkedByteBuffer(data.duplicate()),
                StorageLevel.MEMORY_AND_DISK_SER(), false, ClassTag$.MODULE$.apply(byte[].class));
        if (!stored) {
            throw new IllegalStateException("could not store averaging block " + name + " (" + data.remaining()
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

    /** Block {@code name} of {@code owner}, read from memory when it is in this executor. */
    public CompletableFuture<Fetched> fetch(Peer owner, String name) {
        BlockId id = new TestBlockId(name);
        if (owner.executorId().equals(self.executorId())) {
            Option<BlockData> local = blockManager.getLocalBytes(id);
            if (local.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalStateException("averaging block " + name
                        + " is missing from this executor"));
            }
            return CompletableFuture.completedFuture(new Fetched(new ByteBuffer[] {local.get().toByteBuffer()},
                    () -> blockManager.releaseLock(id, Option.empty())));
        }
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        blockManager.blockTransferService().fetchBlocks(owner.host(), owner.port(), owner.executorId(),
                new String[] {id.name()}, new BlockFetchingListener() {
                    @Override
                    public void onBlockFetchSuccess(String blockId, ManagedBuffer data) {
                        try {
                            result.complete(Fetched.of(data));
                        } catch (java.io.IOException | RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onBlockFetchFailure(String blockId, Throwable failure) {
                        result.completeExceptionally(new IllegalStateException(FETCH_FAILED + " "
                                + blockId + " from executor " + owner.executorId() + " at " + owner.host() + ":"
                                + owner.port() + ": " + failure.getMessage(), failure));
                    }
                }, null);
        return result;
    }

    /** A fetched block's bytes, in the buffers they arrived in, valid until {@link #close}. */
    public record Fetched(ByteBuffer[] parts, Runnable release) implements AutoCloseable {
        /**
         * The buffers of a block the network delivered, kept (retained) until closed. A block arrives as
         * many buffers; their views are taken as they are, rather than merged into one copy.
         */
        static Fetched of(ManagedBuffer data) throws java.io.IOException {
            if (data.convertToNetty() instanceof ByteBuf buf) { // a retained duplicate
                return new Fetched(buf.nioBuffers(), buf::release);
            }
            data.retain();
            return new Fetched(new ByteBuffer[] {data.nioByteBuffer()}, data::release);
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
            release.run();
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
