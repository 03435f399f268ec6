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
            in.readFully(buffer, 0, length);
            out.writeInt(length);
            out.write(buffer, 0, length);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    static void measure(Map<String, Double> metrics) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RawPipe.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

            byte[] payload = new byte[ECHO_BYTES];
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < ECHO_N; i++) {
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
            byte[] back = new byte[ECHO_BYTES];
            long received = 0;
            for (int i = 0; i < ECHO_N; i++) {
                int length = in.readInt();
                in.readFully(back, 0, length);
                received += length;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.join();
            PoolBench.check(received == (long) ECHO_N * ECHO_BYTES, "raw echo bytes");
            put(metrics, "raw.echo_payload_mb_per_s", received / 1e6 / seconds);
            out.close();
            child.waitFor();
        } finally {
            child.destroyForcibly();
        }
    }

    private static void put(Map<String, Double> metrics, String name, double value) {
        metrics.put(name, value);
        System.err.printf("  %-40s %,.2f%n", name, value);
    }
}
