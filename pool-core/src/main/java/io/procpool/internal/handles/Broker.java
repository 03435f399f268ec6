package io.procpool.internal.handles;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import io.procpool.internal.process.RuntimeDirectory;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of this JVM: the objects it hosts, and the Unix-domain socket through which its descendants use them
 * ({@code docs/handles-design.md}). Started by the first object this JVM creates; the socket is
 * {@code host-<pid>-<start>.sock} in the {@link RuntimeDirectory}, which only this user can enter.
 *
 * <p>Each connection is one process (its {@link Participant}) and has one reader thread, which hands requests to the
 * hosted objects and never blocks on them: a request that must wait is parked in its object and answered later from
 * whichever thread changes that object. The end of a connection (the kernel closes it however the process died) is
 * that process's death: everything it held is released at once. A frame cut off by the death is dropped whole.
 *
 * <p>Thread-safety: thread-safe; one acceptor thread, one reader and one writer per connection (a process that stops
 * reading holds up only its own writer), one timer thread for deadlines.
 */
public final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final Object START_LOCK = new Object();
    private static volatile Broker instance;

    private final Map<Long, Hosted> objects = new ConcurrentHashMap<>();
    private final Set<Participant> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final ServerSocketChannel server;
    private final Path socket;
    /** The loader the host decodes keys and functions with: the one of the thread that started the broker. */
    private final ClassLoader loader;

    private Broker() throws IOException {
        socket = socketOf(HostProcess.current());
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        loader = Thread.currentThread().getContextClassLoader();
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, daemon("procpool-broker-timer"));
        // most waits are answered before their deadline: drop their timers then, not at the deadline (a poll with a
        // ten-minute timeout would otherwise leave an entry behind for ten minutes, one per item taken)
        deadlines.setRemoveOnCancelPolicy(true);
        timer = deadlines;
        daemon("procpool-broker-accept").newThread(this::accept).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // the next procpool JVM's sweep removes it
            }
        }, "procpool-broker-cleanup"));
        LOG.debug("broker listening on {}", socket);
    }

    /** This JVM's broker, started on first use. */
    static Broker current() {
        Broker broker = instance;
        if (broker == null) {
            synchronized (START_LOCK) {
                broker = instance;
                if (broker == null) {
                    try {
                        broker = new Broker();
                    } catch (IOException e) {
                        throw new PoolException("cannot start this JVM's message broker: " + e.getMessage(), e);
                    }
                    instance = broker;
                }
            }
        }
        return broker;
    }

    /** This JVM's broker if it runs, else {@code null} (nothing hosted here yet). */
    static Broker ifStarted() {
        return instance;
    }

    /** Where the broker of {@code host} listens. */
    static Path socketOf(HostProcess host) throws IOException {
        return RuntimeDirectory.get().resolve(host.fileStem() + ".sock");
    }

    /** Hosts a new object made by {@code factory} from its id; returns that id. */
    HandleId host(String kind, Function<HandleId, Hosted> factory) {
        HandleId id = new HandleId(kind, HostProcess.current(), ids.incrementAndGet());
        objects.put(id.objectId(), factory.apply(id));
        return id;
    }

    Hosted find(long objectId) {
        return objects.get(objectId);
    }

    /** Forgets a closed object; its waiting callers are answered "closed". */
    void remove(long objectId) {
        Hosted gone = objects.remove(objectId);
        if (gone != null) {
            gone.failAllWaiting(Outcome.failed(Outcome.Failure.CLOSED, gone.id.describe() + " was closed"));
        }
    }

    /** Forgets an object that has no waiting callers left to answer (a closed queue that was drained). */
    void forget(long objectId) {
        objects.remove(objectId);
    }

    /** Tells every connected process that {@code objectId} was closed (their one-way puts must fail at once). */
    void announceClosed(long objectId) {
        ByteBuffer frame = Wire.seal(Wire.start(Wire.Type.CLOSED, objectId, 0));
        for (Participant participant : connections) {
            participant.send(frame.duplicate());
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    ClassLoader loader() {
        return loader;
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                LOG.warn("broker {} stopped accepting: {}", socket, e.toString());
                return;
            }
            daemon("procpool-broker-reader").newThread(() -> serve(channel)).start();
        }
    }

    /** Reads one connection until it ends, then releases what its process held. */
    private void serve(SocketChannel channel) {
        // answers are written by this connection's own thread, in order: a process that does not read (stopped, or
        // slow) fills its socket and holds up only that thread, never the thread of whoever answered it
        ExecutorService writer = Executors.newSingleThreadExecutor(daemon("procpool-broker-writer"));
        Map<Long, Call> pending = new ConcurrentHashMap<>();
        Participant participant = null;
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel),
                    1 << 16));
            Wire.Frame hello = Wire.read(in);
            if (hello == null || hello.type() != Wire.Type.HELLO) {
                return;
            }
            participant = new Participant(hello.payload().getLong(), frame -> {
                try {
                    writer.execute(() -> {
                        try {
                            Wire.write(channel, frame);
                        } catch (IOException e) {
                            // the process is gone; its reader sees the end of stream and cleans up
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // the connection ended: nobody is left to answer
                }
            });
            connections.add(participant);
            for (Wire.Frame frame = Wire.read(in); frame != null; frame = Wire.read(in)) {
                dispatch(participant, frame, pending);
            }
        } catch (EOFException e) {
            LOG.debug("{} ended in the middle of a frame: the frame is dropped", participant);
        } catch (IOException e) {
            LOG.warn("connection of {} to broker {} failed: {}", participant, socket, e.toString());
        } finally {
            if (participant != null) {
                connections.remove(participant);
                for (Hosted hosted : objects.values()) {
                    hosted.participantEnded(participant);
                }
                LOG.debug("{} disconnected{}", participant, participant.endedCleanly() ? "" : " (died)");
            }
            writer.shutdown(); // the channel is closed: a write still queued fails at once
        }
    }

    private void dispatch(Participant participant, Wire.Frame frame, Map<Long, Call> pending) {
        switch (frame.type()) {
            case REQUEST, ONE_WAY -> {
                Request request = Request.read(frame.payload());
                boolean oneWay = frame.type() == Wire.Type.ONE_WAY;
                Hosted hosted = objects.get(request.objectId());
                if (hosted == null) {
                    if (!oneWay) {
                        participant.send(Outcome.failed(Outcome.Failure.CLOSED, "object #" + request.objectId()
                                + " of process " + HostProcess.current().pid() + " was closed").toFrame(frame.id()));
                    }
                    return;
                }
                Call call = new Call(participant, frame.id(), request, oneWay);
                if (!oneWay) {
                    pending.put(frame.id(), call);
                    call.future.whenComplete((outcome, error) -> pending.remove(frame.id()));
                }
                hosted.submit(call, this);
            }
            case CANCEL -> {
                Call call = pending.get(frame.id());
                Hosted hosted = call == null ? null : objects.get(call.request.objectId());
                if (hosted != null) {
                    hosted.expire(call, true);
                }
            }
            case BYE -> participant.markEndedCleanly();
            default -> LOG.warn("{} sent an unexpected {} frame; ignored", participant, frame.type());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
