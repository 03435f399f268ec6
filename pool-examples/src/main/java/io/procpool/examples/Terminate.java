package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Stopping a process with {@code terminate()} (SIGTERM): the worker never gets to {@code Finished worker}, and its
 * exit code is -15. Prints the process before, during, right after {@code terminate()} (it may not have died yet)
 * and after {@code join()}, with {@code isAlive()}.
 *
 * <p>Threading: the main thread only; the target runs in its own JVM.
 */
public final class Terminate {
    private Terminate() {
    }

    static void slowWorker() throws InterruptedException {
        System.out.println("Starting worker");
        Thread.sleep(100);
        System.out.println("Finished worker");
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        JvmProcess p = new JvmProcess(Terminate::slowWorker);
        System.out.println("BEFORE: " + p + " " + p.isAlive());
        p.start();
        System.out.println("DURING: " + p + " " + p.isAlive());
        p.terminate();
        System.out.println("TERMINATED: " + p + " " + p.isAlive());
        p.join();
        System.out.println("JOINED: " + p + " " + p.isAlive());
    }
}
