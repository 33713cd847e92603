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

namespace rectify::detail {

// Neumaier's compensated sum: `comp` collects the rounding error of every addition, whatever the
// magnitudes' order. V is a scalar or a batch (lane-wise sums).
inline double lane_select(bool c, double a, double b) { return c ? a : b; }
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

// dweight is summed in double lanes: for float the products x*dy are exact there (and cannot
// overflow), for double each rounds once.
#if RECTIFY_DETAIL_SIMD
using sum_batch = batch<double>;
template <class T>
inline sum_batch load_wide(const T* p) {
    return sum_batch::load_unaligned(p);  // float -> double converts
}
inline sum_batch weight_grad_term(const sum_batch& x, const sum_batch& dy) {
    return xsimd::select(x > sum_batch(0.0), sum_batch(0.0), x * dy);
}
#else
using sum_batch = double;
template <class T>
inline sum_batch load_wide(const T* p) {
    return static_cast<double>(*p);
}
inline double weight_grad_term(double x, double dy) { return x > 0.0 ? 0.0 : x * dy; }
#endif
inline constexpr std::size_t sum_lanes = lanes<double>;

// Four lane-wise sums used round-robin (independent additions), in a fixed order. For float the
// products are exact in double and a plain double sum is far inside the bound (each lane adds
// n/16 terms or fewer: n * 2^-53 / 16 stays below eps_float/4 up to 2^32 elements); for double the
// additions are compensated.
template <class T>
struct lane_sums {
    static constexpr bool compensated = !std::is_same_v<T, float>;
    compensated_sum<sum_batch> parts[4] = {compensated_sum<sum_batch>(sum_batch(0.0)),
                                           compensated_sum<sum_batch>(sum_batch(0.0)),
                                           compensated_sum<sum_batch>(sum_batch(0.0)),
                                           compensated_sum<sum_batch>(sum_batch(0.0))};
    unsigned next = 0;
    void add(const sum_batch& v) {
        auto& part = parts[next++ & 3u];
        if constexpr (compensated) part.add(v);
        else part.sum += v;
    }

    // Sums of x*dy over !(x > 0), for n elements.
    void add_terms(const T* x, const T* dy, std::size_t n) {
        std::size_t i = 0;
        for (; i + sum_lanes <= n; i += sum_lanes) add(weight_grad_term(load_wide(x + i), load_wide(dy + i)));
        if (i < n) {
            T x_tail[sum_lanes] = {};  // zeros: 0 * 0 adds nothing
            T dy_tail[sum_lanes] = {};
            std::copy(x + i, x + n, x_tail);
            std::copy(dy + i, dy + n, dy_tail);
            add(weight_grad_term(load_wide(x_tail), load_wide(dy_tail)));
        }
    }

    void fold_into(channel_sum& channel) const {
        // The four parts first, lane by lane (their compensations simply add), then the lanes.
        compensated_sum<sum_batch> total = parts[0];
        for (int k = 1; k < 4; ++k) {
            total.add(parts[k].sum);
            total.comp += parts[k].comp;
        }
        double sums[sum_lanes];
        double comps[sum_lanes];
#if RECTIFY_DETAIL_SIMD
        total.sum.store_unaligned(sums);
        total.comp.store_unaligned(comps);
#else
        sums[0] = total.sum;
        comps[0] = total.comp;
#endif
        for (std::size_t l = 0; l < sum_lanes; ++l) channel.add_lane(sums[l], comps[l]);
    }
};

// dx = x > 0 ? dy : slope*dy over one run, adding the run's weight-gradient terms to `channel`.
// Blocks small enough to stay in L1 are summed first and then written, so dx may alias dy.
template <class T>
inline void prelu_backward_run(const T* x, const T* dy, T* dx, std::size_t n, T slope, channel_sum& channel) {
    constexpr std::size_t block = 2048;  // a multiple of every batch width: tails only at the end
    lane_sums<T> acc;
#if RECTIFY_DETAIL_SIMD
    const batch<T> s(slope);
    const auto op = [&s](const batch<T>& xv, const batch<T>& g) { return leaky_backward(xv, g, s); };
#else
    const LeakyReLU act{static_cast<double>(slope)};
    const auto op = [&act](T xv, T g) { return act.backward(xv, g); };
#endif
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t len = std::min(block, n - b);
        acc.add_terms(x + b, dy + b, len);
        transform(len, dx + b, op, x + b, dy + b);
    }
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
        // Channels last: per-channel compensated sums along the row, in double lanes. Each row is
        // summed first (it is still in cache when dx is written next), so that dx may alias dy.
        constexpr std::size_t W = sum_lanes;
        const std::size_t padded = (channels + W - 1) / W * W;
        std::vector<double> sums(padded, 0.0), comps(padded, 0.0);
        const std::size_t body = channels / W * W;
        for (std::size_t o = 0; o < s.outer; ++o) {
            const T* xr = x + o * channels;
            const T* dyr = dy + o * channels;
            const auto accumulate = [&](std::size_t j, const T* xs, const T* dys) {
#if RECTIFY_DETAIL_SIMD
                compensated_sum<sum_batch> acc(sum_batch::load_unaligned(sums.data() + j));
                acc.comp = sum_batch::load_unaligned(comps.data() + j);
                acc.add(weight_grad_term(load_wide(xs), load_wide(dys)));
                acc.sum.store_unaligned(sums.data() + j);
                acc.comp.store_unaligned(comps.data() + j);
#else
                compensated_sum<double> acc(sums[j]);
                acc.comp = comps[j];
                acc.add(weight_grad_term(load_wide(xs), load_wide(dys)));
                sums[j] = acc.sum;
                comps[j] = acc.comp;
#endif
            };
            for (std::size_t j = 0; j < body; j += W) accumulate(j, xr + j, dyr + j);
            if (body < channels) {
                T x_tail[W] = {};  // zeros: 0 * 0 adds nothing
                T dy_tail[W] = {};
                std::copy(xr + body, xr + channels, x_tail);
                std::copy(dyr + body, dyr + channels, dy_tail);
                accumulate(body, x_tail, dy_tail);
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
