// rectify/activations.hpp — the activation types and their scalar math.
//
// This header is the single home of each activation's definition: `operator()(x)` is the
// forward value and `backward(x, dy)` the input gradient dx = f'(x) * dy. The SIMD kernels in
// detail/ implement the same formulas on xsimd batches and are tested against these functions.
// It needs only <cmath> and <type_traits>, so it can be included in CUDA device code: under nvcc
// every function is __host__ __device__. The comparisons are PyTorch's (SEMANTICS.md); each one
// carries a note on what it does with NaN and signed zeros.
//
// Parameters are doubles and are converted to the element type T once per call, as PyTorch
// converts its Scalar arguments: LeakyReLU{0.1} acts as 0.1f on float.
//
// ELU and SiLU evaluate their transcendental part in double and round once to T, so for float the
// scalar math is the correctly rounded value in all but rare near-tie cases (it is the yardstick
// the vector kernels are measured against). Double is as accurate as the C library's exp/expm1
// (SEMANTICS.md and the README list the measured bounds).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#if defined(__CUDACC__)
#define RECTIFY_HOST_DEVICE __host__ __device__
#else
#define RECTIFY_HOST_DEVICE
#endif

namespace rectify {

namespace scalar_math {

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
        const long double xl = x;
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

}  // namespace scalar_math

// ReLU: y = max(0, x) with PyTorch's comparison. Exact.
struct ReLU {
    template <class T>
    RECTIFY_HOST_DEVICE constexpr T operator()(T x) const {
        // x < 0 is false for -0 and NaN: relu(-0) = -0, relu(NaN) = NaN.
        return x < T(0) ? T(0) : x;
    }
    template <class T>
    RECTIFY_HOST_DEVICE constexpr T backward(T x, T dy) const {
        // A select, not a multiply: dx = +0 for x <= 0 even when dy is NaN or inf.
        // NaN <= 0 is false, so the gradient at NaN is dy (PyTorch's value).
        return x <= T(0) ? T(0) : dy;
    }
};

// Leaky ReLU: y = x > 0 ? x : x * negative_slope. Exact (one multiply or none).
struct LeakyReLU {
    double negative_slope = 0.01;

    template <class T>
    RECTIFY_HOST_DEVICE constexpr T operator()(T x) const {
        // A branch, not max(x, slope*x): they differ for slope > 1 or < 0. NaN > 0 is false, so
        // NaN goes through the multiply and stays NaN; ±0 become (±0)*slope.
        return x > T(0) ? x : x * static_cast<T>(negative_slope);
    }
    template <class T>
    RECTIFY_HOST_DEVICE constexpr T backward(T x, T dy) const {
        // A product on the negative side: NaN dy gives NaN. The gradient at 0 is slope * dy.
        return x > T(0) ? dy : dy * static_cast<T>(negative_slope);
    }
};

// ELU: y = x > 0 ? x : alpha * expm1(x). PyTorch computes exp(x) - 1, which cancels near 0;
// rectify uses expm1 (SEMANTICS.md lists the deviation).
struct ELU {
    double alpha = 1.0;

    template <class T>
    RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        // NaN > 0 is false: expm1(NaN) = NaN. expm1(-0) = -0, so elu(-0) = -0 (for alpha > 0).
        // expm1(-inf) = -1: elu(-inf) = -alpha.
        return x > T(0) ? x
                        : static_cast<T>(static_cast<double>(static_cast<T>(alpha)) *
                                         scalar_math::expm1(static_cast<double>(x)));
    }
    template <class T>
    RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ELU needs a floating-point type");
        // The gradient at 0 is alpha * dy; at NaN it is NaN (exp(NaN)), on every path.
        if (x > T(0)) return dy;
        // exp(x) counts as 0 below -gradient_flush_limit<T> (see there).
        const double e = x < static_cast<T>(-scalar_math::gradient_flush_limit<T>)
                             ? 0.0
                             : scalar_math::exp(static_cast<double>(x));
        return static_cast<T>(static_cast<double>(dy) * static_cast<double>(static_cast<T>(alpha)) * e);
    }
};

// SiLU (swish): y = x * sigmoid(x). silu(-inf) = -0 (the limit; PyTorch gives NaN), and the tiny
// values left of -88.72 are returned, denormals included (PyTorch flushes them to -0).
struct SiLU {
    template <class T>
    RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        return static_cast<T>(scalar_math::silu(static_cast<double>(x)));
    }
    template <class T>
    RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        // dx(+inf) = dy, dx(-inf) = 0 * dy, dx(NaN) = NaN; the gradient at 0 is 0.5 * dy.
        return static_cast<T>(static_cast<double>(dy) *
                              scalar_math::silu_grad(static_cast<double>(x), scalar_math::gradient_flush_limit<T>));
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
