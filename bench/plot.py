#!/usr/bin/env python3
"""Plot rectify_bench's Google Benchmark JSON: throughput by size, rectify beside its peers.

One panel per activation and direction; in each, one group of bars per size (4K, 64K, 1M, 16M
elements), one bar per implementation (rectify first, then the peers that ran), in elements per
nanosecond on a log scale, and the baseline of the same traffic (the fastest way to copy the
bytes, or to compute c = a * b for backward) as a line: a bar at the line runs at memory speed.

    build/bench/bench/rectify_bench --benchmark_out=bench.json --benchmark_out_format=json
    python3 bench/plot.py bench.json -o bench/benchmark.png

(`cmake --build --preset bench --target results_page` does both, with bench/results_page.py.)
Needs matplotlib (Debian: python3-matplotlib). Reads the medians when the run had repetitions,
else the single runs; the baselines are the best of their measured ways, as in the bench's tables
(bench_results.py).
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import SIZE_LABELS, SIZES, Results  # noqa: E402

try:
    import matplotlib
except ImportError:
    sys.exit("plot.py needs matplotlib: apt-get install python3-matplotlib, and run Debian's python3 "
             "(/usr/bin/python3) if another python3 comes first in PATH")

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

COLORS = {"rectify": "#d62728", "PyTorch": "#1f77b4", "oneDNN": "#2ca02c", "XNNPACK": "#9467bd", "Eigen": "#8c564b",
          "rectify-threads": "#ff9896"}  # a light red: rectify on every processor
def plot(document, element_type, output):
    results = Results(document)
    if not any(key[1] == element_type for key in results.speeds):
        sys.exit(f"plot.py: no {element_type} results with items_per_second in the JSON")
    implementations = ["rectify" if impl == "" else impl for impl in results.implementations()]

    def speed(kernel, impl, size):
        return results.speed(kernel, element_type, size, "" if impl == "rectify" else impl)

    panels = [p for p in results.kernels() if any(speed(p[0], "rectify", s) is not None for s in SIZES)]
    if not panels:
        sys.exit("plot.py: no rectify kernel in the JSON")

    columns = 6 if len(panels) > 6 else len(panels)
    rows = (len(panels) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(3.3 * columns, 3.4 * rows + 0.9), squeeze=False)
    bar_width = 0.8 / len(implementations)
    for index, (kernel, title, baseline_name) in enumerate(panels):
        ax = axes[index // columns][index % columns]
        for i, impl in enumerate(implementations):
            xs, ys = [], []
            for s, size in enumerate(SIZES):
                value = speed(kernel, impl, size)
                if value is not None:
                    xs.append(s - 0.4 + bar_width * (i + 0.5))
                    ys.append(value)
            if ys:
                ax.bar(xs, ys, bar_width, label=impl, color=COLORS.get(impl))
        line = [(s, speed(baseline_name, "", size)) for s, size in enumerate(SIZES)]
        line = [(s, v) for s, v in line if v is not None]
        if line:
            ax.plot([s for s, _ in line], [v for _, v in line], "k--", marker="_", markersize=14,
                    label=f"{baseline_name} (baseline)")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(SIZES)))
        ax.set_xticklabels(SIZE_LABELS)
        ax.grid(axis="y", which="both", alpha=0.3)
        if index % columns == 0:
            ax.set_ylabel("elements / ns, log (higher is faster)", fontsize=9)
    for index in range(len(panels), rows * columns):
        axes[index // columns][index % columns].axis("off")

    handles = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    order = implementations + ["copy (baseline)", "2R1W (baseline)"]
    handles = {label: handles[label] for label in order if label in handles}
    figure.legend(handles.values(), handles.keys(), loc="lower center", ncol=len(handles), frameon=False)
    context = document.get("context", {})
    cpu = f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz"
    if context.get("cpu_model"):
        cpu = f"{context['cpu_model']}, {cpu}"
    simd = context.get("rectify_simd", "")
    figure.suptitle(f"rectify and its peers, {element_type}, one thread, by array size (elements)\n"
                    f"{cpu}; rectify SIMD: {simd}", fontsize=11)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    figure.savefig(output, dpi=110)
    print(f"plot.py: wrote {output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", default="-", help="Google Benchmark JSON (default: stdin)")
    parser.add_argument("-o", "--output", default="benchmark.png", help="PNG to write (default: benchmark.png)")
    parser.add_argument("--type", default="float", choices=["float", "double"], help="element type to plot")
    arguments = parser.parse_args()
    if arguments.json == "-":
        document = json.load(sys.stdin)
    else:
        with open(arguments.json) as file:
            document = json.load(file)
    plot(document, arguments.type, arguments.output)


if __name__ == "__main__":
    main()
