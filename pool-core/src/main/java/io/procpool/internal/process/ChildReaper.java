package io.procpool.internal.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure no child outlives this JVM: every child process is registered here, and a shutdown hook destroys those
 * still alive when the JVM exits (SIGTERM, then SIGKILL after a short grace). A parent killed with SIGKILL runs no
 * hook; its children notice the end of their stdin and their parent's exit instead.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ChildReaper {
    private static final long GRACE_MILLIS = 500;
    private static final Set<ProcessHandle> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildReaper::destroyAll, "procpool-child-reaper"));
    }

    private ChildReaper() {
    }

    /** Registers a child; it is forgotten by itself when it exits. */
    public static void register(Process process) {
        ProcessHandle handle = process.toHandle();
        CHILDREN.add(handle);
        process.onExit().thenRun(() -> CHILDREN.remove(handle));
    }

    private static void destroyAll() {
        for (ProcessHandle child : CHILDREN) {
            child.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        for (ProcessHandle child : CHILDREN) {
            long left = deadline - System.nanoTime();
            try {
                child.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
    }
}
