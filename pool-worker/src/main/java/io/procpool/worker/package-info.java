/**
 * The child side of procpool: {@link io.procpool.worker.WorkerMain} is the main class of every JVM a
 * {@code ProcessPool} or a {@code JvmProcess} starts, and {@link io.procpool.worker.TaskExecutor} runs one task frame
 * and answers it. Applications never call it; they only put it on the class path, next to pool-core:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.procpool</groupId>
 *   <artifactId>pool-worker</artifactId>
 *   <version>0.1.0-SNAPSHOT</version>
 *   <scope>runtime</scope>
 * </dependency>
 * }</pre>
 *
 * <p>Threading: in a child, the main thread runs tasks one at a time and a reader thread reads the parent's frames.
 */
package io.procpool.worker;
