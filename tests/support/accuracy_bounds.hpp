// The error bounds docs/ACCURACY.md states, in one place, and the tighter limits each SIMD kernel's
// backward is held to on test_accuracy.cpp's inputs. The forward bound of every activation is its
// type's forward_ulp_bound() (include/rectify/activations/*.hpp; 0 = bit for bit PyTorch's values);
// the backward bound C below is every activation's. ELU's and SiLU's bounds are also written out here
// (the build matrix and the CUDA tests use them; test_accuracy.cpp checks that the traits agree).
// test_accuracy.cpp measures against a long double reference and asserts them; test_kernels.cpp
// holds every SIMD result (body, one-vector loop, tail; any alignment; in place) to them;
// rectify_exhaustive (exhaustive_accuracy.cpp) proves them over all 2^32 floats. Change a documented
// bound only together with docs/ACCURACY.md.
#pragma once

namespace rectify_test::bounds {

// Forward: ULPs of the exact result (results in the denormal range: multiples of denorm_min).
inline constexpr double elu_forward_ulp_float = 1.0;
inline constexpr double silu_forward_ulp_float = 2.0;
inline constexpr double elu_forward_ulp_double = 1.0;
inline constexpr double silu_forward_ulp_double = 2.0;

// Backward: |dx - exact| <= C * eps * max(|exact|, |dy|)  (+ C * denorm_min, the resolution of a
// result that falls into the denormals). Every activation that is not exact.
inline constexpr double backward_c_float = 4.0;
inline constexpr double backward_c_double = 4.0;
inline constexpr double elu_backward_c_float = 4.0;
inline constexpr double silu_backward_c_float = 4.0;
inline constexpr double elu_backward_c_double = 4.0;
inline constexpr double silu_backward_c_double = 4.0;

// Backward, what each SIMD kernel achieves: the largest C that test_accuracy.cpp's sweeps measure,
// over GCC -march=native (AVX-512 here), -march=x86-64 (SSE2), -march=x86-64-v3 (AVX2 + FMA),
// Clang -march=native and GCC -Og under ASan (sparser sweeps), plus 0.25, rounded up to a quarter.
// For float also measured with RECTIFY_ACCURACY_STRIDE=41 (ten times the default density; only
// SiLU's random-dy maximum rose, 2.12 to 2.30) and over all 2^32 floats with dy = 1
// (exhaustive_accuracy.cpp: ELU 0.57, SiLU 1.95). Maxima: float ELU 0.57 (dy = 1) and 0.95 (random
// dy), SiLU 1.95 and 2.30; double ELU 0.49 and 0.85, SiLU 1.91 and 2.23.
// The documented C above is what users may rely on; these limits are far below it, so that a
// kernel whose gradient loses a few ULPs (a coefficient of exp's polynomial, a dropped correction
// term) fails although it stays inside the contract. A change of the math that moves a maximum
// changes its limit here, with the new measurement.
struct BackwardLimits {
    double dy_one, random_dy;
};
inline constexpr BackwardLimits elu_backward_measured_float{1.0, 1.25};
inline constexpr BackwardLimits silu_backward_measured_float{2.25, 2.75};
inline constexpr BackwardLimits elu_backward_measured_double{0.75, 1.25};
inline constexpr BackwardLimits silu_backward_measured_double{2.25, 2.5};

template <class T> constexpr double elu_forward_ulp() { return sizeof(T) == 4 ? elu_forward_ulp_float : elu_forward_ulp_double; }
template <class T> constexpr double silu_forward_ulp() { return sizeof(T) == 4 ? silu_forward_ulp_float : silu_forward_ulp_double; }
template <class T> constexpr double elu_backward_c() { return sizeof(T) == 4 ? elu_backward_c_float : elu_backward_c_double; }
template <class T> constexpr double silu_backward_c() { return sizeof(T) == 4 ? silu_backward_c_float : silu_backward_c_double; }
template <class T> constexpr BackwardLimits elu_backward_measured() {
    return sizeof(T) == 4 ? elu_backward_measured_float : elu_backward_measured_double;
}
template <class T> constexpr BackwardLimits silu_backward_measured() {
    return sizeof(T) == 4 ? silu_backward_measured_float : silu_backward_measured_double;
}

}  // namespace rectify_test::bounds
