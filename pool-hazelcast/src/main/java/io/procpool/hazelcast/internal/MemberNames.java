package io.procpool.hazelcast.internal;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;

/**
 * How procpool names a cluster member, the same on the member (in answers) and on the caller (in {@code workers()}
 * and in failures): {@code member <host>:<port>}, plus the process id a procpool {@code Member} launcher publishes as
 * a member attribute.
 *
 * <p>Thread-safety: stateless.
 */
public final class MemberNames {
    /** The member attribute that holds the member JVM's process id. */
    public static final String PID_ATTRIBUTE = "procpool.pid";

    private MemberNames() {
    }

    /**
     * @param member a member of the cluster
     * @return {@code member <host>:<port>}
     */
    public static String of(Member member) {
        Address address = member.getAddress();
        return "member " + address.getHost() + ":" + address.getPort();
    }

    /**
     * @param member a member of the cluster
     * @return the member's process id as its launcher published it, or -1 when it did not
     */
    public static long pidOf(Member member) {
        String pid = member.getAttribute(PID_ATTRIBUTE);
        return pid == null ? -1 : Long.parseLong(pid);
    }
}
