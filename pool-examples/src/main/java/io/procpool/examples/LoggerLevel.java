package io.procpool.examples;

/**
 * Python's {@code get_logger().setLevel(logging.INFO)}: the level of procpool's loggers is the binding's business;
 * with slf4j-simple it is the system property {@code org.slf4j.simpleLogger.log.io.procpool}. At INFO the DEBUG
 * lifecycle lines are gone, in the parent and in the child. Prints {@code Doing some work}.
 *
 * <p>Threading: the main thread only; the target runs in its own JVM.
 */
public final class LoggerLevel {
    private LoggerLevel() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        Logging.runWorkerLoggingAt("info");
    }
}
