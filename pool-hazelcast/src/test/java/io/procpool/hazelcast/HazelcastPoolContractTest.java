package io.procpool.hazelcast;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.Pool;
import io.procpool.PoolContractTest;
import io.procpool.PoolException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void shareIsRefusedSayingWhy() {
        PoolException e = assertThrows(PoolException.class, () -> pool.share(List.of(1, 2, 3)));
        assertTrue(e.getMessage().startsWith("share() is not supported by HazelcastPool: a Shared value lives in one "
                + "machine's shared memory"), e.getMessage());
    }

    /** A second pool on the same client: closing it leaves the shared client up. */
    @Override
    protected Pool newPool() {
        return HazelcastPool.create(pool.instance());
    }
}
