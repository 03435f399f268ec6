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
 * <p>A member with a cluster key (in its Hazelcast user context, {@link ClusterKey#USER_CONTEXT_NAME}) runs only tasks
 * whose signature it verifies, and checks before anything is decoded: a refused task's Kryo bytes are never read, so
 * nothing in them is instantiated or run. A member without a key refuses signed tasks, since it cannot answer them
 * in a way the signing pool would accept. Answers are signed with the member's key.
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

    /** Runs a task on this member and answers as a pool worker would, or refuses it unread. */
    static RemoteAnswer run(HazelcastInstance member, RemoteTask task) {
        String name = MemberNames.of(member.getCluster().getLocalMember());
        ClusterKey key = keyOf(member);
        String refusal = refusal(task, key);
        if (refusal != null) {
            return RemoteAnswer.refused(task, name, PID, refusal);
        }
        PoolTasks pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(task.poolId(), id -> new PoolTasks(name));
        }
        if (task.isChunk()) {
            pool.ensureRegistered(task.functionId(), task.function());
        }
        return new RemoteAnswer(pool.executor.execute(task.frame()), task, name, PID, key);
    }

    /** The member's cluster key, or null when it has none. */
    private static ClusterKey keyOf(HazelcastInstance member) {
        Object key = member.getUserContext().get(ClusterKey.USER_CONTEXT_NAME);
        return key instanceof ClusterKey clusterKey ? clusterKey : null;
    }

    /** Null when the member may decode and run the task, else why not. */
    static String refusal(RemoteTask task, ClusterKey key) {
        if (key == null) {
            return task.signature() == null ? null : "the task is signed, but this member has no cluster key to check "
                    + "the signature with (start it with --auth-key-file); it was not decoded";
        }
        if (task.signature() == null) {
            return "the task carries no signature, and this member takes only tasks signed with the cluster key "
                    + "(give the pool the key: HazelcastPool.builder().authKey(...)); it was not decoded";
        }
        if (!key.verifies(task.signature(), task.transcript())) {
            return "the task's signature does not match this member's cluster key (the pool has another key, or "
                    + "the bytes were altered on the way); it was not decoded";
        }
        return null;
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
