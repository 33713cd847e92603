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
// summed in a fixed order — four compensated (Neumaier) accumulators per lane, folded lane by
// lane into a double compensated sum per channel — so it is bit-identical from run to run, and
// within 2*eps*sum|x*dy| of the exact sum: each product rounds once (eps/2 * sum|x*dy|), the
// compensated sums add about eps/2 * |sum| plus terms of order n*eps^2.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "kernels.hpp"
#include "loops.hpp"

namespace rectify::detail {

// Neumaier's compensated sum: `comp` collects the rounding error of every addition, whatever the
// magnitudes' order. V is a scalar or a batch (lane-wise sums).
inline double lane_select(bool c, double a, double b) { return c ? a : b; }
inline float lane_select(bool c, float a, float b) { return c ? a : b; }
#if RECTIFY_DETAIL_SIMD
template <class T, class A>
inline xsimd::batch<T, A> lane_select(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                      const xsimd::batch<T, A>& b) {
    return xsimd::select(c, a, b);
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

// The masked product that dweight sums: x*dy where !(x > 0) (NaN x included), else 0.
#if RECTIFY_DETAIL_SIMD
template <class T, class A>
inline xsimd::batch<T, A> weight_grad_term(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) {
    using B = xsimd::batch<T, A>;
    return xsimd::select(x > B(T(0)), B(T(0)), x * dy);
}
#endif
template <class T>
inline T weight_grad_term(T x, T dy) {
    return x > T(0) ? T(0) : x * dy;
}

// Four lane-wise compensated sums used round-robin, in the fixed order transform() calls its op.
template <class T>
struct run_accumulator {
#if RECTIFY_DETAIL_SIMD
    using V = batch<T>;
#else
    using V = T;
#endif
    compensated_sum<V> parts[4] = {compensated_sum<V>(V(T(0))), compensated_sum<V>(V(T(0))),
                                   compensated_sum<V>(V(T(0))), compensated_sum<V>(V(T(0)))};
    unsigned next = 0;
    void add(const V& v) { parts[next++ & 3u].add(v); }
    void fold_into(channel_sum& channel) const {
        for (const auto& part : parts) {
            alignas(64) T sums[lanes<T>];
            alignas(64) T comps[lanes<T>];
#if RECTIFY_DETAIL_SIMD
            part.sum.store_unaligned(sums);
            part.comp.store_unaligned(comps);
#else
            sums[0] = part.sum;
            comps[0] = part.comp;
#endif
            for (std::size_t l = 0; l < lanes<T>; ++l) channel.add_lane(sums[l], comps[l]);
        }
    }
};

// dx = x > 0 ? dy : slope*dy over one run, adding the run's weight-gradient terms to `channel`.
// Each op call reads its loaded x and dy before the result is stored, so dx may alias dy.
template <class T>
inline void prelu_backward_run(const T* x, const T* dy, T* dx, std::size_t n, T slope, channel_sum& channel) {
    run_accumulator<T> acc;
#if RECTIFY_DETAIL_SIMD
    const batch<T> s(slope);
    transform(n, dx, [&](const batch<T>& xv, const batch<T>& g) {
        acc.add(weight_grad_term(xv, g));
        return leaky_backward(xv, g, s);
    }, x, dy);
#else
    const LeakyReLU act{static_cast<double>(slope)};
    transform(n, dx, [&](T xv, T g) {
        acc.add(weight_grad_term(xv, g));
        return act.backward(xv, g);
    }, x, dy);
#endif
    acc.fold_into(channel);
}

template <class T>
inline void prelu_forward(const T* x, const T* weight, std::size_t weight_size, T* y, ChannelShape s) {
    const std::size_t channels = s.channels;
    if (weight_size == 1) {
        forward_n(LeakyReLU{static_cast<double>(weight[0])}, x, y, s.outer * channels * s.inner);
    } else if (s.inner == 1) {
        for (std::size_t o = 0; o < s.outer; ++o) {
#if RECTIFY_DETAIL_SIMD
            transform(channels, y + o * channels, [](const batch<T>& xv, const batch<T>& w) {
                return leaky_forward(xv, w);
            }, x + o * channels, weight);
#else
            transform(channels, y + o * channels, [](T xv, T w) {
                return LeakyReLU{static_cast<double>(w)}(xv);
            }, x + o * channels, weight);
#endif
        }
    } else {
        for (std::size_t o = 0; o < s.outer; ++o)
            for (std::size_t c = 0; c < channels; ++c) {
                const std::size_t offset = (o * channels + c) * s.inner;
                forward_n(LeakyReLU{static_cast<double>(weight[c])}, x + offset, y + offset, s.inner);
            }
    }
}

template <class T>
inline void prelu_backward(const T* x, const T* weight, std::size_t weight_size, const T* dy, T* dx,
                           T* dweight, ChannelShape s) {
    const std::size_t channels = s.channels;
    if (weight_size == 1) {
        channel_sum total;
        prelu_backward_run(x, dy, dx, s.outer * channels * s.inner, weight[0], total);
        dweight[0] = total.value<T>();
    } else if (s.inner == 1) {
        // Channels last: per-channel lane accumulators along the row. Each row is first summed
        // (it is still in cache when dx is written next), so that dx may alias dy.
        constexpr std::size_t W = lanes<T>;
        const std::size_t padded = (channels + W - 1) / W * W;
        std::vector<T> sums(padded, T(0)), comps(padded, T(0)), x_tail(W), dy_tail(W);
        const std::size_t body = channels / W * W;
        for (std::size_t o = 0; o < s.outer; ++o) {
            const T* xr = x + o * channels;
            const T* dyr = dy + o * channels;
            const auto accumulate = [&](std::size_t j, const T* xs, const T* dys) {
#if RECTIFY_DETAIL_SIMD
                compensated_sum<batch<T>> acc(batch<T>::load_unaligned(sums.data() + j));
                acc.comp = batch<T>::load_unaligned(comps.data() + j);
                acc.add(weight_grad_term(batch<T>::load_unaligned(xs), batch<T>::load_unaligned(dys)));
                acc.sum.store_unaligned(sums.data() + j);
                acc.comp.store_unaligned(comps.data() + j);
#else
                compensated_sum<T> acc(sums[j]);
                acc.comp = comps[j];
                acc.add(weight_grad_term(*xs, *dys));
                sums[j] = acc.sum;
                comps[j] = acc.comp;
#endif
            };
            for (std::size_t j = 0; j < body; j += W) accumulate(j, xr + j, dyr + j);
            if (body < channels) {
                std::fill(x_tail.begin(), x_tail.end(), T(0));  // 0 * 0 adds nothing
                std::fill(dy_tail.begin(), dy_tail.end(), T(0));
                std::copy(xr + body, xr + channels, x_tail.begin());
                std::copy(dyr + body, dyr + channels, dy_tail.begin());
                accumulate(body, x_tail.data(), dy_tail.data());
            }
#if RECTIFY_DETAIL_SIMD
            transform(channels, dx + o * channels, [](const batch<T>& xv, const batch<T>& g, const batch<T>& w) {
                return leaky_backward(xv, g, w);
            }, xr, dyr, weight);
#else
            transform(channels, dx + o * channels, [](T xv, T g, T w) {
                return LeakyReLU{static_cast<double>(w)}.backward(xv, g);
            }, xr, dyr, weight);
#endif
        }
        for (std::size_t c = 0; c < channels; ++c) {
            channel_sum total;
            total.add_lane(sums[c], comps[c]);
            dweight[c] = total.value<T>();
        }
    } else {
        std::vector<channel_sum> totals(channels);
        for (std::size_t o = 0; o < s.outer; ++o)
            for (std::size_t c = 0; c < channels; ++c) {
                const std::size_t offset = (o * channels + c) * s.inner;
                prelu_backward_run(x + offset, dy + offset, dx + offset, s.inner, weight[c], totals[c]);
            }
        for (std::size_t c = 0; c < channels; ++c) dweight[c] = totals[c].value<T>();
    }
}

}  // namespace rectify::detail
