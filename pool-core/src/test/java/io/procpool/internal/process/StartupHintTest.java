package io.procpool.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The jar a child's start-up failure is blamed on, from what its JVM printed (real stderr texts of JDK 17). */
class StartupHintTest {

    @Test
    void aMissingKryoClassBlamesKryoNotPoolWorker() {
        String hint = StartupHint.forStderr("""
                Exception in thread "main" java.lang.NoClassDefFoundError: com/esotericsoftware/kryo/Serializer
                \tat io.procpool.worker.WorkerMain.main(WorkerMain.java:42)
                Caused by: java.lang.ClassNotFoundException: com.esotericsoftware.kryo.Serializer
                """);
        assertTrue(hint.contains("com.esotericsoftware:kryo"), hint);
        assertTrue(hint.contains("com.esotericsoftware.kryo.Serializer"), hint);
        assertFalse(hint.contains("pool-worker"), hint);
    }

    @Test
    void aMissingWorkerMainBlamesPoolWorker() {
        String hint = StartupHint.forStderr("Error: Could not find or load main class io.procpool.worker.WorkerMain\n"
                + "Caused by: java.lang.ClassNotFoundException: io.procpool.worker.WorkerMain\n");
        assertTrue(hint.contains("io.procpool:pool-worker (runtime scope is enough)"), hint);
    }

    @Test
    void aMissingDependencyOfKryoIsNamedAsSuch() {
        assertTrue(StartupHint.forStderr("java.lang.NoClassDefFoundError: org/objenesis/strategy/InstantiatorStrategy")
                .contains("org.objenesis:objenesis (a dependency of Kryo)"));
    }

    @Test
    void anUnknownClassIsNamedAndAnOrdinaryFailureGetsNoHint() {
        assertTrue(StartupHint.forStderr("java.lang.NoClassDefFoundError: com/acme/Model")
                .contains("The class com.acme.Model is not on the workers' class path"));
        assertEquals("", StartupHint.forStderr("Error occurred during initialization of VM\nToo small heap\n"));
    }
}
