package io.procpool.internal.local;

import io.procpool.WorkerInfo;
import io.procpool.internal.calls.SinkPool;
import java.util.List;

/**
 * The calls of a {@code ProcessPool} on its {@link LocalSink}: what the public class delegates to, so that it extends
 * nothing internal.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LocalPool extends SinkPool {
    private final LocalSink sink;

    /**
     * Starts the workers and waits until every one is ready.
     *
     * @throws io.procpool.PoolException a worker could not start
     */
    public static LocalPool start(PoolConfig config, ClassLoader userClassLoader) {
        return new LocalPool(LocalSink.start(config, userClassLoader));
    }

    private LocalPool(LocalSink sink) {
        super(sink);
        this.sink = sink;
    }

    @Override
    public void close() {
        sink.close();
    }

    @Override
    public void terminate() {
        sink.terminate();
    }

    @Override
    public List<WorkerInfo> workers() {
        return sink.workers();
    }

    @Override
    public io.procpool.PoolInsights insights() {
        return sink.snapshot(runningCalls());
    }

    /** How many workers were started to replace workers that ended (died, timed out or retired). */
    public int respawns() {
        return sink.respawns();
    }
}
