// Whether one element computed by a kernel meets the documented contract (docs/ACCURACY.md, docs/SEMANTICS.md),
// shared by the kernel harness (test_kernels.cpp) and the Eigen functors' tests (test_eigen.cpp), for
// every activation of support/references.hpp:
//   - an exact activation (forward_ulp_bound() == 0: ReLU, Leaky ReLU, the piecewise ones): bit for bit
//     the scalar math (test_accuracy.cpp holds the scalar math to PyTorch's bits);
//   - any other: NaN and inf where the scalar math gives them, the exact values at infinite inputs,
//     otherwise within forward_ulp_bound() ULP of the long double reference (forward) and within
//     C = 4 (backward, accuracy_bounds.hpp), and a zero result with the sign the contract gives it
//     (references.hpp, zero_dx_sign_ok).
#pragma once

#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "accuracy_bounds.hpp"
#include "references.hpp"
#include "test_support.hpp"

namespace rectify_test {

template <class Act>
constexpr bool exact_kernel = exact_reference<Act>;

// NaN where the scalar math gives NaN, the same infinity where it gives one.
template <class T>
bool specials_agree(T got, T scalar) {
    if (std::isnan(got) || std::isnan(scalar)) return std::isnan(got) && std::isnan(scalar);
    if (std::isinf(got) || std::isinf(scalar)) return got == scalar;
    return true;
}

template <class Act, class T>
bool forward_ok(const Act& act, T x, T got) {
    require_reference<Act>();
    const T scalar = act(x);
    if constexpr (exact_kernel<Act>) {
        return same_value(got, scalar);
    } else {
        // The limits at ±inf are exact values in docs/SEMANTICS.md (elu(-inf) = -alpha, silu(-inf) = -0).
        if (!std::isfinite(x)) return same_value(got, scalar);
        if (!specials_agree(got, scalar)) return false;
        if (std::isnan(got) || std::isinf(got)) return true;
        // ulp_error counts a zero of the wrong sign as infinitely far (test_support.hpp).
        return ulp_error(got, reference_forward<long double>(act, x)) <= act.forward_ulp_bound();
    }
}

template <class Act, class T>
bool backward_ok(const Act& act, T x, T dy, T got) {
    require_reference<Act>();
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
        const long double exact = reference_derivative<long double>(act, x) * dy;
        return backward_error(got, exact, dy) <= backward_c<T>();
    }
}

}  // namespace rectify_test
