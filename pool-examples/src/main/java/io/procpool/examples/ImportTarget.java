package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * A target defined in another class ({@link ImportedWorker}). Python needs a separate module or an
 * {@code if __name__ == '__main__'} guard so that the child does not run the parent's main again; a child JVM starts
 * procpool's worker main and only loads the target's class, so any class on the class path will do. Prints
 * {@code Worker} five times.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class ImportTarget {
    private ImportTarget() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        for (int i = 0; i < 5; i++) {
            new JvmProcess(ImportedWorker::worker).start();
        }
    }
}
