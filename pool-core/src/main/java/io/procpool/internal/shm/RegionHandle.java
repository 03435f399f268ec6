package io.procpool.internal.shm;

import io.procpool.internal.process.HostProcess;

/**
 * What names a shared-memory {@link Region} in every process: its host, the host's number for it and its size. This
 * is all that travels when a handle type ({@code SharedLong}, {@code Shared}, ...) is encoded; each process maps the
 * region itself on first use ({@link Regions#resolve}).
 *
 * <p>Thread-safety: an immutable value.
 */
public record RegionHandle(HostProcess host, long id, long dataBytes) {
}
