package io.procpool.worker;

import io.procpool.internal.process.ExitStatus;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.ToParent;
import java.io.IOException;
import sun.misc.Signal;

/**
 * Tells the parent how this JVM ends, because the parent cannot tell {@code System.exit(143)} from SIGTERM by the exit
 * status alone. SIGTERM, SIGINT and SIGHUP are caught and recorded, then the JVM exits as it would have; a shutdown
 * hook sends one EXIT frame: "signal N" when one was recorded, otherwise "ended through exit, trust the OS status".
 * SIGKILL, {@code Runtime.halt} and crashes skip the hook and send nothing, which is exactly what the parent expects of
 * them.
 *
 * <p>Thread-safety: the signal number is volatile; the hook runs once.
 */
final class ExitAnnouncer {
    private static volatile int signal;

    private ExitAnnouncer() {
    }

    static void install(FrameWriter<ToParent> frames, Runnable beforeExit) {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(name), caught -> {
                    signal = caught.getNumber();
                    System.exit(128 + caught.getNumber());
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // -Xrs, or a signal the VM reserves: that signal then shows as exit code 128+N (see ExitStatus)
            }
        }
        Thread announcer = new Thread(() -> {
            beforeExit.run();
            long announcement = signal == 0 ? ExitStatus.ANNOUNCED_EXIT : signal;
            try {
                synchronized (frames) {
                    frames.write(new ToParent.Exit(announcement));
                    frames.flush();
                }
            } catch (IOException e) {
                // the parent is gone; nobody is left to tell
            }
        }, "procpool-exit-announcer");
        try {
            Runtime.getRuntime().addShutdownHook(announcer);
        } catch (IllegalStateException shutdownInProgress) {
            // a signal came before the hook was in (the pool stopping a worker that is still starting): this JVM is
            // already ending, and without an EXIT frame the parent reads the OS status, which is right for a signal
        }
    }
}
