package io.procpool;

import io.procpool.internal.handles.HandleId;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What each thread was last told when it acquired a {@link ProcessLock} or {@link ProcessSemaphore}: the pid of a
 * process that died holding it (the host answers that pid to the first acquire after the death). Kept per thread and
 * per object, so that every handle of the object in this process reads the same.
 *
 * <p>Thread-safety: thread-confined (a thread-local map).
 */
final class DeathNotices {
    private static final ThreadLocal<Map<HandleId, Long>> LAST = ThreadLocal.withInitial(HashMap::new);

    private DeathNotices() {
    }

    /** Records the answer of an acquire: a dead holder's pid, or 0. */
    static void record(HandleId id, long deadPid) {
        if (deadPid > 0) {
            LAST.get().put(id, deadPid);
        } else {
            LAST.get().remove(id);
        }
    }

    static OptionalLong last(HandleId id) {
        Long pid = LAST.get().get(id);
        return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
    }
}
