package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A task that returns a value of 2 GiB, over the 1 GiB a frame carries: a clear exception naming the limit, and the
 * pool goes on with the same worker. The worker gets the heap such a value needs (its two halves and the encoder's
 * buffer).
 */
class HugeResultTest {

    @Test
    void resultOfTwoGibibytesFailsNamingTheFrameLimitAndThePoolGoesOn() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("huge").jvmOptions("-Xmx5g", "-XX:+UseSerialGC")
                .build()) {
            long pid = pool.apply(() -> ProcessHandle.current().pid());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> pool.applyAsync(() -> List.of(new byte[1 << 30], new byte[1 << 30])).get(120, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof TaskSerializationException, e.getCause().toString());
            assertEquals("the result of class java.util.ImmutableCollections$List12 is over 1073741824 bytes, over "
                    + "procpool's 1 GiB frame limit (in worker huge-worker-1)", e.getCause().getMessage());
            assertEquals(pid, pool.apply(() -> ProcessHandle.current().pid()), "the same worker goes on");
        }
    }
}
