package io.procpool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link PoolContractTest} against the local pool: two worker JVMs on this machine.
 *
 * <p>Threading: JUnit's; the pool is shared by the class's tests and closed after them.
 */
class ProcessPoolContractTest extends PoolContractTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("contract").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    protected Pool pool() {
        return pool;
    }

    @Override
    protected Pool newPool() {
        return ProcessPool.create(1);
    }
}
