package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Daemon processes do not keep the parent alive: the daemon would sleep 2 s, but once the non-daemon child has
 * finished the parent JVM exits and kills it, so {@code Exiting : daemon} never appears. Prints
 * {@code Starting: daemon <pid>}, {@code Starting: non-daemon <pid>} and {@code Exiting : non-daemon <pid>}.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Daemon {
    private Daemon() {
    }

    static void daemon() throws InterruptedException {
        JvmProcess p = JvmProcess.current();
        System.out.println("Starting: " + p.getName() + " " + p.pid());
        Thread.sleep(2_000);
        System.out.println("Exiting : " + p.getName() + " " + p.pid());
    }

    static void nonDaemon() {
        JvmProcess p = JvmProcess.current();
        System.out.println("Starting: " + p.getName() + " " + p.pid());
        System.out.println("Exiting : " + p.getName() + " " + p.pid());
    }

    public static void main(String[] args) throws InterruptedException {
        JvmProcess d = new JvmProcess("daemon", Daemon::daemon);
        d.setDaemon(true);
        JvmProcess n = new JvmProcess("non-daemon", Daemon::nonDaemon);
        n.setDaemon(false);
        d.start();
        Thread.sleep(1_000);
        n.start();
    }
}
