package io.procpool.internal.process;

/**
 * Which {@code JvmProcess} this JVM is, when it is a {@code JvmProcess} child: the child's runner records it once,
 * before the target runs, and {@code JvmProcess.current()} reads it. Empty in a parent and in a pool worker. It holds
 * the process as an {@code Object} so that this package does not depend on the public class that depends on it.
 *
 * <p>Thread-safety: thread-safe (a volatile reference, set once).
 */
public final class CurrentProcess {
    private static volatile Object self;

    private CurrentProcess() {
    }

    /** Records the process this JVM runs; called by the child's runner before {@code run()}. */
    public static void set(Object process) {
        self = process;
    }

    /** @return the process this JVM runs, or {@code null} when this JVM is not a {@code JvmProcess} child */
    public static Object get() {
        return self;
    }
}
