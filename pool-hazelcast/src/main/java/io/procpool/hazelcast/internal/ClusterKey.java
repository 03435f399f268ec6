package io.procpool.hazelcast.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret (Python's {@code authkey}) and the HMAC-SHA256 signatures made with it: every task a
 * pool sends and every answer a member returns carries one, and the receiver checks it before Kryo reads a byte.
 *
 * <p>A signature covers a {@link Transcript}: a label naming what is signed ({@code task} or {@code answer}, so one can
 * never pass for the other) and every field of the envelope, each length-prefixed so no two different envelopes
 * give the same bytes. An answer's transcript holds the pool id and task id the caller expects, not the ones the answer
 * claims, so a signed answer cannot be passed off as another task's or another pool's answer.
 *
 * <p>Thread-safety: immutable; {@link #sign} and {@link #verifies} may be called from any thread at once (each call
 * uses its own {@link Mac}).
 */
public final class ClusterKey {
    /** Keys shorter than this are refused: a guessable key protects nothing. */
    public static final int MIN_LENGTH = 16;
    /** A key file larger than this is not a key file (and reading all of it could take the member down). */
    static final int MAX_FILE_LENGTH = 4096;
    /** Where a member keeps its key: the name in its Hazelcast user context. */
    public static final String USER_CONTEXT_NAME = "procpool.clusterKey";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final SecretKeySpec key;

    private ClusterKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * @param key the shared secret, at least {@link #MIN_LENGTH} bytes; copied
     * @return the key
     * @throws IllegalArgumentException the key is null or too short
     */
    public static ClusterKey of(byte[] key) {
        if (key == null || key.length < MIN_LENGTH) {
            throw new IllegalArgumentException("a cluster key needs at least " + MIN_LENGTH + " bytes, got "
                    + (key == null ? "none" : key.length) + " (make one with: head -c 32 /dev/urandom > key)");
        }
        return new ClusterKey(key.clone());
    }

    /**
     * Reads a key file: its bytes, exactly (no line ending is stripped). The file must be readable by its owner only:
     * one that group or others may read, write or execute is refused, since another user could read the key or plant
     * their own.
     *
     * @param file the key file
     * @return the key
     * @throws IllegalArgumentException the file is missing, not a regular file, unreadable, open to group or others,
     *     too short or over {@value #MAX_FILE_LENGTH} bytes (the message names the file and what is wrong)
     */
    public static ClusterKey readFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the cluster key file " + file + (Files.exists(file)
                        ? " is not a regular file" : " does not exist"));
            }
            if (Files.size(file) > MAX_FILE_LENGTH) {
                throw new IllegalArgumentException("the cluster key file " + file + " holds " + Files.size(file)
                        + " bytes; a key file holds the key only (at most " + MAX_FILE_LENGTH + " bytes)");
            }
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) { // no POSIX modes (Windows): the file's ACL is the user's to set
                Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new IllegalArgumentException("the cluster key file " + file + " has mode "
                            + PosixFilePermissions.toString(permissions) + "; it must be readable by its owner only "
                            + "(chmod 600 " + file + ")");
                }
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                return of(bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (NoSuchFileException e) { // removed between the checks and the read
            throw new IllegalArgumentException("the cluster key file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the cluster key file " + file + ": " + e, e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("a cluster key")) {
                throw new IllegalArgumentException("the cluster key file " + file + " is too short: "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * @param transcript what to sign
     * @return the HMAC-SHA256 of the transcript under this key
     */
    public byte[] sign(Transcript transcript) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            transcript.feed(mac);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is a JDK-mandated algorithm, and a SecretKeySpec always initializes it
            throw new IllegalStateException("this JDK cannot compute " + ALGORITHM, e);
        }
    }

    /**
     * @param signature  the signature that came with the envelope, or null when none did
     * @param transcript the envelope's fields as the receiver reads them
     * @return whether {@code signature} is this key's signature of the transcript (compared in constant time)
     */
    public boolean verifies(byte[] signature, Transcript transcript) {
        return signature != null && MessageDigest.isEqual(signature, sign(transcript));
    }

    @Override
    public String toString() {
        return "ClusterKey[" + key.getEncoded().length + " bytes]"; // never the key itself
    }

    /**
     * The bytes a signature covers: a label, then fields, each written with its length first. Large fields are not
     * copied: the signer reads them where they are.
     *
     * <p>Thread-safety: not thread-safe; build and use it on one thread.
     */
    public static final class Transcript {
        private final List<byte[]> parts = new ArrayList<>();

        /** @param label what is signed ({@code "procpool task v1"}, {@code "procpool answer v1"}) */
        public Transcript(String label) {
            text(label);
        }

        /**
         * @param value a string field, or null
         * @return this transcript
         */
        public Transcript text(String value) {
            return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @param value a number field
         * @return this transcript
         */
        public Transcript number(long value) {
            parts.add(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
            return this;
        }

        /**
         * @param value a flag field
         * @return this transcript
         */
        public Transcript flag(boolean value) {
            parts.add(new byte[] {(byte) (value ? 1 : 0)});
            return this;
        }

        /**
         * Writes {@code -1} for null, else the length and the bytes: null and empty differ.
         *
         * @param value a byte field, or null; not copied
         * @return this transcript
         */
        public Transcript bytes(byte[] value) {
            parts.add(ByteBuffer.allocate(Integer.BYTES).putInt(value == null ? -1 : value.length).array());
            if (value != null) {
                parts.add(value);
            }
            return this;
        }

        void feed(Mac mac) {
            for (byte[] part : parts) {
                mac.update(part);
            }
        }
    }
}
