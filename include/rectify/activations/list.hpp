// rectify/activations/list.hpp — the activations rectify holds, as one list.
//
// Everything that names the activations one by one is generated from RECTIFY_FOR_EACH_ACTIVATION:
// the shorthands (rectify.hpp and eigen.hpp), the kernels that rectify::kernels and rectify::dispatch
// hold compiled (detail/instances.hpp, src/dispatch/), the benchmark's rows and the typed tests.
// Each entry is X(Type, shorthand, gradient, ...): the type in namespace rectify, the name of its
// shorthand functions (shorthand(x, y, parameters...) and shorthand_backward(x, dy, dx, parameters...)),
// and `from_output` where the output determines the gradient (the type has backward_from_output;
// a static_assert below checks that the column and the type agree) or `from_input`. Whatever
// follows X in RECTIFY_FOR_EACH_ACTIVATION(X, ...) is passed on to every X (an element type, say).
//
// Adding an activation: its family file (the types, scalar and vector math, traits), its line here
// and the file's #include below; its row in docs and its test reference (CONTRIBUTING.md).
//
// This file is included twice (no #pragma once): by activations.hpp for the types, and by
// detail/activation_batch.hpp again for the families' vector math (their second parts).
#include "relu.hpp"
#include "elu.hpp"
#include "silu.hpp"
#include "celu.hpp"
#include "hard.hpp"
#include "softplus.hpp"
#include "gelu.hpp"
#include "sigmoid.hpp"

#if !defined(RECTIFY_ACTIVATIONS_LIST_HPP)
#define RECTIFY_ACTIVATIONS_LIST_HPP

#include <type_traits>

#include "parameters.hpp"

// clang-format off
#define RECTIFY_FOR_EACH_ACTIVATION(X, ...) \
    X(ReLU,      relu,       from_output, __VA_ARGS__) \
    X(LeakyReLU, leaky_relu, from_output, __VA_ARGS__) \
    X(ELU,       elu,        from_output, __VA_ARGS__) \
    X(SiLU,      silu,       from_input,  __VA_ARGS__) \
    X(GELU,      gelu,       from_input,  __VA_ARGS__) \
    X(SELU,      selu,       from_output, __VA_ARGS__) \
    X(CELU,      celu,       from_output, __VA_ARGS__) \
    X(Hardswish,   hardswish,   from_input,  __VA_ARGS__) \
    X(Hardsigmoid, hardsigmoid, from_input,  __VA_ARGS__) \
    X(Hardtanh,    hardtanh,    from_output, __VA_ARGS__) \
    X(Softplus,    softplus,    from_output, __VA_ARGS__) \
    X(Mish,        mish,        from_input,  __VA_ARGS__) \
    X(Sigmoid,     sigmoid,     from_output, __VA_ARGS__) \
    X(Tanh,        tanh,        from_output, __VA_ARGS__) \
    X(Swish,       swish,       from_input,  __VA_ARGS__) \
    X(ReLU6,       relu6,       from_output, __VA_ARGS__)
// clang-format on

// The gradient column as a value and as an instantiation of the from-output entry point.
#define RECTIFY_DETAIL_GRADIENT_from_output true
#define RECTIFY_DETAIL_GRADIENT_from_input false

namespace rectify {

namespace detail {
#define RECTIFY_DETAIL_IS_ACTIVATION(Type, shorthand, gradient, ...) || std::is_same_v<Act, ::rectify::Type>
// Whether Act is one of the listed activations (compiled into rectify::kernels and rectify::dispatch).
template <class Act>
inline constexpr bool listed_activation = false RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_IS_ACTIVATION);
#undef RECTIFY_DETAIL_IS_ACTIVATION

#define RECTIFY_DETAIL_CHECK_GRADIENT_COLUMN(Type, shorthand, gradient, ...)                                       \
    static_assert(has_backward_from_output<::rectify::Type> == RECTIFY_DETAIL_GRADIENT_##gradient,          \
                  "activations/list.hpp: the gradient column of " #Type " disagrees with whether the type has " \
                  "backward_from_output");
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_CHECK_GRADIENT_COLUMN)
#undef RECTIFY_DETAIL_CHECK_GRADIENT_COLUMN

// The listed activations as a type list, for code that walks them (the tests, the benchmark).
template <class... Acts>
struct activation_list {};
template <class Sentinel, class... Acts>  // the macro's expansion starts with a comma: a sentinel takes it
using activation_list_after = activation_list<Acts...>;
#define RECTIFY_DETAIL_LIST_TYPE(Type, shorthand, gradient, ...) , ::rectify::Type
using all_activations = activation_list_after<void RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_LIST_TYPE)>;
#undef RECTIFY_DETAIL_LIST_TYPE
}  // namespace detail

}  // namespace rectify

#endif  // RECTIFY_ACTIVATIONS_LIST_HPP
