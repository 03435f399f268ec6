package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Python's {@code multiprocessing.log_to_stderr(logging.DEBUG)}: procpool logs its lifecycle through SLF4J under
 * {@code io.procpool} at DEBUG, and the examples' binding (slf4j-simple) writes to stderr. Setting the level is one
 * system property here ({@code -Dorg.slf4j.simpleLogger.log.io.procpool=debug} on the command line does the same);
 * the child inherits it with the rest of the parent's logging properties, so its side of the lifecycle (calling
 * {@code run()}, exiting with its exit code) shows too. Prints {@code Doing some work} on stdout.
 *
 * <p>Threading: the main thread only; the target runs in its own JVM.
 */
public final class Logging {
    private Logging() {
    }

    static void worker() {
        System.out.println("Doing some work");
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        runWorkerLoggingAt("debug");
    }

    /** Sets procpool's log level (before the first logger exists), then runs {@link #worker()} in a child. */
    static void runWorkerLoggingAt(String level) throws InterruptedException {
        System.setProperty("org.slf4j.simpleLogger.log.io.procpool", level);
        JvmProcess p = new JvmProcess(Logging::worker);
        p.start();
        p.join();
    }
}
