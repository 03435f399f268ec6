package io.procpool.internal.process;

import com.google.common.collect.EvictingQueue;
import io.procpool.internal.protocol.ToParent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM's stderr as every kind of child needs it (pool workers, {@code JvmProcess} children, cluster members):
 * each line forwarded to the parent's {@code System.err} as it comes, and the last lines kept for the message that
 * explains why the child died.
 *
 * <p>Thread-safety: one daemon thread pumps the stream; {@link #record} and {@link #tail} may be called from any
 * thread (the tail is guarded by itself).
 */
public final class StderrPump {
    private static final Logger LOG = LoggerFactory.getLogger(StderrPump.class);
    private static final int TAIL_LINES = 40;

    private final EvictingQueue<String> tail = EvictingQueue.create(TAIL_LINES); // guarded by itself
    private final Thread pump;

    private StderrPump(InputStream stderr, String threadName, Consumer<String> forward) {
        this.pump = new Thread(() -> pump(stderr, forward), threadName);
        pump.setDaemon(true);
    }

    /** Starts pumping {@code stderr}, printing each line on the parent's stderr. */
    public static StderrPump start(InputStream stderr, String childName) {
        StderrPump started = new StderrPump(stderr, childName + "-stderr",
                line -> OutputSink.printLine(ToParent.OutputLine.Stream.ERR, line));
        started.pump.start();
        return started;
    }

    private void pump(InputStream stderr, Consumer<String> forward) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                record(line);
                forward.accept(line);
            }
        } catch (IOException e) {
            LOG.debug("{} closed: {}", pump.getName(), e.toString());
        }
    }

    /** Keeps a line for {@link #tail}; also for stderr lines that reached the parent another way (as frames). */
    public void record(String line) {
        synchronized (tail) {
            tail.add(line);
        }
    }

    /**
     * The last lines of the child's stderr, after waiting (at most {@code waitMillis}) for the pump to read what a
     * dead child left in the pipe.
     */
    public String tail(long waitMillis) {
        try {
            pump.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }
}
