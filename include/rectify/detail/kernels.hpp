// rectify/detail/kernels.hpp — forward and backward of any activation over raw arrays.
//
// The only place that chooses between the vector math (activation_batch.hpp: the listed
// activations' batch_math, or a user type's vector hook) and the scalar math (operator() and
// backward: a user type without the hook, and every type without SIMD): everything else calls
// forward_n / backward_n / backward_from_output_n.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "loops.hpp"
#include "scalar_loop.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// S is the storage type; the math runs in C = compute_t<S> (float for bfloat16 and half).
// An activation with bits_math on S (ReLU on bfloat16 and half) runs on the 16-bit patterns.
#if RECTIFY_DETAIL_SIMD
template <class S>
inline std::int16_t* as_bits(S* p) {
    return reinterpret_cast<std::int16_t*>(p);  // the signed type of S's one member: may alias it
}
template <class S>
inline const std::int16_t* as_bits(const S* p) {
    return reinterpret_cast<const std::int16_t*>(p);
}
#endif

template <class Act, class S>
inline void forward_n(const Act& act, const S* x, S* y, std::size_t n) {
    using C = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    if constexpr (has_bits_math<Act, S>) {
        const bits_math<Act, S> math(act);
        transform(n, as_bits(y), [math](const batch<std::int16_t>& v) RECTIFY_DETAIL_INLINE_LAMBDA { return math.forward(v); },
                  as_bits(x));
    } else if constexpr (has_vector_math<Act>) {
        const vector_math<Act, C> math(act);  // parameters converted to C once
        transform(n, y, [math](const batch<C>& v) RECTIFY_DETAIL_INLINE_LAMBDA { return math.forward(v); }, x);
    } else {
        scalar_forward_n(act, x, y, n);
    }
#else
    transform(n, y, [act](C v) { return act(v); }, x);
#endif
}

template <class Act, class S>
inline void backward_n(const Act& act, const S* x, const S* dy, S* dx, std::size_t n) {
    using C = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    if constexpr (has_bits_math<Act, S>) {
        const bits_math<Act, S> math(act);
        transform(n, as_bits(dx), [math](const batch<std::int16_t>& v, const batch<std::int16_t>& g) RECTIFY_DETAIL_INLINE_LAMBDA {
            return math.backward(v, g);
        }, as_bits(x), as_bits(dy));
    } else if constexpr (has_vector_math<Act>) {
        const vector_math<Act, C> math(act);
        transform(n, dx, [math](const batch<C>& v, const batch<C>& g) RECTIFY_DETAIL_INLINE_LAMBDA { return math.backward(v, g); }, x, dy);
    } else {
        scalar_backward_n(act, x, dy, dx, n);
    }
#else
    transform(n, dx, [act](C v, C g) { return act.backward(v, g); }, x, dy);
#endif
}

// dx[i] = f'(x[i]) * dy[i] from the saved output y[i] = f(x[i]) (Act::backward_from_output); dx may
// be dy or y itself.
template <class Act, class S>
inline void backward_from_output_n(const Act& act, const S* y, const S* dy, S* dx, std::size_t n) {
    using C = compute_t<S>;
#if RECTIFY_DETAIL_SIMD
    if constexpr (listed_activation<Act>) {
        const batch_math<Act, C> math(act);
        transform(n, dx, [math](const batch<C>& v, const batch<C>& g) RECTIFY_DETAIL_INLINE_LAMBDA {
            return math.backward_from_output(v, g);
        }, y, dy);
    } else {
        scalar_backward_from_output_n(act, y, dy, dx, n);
    }
#else
    transform(n, dx, [act](C v, C g) { return act.backward_from_output(v, g); }, y, dy);
#endif
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS
