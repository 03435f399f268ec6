package io.procpool.internal.handles;

import io.procpool.internal.codec.Codec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * How the public handle types ({@code ProcessQueue}, {@code ProcessLock}, ...) reach their objects: create one in this
 * JVM, or run an operation on one wherever it lives. In the host the operation runs directly on the object (no
 * socket, but the same engine and the same encoded values, so a value behaves alike everywhere); in a descendant it
 * travels to the host's broker over this process's {@link HostConnection}.
 *
 * <p>Interrupts: a waiting operation whose caller is interrupted is cancelled in the host, and the caller then waits
 * for the host's answer (it comes at once): if the operation had already succeeded (an item was taken), that result
 * is returned with the interrupt flag set again, so nothing is lost; otherwise {@link InterruptedException}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class HandleCalls {
    private HandleCalls() {
    }

    /** Creates an object hosted by this JVM (starting its broker on first use). */
    static HandleId host(String kind, Function<HandleId, Hosted> factory) {
        return Broker.current().host(kind, factory);
    }

    /**
     * Runs {@code op} on the object behind {@code id} and waits for its outcome.
     *
     * @param timeout how long the operation may wait in the host ({@code null}: forever; negative: not at all)
     * @throws InterruptedException when interrupted before the operation succeeded
     */
    public static Outcome call(HandleId id, int op, long arg, byte[] first, byte[] second, Duration timeout)
            throws InterruptedException {
        Waiting waiting = start(id, op, arg, first, second, timeout);
        try {
            return waiting.outcome.await(true);
        } catch (InterruptedException e) {
            waiting.cancel.run();
            Outcome outcome = waiting.uninterruptibly(); // the host answers at once: cancelled, or what it did first
            if (outcome.status() == Outcome.Status.CANCELLED) {
                throw e;
            }
            Thread.currentThread().interrupt();
            return outcome;
        }
    }

    /** As {@link #call}, ignoring interrupts (the interrupt flag stays set): {@code lock()}, quick operations. */
    public static Outcome callUninterruptibly(HandleId id, int op, long arg, byte[] first, byte[] second,
            Duration timeout) {
        return start(id, op, arg, first, second, timeout).uninterruptibly();
    }

    /** A quick operation that never waits in the host (size, set, unlock). */
    public static Outcome quick(HandleId id, int op, long arg, byte[] first, byte[] second) {
        return callUninterruptibly(id, op, arg, first, second, Duration.ZERO);
    }

    /**
     * Runs {@code op} without waiting for the host's answer when the host is another process: its frame is in the
     * kernel when this returns, so it survives this process's death. In the host it runs directly.
     *
     * @return the host's outcome in the host; elsewhere "done", or "closed" when the host already said the object was
     *     closed (then nothing was sent)
     */
    public static Outcome oneWay(HandleId id, int op, long arg, byte[] first, byte[] second) {
        if (HandleResolution.resolve(id) == HandleResolution.Where.THIS_JVM) {
            return quick(id, op, arg, first, second);
        }
        HostConnection connection = HostConnection.to(id);
        if (connection.hostClosed(id.objectId())) {
            return Outcome.failed(Outcome.Failure.CLOSED, id.describe() + " was closed");
        }
        connection.oneWay(new Request(id.objectId(), op, threadId(), 0, arg, first, second));
        return Outcome.done(0);
    }

    /** Encodes a message, a key or a value in the caller: one that cannot be encoded fails here, at once. */
    public static byte[] encode(Object value, String what) {
        return Codec.encode(value, what);
    }

    /** Decodes what {@link #encode} made, with the calling thread's class loader. */
    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes, String what) {
        if (bytes == null) {
            return null;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return (T) Codec.decode(bytes, loader != null ? loader : HandleCalls.class.getClassLoader(), what);
    }

    /** How a started operation's outcome is waited for: interruptibly or not. */
    private interface Awaiter {
        Outcome await(boolean interruptible) throws InterruptedException;
    }

    private record Waiting(Awaiter outcome, Runnable cancel) {
        /** The outcome, waiting through interrupts (the flag stays set). */
        Outcome uninterruptibly() {
            try {
                return outcome.await(false);
            } catch (InterruptedException e) {
                throw new IllegalStateException("an uninterruptible wait was interrupted", e);
            }
        }

        static Waiting of(CompletableFuture<Outcome> future, Runnable cancel) {
            return new Waiting(interruptible -> {
                if (!interruptible) {
                    return future.join(); // join() waits through interrupts
                }
                try {
                    return future.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a handle's call failed unexpectedly", e.getCause());
                }
            }, cancel);
        }
    }

    private static Waiting start(HandleId id, int op, long arg, byte[] first, byte[] second, Duration timeout) {
        Request request = new Request(id.objectId(), op, threadId(), nanos(timeout), arg, first, second);
        HostedMap.checkUseInCompute(id, request.timeoutNanos() != 0);
        if (HandleResolution.resolve(id) == HandleResolution.Where.THIS_JVM) {
            Broker broker = Broker.current();
            Hosted hosted = broker.find(id.objectId());
            if (hosted == null) {
                return Waiting.of(CompletableFuture.completedFuture(
                        Outcome.failed(Outcome.Failure.CLOSED, id.describe() + " was closed")), () -> { });
            }
            Call call = new Call(Participant.HOST, 0, request, false);
            hosted.submit(call, broker);
            return Waiting.of(call.future, () -> hosted.expire(call, true));
        }
        HostConnection connection = HostConnection.to(id);
        HostConnection.Pending pending = connection.request(request);
        return new Waiting(interruptible -> connection.await(pending, interruptible),
                () -> connection.cancel(pending.requestId));
    }

    private static long nanos(Duration timeout) {
        if (timeout == null) {
            return Request.FOREVER;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Request.FOREVER;
        }
    }

    private static long threadId() {
        return Thread.currentThread().getId();
    }
}
