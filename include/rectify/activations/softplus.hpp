// rectify/activations/softplus.hpp — Softplus (log(1 + exp(beta x)) / beta, PyTorch's threshold
// branch included) and Mish (x tanh(softplus(x))): definitions, PyTorch 1.13's semantics, accuracy
// and the reasons for each formula.
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout).
#if !defined(RECTIFY_ACTIVATIONS_SOFTPLUS_HPP)
#define RECTIFY_ACTIVATIONS_SOFTPLUS_HPP

#include "../scalar_math.hpp"
#include "parameters.hpp"

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

RECTIFY_HOST_DEVICE inline double softplus_log1p(double x) {
#if defined(__CUDA_ARCH__)
    return ::log1p(x);
#else
    return std::log1p(x);
#endif
}

// 64 ln2 = hi + lo, hi a multiple of 2^-43: z + hi is exact for z < -512 (both are multiples of
// z's ULP there), lo < 2^-43, so exp(z) = exp(z + hi) (1 + lo) 2^-64 keeps exp's argument and result
// normal far left, where exp(z) itself would turn denormal before the rest of the formula.
inline constexpr double softplus_shift_hi = 0x1.62e42fefa39ep+5;
inline constexpr double softplus_shift_lo = 0x1.e6af278ece601p-44;  // 64 ln2 - hi, rounded

// log(1 + exp(z)) / beta with z = beta * x taken exactly: z = z_hi + z_lo, z_lo = fma(x, beta, -z_hi)
// (0 for float x and beta, whose product double holds exactly). Written as
//   z > 0:  x + log1p(exp(-z)) / beta,    z <= 0:  log1p(exp(z)) / beta,
// so that exp never overflows and nothing cancels; exp(-|z|) = exp(-|z_hi|) (1 - sign(z) z_lo).
// Far left (z < -700) log1p(u) = u, and exp(z) / beta = exp(z + 64 ln2) / beta 2^-64, the last
// product exact or rounding once into the denormals. Double arithmetic: for float the result is
// rounded once more (the host's float math); for double it is the device's double math: 1.45 ULP
// for beta = 1 and 2, 2.14 for beta = 1.702, measured with the host C library's exp and log1p in
// their place on 4 * 10^5 inputs (CUDA's are within 1-2 ULP as well). NaN propagates; z = -inf
// gives +0, z = +inf gives x.
RECTIFY_HOST_DEVICE inline double softplus_double(double x, double beta) {
    const double z = x * beta;
    const double z_lo = z > -1e4 && z < 1e4 ? fma(x, beta, -z) : 0.0;  // beyond, exp(-|z|) = 0 and z_lo could be huge
    const double a = z > 0 ? -z : z;           // -|z_hi|; NaN stays NaN
    const double c = z > 0 ? -z_lo : z_lo;     // -|z| = a + c
    if (a < -700.0) {
        if (z > 0) return x;  // log1p(exp(-z)) / beta < 2^-1000 / beta, far under x's ULP (x = z / beta)
        double u = exp(a + softplus_shift_hi);  // -inf: 0
        u = fma(u, c + softplus_shift_lo, u);
        return (u / beta) * 0x1p-64;
    }
    double u = exp(a);
    u = fma(u, c, u);
    const double l = softplus_log1p(u) / beta;
    return z > 0 ? x + l : l;
}

// sigmoid(z) for the gradient: 1 above limit, 0 below -limit (gradient_flush_limit<T>, as SiLU's
// gradient flushes), NaN propagates. e = exp(-|z|): z >= 0: 1 / (1 + e), z < 0: e / (1 + e).
RECTIFY_HOST_DEVICE inline double softplus_sigmoid(double z, double limit) {
    if (z > limit) return 1.0;
    if (z < -limit) return 0.0;
    const double e = exp(z < 0 ? z : -z);
    return (z < 0 ? e : 1.0) / (1.0 + e);
}

// mish(x) = x tanh(log1p(exp(x))) = x n / (n + 2), n = e (e + 2), e = exp(x): one exp, no log and
// no cancellation (tanh(log(1 + e)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1)). Right of 20 (40 for
// double) the result is x: it rounds to x from about 9.0 (float) / 19.1 (double), and n would
// overflow from 44 / 354. Far left (x < -700) exp(x) turns denormal: there mish(x) = x exp(x) to
// within exp(x) relatively, computed as x exp(x + 64 ln2) 2^-64 (softplus_shift_hi above), the
// last product exact or rounding once into the denormals. Below -760 (-inf too) the result is -0.
RECTIFY_HOST_DEVICE inline double mish_double(double x, double right) {
    if (x > right) return x;  // +inf too
    if (x < -760.0) return -0.0;
    if (x < -700.0) {
        double u = exp(x + softplus_shift_hi);
        u = fma(u, softplus_shift_lo, u);
        return (x * u) * 0x1p-64;
    }
    // batch_math<Mish, double>'s forward: x n / (n + 2) rounded once through the exact residual of
    // the division and the exact rounding error of n + 2 (the device's double: 2.17 ULP measured
    // with the host C library's exp in CUDA's place; for the host's float far below a float ULP).
    const double e = exp(x);  // NaN propagates
    const double n = fma(e, e, 2.0 * e);
    const double d = n + 2.0;
    const double r = n / d;
    const double d_err = n < 0x1p53 ? n - (d - 2.0) : 0.0;
    const double c = fma(-r, d_err, fma(-r, d, n));
    if (x == 0.0) return x;  // ±0
    return fma(x, r, (x * c) * fma(r, -0.5, 0.5));
}

// d/dx mish = tanh(sp) + x sech^2(sp) sigmoid(x), sp = softplus(x). With e, n, d = n + 2 as above,
// tanh(sp) = n / d, sech^2(sp) = 4 (1 + e)^2 / d^2 and sigmoid(x) = e / (1 + e), so
//   mish'(x) = (n d + 4 x e (1 + e)) / d^2,
// one division, no overflow while x <= right (d^2 ~ exp(4x)), and no cancellation but the one at
// the gradient's own zero (x = -1.19), where the bound is relative to |dy|. 1 above right (the
// exact value is 1 - O(x exp(-2x)), below eps there), 0 below -limit (exp(x) counted as 0, as
// gradient_flush_limit describes), NaN propagates.
RECTIFY_HOST_DEVICE inline double mish_grad_double(double x, double limit, double right) {
    if (x > right) return 1.0;
    if (x < -limit) return 0.0;
    const double e = exp(x);
    const double n = fma(e, e, 2.0 * e);
    const double d = n + 2.0;
    return fma(n, d, 4.0 * x * fma(e, e, e)) / (d * d);
}

// ---- float evaluated in float (the device's float math; scalar_math.hpp's float_ops) -------------
//
// The vector kernels' schemes in scalar float, every operation rounded to nearest explicitly so that
// the host computes the device's bits (tests/cuda builds them with -ffp-contract=off).

// log1p(f) for f in [-1/2, 1]: detail/vector_log1p.hpp's log1p_bounded (its coefficients; the two
// copies must stay equal).
RECTIFY_HOST_DEVICE inline float log1p_bounded_float(float f) {
    using namespace float_ops;
    const float s = div(f, add(2.0f, f));
    const float z = mul(s, s);
    float p = 0x1.dc6ed6p-3f;
    p = fma(p, z, 0x1.bc63e2p-3f);
    p = fma(p, z, 0x1.24ca6cp-2f);
    p = fma(p, z, 0x1.9998cep-2f);
    p = fma(p, z, 0x1.555556p-1f);
    return fma(-s, fma(-z, p, f), f);
}

// exp(w) (1 + c) = 2^n (1 + q) for w >= -130 (n rounds w log2e) and a tiny c: reduce_exp_float's
// expm1(r) with c folded in, q = q_r + c (1 + q_r).
struct softplus_reduced_float {
    float n;
    float q;
};
RECTIFY_HOST_DEVICE inline softplus_reduced_float reduce_exp_with_low_float(float w, float c) {
    using namespace float_ops;
    const reduced_float red = reduce_exp_float(w);
    return {red.n, add(red.expm1_r, fma(c, red.expm1_r, c))};
}

// The exponent kb of beta = mb 2^kb (mb in [1, 2)), for a positive normal float beta.
RECTIFY_HOST_DEVICE inline int softplus_exponent_float(float beta) {
#if defined(__CUDA_ARCH__)
    const std::uint32_t bits = static_cast<std::uint32_t>(__float_as_int(beta));
#else
    std::uint32_t bits;
    std::memcpy(&bits, &beta, sizeof bits);
#endif
    return static_cast<int>((bits >> 23) & 0xffu) - 127;
}

// Softplus in float (the threshold branch is the caller's): batch_math<Softplus, float>'s scheme.
// The low part e of beta x is folded into the exponential; far left (p < -80 + ln2 min(max(kb, 0),
// 57)) exp(z) / beta = 2^(n - kb) (1 + q) / mb with 2^(n - kb) applied last, in two steps.
RECTIFY_HOST_DEVICE inline float softplus_float(float x, float b) {
    using namespace float_ops;
    const float p = mul(x, b);
    if (p != p) return p;
    const float e = p > -1e30f && p < 1e30f ? fma(x, b, -p) : 0.0f;
    const int kb = softplus_exponent_float(b);
    const float kb_clamped = static_cast<float>(kb < 0 ? 0 : kb > 57 ? 57 : kb);
    if (p < fma(kb_clamped, 0x1.62e430p-1f, -80.0f)) {
        const float left_floor = fma(static_cast<float>(kb), 0x1.62e430p-1f, -115.0f);
        const bool clamped = p < left_floor;
        const softplus_reduced_float red = reduce_exp_with_low_float(clamped ? left_floor : p, clamped ? 0.0f : e);
        const float n_total = sub(red.n, static_cast<float>(kb));
        const float n_high = n_total < -100.0f ? -100.0f : n_total;
        const float s_high = pow2(n_high);
        const float mb = mul(b, pow2(static_cast<float>(-kb)));
        return mul(div(fma(s_high, red.q, s_high), mb), pow2(sub(n_total, n_high)));
    }
    float w = p > 0.0f ? -p : p;
    float c = p > 0.0f ? -e : e;
    if (w < -87.0f) {
        w = -87.0f;
        c = 0.0f;
    }
    const softplus_reduced_float red = reduce_exp_with_low_float(w, c);
    const float s = pow2(red.n);
    const float l = div(log1p_bounded_float(fma(s, red.q, s)), b);
    return p > 0.0f ? add(x, l) : l;
}

// sigmoid(z) in float for the gradient, as softplus_sigmoid.
RECTIFY_HOST_DEVICE inline float softplus_sigmoid_float(float z, float limit) {
    using namespace float_ops;
    if (z > limit) return 1.0f;
    if (z < -limit) return 0.0f;
    const float e = exp_nonpositive_float(z < 0.0f ? z : -z);  // NaN propagates
    return div(z < 0.0f ? e : 1.0f, add(1.0f, e));
}

// mish_double's scheme in float: exp by reduce_exp_float, the far left (x < -80) as x e^x with 2^n
// applied last in two steps.
RECTIFY_HOST_DEVICE inline float mish_float(float x, float right) {
    using namespace float_ops;
    if (x != x) return x;
    if (x > right) return x;
    if (x < -110.0f) return -0.0f;
    const reduced_float red = reduce_exp_float(x);
    if (x < -80.0f) {
        const float k_high = red.n < -100.0f ? -100.0f : red.n;
        return mul(mul(fma(x, red.expm1_r, x), pow2(k_high)), pow2(sub(red.n, k_high)));
    }
    // batch_math<Mish, float>'s forward: n = 2^(k+1) (1 + q'), and x n / (n + 2) rounded once
    // through the exact residual of the division and the exact rounding error of n + 2.
    const float s = pow2(red.n);
    const float e = fma(s, red.expm1_r, s);
    const float q2 = fma(e, fma(red.expm1_r, 0.5f, 0.5f), red.expm1_r);
    const float s2 = add(s, s);
    const float n = fma(s2, q2, s2);
    const float d = add(n, 2.0f);
    const float r = div(n, d);
    const float d_err = n < 0x1p24f ? sub(n, sub(d, 2.0f)) : 0.0f;
    const float c = fma(-r, d_err, fma(-r, d, n));
    if (x == 0.0f) return x;  // ±0 (the correction could turn -0 into +0)
    return fma(x, r, mul(mul(x, c), fma(r, -0.5f, 0.5f)));
}

RECTIFY_HOST_DEVICE inline float mish_grad_float(float x, float limit, float right) {
    using namespace float_ops;
    if (x != x) return x;
    if (x > right) return 1.0f;
    if (x < -limit) return 0.0f;
    const reduced_float red = reduce_exp_float(x);
    const float s = pow2(red.n);
    const float e = fma(s, red.expm1_r, s);
    const float n = fma(e, e, add(e, e));
    const float d = add(n, 2.0f);
    return div(fma(n, d, mul(mul(x, 4.0f), fma(e, e, e))), mul(d, d));
}

#if !defined(__CUDA_ARCH__)
// Double on the host, in long double where it is wider (x86-64: 64-bit significand): the value of
// softplus_double above, with every step 2^11 times more accurate, rounded once to double.
inline constexpr bool softplus_long_double_is_wider =
    std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits &&
    std::numeric_limits<long double>::max_exponent > std::numeric_limits<double>::max_exponent;

inline double softplus_long_double(double x, double beta) {
    const double z = x * beta;
    const double z_lo = z > -1e4 && z < 1e4 ? std::fma(x, beta, -z) : 0.0;
    const long double a = z > 0 ? -static_cast<long double>(z) : static_cast<long double>(z);
    const long double u = std::exp(a) * (1.0L + static_cast<long double>(z > 0 ? -z_lo : z_lo));  // no denormal before -11355
    const long double l = std::log1p(u) / static_cast<long double>(beta);
    return static_cast<double>(z > 0 ? static_cast<long double>(x) + l : l);
}
inline double mish_long_double(double x) {
    if (x > 40.0) return x;
    if (x < -800.0) return -0.0;
    const long double xl = static_cast<long double>(x);
    const long double e = std::exp(xl);
    const long double n = e * (e + 2.0L);
    return static_cast<double>(xl * (n / (n + 2.0L)));
}
#endif

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// Softplus: y = x * beta > threshold ? x : log1p(exp(beta x)) / beta (PyTorch 1.13, the branch
// decided in T: x * beta rounded to T, compared with threshold converted to T), beta and threshold
// converted to T once. dx = x * beta > threshold ? dy : dy * sigmoid(beta x).
//
// Where PyTorch's branch is not taken rectify returns the value of log(1 + exp(beta x)) / beta with
// beta x taken exactly (not rounded to T before the exponential: for beta not a power of two that
// rounding alone costs |beta x| 2^-24 relative), for every x: softplus(-inf) = +0, softplus(+inf)
// = +inf, NaN in, NaN out, and far left the tiny exp(beta x) / beta, denormals included.
// Deviations from PyTorch (its float formula log1p(exp(x*beta))/beta):
//   - x * beta > 88.72 under a threshold above that (float; 709.78 for double): PyTorch's exp
//     overflows, softplus = inf and the gradient NaN (inf/inf); rectify: about x, and dy;
//   - far left (beta x < -87.3 for float): PyTorch divides an exp(x*beta) already rounded into the
//     denormals by beta (a second rounding for beta != 1); rectify rounds exp(beta x)/beta once;
//   - beta not a power of two: PyTorch rounds x*beta before exp, |x beta| 2^-24 relative (64 ULP
//     measured for beta = 1.702 at x = -50, 10 ULP around |beta x| = 20); rectify keeps it exact;
//   - beta <= 0, NaN or inf: PyTorch computes (beta = 0 gives inf, beta < 0 a reflected curve);
//     rectify refuses (validate). A NaN threshold is accepted, as PyTorch does: the comparison is
//     then never true and every x takes the formula, whose value rectify computes everywhere.
// (PyTorch's float softplus is otherwise accurate: 1.5 ULP measured for beta = 1, 2, 0.5.)
// Accuracy (forward in ULP of the correctly rounded value; backward |dx - exact| <= 4 eps
// max(|exact|, |dy|), the gradient counted as 0 below x * beta = -gradient_flush_limit<T> and 1
// above +gradient_flush_limit<T>): forward within 2 ULP for beta a power of two, 3 for any other
// (v = log1p(...) rounds before the division by beta, and v / beta can lie higher in its binade
// than v: v's relative error then counts up to twice in ULP); backward within 4 eps. Measured (the
// array kernels; float over all 2^32 inputs on AVX-512, every 17th on AVX2 and SSE2; double on 12.7
// million sweep points with a quad-precision reference):
//   forward, beta = 1, 2, 0.5:  float 1.82 ULP (AVX2 1.77, SSE2 1.78), double 1.84;
//   forward, beta = 1.702:      float 2.19 (AVX-512, all 2^32; AVX2 2.19, SSE2 2.36), double 2.09;
//   forward, beta = 0.3:        float 2.66 (AVX-512, all 2^32), up to 2.57 for beta in {0.1, 0.7, 3,
//                               10} on every 37th (AVX2, SSE2), double 2.13;
//   backward 0.75 eps, backward_from_output 0.66 eps (float, beta = 1, 2, 0.5; 0.82 / 0.81 for
//   beta = 1.702 and 0.3), 0.75 / 0.59 (double).
// The device's float (scalar_math::softplus_float, proven on the host): 1.79 ULP, 0.75 / 0.66 eps.
// backward_from_output: dy * (1 - exp(-beta y)) = dy * -expm1(-beta y), see there.
struct Softplus {
    double beta = 1.0;
    double threshold = 20.0;

    static constexpr const char* name = "Softplus";
    // Eigen's cost (eigen.hpp: fma counted twice): float, beta a power of two; 56 for any other beta.
    static constexpr int operations = 44;  // exp, log1p (a division), max(x, 0), the threshold and tail tests
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return power_of_two_beta() ? 2.0 : 3.0; }
    // No gain(): torch.nn.init.calculate_gain has none for softplus.

    void validate(const char* function) const {
        if (!(beta > 0.0) || beta > 1.7976931348623157e308)
            detail::bad_parameter(function, "Softplus beta", beta, "it must be > 0 and finite");
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Softplus needs a floating-point type");
        const T b = static_cast<T>(beta);
        if (x * b > static_cast<T>(threshold)) return x;  // PyTorch's branch, in T
        if constexpr (scalar_math::evaluated_in_float<T>()) {
            return scalar_math::softplus_float(x, b);
        } else if constexpr (sizeof(T) == sizeof(float)) {
            return static_cast<T>(scalar_math::softplus_double(static_cast<double>(x), static_cast<double>(b)));
        } else {
#if !defined(__CUDA_ARCH__)
            if constexpr (scalar_math::softplus_long_double_is_wider)
                return static_cast<T>(scalar_math::softplus_long_double(x, b));
#endif
            return static_cast<T>(scalar_math::softplus_double(x, b));
        }
    }

    // dy * sigmoid(p), p = x * beta rounded to T (the branch's product): using p for beta x costs at
    // most max|s'(z) z| 2^-24 = 0.11 eps (float), far inside the bound.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Softplus needs a floating-point type");
        const T p = x * static_cast<T>(beta);
        if (p > static_cast<T>(threshold)) return dy;
        constexpr double limit = scalar_math::gradient_flush_limit<T>;
        if constexpr (scalar_math::evaluated_in_float<T>())
            return scalar_math::float_ops::mul(dy, scalar_math::softplus_sigmoid_float(p, static_cast<float>(limit)));
        else return static_cast<T>(static_cast<double>(dy) * scalar_math::softplus_sigmoid(static_cast<double>(p), limit));
    }

    // From the saved output y = softplus(x): Softplus is increasing, and exp(beta y) = 1 + exp(beta x)
    // gives sigmoid(beta x) = 1 - exp(-beta y) = -expm1(-beta y) (no cancellation: expm1). PyTorch's
    // branch is taken on y: y * beta > threshold ? dy : ... Where x * beta > threshold, y = x and the
    // branches agree; the formula's y is above x, so for x * beta in (threshold - log1p(exp(-threshold)),
    // threshold] (a band of width 2.1e-9 / beta at the default 20) y * beta can pass the threshold
    // while x * beta did not: there y does not tell the two branches apart (softplus jumps by that
    // width at the threshold, so y values of both sides overlap) and dx = dy where the gradient
    // from x is dy * sigmoid(threshold): off by at most exp(-threshold) |dy| (2.1e-9 |dy| at 20:
    // below float's eps, beyond double's). Elsewhere within 3 eps max(|exact|, |dy|): y's own forward
    // error (2 ULP) moves exp(-beta y) by at most max(w e^-w) 2 eps = 0.74 eps, the product beta y
    // 0.2 eps, expm1 1 ULP, the multiply half an ULP. y = +0 (x = -inf) gives dy * +0, y = +inf
    // gives dy, NaN gives NaN. y < 0 is no output of Softplus: it counts as y = 0 (dx = dy * +0) on
    // every path.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Softplus needs a floating-point type");
        const T b = static_cast<T>(beta);
        const T yb = y * b;
        if (yb > static_cast<T>(threshold)) return dy;
        // -beta y > 0 (y < 0) counts as 0; NaN propagates. 0 - expm1(-0) = +0.
        if constexpr (scalar_math::evaluated_in_float<T>()) {
            using namespace scalar_math::float_ops;
            const float z = -yb > 0.0f ? 0.0f : -yb;
            return mul(dy, sub(0.0f, scalar_math::expm1_nonpositive_float(z)));
        } else {
            const double z = -static_cast<double>(y) * static_cast<double>(b);
            return static_cast<T>(static_cast<double>(dy) * (0.0 - scalar_math::expm1(z > 0.0 ? 0.0 : z)));
        }
    }

    // Whether beta converts exactly to a power of two (then beta x and x / beta are exact).
    RECTIFY_HOST_DEVICE constexpr bool power_of_two_beta() const {
        if (!(beta > 0.0) || beta > 1e300) return false;
        double m = beta;
        while (m >= 2.0) m *= 0.5;
        while (m < 1.0) m *= 2.0;
        return m == 1.0;
    }
};

// Mish: y = x tanh(softplus(x)) = x n / (n + 2), n = e^x (e^x + 2), PyTorch 1.13's definition
// (x * tanh(log1p(exp(x)))); dx = dy (tanh(sp) + x sech^2(sp) sigmoid(x)). No parameters, every x
// valid. Deviations from PyTorch, where it loses the value at a limit: mish(-inf) = -0 (PyTorch
// NaN: -inf * 0), mish'(+inf) = 1 and mish'(-inf) = 0 (PyTorch NaN), the far-left tail returns the
// tiny x e^x (PyTorch's float rounds softplus(x) = e^x into the denormals before the product below
// about -87, 154 ULP off measured at -102.9, and gives -0 from about -104, where the true value
// stays nonzero down to -108.6).
// mish(±0) = ±0 and mish'(0) = 0.6 as PyTorch. No backward_from_output: Mish is not monotonic (its
// minimum -0.3088 at x = -1.1924), so y does not determine x. No gain() (calculate_gain has none).
// Accuracy: forward within 3 ULP; backward |dx - exact| <= 4 eps max(|exact|, |dy|), the gradient
// counted as 0 below -gradient_flush_limit<T> and as 1 above 20 (float) / 40 (double). Measured
// (float over all 2^32 inputs on AVX-512, every 17th on AVX2 and SSE2; double on 12.7 million sweep
// points): forward float 2.02 ULP (AVX2 1.90, SSE2 2.26), double 1.94; backward 2.05 eps (float),
// 1.93 eps (double). The device's float (scalar_math::mish_float / mish_grad_float, proven on the
// host over all 2^32): 1.85 ULP and 2.05 eps.
struct Mish {
    static constexpr const char* name = "Mish";
    static constexpr int operations = 52;  // exp, the fused n, x n / (n + 2) rounded once (vrcp14), selects
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 3.0; }

    // Where the gradient is 1 (and the forward is x): 20 for float, 40 for double.
    template <class T>
    static constexpr double right_limit = sizeof(T) == sizeof(float) ? 20.0 : 40.0;

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Mish needs a floating-point type");
        if constexpr (scalar_math::evaluated_in_float<T>()) {
            return scalar_math::mish_float(x, static_cast<float>(right_limit<T>));
        } else if constexpr (sizeof(T) == sizeof(float)) {
            return static_cast<T>(scalar_math::mish_double(static_cast<double>(x), right_limit<T>));
        } else {
#if !defined(__CUDA_ARCH__)
            if constexpr (scalar_math::softplus_long_double_is_wider)
                return static_cast<T>(scalar_math::mish_long_double(x));
#endif
            return static_cast<T>(scalar_math::mish_double(x, right_limit<T>));
        }
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Mish needs a floating-point type");
        constexpr double limit = scalar_math::gradient_flush_limit<T>;
        if constexpr (scalar_math::evaluated_in_float<T>())
            return scalar_math::float_ops::mul(dy, scalar_math::mish_grad_float(x, static_cast<float>(limit),
                                                                                static_cast<float>(right_limit<T>)));
        else return static_cast<T>(static_cast<double>(dy) * scalar_math::mish_grad_double(static_cast<double>(x), limit, right_limit<T>));
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_SOFTPLUS_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_SOFTPLUS_VECTOR)
#define RECTIFY_ACTIVATIONS_SOFTPLUS_VECTOR

#include "../detail/vector_log1p.hpp"    // log1p_bounded
#include "../detail/vector_sigmoid.hpp"  // reciprocal_estimate, exact_residual, fused_multiply_subtract

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// The low part of x * b beyond its rounding p: exactly x * b - p (for finite products away from
// the underflow), by one fused multiply-add, or without one by Dekker's product (Veltkamp's
// splits of x and b into halves whose products are exact).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> product_low_part(const xsimd::batch<T, A>& x, T b,
                                                                 const xsimd::batch<T, A>& p) {
    using B = xsimd::batch<T, A>;
    if constexpr (fused_multiply_add) {
        return detail::fma(x, B(b), -p);
    } else {
        constexpr T splitter = sizeof(T) == 4 ? T(4097) : T(134217729);  // 2^12 + 1, 2^27 + 1
        const T bc = splitter * b;
        const T b_hi = bc - (bc - b);
        const T b_lo = b - b_hi;
        const B xc = x * B(splitter);
        const B x_hi = xc - (xc - x);
        const B x_lo = x - x_hi;
        return ((x_hi * B(b_hi) - p) + x_hi * B(b_lo) + x_lo * B(b_hi)) + x_lo * B(b_lo);
    }
}

template <class T>
struct softplus_constants;
template <>
struct softplus_constants<float> {
    // The main formula's exp(-|beta x|) is clamped at exp(-87) (2^n normal). Lanes with
    // beta x < tail_base + ln2 min(max(kb, 0), tail_cap_exponent) (beta = mb 2^kb) take the far-left
    // formula instead: there exp(beta x) <= e^-40 (log1p(u) = u to 2^-57) and, right of it,
    // exp(beta x) / beta >= e^-80 / 2 is normal (for beta >= 2^58 the main formula's last rounding can
    // be a second one, into the denormals). Far left, beta x is clamped at kb ln2 + left_margin,
    // where exp(beta x) / beta <= e^-115 rounds to +0, keeping 2^(n - kb) within the two-step scaling.
    static constexpr double tail_base = -80.0;
    static constexpr int tail_cap_exponent = 57;
    static constexpr double left_margin = -115.0;
    // |x * beta - p| <= half an ULP of |p| <= 130: clamping the low part there keeps it finite
    // where p overflows (its lanes never use it).
    static constexpr float low_limit = 0x1p-15f;
};
template <>
struct softplus_constants<double> {
    static constexpr double tail_base = -700.0;
    static constexpr int tail_cap_exponent = 432;
    static constexpr double left_margin = -770.0;
    static constexpr double low_limit = 0x1p-40;
};

// Softplus. y = max(x, 0) + log1p(exp(-|z|)) / beta with z = beta x as p + e (p = x * beta rounded,
// e its exact low part; e = 0 for beta a power of two): exp(-|z|) = 2^n (1 + q) by the two-part
// reduction -|p| = n ln2 + r with e folded into r's low part; u = 2^n q + 2^n in (0, 1] rounds once
// and log1p(u) is detail/vector_log1p.hpp's log1p_bounded (no range reduction, nothing cancels:
// every term is positive). The division by beta is exact for a power of two; otherwise v / beta =
// v inv + v inv_lo with 1 / beta = inv + inv_lo to 2^-48 (float). The largest errors (1.82 ULP over
// all floats, beta = 1) sit where u is about 0.6: u's own rounding reaches log1p(u) almost whole.
// Per element (AVX-512 float, beta = 1): 29 operations, one a division; 30 for a power of two, 36
// for any other beta (the low part, its clamp and sign, the split reciprocal).
template <class T>
struct batch_math<Softplus, T> {
    enum class kind { unit, power_of_two, general };
    T beta;
    T inv_beta;
    T inv_beta_lo;  // 1 / beta - inv_beta
    T threshold;
    T tail_start;     // lanes with x * beta below it take forward_left
    T left_floor;     // x * beta clamped there in forward_left (the result is +0 below)
    T beta_exponent;  // beta = beta_mantissa * 2^beta_exponent, beta_mantissa in [1, 2)
    T beta_mantissa;
    kind k;

    explicit batch_math(const Softplus& act)
        : beta(static_cast<T>(act.beta)), inv_beta(T(1) / beta), threshold(static_cast<T>(act.threshold)) {
        using K = softplus_constants<T>;
        // beta * inv_beta - 1 is exact in a fused multiply-add (and for float in double).
        inv_beta_lo = static_cast<T>(static_cast<long double>(std::fma(-beta, inv_beta, T(1))) / static_cast<long double>(beta));
        const int kb = std::ilogb(beta);
        beta_exponent = static_cast<T>(kb);
        beta_mantissa = std::scalbn(beta, -kb);
        const double ln2 = 0.693147180559945309;
        tail_start = static_cast<T>(K::tail_base + ln2 * std::fmin(std::fmax(kb, 0), K::tail_cap_exponent));
        left_floor = static_cast<T>(ln2 * kb + K::left_margin);
        k = beta == T(1) ? kind::unit : beta_mantissa == T(1) ? kind::power_of_two : kind::general;
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        if (k == kind::unit) return forward_as<kind::unit>(x);
        if (k == kind::power_of_two) return forward_as<kind::power_of_two>(x);
        return forward_as<kind::general>(x);
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // dy * sigmoid(p), p = x * beta, as the scalar math: clamped at the flush limit (where the
        // formula gives 1 exactly on the right), 0 below it. e = exp(-|p|), -|p| as min(-p, p)
        // (SiLU's backward explains why not an or of the sign bit).
        const B p = x * B(beta);
        const B limit(-C::exp_floor);
        const B pc = xsimd::min(limit, xsimd::max(-limit, p));
        const B e = exp_bounded(xsimd::min(-pc, pc));
        const B s = detail::select(pc < B(T(0)), e, B(T(1))) / (B(T(1)) + e);
        const B dx = dy * detail::select(p < -limit, B(T(0)), s);
        return detail::select(p > B(threshold), dy, dx);
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        // dy * (0 - expm1(-beta y)) (Softplus::backward_from_output): -beta y clamped to [floor, 0]
        // with NaN kept (x86 operand order); expm1 rounds to -1 below the floor. 0 - e turns the
        // zero of y = 0 into +0 on every path.
        constexpr T floor = sizeof(T) == 4 ? T(-18) : T(-38);
        const B yb = y * B(beta);
        const B z = xsimd::min(B(T(0)), xsimd::max(B(floor), -yb));
        const B g = B(T(0)) - expm1_bounded(z);
        return detail::select(yb > B(threshold), dy, dy * g);
    }

private:
    template <kind K, class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward_as(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        using U = xsimd::batch<typename C::bits_type, A>;
        const B sign_bit(T(-0.0));
        const B p = K == kind::unit ? x : x * B(beta);
        // -|z| = -|p| + c: c = -e for p >= 0, e for p < 0 (-e with its sign bit flipped where p's is set).
        B c(T(0));
        if constexpr (K == kind::general) {
            const B lim(softplus_constants<T>::low_limit);
            B minus_e;  // p - x * beta, exact
            if constexpr (fused_multiply_add) minus_e = fused_negated_multiply_add(x, B(beta), p);
            else minus_e = -product_low_part(x, beta, p);
            c = xsimd::bitwise_xor(xsimd::min(xsimd::max(minus_e, -lim), lim), xsimd::bitwise_and(p, sign_bit));
        }
        // exp(w + c), w = -|p| clamped at exp_floor (NaN kept): 2^n (1 + q), r = w - n ln2 + c in
        // two parts (w - n ln2_hi is exact).
        const B w = xsimd::max(B(C::exp_floor), xsimd::bitwise_or(p, sign_bit));
        const B magic(C::biased_round_magic);
        const B t = detail::fma(w, B(C::log2e), magic);
        const B n = t - magic;
        const B scale = xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(t) << C::mantissa_bits);
        const B r_hi = detail::fma(n, B(-C::ln2_hi), w);
        const B r = K == kind::general ? r_hi + detail::fma(n, B(-C::ln2_lo), c) : detail::fma(n, B(-C::ln2_lo), r_hi);
        const B q = detail::fma(r * r, expm1_polynomial(r), r);
        // v = log1p(u), u = 2^n (1 + q) in (0, 1]: no reduction, no cancellation.
        const B v = log1p_bounded(detail::fma(scale, q, scale));
        // max(x, 0): x for x > 0, +0 for x <= 0 (and for NaN, whose v is NaN).
        const B positive = xsimd::max(x, B(T(0)));
        B y;
        if constexpr (K == kind::unit) {
            y = positive + v;
        } else if constexpr (K == kind::power_of_two) {
            y = detail::fma(v, B(inv_beta), positive);
        } else if constexpr (fused_multiply_add) {
            // v / beta = v inv + v inv_lo, 1 / beta = inv + inv_lo to 2^-48 (float): for x <= 0 one
            // rounding; for x > 0 the small v inv_lo joins x first.
            y = detail::fma(v, B(inv_beta), detail::fma(v, B(inv_beta_lo), positive));
        } else {
            y = positive + v / B(beta);  // the residual needs an exact product: a division
        }
        const auto left = p < B(tail_start);
        if (xsimd::any(left)) y = detail::select(left, forward_left<K>(x, p), y);
        return detail::select(p > B(threshold), x, y);  // PyTorch's branch, in T
    }

    // beta x < tail_start: log1p(exp(z)) / beta = exp(z) / beta to within exp(z) / 2 <= e^-80
    // relatively. With beta = mb 2^kb (mb in [1, 2)) and exp(z) = 2^n (1 + q): 2^(n - kb) (1 + q) / mb,
    // the division only for beta not a power of two, and 2^(n - kb) on in two steps, the first
    // keeping the product normal (exact), the second rounding once into the denormals. z = p + e
    // exactly, the reduction carries r's own rounding (compensated, as SiLU's far left does).
    template <kind K, class A>
    xsimd::batch<T, A> forward_left(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& p) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B pc = xsimd::max(B(left_floor), p);
        B c(T(0));
        if constexpr (K == kind::general) {
            const B lim(softplus_constants<T>::low_limit);
            c = xsimd::min(xsimd::max(product_low_part(x, beta, p), -lim), lim);
        } else {
            (void)x;
        }
        const B magic(C::biased_round_magic);
        const B n = detail::fma(pc, B(C::log2e), magic) - magic;
        const B r_hi = detail::fma(n, B(-C::ln2_hi), pc);
        const B r_lo = detail::fma(n, B(-C::ln2_lo), c);
        const B r = r_hi + r_lo;
        const B r_err = (r_hi - r) + r_lo;
        const B q = r + detail::fma(r * r, expm1_polynomial(r), detail::fma(r_err, r, r_err));
        const B n_total = n - B(beta_exponent);
        const B n_high = xsimd::max(n_total, B(C::scale_split));
        const B s_high = pow2(n_high);
        B m = detail::fma(s_high, q, s_high);
        if constexpr (K == kind::general) m = m / B(beta_mantissa);
        return m * pow2(n_total - n_high);
    }
};

// Mish. y = x n / (n + 2), n = e (e + 2) = 2^(k+1) (1 + q') from exp(min(x, 20)) = 2^k (1 + q)
// (float; 40 for double): right of that y = x exactly (+inf too). The quotient is rounded once
// (forward below): plain x * (n / (n + 2)) rounds five times and measured 3.9 ULP; each correction
// was needed to stay inside 3 (without d_err 2.7 ULP on a sample). Far left (x < -80 / -700) e
// turns denormal: those lanes take x e^x with 2^n applied last (SiLU's far-left scheme), -0 below
// -110 / -760 (and at -inf). NaN propagates (min/max keep it: x86 operand order). Per element
// (AVX-512 float): 33 operations, no division (vrcp14); the gradient 24, one a division.
template <class T>
inline constexpr T mish_left = sizeof(T) == 4 ? T(-80) : T(-700);
template <class T>
inline constexpr T mish_floor = sizeof(T) == 4 ? T(-110) : T(-760);

template <class T>
struct batch_math<Mish, T> {
    explicit batch_math(const Mish&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        const B right(static_cast<T>(Mish::right_limit<T>));
        const B z = xsimd::min(right, x);  // NaN kept (x86 operand order); x < -80 lanes are replaced below
        // n = e^2 + 2e = 2^(n+1) (1 + q'), q' = q + e (1 + q) / 2: one rounding from 2^n and q
        // (rounding e first and then n would be two, of the same weight).
        const B n = with_exp_parts<ln2_split::two_part>(z, [](const B&, const B& s, const B& q) {
            const B e = detail::fma(s, q, s);
            const B q2 = detail::fma(e, detail::fma(q, B(T(0.5)), B(T(0.5))), q);
            const B s2 = s + s;
            return detail::fma(s2, q2, s2);
        });
        // x n / (n + 2) rounded once: d = n + 2 rounds, but its error d_err is exact (d - 2 and
        // n - (d - 2) are representable while d < 2^(digits + 1); beyond, n / (n + 2) rounds to 1 or
        // 1 - eps/2 either way and the correction is dropped); r ~ n / d from u ~ 1/d
        // (vector_sigmoid.hpp's reciprocal_estimate: vrcp14 on AVX-512 float, else a division);
        // e = r (d + d_err) - n exactly; then x n / (n + 2) = x r - x e / (n + 2), and
        // x r - (x e) u rounds once (u's 2^-14 error touches only the correction: 2^-28).
        const B d = n + B(T(2));
        const B d_err = detail::select(n < B(T(sizeof(T) == 4 ? 0x1p24 : 0x1p53)), n - (d - B(T(2))), B(T(0)));
        const B u = reciprocal_estimate(d);
        const B r = n * u;
        const B e = detail::fma(r, d_err, exact_residual(r, d, n));
        // Right of the clamp (x > 20 / 40, +inf too) the result is x: r is 1 only up to u's error
        // there, so those lanes are selected. mish(x) has x's sign: or-ing x's sign bit in gives
        // mish(-0) = -0 where the correction, a zero of either sign there, could give +0.
        B y = fused_multiply_subtract(x, r, (z * e) * u);
        y = detail::select(x > right, x, xsimd::bitwise_or(y, xsimd::bitwise_and(x, B(T(-0.0)))));
        const auto left = x < B(mish_left<T>);
        if (xsimd::any(left)) y = detail::select(left, forward_left(x), y);
        return y;
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // (n d + 4 x e (1 + e)) / d^2 (Mish: scalar_math::mish_grad_double), x clamped to
        // [-limit, right] where it is 1 exactly on the right; 0 below -limit.
        const B limit(-C::exp_floor);
        const B right(static_cast<T>(Mish::right_limit<T>));
        const B xc = xsimd::min(right, xsimd::max(-limit, x));
        B e;
        if constexpr (has_exp_table<T, A>) e = exp_by_table(xc);
        else e = with_exp_parts<ln2_split::two_part>(xc, [](const B&, const B& s, const B& q) { return detail::fma(s, q, s); });
        const B n = detail::fma(e, e, e + e);
        const B d = n + B(T(2));
        const B grad = detail::fma(n, d, (xc * B(T(4))) * detail::fma(e, e, e)) / (d * d);
        return dy * detail::select(x < -limit, B(T(0)), grad);
    }

private:
    template <class A>
    static xsimd::batch<T, A> forward_left(const xsimd::batch<T, A>& x) {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B xc = xsimd::max(B(mish_floor<T>), x);
        return with_exp_parts<ln2_split::compensated>(xc, [&xc](const B& k, const B&, const B& q) {
            const B k_high = xsimd::max(k, B(C::scale_split));
            return (detail::fma(xc, q, xc) * pow2(k_high)) * pow2(k - k_high);
        });
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_SOFTPLUS_VECTOR
