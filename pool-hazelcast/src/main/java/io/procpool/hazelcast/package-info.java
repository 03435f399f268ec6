/**
 * The {@link io.procpool.Pool} API on a Hazelcast cluster: {@link io.procpool.hazelcast.HazelcastPool} on the
 * caller's side, {@link io.procpool.hazelcast.Member} (the launcher) on every machine that runs tasks, and
 * {@link io.procpool.hazelcast.MemberProcess} to start a member from Java on this machine. Tasks travel as the same
 * Kryo bytes as to a local worker, inside a small Hazelcast envelope, and members run them with pool-worker's
 * {@code TaskExecutor}; {@code io.procpool.hazelcast.internal} is that transport. With a cluster key every task and
 * answer is signed, and checked before it is decoded ({@link io.procpool.hazelcast.PayloadSignatureException}).
 *
 * <pre>{@code
 * // on each machine: java -cp app.jar:... io.procpool.hazelcast.Member --cluster crunch --bind 10.0.0.1 \
 * //                      --member 10.0.0.2:5701 --auth-key-file cluster.key
 * try (HazelcastPool pool = HazelcastPool.builder().clusterName("crunch").addresses("10.0.0.1:5701")
 *         .authKeyFile(Path.of("cluster.key")).build()) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>Threading: every class states its own contract; the pool is thread-safe and completes its futures on its own
 * answer threads.
 */
package io.procpool.hazelcast;
