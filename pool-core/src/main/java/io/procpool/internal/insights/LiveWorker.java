package io.procpool.internal.insights;

import io.procpool.CurrentTask;
import io.procpool.WorkerInfo;
import java.util.Objects;

/**
 * What only the owner of the workers knows about one live worker when a snapshot is taken, handed to
 * {@link InsightsRecorder#snapshot}: its pid, its state and the task it runs now.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name        the worker's name, as given to {@link InsightsRecorder#workerLaunched}
 * @param pid         its process id; -1 when it has none (a remote member whose pid is unknown)
 * @param state       where it is in its life
 * @param currentTask what it runs now and since when, or {@code null} when idle
 */
public record LiveWorker(String name, long pid, WorkerInfo.State state, CurrentTask currentTask) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException {@code name} or {@code state} is null
     */
    public LiveWorker {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
