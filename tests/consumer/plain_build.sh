#!/usr/bin/env bash
# The route a new user or a packaging script takes, on a fresh clone of this repository's HEAD:
#   cmake -S . -B build && cmake --build build && cmake --install build --prefix <dir>
# with no preset and no build type (rectify builds Release then, and only the library and the
# examples), then the find_package consumer (tests/consumer/find_package) against <dir>, with
# rectify::rectify and, where the build has it, rectify::dispatch. Run by .ci/run (plain-build).
# Usage: tests/consumer/plain_build.sh [work-dir]   (default: a new temporary directory)
set -euo pipefail
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
rm -rf "${work}/rectify" "${work}/prefix" "${work}/consumer"
mkdir -p "${work}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

git clone --quiet --no-hardlinks "${source_dir}" "${work}/rectify"
cd "${work}/rectify"
cmake -S . -B build && cmake --build build && cmake --install build --prefix "${work}/prefix"
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' build/CMakeCache.txt \
    || { echo "plain build: the default build type is not Release" >&2; exit 1; }

dispatch=OFF
if ls "${work}"/prefix/lib*/librectify_dispatch.a >/dev/null 2>&1; then dispatch=ON; fi
cmake -S tests/consumer/find_package -B "${work}/consumer" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_PREFIX_PATH="${work}/prefix" -DEXPECTED_PREFIX="${work}/prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DDISPATCH="${dispatch}"
cmake --build "${work}/consumer"
"${work}/consumer/app"
if [ "${dispatch}" = ON ]; then "${work}/consumer/app_dispatch"; fi
echo "plain build: built, installed to ${work}/prefix, consumer passed (rectify::dispatch: ${dispatch})"
