// rectify/activations/relu.hpp — ReLU and Leaky ReLU (and so PReLU, Leaky ReLU with a slope per
// channel): exact, one multiply or none, bit for bit PyTorch's values on every path.
//
// Two parts, each with its own guard (the layout of every family file): the types and their scalar
// math (plain C++, also compiled by nvcc for the device), and their vector math on xsimd batches,
// compiled when detail/activation_batch.hpp includes this file again with
// RECTIFY_DETAIL_VECTOR_MATH set.
#if !defined(RECTIFY_ACTIVATIONS_RELU_HPP)
#define RECTIFY_ACTIVATIONS_RELU_HPP

#include "../scalar_math.hpp"
#include "parameters.hpp"

namespace rectify {

// ReLU: y = x < 0 ? +0 : x, dx = x <= 0 ? +0 : dy (PyTorch's comparisons). Exact: the scalar
// math and the array kernels give PyTorch's values bit for bit on every instruction set, for every
// input (the special values: docs/SEMANTICS.md, "ReLU").
struct ReLU {
    static constexpr const char* name = "ReLU";
    static constexpr int operations = 2;  // a compare and a select (Eigen's cost, eigen.hpp)
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact
    double gain() const { return std::sqrt(2.0); }  // torch.nn.init.calculate_gain('relu')

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

    // From the saved output y = f(x): y > 0 exactly when x > 0, so this is backward with y in place
    // of x, bit for bit the gradient from x (PyTorch's in-place formula).
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T backward_from_output(T y, T dy) const {
        return backward(y, dy);
    }
};

// Leaky ReLU: y = x > 0 ? x : x * negative_slope, dx = x > 0 ? dy : dy * negative_slope. Exact
// (one multiply or none): bit for bit PyTorch's values on every instruction set, for every input
// and any slope, negative or above 1 included (docs/SEMANTICS.md).
struct LeakyReLU {
    double negative_slope = 0.01;

    static constexpr const char* name = "LeakyReLU";
    static constexpr int operations = 3;  // a compare, a multiply and a select
    RECTIFY_HOST_DEVICE constexpr double forward_ulp_bound() const { return 0.0; }  // exact
    // torch.nn.init.calculate_gain('leaky_relu', negative_slope)
    double gain() const { return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope)); }

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

    // From the saved output y = f(x), for negative_slope >= 0 (validate_from_output): then y > 0
    // exactly when x > 0, and this is backward with y in place of x, bit for bit.
    template <class T>
    RECTIFY_DETAIL_ALWAYS_INLINE RECTIFY_HOST_DEVICE constexpr T backward_from_output(T y, T dy) const {
        return backward(y, dy);
    }
    // PyTorch refuses the in-place backward for a negative slope, and so does rectify: Leaky ReLU
    // then maps negative x to positive y, and y > 0 no longer tells x > 0 apart. NaN is refused too.
    void validate_from_output(const char* function) const {
        if (!(negative_slope >= 0.0))
            detail::bad_parameter(function, "LeakyReLU negative_slope", negative_slope,
                                  "the output determines the gradient only for negative_slope >= 0 (keep x and "
                                  "call rectify::backward)");
    }
};

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_RELU_HPP

#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_ACTIVATIONS_RELU_VECTOR)
#define RECTIFY_ACTIVATIONS_RELU_VECTOR

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
struct batch_math<ReLU, T> {
    explicit batch_math(const ReLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        using B = xsimd::batch<T, A>;
        if constexpr (max_keeps_second_operand) {
            // One instruction: x86's max(0, x) returns its second operand x when x is NaN and when
            // the two compare equal (x = -0), which is PyTorch's x < 0 ? 0 : x exactly.
            return xsimd::max(B(T(0)), x);
        } else {
            return detail::select(x < B(T(0)), B(T(0)), x);  // -0 and NaN pass through
        }
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(x <= B(T(0)), B(T(0)), dy);  // NaN x: dy
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        return backward(y, dy);  // y > 0 exactly when x > 0
    }
};

// ReLU on bfloat16 or half needs no arithmetic: its result is x or +0 (forward), dy or +0
// (backward). So it runs on the 16-bit patterns as int16 lanes, twice as many per batch as float
// lanes and with no widening and rounding, and gives the bits the float math gives on the widened
// values rounded once: every value unchanged, a NaN with its quiet bit set (as the rounding sets
// it). As signed 16-bit integers the patterns come in this order: -0 (INT16_MIN); the negative
// values, -denorm_min (INT16_MIN + 1) to -inf (negative_infinity); the negative NaNs (up to -1);
// +0 (0); the positive values up to +inf; the positive NaNs.
template <class S>
inline constexpr bool has_bits_math<ReLU, S> = is_16bit<S>;

template <class S>
struct bits_math<ReLU, S> {
    using I = std::int16_t;
    static constexpr I infinity_bits = static_cast<I>(std::numeric_limits<S>::infinity().bits());
    static constexpr I negative_infinity = static_cast<I>(0x8000u | std::numeric_limits<S>::infinity().bits());
    static constexpr I quiet_bit = static_cast<I>(std::numeric_limits<S>::quiet_NaN().bits() & ~std::numeric_limits<S>::infinity().bits());

    explicit bits_math(const ReLU&) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<I, A> forward(const xsimd::batch<I, A>& x) const {
        using B = xsimd::batch<I, A>;
        // x < 0: below -0 and not a NaN; -0 and NaN pass (NaN quieted).
        const auto negative = (x > B(std::numeric_limits<I>::min())) & (x <= B(negative_infinity));
        return detail::select(negative, B(I(0)), quieted(x));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<I, A> backward(const xsimd::batch<I, A>& x, const xsimd::batch<I, A>& dy) const {
        using B = xsimd::batch<I, A>;
        // x <= 0: +0, or -0 through -inf; a NaN x is not, and gives dy.
        const auto non_positive = (x == B(I(0))) | (x <= B(negative_infinity));
        return detail::select(non_positive, B(I(0)), quieted(dy));
    }

private:
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE static xsimd::batch<I, A> quieted(const xsimd::batch<I, A>& v) {
        using B = xsimd::batch<I, A>;
        const auto nan = (v & B(I(0x7FFF))) > B(infinity_bits);
        return detail::select(nan, v | B(quiet_bit), v);
    }
};

// v * slope where !(x > 0) (x <= 0 or NaN), v elsewhere: Leaky ReLU's forward (v = x) and backward
// (v = dy). On AVX-512 one compare and one masked multiply, the product written only into the
// selected lanes; elsewhere xsimd's compare, multiply and blend (GCC does not fold the blend into
// the multiply's mask: 3 instructions a batch against 2). The same bits either way.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> scaled_where_not_positive(const xsimd::batch<T, A>& x,
                                                                        const xsimd::batch<T, A>& v,
                                                                        const xsimd::batch<T, A>& slope) {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
        const __mmask16 m = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NGT_UQ);  // NaN: true
        return xsimd::batch<T, A>(_mm512_mask_mul_ps(v, m, v, slope));
    } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
        const __mmask8 m = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_NGT_UQ);
        return xsimd::batch<T, A>(_mm512_mask_mul_pd(v, m, v, slope));
    } else
#endif
        return detail::select(x > xsimd::batch<T, A>(T(0)), v, v * slope);
}

// Leaky ReLU's lane math with the slope given per lane; PReLU's channels-last kernel passes a
// batch of per-channel weights, Leaky ReLU and per-channel PReLU a broadcast slope.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_forward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& slope) {
    return scaled_where_not_positive(x, x, slope);  // NaN x: NaN * slope
}

// Whether leaky_forward_max_form gives leaky_forward's bits for this slope: 0 < slope <= 1 (every
// slope people use), on x86. The rounded product x * slope lies between x and 0 (rounding is
// monotonic), so max(x, x * slope) picks x for x > 0 (+inf too: slope * inf = inf) and the product
// for x < 0; ±0 give (±0) * slope either way, and for a NaN x the product, NaN, is the second
// operand, which x86's max returns. Not slope = 0: 0 * inf is NaN, which max would return for +inf.
template <class T>
constexpr bool leaky_max_form(T slope) {
    return max_keeps_second_operand && slope > T(0) && slope <= T(1);
}
// Two instructions without a mask (and without the copy a masked multiply needs to keep x): faster
// for bfloat16 PReLU channels first (batch_math per channel).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_forward_max_form(const xsimd::batch<T, A>& x,
                                                                     const xsimd::batch<T, A>& slope) {
    return xsimd::max(x, x * slope);
}
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> leaky_backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy,
                                         const xsimd::batch<T, A>& slope) {
    return scaled_where_not_positive(x, dy, slope);
}

template <class T>
struct batch_math<LeakyReLU, T> {
    T slope;
    bool max_form;  // leaky_max_form(slope); the branch on it is the same for every batch of a call
    explicit batch_math(const LeakyReLU& act)
        : slope(static_cast<T>(act.negative_slope)), max_form(leaky_max_form(slope)) {}

    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        const xsimd::batch<T, A> s(slope);
        return max_form ? leaky_forward_max_form(x, s) : leaky_forward(x, s);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return leaky_backward(x, dy, xsimd::batch<T, A>(slope));
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward_from_output(const xsimd::batch<T, A>& y,
                                                                         const xsimd::batch<T, A>& dy) const {
        return backward(y, dy);  // slope >= 0: y > 0 exactly when x > 0
    }
};

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_ACTIVATIONS_RELU_VECTOR
