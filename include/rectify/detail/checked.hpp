// rectify/detail/checked.hpp — the definitions behind rectify.hpp's public functions: the kernels'
// entry points (the array forms' argument checks are in rectify.hpp) and PReLU's, which check their
// arguments here.
//
// Header-only builds (the default) include this from rectify.hpp, and every file instantiates what
// it calls. With RECTIFY_EXTERN_KERNELS only src/instances.cpp (the rectify::kernels library) and
// <rectify/eigen.hpp> include it, so a file that only calls the array API parses neither the
// kernels nor xsimd.
#pragma once

#include <cstddef>
#include <span>

#include "../activations.hpp"
#include "checks.hpp"
#include "kernels.hpp"
#include "prelu.hpp"
#include "simd.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {

template <class T>
void checked_prelu(std::span<const T> xs, std::span<const T> ws, std::span<T> ys, ChannelShape shape) {
    constexpr const char* function = "rectify::prelu";
    require_prelu_shape(function, shape, xs.size(), ws.size());
    require_same_size(function, "x", xs.size(), "y", ys.size());
    require_in_place_or_disjoint(function, "y", ys, "x", xs);
    require_disjoint(function, "y", ys, "weight", ws);
    prelu_forward(xs.data(), ws.data(), ws.size(), ys.data(), shape);
}

template <class T>
void checked_prelu_backward(std::span<const T> xs, std::span<const T> ws, std::span<const T> dys, std::span<T> dxs,
                            std::span<T> dws, ChannelShape shape) {
    constexpr const char* function = "rectify::prelu_backward";
    require_prelu_shape(function, shape, xs.size(), ws.size());
    require_same_size(function, "x", xs.size(), "dy", dys.size());
    require_same_size(function, "x", xs.size(), "dx", dxs.size());
    require_same_size(function, "weight", ws.size(), "dweight", dws.size());
    require_in_place_or_disjoint(function, "dx", dxs, "x", xs);
    require_in_place_or_disjoint(function, "dx", dxs, "dy", dys);
    require_disjoint(function, "dx", dxs, "weight", ws);
    require_disjoint(function, "dweight", dws, "x", xs);
    require_disjoint(function, "dweight", dws, "weight", ws);
    require_disjoint(function, "dweight", dws, "dy", dys);
    require_disjoint(function, "dweight", dws, "dx", dxs);
    prelu_backward(xs.data(), ws.data(), ws.size(), dys.data(), dxs.data(), dws.data(), shape);
}

template <class Act, class T>
void unchecked_forward(const Act& act, const T* x, T* y, std::size_t n) {
    forward_n(act, x, y, n);
}

template <class Act, class T>
void unchecked_backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
    backward_n(act, x, dy, dx, n);
}

template <class Act, class T>
void unchecked_backward_from_output(const Act& act, const T* y, const T* dy, T* dx, std::size_t n) {
    backward_from_output_n(act, y, dy, dx, n);
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS
