// rectify/detail/vector_math.hpp — exp and expm1 on xsimd batches of float or double.
//
// Both use the classic scheme: x = n*ln2 + r with n an integer and |r| <= ln2/2 (Cody–Waite
// reduction: ln2 split in a short high part, so n*ln2_hi is exact, and the rest), expm1(r) by a
// polynomial, and 2^n built directly in the exponent bits. xsimd's own exp is not used because
// the activations need the pieces: ELU needs expm1 without the cancellation of exp(x) - 1, and
// SiLU needs 2^n applied last so that its tiny results round once into the denormal range.
//
// Accuracy (measured by tests/test_accuracy.cpp over dense sweeps; README lists the numbers):
// the polynomial's truncation error is below 0.02 ULP; the reconstruction adds one rounding.
#pragma once

#include "../activations.hpp"
#include "simd.hpp"

#if RECTIFY_DETAIL_SIMD

#include <cstdint>

namespace rectify::detail {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    using bits_type = std::uint32_t;
    static constexpr int mantissa_bits = 23;
    static constexpr bits_type exponent_bias = 127;
    static constexpr float log2e = 1.44269504088896341f;
    // Cody–Waite split of ln2 (Cephes expf): 355/512 has 9 significant bits, so n*ln2_hi is exact
    // for every |n| < 2^15; ln2_lo = ln2 - ln2_hi rounded to float.
    static constexpr float ln2_hi = 0.693359375f;
    static constexpr float ln2_lo = -2.12194440e-4f;
    // Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer (ties to even) and leaves
    // that integer in the low mantissa bits.
    static constexpr float round_magic = 12582912.0f;
    // Taylor coefficients 1/k!, k = 2..8: on |r| <= ln2/2 the truncation error of the degree-8
    // polynomial is |r|^9/9! < 6e-10 relative to expm1(r), 0.01 ULP.
    static constexpr float taylor[] = {1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120,
                                       1.0f / 720, 1.0f / 5040, 1.0f / 40320};
    // expm1(x) is -1 (after rounding) below -17.33; clamping at -30 keeps n >= -44 normal.
    static constexpr float expm1_floor = -30.0f;
    // 2^n - 1 is exact while n >= -(digits): there expm1 = 2^n*q + (2^n - 1) rounds once.
    static constexpr int expm1_exact_shift = -24;
    // The exp used for gradients returns 0 below this, as the scalar math does (activations.hpp).
    static constexpr float exp_floor = static_cast<float>(-scalar_math::gradient_flush_limit<float>);
    // silu(x) = x*exp(x)/(1+exp(x)) rounds to -0 below about -108.6; clamping at -110 keeps n >= -159.
    static constexpr float silu_floor = -110.0f;
    // 2^n for n < scale_split is applied as 2^scale_split * 2^(n - scale_split): the first factor
    // keeps the product normal (exact), the second rounds once into the denormal range.
    static constexpr float scale_split = -100.0f;
};

template <>
struct exp_constants<double> {
    using bits_type = std::uint64_t;
    static constexpr int mantissa_bits = 52;
    static constexpr bits_type exponent_bias = 1023;
    static constexpr double log2e = 1.4426950408889634074;
    // Cody–Waite split of ln2 (Cephes exp): ln2_hi has 20 significant bits.
    static constexpr double ln2_hi = 6.93145751953125e-1;
    static constexpr double ln2_lo = 1.42860682030941723212e-6;
    static constexpr double round_magic = 6755399441055744.0;  // 1.5 * 2^52
    // Taylor coefficients 1/k!, k = 2..13: truncation error |r|^13/14! < 1.2e-17 relative, 0.1 ULP.
    static constexpr double taylor[] = {1.0 / 2,          1.0 / 6,           1.0 / 24,
                                        1.0 / 120,        1.0 / 720,         1.0 / 5040,
                                        1.0 / 40320,      1.0 / 362880,      1.0 / 3628800,
                                        1.0 / 39916800,   1.0 / 479001600,   1.0 / 6227020800};
    static constexpr double expm1_floor = -60.0;  // expm1 rounds to -1 below -37.43; n >= -87
    static constexpr int expm1_exact_shift = -53;
    static constexpr double exp_floor = -scalar_math::gradient_flush_limit<double>;
    static constexpr double silu_floor = -760.0;  // silu rounds to -0 below about -751.8
    static constexpr double scale_split = -1000.0;
};

// x = n*ln2 + r: n (integral, as T) and expm1(r).
template <class T, class A>
struct exp_reduced {
    xsimd::batch<T, A> n;
    xsimd::batch<T, A> expm1_r;
};

template <class T, class A>
inline exp_reduced<T, A> reduce_exp(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    const B magic(C::round_magic);
    const B n = (x * B(C::log2e) + magic) - magic;
    const B r_hi = xsimd::fnma(n, B(C::ln2_hi), x);  // exact: n*ln2_hi is exact and close to x
    const B t = n * B(-C::ln2_lo);                    // tiny: its own rounding is negligible
    const B r = r_hi + t;
    // The rounding error of r (Fast2Sum: |r_hi| >= |t| but where r is so small that it does not
    // matter) would otherwise cost up to half an ULP of r, amplified by exp(r) <= 1.42.
    const B r_err = (r_hi - r) + t;
    constexpr std::size_t degree = sizeof(C::taylor) / sizeof(C::taylor[0]);
    B p(C::taylor[degree - 1]);
    for (std::size_t k = degree - 1; k-- > 0;) p = xsimd::fma(p, r, B(C::taylor[k]));
    // expm1(r + r_err) = r + r^2*p(r) + r_err*(1 + r) + ...: the small terms are summed first and
    // the leading r is added last, in one rounding, so small r keeps full relative accuracy.
    return {n, r + xsimd::fma(r * r, p, xsimd::fma(r_err, r, r_err))};
}

// 2^n for integral n within the normal exponent range, built in the exponent bits.
template <class T, class A>
inline xsimd::batch<T, A> pow2(const xsimd::batch<T, A>& n) {
    using C = exp_constants<T>;
    using U = xsimd::batch<typename C::bits_type, A>;
    // After adding round_magic, the low mantissa bits hold n (two's complement, modulo the
    // mantissa); adding the bias and shifting pushes everything above the exponent field out.
    const U bits = xsimd::bitwise_cast<U>(n + xsimd::batch<T, A>(C::round_magic)) + U(C::exponent_bias);
    return xsimd::bitwise_cast<xsimd::batch<T, A>>(bits << C::mantissa_bits);
}

// expm1(x) for x <= 0 (and NaN, which propagates). Within about 1 ULP.
template <class T, class A>
inline xsimd::batch<T, A> expm1_nonpositive(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    const B xc = xsimd::select(x < B(C::expm1_floor), B(C::expm1_floor), x);  // keeps NaN
    const auto [n, q] = reduce_exp(xc);
    const B s = pow2(n);
    // expm1(x) = 2^n * (1 + q) - 1. While 2^n - 1 is exact, 2^n*q + (2^n - 1) has one rounding
    // (2^n*q is exact too) and keeps q's accuracy for n = 0; below, 1 + q loses bits that are far
    // below the result's ULP and 2^n*(1+q) - 1 rounds once.
    const B near = xsimd::fma(s, q, s - B(T(1)));
    const B far = xsimd::fma(s, q + B(T(1)), B(T(-1)));
    const B result = xsimd::select(n < B(T(C::expm1_exact_shift)), far, near);
    return xsimd::select(x == B(T(0)), x, result);  // expm1(±0) = ±0: r + r^2*p loses the sign of -0
}

// exp(x) for x <= 0, flushed to 0 where the result would be denormal: for gradients, whose error
// bound is relative to |dy|. NaN propagates.
template <class T, class A>
inline xsimd::batch<T, A> exp_nonpositive_flushed(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    const auto below = x < B(C::exp_floor);
    const B xc = xsimd::select(below, B(C::exp_floor), x);
    const auto [n, q] = reduce_exp(xc);
    return xsimd::select(below, B(T(0)), pow2(n) * (q + B(T(1))));
}

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
