#!/usr/bin/env python3
"""Runs the rectify_speed_<build> programs (dispatch_speed.cpp) in turn, ROUNDS rounds, and prints
each kernel's median speed (elements/ns) per build and its ratio to the -march=native build.

    bench/compare_builds.py BUILD_DIR [ROUNDS]      (BUILD_DIR/bench/rectify_speed_* must be built)

Interleaving the builds round by round spreads the machine's load over all of them alike.
"dispatch-avx2" is the dispatch build run with RECTIFY_ARCH=avx2; beside "znver3" (-O3
-march=znver3, header-only) it shows what dispatch gives an AVX2-only AMD core against that core's
native build, on any machine that runs AVX2."""
import json
import os
import statistics
import subprocess
import sys

build_dir = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
programs = {b: b for b in ["default", "native", "avx2", "znver3", "avx512", "dispatch"]}
programs["dispatch-avx2"] = "dispatch"
environments = {"dispatch-avx2": {"RECTIFY_ARCH": "avx2"}}
builds = [b for b, p in programs.items()
          if os.path.exists(os.path.join(build_dir, "bench", "rectify_speed_" + p))]
speeds = {}  # (kernel, build) -> [el/ns]
labels = {}
for _ in range(rounds):
    for b in builds:
        out = subprocess.run([os.path.join(build_dir, "bench", "rectify_speed_" + programs[b]),
                              "--benchmark_format=json", "--benchmark_min_time=0.2"],
                             check=True, capture_output=True, text=True,
                             env=dict(os.environ, **environments.get(b, {}))).stdout
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


def ratios(title, over, under):
    if over in builds and under in builds:
        print(title)
        for k in kernels:
            print("  %-20s %.3f" % (k, statistics.median(speeds[(k, over)]) / statistics.median(speeds[(k, under)])))


ratios("dispatch over the header-only build with the same kernels (avx512 flags):", "dispatch", "avx512")
ratios("dispatch forced to avx2 over header-only -O3 -march=znver3 (an AVX2 Zen 3's native build):",
       "dispatch-avx2", "znver3")
if "dispatch" in builds and "avx512" in builds:
    # The fixed cost of a call: relu on 16 elements is little else. The difference between dispatch
    # and the header-only build with its kernels, in ns per call, over the time of a call on 4K.
    if ("relu_forward/16", "dispatch") in speeds and ("relu_forward/4096", "avx512") in speeds:
        per_call = {b: 16 / statistics.median(speeds[("relu_forward/16", b)]) for b in ("dispatch", "avx512")}
        call_4k = 4096 / statistics.median(speeds[("relu_forward/4096", "avx512")])
        extra = per_call["dispatch"] - per_call["avx512"]
        print("per-call cost of dispatch: relu on 16 floats %.2f ns (header-only %.2f ns): %+.2f ns a call, "
              "%.1f %% of a header-only relu call on 4K floats (%.1f ns)" %
              (per_call["dispatch"], per_call["avx512"], extra, 100 * extra / call_4k, call_4k))
