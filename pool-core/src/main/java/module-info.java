/**
 * procpool's public API ({@link io.procpool.ProcessPool}, {@link io.procpool.JvmProcess} and their types) and, for
 * procpool's own modules only, the wire protocol, the codec, the calls and the tasks of a pool.
 *
 * <p>On the module path a module whose tasks travel to workers must open their packages to Kryo, which encodes
 * lambdas and user objects reflectively: {@code opens com.example.tasks to com.esotericsoftware.kryo;}. The workers
 * themselves run on a class path built from this JVM's module path, so they need nothing.
 */
@SuppressWarnings("module") // io.procpool.hazelcast need not be present
module io.procpool.core {
    requires com.esotericsoftware.kryo;
    requires com.esotericsoftware.minlog;
    requires com.google.common;
    requires org.objenesis;
    requires org.slf4j;
    // Objenesis creates objects without calling a constructor through sun.reflect.ReflectionFactory.
    requires jdk.unsupported;
    // The procpool.Task and procpool.Worker Flight Recorder events (the JDK's own; near-free without a recording).
    requires jdk.jfr;

    exports io.procpool;
    exports io.procpool.internal.protocol to io.procpool.worker, io.procpool.hazelcast;
    exports io.procpool.internal.codec to io.procpool.worker, io.procpool.hazelcast;
    exports io.procpool.internal.handles to io.procpool.worker, io.procpool.hazelcast;
    exports io.procpool.internal.process to io.procpool.worker, io.procpool.hazelcast;
    exports io.procpool.internal.calls to io.procpool.hazelcast;
    exports io.procpool.internal.task to io.procpool.hazelcast;
    exports io.procpool.internal.insights to io.procpool.hazelcast;

    // Kryo encodes procpool's own records and the JvmProcess fields a subclass inherits reflectively.
    opens io.procpool to com.esotericsoftware.kryo;
    opens io.procpool.internal.protocol to com.esotericsoftware.kryo;
    opens io.procpool.internal.calls to com.esotericsoftware.kryo;
    // Handles of hosted objects (queues, locks, shared memory) travel wherever a value does: their records
    // (HandleId, the region's id, the host's HostProcess) are read reflectively.
    opens io.procpool.internal.handles to com.esotericsoftware.kryo;
    opens io.procpool.internal.shm to com.esotericsoftware.kryo;
    opens io.procpool.internal.process to com.esotericsoftware.kryo;
}
