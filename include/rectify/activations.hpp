// rectify/activations.hpp — the activation types and their scalar math.
//
// This header is the single home of each activation's definition: `operator()(x)` is the
// forward value and `backward(x, dy)` the input gradient dx = f'(x) * dy. The SIMD kernels in
// detail/ implement the same formulas on xsimd batches and are tested against these functions.
// It needs only the standard library (<cmath>, <cstring>, ...), so it can be included in CUDA
// device code: under nvcc every function is __host__ __device__. The comparisons are PyTorch's
// (docs/SEMANTICS.md); each one carries a note on what it does with NaN and signed zeros.
//
// Parameters are doubles and are converted to the element type T once per call, as PyTorch
// converts its Scalar arguments: LeakyReLU{0.1} acts as 0.1f on float.
//
// ELU and SiLU evaluate their transcendental part in double and round once to T, so for float the
// scalar math is the correctly rounded value in all but rare near-tie cases (it is the yardstick
// the vector kernels are measured against). Double is as accurate as the C library's exp/expm1
// (the bounds and the measured maxima: docs/ACCURACY.md).
//
// On a CUDA device float is evaluated in float instead (GPUs without full double throughput run
// double at 1/64 of the float rate): scalar_math::in_float below, written with explicit
// round-to-nearest operations so that the host computes the very same bits. Each activation's
// formula is written once, over the arithmetic it is evaluated in (`forward_in<A>`,
// `backward_in<A>`); operator() and backward() pick scalar_math::in_double on the host and for
// double, scalar_math::in_float for float on the device. tests/cuda proves in_float's accuracy on
// the host over all 2^32 floats.
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

// x * sigmoid(x) in double, accurate over the whole range.
RECTIFY_HOST_DEVICE inline double silu(double x) {
    // Below about -751.8, x * exp(x) is under half of the smallest denormal: the result is -0.
    // -inf lands here too (x / (1 + exp(-x)) would give -inf / inf = NaN; the limit is -0).
    if (x < -760.0) return -0.0;
    // exp(-x) overflows for x < -709.78 and exp(x) turns denormal below -708.4, although
    // x * exp(x) is representable down to -751.8; there 1 + exp(x) == 1.
#if !defined(__CUDA_ARCH__)
    // On the host, where long double is wider (x86-64, aarch64), x / (1 + exp(-x)) in long double
    // rounds once to double: within half an ULP but for rare near-ties, over the whole range.
    if constexpr (std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits &&
                  std::numeric_limits<long double>::max_exponent > std::numeric_limits<double>::max_exponent) {
        const long double xl = static_cast<long double>(x);
        return static_cast<double>(xl / (1.0L + std::exp(-xl)));  // NaN propagates
    }
#endif
    if (x < -700.0) {
        // Elsewhere a = exp(x/2) is normal, and x * a * a keeps x * a exactly as p + p_err, so
        // only the last product rounds (once, into the denormals): within 2*err(exp) + 0.5 ULP.
        const double a = exp(0.5 * x);
        const double p = x * a;
        const double p_err = fma(x, a, -p);
        return fma(p, a, p_err * a);
    }
    // Near 0, 1 + exp(-x) as 2 + expm1(-x): exp(-x)'s rounding error would cost up to 1 ULP.
    if (x > -1.0 && x < 1.0) return x / (2.0 + expm1(-x));
    return x / (1.0 + exp(-x));  // NaN propagates
}

// d/dx [x * sigmoid(x)] = s * (1 + x * (1 - s)), with 1 - s(x) = s(-x) so that nothing cancels
// for large x. With e = exp(-|x|) and d = 1 + e:
//   x >= 0: s = 1/d, s(-x) = e/d  ->  (d + x*e) / d^2
//   x <  0: s = e/d, s(-x) = 1/d  ->  e * (d + x) / d^2
RECTIFY_HOST_DEVICE inline double silu_grad(double x, double limit) {
    if (x > limit) return 1.0;   // +inf too: x * s(-x) would be inf * 0
    if (x < -limit) return 0.0;  // -inf too
    const double e = exp(-(x < 0 ? -x : x));
    const double d = 1.0 + e;
    if (x >= 0) return (d + x * e) / (d * d);
    return e * (d + x) / (d * d);  // NaN x lands here (NaN >= 0 is false) and propagates
}

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

// x * sigmoid(x) in float, tiny results to the last denormal. Within 2 ULP: measured 1.55 ULP over
// all 2^32 floats (docs/CUDA.md, "Float is computed in float on the device").
RECTIFY_HOST_DEVICE inline float silu_float(float x) {
    using namespace float_ops;
    if (x != x) return x;
    // silu(x) rounds to -0 below about -108.6 (-inf too: the limit), and to x above about 17.4.
    if (x < -110.0f) return -0.0f;
    if (x > 110.0f) return x;
    // exp(-x) = 2^k * (1 + q); k in [-159, 159].
    const reduced_float red = reduce_exp_float(-x);
    const float k = red.n;
    const float q = red.expm1_r;
    if (x >= 0.0f) {  // ±0 too: ±0 / 2
        // 1 + 2^k + 2^k*q rounds once while 1 + 2^k is exact; below, 2^k is under the ULP of 1
        // and the clamp at 2^-100 (normal) changes nothing.
        const float s = pow2(k < -100.0f ? -100.0f : k);
        const float den = k < -23.0f ? fma(s, add(q, 1.0f), 1.0f) : fma(s, q, add(1.0f, s));
        return div(x, den);
    }
    // x / (1 + 2^k (1 + q)) = x / (2^-k + 1 + q) * 2^-k, so exp(-x) never overflows. 2^-k + 1 is
    // exact while k <= 23, else 2^-k only grazes q. 2^-k goes last, split at 2^-100 so that the
    // first product stays normal (exact) and the second rounds once into the denormals.
    const float k_high = k > 100.0f ? 100.0f : k;
    const float t = pow2(-k_high);
    const float den = k > 23.0f ? add(1.0f, add(q, t)) : add(add(1.0f, t), q);
    return mul(mul(div(x, den), t), pow2(sub(k_high, k)));
}

// silu_grad above in float: 1 above limit, 0 below -limit, NaN propagates.
RECTIFY_HOST_DEVICE inline float silu_grad_float(float x, float limit) {
    using namespace float_ops;
    if (x > limit) return 1.0f;
    if (x < -limit) return 0.0f;
    const float e = exp_nonpositive_float(-abs(x));  // |x| <= 87: e is normal
    const float d = add(1.0f, e);
    const float d2 = mul(d, d);
    if (x >= 0.0f) return div(fma(x, e, d), d2);
    return div(mul(e, add(d, x)), d2);  // NaN x lands here
}

// ---- the arithmetic an activation's transcendental part is evaluated in ------------------------
// in_double: double, rounded once to T at the end (float on the host, and double everywhere).
// in_float:  float (float on the device; on the host for the tests that prove its accuracy).
// Each gives mul (the products of a formula), exp on [-gradient_flush_limit, 0], expm1 on x <= 0,
// silu and silu_grad; NaN propagates through all of them.
struct in_double {
    using type = double;
    RECTIFY_HOST_DEVICE static double mul(double a, double b) { return a * b; }
    RECTIFY_HOST_DEVICE static double exp(double x) { return scalar_math::exp(x); }
    RECTIFY_HOST_DEVICE static double expm1(double x) { return scalar_math::expm1(x); }
    RECTIFY_HOST_DEVICE static double silu(double x) { return scalar_math::silu(x); }
    RECTIFY_HOST_DEVICE static double silu_grad(double x, double limit) { return scalar_math::silu_grad(x, limit); }
};
struct in_float {
    using type = float;
    RECTIFY_HOST_DEVICE static float mul(float a, float b) { return float_ops::mul(a, b); }
    RECTIFY_HOST_DEVICE static float exp(float x) { return exp_nonpositive_float(x); }
    RECTIFY_HOST_DEVICE static float expm1(float x) { return expm1_nonpositive_float(x); }
    RECTIFY_HOST_DEVICE static float silu(float x) { return silu_float(x); }
    RECTIFY_HOST_DEVICE static float silu_grad(float x, float limit) { return silu_grad_float(x, limit); }
};

// True where T is evaluated in float: float on the device.
template <class T>
RECTIFY_HOST_DEVICE constexpr bool evaluated_in_float() {
#if defined(__CUDA_ARCH__)
    return std::is_same_v<T, float>;
#else
    return false;
#endif
}

}  // namespace scalar_math

// ReLU: y = x < 0 ? +0 : x, dx = x <= 0 ? +0 : dy (PyTorch's comparisons). Exact: the scalar
// math and the array kernels give PyTorch's values bit for bit on every instruction set, for every
// input (the special values: docs/SEMANTICS.md, "ReLU").
struct ReLU {
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T operator()(T x) const {
        // x < 0 is false for -0 and NaN: relu(-0) = -0, relu(NaN) = NaN.
        return x < T(0) ? T(0) : x;
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T backward(T x, T dy) const {
        // A select, not a multiply: dx = +0 for x <= 0 even when dy is NaN or inf.
        // NaN <= 0 is false, so the gradient at NaN is dy (PyTorch's value).
        return x <= T(0) ? T(0) : dy;
    }
};

// Leaky ReLU: y = x > 0 ? x : x * negative_slope, dx = x > 0 ? dy : dy * negative_slope. Exact
// (one multiply or none): bit for bit PyTorch's values on every instruction set, for every input
// and any slope, negative or above 1 included (docs/SEMANTICS.md).
struct LeakyReLU {
    double negative_slope = 0.01;

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T operator()(T x) const {
        // A branch, not max(x, slope*x): they differ for slope > 1 or < 0. NaN > 0 is false, so
        // NaN goes through the multiply and stays NaN; ±0 become (±0)*slope.
        return x > T(0) ? x : x * static_cast<T>(negative_slope);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T backward(T x, T dy) const {
        // A product on the negative side: NaN dy gives NaN. The gradient at 0 is slope * dy.
        return x > T(0) ? dy : dy * static_cast<T>(negative_slope);
    }
};

// ELU: y = x > 0 ? x : alpha * expm1(x), dx = x > 0 ? dy : dy * alpha * exp(x). PyTorch computes
// exp(x) - 1, which cancels near 0; rectify uses expm1 (docs/SEMANTICS.md lists the deviation).
// Every x is valid (elu(-inf) = -alpha, NaN in, NaN out; docs/SEMANTICS.md), any alpha.
// Accuracy of operator(), backward and the array kernels (docs/ACCURACY.md): forward within 1 ULP
// for alpha a power of two (1 by default), 2.5 ULP for any other alpha; backward
// |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), exp(x) counted as 0 below
// -gradient_flush_limit<T>.
struct ELU {
    double alpha = 1.0;

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        if constexpr (scalar_math::evaluated_in_float<T>()) return forward_in<scalar_math::in_float>(x);
        else return forward_in<scalar_math::in_double>(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        if constexpr (scalar_math::evaluated_in_float<T>()) return backward_in<scalar_math::in_float>(x, dy);
        else return backward_in<scalar_math::in_double>(x, dy);
    }

    // The formulas, in the arithmetic A (scalar_math::in_double or in_float).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T forward_in(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        using W = typename A::type;
        // NaN > 0 is false: expm1(NaN) = NaN. expm1(-0) = -0, so elu(-0) = -0 (for alpha > 0).
        // expm1(-inf) = -1: elu(-inf) = -alpha.
        return x > T(0) ? x
                        : static_cast<T>(A::mul(static_cast<W>(static_cast<T>(alpha)), A::expm1(static_cast<W>(x))));
    }
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        using W = typename A::type;
        // The gradient at 0 is alpha * dy; at NaN it is NaN (exp(NaN)), on every path.
        if (x > T(0)) return dy;
        // exp(x) counts as 0 below -gradient_flush_limit<T> (see there).
        const W e = x < static_cast<T>(-scalar_math::gradient_flush_limit<T>) ? W(0) : A::exp(static_cast<W>(x));
        return static_cast<T>(A::mul(A::mul(static_cast<W>(dy), static_cast<W>(static_cast<T>(alpha))), e));
    }
};

// SiLU (swish): y = x * sigmoid(x), dx = dy * s * (1 + x * (1 - s)) with s = sigmoid(x). Every x is
// valid: silu(-inf) = -0 (the limit; PyTorch gives NaN), and the tiny float values left of -88.72
// are returned, denormals included (PyTorch flushes them to -0); docs/SEMANTICS.md, "SiLU".
// Accuracy of operator(), backward and the array kernels (docs/ACCURACY.md): forward within 2 ULP;
// backward |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), the gradient counted as 0
// below -gradient_flush_limit<T> and as 1 above +gradient_flush_limit<T>.
struct SiLU {
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        if constexpr (scalar_math::evaluated_in_float<T>()) return forward_in<scalar_math::in_float>(x);
        else return forward_in<scalar_math::in_double>(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        if constexpr (scalar_math::evaluated_in_float<T>()) return backward_in<scalar_math::in_float>(x, dy);
        else return backward_in<scalar_math::in_double>(x, dy);
    }

    // The formulas, in the arithmetic A (scalar_math::in_double or in_float).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T forward_in(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        using W = typename A::type;
        return static_cast<T>(A::silu(static_cast<W>(x)));
    }
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        using W = typename A::type;
        // dx(+inf) = dy, dx(-inf) = 0 * dy, dx(NaN) = NaN; the gradient at 0 is 0.5 * dy.
        return static_cast<T>(A::mul(static_cast<W>(dy), A::silu_grad(static_cast<W>(x),
                                                                        static_cast<W>(scalar_math::gradient_flush_limit<T>))));
    }
};

// PReLU (per-channel Leaky ReLU with learned slopes) views its input as row-major
// [outer][channels][inner]: NCHW [N,C,H,W] -> {N, C, H*W}; NHWC [N,H,W,C] -> {N*H*W, C, 1};
// [N, C] -> {N, C, 1}; 1-D [L] with one weight -> {1, 1, L}. Its scalar math is LeakyReLU's with
// negative_slope = weight[c] (a float or double weight converts to double and back exactly).
struct ChannelShape {
    std::size_t outer;
    std::size_t channels;
    std::size_t inner;
};

}  // namespace rectify
