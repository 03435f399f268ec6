package io.procpool.internal.local;

import io.procpool.Shared;
import io.procpool.WorkerInfo;
import io.procpool.internal.calls.SinkPool;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of a {@code ProcessPool} on its {@link LocalSink}: what the public class delegates to, so that it extends
 * nothing internal.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LocalPool extends SinkPool {
    private final LocalSink sink;
    /** What {@link #share} shared, closed with the pool. */
    private final Set<Shared<?>> shared = ConcurrentHashMap.newKeySet();

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
        closeShared();
    }

    @Override
    public void terminate() {
        sink.terminate();
        closeShared();
    }

    @Override
    public <T> Shared<T> share(T value) {
        Shared<T> handle = Shared.of(value);
        shared.add(handle);
        return handle;
    }

    private void closeShared() {
        shared.forEach(Shared::close);
        shared.clear();
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
