import java.io.File;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.buffer.NioManagedBuffer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.StreamCallbackWithID;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;

/**
 * How long one MLP contribution (600 000 floats, 2.4 MB) takes to push to another JVM on this
 * machine and be acknowledged, as the exchange pushes it (Spark's transport: upload streams of at
 * most 1 MiB from a direct buffer, the receiver copying into a heap buffer, one reply per stream),
 * or over plain NIO sockets (the same 64 KB reads and heap copy, one byte back). Nothing else runs:
 * this is the floor under a round's push on the cluster path. A single-file program:
 *
 *   java [-Dmode=EPOLL] [-Dbuffer=BYTES] -cp "SPARK_HOME/jars/*" benchmarks/TransportPush.java spark|raw
 *        [iterations] [pause-ms] [--trace]
 *
 * It starts the receiver as a second JVM, pushes `iterations` times (default 300) with a pause
 * between (default 5 ms), and prints the median, 10th and 90th percentiles after the first fifth.
 * --trace prints, for Spark's transport, when each stream's first byte and last byte arrived.
 */
public class TransportPush {
    static final int VALUES = 600_000;
    static final int PIECE = 1 << 20;
    static final int PORT = 7391;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("receive-spark")) {
            receiveSpark(args.length > 1);
            return;
        }
        if (args[0].equals("receive-raw")) {
            receiveRaw();
            return;
        }
        boolean spark = args[0].equals("spark");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int pause = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean trace = Arrays.asList(args).contains("--trace");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Dmode=" + System.getProperty("mode", "NIO"),
                "-Dbuffer=" + System.getProperty("buffer", "-1"), "-cp", System.getProperty("java.class.path"),
                new File(TransportPush.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath(),
                spark ? "receive-spark" : "receive-raw"));
        if (trace) {
            command.add("--trace");
        }
        Process receiver = new ProcessBuilder(command).inheritIO().start();
        try {
            Thread.sleep(3000);
            long[] nanos = spark ? pushSpark(iterations, pause, trace) : pushRaw(iterations, pause);
            long[] w = Arrays.copyOfRange(nanos, iterations / 5, iterations);
            Arrays.sort(w);
            System.out.printf("%s: 2.4 MB pushed and acknowledged: median %.2f ms, p10 %.2f, p90 %.2f (%d pushes)%n",
                    spark ? "Spark's transport" : "plain NIO sockets", w[w.length / 2] / 1e6, w[w.length / 10] / 1e6,
                    w[w.length * 9 / 10] / 1e6, w.length);
        } finally {
            receiver.destroy();
        }
    }

    /** The exchange's settings; -Dmode=EPOLL and -Dbuffer=BYTES (socket buffers) try others. */
    static TransportConf conf() {
        return new TransportConf("kindling", new MapConfigProvider(Map.of(
                "spark.kindling.io.serverThreads", "1", "spark.kindling.io.clientThreads", "1",
                "spark.kindling.io.mode", System.getProperty("mode", "NIO"),
                "spark.kindling.io.receiveBuffer", System.getProperty("buffer", "-1"),
                "spark.kindling.io.sendBuffer", System.getProperty("buffer", "-1"))));
    }

    static long[] pushSpark(int iterations, int pause, boolean trace) throws Exception {
        TransportContext context = new TransportContext(conf(), new RpcHandler() {
            public void receive(TransportClient c, ByteBuffer m, RpcResponseCallback cb) {
                cb.onFailure(new UnsupportedOperationException());
            }

            public StreamManager getStreamManager() {
                return new OneForOneStreamManager();
            }
        });
        TransportClientFactory factory = context.createClientFactory(List.of());
        TransportClient client = factory.createClient("127.0.0.1", PORT);
        ByteBuffer model = ByteBuffer.allocateDirect(VALUES * Float.BYTES);
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            if (trace) {
                System.out.println("push " + start);
            }
            int pieces = (VALUES * Float.BYTES + PIECE - 1) / PIECE;
            CountDownLatch acknowledged = new CountDownLatch(pieces);
            for (int from = 0; from < VALUES * Float.BYTES; from += PIECE) {
                ByteBuffer body = model.duplicate().position(from).limit(Math.min(from + PIECE, VALUES * Float.BYTES))
                        .slice();
                client.uploadStream(new NioManagedBuffer(ByteBuffer.wrap(new byte[40])), new NioManagedBuffer(body),
                        new RpcResponseCallback() {
                            public void onSuccess(ByteBuffer response) {
                                acknowledged.countDown();
                            }

                            public void onFailure(Throwable e) {
                                e.printStackTrace();
                            }
                        });
            }
            acknowledged.await();
            nanos[i] = System.nanoTime() - start;
            Thread.sleep(pause);
        }
        client.close();
        factory.close();
        context.close();
        return nanos;
    }

    static void receiveSpark(boolean trace) throws Exception {
        ByteBuffer inbox = ByteBuffer.allocate(VALUES * Float.BYTES);
        TransportContext context = new TransportContext(conf(), new RpcHandler() {
            final StreamManager streams = new OneForOneStreamManager();

            public void receive(TransportClient c, ByteBuffer m, RpcResponseCallback cb) {
                cb.onFailure(new UnsupportedOperationException());
            }

            public StreamCallbackWithID receiveStream(TransportClient c, ByteBuffer meta, RpcResponseCallback cb) {
                long opened = System.nanoTime();
                return new StreamCallbackWithID() {
                    long first;

                    public String getID() {
                        return "piece-" + opened;
                    }

                    public void onData(String id, ByteBuffer data) {
                        first = first == 0 ? System.nanoTime() : first;
                        if (inbox.remaining() < data.remaining()) {
                            inbox.clear();
                        }
                        inbox.put(data);
                    }

                    public void onComplete(String id) {
                        long done = System.nanoTime();
                        cb.onSuccess(ByteBuffer.allocate(0));
                        if (trace) {
                            System.out.println("stream opened " + opened + " first byte " + first + " last byte " + done);
                        }
                    }

                    public void onFailure(String id, Throwable t) {
                    }
                };
            }

            public StreamManager getStreamManager() {
                return streams;
            }
        });
        TransportServer server = context.createServer("127.0.0.1", PORT, List.of());
        Thread.sleep(Long.MAX_VALUE);
        server.close();
    }

    static long[] pushRaw(int iterations, int pause) throws Exception {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", PORT))) {
            ByteBuffer model = ByteBuffer.allocateDirect(VALUES * Float.BYTES);
            ByteBuffer ack = ByteBuffer.allocate(1);
            long[] nanos = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long start = System.nanoTime();
                model.clear();
                while (model.hasRemaining()) {
                    channel.write(model);
                }
                ack.clear();
                channel.read(ack);
                nanos[i] = System.nanoTime() - start;
                Thread.sleep(pause);
            }
            return nanos;
        }
    }

    static void receiveRaw() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", PORT));
             SocketChannel channel = server.accept()) {
            ByteBuffer read = ByteBuffer.allocateDirect(64 << 10);
            ByteBuffer inbox = ByteBuffer.allocate(VALUES * Float.BYTES);
            ByteBuffer ack = ByteBuffer.allocate(1);
            while (true) {
                inbox.clear();
                while (inbox.hasRemaining()) {
                    read.clear().limit(Math.min(read.capacity(), inbox.remaining()));
                    if (channel.read(read) < 0) {
                        return;
                    }
                    inbox.put(read.flip());
                }
                ack.clear();
                channel.write(ack);
            }
        }
    }
}
