package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Daemon processes do not keep the parent alive: the daemon would sleep, but once the non-daemon child has finished
 * the parent JVM exits and kills it, so {@code Exiting : daemon} never appears. Prints
 * {@code Starting: daemon <pid>}, {@code Starting: non-daemon <pid>} and {@code Exiting : non-daemon <pid>}.
 *
 * <p>The seed's daemon sleeps 2 s. A JVM takes a good part of a second to start on a busy machine, where a Python fork
 * takes a millisecond, so this daemon sleeps 5 s: long enough that the non-daemon child, started 1 s later, always
 * ends first.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Daemon {
    private Daemon() {
    }

    static void daemon() throws InterruptedException {
        JvmProcess p = JvmProcess.current();
        System.out.println("Starting: " + p.getName() + " " + p.pid());
        Thread.sleep(5_000);
        System.out.println("Exiting : " + p.getName() + " " + p.pid());
    }

    static void nonDaemon() {
        JvmProcess p = JvmProcess.current();
        System.out.println("Starting: " + p.getName() + " " + p.pid());
        System.out.println("Exiting : " + p.getName() + " " + p.pid());
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
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
