// Every backward against central finite differences of its own forward, in double: every activation
// of include/rectify/activations/list.hpp with each parameter set of tests/support/references.hpp (a
// test case per activation, generated from the list), through the array kernels and through the
// scalar types, away from the activation's breakpoints (references.hpp: kinks, thresholds, clamp
// bounds) and from 0 (|x| > 1e-3).
//
// The difference quotient is q = (f(x + h) - f(x - h)) / ((x + h) - (x - h)) with
// h = 1e-6 * max(1, |x|); the denominator is the step actually taken after rounding, and no
// breakpoint lies within 2h of x. Its error against f'(x), for the points below (|x| <= 13):
//   truncation  h^2 / 6 * |f'''|          <= 1e-12 * max(1, x^2) / 6 * |f'''| < 2e-11 here
//               (x^2 |f'''(x)| < 100 for every activation and parameter set tested; 0 for the
//               piecewise linear ones);
//   rounding    2 * (error of f) / (2h)  <= 3 ULP * |f| / h < 7e-10 * |f| / max(1, |x|)
//               (each f within 3 ULP, docs/ACCURACY.md).
// So |dx - dy * q| <= 1e-8 * |dy| * max(1, |q|, |f(x)| / max(1, |x|)) has a 10x margin, while a wrong
// formula (a missing factor, exp for expm1, the wrong branch) is off by 1e-3 or more at these points.
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "support/references.hpp"

namespace {

using rectify_test::Case;

constexpr double tolerance = 1e-8;

// ±(1.1e-3 * 1.33^k), k = 0 .. 32: from just off the kink at 0 to about 10, both signs; and
// SiLU's minimum at -1.2785 (where its gradient is 0), ELU's saturation region, the sides of the
// piecewise activations' breakpoints (±3, 6, -2, 0.5) and the tails where GELU, Mish and SELU flatten.
std::vector<double> sample_points() {
    std::vector<double> x;
    for (int k = 0; k <= 32; ++k) {
        const double magnitude = 1.1e-3 * std::pow(1.33, k);
        x.push_back(magnitude);
        x.push_back(-magnitude);
    }
    for (const double v : {-1.2785, -12.5, 12.5, -0.693, -3.01, -2.99, 2.99, 3.01, 5.99, 6.01, -2.01, -1.99, 0.49, 0.51,
                           -4.5, -7.25, 8.75})
        x.push_back(v);
    return x;
}

double step(double x) { return 1e-6 * std::max(1.0, std::fabs(x)); }

// Upstream gradients of both signs and several magnitudes.
std::vector<double> upstream(std::size_t n) {
    const double pool[] = {1.0, -0.75, 2.5, -3.0, 0.125};
    std::vector<double> dy(n);
    for (std::size_t i = 0; i < n; ++i) dy[i] = pool[i % 5];
    return dy;
}

std::string show(double v) {
    std::ostringstream out;
    out << std::setprecision(17) << v;
    return out.str();
}

// dx of the kernel and of the scalar type against dy times the difference quotient of the
// kernel's and the scalar type's forward, at the sample points away from the activation's breakpoints.
template <class Act>
void check_against_finite_differences(const Act& act) {
    std::vector<double> x;
    const std::vector<double> kinks = rectify_test::breakpoints(act);
    for (const double v : sample_points())
        if (std::none_of(kinks.begin(), kinks.end(), [&](double b) { return std::fabs(v - b) <= 2 * step(v); }))
            x.push_back(v);
    const std::vector<double> dy = upstream(x.size());
    std::vector<double> plus(x.size()), minus(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        plus[i] = x[i] + step(x[i]);
        minus[i] = x[i] - step(x[i]);
    }
    std::vector<double> f_plus(x.size()), f_minus(x.size()), dx(x.size());
    rectify::forward(act, std::span<const double>(plus), std::span<double>(f_plus));
    rectify::forward(act, std::span<const double>(minus), std::span<double>(f_minus));
    rectify::backward(act, std::span<const double>(x), std::span<const double>(dy), std::span<double>(dx));

    for (std::size_t i = 0; i < x.size(); ++i) {
        const double quotient = (f_plus[i] - f_minus[i]) / (plus[i] - minus[i]);
        const double scalar_quotient = (act(plus[i]) - act(minus[i])) / (plus[i] - minus[i]);
        const double scale = std::fabs(act(x[i])) / std::max(1.0, std::fabs(x[i]));
        const double bound = tolerance * std::fabs(dy[i]) * std::max({1.0, scale, std::fabs(quotient)});
        INFO("x = " << show(x[i]) << ", dy = " << show(dy[i]) << ": kernel dx = " << show(dx[i])
                    << ", scalar dx = " << show(act.backward(x[i], dy[i])) << ", dy * difference quotient = "
                    << show(dy[i] * quotient));
        CHECK(std::fabs(dx[i] - dy[i] * quotient) <= bound);
        CHECK(std::fabs(act.backward(x[i], dy[i]) - dy[i] * scalar_quotient) <= bound);
    }
}

template <class Act>
void check_every_case() {
    for (const Case<Act>& c : rectify_test::cases<Act>()) {
        INFO(rectify_test::case_name(c));
        check_against_finite_differences(c.act);
    }
}

}  // namespace

// One test case per listed activation, "gradients: <Type> backward matches finite differences",
// tagged [gradients][<shorthand>].
#define RECTIFY_TEST_GRADIENTS(Type, shorthand, gradient, ...)                                             \
    TEST_CASE("gradients: " #Type " backward matches finite differences", "[gradients][" #shorthand "]") { \
        check_every_case<rectify::Type>();                                                                 \
    }
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_TEST_GRADIENTS)
#undef RECTIFY_TEST_GRADIENTS

namespace {

struct PreluCase {
    std::string name;
    rectify::ChannelShape shape;
    std::vector<double> weight;

    std::size_t size() const { return shape.outer * shape.channels * shape.inner; }
};

std::vector<double> prelu_forward(const PreluCase& c, const std::vector<double>& x, const std::vector<double>& w) {
    std::vector<double> y(x.size());
    rectify::prelu(std::span<const double>(x), std::span<const double>(w), std::span<double>(y), c.shape);
    return y;
}

// The loss L(w) = Σ dy·y(x, w), whose gradient with respect to w is dweight, summed in long
// double so that the difference quotient only sees the rounding of y.
long double loss(const std::vector<double>& dy, const std::vector<double>& y) {
    long double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) sum += static_cast<long double>(dy[i]) * y[i];
    return sum;
}

}  // namespace

TEST_CASE("gradients: PReLU dx and dweight match finite differences", "[gradients][prelu]") {
    const std::vector<PreluCase> cases{
        {"NCHW {2, 3, 4}", {2, 3, 4}, {0.25, -0.5, 1.5}},
        {"NHWC {8, 3, 1}", {8, 3, 1}, {0.25, -0.5, 1.5}},
        {"{2, 3, 4} with one shared weight", {2, 3, 4}, {0.25}},
        {"1-D {1, 1, 24}", {1, 1, 24}, {-0.75}},
    };
    for (const PreluCase& c : cases) {
        INFO("layout " << c.name);
        // Points off the kink, both signs, cycled so that every channel gets some of each.
        const std::vector<double> points = sample_points();
        std::vector<double> x(c.size());
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = points[(7 * i + 3) % points.size()];
        const std::vector<double> dy = upstream(x.size());

        std::vector<double> dx(x.size()), dweight(c.weight.size());
        rectify::prelu_backward(std::span<const double>(x), std::span<const double>(c.weight),
                                std::span<const double>(dy), std::span<double>(dx), std::span<double>(dweight),
                                c.shape);

        {
            INFO("dx against the difference quotient in x, element by element");
            std::vector<double> plus = x, minus = x;
            for (std::size_t i = 0; i < x.size(); ++i) {
                plus[i] += step(x[i]);
                minus[i] -= step(x[i]);
            }
            const auto y_plus = prelu_forward(c, plus, c.weight);
            const auto y_minus = prelu_forward(c, minus, c.weight);
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double quotient = (y_plus[i] - y_minus[i]) / (plus[i] - minus[i]);
                INFO("x = " << show(x[i]) << ", dy = " << show(dy[i]) << ": dx = " << show(dx[i])
                            << ", dy * difference quotient = " << show(dy[i] * quotient));
                CHECK(std::fabs(dx[i] - dy[i] * quotient) <= tolerance * std::fabs(dy[i]) * 1.5);
            }
        }
        {
            INFO("dweight against the difference quotient of the loss in each weight");
            // L is linear in w, so the quotient has no truncation error. Its rounding error: each
            // of the two losses is off by at most 0.5 * eps * Σ|dy·y| <= 0.75 * eps * Σ|dy·x|
            // (|w| <= 1.5; the long double sum adds nothing visible), divided by 2h = 2e-6:
            // <= 1.7e-10 * Σ|dy·x|, well below the tolerance of 1e-8 * max(1, Σ|dy·x|).
            const double magnitude =
                std::transform_reduce(x.begin(), x.end(), dy.begin(), 0.0, std::plus<>(),
                                      [](double a, double b) { return std::fabs(a * b); });
            for (std::size_t k = 0; k < c.weight.size(); ++k) {
                std::vector<double> w_plus = c.weight, w_minus = c.weight;
                w_plus[k] += step(c.weight[k]);
                w_minus[k] -= step(c.weight[k]);
                const long double quotient =
                    (loss(dy, prelu_forward(c, x, w_plus)) - loss(dy, prelu_forward(c, x, w_minus))) /
                    (w_plus[k] - w_minus[k]);
                INFO("weight " << k << ": dweight = " << show(dweight[k]) << ", difference quotient = "
                               << show(static_cast<double>(quotient)));
                CHECK(std::fabs(dweight[k] - quotient) <= tolerance * std::max(1.0, magnitude));
            }
        }
    }
}
