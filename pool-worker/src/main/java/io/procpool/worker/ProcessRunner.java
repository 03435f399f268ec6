package io.procpool.worker;

import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameWriter;

/**
 * The life of a {@code JvmProcess} child: run its one target on the main thread and exit with Python's codes.
 * Filled in by the JvmProcess work; until then a START_PROCESS frame is refused.
 */
final class ProcessRunner {
    ProcessRunner(FrameWriter frames, FrameReader input, WorkerMain.Output output) {
    }

    void run(Frame start) {
        throw new UnsupportedOperationException("JvmProcess children are not supported yet: " + start);
    }
}
