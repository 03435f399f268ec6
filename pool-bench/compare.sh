#!/usr/bin/env bash
# procpool against Python's multiprocessing.Pool, same machine, one run, side by side.
#
#   pool-bench/compare.sh            # from the project root; takes about 5 minutes
#
# Runs ../shared/anchors/python_pool_bench.py (spawn start method, --json) and then procpool's benchmark
# (java -Xmx1g -jar pool-bench/target/pool-bench.jar; the 200 MiB payload workload needs the room, and the imap
# workload reports the live heap it leaves after each GC), one after the other, and prints: workload, Python, procpool, ratio, goal, met?
# PYTHON_BENCH overrides where the Python anchor is.
set -euo pipefail
cd "$(dirname "$0")/.."
anchor="${PYTHON_BENCH:-../shared/anchors/python_pool_bench.py}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ ! -f pool-bench/target/pool-bench.jar ]; then
  mvn -q -B install -DskipTests
fi
echo "== Python anchor: $anchor (about 3 minutes)" >&2
python3 "$anchor" --methods spawn --json --json-out "$out/python.json" >"$out/python.txt" 2>&1
echo "== procpool (about 1 minute)" >&2
java -Xmx1g -jar pool-bench/target/pool-bench.jar --json-out "$out/procpool.json" >"$out/procpool.txt" 2>&1

python3 - "$out/python.json" "$out/procpool.json" <<'PY'
import json, sys
py = json.load(open(sys.argv[1]))["metrics"]
jv = json.load(open(sys.argv[2]))["metrics"]
# workload, python metric, procpool metric, goal as (kind, factor); kind "max": ratio <= factor, "min": ratio >= factor
rows = [
    ("(a) start 2 workers until ready, ms", "startup.pool.spawn.all_ready_ms.median", "startup.all_ready_ms.median", ("max", 1.0)),
    ("(b) tiny tasks, chunk 1, tasks/s", "tiny.pool.spawn.cs1.tasks_per_s", "tiny.cs1.tasks_per_s", ("min", 4.0)),
    ("(b) tiny tasks, automatic chunks, tasks/s", "tiny.pool.spawn.cs_default.tasks_per_s", "tiny.cs_default.tasks_per_s", ("min", 2.0)),
    ("(b) tiny tasks, chunk 1000, tasks/s", "tiny.pool.spawn.cs1000.tasks_per_s", "tiny.cs1000.tasks_per_s", None),
    ("(c) round trip median, us", "latency.pool.spawn.median_us", "latency.median_us", ("max", 0.25)),
    ("(c) round trip p99, us", "latency.pool.spawn.p99_us", "latency.p99_us", ("max", 0.25)),
    ("(d) 1 MiB one way, MB/s", "payload.pool.spawn.len_oneway_mb_per_s", "payload.len_oneway_mb_per_s", None),
    ("(d) 1 MiB echo, MB/s", "payload.pool.spawn.echo_payload_mb_per_s", "payload.echo_payload_mb_per_s", ("min", 1.5)),
    ("(e) CPU-bound speedup, 2 workers", "cpu.pool.spawn.w2.speedup_vs_serial", "cpu.w2.speedup_vs_serial", ("abs", 1.95)),
    ("(f) lazy imap 10M, default chunks, items/s", "imap.pool.spawn.cs1.items_per_s", "imap.items_per_s", ("abs", 4e6)),
]
print(f"{'workload':44} {'Python':>14} {'procpool':>14} {'ratio':>8}  {'goal':>14}  met?")
for name, pk, jk, goal in rows:
    p, j = py.get(pk), jv.get(jk)
    ratio = j / p if p and j is not None else float("nan")
    if goal is None:
        g, met = "", ""
    elif goal[0] == "max":
        g, met = f"<= {goal[1]}x", "yes" if ratio <= goal[1] else "NO"
    elif goal[0] == "min":
        g, met = f">= {goal[1]}x", "yes" if ratio >= goal[1] else "NO"
    else:
        g, met = f">= {goal[1]:,.2f}", "yes" if j >= goal[1] else "NO"
    print(f"{name:44} {p if p is not None else float('nan'):>14,.2f} {j:>14,.2f} {ratio:>8.2f}  {g:>14}  {met}")
echo = jv.get("payload.echo_payload_mb_per_s"); raw = jv.get("raw.echo_payload_mb_per_s")
print(f"{'(d) echo vs raw pipe echo (g)':44} {'':>14} {echo:>14,.2f} {echo / raw:>8.2f}  {'>= 0.8 of (g)':>14}  {'yes' if echo >= 0.8 * raw else 'NO'}")
print(f"{'(g) raw pipe ping-pong median, us':44} {'':>14} {jv['raw.pingpong_median_us']:>14,.2f}")
print(f"{'(g) raw pipe 1 MiB echo, MB/s':44} {'':>14} {raw:>14,.2f}")
print(f"{'(f) parent live heap baseline -> peak, MiB':44} {'':>14} {jv['imap.live_heap_baseline_mib']:>6,.1f} -> {jv['imap.live_heap_peak_mib']:,.1f} (-Xmx1g)")
print(f"{'idle worker RSS, MiB':44} {'':>14} {jv['worker.idle_rss_mib']:>14,.1f}")
print(f"{'(e) Python CPU speedup / procpool, 1 worker':44} {py.get('cpu.pool.spawn.w1.speedup_vs_serial', float('nan')):>14,.2f} {jv['cpu.w1.speedup_vs_serial']:>14,.2f}")
PY
