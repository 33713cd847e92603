// rectify/detail/prelu.hpp — PReLU forward and backward (with the weight gradient) over raw
// arrays viewed as [outer][channels][inner]. Sizes are checked by the caller (rectify.hpp).
//
// PReLU is Leaky ReLU with slope weight[c], so the lane math is activation_batch.hpp's
// leaky_forward / leaky_backward and the results are bit-identical to LeakyReLU's scalar math.
// Three layouts: one shared weight (one long run), channels-first with inner > 1 (one run of
// `inner` elements per channel, with a broadcast slope) and channels-last, inner == 1 (the
// weights vary along the vector and are loaded like a second input).
//
// The weight gradient dweight[c] = sum of x*dy over the elements of channel c with !(x > 0) is
// summed in a fixed order, in double — four compensated (Neumaier) accumulators per lane, folded
// into a double compensated sum per channel — so it is bit-identical from run to run, and within
// 2*eps*sum|x*dy| of the exact sum: for double each product rounds once (eps/2 * sum|x*dy|) and the
// compensated sums add about eps/2 * |sum| plus terms of order n*eps^2; for float the products
// are exact in double and only the final rounding to float counts.
//
// bfloat16 and half are computed in float (storage.hpp): widened on load, dx rounded once on store,
// and dweight summed exactly as for float, then rounded once from double to the 16-bit type.
//
// Threads (parallel.hpp, with OpenMP only): the order of every sum depends on the shape alone, never
// on the thread count. Channels first: the threads take ranges of channels; channels last: ranges of
// columns (whole batches of channels) over all rows; one shared weight: the run is summed in blocks
// of weight_grad_block elements whose sums are added in block order.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "kernels.hpp"
#include "loops.hpp"
#include "parallel.hpp"
#include "storage.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// Neumaier's compensated sum: `comp` collects the rounding error of every addition, whatever the
// magnitudes' order. V is a scalar or a batch (lane-wise sums).
inline double lane_select(bool c, double a, double b) { return c ? a : b; }
#if RECTIFY_DETAIL_SIMD
template <class T, class A>
inline xsimd::batch<T, A> lane_select(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                      const xsimd::batch<T, A>& b) {
    return detail::select(c, a, b);
}
using xsimd::abs;
#endif
using std::abs;

template <class V>
struct compensated_sum {
    V sum;
    V comp;
    explicit compensated_sum(V zero) : sum(zero), comp(zero) {}
    void add(const V& v) {
        const V t = sum + v;
        comp += lane_select(abs(sum) >= abs(v), (sum - t) + v, (v - t) + sum);
        sum = t;
    }
};

// Folds lane sums (and their compensations) into a double compensated sum. Once a lane's sum is
// inf or NaN its compensation is NaN (inf - inf) and is left out: the result is that inf or NaN.
struct channel_sum {
    compensated_sum<double> acc{0.0};
    void add_lane(double sum, double comp) {
        acc.add(sum);
        if (std::isfinite(sum)) acc.add(comp);
    }
    template <class T>
    T value() const {
        return static_cast<T>(std::isfinite(acc.sum) ? acc.sum + acc.comp : acc.sum);
    }
};

// dweight is summed in double lanes: for float the products x*dy are exact there (and cannot
// overflow), for double each rounds once. A batch of T becomes `wide_count<T>` batches of double.
#if RECTIFY_DETAIL_SIMD
using sum_batch = batch<double>;
template <class T>
inline constexpr std::size_t wide_count = sizeof(double) / sizeof(T);

// The float batch's two halves as double batches, with the arch's conversion instruction (xsimd 8.1
// converts element by element); elsewhere through memory.
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE void widen(const xsimd::batch<float, A>& v, xsimd::batch<double, A>* out) {
    using D = xsimd::batch<double, A>;
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const __m512 r = v;
        out[0] = D(_mm512_cvtps_pd(_mm512_castps512_ps256(r)));
        out[1] = D(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(r), 1))));
        return;
    }
#endif
#if defined(__AVX__)
    if constexpr (std::is_base_of_v<xsimd::avx, A>) {
        const __m256 r = v;
        out[0] = D(_mm256_cvtps_pd(_mm256_castps256_ps128(r)));
        out[1] = D(_mm256_cvtps_pd(_mm256_extractf128_ps(r, 1)));
        return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A>) {
        const __m128 r = v;
        out[0] = D(_mm_cvtps_pd(r));
        out[1] = D(_mm_cvtps_pd(_mm_movehl_ps(r, r)));
        return;
    }
#endif
    alignas(64) float lanes_f[xsimd::batch<float, A>::size];
    v.store_unaligned(lanes_f);
    out[0] = D::load_unaligned(lanes_f);
    out[1] = D::load_unaligned(lanes_f + D::size);
}
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE void widen(const xsimd::batch<double, A>& v, xsimd::batch<double, A>* out) {
    out[0] = v;
}
#else
using sum_batch = double;
template <class T>
inline constexpr std::size_t wide_count = 1;
inline double weight_grad_term(double x, double dy) { return x > 0.0 ? 0.0 : x * dy; }
#endif
inline constexpr std::size_t sum_lanes = lanes<double>;

// Adds terms (wide_count<T> values) to the sums s, compensated (with e) for double; for float the
// terms are exact and a plain sum is far inside the bound (lane_sums below).
template <class T>
RECTIFY_DETAIL_ALWAYS_INLINE void add_terms(sum_batch* s, sum_batch* e, const sum_batch* terms) {
    for (std::size_t h = 0; h < wide_count<T>; ++h) {
        if constexpr (!std::is_same_v<T, float>) {
            compensated_sum<sum_batch> acc(s[h]);
            acc.comp = e[h];
            acc.add(terms[h]);
            s[h] = acc.sum;
            e[h] = acc.comp;
        } else {
            s[h] += terms[h];
        }
    }
}

// Four lane-wise sums, each fed in a fixed order (independent additions, so the adds overlap). For
// float the products are exact in double and a plain double sum is far inside the bound (each lane
// adds n/16 terms or fewer: n * 2^-53 / 16 stays below eps_float/4 up to 2^32 elements); for double
// the additions are compensated, with comps[k] the compensation of sums[k].
template <class T>
struct lane_sums {
    static constexpr bool compensated = !std::is_same_v<T, float>;
    sum_batch sums[4] = {sum_batch(0.0), sum_batch(0.0), sum_batch(0.0), sum_batch(0.0)};
    sum_batch comps[4] = {sum_batch(0.0), sum_batch(0.0), sum_batch(0.0), sum_batch(0.0)};

    // Adds another run's sums, part by part (the pieces of a long run, in their order).
    void merge(const lane_sums& other) {
        for (int k = 0; k < 4; ++k) {
            if constexpr (compensated) {
                compensated_sum<sum_batch> acc(sums[k]);
                acc.comp = comps[k];
                acc.add(other.sums[k]);
                sums[k] = acc.sum;
                comps[k] = acc.comp + other.comps[k];
            } else {
                sums[k] += other.sums[k];
            }
        }
    }

    // For float: the four parts added lane by lane.
    sum_batch lane_total() const { return (sums[0] + sums[1]) + (sums[2] + sums[3]); }

    // The total, rounded once to Out (T, or the 16-bit type T computes). For float the parts and the
    // lanes are added plainly (the terms are exact and the sum far inside the bound); for double
    // through compensated sums, and once a lane's sum is inf or NaN that is the result (channel_sum).
    template <class Out = T>
    Out value() const {
        if constexpr (!compensated) {
#if RECTIFY_DETAIL_SIMD
            return static_cast<Out>(xsimd::hadd(lane_total()));
#else
            return static_cast<Out>(lane_total());
#endif
        } else {
            // The four parts first, lane by lane (their compensations simply add), then the lanes.
            compensated_sum<sum_batch> total(sums[0]);
            total.comp = comps[0];
            for (int k = 1; k < 4; ++k) {
                total.add(sums[k]);
                total.comp += comps[k];
            }
            double lane_totals[sum_lanes];
            double lane_comps[sum_lanes];
#if RECTIFY_DETAIL_SIMD
            total.sum.store_unaligned(lane_totals);
            total.comp.store_unaligned(lane_comps);
#else
            lane_totals[0] = total.sum;
            lane_comps[0] = total.comp;
#endif
            channel_sum channel;
            for (std::size_t l = 0; l < sum_lanes; ++l) channel.add_lane(lane_totals[l], lane_comps[l]);
            return channel.template value<Out>();
        }
    }
};

#if RECTIFY_DETAIL_SIMD
// The weight-gradient terms of one batch of x and dy, as wide_count<T> batches of double.
// x and dy are zeroed where x > 0 before they are widened (selects in T, not one per double
// batch), so those elements add exactly 0 whatever dy is (NaN and inf included); a NaN x stays
// and makes its term NaN, and x = 0 with an infinite dy gives 0 * inf = NaN, as in the definition.
// Always inlined, as the loops' other steps are: in the tiles' unrolled loops GCC's inlining budget
// ran out and the call kept every sum in memory.
template <class T>
RECTIFY_DETAIL_ALWAYS_INLINE void weight_grad_terms(const batch<T>& xv, const batch<T>& g, sum_batch* terms) {
    sum_batch xw[wide_count<T>], gw[wide_count<T>];
    const auto positive = xv > batch<T>(T(0));
    widen(detail::select(positive, batch<T>(T(0)), xv), xw);
    widen(detail::select(positive, batch<T>(T(0)), g), gw);
    for (std::size_t h = 0; h < wide_count<T>; ++h) terms[h] = xw[h] * gw[h];
}

// Adds the weight-gradient terms of one batch of x and dy to the wide_count<T> sums at s (and, for
// double, their compensations at e). xv and g were loaded from xp and gp. Float on AVX-512: the
// lanes with !(x > 0) are selected by a mask, the compare leaky_backward makes too (the compiler
// shares it), and added by masked FMAs instead of zeroing x and dy first: the products of floats
// are exact in double, so fma(x, dy, s) rounds exactly as s + x*dy does and the sums are the same
// bits. The masked-off lanes compute nothing, so a NaN or infinite dy there adds nothing either.
// Float arrays are widened to double straight from memory, half a batch per conversion, rather
// than from the loaded batch through an extract, which was slower.
template <class S, class T>
RECTIFY_DETAIL_ALWAYS_INLINE void add_weight_grad(const S* xp, const S* gp, const batch<T>& xv, const batch<T>& g,
                                                  sum_batch* s, sum_batch* e) {
#if defined(__AVX512F__)
    if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::avx512f, arch>) {
        const __mmask16 m = _mm512_cmp_ps_mask(xv, _mm512_setzero_ps(), _CMP_NGT_UQ);  // NaN: true
#if defined(__AVX512DQ__)
        if constexpr (is_16bit<S>) {
            // Two 16-bit values have at most 11 significant bits each, so their product is exact in
            // float while it stays in float's normal range: always for half; for bfloat16, whose
            // range is float's, unless it overflows or underflows. Then only the product is widened
            // (two conversions per batch instead of four). A batch where some selected product is
            // ±0, ±inf or denormal (x or dy zero or infinite, or the float product out of range)
            // takes the widened factors below instead, as float arrays do. The sums are the same
            // bits either way; both types and both layouts ran faster for it.
            const __m512 p = _mm512_maskz_mul_ps(m, xv, g);
            if (_mm512_mask_fpclass_ps_mask(m, p, 0x3E) == 0) {
                sum_batch pw[2];
                widen(batch<float>(p), pw);
                s[0] += pw[0];
                s[1] += pw[1];
                return;
            }
        }
#endif
        sum_batch xw[2], gw[2];
        if constexpr (std::is_same_v<S, float>) {
            for (int h = 0; h < 2; ++h) {
                xw[h] = sum_batch(_mm512_cvtps_pd(_mm256_loadu_ps(xp + 8 * h)));
                gw[h] = sum_batch(_mm512_cvtps_pd(_mm256_loadu_ps(gp + 8 * h)));
            }
        } else {
            widen(xv, xw);
            widen(g, gw);
        }
        s[0] = sum_batch(_mm512_mask3_fmadd_pd(xw[0], gw[0], s[0], static_cast<__mmask8>(m)));
        s[1] = sum_batch(_mm512_mask3_fmadd_pd(xw[1], gw[1], s[1], static_cast<__mmask8>(m >> 8)));
        return;
    }
#endif
    (void)xp;
    (void)gp;
    sum_batch terms[wide_count<T>];
    weight_grad_terms(xv, g, terms);
    add_terms<T>(s, e, terms);
}
#endif

// dx = x > 0 ? dy : slope*dy over one run, adding the run's weight-gradient terms to `sums`, in
// one pass: each batch's terms are taken from the loaded x and dy before dx is stored, so dx may
// alias dy. The order of the additions depends on n alone. The sums are copied in and out so that
// they stay in registers (a double output could otherwise alias them). Always inlined: a channel's
// runs are short (64 elements in the benchmark's NCHW 4K case), and out of line each call stored
// the sums to memory and loaded them back, which cost as much as the run itself.
// S is the storage type, T = compute_t<S> the type of the math (storage.hpp).
// `large` (arrays larger than the caches): the loads are prefetched ahead where that pays and, where
// dx is aligned to the batch, dx takes streaming stores (both loops.hpp); the caller then ends its
// piece with streaming_stores_done().
template <bool large, class S, class T = compute_t<S>>
RECTIFY_DETAIL_ALWAYS_INLINE void prelu_backward_run(const S* x, const S* dy, S* dx, std::size_t n, T slope,
                                                     lane_sums<T>& sums) {
    lane_sums<T> acc = sums;
#if RECTIFY_DETAIL_SIMD
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t per_step = 4 / wide_count<T>;  // batches whose terms fill the four parts
    const B s(slope);
    const bool streaming = large && stream_aligned(dx) && dx != x && dx != dy;  // in place: the line is cached
    const bool prefetch = large && software_prefetch_pays();
    std::size_t i = 0;
    for (; i + per_step * W <= n; i += per_step * W) {
        if (prefetch) {
            prefetch_ahead<per_step * W * sizeof(S)>(x + i);
            prefetch_ahead<per_step * W * sizeof(S)>(dy + i);
        }
        for (std::size_t k = 0; k < per_step; ++k) {
            const B xv = load_widened(x + i + k * W);
            const B g = load_widened(dy + i + k * W);
            add_weight_grad(x + i + k * W, dy + i + k * W, xv, g, acc.sums + k * wide_count<T>,
                            acc.comps + k * wide_count<T>);
            if (streaming) store_batch<true>(leaky_backward(xv, g, s), dx + i + k * W);
            else store_batch<false>(leaky_backward(xv, g, s), dx + i + k * W);
        }
    }
    // The rest, fewer than per_step batches, zero-padded (0 * 0 adds nothing) into the first parts.
    for (; i < n; i += W) {
        const std::size_t len = std::min(W, n - i);
        alignas(64) S x_part[W] = {}, dy_part[W] = {}, dx_part[W];
        std::copy_n(x + i, len, x_part);
        std::copy_n(dy + i, len, dy_part);
        const B xv = load_widened(x_part);
        const B g = load_widened(dy_part);
        add_weight_grad(x_part, dy_part, xv, g, acc.sums, acc.comps);
        store_narrowed<false>(leaky_backward(xv, g, s), dx_part);
        std::copy_n(dx_part, len, dx + i);
    }
#else
    const LeakyReLU act{static_cast<double>(slope)};
    for (std::size_t i = 0; i < n; ++i) {
        const double term = weight_grad_term(static_cast<double>(x[i]), static_cast<double>(dy[i]));
        add_terms<T>(acc.sums + (i & 3u), acc.comps + (i & 3u), &term);
        dx[i] = narrow<S>(act.backward(widen(x[i]), widen(dy[i])));
    }
#endif
    sums = acc;
}

// The pieces the threads take (parallel.hpp), each a function of its own rather than a lambda: with
// OpenMP enabled, a lambda's captures cost the serial loops a fifth of their speed.

// PReLU forward's pieces store like one elementwise call over the whole array: streaming (loops.hpp)
// when the array is large, out of place, and its runs or rows are long enough to be mostly whole
// cache lines (each row or run is its own short transform, whose ends take plain stores).
inline constexpr std::size_t streaming_min_run_bytes = 4 * cache_line;
template <class S>
inline bool prelu_streams(const S* x, const S* y, const ChannelShape& s, int threads) {
    const std::size_t run = s.inner == 1 ? s.channels : s.inner;
    return run * sizeof(S) >= streaming_min_run_bytes && streams(s.outer * s.channels * s.inner, threads, y, x);
}

#if RECTIFY_DETAIL_SIMD
// The widest register tile, in whole batches: PReLU backward's sums (twice as many for float, whose
// terms are doubles; as many again in compensations for double) fit AVX-512's 32 registers, or the
// 16 of the narrower instruction sets; so do PReLU forward's weights and results.
inline constexpr std::size_t row_tile_batches = sizeof(batch<float>) == 64 ? 8 : 4;

// Whether rows or runs of n elements are short ones: whole batches, at most row_tile_batches of
// them (bfloat16: whole pairs of batches, storage.hpp). Those run in one loop over all the rows or
// runs of a piece (below) instead of a transform each, which paid a call, its setup and its tail
// check on every 64-element row or run and was markedly slower for it.
template <class S>
inline constexpr std::size_t short_step = (pairs_widened<S> ? 2 : 1) * lanes<compute_t<S>>;
template <class S>
inline bool prelu_forward_short(std::size_t n) {
    return n % short_step<S> == 0 && n / lanes<compute_t<S>> <= row_tile_batches;
}

// Calls run(std::true_type) with streaming stores where they were chosen and y, the first output,
// is aligned for them (the transforms' padded heads are not worth it for short rows and runs), then
// fences them; run(std::false_type) otherwise.
template <class S, class Run>
RECTIFY_DETAIL_ALWAYS_INLINE void run_short(bool streaming, const S* y, const Run& run) {
    if (streaming && stream_aligned(y)) {
        run(std::true_type{});
        streaming_stores_done();
    } else {
        run(std::false_type{});
    }
}

// One short row or run: n elements (a multiple of short_step) at x + at, y + at, with the
// slopes of batch (or pair of batches) k given by slopes(k).
template <bool streaming, class S, class Slopes>
RECTIFY_DETAIL_ALWAYS_INLINE void prelu_forward_short_run(const S* x, S* y, std::size_t at, std::size_t n,
                                                          const Slopes& slopes) {
    constexpr std::size_t W = lanes<compute_t<S>>;
    const bool prefetch = streaming && software_prefetch_pays();
    if constexpr (pairs_widened<S>) {
        for (std::size_t j = 0, k = 0; j < n; j += 2 * W, ++k) {
            if (prefetch) prefetch_ahead<2 * W * sizeof(S)>(x + at + j);
            const widened_pair<S> v = load_widened_pair(x + at + j);
            const widened_pair<S>& w = slopes(k);
            store_narrowed_pair<streaming>(widened_pair<S>{leaky_forward(v.even, w.even), leaky_forward(v.odd, w.odd)}, y + at + j);
        }
    } else {
        for (std::size_t j = 0, k = 0; j < n; j += W, ++k) {
            if (prefetch) prefetch_ahead<W * sizeof(S)>(x + at + j);
            store_batch<streaming>(leaky_forward(load_widened(x + at + j), slopes(k)), y + at + j);
        }
    }
}

// A batch, or for bfloat16 a pair of batches, of the slopes.
template <class S>
using slope_step = std::conditional_t<pairs_widened<S>, widened_pair<S>, batch<compute_t<S>>>;

// Channels last, short rows [o0, o1): the weights widened once (for half and bfloat16, conversions
// per row saved), then every row.
template <bool streaming, class S>
inline void prelu_forward_short_rows(const S* x, const S* weight, S* y, std::size_t channels, std::size_t o0,
                                     std::size_t o1) {
    constexpr std::size_t step = short_step<S>;
    slope_step<S> w[row_tile_batches];
    for (std::size_t k = 0; k < channels / step; ++k) {
        if constexpr (pairs_widened<S>) w[k] = load_widened_pair(weight + k * step);
        else w[k] = load_widened(weight + k * step);
    }
    // By reference: a pair returned by value was stored to the stack on every step (GCC 12).
    const auto slopes = [&w](std::size_t k) RECTIFY_DETAIL_INLINE_LAMBDA -> const slope_step<S>& { return w[k]; };
    for (std::size_t o = o0; o < o1; ++o) prelu_forward_short_run<streaming>(x, y, o * channels, channels, slopes);
}

// Channels first, short runs [r0, r1), each with its channel's slope broadcast. In the mask form:
// choosing the max form run by run where the slope allows it (as Leaky ReLU and the longer runs
// do) made the 64-element runs slower.
template <bool streaming, class S>
inline void prelu_forward_short_runs(const S* x, const S* weight, S* y, std::size_t channels, std::size_t inner,
                                     std::size_t r0, std::size_t r1) {
    using B = batch<compute_t<S>>;
    std::size_t c = r0 % channels;  // one division per piece
    for (std::size_t r = r0; r < r1; ++r) {
        const B s(widen(weight[c]));
        slope_step<S> run_slopes;
        if constexpr (pairs_widened<S>) run_slopes = widened_pair<S>{s, s};
        else run_slopes = s;
        const auto slopes = [&run_slopes](std::size_t) RECTIFY_DETAIL_INLINE_LAMBDA -> const slope_step<S>& {
            return run_slopes;
        };
        prelu_forward_short_run<streaming>(x, y, r * inner, inner, slopes);
        if (++c == channels) c = 0;
    }
}
#endif

// Channels last, rows [o0, o1): one transform per row, the weights loaded like a second input (short
// rows: above).
template <class S>
inline void prelu_forward_rows(const S* x, const S* weight, S* y, std::size_t channels, std::size_t o0,
                               std::size_t o1, bool streaming) {
    using T = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    if (prelu_forward_short<S>(channels)) {
        run_short(streaming, y + o0 * channels, [&](auto stream) RECTIFY_DETAIL_INLINE_LAMBDA {
            prelu_forward_short_rows<decltype(stream)::value>(x, weight, y, channels, o0, o1);
        });
        return;
    }
#endif
    for (std::size_t o = o0; o < o1; ++o) {
#if RECTIFY_DETAIL_SIMD
        // The mask form for every weight: max(x, x * w) where every weight allows it (the form Leaky
        // ReLU and the channels-first runs take) was no faster here (bfloat16 and half, 64
        // channels).
        transform_serial(channels, y + o * channels, streaming, [](const batch<T>& xv, const batch<T>& w) RECTIFY_DETAIL_INLINE_LAMBDA {
            return leaky_forward(xv, w);
        }, x + o * channels, weight);
#else
        transform_serial(channels, y + o * channels, streaming, [](T xv, T w) {
            return LeakyReLU{static_cast<double>(w)}(xv);
        }, x + o * channels, weight);
#endif
    }
    if (streaming) streaming_stores_done();
}

// Channels first, runs [r0, r1) (run r: outer index r / channels, channel r % channels), each on
// the calling thread (short runs: above).
template <class S>
inline void prelu_forward_runs(const S* x, const S* weight, S* y, std::size_t channels, std::size_t inner,
                               std::size_t r0, std::size_t r1, bool streaming) {
    using T = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    if (prelu_forward_short<S>(inner)) {
        run_short(streaming, y + r0 * inner, [&](auto stream) RECTIFY_DETAIL_INLINE_LAMBDA {
            prelu_forward_short_runs<decltype(stream)::value>(x, weight, y, channels, inner, r0, r1);
        });
        return;
    }
#endif
    std::size_t c = r0 % channels;  // one division per piece
    for (std::size_t r = r0; r < r1; ++r) {
        const std::size_t offset = r * inner;
        const T slope = widen(weight[c]);
#if RECTIFY_DETAIL_SIMD
        const batch_math<LeakyReLU, T> math(LeakyReLU{static_cast<double>(slope)});  // the same slope in T
        transform_serial(inner, y + offset, streaming, [math](const batch<T>& xv) RECTIFY_DETAIL_INLINE_LAMBDA {
            return math.forward(xv);
        }, x + offset);
#else
        transform_serial(inner, y + offset, streaming, [act = LeakyReLU{static_cast<double>(slope)}](T xv) {
            return act(xv);
        }, x + offset);
#endif
        if (++c == channels) c = 0;
    }
    if (streaming) streaming_stores_done();
}

template <class S>
inline void prelu_forward(const S* x, const S* weight, std::size_t weight_size, S* y, ChannelShape s) {
    const std::size_t channels = s.channels;
    const int threads = threads_for(s.outer * channels * s.inner);
    if (weight_size == 1) {
        forward_n(LeakyReLU{static_cast<double>(weight[0])}, x, y, s.outer * channels * s.inner);
        return;
    }
    const bool streaming = prelu_streams(x, y, s, threads);
    if (s.inner == 1) {
        for_each_piece(s.outer, 1, threads, [&](std::size_t first, std::size_t rows) {
            prelu_forward_rows(x, weight, y, channels, first, first + rows, streaming);
        });
    } else if (s.outer * channels >= static_cast<std::size_t>(threads)) {
        for_each_piece(s.outer * channels, 1, threads, [&](std::size_t first, std::size_t count) {
            prelu_forward_runs(x, weight, y, channels, s.inner, first, first + count, streaming);
        });
    } else {
        // Fewer runs than threads: each run's own transform takes the threads instead.
        for (std::size_t r = 0; r < s.outer * channels; ++r) {
            const std::size_t offset = r * s.inner;
            forward_n(LeakyReLU{static_cast<double>(weight[r % channels])}, x + offset, y + offset, s.inner);
        }
    }
}

// Channels first, channels [c0, c1): each channel's runs (one per outer index) feed the same sums,
// folded once into dweight[c].
template <bool large, class S>
inline void prelu_backward_channels(const S* x, const S* weight, const S* dy, S* dx, S* dweight, ChannelShape s,
                                    std::size_t c0, std::size_t c1) {
    using T = compute_t<S>;
    const auto channel_sums = [&](std::size_t c) RECTIFY_DETAIL_INLINE_LAMBDA {
        lane_sums<T> total;
        for (std::size_t o = 0; o < s.outer; ++o) {
            const std::size_t offset = (o * s.channels + c) * s.inner;
            prelu_backward_run<large>(x + offset, dy + offset, dx + offset, s.inner, widen(weight[c]), total);
        }
        return total;
    };
#if RECTIFY_DETAIL_SIMD
    if constexpr (!lane_sums<T>::compensated) {
        // Float sums: the lane totals of sum_lanes channels are added up together (xsimd::haddp), each
        // channel's lanes in one fixed order whichever channels share its group (a short group is
        // padded with zeros), so the result still depends on the shape alone. With one horizontal sum
        // per channel, the sums took a third of the time of 64-element channels.
        for (std::size_t c = c0; c < c1; c += sum_lanes) {
            const std::size_t group = std::min(sum_lanes, c1 - c);
            sum_batch totals[sum_lanes];
            for (std::size_t k = 0; k < sum_lanes; ++k)
                totals[k] = k < group ? channel_sums(c + k).lane_total() : sum_batch(0.0);
            alignas(64) double channel_totals[sum_lanes];
            xsimd::haddp(totals).store_aligned(channel_totals);
            for (std::size_t k = 0; k < group; ++k) dweight[c + k] = static_cast<S>(channel_totals[k]);
        }
    } else
#endif
    {
        for (std::size_t c = c0; c < c1; ++c) dweight[c] = channel_sums(c).template value<S>();
    }
    if (large) streaming_stores_done();
}

// A shared weight's run is summed in blocks of this many elements (above it), each with sums of its
// own, added in block order: the blocks can run on different threads and the result is the same for
// any thread count.
inline constexpr std::size_t weight_grad_block = std::size_t(1) << 16;

// Channels last, the threads take columns in multiples of this many channels (a multiple of every
// batch width), so rows narrower than two of them stay on one thread.
inline constexpr std::size_t column_piece = 256;

#if RECTIFY_DETAIL_SIMD
// Channels last, rows narrow enough for their sums to stay in registers: K whole batches of channels
// from c0 and then `rest` more channels (fewer than one batch, zero-padded: zeros add nothing), down
// every row in memory order. Each channel's terms are added in row order, as the row-by-row loop
// below adds them, so the sums do not depend on which loop ran. (Through memory, every row's sums
// were stored and loaded back, and the loop ran at half the speed of the memory traffic; tiles of a
// wider row, one after the other, read the rows with gaps and ran slower still.)
template <bool large, std::size_t K, bool Rest, class S>
inline void prelu_backward_row_tile(const S* x, const S* weight, const S* dy, S* dx, std::size_t outer,
                                    std::size_t channels, double* sums, double* comps, std::size_t c0,
                                    std::size_t rest) {
    using T = compute_t<S>;
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t H = wide_count<T>;
    // The sums of the K batches and of the rest, if any (only then: past c1 they may be another
    // thread's).
    constexpr std::size_t N = (K + Rest) * H;
    constexpr bool compensated = lane_sums<T>::compensated;
    sum_batch s[N + 1], e[N + 1];  // + 1: no zero-length arrays
    for (std::size_t i = 0; i < N; ++i) {
        s[i] = sum_batch::load_unaligned(sums + c0 + i * sum_lanes);
        e[i] = compensated ? sum_batch::load_unaligned(comps + c0 + i * sum_lanes) : sum_batch(0.0);
    }
    alignas(64) S w_part[W] = {};
    std::copy_n(weight + c0 + K * W, rest, w_part);
    const B w_rest = load_widened(w_part);
    // Every row's batches aligned where the first one is.
    const bool streaming = large && channels % W == 0 && stream_aligned(dx + c0) && dx != x && dx != dy;
    const bool prefetch = large && software_prefetch_pays();
    for (std::size_t o = 0; o < outer; ++o) {
        const std::size_t row = o * channels + c0;
        if (prefetch) {
            prefetch_ahead<K * W * sizeof(S)>(x + row);
            prefetch_ahead<K * W * sizeof(S)>(dy + row);
        }
        for (std::size_t k = 0; k < K; ++k) {
            const B xv = load_widened(x + row + k * W);
            const B g = load_widened(dy + row + k * W);
            add_weight_grad(x + row + k * W, dy + row + k * W, xv, g, s + k * H, e + k * H);
            const B r = leaky_backward(xv, g, load_widened(weight + c0 + k * W));
            if (streaming) store_batch<true>(r, dx + row + k * W);
            else store_batch<false>(r, dx + row + k * W);
        }
        if constexpr (Rest) {
            const std::size_t at = row + K * W;
            alignas(64) S x_part[W] = {}, dy_part[W] = {}, dx_part[W];
            std::copy_n(x + at, rest, x_part);
            std::copy_n(dy + at, rest, dy_part);
            const B xv = load_widened(x_part);
            const B g = load_widened(dy_part);
            add_weight_grad(x_part, dy_part, xv, g, s + K * H, e + K * H);
            store_narrowed<false>(leaky_backward(xv, g, w_rest), dx_part);
            std::copy_n(dx_part, rest, dx + at);
        }
    }
    for (std::size_t i = 0; i < N; ++i) {
        s[i].store_unaligned(sums + c0 + i * sum_lanes);
        if constexpr (compensated) e[i].store_unaligned(comps + c0 + i * sum_lanes);
    }
}

// prelu_backward_row_tile for K = batches, chosen at run time (batches <= Max).
template <bool large, std::size_t Max, class S>
inline void prelu_backward_row_tile_of(std::size_t batches, const S* x, const S* weight, const S* dy, S* dx,
                                       std::size_t outer, std::size_t channels, double* sums, double* comps,
                                       std::size_t c0, std::size_t rest) {
    if (batches == Max) {
        if (rest) prelu_backward_row_tile<large, Max, true>(x, weight, dy, dx, outer, channels, sums, comps, c0, rest);
        else prelu_backward_row_tile<large, Max, false>(x, weight, dy, dx, outer, channels, sums, comps, c0, rest);
    } else if constexpr (Max > 0)
        prelu_backward_row_tile_of<large, Max - 1>(batches, x, weight, dy, dx, outer, channels, sums, comps, c0, rest);
}
#endif

// Channels last, channels [c0, c1) of every row: dx, and each channel's terms added to sums[c]
// (comps[c] for double) in row order. The threads take ranges of whole batches of channels, so every
// channel's sum is the same whatever the thread count.
template <bool large, class S>
inline void prelu_backward_columns(const S* x, const S* weight, const S* dy, S* dx, std::size_t outer,
                                   std::size_t channels, double* sums, double* comps, std::size_t c0,
                                   std::size_t c1) {
    using T = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    using B = batch<T>;
    constexpr std::size_t W = B::size;
    const std::size_t batches = (c1 - c0) / W;
    if (batches <= row_tile_batches) {
        prelu_backward_row_tile_of<large, row_tile_batches>(batches, x, weight, dy, dx, outer, channels, sums, comps, c0,
                                                     c1 - c0 - batches * W);
        if (large) streaming_stores_done();
        return;
    }
    // Wider rows: row by row, the sums in memory.
    for (std::size_t o = 0; o < outer; ++o) {
        const S* xr = x + o * channels;
        const S* dyr = dy + o * channels;
        S* dxr = dx + o * channels;
        // One batch at column j, its x, dy and weight read from xp, gp and wp.
        const auto step = [&](std::size_t j, const S* xp, const S* gp, const S* wp) {
            const B xv = load_widened(xp);
            const B g = load_widened(gp);
            sum_batch s[wide_count<T>], e[wide_count<T>];
            for (std::size_t h = 0; h < wide_count<T>; ++h) {
                s[h] = sum_batch::load_unaligned(sums + j + h * sum_lanes);
                if constexpr (lane_sums<T>::compensated) e[h] = sum_batch::load_unaligned(comps + j + h * sum_lanes);
            }
            add_weight_grad(xp, gp, xv, g, s, e);
            for (std::size_t h = 0; h < wide_count<T>; ++h) {
                s[h].store_unaligned(sums + j + h * sum_lanes);
                if constexpr (lane_sums<T>::compensated) e[h].store_unaligned(comps + j + h * sum_lanes);
            }
            return leaky_backward(xv, g, load_widened(wp));
        };
        std::size_t j = c0;
        for (; j + W <= c1; j += W)
            store_narrowed<false>(step(j, xr + j, dyr + j, weight + j), dxr + j);
        if (j < c1) {
            const std::size_t len = c1 - j;
            alignas(64) S x_part[W] = {}, dy_part[W] = {}, w_part[W] = {}, dx_part[W];  // zeros add nothing
            std::copy_n(xr + j, len, x_part);
            std::copy_n(dyr + j, len, dy_part);
            std::copy_n(weight + j, len, w_part);
            store_narrowed<false>(step(j, x_part, dy_part, w_part), dx_part);
            std::copy_n(dx_part, len, dxr + j);
        }
    }
#else
    for (std::size_t o = 0; o < outer; ++o) {
        const S* xr = x + o * channels;
        const S* dyr = dy + o * channels;
        S* dxr = dx + o * channels;
        for (std::size_t c = c0; c < c1; ++c) {
            const double term = weight_grad_term(static_cast<double>(xr[c]), static_cast<double>(dyr[c]));
            add_terms<T>(sums + c, comps + c, &term);
            dxr[c] = narrow<S>(LeakyReLU{static_cast<double>(weight[c])}.backward(widen(xr[c]), widen(dyr[c])));
        }
    }
#endif
}

// S is the storage type; the sums are those of its compute type T, rounded once to S at the end.
template <class S>
inline void prelu_backward(const S* x, const S* weight, std::size_t weight_size, const S* dy, S* dx,
                           S* dweight, ChannelShape s) {
    using T = compute_t<S>;
    const std::size_t channels = s.channels;
    const std::size_t total_elements = s.outer * channels * s.inner;
    const int threads = threads_for(total_elements);
    // Streaming stores as loops.hpp decides them (x and dy in), by the threads the layout's pieces
    // keep busy: channels last with at most column_piece channels runs on one thread, so the
    // one-thread sizes apply there.
    const auto streams_on = [&](int busy_threads) {
        return moves_streaming_bytes(total_elements * sizeof(S), 2, busy_threads);
    };
    if (weight_size == 1) {
        lane_sums<T> total;
        if (total_elements <= weight_grad_block) {
            prelu_backward_run<false>(x, dy, dx, total_elements, widen(weight[0]), total);
        } else {
            const std::size_t blocks = (total_elements + weight_grad_block - 1) / weight_grad_block;
            const bool large = streams_on(threads);
            std::vector<lane_sums<T>> block_sums(blocks);
            for_each_block(blocks, threads, [&](std::size_t b) {
                const std::size_t first = b * weight_grad_block;
                const std::size_t count = std::min(weight_grad_block, total_elements - first);
                if (large) {
                    prelu_backward_run<true>(x + first, dy + first, dx + first, count, widen(weight[0]), block_sums[b]);
                    streaming_stores_done();
                } else prelu_backward_run<false>(x + first, dy + first, dx + first, count, widen(weight[0]), block_sums[b]);
            });
            for (const auto& block : block_sums) total.merge(block);
        }
        dweight[0] = total.template value<S>();
    } else if (s.inner == 1) {
        // Channels last: per-channel sums along the row, in double lanes (compensated for double),
        // kept in arrays across the rows. Each batch's terms are taken before its dx is stored, so
        // dx may alias dy.
        // Small channel counts (the common case) keep the sums on the stack: an allocation would
        // cost as much as the whole call at a few thousand elements.
        constexpr std::size_t stack_doubles = 512;
        const std::size_t padded = channels + lanes<T>;  // room for the zero-padded last batch
        double stack_sums[stack_doubles], stack_comps[stack_doubles];
        std::vector<double> heap_sums, heap_comps;
        double* sums = stack_sums;
        double* comps = stack_comps;
        if (padded > stack_doubles) {
            heap_sums.resize(padded);
            heap_comps.resize(padded);
            sums = heap_sums.data();
            comps = heap_comps.data();
        }
        std::fill_n(sums, padded, 0.0);
        if constexpr (lane_sums<T>::compensated) std::fill_n(comps, padded, 0.0);
        // Pieces of at least column_piece channels: narrower ones (a 64-channel row split in two, say)
        // ran slower on two threads than on one (docs/THREADS.md, "Where threads pay").
        const bool large = streams_on(threads_of_pieces(channels, column_piece, threads));
        for_each_piece(channels, column_piece, threads, [&](std::size_t c0, std::size_t count) {
            if (large) prelu_backward_columns<true>(x, weight, dy, dx, s.outer, channels, sums, comps, c0, c0 + count);
            else prelu_backward_columns<false>(x, weight, dy, dx, s.outer, channels, sums, comps, c0, c0 + count);
        });
        for (std::size_t c = 0; c < channels; ++c) {
            if constexpr (lane_sums<T>::compensated) {
                channel_sum total;
                total.add_lane(sums[c], comps[c]);
                dweight[c] = total.value<S>();
            } else {
                dweight[c] = static_cast<S>(sums[c]);
            }
        }
    } else {
        // Channels first: the threads take ranges of channels.
        const bool large = streams_on(threads_of_pieces(channels, 1, threads));
        for_each_piece(channels, 1, threads, [&](std::size_t c0, std::size_t count) {
            if (large) prelu_backward_channels<true>(x, weight, dy, dx, dweight, s, c0, c0 + count);
            else prelu_backward_channels<false>(x, weight, dy, dx, dweight, s, c0, c0 + count);
        });
    }
}

}  // namespace rectify::detail
