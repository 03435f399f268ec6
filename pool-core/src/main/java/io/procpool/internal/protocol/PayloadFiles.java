package io.procpool.internal.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Large frame payloads that travel through a file of the runtime directory ({@code RuntimeDirectory}: tmpfs, {@code /dev/shm} on Linux)
 * instead of through the pipe. The writer puts the payload into a fresh file in one write and sends only a
 * descriptor: the frame's type code with {@link #SPILLED} set, and as payload the data's length, its CRC32C and the
 * file's path (UTF-8; its name must be a payload file's, so a corrupt descriptor cannot make a reader delete anything
 * else). The reader reads the file back, checks it, and deletes it.
 *
 * <p>Why: a pipe holds 64 KiB in the kernel (Java cannot enlarge it: {@code F_SETPIPE_SZ} needs JNI), so a 1 MiB
 * payload makes writer and reader take turns sixteen times, each turn two thread wake-ups; on a loaded machine each
 * wake-up waits for a core and the transfer rate falls several times and varies from pass to pass. A tmpfs file takes
 * the whole payload in one system call on each side. {@link #THRESHOLD} is where that pays (measured with
 * {@code DataBench}; see the README's payload section).
 *
 * <p>What is left behind: the reader deletes a file once read; a writer deletes the files it wrote and nobody read
 * when it is closed (the reader died); the files of a writer that was killed carry its dead host's
 * {@code HostProcess.fileStem()}, so the next procpool JVM's sweep of the directory removes them. Files are mode
 * {@code 0600} in a directory only the user can enter.
 *
 * <p>Thread-safety: a {@link Writer} is used under its {@link FrameWriter}'s lock, except {@link Writer#deleteUnread}
 * which any thread may call; {@link #read} is static and stateless.
 */
public final class PayloadFiles {
    /** Set in a frame's type byte when its payload is a descriptor of a payload file. */
    static final int SPILLED = 0x80;
    /**
     * Payloads of at least this many bytes go through a file ({@code -Dprocpool.payloadFileBytes=N} overrides it, for
     * measuring; 0 or less turns files off).
     */
    static final int THRESHOLD = Integer.getInteger("procpool.payloadFileBytes", 256 << 10);
    /** Bytes per read or write system call: bounds the native copy buffer of each call. */
    private static final int SLICE = 1 << 20;
    private static final Pattern NAME = Pattern.compile("host-\\d+-\\d+-payload-\\d+-\\d+");
    private static final AtomicLong WRITERS = new AtomicLong();

    private PayloadFiles() {
    }

    /**
     * The files of a new {@link FrameWriter}, or {@code null} when payload files are turned off.
     *
     * @param directory the runtime directory, found when the first file is written (finding it sweeps it, which a
     *                  worker's start should not wait for)
     * @param hostStem  this JVM's {@code HostProcess.fileStem()}, so that a sweep knows whose files they are
     */
    public static Writer writer(Callable<Path> directory, String hostStem) {
        return THRESHOLD <= 0 ? null : new Writer(directory, hostStem + "-payload-" + WRITERS.incrementAndGet() + "-");
    }

    /** The payload files of one {@link FrameWriter}: {@code <host stem>-payload-<writer>-<sequence>}. */
    public static final class Writer {
        private final Callable<Path> findDirectory;
        private final String prefix;
        /** Null until the first file is written. */
        private volatile Path directory;
        private long sequence;
        /** Set when a file could not be written: the writer sends every payload inline from then on. */
        private boolean failed;

        private Writer(Callable<Path> findDirectory, String prefix) {
            this.findDirectory = findDirectory;
            this.prefix = prefix;
        }

        /**
         * Writes {@code payload} into a new file if it is large enough.
         *
         * @param crc the payload's CRC32C
         * @return the descriptor to send instead of the payload, or {@code null} to send the payload inline (small,
         *     or the file could not be written: a full tmpfs costs speed, never a frame)
         */
        byte[] spill(byte[] payload, int crc) {
            if (failed || payload.length < THRESHOLD) {
                return null;
            }
            if (directory == null) {
                try {
                    directory = findDirectory.call();
                } catch (Exception e) {
                    failed = true;
                    return null;
                }
            }
            Path file = directory.resolve(prefix + sequence++);
            try (FileChannel channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")))) {
                for (int at = 0; at < payload.length; ) {
                    at += channel.write(ByteBuffer.wrap(payload, at, Math.min(SLICE, payload.length - at)));
                }
            } catch (IOException | UnsupportedOperationException e) {
                failed = true;
                deleteQuietly(file);
                return null;
            }
            byte[] nameBytes = file.toString().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(2 * Integer.BYTES + nameBytes.length).putInt(payload.length).putInt(crc)
                    .put(nameBytes).array();
        }

        /** Deletes the files this writer wrote that were not read (their reader is gone). */
        void deleteUnread() {
            Path directory = this.directory;
            if (directory == null) {
                return; // no file was written
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*")) {
                files.forEach(PayloadFiles::deleteQuietly);
            } catch (IOException e) {
                // the directory is gone, and the files with it
            }
        }
    }

    /**
     * Reads the payload a descriptor names and deletes its file.
     *
     * @throws ChannelCorruptedException the descriptor is malformed, or the file is missing, short or fails its
     *                                   checksum
     * @throws PayloadOutOfMemoryException the payload does not fit in this JVM's heap (the file is deleted)
     */
    static byte[] read(FrameType type, long id, byte[] descriptor) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(descriptor);
        if (descriptor.length < 2 * Integer.BYTES) {
            throw new ChannelCorruptedException("a " + type + " frame's payload file descriptor has "
                    + descriptor.length + " bytes");
        }
        int length = view.getInt();
        int expectedCrc = view.getInt();
        Path file = Path.of(new String(descriptor, 2 * Integer.BYTES, descriptor.length - 2 * Integer.BYTES,
                StandardCharsets.UTF_8));
        if (length < 0 || length > Frames.MAX_PAYLOAD || file.getFileName() == null
                || !NAME.matcher(file.getFileName().toString()).matches()) { // never read or delete another file
            throw new ChannelCorruptedException("a " + type + " frame names an impossible payload file: " + length
                    + " bytes in '" + file + "'");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] payload;
            try {
                payload = new byte[length];
            } catch (OutOfMemoryError e) {
                throw new PayloadOutOfMemoryException(type, id, length, e);
            }
            for (int at = 0; at < length; ) {
                int n = channel.read(ByteBuffer.wrap(payload, at, Math.min(SLICE, length - at)));
                if (n < 0) {
                    throw new ChannelCorruptedException("the payload file of a " + type + " frame ends after " + at
                            + " of " + length + " bytes");
                }
                at += n;
            }
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if ((int) crc.getValue() != expectedCrc) {
                throw new ChannelCorruptedException("checksum mismatch in the payload file of a " + type + " frame of "
                        + length + " bytes");
            }
            return payload;
        } catch (NoSuchFileException e) {
            throw new ChannelCorruptedException("the payload file of a " + type + " frame is missing: " + file);
        } finally {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the sweep of dead hosts' files, or this host's own deleteUnread, gets it later
        }
    }
}
