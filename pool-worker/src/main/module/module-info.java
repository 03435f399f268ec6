/**
 * The main class of the child JVMs procpool starts. Children run it from the class path (the pool builds one from
 * this JVM's module path), so the module exports nothing to users; the task executor is shared with procpool's
 * Hazelcast transport.
 */
@SuppressWarnings("module") // io.procpool.hazelcast need not be present
module io.procpool.worker {
    requires io.procpool.core;
    requires org.slf4j;
    // ParentWatch handles SIGTERM through sun.misc.Signal.
    requires jdk.unsupported;

    exports io.procpool.worker to io.procpool.hazelcast;
}
