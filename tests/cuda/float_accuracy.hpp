// The accuracy measure of the device's float math (activations.hpp, scalar_math::in_float), shared
// by the host tests and the GPU programs: the error of each of six results of one input against a
// double reference, in the units of docs/SEMANTICS.md.
//   forward: ULPs of the exact value (results in the denormal range: multiples of denorm_min);
//   backward: |dx - exact| / (eps * max(|exact|, |dy|) + denorm_min).
// The double references use the C library's exp/expm1 on the host and CUDA's on the device (both
// within 1 ULP of double: 2^-29 of a float ULP), so the measure is the same on both.
#pragma once

#include <rectify/activations.hpp>

#include "../support/accuracy_bounds.hpp"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rectify_cuda_test {

enum measure : int {
    elu_forward,         // alpha = 1
    elu_backward_one,    // dy = 1
    elu_backward_dy,     // dy = dy_for(x)
    silu_forward,
    silu_backward_one,
    silu_backward_dy,
    measure_count
};

inline const char* const measure_names[measure_count] = {
    "ELU forward (ULP)",          "ELU backward, dy = 1 (C)",  "ELU backward, varied dy (C)",
    "SiLU forward (ULP)",         "SiLU backward, dy = 1 (C)", "SiLU backward, varied dy (C)"};

RECTIFY_HOST_DEVICE inline float float_from_bits(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
RECTIFY_HOST_DEVICE inline std::uint32_t bits_of(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

// A gradient for input x that covers magnitudes 2^-20 .. 2^20 and both signs, reproducibly (a hash
// of x's bits), so host and device measure the same pairs.
RECTIFY_HOST_DEVICE inline float dy_for(float x) {
    std::uint32_t h = bits_of(x) * 0x9E3779B1u;
    h ^= h >> 15;
    h *= 0x85EBCA77u;
    h ^= h >> 13;
    const int exponent = static_cast<int>(h % 41) - 20;
    const float mantissa = 1.0f + static_cast<float>((h >> 8) & 0x7FFFFF) * 0x1p-23f;
    const float v = ::ldexpf(mantissa, exponent);
    return (h & 0x80000000u) ? -v : v;
}

RECTIFY_HOST_DEVICE inline bool not_a_number(double v) { return v != v; }
RECTIFY_HOST_DEVICE inline bool infinite(double v) { return ::fabs(v) > DBL_MAX; }

// Exact values (alpha = 1), in double.
struct exact_values {
    double elu, elu_grad, silu, silu_grad;
};
RECTIFY_HOST_DEVICE inline exact_values exact(double x) {
    namespace m = rectify::scalar_math;
    exact_values r;
    r.elu = x > 0 ? x : m::expm1(x);
    r.elu_grad = x > 0 ? 1.0 : m::exp(x);
    if (not_a_number(x)) {
        r.silu = r.silu_grad = x;
    } else if (infinite(x)) {
        r.silu = x > 0 ? x : -0.0;
        r.silu_grad = x > 0 ? 1.0 : 0.0;
    } else {
        const double e = m::exp(-::fabs(x));  // in (0, 1]
        const double d = 1.0 + e;
        const double s = x >= 0 ? 1.0 / d : e / d;      // s(x)
        const double s_neg = x >= 0 ? e / d : 1.0 / d;  // s(-x) = 1 - s(x)
        r.silu = x * s;
        r.silu_grad = s * (1.0 + x * s_neg);
    }
    return r;
}

RECTIFY_HOST_DEVICE inline double ulp_error(float got, double exact) {
    if (not_a_number(got) || not_a_number(exact)) return (not_a_number(got) && not_a_number(exact)) ? 0.0 : INFINITY;
    if (infinite(got) || infinite(exact)) return static_cast<double>(got) == exact ? 0.0 : INFINITY;
    const double mag = ::fabs(exact);
    double ulp = static_cast<double>(FLT_TRUE_MIN);
    if (mag >= static_cast<double>(FLT_MIN)) {
        int e = 0;
        ::frexp(mag, &e);  // mag in [2^(e-1), 2^e)
        ulp = ::ldexp(1.0, e - 1 - 23);
    }
    return ::fabs(static_cast<double>(got) - exact) / ulp;
}

RECTIFY_HOST_DEVICE inline double backward_error(float got, double exact, float dy) {
    if (not_a_number(got) || not_a_number(exact) || infinite(got) || infinite(exact))
        return (not_a_number(got) && not_a_number(exact)) || static_cast<double>(got) == exact ? 0.0 : INFINITY;
    const double scale = static_cast<double>(FLT_EPSILON) * ::fmax(::fabs(exact), ::fabs(static_cast<double>(dy))) +
                         static_cast<double>(FLT_TRUE_MIN);
    return ::fabs(static_cast<double>(got) - exact) / scale;
}

// The six errors of input x, given the six results got[measure] (got[..._dy] computed with dy_for(x)).
RECTIFY_HOST_DEVICE inline void errors_of(float x, const float* got, double* err) {
    const float dy = dy_for(x);
    const exact_values r = exact(static_cast<double>(x));
    err[elu_forward] = ulp_error(got[elu_forward], r.elu);
    err[elu_backward_one] = backward_error(got[elu_backward_one], r.elu_grad, 1.0f);
    err[elu_backward_dy] = backward_error(got[elu_backward_dy], r.elu_grad * static_cast<double>(dy), dy);
    err[silu_forward] = ulp_error(got[silu_forward], r.silu);
    err[silu_backward_one] = backward_error(got[silu_backward_one], r.silu_grad, 1.0f);
    err[silu_backward_dy] = backward_error(got[silu_backward_dy], r.silu_grad * static_cast<double>(dy), dy);
}

// The six results of the device's float math for x, evaluated where this is called (on the host:
// the same bits as on the device, see activations.hpp).
RECTIFY_HOST_DEVICE inline void float_math_results(float x, float* got) {
    using rectify::scalar_math::in_float;
    const float dy = dy_for(x);
    const rectify::ELU elu{};
    const rectify::SiLU silu{};
    got[elu_forward] = elu.forward_in<in_float>(x);
    got[elu_backward_one] = elu.backward_in<in_float>(x, 1.0f);
    got[elu_backward_dy] = elu.backward_in<in_float>(x, dy);
    got[silu_forward] = silu.forward_in<in_float>(x);
    got[silu_backward_one] = silu.backward_in<in_float>(x, 1.0f);
    got[silu_backward_dy] = silu.backward_in<in_float>(x, dy);
}

// The float bounds of docs/SEMANTICS.md, from the one place the CPU tests take them from.
inline constexpr double bound_of[measure_count] = {
    rectify_test::bounds::elu_forward_ulp_float,  rectify_test::bounds::elu_backward_c_float,
    rectify_test::bounds::elu_backward_c_float,   rectify_test::bounds::silu_forward_ulp_float,
    rectify_test::bounds::silu_backward_c_float,  rectify_test::bounds::silu_backward_c_float};

}  // namespace rectify_cuda_test
