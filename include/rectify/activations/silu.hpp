// rectify/activations/silu.hpp — SiLU (swish): y = x * sigmoid(x), computed accurately over the
// whole range (docs/SEMANTICS.md, "SiLU"; Swish-beta of activations/sigmoid.hpp gives its bits for
// beta = 1).
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout).
#if !defined(RECTIFY_ACTIVATIONS_SILU_HPP)
#define RECTIFY_ACTIVATIONS_SILU_HPP

#include "../scalar_math.hpp"

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

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

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// SiLU (swish): y = x * sigmoid(x), dx = dy * s * (1 + x * (1 - s)) with s = sigmoid(x). Every x is
// valid: silu(-inf) = -0 (the limit; PyTorch gives NaN), and the tiny float values left of -88.72
// are returned, denormals included (PyTorch flushes them to -0); docs/SEMANTICS.md, "SiLU".
// Accuracy of operator(), backward and the array kernels (docs/ACCURACY.md): forward within 2 ULP;
// backward |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), the gradient counted as 0
// below -gradient_flush_limit<T> and as 1 above +gradient_flush_limit<T>.
struct SiLU {
    static constexpr const char* name = "SiLU";
    static constexpr int operations = 55;  // exp, the fused denominator, a division, the tail test
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 2.0; }  // docs/ACCURACY.md

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        return forward_in<scalar_math::arithmetic_for<T>>(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        return backward_in<scalar_math::arithmetic_for<T>>(x, dy);
    }

    // The formulas, in the arithmetic A (scalar_math::in_double or in_float).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T forward_in(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        using W = typename A::type;
        if constexpr (std::is_same_v<A, scalar_math::in_float>) return static_cast<T>(scalar_math::silu_float(static_cast<W>(x)));
        else return static_cast<T>(scalar_math::silu(static_cast<W>(x)));
    }
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SiLU needs a floating-point type");
        using W = typename A::type;
        // dx(+inf) = dy, dx(-inf) = 0 * dy, dx(NaN) = NaN; the gradient at 0 is 0.5 * dy.
        const W limit = static_cast<W>(scalar_math::gradient_flush_limit<T>);
        if constexpr (std::is_same_v<A, scalar_math::in_float>)
            return static_cast<T>(A::mul(static_cast<W>(dy), scalar_math::silu_grad_float(static_cast<W>(x), limit)));
        else return static_cast<T>(A::mul(static_cast<W>(dy), scalar_math::silu_grad(static_cast<W>(x), limit)));
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_SILU_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_SILU_VECTOR)
#define RECTIFY_ACTIVATIONS_SILU_VECTOR

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// SiLU's range limits. silu_left: the fused denominator 2^n*q + (1 + 2^n) needs 1 + 2^n exact,
// n <= digits: x > -16.29 (float) / -36.39 (double). silu_floor: silu(x) rounds to -0 below about
// -108.6 (float) / -751.8 (double); clamping there keeps n >= -159 in the far-left formula.
template <class T>
inline constexpr T silu_left = sizeof(T) == 4 ? T(-16) : T(-36);
template <class T>
inline constexpr T silu_floor = sizeof(T) == 4 ? T(-110) : T(-760);

template <class T>
struct batch_math<SiLU, T> {
    explicit batch_math(const SiLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // silu(x) = x / (1 + exp(-x)), exp(-x) = 2^n (1 + q). While n < digits (x > silu_left),
        // 1 + 2^n is exact and the denominator 2^n*q + (1 + 2^n) rounds once: one division and
        // within 2 ULP in all (1.74 ULP measured over all 2^32 floats, 1.63 for double on the
        // sampled inputs: docs/ACCURACY.md). Left of that 1 + 2^n would round too; those lanes,
        // rare in practice, take the left formula, and a vector without them skips it. For
        // x > right_limit exp(-x) is clamped at exp(-right_limit), far below the ULP of 1: the
        // result is x (+inf too).
        // NaN: max(-right_limit, NaN) keeps the NaN (x86 operand order) and x / NaN is NaN.
        // Double on AVX-512: the denominator by the table, rounded once as well (vector_math.hpp),
        // with five multiply-adds fewer.
        const B right_limit(-C::exp_floor);
        const B z = xsimd::max(-right_limit, xsimd::bitwise_xor(x, B(T(-0.0))));
        B y;
        if constexpr (std::is_same_v<T, double> && has_one_permute_table<T, A>) {
            y = x / one_plus_exp_by_table(z);
        } else {
            y = with_exp_parts<ln2_split::two_part>(z, [&x](const B&, const B& s, const B& q) {
                return x / detail::fma(s, q, s + B(T(1)));
            });
        }
        const auto left = x < B(silu_left<T>);
        if (xsimd::any(left)) return detail::select(left, forward_left(x), y);
        return y;
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // Beyond the flush limit the gradient is exactly 1 (right) or 0 (left), as in the scalar
        // math (activations.hpp, gradient_flush_limit): x is clamped there, where the formula below
        // gives exactly 1 on the right, and the left is set to 0. NaN stays NaN (operand order).
        const B limit(-C::exp_floor);
        const B xc = xsimd::min(limit, xsimd::max(-limit, x));
        // exp(-|x|), -|x| as min(-x, x): for a NaN x that is x's NaN itself (x86 returns the second
        // operand), not the NaN with its sign flipped that an or of the sign bit gives. With two
        // NaNs of opposite signs in one expression below, which one came out depended on the operand
        // order the compiler chose, which differed between a batch and the padded tail (GCC -Og).
        const B e = exp_bounded(xsimd::min(-xc, xc));
        const B d = B(T(1)) + e;
        // s * (1 + x * s(-x)) without the cancellation of 1 - s (activations.hpp, silu_grad), in one
        // expression: x >= 0: (d + x*e) / d^2; x < 0: e * (d + x) / d^2 = (e*d + x*e) / d^2.
        const B leading = detail::select(xc < B(T(0)), e * d, d);
        const B grad = detail::fma(xc, e, leading) / (d * d);
        return dy * detail::select(x < -limit, B(T(0)), grad);
    }

private:
    // x < silu_left (and -inf): x / (1 + 2^k (1 + q)) = x / (2^-k + 1 + q) * 2^-k, so exp(-x) never
    // overflows; 2^-k only grazes 1 + q there (k >= digits). The factor 2^-k goes last, split so that
    // the first product stays normal (exact) and the second rounds once into the denormals where
    // the result is tiny. Below silu_floor the result is -0.
    template <class A>
    static xsimd::batch<T, A> forward_left(const xsimd::batch<T, A>& x) {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        const B xc = xsimd::max(B(silu_floor<T>), x);
        return with_exp_parts<ln2_split::compensated>(-xc, [&xc](const B& k, const B&, const B& q) {
            const B k_high = xsimd::min(k, B(-C::scale_split));
            const B t = pow2(-k_high);
            return (xc / (B(T(1)) + (q + t)) * t) * pow2(k_high - k);
        });
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_SILU_VECTOR
