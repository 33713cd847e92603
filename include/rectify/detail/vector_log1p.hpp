// rectify/detail/vector_log1p.hpp — log1p on xsimd batches of float or double, for arguments in
// [-1/2, 1] (log1p_bounded), with no range reduction: Softplus's log1p(exp(-|z|)) has its argument
// in (0, 1] (activations/softplus.hpp).
//
// The scheme of FreeBSD's log1p without its reduction: with s = f / (2 + f),
//   log1p(f) = 2 atanh(s) = 2s + s R(s^2) = f - s (f - R),    (2s = f - f s)
// R(z) = z P(z), z = s^2 <= 1/9 (|s| <= 1/3 on the range), P a minimax fit of the relative error
// (Remez, 60 digits, on z in [0, 0.1117], coefficients rounded to T):
//   float:  degree 4, relative error of P 3.0e-8 with the rounded coefficients; P enters log1p as
//           s R / (2 s) = R / 2 <= 0.04 P, so its share of the result's error is 1.2e-9 (0.02 ULP);
//   double: degree 10, 6.3e-17, share 2.6e-18 (0.02 ULP).
// The division's rounding (up to 2 eps relative in s, with 2 + f's) reaches the result through
// s (f - R) ~ f^2 / 2: at most 0.35 eps of it at f = 1, less below. No cancellation: for f >= 0
// every term has f's sign. Cost: one addition, one division, 7 (float) / 13 (double) multiplies
// and adds.
//
// Error of log1p_bounded for an exact f in [-1/2, 1] (every operation rounded to nearest; without
// FMA the two multiply-adds of the last lines are made accurate: fnma_accurate): within 1.1 ULP,
// measured 1.00 for float (every 61st float of the range, AVX-512 and SSE2) and 1.05 for double
// (3 * 10^6 points); Softplus measures its whole path (activations/softplus.hpp). NaN propagates;
// f = ±0 gives ±0 (s = ±0, f - s (f - R) = f + (-s) (±0)).
#pragma once

#include "simd.hpp"
#include "vector_math.hpp"     // horner, detail::fma
#include "vector_sigmoid.hpp"  // fused_negated_multiply_add

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
struct log1p_constants;

template <>
struct log1p_constants<float> {
    // P(z) for R(z) = z P(z) ~ 2 atanh(sqrt z) / sqrt z - 2 on z in [0, 0.1117] (see above).
    static constexpr float atanh_poly[] = {0x1.555556p-1f, 0x1.9998cep-2f, 0x1.24ca6cp-2f, 0x1.bc63e2p-3f,
                                           0x1.dc6ed6p-3f};
};

template <>
struct log1p_constants<double> {
    static constexpr double atanh_poly[] = {0x1.5555555555555p-1, 0x1.999999999993dp-2, 0x1.249249249a4f6p-2,
                                            0x1.c71c71be68cd8p-3, 0x1.745d19b00aff3p-3, 0x1.3b134d695d863p-3,
                                            0x1.111b13207eeb1p-3, 0x1.e099f810dd76ep-4, 0x1.bc7efbad752c7p-4,
                                            0x1.31a654d727cf4p-4, 0x1.414472e2d6fb9p-3};
};

// c - a * b rounded about once: the fused negated multiply-add where there is one
// (vector_sigmoid.hpp's fused_negated_multiply_add: one instruction, where detail::fma(-a, b, c)
// left GCC a separate negation); without it (SSE2) the product's rounding error by Dekker's product
// (Veltkamp's splits) and the sum's by Knuth's two-sum, added back: within half an ULP and a few
// 2^-digits of it, for |a|, |b| < 2^100 (the splits must not overflow). Twenty operations on SSE2,
// where the plain c - a * b would cost log1p_bounded up to 0.45 ULP more.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> fnma_accurate(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                              const xsimd::batch<T, A>& c) {
    using B = xsimd::batch<T, A>;
    if constexpr (fused_multiply_add) {
        return fused_negated_multiply_add(a, b, c);
    } else {
        const B splitter(sizeof(T) == 4 ? T(4097) : T(134217729));  // 2^12 + 1, 2^27 + 1
        const B na = -a;
        const B ac = na * splitter, bc = b * splitter;
        const B a_hi = ac - (ac - na), b_hi = bc - (bc - b);
        const B a_lo = na - a_hi, b_lo = b - b_hi;
        const B p = na * b;
        const B p_err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
        const B sum = p + c;
        const B bv = sum - p;
        const B sum_err = (p - (sum - bv)) + (c - bv);
        return sum + (p_err + sum_err);
    }
}

// log1p(f) for f in [-1/2, 1]: see above. NaN propagates.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> log1p_bounded(const xsimd::batch<T, A>& f) {
    using B = xsimd::batch<T, A>;
    const B s = f / (B(T(2)) + f);
    const B z = s * s;
    const B p = horner(z, log1p_constants<T>::atanh_poly);
    return fnma_accurate(s, fnma_accurate(z, p, f), f);  // f - s (f - R), R = z P
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_DETAIL_SIMD
