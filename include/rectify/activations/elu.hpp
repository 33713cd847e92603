// rectify/activations/elu.hpp — ELU: y = x > 0 ? x : alpha * expm1(x), PyTorch's definition with
// expm1 in place of its exp(x) - 1 (docs/SEMANTICS.md). The exp family's model: the CELU and SELU
// of activations/celu.hpp build on its pieces.
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout).
#if !defined(RECTIFY_ACTIVATIONS_ELU_HPP)
#define RECTIFY_ACTIVATIONS_ELU_HPP

#include "../scalar_math.hpp"
#include "parameters.hpp"

namespace rectify {

// ELU: y = x > 0 ? x : alpha * expm1(x), dx = x > 0 ? dy : dy * alpha * exp(x). PyTorch computes
// exp(x) - 1, which cancels near 0; rectify uses expm1 (docs/SEMANTICS.md lists the deviation).
// Every x is valid (elu(-inf) = -alpha, NaN in, NaN out; docs/SEMANTICS.md), any alpha.
// Accuracy of operator(), backward and the array kernels (docs/ACCURACY.md): forward within 1 ULP
// for alpha a power of two (1 by default), 2.5 ULP for any other alpha; backward
// |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), exp(x) counted as 0 below
// -gradient_flush_limit<T>.
struct ELU {
    double alpha = 1.0;

    static constexpr const char* name = "ELU";
    static constexpr int operations = 41;  // expm1: range reduction, a polynomial, 2^n; selects
    // Forward bound in ULP (float and double), docs/ACCURACY.md.
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const {
        return alpha == 1.0 || alpha == 2.0 || alpha == 0.5 || alpha == 4.0 || alpha == 0.25 ? 1.0 : 2.5;
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        return forward_in<scalar_math::arithmetic_for<T>>(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        return backward_in<scalar_math::arithmetic_for<T>>(x, dy);
    }

    // The formulas, in the arithmetic A (scalar_math::in_double or in_float).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T forward_in(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        using W = typename A::type;
        // NaN > 0 is false: expm1(NaN) = NaN. expm1(-0) = -0, so elu(-0) = -0 (for alpha > 0).
        // expm1(-inf) = -1: elu(-inf) = -alpha.
        return x > T(0) ? x
                        : static_cast<T>(A::mul(static_cast<W>(static_cast<T>(alpha)), A::expm1(static_cast<W>(x))));
    }
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        using W = typename A::type;
        // The gradient at 0 is alpha * dy; at NaN it is NaN (exp(NaN)), on every path.
        if (x > T(0)) return dy;
        // exp(x) counts as 0 below -gradient_flush_limit<T> (see there).
        const W e = x < static_cast<T>(-scalar_math::gradient_flush_limit<T>) ? W(0) : A::exp(static_cast<W>(x));
        return static_cast<T>(A::mul(A::mul(static_cast<W>(dy), static_cast<W>(static_cast<T>(alpha))), e));
    }

    // From the saved output y = f(x), for alpha >= 0 (validate_from_output): y > 0 exactly when
    // x > 0, and for x <= 0, alpha * exp(x) = alpha * expm1(x) + alpha = y + alpha. PyTorch's in-place
    // formula, but written y > 0 ? dy : ... so that a NaN y gives NaN, as the gradient from x does.
    // y + alpha is alpha * exp(x) up to y's rounding: within (4 + 4 * alpha) * eps * max(|dx|, |dy|).
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        return y > T(0) ? dy : dy * (y + static_cast<T>(alpha));
    }
    // PyTorch refuses the in-place backward for a negative alpha (y is then not monotonic in x).
    void validate_from_output(const char* function) const {
        if (!(alpha >= 0.0))
            detail::bad_parameter(function, "ELU alpha", alpha,
                                  "the output determines the gradient only for alpha >= 0 (keep x and call "
                                  "rectify::backward)");
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_ELU_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_ELU_VECTOR)
#define RECTIFY_ACTIVATIONS_ELU_VECTOR

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// ELU's range limit: expm1 rounds to -1 below -17.33 (float) / -37.43 (double); clamping there keeps
// n >= -26 / -55, so the single ln2 constant of with_exp_parts stays accurate.
template <class T>
inline constexpr T elu_floor = sizeof(T) == 4 ? T(-18) : T(-38);

template <class T>
struct batch_math<ELU, T> {
    T alpha;
    bool unit_alpha;  // PyTorch's default; the branch on it is the same for every batch of a call
    explicit batch_math(const ELU& act) : alpha(static_cast<T>(act.alpha)), unit_alpha(alpha == T(1)) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        const B sign_bit(T(-0.0));
        // expm1 of -|x|, clamped where it rounds to -1: positive lanes (which take x) stay in range
        // too, so no lane computes anything outside it. max(floor, v) keeps a NaN v (x86 operand
        // order), so NaN goes through expm1 and stays NaN.
        const B z = xsimd::max(B(elu_floor<T>), xsimd::bitwise_or(x, sign_bit));
        // expm1(-0) = -0: the polynomial gives +0 there, so x's sign bit goes back on (a no-op for
        // every other non-positive x, whose expm1 is negative already).
        const B e = xsimd::bitwise_or(expm1_bounded(z), xsimd::bitwise_and(x, sign_bit));
        if constexpr (max_keeps_second_operand) {
            // With alpha = 1, max(x, e) is the select: expm1(x) >= x for x <= 0 (e^x >= 1 + x; where
            // the rounded e falls below x, x is the closer of the two), and expm1(-x) < 0 < x for
            // x > 0. A NaN x has a NaN e, which max returns (second operand).
            if (unit_alpha) return xsimd::max(x, e);
        }
        return detail::select(x > B(T(0)), x, B(alpha) * e);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B floor(C::exp_floor);
        const B z = xsimd::max(floor, xsimd::bitwise_or(x, B(T(-0.0))));  // -|x| within range; NaN kept
        // exp(x) counts as 0 below the flush limit, as in the scalar math (dy * 0: NaN for an
        // infinite dy there).
        const B e = detail::select(x < floor, B(T(0)), exp_bounded(z));
        return detail::select(x > B(T(0)), dy, dy * B(alpha) * e);  // at 0: alpha * dy; NaN x: NaN
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(y > B(T(0)), dy, dy * (y + B(alpha)));  // as the scalar form
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_ELU_VECTOR
