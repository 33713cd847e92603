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
        // Below silu_floor the result rounds to -0 (-inf included): compute it at the floor.
        const B xc = xsimd::select(x < B(C::silu_floor), B(C::silu_floor), x);
        // e = exp(-|x|) = 2^n * m, with |x| clamped so that n stays in range (+inf included:
        // exp(-110) is already far below the ULP of 1 + e).
        const B a = xsimd::select(xsimd::abs(xc) > B(-C::silu_floor), B(-C::silu_floor), xsimd::abs(xc));
        const auto [n, q] = reduce_exp(-a);
        const B m = q + B(T(1));
        const B n_high = xsimd::max(n, B(C::scale_split));  // n is never NaN for non-NaN x
        const B n_low = n - n_high;
        const B scale_high = pow2(n_high);
        const B scale_low = pow2(n_low);
        const B e = (m * scale_high) * scale_low;
        const B d = B(T(1)) + e;
        // x >= 0: x * s(x) = x / (1 + e).
        const B right = xc / d;
        // x < 0: x * s(x) = x * e / (1 + e), with e's 2^n applied last: x*m/d * 2^n_high is exact
        // (normal), the final * 2^n_low rounds once, into the denormals where the result is tiny.
        const B left = ((xc * m) / d * scale_high) * scale_low;
        return xsimd::select(xc < B(T(0)), left, right);  // NaN: right = NaN / d
    }

    template <class A>
    xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // Beyond |x| = -exp_floor the gradient is 1 (right) or below eps (left) to within T's
        // precision; clamping keeps x * e finite at ±inf (inf * 0 would be NaN). NaN stays NaN.
        const B limit(-C::exp_floor);
        const B xc = xsimd::select(x > limit, limit, xsimd::select(x < -limit, -limit, x));
        const B e = exp_nonpositive_flushed(-xsimd::abs(xc));
        const B d = B(T(1)) + e;
        const B d2 = d * d;
        // s * (1 + x * s(-x)) without the cancellation of 1 - s (activations.hpp, silu_grad):
        const B right = (d + xc * e) / d2;
        const B left = e * (d + xc) / d2;
        return dy * xsimd::select(xc < B(T(0)), left, right);
    }
};

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
