// rectify/detail/loops.hpp — the one elementwise loop every kernel runs.
//
// transform(n, out, op, in...) computes out[i] = op(in[0][i], in[1][i], ...) for i < n. op is taken
// by value: a copy local to the loop cannot alias the output, so its parameters stay in registers
// (through a reference, every store to a float output could change a float parameter). With SIMD,
// op is called on batches: a main loop of four batches per iteration (independent work to hide the
// latency of the longer kernels), a one-batch loop, then the tail — fewer than one batch of
// elements — copied into a zero-padded batch, so the tail runs the same vector math as the body and
// an element's result never depends on its position, the array's length or its alignment.
// Without SIMD, op is called on single elements. Arrays of bfloat16 or half are computed in float:
// widened on load, rounded once on store (storage.hpp); op never sees the storage type. bfloat16
// batches come in pairs (the even and the odd elements of one register, storage.hpp): the same
// four batches per step, loaded and stored as two registers.
//
// In place: out may be the same array as any input (each out[i] depends only on index i, and every
// batch is loaded before it is stored). Partial overlap is undefined; the public API rejects it
// where it can see it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "parallel.hpp"
#include "simd.hpp"
#include "storage.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// Streaming (non-temporal) stores write whole lines without reading them first: for an output far
// larger than the caches that saves a third of a forward kernel's traffic (a plain store reads the
// line it writes). Where the arrays fit the caches they would only evict data the caller is about
// to use. So they are taken only out of place, and only where the bytes a call moves (its input
// arrays read and its output written) reach streaming_bytes_moved: 20 MiB with one input array,
// 12 MiB with two, the sizes from which streaming paid for a call on one thread on the development
// machine (32 MiB of L3). A call split over threads (parallel.hpp) keeps the ordinary stores up to
// streaming_output_bytes_threaded of output: its pieces together draw on the shared L3's
// bandwidth, which ordinary stores use and streaming ones bypass. The thresholds are sizes, not a
// reading of the caches of the machine a call runs on (in a virtual machine the reported L3 can be
// wrong tenfold). The measurements: docs/THREADS.md, "Large arrays".
inline constexpr std::size_t streaming_bytes_moved(std::size_t inputs) {
    return (inputs <= 1 ? std::size_t(20) : std::size_t(12)) << 20;
}
inline constexpr std::size_t streaming_output_bytes_threaded = std::size_t(32) << 20;

// Whether a call writing out_bytes from `inputs` arrays of the same length, on `threads` threads,
// is large enough for streaming stores.
inline constexpr bool moves_streaming_bytes(std::size_t out_bytes, std::size_t inputs, int threads) {
    if (threads > 1) return out_bytes >= streaming_output_bytes_threaded;
    return out_bytes * (inputs + 1) >= streaming_bytes_moved(inputs);
}

// The loads of a large call (the streaming case: out of the caches) are prefetched this many bytes
// ahead, one cache line at a time, on CPUs where that pays (software_prefetch_pays below).
inline constexpr std::size_t cache_line = 64;
inline constexpr std::size_t prefetch_distance = 4096;

#if RECTIFY_DETAIL_SIMD

// Whether the large calls prefetch their loads, decided once per process by the CPU's vendor:
// - Intel: yes. On an AVX-512 Xeon the core otherwise computed and then waited for memory in
//   turn; the prefetches made ELU and SiLU backward faster (2 KiB and 8 KiB ahead were no better
//   than 4 KiB).
// - AMD: no. On Zen 4 the same prefetches made the kernels slower, the backward ones most;
//   prefetching into L2 or with the non-temporal hint instead was no better.
// Other vendors, and compilers without __builtin_cpu_is, prefetch. Either way the results are the
// same bits. The measurements: docs/THREADS.md, "Large arrays".
inline bool software_prefetch_pays() {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    static const bool pays = [] {
        __builtin_cpu_init();
        return !__builtin_cpu_is("amd");
    }();
    return pays;
#else
    return true;
#endif
}

// Prefetches the line `offset` bytes after p. The address is computed as an integer: it may lie past
// the array's end, where a prefetch never faults but pointer arithmetic would be undefined.
RECTIFY_DETAIL_ALWAYS_INLINE void prefetch_for_read(const void* p, std::size_t offset) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + offset), 0, 3);
#else
    (void)p;
    (void)offset;
#endif
}

// Prefetches the lines of the `bytes` bytes that start prefetch_distance bytes after p.
template <std::size_t bytes>
RECTIFY_DETAIL_ALWAYS_INLINE void prefetch_ahead(const void* p) {
    for (std::size_t k = 0; k < bytes; k += cache_line) prefetch_for_read(p, prefetch_distance + k);
}

// Stores v at p, which is aligned to the batch, bypassing the caches where the arch can.
template <class T, class A>
inline void store_streaming(const xsimd::batch<T, A>& v, T* p) {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        if constexpr (std::is_same_v<T, float>) _mm512_stream_ps(p, v);
        else if constexpr (std::is_same_v<T, double>) _mm512_stream_pd(p, v);
        else _mm512_stream_si512(reinterpret_cast<__m512i*>(p), v);  // the integer lanes of bits_math
        return;
    }
#endif
#if defined(__AVX__)
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        if constexpr (std::is_same_v<T, float>) _mm256_stream_ps(p, v);
        else if constexpr (std::is_same_v<T, double>) _mm256_stream_pd(p, v);
        else _mm256_stream_si256(reinterpret_cast<__m256i*>(p), v);
        return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        if constexpr (std::is_same_v<T, float>) _mm_stream_ps(p, v);
        else if constexpr (std::is_same_v<T, double>) _mm_stream_pd(p, v);
        else _mm_stream_si128(reinterpret_cast<__m128i*>(p), v);
        return;
    }
#endif
    v.store_aligned(p);
}

// Stores one batch of results at p (narrowed to S); with `streaming`, p is aligned to the stored
// bytes and the store bypasses the caches.
template <bool streaming, class S>
RECTIFY_DETAIL_ALWAYS_INLINE void store_batch(const storage_batch<S>& v, S* p) {
    if constexpr (streaming && !is_16bit<S>) store_streaming(v, p);
    else store_narrowed<streaming>(v, p);
}

// Whether p is aligned for store_batch<true>.
template <class S>
inline bool stream_aligned(const S* p) {
    return reinterpret_cast<std::uintptr_t>(p) % (storage_batch<S>::size * sizeof(S)) == 0;
}

// out[i] for i in [first, first + count), count < one batch: the inputs copied into zero-padded
// batches (zeros: every activation is finite there), so the lanes run the same vector math as
// the body and an element's result never depends on its position. Out of line: its arrays want a
// 64-byte aligned stack frame, which inlined was set up on every call, tail or not, and made short
// calls markedly slower; out of line, a tail pays one call more.
template <class S, class Op, class... In>
RECTIFY_DETAIL_NOINLINE void transform_partial(std::size_t first, std::size_t count, S* out, const Op& op, const In*... in) {
    constexpr std::size_t W = storage_batch<S>::size;
    count = std::min(count, W);  // it is; saying so keeps GCC's -Warray-bounds from misfiring
    const auto load_padded = [&](const S* src) {
        std::array<S, W> padded{};
        std::copy_n(src + first, count, padded.begin());
        return load_widened(padded.data());
    };
    std::array<S, W> result;
    store_narrowed<false>(op(load_padded(in)...), result.data());
    std::copy_n(result.begin(), count, out + first);
}

// S is the storage type of the arrays; op computes on batches of compute_t<S> (storage.hpp):
// each batch is widened on load and narrowed on store.
template <bool streaming, class S, class Op, class... In>
inline std::size_t transform_body(std::size_t i, std::size_t n, S* out, const Op& caller_op, const In*... in) {
    // A copy the stores cannot reach: the 16-bit stores go through may-alias vector types, so with
    // the caller's op GCC reloaded its parameters (Leaky ReLU's slope) from memory every step.
    const Op op = caller_op;
    const bool prefetch = streaming && software_prefetch_pays();
    using B = storage_batch<S>;
    constexpr std::size_t W = B::size;
    const auto store = [](const B& v, S* p) { store_batch<streaming>(v, p); };
    if constexpr (pairs_widened<S>) {
        // bfloat16: batches in pairs, one load and one store each (storage.hpp), two per step.
        using P = widened_pair<S>;
        const auto op_pair = [&op](const auto&... v) RECTIFY_DETAIL_INLINE_LAMBDA { return P{op(v.even...), op(v.odd...)}; };
        for (; i + 4 * W <= n; i += 4 * W) {
            if (prefetch) (prefetch_ahead<4 * W * sizeof(S)>(in + i), ...);
            const P r0 = op_pair(load_widened_pair(in + i)...);
            const P r1 = op_pair(load_widened_pair(in + i + 2 * W)...);
            store_narrowed_pairs<streaming>(r0, r1, out + i);
        }
        if (i + 2 * W <= n) {
            store_narrowed_pair<streaming>(op_pair(load_widened_pair(in + i)...), out + i);
            i += 2 * W;
        }
    } else {
        for (; i + 4 * W <= n; i += 4 * W) {
            if (prefetch) (prefetch_ahead<4 * W * sizeof(S)>(in + i), ...);
            const B r0 = op(load_widened(in + i)...);
            const B r1 = op(load_widened(in + i + W)...);
            const B r2 = op(load_widened(in + i + 2 * W)...);
            const B r3 = op(load_widened(in + i + 3 * W)...);
            store(r0, out + i);
            store(r1, out + i + W);
            store(r2, out + i + 2 * W);
            store(r3, out + i + 3 * W);
        }
    }
    for (; i + W <= n; i += W) store(op(load_widened(in + i)...), out + i);
    return i;
}
#endif

// Whether a call writing n elements to out from `in` on `threads` threads takes the streaming
// stores (and prefetches): large and out of place. Without SIMD, never.
template <class T, class... In>
inline bool streams(std::size_t n, int threads, const T* out, const In*... in) {
#if RECTIFY_DETAIL_SIMD
    return moves_streaming_bytes(n * sizeof(T), sizeof...(In), threads) && ((static_cast<const void*>(in) != out) && ...);
#else
    (void)n;
    (void)threads;
    (void)out;
    ((void)in, ...);
    return false;
#endif
}

// After the streaming stores of a thread's piece: orders them before anything it writes next.
inline void streaming_stores_done() {
#if RECTIFY_DETAIL_SIMD && defined(__SSE2__)
    _mm_sfence();
#endif
}

// out[i] for i in [0, n) on the calling thread; `streaming` says whether the stores may bypass the
// caches (decided once for the whole call, so every piece of a threaded call stores alike). The
// caller ends its piece with streaming_stores_done(): one fence after all its runs (a fence after
// each 64-element PReLU row cost 90 % of the speed at 16M).
template <class T, class Op, class... In>
inline void transform_serial(std::size_t n, T* out, bool streaming, const Op op, const In*... in) {
#if RECTIFY_DETAIL_SIMD
    constexpr std::size_t W = storage_batch<T>::size;
    std::size_t i = 0;
    const auto address = reinterpret_cast<std::uintptr_t>(out);
    if (streaming && address % sizeof(T) == 0) {
        // Streaming stores need aligned addresses: the elements before the first aligned one go
        // through the padded path.
        const std::size_t head = std::min(n, (W - address / sizeof(T) % W) % W);
        if (head) transform_partial(0, head, out, op, in...);
        i = transform_body<true>(head, n, out, op, in...);
    } else {
        i = transform_body<false>(0, n, out, op, in...);
    }
    if (i < n) transform_partial(i, n - i, out, op, in...);
#else
    (void)streaming;
    for (std::size_t i = 0; i < n; ++i) out[i] = narrow<T>(op(widen(in[i])...));
#endif
}

// Large calls are cut into one piece per thread (parallel.hpp), each a whole number of 1024
// elements (whole cache lines and unrolled steps): every element is computed alone, so the result
// is the same for any thread count.
template <class T, class Op, class... In>
inline void transform(std::size_t n, T* out, const Op op, const In*... in) {
    const int threads = threads_for(n);
    const bool streaming = streams(n, threads, out, in...);
    for_each_piece(n, 1024, threads, [&](std::size_t first, std::size_t count) {
        transform_serial(count, out + first, streaming, op, (in + first)...);
        if (streaming) streaming_stores_done();
    });
}

}  // namespace rectify::detail
