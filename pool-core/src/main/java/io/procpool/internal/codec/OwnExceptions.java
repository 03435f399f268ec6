package io.procpool.internal.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.procpool.RemoteException;
import io.procpool.TaskFailedException;
import io.procpool.TaskSerializationException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import java.time.Duration;

/**
 * The fields of procpool's own exceptions, which their constructors need and a message alone cannot give back: a
 * task that ran a nested pool and let its {@link TaskFailedException}, {@link WorkerDiedException},
 * {@link TaskTimeoutException}, {@link TaskSerializationException} or {@link RemoteException} escape gets that
 * exception back as its own class, with its worker name, pid, exit code and the rest. Only these exact classes are
 * carried this way; a subclass (a user's, or {@code MemberLostException}) goes through the generic path.
 *
 * <p>Wire format, right after the message: a var-int kind (0 = none), then the kind's fields.
 *
 * <p>Thread-safety: stateless.
 */
final class OwnExceptions {
    private static final int NONE = 0;
    private static final int TASK_FAILED = 1;
    private static final int WORKER_DIED = 2;
    private static final int TIMEOUT = 3;
    private static final int SERIALIZATION = 4;
    private static final int REMOTE = 5;

    private OwnExceptions() {
    }

    /** What a reader needs to rebuild one of procpool's exceptions with its fields. */
    sealed interface Fields {
        /** @return the exception with these fields, {@code message} and {@code cause} */
        Throwable rebuild(String message, Throwable cause);
    }

    record TaskFailed(String workerName, long workerPid) implements Fields {
        @Override
        public Throwable rebuild(String message, Throwable cause) {
            return new TaskFailedException(workerName, workerPid, cause);
        }
    }

    record WorkerDied(String workerName, long pid, int exitCode, String stderrTail) implements Fields {
        @Override
        public Throwable rebuild(String message, Throwable cause) {
            return withCause(new WorkerDiedException(message, workerName, pid, exitCode, stderrTail), cause);
        }
    }

    record Timeout(String workerName, long seconds, int nanos) implements Fields {
        @Override
        public Throwable rebuild(String message, Throwable cause) {
            return withCause(new TaskTimeoutException(workerName, Duration.ofSeconds(seconds, nanos)), cause);
        }
    }

    record Serialization(String failedClassName) implements Fields {
        @Override
        public Throwable rebuild(String message, Throwable cause) {
            return new TaskSerializationException(message, failedClassName, cause);
        }
    }

    record Remote(String remoteClassName, String remoteMessage) implements Fields {
        @Override
        public Throwable rebuild(String message, Throwable cause) {
            return withCause(new RemoteException(remoteClassName, remoteMessage), cause);
        }
    }

    private static Throwable withCause(Throwable t, Throwable cause) {
        return cause == null ? t : t.initCause(cause);
    }

    /** Writes the kind and fields of {@code t} ({@code null} for a link that is no exception: writes none). */
    static void writeFields(Output output, Throwable t) {
        Class<?> type = t == null ? null : t.getClass();
        if (type == TaskFailedException.class) {
            TaskFailedException e = (TaskFailedException) t;
            output.writeVarInt(TASK_FAILED, true);
            output.writeString(e.workerName());
            output.writeVarLong(e.workerPid(), false);
        } else if (type == WorkerDiedException.class) {
            WorkerDiedException e = (WorkerDiedException) t;
            output.writeVarInt(WORKER_DIED, true);
            output.writeString(e.workerName());
            output.writeVarLong(e.pid(), false);
            output.writeVarInt(e.exitCode(), false);
            output.writeString(e.stderrTail());
        } else if (type == TaskTimeoutException.class) {
            TaskTimeoutException e = (TaskTimeoutException) t;
            output.writeVarInt(TIMEOUT, true);
            output.writeString(e.workerName());
            output.writeVarLong(e.timeout().getSeconds(), false);
            output.writeVarInt(e.timeout().getNano(), true);
        } else if (type == TaskSerializationException.class) {
            output.writeVarInt(SERIALIZATION, true);
            output.writeString(((TaskSerializationException) t).failedClassName());
        } else if (type == RemoteException.class) {
            RemoteException e = (RemoteException) t;
            output.writeVarInt(REMOTE, true);
            output.writeString(e.remoteClassName());
            output.writeString(e.remoteMessage());
        } else {
            output.writeVarInt(NONE, true);
        }
    }

    /** @return the fields {@link #writeFields} wrote, or {@code null} for an exception of any other class */
    static Fields readFields(Input input) {
        int kind = input.readVarInt(true);
        return switch (kind) {
            case NONE -> null;
            case TASK_FAILED -> new TaskFailed(input.readString(), input.readVarLong(false));
            case WORKER_DIED -> new WorkerDied(input.readString(), input.readVarLong(false), input.readVarInt(false),
                    input.readString());
            case TIMEOUT -> new Timeout(input.readString(), input.readVarLong(false), input.readVarInt(true));
            case SERIALIZATION -> new Serialization(input.readString());
            case REMOTE -> new Remote(input.readString(), input.readString());
            default -> throw new IllegalStateException("unknown kind " + kind + " of procpool exception in a failure");
        };
    }
}
