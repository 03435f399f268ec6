package io.procpool.examples;

import io.procpool.JvmProcess;
import java.time.Duration;

/**
 * {@code join} with a timeout returns when the time is up even if the process still runs: the daemon sleeps 2 s, the
 * parent waits for it 1 s and prints {@code d.isAlive() true}. The daemon is then killed when the parent exits.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class JoinTimeout {
    private JoinTimeout() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        JvmProcess d = Join.daemonProcess();
        JvmProcess n = Join.nonDaemonProcess();
        d.start();
        n.start();
        d.join(Duration.ofSeconds(1));
        System.out.println("d.isAlive() " + d.isAlive());
        n.join();
    }
}
