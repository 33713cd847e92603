// tests/support/reference_hard.hpp — references for the piecewise activations (Hardswish,
// Hardsigmoid, Hardtanh, ReLU6; include/rectify/activations/hard.hpp).
//
// Three kinds, for three uses:
//  1. The mathematical functions and derivatives (double, and long double for checking double),
//     with PyTorch's one-sided conventions at the kinks: hardswish'(-3) = -0.5, hardswish'(3) = 1,
//     hardsigmoid' and hardtanh' zero at their breakpoints. What rectify's (and PyTorch's) rounded
//     formulas are measured against in ULP / in the gradient measure: these four are not correctly
//     rounded (PyTorch rounds x + 3, x * c and the quotient separately), so their ULP errors are
//     information, not a bound (hard.hpp promises PyTorch's bits, forward_ulp_bound() = 0). PyTorch's
//     float formulas (= rectify's) against these, all 2^32 floats: Hardswish 1.913 ULP (x =
//     0x1.5f216cp+0), Hardsigmoid 1.000 ULP (x = 0x1.000014p+0), Hardtanh and ReLU6 exact; the
//     gradients (dy = 1, |dx - exact| / (eps * max(|exact|, 1))) 0.667 (Hardswish, x = 0x1.800004p+0),
//     0.042 (Hardsigmoid), 0 (Hardtanh, ReLU6). Where the values differ outright: hardswish(-inf) is
//     -0 here, NaN in PyTorch; hardswish(x) is x here, +inf in PyTorch for x > FLT_MAX / 6 (and one
//     ULP off x for one float in six in [3, FLT_MAX / 6]).
//  2. PyTorch 1.13's CPU formulas, re-stated from ATen (aten/src/ATen/native/cpu/Activation.cpp,
//     UnaryOpsKernel.cpp) in plain scalar C++ with ATen's own std::min / std::max forms, each
//     operation rounded in T: the bit-exact expectation for every rectify path. The gradients are
//     ATen's vectorized kernels (its scalar tail loop differs at hardswish'(3), hardswish'(NaN),
//     hardtanh'(NaN); hard.hpp). NaN results: any NaN (PyTorch's own NaN payloads differ between
//     its vector and scalar loops).
//  3. Values recorded from libtorch 1.13.0 itself (Debian libtorch-dev, its vectorized CPU kernels:
//     every value inside a 64-element tensor, none in the scalar tail loop) at the breakpoints, their
//     neighbours, ±0, subnormals, ±inf, NaN and the overflow of hardswish above FLT_MAX / 6: ground
//     truth that owes nothing to 1 and 2.
//
// Double Hardsigmoid's gradient: PyTorch multiplies by the float constant 1.0f / 6.0f widened to
// double (0.1666666716337204); rectify by 1/6 rounded in double (hard.hpp). hardsigmoid_backward_torch
// and the double table hold PyTorch's value; hardsigmoid_backward_rectify is rectify's.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

namespace rectify_test::reference {

// ---- 1. mathematical values -------------------------------------------------------------------
// In double: x + 3 is exact for every float x with |x| < 2^29 (beyond, the clamp decides alone),
// x * c / 6 rounds twice in double: a relative error below 2^-51, some 2^-28 of a float ULP.
inline double hardswish(double x) {
    if (std::isnan(x)) return x;
    if (x <= -3) return std::isinf(x) ? -0.0 : x * 0.0;  // -0 (the limit at -inf; PyTorch: NaN)
    if (x >= 3) return x;
    return x * (x + 3) / 6;
}
inline double hardswish_grad(double x) {
    if (std::isnan(x)) return x;
    if (x < -3) return 0;
    if (x >= 3) return 1;
    return (2 * x + 3) / 6;  // x / 3 + 0.5; -0.5 at -3
}
inline double hardsigmoid(double x) {
    if (std::isnan(x)) return x;
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return (x + 3) / 6;
}
inline double hardsigmoid_grad(double x) { return x > -3 && x < 3 ? 1.0 / 6 : 0.0; }  // NaN: 0
inline double hardtanh(double x, double min_val = -1, double max_val = 1) {
    if (std::isnan(x)) return x;
    return x < min_val ? min_val : x > max_val ? max_val : x;
}
inline double hardtanh_grad(double x, double min_val = -1, double max_val = 1) {
    return x > min_val && x < max_val ? 1.0 : 0.0;  // NaN: 0
}
inline double relu6(double x) { return hardtanh(x, 0, 6); }
inline double relu6_grad(double x) { return hardtanh_grad(x, 0, 6); }

// The same in long double, for checking double results: x + 3, the product and the quotient
// each round to 64 bits, a relative error of a few 2^-64, some 2^-10 of a double ULP.
inline long double hardswish_ld(long double x) {
    if (std::isnan(x)) return x;
    if (x <= -3) return std::isinf(x) ? -0.0L : x * 0.0L;
    if (x >= 3) return x;
    return x * (x + 3) / 6;
}
inline long double hardswish_grad_ld(long double x) {
    if (std::isnan(x)) return x;
    if (x < -3) return 0;
    if (x >= 3) return 1;
    return (2 * x + 3) / 6;
}
inline long double hardsigmoid_ld(long double x) {
    if (std::isnan(x)) return x;
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return (x + 3) / 6;
}
inline long double hardsigmoid_grad_ld(long double x) { return x > -3 && x < 3 ? 1.0L / 6 : 0.0L; }
inline long double hardtanh_ld(long double x, long double min_val = -1, long double max_val = 1) {
    if (std::isnan(x)) return x;
    return x < min_val ? min_val : x > max_val ? max_val : x;
}
inline long double hardtanh_grad_ld(long double x, long double min_val = -1, long double max_val = 1) {
    return x > min_val && x < max_val ? 1.0L : 0.0L;
}
inline long double relu6_ld(long double x) { return hardtanh_ld(x, 0, 6); }
inline long double relu6_grad_ld(long double x) { return hardtanh_grad_ld(x, 0, 6); }

// ---- 2. PyTorch 1.13's formulas, bit for bit (T = float or double) ---------------------------
// Forward: ATen's scalar lambdas (the vector ones give the same values, NaN payload aside).
template <class T>
T hardswish_torch(T x) {
    return x * std::min(std::max(x + T(3), T(0)), T(6)) / T(6);
}
template <class T>
T hardsigmoid_torch(T x) {
    return std::min(std::max(x + T(3), T(0)), T(6)) / T(6);
}
template <class T>
T hardtanh_torch(T x, double min_val = -1, double max_val = 1) {  // clamp_scalar_kernel_impl
    return std::min(std::max(x, static_cast<T>(min_val)), static_cast<T>(max_val));
}
template <class T>
T relu6_torch(T x) { return hardtanh_torch(x, 0, 6); }
// Gradients: ATen's vector lambdas, written as selects.
template <class T>
T hardswish_backward_torch(T x, T dy) {
    const T formula = dy * (x / T(3) + T(0.5));
    const T upper = x >= T(3) ? dy : formula;
    return x < T(-3) ? T(0) : upper;
}
template <class T>
T hardsigmoid_backward_torch(T x, T dy) {  // PyTorch's one_sixth is the float 1.0f / 6.0f for double too
    return (x > T(-3)) && (x < T(3)) ? dy * static_cast<T>(1.0f / 6.0f) : T(0);
}
template <class T>
T hardsigmoid_backward_rectify(T x, T dy) {  // = the above for float; 1/6 rounded in T for double
    return (x > T(-3)) && (x < T(3)) ? dy * (T(1) / T(6)) : T(0);
}
template <class T>
T hardtanh_backward_torch(T x, T dy, double min_val = -1, double max_val = 1) {
    return (x > static_cast<T>(min_val)) && (x < static_cast<T>(max_val)) ? dy : T(0);
}
template <class T>
T relu6_backward_torch(T x, T dy) { return hardtanh_backward_torch(x, dy, 0, 6); }

// ---- 3. libtorch 1.13.0's own values ------------------------------------------------------------
// Each row: x; forward {hardswish, hardsigmoid, hardtanh(-1, 1), relu6}; the same four gradients
// for dy = 1, then for dy = -2.5 (at::hardswish_backward, at::hardsigmoid_backward,
// at::hardtanh_backward(-1, 1) and (0, 6)). NaN entries: any NaN. Compare with the bits (zeros
// signed). The double table's hardsigmoid gradients are PyTorch's (1.0f / 6.0f), not rectify's.
template <class T>
struct TorchRow {
    T x;
    T forward[4];
    T grad_dy_one[4];
    T grad_dy_minus_2_5[4];
};

namespace detail_hard {
inline constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
inline constexpr float inf_f = std::numeric_limits<float>::infinity();
inline constexpr double nan_d = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_d = std::numeric_limits<double>::infinity();
}  // namespace detail_hard

inline constexpr TorchRow<float> torch_hard_float[] = {
#define nan_v detail_hard::nan_f
#define inf_v detail_hard::inf_f
    {0.0f, {0.0f, 0x1p-1f, 0.0f, 0.0f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {-0.0f, {-0.0f, 0x1p-1f, -0.0f, -0.0f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {0x1.8p+1f, {0x1.8p+1f, 0x1p+0f, 0x1p+0f, 0x1.8p+1f}, {0x1p+0f, 0.0f, 0.0f, 0x1p+0f}, {-0x1.4p+1f, 0.0f, 0.0f, -0x1.4p+1f}},
    {-0x1.8p+1f, {-0.0f, 0.0f, -0x1p+0f, 0.0f}, {-0x1p-1f, 0.0f, 0.0f, 0.0f}, {0x1.4p+0f, 0.0f, 0.0f, 0.0f}},
    {0x1.8p+2f, {0x1.8p+2f, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {-0x1.8p+2f, {-0.0f, 0.0f, -0x1p+0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}},
    {0x1p+0f, {0x1.555556p-1f, 0x1.555556p-1f, 0x1p+0f, 0x1p+0f}, {0x1.aaaaacp-1f, 0x1.555556p-3f, 0.0f, 0x1p+0f}, {-0x1.0aaaacp+1f, -0x1.aaaaacp-2f, 0.0f, -0x1.4p+1f}},
    {-0x1p+0f, {-0x1.555556p-2f, 0x1.555556p-2f, -0x1p+0f, 0.0f}, {0x1.555554p-3f, 0x1.555556p-3f, 0.0f, 0.0f}, {-0x1.aaaaa8p-2f, -0x1.aaaaacp-2f, 0.0f, 0.0f}},
    {0x1p-1f, {0x1.2aaaaap-2f, 0x1.2aaaaap-1f, 0x1p-1f, 0x1p-1f}, {0x1.555556p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.aaaaacp+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1.4p+1f, {-0x1.aaaaaap-3f, 0x1.555556p-4f, -0x1p+0f, 0.0f}, {-0x1.555554p-2f, 0x1.555556p-3f, 0.0f, 0.0f}, {0x1.aaaaa8p-1f, -0x1.aaaaacp-2f, 0.0f, 0.0f}},
    {0x1.4p+1f, {0x1.255556p+1f, 0x1.d55556p-1f, 0x1p+0f, 0x1.4p+1f}, {0x1.555554p+0f, 0x1.555556p-3f, 0.0f, 0x1p+0f}, {-0x1.aaaaa8p+1f, -0x1.aaaaacp-2f, 0.0f, -0x1.4p+1f}},
    {0x1.6p+2f, {0x1.6p+2f, 0x1p+0f, 0x1p+0f, 0x1.6p+2f}, {0x1p+0f, 0.0f, 0.0f, 0x1p+0f}, {-0x1.4p+1f, 0.0f, 0.0f, -0x1.4p+1f}},
    {0x1.7ffffep+1f, {0x1.7ffffep+1f, 0x1p+0f, 0x1p+0f, 0x1.7ffffep+1f}, {0x1.8p+0f, 0x1.555556p-3f, 0.0f, 0x1p+0f}, {-0x1.ep+1f, -0x1.aaaaacp-2f, 0.0f, -0x1.4p+1f}},
    {0x1.800002p+1f, {0x1.800002p+1f, 0x1p+0f, 0x1p+0f, 0x1.800002p+1f}, {0x1p+0f, 0.0f, 0.0f, 0x1p+0f}, {-0x1.4p+1f, 0.0f, 0.0f, -0x1.4p+1f}},
    {-0x1.7ffffep+1f, {-0x1.fffffep-24f, 0x1.555556p-25f, -0x1p+0f, 0.0f}, {-0x1.fffffcp-2f, 0x1.555556p-3f, 0.0f, 0.0f}, {0x1.3ffffep+0f, -0x1.aaaaacp-2f, 0.0f, 0.0f}},
    {-0x1.800002p+1f, {-0.0f, 0.0f, -0x1p+0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}},
    {0x1.7ffffep+2f, {0x1.7ffffep+2f, 0x1p+0f, 0x1p+0f, 0x1.7ffffep+2f}, {0x1p+0f, 0.0f, 0.0f, 0x1p+0f}, {-0x1.4p+1f, 0.0f, 0.0f, -0x1.4p+1f}},
    {0x1.800002p+2f, {0x1.800002p+2f, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {0x1.fffffep-1f, {0x1.555554p-1f, 0x1.555556p-1f, 0x1.fffffep-1f, 0x1.fffffep-1f}, {0x1.aaaaaap-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.0aaaaap+1f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {0x1.000002p+0f, {0x1.555558p-1f, 0x1.555556p-1f, 0x1p+0f, 0x1.000002p+0f}, {0x1.aaaaacp-1f, 0x1.555556p-3f, 0.0f, 0x1p+0f}, {-0x1.0aaaacp+1f, -0x1.aaaaacp-2f, 0.0f, -0x1.4p+1f}},
    {-0x1.fffffep-1f, {-0x1.555554p-2f, 0x1.555556p-2f, -0x1.fffffep-1f, 0.0f}, {0x1.555558p-3f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.aaaaaep-2f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {-0x1.000002p+0f, {-0x1.555556p-2f, 0x1.555554p-2f, -0x1p+0f, 0.0f}, {0x1.55555p-3f, 0x1.555556p-3f, 0.0f, 0.0f}, {-0x1.aaaaa4p-2f, -0x1.aaaaacp-2f, 0.0f, 0.0f}},
    {0x1p-149f, {0.0f, 0x1p-1f, 0x1p-149f, 0x1p-149f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1p-149f, {-0.0f, 0x1p-1f, -0x1p-149f, 0.0f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {0x1.8p-148f, {0x1p-148f, 0x1p-1f, 0x1.8p-148f, 0x1.8p-148f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1.8p-148f, {-0x1p-148f, 0x1p-1f, -0x1.8p-148f, 0.0f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {0x1p-126f, {0x1p-127f, 0x1p-1f, 0x1p-126f, 0x1p-126f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1p-126f, {-0x1p-127f, 0x1p-1f, -0x1p-126f, 0.0f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {0x1.fffffep+127f, {inf_v, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {-0x1.fffffep+127f, {-0.0f, 0.0f, -0x1p+0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}},
    {0x1.555554p+125f, {0x1.555554p+125f, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {0x1.999998p+125f, {inf_v, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {0x1.99999ap-4f, {0x1.a740dap-5f, 0x1.088888p-1f, 0x1.99999ap-4f, 0x1.99999ap-4f}, {0x1.111112p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.555556p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1.99999ap-4f, {-0x1.8bf25ap-5f, 0x1.eeeefp-2f, -0x1.99999ap-4f, 0.0f}, {0x1.dddddep-2f, 0x1.555556p-3f, 0x1p+0f, 0.0f}, {-0x1.2aaaaap+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, 0.0f}},
    {0x1.79ca1p-67f, {0x1.79ca1p-68f, 0x1p-1f, 0x1.79ca1p-67f, 0x1.79ca1p-67f}, {0x1p-1f, 0x1.555556p-3f, 0x1p+0f, 0x1p+0f}, {-0x1.4p+0f, -0x1.aaaaacp-2f, -0x1.4p+1f, -0x1.4p+1f}},
    {-0x1.cp+0f, {-0x1.755556p-2f, 0x1.aaaaaap-3f, -0x1p+0f, 0.0f}, {-0x1.55555p-4f, 0x1.555556p-3f, 0.0f, 0.0f}, {0x1.aaaaa4p-3f, -0x1.aaaaacp-2f, 0.0f, 0.0f}},
    {0x1.9p+6f, {0x1.9p+6f, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {-0x1.9p+6f, {-0.0f, 0.0f, -0x1p+0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}},
    {inf_v, {inf_v, 0x1p+0f, 0x1p+0f, 0x1.8p+2f}, {0x1p+0f, 0.0f, 0.0f, 0.0f}, {-0x1.4p+1f, 0.0f, 0.0f, 0.0f}},
    {-inf_v, {nan_v, 0.0f, -0x1p+0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f, 0.0f}},
    {nan_v, {nan_v, nan_v, nan_v, nan_v}, {nan_v, 0.0f, 0.0f, 0.0f}, {nan_v, 0.0f, 0.0f, 0.0f}},
#undef nan_v
#undef inf_v
};

inline constexpr TorchRow<double> torch_hard_double[] = {
#define nan_v detail_hard::nan_d
#define inf_v detail_hard::inf_d
    {0.0, {0.0, 0x1p-1, 0.0, 0.0}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {-0.0, {-0.0, 0x1p-1, -0.0, -0.0}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {0x1.8p+1, {0x1.8p+1, 0x1p+0, 0x1p+0, 0x1.8p+1}, {0x1p+0, 0.0, 0.0, 0x1p+0}, {-0x1.4p+1, 0.0, 0.0, -0x1.4p+1}},
    {-0x1.8p+1, {-0.0, 0.0, -0x1p+0, 0.0}, {-0x1p-1, 0.0, 0.0, 0.0}, {0x1.4p+0, 0.0, 0.0, 0.0}},
    {0x1.8p+2, {0x1.8p+2, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {-0x1.8p+2, {-0.0, 0.0, -0x1p+0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}},
    {0x1p+0, {0x1.5555555555555p-1, 0x1.5555555555555p-1, 0x1p+0, 0x1p+0}, {0x1.aaaaaaaaaaaaap-1, 0x1.555556p-3, 0.0, 0x1p+0}, {-0x1.0aaaaaaaaaaaap+1, -0x1.aaaaab8p-2, 0.0, -0x1.4p+1}},
    {-0x1p+0, {-0x1.5555555555555p-2, 0x1.5555555555555p-2, -0x1p+0, 0.0}, {0x1.5555555555556p-3, 0x1.555556p-3, 0.0, 0.0}, {-0x1.aaaaaaaaaaaacp-2, -0x1.aaaaab8p-2, 0.0, 0.0}},
    {0x1p-1, {0x1.2aaaaaaaaaaabp-2, 0x1.2aaaaaaaaaaabp-1, 0x1p-1, 0x1p-1}, {0x1.5555555555555p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.aaaaaaaaaaaaap+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x1.4p+1, {-0x1.aaaaaaaaaaaabp-3, 0x1.5555555555555p-4, -0x1p+0, 0.0}, {-0x1.5555555555556p-2, 0x1.555556p-3, 0.0, 0.0}, {0x1.aaaaaaaaaaaacp-1, -0x1.aaaaab8p-2, 0.0, 0.0}},
    {0x1.4p+1, {0x1.2555555555555p+1, 0x1.d555555555555p-1, 0x1p+0, 0x1.4p+1}, {0x1.5555555555556p+0, 0x1.555556p-3, 0.0, 0x1p+0}, {-0x1.aaaaaaaaaaaacp+1, -0x1.aaaaab8p-2, 0.0, -0x1.4p+1}},
    {0x1.6p+2, {0x1.6p+2, 0x1p+0, 0x1p+0, 0x1.6p+2}, {0x1p+0, 0.0, 0.0, 0x1p+0}, {-0x1.4p+1, 0.0, 0.0, -0x1.4p+1}},
    {0x1.7ffffffffffffp+1, {0x1.7ffffffffffffp+1, 0x1p+0, 0x1p+0, 0x1.7ffffffffffffp+1}, {0x1.8p+0, 0x1.555556p-3, 0.0, 0x1p+0}, {-0x1.ep+1, -0x1.aaaaab8p-2, 0.0, -0x1.4p+1}},
    {0x1.8000000000001p+1, {0x1.8000000000001p+1, 0x1p+0, 0x1p+0, 0x1.8000000000001p+1}, {0x1p+0, 0.0, 0.0, 0x1p+0}, {-0x1.4p+1, 0.0, 0.0, -0x1.4p+1}},
    {-0x1.7ffffffffffffp+1, {-0x1.fffffffffffffp-53, 0x1.5555555555555p-54, -0x1p+0, 0.0}, {-0x1.ffffffffffffep-2, 0x1.555556p-3, 0.0, 0.0}, {0x1.3ffffffffffffp+0, -0x1.aaaaab8p-2, 0.0, 0.0}},
    {-0x1.8000000000001p+1, {-0.0, 0.0, -0x1p+0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}},
    {0x1.7ffffffffffffp+2, {0x1.7ffffffffffffp+2, 0x1p+0, 0x1p+0, 0x1.7ffffffffffffp+2}, {0x1p+0, 0.0, 0.0, 0x1p+0}, {-0x1.4p+1, 0.0, 0.0, -0x1.4p+1}},
    {0x1.8000000000001p+2, {0x1.8000000000001p+2, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {0x1.fffffffffffffp-1, {0x1.5555555555555p-1, 0x1.5555555555555p-1, 0x1.fffffffffffffp-1, 0x1.fffffffffffffp-1}, {0x1.aaaaaaaaaaaaap-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.0aaaaaaaaaaaap+1, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {0x1.0000000000001p+0, {0x1.5555555555557p-1, 0x1.5555555555555p-1, 0x1p+0, 0x1.0000000000001p+0}, {0x1.aaaaaaaaaaaacp-1, 0x1.555556p-3, 0.0, 0x1p+0}, {-0x1.0aaaaaaaaaaacp+1, -0x1.aaaaab8p-2, 0.0, -0x1.4p+1}},
    {-0x1.fffffffffffffp-1, {-0x1.5555555555555p-2, 0x1.5555555555555p-2, -0x1.fffffffffffffp-1, 0.0}, {0x1.5555555555556p-3, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.aaaaaaaaaaaacp-2, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {-0x1.0000000000001p+0, {-0x1.5555555555555p-2, 0x1.5555555555555p-2, -0x1p+0, 0.0}, {0x1.5555555555552p-3, 0x1.555556p-3, 0.0, 0.0}, {-0x1.aaaaaaaaaaaa6p-2, -0x1.aaaaab8p-2, 0.0, 0.0}},
    {0x0.0000000000001p-1022, {0.0, 0x1p-1, 0x0.0000000000001p-1022, 0x0.0000000000001p-1022}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x0.0000000000001p-1022, {-0.0, 0x1p-1, -0x0.0000000000001p-1022, 0.0}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {0x0.0000000000003p-1022, {0x0.0000000000002p-1022, 0x1p-1, 0x0.0000000000003p-1022, 0x0.0000000000003p-1022}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x0.0000000000003p-1022, {-0x0.0000000000002p-1022, 0x1p-1, -0x0.0000000000003p-1022, 0.0}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {0x1p-1022, {0x0.8p-1022, 0x1p-1, 0x1p-1022, 0x1p-1022}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x1p-1022, {-0x0.8p-1022, 0x1p-1, -0x1p-1022, 0.0}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {0x1.fffffffffffffp+1023, {inf_v, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {-0x1.fffffffffffffp+1023, {-0.0, 0.0, -0x1p+0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}},
    {0x1.5555555555555p+1021, {inf_v, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {0x1.9999999999999p+1021, {inf_v, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {0x1.999999999999ap-4, {0x1.a740da740da75p-5, 0x1.0888888888889p-1, 0x1.999999999999ap-4, 0x1.999999999999ap-4}, {0x1.1111111111111p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.5555555555555p+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x1.999999999999ap-4, {-0x1.8bf258bf258bfp-5, 0x1.eeeeeeeeeeeefp-2, -0x1.999999999999ap-4, 0.0}, {0x1.ddddddddddddep-2, 0x1.555556p-3, 0x1p+0, 0.0}, {-0x1.2aaaaaaaaaaabp+0, -0x1.aaaaab8p-2, -0x1.4p+1, 0.0}},
    {0x1.79ca10c924223p-67, {0x1.79ca10c924223p-68, 0x1p-1, 0x1.79ca10c924223p-67, 0x1.79ca10c924223p-67}, {0x1p-1, 0x1.555556p-3, 0x1p+0, 0x1p+0}, {-0x1.4p+0, -0x1.aaaaab8p-2, -0x1.4p+1, -0x1.4p+1}},
    {-0x1.cp+0, {-0x1.7555555555555p-2, 0x1.aaaaaaaaaaaabp-3, -0x1p+0, 0.0}, {-0x1.5555555555558p-4, 0x1.555556p-3, 0.0, 0.0}, {0x1.aaaaaaaaaaaaep-3, -0x1.aaaaab8p-2, 0.0, 0.0}},
    {0x1.9p+6, {0x1.9p+6, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {-0x1.9p+6, {-0.0, 0.0, -0x1p+0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}},
    {inf_v, {inf_v, 0x1p+0, 0x1p+0, 0x1.8p+2}, {0x1p+0, 0.0, 0.0, 0.0}, {-0x1.4p+1, 0.0, 0.0, 0.0}},
    {-inf_v, {nan_v, 0.0, -0x1p+0, 0.0}, {0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}},
    {nan_v, {nan_v, nan_v, nan_v, nan_v}, {nan_v, 0.0, 0.0, 0.0}, {nan_v, 0.0, 0.0, 0.0}},
#undef nan_v
#undef inf_v
};

}  // namespace rectify_test::reference
