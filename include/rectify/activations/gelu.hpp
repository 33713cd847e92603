// rectify/activations/gelu.hpp — GELU, y = x * Phi(x) with Phi the standard normal distribution
// function, and PyTorch's tanh approximation of it (GELU{GELU::tanh}).
//
// Semantics: PyTorch 1.13's nn.GELU / F.gelu(x, approximate='none' | 'tanh'), except where
// PyTorch's float formula loses the value (rectify returns the mathematical one):
//   - erf form: PyTorch computes 0.5 * x * (1 + erf(x / sqrt(2))), which cancels: 57 % off near
//     x = -5 and +0 from about x = -5.9 on (sign wrong as well). rectify computes
//     0.5 * x * erfc(-x / sqrt(2)) = x * Phi(x) without cancellation, the tiny values of the far
//     left included down to the denormals (gelu(-13) = -7.95e-38, gelu(-14) = -1.09e-43 in float;
//     -0 from about -14.34, and from about -38.6 in double);
//   - gelu(-inf) = -0 (PyTorch: NaN), gelu(+inf) = +inf, gelu(NaN) = NaN;
//   - gelu(-0) = -0 (-0 * Phi(0); PyTorch's float kernel gives +0, its double kernel -0);
//   - the gradient Phi(x) + x * phi(x) is 1 at +inf and -0 at -inf (PyTorch: NaN at both; the
//     exact gradient is negative left of -0.75, so a flushed one is -0 and dy * it has the exact
//     product's sign), and
//     tiny and correct in the left tail (PyTorch's float loses it from about x = -5 on: -2^-25 at
//     x = -6 for -3.55e-8, 0 at x = -10);
//   - tanh form: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))), computed as
//     x * sigmoid(2u) (no cancellation): the exact value of PyTorch's formula for the given x,
//     within 2 ULP, its tiny left tail included (PyTorch: -0 from x = -5.x); gelu_tanh(-inf) = -0
//     (PyTorch NaN), gelu_tanh(-0) = -0 (as PyTorch); the gradient 1 at +inf, -0 at -inf (NaN).
// GELU's output does not determine its input (it is not monotonic): there is no
// backward_from_output. PyTorch's calculate_gain has no GELU entry: there is no gain().
//
// Accuracy (issue #27's bounds): forward within 2 ULP of the correctly rounded value for float
// and double, erf form to the last denormal; backward |dx - exact| <= 4 * eps * max(|exact|, |dy|)
// (+ denorm_min). The measured maxima (all 2^32 floats, double on dense sweeps) are given beside
// each kernel below. On a CUDA device float is evaluated in float (scalar_math::gelu_erf_float and
// friends: the vector kernels' scheme in float_ops, reading the same tables from __constant__
// copies); run on the host with -ffp-contract=off over all 2^32 floats: forward 1.49 ULP (erf
// form; the vector kernels' bits in its main range) and 1.18 ULP (tanh form), backward C = 1.20
// and 2.03. Double on the device is CUDA's erfc and exp in double, with the argument's rounding
// corrected; not measured here (no GPU), and results below double's normal range lose accuracy
// there (x < -37.5: erfc itself underflows).
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout).
#if !defined(RECTIFY_ACTIVATIONS_GELU_HPP)
#define RECTIFY_ACTIVATIONS_GELU_HPP

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "../scalar_math.hpp"
#include "parameters.hpp"
#include "../detail/vector_erf.hpp"  // its first part: the tables, for the device's float math too

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

// The wider type GELU's scalar math runs in for T: double for float, and for double long double
// on the host where it is wider (x86-64, aarch64), double on the device.
template <class T>
using gelu_wide =
#if !defined(__CUDA_ARCH__)
    std::conditional_t<std::is_same_v<T, float>, double, long double>;
#else
    double;
#endif

// The C library's erfc, exp and fma for W = double or long double (CUDA's on the device).
template <class W>
RECTIFY_HOST_DEVICE inline W gelu_erfc(W x) {
#if defined(__CUDA_ARCH__)
    return ::erfc(x);
#else
    return std::erfc(x);
#endif
}
template <class W>
RECTIFY_HOST_DEVICE inline W gelu_exp(W x) {
#if defined(__CUDA_ARCH__)
    return ::exp(x);
#else
    return std::exp(x);
#endif
}
template <class W>
RECTIFY_HOST_DEVICE inline W gelu_fma(W x, W y, W z) {
#if defined(__CUDA_ARCH__)
    return ::fma(x, y, z);
#else
    return std::fma(x, y, z);
#endif
}

// Where the results are constant: gelu(x) rounds to -0 below gelu_zero_limit<T> (the exact value is
// under half the smallest denormal from -14.34 (float) / -38.62 (double) on, tanh form -10.8 /
// -21.5); the gradients are 1 / 0 beyond +-gelu_grad_limit<T> (erf form) and
// +-gelu_tanh_grad_limit<T> (tanh form) within far less than the bound (the erf form's is computed
// down to its limit: float 13, where its exact value is 5e-37; the tanh form's float limit is the
// vector and device math's, 10, where its exact value is 3e-36), the same limits on every path so
// that an infinite dy gives the same result everywhere (NaN, 0 * inf, beyond them).
template <class T>
inline constexpr double gelu_zero_limit = sizeof(T) <= 4 ? 16.0 : 40.0;
template <class T>
inline constexpr double gelu_grad_limit = sizeof(T) <= 4 ? 13.0 : 40.0;
template <class T>
inline constexpr double gelu_tanh_grad_limit = sizeof(T) <= 4 ? 10.0 : 40.0;

// x * Phi(x) = 0.5 * x * erfc(-x/sqrt(2)) in W, for x of precision T (float or double): within
// half an ULP of T and a few rounding errors of W. erfc's relative sensitivity to its argument z
// is 2 z^2, up to 3e3 in double's range, so for double z = -x/sqrt(2) is carried as zh + zl:
// 1/sqrt(2) = c_hi + c_lo with c_hi of 8 significant bits, so that x c_hi is exact in long double
// (53 + 8 bits; on the device, where W is double, the fused multiply-add's residual gives it),
// and erfc(zh + zl) = erfc(zh) - zl (2/sqrt(pi)) exp(-zh^2). For float (W = double) the plain
// product is within 2^-44 of its value.
template <class T, class W = gelu_wide<T>>
RECTIFY_HOST_DEVICE inline W gelu_erf(W x) {
    if (x < static_cast<W>(-gelu_zero_limit<T>)) return W(-0.0);  // -inf too (erfc(inf) * -inf = NaN)
    constexpr W inv_sqrt2 = static_cast<W>(0.70710678118654752440084436210484903928L);
    if constexpr (std::is_same_v<T, float>) {
        return W(0.5) * x * gelu_erfc(-x * inv_sqrt2);  // NaN propagates; +inf: 0.5 * inf * 2
    } else {
        W zh, zl;
        if constexpr (sizeof(W) > sizeof(double)) {
            // 1/sqrt(2) - c_hi written out, so that c_hi + c_lo carries 1/sqrt(2) to 2^-78 (the
            // long double constant alone is within 2^-65, which costs 0.35 ULP of double at x = -38).
            constexpr W c_hi = static_cast<W>(0x1.6ap-1L);  // 8 significant bits
            constexpr W c_lo = static_cast<W>(7.553118654752440084436210484903928e-5L);
            const W p = -x * c_hi;  // exact
            const W q = -x * c_lo;
            zh = p + q;
            zl = (p - zh) + q;
        } else {
            constexpr W c_lo = static_cast<W>(4.8336466567264567e-17);  // 1/sqrt(2) - inv_sqrt2
            zh = -x * inv_sqrt2;
            zl = gelu_fma(-x, inv_sqrt2, -zh) - x * c_lo;
        }
        W e = gelu_erfc(zh);
        if (zh > W(1)) {  // elsewhere erfc's sensitivity is below 2 and the correction negligible
            constexpr W two_over_sqrt_pi = static_cast<W>(1.12837916709551257389615890312154517L);
            e -= zl * two_over_sqrt_pi * gelu_exp(-zh * zh);
        }
        return W(0.5) * x * e;
    }
}

// d/dx [x Phi(x)] = Phi(x) + x phi(x) in W: 1 at +inf, 0 at -inf, NaN propagates. The two terms
// cancel near x = -0.75 (the minimum of GELU), where the bound, relative to max(|dx|, |dy|), is
// absolute.
template <class T, class W = gelu_wide<T>>
RECTIFY_HOST_DEVICE inline W gelu_erf_grad(W x) {
    if (x > static_cast<W>(gelu_grad_limit<T>)) return W(1);
    if (x < static_cast<W>(-gelu_grad_limit<T>)) return W(-0.0);  // the limit, from below
    constexpr W inv_sqrt2 = static_cast<W>(0.70710678118654752440084436210484903928L);
    constexpr W inv_sqrt_2pi = static_cast<W>(0.39894228040143267793994605993438186848L);
    return W(0.5) * gelu_erfc(-x * inv_sqrt2) + x * inv_sqrt_2pi * gelu_exp(W(-0.5) * x * x);
}

// PyTorch's tanh form: z = 2u = x * (a + b x^2), a = 2 sqrt(2/pi), b = 0.044715 * a (the sigmoid's
// argument); y = x * sigmoid(z) = x / (1 + exp(-z)).
template <class W>
RECTIFY_HOST_DEVICE inline W gelu_tanh_argument(W x) {
    constexpr W a = static_cast<W>(1.59576912160573071175978423973752L);
    constexpr W b = static_cast<W>(0.0713548162726002487763387537598L);
    return x * (b * (x * x) + a);  // plain operations: fmal is a slow software routine on x86-64
}
template <class T, class W = gelu_wide<T>>
RECTIFY_HOST_DEVICE inline W gelu_tanh(W x) {
    // Below the limit (and -inf) the result rounds to -0: x / (1 + exp(-z)) would be -inf / inf.
    if (x < static_cast<W>(-gelu_zero_limit<T>)) return W(-0.0);
    // exp(-z) overflows to inf only where the result is below T's denormals; +inf: inf / 1.
    return x / (W(1) + gelu_exp(-gelu_tanh_argument(x)));  // NaN propagates; -0 / 2 = -0
}

// d/dx [x s(z)] = s(z) + x z' s(z) s(-z), z' = a + 3 b x^2, with e = exp(-|z|) and d = 1 + e:
//   z >= 0: s = 1/d, s(-z) = e/d  ->  (d + x z' e) / d^2
//   z <  0: s = e/d, s(-z) = 1/d  ->  e (d + x z') / d^2
template <class T, class W = gelu_wide<T>>
RECTIFY_HOST_DEVICE inline W gelu_tanh_grad(W x) {
    if (x > static_cast<W>(gelu_tanh_grad_limit<T>)) return W(1);   // +inf too
    if (x < static_cast<W>(-gelu_tanh_grad_limit<T>)) return W(-0.0);  // -inf too; the limit, from below
    constexpr W a = static_cast<W>(1.59576912160573071175978423973752L);
    constexpr W b3 = static_cast<W>(3 * 0.0713548162726002487763387537598L);
    const W z = gelu_tanh_argument(x);
    const W slope = x * (b3 * (x * x) + a);  // x z'
    const W e = gelu_exp(-(z < W(0) ? -z : z));
    const W d = W(1) + e;
    if (z >= W(0)) return (d + slope * e) / (d * d);
    return e * (d + slope) / (d * d);  // NaN x lands here and propagates
}

#define RECTIFY_DETAIL_GELU_TANH_CENTER {0x0p+0f, 0x1.fep-3f, 0x1.a1p-2f, 0x1.26cp-1f, 0x1.764p-1f, 0x1.d5ap-1f, 0x1.0dep+0f, 0x1.37fp+0f, 0x1.64ap+0f, 0x1.8a8p+0f, 0x1.b5dp+0f, 0x1.dfcp+0f, 0x1.0778p+1f, 0x1.1dap+1f, 0x1.2ef8p+1f, 0x1.463p+1f, 0x1.59bp+1f, 0x1.71ep+1f, 0x1.83ap+1f, 0x1.971p+1f, 0x1.af98p+1f, 0x1.c5p+1f, 0x1.d648p+1f, 0x1.eee8p+1f, 0x1.0078p+2f, 0x1.0ad4p+2f, 0x1.174cp+2f, 0x1.205p+2f, 0x1.2b74p+2f, 0x1.36dp+2f, 0x1.413cp+2f, 0x1.4b7p+2f}
#define RECTIFY_DETAIL_GELU_TANH_COEF \
    { {0x0p+0f, 0x1.99b5bp-4f, 0x1.1d2daep-3f, 0x1.4d066ep-3f, 0x1.5c097ap-3f, 0x1.517614p-3f, 0x1.3b571ap-3f, 0x1.16bbd2p-3f, 0x1.d3b44cp-4f, 0x1.860528p-4f, 0x1.3208ep-4f, 0x1.d3bf56p-5f, 0x1.4c48d6p-5f, 0x1.d028c8p-6f, 0x1.558e2ap-6f, 0x1.b5063ap-7f, 0x1.22ad34p-7f, 0x1.4fe53p-8f, 0x1.b36538p-9f, 0x1.067016p-9f, 0x1.07f356p-10f, 0x1.14bc6cp-11f, 0x1.3e14cp-12f, 0x1.123e06p-13f, 0x1.1c808ap-14f, 0x1.00356cp-15f, 0x1.6fe008p-17f, 0x1.4f3cbp-18f, 0x1.e0ce22p-20f, 0x1.3cfcap-21f, 0x1.afed9cp-23f, 0x1.1c8c7cp-24f}, {0x1p-1f, 0x1.38b4ep-2f, 0x1.8a29d4p-3f, 0x1.686d04p-4f, 0x1.35267p-7f, -0x1.eede3cp-5f, -0x1.854ab4p-4f, -0x1.ea1e28p-4f, -0x1.07e6cep-3f, -0x1.026c4ap-3f, -0x1.d750acp-4f, -0x1.978184p-4f, -0x1.46e5a4p-4f, -0x1.f9df78p-5f, -0x1.90fap-5f, -0x1.19a5fp-5f, -0x1.9386p-6f, -0x1.fd136ap-7f, -0x1.5f0358p-7f, -0x1.c3e792p-8f, -0x1.ec7f26p-9f, -0x1.144d32p-9f, -0x1.4f017ep-10f, -0x1.371158p-11f, -0x1.543ebcp-12f, -0x1.452daap-13f, -0x1.f49f0ep-15f, -0x1.df38a4p-16f, -0x1.6cb826p-17f, -0x1.fe3c78p-19f, -0x1.6e92a6p-20f, -0x1.fc2e56p-22f}, {-0x1.988454p-2f, -0x1.7fa704p-2f, -0x1.58963ep-2f, -0x1.206fb8p-2f, -0x1.c9c4f2p-3f, -0x1.36a70ap-3f, -0x1.a161acp-4f, -0x1.956f68p-5f, -0x1.5e863ap-8f, 0x1.664f26p-6f, 0x1.57d1a4p-5f, 0x1.a7745p-5f, 0x1.b859eep-5f, 0x1.9846aep-5f, 0x1.6be71ep-5f, 0x1.24ca8ep-5f, 0x1.d01946p-6f, 0x1.480a6ep-6f, 0x1.e8cb56p-7f, 0x1.54e848p-7f, 0x1.98ca0cp-8f, 0x1.f0797cp-9f, 0x1.400ea2p-9f, 0x1.434e6cp-10f, 0x1.774a06p-11f, 0x1.7f3526p-12f, 0x1.3e8d04p-13f, 0x1.41cd4p-14f, 0x1.0544d2p-15f, 0x1.85a238p-17f, 0x1.2855fap-18f, 0x1.b1bcfcp-20f}, {0x1.9f4118p-26f, 0x1.03fba6p-4f, 0x1.88795ap-4f, 0x1.e7a7f4p-4f, 0x1.07a262p-3f, 0x1.01d958p-3f, 0x1.d8c008p-4f, 0x1.8a725ep-4f, 0x1.269824p-4f, 0x1.a0a442p-5f, 0x1.d94578p-6f, 0x1.75062ep-7f, -0x1.83ebe6p-9f, -0x1.73bd2ep-7f, -0x1.e89be2p-7f, -0x1.0dbdc6p-6f, -0x1.01f006p-6f, -0x1.b5ee6cp-7f, -0x1.6d563ep-7f, -0x1.1c7dfp-7f, -0x1.826648p-8f, -0x1.030dap-8f, -0x1.67ee5cp-9f, -0x1.91ddc2p-10f, -0x1.f3ed5p-11f, -0x1.136078p-11f, -0x1.f367dcp-13f, -0x1.0be406p-13f, -0x1.d34072p-15f, -0x1.75b002p-16f, -0x1.2e5d66p-17f, -0x1.d54a9p-19f}, {0x1.11b05p-4f, 0x1.d828aap-5f, 0x1.672d58p-5f, 0x1.9726dcp-6f, 0x1.a44abcp-8f, -0x1.b8861ep-7f, -0x1.9097e4p-6f, -0x1.0c92bcp-5f, -0x1.27ad52p-5f, -0x1.1b82acp-5f, -0x1.e9586p-6f, -0x1.7f8bf2p-6f, -0x1.fe59e2p-7f, -0x1.2241f4p-7f, -0x1.23707p-8f, -0x1.0f9ecap-13f, 0x1.285088p-9f, 0x1.f36b52p-9f, 0x1.0dc5fp-8f, 0x1.013d56p-8f, 0x1.ad5ad8p-9f, 0x1.4b9322p-9f, 0x1.fe19dcp-10f, 0x1.442bd2p-10f, 0x1.b7323p-11f, 0x1.093d84p-11f, 0x1.0a75a2p-12f, 0x1.32645cp-13f, 0x1.21da1ap-14f, 0x1.f561c2p-16f, 0x1.b286bp-17f, 0x1.679386p-18f}, {0x1.1de536p-16f, -0x1.c9f85p-7f, -0x1.5601e8p-6f, -0x1.834b4p-6f, -0x1.7b760ap-6f, -0x1.3fcd64p-6f, -0x1.b420dp-7f, -0x1.ebecdap-8f, -0x1.22205ep-12f, 0x1.0857bep-8f, 0x1.c9aad2p-8f, 0x1.1d44dp-7f, 0x1.0d45dap-7f, 0x1.d0f99ap-8f, 0x1.769964p-8f, 0x1.fa15fap-9f, 0x1.3e9242p-9f, 0x1.0a57d8p-10f, 0x1.14f856p-14f, -0x1.9ee5e2p-12f, -0x1.b621e2p-11f, -0x1.d982bap-11f, -0x1.b1e8eep-11f, -0x1.4fb1f8p-11f, -0x1.ffc6d4p-12f, -0x1.5e3afp-12f, -0x1.91462p-13f, -0x1.f58458p-14f, -0x1.056284p-14f, -0x1.ef4c9cp-16f, -0x1.cfb88ep-17f, -0x1.9c649ap-18f}, {-0x1.5362b6p-7f, -0x1.7dfb9ep-8f, -0x1.16bbe4p-6f, -0x1.7593a4p-8f, 0x1.41ff08p-9f, 0x1.95f62ap-6f, 0x1.a73712p-7f, -0x1.a8015ap-9f, 0x1.d577cp-7f, -0x1.8009e8p-11f, 0x1.0bbf0ap-8f, 0x1.226da4p-8f, 0x1.8d8468p-10f, 0x1.eab9d4p-11f, -0x1.313428p-8f, 0x1.92d258p-10f, -0x1.534834p-13f, -0x1.36dab8p-8f, -0x1.89c722p-10f, 0x1.8f8034p-10f, -0x1.3cbe2p-11f, 0x1.958736p-13f, 0x1.737c5ap-13f, 0x1.3bb56cp-13f, 0x1.d15f7cp-13f, 0x1.47e25p-13f, 0x1.a7a3aep-14f, 0x1.2c5836p-14f, 0x1.5a45dp-15f, 0x1.7745eep-16f, 0x1.781d3cp-17f, 0x1.6db83ep-18f}, {0x1.6fd46ap-11f, -0x1.213632p-7f, 0x1.3ccd4p-5f, -0x1.7f30b2p-8f, 0x1.63fde4p-8f, 0x1.39f5e4p-3f, -0x1.8d4a7cp-5f, 0x1.4665dep-4f, -0x1.520aeep-6f, 0x1.2539aep-6f, -0x1.e3ed78p-9f, -0x1.310bf4p-5f, 0x1.624efcp-7f, 0x1.8002f2p-7f, 0x1.191ffcp-6f, 0x1.a2a89ep-8f, -0x1.d539c4p-8f, -0x1.b5e89p-6f, 0x1.257eeap-8f, -0x1.011208p-6f, -0x1.a220c2p-10f, 0x1.461146p-10f, -0x1.907768p-14f, -0x1.14c2e4p-13f, -0x1.bac81p-12f, -0x1.15d184p-13f, -0x1.809ca8p-16f, -0x1.474c78p-15f, -0x1.441544p-16f, -0x1.3cd602p-17f, -0x1.f02fd6p-18f, -0x1.fd4dd8p-19f}, }

#if defined(__CUDACC__)
static __device__ __constant__ float gelu_tanh_center_device[32] = RECTIFY_DETAIL_GELU_TANH_CENTER;
static __device__ __constant__ float gelu_tanh_coef_device[8][32] = RECTIFY_DETAIL_GELU_TANH_COEF;
#endif

// GELU's tanh form: t s(-z(t)) = t / (1 + exp(z(t))), z(t) = 2 sqrt(2/pi) (t + 0.044715 t^3), on
// [0, 5.25): 32 intervals of width 21/128, degree 7, chosen and fitted as normal_tail_table
// (vector_erf.hpp). Largest relative error of a polynomial with its float coefficients: 0.143 ULP.
struct gelu_tanh_table {
    static constexpr int degree = 7;
    static constexpr float per_unit = 32.0f / 5.25f;
    static constexpr float center[32] = RECTIFY_DETAIL_GELU_TANH_CENTER;
    static constexpr float coef[8][32] = RECTIFY_DETAIL_GELU_TANH_COEF;
    RECTIFY_HOST_DEVICE static float center_at(int j) {
#if defined(__CUDA_ARCH__)
        return gelu_tanh_center_device[j];
#else
        return center[j];
#endif
    }
    RECTIFY_HOST_DEVICE static float coef_at(int k, int j) {
#if defined(__CUDA_ARCH__)
        return gelu_tanh_coef_device[k][j];
#else
        return coef[k][j];
#endif
    }
};

// The tanh form's constants: z = 2u = x (a + b x^2), a = 2 sqrt(2/pi), b = 0.044715 a, split into
// float parts (a + a_lo, b + b_lo); the ranges of the float math (vector and device).
struct gelu_tanh_constants {
    static constexpr float a = 0x1.988454p+0f;   // 2 sqrt(2/pi) rounded
    static constexpr float a_lo = -0x1.857936p-25f;
    static constexpr float b = 0x1.2444f2p-4f;   // 0.044715 * 2 sqrt(2/pi) rounded
    static constexpr float b_lo = 0x1.49b16ap-29f;
    static constexpr float b3 = 0x1.b6676cp-3f;  // 3b, for the gradient
    static constexpr float table_limit = 5.24f;  // gelu_tanh_table covers [0, 5.25)
    static constexpr float zero = -11.5f;        // the result rounds to -0 below -10.8
    static constexpr float grad_limit = 10.0f;   // |z(10)| = 87.3; scalar_math::gelu_tanh_grad_limit<float>
};

// ---- float evaluated in float: the device's float math (evaluated_in_float), also callable on
// the host (the CUDA tests prove it there over all 2^32 floats). The vector kernels' scheme in
// scalar float_ops: the same tables, the same operations (the forward's main range gives the
// vector kernels' bits), and exp_nonpositive_float for the gradients.

// Table's polynomial at t in [0, 32 / Table::per_unit) (finite: NaN is handled by the callers).
template <class Table>
RECTIFY_HOST_DEVICE inline float gelu_piecewise_float(float t) {
    using namespace float_ops;
    const int j = static_cast<int>(mul(t, Table::per_unit)) & 31;
    const float s = sub(t, Table::center_at(j));
    float p = Table::coef_at(Table::degree, j);
    for (int k = Table::degree - 1; k >= 0; --k) p = fma(p, s, Table::coef_at(k, j));
    return p;
}

// max(-0, x) as x86 computes it: -0 for x < 0 and for -0, x otherwise (the kernels' first term),
// for a non-NaN x. By the sign bit, not `x < 0.0f ? -0.0f : x`: Clang 14 at -O2 turned that select
// into a max whose equal-operands case returned -0 for x = +0 (gelu(+0) came out -0).
RECTIFY_HOST_DEVICE inline float gelu_positive_part_float(float x) {
#if defined(__CUDA_ARCH__)
    const bool negative = __float_as_int(x) < 0;
#else
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const bool negative = (bits >> 31) != 0;
#endif
    return negative ? -0.0f : x;
}

// t Phi(-t) for t >= main_limit (vector_erf.hpp, t_normal_tail_far): 0 above zero_limit.
RECTIFY_HOST_DEVICE inline float gelu_normal_tail_far_float(float t) {
    using namespace float_ops;
    using K = normal_tail_constants;
    if (t > K::zero_limit) return 0.0f;  // +inf too
    const float hi = mul(t, t);
    const float lo = fma(t, t, -hi);
    const float u = div(1.0f, hi);
    // Constant indices: the device reads the constexpr arrays' elements as constants only.
    const float f = fma(fma(fma(fma(fma(K::tail_poly[5], u, K::tail_poly[4]), u, K::tail_poly[3]), u, K::tail_poly[2]), u,
                            K::tail_poly[1]),
                        u, K::tail_poly[0]);
    constexpr float log2e = 1.44269504088896341f;
    constexpr float magic = 12583039.0f;  // 1.5 * 2^23 + 127
    const float n = sub(fma(hi, -0.5f * log2e, magic), magic);
    const float r2 = fma(n, 2.0f * 0.693359375f, hi);  // exact (vector_erf.hpp)
    const float c = fma(n, 2.0f * -2.12194440e-4f, lo);
    const float v = add(r2, c);
    const float v_err = add(sub(r2, v), c);
    const float p = fma(fma(fma(fma(fma(K::exp_half_poly[5], v, K::exp_half_poly[4]), v, K::exp_half_poly[3]), v,
                                K::exp_half_poly[2]),
                            v, K::exp_half_poly[1]),
                        v, K::exp_half_poly[0]);
    const float q = fma(v, p, mul(-0.5f, v_err));
    const float n_high = n < -100.0f ? -100.0f : n;
    return mul(mul(fma(f, q, f), pow2(n_high)), pow2(sub(n, n_high)));
}

// x Phi(x) in float, to the last denormal.
RECTIFY_HOST_DEVICE inline float gelu_erf_float(float x) {
    using namespace float_ops;
    using K = normal_tail_constants;
    if (x != x) return x;
    const float t = abs(x);
    if (x < -K::main_limit) return -gelu_normal_tail_far_float(t);
    const float w = gelu_piecewise_float<normal_tail_table>(t < K::main_limit ? t : K::main_limit);
    return sub(gelu_positive_part_float(x), w);
}

// Phi(x) + x phi(x) in float (the vector kernel's formula; exp by exp_nonpositive_float).
RECTIFY_HOST_DEVICE inline float gelu_erf_grad_float(float x) {
    using namespace float_ops;
    using K = normal_tail_constants;
    if (x != x) return x;
    if (x < -K::mills_limit) return -0.0f;
    const float ax = abs(x);
    const float t = ax < K::mills_limit ? ax : K::mills_limit;
    const float e = exp_nonpositive_float(mul(-0.5f, mul(t, t)));
    const float num = fma(fma(fma(fma(K::mills_num[4], t, K::mills_num[3]), t, K::mills_num[2]), t, K::mills_num[1]), t,
                          K::mills_num[0]);
    const float den = fma(fma(fma(fma(fma(K::mills_den[5], t, K::mills_den[4]), t, K::mills_den[3]), t, K::mills_den[2]), t,
                              K::mills_den[1]),
                          t, K::mills_den[0]);
    const float h = mul(e, fma(t, -0x1.988454p-2f, div(num, den)));
    return x < 0.0f ? h : sub(1.0f, h);
}

// The tanh form in float: the table on [0, table_limit), the far formula left of it.
RECTIFY_HOST_DEVICE inline float gelu_tanh_float(float x) {
    using namespace float_ops;
    using K = gelu_tanh_constants;
    if (x != x) return x;
    if (x >= -K::table_limit) {
        const float ax = abs(x);
        const float w = gelu_piecewise_float<gelu_tanh_table>(ax < K::table_limit ? ax : K::table_limit);
        return sub(gelu_positive_part_float(x), w);
    }
    if (x < K::zero) return -0.0f;  // -inf too
    // z = x (a + b x^2) as zh + zl (activations/gelu.hpp, tanh_forward_far), x s(z) = x e^z (1 - e^z)
    // with e^z = 2^k (1 + q), 2^k applied in two steps.
    const float hi = mul(x, x);
    const float lo = fma(x, x, -hi);
    const float p = mul(K::b, hi);
    const float p_err = fma(K::b, hi, -p);
    const float w = add(p, K::a);
    const float w_lo = add(add(sub(p, w), K::a), add(p_err, fma(K::b, lo, fma(K::b_lo, hi, K::a_lo))));
    const float zh = mul(x, w);
    const float zl = add(fma(x, w, -zh), mul(x, w_lo));
    constexpr float log2e = 1.44269504088896341f;
    constexpr float magic = 12583039.0f;
    const float k = sub(fma(zh, log2e, magic), magic);
    const float r_hi = fma(k, -0.693359375f, zh);  // exact (Cody-Waite)
    const float r_lo = fma(k, 2.12194440e-4f, zl);
    const float r = add(r_hi, r_lo);
    const float r_err = add(sub(r_hi, r), r_lo);
    // exp(r) - 1 = r + r^2 P(r), P the Taylor coefficients 1/k! to degree 8 (reduce_exp_float's).
    constexpr float taylor[] = {1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040, 1.0f / 40320};
    float pr = taylor[6];
    for (int i = 5; i >= 0; --i) pr = fma(pr, r, taylor[i]);
    const float q = add(r, fma(mul(r, r), pr, fma(r_err, r, r_err)));
    const float k_high = k < -100.0f ? -100.0f : k;
    const float xe = fma(x, q, x);
    const float e_z = mul(add(1.0f, q), pow2(k_high));
    return mul(mul(fma(-xe, e_z, xe), pow2(k_high)), pow2(sub(k, k_high)));
}

// The tanh form's gradient in float (the vector kernel's formula).
RECTIFY_HOST_DEVICE inline float gelu_tanh_grad_float(float x) {
    using namespace float_ops;
    using K = gelu_tanh_constants;
    if (x != x) return x;
    if (x < -K::grad_limit) return -0.0f;
    const float xc = x > K::grad_limit ? K::grad_limit : x;
    const float x2 = mul(xc, xc);
    const float z = mul(xc, fma(K::b, x2, K::a));
    const float slope = mul(xc, fma(K::b3, x2, K::a));
    const float az = -abs(z);
    const float e = exp_nonpositive_float(az < -87.0f ? -87.0f : az);
    const float d = add(1.0f, e);
    const float leading = z < 0.0f ? mul(e, d) : d;
    return div(fma(slope, e, leading), mul(d, d));
}

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// GELU: y = x * Phi(x) (approximate = none) or PyTorch's tanh form (approximate = tanh).
// dx = dy * (Phi(x) + x phi(x)), resp. dy * d/dx of the tanh form. Every x is valid (the special
// values and PyTorch's differences: the top of this file).
struct GELU {
    enum approximation : int { none, tanh };  // a fixed underlying type: any int converts, and validate() refuses the others
    approximation approximate = none;

    static constexpr const char* name = "GELU";
    // The float forward kernel (either form): the index, 9 table lookups, 8 multiply-adds (counted
    // twice), abs, min, max, a subtraction, the tail test.
    static constexpr int operations = 36;
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 2.0; }
    // An approximation other than none or tanh (a cast from an integer) is refused, not run as none.
    void validate(const char* function) const {
        if (approximate != none && approximate != tanh)
            detail::bad_parameter(function, "GELU approximate", static_cast<double>(approximate),
                                  "it must be GELU::none or GELU::tanh");
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        return forward_in<scalar_math::arithmetic_for<T>>(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        return backward_in<scalar_math::arithmetic_for<T>>(x, dy);
    }

    // The formulas in the arithmetic A: scalar_math::in_double (the wider type, gelu_wide<T>: double
    // for float, long double for double on the host) or in_float (float, the device's).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T forward_in(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::GELU needs a floating-point type");
        if constexpr (std::is_same_v<A, scalar_math::in_float>) {
            const float v = static_cast<float>(x);
            return static_cast<T>(approximate == tanh ? scalar_math::gelu_tanh_float(v) : scalar_math::gelu_erf_float(v));
        } else {
            using W = scalar_math::gelu_wide<T>;
            if (approximate == tanh) return static_cast<T>(scalar_math::gelu_tanh<T>(static_cast<W>(x)));
            return static_cast<T>(scalar_math::gelu_erf<T>(static_cast<W>(x)));
        }
    }
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::GELU needs a floating-point type");
        if constexpr (std::is_same_v<A, scalar_math::in_float>) {
            const float v = static_cast<float>(x);
            const float g = approximate == tanh ? scalar_math::gelu_tanh_grad_float(v) : scalar_math::gelu_erf_grad_float(v);
            return static_cast<T>(scalar_math::float_ops::mul(static_cast<float>(dy), g));
        } else {
            using W = scalar_math::gelu_wide<T>;
            const W g = approximate == tanh ? scalar_math::gelu_tanh_grad<T>(static_cast<W>(x))
                                            : scalar_math::gelu_erf_grad<T>(static_cast<W>(x));
            return static_cast<T>(static_cast<W>(dy) * g);  // dy * 0 is NaN for an infinite dy at -inf
        }
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_GELU_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_GELU_VECTOR)
#define RECTIFY_ACTIVATIONS_GELU_VECTOR

#include "../detail/vector_erf.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

using scalar_math::gelu_tanh_table;

// f(x) lane by lane, for the kernels without a float vector form (double; float without a fused
// multiply-add, where it is the scalar math's double evaluation): the scalar math, evaluated in the
// wider type. For double that is long double on the host: within 0.51 ULP (erf form) and 1.19 ULP
// (tanh form, its far tail) on dense sweeps, but slow, some 40 ns an element for |x| < 5 and up to
// 1 us in the far tail (glibc's erfcl and expl): a vector double form is still to be written.
template <class T, class A, class F>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> gelu_lane_by_lane(const xsimd::batch<T, A>& x, const F& f) {
    using B = xsimd::batch<T, A>;
    alignas(64) T value[B::size];
    x.store_aligned(value);
    for (std::size_t i = 0; i < B::size; ++i) value[i] = f(value[i]);
    return B::load_aligned(value);
}
// f(x, dy) lane by lane: the gradient's product with dy in the wider type too, as the scalar math
// forms it (a gradient below T's denormals times an infinite dy is an infinity, not 0 * inf).
template <class T, class A, class F>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> gelu_lane_by_lane(const xsimd::batch<T, A>& x,
                                                                  const xsimd::batch<T, A>& dy, const F& f) {
    using B = xsimd::batch<T, A>;
    alignas(64) T value[B::size];
    alignas(64) T gradient[B::size];
    x.store_aligned(value);
    dy.store_aligned(gradient);
    for (std::size_t i = 0; i < B::size; ++i) value[i] = f(value[i], gradient[i]);
    return B::load_aligned(value);
}

template <class T>
struct batch_math<GELU, T> {
    GELU act;
    explicit batch_math(const GELU& a) : act(a) {}

    // Whether the float vector forms run (else the scalar math lane by lane).
    static constexpr bool vector_form = std::is_same_v<T, float> && fused_multiply_add;

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        if constexpr (vector_form) {
            return act.approximate == GELU::tanh ? tanh_forward(x) : erf_forward(x);
        } else {
            const GELU a = act;
            return gelu_lane_by_lane(x, [a](T v) { return a(v); });
        }
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        if constexpr (vector_form) {
            return dy * (act.approximate == GELU::tanh ? tanh_gradient(x) : erf_gradient(x));
        } else {
            const GELU a = act;
            return gelu_lane_by_lane(x, dy, [a](T v, T g) { return a.backward(v, g); });
        }
    }

private:
    // ---- erf form ---------------------------------------------------------------------------
    // x Phi(x) = max(0, x) - t Phi(-t), t = |x| (vector_erf.hpp): for x < 0 that is -t Phi(-t),
    // for x >= 0 x - t Phi(-t) = x (1 - Phi(-x)) with t Phi(-t) <= x/2, so nothing cancels. On the
    // right t is clamped at main_limit: t Phi(-t) is then 6e-9, under half an ULP of x >= 5.99, and
    // x comes out (+inf too). Left of -main_limit the far-tail formula runs, behind xsimd::any.
    // Signed zeros: the first term is max(-0, x), -0 for x < 0 (and for -0; +0 for +0: x86 returns
    // the second operand of equal ones), so a t Phi(-t) that underflows to +0 still gives -0 (at
    // x = -2^-149, where it is a tie) and gelu(+-0) = +-0. NaN: every step keeps it.
    // Measured over all 2^32 floats (AVX-512; the same bits on AVX2 + FMA, GCC and Clang, -O0 to
    // -O2): max 1.49 ULP, at x = -10.38 (far tail; main range 1.13).
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> erf_forward(const xsimd::batch<float, A>& x) {
        using B = xsimd::batch<float, A>;
        using K = normal_tail_constants;
        const B t = xsimd::abs(x);
        const B w = t_normal_tail_main(xsimd::min(B(K::main_limit), t));
        const B positive = max_keeps_second_operand ? xsimd::max(B(-0.0f), x) : detail::select(x < B(0.0f), B(-0.0f), x);
        const B y = positive - w;
        const auto far = x < B(-K::main_limit);
        // The sign by an xor: xsimd's negation is 0 - w on some arches, +0 for w = +0.
        if (xsimd::any(far)) return detail::select(far, xsimd::bitwise_xor(t_normal_tail_far(t), B(-0.0f)), y);
        return y;
    }

    // Phi(x) + x phi(x) = h for x < 0 and 1 - h for x >= 0, h = exp(-t^2/2) (G(t) - t/sqrt(2 pi)),
    // G = Phi(-t) exp(t^2/2) (vector_erf.hpp). The bound is absolute (relative to max(|dx|, |dy|)
    // and |dx| <= 1.13), so t^2/2 rounded is enough for the exponential. 0 below -mills_limit
    // (the exact value is under 5e-37 there), NaN propagates. Measured over all 2^32 floats with
    // dy = 1: C = 1.20.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> erf_gradient(const xsimd::batch<float, A>& x) {
        using B = xsimd::batch<float, A>;
        using K = normal_tail_constants;
        const B t = xsimd::min(B(K::mills_limit), xsimd::abs(x));
        const B e = exp_bounded(B(-0.5f) * (t * t));  // >= -84.5: inside exp_bounded's range
        const B h = e * detail::fma(t, B(-0x1.988454p-2f), scaled_mills_ratio(t));
        const B g = detail::select(x < B(0.0f), h, B(1.0f) - h);
        // -0: the exact gradient is negative there, so dy * g gets the exact product's sign.
        return detail::select(x < B(-K::mills_limit), B(-0.0f), g);
    }

    // ---- tanh form --------------------------------------------------------------------------
    using tanh_constants = scalar_math::gelu_tanh_constants;

    // exp(-(zh + zl)) = 2^k (1 + q) for |zh| <= 115 (|k| <= 166): use(k, q). The reduced
    // argument r = -zh - k ln2 - zl is formed with Cody-Waite's split and its rounding carried into
    // q (Fast2Sum), as vector_math.hpp's compensated exp: q within 0.1 ULP of 1 + q.
    template <class A, class Use>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> with_exp_of_minus(const xsimd::batch<float, A>& zh,
                                                                               const xsimd::batch<float, A>& zl, const Use& use) {
        using B = xsimd::batch<float, A>;
        using C = exp_constants<float>;
        const B m = -zh;
        const B magic(C::biased_round_magic);
        const B k = detail::fma(m, B(C::log2e), magic) - magic;
        const B r_hi = detail::fma(k, B(-C::ln2_hi), m);  // exact
        const B r_lo = detail::fma(k, B(-C::ln2_lo), -zl);
        const B r = r_hi + r_lo;
        const B r_err = (r_hi - r) + r_lo;
        const B q = r + detail::fma(r * r, expm1_polynomial(r), detail::fma(r_err, r, r_err));
        return use(k, q);
    }

    // The tanh form's x s(z) = max(0, x) - t s(-z(t)), t = |x| (z is odd in x, and s(z) = 1 - s(-z)),
    // with t s(-z(t)) = t / (1 + exp(z(t))) by the table (gelu_tanh_table) on [0, table_limit):
    // rounded once by its last multiply-add for x < 0; for x >= 0 it is below x/2 and rounded once
    // more by the subtraction. Right of table_limit it is below 4.3e-8, under half an ULP of x: t is
    // clamped there and x comes out (+inf too). Left of -table_limit the far formula runs, behind
    // xsimd::any. Signed zeros and NaN as the erf form's. Measured over all 2^32 floats: max 1.18 ULP,
    // at x = -0.14 (the far formula: 1.02).
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> tanh_forward(const xsimd::batch<float, A>& x) {
        using B = xsimd::batch<float, A>;
        using K = tanh_constants;
        const B w = piecewise_polynomial<gelu_tanh_table>(xsimd::min(B(K::table_limit), xsimd::abs(x)));
        const B positive = max_keeps_second_operand ? xsimd::max(B(-0.0f), x) : detail::select(x < B(0.0f), B(-0.0f), x);
        const B y = positive - w;
        const auto far = x < B(-K::table_limit);
        if (xsimd::any(far)) return detail::select(far, tanh_forward_far(x), y);
        return y;
    }

    // x < -table_limit (and -inf): z = x (a + b x^2) carried as zh + zl (b x^2 > a: Fast2Sum; the
    // result's relative error is |dz| here, |z| up to 110). Below zero the result is -0.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> tanh_forward_far(const xsimd::batch<float, A>& x) {
        using B = xsimd::batch<float, A>;
        using K = tanh_constants;
        const B xc = xsimd::max(B(K::zero), x);
        const B hi = xc * xc;
        const B lo = detail::fma(xc, xc, -hi);
        // p = b hi rounded, p + p_err = b hi exactly. The max (p >= 0 anyway) keeps p the rounded
        // product: a compiler that contracts p + a or p - w into a fused multiply-add (GCC does,
        // -std=c++20 included) would otherwise count p_err twice (38 ULP at x = -9.86).
        const B p = xsimd::max(B(K::b) * hi, B(0.0f));
        const B p_err = detail::fma(B(K::b), hi, -p);
        const B w = p + B(K::a);  // p > a: Fast2Sum
        const B w_lo = ((p - w) + B(K::a)) + (p_err + detail::fma(B(K::b), lo, detail::fma(B(K::b_lo), hi, B(K::a_lo))));
        const B zh = xc * w;
        const B zl = detail::fma(xc, w, -zh) + xc * w_lo;
        // x s(z) = x e^z / (1 + e^z) with e^z = 2^k (1 + q) below e^-18.6 (k <= -26): x (1 + q) (1 - e^z)
        // within 0.01 ULP, no division; 2^k applied in two steps, the first exact, the second
        // rounding once into the denormals.
        const B y = with_exp_of_minus(-zh, -zl, [&xc](const B& k, const B& q) {
            const B k_high = xsimd::max(k, B(-100.0f));
            const B xe = detail::fma(xc, q, xc);
            const B e_z = (B(1.0f) + q) * pow2(k_high);  // e^z, or a value below 2^-100 as good as 0 here
            return (detail::fma(-xe, e_z, xe) * pow2(k_high)) * pow2(k - k_high);
        });
        return detail::select(x < B(K::zero), B(-0.0f), y);
    }

    // s(z) (1 + x z' s(-z)) as the scalar gelu_tanh_grad, x clamped at +-grad_limit (where the
    // gradient is 1 / 0 within eps) and -0 set left of it; NaN propagates. Measured over all 2^32
    // floats with dy = 1: C = 2.05, at x = 2.22 (the rounded z, exp_bounded's error and the
    // division; the bound is 4).
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<float, A> tanh_gradient(const xsimd::batch<float, A>& x) {
        using B = xsimd::batch<float, A>;
        using K = tanh_constants;
        const B limit(K::grad_limit);
        const B xc = xsimd::min(limit, xsimd::max(-limit, x));
        const B x2 = xc * xc;
        const B z = xc * detail::fma(B(K::b), x2, B(K::a));
        const B slope = xc * detail::fma(B(K::b3), x2, B(K::a));
        const B e = exp_bounded(xsimd::max(B(-87.0f), xsimd::min(-z, z)));
        const B d = B(1.0f) + e;
        const B leading = detail::select(z < B(0.0f), e * d, d);
        const B g = detail::fma(slope, e, leading) / (d * d);
        return detail::select(x < -limit, B(-0.0f), g);  // -0: the exact gradient is negative there
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_GELU_VECTOR
