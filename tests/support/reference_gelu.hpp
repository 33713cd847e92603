// tests/support/reference_gelu.hpp — independent references for GELU (activations/gelu.hpp), both
// forms, for the exhaustive proof and the accuracy tests.
//
//   double gelu(x), gelu_grad(x)             x Phi(x) and Phi(x) + x phi(x) in long double, from
//                                            erfc of |x|/sqrt(2) on the left and erf on the right
//                                            (the library uses erfc(-x/sqrt(2)) everywhere): some
//                                            2^-36 of a float ULP for float x;
//   double gelu_tanh(x), gelu_tanh_grad(x)   PyTorch's formula 0.5 x (1 + tanh(u)), u = sqrt(2/pi)
//                                            (x + 0.044715 x^3), literally in long double where
//                                            1 + tanh(u) does not cancel (u >= 0), as
//                                            x e^(2u) / (1 + e^(2u)) where it would; the derivative
//                                            0.5 (1 + tanh u) + 0.5 x sech^2(u) u';
//   long double gelu_ld, gelu_grad_ld, gelu_tanh_ld, gelu_tanh_grad_ld   the same in long double;
//   __float128 gelu_q, gelu_grad_q, gelu_tanh_q, gelu_tanh_grad_q   the same in quadruple
//                                            precision (113 bits: x^3 of a double is exact to
//                                            2^-113), for checking double results (link
//                                            -lquadmath where they are called).
// The limits: gelu(-inf) = -0, gelu(+inf) = +inf, gradients 1 at +inf and -0 at -inf (negative
// values tending to 0); NaN in, NaN out. The exact values, with no flush limits (the library's are
// within its bounds).
#pragma once

#include <cmath>
#include <limits>

#if defined(__SIZEOF_FLOAT128__) && __has_include(<quadmath.h>)
#include <quadmath.h>
#define RECTIFY_TEST_HAS_FLOAT128 1
#endif

namespace rectify_test::reference {

namespace gelu_detail {
inline constexpr long double inv_sqrt2 = 0.70710678118654752440084436210484903928L;
inline constexpr long double inv_sqrt_2pi = 0.39894228040143267793994605993438186848L;
inline constexpr long double sqrt_2_over_pi = 0.79788456080286535587989211986876373695L;
inline constexpr long double kappa = 0.044715L;
}  // namespace gelu_detail

// x Phi(x). Left: -(t/2) erfc(t/sqrt(2)), t = -x; right: (x/2)(1 + erf(x/sqrt(2))).
inline long double gelu_ld(long double x) {
    using namespace gelu_detail;
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return x > 0 ? x : -0.0L;
    if (x < 0) return -0.5L * (-x) * std::erfc(-x * inv_sqrt2);
    return 0.5L * x * (1.0L + std::erf(x * inv_sqrt2));
}
inline long double gelu_grad_ld(long double x) {
    using namespace gelu_detail;
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return x > 0 ? 1.0L : -0.0L;  // the limit, from below
    const long double density = inv_sqrt_2pi * std::exp(-0.5L * x * x);
    const long double cdf = x < 0 ? 0.5L * std::erfc(-x * inv_sqrt2) : 0.5L * (1.0L + std::erf(x * inv_sqrt2));
    return cdf + x * density;
}

// PyTorch's tanh form.
inline long double gelu_tanh_ld(long double x) {
    using namespace gelu_detail;
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return x > 0 ? x : -0.0L;
    const long double u = sqrt_2_over_pi * (x + kappa * x * x * x);
    if (u >= 0) return 0.5L * x * (1.0L + std::tanh(u));
    const long double e = std::exp(2.0L * u);  // 1 + tanh(u) = 2 e^(2u) / (1 + e^(2u))
    return x * e / (1.0L + e);
}
inline long double gelu_tanh_grad_ld(long double x) {
    using namespace gelu_detail;
    if (std::isnan(x)) return x;
    if (std::isinf(x)) return x > 0 ? 1.0L : -0.0L;  // the limit, from below
    const long double u = sqrt_2_over_pi * (x + kappa * x * x * x);
    const long double du = sqrt_2_over_pi * (1.0L + 3.0L * kappa * x * x);
    const long double e = std::exp(-2.0L * std::fabs(u));  // sech^2(u) = 4 e / (1 + e)^2
    const long double one_plus_tanh = u >= 0 ? 1.0L + std::tanh(u) : 2.0L * e / (1.0L + e);
    return 0.5L * one_plus_tanh + 0.5L * x * (4.0L * e / ((1.0L + e) * (1.0L + e))) * du;
}

inline double gelu(double x) { return static_cast<double>(gelu_ld(x)); }
inline double gelu_grad(double x) { return static_cast<double>(gelu_grad_ld(x)); }
inline double gelu_tanh(double x) { return static_cast<double>(gelu_tanh_ld(x)); }
inline double gelu_tanh_grad(double x) { return static_cast<double>(gelu_tanh_grad_ld(x)); }

#if defined(RECTIFY_TEST_HAS_FLOAT128)
namespace gelu_detail {
inline __float128 inv_sqrt2_q() { return sqrtq(__float128(2)) / 2; }
inline __float128 inv_sqrt_2pi_q() { return 1 / sqrtq(2 * acosq(__float128(-1))); }
inline __float128 sqrt_2_over_pi_q() { return sqrtq(2 / acosq(__float128(-1))); }
inline __float128 kappa_q() { return __float128(44715) / 1000000; }
}  // namespace gelu_detail

inline __float128 gelu_q(__float128 x) {
    using namespace gelu_detail;
    if (isnanq(x)) return x;
    if (isinfq(x)) return x > 0 ? x : __float128(-0.0);
    if (x < 0) return __float128(-0.5) * (-x) * erfcq(-x * inv_sqrt2_q());
    return x * (1 + erfq(x * inv_sqrt2_q())) / 2;
}
inline __float128 gelu_grad_q(__float128 x) {
    using namespace gelu_detail;
    if (isnanq(x)) return x;
    if (isinfq(x)) return x > 0 ? __float128(1) : __float128(-0.0);
    const __float128 density = inv_sqrt_2pi_q() * expq(-x * x / 2);
    const __float128 cdf = x < 0 ? erfcq(-x * inv_sqrt2_q()) / 2 : (1 + erfq(x * inv_sqrt2_q())) / 2;
    return cdf + x * density;
}
inline __float128 gelu_tanh_q(__float128 x) {
    using namespace gelu_detail;
    if (isnanq(x)) return x;
    if (isinfq(x)) return x > 0 ? x : __float128(-0.0);
    const __float128 u = sqrt_2_over_pi_q() * (x + kappa_q() * x * x * x);
    if (u >= 0) return x * (1 + tanhq(u)) / 2;
    const __float128 e = expq(2 * u);
    return x * e / (1 + e);
}
inline __float128 gelu_tanh_grad_q(__float128 x) {
    using namespace gelu_detail;
    if (isnanq(x)) return x;
    if (isinfq(x)) return x > 0 ? __float128(1) : __float128(-0.0);
    const __float128 u = sqrt_2_over_pi_q() * (x + kappa_q() * x * x * x);
    const __float128 du = sqrt_2_over_pi_q() * (1 + 3 * kappa_q() * x * x);
    const __float128 e = expq(-2 * fabsq(u));
    const __float128 one_plus_tanh = u >= 0 ? 1 + tanhq(u) : 2 * e / (1 + e);
    return one_plus_tanh / 2 + x * (2 * e / ((1 + e) * (1 + e))) * du;
}
#endif

}  // namespace rectify_test::reference
