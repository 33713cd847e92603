// tests/support/reference_sigmoid.hpp — independent references for Sigmoid, Tanh and Swish
// (activations/sigmoid.hpp), for the exhaustive proof and the accuracy tests.
//
//   double sigmoid(x), sigmoid_grad(x)       x < 0 as exp(x) / (1 + exp(x)) (no overflow), the
//                                            derivative as s(x) s(-x) (the library: e / (1 + e)^2);
//   double tanh(x), tanh_grad(x)             the C library's tanh, and 1 / cosh(x)^2 (the library:
//                                            4 E / (1 + E)^2);
//   double swish<T>(x, beta), swish_grad<T>  x s(beta x) and s(z) + z s(z) s(-z) at z = beta x,
//                                            beta converted to T first as the library converts it;
//   *_ld                                     the same in long double (sigmoid_ld: the shared one);
//   __float128 *_q                           the same in quadruple precision (113 bits: beta x of two
//                                            doubles is exact there), for checking double results
//                                            (link -lquadmath where they are called).
// The double functions compute in double (swish<double> in long double), each within a few double
// ULPs, some 2^-28 of a float ULP, and fast enough for all 2^32 floats. The gradients are the exact
// derivatives (dy = 1); the library counts them as 0 (or 1) beyond its flush limits, within the
// gradient bound.
//
// sigmoid_of<F>, sigmoid_ld and sigmoid_q are shared with reference_softplus.hpp (its gradient is a
// sigmoid): taken from there where that file is, defined here otherwise.
#pragma once

#include <cmath>
#include <limits>

#if __has_include("reference_softplus.hpp")
#include "reference_softplus.hpp"  // sigmoid_of, sigmoid_ld, sigmoid_q, RECTIFY_TEST_HAS_FLOAT128
#else
#if defined(__SIZEOF_FLOAT128__) && __has_include(<quadmath.h>)
#include <quadmath.h>
#define RECTIFY_TEST_HAS_FLOAT128 1
#endif

namespace rectify_test::reference {
template <class F>
inline F sigmoid_of(F z) {
    if (std::isnan(z)) return z;
    return z >= 0 ? F(1) / (F(1) + std::exp(-z)) : std::exp(z) / (F(1) + std::exp(z));
}
inline long double sigmoid_ld(long double z) { return sigmoid_of(z); }
#if defined(RECTIFY_TEST_HAS_FLOAT128)
inline __float128 sigmoid_q(__float128 z) {
    if (isnanq(z)) return z;
    return z >= 0 ? 1 / (1 + expq(-z)) : expq(z) / (1 + expq(z));
}
#endif
}  // namespace rectify_test::reference
#endif

namespace rectify_test::reference {

// ---- long double ---------------------------------------------------------------------------------

inline long double sigmoid_grad_ld(long double x) {
    return sigmoid_ld(x) * sigmoid_ld(-x);  // ±inf: 0; NaN: NaN
}
inline long double tanh_ld(long double x) { return std::tanh(x); }
inline long double tanh_grad_ld(long double x) {
    const long double c = std::cosh(x);  // overflows to inf far out: 0
    return 1.0L / (c * c);
}
template <class T = double>
inline long double swish_ld(long double x, double beta) {
    const long double b = static_cast<T>(beta);
    if (b == 0) return x / 2;
    const long double z = b * x;
    if (std::isnan(z)) return z;
    if (std::isinf(x)) return z > 0 ? x : (x > 0 ? 0.0L : -0.0L);  // the limits: x, or ±0
    // beta x of two doubles needs 106 bits: its rounding to long double (2^-64 |z| relative in the
    // tail, up to a third of a double ULP) is carried to first order, s(z + z_lo) = s(z) + z_lo s(z) s(-z).
    const long double z_lo = std::isinf(z) ? 0.0L : std::fma(b, x, -z);
    const long double s = sigmoid_ld(z);
    return x * (s + z_lo * s * sigmoid_ld(-z));
}
template <class T = double>
inline long double swish_grad_ld(long double x, double beta) {
    const long double b = static_cast<T>(beta);
    if (b == 0) return 0.5L;
    const long double z = b * x;
    if (std::isnan(z)) return z;
    if (std::isinf(z)) return z > 0 ? 1.0L : 0.0L;
    const long double s = sigmoid_ld(z);
    return s + z * s * sigmoid_ld(-z);
}

// ---- double (the float yardstick) ----------------------------------------------------------------

inline double sigmoid(double x) { return sigmoid_of<double>(x); }
inline double sigmoid_grad(double x) { return sigmoid(x) * sigmoid(-x); }
inline double tanh(double x) { return std::tanh(x); }
inline double tanh_grad(double x) {
    const double c = std::cosh(x);
    return 1.0 / (c * c);
}
// For float T, beta x is exact in double; for double T, long double carries it.
template <class T = double>
inline double swish(double x, double beta = 1.0) {
    if constexpr (sizeof(T) > sizeof(float)) {
        return static_cast<double>(swish_ld<T>(static_cast<T>(x), beta));
    } else {
        const double xt = static_cast<T>(x), b = static_cast<T>(beta);
        if (b == 0) return xt / 2;
        const double z = b * xt;
        if (std::isnan(z)) return z;
        if (std::isinf(xt)) return z > 0 ? xt : (xt > 0 ? 0.0 : -0.0);
        return xt * sigmoid(z);
    }
}
template <class T = double>
inline double swish_grad(double x, double beta = 1.0) {
    if constexpr (sizeof(T) > sizeof(float)) {
        return static_cast<double>(swish_grad_ld<T>(static_cast<T>(x), beta));
    } else {
        const double xt = static_cast<T>(x), b = static_cast<T>(beta);
        if (b == 0) return 0.5;
        const double z = b * xt;
        if (std::isnan(z)) return z;
        if (std::isinf(z)) return z > 0 ? 1.0 : 0.0;
        const double s = sigmoid(z);
        return s + z * s * sigmoid(-z);
    }
}

// ---- quadruple precision (for double results) ----------------------------------------------------

#if defined(RECTIFY_TEST_HAS_FLOAT128)
inline __float128 sigmoid_grad_q(__float128 x) { return sigmoid_q(x) * sigmoid_q(-x); }
inline __float128 tanh_q(__float128 x) { return tanhq(x); }
inline __float128 tanh_grad_q(__float128 x) {
    const __float128 c = coshq(x);
    return 1 / (c * c);
}
template <class T = double>
inline __float128 swish_q(__float128 x, double beta) {
    const __float128 b = static_cast<T>(beta);
    if (b == 0) return x / 2;
    const __float128 z = b * x;
    if (isnanq(z)) return z;
    if (isinfq(x)) return z > 0 ? x : (x > 0 ? __float128(0) : -__float128(0));
    return x * sigmoid_q(z);
}
template <class T = double>
inline __float128 swish_grad_q(__float128 x, double beta) {
    const __float128 b = static_cast<T>(beta);
    if (b == 0) return __float128(0.5);
    const __float128 z = b * x;
    if (isnanq(z)) return z;
    if (isinfq(z)) return z > 0 ? __float128(1) : __float128(0);
    const __float128 s = sigmoid_q(z);
    return s + z * s * sigmoid_q(-z);
}
#endif

}  // namespace rectify_test::reference
