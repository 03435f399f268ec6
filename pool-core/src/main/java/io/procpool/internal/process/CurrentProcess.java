package io.procpool.internal.process;

import io.procpool.JvmProcess;

/**
 * Which {@link JvmProcess} this JVM is, when it is a {@code JvmProcess} child: the child's runner records it once,
 * before the target runs, and {@link JvmProcess#current()} reads it. Empty in a parent and in a pool worker.
 *
 * <p>Thread-safety: thread-safe (a volatile reference, set once).
 */
public final class CurrentProcess {
    private static volatile JvmProcess self;

    private CurrentProcess() {
    }

    /** Records the process this JVM runs; called by the child's runner before {@code run()}. */
    public static void set(JvmProcess process) {
        self = process;
    }

    /** @return the process this JVM runs, or {@code null} when this JVM is not a {@code JvmProcess} child */
    public static JvmProcess get() {
        return self;
    }
}
