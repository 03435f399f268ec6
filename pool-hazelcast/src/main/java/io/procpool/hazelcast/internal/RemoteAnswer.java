package io.procpool.hazelcast.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.ToParent;
import java.io.IOException;

/**
 * The envelope an answer travels in from a member back to the caller: the RESULT or FAILURE frame a worker's
 * {@code TaskExecutor} built (its Kryo payload untouched, so the caller rebuilds results and exceptions exactly as for
 * a local worker), and the member that ran the task.
 *
 * <p>Thread-safety: immutable once built or deserialized.
 */
public final class RemoteAnswer implements DataSerializable {
    private boolean failure;
    private long taskId;
    private byte[] payload;
    private String memberName;
    private long memberPid;

    /** For Hazelcast's deserialization only. */
    public RemoteAnswer() {
    }

    RemoteAnswer(ToParent.Answer answer, String memberName, long memberPid) {
        this.failure = answer.type() == FrameType.FAILURE;
        this.taskId = answer.taskId();
        this.payload = answer.answer().bytes();
        this.memberName = memberName;
        this.memberPid = memberPid;
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
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        failure = in.readBoolean();
        taskId = in.readLong();
        payload = in.readByteArray();
        memberName = in.readString();
        memberPid = in.readLong();
    }
}
