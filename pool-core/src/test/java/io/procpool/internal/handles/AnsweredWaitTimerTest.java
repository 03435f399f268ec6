package io.procpool.internal.handles;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.procpool.internal.codec.Codec;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A wait with a long timeout that is answered early is removed from the host's timer at once, not kept there until its
 * deadline: consumers polling an often-empty queue with a ten-minute timeout would otherwise leave one dead timer
 * entry per item in the host's heap for ten minutes (at 50,000 items/s, 30 million of them).
 */
class AnsweredWaitTimerTest {

    @Test
    void waitAnsweredBeforeItsDeadlineLeavesNothingInTheTimer() {
        HandleId queue = HostedQueue.create(0, false);
        WeakReference<Object> timer = takeWaitingAnHour(queue);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return timer.get() == null;
        });
    }

    /** Parks an hour-long take, answers it with a put, and returns a weak reference to its deadline timer. */
    private static WeakReference<Object> takeWaitingAnHour(HandleId queue) {
        Broker broker = Broker.current();
        Call take = new Call(Participant.HOST, 0, new Request(queue.objectId(), Ops.TAKE, 1,
                TimeUnit.HOURS.toNanos(1), 0, null, null), false);
        broker.find(queue.objectId()).submit(take, broker);
        HandleCalls.quick(queue, Ops.PUT, 0, Codec.encode(new byte[1 << 20], "element"), null);
        take.future.join();
        assertNotNull(take.timer, "the take waited with a deadline");
        return new WeakReference<>(take.timer);
    }
}
