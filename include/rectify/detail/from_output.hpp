// rectify/detail/from_output.hpp — the input gradient computed from the saved output y = f(x).
//
// Training code that overwrites its pre-activations with the activations (PyTorch's
// inplace=True) no longer has x at backward time, only y. For the activations whose output
// determines the gradient, from_output_math<Act, T> gives dx from (y, dy), as a scalar and on
// xsimd batches of any arch, next to each other:
//   ReLU        y <= 0 ? 0 : dy                y > 0 exactly when x > 0
//   LeakyReLU   y > 0 ? dy : dy * slope        slope >= 0: y > 0 exactly when x > 0
//   ELU         y > 0 ? dy : dy * (y + alpha)  alpha >= 0: y > 0 exactly when x > 0, and for
//                                              x <= 0, alpha * exp(x) = alpha * expm1(x) + alpha = y + alpha
// These are PyTorch's formulas for its in-place variants. ReLU's and Leaky ReLU's are the
// input-based formulas with y in place of x, so they call the activation's own backward (scalar
// and batch) and agree with it bit for bit. ELU's is new math and lives here only. The public
// functions reject a negative slope or alpha before calling anything here.
//
// NaN: y = NaN gives dy for ReLU (as the input-based backward at x = NaN), dy * slope for Leaky
// ReLU (the same), and NaN for ELU — PyTorch's `y <= 0 ? ... : dy` would give dy; written as
// `y > 0 ? dy : ...` it gives NaN, as rectify's input-based ELU gradient does on every path.
#pragma once

#include <cstddef>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "loops.hpp"
#include "simd.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class Act, class T>
struct from_output_math;  // no definition: an activation whose output does not determine dx

template <class T>
struct from_output_math<ReLU, T> {
    explicit from_output_math(const ReLU&) {}

    T operator()(T y, T dy) const { return ReLU{}.backward(y, dy); }
#if RECTIFY_DETAIL_SIMD
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> operator()(const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& dy) const {
        return batch_math<ReLU, T>(ReLU{}).backward(y, dy);
    }
#endif
};

template <class T>
struct from_output_math<LeakyReLU, T> {
    LeakyReLU act;
#if RECTIFY_DETAIL_SIMD
    batch_math<LeakyReLU, T> math;
    explicit from_output_math(const LeakyReLU& a) : act(a), math(a) {}
#else
    explicit from_output_math(const LeakyReLU& a) : act(a) {}
#endif

    T operator()(T y, T dy) const { return act.backward(y, dy); }  // slope >= 0: y > 0 iff x > 0
#if RECTIFY_DETAIL_SIMD
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> operator()(const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& dy) const {
        return math.backward(y, dy);
    }
#endif
};

template <class T>
struct from_output_math<ELU, T> {
    T alpha;  // converted once, as the forward converted it
    explicit from_output_math(const ELU& act) : alpha(static_cast<T>(act.alpha)) {}

    // y + alpha is alpha * exp(x) up to y's rounding: absolute error about eps * alpha, so the
    // gradient is within a few eps * alpha * |dy| of the input-based one (exact where y is).
    // NaN > 0 is false: a NaN y gives NaN.
    T operator()(T y, T dy) const { return y > T(0) ? dy : dy * (y + alpha); }
#if RECTIFY_DETAIL_SIMD
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> operator()(const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& dy) const {
        using B = xsimd::batch<T, A>;
        return detail::select(y > B(T(0)), dy, dy * (y + B(alpha)));
    }
#endif
};

// dx[i] = f'(x[i]) * dy[i] from y[i] = f(x[i]); dx may be dy or y itself.
// S is the storage type, computed in compute_t<S> (storage.hpp).
template <class Act, class S>
inline void backward_from_output_n(const Act& act, const S* y, const S* dy, S* dx, std::size_t n) {
    using C = compute_t<S>;
    const from_output_math<Act, C> math(act);
#if RECTIFY_DETAIL_SIMD
    transform(n, dx, [&math](const batch<C>& v, const batch<C>& g) RECTIFY_DETAIL_INLINE_LAMBDA { return math(v, g); }, y, dy);
#else
    transform(n, dx, [&math](C v, C g) { return math(v, g); }, y, dy);
#endif
}

}  // namespace rectify::detail
