// rectify/detail/vector_sigmoid.hpp — the logistic sigmoid and num * sigmoid(z) on xsimd batches of
// float or double: the pieces of Sigmoid, Tanh and Swish (activations/sigmoid.hpp), for any other
// activation of the form x * sigmoid(z) (GELU's tanh form: x * sigmoid(2u)).
//
// What rounds, and why it is corrected. sigmoid(z) = 1 / (1 + exp(-z)) with exp(-z) = 2^n (1 + q)
// (vector_math.hpp's scheme: n an integer, q = expm1(r) by a polynomial): while |n| < digits,
// 1 + 2^n is exact and the denominator D = (1 + 2^n) + 2^n q rounds once, to d. That one rounding
// costs up to a whole ULP of the quotient where d lies just above a power of two (its relative
// half-ULP is twice the quotient's), and with the division's own half ULP and q's error the plain
// 1 / d measured 1.59 ULP over all floats: over Sigmoid's 1.5. So D is kept as d + d_lo (its
// rounding error, exact: 2^n q is exact, (1 + 2^n) - d is exact by Sterbenz) and the quotient gets
// one Newton step on the exact residual:
//   u ~ 1/d,  q0 = num u,  e = q0 d - num (exact with a fused multiply-add),  e += q0 d_lo,
//   result = q0 - e u        (num = 1: e = u d - 1, result = u - u (e + u d_lo))
// which rounds once more and leaves half an ULP plus q's own error (the residual's sign is the one
// that keeps a zero num's sign: -0 - (+0) = -0). u is the 14-bit estimate vrcp14 on AVX-512 float
// (the step squares its 2^-14 error to 2^-28, 0.06 ULP) and the correctly rounded division
// elsewhere. Without a fused multiply-add (SSE2, AVX) the residual's product is split exactly
// (Dekker), which is slower but gives the same accuracy. The plain quotient num / d stays
// available (times_sigmoid<..., corrected = false>): Swish takes it, with the compensated
// reduction, where its bound of 2 ULP leaves room (SiLU's scheme).
//
// The exponential's reduction r = -z - n ln2 is written as w = z + n ln2 = -r with expm1(-w) by the
// polynomial with its odd coefficients negated, so that -z is never formed (one operation less).
// z comes as z_hi + z_lo where it is not a float (Swish's beta x, kept exact by a fused
// multiply-add; z_lo = 0 otherwise): rounding z first would cost |z| 2^-24 relative in the tails.
//
// Accuracy (over all 2^32 floats with activations/sigmoid.hpp's kernels, double on dense sweeps;
// the figures are in activations/sigmoid.hpp beside each activation): sigmoid within 1.5 ULP (1.30
// measured), num * sigmoid(z) by the corrected quotient within 1.5 ULP of the product for exact num
// and z, by the plain one within 2 (Swish: 1.55 with the compensated reduction).
#pragma once

#include <cstddef>
#include <type_traits>

#include "simd.hpp"
#include "vector_math.hpp"

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// a * b - c exactly, where that difference is a T (the residual of a rounded quotient c / b ~ a,
// a Newton step's u d - 1): one fused multiply-add, or without one Dekker's exact product
// (Veltkamp's split of a and b into halves whose products are exact) and p - c exact by Sterbenz.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> exact_residual(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                               const xsimd::batch<T, A>& c) {
    using B = xsimd::batch<T, A>;
    if constexpr (fused_multiply_add) {
        return fused_multiply_subtract(a, b, c);
    } else {
        // 2^ceil(digits/2) + 1: a's high half has digits/2 bits, so the four partial products are exact.
        const B split(sizeof(T) == 4 ? T(4097) : T(134217729));
        const auto halves = [&split](const B& v, B& high, B& low) {
            const B scaled = v * split;
            high = scaled - (scaled - v);
            low = v - high;
        };
        B a_hi, a_lo, b_hi, b_lo;
        halves(a, a_hi, a_lo);
        halves(b, b_hi, b_lo);
        const B p = a * b;
        const B p_err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;  // a * b = p + p_err
        return (p - c) + p_err;
    }
}

// The sigmoid pieces' constants.
template <class T>
struct sigmoid_constants {
    // While |z| <= bounded_limit, n = round(-z log2e) has |n| <= digits - 1, and 1 + 2^n is exact.
    static constexpr T bounded_limit = sizeof(T) == 4 ? T(16) : T(36);
    // sigmoid(z) rounds to +0 below about -103.97 (float) / -745.13 (double); clamping there keeps
    // n >= -159 / -1097 in the tails, where 2^n is applied as 2^scale_split * 2^(n - scale_split).
    static constexpr T floor = sizeof(T) == 4 ? T(-110) : T(-760);
};

// P(-w) for expm1(-w) = -w + w^2 P(-w): vector_math.hpp's coefficients (P(r) of expm1(r) = r + r^2 P(r))
// with the odd powers' signs flipped, so that the polynomial runs on w = -r directly.
template <class T, std::size_t N>
struct reflected_coefficients {
    T c[N];
};
template <class T, std::size_t N>
constexpr reflected_coefficients<T, N> reflected(const T (&p)[N]) {
    reflected_coefficients<T, N> r{};
    for (std::size_t k = 0; k < N; ++k) r.c[k] = k % 2 ? -p[k] : p[k];
    return r;
}
template <class T>
inline constexpr auto expm1_reflected = reflected(exp_constants<T>::expm1_poly);
inline constexpr auto expm1_reflected_unfused = reflected(exp_constants<float>::expm1_poly_unfused);

template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> expm1_reflected_polynomial(const xsimd::batch<T, A>& w) {
    if constexpr (std::is_same_v<T, float> && !fused_multiply_add) return horner(w, expm1_reflected_unfused.c);
    else return horner(w, expm1_reflected<T>.c);
}

// exp(-z) = 2^n (1 + q) for z = z_hi + z_lo (with_low; else z = z_hi): returns use(n, 2^n, q), for
// |z_hi log2e| < 2^21 (NaN propagates into n, 2^n's bits and q; 2^n is garbage outside the normal
// exponent range and must be discarded or clamped by the caller). The reduction, as vector_math.hpp's
// with_exp_parts, on w = z + n ln2 = -r:
//   single:      w = z + n ln2_single, exact for float while |n| <= 23 (|z| <= 16: w is a multiple of
//                2^-24 below 1/2); its error n (ln2 - ln2_single) is 1.9e-9 |n| relative in exp(-z).
//                Without a fused multiply-add it is two_part;
//   two_part:    Cody-Waite, w rounds once (half an ULP of w, at most 2^-26 relative in exp(-z));
//   compensated: w's rounding error carried into q (Fast2Sum), for the tails' full accuracy.
// z_lo joins w's low part. q = expm1(-w) rounds once (the small terms first).
template <ln2_split split, bool with_low, class T, class A, class Use>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> with_exp_neg_parts(const xsimd::batch<T, A>& z_hi,
                                                                   const xsimd::batch<T, A>& z_lo, const Use& use) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    using U = xsimd::batch<typename C::bits_type, A>;
    const B magic(C::biased_round_magic);
    const B t = detail::fma(z_hi, B(-C::log2e), magic);  // n + bias in the low bits, n = round(-z log2e)
    const B n = t - magic;
    const B scale = xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(t) << C::mantissa_bits);
    if constexpr (split == ln2_split::compensated) {
        const B w_hi = detail::fma(n, B(C::ln2_hi), z_hi);  // exact: n ln2_hi is exact and close to -z
        const B w_lo = with_low ? detail::fma(n, B(C::ln2_lo), z_lo) : n * B(C::ln2_lo);
        const B w = w_hi + w_lo;
        const B w_err = (w_hi - w) + w_lo;
        // expm1(-(w + w_err)) = -w + w^2 P(-w) - w_err (1 - w) + ...
        const B small = detail::fma(w * w, expm1_reflected_polynomial(w), fused_multiply_subtract(w_err, w, w_err));
        return use(n, scale, small - w);
    } else {
        B w;
        if constexpr (split == ln2_split::single && fused_multiply_add) w = detail::fma(n, B(C::ln2_single), z_hi);
        else w = detail::fma(n, B(C::ln2_lo), detail::fma(n, B(C::ln2_hi), z_hi));
        if constexpr (with_low) w = w + z_lo;
        return use(n, scale, fused_multiply_subtract(w * w, expm1_reflected_polynomial(w), w));
    }
}

// u ~ 1/d for the Newton step below: vrcp14 (relative error 2^-14) on AVX-512 float, the correctly
// rounded division elsewhere (double needs more than one step from 14 bits; AVX2's 12-bit
// estimate would need a second).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> reciprocal_estimate(const xsimd::batch<T, A>& d) {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>)
        return xsimd::batch<T, A>(_mm512_rcp14_ps(d));
    else
#endif
        return xsimd::batch<T, A>(T(1)) / d;
}

// num / (1 + s (1 + q)) (unit_numerator: 1 / (1 + s (1 + q))) for s = 2^n with |n| <= digits - 1
// and |q| < 1/2, rounded about once (the header's comment): within half an ULP plus 2^-27 relative
// of the quotient of the given values. D = 1 + s + s q as d + d_lo: 2^n q is exact, and so is
// (1 + s) - d (Sterbenz: d / (1 + s) lies in [0.7, 1.41]). NaN propagates; q = ±0 and s = 1 give
// num / 2 exactly, signed zeros kept.
template <bool unit_numerator, class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> quotient_one_plus(const xsimd::batch<T, A>& num, const xsimd::batch<T, A>& s,
                                                                  const xsimd::batch<T, A>& q) {
    using B = xsimd::batch<T, A>;
    const B one_plus_s = s + B(T(1));
    const B d = detail::fma(s, q, one_plus_s);
    const B d_lo = detail::fma(s, q, one_plus_s - d);
    const B u = reciprocal_estimate(d);
    if constexpr (unit_numerator) {
        const B e = exact_residual(u, d, B(T(1)));  // u d - 1
        return fused_negated_multiply_add(u, detail::fma(u, d_lo, e), u);
    } else {
        // q0 - (q0 D - num) u, the residual's sign chosen so that a zero num keeps its sign
        // (-0 - (+0) = -0, where q0 + (+0) would give +0).
        const B q0 = num * u;
        const B e = exact_residual(q0, d, num);  // q0 d - num
        return fused_negated_multiply_add(detail::fma(q0, d_lo, e), u, q0);
    }
}

// sigmoid(x) for |x| > bounded_limit (and ±inf): E = exp(-|x|) <= 2^-23 (float) / 2^-52 (double),
// x < 0: E / (1 + E) = E - E^2 + ..., taken as E - E^2 with E = E_hi + E_lo exact (E_hi = 2^n (1 + q)
// rounded, E_lo its error, exact with a fused multiply-add: 2^n q is exact and 2^n - E_hi is exact),
// the sum rounding once before 2^n's last factor: within 0.84 ULP (float, all inputs), results
// into the denormals rounded once more (2^n split at scale_split, the first product normal);
// x > 0: 1 - E, within half an ULP. Below the floor sigmoid is +0; -inf gives +0, +inf 1.
template <class T, class A>
inline xsimd::batch<T, A> sigmoid_tails(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    const B minus_abs = xsimd::max(B(sigmoid_constants<T>::floor), xsimd::bitwise_or(x, B(T(-0.0))));
    return with_exp_neg_parts<ln2_split::compensated, false>(-minus_abs, minus_abs, [&x](const B& n, const B&, const B& q) {
        const B n_high = xsimd::max(n, B(C::scale_split));
        const B s = pow2(n_high);
        const B e_hi = detail::fma(s, q, s);
        const B e_lo = detail::fma(s, q, s - e_hi);
        const B rest = pow2(n - n_high);
        const B left = (e_hi + fused_negated_multiply_add(e_hi, e_hi, e_lo)) * rest;
        return detail::select(x < B(T(0)), left, B(T(1)) - e_hi * rest);
    });
}

// sigmoid(x) = 1 / (1 + exp(-x)) for every x: within 1.5 ULP (float: 1.30 measured over all 2^32
// inputs; double on the sampled inputs, activations/sigmoid.hpp). Float with a fused multiply-add
// reduces with the single ln2 constant (|n| <= 23 here), double with Cody-Waite. Lanes beyond
// bounded_limit take sigmoid_tails, and a vector without them skips it. NaN propagates (the tail
// test is false for NaN); sigmoid(±0) = 0.5.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> sigmoid(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    constexpr ln2_split split = std::is_same_v<T, float> ? ln2_split::single : ln2_split::two_part;
    const B y = with_exp_neg_parts<split, false>(x, x, [](const B&, const B& s, const B& q) {
        return quotient_one_plus<true>(s, s, q);
    });
    const auto tail = xsimd::abs(x) > B(sigmoid_constants<T>::bounded_limit);
    if (xsimd::any(tail)) return detail::select(tail, sigmoid_tails(x), y);
    return y;
}

// num * sigmoid(z) for z = z_hi + z_lo beyond bounded_limit (and ±inf z_hi; z_lo must be finite):
// E = exp(-|z|) <= 2^-23 (float) / 2^-52 (double).
//   z > 0: num (1 - E), 1 - E rounded first (2^-25 relative at most: within one ULP in all);
//   z < 0: num E (1 - E) = (num (1 + v) / 2) 2^(n+1), (1 + v) = (1 + q)(1 - E), the factor 2^(n+1)
//          applied in up to three normal steps (|num| may be anything, so the product may be normal
//          far below 2^-126): rounds once where the result is normal, at most twice (within one
//          denormal step) where it is not. Below z = -200 (-1500 for double), |num| E is below
//          half the smallest denormal for every finite num: the result is ±0 (num's sign; also
//          for an infinite num, the limit of x sigmoid(beta x) as beta x -> -inf).
// Within 1.5 ULP plus q's error (compensated reduction).
template <bool with_low, class T, class A>
inline xsimd::batch<T, A> times_sigmoid_tails(const xsimd::batch<T, A>& num, const xsimd::batch<T, A>& z_hi,
                                             const xsimd::batch<T, A>& z_lo) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    const B sign_bit(T(-0.0));
    const B floor(sizeof(T) == 4 ? T(-200) : T(-1500));
    // -|z| = a_hi + a_lo, clamped at the floor (where z_lo no longer matters).
    const B z_sign = xsimd::bitwise_and(z_hi, sign_bit);
    const B a_hi = xsimd::max(floor, xsimd::bitwise_or(z_hi, sign_bit));
    const B a_lo = with_low ? detail::select(a_hi > floor, xsimd::bitwise_xor(z_lo, xsimd::bitwise_xor(z_sign, sign_bit)), B(T(0)))
                            : B(T(0));
    return with_exp_neg_parts<ln2_split::compensated, with_low>(-a_hi, -a_lo, [&](const B& n, const B&, const B& q) {
        const B n1 = xsimd::max(n, B(C::scale_split));
        const B s1 = pow2(n1);
        const B e = detail::fma(s1, q, s1) * pow2(xsimd::max(n - n1, B(C::scale_split)));  // E, or a value far below num's ULP
        const B right = num * (B(T(1)) - e);  // 1 - E rounds to 2^-25 relative; an infinite num stays infinite
        // (1 + q)(1 - E) = 1 + v, v = q - E (1 + q); half of num (1 + v) cannot overflow.
        const B v = fused_negated_multiply_add(e, q, q - e);
        const B half = num * B(T(0.5));
        const B m = detail::fma(half, v, half);
        const B k = n + B(T(1));
        const B k1 = xsimd::max(k, B(C::scale_split));
        const B k2 = xsimd::max(k - k1, B(C::scale_split));
        const B scaled = ((m * pow2(k1)) * pow2(k2)) * pow2(k - k1 - k2);
        // Beyond the floor (z = -inf too) the result is ±0 with num's sign, an infinite num included.
        const B left = detail::select(a_hi > floor, scaled, xsimd::bitwise_and(num, sign_bit));
        return detail::select(z_hi > B(T(0)), right, left);
    });
}

// num * sigmoid(z_hi + z_lo) for every z (with_low; else z = z_hi): num / (1 + exp(-z)) by
// quotient_one_plus (within half an ULP plus q's error of the exact product for exact num and z)
// while |z_hi| <= bounded_limit, times_sigmoid_tails beyond (a vector without such lanes skips
// them). The reduction is Cody-Waite for both types (with z_lo, the single constant would gain
// nothing: z_lo rounds w anyway). NaN in num or z propagates.
template <bool with_low, bool corrected = true, ln2_split split = ln2_split::two_part, class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> times_sigmoid(const xsimd::batch<T, A>& num, const xsimd::batch<T, A>& z_hi,
                                                              const xsimd::batch<T, A>& z_lo) {
    using B = xsimd::batch<T, A>;
    const B y = with_exp_neg_parts<split, with_low>(z_hi, z_lo, [&num](const B&, const B& s, const B& q) {
        if constexpr (corrected) return quotient_one_plus<false>(num, s, q);
        else return num / detail::fma(s, q, s + B(T(1)));
    });
    const auto tail = xsimd::abs(z_hi) > B(sigmoid_constants<T>::bounded_limit);
    if (xsimd::any(tail)) return detail::select(tail, times_sigmoid_tails<with_low>(num, z_hi, z_lo), y);
    return y;
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_DETAIL_SIMD
