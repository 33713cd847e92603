// bench/micro/intrinsics.hpp — <immintrin.h> for the measurement programs that call intrinsics
// directly. GCC 12's AVX-512 intrinsics raise -Wuninitialized / -Wmaybe-uninitialized false
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
