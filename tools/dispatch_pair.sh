# Sourced by tools/dispatch_call_cost.sh and tools/dispatch_call_time.sh: builds one program twice,
# header-only and against rectify::dispatch, into a temporary folder removed on exit.
#   dispatch_pair <librectify_dispatch.a> <program.cpp> <header-only flags...>
# sets ${out}, with ${out}/header_only and ${out}/dispatch built from tools/<program.cpp> at -O2
# (the header-only one with the flags given; the dispatch one with the compiler's defaults, as a
# user's program links it). CXX picks the compiler (default g++). Leaves the shell in tools/.
dispatch_pair() {
    local lib program
    lib="$(realpath "$1")"
    program="$2"
    shift 2
    cd "$(dirname "${BASH_SOURCE[0]}")"
    local cxx="${CXX:-g++}"
    out="$(mktemp -d)"
    trap 'rm -rf "${out}"' EXIT
    "${cxx}" -std=c++20 -O2 "$@" -I../include "${program}" -o "${out}/header_only"
    "${cxx}" -std=c++20 -O2 -I../include -DRECTIFY_EXTERN_KERNELS -DRECTIFY_DISPATCH "${program}" "${lib}" \
        -o "${out}/dispatch"
}
