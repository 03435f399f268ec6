package io.procpool.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * A directory another local user could have planted, holding a file named as the archive of this launch and of
     * the size its name records: the plan passes nothing from there and names nothing there to write (issue 20, item
     * 3). The archive's name is learnt from a plan whose directory is this test's own.
     */
    @ParameterizedTest
    @ValueSource(strings = {"another user's", "open to all", "a symbolic link"})
    void aPlantedDirectoryIsNeitherReadNorWritten(String kind) throws Exception {
        LaunchSpec spec = spec(List.of());
        Path own = Files.createDirectories(directory.resolve("own"));
        String key = archiveKey(ClassDataSharing.plan(spec, own), own);

        Path root = Files.createDirectories(directory.resolve("root"));
        Path planted = root.resolve("procpool-archives-" + System.getProperty("user.name"));
        Path target = Files.createDirectories(directory.resolve("elsewhere"));
        switch (kind) {
            case "another user's" -> {
                Files.createDirectory(planted);
                Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwx------"));
                Files.setOwner(planted, planted.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("nobody")); // the tests run as root, which may give it away
                target = planted;
            }
            case "open to all" -> {
                Files.createDirectory(planted);
                Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
                target = planted;
            }
            default -> Files.createSymbolicLink(planted, target);
        }
        byte[] crafted = new byte[4096];
        for (String extension : List.of(".jsa", ".aot")) {
            Files.write(target.resolve(key + "." + crafted.length + extension), crafted);
        }
        List<Path> before = filesUnder(target);

        ClassDataSharing.Plan plan = ClassDataSharing.plan(spec, root);
        assertEquals(DefaultLaunchSpec.jdkOptions(JAVA_HOME), plan.options(), kind);
        assertNull(plan.afterExit(), kind);
        assertNull(plan.mapped(), kind);
        assertEquals(before, filesUnder(target), kind);
    }

    @Test
    void anArchiveWhoseSizeChangedIsNotPassedAndIsDeleted() throws Exception {
        LaunchSpec spec = spec(List.of());
        Path own = Files.createDirectories(directory.resolve("own"));
        String key = archiveKey(ClassDataSharing.plan(spec, own), own);
        Path archives = own.resolve("procpool-archives-" + System.getProperty("user.name"));
        String extension = Runtime.version().feature() >= 24 ? ".aot" : ".jsa";
        Path whole = Files.write(archives.resolve(key + ".4096" + extension), new byte[4096]);
        if (Runtime.version().feature() < 19 || Runtime.version().feature() >= 24) {
            assertEquals(whole, ClassDataSharing.plan(spec, own).mapped());
            Files.write(whole, new byte[2048]); // truncated
            ClassDataSharing.Plan plan = ClassDataSharing.plan(spec, own);
            assertNull(plan.mapped());
            assertTrue(plan.options().stream().noneMatch(option -> option.contains(whole.toString())),
                    plan::toString);
            assertTrue(Files.notExists(whole));
        }
    }

    /** The key an archive of this plan is named after, read off the file it names under {@code root}. */
    private static String archiveKey(ClassDataSharing.Plan plan, Path root) {
        return plan.options().stream().filter(option -> option.contains(root.toString()))
                .map(option -> Paths.get(option.substring(option.indexOf('=') + 1)).getFileName().toString())
                .map(name -> name.substring(0, name.indexOf('.'))).findFirst().orElseThrow(() -> new AssertionError(plan));
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
