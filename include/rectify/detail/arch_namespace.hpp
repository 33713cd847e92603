// rectify/detail/arch_namespace.hpp — the name of the namespace that holds code compiled for one
// instruction set.
//
// Every function of rectify whose machine code depends on the -m / -march flags of its translation
// unit (the scalar math, the batch math, the loops, PReLU, the argument checks, the public array
// functions, simd_arch_name) is declared inside `inline namespace RECTIFY_DETAIL_ARCH_NS`, as
// Highway does with HWY_NAMESPACE. The namespace is inline, so the code still reads
// rectify::forward, rectify::detail::forward_n, ...; but an -mavx2 file's inline copy is
// rectify::avx2_fma::forward<...>, a plain file's rectify::sse2::forward<...>, and the linker can
// never keep one file's copy for the other. The activation types (rectify::ReLU, ...) stay in
// rectify:: itself: their member functions are forced inline (RECTIFY_DETAIL_ALWAYS_INLINE), so no
// file emits a copy of them to share, at -O0 included.
//
// The name is the widest instruction set the preprocessor reports, the one xsimd's default_arch
// picks (plus _fma where FMA is on), with _nosimd when RECTIFY_NO_SIMD is defined. What it cannot
// separate (docs/DISPATCH.md, "Mixing compile flags"): flags beyond that set (-march=znver5 and
// -march=x86-64-v4 are both avx512bw), and the inline non-template functions of xsimd and the
// standard library, which stay shared weak symbols wherever the compiler does not inline them.
#pragma once

#include "inlining.hpp"  // RECTIFY_DETAIL_ALWAYS_INLINE, for the activation types

#if defined(__AVX512BW__)
#define RECTIFY_DETAIL_ISA avx512bw
#elif defined(__AVX512DQ__)
#define RECTIFY_DETAIL_ISA avx512dq
#elif defined(__AVX512CD__)
#define RECTIFY_DETAIL_ISA avx512cd
#elif defined(__AVX512F__)
#define RECTIFY_DETAIL_ISA avx512f
#elif defined(__AVX2__) && defined(__FMA__)
#define RECTIFY_DETAIL_ISA avx2_fma
#elif defined(__AVX2__)
#define RECTIFY_DETAIL_ISA avx2
#elif defined(__AVX__) && defined(__FMA__)
#define RECTIFY_DETAIL_ISA avx_fma
#elif defined(__AVX__)
#define RECTIFY_DETAIL_ISA avx
#elif defined(__SSE4_2__) && defined(__FMA__)
#define RECTIFY_DETAIL_ISA sse4_2_fma
#elif defined(__SSE4_2__)
#define RECTIFY_DETAIL_ISA sse4_2
#elif defined(__SSE4_1__)
#define RECTIFY_DETAIL_ISA sse4_1
#elif defined(__SSSE3__)
#define RECTIFY_DETAIL_ISA ssse3
#elif defined(__SSE3__)
#define RECTIFY_DETAIL_ISA sse3
#elif defined(__SSE2__) || defined(_M_X64)
#define RECTIFY_DETAIL_ISA sse2
#elif defined(__aarch64__)
#define RECTIFY_DETAIL_ISA neon64
#elif defined(__ARM_NEON)
#define RECTIFY_DETAIL_ISA neon
#else
#define RECTIFY_DETAIL_ISA generic
#endif

#define RECTIFY_DETAIL_CAT_(a, b) a##b
#define RECTIFY_DETAIL_CAT(a, b) RECTIFY_DETAIL_CAT_(a, b)
#if defined(RECTIFY_NO_SIMD)
#define RECTIFY_DETAIL_ARCH_NS RECTIFY_DETAIL_CAT(RECTIFY_DETAIL_ISA, _nosimd)
#else
#define RECTIFY_DETAIL_ARCH_NS RECTIFY_DETAIL_ISA
#endif

