// rectify/detail/parallel.hpp — spreading one kernel call over OpenMP threads.
//
// Threads are used only when the translation unit is compiled with OpenMP (-fopenmp: _OPENMP is
// defined), only for calls of at least parallel_min_elements elements, and never inside a parallel
// region the caller already runs (no nested teams). The thread count is OpenMP's: omp_get_max_threads(),
// which omp_set_num_threads and OMP_NUM_THREADS set. Without OpenMP every call runs on the calling
// thread and nothing here costs anything.
//
// Results never depend on the thread count: the elementwise kernels compute each element alone, and
// the PReLU weight gradient is summed over a partition of the work that depends on the shape alone
// (prelu.hpp), its pieces added in a fixed order.
//
// Compile every translation unit of a program that includes rectify with the same OpenMP setting:
// the kernels are inline functions, and the linker keeps one copy of each.
#pragma once

#include <cstddef>

#include "arch_namespace.hpp"
#include "inlining.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// Below this many elements a call runs on one thread: starting the team costs more than a second
// thread saves for the memory-bound kernels (bench/threads_crossover.cpp; docs/THREADS.md, "Where
// threads pay"). Defining RECTIFY_PARALLEL_MIN_ELEMENTS (the same in every translation unit) sets
// another threshold.
#if defined(RECTIFY_PARALLEL_MIN_ELEMENTS)
inline constexpr std::size_t parallel_min_elements = RECTIFY_PARALLEL_MIN_ELEMENTS;
#else
inline constexpr std::size_t parallel_min_elements = std::size_t(1) << 17;
#endif

// The threads a call over `elements` elements uses: 1 without OpenMP, below the threshold, or
// inside a parallel region; OpenMP's current maximum otherwise.
inline int threads_for(std::size_t elements) {
#if defined(_OPENMP)
    if (elements < parallel_min_elements || omp_in_parallel()) return 1;
    const int threads = omp_get_max_threads();
    return threads > 1 ? threads : 1;
#else
    (void)elements;
    return 1;
#endif
}

#if defined(_OPENMP)
inline constexpr bool threads_enabled = true;
#else
inline constexpr bool threads_enabled = false;
#endif


// The threaded paths below are out of line and compiled only with OpenMP: inlined next to the
// serial path they made every kernel too large to inline into its caller, and short serial calls
// (PReLU's 64-element channels, one call each) ran 2x slower for it.

// body(b) for every b in [0, blocks), on `threads` threads (each takes a contiguous range of
// blocks). body must not throw.
template <class Body>
RECTIFY_DETAIL_NOINLINE void for_each_block_threaded(std::size_t blocks, int threads, const Body& body) {
#if defined(_OPENMP)
    const auto count = static_cast<long long>(blocks);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long long b = 0; b < count; ++b) body(static_cast<std::size_t>(b));
#else
    (void)threads;
    for (std::size_t b = 0; b < blocks; ++b) body(b);
#endif
}

// body(b) for every b in [0, blocks): on the threads when there are several, else in order here.
template <class Body>
inline void for_each_block(std::size_t blocks, int threads, const Body& body) {
    if constexpr (threads_enabled) {
        if (threads > 1 && blocks > 1) {
            for_each_block_threaded(blocks, threads, body);
            return;
        }
    }
    for (std::size_t b = 0; b < blocks; ++b) body(b);
}

// The length of the pieces for_each_piece_threaded cuts [0, n) into for `threads` threads: whole
// multiples of `granule` (0 where n < threads: one piece of n); and how many pieces that makes.
inline std::size_t piece_length(std::size_t n, std::size_t granule, int threads) {
    const std::size_t per_thread = n / static_cast<std::size_t>(threads);
    return (per_thread + granule - 1) / granule * granule;
}
inline std::size_t piece_count(std::size_t n, std::size_t piece) { return piece ? (n + piece - 1) / piece : 1; }

// [0, n) cut into `threads` pieces of whole multiples of `granule` (the last one shorter), each
// body(first, count) on its thread.
template <class Body>
RECTIFY_DETAIL_NOINLINE void for_each_piece_threaded(std::size_t n, std::size_t granule, int threads,
                                                     const Body& body) {
    const std::size_t piece = piece_length(n, granule, threads);
    const std::size_t pieces = piece_count(n, piece);
    for_each_block(pieces, threads, [&](std::size_t b) {
        const std::size_t first = b * piece;
        body(first, (piece && first + piece < n) ? piece : n - first);
    });
}

// The threads for_each_piece(n, granule, threads, ...) keeps busy: as many as its pieces, fewer than
// `threads` where n holds fewer granules.
inline int threads_of_pieces(std::size_t n, std::size_t granule, int threads) {
    if (!threads_enabled || threads <= 1) return 1;
    const std::size_t pieces = piece_count(n, piece_length(n, granule, threads));
    return pieces < static_cast<std::size_t>(threads) ? static_cast<int>(pieces) : threads;
}

// body(first, count) over pieces of [0, n) on the threads; with one thread, body(0, n) here.
template <class Body>
inline void for_each_piece(std::size_t n, std::size_t granule, int threads, const Body& body) {
    if constexpr (threads_enabled) {
        if (threads > 1) {
            for_each_piece_threaded(n, granule, threads, body);
            return;
        }
    }
    body(std::size_t(0), n);
}

}  // namespace rectify::detail
