// bench/micro/intrinsics.hpp — <immintrin.h> for the measurement programs that call intrinsics
// directly, and their main, which runs the benchmarks only on a CPU that has the instructions. GCC 12's AVX-512 intrinsics raise -Wuninitialized / -Wmaybe-uninitialized false
// positives where they are inlined (GCC bug 105593), attributed to their own headers' lines: they
// are included here with those lines silenced, as bench/baselines.hpp and rectify's detail/simd.hpp
// do for xsimd.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <benchmark/benchmark.h>

#include <cstdio>

namespace rectify_bench {

// The programs are built everywhere (so they cannot rot) but run only where the CPU has what they
// use; elsewhere they say what is missing and succeed.
inline int run_benchmarks_if(bool cpu_has_them, const char* missing, int argc, char** argv) {
    if (!cpu_has_them) {
        std::puts(missing);
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace rectify_bench
