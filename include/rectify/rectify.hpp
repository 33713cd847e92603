// rectify/rectify.hpp — the CPU API: activation kernels over arrays, PReLU, argument checks.
//
// Needs xsimd (8.1 or later) and C++20. The kernels vectorize for the instruction set the code is
// compiled for (xsimd's default_arch: build with -march=native, -mavx2, ... for wider vectors);
// with none enabled, or with RECTIFY_NO_SIMD defined, they run the scalar math of activations.hpp.
//
// Array arguments are any contiguous sized ranges of float or double: std::vector, std::array,
// std::span, Eigen-free plain arrays. The checked forms throw std::invalid_argument — before
// writing anything — when sizes differ, when an output overlaps an input partially (the very
// same array is fine: in place), or when a PReLU shape or weight does not fit. The pointer forms
// cannot check anything: the caller guarantees n valid elements behind every pointer and no
// partial overlap (y == x, dx == dy are allowed).
//
// Do not compile with -ffast-math (or -ffinite-math-only / -fassociative-math): the kernels'
// NaN, infinity and signed-zero behaviour and the compensated sums rely on IEEE arithmetic.
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

#include "activations.hpp"
#include "detail/checks.hpp"
#include "detail/kernels.hpp"
#include "detail/prelu.hpp"
#include "detail/simd.hpp"

namespace rectify {

// Elements of T per vector in the kernels (1 on the scalar path).
template <class T>
inline constexpr std::size_t simd_width = detail::lanes<T>;

// The instruction set the kernels were compiled for, e.g. "avx2", "fma3+avx2", "sse2", "scalar".
inline const char* simd_arch_name() { return detail::arch_name(); }

namespace detail {

template <class T>
inline constexpr bool is_element = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class R>
concept array_like = std::ranges::contiguous_range<R> && std::ranges::sized_range<R>;

template <class R>
using element_of = std::remove_cvref_t<std::ranges::range_reference_t<R>>;

template <class R>
std::span<const element_of<R>> input_span(R&& r) {
    static_assert(is_element<element_of<R>>, "rectify: arrays must hold float or double");
    return {std::ranges::data(r), std::ranges::size(r)};
}

template <class R>
std::span<element_of<R>> output_span(R&& r) {
    static_assert(is_element<element_of<R>>, "rectify: arrays must hold float or double");
    static_assert(!std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>,
                  "rectify: an output array must be writable (not const)");
    return {std::ranges::data(r), std::ranges::size(r)};
}

template <class Act, class T>
void checked_forward(const char* function, const Act& act, std::span<const T> x, std::span<T> y) {
    require_same_size(function, "x", x.size(), "y", y.size());
    require_in_place_or_disjoint(function, "y", y, "x", x);
    forward_n(act, x.data(), y.data(), x.size());
}

template <class Act, class T>
void checked_backward(const char* function, const Act& act, std::span<const T> x, std::span<const T> dy,
                      std::span<T> dx) {
    require_same_size(function, "x", x.size(), "dy", dy.size());
    require_same_size(function, "x", x.size(), "dx", dx.size());
    require_in_place_or_disjoint(function, "dx", dx, "x", x);
    require_in_place_or_disjoint(function, "dx", dx, "dy", dy);
    backward_n(act, x.data(), dy.data(), dx.data(), x.size());
}

}  // namespace detail

// y = f(x). Sizes must match; y may be x itself.
template <class Act, detail::array_like X, detail::array_like Y>
void forward(const Act& act, X&& x, Y&& y) {
    detail::checked_forward("rectify::forward", act, detail::input_span(x), detail::output_span(y));
}

// dx = f'(x) * dy. Sizes must match; dx may be dy (or x) itself.
template <class Act, detail::array_like X, detail::array_like DY, detail::array_like DX>
void backward(const Act& act, X&& x, DY&& dy, DX&& dx) {
    detail::checked_backward("rectify::backward", act, detail::input_span(x), detail::input_span(dy),
                             detail::output_span(dx));
}

// The signatures of API.md with an explicit element type (forward<ReLU, float>(act, x, y) with
// std::vector arguments, for instance): the same checks.
template <class Act, class T>
    requires detail::is_element<T>
void forward(const Act& act, std::span<const T> x, std::span<T> y) {
    detail::checked_forward("rectify::forward", act, x, y);
}
template <class Act, class T>
    requires detail::is_element<T>
void backward(const Act& act, std::span<const T> x, std::span<const T> dy, std::span<T> dx) {
    detail::checked_backward("rectify::backward", act, x, dy, dx);
}

// Unchecked pointer forms: n elements behind each pointer; y may equal x, dx may equal dy.
template <class Act, class T>
void forward(const Act& act, const T* x, T* y, std::size_t n) {
    static_assert(detail::is_element<T>, "rectify: arrays must hold float or double");
    detail::forward_n(act, x, y, n);
}
template <class Act, class T>
void backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
    static_assert(detail::is_element<T>, "rectify: arrays must hold float or double");
    detail::backward_n(act, x, dy, dx, n);
}

// Named shorthands with PyTorch's defaults; the same checks, reported under their own names.
template <detail::array_like X, detail::array_like Y>
void relu(X&& x, Y&& y) {
    detail::checked_forward("rectify::relu", ReLU{}, detail::input_span(x), detail::output_span(y));
}
template <detail::array_like X, detail::array_like DY, detail::array_like DX>
void relu_backward(X&& x, DY&& dy, DX&& dx) {
    detail::checked_backward("rectify::relu_backward", ReLU{}, detail::input_span(x), detail::input_span(dy),
                             detail::output_span(dx));
}
template <detail::array_like X, detail::array_like Y>
void leaky_relu(X&& x, Y&& y, double negative_slope = 0.01) {
    detail::checked_forward("rectify::leaky_relu", LeakyReLU{negative_slope}, detail::input_span(x),
                            detail::output_span(y));
}
template <detail::array_like X, detail::array_like DY, detail::array_like DX>
void leaky_relu_backward(X&& x, DY&& dy, DX&& dx, double negative_slope = 0.01) {
    detail::checked_backward("rectify::leaky_relu_backward", LeakyReLU{negative_slope}, detail::input_span(x),
                             detail::input_span(dy), detail::output_span(dx));
}
template <detail::array_like X, detail::array_like Y>
void elu(X&& x, Y&& y, double alpha = 1.0) {
    detail::checked_forward("rectify::elu", ELU{alpha}, detail::input_span(x), detail::output_span(y));
}
template <detail::array_like X, detail::array_like DY, detail::array_like DX>
void elu_backward(X&& x, DY&& dy, DX&& dx, double alpha = 1.0) {
    detail::checked_backward("rectify::elu_backward", ELU{alpha}, detail::input_span(x), detail::input_span(dy),
                             detail::output_span(dx));
}
template <detail::array_like X, detail::array_like Y>
void silu(X&& x, Y&& y) {
    detail::checked_forward("rectify::silu", SiLU{}, detail::input_span(x), detail::output_span(y));
}
template <detail::array_like X, detail::array_like DY, detail::array_like DX>
void silu_backward(X&& x, DY&& dy, DX&& dx) {
    detail::checked_backward("rectify::silu_backward", SiLU{}, detail::input_span(x), detail::input_span(dy),
                             detail::output_span(dx));
}

namespace detail {

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

}  // namespace detail

// PReLU: y = x > 0 ? x : weight[c] * x, c the channel of the element in the [outer][channels][inner]
// view of x. weight has 1 element (shared) or shape.channels; x must have outer*channels*inner
// elements; y may be x itself but must not overlap weight.
template <detail::array_like X, detail::array_like Wt, detail::array_like Y>
void prelu(X&& x, Wt&& weight, Y&& y, ChannelShape shape) {
    const auto xs = detail::input_span(x);
    const auto ws = detail::input_span(weight);
    static_assert(std::is_same_v<decltype(xs), decltype(ws)>, "rectify::prelu: x and weight must have one type");
    detail::checked_prelu(xs, ws, detail::output_span(y), shape);
}
template <class T>
    requires detail::is_element<T>
void prelu(std::span<const T> x, std::span<const T> weight, std::span<T> y, ChannelShape shape) {
    detail::checked_prelu(x, weight, y, shape);
}

// PReLU backward: dx = x > 0 ? dy : weight[c] * dy, and dweight (the size of weight) is
// overwritten with sum(x * dy) over the elements with !(x > 0) of each channel (of all elements
// for a shared weight). dx may be dy (or x) itself; dweight must not overlap any other array.
// dweight is summed in a fixed order: bit-identical from run to run.
template <detail::array_like X, detail::array_like Wt, detail::array_like DY, detail::array_like DX,
          detail::array_like DW>
void prelu_backward(X&& x, Wt&& weight, DY&& dy, DX&& dx, DW&& dweight, ChannelShape shape) {
    const auto xs = detail::input_span(x);
    const auto ws = detail::input_span(weight);
    const auto dys = detail::input_span(dy);
    const auto dxs = detail::output_span(dx);
    const auto dws = detail::output_span(dweight);
    static_assert(std::is_same_v<decltype(xs), decltype(ws)> && std::is_same_v<decltype(xs), decltype(dys)> &&
                      std::is_same_v<decltype(dxs), decltype(dws)>,
                  "rectify::prelu_backward: all arrays must have one element type");
    detail::checked_prelu_backward(xs, ws, dys, dxs, dws, shape);
}
template <class T>
    requires detail::is_element<T>
void prelu_backward(std::span<const T> x, std::span<const T> weight, std::span<const T> dy, std::span<T> dx,
                    std::span<T> dweight, ChannelShape shape) {
    detail::checked_prelu_backward(x, weight, dy, dx, dweight, shape);
}

}  // namespace rectify

// Training helpers: backward from the saved output, initialisation gains, He/Kaiming
// initialisation, the dead-unit monitor (training.hpp, which includes this header).
#include "training.hpp"
