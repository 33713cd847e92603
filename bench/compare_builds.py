#!/usr/bin/env python3
"""Runs the rectify_speed_<build> programs (dispatch_speed.cpp) in turn, ROUNDS rounds, and prints
each kernel's median speed (elements/ns) per build and its ratio to the -march=native build.

    bench/compare_builds.py BUILD_DIR [ROUNDS]      (BUILD_DIR/bench/rectify_speed_* must be built)

Interleaving the builds round by round spreads the machine's load over all of them alike."""
import json
import os
import statistics
import subprocess
import sys

build_dir = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
builds = [b for b in ["default", "native", "avx2", "avx512", "dispatch"]
          if os.path.exists(os.path.join(build_dir, "bench", "rectify_speed_" + b))]
speeds = {}  # (kernel, build) -> [el/ns]
labels = {}
for _ in range(rounds):
    for b in builds:
        out = subprocess.run([os.path.join(build_dir, "bench", "rectify_speed_" + b),
                              "--benchmark_format=json", "--benchmark_min_time=0.2"],
                             check=True, capture_output=True, text=True).stdout
        for r in json.loads(out)["benchmarks"]:
            speeds.setdefault((r["name"], b), []).append(r["items_per_second"] / 1e9)
            labels[b] = r.get("label", "")
kernels = list(dict.fromkeys(k for k, _ in speeds))
print("median el/ns over %d rounds (ratio to native); arch per build: %s" %
      (rounds, ", ".join("%s=%s" % (b, labels[b]) for b in builds)))
print("%-22s" % "kernel/size" + "".join("%18s" % b for b in builds))
for k in kernels:
    native = statistics.median(speeds[(k, "native")])
    cells = ""
    for b in builds:
        m = statistics.median(speeds[(k, b)])
        cells += "%18s" % ("%.2f (%.2fx)" % (m, m / native))
    print("%-22s" % k + cells)
if "dispatch" in builds and "avx512" in builds:
    print("dispatch over the header-only build with the same kernels (avx512 flags):")
    for k in kernels:
        print("  %-20s %.3f" % (k, statistics.median(speeds[(k, "dispatch")]) / statistics.median(speeds[(k, "avx512")])))
