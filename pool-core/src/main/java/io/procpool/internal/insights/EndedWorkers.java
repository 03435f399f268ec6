package io.procpool.internal.insights;

import io.procpool.EndedWorker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@value #KEPT} workers that ended, newest first, and which of them were replaced.
 *
 * <p>Thread-safety: thread-safe; every method holds the deque's monitor briefly.
 */
final class EndedWorkers {
    static final int KEPT = 20;

    private final ArrayDeque<EndedWorker> ended = new ArrayDeque<>(); // guarded by itself

    void add(EndedWorker record) {
        synchronized (ended) {
            ended.addFirst(record);
            if (ended.size() > KEPT) {
                ended.removeLast();
            }
        }
    }

    /** Marks the newest not yet replaced record of {@code name}, if there is one, as replaced. */
    void markRespawned(String name) {
        synchronized (ended) {
            List<EndedWorker> copy = new ArrayList<>(ended);
            for (int i = 0; i < copy.size(); i++) {
                EndedWorker w = copy.get(i);
                if (w.name().equals(name) && !w.respawned()) {
                    copy.set(i, new EndedWorker(w.name(), w.pid(), w.ended(), w.exitCode(), w.reason(), true,
                            w.tasksCompleted(), w.tasksFailed(), w.busy(), w.lifetime()));
                    ended.clear();
                    ended.addAll(copy);
                    return;
                }
            }
        }
    }

    List<EndedWorker> snapshot() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }
}
