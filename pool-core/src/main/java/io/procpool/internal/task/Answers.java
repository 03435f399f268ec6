package io.procpool.internal.task;

import io.procpool.PoolException;
import io.procpool.TaskFailedException;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;

/**
 * Turns a worker's RESULT or FAILURE frame into the task's {@link Outcome}, whatever transport brought it (a local
 * worker's pipe, a cluster member's answer). Never throws: an answer the parent cannot decode, even for an
 * {@link Error} such as {@link OutOfMemoryError} in a parent with a small heap, is that task's failure, and the worker
 * that sent it is not to blame.
 *
 * <p>Thread-safety: stateless.
 */
public final class Answers {
    private Answers() {
    }

    /**
     * @param answer     the RESULT or FAILURE frame of {@code task}
     * @param task       the task it answers (its class loader resolves the answer's classes)
     * @param workerName the worker that ran it, for the failure's message
     * @param workerPid  that worker's process id
     */
    public static Outcome decode(ToParent.Answer answer, Task task, String workerName, long workerPid) {
        try {
            return answer.readBy(new ToParent.Answer.Reader<>() {
                @Override
                public Outcome result(ToParent.Result result) {
                    Codec.Timed<Object> value = Codec.decodeTimed(result.answer().bytes(), task.loader(), "result");
                    return new Outcome.Answered(value.value(), value.nanos());
                }

                @Override
                public Outcome failure(ToParent.Failure failed) {
                    Codec.Timed<Payloads.TaskFailure> decoded = Codec.decodeFailure(failed.answer().bytes(),
                            task.loader());
                    Payloads.TaskFailure failure = decoded.value();
                    PoolException error = failure.isCodecFailure()
                            ? new TaskSerializationException(failure.codecMessage() + " (in worker " + workerName
                                    + ")", failure.failedClassName(), failure.error())
                            : new TaskFailedException(workerName, workerPid, failure.error());
                    return new Outcome.Failed(error, failure.completed(), decoded.nanos());
                }
            });
        } catch (TaskSerializationException e) {
            return new Outcome.Failed(e, new Object[0], -1);
        } catch (OutOfMemoryError e) {
            return new Outcome.Failed(new PoolException("the parent ran out of memory (" + e.getMessage()
                    + ") decoding the " + answer.answer().length() + "-byte answer of " + task + " from worker "
                    + workerName + ": give the parent JVM more heap (-Xmx) or return smaller results", e),
                    new Object[0], -1);
        } catch (RuntimeException | Error e) {
            return new Outcome.Failed(new TaskSerializationException("cannot decode the answer of " + task
                    + " from worker " + workerName + ": " + e, e.getClass().getName(), e), new Object[0], -1);
        }
    }
}
