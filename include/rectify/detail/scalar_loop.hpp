// rectify/detail/scalar_loop.hpp — an activation's scalar math over arrays, element by element.
//
// For a user's activation type without vector math (docs/API.md, "Your own activation"): its
// operator() and backward on each element, 16-bit types widened to float and rounded once, as the
// vector loops do. Needs neither xsimd nor the kernels, so a file that links rectify::kernels or
// rectify::dispatch (whose compiled kernels hold the listed activations only) runs a user type here.
// One thread, no streaming stores: what the vector loops add for speed needs vector math.
#pragma once

#include <cstddef>

#include "../half.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class Act, class S>
void scalar_forward_n(const Act& act, const S* x, S* y, std::size_t n) {
    using C = compute_t<S>;
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<S>(act(static_cast<C>(x[i])));
}

template <class Act, class S>
void scalar_backward_n(const Act& act, const S* x, const S* dy, S* dx, std::size_t n) {
    using C = compute_t<S>;
    for (std::size_t i = 0; i < n; ++i) dx[i] = static_cast<S>(act.backward(static_cast<C>(x[i]), static_cast<C>(dy[i])));
}

template <class Act, class S>
void scalar_backward_from_output_n(const Act& act, const S* y, const S* dy, S* dx, std::size_t n) {
    using C = compute_t<S>;
    for (std::size_t i = 0; i < n; ++i)
        dx[i] = static_cast<S>(act.backward_from_output(static_cast<C>(y[i]), static_cast<C>(dy[i])));
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS
