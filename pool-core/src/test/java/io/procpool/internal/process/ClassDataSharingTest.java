package io.procpool.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which archive options a launch gets, on the JDK that runs this test (CI runs it on 17 and on 25): one training child
 * per archive and parent JVM, none where sharing is unsafe or the user chose their own. The archives themselves are
 * made and used by real child JVMs in pool-examples' {@code Jdk25Test} and every example run.
 */
@Timeout(10)
class ClassDataSharingTest {
    private static final Path JAVA_HOME = Paths.get(System.getProperty("java.home"));

    @TempDir
    Path directory;

    /** A class path of one jar of its own, so that this test's archive is nobody else's. */
    private LaunchSpec spec(List<String> options) throws Exception {
        Path jar = Files.write(directory.resolve("app-" + System.nanoTime() + ".jar"), new byte[] {1});
        return new LaunchSpec(JAVA_HOME, List.of(jar.toString()), options);
    }

    @Test
    void theFirstChildOfAnArchiveTrainsItAndTheNextOneWaitsForIt() throws Exception {
        LaunchSpec spec = spec(List.of());
        ClassDataSharing.Plan first = ClassDataSharing.plan(spec);
        ClassDataSharing.Plan second = ClassDataSharing.plan(spec);
        int feature = Runtime.version().feature();
        if (feature >= 24) {
            assertTrue(first.options().contains("-XX:AOTMode=record"), first::toString);
            assertTrue(first.options().stream().anyMatch(option -> option.startsWith("-XX:AOTConfiguration=")),
                    first::toString);
            assertNotNull(first.afterExit());
        } else if (feature < 19) {
            assertTrue(first.options().stream().anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit=")),
                    first::toString);
            assertNotNull(first.afterExit());
        }
        if (feature >= 24 || feature < 19) {
            assertEquals(DefaultLaunchSpec.jdkOptions(JAVA_HOME), second.options()); // no archive while training
            assertNull(second.afterExit());
        }
    }

    @Test
    void aClassPathWithADirectoryGetsOnlyTheJdksOptions() {
        LaunchSpec spec = new LaunchSpec(JAVA_HOME, List.of(directory.toString()), List.of());
        ClassDataSharing.Plan plan = ClassDataSharing.plan(spec);
        assertEquals(DefaultLaunchSpec.jdkOptions(JAVA_HOME), plan.options());
        assertNull(plan.afterExit());
    }

    @Test
    void aUserWhoChoosesTheirOwnSharingGetsNoArchive() throws Exception {
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=/x.jsa", "-XX:AOTMode=off",
                "-XX:AOTCache=/x.aot")) {
            ClassDataSharing.Plan plan = ClassDataSharing.plan(spec(List.of(option)));
            assertEquals(DefaultLaunchSpec.jdkOptions(JAVA_HOME), plan.options(), option);
            assertNull(plan.afterExit(), option);
        }
    }
}
