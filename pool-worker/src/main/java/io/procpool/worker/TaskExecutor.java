package io.procpool.worker;

import io.procpool.RemoteException;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a task as procpool sends it (a CALL or CHUNK frame) and answers with exactly one RESULT or FAILURE frame: the
 * result, the task's exception as data (any {@link Throwable}, {@link Error}s included), or a codec failure when the
 * task would not decode or its result would not encode. Shared by the pool worker's loop and by any other transport
 * that runs procpool tasks (a cluster member), so both answer in the same format.
 *
 * <p>An {@link Error} inside the codec (a {@link StackOverflowError} encoding a deep result, an
 * {@link ExceptionInInitializerError} decoding an argument, an {@link OutOfMemoryError} on either side) is answered as
 * that task's {@link TaskSerializationException}, and {@link #codecErrorStruck()} turns true for good: a JVM in which an
 * Error struck mid-codec may have half-initialized classes (later tasks then fail with {@code NoClassDefFoundError}), so
 * the transport should retire it after that answer. An Error the task itself throws is the task's failure, like any
 * exception, and leaves the flag alone. A function whose decoding hit an Error fails each chunk that uses it, and the
 * flag turns true when the first of them is answered (its other chunks would fail the same way on any worker).
 *
 * <p>Thread-safety: {@link #register}, {@link #registerFailure}, {@link #forget} and {@link #codecErrorStruck} may be
 * called from any thread; {@link #execute} runs the task on the calling thread.
 */
public final class TaskExecutor {
    private final String workerName;
    private final ClassLoader loader;
    /** Registered functions by id; a value is a {@link TaskSerializationException} when decoding failed. */
    private final Map<Long, Object> functions = new ConcurrentHashMap<>();
    private volatile boolean codecErrorStruck;

    /**
     * An executor with no function registered yet.
     *
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
     * Records that a function could not be received (its payload did not fit in the heap, say): the chunks that use it
     * fail with {@code failure}.
     *
     * @param functionId the id CHUNK frames use
     * @param failure    what each of its chunks fails with
     */
    public void registerFailure(long functionId, TaskSerializationException failure) {
        functions.put(functionId, failure);
    }

    /**
     * Tells whether this worker may go on.
     *
     * @return whether an {@link Error} struck this JVM's codec in a task answered so far (see the class comment): the
     *     worker should run no more tasks
     */
    public boolean codecErrorStruck() {
        return codecErrorStruck;
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
    public ToParent.Answer execute(ToWorker.TaskFrame task) {
        long start = System.nanoTime();
        Object result;
        try {
            result = task.runBy(runner);
        } catch (Failed failure) {
            return failureFrame(task.taskId(), System.nanoTime() - start, failure.failure);
        }
        return resultFrame(task.taskId(), System.nanoTime() - start, result);
    }

    private final Dispatch runner = new Dispatch();

    /** Runs each kind of task on the calling thread; a failure leaves as a {@link Failed}. */
    private final class Dispatch implements ToWorker.TaskFrame.Runner<Object> {
        @Override
        public Object call(ToWorker.Call task) {
            return runCall(task);
        }

        @Override
        public Object chunk(ToWorker.Chunk task) {
            return runChunk(task);
        }
    }

    private Object decodeFunction(byte[] payload) {
        try {
            return decode(payload, TaskFunction.class, "function");
        } catch (TaskSerializationException e) {
            return e;
        }
    }

    /** Decodes, turning any Error the codec lets through (OutOfMemoryError) into its serialization failure. */
    private <T> T decode(byte[] payload, Class<T> type, String what) {
        try {
            return Codec.decode(payload, loader, type, what);
        } catch (Error e) {
            throw new TaskSerializationException("cannot decode the " + what + ": " + e, e.getClass().getName(), e);
        }
    }

    /** The codec failure, noting an Error in it (see the class comment). */
    private Failed codecFailure(int index, Object[] completed, TaskSerializationException e) {
        if (struckByError(e)) {
            codecErrorStruck = true;
        }
        return new Failed(Payloads.TaskFailure.ofCodec(index, completed, e));
    }

    /** Whether an Error is in the failure's cause chain: the codec itself broke, not just the data. */
    static boolean struckByError(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 100; t = t.getCause(), depth++) {
            if (t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    private Object runCall(ToWorker.Call task) {
        TaskCallable<?> callable;
        try {
            callable = decode(task.task().bytes(), TaskCallable.class, "task");
        } catch (TaskSerializationException e) {
            throw codecFailure(0, new Object[0], e);
        }
        try {
            return callable.call();
        } catch (Throwable t) {
            throw new Failed(Payloads.TaskFailure.ofTask(0, new Object[0], t));
        }
    }

    private Object[] runChunk(ToWorker.Chunk task) {
        Payloads.ChunkRequest request;
        try {
            request = decode(task.task().bytes(), Payloads.ChunkRequest.class, "arguments");
        } catch (TaskSerializationException e) {
            throw codecFailure(0, new Object[0], e);
        }
        Object function = functions.get(request.functionId());
        if (function instanceof TaskSerializationException e) {
            throw codecFailure(0, new Object[0], e);
        }
        if (!(function instanceof TaskFunction<?, ?>)) {
            throw new Failed(Payloads.TaskFailure.ofTask(0, new Object[0], new IllegalStateException(
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
                throw new Failed(Payloads.TaskFailure.ofTask(i, Arrays.copyOf(results, i), t));
            }
        }
        return results;
    }

    /** The RESULT frame, or a FAILURE frame when the result will not encode. */
    private ToParent.Answer resultFrame(long taskId, long nanos, Object result) {
        try {
            return new ToParent.Result(taskId, new Encoded(encodeResult(nanos, result)));
        } catch (TaskSerializationException e) {
            if (struckByError(e)) {
                // no second try item by item: more codec work in a JVM an Error struck can only fail worse
                codecErrorStruck = true;
                return failureFrame(taskId, nanos, Payloads.TaskFailure.ofCodec(0, new Object[0], e));
            }
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

    private static byte[] encodeResult(long nanos, Object result) {
        try {
            return Codec.encodeTimed(nanos, result, "result");
        } catch (Error e) { // what the codec lets through: OutOfMemoryError
            String type = result == null ? "null" : result.getClass().getName();
            throw new TaskSerializationException("cannot encode the result of class " + type + ": " + e, type, e);
        }
    }

    /**
     * The FAILURE frame; if the partial results will not encode, the failure travels without them, and if even that
     * fails, as a stand-in made of the names alone, so that every task gets its answer.
     */
    private ToParent.Failure failureFrame(long taskId, long nanos, Payloads.TaskFailure failure) {
        byte[] payload;
        try {
            payload = Codec.encodeFailure(nanos, failure);
        } catch (RuntimeException | Error e) {
            noteCodecError(e);
            try {
                payload = Codec.encodeFailure(nanos, failure.withoutPartialResults());
            } catch (RuntimeException | Error again) {
                noteCodecError(again);
                payload = Codec.encodeFailure(nanos, Payloads.TaskFailure.ofTask(failure.failedIndex(), new Object[0],
                        new RemoteException(failure.error().getClass().getName(),
                                "the task's failure could not be encoded: " + again.getClass().getName())));
            }
        }
        return new ToParent.Failure(taskId, new Encoded(payload));
    }

    private void noteCodecError(Throwable e) {
        if (struckByError(e)) {
            codecErrorStruck = true;
        }
    }

    /** Carries a task's failure out of the runner's helpers (unchecked, to pass through the task's runner). */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Payloads.TaskFailure failure;

        Failed(Payloads.TaskFailure failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }
}
