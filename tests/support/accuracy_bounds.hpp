// The error bounds of ELU and SiLU that the README's accuracy table states, in one place.
// test_accuracy.cpp measures against a long double reference and asserts these; test_kernels.cpp
// holds every SIMD result (body, one-vector loop, tail; any alignment; in place) to the same bounds.
// Change a number here only together with the README table.
#pragma once

namespace rectify_test::bounds {

// Forward: ULPs of the exact result (results in the denormal range: multiples of denorm_min).
inline constexpr double elu_forward_ulp_float = 1.0;
inline constexpr double silu_forward_ulp_float = 2.0;
inline constexpr double elu_forward_ulp_double = 1.0;
inline constexpr double silu_forward_ulp_double = 2.0;

// The double scalar math of SiLU (activations.hpp: x / (1 + exp(-x)) in double) MISSES the 2-ULP
// target of docs/SEMANTICS.md: measured 2.18 ULP (x = -36.879925727844238, where 1 + exp(-x) rounds and
// the division rounds again). This is the next whole ULP above the measurement; the SIMD kernel
// meets 2. Reported to the lead (tests-kernels report); lower it when the scalar math is fixed.
inline constexpr double silu_forward_ulp_double_scalar_math = 2.0;

// Backward: |dx - exact| <= C * eps * max(|exact|, |dy|)  (+ C * denorm_min, the resolution of a
// result that falls into the denormals).
inline constexpr double elu_backward_c_float = 4.0;
inline constexpr double silu_backward_c_float = 4.0;
inline constexpr double elu_backward_c_double = 4.0;
inline constexpr double silu_backward_c_double = 4.0;

template <class T> constexpr double elu_forward_ulp() { return sizeof(T) == 4 ? elu_forward_ulp_float : elu_forward_ulp_double; }
template <class T> constexpr double silu_forward_ulp() { return sizeof(T) == 4 ? silu_forward_ulp_float : silu_forward_ulp_double; }
template <class T> constexpr double elu_backward_c() { return sizeof(T) == 4 ? elu_backward_c_float : elu_backward_c_double; }
template <class T> constexpr double silu_backward_c() { return sizeof(T) == 4 ? silu_backward_c_float : silu_backward_c_double; }

}  // namespace rectify_test::bounds
