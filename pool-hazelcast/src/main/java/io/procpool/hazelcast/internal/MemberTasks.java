package io.procpool.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import io.procpool.worker.TaskExecutor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The member's side of a {@link RemoteTask}: one {@link TaskExecutor} per calling pool (function ids are unique per
 * caller only), each remembering the functions it has decoded, so the chunks of one {@code map} decode their function
 * once per member. Both caches are bounded LRU maps: a pool or function evicted by newer ones is simply decoded again
 * from the bytes every chunk carries.
 *
 * <p>Thread-safety: thread-safe; the executor's threads call {@link #run} concurrently. The caches are guarded by
 * their own monitors; tasks run outside them.
 */
final class MemberTasks {
    private static final int MAX_POOLS = 64;
    private static final int MAX_FUNCTIONS_PER_POOL = 256;
    private static final long PID = ProcessHandle.current().pid();

    /** Callers by pool id. Guarded by itself. */
    private static final Map<String, PoolTasks> POOLS = lru(MAX_POOLS, poolId -> { });

    private MemberTasks() {
    }

    /** Runs a task on this member and answers as a pool worker would. */
    static RemoteAnswer run(HazelcastInstance member, RemoteTask task) {
        String name = MemberNames.of(member.getCluster().getLocalMember());
        PoolTasks pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(task.poolId(), id -> new PoolTasks(name));
        }
        if (task.isChunk()) {
            pool.ensureRegistered(task.functionId(), task.function());
        }
        return new RemoteAnswer(pool.executor.execute(task.frame()), name, PID);
    }

    /** A map that keeps the {@code capacity} most recently used entries and tells {@code onEvict} what it drops. */
    private static <K, V> Map<K, V> lru(int capacity, Consumer<K> onEvict) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                onEvict.accept(eldest.getKey());
                return true;
            }
        };
    }

    /** One caller's executor and the ids of the functions registered in it. */
    private static final class PoolTasks {
        final TaskExecutor executor;
        /** Registered function ids, least recently used first. Guarded by itself. */
        private final Map<Long, Boolean> functions;

        PoolTasks(String memberName) {
            this.executor = new TaskExecutor(memberName, MemberTasks.class.getClassLoader());
            this.functions = lru(MAX_FUNCTIONS_PER_POOL, executor::forget);
        }

        void ensureRegistered(long functionId, byte[] encoded) {
            synchronized (functions) {
                if (functions.put(functionId, Boolean.TRUE) == null) {
                    executor.register(functionId, encoded);
                }
            }
        }
    }
}
