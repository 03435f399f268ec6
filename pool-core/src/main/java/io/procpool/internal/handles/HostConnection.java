package io.procpool.internal.handles;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's one connection to the broker of an ancestor JVM: opened on first use of a handle hosted there,
 * shared by all threads, requests matched to replies by id. Every frame is written whole with one write under the
 * write lock, so a message is either in the kernel (and survives this process's death) or not sent at all; a put
 * returns only after its write returned.
 *
 * <p>When the host dies the connection ends: every waiting request is answered {@link Outcome.Failure#HOST_GONE}
 * at once and the connection is forgotten (the next use resolves the handle again and says the host has exited).
 *
 * <p>Thread-safety: thread-safe; writes are serialized by a lock, one daemon thread reads the replies.
 */
final class HostConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);
    private static final Map<HostProcess, HostConnection> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.values().forEach(HostConnection::sayGoodbye),
                "procpool-handles-bye"));
    }

    private final HostProcess host;
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    /** Objects the host said were closed: one-way puts to them fail in the caller. */
    private final Set<Long> closedObjects = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    private HostConnection(HostProcess host, SocketChannel channel) {
        this.host = host;
        this.channel = channel;
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
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            connect(channel, Broker.socketOf(id.host()));
            ByteBuffer hello = Wire.start(Wire.Type.HELLO, 0, 16);
            hello.putLong(ProcessHandle.current().pid()).putLong(HostProcess.current().startMillis());
            Wire.write(channel, Wire.seal(hello));
        } catch (IOException e) {
            closeQuietly(channel);
            if (!id.host().isAlive()) {
                throw HandleResolution.hostExited(id);
            }
            throw new PoolException("cannot reach the broker of process " + id.host().pid() + " for "
                    + id.describe() + ": " + e.getMessage(), e);
        }
        HostConnection connection = new HostConnection(id.host(), channel);
        Thread reader = new Thread(connection::readReplies, "procpool-handles-" + id.host().pid());
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

    /** Sends a request that wants a reply; the future completes with it, or HOST_GONE when the host dies. */
    Pending request(Request request) {
        long requestId = requestIds.incrementAndGet();
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        pending.put(requestId, future);
        if (ended) {
            hostGone(future);
        } else {
            send(request.toFrame(Wire.Type.REQUEST, requestId));
        }
        return new Pending(requestId, future);
    }

    /** A request in flight and how to wait for it. */
    record Pending(long requestId, CompletableFuture<Outcome> future) {
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
                Wire.write(channel, frame);
            } catch (IOException e) {
                end();
                throw new PoolException("process " + host.pid() + ", the host of this object, has exited", e);
            }
        }
    }

    private void readReplies() {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel),
                    1 << 16));
            for (Wire.Frame frame = Wire.read(in); frame != null; frame = Wire.read(in)) {
                if (frame.type() == Wire.Type.REPLY) {
                    CompletableFuture<Outcome> future = pending.remove(frame.id());
                    if (future != null) {
                        future.complete(Outcome.read(frame.payload()));
                    }
                } else if (frame.type() == Wire.Type.CLOSED) {
                    closedObjects.add(frame.id());
                }
            }
        } catch (IOException e) {
            LOG.debug("connection to the broker of process {} ended: {}", host.pid(), e.toString());
        } finally {
            end();
        }
    }

    private void end() {
        ended = true;
        OPEN.remove(host, this);
        closeQuietly(channel);
        for (Long requestId : pending.keySet()) {
            CompletableFuture<Outcome> future = pending.remove(requestId);
            if (future != null) {
                hostGone(future);
            }
        }
    }

    private void hostGone(CompletableFuture<Outcome> future) {
        future.complete(Outcome.failed(Outcome.Failure.HOST_GONE, "process " + host.pid()
                + ", the host of this object, has exited"));
    }

    private void sayGoodbye() {
        try {
            synchronized (writeLock) {
                Wire.write(channel, Wire.seal(Wire.start(Wire.Type.BYE, 0, 0)));
            }
        } catch (IOException e) {
            // the host is gone already
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
