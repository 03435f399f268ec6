package io.procpool.internal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.task.Task;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, item 7: bytes on a worker's stdout written while it runs no task must fail no task. Bytes that cannot
 * begin a frame are skipped (and shown on stderr) as they arrive; a frame that begins with the magic but is left
 * unfinished is caught by the stalled-frame watchdog, which replaces the idle worker before any task reaches it.
 *
 * <p>Threading: JUnit's thread, the fakes' threads and the pool's.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class IdleChannelNoiseTest {

    @Test
    void aStrayByteWhileIdleFailsNoTask() throws Exception {
        try (FakePool pool = FakePool.start(1)) {
            assertEquals("answered", pool.verify(pool.submit("before"), "before"));

            pool.worker(1).writeRaw(new byte[] {'\n'});

            List<Task> after = pool.submitAll("x", "y");
            for (Task task : after) {
                assertEquals("answered", pool.verify(task, List.of("x", "y").get(after.indexOf(task))),
                        "issue 10, item 7: bytes that arrived while no task ran failed " + task);
            }
        }
    }

    @Test
    void aPartialFrameWhileIdleFailsNoTask() throws Exception {
        try (FakePool pool = FakePool.start(1)) {
            assertEquals("answered", pool.verify(pool.submit("before"), "before"));
            byte[] frame = FakeWorker.encodedFrame(new ToParent.Result(999_999,
                    new Encoded(Codec.encodeTimed(0, "nobody asked", "result"))));

            pool.worker(1).writeRaw(Arrays.copyOf(frame, frame.length / 2));
            FakePool.until(() -> pool.workers().size() == 2); // the watchdog replaced the worker

            List<Task> after = pool.submitAll("x", "y");
            for (Task task : after) {
                assertEquals("answered", pool.verify(task, List.of("x", "y").get(after.indexOf(task))),
                        "issue 10, item 7: a partial frame written while no task ran failed " + task);
            }
        }
    }
}
