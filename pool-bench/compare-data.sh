#!/usr/bin/env bash
# Issue 19's data-movement figures, procpool against Python in one run on the same machine:
#
#   pool-bench/compare-data.sh                 # from the project root; a few minutes
#   SECTIONS="shared_long share" pool-bench/compare-data.sh
#
# payload: echo of byte[] through map(x -> x, items, 1), 16 KiB .. 64 MiB, five passes of 128 MiB each: procpool,
#          Python's Pool (pool-bench/python_payload_bench.py) and the raw pipe between two JVMs (RawPipe);
# share: Pool.share of a 200 MB long[] then 10,000 one-read tasks vs 10,000 tasks capturing nothing (procpool only);
# shared_long: 2 children x 1,000,000 SharedLong.incrementAndGet vs Python's lock_value row
#          (../shared/anchors/python_mp_messaging_bench.py: 2 children x 100,000 increments of a Value under its lock).
# Prints the load average before and after: compare the columns of one run, not runs of different days.
# JAR overrides the pool-bench jar (default pool-bench/target/pool-bench.jar, built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
sections="${SECTIONS:-payload share shared_long}"
jar="${JAR:-pool-bench/target/pool-bench.jar}"
messaging="${PYTHON_MESSAGING:-../shared/anchors/python_mp_messaging_bench.py}"
[ -f "$messaging" ] || messaging="/work/shared/anchors/python_mp_messaging_bench.py" # from a worktree
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ ! -f "$jar" ]; then
  mvn -q -B -pl pool-bench -am package -DskipTests
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), java $(java -version 2>&1 | head -1)" >&2
echo '{}' >"$out/python.json"
for section in $sections; do
  case "$section" in
    payload) python3 pool-bench/python_payload_bench.py >"$out/python.json" ;;
    shared_long) python3 "$messaging" --sections lock_value --json | tail -1 >"$out/python_lock.json" ;;
  esac
done
# shellcheck disable=SC2086
java -cp "$jar" io.procpool.bench.DataBench $sections >"$out/procpool.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
jv = json.loads(open(os.path.join(d, "procpool.json")).read().strip().splitlines()[-1])
py = json.loads(open(os.path.join(d, "python.json")).read().strip().splitlines()[-1])
fmt = lambda rs: ", ".join(f"{r:.0f}" for r in rs)
if any(k.startswith("payload.") for k in jv):
    print("| item size | procpool, 5 passes | Python, 5 passes | raw pipe, 5 passes | procpool / Python (medians) | procpool / raw |")
    print("|---|---|---|---|---|---|")
    for k in ["16k", "256k", "1024k", "8192k", "65536k"]:
        p = [jv[f"payload.{k}.pass{i}_mb_per_s"] for i in range(1, 6)]
        r = [jv[f"raw.{k}.pass{i}_mb_per_s"] for i in range(1, 6)]
        q = [py.get(f"payload.{k}.pass{i}_mb_per_s", float("nan")) for i in range(1, 6)]
        pm, qm, rm = jv[f"payload.{k}.median_mb_per_s"], py.get(f"payload.{k}.median_mb_per_s", float("nan")), jv[f"raw.{k}.median_mb_per_s"]
        label = f"{int(k[:-1]) // 1024} MiB" if int(k[:-1]) >= 1024 else f"{k[:-1]} KiB"
        print(f"| {label} | {fmt(p)} | {fmt(q)} | {fmt(r)} | {pm / qm:.2f}x | {pm / rm:.2f} |")
if os.path.exists(os.path.join(d, "python_lock.json")):
    pl = json.loads(open(os.path.join(d, "python_lock.json")).read())["metrics"]["lock_value.incs_per_s"]
    a = jv["shared_long.incs_per_s_child_start_included"]
    b = jv["shared_long.incs_per_s_inside_children"]
    print(f"SharedLong 2 x 1,000,000 incrementAndGet: {a:,.0f}/s child start included ({a / pl:.1f}x Python), "
          f"{b:,.0f}/s inside the children ({b / pl:.1f}x); Python lock_value {pl:,.0f}/s (child start included)")
if "share.encodes" in jv:
    print(f"share() of 200 MB: {jv['share.share_200mb_ms']:.0f} ms, encoded {jv['share.encodes']:.0f}x, "
          f"decoded at most {jv['share.decodes_per_worker_max']:.0f}x per worker; first 10,000 reads "
          f"{jv['share.first_10k_reads_tasks_per_s']:,.0f} tasks/s (includes each worker's decode)")
    for run in (1, 2, 3):
        print(f"  run {run}: reading tasks {jv[f'share.reads_run{run}_tasks_per_s']:,.0f}/s, "
              f"tasks capturing nothing {jv[f'share.capturing_nothing_run{run}_tasks_per_s']:,.0f}/s")
PY
