// rectify/scalar_math.hpp — the shared scalar pieces the activations' math is built from.
//
// Each activation's own math lives in its family file (activations/*.hpp); what several of them
// use lives here: the C library's double exp/expm1/fma (CUDA's on the device), where gradients stop
// being computed (gradient_flush_limit), and float evaluated in float for the CUDA device
// (float_ops, the exp pieces reduce_exp_float / expm1_nonpositive_float / exp_nonpositive_float),
// each with its error and range. It needs only the standard library, so it compiles in CUDA device
// code: under nvcc every function is __host__ __device__.
//
// On a CUDA device float is evaluated in float (GPUs without full double throughput run double at
// 1/64 of the float rate): in_float below, written with explicit round-to-nearest operations so
// that the host computes the very same bits. Elsewhere (the host, and double everywhere) the
// transcendental part is evaluated in double and rounded once to T: in_double. An activation's
// formula is written once over the arithmetic it is evaluated in (`forward_in<A>`,
// `backward_in<A>`); tests/cuda proves in_float's accuracy on the host over all 2^32 floats.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "detail/arch_namespace.hpp"
#include "detail/fast_math_guard.hpp"

#if defined(__CUDACC__)
#define RECTIFY_HOST_DEVICE __host__ __device__
#else
#define RECTIFY_HOST_DEVICE
#endif

namespace rectify {

// The scalar math is compiled for the file's instruction set: detail/arch_namespace.hpp.
namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

// The C library's double functions on the host, CUDA's on the device.
RECTIFY_HOST_DEVICE inline double exp(double x) {
#if defined(__CUDA_ARCH__)
    return ::exp(x);
#else
    return std::exp(x);
#endif
}
RECTIFY_HOST_DEVICE inline double expm1(double x) {
#if defined(__CUDA_ARCH__)
    return ::expm1(x);
#else
    return std::expm1(x);
#endif
}
RECTIFY_HOST_DEVICE inline double fma(double x, double y, double z) {
#if defined(__CUDA_ARCH__)
    return ::fma(x, y, z);
#else
    return std::fma(x, y, z);
#endif
}

// Where ELU's and SiLU's gradients stop being computed: for x below -gradient_flush_limit<T>
// (float: -87, where exp(x) turns denormal; double: -708) exp(x) counts as 0, so ELU's dx is
// dy * alpha * 0 and SiLU's is dy * 0; above +gradient_flush_limit<T> SiLU's gradient is 1. The
// exact values there are below eps * |dy| (within the gradient bound), and the scalar math and
// the vector kernels flush at the same point, so they agree on every input, NaN and inf included
// (an infinite dy there gives NaN, as 0 * inf).
template <class T>
inline constexpr double gradient_flush_limit = sizeof(T) <= 4 ? 87.0 : 708.0;

// ---- float evaluated in float: the device's float math, also callable on the host -------------
//
// Every operation is an explicit round-to-nearest one: on the device CUDA's __fmul_rn etc., which
// nvcc never contracts into an fma and which stay IEEE under -prec-div=false; on the host plain
// operators and std::fma, so a host build with -ffp-contract=off (tests/cuda builds so) computes
// the same bits as the device. Not for --use_fast_math / -ftz=true device code: the tiny SiLU
// results are denormals.
namespace float_ops {
#if defined(__CUDA_ARCH__)
__device__ inline float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ inline float add(float a, float b) { return __fadd_rn(a, b); }
__device__ inline float sub(float a, float b) { return __fsub_rn(a, b); }
__device__ inline float div(float a, float b) { return __fdiv_rn(a, b); }
__device__ inline float fma(float a, float b, float c) { return __fmaf_rn(a, b, c); }
__device__ inline float rint(float x) { return rintf(x); }  // ties to even
__device__ inline float abs(float x) { return fabsf(x); }
// 2^n for an integral n in [-126, 127], built in the exponent bits.
__device__ inline float pow2(float n) { return __int_as_float((static_cast<int>(n) + 127) << 23); }
#else
inline float mul(float a, float b) { return a * b; }
inline float add(float a, float b) { return a + b; }
inline float sub(float a, float b) { return a - b; }
inline float div(float a, float b) { return a / b; }
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
inline float rint(float x) { return std::nearbyint(x); }  // ties to even in the default rounding mode
inline float abs(float x) { return std::fabs(x); }
inline float pow2(float n) {
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<int>(n) + 127) << 23;
    float result;
    std::memcpy(&result, &bits, sizeof result);
    return result;
}
#endif
}  // namespace float_ops

// x = n*ln2 + r with n integral and |r| <= ln2/2 (about; n rounds a float product): n and
// expm1(r). The scheme of rectify's vector exp (detail/vector_math.hpp) in scalar float.
struct reduced_float {
    float n;
    float expm1_r;
};
RECTIFY_HOST_DEVICE inline reduced_float reduce_exp_float(float x) {
    using namespace float_ops;
    // Cody-Waite split of ln2 (Cephes expf): 355/512 has 9 significant bits, so n*ln2_hi is exact
    // for |n| < 2^15 and x - n*ln2_hi is exact (Sterbenz); ln2_lo = ln2 - ln2_hi rounded to float.
    constexpr float log2e = 1.44269504088896341f;
    constexpr float ln2_hi = 0.693359375f;
    constexpr float ln2_lo = -2.12194440e-4f;
    const float n = rint(mul(x, log2e));
    const float r_hi = fma(n, -ln2_hi, x);
    const float t = mul(n, -ln2_lo);
    const float r = add(r_hi, t);
    // r's own rounding error (Fast2Sum) would cost up to half an ULP of r, amplified by exp(r).
    const float r_err = add(sub(r_hi, r), t);
    // Taylor coefficients 1/k!, k = 2..8: on |r| <= 0.35 the truncation error |r|^8/9! is below
    // 6e-10 relative to expm1(r), 0.01 ULP.
    constexpr float taylor[] = {1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040, 1.0f / 40320};
    float p = taylor[6];
    for (int k = 5; k >= 0; --k) p = fma(p, r, taylor[k]);
    // expm1(r + r_err) = r + r^2*p(r) + r_err*(1 + r) + ...: the small terms first, r last.
    return {n, add(r, fma(mul(r, r), p, fma(r_err, r, r_err)))};
}

// expm1(x) for x <= 0 or NaN, in float. Within 1 ULP: ELU forward through it measured 0.82 ULP
// over all 2^32 floats (docs/CUDA.md, "Float is computed in float on the device").
RECTIFY_HOST_DEVICE inline float expm1_nonpositive_float(float x) {
    using namespace float_ops;
    if (x != x) return x;               // NaN in, NaN out
    if (x == 0.0f) return x;            // ±0 (r + r^2*p would lose the sign of -0)
    if (x < -18.0f) return -1.0f;       // exp(x) < 2^-25 there: expm1 rounds to -1 (-inf too)
    const reduced_float red = reduce_exp_float(x);
    const float s = pow2(red.n);        // n >= -26
    // expm1(x) = 2^n * (1 + q) - 1: while 2^n - 1 is exact (n >= -24), 2^n*q + (2^n - 1) rounds
    // once and keeps q's relative accuracy for n = 0; below, 1 + q loses bits far under the ULP.
    if (red.n < -24.0f) return fma(s, add(red.expm1_r, 1.0f), -1.0f);
    return fma(s, red.expm1_r, sub(s, 1.0f));
}

// exp(x) for x in [-87, 0] (normal results: n >= -126) or NaN, in float; rounds once.
RECTIFY_HOST_DEVICE inline float exp_nonpositive_float(float x) {
    using namespace float_ops;
    if (x != x) return x;
    const reduced_float red = reduce_exp_float(x);
    const float s = pow2(red.n);
    return fma(s, red.expm1_r, s);
}

// ---- the arithmetic an activation's transcendental part is evaluated in ------------------------
// in_double: double, rounded once to T at the end (float on the host, and double everywhere).
// in_float:  float (float on the device; on the host for the tests that prove its accuracy).
// Each gives mul (the products of a formula), exp on [-gradient_flush_limit, 0] and expm1 on x <= 0;
// NaN propagates through all of them. A family that needs more (SiLU's silu, ...) dispatches on A itself.
struct in_double {
    using type = double;
    RECTIFY_HOST_DEVICE static double mul(double a, double b) { return a * b; }
    RECTIFY_HOST_DEVICE static double exp(double x) { return scalar_math::exp(x); }
    RECTIFY_HOST_DEVICE static double expm1(double x) { return scalar_math::expm1(x); }
};
struct in_float {
    using type = float;
    RECTIFY_HOST_DEVICE static float mul(float a, float b) { return float_ops::mul(a, b); }
    RECTIFY_HOST_DEVICE static float exp(float x) { return exp_nonpositive_float(x); }
    RECTIFY_HOST_DEVICE static float expm1(float x) { return expm1_nonpositive_float(x); }
};

// True where T is evaluated in float: float on the device. RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST
// makes it so on the host too, for the test programs that run the device's float math on the host
// (tests/cuda: every file of such a program defines it, so no definition differs between files).
template <class T>
RECTIFY_HOST_DEVICE constexpr bool evaluated_in_float() {
#if defined(__CUDA_ARCH__) || defined(RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST)
    return std::is_same_v<T, float>;
#else
    return false;
#endif
}

// The arithmetic T's transcendental part is evaluated in: in_float for float on the device, else
// in_double. An activation's operator() is forward_in<arithmetic_for<T>>(x).
template <class T>
using arithmetic_for = std::conditional_t<evaluated_in_float<T>(), in_float, in_double>;

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

}  // namespace rectify
