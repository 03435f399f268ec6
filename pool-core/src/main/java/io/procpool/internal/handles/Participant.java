package io.procpool.internal.handles;

import java.util.function.Consumer;

/**
 * A process as a hosted object sees it: the host JVM itself, or one connection of its broker (one per process that
 * uses the host's objects). What a process holds (a lock, permits, taken items, a pipe end) is recorded against its
 * participant, and released when the participant ends: a connection's end of stream is that process's death.
 *
 * <p>Thread-safety: {@link #endedCleanly()} is volatile; the rest is immutable. Identity is the object's.
 */
final class Participant {
    static final Participant HOST = new Participant(ProcessHandle.current().pid(), null);

    private final long pid;
    /** Where this participant's replies go; {@code null} for the host itself (its callers wait on futures). */
    private final Consumer<java.nio.ByteBuffer> replies;
    private volatile boolean endedCleanly;

    Participant(long pid, Consumer<java.nio.ByteBuffer> replies) {
        this.pid = pid;
        this.replies = replies;
    }

    long pid() {
        return pid;
    }

    void send(java.nio.ByteBuffer frame) {
        replies.accept(frame);
    }

    /** Marks that the process said goodbye (its shutdown hook ran) before its connection ended. */
    void markEndedCleanly() {
        endedCleanly = true;
    }

    /** Whether the process ended normally (a barrier it once used need not break), rather than being killed. */
    boolean endedCleanly() {
        return endedCleanly;
    }

    @Override
    public String toString() {
        return "process " + pid;
    }
}
