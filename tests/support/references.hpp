// The tests' description of every activation of include/rectify/activations/list.hpp, in one place:
// its independent reference, the parameter sets the tests run, its zero-sign rules and its breakpoints.
// The test suite walks rectify::detail::all_activations (test_kernels.cpp, test_accuracy.cpp,
// test_gradients.cpp, test_half.cpp, exhaustive_accuracy.cpp): an activation added to list.hpp is
// tested everywhere once its activation_reference<Type> is written here, and fails to compile
// (require_reference below) until it is.
//
// An entry, activation_reference<rectify::Type>, holds:
//   cases()                        the parameter sets the tests run: {label, the activation}; the first
//                                  is the default (PyTorch's): test_accuracy.cpp measures it on every
//                                  input of its sweeps, the others on every 4th, and the 16-bit
//                                  position test runs it alone;
//   and then one of the two forms of the reference:
//   - an exact activation (forward_ulp_bound() == 0: bit for bit PyTorch's values):
//       forward_bits<T>(act, x)        the value, in T, as PyTorch computes it;
//       backward_bits<T>(act, x, dy)   dx, in T, as PyTorch computes it;
//   - any other (within forward_ulp_bound() ULP; backward within C = 4, accuracy_bounds.hpp):
//       forward<R>(act, x)             the exact value f(x), in R = double (accurate far below a float
//                                      ULP: for float, rectify_exhaustive) or long double (for double);
//       derivative<R>(act, x)          the exact f'(x) (dx = f'(x) * dy), in R likewise;
//     both with the parameters converted to x's type T first, as the library converts them once.
//   Optional members:
//     zero_dx_sign_ok(act, x, dy, got)  the sign rule of a zero dx where the generic one (below,
//                                       zero_dx_sign_ok) is not the activation's contract;
//     measured_backward<T>(act)          the kernel backward's measured maxima (accuracy_bounds.hpp):
//                                       test_accuracy.cpp holds the kernel to them; {0, 0}: none;
//     breakpoints(act)                  the points where f or f' is not smooth (kinks, thresholds):
//                                       test_gradients.cpp keeps its difference quotients away from
//                                       them, and the kernel harness adds them and their neighbours
//                                       to its inputs.
//   The independent references of the families live in tests/support/reference_<family>.hpp
//   (namespace rectify_test::reference: double <name>(x, params...), <name>_grad, and long double
//   <name>_ld, <name>_grad_ld); ReLU's, Leaky ReLU's, ELU's and SiLU's are written here.
//
// Adding an activation: its line in list.hpp, its reference_<family>.hpp, and its entry here (the
// parameter sets: PyTorch's default first, then the ones docs/ACCURACY.md states bounds for). Every
// test then covers it: test_kernels.cpp (the kernel harness), test_accuracy.cpp (the sweeps),
// test_gradients.cpp (finite differences), test_half.cpp (the 16-bit patterns) and
// rectify_exhaustive.
#pragma once

#include <rectify/rectify.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "accuracy_bounds.hpp"
#include "reference_celu.hpp"
#include "reference_gelu.hpp"
#include "reference_hard.hpp"
#include "reference_sigmoid.hpp"
#include "reference_softplus.hpp"
#include "test_support.hpp"

namespace rectify_test {

// One parameter set of an activation, as the tests run it.
template <class Act>
struct Case {
    std::string label;  // "alpha 2", or "" for a type without parameters
    Act act;
};

// The primary template: no reference. Every listed activation needs a specialization below.
template <class Act>
struct activation_reference {
    static constexpr bool missing = true;
};

template <class Act>
concept has_reference = !requires { activation_reference<Act>::missing; };

// Where a test instantiates an activation's checks: a listed activation without its entry fails here.
template <class Act>
constexpr void require_reference() {
    static_assert(has_reference<Act>,
                  "tests/support/references.hpp: this activation (listed in include/rectify/activations/list.hpp) has "
                  "no activation_reference<Type> specialization; write its reference, parameter sets and bounds there");
}

// The two forms of an entry (see the top of this file).
template <class Act>
concept exact_reference = requires(const Act& act, float xf, double xd) {
    { activation_reference<Act>::forward_bits(act, xf) } -> std::same_as<float>;
    { activation_reference<Act>::backward_bits(act, xd, xd) } -> std::same_as<double>;
};
template <class Act>
concept bounded_reference = requires(const Act& act, float xf, double xd) {
    { activation_reference<Act>::template forward<double>(act, xf) } -> std::same_as<double>;
    { activation_reference<Act>::template derivative<long double>(act, xd) } -> std::same_as<long double>;
};

template <class Act>
std::vector<Case<Act>> cases() {
    require_reference<Act>();
    static_assert(!has_reference<Act> || exact_reference<Act> != bounded_reference<Act>,
                  "tests/support/references.hpp: an entry has either forward_bits/backward_bits (an exact activation) "
                  "or forward<R>/derivative<R> (a bounded one)");
    return activation_reference<Act>::cases();
}

// "ELU alpha 2", "SiLU".
template <class Act>
std::string case_name(const Case<Act>& c) {
    return c.label.empty() ? std::string(Act::name) : std::string(Act::name) + " " + c.label;
}

// The backward bound C of docs/ACCURACY.md, the same for every activation: |dx - exact| <= C * (eps *
// max(|exact|, |dy|) + denorm_min).
template <class T>
constexpr double backward_c() { return sizeof(T) == 4 ? bounds::backward_c_float : bounds::backward_c_double; }

// The exact value and derivative of a bounded activation, in R.
template <class R, class Act, class T>
R reference_forward(const Act& act, T x) { return activation_reference<Act>::template forward<R>(act, x); }
template <class R, class Act, class T>
R reference_derivative(const Act& act, T x) { return activation_reference<Act>::template derivative<R>(act, x); }

template <class Act, class T>
bounds::BackwardLimits measured_backward(const Act& act) {
    if constexpr (requires { activation_reference<Act>::template measured_backward<T>(act); })
        return activation_reference<Act>::template measured_backward<T>(act);
    else return {0, 0};
}

template <class Act>
std::vector<double> breakpoints(const Act& act) {
    if constexpr (requires { activation_reference<Act>::breakpoints(act); }) return activation_reference<Act>::breakpoints(act);
    else return {};
}

// The sign of a zero dx of a bounded activation. dx = f'(x) * dy is a product (docs/SEMANTICS.md), so a
// zero dx has the sign of f'(x) times the sign of dy; where |f'(x)| <= C * eps, the computed gradient
// is within the backward bound of 0 and may be a zero or a tiny value of either sign. An entry's own
// zero_dx_sign_ok replaces this rule (ELU's and SiLU's flush limits). Returns true where either sign is
// allowed.
template <class Act, class T>
bool zero_dx_sign_ok(const Act& act, T x, T dy, T got) {
    if constexpr (requires { activation_reference<Act>::zero_dx_sign_ok(act, x, dy, got); }) {
        return activation_reference<Act>::zero_dx_sign_ok(act, x, dy, got);
    } else {
        const long double derivative = reference_derivative<long double>(act, x);
        if (std::isnan(derivative)) return true;
        if (std::fabs(derivative) <= backward_c<T>() * std::numeric_limits<T>::epsilon()) return true;
        return std::signbit(got) == ((derivative < 0) != std::signbit(dy));
    }
}

// ---- ReLU and Leaky ReLU: exact, PyTorch's comparisons --------------------------------------------

template <>
struct activation_reference<rectify::ReLU> {
    static std::vector<Case<rectify::ReLU>> cases() { return {{"", {}}}; }
    template <class T>
    static T forward_bits(const rectify::ReLU&, T x) { return x < T(0) ? T(0) : x; }  // -0 and NaN pass
    template <class T>
    static T backward_bits(const rectify::ReLU&, T x, T dy) { return x <= T(0) ? T(0) : dy; }  // a select
    static std::vector<double> breakpoints(const rectify::ReLU&) { return {0.0}; }
};

template <>
struct activation_reference<rectify::LeakyReLU> {
    // 0.01, 0.1 and 1 take the forward's max form (activations/relu.hpp), the others its mask.
    static std::vector<Case<rectify::LeakyReLU>> cases() {
        return {{"negative_slope 0.01", {0.01}}, {"negative_slope 0.1", {0.1}}, {"negative_slope 1", {1.0}},
                {"negative_slope 1.5", {1.5}},   {"negative_slope -0.5", {-0.5}}, {"negative_slope 0", {0.0}}};
    }
    template <class T>
    static T forward_bits(const rectify::LeakyReLU& a, T x) { return x > T(0) ? x : x * static_cast<T>(a.negative_slope); }
    template <class T>
    static T backward_bits(const rectify::LeakyReLU& a, T x, T dy) {
        return x > T(0) ? dy : dy * static_cast<T>(a.negative_slope);
    }
    static std::vector<double> breakpoints(const rectify::LeakyReLU&) { return {0.0}; }
};

// ---- ELU and SiLU ------------------------------------------------------------------------------------

template <>
struct activation_reference<rectify::ELU> {
    // 1.6732632423543772 is SELU's alpha: an alpha that is not a power of two (forward bound 2.5 ULP).
    static std::vector<Case<rectify::ELU>> cases() {
        return {{"alpha 1", {1.0}},  {"alpha 0.5", {0.5}}, {"alpha 2", {2.0}},
                {"alpha -1", {-1.0}}, {"alpha 1.6733", {1.6732632423543772}}, {"alpha 0", {0.0}}};
    }
    template <class R, class T>
    static R forward(const rectify::ELU& a, T x) {
        const R alpha = static_cast<T>(a.alpha);
        const R v = x;
        return v > 0 ? v : alpha * std::expm1(v);
    }
    template <class R, class T>
    static R derivative(const rectify::ELU& a, T x) {
        const R alpha = static_cast<T>(a.alpha);
        const R v = x;
        return v > 0 ? R(1) : alpha * std::exp(v);
    }
    // 1 for x > 0; otherwise alpha * exp(x), alpha's sign (exp(x) > 0; below the flush limit exp(x)
    // counts as +0, and alpha * +0 has alpha's sign too).
    template <class T>
    static bool zero_dx_sign_ok(const rectify::ELU& a, T x, T dy, T got) {
        const bool negative_derivative = !(x > 0) && std::signbit(static_cast<T>(a.alpha));
        return std::signbit(got) == (negative_derivative != std::signbit(dy));
    }
    template <class T>
    static bounds::BackwardLimits measured_backward(const rectify::ELU& a) {
        return a.alpha == 1.0 ? bounds::elu_backward_measured<T>() : bounds::BackwardLimits{0, 0};
    }
    static std::vector<double> breakpoints(const rectify::ELU&) { return {0.0}; }
};

template <>
struct activation_reference<rectify::SiLU> {
    static std::vector<Case<rectify::SiLU>> cases() { return {{"", {}}}; }
    // x * s(x) and s(x) * (1 + x * s(-x)) from one exp(-|x|): nothing cancels (1 - s(x) = s(-x)).
    template <class R, class T>
    static R forward(const rectify::SiLU&, T x) {
        const R v = x;
        if (std::isnan(v)) return v;
        if (std::isinf(v)) return v > 0 ? v : R(-0.0);
        const R e = std::exp(-std::fabs(v));  // in (0, 1]
        return v >= 0 ? v / (R(1) + e) : v * e / (R(1) + e);
    }
    template <class R, class T>
    static R derivative(const rectify::SiLU&, T x) {
        const R v = x;
        if (std::isnan(v)) return v;
        if (std::isinf(v)) return v > 0 ? R(1) : R(0);
        const R e = std::exp(-std::fabs(v));
        const R d = R(1) + e;
        const R s = v >= 0 ? R(1) / d : e / d;      // s(x)
        const R s_neg = v >= 0 ? e / d : R(1) / d;  // s(-x)
        return s * (R(1) + v * s_neg);
    }
    // The exact gradient's sign, except below -gradient_flush_limit, where the gradient counts as +0 (so
    // dx = dy * +0 has dy's sign although the exact gradient is negative there), and where |f'(x)| <=
    // C * eps (a few floats around the minimum at -1.2785): either sign.
    template <class T>
    static bool zero_dx_sign_ok(const rectify::SiLU& act, T x, T dy, T got) {
        if (x < static_cast<T>(-rectify::scalar_math::gradient_flush_limit<T>)) return std::signbit(got) == std::signbit(dy);
        const long double d = derivative<long double>(act, x);
        if (std::fabs(d) <= backward_c<T>() * std::numeric_limits<T>::epsilon()) return true;
        return std::signbit(got) == ((d < 0) != std::signbit(dy));
    }
    template <class T>
    static bounds::BackwardLimits measured_backward(const rectify::SiLU&) { return bounds::silu_backward_measured<T>(); }
};

// ---- the families' references -----------------------------------------------------------------
// R = double: the families' double references (accurate far below a float ULP: for float inputs, as
// rectify_exhaustive and the float sweeps use them); R = long double: their long double ones (for
// double inputs).

// ---- GELU (activations/gelu.hpp; reference: reference_gelu.hpp) -----------------------------------

template <>
struct activation_reference<rectify::GELU> {
    static std::vector<Case<rectify::GELU>> cases() {
        return {{"approximate none", {rectify::GELU::none}}, {"approximate tanh", {rectify::GELU::tanh}}};
    }
    // For double: the long double references lose up to 0.9 double ULP in the far-left tail (the
    // rounding of x / sqrt(2), resp. of the cubic's argument, grows through exp(-x^2 / 2)), so where
    // the build links libquadmath (RECTIFY_TEST_QUADMATH) the quadruple-precision ones are used.
    template <class R, class T>
    static R forward(const rectify::GELU& a, T x) {
        const bool t = a.approximate == rectify::GELU::tanh;
        if constexpr (std::is_same_v<R, double>) {
            return t ? reference::gelu_tanh(x) : reference::gelu(x);
        } else {
#if defined(RECTIFY_TEST_QUADMATH) && defined(RECTIFY_TEST_HAS_FLOAT128)
            if constexpr (sizeof(T) > sizeof(float))
                return static_cast<R>(t ? reference::gelu_tanh_q(x) : reference::gelu_q(x));
#endif
            return t ? reference::gelu_tanh_ld(x) : reference::gelu_ld(x);
        }
    }
    template <class R, class T>
    static R derivative(const rectify::GELU& a, T x) {
        const bool t = a.approximate == rectify::GELU::tanh;
        if constexpr (std::is_same_v<R, double>) return t ? reference::gelu_tanh_grad(x) : reference::gelu_grad(x);
        else return t ? reference::gelu_tanh_grad_ld(x) : reference::gelu_grad_ld(x);
    }
};

// ---- Sigmoid, Tanh and Swish (activations/sigmoid.hpp; reference: reference_sigmoid.hpp) ----------

template <>
struct activation_reference<rectify::Sigmoid> {
    static std::vector<Case<rectify::Sigmoid>> cases() { return {{"", {}}}; }
    template <class R, class T>
    static R forward(const rectify::Sigmoid&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::sigmoid(x);
        else return reference::sigmoid_ld(x);
    }
    template <class R, class T>
    static R derivative(const rectify::Sigmoid&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::sigmoid_grad(x);
        else return reference::sigmoid_grad_ld(x);
    }
};

template <>
struct activation_reference<rectify::Tanh> {
    static std::vector<Case<rectify::Tanh>> cases() { return {{"", {}}}; }
    template <class R, class T>
    static R forward(const rectify::Tanh&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::tanh(x);
        else return reference::tanh_ld(x);
    }
    template <class R, class T>
    static R derivative(const rectify::Tanh&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::tanh_grad(x);
        else return reference::tanh_grad_ld(x);
    }
};

template <>
struct activation_reference<rectify::Swish> {
    // 1 (SiLU's bits), 1.702 (QuickGELU), 0.5; and the mirror image (-1) and x / 2 (0).
    static std::vector<Case<rectify::Swish>> cases() {
        return {{"beta 1", {1.0}}, {"beta 1.702", {1.702}}, {"beta 0.5", {0.5}}, {"beta -1", {-1.0}}, {"beta 0", {0.0}}};
    }
    // beta converted to T first, as the library converts it.
    template <class R, class T>
    static R forward(const rectify::Swish& a, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::swish<T>(x, a.beta);
        else return reference::swish_ld<T>(x, a.beta);
    }
    template <class R, class T>
    static R derivative(const rectify::Swish& a, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::swish_grad<T>(x, a.beta);
        else return reference::swish_grad_ld<T>(x, a.beta);
    }
};

// ---- Softplus and Mish (activations/softplus.hpp; reference: reference_softplus.hpp) -------------

template <>
struct activation_reference<rectify::Softplus> {
    // beta a power of two (forward within 2 ULP) and not (2.5 ULP), with another threshold.
    static std::vector<Case<rectify::Softplus>> cases() {
        return {{"beta 1", {1.0, 20.0}}, {"beta 2", {2.0, 20.0}}, {"beta 0.5", {0.5, 20.0}},
                {"beta 1.5 threshold 10", {1.5, 10.0}}};
    }
    // PyTorch's branch decided in T (x * beta rounded to T > threshold in T): x; else the exact
    // log(1 + exp(beta x)) / beta of T's beta.
    template <class R, class T>
    static R forward(const rectify::Softplus& a, T x) {
        if constexpr (std::is_same_v<R, double>) {
            return reference::softplus<T>(x, a.beta, a.threshold);
        } else {
            const T b = static_cast<T>(a.beta);
            if (reference::softplus_branch<T>(x, b, a.threshold)) return x;
            return reference::softplus_value_ld(x, b);
        }
    }
    template <class R, class T>
    static R derivative(const rectify::Softplus& a, T x) {
        if constexpr (std::is_same_v<R, double>) {
            return reference::softplus_grad<T>(x, a.beta, a.threshold);
        } else {
            const T b = static_cast<T>(a.beta);
            if (reference::softplus_branch<T>(x, b, a.threshold)) return R(1);
            return reference::sigmoid_ld(static_cast<long double>(x) * b);
        }
    }
    static std::vector<double> breakpoints(const rectify::Softplus& a) { return {a.threshold / a.beta}; }
};

template <>
struct activation_reference<rectify::Mish> {
    static std::vector<Case<rectify::Mish>> cases() { return {{"", {}}}; }
    template <class R, class T>
    static R forward(const rectify::Mish&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::mish(x);
        else return reference::mish_ld(x);
    }
    template <class R, class T>
    static R derivative(const rectify::Mish&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::mish_grad(x);
        else return reference::mish_grad_ld(x);
    }
};

// ---- SELU and CELU (activations/celu.hpp; references: reference_celu.hpp) ------------------------

template <>
struct activation_reference<rectify::SELU> {
    static std::vector<Case<rectify::SELU>> cases() { return {{"", {}}}; }
    template <class R, class T>
    static R forward(const rectify::SELU&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::selu(x);
        else return reference::selu_ld(x);
    }
    template <class R, class T>
    static R derivative(const rectify::SELU&, T x) {
        if constexpr (std::is_same_v<R, double>) return reference::selu_grad(x);
        else return reference::selu_grad_ld(x);
    }
    static std::vector<double> breakpoints(const rectify::SELU&) { return {0.0}; }
};

template <>
struct activation_reference<rectify::CELU> {
    // alpha a power of two (forward within 1 ULP) and not (1.5 ULP).
    static std::vector<Case<rectify::CELU>> cases() {
        return {{"alpha 1", {1.0}}, {"alpha 2", {2.0}}, {"alpha 0.5", {0.5}}, {"alpha 1.7", {1.7}}};
    }
    template <class R, class T>
    static R forward(const rectify::CELU& a, T x) {
        const T alpha = static_cast<T>(a.alpha);
        if constexpr (std::is_same_v<R, double>) return reference::celu(x, alpha);
        else return reference::celu_ld(x, alpha);
    }
    template <class R, class T>
    static R derivative(const rectify::CELU& a, T x) {
        const T alpha = static_cast<T>(a.alpha);
        if constexpr (std::is_same_v<R, double>) return reference::celu_grad(x, alpha);
        else return reference::celu_grad_ld(x, alpha);
    }
    static std::vector<double> breakpoints(const rectify::CELU&) { return {0.0}; }
};

// ---- Hardswish, Hardsigmoid, Hardtanh, ReLU6 (activations/hard.hpp; references: reference_hard.hpp) --
// Exact: PyTorch 1.13's formulas, each operation rounded in T (reference_hard.hpp, part 2), rectify's
// one deviation included (double Hardsigmoid's gradient factor is 1/6 rounded in double).

template <>
struct activation_reference<rectify::Hardswish> {
    static std::vector<Case<rectify::Hardswish>> cases() { return {{"", {}}}; }
    template <class T>
    static T forward_bits(const rectify::Hardswish&, T x) { return reference::hardswish_torch(x); }
    template <class T>
    static T backward_bits(const rectify::Hardswish&, T x, T dy) { return reference::hardswish_backward_torch(x, dy); }
    static std::vector<double> breakpoints(const rectify::Hardswish&) { return {-3.0, 3.0}; }
};

template <>
struct activation_reference<rectify::Hardsigmoid> {
    static std::vector<Case<rectify::Hardsigmoid>> cases() { return {{"", {}}}; }
    template <class T>
    static T forward_bits(const rectify::Hardsigmoid&, T x) { return reference::hardsigmoid_torch(x); }
    template <class T>
    static T backward_bits(const rectify::Hardsigmoid&, T x, T dy) { return reference::hardsigmoid_backward_rectify(x, dy); }
    static std::vector<double> breakpoints(const rectify::Hardsigmoid&) { return {-3.0, 3.0}; }
};

template <>
struct activation_reference<rectify::Hardtanh> {
    static std::vector<Case<rectify::Hardtanh>> cases() {
        return {{"min_val -1 max_val 1", {-1.0, 1.0}}, {"min_val -2 max_val 0.5", {-2.0, 0.5}}};
    }
    template <class T>
    static T forward_bits(const rectify::Hardtanh& a, T x) { return reference::hardtanh_torch(x, a.min_val, a.max_val); }
    template <class T>
    static T backward_bits(const rectify::Hardtanh& a, T x, T dy) {
        return reference::hardtanh_backward_torch(x, dy, a.min_val, a.max_val);
    }
    static std::vector<double> breakpoints(const rectify::Hardtanh& a) { return {a.min_val, a.max_val}; }
};

template <>
struct activation_reference<rectify::ReLU6> {
    static std::vector<Case<rectify::ReLU6>> cases() { return {{"", {}}}; }
    template <class T>
    static T forward_bits(const rectify::ReLU6&, T x) { return reference::relu6_torch(x); }
    template <class T>
    static T backward_bits(const rectify::ReLU6&, T x, T dy) { return reference::relu6_backward_torch(x, dy); }
    static std::vector<double> breakpoints(const rectify::ReLU6&) { return {0.0, 6.0}; }
};

}  // namespace rectify_test
