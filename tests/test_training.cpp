// The training helpers of training.hpp through the span API:
//   - backward_from_output against the input-based backward on the same elements: bit for bit for
//     ReLU and Leaky ReLU (slopes >= 0), within a few eps * alpha * |dy| for ELU; specials, every
//     length through the loop's tail, in place; negative parameters and bad sizes rejected with
//     nothing written;
//   - gain: PyTorch's calculate_gain for ReLU and Leaky ReLU exactly; ELU against its closed form
//     and SiLU against an independent quadrature;
//   - kaiming_uniform / kaiming_normal: bounds, spread, determinism, fan = 0 rejected;
//   - dead_units on a hand-made batch, and its errors.
// Also built into the scalar-path executable (RECTIFY_NO_SIMD).
#include <rectify/rectify.hpp>

#include "support/kernel_inputs.hpp"
#include "support/references.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace rectify_test;

template <class Call>
void require_invalid_argument(Call&& call, std::initializer_list<std::string> parts) {
    std::string message;
    try {
        call();
    } catch (const std::invalid_argument& e) {
        message = e.what();
    }
    INFO("message: " << message);
    REQUIRE(!message.empty());
    for (const auto& p : parts) CHECK(message.find(p) != std::string::npos);
}

// Input-based and output-based gradients of the same elements.
template <class Act, class T>
struct Gradients {
    std::vector<T> x, y, dy, from_input, from_output;

    Gradients(const Act& act, std::vector<T> inputs, std::vector<T> upstream)
        : x(std::move(inputs)), y(x.size()), dy(std::move(upstream)), from_input(x.size()), from_output(x.size()) {
        rectify::forward(act, std::span<const T>(x), std::span<T>(y));
        rectify::backward(act, std::span<const T>(x), std::span<const T>(dy), std::span<T>(from_input));
        rectify::backward_from_output(act, std::span<const T>(y), std::span<const T>(dy), std::span<T>(from_output));
    }
};

template <class T>
std::vector<T> every_pair_x(const std::vector<T>& values) {
    std::vector<T> x;
    for (T a : values)
        for (std::size_t k = 0; k < values.size(); ++k) x.push_back(a);
    return x;
}
template <class T>
std::vector<T> every_pair_dy(const std::vector<T>& values) {
    std::vector<T> dy;
    for (std::size_t k = 0; k < values.size(); ++k) dy.insert(dy.end(), values.begin(), values.end());
    return dy;
}

}  // namespace

// ---- backward_from_output ----------------------------------------------------------------------

TEMPLATE_TEST_CASE("backward_from_output: ReLU and Leaky ReLU (slope >= 0) equal the input-based backward bit for bit",
                   "[training][from_output]", float, double) {
    using T = TestType;
    // Every pair (x, dy) of the special grid (zeros, infinities, NaN, denormals, exp zones), then
    // random values: NaN x and infinite dy included.
    const std::vector<T> grid = special_grid<T>();
    std::vector<T> x = every_pair_x(grid), dy = every_pair_dy(grid);
    InputGenerator<T> gen(77);
    for (int i = 0; i < 5000; ++i) {
        x.push_back(gen());
        dy.push_back(gen.gradient());
    }
    const auto check = [&](const auto& act) {
        const Gradients g(act, x, dy);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same_value(g.from_output[i], g.from_input[i]) && bad++ == 0) {
                INFO("x = " << show(x[i]) << ", y = " << show(g.y[i]) << ", dy = " << show(dy[i]) << ": from the output "
                            << show(g.from_output[i]) << ", from the input " << show(g.from_input[i]));
                CHECK(false);
            }
        CHECK(bad == 0);
    };
    check(rectify::ReLU{});
    for (double slope : {0.0, 0.01, 0.25, 1.0, 3.0}) {
        INFO("negative_slope " << slope);
        check(rectify::LeakyReLU{slope});
    }
}

TEMPLATE_TEST_CASE("backward_from_output: ELU (alpha >= 0) is within a few eps * alpha * |dy| of the input-based backward",
                   "[training][from_output]", float, double) {
    using T = TestType;
    constexpr T eps = std::numeric_limits<T>::epsilon();
    const std::vector<T> grid = special_grid<T>();
    std::vector<T> x = every_pair_x(grid), dy = every_pair_dy(grid);
    InputGenerator<T> gen(78);
    for (int i = 0; i < 5000; ++i) {
        x.push_back(gen());
        dy.push_back(gen.gradient());
    }
    for (double alpha : {0.0, 0.5, 1.0, 1.6732632423543772, 2.0}) {
        INFO("alpha " << alpha);
        const rectify::ELU act{alpha};
        const Gradients g(act, x, dy);
        const long double a = static_cast<T>(alpha);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const T out = g.from_output[i], in = g.from_input[i];
            bool ok;
            if (x[i] > 0 || std::isnan(x[i])) {
                ok = same_value(out, in);  // dy where x > 0; NaN at NaN, as the input-based gradient
            } else if (!std::isfinite(dy[i])) {
                // inf * (y + alpha): inf where y + alpha > 0, NaN where it is 0 (y = -alpha, x far
                // left); the input-based gradient turns NaN where its exp is flushed (x < -87 float).
                ok = std::isnan(out) || std::isinf(out);
            } else {
                // y + alpha = alpha * exp(x) up to y's rounding (|y| <= alpha: a few eps * alpha).
                const long double relative = (4 + 4 * a) * eps;
                const long double dy_l = dy[i];
                const auto tolerance = [&](long double reference) {
                    return relative * std::max(std::fabs(reference), std::fabs(dy_l)) +
                           4 * static_cast<long double>(std::numeric_limits<T>::denorm_min());
                };
                // Near T's largest dy the input-based kernel forms dy * alpha first, which overflows
                // where dy * alpha * exp(x) does not (alpha > 1: inf, or inf * 0 = NaN at x = -inf);
                // there the output-based value is held to the exact gradient instead.
                const long double exact = dy_l * a * std::exp(static_cast<long double>(x[i]));
                if (std::isfinite(in) && std::isfinite(out)) ok = std::fabs(static_cast<long double>(out) - in) <= tolerance(in);
                else if (same_value(out, in)) ok = true;
                else if (!std::isfinite(out)) ok = std::fabs(exact) >= std::numeric_limits<T>::max() * (1 - relative);
                else ok = std::fabs(static_cast<long double>(out) - exact) <= tolerance(exact);
            }
            if (!ok && bad++ == 0) {
                INFO("x = " << show(x[i]) << ", y = " << show(g.y[i]) << ", dy = " << show(dy[i]) << ": from the output "
                            << show(out) << ", from the input " << show(in));
                CHECK(false);
            }
        }
        CHECK(bad == 0);
    }
}

TEMPLATE_TEST_CASE("backward_from_output: ELU's limits from the output", "[training][from_output]", float, double) {
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    const rectify::ELU act{1.5};
    const std::vector<T> y = {inf, nan, T(-1.5), T(0), -T(0), T(2)};
    const std::vector<T> dy = {T(3), T(3), T(3), T(3), T(3), T(3)};
    std::vector<T> dx(y.size(), sentinel<T>);
    rectify::backward_from_output(act, y, dy, dx);
    CHECK(dx[0] == T(3));        // y = +inf (x = +inf): dy
    CHECK(std::isnan(dx[1]));    // NaN, as the input-based ELU gradient on every path
    CHECK(dx[2] == T(0));        // y = -alpha (x = -inf): dy * 0
    CHECK(dx[3] == T(3) * T(1.5));  // at 0: alpha * dy, from both zeros
    CHECK(dx[4] == T(3) * T(1.5));
    CHECK(dx[5] == T(3));
}

TEMPLATE_TEST_CASE("backward_from_output: every length, in place, and the pointer form", "[training][from_output]",
                   float, double) {
    using T = TestType;
    InputGenerator<T> gen(79);
    std::vector<T> x(3 * 16 + 2), y(x.size()), dy(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = gen();
        dy[i] = gen.gradient();
    }
    const rectify::ELU act{0.7};
    rectify::forward(act, x, y);
    std::vector<T> whole(x.size());
    rectify::backward_from_output(act, y, dy, whole);
    for (std::size_t n = 0; n <= x.size(); ++n) {
        INFO("n = " << n);
        // Each prefix gives the same values as the whole array: position does not matter.
        std::vector<T> part(n, sentinel<T>);
        rectify::backward_from_output(act, std::span<const T>(y.data(), n), std::span<const T>(dy.data(), n),
                                      std::span<T>(part));
        for (std::size_t i = 0; i < n; ++i) CHECK(same_value(part[i], whole[i]));
        // dx may be dy or y itself.
        std::vector<T> g(dy.begin(), dy.begin() + static_cast<std::ptrdiff_t>(n));
        rectify::backward_from_output(act, std::span<const T>(y.data(), n), std::span<const T>(g), std::span<T>(g));
        for (std::size_t i = 0; i < n; ++i) CHECK(same_value(g[i], whole[i]));
        std::vector<T> out(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
        rectify::backward_from_output(act, out.data(), dy.data(), out.data(), n);
        for (std::size_t i = 0; i < n; ++i) CHECK(same_value(out[i], whole[i]));
    }
}

TEMPLATE_TEST_CASE("backward_from_output: negative parameters and bad sizes throw and write nothing",
                   "[training][from_output][errors]", float, double) {
    using T = TestType;
    const std::vector<T> y = {T(1), T(-0.5), T(0), T(2)}, dy = {T(1), T(1), T(1), T(1)};
    std::vector<T> dx = sentinel_filled<T>(4), short_dx = sentinel_filled<T>(3);
    require_invalid_argument([&] { rectify::backward_from_output(rectify::LeakyReLU{-0.01}, y, dy, dx); },
                             {"rectify::backward_from_output: ", "negative_slope is -0.01", ">= 0"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::ELU{-0.5}, y, dy, dx); },
                             {"rectify::backward_from_output: ", "alpha is -0.5"});
    require_invalid_argument(
        [&] { rectify::backward_from_output(rectify::ELU{std::numeric_limits<double>::quiet_NaN()}, y, dy, dx); },
        {"rectify::backward_from_output: ", "alpha is nan"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::ELU{-1.0}, y.data(), dy.data(), dx.data(), 4); },
                             {"rectify::backward_from_output: ", "alpha is -1"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::ReLU{}, y, dy, short_dx); },
                             {"rectify::backward_from_output: ", "y has 4 elements but dx has 3"});
    require_invalid_argument(
        [&] {
            rectify::backward_from_output(rectify::ReLU{}, std::span<const T>(y), std::span<const T>(dy.data(), 3),
                                          std::span<T>(dx));
        },
        {"rectify::backward_from_output: ", "y has 4 elements but dy has 3"});
    std::vector<T> buffer(5, T(1));
    require_invalid_argument(
        [&] {
            rectify::backward_from_output(rectify::ReLU{}, std::span<const T>(buffer.data(), 4),
                                          std::span<const T>(dy), std::span<T>(buffer.data() + 1, 4));
        },
        {"rectify::backward_from_output: ", "dx overlaps y partially"});
    CHECK(dx == sentinel_filled<T>(4));
    CHECK(short_dx == sentinel_filled<T>(3));
    // A slope or alpha of 0 is allowed.
    rectify::backward_from_output(rectify::LeakyReLU{0.0}, y, dy, dx);
    CHECK(dx == std::vector<T>{T(1), T(0), T(0), T(1)});
    rectify::backward_from_output(rectify::ELU{0.0}, y, dy, dx);
    CHECK(dx[0] == T(1));
}

// ---- gain ----------------------------------------------------------------------------------------

TEST_CASE("gain: PyTorch's calculate_gain for ReLU and Leaky ReLU", "[training][gain]") {
    CHECK(rectify::gain(rectify::ReLU{}) == std::sqrt(2.0));
    // torch.nn.init.calculate_gain('leaky_relu') with its default slope 0.01, as Python prints it.
    CHECK(rectify::gain(rectify::LeakyReLU{}) == 1.4141428569978354);
    for (double s : {0.0, 0.01, 0.2, 0.25, 1.0, -0.5, 3.0}) {
        INFO("negative_slope " << s);
        CHECK(rectify::gain(rectify::LeakyReLU{s}) == std::sqrt(2.0 / (1.0 + s * s)));
    }
}

TEST_CASE("gain: ELU and SiLU keep the second moment of unit Gaussian pre-activations", "[training][gain]") {
    // ELU: E[elu(z)^2] = 1/2 + alpha^2 * (e^2 Phi(-2) - 2 e^(1/2) Phi(-1) + 1/2), Phi(-a) = erfc(a/sqrt2)/2.
    for (double alpha : {0.0, 0.5, 1.0, 1.6732632423543772, 3.0}) {
        INFO("alpha " << alpha);
        const double phi2 = 0.5 * std::erfc(2.0 / std::numbers::sqrt2), phi1 = 0.5 * std::erfc(1.0 / std::numbers::sqrt2);
        const double moment = 0.5 + alpha * alpha * (std::exp(2.0) * phi2 - 2.0 * std::exp(0.5) * phi1 + 0.5);
        CHECK(std::fabs(rectify::gain(rectify::ELU{alpha}) * std::sqrt(moment) - 1.0) < 1e-12);
    }
    CHECK(rectify::gain(rectify::ELU{0.0}) == Approx(std::sqrt(2.0)).epsilon(1e-12));  // ELU(0) is ReLU
    CHECK(std::fabs(rectify::gain(rectify::ELU{}) - 1.2452) < 5e-5);  // the value docs/TRAINING.md states

    // SiLU: an independent rule (trapezoid in long double, finer step, wider interval) over the
    // long double reference of silu.
    const long double h = 1.0L / 512;
    long double sum = 0.0L;
    for (long double z = -14.0L; z <= 14.0L; z += h) {
        const long double f = ref_silu(z);
        sum += f * f * std::exp(-0.5L * z * z);
    }
    const long double moment = sum * h / std::sqrt(2.0L * std::numbers::pi_v<long double>);
    CHECK(std::fabs(rectify::gain(rectify::SiLU{}) * std::sqrt(static_cast<double>(moment)) - 1.0) < 1e-10);
    CHECK(std::fabs(rectify::gain(rectify::SiLU{}) - 1.6765) < 5e-5);  // the value docs/TRAINING.md states
}

TEST_CASE("gain: PyTorch's calculate_gain for Tanh, Sigmoid and SELU", "[training][gain]") {
    CHECK(rectify::gain(rectify::Tanh{}) == 5.0 / 3.0);
    CHECK(rectify::gain(rectify::Sigmoid{}) == 1.0);
    CHECK(rectify::gain(rectify::SELU{}) == 0.75);
}

// The listed activations for which PyTorch has no gain: 1 / sqrt(E[f(z)^2]), z ~ N(0, 1), as for
// ELU and SiLU. Checked against an independent rule (trapezoid, long double, over the tests' own
// references of support/references.hpp; the exact piecewise ones through their scalar math).
template <class Act>
void check_second_moment_gain(const Act& act, const std::string& label) {
    INFO(label << ": gain " << rectify::gain(act));
    const long double h = 1.0L / 512;
    long double sum = 0.0L;
    for (int k = -14 * 512; k <= 14 * 512; ++k) {
        const double z = static_cast<double>(k) / 512.0;
        long double f;
        if constexpr (rectify_test::exact_reference<Act>)
            f = act(z);
        else
            f = rectify_test::reference_forward<long double>(act, z);
        sum += f * f * std::exp(-0.5L * static_cast<long double>(z) * static_cast<long double>(z));
    }
    const long double moment = sum * h / std::sqrt(2.0L * std::numbers::pi_v<long double>);
    // Both rules converge as h^2 where f has a kink (the piecewise ones), far faster elsewhere.
    CHECK(std::fabs(rectify::gain(act) * std::sqrt(static_cast<double>(moment)) - 1.0) < (act.forward_ulp_bound() == 0 ? 1e-6 : 1e-9));
}

template <class... Acts>
void check_listed_gains(rectify::detail::activation_list<Acts...>) {
    const auto one = [](const auto& act) {
        using Act = std::remove_cvref_t<decltype(act)>;
        if constexpr (!requires { act.gain(); })
            for (const auto& c : rectify_test::cases<Act>()) check_second_moment_gain(c.act, rectify_test::case_name(c));
    };
    (one(Acts{}), ...);
}

TEST_CASE("gain: the activations PyTorch has no gain for keep the second moment of unit Gaussians",
          "[training][gain]") {
    check_listed_gains(rectify::detail::all_activations{});
    // The documented values (docs/TRAINING.md).
    CHECK(std::fabs(rectify::gain(rectify::GELU{}) - 1.5335) < 5e-5);
}

// ---- He / Kaiming initialisation -------------------------------------------------------------------

TEMPLATE_TEST_CASE("kaiming_uniform and kaiming_normal on arrays", "[training][init]", float, double) {
    using T = TestType;
    const rectify::ReLU act;
    std::vector<T> w(200000);
    std::mt19937 rng(4);

    rectify::kaiming_uniform(act, w, 256, rng);
    const double bound = std::sqrt(2.0) * std::sqrt(3.0 / 256);
    const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
    CHECK(*lo >= static_cast<T>(-bound));
    CHECK(*hi <= static_cast<T>(bound));
    CHECK(*hi > 0.99 * bound);
    CHECK(*lo < -0.99 * bound);
    const auto rms = [&] {
        long double s = 0.0L;
        for (T v : w) s += static_cast<long double>(v) * v;
        return static_cast<double>(std::sqrt(s / w.size()));
    };
    CHECK(std::fabs(rms() / (std::sqrt(2.0) / 16.0) - 1.0) < 0.01);

    rectify::kaiming_normal(rectify::LeakyReLU{0.25}, w, 100, rng);
    CHECK(std::fabs(rms() / (rectify::gain(rectify::LeakyReLU{0.25}) / 10.0) - 1.0) < 0.01);

    // The same engine state, the same weights; another state, other weights.
    std::vector<T> a(50), b(50), c(50);
    std::mt19937 r1(8), r2(8), r3(9);
    rectify::kaiming_normal(act, a, 10, r1);
    rectify::kaiming_normal(act, b, 10, r2);
    rectify::kaiming_normal(act, c, 10, r3);
    CHECK(a == b);
    CHECK(a != c);

    std::vector<T> untouched = sentinel_filled<T>(8);
    require_invalid_argument([&] { rectify::kaiming_uniform(act, untouched, 0, rng); },
                             {"rectify::kaiming_uniform: ", "fan is 0"});
    require_invalid_argument([&] { rectify::kaiming_normal(act, untouched, 0, rng); },
                             {"rectify::kaiming_normal: ", "fan is 0"});
    CHECK(untouched == sentinel_filled<T>(8));
}

// ---- dead_units ------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("dead_units: the fraction of units with no sample above the threshold", "[training][dead_units]",
                   float, double) {
    using T = TestType;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    // [batch = 3][units = 4]: unit 0 fires once, unit 1 never (negative), unit 2 only at 0 (not
    // > 0), unit 3 only NaN.
    const std::vector<T> z = {T(-1), T(-2), T(0), nan,  //
                              T(0.5), T(-1), -T(0), nan, //
                              T(-3), T(-7), T(0), nan};
    CHECK(rectify::dead_units(z, 4) == 0.75);
    CHECK(rectify::dead_units(z, 4, -1.5) == 0.25);  // -1 > -1.5: units 0, 1 and 2 fire; NaN never
    CHECK(rectify::dead_units(z, 4, 1.0) == 1.0);
    // One unit per "unit" of a flat array: each element its own unit, one sample.
    CHECK(rectify::dead_units(z, 12) == 11.0 / 12.0);

    require_invalid_argument([&] { rectify::dead_units(z, 0); }, {"rectify::dead_units: ", "units is 0"});
    require_invalid_argument([&] { rectify::dead_units(z, 5); },
                             {"rectify::dead_units: ", "12 elements", "units = 5"});
    require_invalid_argument([&] { rectify::dead_units(std::vector<T>{}, 3); }, {"rectify::dead_units: ", "no sample"});
}
