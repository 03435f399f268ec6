package io.procpool;

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
    void aJvmThatRefusesToStartFailsBuildWithTheCommandLineAndStderr() {
        PoolException e = assertThrows(PoolException.class,
                () -> ProcessPool.builder().workers(1).name("refused").jvmOptions("-XX:+NoSuchOption").build());
        assertTrue(e.getMessage().contains("-XX:+NoSuchOption"), e.getMessage());
        assertTrue(e.getMessage().contains("Unrecognized VM option"), e.getMessage());
    }
}
