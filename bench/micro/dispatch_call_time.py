#!/usr/bin/env python3
"""The per-call cost of rectify::dispatch in time (the dispatch_call_time target runs it):

    bench/micro/dispatch_call_time.py <folder of the rectify_dispatch_call_time_* programs> [rounds]

Runs the header-only build of dispatch_call_time.cpp (-O2 with rectify::dispatch's AVX-512 flags;
on a CPU without AVX-512, -O2 -mavx2 -mfma, with dispatch forced to avx2 by RECTIFY_ARCH) and the
build against rectify::dispatch (-O2, default flags) in turn, `rounds` times (default 12; each run
times relu on 16 to 16K floats, the fastest of 40 timings per size), and prints per size the
median ns a call of each build and the median of the rounds' dispatch / header-only ratios."""
import os
import statistics
import subprocess
import sys


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = cpuinfo.read().split()
    except OSError:
        return False
    return all(flag in flags for flag in ("avx512f", "avx512bw", "avx512dq", "avx512vl"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    header_only = "rectify_dispatch_call_time_header_only"
    environment = dict(os.environ)
    if not cpu_has_avx512():
        header_only += "_avx2"
        environment["RECTIFY_ARCH"] = "avx2"
    programs = {"header_only": header_only, "dispatch": "rectify_dispatch_call_time_dispatch"}
    times = {}  # (build, n) -> [ns per call], one per round
    for _ in range(rounds):
        for build, program in programs.items():
            output = subprocess.run([os.path.join(folder, program)], check=True, capture_output=True, text=True,
                                    env=environment).stdout
            for line in output.splitlines():
                n, ns = line.split()
                times.setdefault((build, int(n)), []).append(float(ns))
    print(f"{programs['header_only']} against {programs['dispatch']}, {rounds} rounds in turn"
          + (" (RECTIFY_ARCH=avx2)" if "RECTIFY_ARCH" in environment else ""))
    print("%8s %16s %16s %18s" % ("n", "header-only ns", "dispatch ns", "dispatch / header"))
    for n in sorted({n for _, n in times}):
        header, dispatch = times[("header_only", n)], times[("dispatch", n)]
        print("%8d %16.2f %16.2f %18.3f" % (n, statistics.median(header), statistics.median(dispatch),
                                             statistics.median(d / h for h, d in zip(header, dispatch))))


if __name__ == "__main__":
    main()
