package io.procpool.worker;

import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.Payloads;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a task as procpool sends it (a CALL or CHUNK frame) and answers with exactly one RESULT or FAILURE frame: the
 * result, the task's exception as data (any {@link Throwable}, {@link Error}s included), or a codec failure when the
 * task would not decode or its result would not encode. Shared by the pool worker's loop and by any other transport
 * that runs procpool tasks (a cluster member), so both answer in the same format.
 *
 * <p>Thread-safety: {@link #register} and {@link #forget} may be called from any thread; {@link #execute} runs the task
 * on the calling thread.
 */
public final class TaskExecutor {
    private final String workerName;
    private final ClassLoader loader;
    /** Registered functions by id; a value is a {@link TaskSerializationException} when decoding failed. */
    private final Map<Long, Object> functions = new ConcurrentHashMap<>();

    /**
     * @param workerName names this executor in failures ("function 3 is not registered in ...")
     * @param loader     resolves the tasks' classes
     */
    public TaskExecutor(String workerName, ClassLoader loader) {
        this.workerName = workerName;
        this.loader = loader;
    }

    /**
     * Registers the function that later CHUNK frames refer to by id (a FUNCTION frame).
     *
     * @param functionId the id CHUNK frames use
     * @param encoded    the Kryo-encoded function
     */
    public void register(long functionId, byte[] encoded) {
        functions.put(functionId, decodeFunction(encoded));
    }

    /**
     * Drops a function (a FORGET frame).
     *
     * @param functionId the id it was registered with
     */
    public void forget(long functionId) {
        functions.remove(functionId);
    }

    /**
     * Runs a CALL or CHUNK frame and returns its answer; task failures are answers, never thrown.
     *
     * @param task the CALL or CHUNK frame
     * @return the RESULT or FAILURE frame for it
     */
    public Frame execute(Frame task) {
        long start = System.nanoTime();
        try {
            Object result = task.type() == FrameType.CALL ? runCall(task) : runChunk(task);
            return resultFrame(task.id(), System.nanoTime() - start, result);
        } catch (ChunkFailure failure) {
            return failureFrame(task.id(), System.nanoTime() - start, failure.failure);
        }
    }

    private Object decodeFunction(byte[] payload) {
        try {
            return Codec.decode(payload, loader, "function");
        } catch (TaskSerializationException e) {
            return e;
        }
    }

    private Object runCall(Frame task) throws ChunkFailure {
        TaskCallable<?> callable;
        try {
            callable = (TaskCallable<?>) Codec.decode(task.payload(), loader, "task");
        } catch (TaskSerializationException e) {
            throw new ChunkFailure(Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
        try {
            return callable.call();
        } catch (Throwable t) {
            throw new ChunkFailure(Payloads.TaskFailure.ofTask(0, new Object[0], t));
        }
    }

    private Object[] runChunk(Frame task) throws ChunkFailure {
        Payloads.ChunkRequest request;
        try {
            request = (Payloads.ChunkRequest) Codec.decode(task.payload(), loader, "arguments");
        } catch (TaskSerializationException e) {
            throw new ChunkFailure(Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
        Object function = functions.get(request.functionId());
        if (!(function instanceof TaskFunction<?, ?>)) {
            throw new ChunkFailure(function instanceof TaskSerializationException e
                    ? Payloads.TaskFailure.ofCodec(0, new Object[0], e)
                    : Payloads.TaskFailure.ofTask(0, new Object[0], new IllegalStateException(
                            "function " + request.functionId() + " is not registered in " + workerName)));
        }
        @SuppressWarnings("unchecked")
        TaskFunction<Object, Object> fn = (TaskFunction<Object, Object>) function;
        Object[] items = request.items();
        Object[] results = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                results[i] = fn.apply(items[i]);
            } catch (Throwable t) {
                throw new ChunkFailure(Payloads.TaskFailure.ofTask(i, Arrays.copyOf(results, i), t));
            }
        }
        return results;
    }

    /** The RESULT frame, or a FAILURE frame when the result will not encode (the worker goes on). */
    private static Frame resultFrame(long taskId, long nanos, Object result) {
        try {
            return new Frame(FrameType.RESULT, taskId, Codec.encodeTimed(nanos, result, "result"));
        } catch (TaskSerializationException e) {
            if (result instanceof Object[] results) {
                for (int i = 0; i < results.length; i++) {
                    try {
                        Codec.encode(results[i], "result");
                    } catch (TaskSerializationException itemFailure) {
                        return failureFrame(taskId, nanos, Payloads.TaskFailure.ofCodec(i, Arrays.copyOf(results, i),
                                itemFailure));
                    }
                }
            }
            return failureFrame(taskId, nanos, Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
    }

    /** The FAILURE frame; if the partial results will not encode, the failure travels without them. */
    private static Frame failureFrame(long taskId, long nanos, Payloads.TaskFailure failure) {
        byte[] payload;
        try {
            payload = Codec.encodeFailure(nanos, failure);
        } catch (TaskSerializationException e) {
            payload = Codec.encodeFailure(nanos, failure.withoutPartialResults());
        }
        return new Frame(FrameType.FAILURE, taskId, payload);
    }

    /** Carries a task's failure out of the runner's helpers. */
    private static final class ChunkFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Payloads.TaskFailure failure;

        ChunkFailure(Payloads.TaskFailure failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }
}
