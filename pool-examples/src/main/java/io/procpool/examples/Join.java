package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Waiting for processes with {@code join()}: the daemon is joined too, so it gets to finish its 2 s sleep. Prints
 * {@code Starting: daemon}, {@code Exiting : daemon}, {@code Starting: non-daemon}, {@code Exiting : non-daemon}.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Join {
    private Join() {
    }

    static void daemon() throws InterruptedException {
        String name = JvmProcess.current().getName();
        System.out.println("Starting: " + name);
        Thread.sleep(2_000);
        System.out.println("Exiting : " + name);
    }

    static void nonDaemon() {
        String name = JvmProcess.current().getName();
        System.out.println("Starting: " + name);
        System.out.println("Exiting : " + name);
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        JvmProcess d = daemonProcess();
        JvmProcess n = nonDaemonProcess();
        d.start();
        Thread.sleep(1_000);
        n.start();
        d.join();
        n.join();
    }

    /** The seed's {@code d}: a daemon process named "daemon" running {@link #daemon()}. */
    static JvmProcess daemonProcess() {
        JvmProcess d = new JvmProcess("daemon", Join::daemon);
        d.setDaemon(true);
        return d;
    }

    /** The seed's {@code n}: a non-daemon process named "non-daemon" running {@link #nonDaemon()}. */
    static JvmProcess nonDaemonProcess() {
        JvmProcess n = new JvmProcess("non-daemon", Join::nonDaemon);
        n.setDaemon(false);
        return n;
    }
}
