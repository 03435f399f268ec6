#!/usr/bin/env python3
"""Draws procpool's benchmark against Python's multiprocessing.Pool as a PNG, with gnuplot.

    pool-bench/chart.py RATIOS.tsv OUT.png

RATIOS.tsv (compare.sh writes it; docs/benchmark-ratios.tsv is the run the README's tables show) has one row per
measured figure, tab-separated, after a header line:

    workload  phase (first|steady)  jdk (JDK 17, JDK 25)  factor  goal

`factor` is how many times better than Python procpool did (throughput divided by Python's, or Python's time divided
by procpool's), so 1 is "as good as Python" whatever the unit; `goal` is the goal in the same terms (empty: none).
Each workload gets a bar per phase and JDK on a log scale, growing from 1 (up: better than Python, down: worse), with
its goal marked as a black dash.
"""
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

SERIES = [("first", "JDK 17", "first job, JDK 17", "#9ecae1"), ("first", "JDK 25", "first job, JDK 25", "#3182bd"),
          ("steady", "JDK 17", "steady state, JDK 17", "#fdae6b"), ("steady", "JDK 25", "steady state, JDK 25", "#e6550d")]
BAR = 0.2


def main(tsv, png):
    with open(tsv, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    workloads = list(dict.fromkeys(row["workload"] for row in rows))
    bars = {name: [] for _, _, name, _ in SERIES}
    goals = []
    for i, workload in enumerate(workloads, start=1):
        present = [(phase, jdk, name, row) for phase, jdk, name, _ in SERIES for row in rows
                   if row["workload"] == workload and row["phase"] == phase and row["jdk"] == jdk]
        for slot, (phase, jdk, name, row) in enumerate(present):  # the workload's bars, centred on its tic
            x = i + (slot - (len(present) - 1) / 2) * BAR
            factor = float(row["factor"])
            # a bar grows from 1 (as good as Python): up where procpool is better, down where it is worse
            bars[name].append(f"{x:.2f}\t{min(factor, 1):.4g}\t{max(factor, 1):.4g}")
            if row["goal"]:
                goals.append(f"{x - BAR / 2:.2f}\t{float(row['goal']):.4g}\t{BAR:.2f}\t0")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        plots = []
        for phase, jdk, name, color in SERIES:
            if bars[name]:
                (data / f"{phase}{jdk[-2:]}.dat").write_text("\n".join(bars[name]) + "\n")
                plots.append(f"'{data}/{phase}{jdk[-2:]}.dat' using 1:2:($1-{BAR / 2}):($1+{BAR / 2}):2:3 with boxxyerror fill solid 0.9 "
                             f"lc rgb '{color}' title '{name}'")
        (data / "goals.dat").write_text("\n".join(goals) + "\n")
        plots.append(f"'{data}/goals.dat' using 1:2:3:4 with vectors nohead lw 4 lc rgb 'black' title 'goal'")
        plots.append("1 with lines dt 2 lw 1.5 lc rgb '#555555' title 'as good as Python'")
        xtics = ", ".join(f'"{w}" {i}' for i, w in enumerate(workloads, start=1))
        script = f"""
set terminal pngcairo size 1200,560 font 'DejaVu Sans,11'
set output '{png}'
set title "procpool against Python's multiprocessing.Pool (2 workers, same machine): times better than Python" font ',13'
set logscale y
set yrange [0.08:300]
set ytics ("0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
set ylabel "procpool / Python (higher is better)"
set xrange [0.4:{len(workloads) + 0.6}]
set xtics ({xtics}) scale 0 font ',10'
set grid ytics lc rgb '#dddddd'
set key top left opaque box
set style fill solid border lc rgb '#333333'
set boxwidth {BAR}
plot {", ".join(plots)}
"""
        (data / "chart.gp").write_text(script)
        subprocess.run(["gnuplot", str(data / "chart.gp")], check=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
