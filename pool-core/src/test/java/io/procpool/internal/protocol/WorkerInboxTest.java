package io.procpool.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's inbox rules, frame by frame, with JUnit's thread as the runner: exactly one terminal frame per task,
 * whatever order its CANCEL, UNQUEUE and the task itself arrive in. The pool worker's loop and the harness's fake
 * worker run on this inbox; their tests show it with real and fake pipes.
 *
 * <p>Threading: JUnit's thread only, which is the inbox's runner.
 */
class WorkerInboxTest {
    private final List<Long> cancelledAnswers = new ArrayList<>();
    private final List<String> functions = new ArrayList<>();
    private final WorkerInbox inbox = new WorkerInbox(new WorkerInbox.Worker() {
        @Override
        public void registerFunction(ToWorker.RegisterFunction frame) {
            functions.add("register " + frame.functionId());
        }

        @Override
        public void forgetFunction(ToWorker.Forget frame) {
            functions.add("forget " + frame.functionId());
        }

        @Override
        public void answerCancelled(ToParent.Cancelled answer) {
            cancelledAnswers.add(answer.taskId());
        }
    }, Thread.currentThread());

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static ToWorker.Call call(long taskId) {
        return new ToWorker.Call(taskId, Encoded.NONE);
    }

    @Test
    void tasksRunInTheOrderTheyArrived() throws IOException {
        inbox.receive(call(1));
        inbox.receive(new ToWorker.Chunk(2, Encoded.NONE));
        assertEquals(1, inbox.nextTask(true).taskId());
        inbox.taskEnded();
        assertEquals(2, inbox.nextTask(true).taskId());
        inbox.taskEnded();
        assertNull(inbox.nextTask(false));
    }

    @Test
    void aCancelOfAQueuedTaskIsAnsweredAtOnceAndTheTaskNeverStarts() throws IOException {
        inbox.receive(call(1));
        inbox.receive(call(2));
        inbox.receive(new ToWorker.Cancel(2));
        assertEquals(List.of(2L), cancelledAnswers);
        assertEquals(1, inbox.nextTask(true).taskId());
        inbox.taskEnded();
        assertNull(inbox.nextTask(false));
    }

    @Test
    void aCancelThatOvertakesItsTaskIsAnsweredWhenTheTaskArrives() throws IOException {
        inbox.receive(new ToWorker.Cancel(5));
        assertEquals(List.of(), cancelledAnswers);
        inbox.receive(call(5));
        assertEquals(List.of(5L), cancelledAnswers);
        assertNull(inbox.nextTask(false));
    }

    @Test
    void aCancelInterruptsTheRunningTaskAndAnUnqueueDoesNot() throws IOException {
        inbox.receive(call(1));
        assertEquals(1, inbox.nextTask(true).taskId());
        inbox.receive(new ToWorker.Unqueue(1));
        assertFalse(Thread.currentThread().isInterrupted(), "an UNQUEUE interrupted a started task");
        inbox.receive(new ToWorker.Cancel(1));
        assertTrue(Thread.currentThread().isInterrupted(), "a CANCEL did not interrupt the running task");
        inbox.taskEnded();
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt leaked into the next task");
        assertEquals(List.of(), cancelledAnswers, "a running task is answered by its runner, not CANCELLED");
    }

    @Test
    void aRetiringInboxStartsNothingAndIgnoresTasksAndCancels() throws IOException {
        inbox.receive(call(1));
        inbox.retire();
        inbox.receive(call(2));
        inbox.receive(new ToWorker.Cancel(1));
        assertTrue(inbox.isRetiring());
        assertNull(inbox.nextTask(true));
        assertEquals(List.of(), cancelledAnswers, "the parent requeues what a retiring worker holds");
    }

    @Test
    void shutdownLetsTheQueuedTasksRunFirst() throws IOException {
        inbox.receive(call(1));
        inbox.receive(new ToWorker.Shutdown());
        assertEquals(1, inbox.nextTask(true).taskId());
        inbox.taskEnded();
        assertNull(inbox.nextTask(true));
        assertTrue(inbox.awaitShutdown(0));
    }

    @Test
    void functionsGoToTheWorkerAndAStartFrameAfterTheFirstIsRefused() throws IOException {
        inbox.receive(new ToWorker.RegisterFunction(3, Encoded.NONE));
        inbox.receive(new ToWorker.Forget(3));
        assertEquals(List.of("register 3", "forget 3"), functions);
        IOException e = assertThrows(IOException.class, () -> inbox.receive(new ToWorker.Init(Encoded.NONE)));
        assertTrue(e.getMessage().contains("unexpected frame for a pool worker"), e.getMessage());
        assertThrows(IOException.class, () -> inbox.receive(new ToWorker.StartProcess(Encoded.NONE)));
    }
}
