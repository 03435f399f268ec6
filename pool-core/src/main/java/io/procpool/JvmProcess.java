package io.procpool;

import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.process.CurrentProcess;
import io.procpool.internal.process.DefaultLaunchSpec;
import io.procpool.internal.process.JvmProcessSupervisor;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's {@code multiprocessing.Process}: one target run in a JVM of its own. Lifecycle names follow
 * {@link Thread}, process names follow {@link Process}.
 *
 * <pre>{@code
 * JvmProcess p = new JvmProcess("worker 1", () -> System.out.println("hello from " + JvmProcess.current()));
 * p.start();
 * p.join();
 * p.exitCode();   // OptionalInt[0]
 * }</pre>
 *
 * <p>The target, or for a subclass that overrides {@link #run()} the instance itself with its fields, travels to the
 * child with Kryo: it need not implement {@code Serializable}, and what the parent holds about the running child is
 * transient and stays behind. Whatever the child prints on {@code System.out}/{@code System.err} appears on this
 * JVM's, a whole line at a time.
 *
 * <p>Exit codes follow Python: empty until the child ended; 0 when {@code run()} returned; {@code n} for
 * {@code System.exit(n)}; 1 for an uncaught exception, whose stack trace the child prints on its {@code System.err};
 * {@code -N} when a signal N killed it ({@link #terminate()} gives -15, {@link #kill()} -9).
 *
 * <p>Parent exit: this JVM does not exit by itself (its last non-daemon thread ending) while a non-daemon child runs;
 * daemon children are killed when it exits. {@code System.exit} or a signal ends this JVM at once, and its children
 * with it. No child outlives a parent that was killed, even with SIGKILL: a child leaves when its stdin ends or its
 * parent is gone.
 *
 * <p>Logging: the lifecycle (starting, calling {@code run()}, the exit code) is logged at DEBUG under the logger
 * {@code io.procpool.JvmProcess}, in the parent and in the child, which inherits the parent's logging system
 * properties.
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #start()} and {@link #setDaemon} are
 * synchronized on the instance, like {@link Thread#start()}.
 */
public class JvmProcess {
    /** Numbers the default names; one counter per JVM, as Python has. */
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private volatile String name;
    private volatile boolean daemon;
    /** What {@link #run()} runs unless a subclass overrides it; {@code null} for a subclass. */
    private final TaskRunnable target;
    /** The parent's handle on the running child: {@code null} until started, and never sent to the child. */
    private transient volatile JvmProcessSupervisor child;

    /**
     * A process that runs {@code target}, named {@code JvmProcess-<n>}.
     *
     * @param target what the child runs; it travels to the child with Kryo
     */
    public JvmProcess(TaskRunnable target) {
        this(null, Objects.requireNonNull(target, "target"), true);
    }

    /**
     * A process named {@code name} that runs {@code target}.
     *
     * @param name   the process name
     * @param target what the child runs; it travels to the child with Kryo
     */
    public JvmProcess(String name, TaskRunnable target) {
        this(Objects.requireNonNull(name, "name"), Objects.requireNonNull(target, "target"), true);
    }

    /** For a subclass that overrides {@link #run()}; named {@code <simple class name>-<n>}. */
    protected JvmProcess() {
        this(null, null, true);
    }

    /**
     * For a subclass that overrides {@link #run()}, named {@code name}.
     *
     * @param name the process name
     */
    protected JvmProcess(String name) {
        this(Objects.requireNonNull(name, "name"), null, true);
    }

    private JvmProcess(String name, TaskRunnable target, boolean numbered) {
        int number = numbered ? NUMBERS.incrementAndGet() : 0;
        this.name = name != null ? name : displayClassName() + "-" + number;
        this.target = target;
    }

    /**
     * The process this code runs in: in a {@code JvmProcess} child its own {@code JvmProcess} (its name, pid and
     * daemon flag; for a subclass, the very instance that travelled); in a pool worker one named after the worker;
     * elsewhere one named {@code MainProcess}.
     *
     * @return the current process
     */
    public static JvmProcess current() {
        return CurrentProcess.get() instanceof JvmProcess self ? self : ThisJvm.PROCESS;
    }

    /**
     * What the child runs: the target given to the constructor. A subclass overrides it; it runs in the child, on the
     * child's main thread. An exception it throws ends the child with exit code 1.
     *
     * @throws Exception any failure; it ends the child with exit code 1
     */
    public void run() throws Exception {
        if (target != null) {
            target.run();
        }
    }

    /**
     * Starts the child JVM and returns; the target runs there.
     *
     * @throws IllegalStateException                  it was started before (a process starts once)
     * @throws TaskSerializationException             the target (or this subclass instance) cannot be encoded
     * @throws PoolException                          the child JVM cannot be started
     */
    public synchronized void start() {
        if (child != null || isThisJvm()) {
            throw new IllegalStateException("a process can be started only once: " + this);
        }
        Object sent = getClass() == JvmProcess.class ? target : this;
        child = JvmProcessSupervisor.start(name, daemon, sent, DefaultLaunchSpec.forThisJvm("JvmProcess"));
    }

    /**
     * Waits until the child has ended and everything it printed has been forwarded.
     *
     * @throws IllegalStateException it was not started (or it is the process this code runs in)
     * @throws InterruptedException  interrupted while waiting
     */
    public void join() throws InterruptedException {
        startedChild("join").awaitExit();
    }

    /**
     * Waits at most {@code timeout} for the child to end.
     *
     * @param timeout how long to wait at most
     * @return whether it has ended
     * @throws IllegalStateException it was not started (or it is the process this code runs in)
     * @throws InterruptedException  interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return startedChild("join").awaitExit(timeout);
    }

    /** {@return whether it was started and has not ended; {@code true} for the process this code runs in} */
    public boolean isAlive() {
        if (isThisJvm()) {
            return true;
        }
        JvmProcessSupervisor started = child;
        return started != null && started.exitCode().isEmpty();
    }

    /**
     * Asks the child to stop with SIGTERM; its exit code becomes -15. Does nothing once it has ended.
     *
     * @throws IllegalStateException it was not started (or it is the process this code runs in)
     */
    public void terminate() {
        startedChild("terminate").terminate();
    }

    /**
     * Kills the child with SIGKILL; its exit code becomes -9. Does nothing once it has ended.
     *
     * @throws IllegalStateException it was not started (or it is the process this code runs in)
     */
    public void kill() {
        startedChild("kill").kill();
    }

    /**
     * The child's process id.
     *
     * @return the child's process id; this JVM's for the process this code runs in
     * @throws IllegalStateException it was not started
     */
    public long pid() {
        return isThisJvm() ? ProcessHandle.current().pid() : startedChild("have a pid").pid();
    }

    /**
     * How the child ended, in Python's convention.
     *
     * @return empty until the child has ended (and for the process this code runs in); then 0 when {@code run()}
     *         returned, {@code n} for {@code System.exit(n)}, 1 for an uncaught exception, {@code -N} when signal N
     *         killed it
     */
    public OptionalInt exitCode() {
        JvmProcessSupervisor started = child;
        return started == null || isThisJvm() ? OptionalInt.empty() : started.exitCode();
    }

    /** {@return the process name} */
    public String getName() {
        return name;
    }

    /**
     * Renames the process; a child already started keeps the name it started with.
     *
     * @param name the new name
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** {@return whether the process is a daemon (killed when this JVM exits)} */
    public boolean isDaemon() {
        return daemon;
    }

    /**
     * Marks the process as a daemon (killed when this JVM exits) or not (this JVM waits for it); default not.
     *
     * @param daemon whether it is a daemon
     * @throws IllegalStateException it was already started
     */
    public synchronized void setDaemon(boolean daemon) {
        if (child != null || isThisJvm()) {
            throw new IllegalStateException("the daemon flag can be set only before start(): " + this);
        }
        this.daemon = daemon;
    }

    /**
     * In the spirit of Python's: {@code <JvmProcess name='worker 1' pid=123 parent=100 started daemon>}, with the
     * state {@code initial}, {@code started} or {@code stopped exitcode=N}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("<").append(displayClassName()).append(" name='").append(name)
                .append('\'');
        JvmProcessSupervisor started = child;
        String state;
        if (isThisJvm()) {
            text.append(" pid=").append(ProcessHandle.current().pid());
            ProcessHandle.current().parent().ifPresent(parent -> text.append(" parent=").append(parent.pid()));
            state = "started";
        } else {
            if (started != null) {
                text.append(" pid=").append(started.pid());
            }
            text.append(" parent=").append(ProcessHandle.current().pid());
            OptionalInt code = started == null ? OptionalInt.empty() : started.exitCode();
            state = started == null ? "initial" : code.isEmpty() ? "started" : "stopped exitcode=" + code.getAsInt();
        }
        text.append(' ').append(state);
        if (daemon) {
            text.append(" daemon");
        }
        return text.append('>').toString();
    }

    private boolean isThisJvm() {
        return this == CurrentProcess.get() || this == ThisJvm.PROCESS;
    }

    private JvmProcessSupervisor startedChild(String action) {
        if (isThisJvm()) {
            throw new IllegalStateException("a process cannot " + action + " itself: " + this);
        }
        JvmProcessSupervisor started = child;
        if (started == null) {
            throw new IllegalStateException("only a started process can " + action + ": " + this);
        }
        return started;
    }

    /** The simple class name; for an anonymous subclass, that of the nearest named superclass. */
    private String displayClassName() {
        Class<?> type = getClass();
        while (type.getSimpleName().isEmpty()) {
            type = type.getSuperclass();
        }
        return type.getSimpleName();
    }

    /** This JVM as a process when it is not a {@code JvmProcess} child, made on first use. */
    private static final class ThisJvm {
        static final JvmProcess PROCESS = describeThisJvm();

        /** {@code MainProcess}, or in a pool worker the worker's name (a pool worker is a daemon, as in Python). */
        private static JvmProcess describeThisJvm() {
            String workerName = System.getProperty(ChildJvm.NAME_PROPERTY);
            JvmProcess process = new JvmProcess(workerName != null ? workerName : "MainProcess", null, false);
            process.daemon = workerName != null;
            return process;
        }
    }
}
