package io.procpool.internal.process;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * A directory only this user can enter: where procpool keeps what another local user must neither plant nor read
 * (class archives the children map, shared-memory files, the sockets of the message brokers).
 *
 * <p>Such a directory sits in a place every user can write ({@code /tmp}, {@code /dev/shm}), so its name can be taken
 * first by someone else. {@link #open} therefore creates it with mode {@code 0700} in one step, and when it already
 * exists accepts it only if it is a real directory (not a symbolic link), owned by this JVM's user, and closed to
 * group and others; anything else is refused with an {@link IOException} that says what was wrong, and callers decide
 * whether to go on without it (class archives) or to fail (shared memory).
 *
 * <p>Thread-safety: stateless; safe from any thread and any number of processes at once.
 */
public final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    /** This JVM's user once read; a race reads it twice, harmlessly. */
    private static volatile UserPrincipal currentUser;

    private PrivateDirectory() {
    }

    /**
     * The directory {@code name} under {@code parent}, created owner-only if missing.
     *
     * @throws IOException if it cannot be created, or it exists and is a link, not a directory, another user's, or
     *     open to group or others (the message names the path and the reason)
     */
    public static Path open(Path parent, String name) throws IOException {
        Path dir = parent.resolve(name);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // The umask can only remove bits, but a file system may ignore the attribute: set it again.
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // someone made it before: check it below
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException(dir + " is a symbolic link; procpool uses only a directory of its own user there");
        }
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " is not a directory");
        }
        UserPrincipal me = currentUser(parent);
        if (!attributes.owner().equals(me)) {
            throw new IOException(dir + " belongs to " + attributes.owner().getName() + ", not to " + me.getName()
                    + "; procpool will not use another user's directory (remove it, or set java.io.tmpdir elsewhere)");
        }
        if (!attributes.permissions().equals(OWNER_ONLY)) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(attributes.permissions())
                    + "; procpool uses it only when it is rwx------ (chmod 700 it, or remove it)");
        }
        return dir;
    }

    /** The directory {@code name} under {@code java.io.tmpdir}; see {@link #open(Path, String)}. */
    public static Path inTemp(String name) throws IOException {
        return open(Paths.get(System.getProperty("java.io.tmpdir")), name);
    }

    /** Who this JVM runs as, read off a file it creates once: {@code user.name} can be set to anything. */
    private static UserPrincipal currentUser(Path near) throws IOException {
        UserPrincipal known = currentUser;
        if (known != null) {
            return known;
        }
        Path probe = Files.createTempFile(near, ".procpool-owner", ".tmp");
        try {
            currentUser = Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
            return currentUser;
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
