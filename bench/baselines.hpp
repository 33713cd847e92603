// The baselines of rectify_bench: the fastest way this machine has to move the bytes of a
// forward kernel (1 read + 1 write: a copy) and of a backward kernel (2 reads + 1 write:
// c[i] = a[i] * b[i], "2R1W"). A kernel's ratio to its baseline only means something if the
// baseline is at least as fast as any code with that traffic, so each baseline is measured in
// several ways and the table divides by the fastest of them, size by size:
//   copy = best of  memcpy       glibc's memcpy (what a user's copy costs)
//                   copy_loop    an explicit xsimd loop, 4 vectors per iteration, ordinary stores
//                   copy_stream  the same with non-temporal stores (x86 only)
//   2R1W = best of  2R1W_loop    an explicit xsimd loop, 4 vectors per iteration, ordinary stores
//                   2R1W_stream  the same with non-temporal stores (x86 only)
//
// Why not a plain C++ loop, and why not memcpy alone (measured, float):
// - The 2R1W baseline used to be `for (i) c[i] = a[i] * b[i]` with __restrict pointers, left to
//   the compiler's auto-vectorizer. On an AVX-512 Xeon it ran at 1.65 el/ns at 4K while
//   relu_backward ran at 7.0 in the same run. The generated code on the Zen 5 development machine
//   shows the cause (the Xeon was not at hand to disassemble; the pattern matches): at -O2 (CMake's
//   RelWithDebInfo, or any build without the bench preset's -O3), GCC 12 vectorizes only under
//   its "very-cheap" cost model, which refuses a loop that needs a scalar epilogue, i.e. any loop
//   whose trip count is not known to be a multiple of the vector width. The baseline compiled to
//   vmovss/vmulss/vmovss, one element per iteration, while rectify's kernels are explicit SIMD
//   and do not depend on the optimisation level. A -march=x86-64-v4 RelWithDebInfo build here ran
//   2R1W at 2.7 el/ns at 4K and relu_backward at 36.5 ("13x faster than memory"); at -O3 the same
//   loop became a zmm loop at 44 el/ns. Nothing else was at fault: no run-time alias check (the
//   __restrict held), no loop versioning, the buffers page-aligned. Written with xsimd, the loop
//   is vector code at every -O level, with the same instructions as the kernels.
// - glibc 2.36's memcpy copies anything from 8 KiB (its x86_rep_movsb_threshold for 64-byte
//   vectors) with `rep movsb`, which on the Zen 5 development machine moved 4K floats at 41
//   el/ns while relu_forward ran at 62 and the vector loop at 67
//   (GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=10000000 confirms: memcpy then runs at 66).
//   At 64K and 1M memcpy is the fastest copy there (33 and 15.6 el/ns; the loop 32 and 13), and
//   at 16M the streaming loop (5.6 el/ns; memcpy 4.1, ordinary stores 4.3: a plain store first
//   reads the line it overwrites). 2R1W likewise: ordinary stores up to 1M, streaming at 16M
//   (3.8 el/ns against 2.9). No single way is the fastest at every size, hence the best of them.
//   (One -O3 -march=native run, float, medians of 3; the table shows each way on every run.)
#pragma once

// GCC 12's AVX-512 intrinsics raise -Wmaybe-uninitialized false positives where they are inlined
// (GCC bug 105593), attributed to their own headers' lines: silenced for those lines only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cstddef>
#include <cstring>

#if defined(__SSE2__)
#define RECTIFY_BENCH_HAVE_STREAM 1
#else
#define RECTIFY_BENCH_HAVE_STREAM 0
#endif

namespace rectify_bench::baselines {

#ifndef XSIMD_NO_SUPPORTED_ARCHITECTURE
template <class T>
using batch = xsimd::batch<T>;
#endif

#if RECTIFY_BENCH_HAVE_STREAM
// A non-temporal store of one register of xsimd's default arch (the register type picks the
// instruction); the address must be aligned to the register's size.
inline void stream(float* p, __m128 v) { _mm_stream_ps(p, v); }
inline void stream(double* p, __m128d v) { _mm_stream_pd(p, v); }
#if defined(__AVX__)
inline void stream(float* p, __m256 v) { _mm256_stream_ps(p, v); }
inline void stream(double* p, __m256d v) { _mm256_stream_pd(p, v); }
#endif
#if defined(__AVX512F__)
inline void stream(float* p, __m512 v) { _mm512_stream_ps(p, v); }
inline void stream(double* p, __m512d v) { _mm512_stream_pd(p, v); }
#endif
#endif

enum class Store { ordinary, streaming };

// y[i] = x[i] (Multiply = false) or y[i] = x[i] * w[i] (Multiply = true); x, w, y aligned to the
// vector size (rectify_bench's buffers are page-aligned).
template <bool Multiply, Store S, class T>
void loop(const T* x, const T* w, T* y, std::size_t n) {
    std::size_t i = 0;
#ifndef XSIMD_NO_SUPPORTED_ARCHITECTURE
    using B = batch<T>;
    constexpr std::size_t width = B::size;
    auto body = [&](std::size_t at) {
        B v = B::load_aligned(x + at);
        if constexpr (Multiply) v = v * B::load_aligned(w + at);
#if RECTIFY_BENCH_HAVE_STREAM
        if constexpr (S == Store::streaming) {
            stream(y + at, v.data);
            return;
        }
#endif
        v.store_aligned(y + at);
    };
    for (; i + 4 * width <= n; i += 4 * width) {
        body(i);
        body(i + width);
        body(i + 2 * width);
        body(i + 3 * width);
    }
    for (; i + width <= n; i += width) body(i);
#if RECTIFY_BENCH_HAVE_STREAM
    if constexpr (S == Store::streaming) _mm_sfence();  // order the streaming stores before later ones
#endif
#endif
    for (; i < n; ++i) y[i] = Multiply ? x[i] * w[i] : x[i];
}

template <class T>
void memcpy_copy(const T* x, T* y, std::size_t n) {
    std::memcpy(y, x, n * sizeof(T));
}
template <class T>
void copy_loop(const T* x, T* y, std::size_t n) {
    loop<false, Store::ordinary>(x, x, y, n);
}
template <class T>
void copy_stream(const T* x, T* y, std::size_t n) {
    loop<false, Store::streaming>(x, x, y, n);
}
template <class T>
void multiply_loop(const T* a, const T* b, T* c, std::size_t n) {
    loop<true, Store::ordinary>(a, b, c, n);
}
template <class T>
void multiply_stream(const T* a, const T* b, T* c, std::size_t n) {
    loop<true, Store::streaming>(a, b, c, n);
}

}  // namespace rectify_bench::baselines
