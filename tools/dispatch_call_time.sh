#!/usr/bin/env bash
# The per-call cost of rectify::dispatch in time: tools/dispatch_call_time.sh <librectify_dispatch.a> [rounds]
# Builds tools/dispatch_call_time.cpp header-only with -O2 and the dispatch library's AVX-512 flags
# (src/dispatch/CMakeLists.txt) and at -O2 (default flags) against the library, runs the two in
# turn `rounds` times (default 12; each run times relu on 16 to 16K floats, the fastest of 40
# timings per size) and prints, per size, the median ns a call of each build and the median of the
# rounds' dispatch / header-only ratios. On a CPU without AVX-512 set RECTIFY_ARCH=avx2 and
# HEADER_FLAGS="-mavx2 -mfma". The library is built by any build with RECTIFY_DISPATCH=ON
# (build/test/src/dispatch/librectify_dispatch.a after the test preset).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dispatch_pair.sh"
rounds="${2:-12}"
header_flags="${HEADER_FLAGS:--mavx512f -mavx512cd -mavx512bw -mavx512dq -mavx512vl -mfma -mtune=skylake-avx512}"
# shellcheck disable=SC2086  # the flags are a list
dispatch_pair "${1:?usage: $0 <librectify_dispatch.a> [rounds]}" dispatch_call_time.cpp ${header_flags}
for ((r = 0; r < rounds; ++r)); do
    "${out}/header_only" | sed 's/^/header_only /'
    "${out}/dispatch" | sed 's/^/dispatch /'
done > "${out}/times"
python3 - "${out}/times" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    build, n, ns = line.split()
    t.setdefault((build, int(n)), []).append(float(ns))
print("%8s %16s %16s %18s" % ("n", "header-only ns", "dispatch ns", "dispatch / header"))
for n in sorted({n for _, n in t}):
    h, d = t[("header_only", n)], t[("dispatch", n)]
    print("%8d %16.2f %16.2f %18.3f" % (n, statistics.median(h), statistics.median(d),
                                         statistics.median(b / a for a, b in zip(h, d))))
PY
