#!/usr/bin/env bash
# What an unoptimized build costs: tools/debug_speed.sh [compiler]
# Builds tools/debug_speed.cpp three ways and runs each: -O0 (a CMake build without a build type,
# or Debug), -O2, and -O0 for the program with the kernels from rectify::kernels' file
# (src/instances.cpp) compiled at -O2, as RECTIFY_KERNELS_OPTIMIZE_DEBUG does in a Debug build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
cxx="${1:-g++}"
out="$(mktemp -d)"
trap 'rm -rf "${out}"' EXIT
"${cxx}" -std=c++20 -O0 -I../include debug_speed.cpp -o "${out}/o0"
"${cxx}" -std=c++20 -O2 -I../include debug_speed.cpp -o "${out}/o2"
"${cxx}" -std=c++20 -O0 -I../include -DRECTIFY_EXTERN_KERNELS -c debug_speed.cpp -o "${out}/main.o"
"${cxx}" -std=c++20 -O2 -I../include -c ../src/instances.cpp -o "${out}/kernels.o"
"${cxx}" "${out}/main.o" "${out}/kernels.o" -o "${out}/o0_kernels"
echo "-O0:                          $("${out}/o0")"
echo "-O2:                          $("${out}/o2")"
echo "-O0, rectify::kernels at -O2: $("${out}/o0_kernels")"
