package io.procpool.hazelcast.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.task.Task;
import java.io.IOException;

/**
 * The envelope an answer travels in from a member back to the caller: the RESULT or FAILURE frame a worker's
 * {@code TaskExecutor} built (its Kryo payload untouched, so the caller rebuilds results and exceptions exactly as for
 * a local worker), and the member that ran the task. Or, instead of a frame, the member's refusal to run a task whose
 * signature it could not accept (plain text, no Kryo).
 *
 * <p>With a cluster key the answer carries the HMAC-SHA256 of its fields together with the pool id and task id it
 * answers; the caller checks it against the ids it expects ({@link #rejection}) before decoding a byte.
 *
 * <p>Thread-safety: immutable once built or deserialized.
 */
public final class RemoteAnswer implements DataSerializable {
    private boolean failure;
    private long taskId;
    private byte[] payload;
    private String memberName;
    private long memberPid;
    /** Why the member did not run the task, or null when it did. */
    private String refusal;
    /** The signature under the cluster key, or null when the member has none (or refused). */
    private byte[] signature;

    /** For Hazelcast's deserialization only. */
    public RemoteAnswer() {
    }

    /**
     * @param answer the RESULT or FAILURE frame of the task
     * @param task   the task it answers, whose pool id and task id the signature binds the answer to
     * @param key    the member's cluster key, or null to answer unsigned
     */
    RemoteAnswer(ToParent.Answer answer, RemoteTask task, String memberName, long memberPid, ClusterKey key) {
        this.failure = answer.type() == FrameType.FAILURE;
        this.taskId = answer.taskId();
        this.payload = answer.answer().bytes();
        this.memberName = memberName;
        this.memberPid = memberPid;
        this.signature = key == null ? null : key.sign(transcript(task.poolId(), task.taskId()));
    }

    /** A member's refusal to run {@code task}: nothing of it was decoded. */
    static RemoteAnswer refused(RemoteTask task, String memberName, long memberPid, String reason) {
        RemoteAnswer answer = new RemoteAnswer();
        answer.taskId = task.taskId();
        answer.memberName = memberName;
        answer.memberPid = memberPid;
        answer.refusal = reason;
        return answer;
    }

    /** The answer's fields, bound to the pool and task it answers. */
    private ClusterKey.Transcript transcript(String poolId, long answeredTaskId) {
        return new ClusterKey.Transcript("procpool answer v1").text(poolId).number(answeredTaskId).flag(failure)
                .number(taskId).bytes(payload).text(memberName).number(memberPid);
    }

    /**
     * Whether the caller may decode this answer to {@code task} of pool {@code poolId}.
     *
     * @param key the pool's cluster key, or null when it has none (then only a refusal is a reason)
     * @return null when the answer may be decoded, else why not (naming the signature, the task and the member)
     */
    String rejection(String poolId, Task task, ClusterKey key) {
        if (refusal != null) {
            return memberName + " refused " + task + ": " + refusal;
        }
        if (key == null) {
            return null;
        }
        if (signature == null) {
            return "the answer to " + task + " from " + memberName + " carries no signature, and this pool takes only "
                    + "answers signed with the cluster key (start the member with --auth-key-file); it was not decoded";
        }
        if (!key.verifies(signature, transcript(poolId, task.id()))) {
            return "the answer to " + task + " from " + memberName + " has a signature that does not match this "
                    + "pool's cluster key (the member has another key, the bytes were altered on the way, or it "
                    + "answers another task); it was not decoded";
        }
        return null;
    }

    /** The RESULT or FAILURE frame, for {@code Answers.decode}. */
    ToParent.Answer frame() {
        return ToParent.Answer.of(failure ? FrameType.FAILURE : FrameType.RESULT, taskId, payload);
    }

    /** The member that ran the task, as {@code MemberNames} names it. */
    String memberName() {
        return memberName;
    }

    long memberPid() {
        return memberPid;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(failure);
        out.writeLong(taskId);
        out.writeByteArray(payload);
        out.writeString(memberName);
        out.writeLong(memberPid);
        out.writeString(refusal);
        out.writeByteArray(signature);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        failure = in.readBoolean();
        taskId = in.readLong();
        payload = in.readByteArray();
        memberName = in.readString();
        memberPid = in.readLong();
        refusal = in.readString();
        signature = in.readByteArray();
    }
}
