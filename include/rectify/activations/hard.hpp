// rectify/activations/hard.hpp — the piecewise activations: Hardswish, Hardsigmoid, Hardtanh and
// ReLU6. Exact: every path (scalar, SSE2, AVX2 + FMA, AVX-512, float and double) gives PyTorch
// 1.13's CPU values bit for bit, computed as PyTorch computes them, in T (deviations below: one
// for double Hardsigmoid's gradient, and NaN payloads).
//
// PyTorch's formulas (ATen/native/cpu/Activation.cpp and UnaryOpsKernel.cpp, 1.13), which these
// reproduce operation for operation, each operation rounded in T:
//   hardswish(x)     = x * min(max(x + 3, 0), 6) / 6            ((x * c) / 6: a division, not * (1/6))
//   hardswish'(x)    = x < -3 ? 0 : x >= 3 ? dy : dy * (x / 3 + 0.5)
//   hardsigmoid(x)   = min(max(x + 3, 0), 6) / 6
//   hardsigmoid'(x)  = -3 < x < 3 ? dy * (1/6) : 0
//   hardtanh(x)      = min(max(x, min_val), max_val)             (PyTorch's clamp)
//   hardtanh'(x)     = min_val < x < max_val ? dy : 0
//   relu6            = hardtanh(0, 6), with its gradient
// These are PyTorch's vectorized kernels. Its scalar loop (the last elements of a tensor, fewer
// than a vector's worth) disagrees with them in three places, so PyTorch's own value depends on an
// element's position there; rectify follows the vector kernels, which compute nearly every element:
//   hardswish'(3)   = dy       (PyTorch's scalar loop: 1.5 * dy, from x <= 3 in its formula)
//   hardswish'(NaN) = NaN      (scalar loop: dy)
//   hardtanh'(NaN), relu6'(NaN) = +0   (scalar loop: dy)
// The facts checked against libtorch 1.13.0: hardswish'(3) = dy, hardswish'(-3) = -0.5 * dy,
// hardswish'(NaN) = NaN, hardtanh'/relu6'/hardsigmoid'(NaN) = +0; the gradients at the breakpoints
// (hardtanh's min_val and max_val, relu6's 0 and 6, hardsigmoid's ±3) are +0, and +0 wherever the
// gradient is zero, whatever dy is (NaN and inf included): a select, not a product.
//
// PyTorch's values that a reader may not expect, all reproduced (they are PyTorch's formula):
//   hardswish(-inf) = NaN (-inf * 0); hardswish(x) = -0 for every finite x <= -3 (x * +0);
//   hardswish(x) = +inf for finite x > FLT_MAX / 6 (x * 6 overflows before the division; double:
//   DBL_MAX / 6); above 3 it is fl(fl(6x) / 6), which is x for five floats in six and one ULP off x
//   for the sixth (173,014,999 of the 1,038,789,291 floats in [3, FLT_MAX / 6]);
//   hardsigmoid(3 - 2^-22) = 1 in float (x + 3 rounds to 6), with the gradient dy / 6 there.
// NaN in gives NaN out on every forward path; which NaN is not specified (PyTorch's vector kernels
// return the all-ones NaN 0xFFFFFFFF from hardswish and hardsigmoid, its scalar loop x's own NaN;
// rectify returns x's NaN, quieted).
//
// The deviation: hardsigmoid's gradient factor 1/6 is 1/6 rounded in T. PyTorch writes it as the
// float constant 1.0f / 6.0f for double too (hardsigmoid_backward_kernel), so its double gradient is
// dy * 0.1666666716337204 (an error of 3e-8 relative, some 10^8 double ULPs); rectify's double
// gradient is dy * 0.16666666666666666 (within one ULP of dy / 6). Float is PyTorch's bit for bit.
//
// Hardtanh's parameters: min_val <= max_val, else validate() throws std::invalid_argument
// (torch.nn.Hardtanh asserts max_val > min_val; torch.nn.functional.hardtanh accepts anything and
// then returns max_val everywhere but at NaN). min_val == max_val is accepted, as the functional
// form accepts it: every non-NaN x gives max_val and the gradient is +0 everywhere (torch.nn.Hardtanh
// refuses it: "max_val must be greater than min_val"). A NaN bound is refused too (PyTorch's clamp
// then returns NaN for every x, its gradient is +0 everywhere).
// The bounds are converted to T once, as PyTorch converts its Scalar arguments.
//
// backward_from_output: Hardtanh and ReLU6 (PyTorch's hardtanh_ and relu6_ formula, with y in
// place of x). Exact: y = clamp(x) lies strictly between the bounds exactly when x does (then
// y = x), a clamped y equals a bound, and a NaN x gives a NaN y; so the from-output gradient equals
// the input gradient for every x, also for min_val == max_val. Hardsigmoid has none: 0 < y < 1
// tells -3 < x < 3 for every x but one per type, x = 3 - 2^-22 in float (3 - 2^-51 in double),
// where x + 3 rounds to 6: y = 1, yet the gradient is dy / 6. Hardswish's output is not monotonic.
//
// gain(): torch.nn.init.calculate_gain has no entry for any of the four (it raises "Unsupported
// nonlinearity"), so none is defined here.
//
// The scalar math is the vector math's yardstick bit for bit (forward_ulp_bound() = 0): plain
// comparisons, +, *, and the divisions as IEEE divisions (float_ops::div for float, which stays a
// correctly rounded division on a CUDA device under -prec-div=false too). It needs no device-float
// variant: it computes in T already, on the host and on the device alike. The vector kernels use no
// division where the instruction set has a fused multiply-add: a / 6 and a / 3 come out of a
// product by the rounded reciprocal and one correction (hard_quotient below), proven equal to the
// division for every float and for double.
//
// Two parts, each with its own guard (activations/relu.hpp explains the layout).
#if !defined(RECTIFY_ACTIVATIONS_HARD_HPP)
#define RECTIFY_ACTIVATIONS_HARD_HPP

#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "../scalar_math.hpp"
#include "parameters.hpp"

namespace rectify {

namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS {
// a / b rounded to nearest in T: an IEEE division on the host and on a CUDA device (float_ops::div
// is __fdiv_rn there, whatever -prec-div says).
template <class T>
RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T hard_divide(T a, T b) {
    if constexpr (std::is_same_v<T, float>) return float_ops::div(a, b);
    else return a / b;
}
// min(max(x + 3, 0), 6), std::max's and std::min's comparisons (PyTorch's scalar form): a NaN
// x + 3 fails both tests and stays NaN. x + 3 is never -0 (round to nearest), so c's zero is +0.
template <class T>
RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T hard_clamp_shifted(T x) {
    T c = x + T(3);
    c = c < T(0) ? T(0) : c;
    return T(6) < c ? T(6) : c;
}
}  // namespace scalar_math::inline RECTIFY_DETAIL_ARCH_NS

// Hardswish (MobileNetV3): y = x * min(max(x + 3, 0), 6) / 6, dx = x < -3 ? 0 : x >= 3 ? dy :
// dy * (x / 3 + 0.5). PyTorch's values bit for bit (see the top of this file, also for
// hardswish(-inf) = NaN and the overflow above FLT_MAX / 6).
struct Hardswish {
    static constexpr const char* name = "Hardswish";
    static constexpr int operations = 10;  // add, max, min, mul; p / 6 as mul + 2 fma; the rare-lane test
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact (PyTorch's bits)

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardswish needs a floating-point type");
        // (x * c) / 6, PyTorch's order. NaN: NaN; -inf: -inf * 0 = NaN; x <= -3: x * +0 = -0.
        return scalar_math::hard_divide(x * scalar_math::hard_clamp_shifted(x), T(6));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardswish needs a floating-point type");
        if (x < T(-3)) return T(0);  // -inf too; +0 whatever dy is
        if (x >= T(3)) return dy;    // +inf too; the gradient at 3 is 1 (PyTorch's vector kernel)
        // [-3, 3) and NaN (which fails both tests: NaN / 3 gives NaN). At -3: -0.5 * dy.
        return dy * (scalar_math::hard_divide(x, T(3)) + T(0.5));
    }
};

// Hardsigmoid: y = min(max(x + 3, 0), 6) / 6, dx = -3 < x < 3 ? dy * (1/6) : 0. Forward and float
// backward PyTorch's bits; double backward uses 1/6 rounded in double (the top of this file).
struct Hardsigmoid {
    static constexpr const char* name = "Hardsigmoid";
    static constexpr int operations = 8;  // add, max, min; c / 6 as mul + 2 fma
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact (PyTorch's bits)

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardsigmoid needs a floating-point type");
        return scalar_math::hard_divide(scalar_math::hard_clamp_shifted(x), T(6));  // NaN: NaN
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardsigmoid needs a floating-point type");
        constexpr T sixth = T(1) / T(6);  // float: PyTorch's 1.0f / 6.0f
        // NaN fails both tests: +0, as at ±3 and outside.
        return (x > T(-3) && x < T(3)) ? dy * sixth : T(0);
    }
};

// Hardtanh: y = min(max(x, min_val), max_val) (PyTorch's clamp), dx = min_val < x < max_val ? dy : 0.
// Exact: PyTorch's bits. hardtanh(-0) = -0 inside the bounds; hardtanh(NaN) = NaN; gradient +0 at
// the bounds and at NaN.
struct Hardtanh {
    double min_val = -1.0;
    double max_val = 1.0;

    static constexpr const char* name = "Hardtanh";
    static constexpr int operations = 2;  // a max and a min
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact

    // min_val > max_val (or a NaN bound) throws; min_val == max_val is accepted (top of this file).
    void validate(const char* function) const {
        if (!(min_val <= max_val)) {
            std::ostringstream text;
            text << function << ": Hardtanh min_val is " << min_val << " and max_val is " << max_val
                 << "; min_val must be <= max_val (and neither NaN)";
            throw std::invalid_argument(text.str());
        }
    }

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardtanh needs a floating-point type");
        return clamp(x, static_cast<T>(min_val), static_cast<T>(max_val));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::Hardtanh needs a floating-point type");
        return inside(x, static_cast<T>(min_val), static_cast<T>(max_val)) ? dy : T(0);
    }
    // From the saved output y = f(x): y is strictly inside the bounds exactly when x is (top of
    // this file), so this is backward with y in place of x, bit for bit the gradient from x.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        return backward(y, dy);
    }

    // PyTorch's scalar clamp, std::min(std::max(x, lo), hi): x < lo ? lo : x keeps -0 against a +0
    // bound (and +0 against -0) and keeps NaN; so does hi < y ? hi : y. With lo > hi: hi.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE static T clamp(T x, T lo, T hi) {
        const T y = x < lo ? lo : x;
        return hi < y ? hi : y;
    }
    // lo < x < hi: false at the bounds and for NaN.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE static bool inside(T x, T lo, T hi) {
        return x > lo && x < hi;
    }
};

// ReLU6: Hardtanh(0, 6), PyTorch's relu6 (which calls hardtanh(x, 0, 6)), with its own type.
// relu6(-0) = -0, relu6(NaN) = NaN, relu6(inf) = 6; gradient +0 at 0, at 6 and at NaN.
struct ReLU6 {
    static constexpr const char* name = "ReLU6";
    static constexpr int operations = 2;  // a max and a min
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact

    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T operator()(T x) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ReLU6 needs a floating-point type");
        return Hardtanh::clamp(x, T(0), T(6));
    }
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward(T x, T dy) const {
        static_assert(std::is_floating_point_v<T>, "rectify::ReLU6 needs a floating-point type");
        return Hardtanh::inside(x, T(0), T(6)) ? dy : T(0);
    }
    // As Hardtanh's: 0 < y < 6 exactly when 0 < x < 6; bit for bit the gradient from x.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE T backward_from_output(T y, T dy) const {
        return backward(y, dy);
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_HARD_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_HARD_VECTOR)
#define RECTIFY_ACTIVATIONS_HARD_VECTOR

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// Whether the kernels below replace the divisions by a product and a correction (hard_quotient):
// with a fused multiply-add, and x86's max operand order (Hardswish's overflow guard).
inline constexpr bool hard_quotient_by_fma = fused_multiply_add && max_keeps_second_operand;

// RN(a / d) for d = 3 or 6 without a division, with r = RN(1/d) (a division costs more than the rest
// of these kernels together):
//   q0 = RN(a * r);   e = d * q0 - a, exact (one fused multiply-subtract);   q = RN(q0 - e * r).
// Markstein's theorem (Handbook of Floating-Point Arithmetic, division by Newton-Raphson
// iteration): q = RN(a / d) whenever r is within half an ULP of 1/d and q0 within one ULP of a / d,
// and nothing underflows. 1/3 and 1/6 are 0.0101...b, so r's relative error is 2^-(p+1) (p = 24, 53)
// and q0 is within 1/2 + 1/2 ULP. In the subnormal range e is still exact and q0 - e * r is off a / d
// by |e| * |r - 1/d|, far below one subnormal step, so q is right unless a / d is exactly halfway
// between two subnormals, a = (2k + 1) * d * 2^-150: never for d = 3 (a is a multiple of 2^-149),
// but for d = 6 (a = (6k + 3) * 2^-149), which Hardswish meets for subnormal x only (there it takes
// the division). Zeros keep their sign: a = -0 gives q0 = -0, e = -0 * d - (-0) = +0 and
// q = (+0) * (-r) + (-0) = -0. a = ±inf gives NaN (e = inf - inf), NaN gives NaN.
// Checked over all 2^32 floats against the division, bit for bit: a / 3 differs only at ±inf, a / 6
// at ±inf and at 2,796,202 halfway subnormal quotients; double on the sweeps of the kernels' checks.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> hard_quotient(const xsimd::batch<T, A>& a, T d, T r) {
    using B = xsimd::batch<T, A>;
    const B q0 = a * B(r);
    const B e = fused_multiply_subtract(q0, B(d), a);    // d * q0 - a, exact (simd.hpp)
    return detail::fma(e, B(-r), q0);     // q0 - e * r, rounded once
}

// min(max(x + 3, 0), 6), keeping NaN as the scalar form does: x86's max and min return their
// second operand when either is NaN; elsewhere selects.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> hard_clamp_shifted(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    const B s = x + B(T(3));
    if constexpr (max_keeps_second_operand) {
        return xsimd::min(B(T(6)), xsimd::max(B(T(0)), s));
    } else {
        const B c = detail::select(s < B(T(0)), B(T(0)), s);
        return detail::select(B(T(6)) < c, B(T(6)), c);
    }
}

// Nonzero subnormal lanes.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch_bool<T, A> hard_subnormal(const xsimd::batch<T, A>& x) {
    using B = xsimd::batch<T, A>;
    return (xsimd::abs(x) < B(std::numeric_limits<T>::min())) & (x != B(T(0)));
}
#if defined(__AVX512DQ__)
// AVX-512DQ's vfpclass: the lanes in any of the categories (0x01 QNaN, 0x02 +0, 0x04 -0, 0x08 +inf,
// 0x10 -inf, 0x20 denormal, 0x40 negative finite, 0x80 SNaN), in one instruction.
template <int categories, class T, class A>  // an immediate
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch_bool<T, A> hard_fpclass(const xsimd::batch<T, A>& x) {
    if constexpr (std::is_same_v<T, float>) return xsimd::batch_bool<T, A>(_mm512_fpclass_ps_mask(x, categories));
    else return xsimd::batch_bool<T, A>(_mm512_fpclass_pd_mask(x, categories));
}
#endif

template <class T>
struct batch_math<Hardswish, T> {
    explicit batch_math(const Hardswish&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        const B p = x * hard_clamp_shifted(x);  // NaN and -inf: NaN; x <= -3: -0
        if constexpr (hard_quotient_by_fma) {
            constexpr T sixth = T(1) / T(6);
            // p / 6 as hard_quotient. Two kinds of lanes need more: p = +inf (x = +inf, or x * 6
            // overflowing), whose residual inf - inf is NaN; and subnormal x (|x| < 2^-126, rare),
            // whose p = 3x lies on the subnormal grid, where p / 6 can be a halfway case that the
            // correction rounds the wrong way.
            const B q0 = p * B(sixth);
#if defined(__AVX512DQ__)
            if constexpr (std::is_base_of_v<xsimd::avx512dq, A>) {
                // One vfpclass on q0 finds both: q0 = ±inf exactly where p is, and q0 is subnormal for
                // every subnormal x (q0 ~ x / 2; x = ±denorm_min gives ±denorm_min), also for normal
                // x below 2^-124 (which take the division needlessly). Zeros and NaN are not flagged:
                // the correction keeps them. Such vectors take the division.
                const B q = detail::fma(fused_multiply_subtract(q0, B(T(6)), p), B(-sixth), q0);
                if (xsimd::any(hard_fpclass<0x20 | 0x08 | 0x10>(q0))) return p / B(T(6));  // denormal, +inf, -inf
                return q;
            } else
#endif
            {
                // max(e, lowest) returns lowest for a NaN e (x86's max returns its second operand),
                // and q0 - lowest * sixth is inf; a finite e is never below lowest. A NaN p keeps its
                // NaN through q0. Subnormal x: the vector takes the division.
                const B e = xsimd::max(fused_multiply_subtract(q0, B(T(6)), p), B(std::numeric_limits<T>::lowest()));
                const B q = detail::fma(e, B(-sixth), q0);
                if (xsimd::any(hard_subnormal(x))) return p / B(T(6));
                return q;
            }
        } else {
            return p / B(T(6));
        }
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        B third;  // x / 3 (NaN for ±inf in the quotient, whose lanes the selects replace)
        if constexpr (hard_quotient_by_fma) third = hard_quotient(x, T(3), T(1) / T(3));
        else third = x / B(T(3));
        const B g = dy * (third + B(T(0.5)));  // NaN x: NaN
        return detail::select(x < B(T(-3)), B(T(0)), detail::select(x >= B(T(3)), dy, g));
    }
};

template <class T>
struct batch_math<Hardsigmoid, T> {
    explicit batch_math(const Hardsigmoid&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        const B c = hard_clamp_shifted(x);  // in [+0, 6] or NaN: no infinity, no subnormal but 0
        if constexpr (hard_quotient_by_fma) return hard_quotient(c, T(6), T(1) / T(6));
        else return c / B(T(6));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        constexpr T sixth = T(1) / T(6);
        return detail::select((x > B(T(-3))) & (x < B(T(3))), dy * B(sixth), B(T(0)));  // NaN: +0
    }
};

// The clamp of Hardtanh and ReLU6: x86's max(lo, x) and min(hi, y) return their second operand for
// NaN and for equal operands (-0 against +0), which is the scalar x < lo ? lo : x and hi < y ? hi : y
// exactly: one instruction each.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> hard_clamp(const xsimd::batch<T, A>& x, T lo, T hi) {
    using B = xsimd::batch<T, A>;
    if constexpr (max_keeps_second_operand) {
        return xsimd::min(B(hi), xsimd::max(B(lo), x));
    } else {
        const B y = detail::select(x < B(lo), B(lo), x);
        return detail::select(B(hi) < y, B(hi), y);
    }
}
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> hard_inside_or_zero(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy,
                                                                    T lo, T hi) {
    using B = xsimd::batch<T, A>;
    return detail::select((x > B(lo)) & (x < B(hi)), dy, B(T(0)));  // NaN x: +0
}

template <class T>
struct batch_math<Hardtanh, T> {
    T lo, hi;  // converted once, as the scalar math converts them
    explicit batch_math(const Hardtanh& act) : lo(static_cast<T>(act.min_val)), hi(static_cast<T>(act.max_val)) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        return hard_clamp(x, lo, hi);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return hard_inside_or_zero(x, dy, lo, hi);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        return backward(y, dy);  // y inside the bounds exactly when x is
    }
};

template <class T>
struct batch_math<ReLU6, T> {
    explicit batch_math(const ReLU6&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        return hard_clamp(x, T(0), T(6));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return hard_inside_or_zero(x, dy, T(0), T(6));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        return backward(y, dy);  // 0 < y < 6 exactly when 0 < x < 6
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_HARD_VECTOR
