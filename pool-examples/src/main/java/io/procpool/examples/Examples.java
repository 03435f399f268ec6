package io.procpool.examples;

import java.util.Arrays;
import java.util.List;

/**
 * The examples' executable jar: {@code java -jar pool-examples.jar} runs the main demo, {@code list} names every
 * example, {@code <name>} runs one. The examples port, one class each, the tutorial procpool is built from.
 *
 * <p>Threading: runs the chosen example on the main thread. It touches no logger before the example does, so an
 * example may still set the logging level.
 */
public final class Examples {
    /** The one run when no name is given. */
    private static final String MAIN_DEMO = "isolation";
    /** The exit code for a command line that names no example. */
    private static final int USAGE = 2;

    /** The {@code main} of an example. */
    @FunctionalInterface
    private interface Main {
        void run(String[] args) throws Exception;
    }

    private record Example(String name, String description, Main main) {
    }

    private static final List<Example> EXAMPLES = List.of(
            new Example(MAIN_DEMO, "the main demo: a batch to compress, some of whose items exit, hang, exhaust the "
                    + "heap or crash the JVM: a thread pool loses its JVM, a ProcessPool names each and wins",
                    Isolation::main),
            new Example("digest", "SHA-256 of every file under a tree (default: java.home), serially and on a "
                    + "ProcessPool, with a progress bar; [dir] [--dashboard]", Digest::main),
            new Example("wordcount", "word counts over the text files of a tree with imapUnordered and a merge; "
                    + "[dir]", WordCount::main),
            new Example("speedup", "primes counted serially and on a ProcessPool, and the speedup", Speedup::main),
            new Example("spawn", "five processes with target worker print Worker", Spawn::main),
            new Example("args", "each of five processes prints the number it was given", Args::main),
            new Example("import-target", "the target is a method of another class", ImportTarget::main),
            new Example("names", "named processes and a default name, found through current()", Names::main),
            new Example("daemon", "the parent exits after the non-daemon child; the daemon is killed", Daemon::main),
            new Example("join", "join() waits for the daemon and the non-daemon child", Join::main),
            new Example("join-timeout", "join(1 s) returns while the daemon still runs", JoinTimeout::main),
            new Example("terminate", "terminate() a worker before it finishes", Terminate::main),
            new Example("exitcodes", "exit codes: System.exit(1), return, return a value, throw, terminate",
                    ExitCodes::main),
            new Example("logging", "the DEBUG lifecycle of a process, on stderr", Logging::main),
            new Example("logger-level", "procpool's loggers at INFO: no lifecycle lines", LoggerLevel::main),
            new Example("subclass", "a subclass of JvmProcess overrides run()", Subclass::main),
            new Example("pool-traceback", "a task fails in a pool worker: the trace shows the worker's line",
                    PoolTraceback::main),
            new Example("shared", "a number and an array in shared memory set by a child; a dictionary shared with "
                    + "a pool once", SharedData::main),
            new Example("cluster", "the primes counted on a Hazelcast cluster of 2 member JVMs and on a ProcessPool",
                    Cluster::main),
            new Example("consumers", "consumers take tasks from a JoinableProcessQueue until a poison pill; the "
                    + "parent joins the queue and reads the results", Consumers::main),
            new Example("event", "a process waits on a ProcessEvent with and without a timeout; the parent sets it",
                    Signalling::main),
            new Example("lock", "two processes append blocks of lines to one file under a ProcessLock",
                    LockedAccess::main),
            new Example("condition", "stage-2 processes wait on a ProcessCondition until stage 1 signals",
                    Stages::main),
            new Example("semaphore", "at most 2 of 6 processes in a section guarded by a ProcessSemaphore",
                    SemaphoreLimit::main),
            new Example("shared-map", "ten processes each put one entry into a SharedMap", SharedState::main),
            new Example("mapreduce", "word count as map, partition and reduce over a ProcessPool; [dir]",
                    MapReduce::main));

    private Examples() {
    }

    /**
     * Runs the example named by the first argument, with the remaining arguments.
     *
     * @param args {@code list}, or an example's name and its arguments; none runs the main demo
     * @throws Exception whatever the example throws
     */
    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? MAIN_DEMO : args[0];
        String[] exampleArgs = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (name.equals("list")) {
            for (Example example : EXAMPLES) {
                System.out.printf("%-15s %s%n", example.name(), example.description());
            }
            return;
        }
        for (Example example : EXAMPLES) {
            if (example.name().equals(name)) {
                example.main().run(exampleArgs);
                return;
            }
        }
        System.err.println("no example named '" + name + "'. Usage: java -jar pool-examples.jar [list | <name> [args]]; "
                + "with no argument it runs the main demo, '" + MAIN_DEMO + "'.");
        System.exit(USAGE);
    }
}
