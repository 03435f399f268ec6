package io.procpool.worker;

import io.procpool.JvmProcess;
import io.procpool.TaskRunnable;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.process.CurrentProcess;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a {@code JvmProcess} child: decode its one target, make it {@link JvmProcess#current()}, run it on the
 * main thread, and exit as a Python process does: 0 when it returned, 1 when it threw (after printing the stack trace
 * on {@code System.err}), {@code n} when it called {@code System.exit(n)}. Like Python, the child waits for the
 * non-daemon threads the target started before it exits. Signals are announced by {@link ExitAnnouncer}.
 *
 * <p>Threading: the main thread runs the target; a daemon thread reads the parent's channel and ends the JVM when it
 * ends, so that no child outlives its parent.
 */
final class ProcessRunner {
    /** SLF4J's own diagnostics ("no providers were found", say), which the parent has already shown. */
    private static final String SLF4J_VERBOSITY_PROPERTY = "slf4j.internal.verbosity";
    /** How long the JVM may take to run its shutdown hooks once the parent is gone, before it halts. */
    private static final long PARENT_GONE_GRACE_MILLIS = 2_000;

    private final FrameReader<ToWorker> input;
    private final WorkerMain.Output output;
    /** The lifecycle logs under the public class's name, in the parent and in the child. */
    private final Logger log;

    ProcessRunner(FrameReader<ToWorker> input, WorkerMain.Output output) {
        this.input = input;
        this.output = output;
        this.log = lifecycleLogger();
    }

    /**
     * The child has the parent's class path and logging properties, so SLF4J's report of its own set-up would only
     * repeat, once per child, what the parent showed: it is kept to errors unless the user chose a verbosity.
     */
    private static Logger lifecycleLogger() {
        if (System.getProperty(SLF4J_VERBOSITY_PROPERTY) == null) {
            System.setProperty(SLF4J_VERBOSITY_PROPERTY, "ERROR");
        }
        return LoggerFactory.getLogger(JvmProcess.class);
    }

    void run(ToWorker.StartProcess start) {
        watchParentChannel();
        JvmProcess self;
        try {
            self = describe(Codec.decode(start.start().bytes(),
                    ClassLoader.getSystemClassLoader(), Payloads.ProcessStart.class, "process target"));
        } catch (TaskSerializationException e) {
            System.err.print("Cannot start process \"" + System.getProperty(ChildJvm.NAME_PROPERTY) + "\": ");
            e.printStackTrace();
            System.exit(1); // the shutdown hook flushes partial lines and announces the exit
            return;
        }
        CurrentProcess.set(self);
        long pid = ProcessHandle.current().pid();
        log.debug("{} (pid {}) calling run()", self.getName(), pid);
        int exitCode = runTarget(self);
        output.flushPartialLines();
        awaitNonDaemonThreads();
        log.debug("{} (pid {}) exiting with exit code {}", self.getName(), pid, exitCode);
        System.exit(exitCode);
    }

    /** The subclass instance that travelled, or a process describing the target's child. */
    private static JvmProcess describe(Payloads.ProcessStart start) {
        if (start.target() instanceof JvmProcess travelled) {
            return travelled;
        }
        JvmProcess self = new JvmProcess(start.name(), (TaskRunnable) start.target());
        self.setDaemon(start.daemon());
        return self;
    }

    /** Runs the target; an exception it throws is printed as the JVM prints an uncaught one, and gives 1. */
    private static int runTarget(JvmProcess self) {
        try {
            self.run();
            return 0;
        } catch (Throwable t) {
            PrintStream err = System.err; // the target may have set it to null, as a Python target may close it
            if (err != null) {
                err.print("Exception in process \"" + self.getName() + "\" ");
                t.printStackTrace(err);
            }
            return 1;
        }
    }

    /** Waits for every non-daemon thread the target left running, as the JVM would before exiting by itself. */
    private static void awaitNonDaemonThreads() {
        Thread main = Thread.currentThread();
        Optional<Thread> running;
        while ((running = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread != main && !thread.isDaemon() && thread.isAlive()).findAny()).isPresent()) {
            try {
                running.get().join();
            } catch (InterruptedException e) {
                // the target's threads decide when this JVM ends, not an interrupt
            }
        }
    }

    /** The parent sends nothing after START_PROCESS: the end of the channel means the parent is gone. */
    private void watchParentChannel() {
        Thread watcher = new Thread(() -> {
            try {
                while (input.read() != null) {
                    // nothing else is expected; keep reading until the end
                }
            } catch (IOException e) {
                // a broken channel is a gone parent too
            }
            ParentWatch.haltAfter(PARENT_GONE_GRACE_MILLIS);
            System.exit(ParentWatch.PARENT_GONE);
        }, "procpool-parent-channel");
        watcher.setDaemon(true);
        watcher.start();
    }
}
