package io.procpool.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.procpool.internal.task.Task;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.ToWorker;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The envelope a task travels in from the caller to a member: Hazelcast serializes only this envelope; the task itself
 * stays the Kryo bytes {@code PoolCalls} encoded, so lambdas capturing non-serializable objects travel as they do to a
 * local worker. A CHUNK also carries its function (id and Kryo bytes) so any member can run it without an earlier
 * registration message; members cache functions by pool and id ({@link MemberTasks}).
 *
 * <p>With a cluster key the envelope carries the HMAC-SHA256 of all its fields ({@link #transcript()}); the member
 * checks it before any of the Kryo bytes are decoded.
 *
 * <p>Runs on the member ({@link #call()} on one of the executor's threads), answering with a {@link RemoteAnswer}.
 *
 * <p>Thread-safety: built on the submitting thread, serialized by Hazelcast, then called once on one member thread;
 * not shared afterwards.
 */
public final class RemoteTask implements Callable<RemoteAnswer>, DataSerializable, HazelcastInstanceAware {
    private String poolId;
    private boolean chunk;
    private long taskId;
    private byte[] payload;
    private long functionId;
    private byte[] function;
    /** The signature under the cluster key, or null when the pool has none. */
    private byte[] signature;
    private transient HazelcastInstance member;

    /** For Hazelcast's deserialization only. */
    public RemoteTask() {
    }

    /**
     * @param poolId the sending pool's id
     * @param task   the task
     * @param key    the cluster key to sign it with, or null to send it unsigned
     */
    RemoteTask(String poolId, Task task, ClusterKey key) {
        this.poolId = poolId;
        this.chunk = task.type() == FrameType.CHUNK;
        this.taskId = task.id();
        this.payload = task.payload();
        if (chunk) {
            this.functionId = task.function().id();
            this.function = task.function().encoded();
        }
        this.signature = key == null ? null : key.sign(transcript());
    }

    /** Everything a member acts on, as the signature covers it. */
    ClusterKey.Transcript transcript() {
        return new ClusterKey.Transcript("procpool task v1").text(poolId).flag(chunk).number(taskId).bytes(payload)
                .number(functionId).bytes(function);
    }

    /** @return the signature, or null when the task was sent unsigned */
    byte[] signature() {
        return signature;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.member = instance;
    }

    /** Runs on the member: the task as a pool worker runs it, and its answer frame. */
    @Override
    public RemoteAnswer call() {
        Objects.requireNonNull(member, "the member did not inject its HazelcastInstance");
        return MemberTasks.run(member, this);
    }

    String poolId() {
        return poolId;
    }

    boolean isChunk() {
        return chunk;
    }

    long taskId() {
        return taskId;
    }

    long functionId() {
        return functionId;
    }

    byte[] function() {
        return function;
    }

    /** The CALL or CHUNK frame a worker's {@code TaskExecutor} runs. */
    ToWorker.TaskFrame frame() {
        return ToWorker.TaskFrame.of(chunk ? FrameType.CHUNK : FrameType.CALL, taskId, payload);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(poolId);
        out.writeBoolean(chunk);
        out.writeLong(taskId);
        out.writeByteArray(payload);
        if (chunk) {
            out.writeLong(functionId);
            out.writeByteArray(function);
        }
        out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        poolId = in.readString();
        chunk = in.readBoolean();
        taskId = in.readLong();
        payload = in.readByteArray();
        if (chunk) {
            functionId = in.readLong();
            function = in.readByteArray();
        }
        signature = in.readByteArray();
    }

    @Override
    public String toString() {
        return (chunk ? "CHUNK #" : "CALL #") + taskId + " of pool " + poolId;
    }
}
