// rectify/detail/kernels.hpp — forward and backward of any activation over raw arrays.
//
// The only place that chooses between the batch math (activation_batch.hpp) and the scalar math
// (activations.hpp): everything else calls forward_n / backward_n.
#pragma once

#include <cstddef>

#include "../activations.hpp"
#include "activation_batch.hpp"
#include "loops.hpp"

namespace rectify::detail {

template <class Act, class T>
inline void forward_n(const Act& act, const T* x, T* y, std::size_t n) {
#if RECTIFY_DETAIL_SIMD
    const batch_math<Act, T> math(act);  // parameters converted to T once
    transform(n, y, [math](const batch<T>& v) RECTIFY_DETAIL_INLINE_LAMBDA { return math.forward(v); }, x);
#else
    transform(n, y, [act](T v) { return act(v); }, x);
#endif
}

template <class Act, class T>
inline void backward_n(const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
#if RECTIFY_DETAIL_SIMD
    const batch_math<Act, T> math(act);
    transform(n, dx, [math](const batch<T>& v, const batch<T>& g) RECTIFY_DETAIL_INLINE_LAMBDA { return math.backward(v, g); }, x, dy);
#else
    transform(n, dx, [act](T v, T g) { return act.backward(v, g); }, x, dy);
#endif
}

}  // namespace rectify::detail
