package io.procpool.internal.handles;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one rule of where a handle works (API.md, "Message passing"; {@code docs/handles-design.md}): in the JVM that
 * hosts the object, and in every process that JVM started (and theirs); anywhere else the use fails at once with a
 * {@link PoolException} that says why. The messaging types and the shared-data types both ask here, so the rule and
 * its messages exist once.
 *
 * <p>A Hazelcast member JVM calls {@link #refuseRemoteHandles(String)} at start: a member may run on this machine as a
 * child of the caller, yet its tasks come from a cluster, so a handle must not work there even when the process tree
 * would allow it.
 *
 * <p>Thread-safety: thread-safe; the member flag is set once, before tasks run.
 */
public final class HandleResolution {
    /** Where a handle that may be used lives, seen from this JVM. */
    public enum Where {
        /** This JVM hosts the object: use it directly, no socket, no encoding. */
        THIS_JVM,
        /** An ancestor of this JVM hosts the object: talk to its broker. */
        ANCESTOR
    }

    /** Why this JVM refuses handles hosted elsewhere, or {@code null} when it does not. */
    private static volatile String refusal;
    /**
     * Hosts found to be ancestors: the walk up the process tree reads the OS's process table, and an ancestor stays
     * one for as long as this JVM lives (a dead one fails at its connection instead).
     */
    private static final Set<HostProcess> ANCESTORS = ConcurrentHashMap.newKeySet();

    private HandleResolution() {
    }

    /**
     * Marks this JVM as one where handles hosted by other processes never work (a Hazelcast member).
     *
     * @param why how the failure message names this JVM, e.g. "a HazelcastPool member"; {@code null} lifts the
     *     refusal (tests)
     */
    public static void refuseRemoteHandles(String why) {
        refusal = why;
    }

    /**
     * Where {@code id}'s object lives, or why it cannot be used here.
     *
     * @throws PoolException when the host is neither this JVM nor one of its ancestors, when this JVM refuses remote
     *     handles, or when the host has exited; the message names the object, its host and the reason
     */
    public static Where resolve(HandleId id) {
        if (id.host().isThisJvm()) {
            return Where.THIS_JVM;
        }
        String why = refusal;
        if (why != null) {
            throw new PoolException(id.describe() + " cannot be used in " + why + ": a " + id.kind()
                    + " works only in the JVM that created it and the processes that JVM started");
        }
        if (ANCESTORS.contains(id.host())) {
            return Where.ANCESTOR;
        }
        if (id.host().isAncestorOfThisJvm()) {
            ANCESTORS.add(id.host());
            return Where.ANCESTOR;
        }
        if (!id.host().isAlive()) {
            throw hostExited(id);
        }
        throw new PoolException(id.describe() + " is hosted by process " + id.host().pid()
                + ", which is neither this process nor one of its ancestors: a " + id.kind()
                + " works only in the JVM that created it and the processes that JVM started");
    }

    /** The failure for a handle whose host is gone (also when its connection ends while in use). */
    public static PoolException hostExited(HandleId id) {
        return new PoolException(id.describe() + " is gone: its host, process " + id.host().pid() + ", has exited");
    }

    /** The failure for a handle whose object was closed. */
    public static PoolException closed(HandleId id) {
        return new PoolException(id.describe() + " was closed");
    }
}
