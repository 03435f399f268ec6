package io.procpool.hazelcast.internal;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.durableexecutor.DurableExecutorService;
import com.hazelcast.partition.Partition;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.procpool.PoolException;
import io.procpool.WorkerInfo;
import io.procpool.hazelcast.MemberLostException;
import io.procpool.hazelcast.PayloadSignatureException;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.internal.calls.TaskSink;
import io.procpool.internal.insights.InsightsRecorder;
import io.procpool.internal.insights.LiveWorker;
import io.procpool.internal.task.TaskReports;
import io.procpool.internal.task.Answers;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cluster transport behind {@code HazelcastPool}: the {@link TaskSink} that ships each task to a member inside a
 * {@link RemoteTask} through a Hazelcast executor and completes it from the member's {@link RemoteAnswer} with
 * {@link Answers#decode}, exactly as the local pool decodes a worker's frame. A failure of
 * the transport itself (the member left and nobody took the task over, the client lost the cluster) completes the task
 * with {@link MemberLostException}; nothing waits forever on a member that is gone.
 *
 * <p>With a cluster key every task is signed, and an answer is decoded only when its signature under the key binds it
 * to this pool and this task; a refused task or a rejected answer completes the task with
 * {@link PayloadSignatureException}, its bytes unread.
 *
 * <p>At most {@link #MAX_IN_FLIGHT} tasks are on the cluster at once; {@link #submit} waits for room (backpressure,
 * and the durable executor's per-partition capacity is never reached).
 *
 * <p>Thread-safety: thread-safe. Answers are decoded and futures completed on the sink's own completion threads, never
 * on Hazelcast's I/O threads, so a callback of a pool future may block or submit more work.
 */
public final class ClusterSink implements TaskSink {
    /** Tasks on the cluster at once, at most. */
    static final int MAX_IN_FLIGHT = 1024;
    private static final AtomicInteger SINK_NUMBERS = new AtomicInteger();

    private enum State { RUNNING, CLOSING, CLOSED, TERMINATED }

    /** How a task reaches the cluster: through the durable executor (failover) or the plain one. */
    @FunctionalInterface
    public interface Launcher {
        /**
         * Sends a task to the cluster.
         *
         * @param task the envelope to run on a member
         * @param key  the task goes to the owner of this key's partition
         * @return completes with the member's answer, or with what Hazelcast reported when there is none
         */
        CompletionStage<RemoteAnswer> launch(RemoteTask task, Object key);

        /**
         * At-least-once: a task of a member that dies is run again by the member that holds its backup.
         *
         * @param executor Hazelcast's durable executor
         * @return a launcher through it
         */
        static Launcher durable(DurableExecutorService executor) {
            return executor::submitToKeyOwner;
        }

        /**
         * At-most-once: a task of a member that dies fails with {@link MemberLostException}.
         *
         * @param executor Hazelcast's plain executor
         * @return a launcher through it
         */
        static Launcher plain(IExecutorService executor) {
            return (task, key) -> {
                CompletableFuture<RemoteAnswer> answer = new CompletableFuture<>();
                executor.submitToKeyOwner(task, key, new ExecutionCallback<RemoteAnswer>() {
                    @Override
                    public void onResponse(RemoteAnswer response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        answer.completeExceptionally(t);
                    }
                });
                return answer;
            };
        }
    }

    private final HazelcastInstance instance;
    private final Launcher launcher;
    private final int threadsPerMember;
    /** Signs tasks and checks answers; null when the pool has no cluster key. */
    private final ClusterKey key;
    private final String poolId = UUID.randomUUID().toString();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService completer;
    private final InsightsRecorder insights;
    /** Accepted tasks not yet complete. */
    private final Set<Task> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> answersByMember = new ConcurrentHashMap<>();
    private final Object stateLock = new Object();
    private State state = State.RUNNING; // guarded by stateLock

    /**
     * @param instance         a client or member of the cluster that runs the tasks
     * @param launcher         the executor the tasks go through
     * @param threadsPerMember how many tasks one member runs at once, for chunk sizes and read-ahead
     * @param key              the cluster key that signs tasks and answers, or null for none
     */
    public ClusterSink(HazelcastInstance instance, Launcher launcher, int threadsPerMember, ClusterKey key) {
        this.instance = instance;
        this.launcher = launcher;
        this.threadsPerMember = threadsPerMember;
        this.key = key;
        int number = SINK_NUMBERS.incrementAndGet();
        this.insights = new InsightsRecorder("hazelcast-pool-" + number, false);
        AtomicInteger threads = new AtomicInteger();
        this.completer = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "hazelcast-pool-" + number + "-answers-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The cluster's data members times the tasks each runs at once; read anew for every call. */
    @Override
    public int parallelism() {
        return Math.max(1, instance.getCluster().getMembers().size()) * threadsPerMember;
    }

    /**
     * Nothing to send: every chunk carries its function, and members keep functions in a bounded cache.
     *
     * @param function the function no chunk needs any more
     */
    @Override
    public void functionDone(FunctionRef function) {
    }

    /**
     * Sends a task to the cluster, waiting while {@link #MAX_IN_FLIGHT} tasks are already there.
     *
     * @throws RejectedExecutionException the pool is closed or terminated
     */
    @Override
    public void submit(Task task) {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("the HazelcastPool is " + state.name().toLowerCase()
                        + " and takes no new work");
            }
            accepted.add(task);
        }
        task.onSettled(this::settled);
        task.onOutcome(ended -> TaskReports.finished(insights, ended));
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.complete(Outcome.Cancelled.because("interrupted while submitting"));
            throw new PoolException("interrupted while submitting " + task, e);
        }
        if (task.isDone()) { // cancelled or terminated while it waited for room
            inFlight.release();
            return;
        }
        Member target = ownerOf(task.id());
        long sentNanos = System.nanoTime();
        task.ranOn(target == null ? null : MemberNames.of(target), sentNanos);
        CompletionStage<RemoteAnswer> answer;
        try {
            answer = launcher.launch(new RemoteTask(poolId, task, key), task.id());
        } catch (RuntimeException e) {
            inFlight.release();
            task.complete(new Outcome.WorkerDied(transportFailure(task, target, e)));
            return;
        }
        answer.whenCompleteAsync((remote, error) -> {
            inFlight.release();
            if (error != null) {
                task.complete(new Outcome.WorkerDied(transportFailure(task, target, error)));
            } else {
                answersByMember.computeIfAbsent(remote.memberName(), name -> new LongAdder()).increment();
                task.ranOn(remote.memberName(), sentNanos); // the member that ran it (a failover may have moved it)
                String rejection = remote.rejection(poolId, task, key);
                if (rejection != null) {
                    task.complete(new Outcome.Failed(new PayloadSignatureException(rejection), new Object[0], -1));
                    return;
                }
                long decodeStart = System.nanoTime();
                Outcome outcome = Answers.decode(remote.frame(), task, remote.memberName(), remote.memberPid());
                task.decodedIn(System.nanoTime() - decodeStart);
                task.complete(outcome);
            }
        }, completions());
    }

    private void settled(Task task) {
        accepted.remove(task);
        synchronized (stateLock) {
            if (accepted.isEmpty()) {
                stateLock.notifyAll();
            }
        }
    }

    @Override
    public InsightsRecorder insights() {
        return insights;
    }

    /**
     * A snapshot of the pool's insights. Members are remote: their memory and CPU time are unknown (-1, empty), and
     * their busy time adds up the tasks they run at once, so the busy ratio is capped at 1.
     *
     * @param calls the progress of the calls still running
     * @return the snapshot; {@code queued} is 0 (tasks wait in the submitter, not in a queue)
     */
    public PoolInsights snapshot(List<Progress> calls) {
        List<LiveWorker> live = new ArrayList<>();
        for (WorkerInfo member : workers()) {
            live.add(new LiveWorker(member.name(), member.pid(), member.state(), null));
        }
        return insights.snapshot(0, accepted.size(), live, calls);
    }

    @Override
    public Executor callbacks() {
        return completions();
    }

    /** Runs completions on the sink's threads, or inline once they are shut down. */
    private Executor completions() {
        return command -> {
            try {
                completer.execute(command);
            } catch (RejectedExecutionException e) {
                command.run();
            }
        };
    }

    /** The member that owns the task's partition now, or null while the cluster is rebalancing or unreachable. */
    private Member ownerOf(long key) {
        try {
            Partition partition = instance.getPartitionService().getPartition(key);
            return partition.getOwner();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Maps what Hazelcast reported for a task that got no answer to the pool's failure types. */
    private static PoolException transportFailure(Task task, Member target, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String where = target == null ? "cluster" : MemberNames.of(target);
        long pid = target == null ? -1 : MemberNames.pidOf(target);
        if (cause instanceof MemberLeftException || cause instanceof TargetDisconnectedException
                || cause instanceof TargetNotMemberException || cause instanceof HazelcastInstanceNotActiveException
                || cause instanceof HazelcastClientNotActiveException
                || cause instanceof HazelcastClientOfflineException
                || cause instanceof OperationTimeoutException) {
            return new MemberLostException(task + " was lost: " + where + (pid > 0 ? " (pid " + pid + ")" : "")
                    + " left or could not be reached, and no member took the task over: " + cause, where, pid, cause);
        }
        return new PoolException("the cluster could not run " + task + " (" + where + "): " + cause, cause);
    }

    /** @return the cluster's data members, with the answers each has sent this pool */
    public List<WorkerInfo> workers() {
        List<WorkerInfo> members = new ArrayList<>();
        for (Member member : instance.getCluster().getMembers()) {
            String name = MemberNames.of(member);
            LongAdder answers = answersByMember.get(name);
            members.add(new WorkerInfo(name, MemberNames.pidOf(member), WorkerInfo.State.RUNNING,
                    answers == null ? 0 : answers.sum()));
        }
        return members;
    }

    /**
     * Takes no new work and waits until every accepted task has completed; then stops the completion threads.
     * Idempotent; {@link #terminate()} from another thread ends the wait.
     */
    public void close() {
        synchronized (stateLock) {
            if (state == State.RUNNING) {
                state = State.CLOSING;
            }
            while (!accepted.isEmpty() && state == State.CLOSING) {
                try {
                    stateLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PoolException("interrupted while closing the HazelcastPool", e);
                }
            }
            if (state != State.CLOSING) {
                return;
            }
            state = State.CLOSED;
        }
        completer.shutdown();
    }

    /**
     * Takes no new work and cancels every unfinished task (its future completes with
     * {@link java.util.concurrent.CancellationException}); members may still finish what they hold, and those answers
     * are dropped. Idempotent.
     */
    public void terminate() {
        synchronized (stateLock) {
            if (state == State.TERMINATED) {
                return;
            }
            state = State.TERMINATED;
            stateLock.notifyAll();
        }
        for (Task task : new ArrayList<>(accepted)) {
            task.complete(Outcome.Cancelled.because("the pool was terminated"));
        }
        completer.shutdown();
    }
}
