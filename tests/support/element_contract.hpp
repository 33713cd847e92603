// Whether one element computed by a kernel meets the documented contract (docs/ACCURACY.md, docs/SEMANTICS.md),
// shared by the kernel harness (test_kernels.cpp) and the Eigen functors' tests (test_eigen.cpp):
//   - ReLU and Leaky ReLU: bit for bit the scalar math;
//   - ELU and SiLU: NaN and inf where the scalar math gives them, the exact values at infinite inputs,
//     otherwise within the bounds of accuracy_bounds.hpp of a long double reference, and a zero result
//     with the sign the contract gives it (below).
#pragma once

#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "accuracy_bounds.hpp"
#include "test_support.hpp"

namespace rectify_test {

template <class Act>
constexpr bool exact_kernel = std::is_same_v<Act, rectify::ReLU> || std::is_same_v<Act, rectify::LeakyReLU>;

template <class T>
long double exact_forward(const rectify::ELU& act, T x) { return ref_elu(x, static_cast<T>(act.alpha)); }
template <class T>
long double exact_forward(const rectify::SiLU&, T x) { return ref_silu(x); }
template <class T>
long double exact_derivative(const rectify::ELU& act, T x) { return ref_elu_grad(x, static_cast<T>(act.alpha)); }
template <class T>
long double exact_derivative(const rectify::SiLU&, T x) { return ref_silu_grad(x); }

// ELU's documented bound is for alpha = 1. With |alpha| a power of two, alpha·expm1(x) scales exactly
// and the bound is the same. Any other alpha rounds once more, and the ULP of the product can be half
// of |alpha| times the ULP of expm1(x): twice expm1's bound plus the product's half ULP (measured
// for SELU's alpha 1.6733, float: 1.75 ULP).
template <class T>
double forward_ulp_bound(const rectify::ELU& act) {
    int exponent = 0;
    const bool power_of_two = std::frexp(std::fabs(static_cast<T>(act.alpha)), &exponent) == T(0.5);
    return power_of_two ? bounds::elu_forward_ulp<T>() : 2 * bounds::elu_forward_ulp<T>() + 0.5;
}
template <class T>
double forward_ulp_bound(const rectify::SiLU&) { return bounds::silu_forward_ulp<T>(); }
template <class T>
double backward_c(const rectify::ELU&) { return bounds::elu_backward_c<T>(); }
template <class T>
double backward_c(const rectify::SiLU&) { return bounds::silu_backward_c<T>(); }

// NaN where the scalar math gives NaN, the same infinity where it gives one.
template <class T>
bool specials_agree(T got, T scalar) {
    if (std::isnan(got) || std::isnan(scalar)) return std::isnan(got) && std::isnan(scalar);
    if (std::isinf(got) || std::isinf(scalar)) return got == scalar;
    return true;
}

// The sign of a zero dx. dx = f'(x) * dy is a product (docs/SEMANTICS.md), so a zero dx has the sign
// of f'(x) times the sign of dy, where f'(x) is the gradient the contract defines:
//   ELU:  1 for x > 0; otherwise alpha * exp(x), alpha's sign (exp(x) > 0; below the flush limit
//         exp(x) counts as +0, and alpha * +0 has alpha's sign too);
//   SiLU: the exact gradient's sign, except below -gradient_flush_limit, where the gradient counts
//         as +0 (so dx = dy * +0 has dy's sign although the exact gradient is negative there), and
//         where |f'(x)| <= C * eps: that is within the backward bound of 0, so the computed gradient
//         may be a zero or a tiny value of either sign (a few floats around the minimum at -1.2785).
// Returns true where either sign is allowed.
template <class T>
bool zero_dx_sign_ok(const rectify::ELU& act, T x, T dy, T got) {
    const bool negative_derivative = !(x > 0) && std::signbit(static_cast<T>(act.alpha));
    return std::signbit(got) == (negative_derivative != std::signbit(dy));
}
template <class T>
bool zero_dx_sign_ok(const rectify::SiLU& act, T x, T dy, T got) {
    if (x < static_cast<T>(-rectify::scalar_math::gradient_flush_limit<T>)) return std::signbit(got) == std::signbit(dy);
    const long double derivative = exact_derivative(act, x);
    if (std::fabs(derivative) <= backward_c<T>(act) * std::numeric_limits<T>::epsilon()) return true;
    return std::signbit(got) == ((derivative < 0) != std::signbit(dy));
}

template <class Act, class T>
bool forward_ok(const Act& act, T x, T got) {
    const T scalar = act(x);
    if constexpr (exact_kernel<Act>) {
        return same_value(got, scalar);
    } else {
        // The limits at ±inf are exact values in docs/SEMANTICS.md (elu(-inf) = -alpha, silu(-inf) = -0).
        if (!std::isfinite(x)) return same_value(got, scalar);
        if (!specials_agree(got, scalar)) return false;
        if (std::isnan(got) || std::isinf(got)) return true;
        // ulp_error counts a zero of the wrong sign as infinitely far (test_support.hpp).
        return ulp_error(got, exact_forward(act, x)) <= forward_ulp_bound<T>(act);
    }
}

template <class Act, class T>
bool backward_ok(const Act& act, T x, T dy, T got) {
    const T scalar = act.backward(x, dy);
    if constexpr (exact_kernel<Act>) {
        return same_value(got, scalar);
    } else {
        // Infinite or NaN x or dy: exact values in docs/SEMANTICS.md (dx(+inf) = dy, dx(-inf) = 0·dy,
        // f'(x)·inf = ±inf or NaN), the same on every path.
        if (!std::isfinite(x) || !std::isfinite(dy)) return same_value(got, scalar);
        if (!specials_agree(got, scalar)) return false;
        if (std::isnan(got) || std::isinf(got)) return true;
        if (got == 0 && !zero_dx_sign_ok(act, x, dy, got)) return false;
        const long double exact = exact_derivative(act, x) * dy;
        const long double c = backward_c<T>(act);
        const long double eps = std::numeric_limits<T>::epsilon();
        const long double bound = c * eps * std::max(std::fabs(exact), std::fabs(static_cast<long double>(dy))) +
                                  c * std::numeric_limits<T>::denorm_min();
        return std::fabs(got - exact) <= bound;
    }
}

}  // namespace rectify_test
