// References for SELU and CELU (activations/celu.hpp), independent of the library's math: the
// C library's expm1/exp in double (for float results: their error is some 2^-29 of a float ULP)
// and in long double (for double results: 2^-11 of a double ULP), with the mathematical values at
// ±0, ±inf and NaN. The tests and the exhaustive proof measure against these.
//
// SELU's constants are PyTorch's decimal ones; scale * alpha is their exact product (to 40 digits,
// mpmath). CELU's alpha is passed as the element type holds it: for float arrays,
// static_cast<float>(alpha) converted back to double, since that is the alpha the kernels compute
// with (rectify converts parameters to the element type once, as PyTorch does).
#pragma once

#include <cmath>

namespace rectify_test::reference {

inline constexpr double selu_scale = 1.0507009873554804934193349852946;
inline constexpr double selu_scale_alpha = 1.75809934084737685994021752081231934206;
inline constexpr long double selu_scale_ld = 1.0507009873554804934193349852946L;
inline constexpr long double selu_scale_alpha_ld = 1.75809934084737685994021752081231934206L;

// selu(x) = scale * x (x > 0), scale * alpha * expm1(x) (x <= 0); selu(±0) = ±0, selu(-inf) =
// -scale * alpha, NaN -> NaN.
inline double selu(double x) { return x > 0 ? selu_scale * x : selu_scale_alpha * std::expm1(x); }
inline long double selu_ld(long double x) { return x > 0 ? selu_scale_ld * x : selu_scale_alpha_ld * std::expm1(x); }

// d selu / dx (dy = 1): scale (x > 0), scale * alpha * exp(x) (x <= 0; the left derivative at 0).
inline double selu_grad(double x) { return x > 0 ? selu_scale : selu_scale_alpha * std::exp(x); }
inline long double selu_grad_ld(long double x) { return x > 0 ? selu_scale_ld : selu_scale_alpha_ld * std::exp(x); }

// celu(x, alpha) = x (x > 0), alpha * expm1(x / alpha) (x <= 0), alpha != 0. x / alpha in double
// is within 2^-53 relative of the exact quotient for float x and alpha; for double ones long double
// carries it (2^-64).
inline double celu(double x, double alpha) { return x > 0 ? x : alpha * std::expm1(x / alpha); }
inline long double celu_ld(long double x, long double alpha) { return x > 0 ? x : alpha * std::expm1(x / alpha); }

// d celu / dx (dy = 1): 1 (x > 0), exp(x / alpha) (x <= 0).
inline double celu_grad(double x, double alpha) { return x > 0 ? 1.0 : std::exp(x / alpha); }
inline long double celu_grad_ld(long double x, long double alpha) { return x > 0 ? 1.0L : std::exp(x / alpha); }

}  // namespace rectify_test::reference
