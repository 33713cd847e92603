// tests/support/reference_softplus.hpp — independent references for Softplus and Mish
// (activations/softplus.hpp), for the exhaustive proof and the accuracy tests.
//
//   double softplus<T>(x, beta, threshold), softplus_grad<T>(...)  for T = float in double math
//                                  (x * beta of two floats is exact in double; a few 2^-53 relative,
//                                  some 2^-28 of a float ULP), for T = double in long double;
//   long double softplus_value_ld(x, beta)  the value without the branch, in long double with
//                                  beta x exact for double x and beta (a few 2^-64 relative);
//   double mish(x), mish_grad(x)   x tanh(log1p(exp(x))) and its derivative, in double: a
//                                  different formula from the library's x n / (n + 2), no
//                                  cancellation; mish_ld, mish_grad_ld the same in long double;
//   __float128 softplus_q<T>, softplus_grad_q<T>, mish_q, mish_grad_q   the same in quadruple
//                                  precision (113 bits; beta x of two doubles is exact there), for
//                                  checking double results (link -lquadmath where they are called).
//
// T is the element type whose PyTorch branch x * beta > threshold is reproduced: x, beta and
// threshold are converted to T and the product is rounded to T for the comparison only, as PyTorch
// does; the value on the other side is the exact log(1 + exp(beta x)) / beta of T's beta. The
// gradients are the exact derivatives (dy = 1); the library counts them as 0 or 1 beyond its flush
// limits, within the gradient bound.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#if defined(__SIZEOF_FLOAT128__) && __has_include(<quadmath.h>)
#include <quadmath.h>
#define RECTIFY_TEST_HAS_FLOAT128 1
#endif

namespace rectify_test::reference {

template <class T>
inline bool softplus_branch(double x, double beta, double threshold) {
    return static_cast<T>(static_cast<T>(x) * static_cast<T>(beta)) > static_cast<T>(threshold);
}

// log(1 + exp(z)) / beta for z = beta x: z > 0 as z + log1p(exp(-z)), so nothing overflows.
template <class F>
inline F softplus_value(F x, F beta) {
    const F z = x * beta;
    if (std::isnan(z)) return z;
    if (z > 0) return x + std::log1p(std::exp(-z)) / beta;
    return std::log1p(std::exp(z)) / beta;  // z = -inf: +0
}
// The same in long double for double x and beta, with beta x taken exactly: z = z_hi + z_lo
// (z_lo = fma(x, beta, -z_hi), exact), exp(-|z|) = exp(-|z_hi|) (1 - sign(z) z_lo), so that the
// product's rounding (|z| 2^-64 relative in exp, 0.35 of a double ULP at |z| = 745) stays out.
inline long double softplus_value_ld(double x, double beta) {
    const double z = x * beta;
    if (std::isnan(z)) return z;
    const double z_lo = std::fabs(z) < 1e4 ? std::fma(x, beta, -z) : 0.0;
    const long double b = beta;
    if (z > 0) return static_cast<long double>(x) + std::log1p(std::exp(-static_cast<long double>(z)) * (1.0L - z_lo)) / b;
    return std::log1p(std::exp(static_cast<long double>(z)) * (1.0L + z_lo)) / b;  // z = -inf: +0
}

// The arithmetic the reference for T runs in: double for float, long double for double.
template <class T>
using reference_float_t = std::conditional_t<sizeof(T) <= sizeof(float), double, long double>;

template <class T = double>
inline double softplus(double x, double beta = 1.0, double threshold = 20.0) {
    using F = reference_float_t<T>;
    const T xt = static_cast<T>(x), bt = static_cast<T>(beta);
    if (softplus_branch<T>(xt, bt, threshold)) return xt;
    if constexpr (std::is_same_v<F, double>) return softplus_value<F>(xt, bt);
    else return static_cast<double>(softplus_value_ld(xt, bt));
}

template <class F>
inline F sigmoid_of(F z) {
    if (std::isnan(z)) return z;
    return z >= 0 ? F(1) / (F(1) + std::exp(-z)) : std::exp(z) / (F(1) + std::exp(z));
}
inline long double sigmoid_ld(long double z) { return sigmoid_of(z); }

template <class T = double>
inline double softplus_grad(double x, double beta = 1.0, double threshold = 20.0) {
    using F = reference_float_t<T>;
    const T xt = static_cast<T>(x), bt = static_cast<T>(beta);
    if (softplus_branch<T>(xt, bt, threshold)) return 1.0;
    return static_cast<double>(sigmoid_of<F>(static_cast<F>(xt) * bt));
}

// x tanh(softplus(x)): tanh of an accurate softplus has no cancellation; far right (x > 1000) the
// value is x, far left (exp(x) = 0 in long double) the limit -0.
template <class F>
inline F mish_of(F x) {
    if (std::isnan(x)) return x;
    if (x > 1000) return x;  // +inf too
    if (x < -20000) return -F(0);
    const F sp = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    return x * std::tanh(sp);
}
inline long double mish_ld(long double x) { return mish_of(x); }
inline double mish(double x) { return mish_of(x); }

// tanh(sp) + x sech^2(sp) sigmoid(x), sech^2 as 1 / cosh^2 (1 - tanh^2 would cancel on the right).
template <class F>
inline F mish_grad_of(F x) {
    if (std::isnan(x)) return x;
    if (x > 1000) return 1;
    if (x < -20000) return 0;
    const F sp = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    const F ch = std::cosh(sp);
    return std::tanh(sp) + x / (ch * ch) * sigmoid_of(x);
}
inline long double mish_grad_ld(long double x) { return mish_grad_of(x); }
inline double mish_grad(double x) { return mish_grad_of(x); }

#if defined(RECTIFY_TEST_HAS_FLOAT128)
inline __float128 softplus_value_q(__float128 x, __float128 beta) {
    const __float128 z = x * beta;
    if (isnanq(z)) return z;
    if (z > 0) return x + log1pq(expq(-z)) / beta;
    return log1pq(expq(z)) / beta;
}
template <class T = double>
inline __float128 softplus_q(double x, double beta = 1.0, double threshold = 20.0) {
    const T xt = static_cast<T>(x), bt = static_cast<T>(beta);
    if (softplus_branch<T>(xt, bt, threshold)) return xt;
    return softplus_value_q(xt, bt);
}
inline __float128 sigmoid_q(__float128 z) {
    if (isnanq(z)) return z;
    return z >= 0 ? 1 / (1 + expq(-z)) : expq(z) / (1 + expq(z));
}
template <class T = double>
inline __float128 softplus_grad_q(double x, double beta = 1.0, double threshold = 20.0) {
    const T xt = static_cast<T>(x), bt = static_cast<T>(beta);
    if (softplus_branch<T>(xt, bt, threshold)) return 1;
    return sigmoid_q(static_cast<__float128>(xt) * bt);
}
inline __float128 mish_q(double xd) {
    const __float128 x = xd;
    if (isnanq(x)) return x;
    if (x > 1000) return x;
    if (x < -20000) return -static_cast<__float128>(0);
    const __float128 sp = x > 0 ? x + log1pq(expq(-x)) : log1pq(expq(x));
    return x * tanhq(sp);
}
inline __float128 mish_grad_q(double xd) {
    const __float128 x = xd;
    if (isnanq(x)) return x;
    if (x > 1000) return 1;
    if (x < -20000) return 0;
    const __float128 sp = x > 0 ? x + log1pq(expq(-x)) : log1pq(expq(x));
    const __float128 ch = coshq(sp);
    return tanhq(sp) + x / (ch * ch) * sigmoid_q(x);
}
#endif

}  // namespace rectify_test::reference
