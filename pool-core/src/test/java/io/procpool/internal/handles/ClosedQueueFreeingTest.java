package io.procpool.internal.handles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.procpool.internal.codec.Codec;
import org.junit.jupiter.api.Test;

/**
 * A closed {@code ProcessQueue} is freed in its host once it is drained (API.md: "the host frees it once it is
 * drained"), so a program that makes and closes a queue per job does not grow its host without bound; a joinable
 * queue stays while {@code join()} has an answer to give.
 */
class ClosedQueueFreeingTest {
    private static final byte[] ITEM = Codec.encode("item", "element");

    @Test
    void closedQueueIsFreedInItsHostOnceDrained() {
        HandleId queue = HostedQueue.create(0, false);
        HandleCalls.quick(queue, Ops.PUT, 0, ITEM, null);
        HandleCalls.quick(queue, Ops.CLOSE, 0, null, null);
        assertNotNull(Broker.current().find(queue.objectId()), "an item still waits to be taken");
        assertArrayEquals(ITEM, HandleCalls.quick(queue, Ops.TAKE, 0, null, null).value());
        assertNull(Broker.current().find(queue.objectId()), "closed and drained: freed");
        assertEquals(Outcome.Failure.CLOSED, HandleCalls.quick(queue, Ops.TAKE, 0, null, null).failure());
    }

    @Test
    void closingAnEmptyQueueFreesItAtOnce() {
        for (int i = 0; i < 10_000; i++) {
            HandleId queue = HostedQueue.create(0, false);
            HandleCalls.quick(queue, Ops.CLOSE, 0, null, null);
            assertNull(Broker.current().find(queue.objectId()));
        }
    }

    @Test
    void closedJoinableQueueStaysForItsJoin() {
        HandleId queue = HostedQueue.create(0, true);
        HandleCalls.quick(queue, Ops.CLOSE, 0, null, null);
        assertEquals(Outcome.Status.DONE, HandleCalls.quick(queue, Ops.JOIN, 0, null, null).status());
    }
}
