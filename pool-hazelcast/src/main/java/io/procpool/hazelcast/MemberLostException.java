package io.procpool.hazelcast;

import io.procpool.WorkerDiedException;

/**
 * The cluster lost a task: the member running it left (died, was killed, or was cut off) and no backup took the task
 * over (failover off, or every copy of it lost), or this client lost the cluster. A {@link WorkerDiedException}, so
 * code that handles a dead local worker handles a lost member too. {@link #exitCode()} is
 * {@link WorkerDiedException#UNKNOWN_EXIT_CODE}: the member's exit status is not known to the caller.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class MemberLostException extends WorkerDiedException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message    what was lost and why
     * @param memberName the member that held the task, {@code member <host>:<port>}, or {@code cluster} when unknown
     * @param pid        that member's process id, or -1 when unknown
     * @param cause      what Hazelcast reported
     */
    public MemberLostException(String message, String memberName, long pid, Throwable cause) {
        super(message, memberName, pid, UNKNOWN_EXIT_CODE, "");
        initCause(cause);
    }
}
