package io.procpool.internal.protocol;

/**
 * Every kind of frame on the pipes between a parent and a worker, and the wire layout they all share. Each type has
 * one record ({@link ToWorker} or {@link ToParent}), which {@link FrameReader} builds once from the bytes.
 *
 * <h2>Frame layout (big-endian)</h2>
 * <pre>
 * offset  size  field
 *      0     4  magic: {@link Direction#TO_WORKER} 0x70703E77 ("pp&gt;w") on the worker's stdin,
 *                      {@link Direction#TO_PARENT} 0x70703C70 ("pp&lt;p") on the worker's stdout
 *      4     1  type code (this enum's {@link #code()})
 *      5     8  id: a task id, a function id, an output stream number or an exit kind, per type
 *     13     4  payload length N, 0 &lt;= N &lt;= {@link Frames#MAX_PAYLOAD}
 *     17     N  payload, per type (Kryo unless said otherwise)
 *   17+N     4  CRC32C of bytes 4 .. 17+N (type, id, length, payload)
 * </pre>
 * A frame whose magic, type, length or checksum is wrong is a channel fault: the reader reports it with a hex dump of
 * the bytes it saw and never interprets them as data.
 *
 * <h2>Invariant</h2>
 * Exactly one terminal frame ({@link #RESULT}, {@link #FAILURE} or {@link #CANCELLED}) answers each task id sent in a
 * {@link #CALL} or {@link #CHUNK} frame, unless the worker dies first.
 *
 * <p>Thread-safety: an enum; immutable.
 */
public enum FrameType {
    // ---- parent to worker ----
    /** First frame to a pool worker: payload {@code InitRequest} (worker name, optional initializer). */
    INIT(0x01, Direction.TO_WORKER),
    /** Registers a function: id = function id, payload = the Kryo-encoded {@code TaskFunction}. */
    FUNCTION(0x02, Direction.TO_WORKER),
    /** Runs a chunk: id = task id, payload = {@code ChunkRequest} (function id, items). Answer: Object[] results. */
    CHUNK(0x03, Direction.TO_WORKER),
    /** Runs one callable: id = task id, payload = the Kryo-encoded {@code TaskCallable}. Answer: its result. */
    CALL(0x04, Direction.TO_WORKER),
    /** Drops a registered function: id = function id, empty payload. */
    FORGET(0x05, Direction.TO_WORKER),
    /** Skips a queued task, or interrupts it if running: id = task id, empty payload. */
    CANCEL(0x06, Direction.TO_WORKER),
    /** Finish the tasks held, then exit 0: id = 0, empty payload. */
    SHUTDOWN(0x07, Direction.TO_WORKER),
    /** The one task of a {@code JvmProcess} child: payload = Kryo-encoded {@code ProcessStart}. */
    START_PROCESS(0x08, Direction.TO_WORKER),
    /**
     * Takes back a task that has not started (work stealing): id = task id, empty payload. Answered
     * {@link #CANCELLED} when the task waits in the worker's queue (or arrives later, as for {@link #CANCEL});
     * ignored when it runs or was answered: unlike CANCEL it never interrupts.
     */
    UNQUEUE(0x09, Direction.TO_WORKER),

    // ---- worker to parent ----
    /** The worker is ready: payload {@code Hello} (protocol version, pid, name). */
    HELLO(0x41, Direction.TO_PARENT),
    /** The worker's initializer (or the process target's decoding) threw: payload = the throwable. Then it exits. */
    INIT_FAILED(0x42, Direction.TO_PARENT),
    /** Terminal: id = task id, payload = var-long execution nanos, then the Kryo-encoded result. */
    RESULT(0x43, Direction.TO_PARENT),
    /** Terminal: id = task id, payload = var-long execution nanos, then a {@code TaskFailure}. */
    FAILURE(0x44, Direction.TO_PARENT),
    /** Terminal: id = task id of a task skipped after {@link #CANCEL}, empty payload. */
    CANCELLED(0x45, Direction.TO_PARENT),
    /** One line of output: id = 1 (System.out) or 2 (System.err), payload = the line in UTF-8, no line separator. */
    OUTPUT(0x46, Direction.TO_PARENT),
    /**
     * The worker is exiting through its shutdown hook: id = 0 when it called {@code System.exit} or ended normally
     * (the OS exit code is then the truth), or N when it was terminated by signal N (report {@code -N}).
     */
    EXIT(0x47, Direction.TO_PARENT),
    /**
     * The worker retires: id = 0, empty payload. It means "I start no task after this frame; every task you sent me
     * that I have not answered is unstarted and yours to requeue; I exit when you send {@link #SHUTDOWN} or my stdin
     * ends" (and by itself after 10 s). Sent right after the answer of a task in which an {@link Error} struck the
     * worker's codec (or its frame reader), because such a JVM is not safe to run more tasks; tasks and
     * {@link #CANCEL}s that still arrive are ignored.
     */
    RETIRING(0x48, Direction.TO_PARENT),
    /**
     * The worker starts the task with this id now: id = the task id, no payload. Written, and flushed, before the
     * task runs (in the same write as the previous task's answer when the next task was already waiting), so the
     * parent knows exactly which task a worker was running when it died, and since when (for timeouts): a task with
     * no STARTED frame never ran and goes back to the queue.
     */
    STARTED(0x49, Direction.TO_PARENT);

    /** Which pipe a frame travels on; each has its own magic so a frame read from the wrong side is caught. */
    public enum Direction {
        /** parent to worker, on the worker's stdin */
        TO_WORKER(0x70703E77),
        /** worker to parent, on the worker's stdout */
        TO_PARENT(0x70703C70);

        private final int magic;

        Direction(int magic) {
            this.magic = magic;
        }

        /** @return the 4-byte marker every frame in this direction starts with */
        public int magic() {
            return magic;
        }
    }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Direction direction;

    FrameType(int code, Direction direction) {
        this.code = code;
        this.direction = direction;
    }

    /** @return the byte that stands for this type on the wire */
    public int code() {
        return code;
    }

    /** @return the pipe this type travels on */
    public Direction direction() {
        return direction;
    }

    /** @return the type for a wire code, or {@code null} for an unknown code */
    static FrameType fromCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
