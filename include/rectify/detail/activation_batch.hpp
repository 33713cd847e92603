// rectify/detail/activation_batch.hpp — each activation's math on xsimd batches.
//
// batch_math<Act, T> is built once per kernel call from the activation (its double parameters
// converted to T there, as the scalar math converts them) and gives forward(x) and
// backward(x, dy) on batch<T, A> for any arch A. The formulas and comparisons are the ones of
// activations.hpp, lane by lane; ReLU, Leaky ReLU (and PReLU, which is Leaky ReLU with a slope per
// lane) agree with the scalar math bit for bit, ELU and SiLU within the bounds of docs/ACCURACY.md.
// A new activation adds its specialization here; the loops pick it up unchanged.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "../activations.hpp"
#include "../half.hpp"
#include "vector_math.hpp"

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class Act, class T>
struct batch_math;  // no definition: an activation without batch math does not compile

template <class T>
struct batch_math<ReLU, T> {
    explicit batch_math(const ReLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        if constexpr (max_keeps_second_operand) {
            // One instruction: x86's max(0, x) returns its second operand x when x is NaN and when
            // the two compare equal (x = -0), which is PyTorch's x < 0 ? 0 : x exactly.
            return xsimd::max(B(T(0)), x);
        } else {
            return detail::select(x < B(T(0)), B(T(0)), x);  // -0 and NaN pass through
        }
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(x <= B(T(0)), B(T(0)), dy);  // NaN x: dy
    }
};

// ReLU on bfloat16 or half needs no arithmetic: its result is x or +0 (forward), dy or +0
// (backward). So it runs on the 16-bit patterns as int16 lanes, twice as many per batch as float
// lanes and with no widening and rounding, and gives the bits the float math gives on the widened
// values rounded once: every value unchanged, a NaN with its quiet bit set (as the rounding sets
// it). As signed 16-bit integers the patterns come in this order: -0 (INT16_MIN); the negative
// values, -denorm_min (INT16_MIN + 1) to -inf (negative_infinity); the negative NaNs (up to -1);
// +0 (0); the positive values up to +inf; the positive NaNs.
template <class Act, class S>
struct bits_math;  // defined where an activation's result is always one of its inputs or zero
template <class Act, class S>
inline constexpr bool has_bits_math = false;
template <class S>
inline constexpr bool has_bits_math<ReLU, S> = is_16bit<S>;

template <class S>
struct bits_math<ReLU, S> {
    using I = std::int16_t;
    static constexpr I infinity_bits = static_cast<I>(std::numeric_limits<S>::infinity().bits());
    static constexpr I negative_infinity = static_cast<I>(0x8000u | std::numeric_limits<S>::infinity().bits());
    static constexpr I quiet_bit = static_cast<I>(std::numeric_limits<S>::quiet_NaN().bits() & ~std::numeric_limits<S>::infinity().bits());

    explicit bits_math(const ReLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<I, A> forward(const xsimd::batch<I, A>& x) const {
        using B = xsimd::batch<I, A>;
        // x < 0: below -0 and not a NaN; -0 and NaN pass (NaN quieted).
        const auto negative = (x > B(std::numeric_limits<I>::min())) & (x <= B(negative_infinity));
        return detail::select(negative, B(I(0)), quieted(x));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<I, A> backward(const xsimd::batch<I, A>& x, const xsimd::batch<I, A>& dy) const {
        using B = xsimd::batch<I, A>;
        // x <= 0: +0, or -0 through -inf; a NaN x is not, and gives dy.
        const auto non_positive = (x == B(I(0))) | (x <= B(negative_infinity));
        return detail::select(non_positive, B(I(0)), quieted(dy));
    }

private:
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<I, A> quieted(const xsimd::batch<I, A>& v) {
        using B = xsimd::batch<I, A>;
        const auto nan = (v & B(I(0x7FFF))) > B(infinity_bits);
        return detail::select(nan, v | B(quiet_bit), v);
    }
};

// v * slope where !(x > 0) (x <= 0 or NaN), v elsewhere: Leaky ReLU's forward (v = x) and backward
// (v = dy). On AVX-512 one compare and one masked multiply, the product written only into the
// selected lanes; elsewhere xsimd's compare, multiply and blend (GCC does not fold the blend into
// the multiply's mask: 3 instructions a batch against 2). The same bits either way.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> scaled_where_not_positive(const xsimd::batch<T, A>& x,
                                                                        const xsimd::batch<T, A>& v,
                                                                        const xsimd::batch<T, A>& slope) {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
        const __mmask16 m = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NGT_UQ);  // NaN: true
        return xsimd::batch<T, A>(_mm512_mask_mul_ps(v, m, v, slope));
    } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
        const __mmask8 m = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_NGT_UQ);
        return xsimd::batch<T, A>(_mm512_mask_mul_pd(v, m, v, slope));
    } else
#endif
        return detail::select(x > xsimd::batch<T, A>(T(0)), v, v * slope);
}

// Leaky ReLU's lane math with the slope given per lane; PReLU's channels-last kernel passes a
// batch of per-channel weights, Leaky ReLU and per-channel PReLU a broadcast slope.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_forward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& slope) {
    return scaled_where_not_positive(x, x, slope);  // NaN x: NaN * slope
}

// Whether leaky_forward_max_form gives leaky_forward's bits for this slope: 0 < slope <= 1 (every
// slope people use), on x86. The rounded product x * slope lies between x and 0 (rounding is
// monotonic), so max(x, x * slope) picks x for x > 0 (+inf too: slope * inf = inf) and the product
// for x < 0; ±0 give (±0) * slope either way, and for a NaN x the product, NaN, is the second
// operand, which x86's max returns. Not slope = 0: 0 * inf is NaN, which max would return for +inf.
template <class T>
constexpr bool leaky_max_form(T slope) {
    return max_keeps_second_operand && slope > T(0) && slope <= T(1);
}
// Two instructions without a mask (and without the copy a masked multiply needs to keep x): faster
// for bfloat16 PReLU channels first (batch_math per channel).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_forward_max_form(const xsimd::batch<T, A>& x,
                                                                     const xsimd::batch<T, A>& slope) {
    return xsimd::max(x, x * slope);
}
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy,
                                         const xsimd::batch<T, A>& slope) {
    return scaled_where_not_positive(x, dy, slope);
}

template <class T>
struct batch_math<LeakyReLU, T> {
    T slope;
    bool max_form;  // leaky_max_form(slope); the branch on it is the same for every batch of a call
    explicit batch_math(const LeakyReLU& act)
        : slope(static_cast<T>(act.negative_slope)), max_form(leaky_max_form(slope)) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        const xsimd::batch<T, A> s(slope);
        return max_form ? leaky_forward_max_form(x, s) : leaky_forward(x, s);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return leaky_backward(x, dy, xsimd::batch<T, A>(slope));
    }
};

template <class T>
struct batch_math<ELU, T> {
    T alpha;
    bool unit_alpha;  // PyTorch's default; the branch on it is the same for every batch of a call
    explicit batch_math(const ELU& act) : alpha(static_cast<T>(act.alpha)), unit_alpha(alpha == T(1)) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B sign_bit(T(-0.0));
        // expm1 of -|x|, clamped where it rounds to -1: positive lanes (which take x) stay in range
        // too, so no lane computes anything outside it. max(floor, v) keeps a NaN v (x86 operand
        // order), so NaN goes through expm1 and stays NaN.
        const B z = xsimd::max(B(C::elu_floor), xsimd::bitwise_or(x, sign_bit));
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
};

template <class T>
struct batch_math<SiLU, T> {
    explicit batch_math(const SiLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // silu(x) = x / (1 + exp(-x)), exp(-x) = 2^n (1 + q). While n < digits (x > silu_left),
        // 1 + 2^n is exact and the denominator 2^n*q + (1 + 2^n) rounds once: one division and
        // within 2 ULP in all (1.74 ULP measured over all 2^32 floats, 1.63 for double on the
        // sampled inputs: docs/ACCURACY.md). Left of that 1 + 2^n would round too; those lanes,
        // rare in practice, take the left formula, and a vector without them skips it. For
        // x > right_limit exp(-x) is clamped at exp(-right_limit), far below the ULP of 1: the
        // result is x (+inf too).
        // NaN: max(-right_limit, NaN) keeps the NaN (x86 operand order) and x / NaN is NaN.
        // Double on AVX-512: the denominator by the table, rounded once as well (vector_math.hpp),
        // with five multiply-adds fewer.
        const B right_limit(-C::exp_floor);
        const B z = xsimd::max(-right_limit, xsimd::bitwise_xor(x, B(T(-0.0))));
        B y;
        if constexpr (std::is_same_v<T, double> && has_one_permute_table<T, A>) {
            y = x / one_plus_exp_by_table(z);
        } else {
            y = with_exp_parts<ln2_split::two_part>(z, [&x](const B&, const B& s, const B& q) {
                return x / detail::fma(s, q, s + B(T(1)));
            });
        }
        const auto left = x < B(C::silu_left);
        if (xsimd::any(left)) return detail::select(left, forward_left(x), y);
        return y;
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // Beyond the flush limit the gradient is exactly 1 (right) or 0 (left), as in the scalar
        // math (activations.hpp, gradient_flush_limit): x is clamped there, where the formula below
        // gives exactly 1 on the right, and the left is set to 0. NaN stays NaN (operand order).
        const B limit(-C::exp_floor);
        const B xc = xsimd::min(limit, xsimd::max(-limit, x));
        // exp(-|x|), -|x| as min(-x, x): for a NaN x that is x's NaN itself (x86 returns the second
        // operand), not the NaN with its sign flipped that an or of the sign bit gives. With two
        // NaNs of opposite signs in one expression below, which one came out depended on the operand
        // order the compiler chose, which differed between a batch and the padded tail (GCC -Og).
        const B e = exp_bounded(xsimd::min(-xc, xc));
        const B d = B(T(1)) + e;
        // s * (1 + x * s(-x)) without the cancellation of 1 - s (activations.hpp, silu_grad), in one
        // expression: x >= 0: (d + x*e) / d^2; x < 0: e * (d + x) / d^2 = (e*d + x*e) / d^2.
        const B leading = detail::select(xc < B(T(0)), e * d, d);
        const B grad = detail::fma(xc, e, leading) / (d * d);
        return dy * detail::select(x < -limit, B(T(0)), grad);
    }

private:
    // x < silu_left (and -inf): x / (1 + 2^k (1 + q)) = x / (2^-k + 1 + q) * 2^-k, so exp(-x) never
    // overflows; 2^-k only grazes 1 + q there (k >= digits). The factor 2^-k goes last, split so that
    // the first product stays normal (exact) and the second rounds once into the denormals where
    // the result is tiny. Below silu_floor the result is -0.
    template <class A>
    static xsimd::batch<T, A> forward_left(const xsimd::batch<T, A>& x) {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B xc = xsimd::max(B(C::silu_floor), x);
        return with_exp_parts<ln2_split::compensated>(-xc, [&xc](const B& k, const B&, const B& q) {
            const B k_high = xsimd::min(k, B(-C::scale_split));
            const B t = pow2(-k_high);
            return (xc / (B(T(1)) + (q + t)) * t) * pow2(k_high - k);
        });
    }
};

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
