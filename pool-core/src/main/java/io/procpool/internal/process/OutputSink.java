package io.procpool.internal.process;

import io.procpool.internal.protocol.ToParent.OutputLine;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where children's output lands in the parent. The threads that read children's pipes hand each whole line to this
 * sink and go back to reading; one printer thread prints the lines in the order they were handed over, each whole on
 * the {@code System.out} or {@code System.err} the parent had when the line arrived, so lines never interleave inside
 * a line and a slow or blocked parent stdout does not hold up the frames behind a line (answers, above all).
 *
 * <p>Order with answers: a channel that has handed over lines calls {@link #awaitPrinted} before it passes on its next
 * frame, so a task's output normally appears before its answer. That wait is short by design: it ends after
 * {@value #ORDER_WAIT_MILLIS} ms, and at once while the printer has been stuck on one line for that long (a parent
 * stdout that nobody reads); then the answer goes ahead and the lines follow when the stream takes them.
 *
 * <p>When full: at most {@link #capacityChars} characters of lines wait or print (a longer line is taken alone). A
 * thread that hands over a line while the sink is full waits for room: no line is ever dropped, and a child that
 * prints faster than the parent's stream takes it is slowed down as if it wrote to that stream itself. A JVM that ends
 * prints what waits, for at most {@value #EXIT_DRAIN_MILLIS} ms.
 *
 * <p>Thread-safety: thread-safe; the queue and the counters are guarded by {@link #lock}.
 */
public final class OutputSink {
    /** How long a channel waits at most for its lines to be printed before it passes on a frame. */
    static final long ORDER_WAIT_MILLIS = 200;
    /** How long a JVM's exit waits at most for the lines still waiting. */
    static final long EXIT_DRAIN_MILLIS = 1_000;
    /** 4 Mi characters (8 MiB) of lines may wait. */
    private static final long DEFAULT_CAPACITY_CHARS = 4L << 20;
    private static final OutputSink SHARED = new OutputSink(DEFAULT_CAPACITY_CHARS, "procpool-output");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SHARED.awaitPrinted(SHARED.lastTicket(),
                EXIT_DRAIN_MILLIS), "procpool-output-drain"));
    }

    /** A line waiting to be printed, and the stream it goes to. */
    private record Line(PrintStream target, String text, long ticket) {
    }

    private final long capacityChars;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition linesWaiting = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<Line> waiting = new ArrayDeque<>(); // guarded by lock
    private long waitingChars;                                   // guarded by lock: waiting or printing
    private long handedOver;                                     // guarded by lock: the last ticket given
    private long printed;                                        // guarded by lock: every ticket up to it printed
    /** When the printer began the line it is printing; 0 while it does not print. */
    private volatile long printingSince;

    /** A sink with its own printer thread, a daemon named {@code printerName}; children use {@link #shared}. */
    OutputSink(long capacityChars, String printerName) {
        this.capacityChars = capacityChars;
        Thread printer = new Thread(this::printLines, printerName);
        printer.setDaemon(true);
        printer.start();
    }

    /** @return the sink every child's output goes through */
    public static OutputSink shared() {
        return SHARED;
    }

    /** Hands one whole line to the shared sink, for the parent's stream {@code stream}. */
    public static void printLine(OutputLine.Stream stream, String line) {
        SHARED.print(stream, line);
    }

    /**
     * Hands one whole line over, for the stream that is {@code System.out} or {@code System.err} now; waits while the
     * sink is full (see the class comment).
     *
     * @return its ticket, for {@link #awaitPrinted}
     */
    public long print(OutputLine.Stream stream, String line) {
        return print(stream == OutputLine.Stream.OUT ? System.out : System.err, line);
    }

    long print(PrintStream target, String line) {
        lock.lock();
        try {
            while (waitingChars > 0 && waitingChars + line.length() > capacityChars) {
                progress.awaitUninterruptibly(); // the reason: no line is dropped; the printer frees room
            }
            waiting.add(new Line(target, line, ++handedOver));
            waitingChars += line.length();
            linesWaiting.signal();
            return handedOver;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the line with {@code ticket} (and every line before it) is printed, for at most
     * {@value #ORDER_WAIT_MILLIS} ms and not at all while the printer is stuck (see the class comment).
     *
     * @return whether it was printed
     */
    public boolean awaitPrinted(long ticket) {
        return awaitPrinted(ticket, ORDER_WAIT_MILLIS);
    }

    private boolean awaitPrinted(long ticket, long millis) {
        long stuckNanos = TimeUnit.MILLISECONDS.toNanos(ORDER_WAIT_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (printed < ticket) {
                long now = System.nanoTime();
                long since = printingSince;
                if (now >= deadline || (since != 0 && now - since >= stuckNanos)) {
                    return false;
                }
                progress.awaitNanos(Math.min(deadline - now, stuckNanos));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return printed >= ticket;
        } finally {
            lock.unlock();
        }
    }

    private long lastTicket() {
        lock.lock();
        try {
            return handedOver;
        } finally {
            lock.unlock();
        }
    }

    /** Prints one line; a stream that throws (a user's own PrintStream) loses that line, not the printer. */
    private static void print(Line line) {
        try {
            line.target().println(line.text());
        } catch (RuntimeException e) {
            // the parent's own System.out is broken; there is nowhere better to say so
        }
    }

    private static void flush(PrintStream target) {
        try {
            target.flush();
        } catch (RuntimeException e) {
            // as in print
        }
    }

    /** The printer thread: takes every waiting line at once, prints them in order, flushes each stream once. */
    private void printLines() {
        List<Line> batch = new ArrayList<>();
        Map<PrintStream, Boolean> touched = new IdentityHashMap<>();
        while (true) {
            lock.lock();
            try {
                while (waiting.isEmpty()) {
                    linesWaiting.awaitUninterruptibly(); // the reason: a daemon that waits for the next line
                }
                batch.addAll(waiting);
                waiting.clear();
            } finally {
                lock.unlock();
            }
            long chars = 0;
            for (Line line : batch) {
                printingSince = System.nanoTime();
                print(line);
                touched.put(line.target(), Boolean.TRUE);
                chars += line.text().length();
            }
            touched.keySet().forEach(OutputSink::flush);
            printingSince = 0;
            lock.lock();
            try {
                printed = batch.get(batch.size() - 1).ticket();
                waitingChars -= chars;
                progress.signalAll(); // room for the threads waiting to hand over, news for those awaiting a ticket
            } finally {
                lock.unlock();
            }
            batch.clear();
            touched.clear();
        }
    }
}
