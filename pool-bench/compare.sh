#!/usr/bin/env bash
# procpool against Python's multiprocessing.Pool, same machine, one run, side by side: the first job of a fresh
# program (what a short batch job sees) and the steady state (after warm-up), on each JDK given.
#
#   pool-bench/compare.sh            # from the project root; takes about 7 minutes
#
# Runs ../shared/anchors/python_pool_bench.py (spawn start method, --json) and then procpool's benchmark
# (JAVA -Xmx1g -jar pool-bench/target/pool-bench.jar; the 200 MiB payload workload needs the room, and the imap
# workload reports the live heap it leaves after each GC) once per JDK, one after the other, and prints: workload,
# Python, procpool and its ratio per JDK, goal, met? It also draws the ratios (docs/benchmark-ratios.png, with the
# figures in docs/benchmark-ratios.tsv) with pool-bench/chart.py, which needs gnuplot: installed here with apt-get
# (as root or through sudo) when missing. The chart shows the JDK 17 and JDK 25 runs.
#   PYTHON_BENCH  where the Python anchor is
#   JAVAS         the java executables to run procpool on (default: java on the PATH, and JDK 25 if installed)
#   WORKER_OPTS   options for the workers' JVMs, e.g. "-XX:TieredStopAtLevel=1" (passed as --worker-opts)
set -euo pipefail
cd "$(dirname "$0")/.."
anchor="${PYTHON_BENCH:-../shared/anchors/python_pool_bench.py}"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
javas="${JAVAS:-java $( [ -x "$jdk25" ] && echo "$jdk25" )}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ ! -f pool-bench/target/pool-bench.jar ]; then
  mvn -q -B package -DskipTests -pl pool-bench -am
fi
echo "== load before: $(uptime)" >&2
echo "== Python anchor: $anchor (about 4 minutes)" >&2
python3 "$anchor" --methods spawn --json --json-out "$out/python.json" >"$out/python.txt" 2>&1
results=()
for java in $javas; do
  n=${#results[@]}
  echo "== procpool on $("$java" -version 2>&1 | head -1) (about 1.5 minutes)" >&2
  "$java" -Xmx1g -jar pool-bench/target/pool-bench.jar --json-out "$out/procpool$n.json" \
      ${WORKER_OPTS:+--worker-opts "$WORKER_OPTS"} >"$out/procpool$n.txt" 2>&1
  results+=("$("$java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+)[^"]*".*/JDK \1/')=$out/procpool$n.json")
done
echo "== load after: $(uptime)" >&2

python3 - "$out/ratios.tsv" "$out/python.json" "${results[@]}" <<'PY'
import json, sys
ratios_out = sys.argv[1]
py = json.load(open(sys.argv[2]))["metrics"]
runs = [(spec.split("=", 1)[0], json.load(open(spec.split("=", 1)[1]))["metrics"]) for spec in sys.argv[3:]]
# goal kinds: ("max", f) ratio <= f; ("min", f) ratio >= f; ("abs", v) procpool >= v; a dict picks one per JDK
first = [
    ("first map, automatic chunks, items/s", "tiny.pool.spawn.cs_default.tasks_per_s", "first.cs_default.items_per_s", ("min", 1.5)),
    ("first map, chunk 1, items/s", "tiny.pool.spawn.cs1.tasks_per_s", "first.cs1.items_per_s", ("min", 4.0)),
    ("first imap, lazy 2M, default chunks, items/s", "imap.pool.spawn.cs1.items_per_s", "first.imap.items_per_s", ("abs", 4e6)),
]
steady = [
    ("(a) start 2 workers until ready, ms", "startup.pool.spawn.all_ready_ms.median", "startup.all_ready_ms.median", {"JDK 25": ("max", 1.0), "": ("max", 1.3)}),
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

def verdict(goal, jdk, ratio, value):
    if isinstance(goal, dict):
        goal = goal.get(jdk, goal[""])
    if goal is None or value is None:
        return "", ""
    kind, f = goal
    if kind == "max":
        return f"<={f}x", "yes" if ratio <= f else "NO"
    if kind == "min":
        return f">={f}x", "yes" if ratio >= f else "NO"
    return (f">={f:,.0f}" if f >= 100 else f">={f}"), "yes" if value >= f else "NO"

def table(title, rows):
    print(f"\n{title}")
    head = f"{'workload':46} {'Python':>13}"
    for jdk, _ in runs:
        head += f" | {jdk:>13} {'ratio':>6} {'goal':>11} {'met?':>4}"
    print(head)
    for name, pk, jk, goal in rows:
        p = py.get(pk)
        line = f"{name:46} {p if p is not None else float('nan'):>13,.2f}"
        for jdk, jv in runs:
            j = jv.get(jk)
            ratio = j / p if p and j is not None else float("nan")
            g, met = verdict(goal, jdk, ratio, j)
            line += f" | {j if j is not None else float('nan'):>13,.2f} {ratio:>6.2f} {g:>11} {met:>4}"
        print(line)

table("FIRST JOB of a fresh program (what a short job sees): fresh JVM, pool of 2 warmed with 100 tasks at chunk 1, "
      "then one job; median of 3 fresh JVMs. Python has no JIT: its figures are the same run's (b) and (f).", first)
table("STEADY STATE (after warm-up): one pool, 3 unmeasured runs, median of 3", steady)
print()
for jdk, jv in runs:
    echo, raw = jv.get("payload.echo_payload_mb_per_s"), jv.get("raw.echo_payload_mb_per_s")
    print(f"{jdk}: echo vs raw pipe echo {echo / raw:.2f} (goal >= 0.8); raw pipe ping-pong median "
          f"{jv['raw.pingpong_median_us']:.1f} us, raw 1 MiB echo {raw:,.0f} MB/s; parent live heap in imap "
          f"{jv['imap.live_heap_baseline_mib']:.1f} -> {jv['imap.live_heap_peak_mib']:.1f} MiB; idle worker RSS "
          f"{jv['worker.idle_rss_mib']:.1f} MiB; CPU speedup 1 worker {jv['cpu.w1.speedup_vs_serial']:.2f} "
          f"(Python {py.get('cpu.pool.spawn.w1.speedup_vs_serial', float('nan')):.2f})")

# The chart's figures: how many times better than Python procpool did (throughput over Python's, or Python's time
# over procpool's: 1 is "as good as Python" in every unit), and each goal in the same terms.
chart = [("map, automatic chunks", "first", first[0]), ("map, chunk 1", "first", first[1]),
         ("lazy imap", "first", first[2]), ("map, automatic chunks", "steady", steady[2]),
         ("map, chunk 1", "steady", steady[1]), ("lazy imap", "steady", steady[9]),
         ("start 2 workers", "steady", steady[0]), ("round trip", "steady", steady[4]),
         ("1 MiB echo", "steady", steady[7]), ("CPU-bound speedup", "steady", steady[8])]
times = {steady[0][1], steady[4][1], steady[5][1]}  # figures where less is better
with open(ratios_out, "w") as out:
    out.write("workload\tphase\tjdk\tfactor\tgoal\n")
    for label, phase, (_, pk, jk, goal) in chart:
        p = py.get(pk)
        for jdk, jv in runs:
            j = jv.get(jk)
            if not p or not j:
                continue
            factor = p / j if pk in times else j / p
            this_goal = goal.get(jdk, goal[""]) if isinstance(goal, dict) else goal
            target = ""
            if this_goal is not None:
                kind, f = this_goal
                target = f"{1 / f if kind == 'max' else f if kind == 'min' else f / p:.4g}"
            out.write(f"{label}\t{phase}\t{jdk}\t{factor:.4g}\t{target}\n")
PY

if ! command -v gnuplot >/dev/null; then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "== installing gnuplot-nox for the chart" >&2
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnuplot-nox >/dev/null
fi
cp "$out/ratios.tsv" docs/benchmark-ratios.tsv
python3 pool-bench/chart.py docs/benchmark-ratios.tsv docs/benchmark-ratios.png
echo "== chart: docs/benchmark-ratios.png (figures: docs/benchmark-ratios.tsv)" >&2
