/**
 * Runnable examples, one class each, packaged as one executable jar whose launcher is
 * {@link io.procpool.examples.Examples}:
 *
 * <pre>{@code
 * java -jar pool-examples/target/pool-examples.jar                 # the main demo: SHA-256 of the JDK's files
 * java -jar pool-examples/target/pool-examples.jar digest /usr/lib # the same over another tree
 * java -jar pool-examples/target/pool-examples.jar wordcount docs  # word counts with imapUnordered and a merge
 * java -jar pool-examples/target/pool-examples.jar list            # every example, one line each
 * }</pre>
 *
 * <p>Each example's main runs on the main thread; its tasks run in the workers it starts.
 */
package io.procpool.examples;
