package io.procpool.internal.handles;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's one connection to the broker of an ancestor JVM: opened on first use of a handle hosted there,
 * shared by all threads, requests matched to replies by id. Every frame is written whole under the write lock, so a
 * message is either in the kernel (and survives this process's death) or not sent at all; a put returns only after
 * its write returned.
 *
 * <p>Reading is leader/follower: a thread that waits for a reply reads the socket itself (the leader) while the
 * other waiting threads park until the leader hands them their reply or steps down; so a lone caller is woken once,
 * by the kernel, instead of once for a reader thread and once more by it. A daemon thread reads only after the
 * connection was idle for {@link #IDLE_NANOS} (no caller waiting), so the host's "closed" notices and its end are
 * seen while nobody waits. The channel is non-blocking: a blocking socket channel is closed by an interrupt of the
 * thread blocked in it, and here user threads read.
 *
 * <p>When the host dies the connection ends: every waiting request is answered {@link Outcome.Failure#HOST_GONE}
 * at once and the connection is forgotten (the next use resolves the handle again and says the host has exited).
 *
 * <p>Thread-safety: thread-safe; writes are serialized by a lock, reads by the {@link #readRole} (its holder alone
 * uses {@link #readSelector} and {@link #inbox}).
 */
final class HostConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);
    private static final Map<HostProcess, HostConnection> OPEN = new ConcurrentHashMap<>();
    /** How long no caller waited before the daemon reader takes over: short enough for "closed" notices. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int INBOX = 1 << 16;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.values().forEach(HostConnection::sayGoodbye),
                "procpool-handles-bye"));
    }

    private final HostProcess host;
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    /** Waits for room in the socket's buffer; used under {@link #writeLock}. */
    private final Selector writeSelector;
    /** Whoever holds it reads the socket: a waiting caller (the leader) or, when the connection is idle, the daemon. */
    private final ReentrantLock readRole = new ReentrantLock();
    private final Selector readSelector;
    /** Bytes read and not yet a whole frame; guarded by {@link #readRole}. */
    private ByteBuffer inbox = ByteBuffer.allocate(INBOX);
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Objects the host said were closed: one-way puts to them fail in the caller. */
    private final Set<Long> closedObjects = ConcurrentHashMap.newKeySet();
    /** Callers in {@link #await} now; the daemon reader steps aside while there are any. */
    private final AtomicInteger callers = new AtomicInteger();
    private volatile long lastCallEnded = System.nanoTime();
    /** Whether the daemon reader waits in {@link #readSelector} (a new caller wakes it to take over). */
    private volatile boolean daemonReading;
    private volatile boolean ended;

    private HostConnection(HostProcess host, SocketChannel channel) throws IOException {
        this.host = host;
        this.channel = channel;
        readSelector = Selector.open();
        try {
            writeSelector = Selector.open();
        } catch (IOException e) {
            readSelector.close();
            throw e;
        }
        channel.configureBlocking(false);
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
    }

    /** The connection to the host of {@code id}, opened on first use; the handle was already resolved here. */
    static HostConnection to(HandleId id) {
        HostConnection open = OPEN.get(id.host());
        if (open != null && !open.ended) {
            return open;
        }
        synchronized (OPEN) {
            open = OPEN.get(id.host());
            if (open == null || open.ended) {
                open = connect(id);
                OPEN.put(id.host(), open);
            }
            return open;
        }
    }

    private static HostConnection connect(HandleId id) {
        SocketChannel channel = null;
        HostConnection connection;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            connect(channel, Broker.socketOf(id.host()));
            ByteBuffer hello = Wire.start(Wire.Type.HELLO, 0, 16);
            hello.putLong(ProcessHandle.current().pid()).putLong(HostProcess.current().startMillis());
            Wire.write(channel, Wire.seal(hello));
            connection = new HostConnection(id.host(), channel);
        } catch (IOException e) {
            closeQuietly(channel);
            if (!id.host().isAlive()) {
                throw HandleResolution.hostExited(id);
            }
            throw new PoolException("cannot reach the broker of process " + id.host().pid() + " for "
                    + id.describe() + ": " + e.getMessage(), e);
        }
        Thread reader = new Thread(connection::readWhenIdle, "procpool-handles-" + id.host().pid());
        reader.setDaemon(true);
        reader.start();
        return connection;
    }

    /** Connects with the interrupt flag cleared for the call (an interrupt would close the channel; see Wire). */
    private static void connect(SocketChannel channel, java.nio.file.Path socket) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends a request that wants a reply; {@link #await} it (HOST_GONE when the host dies). */
    Pending request(Request request) {
        Pending call = new Pending(requestIds.incrementAndGet());
        pending.put(call.requestId, call);
        if (ended) {
            hostGone(call);
        } else {
            send(request.toFrame(Wire.Type.REQUEST, call.requestId));
        }
        return call;
    }

    /** A request in flight: its reply, and the thread that waits for it (to be unparked when it comes). */
    static final class Pending {
        final long requestId;
        final CompletableFuture<Outcome> future = new CompletableFuture<>();
        volatile Thread waiter;

        Pending(long requestId) {
            this.requestId = requestId;
        }
    }

    /**
     * Waits for the reply to {@code call}, reading the socket itself when no other thread does.
     *
     * @param interruptible whether an interrupt ends the wait ({@link InterruptedException}; the request is still
     *     in flight) or is kept for later (the flag is set again on return)
     */
    Outcome await(Pending call, boolean interruptible) throws InterruptedException {
        if (call.future.isDone()) {
            return call.future.join();
        }
        call.waiter = Thread.currentThread();
        callers.incrementAndGet();
        if (daemonReading) {
            wakeSelector(); // the daemon reader hands the socket over
        }
        boolean interrupted = false;
        try {
            while (!call.future.isDone()) {
                if (readRole.tryLock()) {
                    try {
                        interrupted |= lead(call, interruptible);
                    } finally {
                        readRole.unlock();
                        wakeWaiters();
                    }
                } else {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        if (interruptible) {
                            throw new InterruptedException();
                        }
                        interrupted = true;
                    }
                }
            }
        } finally {
            call.waiter = null;
            lastCallEnded = System.nanoTime();
            callers.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return call.future.join();
    }

    /**
     * Reads as the leader until {@code call} is answered; holds {@link #readRole}.
     *
     * @return whether an interrupt came that is to be kept (not {@code interruptible})
     */
    private boolean lead(Pending call, boolean interruptible) throws InterruptedException {
        boolean interrupted = false;
        try {
            while (!call.future.isDone()) { // select first: it returns at once when a reply is there already
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true; // kept for the caller; cleared so that the selector waits
                }
                readSelector.select();
                readSelector.selectedKeys().clear();
                readAvailable();
            }
        } catch (ClosedSelectorException e) {
            // the connection ended: every pending call, this one too, is answered HOST_GONE
        } catch (IOException e) {
            LOG.debug("waiting on the connection to the broker of process {} failed: {}", host.pid(), e.toString());
            end();
        }
        return interrupted;
    }

    /** The daemon reader: reads only while no caller waits and none did for {@link #IDLE_NANOS}. */
    private void readWhenIdle() {
        while (!ended) {
            long idle = System.nanoTime() - lastCallEnded;
            if (callers.get() > 0 || idle < IDLE_NANOS || !readRole.tryLock()) {
                LockSupport.parkNanos(this, Math.max(IDLE_NANOS - idle, IDLE_NANOS / 4));
                continue;
            }
            try {
                daemonReading = true;
                readAvailable();
                if (callers.get() == 0 && !ended) {
                    readSelector.select();
                    readSelector.selectedKeys().clear();
                    readAvailable();
                }
            } catch (IOException | ClosedSelectorException e) {
                end();
            } finally {
                daemonReading = false;
                readRole.unlock();
                wakeWaiters();
            }
        }
    }

    /**
     * Reads what the socket holds without waiting and hands out every whole frame; holds {@link #readRole}. Reads
     * again only when a read filled the inbox (more may be waiting): each read is a system call.
     */
    private void readAvailable() {
        try {
            while (!ended) {
                int read = channel.read(inbox);
                boolean full = !inbox.hasRemaining();
                inbox.flip();
                for (Wire.Frame frame = Wire.take(inbox); frame != null; frame = Wire.take(inbox)) {
                    dispatch(frame);
                }
                makeRoom();
                if (read < 0) {
                    LOG.debug("the broker of process {} closed the connection", host.pid());
                    end();
                } else if (!full) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("connection to the broker of process {} ended: {}", host.pid(), e.toString());
            end();
        }
    }

    /** Turns the inbox back to filling, big enough for the frame it starts (and small again once empty). */
    private void makeRoom() throws IOException {
        if (!inbox.hasRemaining() && inbox.capacity() > INBOX) {
            inbox = ByteBuffer.allocate(INBOX);
            return;
        }
        if (inbox.remaining() >= Wire.HEADER && Wire.frameSize(inbox) > inbox.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Wire.frameSize(inbox));
            inbox = bigger.put(inbox);
            return;
        }
        inbox.compact();
    }

    private void dispatch(Wire.Frame frame) {
        if (frame.type() == Wire.Type.REPLY) {
            Pending call = pending.remove(frame.id());
            if (call != null) {
                call.future.complete(Outcome.read(frame.payload()));
                wake(call);
            }
        } else if (frame.type() == Wire.Type.CLOSED) {
            closedObjects.add(frame.id());
        }
    }

    /** Unparks every waiting caller: the reading role is free, one of them takes it. */
    private void wakeWaiters() {
        if (callers.get() > 0) {
            pending.values().forEach(HostConnection::wake);
        }
    }

    private static void wake(Pending call) {
        Thread waiter = call.waiter;
        if (waiter != null && waiter != Thread.currentThread()) {
            LockSupport.unpark(waiter);
        }
    }

    private void wakeSelector() {
        try {
            readSelector.wakeup();
        } catch (ClosedSelectorException e) {
            // ended
        }
    }

    /** Sends a request without a reply; returns once the frame is in the kernel. */
    void oneWay(Request request) {
        if (ended) {
            throw new PoolException("process " + host.pid() + ", the host of this object, has exited");
        }
        send(request.toFrame(Wire.Type.ONE_WAY, 0));
    }

    /** Asks the host to give up a waiting request (its caller was interrupted); the reply still comes. */
    void cancel(long requestId) {
        send(Wire.seal(Wire.start(Wire.Type.CANCEL, requestId, 0)));
    }

    boolean hostClosed(long objectId) {
        return closedObjects.contains(objectId);
    }

    private void send(ByteBuffer frame) {
        synchronized (writeLock) {
            try {
                Wire.write(channel, frame, writeSelector);
            } catch (IOException | ClosedSelectorException e) {
                end();
                throw new PoolException("process " + host.pid() + ", the host of this object, has exited", e);
            }
        }
    }

    private void end() {
        ended = true;
        OPEN.remove(host, this);
        closeQuietly(channel);
        for (Long requestId : pending.keySet()) {
            Pending call = pending.remove(requestId);
            if (call != null) {
                hostGone(call);
            }
        }
        closeQuietly(readSelector); // a leader or the daemon in it returns (ClosedSelectorException)
        closeQuietly(writeSelector);
    }

    private void hostGone(Pending call) {
        call.future.complete(Outcome.failed(Outcome.Failure.HOST_GONE, "process " + host.pid()
                + ", the host of this object, has exited"));
        wake(call);
    }

    private void sayGoodbye() {
        try {
            synchronized (writeLock) {
                Wire.write(channel, Wire.seal(Wire.start(Wire.Type.BYE, 0, 0)), writeSelector);
            }
        } catch (IOException | ClosedSelectorException e) {
            // the host is gone already
        }
    }

    private static void closeQuietly(java.io.Closeable channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
