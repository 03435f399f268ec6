package io.procpool.worker;

import java.util.concurrent.TimeUnit;

/**
 * Ends this JVM when its parent process is gone, even if something kept our stdin open. Waiting on the parent's
 * {@code onExit()} costs no CPU; the end of stdin is the other, usually faster, signal.
 *
 * <p>Thread-safety: starts one daemon thread.
 */
final class ParentWatch {
    /** Exit code of a child whose parent vanished: 128 + SIGHUP, as a shell would report a hung-up job. */
    static final int PARENT_GONE = 129;

    private ParentWatch() {
    }

    static void start() {
        ProcessHandle.current().parent().ifPresent(parent -> {
            Thread watcher = new Thread(() -> {
                try {
                    parent.onExit().get();
                } catch (Exception e) {
                    // fall through: without a way to watch the parent, treat it as gone
                }
                Runtime.getRuntime().halt(PARENT_GONE);
            }, "procpool-parent-watch");
            watcher.setDaemon(true);
            watcher.start();
        });
    }

    /** Waits (bounded) then halts: used when stdin ends, so a shutdown hook that hangs cannot keep us alive. */
    static void haltAfter(long millis) {
        Thread halter = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(PARENT_GONE);
        }, "procpool-halt-timer");
        halter.setDaemon(true);
        halter.start();
    }
}
