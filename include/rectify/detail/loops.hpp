// rectify/detail/loops.hpp — the one elementwise loop every kernel runs.
//
// transform(n, out, op, in...) computes out[i] = op(in[0][i], in[1][i], ...) for i < n. op is taken
// by value: a copy local to the loop cannot alias the output, so its parameters stay in registers
// (through a reference, every store to a float output could change a float parameter). With SIMD,
// op is called on batches: a main loop of four batches per iteration (independent work to hide the
// latency of the longer kernels), a one-batch loop, then the tail — fewer than one batch of
// elements — copied into a zero-padded batch, so the tail runs the same vector math as the body and
// an element's result never depends on its position, the array's length or its alignment.
// Without SIMD, op is called on single elements.
//
// In place: out may be the same array as any input (each out[i] depends only on index i, and every
// batch is loaded before it is stored). Partial overlap is undefined; the public API rejects it
// where it can see it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "simd.hpp"

namespace rectify::detail {

template <class T, class Op, class... In>
inline void transform(std::size_t n, T* out, const Op op, const In*... in) {
#if RECTIFY_DETAIL_SIMD
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        const B r0 = op(B::load_unaligned(in + i)...);
        const B r1 = op(B::load_unaligned(in + i + W)...);
        const B r2 = op(B::load_unaligned(in + i + 2 * W)...);
        const B r3 = op(B::load_unaligned(in + i + 3 * W)...);
        r0.store_unaligned(out + i);
        r1.store_unaligned(out + i + W);
        r2.store_unaligned(out + i + 2 * W);
        r3.store_unaligned(out + i + 3 * W);
    }
    for (; i + W <= n; i += W) op(B::load_unaligned(in + i)...).store_unaligned(out + i);
    if (i < n) {
        const std::size_t rest = n - i;
        const auto load_tail = [&](const T* src) {
            std::array<T, W> padded{};  // zeros: every activation is finite there
            std::copy_n(src + i, rest, padded.begin());
            return B::load_unaligned(padded.data());
        };
        std::array<T, W> result;
        op(load_tail(in)...).store_unaligned(result.data());
        std::copy_n(result.begin(), rest, out + i);
    }
#else
    for (std::size_t i = 0; i < n; ++i) out[i] = op(in[i]...);
#endif
}

}  // namespace rectify::detail
