package io.procpool.internal.local;

import static org.awaitility.Awaitility.await;

import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.process.LaunchSpec;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * A real {@link LocalSink} (with its {@link Placement}, {@link Watchdog}, {@link Supervisor} and {@link WorkerConnection}s) whose workers
 * are {@link FakeWorker}s: the launcher seam {@link Supervisor.Launcher} starts a fake for every worker the pool
 * starts, its faults chosen by launch number (1 for the first worker). Tasks are CALLs whose payload is a string the
 * fakes echo, so every answer can be checked exactly.
 *
 * <p>Threading: thread-safe; {@link #close()} terminates the sink, which stops every fake.
 */
final class FakePool implements Supervisor.Launcher, AutoCloseable {
    private final IntFunction<FakeWorker.Faults> faultsByLaunch;
    private final List<FakeWorker> launched = Collections.synchronizedList(new ArrayList<>());
    final LocalSink sink;

    private FakePool(int workers, long maxTasksPerWorker, IntFunction<FakeWorker.Faults> faultsByLaunch) {
        this.faultsByLaunch = faultsByLaunch;
        PoolConfig config = new PoolConfig(workers, "fake", null, maxTasksPerWorker, Optional.empty(),
                new LaunchSpec(Path.of("/no/java/for/fakes"), List.of(), List.of()), false, workers,
                PoolConfig.DEFAULT_IDLE_TIMEOUT, 0, 0);
        this.sink = LocalSink.start(config, this, FakePool.class.getClassLoader());
    }

    /** Starts a pool of {@code workers} fakes; launch number n gets {@code faultsByLaunch.apply(n)}. */
    static FakePool start(int workers, IntFunction<FakeWorker.Faults> faultsByLaunch) {
        return new FakePool(workers, 0, faultsByLaunch);
    }

    static FakePool start(int workers) {
        return start(workers, n -> FakeWorker.Faults.NONE);
    }

    static FakePool startRetiringAfter(int workers, long maxTasksPerWorker) {
        return new FakePool(workers, maxTasksPerWorker, n -> FakeWorker.Faults.NONE);
    }

    @Override
    public ChildJvm launch(String name, LaunchSpec spec) {
        FakeWorker fake;
        synchronized (launched) {
            fake = new FakeWorker(name, faultsByLaunch.apply(launched.size() + 1));
            launched.add(fake);
        }
        fake.start();
        return ChildJvm.over(name, fake.process, List.of("fake-worker", name));
    }

    /** Submits a CALL whose answer is {@code value}. */
    Task submit(String value) {
        Task task = new Task(Task.nextId(), FrameType.CALL, Codec.encode(value, "task"), null, 1,
                FakePool.class.getClassLoader(), sink.callbacks(), "FakePool.submit", null);
        sink.submit(task);
        return task;
    }

    /** Submits one CALL per value, in order. */
    List<Task> submitAll(String... values) {
        List<Task> tasks = new ArrayList<>();
        for (String value : values) {
            tasks.add(submit(value));
        }
        return tasks;
    }

    /** The fake of launch number {@code n} (1 for the first), once launched. */
    FakeWorker worker(int n) {
        until(() -> launched.size() >= n);
        return launched.get(n - 1);
    }

    List<FakeWorker> workers() {
        synchronized (launched) {
            return List.copyOf(launched);
        }
    }

    /** The fake that started {@code task}, once one has. */
    FakeWorker startedBy(Task task) {
        // started in a fake, and its STARTED frame read by the pool (which times and blames only what it knows ran)
        until(() -> task.isDone() || workers().stream().anyMatch(fake -> fake.started().contains(task.id()))
                && sink.placement.census(LocalWorker::running).workers().stream().anyMatch(running ->
                        running != null && running.task().id() == task.id()));
        if (workers().stream().noneMatch(fake -> fake.started().contains(task.id()))) {
            throw new AssertionError(task + " ended before any worker started it: " + task.outcome(),
                    task.outcome().failure());
        }
        return workers().stream().filter(fake -> fake.started().contains(task.id())).findFirst().orElseThrow();
    }

    /** Waits until some fake has received every one of {@code tasks}. */
    void awaitReceived(Task... tasks) {
        until(() -> {
            List<Long> received = new ArrayList<>();
            workers().forEach(fake -> received.addAll(fake.received()));
            for (Task task : tasks) {
                if (!received.contains(task.id())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** How many times each task id was started, over every fake: the append-only log of what ran. */
    long timesStarted(long taskId) {
        return workers().stream().flatMap(fake -> fake.started().stream()).filter(id -> id == taskId).count();
    }

    /**
     * Checks that a task ended once and that its ending is true to what its workers did: an answer is the exact
     * echo, given by a fake that started it once; a failure names a worker that was sent the task and never
     * answered it; a cancel shows as a cancelled future.
     *
     * @return how the task ended
     */
    String verify(Task task, String value) {
        Object result = awaitEnd(task);
        long starts = timesStarted(task.id());
        if (starts > 1) {
            throw new AssertionError(task + " ran " + starts + " times");
        }
        if (task.outcome() instanceof io.procpool.internal.task.Outcome.Answered) {
            if (!value.equals(result)) {
                throw new AssertionError(task + " answered " + result + ", not " + value);
            }
            if (workers().stream().noneMatch(fake -> fake.answered().contains(task.id()))) {
                throw new AssertionError(task + " was answered, but no worker answered it");
            }
            return "answered";
        }
        if (task.outcome() instanceof io.procpool.internal.task.Outcome.Cancelled) {
            if (!task.future().isCancelled()) {
                throw new AssertionError(task + " ended cancelled but its future is not");
            }
            return "cancelled";
        }
        Throwable failure = task.outcome().failure();
        String worker = failure instanceof WorkerDiedException died ? died.workerName()
                : failure instanceof TaskTimeoutException timeout ? timeout.workerName() : null;
        if (worker == null) {
            throw new AssertionError(task + " failed with " + failure, failure);
        }
        FakeWorker blamed = workers().stream().filter(fake -> fake.name.equals(worker)).findFirst().orElseThrow();
        if (!blamed.received().contains(task.id()) || blamed.answered().contains(task.id())) {
            throw new AssertionError(task + " failed naming " + blamed + ", which received " + blamed.received()
                    + " and answered " + blamed.answered(), failure);
        }
        return failure instanceof TaskTimeoutException ? "timed out" : "worker died";
    }

    /** Waits for a task's future (bounded); its value, or null when it failed or was cancelled. */
    static Object awaitEnd(Task task) {
        try {
            return task.future().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException e) {
            return null;
        } catch (TimeoutException e) {
            throw new AssertionError(task + " did not end within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted waiting for " + task, e);
        }
    }

    /** Awaitility, polling every millisecond: the race tests wait for a condition hundreds of times. */
    static void until(BooleanSupplier condition) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                .until(condition::getAsBoolean);
    }

    @Override
    public void close() {
        sink.terminate();
    }
}
