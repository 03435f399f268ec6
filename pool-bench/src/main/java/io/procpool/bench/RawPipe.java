package io.procpool.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Workload (g): the physical limit of what procpool does, measured without procpool. A child JVM echoes
 * {@code [int length][bytes]} messages from its stdin to its stdout; the parent measures a sequential 16-byte
 * ping-pong and a streamed 1 MiB echo (a writer thread feeding while the main thread reads).
 *
 * <p>Threading: {@link #measure} uses the calling thread and one writer thread; {@link #main} is the child.
 */
final class RawPipe {
    private static final int PING_N = 20_000;
    private static final int ECHO_N = 200;
    private static final int ECHO_BYTES = 1 << 20;

    private RawPipe() {
    }

    /**
     * The child: echo every message until stdin ends.
     *
     * @param args none
     * @throws IOException the pipe to the parent broke
     */
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 1 << 16));
        byte[] buffer = new byte[ECHO_BYTES];
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (java.io.EOFException e) {
                return;
            }
            if (length > buffer.length) {
                buffer = new byte[length];
            }
            in.readFully(buffer, 0, length);
            out.writeInt(length);
            out.write(buffer, 0, length);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    /** A JVM running {@link #main}: the echo child. */
    private static Process startEchoChild() throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RawPipe.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static void measure(Map<String, Double> metrics) throws Exception {
        Process child = startEchoChild();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(child.getOutputStream(), 1 << 16));
            DataInputStream in = new DataInputStream(new BufferedInputStream(child.getInputStream(), 1 << 16));
            byte[] small = new byte[16];
            long[] nanos = new long[PING_N];
            for (int i = -2_000; i < PING_N; i++) {
                long start = System.nanoTime();
                out.writeInt(small.length);
                out.write(small);
                out.flush();
                int length = in.readInt();
                in.readFully(small, 0, length);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(nanos);
            put(metrics, "raw.pingpong_median_us", nanos[PING_N / 2] / 1e3);
            put(metrics, "raw.pingpong_min_us", nanos[0] / 1e3);

            put(metrics, "raw.echo_payload_mb_per_s", echoMbPerSecond(out, in, ECHO_BYTES, ECHO_N));
            out.close();
            child.waitFor();
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Echo passes of {@code items} messages of {@code itemBytes} each through a fresh echo child, a writer thread
     * feeding while the calling thread reads: MB/s of payload for each pass.
     */
    static double[] echoPasses(int itemBytes, int items, int passes) throws Exception {
        Process child = startEchoChild();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(child.getOutputStream(), 1 << 16));
            DataInputStream in = new DataInputStream(new BufferedInputStream(child.getInputStream(), 1 << 16));
            double[] rates = new double[passes];
            for (int pass = 0; pass < passes; pass++) {
                rates[pass] = echoMbPerSecond(out, in, itemBytes, items);
            }
            out.close();
            child.waitFor();
            return rates;
        } finally {
            child.destroyForcibly();
        }
    }

    /** Streams {@code items} messages of {@code itemBytes} to the echo child and reads them back: MB/s of payload. */
    private static double echoMbPerSecond(DataOutputStream out, DataInputStream in, int itemBytes, int items)
            throws Exception {
        byte[] payload = new byte[itemBytes];
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < items; i++) {
                    out.writeInt(payload.length);
                    out.write(payload);
                }
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "raw-writer");
        long start = System.nanoTime();
        writer.start();
        byte[] back = new byte[itemBytes];
        long received = 0;
        for (int i = 0; i < items; i++) {
            int length = in.readInt();
            in.readFully(back, 0, length);
            received += length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.join();
        PoolBench.check(received == (long) items * itemBytes, "raw echo bytes");
        return received / 1e6 / seconds;
    }

    private static void put(Map<String, Double> metrics, String name, double value) {
        metrics.put(name, value);
        System.err.printf("  %-40s %,.2f%n", name, value);
    }
}
