package io.procpool.examples;

/**
 * The target of {@link ImportTarget}, kept in a class of its own as Python's {@code multiprocessing_import_worker.py}
 * keeps it in a module of its own. A child JVM loads it from the same class path as the parent.
 *
 * <p>Threading: stateless.
 */
public final class ImportedWorker {
    private ImportedWorker() {
    }

    /** The worker function. */
    public static void worker() {
        System.out.println("Worker");
    }
}
