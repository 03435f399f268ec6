#!/usr/bin/env bash
# Scheduling quality on a heavy-tailed workload: procpool against Python's multiprocessing.Pool, same machine, one run.
#
#   pool-bench/compare-skewed.sh          # from the project root; about a minute
#
# Runs ../shared/anchors/skewed_bench.py (spawn, 2 workers, median of 3) and then procpool's SkewedBench on the same
# durations file, and prints each variant's makespan against the bound max(sum / 2, max) that no schedule can beat.
# Both sleep/park per task, so a loaded machine's timer overshoot counts against both alike: compare the columns of
# one run, not runs of different days. PYTHON_SKEWED and DURATIONS override where the anchor and its data are;
# JAR which pool-bench jar to run (default pool-bench/target/pool-bench.jar, built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
anchor="${PYTHON_SKEWED:-../shared/anchors/skewed_bench.py}"
durations="${DURATIONS:-$(dirname "$anchor")/skewed-durations.txt}"
jar="${JAR:-pool-bench/target/pool-bench.jar}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ ! -f "$jar" ]; then
  mvn -q -B -pl pool-bench -am package -DskipTests
fi
echo "== Python anchor: $anchor" >&2
python3 "$anchor" --durations "$durations" >"$out/python.json"
echo "== procpool: $jar" >&2
java -cp "$jar" io.procpool.bench.SkewedBench --durations "$durations" >"$out/procpool.json"

python3 - "$out/python.json" "$out/procpool.json" <<'PY'
import json, sys
py = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
jv = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print(f"{py['tasks']} tasks, sum {py['sum_ms']:.0f} ms, max {py['max_ms']:.0f} ms, {py['workers']} workers: "
      f"bound {py['bound_s']:.3f} s; goal: every procpool variant within 1.05x of it, ahead of Python's best")
rows = [("map, automatic chunks", "map_default", "map_default"),
        ("map, chunk 1", "map_cs1", "map_cs1"),
        ("imap, automatic chunks", None, "imap"),
        ("imap_unordered (Python: chunk 1)", "imap_unordered_cs1", "imap_unordered")]
floor = jv["oracle.vs_bound"]
print(f"floor now: the schedule made knowing every duration, one chunk per worker, takes {jv['oracle.makespan_s']:.3f} s "
      f"= {floor:.3f}x the bound (parking's own overshoot on this machine); last column: procpool against that floor")
best_py = min(py[f"{k}.vs_bound"] for _, k, _ in rows if k)
print(f"{'variant':34} {'Python s':>9} {'x bound':>8} {'procpool s':>11} {'x bound':>8}  {'<=1.05x':>7}  {'< Python best':>13}  {'x floor':>7}")
for name, pk, jk in rows:
    p = f"{py[pk + '.makespan_s']:9.3f} {py[pk + '.vs_bound']:8.3f}" if pk else f"{'':>9} {'':>8}"
    r = jv[jk + '.vs_bound']
    print(f"{name:34} {p} {jv[jk + '.makespan_s']:11.3f} {r:8.3f}  {'yes' if r <= 1.05 else 'NO':>7}  "
          f"{'yes' if r < best_py else 'NO':>13}  {r / floor:7.3f}")
PY
