// rectify/training.hpp — helpers for training code: the gradient from the saved output,
// initialisation gains, He/Kaiming initialisation, and the dead-unit monitor.
//
// Included by rectify.hpp (needs nothing more); eigen.hpp adds Eigen forms of each function.
//   backward_from_output(act, y, dy, dx)       dx from y = f(x), for code that overwrites x in place
//   gain(act)                                  torch.nn.init.calculate_gain's value
//   kaiming_uniform / kaiming_normal           He initialisation from a caller's random engine
//   dead_units(pre_activations, units, t)      fraction of units that never fire over a batch
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <numbers>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "rectify.hpp"

namespace rectify::inline RECTIFY_DETAIL_ARCH_NS {

// has_backward_from_output<Act> (activations/parameters.hpp) is true for the activations whose output
// determines the gradient (the list's from_output column: ReLU, LeakyReLU, ELU, ...; some only for
// some parameters, checked at run time by their validate_from_output): generic training code can
// then overwrite x with f(x) and call backward_from_output. SiLU is not monotonic (one y, two x).

}  // namespace rectify::inline RECTIFY_DETAIL_ARCH_NS

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class Act, class T>
void checked_backward_from_output(const char* function, const Act& act, std::span<const T> y, std::span<const T> dy,
                                  std::span<T> dx) {
    require_same_size(function, "y", y.size(), "dy", dy.size());
    require_same_size(function, "y", y.size(), "dx", dx.size());
    require_in_place_or_disjoint(function, "dx", dx, "y", y);
    require_in_place_or_disjoint(function, "dx", dx, "dy", dy);
    run_backward_from_output(function, act, y.data(), dy.data(), dx.data(), y.size());
}

template <class Act>
constexpr void static_require_output_determines_gradient() {
    static_assert(has_backward_from_output<Act>,
                  "rectify::backward_from_output: this activation's output does not determine its gradient (it "
                  "is not monotonic: one y comes from two x, as for SiLU); keep x and call rectify::backward");
}

// E[f(z)^2] for z ~ N(0, 1), over the activation's scalar math in double, on [-12, 12] (outside,
// the Gaussian weight is below 1e-31): the composite Simpson rule with step h = 1/128 and with 2h,
// combined by one Richardson step, (16 S(h) - S(2h)) / 15, which cancels Simpson's h^4 error term
// (Boole's rule). The grid has a node at 0, where ELU's derivatives jump, so every panel is smooth.
// Against ELU's closed form the result is within 2e-14 (relative, alpha up to 3).
template <class Act>
double gaussian_second_moment(const Act& act) {
    constexpr int steps = 24 * 128;  // a multiple of 4: both rules end on the grid
    constexpr double a = -12.0, h = 24.0 / steps;
    const double norm = 1.0 / std::sqrt(2.0 * std::numbers::pi);
    const auto integrand = [&](double z) {
        const double f = act(z);
        return f * f * norm * std::exp(-0.5 * z * z);
    };
    double fine = 0.0, coarse = 0.0;  // Simpson with h and with 2h
    for (int i = 0; i <= steps; ++i) {
        const double v = integrand(a + i * h);
        const bool end = i == 0 || i == steps;
        fine += (end ? 1.0 : (i % 2 ? 4.0 : 2.0)) * v;
        if (i % 2 == 0) coarse += (end ? 1.0 : (i % 4 ? 4.0 : 2.0)) * v;
    }
    fine *= h / 3.0;
    coarse *= 2.0 * h / 3.0;
    return (16.0 * fine - coarse) / 15.0;
}

inline double kaiming_std(const char* function, double gain_value, std::size_t fan) {
    if (fan == 0)
        fail(function, "fan is 0; pass the number of inputs of a unit (fan_in) or of outputs (fan_out), at least 1");
    return gain_value / std::sqrt(static_cast<double>(fan));
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

namespace rectify::inline RECTIFY_DETAIL_ARCH_NS {

// ---- backward from the output ------------------------------------------------------------------

// dx = f'(x) * dy computed from the saved output y = f(x) (PyTorch's in-place variants): ReLU,
// LeakyReLU with negative_slope >= 0, ELU with alpha >= 0. A negative slope or alpha throws
// std::invalid_argument, as do sizes that differ; dx may be dy (or y) itself. ReLU and Leaky ReLU
// give the gradient from x bit for bit; ELU, dy * (y + alpha), is within (4 + 4 * alpha) * eps
// times the larger of |dx| and |dy| (docs/SEMANTICS.md).
template <class Act, detail::array_argument Y, detail::array_argument DY, detail::array_argument DX>
void backward_from_output(const Act& act, Y&& y, DY&& dy, DX&& dx) {
    detail::static_require_output_determines_gradient<Act>();
    RECTIFY_DETAIL_CHECK_INPUT("rectify::backward_from_output", Y, "y");
    RECTIFY_DETAIL_CHECK_INPUT("rectify::backward_from_output", DY, "dy");
    RECTIFY_DETAIL_CHECK_OUTPUT("rectify::backward_from_output", DX, "dx");
    RECTIFY_DETAIL_CHECK_SAME("rectify::backward_from_output", Y, "y", DY, "dy");
    RECTIFY_DETAIL_CHECK_SAME("rectify::backward_from_output", Y, "y", DX, "dx");
    if constexpr (detail::good_input<Y> && detail::good_input<DY> && detail::good_output<DX> &&
                  detail::same_element<Y, DY> && detail::same_element<Y, DX>)
        detail::checked_backward_from_output("rectify::backward_from_output", act, detail::input_span(y),
                                             detail::input_span(dy), detail::output_span(dx));
}
template <class Act, class T>
    requires detail::is_element<T>
void backward_from_output(const Act& act, std::span<const T> y, std::span<const T> dy, std::span<T> dx) {
    detail::static_require_output_determines_gradient<Act>();
    detail::checked_backward_from_output("rectify::backward_from_output", act, y, dy, dx);
}
// Pointer form: n elements behind each pointer, unchecked but for the parameter (which still throws).
template <class Act, class T>
void backward_from_output(const Act& act, const T* y, const T* dy, T* dx, std::size_t n) {
    static_assert(detail::is_element<T>, "rectify: arrays must hold float, double, rectify::bfloat16 or rectify::half");
    detail::static_require_output_determines_gradient<Act>();
    detail::run_backward_from_output("rectify::backward_from_output", act, y, dy, dx, n);
}

// ---- initialisation gains ------------------------------------------------------------------------

// The factor by which He initialisation scales 1/sqrt(fan) for an activation: the gain g with
// Var[w] = g^2 / fan that keeps the second moment of the pre-activations from layer to layer,
// g = 1 / sqrt(E[f(z)^2]) for unit Gaussian pre-activations z (He et al. 2015, eq. 10).
// Where PyTorch's torch.nn.init.calculate_gain defines a gain, the activation's gain() gives that
// value (activations/*.hpp): relu sqrt(2) (E[relu(z)^2] = 1/2), leaky_relu sqrt(2 / (1 + slope^2)),
// tanh 5/3, sigmoid 1, selu 3/4 (PyTorch's choice for self-normalizing networks, not the formula).
// PReLU: PyTorch users pass its initial slope as a Leaky ReLU's, gain(LeakyReLU{0.25}).
// For the others (ELU, SiLU, GELU, ...; PyTorch has none) rectify applies the definition above,
// E[f(z)^2] integrated numerically over the activation's own scalar math: ELU (alpha = 1) 1.2452,
// SiLU 1.6765 (docs/TRAINING.md lists every activation's). For ELU the closed form is
// E = 1/2 + alpha^2 * (e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2).
template <class Act>
double gain(const Act& act) {
    if constexpr (requires { act.gain(); }) {
        return act.gain();
    } else {
        detail::validate("rectify::gain", act);
        return 1.0 / std::sqrt(detail::gaussian_second_moment(act));
    }
}

// ---- He / Kaiming initialisation -----------------------------------------------------------------

// Fills weights with U(-b, b), b = gain(act) * sqrt(3 / fan), from engine (any uniform random bit
// generator: std::mt19937, ...), as torch.nn.init.kaiming_uniform_. fan is the number of inputs
// of a unit (fan_in: keeps the forward signal) or of outputs (fan_out: keeps the gradients). The
// same engine state gives the same weights with the same standard library (the standard's
// distributions are implementation-defined). fan = 0 throws std::invalid_argument.
template <class Act, detail::array_like W, std::uniform_random_bit_generator Engine>
void kaiming_uniform(const Act& act, W&& weights, std::size_t fan, Engine& engine) {
    using T = detail::element_of<W>;
    static_assert(std::is_floating_point_v<T>, "rectify::kaiming_uniform: weights must hold float or double");
    const auto w = detail::output_span(weights);
    const double bound = std::sqrt(3.0) * detail::kaiming_std("rectify::kaiming_uniform", gain(act), fan);
    std::uniform_real_distribution<T> draw(static_cast<T>(-bound), static_cast<T>(bound));
    for (T& v : w) v = draw(engine);
}

// Fills weights with N(0, std^2), std = gain(act) / sqrt(fan), as torch.nn.init.kaiming_normal_.
template <class Act, detail::array_like W, std::uniform_random_bit_generator Engine>
void kaiming_normal(const Act& act, W&& weights, std::size_t fan, Engine& engine) {
    using T = detail::element_of<W>;
    static_assert(std::is_floating_point_v<T>, "rectify::kaiming_normal: weights must hold float or double");
    const auto w = detail::output_span(weights);
    const double std_dev = detail::kaiming_std("rectify::kaiming_normal", gain(act), fan);
    std::normal_distribution<T> draw(T(0), static_cast<T>(std_dev));
    for (T& v : w) v = draw(engine);
}

// ---- dead units ----------------------------------------------------------------------------------

// The fraction of units that never fire over a batch: pre_activations is laid out row-major
// [batch][units], and a unit fires on a sample when its pre-activation is > threshold (a NaN never
// fires). For ReLU a unit that fires on no sample of the whole data set gets no gradient at all:
// the "dying ReLU" that practical guides recommend watching during training. bfloat16 and half
// compare in float, with the threshold converted to float (not rounded to the 16-bit type). Throws
// std::invalid_argument when units is 0, when the size is not a multiple of units, or when there is
// no sample.
template <detail::array_like X>
double dead_units(X&& pre_activations, std::size_t units, double threshold = 0.0) {
    using T = detail::element_of<X>;
    using C = detail::compute_t<T>;  // bfloat16 and half compare in float
    static_assert(detail::is_element<T>,
                  "rectify::dead_units: pre_activations must hold float, double, rectify::bfloat16 or rectify::half");
    const auto x = detail::input_span(pre_activations);
    constexpr const char* function = "rectify::dead_units";
    if (units == 0) detail::fail(function, "units is 0; expected at least 1");
    if (x.size() % units != 0)
        detail::fail(function, "pre_activations has " + std::to_string(x.size()) +
                                   " elements, not a whole number of samples of units = " + std::to_string(units));
    if (x.empty()) detail::fail(function, "pre_activations has no sample (0 elements)");
    const C t = static_cast<C>(threshold);
    // One word per unit, not a byte: Debian's Clang 14 crashed in its backend on the vectorized count
    // of a byte array (a v8i64 compare of zero-extended bytes) when built for AVX-512F without BW.
    std::vector<std::size_t> fired(units, 0);
    for (std::size_t row = 0; row < x.size(); row += units)
        for (std::size_t u = 0; u < units; ++u) fired[u] |= static_cast<std::size_t>(static_cast<C>(x[row + u]) > t);
    std::size_t dead = 0;
    for (std::size_t f : fired) dead += f ? 0 : 1;
    return static_cast<double>(dead) / static_cast<double>(units);
}

}  // namespace rectify::inline RECTIFY_DETAIL_ARCH_NS
