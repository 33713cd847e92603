#!/usr/bin/env bash
# The per-call cost of rectify::dispatch in instructions, which a loaded machine's timings cannot
# resolve: tools/dispatch_call_cost.sh <librectify_dispatch.a> [n]
# Builds tools/dispatch_call_cost.cpp header-only with -O2 -mavx2 -mfma and at -O2 (default flags)
# against the dispatch library, runs both under `valgrind --tool=callgrind` (which has no AVX-512:
# dispatch chooses avx2 there, RECTIFY_ARCH=avx2 makes sure) with 10 and 30 calls of each kernel on
# n (default 4096) floats, and prints the instructions per call ((I(30) - I(10)) / 20, so the
# set-up drops out) of both builds and their ratio. The library is built by any build with
# RECTIFY_DISPATCH=ON (build/test/src/dispatch/librectify_dispatch.a after the test preset).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/dispatch_pair.sh"
n="${2:-4096}"
dispatch_pair "${1:?usage: $0 <librectify_dispatch.a> [n]}" dispatch_call_cost.cpp -mavx2 -mfma
instructions() {  # program kernel calls
    RECTIFY_ARCH=avx2 valgrind --tool=callgrind --callgrind-out-file=/dev/null "${out}/$1" "$2" "${n}" "$3" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-14s %22s %22s %8s\n' kernel "header-only instr/call" "dispatch instr/call" ratio
for kernel in relu elu silu silu_backward; do
    h10=$(instructions header_only "${kernel}" 10); h30=$(instructions header_only "${kernel}" 30)
    d10=$(instructions dispatch "${kernel}" 10); d30=$(instructions dispatch "${kernel}" 30)
    h=$(( (h30 - h10) / 20 )); d=$(( (d30 - d10) / 20 ))
    printf '%-14s %22d %22d %8s\n' "${kernel}" "${h}" "${d}" "$(awk -v a="${d}" -v b="${h}" 'BEGIN { printf "%.4f", a / b }')"
done
