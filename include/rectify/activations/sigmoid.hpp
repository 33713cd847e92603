// rectify/activations/sigmoid.hpp — the sigmoid family: Sigmoid, Tanh and Swish-beta (x sigmoid(beta x),
// SiLU's bits for beta = 1): definitions, PyTorch 1.13's semantics and where rectify returns the
// mathematical value instead, accuracy, and why each formula.
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout). The vector math is
// built from detail/vector_sigmoid.hpp's pieces (sigmoid, num * sigmoid(z), the corrected
// quotient num / (1 + exp(-z))), which GELU's tanh form can share.
#if !defined(RECTIFY_ACTIVATIONS_SIGMOID_HPP)
#define RECTIFY_ACTIVATIONS_SIGMOID_HPP

#include "../scalar_math.hpp"
#include "parameters.hpp"
#include "silu.hpp"

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

// Whether the host's long double is wider than double (x86-64, aarch64): then the double results
// below are computed in it and rounded once (within half an ULP but for rare near-ties).
#if !defined(__CUDA_ARCH__)
inline constexpr bool sigmoid_long_double_is_wider =
    std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits &&
    std::numeric_limits<long double>::max_exponent > std::numeric_limits<double>::max_exponent;
#endif

RECTIFY_HOST_DEVICE inline double tanh(double x) {
#if defined(__CUDA_ARCH__)
    return ::tanh(x);
#else
    return std::tanh(x);
#endif
}

// 1 / (1 + exp(-x)) in double: for a float x the exp's and the division's roundings are far below
// a float ULP (the host's float is this rounded once). exp(-x) = inf (x < -709.78) gives +0, which
// a float sigmoid rounds to there too; +inf gives 1, -inf +0, NaN NaN.
RECTIFY_HOST_DEVICE inline double sigmoid_of_float(double x) { return 1.0 / (1.0 + exp(-x)); }

// sigmoid(x) for a double x, within an ULP or so: the host's long double where it is wider;
// elsewhere (the device) x < 0 as e / (1 + e), e = exp(x), with 1 + e carried exactly (Fast2Sum)
// and one correction of the quotient, so that only exp's own error and the last rounding remain;
// far left (x < -700, where e turns denormal) e = h * h, h = exp(x / 2).
RECTIFY_HOST_DEVICE inline double sigmoid_of_double(double x) {
#if !defined(__CUDA_ARCH__)
    if constexpr (sigmoid_long_double_is_wider) {
        const long double xl = static_cast<long double>(x);
        return static_cast<double>(1.0L / (1.0L + std::exp(-xl)));  // NaN propagates
    }
#endif
    if (x < -700.0) {
        const double h = exp(0.5 * x);  // -inf: 0
        return h * h;
    }
    const double e = exp(x < 0 ? x : -x);  // exp(-|x|); NaN propagates
    const double d = 1.0 + e;
    const double d_lo = (1.0 - d) + e;
    const double num = x < 0 ? e : 1.0;
    const double y0 = num / d;
    return fma(fma(-y0, d, num) - y0 * d_lo, 1.0 / d, y0);
}

// sigmoid'(x) = s(x) s(-x) = e / (1 + e)^2, e = exp(-|x|): no cancellation (PyTorch's (1 - y) y loses
// it: 0 from x = 16.6 in float). 0 beyond |x| > limit (gradient_flush_limit<T>, as SiLU's gradient:
// the exact value there is below eps * |dy|). NaN propagates.
RECTIFY_HOST_DEVICE inline double sigmoid_grad(double x, double limit) {
    if (x > limit || x < -limit) return 0.0;
    const double e = exp(x < 0 ? x : -x);
    const double d = 1.0 + e;
    return e / (d * d);
}

// tanh(x) for a double x: the host's long double where it is wider, else the C library's (CUDA's).
RECTIFY_HOST_DEVICE inline double tanh_of_double(double x) {
#if !defined(__CUDA_ARCH__)
    if constexpr (sigmoid_long_double_is_wider) return static_cast<double>(std::tanh(static_cast<long double>(x)));
#endif
    return tanh(x);
}

// tanh'(x) = 1 - tanh(x)^2 = 4 E / (1 + E)^2, E = exp(-2|x|): no cancellation (PyTorch's 1 - y^2
// is 0 from |x| = 9.01 in float). 0 where 2|x| > limit (exp(-2|x|) counted as 0 beyond
// gradient_flush_limit<T>, as everywhere). NaN propagates.
RECTIFY_HOST_DEVICE inline double tanh_grad(double x, double limit) {
    const double a = x < 0 ? x + x : -(x + x);  // -2|x|
    if (a < -limit) return 0.0;
    const double e = exp(a);
    const double d = 1.0 + e;
    return 4.0 * e / (d * d);
}

// x * sigmoid(beta x) for float x and beta (as doubles): beta x is exact in double, and so the
// result rounds once more to float. Below beta x = -800 the value is ±0 for every float x (x's
// sign: the limit, also for -inf), which exp(-beta x) = inf would make NaN for an infinite x.
RECTIFY_HOST_DEVICE inline double swish_of_float(double x, double beta) {
    const double z = beta * x;
    if (z < -800.0) return x < 0 ? -0.0 : 0.0;
    return x / (1.0 + exp(-z));  // NaN propagates; z = +inf gives x
}

// The same for double x and beta: beta x = z + z_lo exactly (z_lo = fma(beta, x, -z)), and
// exp(-(z + z_lo)) = exp(-z) (1 - z_lo), in long double on the host where it is wider.
RECTIFY_HOST_DEVICE inline double swish_of_double(double x, double beta) {
    const double z = beta * x;
    if (z < -1500.0) return x < 0 ? -0.0 : 0.0;
    const double z_lo = z < 1e300 ? fma(beta, x, -z) : 0.0;  // 0 for an infinite z
#if !defined(__CUDA_ARCH__)
    if constexpr (sigmoid_long_double_is_wider) {
        long double e = std::exp(-static_cast<long double>(z));
        e -= e * static_cast<long double>(z_lo);
        return static_cast<double>(static_cast<long double>(x) / (1.0L + e));
    }
#endif
    if (z < -700.0) {
        // e^z turns denormal: x e^z = (x h) h, h = exp(z / 2) (1 + z_lo / 2), 1 + e^z = 1.
        double h = exp(0.5 * z);
        h = fma(h, 0.5 * z_lo, h);
        return (x * h) * h;
    }
    double e = exp(-z);
    e = fma(-e, z_lo, e);
    return x / (1.0 + e);
}

// ---- float evaluated in float (the device's float math, also callable on the host) ------------
// Built from scalar_math.hpp's float_ops and reduce_exp_float (compensated reduction, q = expm1(r)
// within a few hundredths of an ULP), in the formulas of the vector math (detail/vector_sigmoid.hpp),
// so that their bounds hold: the host computes the device's bits (tests/cuda's rule).

// num / (1 + 2^n (1 + q)) for |n| <= 23: the denominator as d + d_lo (exact), one Newton step on
// the residual (vector_sigmoid.hpp's quotient_one_plus, with the division's reciprocal as u).
// A zero num keeps its sign.
RECTIFY_HOST_DEVICE inline float quotient_one_plus_float(float num, float s, float q) {
    using namespace float_ops;
    const float a = add(1.0f, s);
    const float d = fma(s, q, a);
    const float d_lo = fma(s, q, sub(a, d));
    const float u = div(1.0f, d);
    const float q0 = mul(num, u);
    const float e = fma(q0, d, -num);  // q0 d - num: tiny, its rounding far below q0's ULP
    // q0 - (e + q0 d_lo) u with u's sign flipped, not the sum's: -(+0) is -0, and a compiler may
    // rewrite -fma(a, b, c) as -(a b) - c, which is +0 there; a zero num keeps its sign.
    return fma(fma(q0, d_lo, e), -u, q0);
}

// sigmoid in float: within 1.5 ULP (the vector math's formulas; |x| > 16 as E - E^2 / 1 - E).
RECTIFY_HOST_DEVICE inline float sigmoid_float(float x) {
    using namespace float_ops;
    if (x != x) return x;
    if (x > 16.0f) return x > 87.0f ? 1.0f : sub(1.0f, exp_nonpositive_float(-x));  // +inf: 1
    if (x < -16.0f) {
        if (x < -110.0f) return 0.0f;  // -inf too
        // E - E^2 with E = E_hi + E_lo exact, 2^n applied last in two normal steps.
        const reduced_float red = reduce_exp_float(x);
        const float n_high = red.n < -100.0f ? -100.0f : red.n;
        const float s = pow2(n_high);
        const float e_hi = fma(s, red.expm1_r, s);
        const float e_lo = fma(s, red.expm1_r, sub(s, e_hi));
        return mul(add(e_hi, fma(-e_hi, e_hi, e_lo)), pow2(sub(red.n, n_high)));
    }
    const reduced_float red = reduce_exp_float(-x);
    return quotient_one_plus_float(1.0f, pow2(red.n), red.expm1_r);
}

// tanh in float: within 2 ULP. |x| <= 8: (1 - E) / (1 + E), E = exp(-2|x|) = 2^n (1 + q), the
// numerator (1 - 2^n) - 2^n q rounded once, the quotient corrected; beyond, 1 - 2E; ±1 from 9.1.
RECTIFY_HOST_DEVICE inline float tanh_float(float x) {
    using namespace float_ops;
    const float ax = abs(x);
    if (!(ax > 0.0f)) return x;  // NaN, ±0
    float y = 1.0f;
    if (ax <= 8.0f) {
        const reduced_float red = reduce_exp_float(-(ax + ax));
        const float s = pow2(red.n);
        y = quotient_one_plus_float(fma(-s, red.expm1_r, sub(1.0f, s)), s, red.expm1_r);
    } else if (ax <= 9.1f) {
        const reduced_float red = reduce_exp_float(-(ax + ax));
        const float s2 = pow2(add(red.n, 1.0f));
        y = sub(1.0f, fma(s2, red.expm1_r, s2));
    }
    return x < 0.0f ? -y : y;
}

// x * sigmoid(beta x) in float for beta != 0, 1 (Swish calls x / 2 and SiLU there): beta x =
// z + z_lo exactly (fma), exp(-(z + z_lo)) = 2^n (1 + q) (1 - z_lo); |z| <= 16 by the corrected
// quotient, z > 16 as x (1 - E) (E = exp(-z) < 2^-23: z_lo's share is far below the ULP), z < -16
// as x E (1 - E) with 2^n applied in three normal steps (x may be huge), ±0 (x's sign, the limit)
// below z = -200. Within 2 ULP.
RECTIFY_HOST_DEVICE inline float swish_float(float x, float beta) {
    using namespace float_ops;
    const float z = mul(beta, x);
    if (z != z) return z;                             // NaN x
    if (z < -200.0f) return x < 0.0f ? -0.0f : 0.0f;  // -inf z too
    if (z > 87.0f) return x;                          // x (1 - E) rounds to x (+inf z too)
    if (z > 16.0f) return mul(x, sub(1.0f, exp_nonpositive_float(-z)));
    const float z_lo = fma(beta, x, -z);              // exact
    if (z < -16.0f) {
        // x E (1 - E) = (x (1 + v) / 2) 2^(n+1), E = 2^n (1 + q) with q taking z_lo, 1 + v = (1 + q)(1 - E).
        const reduced_float red = reduce_exp_float(z);
        const float q = fma(z_lo, red.expm1_r, add(red.expm1_r, z_lo));
        const float n1 = red.n < -100.0f ? -100.0f : red.n;
        const float n2 = sub(red.n, n1) < -100.0f ? -100.0f : sub(red.n, n1);
        const float e = mul(fma(pow2(n1), q, pow2(n1)), pow2(n2));  // E, or far below 2^-100
        const float v = fma(-e, q, sub(q, e));
        const float half = mul(x, 0.5f);
        const float m = fma(half, v, half);
        const float k = add(red.n, 1.0f);
        const float k1 = k < -100.0f ? -100.0f : k;
        const float k2 = sub(k, k1) < -100.0f ? -100.0f : sub(k, k1);
        return mul(mul(mul(m, pow2(k1)), pow2(k2)), pow2(sub(sub(k, k1), k2)));
    }
    const reduced_float red = reduce_exp_float(-z);
    const float q = fma(-z_lo, red.expm1_r, sub(red.expm1_r, z_lo));
    return quotient_one_plus_float(x, pow2(red.n), q);
}

// The gradients in float, as the double ones (0 beyond the flush limit, NaN propagates).
RECTIFY_HOST_DEVICE inline float sigmoid_grad_float(float x, float limit) {
    using namespace float_ops;
    if (x > limit || x < -limit) return 0.0f;
    const float e = exp_nonpositive_float(-abs(x));
    const float d = add(1.0f, e);
    return div(e, mul(d, d));
}
RECTIFY_HOST_DEVICE inline float tanh_grad_float(float x, float limit) {
    using namespace float_ops;
    const float a = -add(abs(x), abs(x));  // -2|x|; NaN stays NaN
    if (a < -limit) return 0.0f;
    const float e = exp_nonpositive_float(a);
    const float d = add(1.0f, e);
    return div(mul(4.0f, e), mul(d, d));
}

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// Sigmoid: y = 1 / (1 + exp(-x)), PyTorch's definition. dx = dy * s(x) * s(-x), without PyTorch's
// cancellation: its dy * (1 - y) * y is 0 from x = 16.6 (float) where the true value is about
// exp(-x); rectify's is that value, out to |x| = gradient_flush_limit<T> (87 for float), beyond which
// it counts as 0 (as SiLU's; so for x in [-88.72, -87] PyTorch's y (1 - y), a denormal, is the
// closer one: both are within the bound). The forward's tail too: PyTorch's float sigmoid is 0 left of -88.72 (its exp(-x)
// overflows), rectify's the true tiny value, denormals included (+0 below about -103.97). Every x is
// valid: sigmoid(-inf) = +0, sigmoid(+inf) = 1, sigmoid(±0) = 0.5, NaN in, NaN out.
// Accuracy (docs/ACCURACY.md): forward within 1.5 ULP of the correctly rounded value (measured:
// 1.30 over all 2^32 floats, at x = -15.61; 0.92 for double on the sweeps); backward |dx - exact| <=
// 4 eps max(|exact|, |dy|) (measured 0.36 with dy = 1 over all floats, 0.42 with random dy; double
// 0.36 / 0.38). backward_from_output is PyTorch's in-place formula dy * (1 - y) * y, bit for bit
// given the same y: it inherits the cancellation of 1 - y for y near 1 (its relative error grows
// without bound there, and it is 0 where y rounds to 1, x > 16.6 for float), but its absolute error
// stays within the gradient bound for a y within 1.5 ULP of sigmoid(x): 0.26 / 0.33 (dy = 1 /
// random) with the kernel's own y over all floats, 0.25 / 0.34 for double.
struct Sigmoid {
    static constexpr const char* name = "Sigmoid";
    static constexpr int operations = 50;  // exp, the corrected quotient (vrcp14 and a Newton step), the tail test
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 1.5; }  // docs/ACCURACY.md
    double gain() const { return 1.0; }  // torch.nn.init.calculate_gain('sigmoid')

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Sigmoid needs a floating-point type");
        if constexpr (scalar_math::evaluated_in_float<T>()) return scalar_math::sigmoid_float(x);
        else if constexpr (sizeof(T) == sizeof(float)) return static_cast<T>(scalar_math::sigmoid_of_float(static_cast<double>(x)));
        else return static_cast<T>(scalar_math::sigmoid_of_double(x));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Sigmoid needs a floating-point type");
        // The gradient at 0 is dy / 4; at ±inf 0 * dy (NaN for an infinite dy); at NaN NaN.
        if constexpr (scalar_math::evaluated_in_float<T>())
            return scalar_math::float_ops::mul(
                dy, scalar_math::sigmoid_grad_float(x, static_cast<float>(scalar_math::gradient_flush_limit<T>)));
        else return static_cast<T>(static_cast<double>(dy) *
                              scalar_math::sigmoid_grad(static_cast<double>(x), scalar_math::gradient_flush_limit<T>));
    }
    // From the saved output y = sigmoid(x): PyTorch's (dy * (1 - y)) * y, in T.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        return dy * (T(1) - y) * y;
    }
};

// Tanh: y = tanh(x), dx = dy * (1 - tanh(x)^2) computed as 4 E / (1 + E)^2, E = exp(-2|x|): no
// cancellation, where PyTorch's dy * (1 - y^2) is 0 from |x| = 9.01 (float) while the true value is
// about 4 exp(-2|x|) (rectify's, down to |x| = gradient_flush_limit<T> / 2, 43.5 for float). tanh(±0) =
// ±0, tanh(±inf) = ±1, tiny x gives x, NaN in, NaN out. rectify::tanh would clash with C's tanh:
// the shorthand's name is the list's (activations/list.hpp).
// Accuracy (docs/ACCURACY.md): forward within 2 ULP (measured: 1.72 over all 2^32 floats, at
// x = 0.196; 1.55 for double on the sweeps); backward |dx - exact| <= 4 eps max(|exact|, |dy|)
// (measured 1.43 with dy = 1 over all floats, 1.61 with random dy; double 1.40 / 1.61).
// backward_from_output is PyTorch's in-place formula dy * (1 - y * y), 1 - y * y in one rounding:
// PyTorch 1.13's x86-64 build fuses it too (its bits matched fma(-y, y, 1) on every one of 65536
// random inputs; without FMA rectify rounds twice, as the C++ does). It inherits 1 - y^2's
// cancellation for |y| near 1 (relative error without bound, 0 where y rounds to ±1, |x| > 9.01
// for float), but its absolute error stays within the gradient bound for a y within 2 ULP of
// tanh(x): 1.02 / 1.10 (dy = 1 / random) with the kernel's own y over all floats, 1.00 for double.
struct Tanh {
    static constexpr const char* name = "Tanh";
    static constexpr int operations = 60;  // exp, 1 - E, the corrected quotient, the tail test, the sign
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 2.0; }  // docs/ACCURACY.md
    double gain() const { return 5.0 / 3.0; }  // torch.nn.init.calculate_gain('tanh')

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Tanh needs a floating-point type");
        if constexpr (scalar_math::evaluated_in_float<T>()) return scalar_math::tanh_float(x);
        else if constexpr (sizeof(T) == sizeof(float)) return static_cast<T>(scalar_math::tanh(static_cast<double>(x)));
        else return static_cast<T>(scalar_math::tanh_of_double(x));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Tanh needs a floating-point type");
        // The gradient at 0 is dy; at ±inf 0 * dy (NaN for an infinite dy); at NaN NaN.
        if constexpr (scalar_math::evaluated_in_float<T>())
            return scalar_math::float_ops::mul(
                dy, scalar_math::tanh_grad_float(x, static_cast<float>(scalar_math::gradient_flush_limit<T>)));
        else return static_cast<T>(static_cast<double>(dy) *
                              scalar_math::tanh_grad(static_cast<double>(x), scalar_math::gradient_flush_limit<T>));
    }
    // From the saved output y = tanh(x): PyTorch's dy * (1 - y * y), 1 - y * y in one rounding.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
#if defined(__CUDA_ARCH__)
        return dy * ::fma(-y, y, T(1));
#else
        return dy * std::fma(-y, y, T(1));
#endif
    }
};

// Swish (SiLU with a slope): y = x * sigmoid(beta * x); Swish{1} is SiLU (the same bits: it calls
// SiLU's math), Swish{1.702} is QuickGELU. PyTorch has no Swish module; the semantics are SiLU's
// (docs/SEMANTICS.md): the limits, not NaN, at infinities (swish(-inf) = -0 for beta > 0), the tiny
// values left of the exp's overflow returned, denormals included. beta * x is never rounded before
// the exponential (rounding it costs |beta x| 2^-24 relative in the tail): it is carried as
// p + p_lo, p_lo = fma(beta, x, -p). Any finite beta: beta = 0 gives x / 2 (every x, ±inf too),
// a negative beta the mirror image swish_{-b}(x) = -swish_b(-x) (x * sigmoid(beta x) -> +0 as
// x -> +inf). validate() refuses a NaN or infinite beta and one beyond float's range (the float
// kernels convert it to float, as PyTorch converts its Scalar arguments).
// Accuracy (docs/ACCURACY.md): forward within 2 ULP (measured over all 2^32 floats: 1.53 for
// beta = 1.702, 1.57 for 0.5, SiLU's 1.74 for 1; double on the sweeps 1.50 / 1.53); backward
// dx = dy * s(z) (1 + z s(-z)), z = beta x rounded (SiLU's gradient at z), within 4 eps max(|exact|,
// |dy|) (measured over all floats with dy = 1: 1.97 for 1.702, 1.95 for 0.5; 2.20 / 2.31 with
// random dy; double 1.95 / 1.96), counted as 0 below z = -gradient_flush_limit<T> and 1 above.
// No backward_from_output: swish is not monotonic, y does not determine x. No gain():
// torch.nn.init.calculate_gain has none for it.
struct Swish {
    double beta = 1.0;

    static constexpr const char* name = "Swish";
    static constexpr int operations = 65;  // beta x exact, a compensated exp, a division, the tail test
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 2.0; }  // docs/ACCURACY.md

    void validate(const char* function) const {
        if (!(beta >= -3.4028234663852886e38 && beta <= 3.4028234663852886e38))
            detail::bad_parameter(function, "Swish beta", beta, "it must be finite and within float's range");
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Swish needs a floating-point type");
        const T b = static_cast<T>(beta);
        if (b == T(1)) return SiLU{}(x);
        if (b == T(0)) return x * T(0.5);  // x / 2 for every x, ±inf included
        if constexpr (scalar_math::evaluated_in_float<T>()) return scalar_math::swish_float(x, b);
        else if constexpr (sizeof(T) == sizeof(float)) return static_cast<T>(scalar_math::swish_of_float(static_cast<double>(x), static_cast<double>(b)));
        else return static_cast<T>(scalar_math::swish_of_double(x, b));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Swish needs a floating-point type");
        const T b = static_cast<T>(beta);
        if (b == T(1)) return SiLU{}.backward(x, dy);
        if (b == T(0)) return dy * T(0.5);
        // d/dx [x s(beta x)] = s(z) (1 + z s(-z)), z = beta x: SiLU's gradient at z. z in double (exact
        // for float; for double its rounding costs at most max|z g'(z)| 2^-53, far inside the bound),
        // in float on the device (0.11 eps at most).
        if constexpr (scalar_math::evaluated_in_float<T>())
            return scalar_math::float_ops::mul(
                dy, scalar_math::silu_grad_float(scalar_math::float_ops::mul(b, x),
                                                 static_cast<float>(scalar_math::gradient_flush_limit<T>)));
        const double z = static_cast<double>(b) * static_cast<double>(x);
        return static_cast<T>(static_cast<double>(dy) * scalar_math::silu_grad(z, scalar_math::gradient_flush_limit<T>));
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_SIGMOID_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_SIGMOID_VECTOR)
#define RECTIFY_ACTIVATIONS_SIGMOID_VECTOR

#include "../detail/vector_sigmoid.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
struct batch_math<Sigmoid, T> {
    explicit batch_math(const Sigmoid&) {}

    // detail::sigmoid (vector_sigmoid.hpp): exp(-x) = 2^n (1 + q), 1 / (1 + exp(-x)) by vrcp14 (or a
    // division) and one Newton step on the exact residual; |x| > 16 (float) / 36 (double) by the tail
    // formulas, skipped by a vector without such lanes.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        return detail::sigmoid(x);
    }
    // e / (1 + e)^2, e = exp(-|x|) (exp_bounded, clamped at the flush limit, where the gradient is
    // set to 0 as in the scalar math: dy * 0, NaN for an infinite dy). NaN stays NaN.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B minus_abs = xsimd::bitwise_or(x, B(T(-0.0)));
        const B e = exp_bounded(xsimd::max(B(C::exp_floor), minus_abs));
        const B d = B(T(1)) + e;
        const B grad = e / (d * d);
        return dy * detail::select(minus_abs < B(C::exp_floor), B(T(0)), grad);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return dy * (B(T(1)) - y) * y;  // as the scalar form, PyTorch's order
    }
};

// Tanh's range limits: while |x| <= bounded_limit / 2 (8 for float, 18 for double), exp(-2|x|) has
// |n| <= digits - 1 and the quotient is exact up to its last rounding; beyond, tanh is 1 - 2 E
// (E = exp(-2|x|) < 2^-23), clamped where it rounds to 1 (|x| > 9.01 / 19.06).
template <class T>
inline constexpr T tanh_bounded_limit = sigmoid_constants<T>::bounded_limit / 2;
template <class T>
inline constexpr T tanh_clamp = sizeof(T) == 4 ? T(20) : T(40);  // on 2|x|: n >= -29 / -58, 2^n normal

template <class T>
struct batch_math<Tanh, T> {
    explicit batch_math(const Tanh&) {}

    // tanh(|x|) = (1 - E) / (1 + E), E = exp(-2|x|) = 2^n (1 + q): the numerator 1 - E =
    // (1 - 2^n) - 2^n q rounds once (1 - 2^n is exact), the quotient by quotient_one_plus (the
    // denominator kept exact, one Newton step): within 2 ULP (1.71 measured over all floats; double
    // on the sampled inputs). x's sign goes back on last: tanh(-x) = -tanh(x), ±0 kept. Beyond
    // tanh_bounded_limit, 1 - 2E rounds once (a vector without such lanes skips it). NaN stays NaN.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        // Float: the single ln2 constant (exact reduction for 2|x| <= 16); double: the compensated
        // one (Cody-Waite's rounding of r left double's maximum at 1.80 ULP on the sweeps).
        constexpr ln2_split split = std::is_same_v<T, float> ? ln2_split::single : ln2_split::compensated;
        const B sign_bit(T(-0.0));
        const B ax = xsimd::abs(x);
        const B two_ax = ax + ax;
        B y = with_exp_neg_parts<split, false>(two_ax, two_ax, [](const B&, const B& s, const B& q) {
            const B num = fused_negated_multiply_add(s, q, B(T(1)) - s);
            return quotient_one_plus<false>(num, s, q);
        });
        const auto tail = ax > B(tanh_bounded_limit<T>);
        if (xsimd::any(tail)) y = detail::select(tail, tail_value(two_ax), y);
        return xsimd::bitwise_xor(y, xsimd::bitwise_and(x, sign_bit));
    }
    // 4 E / (1 + E)^2, E = exp(-2|x|) (exp_bounded), 0 where 2|x| passes the flush limit.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B minus_abs = xsimd::bitwise_or(x, B(T(-0.0)));
        const B a = minus_abs + minus_abs;  // -2|x|
        const B e = exp_bounded(xsimd::max(B(C::exp_floor), a));
        const B d = B(T(1)) + e;
        const B grad = (e * B(T(4))) / (d * d);
        return dy * detail::select(a < B(C::exp_floor), B(T(0)), grad);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        return dy * fused_negated_multiply_add(y, y, xsimd::batch<T, A>(T(1)));  // as the scalar form
    }

private:
    // 1 - 2 E for 2|x| beyond the bounded range: 2 E = 2^(n+1) (1 + q) rounds first (its error is far
    // below 1's ULP), then the difference once. +inf: the clamp gives 1.
    template <class A>
    static xsimd::batch<T, A> tail_value(const xsimd::batch<T, A>& two_ax) {
        using B = xsimd::batch<T, A>;
        const B z = xsimd::min(two_ax, B(tanh_clamp<T>));
        return with_exp_neg_parts<ln2_split::two_part, false>(z, z, [](const B&, const B& s, const B& q) {
            const B s2 = s + s;
            return B(T(1)) - detail::fma(s2, q, s2);
        });
    }
};

template <class T>
struct batch_math<Swish, T> {
    T beta;
    bool unit_beta;  // SiLU's bits; the branch is the same for every batch of a call
    bool zero_beta;  // x / 2
    batch_math<SiLU, T> silu;
    explicit batch_math(const Swish& act)
        : beta(static_cast<T>(act.beta)), unit_beta(beta == T(1)), zero_beta(beta == T(0)), silu(SiLU{}) {}

    // x * sigmoid(p + p_lo), p = beta x rounded, p_lo its exact error (a fused multiply-add; without
    // one, Dekker's product): times_sigmoid (vector_sigmoid.hpp) with SiLU's one division
    // x / (2^n q + (1 + 2^n)) and the compensated reduction (p_lo joins the reduced argument's low
    // part: the plain Cody-Waite reduction left too little margin under the 2-ULP bound, and the
    // corrected quotient cost speed for no accuracy the bound needs); tails beyond
    // |p| > 16 (float) / 36 (double). An infinite p (x = ±inf, or beta x overflowing) has
    // p_lo = NaN, which only the tails see, and they ignore it there.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        if (unit_beta) return silu.forward(x);
        if (zero_beta) return x * B(T(0.5));
        const B b(beta);
        const B p = b * x;
        const B p_lo = exact_residual(b, x, p);  // beta x - p, exact
        return times_sigmoid<true, false, ln2_split::compensated>(x, p, p_lo);
    }
    // SiLU's gradient at z = beta x (z rounded: at most 0.11 eps, far inside the bound), times dy.
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        if (unit_beta) return silu.backward(x, dy);
        if (zero_beta) return dy * B(T(0.5));
        return silu.backward(B(beta) * x, dy);
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_SIGMOID_VECTOR
