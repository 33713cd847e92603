// rectify/activations/celu.hpp — SELU and CELU, the exp family's scaled members: PyTorch's
// definitions (docs/SEMANTICS.md) with expm1 in place of its exp(x) - 1, and the one rounding of
// the product with the constant carried so that the forward stays within 1.5 ULP.
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout). Both build on
// ELU's pieces (activations/elu.hpp): its batch math (CELU with alpha = 1 gives ELU's bits on the
// CPU), its range limit elu_floor, and vector_math.hpp's expm1 / exp (expm1_bounded, exp_bounded,
// exp_constants, expm1_polynomial).
//
// Why SELU and CELU do not just multiply ELU's expm1 by their constant: expm1 rounded to T is within
// 1 ULP of its own value, i.e. up to 2^-23 relative for float, and multiplied by a constant that is
// not a power of two that relative error can land on up to 2 ULP of the product, before the product's
// own rounding. So the product is formed from the unrounded pieces of expm1, c * expm1(z) =
// c * (2^n - 1) + c * 2^n * (r + r^2 P(r)), with c * (2^n - 1) kept exactly as two numbers
// (scaled_expm1 below); only the last two additions round.
#include "elu.hpp"  // outside the guards: the vector pass needs ELU's second part before this file's

#if !defined(RECTIFY_ACTIVATIONS_CELU_HPP)
#define RECTIFY_ACTIVATIONS_CELU_HPP

#include "../scalar_math.hpp"
#include "parameters.hpp"

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

// SELU's constants as PyTorch writes them (ATen's SELU_ALPHA and SELU_SCALE, from Klambauer et al.,
// "Self-Normalizing Neural Networks", 2017).
inline constexpr double selu_alpha = 1.6732632423543772848170429916717;
inline constexpr double selu_scale = 1.0507009873554804934193349852946;

// The two factors of SELU in T: scale (x > 0) and scale * alpha (x <= 0), the exact products of the
// decimal constants above (computed to 300 bits with mpmath, then rounded):
//   scale          rounded to nearest (PyTorch's float poscoef; the gradients use it);
//   scale_hi + scale_lo   scale as two parts, scale_hi rounded toward 0 so that scale_lo > 0 (a
//                  forward fma(x, scale_hi, x * scale_lo) then gives +inf, not inf - inf, for x = +inf);
//   product + product_lo   scale * alpha as two parts. product is PyTorch's negcoef for float (the
//                  float product of the rounded constants happens to round to it); PyTorch's
//                  double negcoef, the double product of the rounded constants, 0x1.c212cc640f030p+0,
//                  is one ULP below this correctly rounded one.
// product_lo is 0.195 ULP of product for float and 0.064 ULP for double.
template <class T>
struct selu_constants;
template <>
struct selu_constants<float> {
    static constexpr float scale = 0x1.0cfabep+0f;
    static constexpr float scale_hi = 0x1.0cfabcp+0f;
    static constexpr float scale_lo = 0x1.6a9114p-24f;
    static constexpr float product = 0x1.c212ccp+0f;
    static constexpr float product_lo = 0x1.903c0cp-26f;
};
template <>
struct selu_constants<double> {
    static constexpr double scale = 0x1.0cfabd6a91132p+0;
    static constexpr double scale_hi = 0x1.0cfabd6a91132p+0;
    static constexpr double scale_lo = 0x1.6fc7d272f2695p-55;
    static constexpr double product = 0x1.c212cc640f031p+0;
    static constexpr double product_lo = 0x1.05161b045a1fep-56;
};

#if !defined(__CUDA_ARCH__)
// Where long double is wider than double (x86-64 and aarch64 Linux), double SELU / CELU are
// evaluated in it on the host and rounded once; elsewhere in double with the constants in two parts.
inline constexpr bool celu_long_double_is_wider =
    std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits &&
    std::numeric_limits<long double>::max_exponent > std::numeric_limits<double>::max_exponent;
inline constexpr long double selu_scale_long = 1.0507009873554804934193349852946L;
inline constexpr long double selu_product_long = 1.75809934084737685994021752081231934206L;
#endif

// c * expm1(z + z_err) in float, for z <= 0 or NaN, c = c_hi + c_lo > 0 (c_lo below half an ULP of
// c_hi) and z_err a correction below z's ULP (CELU's x / alpha carried as z + z_err; 0 for SELU).
// The device's float math (evaluated_in_float), the vector scheme of scaled_expm1 below in scalar
// float with reduce_exp_float's range reduction and Taylor polynomial: c * (2^n - 1) exactly as
// a_hi + a_lo (Fast2Sum: c_hi * 2^n is exact), the rest summed small terms first, c_hi * 2^n * r
// last. Measured on the host with -ffp-contract=off (the device's bits): CELU(1.7) 0.93 ULP over all
// 2^32 floats; SELU 0.92 for x < 0 and CELU(1) 0.81, every 16th float.
RECTIFY_HOST_DEVICE inline float scaled_expm1_nonpositive_float(float z, float z_err, float c_hi, float c_lo) {
    using namespace float_ops;
    if (z != z) return z;
    if (z < -18.0f) {  // c * expm1(z) rounds to -c there (-inf too); n >= -26 keeps 2^n normal
        z = -18.0f;
        z_err = 0.0f;
    }
    // reduce_exp_float's reduction, with r's rounding error and z_err carried into the polynomial.
    constexpr float log2e = 1.44269504088896341f;
    constexpr float ln2_hi = 0.693359375f;
    constexpr float ln2_lo = -2.12194440e-4f;
    const float n = rint(mul(z, log2e));
    const float r_hi = fma(n, -ln2_hi, z);
    const float t = mul(n, -ln2_lo);
    const float r = add(r_hi, t);
    const float r_err = add(add(sub(r_hi, r), t), z_err);
    constexpr float taylor[] = {1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040, 1.0f / 40320};
    float p = taylor[6];
    for (int k = 5; k >= 0; --k) p = fma(p, r, taylor[k]);
    const float tail = fma(mul(r, r), p, fma(r_err, r, r_err));  // expm1(r + r_err) - r
    const float s = pow2(n);
    const float cs = mul(c_hi, s);
    const float a_hi = sub(cs, c_hi);
    const float a_lo = sub(cs, add(a_hi, c_hi));
    // c_lo * expm1(z), to a few percent (it is below half an ULP of the result).
    const float low = fma(c_lo, fma(s, r, sub(s, 1.0f)), a_lo);
    return add(a_hi, fma(cs, r, fma(cs, tail, low)));
}

// SELU in float (the device's float math). Within 1.5 ULP: measured 1.00 over all 2^32 floats (on
// a positive denormal x, where x * scale_lo rounds to the denormal grid; 0.92 for x < 0), backward
// 1.10 (dy = 1).
RECTIFY_HOST_DEVICE inline float selu_float(float x) {
    using namespace float_ops;
    using K = selu_constants<float>;
    if (x > 0.0f) return fma(x, K::scale_hi, mul(x, K::scale_lo));
    if (x == 0.0f) return x;  // ±0: scale * alpha * expm1(±0) = ±0
    return scaled_expm1_nonpositive_float(x, 0.0f, K::product, K::product_lo);  // NaN propagates
}

// SELU in wider arithmetic, rounded once to T: float in double; double in long double where it is
// wider (on the host), else in double with the constants in two parts (within about 1.5 ULP, the
// C library's or CUDA's expm1 error plus half an ULP). x > 0 is false for ±0 and NaN, which go
// through expm1: expm1(±0) = ±0, expm1(NaN) = NaN, expm1(-inf) = -1.
template <class T>
RECTIFY_HOST_DEVICE inline T selu_wide(T x) {
    if constexpr (std::is_same_v<T, float>) {
        const double xd = static_cast<double>(x);
        return static_cast<float>(x > 0.0f ? xd * selu_scale : static_cast<double>(selu_constants<double>::product) * expm1(xd));
    } else {
#if !defined(__CUDA_ARCH__)
        if constexpr (celu_long_double_is_wider) {
            const long double xl = static_cast<long double>(x);
            return static_cast<double>(x > 0.0 ? xl * selu_scale_long : selu_product_long * std::expm1(xl));
        }
#endif
        using K = selu_constants<double>;
        if (x > 0.0) return fma(x, K::scale_hi, x * K::scale_lo);
        const double e = expm1(x);
        return fma(K::product, e, e * K::product_lo);
    }
}

// CELU(alpha) for alpha > 0 in float (the device's float math): x / alpha as z + z_err (z_err from
// the exact residual x - z * alpha), then scaled_expm1_nonpositive_float. Within 1.5 ULP for every
// alpha > 0 (measured 0.93 for alpha = 1.7 over all 2^32 floats, backward 0.53; 0.81 for alpha = 1
// and 0.92 for 3, every 16th float).
RECTIFY_HOST_DEVICE inline float celu_float(float x, float alpha, float inverse) {
    using namespace float_ops;
    if (x > 0.0f) return x;
    // For |x| < alpha * 2^-25 (±0 too) celu(x) = x (1 + x / (2 alpha) + ...) is within a quarter ULP
    // of x, and x / alpha could fall into the denormals and lose bits. NaN goes on and propagates.
    if (x >= mul(alpha, -0x1p-25f)) return x;
    const float z = mul(x, inverse);
    const float z_err = mul(fma(z, -alpha, x), inverse);
    return scaled_expm1_nonpositive_float(z, z_err, alpha, 0.0f);
}

// CELU in wider arithmetic, rounded once to T (as selu_wide), for any alpha != 0: negative alpha
// takes expm1 of x / alpha >= 0 (celu(-inf) = -inf then, PyTorch's value). Where double has no wider
// type, x / alpha is carried as z + z_err: within about 2 ULP (expm1's error, e's and the product's
// roundings).
template <class T>
RECTIFY_HOST_DEVICE inline T celu_wide(T x, T alpha) {
    if (x > T(0)) return x;
    if constexpr (std::is_same_v<T, float>) {
        const double a = static_cast<double>(alpha);
        return static_cast<float>(a * expm1(static_cast<double>(x) / a));
    } else {
#if !defined(__CUDA_ARCH__)
        if constexpr (celu_long_double_is_wider) {
            const long double a = static_cast<long double>(alpha);
            return static_cast<double>(a * std::expm1(static_cast<long double>(x) / a));
        }
#endif
        if (alpha > 0.0 && x >= alpha * -0x1p-54) return x;  // as in celu_float
        const double z = x / alpha;
        const double z_err = fma(-z, alpha, x) / alpha;
        const double e = expm1(z);
        return alpha * fma(z_err, 1.0 + e, e);  // expm1(z + z_err) = expm1(z) + z_err * exp(z) + ...
    }
}

// CELU's gradient dy * exp(x / alpha) in wider arithmetic (as celu_wide), rounded once to T, for
// the alphas the vector math leaves to the scalar math (alpha < 0: x / alpha >= 0, and exp of it
// grows without bound; its error there is exp's and x / alpha's, relative 2^-53 |x / alpha| in
// double, which is why double takes long double where it can). dy for x > 0, NaN for NaN.
template <class T>
RECTIFY_HOST_DEVICE inline T celu_grad_wide(T x, T alpha, T dy) {
    if (x > T(0)) return dy;
    if constexpr (std::is_same_v<T, float>) {
        return static_cast<float>(static_cast<double>(dy) * exp(static_cast<double>(x) / static_cast<double>(alpha)));
    } else {
#if !defined(__CUDA_ARCH__)
        if constexpr (celu_long_double_is_wider) {
            const long double a = static_cast<long double>(alpha);
            return static_cast<double>(static_cast<long double>(dy) * std::exp(static_cast<long double>(x) / a));
        }
#endif
        return dy * exp(x / alpha);
    }
}

// Whether the vector math (and the device's float math) take CELU's alpha: alpha > 0 and alpha and
// 1 / alpha finite in T. Other alphas (negative ones; those beyond T's range) go to the *_wide
// functions above, lane by lane.
template <class T>
RECTIFY_HOST_DEVICE constexpr bool celu_alpha_in_range(T alpha, T inverse) {
    constexpr T max = static_cast<T>(sizeof(T) == 4 ? 3.40282346638528859812e+38 : 1.79769313486231570815e+308);
    return alpha > T(0) && alpha <= max && inverse <= max;
}
// 1 / alpha in T, the one every path multiplies by (correctly rounded on the device too).
template <class T>
RECTIFY_HOST_DEVICE inline T celu_inverse(T alpha) {
    if constexpr (evaluated_in_float<T>()) return float_ops::div(T(1), alpha);
    else return T(1) / alpha;
}

}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// SELU: y = scale * (x > 0 ? x : alpha * expm1(x)) with PyTorch's alpha = 1.6732632423543772848...
// and scale = 1.0507009873554804934... (scalar_math::selu_alpha / selu_scale); dx = x > 0 ?
// dy * scale : dy * scale * alpha * exp(x). PyTorch computes (exp(x) - 1) * (scale * alpha), which
// cancels near 0: selu(-1e-8) is 0 in PyTorch's float (exact: -1.758e-8); rectify uses expm1 and
// returns the accurate value, deviating from PyTorch in these values (checked with torch 1.13):
//   selu(-0) = -0 (PyTorch +0, as for ELU; the values compare equal);
//   x > 0: the correctly rounded scale * x (PyTorch multiplies by scale rounded to float, 1.06 ULP
//     at worst; the two differ by one ULP on some inputs: selu(0x1.000014p+0) is 0x1.0cfad2p+0,
//     PyTorch's 0x1.0cfad4p+0);
//   selu(x) for x near 0: PyTorch's relative error is unbounded there, rectify's within 1.5 ULP;
//   gradient at NaN: NaN on every path (PyTorch's float CPU kernel gives dy * scale, its double one NaN);
//   gradient below -87 (float) / -708 (double): 0, as ELU's (PyTorch's float gives the denormal
//     dy * 1.758 * exp(x), e.g. 0x1.78p-144 at -100, itself a few ULP off).
// selu(+inf) = +inf, selu(-inf) = -scale * alpha = -1.7580993f (PyTorch's value), NaN in, NaN out.
// Accuracy (docs/ACCURACY.md): forward within 1.5 ULP, float and double; backward
// |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), exp(x) counted as 0 below
// -gradient_flush_limit<T> (as ELU's). Measured with AVX-512: forward 1.09 ULP, backward 1.51
// (dy = 1) over all 2^32 floats; double 0.89 ULP and 1.21 on 2^24 random inputs and every binade.
struct SELU {
    static constexpr const char* name = "SELU";
    // Vector forward on float, each fma counted as two (ELU's expm1 part is 20 of them): the
    // product with scale * alpha and its Fast2Sum 9, the positive side and the select 5.
    static constexpr int operations = 31;
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 1.5; }  // docs/ACCURACY.md
    double gain() const { return 0.75; }  // torch.nn.init.calculate_gain('selu') = 3/4

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SELU needs a floating-point type");
        if constexpr (scalar_math::evaluated_in_float<T>()) return scalar_math::selu_float(x);
        else return scalar_math::selu_wide(x);
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        if constexpr (scalar_math::evaluated_in_float<T>()) return backward_in<scalar_math::in_float>(x, dy);
        else return backward_in<scalar_math::in_double>(x, dy);
    }

    // The gradient in the arithmetic A (scalar_math::in_double or in_float), with the factors rounded
    // to T as the vector math has them: x > 0 ? dy * scale : dy * (scale * alpha) * exp(x).
    template <class A, class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_in(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::SELU needs a floating-point type");
        using W = typename A::type;
        using K = scalar_math::selu_constants<T>;
        // The gradient at 0 is scale * alpha * dy (PyTorch's x <= 0 side); at NaN it is NaN.
        if (x > T(0)) return static_cast<T>(A::mul(static_cast<W>(dy), static_cast<W>(K::scale)));
        const W e = x < static_cast<T>(-scalar_math::gradient_flush_limit<T>) ? W(0) : A::exp(static_cast<W>(x));
        return static_cast<T>(A::mul(A::mul(static_cast<W>(dy), static_cast<W>(K::product)), e));
    }

    // From the saved output y = f(x): y > 0 exactly when x > 0, and for x <= 0,
    // scale * alpha * exp(x) = y + scale * alpha (PyTorch's in-place formula, written y > 0 ? ... so
    // that a NaN y gives NaN, as the gradient from x does). Computed in T, the same bits on every
    // path. y + scale * alpha carries y's error (1.09 ULP measured, so under 1.1 eps absolute since
    // |y| < 1.76), then the sum's and the product's roundings: |dx - exact| <= 2.5 * eps *
    // max(|exact|, |dy|) by that count, exact being the gradient at the x that gave y (0.83 measured
    // over all 2^32 floats from the kernels' y, dy = 1).
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        using K = scalar_math::selu_constants<T>;
        return y > T(0) ? dy * K::scale : dy * (y + K::product);
    }
};

// CELU(alpha): y = max(0, x) + min(0, alpha * expm1(x / alpha)), computed as x > 0 ? x :
// alpha * expm1(x / alpha) (PyTorch's elu(x, alpha, scale = 1, input_scale = 1 / alpha));
// dx = x > 0 ? dy : dy * exp(x / alpha). alpha converts to T once (as every parameter), and the
// exact value the bounds refer to is the one of that T alpha. Deviations from PyTorch (torch 1.13):
//   expm1 instead of exp(x * (1/alpha)) - 1: celu(-1e-8) = -1e-8 (PyTorch's float: 0);
//   x / alpha is carried beyond T's precision (PyTorch rounds x * float(1/alpha) first);
//   celu(±0) = ±0 (PyTorch: +0 for alpha > 0, -0 for alpha < 0, for both zeros); the gradient at
//   NaN is NaN on every path (PyTorch's float CPU kernel gives dy, its double one NaN);
//   the gradient is dy * exp(x / alpha) (PyTorch: dy * float(1/alpha) * alpha * exp(...), whose
//   first product is not exactly 1 for alpha not a power of two).
// celu(+inf) = +inf, celu(-inf) = -alpha, NaN in, NaN out. alpha = 0 and NaN are refused (PyTorch
// raises "ZeroDivisionError: alpha cannot be 0 for CELU" for 0 and computes NaNs for a NaN alpha).
// A negative alpha is accepted, as
// PyTorch accepts it: then x / alpha >= 0 for x <= 0 and celu(x) = alpha * expm1(x / alpha) falls to
// -inf as x does; the kernels evaluate it with the scalar math, lane by lane (exp of positive
// arguments up to overflow is beyond the vector expm1's range). An alpha whose conversion to T is
// infinite, or whose inverse is, takes that scalar route too (CELU with alpha = +inf gives NaN for
// x <= 0, as 0 * inf, as in PyTorch).
// Accuracy (docs/ACCURACY.md): forward within 1 ULP for alpha a power of two (1, 2, 0.5, ...: ELU's
// math on x / alpha, which is exact), within 1.5 ULP for every other alpha > 0, float and double;
// backward |dx - exact| <= 4 * (eps * max(|exact|, |dy|) + denorm_min), exp(x / alpha) counted as 0
// where x / alpha (rounded to T) is below -gradient_flush_limit<T>. Measured with AVX-512 over all
// 2^32 floats: forward 0.95 ULP for alpha = 1, 2 and 0.5 (ELU's 0.95 on x / alpha), 1.08 for 1.7;
// backward 0.57 and 0.72 (dy = 1). Double, 2^24 random inputs and every binade: 0.81-0.89 ULP.
struct CELU {
    double alpha = 1.0;

    static constexpr const char* name = "CELU";
    // Vector forward on float, each fma counted as two: 25 for alpha = 1 (ELU's math) and powers of
    // two; 35 for other alphas (x / alpha as two parts, the Fast2Sum of scaled_expm1).
    static constexpr int operations = 25;
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const {
        return alpha == 1.0 || alpha == 2.0 || alpha == 0.5 || alpha == 4.0 || alpha == 0.25 ? 1.0 : 1.5;
    }
    // PyTorch refuses alpha = 0 (its 1 / alpha); NaN is refused too.
    void validate(const char* function) const {
        if (alpha == 0.0 || alpha != alpha)
            detail::bad_parameter(function, "CELU alpha", alpha, "it must be a number other than 0");
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::CELU needs a floating-point type");
        const T a = static_cast<T>(alpha);
        if constexpr (scalar_math::evaluated_in_float<T>()) {
            const T inverse = scalar_math::celu_inverse(a);
            if (scalar_math::celu_alpha_in_range(a, inverse)) return scalar_math::celu_float(x, a, inverse);
            return static_cast<T>(scalar_math::celu_wide(static_cast<double>(x), static_cast<double>(a)));
        } else {
            return scalar_math::celu_wide(x, a);
        }
    }
    // dx = x > 0 ? dy : dy * exp(x / alpha), as ELU's gradient (alpha = 1) at z = x * (1 / alpha)
    // rounded to T: the rounding of z moves exp(z) by |z| exp(z) 2^-23 at most, under 0.74 eps.
    // For alpha > 0; a negative alpha takes celu_grad_wide (exp(x / alpha) grows without bound).
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::CELU needs a floating-point type");
        const T a = static_cast<T>(alpha);
        const T inverse = scalar_math::celu_inverse(a);
        if (scalar_math::celu_alpha_in_range(a, inverse)) return ELU{}.backward(a == T(1) ? x : x * inverse, dy);
        return scalar_math::celu_grad_wide(x, a, dy);
    }

    // From the saved output y = f(x), for any alpha != 0: y > 0 exactly when x > 0 (for x <= 0,
    // x / alpha and alpha have opposite signs or x = 0, so alpha * expm1(x / alpha) <= 0), and for
    // x <= 0, exp(x / alpha) = y / alpha + 1, computed as PyTorch's dy * (1/alpha) * (y + alpha).
    // PyTorch refuses the in-place backward for a negative alpha (its check is ELU's, for which y
    // does not determine x); CELU's output determines its gradient for either sign, so rectify
    // accepts it. Computed in T, the same bits on every path; NaN y gives NaN. Error, alpha > 0: y's
    // (1.08 ULP measured, so under 1.1 eps * alpha absolute), the sum's and the products' roundings:
    // |dx - exact| <= 3 * eps * max(|exact|, |dy|) by that count (measured from the kernels' y over
    // all 2^32 floats, dy = 1: 0.88 for alpha = 1.7, 0.43 for alpha = 1). alpha < 0: y / alpha + 1
    // does not cancel, within 2 eps * |exact|, except where y overflowed to -inf while
    // exp(x / alpha) is still finite (|alpha| > 1): there dx is inf.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        const T a = static_cast<T>(alpha);
        return y > T(0) ? dy : dy * scalar_math::celu_inverse(a) * (y + a);
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_CELU_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_CELU_VECTOR)
#define RECTIFY_ACTIVATIONS_CELU_VECTOR

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// a * b - p for p = a * b rounded: exact with a fused multiply-add; without one, Dekker's product
// with both factors split by a mask (the high half keeps 12 significant bits of float, 26 of double,
// so the partial products are exact but for the last, far below p's ULP).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> product_error(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                              const xsimd::batch<T, A>& p) {
    using B = xsimd::batch<T, A>;
    if constexpr (fused_multiply_add) {
        return detail::fma(a, b, -p);
    } else {
        using Bits = typename exp_constants<T>::bits_type;
        using U = xsimd::batch<Bits, A>;
        const B mask = xsimd::bitwise_cast<B>(U(sizeof(T) == 4 ? Bits(0xFFFFF000u) : Bits(0xFFFFFFFFF8000000ull)));
        const B a_big = xsimd::bitwise_and(a, mask);
        const B a_small = a - a_big;
        const B b_big = xsimd::bitwise_and(b, mask);
        const B b_small = b - b_big;
        return (((a_big * b_big - p) + a_big * b_small) + a_small * b_big) + a_small * b_small;
    }
}

// x - z * a, exactly where z * a is close to x. One fused multiply-add (written as one: GCC contracts
// the intrinsics' x - z * a into an fma on its own, and an error term subtracted from that would
// count twice); without one, x - p is exact (Sterbenz) and product_error gives the rest.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> residual(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& z,
                                                         const xsimd::batch<T, A>& a) {
    if constexpr (fused_multiply_add) {
        return detail::fma(-z, a, x);
    } else {
        const xsimd::batch<T, A> p = z * a;
        return (x - p) - product_error(z, a, p);
    }
}

// c * expm1(z + z_err) for z in [elu_floor<T>, 0] (NaN propagates), c = c_hi * (1 + c_lo_ratio) > 0,
// z_err a correction below z's ULP (carry_z_err; CELU's x / alpha as z + z_err). For z = -0 it
// returns +0: the callers select x there.
// With z = n ln2 + r (with_exp_parts' reduction) and q = r + tail = expm1(r + r_err):
//   c * expm1(z) = c_hi (2^n - 1) + c_hi 2^n r + c_hi 2^n tail + c_lo expm1(z),
// where c_hi 2^n is exact and c_hi 2^n - c_hi = a_hi + a_lo exactly (Fast2Sum, |c_hi| >= |c_hi 2^n|),
// and c_hi 2^n r is added in one fused multiply-add (without one, as p + product_error). Two
// roundings count: c_hi 2^n r + (the small terms), and a_hi + that; for n = 0 a_hi = 0 and only
// the first does, for n <= -1 the first is at most half an ULP of the result. The rest: expm1's
// polynomial (0.23 ULP relative) and the small terms' roundings. Measured, with AVX-512: SELU 1.09
// ULP and CELU(1.7) 1.08 ULP over all 2^32 floats; double 0.89 and 0.89 on 2^24 random inputs and
// every binade (SSE2, no FMA: float 1.22 / 1.10, double 1.06 / 1.09, every 16th float).
// The ln2 split is with_exp_parts' (single for float with an FMA: n * 1.9e-9 in r, which 2^n makes
// negligible; compensated for double and without an FMA, r's rounding error carried).
template <bool carry_z_err, bool carry_c_lo, class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> scaled_expm1(const xsimd::batch<T, A>& z, const xsimd::batch<T, A>& z_err,
                                                             T c_hi, T c_lo_ratio) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    using U = xsimd::batch<typename C::bits_type, A>;
    const B magic(C::biased_round_magic);
    const B t = detail::fma(z, B(C::log2e), magic);
    const B n = t - magic;
    const B s = xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(t) << C::mantissa_bits);
    constexpr bool single = std::is_same_v<T, float> && fused_multiply_add;
    B r, tail;
    if constexpr (single) {
        r = detail::fma(n, B(-C::ln2_single), z);
        if constexpr (carry_z_err) tail = detail::fma(r * r, expm1_polynomial(r), detail::fma(z_err, r, z_err));
        else tail = (r * r) * expm1_polynomial(r);
    } else {
        const B r_hi = detail::fma(n, B(-C::ln2_hi), z);  // exact: n * ln2_hi is, and it is close to z
        const B r_lo = n * B(-C::ln2_lo);
        r = r_hi + r_lo;
        B r_err = (r_hi - r) + r_lo;
        if constexpr (carry_z_err) r_err = r_err + z_err;
        tail = detail::fma(r * r, expm1_polynomial(r), detail::fma(r_err, r, r_err));
    }
    const B c(c_hi);
    const B cs = c * s;
    const B a_hi = cs - c;
    B low = cs - (a_hi + c);
    if constexpr (carry_c_lo) low = detail::fma(B(c_lo_ratio), detail::fma(cs, r, a_hi), low);  // c_lo * expm1(z), roughly
    if constexpr (fused_multiply_add) {
        return a_hi + detail::fma(cs, r, detail::fma(cs, tail, low));
    } else {
        const B p = cs * r;
        B p_err;
        if constexpr (carry_z_err) {
            p_err = product_error(cs, r, p);
        } else {
            // SELU's r = x goes down to the denormals, where the partial products of product_error
            // would round to the denormal grid each: taken 2^(digits+1) higher (c is near 1, no
            // overflow), and the error scaled back in one rounding.
            constexpr T up = T(std::uint64_t(1) << (C::mantissa_bits + 2));
            p_err = product_error(cs, r * B(up), p * B(up)) * B(T(1) / up);
        }
        return a_hi + (p + ((cs * tail + low) + p_err));
    }
}

template <class T>
struct batch_math<SELU, T> {
    using K = scalar_math::selu_constants<T>;
    explicit batch_math(const SELU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        // Positive lanes run expm1 too (on garbage: n may leave the exponent range) and are
        // discarded by the select. max(floor, NaN) keeps the NaN (x86 operand order).
        const B z = xsimd::max(B(elu_floor<T>), x);
        // product_lo as a ratio: float's is 0.195 ULP of product, double's 0.064: carried, it costs
        // two fused multiply-adds; dropped, up to 0.22 ULP. Float's bound has the room (1.09 ULP
        // measured without it over all 2^32 floats, 1.05 with it on every 64th); double carries it.
        constexpr bool carry_lo = std::is_same_v<T, double>;
        const B negative = scaled_expm1<false, carry_lo>(z, z, K::product, K::product_lo / K::product);
        // scale * x rounded once; without a fused multiply-add, x times scale rounded to T (within
        // 1.06 ULP: scale's own rounding is 0.29 ULP of it), where the two parts would round thrice.
        B positive;
        if constexpr (fused_multiply_add) positive = detail::fma(x, B(K::scale_hi), x * B(K::scale_lo));
        else positive = x * B(K::scale);
        // x >= 0 takes ±0 to scale * (±0) = ±0; NaN takes the negative side's NaN.
        return detail::select(x >= B(T(0)), positive, negative);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        using C = exp_constants<T>;
        // ELU's gradient with scale * alpha for alpha and dy * scale on the right.
        const B floor(C::exp_floor);
        const B z = xsimd::max(floor, xsimd::bitwise_or(x, B(T(-0.0))));  // -|x| within range; NaN kept
        const B e = detail::select(x < floor, B(T(0)), exp_bounded(z));
        return detail::select(x > B(T(0)), dy * B(K::scale), dy * B(K::product) * e);  // at 0: dy * product; NaN: NaN
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(y > B(T(0)), dy * B(K::scale), dy * (y + B(K::product)));  // as the scalar form
    }
};

template <class T>
struct batch_math<CELU, T> {
    // How a call's alpha is computed, decided once per call (the same branch for every batch):
    //   unit:    alpha = 1, ELU's batch math (CELU{1} gives ELU's bits);
    //   scaled:  alpha a power of two: x / alpha is exact (but in the denormals), expm1_bounded of it
    //            times alpha is exact scaling: ELU's 1 ULP;
    //   general: x / alpha as z + z_err and scaled_expm1 with c = alpha: 1.5 ULP;
    //   scalar:  alpha < 0, or alpha or 1 / alpha infinite in T: the scalar math lane by lane.
    enum class route { unit, scaled, general, scalar };
    CELU act;
    batch_math<ELU, T> elu;  // alpha = 1: forward (unit) and the gradient at x / alpha
    T alpha, inverse, threshold, floor_x;
    route how;

    explicit batch_math(const CELU& a)
        : act(a),
          elu(ELU{}),
          alpha(static_cast<T>(a.alpha)),
          inverse(T(1) / alpha),
          threshold(alpha * T(sizeof(T) == 4 ? -0x1p-25 : -0x1p-54)),
          floor_x(elu_floor<T> * alpha),
          how(route_for(alpha, inverse)) {}

    static route route_for(T alpha, T inverse) {
        if (!scalar_math::celu_alpha_in_range(alpha, inverse)) return route::scalar;
        if (alpha == T(1)) return route::unit;
        int exponent;
        return std::frexp(alpha, &exponent) == T(0.5) ? route::scaled : route::general;
    }

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        if (how == route::unit) return elu.forward(x);
        if (how == route::scaled) {
            // For |x| < alpha * 2^-(digits+1) (threshold; ±0 too) celu(x) is within a quarter ULP of x,
            // and x / alpha may be a denormal that lost bits: x is taken there. Positive lanes take x
            // as well. NaN: max keeps it, expm1 propagates it, x >= threshold is false.
            const B z = xsimd::max(B(elu_floor<T>), x * B(inverse));
            return detail::select(x >= B(threshold), x, B(alpha) * expm1_bounded(z));
        }
        if (how == route::general) {
            // z + z_err = x / alpha to far below z's ULP: the residual x - z * alpha is exact
            // (product_error) and small, so its division by alpha rounds harmlessly. x is clamped
            // first (at elu_floor * alpha) so that every lane's residual stays finite.
            const B xc = xsimd::max(B(floor_x), x);
            const B z = xc * B(inverse);
            const B z_err = residual(xc, z, B(alpha)) * B(inverse);
            const B y = scaled_expm1<true, false>(z, z_err, alpha, T(0));
            return detail::select(x >= B(threshold), x, y);
        }
        return by_lanes(x, x);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        if (how == route::unit) return elu.backward(x, dy);
        if (how != route::scalar) return elu.backward(x * B(inverse), dy);  // as the scalar math: ELU's at x * (1 / alpha)
        return by_lanes(x, dy, true);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(y > B(T(0)), dy, dy * B(inverse) * (y + B(alpha)));  // as the scalar form
    }

private:
    // The scalar route: the scalar math on each lane (forward, or backward with dy). Out of line, so
    // that the other routes' loops keep their constants in registers (inlined, the calls to the C
    // library in this branch made GCC spill them around every batch, slowing CELU's common routes).
    template <class A>
    RECTIFY_DETAIL_NOINLINE xsimd::batch<T, A> by_lanes(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy,
                                                        bool gradient = false) const {
        using B = xsimd::batch<T, A>;
        alignas(A::alignment()) T v[B::size], g[B::size];
        x.store_aligned(v);
        dy.store_aligned(g);
        for (std::size_t i = 0; i < B::size; ++i) v[i] = gradient ? act.backward(v[i], g[i]) : act(v[i]);
        return B::load_aligned(v);
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_CELU_VECTOR
