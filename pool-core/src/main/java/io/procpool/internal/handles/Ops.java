package io.procpool.internal.handles;

/**
 * The operation codes of the hosted types, shared by the public handles (which send them) and the hosted objects
 * (which run them). One byte on the wire; codes are per type.
 *
 * <p>Thread-safety: constants only.
 */
public final class Ops {
    // queues (HostedQueue)
    public static final int PUT = 1;
    public static final int TAKE = 2;
    public static final int SIZE = 3;
    public static final int CLOSE = 4;
    public static final int TASK_DONE = 5;
    public static final int JOIN = 6;
    // locks and conditions (HostedLock); arg = condition number for the condition operations
    public static final int LOCK = 10;
    public static final int TRY_LOCK = 11;
    public static final int UNLOCK = 12;
    public static final int NEW_CONDITION = 13;
    public static final int AWAIT = 14;
    public static final int SIGNAL = 15;
    public static final int SIGNAL_ALL = 16;
    // semaphores (HostedSemaphore); arg = permits
    public static final int ACQUIRE = 20;
    public static final int RELEASE = 21;
    public static final int AVAILABLE = 22;
    // barriers (HostedBarrier)
    public static final int ARRIVE = 30;
    public static final int WAITING = 31;
    public static final int IS_BROKEN = 32;
    public static final int RESET = 33;
    // events (HostedEvent)
    public static final int SET = 40;
    public static final int CLEAR = 41;
    public static final int IS_SET = 42;
    public static final int WAIT = 43;
    // pipes (HostedPipe); arg = the end (0 left, 1 right)
    public static final int SEND = 50;
    public static final int RECV = 51;
    public static final int POLL = 52;
    public static final int CLOSE_END = 53;
    // maps (HostedMap); first = the encoded key, second = the encoded value or function
    public static final int GET = 60;
    public static final int MAP_PUT = 61;
    public static final int REMOVE = 62;
    public static final int CONTAINS = 63;
    public static final int MAP_SIZE = 64;
    public static final int MAP_CLEAR = 65;
    public static final int SNAPSHOT = 66;
    public static final int COMPUTE = 67;
    // every type
    public static final int DISPOSE = 99;

    private Ops() {
    }
}
