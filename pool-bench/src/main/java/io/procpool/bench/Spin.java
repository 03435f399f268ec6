package io.procpool.bench;

/**
 * The CPU-bound work of workload (e): an xorshift loop whose result depends on every iteration, so the JIT cannot
 * drop it, and whose sum the benchmark checks.
 *
 * <p>Thread-safety: stateless.
 */
final class Spin {
    private Spin() {
    }

    static long work(long seed, long iterations) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        long accumulated = 0;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            accumulated += x & 0xFF;
        }
        return accumulated;
    }
}
