// rectify/detail/activation_batch.hpp — each activation's math on xsimd batches.
//
// batch_math<Act, T> is built once per kernel call from the activation (its double parameters
// converted to T there, as the scalar math converts them) and gives forward(x) and
// backward(x, dy) on batch<T, A> for any arch A. The formulas and comparisons are the ones of
// activations.hpp, lane by lane; ReLU, Leaky ReLU (and PReLU, which is Leaky ReLU with a slope per
// lane) agree with the scalar math bit for bit, ELU and SiLU within the bounds in the README.
// A new activation adds its specialization here; the loops pick it up unchanged.
#pragma once

#include "../activations.hpp"
#include "vector_math.hpp"

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail {

template <class Act, class T>
struct batch_math;  // no definition: an activation without batch math does not compile

template <class T>
struct batch_math<ReLU, T> {
    explicit batch_math(const ReLU&) {}

    template <class A>
    xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        // A select on x < 0, not xsimd::max (which turns NaN into 0): -0 and NaN pass through.
        return xsimd::select(x < B(T(0)), B(T(0)), x);
    }
    template <class A>
    xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return xsimd::select(x <= B(T(0)), B(T(0)), dy);  // NaN x: dy
    }
};

// Leaky ReLU's lane math with the slope given per lane; PReLU's channels-last kernel passes a
// batch of per-channel weights, Leaky ReLU and per-channel PReLU a broadcast slope.
template <class T, class A>
inline xsimd::batch<T, A> leaky_forward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& slope) {
    return xsimd::select(x > xsimd::batch<T, A>(T(0)), x, x * slope);  // NaN x: NaN * slope
}
template <class T, class A>
inline xsimd::batch<T, A> leaky_backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy,
                                         const xsimd::batch<T, A>& slope) {
    return xsimd::select(x > xsimd::batch<T, A>(T(0)), dy, dy * slope);
}

template <class T>
struct batch_math<LeakyReLU, T> {
    T slope;
    explicit batch_math(const LeakyReLU& act) : slope(static_cast<T>(act.negative_slope)) {}

    template <class A>
    xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        return leaky_forward(x, xsimd::batch<T, A>(slope));
    }
    template <class A>
    xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return leaky_backward(x, dy, xsimd::batch<T, A>(slope));
    }
};

template <class T>
struct batch_math<ELU, T> {
    T alpha;
    explicit batch_math(const ELU& act) : alpha(static_cast<T>(act.alpha)) {}

    template <class A>
    xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        const auto positive = x > B(T(0));
        // expm1 on the non-positive lanes only (positive ones take x); NaN stays in the expm1 lane.
        const B negative_part = B(alpha) * expm1_nonpositive(xsimd::select(positive, B(T(0)), x));
        return xsimd::select(positive, x, negative_part);
    }
    template <class A>
    xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        const auto positive = x > B(T(0));
        const B e = exp_nonpositive_flushed(xsimd::select(positive, B(T(0)), x));
        return xsimd::select(positive, dy, dy * B(alpha) * e);  // at 0: alpha * dy; NaN x: NaN
    }
};

template <class T>
struct batch_math<SiLU, T> {
    explicit batch_math(const SiLU&) {}

    template <class A>
    xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B one(T(1));
        // silu(x) = x / (1 + exp(-x)), with exp(-x) = 2^k * (1 + q). Beyond |x| = -silu_floor the
        // result is x (right) or rounds to -0 (left, -inf included): clamp there, keeping NaN.
        const B limit(-C::silu_floor);
        const B xc = xsimd::select(x < -limit, -limit, x);
        const B z = xsimd::select(xc > limit, -limit, -xc);
        const auto [k, q] = reduce_exp(z);
        // Right (x >= 0, k <= 0): the denominator 1 + 2^k + 2^k*q rounds once while 1 + 2^k is
        // exact; below, 2^k is under the ULP of 1 and 1 + q's rounding does not matter.
        const B s = pow2(xsimd::max(k, B(C::scale_split)));  // k is never NaN for non-NaN x
        const B right_den = xsimd::select(k < B(T(-C::mantissa_bits)), xsimd::fma(s, q + one, one),
                                          xsimd::fma(s, q, one + s));
        const B right = xc / right_den;
        // Left (x < 0, k >= 0): x / (1 + 2^k (1 + q)) = x / (2^-k + 1 + q) * 2^-k, so exp(-x) never
        // overflows; 2^-k + 1 is exact while k <= mantissa_bits, else 2^-k only grazes q. The
        // factor 2^-k goes last, split so that the first product stays normal (exact) and the
        // second rounds once into the denormals where the result is tiny.
        const B k_high = xsimd::min(k, B(-C::scale_split));
        const B t = pow2(-k_high);
        const B left_den = xsimd::select(k > B(T(C::mantissa_bits)), one + (q + t), (one + t) + q);
        const B left = (xc / left_den * t) * pow2(k_high - k);
        return xsimd::select(xc < B(T(0)), left, right);  // NaN: right = NaN / den
    }

    template <class A>
    xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // Beyond the flush limit the gradient is exactly 1 (right) or 0 (left), as in the scalar
        // math (activations.hpp, gradient_flush_limit); x is clamped so that x * e stays finite.
        // NaN stays NaN.
        const B limit(-C::exp_floor);
        const auto above = x > limit;
        const auto below = x < -limit;
        const B xc = xsimd::select(above, limit, xsimd::select(below, -limit, x));
        const B e = exp_nonpositive_flushed(-xsimd::abs(xc));
        const B d = B(T(1)) + e;
        const B d2 = d * d;
        // s * (1 + x * s(-x)) without the cancellation of 1 - s (activations.hpp, silu_grad):
        const B right = (d + xc * e) / d2;
        const B left = e * (d + xc) / d2;
        const B grad = xsimd::select(above, B(T(1)), xsimd::select(below, B(T(0)), xsimd::select(xc < B(T(0)), left, right)));
        return dy * grad;
    }
};

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
