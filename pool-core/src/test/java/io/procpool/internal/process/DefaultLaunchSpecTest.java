package io.procpool.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options a child gets for its JDK's version, told from the runtime's {@code release} file: a JDK 17 refuses to
 * start with the JDK 23 flag, so it must get none. Every child gets the crash report option.
 */
@Timeout(10)
class DefaultLaunchSpecTest {
    private static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    /** Every child's crash report option, whatever its version (the directory is this user's private one). */
    private static final List<String> CRASH = List.of("-XX:ErrorFile="
            + DefaultLaunchSpec.crashDirectory().orElseThrow().resolve("hs_err_pid%p.log"));

    private static List<String> plus(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    @TempDir
    Path directory;

    private Path runtime(String name, String release) throws Exception {
        Path home = Files.createDirectories(directory.resolve(name));
        Files.writeString(home.resolve("release"), release);
        return home;
    }

    @Test
    void aJdk25ChildMayUseUnsafeSilentlyAndAJdk17ChildGetsNoFlagItWouldRefuse() throws Exception {
        Path jdk25 = runtime("jdk25", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n");
        Path jdk23 = runtime("jdk23", "JAVA_VERSION=\"23\"\n");
        Path jdk17 = runtime("jdk17", "JAVA_VERSION=\"17.0.15\"\nLIBC=\"gnu\"\n");
        assertEquals(plus(List.of(ALLOW_UNSAFE), CRASH), DefaultLaunchSpec.jdkOptions(jdk25));
        assertEquals(plus(List.of(ALLOW_UNSAFE), CRASH), DefaultLaunchSpec.jdkOptions(jdk23));
        assertEquals(CRASH, DefaultLaunchSpec.jdkOptions(jdk17));
    }

    @Test
    void aRuntimeWhoseVersionCannotBeToldGetsNoVersionDependentOption() throws Exception {
        Path noRelease = Files.createDirectories(directory.resolve("bare"));
        Path garbled = runtime("garbled", "JAVA_VERSION=unknown\n");
        assertEquals(OptionalInt.empty(), DefaultLaunchSpec.featureVersion(noRelease));
        assertEquals(CRASH, DefaultLaunchSpec.jdkOptions(noRelease));
        assertEquals(CRASH, DefaultLaunchSpec.jdkOptions(garbled));
    }

    @Test
    void crashReportsGoToADirectoryOnlyThisUserCanEnter() throws Exception {
        Path crashes = DefaultLaunchSpec.crashDirectory().orElseThrow();
        assertEquals(Paths.get(System.getProperty("java.io.tmpdir")), crashes.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(crashes)));
    }

    @Test
    void thisJvmsOwnHomeIsThisJvmsVersion() {
        assertEquals(OptionalInt.of(Runtime.version().feature()),
                DefaultLaunchSpec.featureVersion(Paths.get(System.getProperty("java.home"))));
    }
}
