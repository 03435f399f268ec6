package io.procpool.hazelcast;

import io.procpool.Pool;
import io.procpool.PoolContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link PoolContractTest} against a {@link HazelcastPool} on two member JVMs, through its own Hazelcast client.
 *
 * <p>Threading: JUnit's; the cluster and the pool are shared by the class's tests and closed after them.
 */
class HazelcastPoolContractTest extends PoolContractTest {
    private static TestCluster cluster;
    private static HazelcastPool pool;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
        pool = cluster.poolBuilder().build();
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Override
    protected Pool pool() {
        return pool;
    }

    /** A second pool on the same client: closing it leaves the shared client up. */
    @Override
    protected Pool newPool() {
        return HazelcastPool.create(pool.instance());
    }
}
