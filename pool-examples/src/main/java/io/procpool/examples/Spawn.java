package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * The simplest way to start a second process: a {@link JvmProcess} with a target, then {@code start()}. Prints
 * {@code Worker} five times. The parent does not join them: like Python, the JVM does not exit while non-daemon
 * children run.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Spawn {
    private Spawn() {
    }

    static void worker() {
        System.out.println("Worker");
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        for (int i = 0; i < 5; i++) {
            new JvmProcess(Spawn::worker).start();
        }
    }
}
