package io.procpool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.internal.process.DefaultLaunchSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker that cannot start for a missing jar is blamed on that jar (issue 20, item 9): with Kryo missing, the hint
 * named pool-worker, whose main class is in every stack trace of such a worker. Real worker JVMs.
 *
 * <p>Threading: JUnit's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartupHintJvmTest {

    @Test
    void aWorkerWithoutKryoIsToldToAddKryoNotPoolWorker() {
        List<String> withoutKryo = DefaultLaunchSpec.forThisJvm("test").classPath().stream()
                .filter(entry -> !entry.contains("kryo")).toList();
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(1)
                .name("hint-no-kryo").classPath(withoutKryo).build());
        String hint = e.getMessage().substring(0, e.getMessage().indexOf("\nCommand line:"));
        assertTrue(hint.contains("add the dependency com.esotericsoftware:kryo"), e::getMessage);
        assertFalse(hint.contains("pool-worker"), e::getMessage);
    }
}
