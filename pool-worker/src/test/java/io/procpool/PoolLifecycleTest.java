package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A {@link ProcessPool}'s settings and start-up failures. What every pool does on close and terminate is in
 * {@link PoolContractTest}.
 *
 * <p>Threading: JUnit's; each test is self-contained.
 */
class PoolLifecycleTest {

    @Test
    void invalidSettingsAreRejectedWithTheValue() {
        IllegalArgumentException workers = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().workers(0).build());
        assertTrue(workers.getMessage().contains("0"), workers.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().taskTimeout(Duration.ofSeconds(-1)).build());
        assertTrue(timeout.getMessage().contains("PT-1S"), timeout.getMessage());
        IllegalArgumentException xlog = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().jvmOptions("-Xlog:gc").build());
        assertTrue(xlog.getMessage().contains("-Xlog:gc"), xlog.getMessage());
    }

    @Test
    void aMaxWorkerMemoryBelowWhatAnIdleWorkerNeedsIsRefusedNamingTheValueAndTheFloor() {
        IllegalArgumentException tooLow = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().workers(1).maxWorkerMemory(1 << 20).build());
        assertTrue(tooLow.getMessage().contains("1048576"), tooLow.getMessage());
        assertTrue(tooLow.getMessage().contains(Long.toString(ProcessPool.MIN_WORKER_MEMORY)), tooLow.getMessage());
        try (ProcessPool atTheFloor = ProcessPool.builder().workers(1).maxWorkerMemory(ProcessPool.MIN_WORKER_MEMORY)
                .build()) {
            assertEquals(1, atTheFloor.apply(() -> 1), "the floor itself is accepted");
        }
    }

    @Test
    void aJvmThatRefusesToStartFailsBuildWithTheCommandLineAndStderr() {
        PoolException e = assertThrows(PoolException.class,
                () -> ProcessPool.builder().workers(1).name("refused").jvmOptions("-XX:+NoSuchOption").build());
        assertTrue(e.getMessage().contains("-XX:+NoSuchOption"), e.getMessage());
        assertTrue(e.getMessage().contains("Unrecognized VM option"), e.getMessage());
    }
}
