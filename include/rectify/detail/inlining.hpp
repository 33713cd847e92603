// rectify/detail/inlining.hpp — what the kernels tell the compiler about inlining.
//
// RECTIFY_DETAIL_ALWAYS_INLINE marks the batch math (each activation's forward and backward, exp,
// expm1, the polynomials) and the lambdas the loops call: GCC 12 at -O3 left
// batch_math<ELU, float>::forward as an out-of-line call in the four-batch loop (its inlining
// budget ran out at the fifth call site), so every batch paid a call and the four batches of an
// iteration no longer overlapped: ELU ran at 0.8 of XNNPACK's speed. RECTIFY_DETAIL_NOINLINE keeps
// the threaded paths out of the serial ones (parallel.hpp).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define RECTIFY_DETAIL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define RECTIFY_DETAIL_NOINLINE __declspec(noinline)
#else
#define RECTIFY_DETAIL_NOINLINE
#endif

// Also what keeps the activation types' member functions (in rectify::, not in the arch namespace:
// arch_namespace.hpp) from being emitted as one copy shared by files built with different flags,
// at -O0 too.
#if defined(__CUDACC__)
#define RECTIFY_DETAIL_ALWAYS_INLINE __forceinline__
#define RECTIFY_DETAIL_INLINE_LAMBDA
#elif defined(__GNUC__) || defined(__clang__)
#define RECTIFY_DETAIL_ALWAYS_INLINE inline __attribute__((always_inline))
#define RECTIFY_DETAIL_INLINE_LAMBDA __attribute__((always_inline))
#elif defined(_MSC_VER)
#define RECTIFY_DETAIL_ALWAYS_INLINE __forceinline
#define RECTIFY_DETAIL_INLINE_LAMBDA
#else
#define RECTIFY_DETAIL_ALWAYS_INLINE inline
#define RECTIFY_DETAIL_INLINE_LAMBDA
#endif
