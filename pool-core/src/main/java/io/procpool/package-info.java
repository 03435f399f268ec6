/**
 * procpool: Python's {@code multiprocessing} ({@code Pool} and {@code Process}) for the JVM. A
 * {@link io.procpool.ProcessPool} keeps long-lived worker JVMs and feeds them Kryo-encoded tasks over pipes; a
 * {@link io.procpool.JvmProcess} runs one target in a JVM of its own.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.builder().workers(4).name("crunch").build()) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4));           // [1, 4, 9, 16]
 *     try (Stream<String> digests = pool.imap(Digests::sha256, files.stream(),
 *             p -> System.err.println(p.done() + " done"), Duration.ofSeconds(1))) {
 *         digests.forEach(System.out::println);                                    // lazily, in input order
 *     }
 *     pool.applyAsync(() -> expensive()).thenAccept(System.out::println);
 *     ExecutorService executor = pool.asExecutorService();                        // for JDK-typed code
 * }
 * }</pre>
 *
 * <p>Tasks are lambdas typed as {@link io.procpool.TaskFunction}, {@link io.procpool.TaskCallable},
 * {@link io.procpool.TaskBiFunction} or {@link io.procpool.TaskRunnable}; what they capture, their arguments and their
 * results travel with Kryo and need not implement {@code Serializable}. Failures are unchecked and rooted at
 * {@link io.procpool.PoolException}. Every type here states its threading contract in its class comment; the pool
 * itself is thread-safe.
 */
package io.procpool;
