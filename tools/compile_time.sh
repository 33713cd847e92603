#!/usr/bin/env bash
# Compile time of rectify per translation unit: tools/compile_time.sh [compiler] [runs]
# For -O2 and -O3 -march=native, the best of [runs] (default 3) wall-clock times of compiling
#   compile_time_baseline.cpp   the program without rectify (<vector>, <cstdio>)
#   compile_time_include.cpp    #include <rectify/rectify.hpp> and nothing else
#   compile_time_calls.cpp      one call of every activation, header-only
#   compile_time_calls.cpp      the same with -DRECTIFY_EXTERN_KERNELS (rectify::kernels; the
#                               library's own file, src/instances.cpp, is timed once too)
# to an object file, one at a time. Run it on an idle machine: the numbers are wall clock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
cxx="${1:-g++}"; runs="${2:-3}"
best() {
    local best=""
    for _ in $(seq "${runs}"); do
        local start end
        start=$(date +%s%N)
        "${cxx}" -std=c++20 -I../include "$@" -c -o /dev/null
        end=$(date +%s%N)
        local t=$(( (end - start) / 1000000 ))
        if [ -z "${best}" ] || [ "${t}" -lt "${best}" ]; then best=${t}; fi
    done
    printf '%5d.%02d s' $((best / 1000)) $(((best % 1000) / 10))
}
echo "${cxx} ($("${cxx}" --version | head -1)), best of ${runs}"
for flags in "-O2" "-O3 -march=native"; do
    # shellcheck disable=SC2086
    echo "  ${flags}: without rectify $(best ${flags} compile_time_baseline.cpp)," \
         "include only $(best ${flags} compile_time_include.cpp)," \
         "every activation $(best ${flags} compile_time_calls.cpp)," \
         "with rectify::kernels $(best ${flags} -DRECTIFY_EXTERN_KERNELS compile_time_calls.cpp)" \
         "(src/instances.cpp, once: $(best ${flags} ../src/instances.cpp))"
done
