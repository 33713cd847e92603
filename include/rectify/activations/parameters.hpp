// rectify/activations/parameters.hpp — what the activation types share beyond their math: the
// message of a bad parameter, and the traits the library reads off a type.
//
// An activation type's members (activations/relu.hpp is the model, docs/API.md the user's view):
//   operator()(x), backward(x, dy)           the scalar math, T = float or double      (required)
//   name                                     its name in messages and tables            (listed ones)
//   forward_ulp_bound()                      the forward bound in ULP, 0 = exact        (listed ones)
//   validate(function)                       throws std::invalid_argument for a bad parameter
//   backward_from_output(y, dy)              dx from y = f(x), where y determines x
//   validate_from_output(function)           throws where a parameter makes y not determine x
//   gain()                                   torch.nn.init.calculate_gain's value, where it has one
//   vector_forward(b), vector_backward(b, g) a user type's own vector math on xsimd batches
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "../detail/arch_namespace.hpp"

namespace rectify {

// Compiled for the file's instruction set, as the rest of the library (detail/arch_namespace.hpp):
// files built with different flags never share a definition.
namespace detail::inline RECTIFY_DETAIL_ARCH_NS {
// "rectify::softplus: Softplus beta is -1; it must be > 0", from the function, the parameter's
// name, its value and the rule (or what to do instead).
[[noreturn]] inline void bad_parameter(const char* function, const char* parameter, double value, const char* rule) {
    std::ostringstream text;
    text << function << ": " << parameter << " is " << value << "; " << rule;
    throw std::invalid_argument(text.str());
}
}  // namespace detail::inline RECTIFY_DETAIL_ARCH_NS

// Whether the output y = f(x) determines the gradient, so that code which overwrites x with y can
// call backward_from_output (training.hpp).
template <class Act>
concept has_backward_from_output = requires(const Act& act, float y, double yd) {
    act.backward_from_output(y, y);
    act.backward_from_output(yd, yd);
};

namespace detail::inline RECTIFY_DETAIL_ARCH_NS {
template <class Act>
concept has_validate = requires(const Act& act) { act.validate("f"); };
template <class Act>
concept has_validate_from_output = requires(const Act& act) { act.validate_from_output("f"); };

// The parameter checks of the public functions: before anything is read or written.
template <class Act>
void validate(const char* function, const Act& act) {
    if constexpr (has_validate<Act>) act.validate(function);
}
template <class Act>
void validate_from_output(const char* function, const Act& act) {
    validate(function, act);
    if constexpr (has_validate_from_output<Act>) act.validate_from_output(function);
}
}  // namespace detail::inline RECTIFY_DETAIL_ARCH_NS

}  // namespace rectify
