// rectify/detail/vector_math.hpp — exp and expm1 on xsimd batches of float or double.
//
// The classic scheme: z = n*ln2 + r with n an integer and |r| <= ln2/2, expm1(r) by a minimax
// polynomial, and 2^n built in the exponent bits. xsimd's own exp is not used because the
// activations need the pieces: ELU needs expm1 without the cancellation of exp(z) - 1, SiLU needs
// the denominator 1 + exp(z) fused, and the far-left SiLU needs 2^n applied last so that its tiny
// results round once into the denormals.
//
// What it costs is what sets the speed of ELU and SiLU (they are compute-bound until the data
// leave the cache), so every operation is counted:
//   - n and 2^n come from one fused multiply-add: z*log2e + (1.5*2^p + bias) rounds z*log2e to an
//     integer and leaves n + bias in the low mantissa bits, so 2^n is that value shifted into the
//     exponent field (one shift), and n is the same value minus the constant (one subtraction);
//   - r = z - n*ln2 is one fused multiply-add with a single ln2 constant where |n| is small enough
//     for n*(ln2 - ln2_rounded) not to matter (ELU, gradients), two (Cody–Waite) elsewhere;
//   - expm1(r) = r + r^2 * P(r), P a minimax polynomial (degree 4 for float, 10 for double).
//
// Accuracy: every kernel built on these is checked against the correctly rounded value by
// tests/test_accuracy.cpp (float: all 2^32 inputs in the exhaustive test) with the bounds stated in
// the README; the polynomials' own errors are given beside their coefficients.
#pragma once

#include "../activations.hpp"
#include "simd.hpp"

#if RECTIFY_DETAIL_SIMD

#include <cstdint>

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    using bits_type = std::uint32_t;
    static constexpr int mantissa_bits = 23;
    static constexpr float log2e = 1.44269504088896341f;
    // 1.5 * 2^23 + 127: z*log2e + this rounds z*log2e to an integer n (ties to even) and leaves
    // n + 127 (the biased exponent of 2^n) in the low mantissa bits, for |n| < 2^21.
    static constexpr float biased_round_magic = 12583039.0f;
    // ln2 rounded to float; n*ln2 is exact inside an FMA and z - n*ln2 is a float (|z| >= 1/4
    // whenever n != 0), so r's only error is n*(ln2 - ln2_single) < 26 * 1.9e-9 for ELU's range.
    static constexpr float ln2_single = 0.693147182464599609375f;
    // Cody–Waite split for larger |n| (Cephes expf): ln2_hi has 9 significant bits, so n*ln2_hi and
    // z - n*ln2_hi are exact for |n| < 2^15; ln2_lo = ln2 - ln2_hi rounded to float.
    static constexpr float ln2_hi = 0.693359375f;
    static constexpr float ln2_lo = -2.12194440e-4f;
    // expm1(r) = r + r^2*P(r) on |r| <= 0.3467 (just over ln2/2), P(r) = c2 + c3 r + ... + c6 r^4:
    // coefficients of a minimax fit of the relative error of expm1, each rounded to float in turn
    // with the rest refitted (Lawson's iteration, 34 digits); relative error 1.37e-8 (0.23 ULP of
    // the smallest float ULP ratio), checked on 4000 points in the same precision.
    static constexpr float expm1_poly[] = {0x1.fffffep-2f, 0x1.5554b4p-3f, 0x1.5556f4p-5f,
                                           0x1.122544p-7f, 0x1.6b9a08p-10f};
    // Without a fused multiply-add, r^2*P(r) + r rounds three times instead of once, which costs
    // about 0.3 ULP: there a degree-7 fit (relative error 4.3e-10, 0.007 ULP) keeps ELU within 1 ULP.
    static constexpr float expm1_poly_unfused[] = {0x1p-1f, 0x1.555554p-3f, 0x1.5554f8p-5f, 0x1.1112d6p-7f,
                                                   0x1.6d3a44p-10f, 0x1.9e7794p-13f};
    // ELU: expm1 rounds to -1 below -17.33; clamping at -18 keeps n >= -26 (single ln2 constant).
    static constexpr float elu_floor = -18.0f;
    // The exp of the gradients returns 0 below this, as the scalar math does (activations.hpp); at
    // -87, n >= -126 and 2^n is normal.
    static constexpr float exp_floor = static_cast<float>(-scalar_math::gradient_flush_limit<float>);
    // SiLU's fused denominator 2^n*q + (1 + 2^n) needs 1 + 2^n exact: n <= 23, x > -16.29.
    static constexpr float silu_left = -16.0f;
    // silu(x) = x*exp(x)/(1+exp(x)) rounds to -0 below about -108.6; clamping at -110 keeps
    // n >= -159 in the far-left formula.
    static constexpr float silu_floor = -110.0f;
    // Far left, 2^n for n < scale_split is applied as 2^scale_split * 2^(n - scale_split): the first
    // factor keeps the product normal (exact), the second rounds once into the denormal range.
    static constexpr float scale_split = -100.0f;
};

template <>
struct exp_constants<double> {
    using bits_type = std::uint64_t;
    static constexpr int mantissa_bits = 52;
    static constexpr double log2e = 1.4426950408889634074;
    static constexpr double biased_round_magic = 6755399441056767.0;  // 1.5 * 2^52 + 1023
    static constexpr double ln2_single = 0x1.62e42fefa39efp-1;
    // Cody–Waite split (Cephes exp): ln2_hi has 20 significant bits.
    static constexpr double ln2_hi = 6.93145751953125e-1;
    static constexpr double ln2_lo = 1.42860682030941723212e-6;
    // expm1(r) = r + r^2*P(r), P of degree 10, fitted as the float one (50 digits); relative error
    // 2.9e-19 with the rounded coefficients (0.003 ULP; degree 9 gave 1.9e-17, 0.17 ULP).
    static constexpr double expm1_poly[] = {
        0x1.0000000000000p-1,  0x1.5555555555559p-3,  0x1.5555555555559p-5,  0x1.111111110f725p-7,
        0x1.6c16c16c16e6dp-10, 0x1.a01a01af931a9p-13, 0x1.a01a019b851e6p-16, 0x1.71ddf94750c28p-19,
        0x1.27e4ff459a09bp-22, 0x1.af5cfc10b3fd2p-26, 0x1.1f2eca9a216a8p-29};
    static constexpr double elu_floor = -38.0;  // expm1 rounds to -1 below -37.43; n >= -55
    static constexpr double exp_floor = -scalar_math::gradient_flush_limit<double>;
    static constexpr double silu_left = -36.0;  // n <= 52: x > -36.39
    static constexpr double silu_floor = -760.0;         // silu rounds to -0 below about -751.8
    static constexpr double scale_split = -1000.0;
};

// P(r) of expm1(r) = r + r^2 * P(r), Horner's scheme (the kernels keep four vectors in flight, so the
// latency of the chain is hidden and the count of operations is what matters).
template <class T, class A, std::size_t terms>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> horner(const xsimd::batch<T, A>& r, const T (&c)[terms]) {
    using B = xsimd::batch<T, A>;
    B p(c[terms - 1]);
    for (std::size_t k = terms - 1; k-- > 0;) p = detail::fma(p, r, B(c[k]));
    return p;
}
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> expm1_polynomial(const xsimd::batch<T, A>& r) {
    if constexpr (std::is_same_v<T, float> && !fused_multiply_add) return horner(r, exp_constants<T>::expm1_poly_unfused);
    else return horner(r, exp_constants<T>::expm1_poly);
}

// How r = z - n*ln2 is formed:
//   single:      one FMA with ln2 rounded to T. Exact but for n*(ln2 - ln2_single), which is
//                1.9e-9*|n| for float (fine where |n| is small or exp(z) tiny next to the result)
//                and relatively 16 times larger for double;
//   two_part:    Cody–Waite, two FMAs: r rounds once (up to half an ULP of r);
//   compensated: Cody–Waite with r's rounding error carried into the polynomial (Fast2Sum), for
//                results that must stay within half an ULP or so of exp(r).
// Without a fused multiply-add, single falls back to two_part.
enum class ln2_split { single, two_part, compensated };

// z = n*ln2 + r, exp(z) = 2^n * (1 + expm1(r)): returns use(n, 2^n, expm1(r)), for z with
// |z*log2e| < 2^21 (NaN propagates into n, r and q; 2^n is garbage outside the normal exponent
// range and must be discarded or clamped by the caller). The pieces go to a function rather than
// into a returned struct: GCC 12 leaves a dead stack store of such a struct in the loop.
template <ln2_split split, class T, class A, class Use>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> with_exp_parts(const xsimd::batch<T, A>& z, const Use& use) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    using U = xsimd::batch<typename C::bits_type, A>;
    const B magic(C::biased_round_magic);
    const B t = detail::fma(z, B(C::log2e), magic);
    const B n = t - magic;
    const B scale = xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(t) << C::mantissa_bits);
    if constexpr (split == ln2_split::single && fused_multiply_add) {
        const B r = detail::fma(n, B(-C::ln2_single), z);
        return use(n, scale, detail::fma(r * r, expm1_polynomial(r), r));
    } else if constexpr (split != ln2_split::compensated) {
        const B r = detail::fma(n, B(-C::ln2_lo), detail::fma(n, B(-C::ln2_hi), z));
        return use(n, scale, detail::fma(r * r, expm1_polynomial(r), r));
    } else {
        const B r_hi = detail::fma(n, B(-C::ln2_hi), z);    // exact: n*ln2_hi is exact and close to z
        const B r_lo = n * B(-C::ln2_lo);                 // tiny: its own rounding is negligible
        const B r = r_hi + r_lo;
        const B r_err = (r_hi - r) + r_lo;
        // expm1(r + r_err) = r + r^2*P(r) + r_err*(1 + r) + ...: the small terms are summed first
        // and the leading r is added last, in one rounding, so small r keeps full relative accuracy.
        return use(n, scale, r + detail::fma(r * r, expm1_polynomial(r), detail::fma(r_err, r, r_err)));
    }
}

// expm1(z) for z in [elu_floor, 0] (NaN propagates); within 1 ULP (ELU's bound). For z = -0 it
// returns +0: the caller restores the sign. 2^n - 1 is exact while n >= -(digits): then
// 2^n*q + (2^n - 1) rounds once; below, the result is -1 within an ULP either way.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> expm1_bounded(const xsimd::batch<T, A>& z) {
    using B = xsimd::batch<T, A>;
    // double: ln2_single's relative error is 2^-54.7 (float's: 2^-28.5), too much next to 1 ULP.
    constexpr ln2_split split = std::is_same_v<T, float> ? ln2_split::single : ln2_split::compensated;
    return with_exp_parts<split>(z, [](const B&, const B& s, const B& q) { return detail::fma(s, q, s - B(T(1))); });
}

// exp(z) for z in [exp_floor, 0] (NaN propagates), for gradients: their bound is relative to
// |dy|, so the single ln2 constant's error n*1.9e-9 (float), which only grows where exp(z) is
// tiny, is far inside it.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> exp_bounded(const xsimd::batch<T, A>& z) {
    using B = xsimd::batch<T, A>;
    return with_exp_parts<ln2_split::single>(z, [](const B&, const B& s, const B& q) { return detail::fma(s, q, s); });
}

// 2^n for integral n within the normal exponent range (n as T).
template <class T, class A>
inline xsimd::batch<T, A> pow2(const xsimd::batch<T, A>& n) {
    using C = exp_constants<T>;
    using B = xsimd::batch<T, A>;
    using U = xsimd::batch<typename C::bits_type, A>;
    return xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(n + B(C::biased_round_magic)) << C::mantissa_bits);
}

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
