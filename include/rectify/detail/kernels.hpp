// rectify/detail/kernels.hpp — forward and backward of any activation over raw arrays.
//
// The only place that chooses between the batch math (activation_batch.hpp) and the scalar math
// (activations.hpp): everything else calls forward_n / backward_n.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "loops.hpp"

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
    } else {
        const batch_math<Act, C> math(act);  // parameters converted to C once
        transform(n, y, [math](const batch<C>& v) RECTIFY_DETAIL_INLINE_LAMBDA { return math.forward(v); }, x);
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
    } else {
        const batch_math<Act, C> math(act);
        transform(n, dx, [math](const batch<C>& v, const batch<C>& g) RECTIFY_DETAIL_INLINE_LAMBDA { return math.backward(v, g); }, x, dy);
    }
#else
    transform(n, dx, [act](C v, C g) { return act.backward(v, g); }, x, dy);
#endif
}

}  // namespace rectify::detail
