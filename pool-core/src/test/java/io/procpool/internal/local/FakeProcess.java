package io.procpool.internal.local;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * A {@link Process} whose "child" is a {@link FakeWorker} in a thread of the test JVM: its stdin, stdout and stderr are
 * {@link MemoryPipe}s, and {@link #destroy()} / {@link #destroyForcibly()} (also through {@link #toHandle()}) deliver
 * SIGTERM / SIGKILL to the fake. When the fake ends ({@link #exit}) the pipes close as an OS closes a dead process's
 * pipes (what it wrote is still readable, then end of stream; writes to its stdin fail), then {@link #onExit()}
 * completes: the order the pool relies on with real children.
 *
 * <p>Thread-safety: thread-safe.
 */
final class FakeProcess extends Process {
    private static final AtomicLong PIDS = new AtomicLong(4_000_000); // above any real pid_max default
    private static final int PIPE_CAPACITY = 64 * 1024;

    private final long pid = PIDS.incrementAndGet();
    private final MemoryPipe stdin = new MemoryPipe(PIPE_CAPACITY);
    private final MemoryPipe stdout = new MemoryPipe(PIPE_CAPACITY);
    private final MemoryPipe stderr = new MemoryPipe(PIPE_CAPACITY);
    private final CompletableFuture<Process> exited = new CompletableFuture<>();
    private final Handle handle = new Handle();
    private volatile int exitValue;
    /** Receives the signal number of a destroy: 15 (SIGTERM) or 9 (SIGKILL). Set once, before the fake starts. */
    private volatile IntConsumer signals = signal -> exit(128 + signal, true);
    private final AtomicInteger signalCount = new AtomicInteger();

    void onSignal(IntConsumer signals) {
        this.signals = signals;
    }

    // ---------------------------------------------------------------------------------------------- the child's ends

    /** What the fake reads: its stdin. */
    InputStream childStdin() {
        return stdin.source();
    }

    /** Where the fake writes frames: its stdout. */
    OutputStream childStdout() {
        return stdout.sink();
    }

    /** Where the fake writes its stderr. */
    OutputStream childStderr() {
        return stderr.sink();
    }

    /**
     * The fake has ended with the OS exit value {@code value} (128 + N for signal N); the first call wins. Its stdout
     * stays open if {@code closeStdout} is false, as when a process it started still holds fd 1.
     */
    void exit(int value, boolean closeStdout) {
        if (exited.isDone()) {
            return;
        }
        exitValue = value;
        if (closeStdout) {
            closeStdout(); // after the bytes already written, the parent reads end of stream
        }
        stderr.closeWriter();
        stdin.closeReader(); // the parent's writes now fail with "Broken pipe"
        exited.complete(this);
    }

    /** The last holder of the fake's stdout lets go. */
    void closeStdout() {
        stdout.closeWriter();
    }

    /** How many signals (destroy, destroyForcibly) the pool sent this process. */
    int signals() {
        return signalCount.get();
    }

    // ---------------------------------------------------------------------------------------------- Process

    @Override
    public OutputStream getOutputStream() {
        return stdin.sink();
    }

    @Override
    public InputStream getInputStream() {
        return stdout.source();
    }

    @Override
    public InputStream getErrorStream() {
        return stderr.source();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exited.get(); // a wait for a process has no bound of its own, as Process.waitFor()
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return exitValue;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exited.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int exitValue() {
        if (!exited.isDone()) {
            throw new IllegalThreadStateException("fake process " + pid + " has not exited");
        }
        return exitValue;
    }

    @Override
    public void destroy() {
        signalCount.incrementAndGet();
        signals.accept(15);
    }

    @Override
    public Process destroyForcibly() {
        signalCount.incrementAndGet();
        signals.accept(9);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return !exited.isDone();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exited.thenApply(process -> process); // a copy: nobody outside completes the real one
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    // info(), children() and descendants() ask toHandle(), as Process's own defaults do

    @Override
    public String toString() {
        return "FakeProcess[pid=" + pid + (isAlive() ? ", alive]" : ", exit value " + exitValue + "]");
    }

    /** The process's handle: the pool signals its children through {@code toHandle()}. */
    private final class Handle implements ProcessHandle {
        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Optional<ProcessHandle> parent() {
            return Optional.of(ProcessHandle.current());
        }

        @Override
        public Stream<ProcessHandle> children() {
            return Stream.empty();
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            return Stream.empty();
        }

        @Override
        public Info info() {
            throw new UnsupportedOperationException("a fake process has no OS info");
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            return exited.thenApply(process -> this);
        }

        @Override
        public boolean supportsNormalTermination() {
            return true;
        }

        @Override
        public boolean destroy() {
            FakeProcess.this.destroy();
            return true;
        }

        @Override
        public boolean destroyForcibly() {
            FakeProcess.this.destroyForcibly();
            return true;
        }

        @Override
        public boolean isAlive() {
            return FakeProcess.this.isAlive();
        }

        @Override
        public int compareTo(ProcessHandle other) {
            return Long.compare(pid, other.pid());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Handle that && that.pid() == pid;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(pid);
        }
    }
}
