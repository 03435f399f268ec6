#!/usr/bin/env bash
# procpool's messaging types against Python's multiprocessing, same machine, one run, side by side: the seven
# figures of ../shared/anchors/python_mp_messaging_bench.py, each procpool figure in a fresh parent JVM, cold ("first":
# the first round, child JVM start included where Python includes its child's) and warm ("steady": the median of the
# later rounds against the same children), on each JDK given.
#
#   pool-bench/compare-messaging.sh            # from the project root; QUICK=1 for a tenth of every count
#
#   PYTHON_BENCH  where the Python anchor is
#   JAVAS         the java executables to run procpool on (default: java on the PATH, and JDK 25 if installed)
set -euo pipefail
cd "$(dirname "$0")/.."
anchor="${PYTHON_BENCH:-../shared/anchors/python_mp_messaging_bench.py}"
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
javas="${JAVAS:-java $( [ -x "$jdk25" ] && echo "$jdk25" )}"
quick="${QUICK:+--quick}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
figures="queue_small queue_big pipe_rtt joinable event lock_value manager_dict"

if [ ! -f pool-bench/target/pool-bench.jar ]; then
  mvn -q -B package -DskipTests -pl pool-bench -am
fi
echo "== load before: $(uptime)" >&2
echo "== Python anchor: $anchor" >&2
python3 "$anchor" --json $quick >"$out/python.txt" 2>&1 || { cat "$out/python.txt" >&2; exit 1; }
tail -1 "$out/python.txt" >"$out/python.json"
results=()
for java in $javas; do
  n=${#results[@]}
  jdk="$("$java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+)[^"]*".*/JDK \1/')"
  echo "== procpool on $jdk: one fresh JVM per figure" >&2
  for figure in $figures; do
    "$java" -cp pool-bench/target/pool-bench.jar io.procpool.bench.MessagingBench "$figure" $quick \
        >"$out/procpool$n-$figure.txt" 2>&1
    tail -1 "$out/procpool$n-$figure.txt" >>"$out/procpool$n.jsonl"
  done
  results+=("$jdk=$out/procpool$n.jsonl")
done
echo "== load after: $(uptime)" >&2

python3 - "$out/python.json" "${results[@]}" <<'PY'
import json, sys
py = json.load(open(sys.argv[1]))["metrics"]
runs = []
for spec in sys.argv[2:]:
    jdk, path = spec.split("=", 1)
    metrics = {}
    for line in open(path):
        metrics.update(json.loads(line)["metrics"])
    runs.append((jdk, metrics))
# (label, Python metric, procpool metric, goal): goal ("min", f) ratio >= f, ("max", f) ratio <= f, None: no goal
rows = [
    ("queue_small: small ints through a queue, msg/s", "queue_small.msgs_per_s", "queue_small.msgs_per_s", ("min", 3)),
    ("queue_big: 1 MiB items through a queue, MB/s", "queue_big.mb_per_s", "queue_big.mb_per_s", ("min", 2)),
    ("pipe_rtt: round trip median, us", "pipe_rtt.median_us", "pipe_rtt.median_us", ("max", 0.5)),
    ("pipe_rtt: round trip p99, us", "pipe_rtt.p99_us", "pipe_rtt.p99_us", None),
    ("joinable: 2 consumers, pills, tasks/s", "joinable.tasks_per_s", "joinable.tasks_per_s", ("min", 2)),
    ("event: set -> waiter wakes, median us", "event.median_us", "event.median_us", ("max", 0.5)),
    ("lock_value: Lock + SharedMap get/put, incs/s", "lock_value.incs_per_s", "lock_value.incs_per_s", None),
    ("lock_value: SharedMap.compute, incs/s", "lock_value.incs_per_s", "lock_value.compute_per_s", None),
    ("manager_dict / SharedMap set+get, ops/s", "manager_dict.ops_per_s", "manager_dict.ops_per_s", ("min", 5)),
]
for phase in ("first", "steady"):
    print(f"\n{phase} ({'a fresh JVM: the first round' if phase == 'first' else 'warm: median of later rounds'})")
    head = f"{'figure':46} {'Python':>11}"
    for jdk, _ in runs:
        head += f" | {jdk:>11} {'ratio':>6} {'goal':>6} {'met?':>4}"
    print(head)
    for label, pk, jk, goal in rows:
        p = py.get(pk)
        line = f"{label:46} {p:>11,.1f}" if p is not None else f"{label:46} {'-':>11}"
        for jdk, m in runs:
            v = m.get(f"{phase}.{jk}")
            if v is None or p is None:
                line += f" | {'-':>11} {'':>6} {'':>6} {'':>4}"
                continue
            ratio = v / p
            g, met = "", ""
            if goal:
                kind, f = goal
                g = (">=" if kind == "min" else "<=") + f"{f}x"
                met = "yes" if (ratio >= f if kind == "min" else ratio <= f) else "NO"
            line += f" | {v:>11,.1f} {ratio:>5.2f}x {g:>6} {met:>4}"
        print(line)
PY
