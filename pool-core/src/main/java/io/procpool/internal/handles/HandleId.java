package io.procpool.internal.handles;

import io.procpool.internal.process.HostProcess;
import java.util.Objects;

/**
 * What a handle of a hosted object carries across processes: the kind of object (for messages, "ProcessQueue",
 * "SharedLong"), the JVM that hosts it, and its id in that host. It travels with Kryo inside the public handle types
 * (a record Kryo encodes field by field); where it may be used is decided by {@link HandleResolution#resolve}.
 *
 * <p>Thread-safety: an immutable value.
 *
 * @param kind     the public type's simple name, used in failure messages
 * @param host     the JVM that created the object and keeps its state
 * @param objectId the object's id, unique within its host
 */
public record HandleId(String kind, HostProcess host, long objectId) {
    public HandleId {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
    }

    /** {@code ProcessQueue #3 of process 1234}: how failure messages name the object. */
    public String describe() {
        return kind + " #" + objectId + " of process " + host.pid();
    }
}
