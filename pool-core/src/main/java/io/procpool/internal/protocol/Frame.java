package io.procpool.internal.protocol;

/**
 * One frame of the protocol, decoded: a record per frame type (see {@link FrameType} for the byte layout), grouped by
 * the pipe it travels on, {@link ToWorker} or {@link ToParent}. The reader turns bytes into these records once; code
 * that handles frames reads their named components (a task id, a function id, an output stream) and dispatches with
 * the direction's {@code Handler}, which the compiler holds to every frame type.
 *
 * <p>Payloads that carry user objects stay {@link Encoded} until the thread that owns them decodes them with the
 * right class loader, so that a payload which will not decode is that task's failure, not the channel's.
 *
 * <p>Thread-safety: immutable records, shared freely.
 */
public sealed interface Frame permits ToWorker, ToParent {

    /** @return this frame's type: its code and direction on the wire */
    FrameType type();

    /**
     * The header's id field as {@link FrameWriter} writes it; 0 for frame types without one. Code that handles
     * frames reads the record's named component instead.
     */
    default long wireId() {
        return 0;
    }

    /** The payload bytes as {@link FrameWriter} writes them; empty for frame types without a payload. */
    default byte[] wirePayload() {
        return Encoded.NONE.bytes();
    }
}
