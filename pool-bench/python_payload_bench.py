#!/usr/bin/env python3
"""Python's side of DataBench's payload table: echo of bytes items through Pool.map(echo, items, chunksize=1).

2 workers, spawn, a fresh Pool per item size, 128 MiB of payload per pass, five passes: MB/s (1e6 bytes) of payload
per pass. One JSON line on stdout with flat names matching DataBench's ("payload.<KiB>k.passN_mb_per_s").
"""
import json
import multiprocessing as mp
import statistics
import sys
import time

SIZES = [16 << 10, 256 << 10, 1 << 20, 8 << 20, 64 << 20]
PASS_BYTES = 128 << 20
PASSES = 5


def echo(b):
    return b


def main():
    ctx = mp.get_context("spawn")
    metrics = {}
    for size in SIZES:
        n = PASS_BYTES // size
        items = [bytes([i % 256]) * size for i in range(n)]
        rates = []
        with ctx.Pool(2) as pool:
            for _ in range(PASSES):
                t0 = time.perf_counter()
                out = pool.map(echo, items, chunksize=1)
                dt = time.perf_counter() - t0
                assert len(out) == n and all(len(o) == size for o in out)
                rates.append(n * size / 1e6 / dt)
        name = f"payload.{size >> 10}k"
        for i, r in enumerate(rates):
            metrics[f"{name}.pass{i + 1}_mb_per_s"] = r
        metrics[f"{name}.median_mb_per_s"] = statistics.median(rates)
        print(f"  python {name:<14} MB/s " + " ".join(f"{r:6.0f}" for r in rates)
              + f"  median {statistics.median(rates):.0f}", file=sys.stderr)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
