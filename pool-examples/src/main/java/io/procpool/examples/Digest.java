package io.procpool.examples;

import com.google.common.base.Stopwatch;
import io.procpool.ProcessPool;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The main demo, a real data-processing job on data every machine has: the SHA-256 digests of every file under a
 * directory tree (default: the running JDK's {@code java.home}), once serially in this JVM and once on a
 * {@link ProcessPool} with one worker per core, with a progress bar on stderr. It prints both times, MB/s, the
 * speedup, whether the two runs agree, and the five largest files.
 *
 * <p>The work units are even: every file is cut into pieces of {@value #PIECE_MIB} MiB (the last one shorter), and the
 * pieces are packed into batches of at most {@value #PIECE_MIB} MiB (a full piece alone, smaller ones together), so
 * that every batch costs about the same and any run of consecutive batches (a chunk of the pool's) holds about as
 * much work as any other. A worker reads the pieces of its batch itself, by path and offset, and returns each piece's
 * SHA-256; only 32 bytes per piece travel back. One big file (a JDK's {@code lib/modules} is half of its tree) thus
 * spreads over all the workers. The parent combines the pieces of a file into the file's digest, a one-level hash
 * list:
 * <ul>
 *   <li>a file of at most one piece (up to {@value #PIECE_MIB} MiB): the SHA-256 of its bytes, what
 *       {@code sha256sum} prints;</li>
 *   <li>a bigger file: the SHA-256 of the concatenated 32-byte SHA-256 digests of its pieces, in file order.</li>
 * </ul>
 * The serial run computes the same pieces and the same combination, so both runs must print the same digests.
 *
 * <p>The batches go to the pool fullest first through {@code imapUnordered}, so the short ones fill the end. The
 * serial run goes first and warms the page cache, so both runs read from memory; before either is timed, the parent and
 * every worker (as the pool's initializer) hash a sample of the tree, and the parent sends the sample through the
 * pool once, so that neither side is timed cold.
 *
 * <p>Threading: the main thread drives; the batches are hashed in the pool's workers, the bar runs on the pool's
 * progress thread.
 */
public final class Digest {
    static final int PIECE_MIB = 8;
    private static final int PIECE = PIECE_MIB << 20;
    private static final int READ_BUFFER = 1 << 20;
    private static final int LARGEST = 5;
    private static final double MB = 1024.0 * 1024.0;
    private static final int WARM_UP_MB = 64;
    /** One read buffer per thread: a worker hashes its pieces one after the other on one thread. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[READ_BUFFER]);

    private Digest() {
    }

    /**
     * One file's digest.
     *
     * @param path   the file
     * @param size   its size in bytes
     * @param sha256 its digest (see the class comment) in lower-case hex
     */
    record FileDigest(String path, long size, String sha256) {
    }

    /**
     * A unit of work: {@code length} bytes of {@code path} from {@code offset}, the piece number {@code index} of the
     * file number {@code file} in this run's list.
     */
    record Piece(int file, int index, String path, long offset, int length) {
    }

    /** What a worker returns for a piece: which one it was and the SHA-256 of its bytes. */
    record PieceDigest(int file, int index, byte[] sha256) {
    }

    /** Pieces hashed together in one task, {@value #PIECE_MIB} MiB at most. */
    record Batch(List<Piece> pieces) {
        long bytes() {
            return pieces.stream().mapToLong(Piece::length).sum();
        }
    }

    /** Runs in a worker (and serially in the parent): the digests of the batch's pieces. */
    static List<PieceDigest> hash(Batch batch) throws IOException {
        List<PieceDigest> digests = new ArrayList<>(batch.pieces().size());
        for (Piece piece : batch.pieces()) {
            digests.add(hash(piece));
        }
        return digests;
    }

    /** Reads the piece and returns its SHA-256. */
    static PieceDigest hash(Piece piece) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] buffer = BUFFER.get();
        try (RandomAccessFile file = new RandomAccessFile(piece.path(), "r")) {
            file.seek(piece.offset());
            for (int left = piece.length(); left > 0; ) {
                int read = file.read(buffer, 0, Math.min(left, buffer.length));
                if (read < 0) {
                    throw new EOFException(piece.path() + " ended before byte " + (piece.offset() + piece.length())
                            + ": did it shrink while being digested?");
                }
                sha256.update(buffer, 0, read);
                left -= read;
            }
        }
        return new PieceDigest(piece.file(), piece.index(), sha256.digest());
    }

    /**
     * A file's digest from its pieces' digests in file order: the one piece's own digest, or the SHA-256 of the list.
     */
    static String combine(List<byte[]> pieces) {
        if (pieces.size() == 1) {
            return HexFormat.of().formatHex(pieces.get(0));
        }
        MessageDigest list = sha256();
        pieces.forEach(list::update);
        return HexFormat.of().formatHex(list.digest());
    }

    /** The pieces of the files, largest first: every full piece, then the last pieces by size. */
    static List<Piece> pieces(List<String> files, long[] sizes) {
        List<Piece> pieces = new ArrayList<>();
        for (int file = 0; file < files.size(); file++) {
            int count = pieceCount(sizes[file]);
            for (int index = 0; index < count; index++) {
                long offset = (long) index * PIECE;
                pieces.add(new Piece(file, index, files.get(file), offset, (int) Math.min(PIECE, sizes[file] - offset)));
            }
        }
        pieces.sort(Comparator.comparingInt(Piece::length).reversed());
        return pieces;
    }

    /**
     * Packs the pieces (largest first) into batches of at most {@value #PIECE_MIB} MiB, each into the first batch it
     * fits in, and returns the batches fullest first.
     */
    static List<Batch> batches(List<Piece> largestFirst) {
        List<List<Piece>> open = new ArrayList<>();
        List<Long> room = new ArrayList<>();
        for (Piece piece : largestFirst) {
            int fits = 0;
            while (fits < open.size() && room.get(fits) < piece.length()) {
                fits++;
            }
            if (fits == open.size()) {
                open.add(new ArrayList<>());
                room.add((long) PIECE);
            }
            open.get(fits).add(piece);
            room.set(fits, room.get(fits) - piece.length());
        }
        return open.stream().map(Batch::new).sorted(Comparator.comparingLong(Batch::bytes).reversed())
                .collect(Collectors.toList());
    }

    private static int pieceCount(long size) {
        return Math.max(1, (int) ((size + PIECE - 1) / PIECE)); // an empty file is one empty piece
    }

    /** Puts the pieces' digests together into the files' digests, in the order of {@code files}. */
    static List<FileDigest> fileDigests(List<String> files, long[] sizes, Iterable<List<PieceDigest>> batches) {
        byte[][][] byFile = new byte[files.size()][][];
        for (int file = 0; file < files.size(); file++) {
            byFile[file] = new byte[pieceCount(sizes[file])][];
        }
        for (List<PieceDigest> batch : batches) {
            for (PieceDigest digest : batch) {
                byFile[digest.file()][digest.index()] = digest.sha256();
            }
        }
        List<FileDigest> result = new ArrayList<>(files.size());
        for (int file = 0; file < files.size(); file++) {
            result.add(new FileDigest(files.get(file), sizes[file], combine(Arrays.asList(byFile[file]))));
        }
        return result;
    }

    /**
     * Hashes the pieces of {@code sample} (smallest files of the tree, up to {@value #WARM_UP_MB} MB) so that the
     * JIT has compiled the read and digest loops before anything is timed: in this JVM before the serial pass and in
     * every worker as the pool's initializer.
     */
    static void warmUp(List<Batch> sample) {
        sample.forEach(Digest::hashUnchecked);
    }

    /** The batches of the smallest files: batches of small files are packed last, so they come last. */
    private static List<Batch> warmUpSample(List<Piece> largestFirst) {
        List<Piece> smallest = new ArrayList<>();
        long bytes = 0;
        for (int i = largestFirst.size() - 1; i >= 0 && bytes < WARM_UP_MB * (long) MB; i--) {
            smallest.add(0, largestFirst.get(i));
            bytes += largestFirst.get(i).length();
        }
        return batches(smallest);
    }

    /**
     * Runs the demo.
     *
     * @param args an optional directory; default: this JVM's {@code java.home}
     * @throws IOException          the tree could not be walked or a file read
     * @throws InterruptedException interrupted while waiting for the progress bar's last line
     */
    public static void main(String[] arguments) throws IOException, InterruptedException {
        boolean dashboard = DashboardOption.requested(arguments);
        String[] args = DashboardOption.without(arguments);
        Path root = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.home")).toAbsolutePath();
        List<String> files = regularFiles(root);
        long[] sizes = files.stream().mapToLong(file -> sizeOf(Paths.get(file))).toArray();
        long bytes = Arrays.stream(sizes).sum();
        List<Piece> pieces = pieces(files, sizes);
        List<Batch> batches = batches(pieces);
        int workers = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "SHA-256 of %,d files (%,.1f MB) under %s in %,d pieces and %,d batches of up "
                + "to %d MiB, serially and on a pool of %d workers%n", files.size(), bytes / MB, root, pieces.size(),
                batches.size(), PIECE_MIB, workers);

        List<Batch> sample = warmUpSample(pieces);
        warmUp(sample);
        Stopwatch serial = Stopwatch.createStarted();
        List<FileDigest> serialDigests = fileDigests(files, sizes,
                batches.stream().map(Digest::hashUnchecked).collect(Collectors.toList()));
        serial.stop();
        System.out.printf(Locale.ROOT, "serial:   %,7d ms  %,8.1f MB/s%n", serial.elapsed(TimeUnit.MILLISECONDS),
                bytes / MB / seconds(serial));

        Stopwatch startup = Stopwatch.createStarted();
        try (ProcessPool pool = ProcessPool.builder().workers(workers).initializer(() -> warmUp(sample)).build();
             DashboardOption page = DashboardOption.open(pool, dashboard)) {
            pool.map(Digest::hash, sample); // the parent's side of imap, encoding and decoding, warmed up too
            startup.stop();
            ConsoleProgress bar = ConsoleProgress.onStderr("batches");
            Stopwatch parallel = Stopwatch.createStarted();
            List<FileDigest> poolDigests;
            try (Stream<List<PieceDigest>> results = pool.imapUnordered(Digest::hash, batches.stream(), bar,
                    bar.cadence())) {
                poolDigests = fileDigests(files, sizes, results::iterator);
            }
            parallel.stop();
            bar.awaitLastReport();
            System.out.printf(Locale.ROOT, "pool:     %,7d ms  %,8.1f MB/s  (starting and warming up the %d workers "
                            + "took %,d ms more)%n", parallel.elapsed(TimeUnit.MILLISECONDS),
                    bytes / MB / seconds(parallel), workers, startup.elapsed(TimeUnit.MILLISECONDS));
            System.out.printf(Locale.ROOT, "speedup:  %.2fx%n", seconds(serial) / seconds(parallel));
            long agreeing = IntStream.range(0, files.size())
                    .filter(i -> poolDigests.get(i).equals(serialDigests.get(i))).count();
            System.out.printf(Locale.ROOT, "digests:  %,d of %,d agree%n", agreeing, files.size());
            System.out.println("largest files:");
            poolDigests.stream().sorted(Comparator.comparingLong(FileDigest::size).reversed()
                            .thenComparing(FileDigest::path)).limit(LARGEST)
                    .forEach(d -> System.out.printf(Locale.ROOT, "  %,10.1f MB  %s  %s%n", d.size() / MB,
                            d.sha256().substring(0, 16), root.relativize(Paths.get(d.path()))));
        }
    }

    /** The readable regular files under {@code root}, largest first. */
    static List<String> regularFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(Files::isReadable)
                    .sorted(Comparator.comparingLong(Digest::sizeOf).reversed())
                    .map(Path::toString).collect(Collectors.toList());
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static List<PieceDigest> hashUnchecked(Batch batch) {
        try {
            return hash(batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(Stopwatch stopwatch) {
        return Math.max(1, stopwatch.elapsed(TimeUnit.NANOSECONDS)) / 1e9;
    }
}
