// Every row of docs/SEMANTICS.md's tables, value by value, for float and double.
//
// Each value is computed by every entry point the library has: the scalar activation type,
// forward/backward on spans and on pointers, the named shorthand, and the span form in place;
// each array form once on a single element (the kernels' tail) and once on 67 copies (the
// vector body and a tail, 67 being a multiple of no batch width). Exact rows compare with
// same_value (sign of zero included, all NaNs equal); ELU and SiLU rows whose value is not
// exact compare with the long double references of test_support.hpp within docs/SEMANTICS.md's
// bounds (a zero result with the sign of the exact value).
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include "support/references.hpp"
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

using rectify_test::same_value;
using rectify_test::ulp_error;

template <class T>
constexpr T infinity = std::numeric_limits<T>::infinity();
template <class T>
constexpr T quiet_nan = std::numeric_limits<T>::quiet_NaN();
template <class T>
constexpr T denorm_min = std::numeric_limits<T>::denorm_min();
template <class T>
constexpr T min_normal = std::numeric_limits<T>::min();
template <class T>
constexpr T eps = std::numeric_limits<T>::epsilon();

// Written into every output before a call; no row expects it, so an element the kernel
// forgets to write fails whatever the expected value (NaN would hide a missing NaN result).
template <class T>
constexpr T sentinel = T(-7777.25);

// docs/SEMANTICS.md's accuracy bounds for the activations that are not exact.
constexpr long double elu_forward_ulp = 1;
constexpr long double silu_forward_ulp = 2;

// The parameters docs/SEMANTICS.md asks for.
constexpr double slopes[] = {0, 0.01, 0.1, 1.0, 1.5, -0.5};
constexpr double alphas[] = {1, 0.5, 2, -1, 0};

template <class T>
std::string show(T v) {
    std::ostringstream out;
    out << std::setprecision(std::numeric_limits<T>::max_digits10) << v << " (" << std::hexfloat << v << ")";
    return out.str();
}

// The parameters of an activation in member order, as its named shorthand takes them.
inline std::tuple<double> parameters(rectify::LeakyReLU a) { return {a.negative_slope}; }
inline std::tuple<double> parameters(rectify::ELU a) { return {a.alpha}; }
inline std::tuple<rectify::GELU::approximation> parameters(rectify::GELU a) { return {a.approximate}; }
inline std::tuple<double, double> parameters(rectify::Softplus a) { return {a.beta, a.threshold}; }
inline std::tuple<double> parameters(rectify::Swish a) { return {a.beta}; }
inline std::tuple<double> parameters(rectify::CELU a) { return {a.alpha}; }
inline std::tuple<double, double> parameters(rectify::Hardtanh a) { return {a.min_val, a.max_val}; }
template <class Act>
    requires std::is_empty_v<Act>
std::tuple<> parameters(Act) {
    return {};
}

// An activation and its parameters, as messages show it: "ELU{0.500000}".
template <class Act>
std::string describe(const Act& act) {
    std::string text = Act::name;
    const char* separator = "{";
    std::apply([&](auto... p) { ((text += separator + std::to_string(static_cast<double>(p)), separator = ", "), ...); },
               parameters(act));
    return std::tuple_size_v<decltype(parameters(act))> == 0 ? text : text + "}";
}

// The named shorthand of each listed activation (rectify::gelu(x, y, approximate), ...), given the
// activation's parameters.
#define SEMANTICS_SHORTHAND(Type, shorthand, gradient, ...)                                               \
    template <class T, class... P>                                                                        \
    void shorthand_forward_of(rectify::Type, std::span<const T> x, std::span<T> y, P... p) {             \
        rectify::shorthand(x, y, p...);                                                                   \
    }                                                                                                     \
    template <class T, class... P>                                                                        \
    void shorthand_backward_of(rectify::Type, std::span<const T> x, std::span<const T> dy, std::span<T> dx, \
                               P... p) {                                                                  \
        rectify::shorthand##_backward(x, dy, dx, p...);                                                   \
    }
RECTIFY_FOR_EACH_ACTIVATION(SEMANTICS_SHORTHAND)
#undef SEMANTICS_SHORTHAND

template <class T, class Act>
void shorthand_forward(const Act& act, std::span<const T> x, std::span<T> y) {
    std::apply([&](auto... p) { shorthand_forward_of(act, x, y, p...); }, parameters(act));
}
template <class T, class Act>
void shorthand_backward(const Act& act, std::span<const T> x, std::span<const T> dy, std::span<T> dx) {
    std::apply([&](auto... p) { shorthand_backward_of(act, x, dy, dx, p...); }, parameters(act));
}

// What one entry point computed for one input value (one element, or every copy of it).
template <class T>
struct Computed {
    std::string path;
    std::vector<T> values;
};

constexpr std::size_t array_lengths[] = {1, 67};

template <class Act, class T>
std::vector<Computed<T>> forward_everywhere(const Act& act, T x) {
    std::vector<Computed<T>> all{{"scalar type", {act(x)}}};
    for (const std::size_t n : array_lengths) {
        const std::string on_n = " on " + std::to_string(n) + " copies";
        const std::vector<T> in(n, x);
        std::vector<T> y(n, sentinel<T>);

        rectify::forward(act, std::span<const T>(in), std::span<T>(y));
        all.push_back({"forward(span)" + on_n, y});

        std::ranges::fill(y, sentinel<T>);
        rectify::forward(act, in.data(), y.data(), n);
        all.push_back({"forward(pointer)" + on_n, y});

        std::ranges::fill(y, sentinel<T>);
        shorthand_forward(act, std::span<const T>(in), std::span<T>(y));
        all.push_back({"named shorthand" + on_n, y});

        std::vector<T> in_place = in;
        rectify::forward(act, std::span<const T>(in_place), std::span<T>(in_place));
        all.push_back({"forward in place" + on_n, in_place});
    }
    return all;
}

template <class Act, class T>
std::vector<Computed<T>> backward_everywhere(const Act& act, T x, T dy) {
    std::vector<Computed<T>> all{{"scalar type", {act.backward(x, dy)}}};
    for (const std::size_t n : array_lengths) {
        const std::string on_n = " on " + std::to_string(n) + " copies";
        const std::vector<T> xs(n, x);
        const std::vector<T> dys(n, dy);
        std::vector<T> dx(n, sentinel<T>);

        rectify::backward(act, std::span<const T>(xs), std::span<const T>(dys), std::span<T>(dx));
        all.push_back({"backward(span)" + on_n, dx});

        std::ranges::fill(dx, sentinel<T>);
        rectify::backward(act, xs.data(), dys.data(), dx.data(), n);
        all.push_back({"backward(pointer)" + on_n, dx});

        std::ranges::fill(dx, sentinel<T>);
        shorthand_backward(act, std::span<const T>(xs), std::span<const T>(dys), std::span<T>(dx));
        all.push_back({"named shorthand" + on_n, dx});

        std::vector<T> dy_in_place = dys;
        rectify::backward(act, std::span<const T>(xs), std::span<const T>(dy_in_place), std::span<T>(dy_in_place));
        all.push_back({"backward in place (dx aliases dy)" + on_n, dy_in_place});
    }
    return all;
}

// One CHECK per entry point; a failure names the entry point and its first bad element.
template <class T, class Ok>
void check_every_path(const std::vector<Computed<T>>& all, Ok ok, const std::string& wanted) {
    for (const auto& [path, values] : all) {
        const auto bad = std::ranges::find_if_not(values, ok);
        std::string failure;
        if (bad != values.end())
            failure = path + ", element " + std::to_string(bad - values.begin()) + ": got " + show(*bad) +
                      ", wanted " + wanted;
        INFO(failure);
        CHECK(bad == values.end());
    }
}

template <class Act, class T>
void check_forward(const Act& act, T x, T expected) {
    INFO(describe(act) << " forward at x = " << show(x));
    check_every_path(forward_everywhere(act, x), [&](T y) { return same_value(y, expected); }, show(expected));
}

template <class Act, class T>
void check_backward(const Act& act, T x, T dy, T expected) {
    INFO(describe(act) << " backward at x = " << show(x) << ", dy = " << show(dy));
    check_every_path(backward_everywhere(act, x, dy), [&](T dx) { return same_value(dx, expected); },
                     show(expected));
}

template <class Act, class T>
void check_forward_near(const Act& act, T x, long double exact, long double max_ulp) {
    INFO(describe(act) << " forward at x = " << show(x) << ", exact " << std::setprecision(21) << exact);
    check_every_path(forward_everywhere(act, x), [&](T y) { return ulp_error(y, exact) <= max_ulp; },
                     "within " + std::to_string(max_ulp) + " ULP");
}

// docs/SEMANTICS.md's backward bound: |dx - exact| <= 4·eps·max(|exact|, |dy|).
template <class Act, class T>
void check_backward_near(const Act& act, T x, T dy, long double exact) {
    const long double bound =
        4.0L * eps<T> * std::max(std::fabs(exact), std::fabs(static_cast<long double>(dy)));
    INFO(describe(act) << " backward at x = " << show(x) << ", dy = " << show(dy) << ", exact "
                       << std::setprecision(21) << exact);
    check_every_path(
        backward_everywhere(act, x, dy),
        [&](T dx) { return std::fabs(static_cast<long double>(dx) - exact) <= bound; },
        "within 4 eps max(|exact|, |dy|)");
}

// Checks a property of every computed value (a sign, a comparison) on top of its value.
template <class T, class Ok>
void check_forward_that(const auto& act, T x, Ok ok, const std::string& wanted) {
    INFO(describe(act) << " forward at x = " << show(x));
    check_every_path(forward_everywhere(act, x), ok, wanted);
}

template <class T>
std::vector<T> special_values() {
    return {T(+0.0),       T(-0.0),        T(1),           T(-1),           T(2.5),
            T(-3.75),      infinity<T>,    -infinity<T>,   quiet_nan<T>,    denorm_min<T>,
            -denorm_min<T>, min_normal<T> / 4, -min_normal<T> / 4, min_normal<T>, -min_normal<T>,
            std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest()};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ReLU
// ---------------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("ReLU forward: x < 0 ? +0 : x", "[semantics][relu]", float, double) {
    using T = TestType;
    const rectify::ReLU relu;
    check_forward(relu, T(+0.0), T(+0.0));
    check_forward(relu, T(-0.0), T(-0.0));  // -0 < 0 is false: relu(-0) = -0
    check_forward(relu, T(-1), T(+0.0));
    check_forward(relu, T(-3.75), T(+0.0));
    check_forward(relu, T(2.5), T(2.5));
    check_forward(relu, -infinity<T>, T(+0.0));
    check_forward(relu, infinity<T>, infinity<T>);
    check_forward(relu, quiet_nan<T>, quiet_nan<T>);
    check_forward(relu, denorm_min<T>, denorm_min<T>);
    check_forward(relu, -denorm_min<T>, T(+0.0));
    check_forward(relu, min_normal<T> / 4, min_normal<T> / 4);
    check_forward(relu, std::numeric_limits<T>::max(), std::numeric_limits<T>::max());
    check_forward(relu, std::numeric_limits<T>::lowest(), T(+0.0));
}

TEMPLATE_TEST_CASE("ReLU backward: x <= 0 ? +0 : dy", "[semantics][relu]", float, double) {
    using T = TestType;
    const rectify::ReLU relu;

    SECTION("gradient at 0 is 0, at +0 and -0") {
        check_backward(relu, T(+0.0), T(1), T(+0.0));
        check_backward(relu, T(-0.0), T(1), T(+0.0));
        check_backward(relu, T(-0.0), T(-1), T(+0.0));  // a product would give -0
    }
    SECTION("x > 0 passes dy through") {
        check_backward(relu, T(2), T(-3), T(-3));
        check_backward(relu, T(2), quiet_nan<T>, quiet_nan<T>);
        check_backward(relu, T(2), -infinity<T>, -infinity<T>);
        check_backward(relu, infinity<T>, T(2), T(2));
        check_backward(relu, denorm_min<T>, T(2), T(2));
    }
    SECTION("x < 0 gives +0") {
        check_backward(relu, T(-1), T(-3), T(+0.0));
        check_backward(relu, -infinity<T>, T(2), T(+0.0));
        check_backward(relu, -denorm_min<T>, T(2), T(+0.0));
    }
    SECTION("gradient at NaN is dy (NaN <= 0 is false)") {
        check_backward(relu, quiet_nan<T>, T(3), T(3));
        check_backward(relu, quiet_nan<T>, T(-0.0), T(-0.0));
        check_backward(relu, quiet_nan<T>, quiet_nan<T>, quiet_nan<T>);
    }
    SECTION("select, not multiply: where x <= 0, dx is +0 even if dy is NaN or inf") {
        check_backward(relu, T(-1), quiet_nan<T>, T(+0.0));
        check_backward(relu, T(-1), infinity<T>, T(+0.0));
        check_backward(relu, T(-1), -infinity<T>, T(+0.0));
        check_backward(relu, T(+0.0), quiet_nan<T>, T(+0.0));
        check_backward(relu, T(-0.0), infinity<T>, T(+0.0));
        check_backward(relu, -infinity<T>, infinity<T>, T(+0.0));
    }
}

TEST_CASE("ReLU and LeakyReLU scalar math is constexpr", "[semantics][relu][leaky_relu]") {
    STATIC_REQUIRE(rectify::ReLU{}(-2.0) == 0.0);
    STATIC_REQUIRE(rectify::ReLU{}.backward(3.0, 5.0) == 5.0);
    STATIC_REQUIRE(rectify::LeakyReLU{0.5}(-2.0) == -1.0);
    STATIC_REQUIRE(rectify::LeakyReLU{0.5}.backward(-2.0, 4.0) == 2.0);
}

// ---------------------------------------------------------------------------------------------
// Leaky ReLU
// ---------------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("LeakyReLU forward: x > 0 ? x : x * slope", "[semantics][leaky_relu]", float, double) {
    using T = TestType;

    SECTION("the definition, for every slope and every special value") {
        for (const double slope : slopes) {
            for (const T x : special_values<T>()) {
                const T expected = x > 0 ? x : x * static_cast<T>(slope);
                check_forward(rectify::LeakyReLU{slope}, x, expected);
            }
        }
    }
    SECTION("any slope is accepted: a branch, not max(x, slope * x)") {
        check_forward(rectify::LeakyReLU{1.5}, T(-1), T(-1.5));  // max(-1, -1.5) would be -1
        check_forward(rectify::LeakyReLU{1.5}, T(2), T(2));
        check_forward(rectify::LeakyReLU{-0.5}, T(-1), T(+0.5));
        check_forward(rectify::LeakyReLU{-0.5}, T(2), T(2));
    }
    SECTION("zeros: y(±0) = (±0) * slope, so the sign flips when slope < 0") {
        check_forward(rectify::LeakyReLU{0.01}, T(+0.0), T(+0.0));
        check_forward(rectify::LeakyReLU{0.01}, T(-0.0), T(-0.0));
        check_forward(rectify::LeakyReLU{-0.5}, T(+0.0), T(-0.0));
        check_forward(rectify::LeakyReLU{-0.5}, T(-0.0), T(+0.0));
        check_forward(rectify::LeakyReLU{0}, T(-1), T(-0.0));  // -1 * 0
    }
    SECTION("-inf: y = -inf * slope, NaN when slope = 0") {
        check_forward(rectify::LeakyReLU{0}, -infinity<T>, quiet_nan<T>);
        check_forward(rectify::LeakyReLU{0.01}, -infinity<T>, -infinity<T>);
        check_forward(rectify::LeakyReLU{-0.5}, -infinity<T>, infinity<T>);
        check_forward(rectify::LeakyReLU{0}, infinity<T>, infinity<T>);
    }
    SECTION("NaN in, NaN out, for every slope") {
        for (const double slope : slopes) check_forward(rectify::LeakyReLU{slope}, quiet_nan<T>, quiet_nan<T>);
    }
    SECTION("denormal inputs") {
        check_forward(rectify::LeakyReLU{0.01}, denorm_min<T>, denorm_min<T>);
        check_forward(rectify::LeakyReLU{1.5}, T(-4) * denorm_min<T>, T(-6) * denorm_min<T>);
        check_forward(rectify::LeakyReLU{-0.5}, T(-4) * denorm_min<T>, T(2) * denorm_min<T>);
    }
}

TEMPLATE_TEST_CASE("LeakyReLU backward: x > 0 ? dy : dy * slope", "[semantics][leaky_relu]", float, double) {
    using T = TestType;

    SECTION("the definition, for every slope, special x and special dy") {
        for (const double slope : slopes) {
            for (const T x : special_values<T>()) {
                for (const T dy : {T(1), T(-2.5), T(-0.0), infinity<T>, quiet_nan<T>}) {
                    const T expected = x > 0 ? dy : dy * static_cast<T>(slope);
                    check_backward(rectify::LeakyReLU{slope}, x, dy, expected);
                }
            }
        }
    }
    SECTION("gradient at 0 is slope * dy") {
        check_backward(rectify::LeakyReLU{0.01}, T(+0.0), T(1), T(0.01));
        check_backward(rectify::LeakyReLU{0.01}, T(-0.0), T(1), T(0.01));
        check_backward(rectify::LeakyReLU{1.5}, T(+0.0), T(-2), T(-3));
        check_backward(rectify::LeakyReLU{-0.5}, T(-0.0), T(3), T(-1.5));
    }
    SECTION("a product: NaN dy gives NaN on both sides") {
        check_backward(rectify::LeakyReLU{0.01}, T(-1), quiet_nan<T>, quiet_nan<T>);
        check_backward(rectify::LeakyReLU{0.01}, T(2), quiet_nan<T>, quiet_nan<T>);
        check_backward(rectify::LeakyReLU{0}, T(-1), infinity<T>, quiet_nan<T>);  // inf * 0
    }
    SECTION("gradient at NaN x is dy * slope (NaN > 0 is false)") {
        check_backward(rectify::LeakyReLU{1.5}, quiet_nan<T>, T(2), T(3));
    }
}

TEMPLATE_TEST_CASE("parameters are converted to the element type once per call", "[semantics][leaky_relu][elu]",
                   float, double) {
    using T = TestType;
    const T slope_as_t = static_cast<T>(0.1);

    SECTION("slope 0.1 multiplies as static_cast<T>(0.1)") {
        check_forward(rectify::LeakyReLU{0.1}, T(-1), -slope_as_t);
        check_forward(rectify::LeakyReLU{0.1}, T(-9), T(-9) * slope_as_t);
        check_backward(rectify::LeakyReLU{0.1}, T(-1), T(-9), T(-9) * slope_as_t);
        if constexpr (std::is_same_v<T, float>) {
            // Guard: on float, -9 times 0.1f differs from -9 times 0.1 rounded to float, so
            // the checks above fail if the kernel multiplies in double.
            REQUIRE(T(-9) * slope_as_t != static_cast<float>(-9.0 * 0.1));
        } else {
            // Guard: on double, 0.1 rounded through float is a different slope.
            REQUIRE(-slope_as_t != -static_cast<double>(0.1f));
        }
    }
    SECTION("alpha 0.1: elu(-inf) = -static_cast<T>(0.1) and elu's gradient at 0 is static_cast<T>(0.1) * dy") {
        check_forward(rectify::ELU{0.1}, -infinity<T>, -slope_as_t);
        check_backward(rectify::ELU{0.1}, T(+0.0), T(1), slope_as_t);
    }
}

// ---------------------------------------------------------------------------------------------
// ELU
// ---------------------------------------------------------------------------------------------

namespace {

template <class T>
std::vector<T> elu_sample_inputs() {
    // Both sides, the region where exp(x) - 1 would cancel, and where expm1 saturates at -1.
    return {T(-30),  T(-17.5), T(-5),    T(-1),     T(-0.6931), T(-0.25), T(-1e-3), T(-1e-8),
            T(-1e-30), T(1e-30), T(1e-8), T(0.25),  T(1),       T(3),     T(100)};
}

long double exact_elu(auto x, double alpha) {
    using T = decltype(x);
    return rectify_test::ref_elu(x, static_cast<long double>(static_cast<T>(alpha)));
}

long double exact_elu_grad(auto x, double alpha) {
    using T = decltype(x);
    return rectify_test::ref_elu_grad(x, static_cast<long double>(static_cast<T>(alpha)));
}

}  // namespace

TEMPLATE_TEST_CASE("ELU forward: x > 0 ? x : alpha * expm1(x)", "[semantics][elu]", float, double) {
    using T = TestType;

    SECTION("the definition within 1 ULP, for every alpha") {
        for (const double alpha : alphas)
            for (const T x : elu_sample_inputs<T>())
                check_forward_near(rectify::ELU{alpha}, x, exact_elu(x, alpha), elu_forward_ulp);
    }
    SECTION("x > 0 is returned exactly") {
        for (const double alpha : alphas) {
            check_forward(rectify::ELU{alpha}, T(2.5), T(2.5));
            check_forward(rectify::ELU{alpha}, denorm_min<T>, denorm_min<T>);
            check_forward(rectify::ELU{alpha}, std::numeric_limits<T>::max(), std::numeric_limits<T>::max());
        }
    }
    SECTION("accurate near 0, where PyTorch's exp(x) - 1 gives 0: elu(-1e-8) is about -1e-8") {
        const T x = T(-1e-8);
        check_forward_near(rectify::ELU{}, x, exact_elu(x, 1.0), elu_forward_ulp);
        check_forward_that(rectify::ELU{}, x, [](T y) { return y < 0; }, "a negative value");
    }
    SECTION("zeros: elu(+0) = +0, elu(-0) = alpha * expm1(-0) = -0") {
        check_forward(rectify::ELU{}, T(+0.0), T(+0.0));
        check_forward(rectify::ELU{}, T(-0.0), T(-0.0));
        // the same definition with other alphas: alpha * (±0)
        for (const double alpha : alphas) {
            check_forward(rectify::ELU{alpha}, T(+0.0), static_cast<T>(alpha) * T(+0.0));
            check_forward(rectify::ELU{alpha}, T(-0.0), static_cast<T>(alpha) * T(-0.0));
        }
    }
    SECTION("limits: elu(+inf) = +inf, elu(-inf) = -alpha, elu(NaN) = NaN") {
        for (const double alpha : alphas) {
            check_forward(rectify::ELU{alpha}, infinity<T>, infinity<T>);
            check_forward(rectify::ELU{alpha}, -infinity<T>, -static_cast<T>(alpha));
            check_forward(rectify::ELU{alpha}, quiet_nan<T>, quiet_nan<T>);
        }
    }
    SECTION("negative alpha is accepted: elu(-1, alpha = -1) = +0.632") {
        check_forward_near(rectify::ELU{-1}, T(-1), exact_elu(T(-1), -1.0), elu_forward_ulp);
        check_forward_that(rectify::ELU{-1}, T(-1), [](T y) { return y > T(0.632) && y < T(0.633); },
                           "+0.632...");
    }
    SECTION("denormal inputs: within 1 ULP (in denorm_min) and with the sign of alpha * x") {
        for (const double alpha : alphas) {
            for (const T x : {-denorm_min<T>, T(-3) * denorm_min<T>, -min_normal<T> / 2}) {
                check_forward_near(rectify::ELU{alpha}, x, exact_elu(x, alpha), elu_forward_ulp);
                const bool negative = std::signbit(static_cast<T>(alpha) * x);
                check_forward_that(rectify::ELU{alpha}, x, [&](T y) { return std::signbit(y) == negative; },
                                   negative ? "a negative sign" : "a positive sign");
            }
        }
    }
}

TEMPLATE_TEST_CASE("ELU backward: x > 0 ? dy : dy * alpha * exp(x)", "[semantics][elu]", float, double) {
    using T = TestType;

    SECTION("the definition within 4 eps, for every alpha") {
        for (const double alpha : alphas)
            for (const T x : elu_sample_inputs<T>())
                for (const T dy : {T(1), T(-2.5)})
                    check_backward_near(rectify::ELU{alpha}, x, dy, exact_elu_grad(x, alpha) * dy);
    }
    SECTION("x > 0 passes dy through") {
        check_backward(rectify::ELU{}, T(2), T(-3), T(-3));
        check_backward(rectify::ELU{2}, denorm_min<T>, T(-3), T(-3));
    }
    SECTION("gradient at 0 is alpha * dy") {
        for (const double alpha : alphas) {
            check_backward(rectify::ELU{alpha}, T(+0.0), T(1), static_cast<T>(alpha));
            check_backward(rectify::ELU{alpha}, T(-0.0), T(-2.5), static_cast<T>(alpha) * T(-2.5));
        }
    }
    SECTION("gradient at NaN is NaN, on every path") {
        for (const double alpha : alphas) check_backward(rectify::ELU{alpha}, quiet_nan<T>, T(1), quiet_nan<T>);
        check_backward(rectify::ELU{}, T(-1), quiet_nan<T>, quiet_nan<T>);
        check_backward(rectify::ELU{}, T(2), quiet_nan<T>, quiet_nan<T>);
    }
    SECTION("limits: dx(+inf) = dy, dx(-inf) = 0") {
        check_backward(rectify::ELU{}, infinity<T>, T(-3), T(-3));
        INFO("dx(-inf) is alpha * exp(-inf) * dy, a zero of either sign");
        const auto computed = backward_everywhere(rectify::ELU{}, -infinity<T>, T(3));
        check_every_path(computed, [](T dx) { return dx == 0; }, "0");
    }
}

// ---------------------------------------------------------------------------------------------
// SiLU
// ---------------------------------------------------------------------------------------------

namespace {

template <class T>
std::vector<T> silu_sample_inputs() {
    return {T(-80),   T(-30), T(-17), T(-5),  T(-1.2785), T(-1),  T(-0.5), T(-1e-20),
            T(1e-20), T(0.5), T(1),   T(5),   T(17),      T(30),  T(80)};
}

// Far left, where PyTorch flushes to -0 but the value is representable (docs/SEMANTICS.md):
// for float down to about -103, for double to about -745.
template <class T>
std::vector<T> silu_far_left_inputs() {
    if constexpr (std::is_same_v<T, float>)
        return {T(-88.8), T(-90), T(-100), T(-103)};
    else
        return {T(-700), T(-708.5), T(-730), T(-740)};
}

}  // namespace

TEMPLATE_TEST_CASE("SiLU forward: x * s(x)", "[semantics][silu]", float, double) {
    using T = TestType;
    const rectify::SiLU silu;

    SECTION("the definition within 2 ULP") {
        for (const T x : silu_sample_inputs<T>())
            check_forward_near(silu, x, rectify_test::ref_silu(x), silu_forward_ulp);
    }
    SECTION("zeros: silu(±0) = ±0") {
        check_forward(silu, T(+0.0), T(+0.0));
        check_forward(silu, T(-0.0), T(-0.0));
    }
    SECTION("limits: silu(+inf) = +inf, silu(NaN) = NaN, silu(-inf) = -0") {
        check_forward(silu, infinity<T>, infinity<T>);
        check_forward(silu, quiet_nan<T>, quiet_nan<T>);
        check_forward(silu, -infinity<T>, T(-0.0));
    }
    SECTION("far left: the correctly rounded small value, not -0") {
        for (const T x : silu_far_left_inputs<T>()) {
            check_forward_near(silu, x, rectify_test::ref_silu(x), silu_forward_ulp);
            check_forward_that(silu, x, [](T y) { return y < 0; }, "a negative value, not -0");
        }
    }
    SECTION("denormal inputs: within 2 ULP (in denorm_min) and with the sign of x") {
        for (const T x : {denorm_min<T>, -denorm_min<T>, T(5) * denorm_min<T>, -min_normal<T> / 2,
                          min_normal<T> / 2}) {
            check_forward_near(silu, x, rectify_test::ref_silu(x), silu_forward_ulp);
            check_forward_that(silu, x, [&](T y) { return std::signbit(y) == std::signbit(x); },
                               "the sign of x");
        }
    }
}

TEMPLATE_TEST_CASE("SiLU backward: dy * s * (1 + x * (1 - s))", "[semantics][silu]", float, double) {
    using T = TestType;
    const rectify::SiLU silu;

    SECTION("the definition within 4 eps") {
        for (const T x : silu_sample_inputs<T>())
            for (const T dy : {T(1), T(-2.5)})
                check_backward_near(silu, x, dy, rectify_test::ref_silu_grad(x) * dy);
    }
    SECTION("gradient at 0 is 0.5 * dy") {
        check_backward(silu, T(+0.0), T(1), T(0.5));
        check_backward(silu, T(-0.0), T(-3), T(-1.5));
    }
    SECTION("gradient limits: dx(+inf) = dy, dx(-inf) = 0, dx(NaN) = NaN") {
        check_backward(silu, infinity<T>, T(-3), T(-3));
        check_backward(silu, quiet_nan<T>, T(1), quiet_nan<T>);
        check_backward(silu, T(1), quiet_nan<T>, quiet_nan<T>);
        INFO("dx(-inf) = 0 * dy, a zero of either sign");
        check_every_path(backward_everywhere(silu, -infinity<T>, T(3)), [](T dx) { return dx == 0; }, "0");
    }
}

// ---------------------------------------------------------------------------------------------
// The activations of the second wave: the rows of docs/SEMANTICS.md that give a value
// ---------------------------------------------------------------------------------------------

namespace {

// Within the activation's forward bound of the tests' independent reference (support/references.hpp).
template <class Act, class T>
void check_forward_bound(const Act& act, T x) {
    check_forward_near(act, x, rectify_test::reference_forward<long double>(act, x), act.forward_ulp_bound());
}
template <class Act, class T>
void check_backward_bound(const Act& act, T x, T dy) {
    check_backward_near(act, x, dy, rectify_test::reference_derivative<long double>(act, x) * dy);
}
// dx = 0 * dy: a zero of either sign (the limit's sign is not part of the contract).
template <class Act, class T>
void check_backward_zero(const Act& act, T x, T dy) {
    INFO(describe(act) << " backward at x = " << show(x) << ": 0 * dy");
    check_every_path(backward_everywhere(act, x, dy), [](T dx) { return dx == 0; }, "0");
}
// Two activations that are documented to give the same bits (Swish{1} and SiLU): path by path.
template <class A, class B, class T>
void check_same_everywhere(const A& a, const B& b, T x) {
    INFO(describe(a) << " against " << describe(b) << " at x = " << show(x));
    const auto fa = forward_everywhere(a, x), fb = forward_everywhere(b, x);
    const auto ba = backward_everywhere(a, x, T(1.5)), bb = backward_everywhere(b, x, T(1.5));
    for (std::size_t p = 0; p < fa.size(); ++p) {
        INFO(fa[p].path);
        CHECK(same_value(fa[p].values[0], fb[p].values[0]));
        CHECK(same_value(ba[p].values[0], bb[p].values[0]));
    }
}
// The common rows: f(NaN) = NaN, dx(NaN) = NaN (or +0 where the gradient is a select), dx(x, NaN dy).
template <class Act, class T>
void check_nan_rows(const Act& act, T nan_gradient) {
    check_forward(act, quiet_nan<T>, quiet_nan<T>);
    check_backward(act, quiet_nan<T>, T(1), nan_gradient);
}

}  // namespace

TEMPLATE_TEST_CASE("GELU, both forms: zeros, limits, the far left tail", "[semantics][gelu]", float, double) {
    using T = TestType;
    for (const rectify::GELU gelu : {rectify::GELU{}, rectify::GELU{rectify::GELU::tanh}}) {
        check_forward(gelu, T(+0.0), T(+0.0));
        check_forward(gelu, T(-0.0), T(-0.0));
        check_forward(gelu, infinity<T>, infinity<T>);
        check_forward(gelu, -infinity<T>, T(-0.0));  // the limit (PyTorch: NaN)
        check_nan_rows(gelu, quiet_nan<T>);
        check_backward(gelu, T(+0.0), T(2), T(1));  // 0.5 * dy
        check_backward(gelu, infinity<T>, T(-3), T(-3));
        check_backward(gelu, -infinity<T>, T(3), T(-0.0));  // -0 * dy
        for (const T x : {T(-0.75), T(-2), T(-5), T(-9), T(3), T(0.125)}) {
            check_forward_bound(gelu, x);
            check_backward_bound(gelu, x, T(1));
        }
    }
    // The erf form's tail, which PyTorch's float formula loses from x = -5.x on: the tiny value.
    const rectify::GELU gelu;
    for (const T x : {T(-6), T(-10), T(-13)}) {
        check_forward_bound(gelu, x);
        check_forward_that(gelu, x, [](T y) { return y < 0; }, "a negative value, not -0");
    }
    if constexpr (std::is_same_v<T, float>) {
        check_forward_that(gelu, T(-14), [](T y) { return y < 0 && y > T(-1e-42); }, "the denormal -1.09e-43");
        check_forward(gelu, T(-14.5), T(-0.0));
    }
}

TEMPLATE_TEST_CASE("Sigmoid and Tanh: zeros, limits, tails", "[semantics][sigmoid][tanh]", float, double) {
    using T = TestType;
    const rectify::Sigmoid sigmoid;
    check_forward(sigmoid, T(+0.0), T(0.5));
    check_forward(sigmoid, T(-0.0), T(0.5));
    check_forward(sigmoid, infinity<T>, T(1));
    check_forward(sigmoid, -infinity<T>, T(+0.0));
    check_nan_rows(sigmoid, quiet_nan<T>);
    check_backward(sigmoid, T(0), T(1), T(0.25));
    check_backward_zero(sigmoid, infinity<T>, T(2));
    check_backward_zero(sigmoid, -infinity<T>, T(2));
    for (const T x : {T(-100), T(-30), T(-1), T(2), T(17)}) {
        check_forward_bound(sigmoid, x);
        check_forward_that(sigmoid, x, [](T y) { return y > 0; }, "a positive value, not +0");
        check_backward_bound(sigmoid, x, T(-1.5));
    }

    const rectify::Tanh tanh_;
    check_forward(tanh_, T(+0.0), T(+0.0));
    check_forward(tanh_, T(-0.0), T(-0.0));
    check_forward(tanh_, denorm_min<T>, denorm_min<T>);  // a tiny x gives x
    check_forward(tanh_, -min_normal<T>, -min_normal<T>);
    check_forward(tanh_, infinity<T>, T(1));
    check_forward(tanh_, -infinity<T>, T(-1));
    check_nan_rows(tanh_, quiet_nan<T>);
    check_backward(tanh_, T(0), T(3), T(3));
    check_backward_zero(tanh_, infinity<T>, T(2));
    check_backward_zero(tanh_, -infinity<T>, T(2));
    for (const T x : {T(-20), T(-0.3), T(1e-4), T(0.7), T(9)}) {
        check_forward_bound(tanh_, x);
        check_backward_bound(tanh_, x, T(2));
    }
}

TEMPLATE_TEST_CASE("Softplus: PyTorch's threshold test in the element type, zeros, limits", "[semantics][softplus]",
                   float, double) {
    using T = TestType;
    for (const rectify::Softplus softplus : {rectify::Softplus{}, rectify::Softplus{2.0, 10.0}, rectify::Softplus{0.5}}) {
        check_forward_near(softplus, T(0), std::log(2.0L) / static_cast<long double>(static_cast<T>(softplus.beta)),
                           softplus.forward_ulp_bound());
        check_forward(softplus, infinity<T>, infinity<T>);
        check_forward(softplus, -infinity<T>, T(+0.0));
        check_nan_rows(softplus, quiet_nan<T>);
        check_backward(softplus, T(0), T(3), T(1.5));  // dy / 2
        check_backward(softplus, infinity<T>, T(-2), T(-2));
        check_backward_zero(softplus, -infinity<T>, T(2));
        for (const T x : {T(-40), T(-4), T(0.5), T(7)}) {
            check_forward_bound(softplus, x);
            check_forward_that(softplus, x, [](T y) { return y > 0; }, "a positive value");
            check_backward_bound(softplus, x, T(1));
        }
    }
    // x * beta > threshold gives x itself; at the threshold the formula (20 + 2.06e-9 in double).
    const rectify::Softplus softplus;
    check_forward(softplus, T(20.5), T(20.5));
    check_backward(softplus, T(20.5), T(-3), T(-3));
    if constexpr (std::is_same_v<T, double>) check_forward_that(softplus, T(20), [](T y) { return y > T(20); }, "> 20");
    check_forward(rectify::Softplus{2.0, 10.0}, T(5.5), T(5.5));
}

TEMPLATE_TEST_CASE("Mish and Swish: zeros, limits, the left tail", "[semantics][mish][swish]", float, double) {
    using T = TestType;
    const rectify::Mish mish;
    check_forward(mish, T(+0.0), T(+0.0));
    check_forward(mish, T(-0.0), T(-0.0));
    check_forward(mish, infinity<T>, infinity<T>);
    check_forward(mish, -infinity<T>, T(-0.0));  // the limit (PyTorch: NaN)
    check_nan_rows(mish, quiet_nan<T>);
    check_backward(mish, infinity<T>, T(5), T(5));
    check_backward_zero(mish, -infinity<T>, T(5));
    check_backward_near(mish, T(0), T(1), 0.6L);
    for (const T x : {T(-50), T(-1.1924), T(-0.3), T(4), T(25)}) {
        check_forward_bound(mish, x);
        check_backward_bound(mish, x, T(1));
    }
    check_forward_that(mish, T(-50), [](T y) { return y < 0; }, "a negative value, not -0");

    for (const rectify::Swish swish : {rectify::Swish{1.702}, rectify::Swish{0.5}, rectify::Swish{3}}) {
        check_forward(swish, T(+0.0), T(+0.0));
        check_forward(swish, T(-0.0), T(-0.0));
        check_forward(swish, infinity<T>, infinity<T>);
        check_forward(swish, -infinity<T>, T(-0.0));
        check_nan_rows(swish, quiet_nan<T>);
        check_backward(swish, T(0), T(4), T(2));  // 0.5 * dy
        check_backward(swish, infinity<T>, T(-2), T(-2));
        check_backward_zero(swish, -infinity<T>, T(2));
        for (const T x : {T(-30), T(-2), T(0.75), T(6)}) {
            check_forward_bound(swish, x);
            check_backward_bound(swish, x, T(1));
        }
    }
    // beta < 0: the mirror image; beta = 0: x / 2.
    check_forward(rectify::Swish{-1.0}, infinity<T>, T(+0.0));
    check_forward(rectify::Swish{-1.0}, -infinity<T>, -infinity<T>);
    check_forward_bound(rectify::Swish{-1.0}, T(-2));
    check_forward(rectify::Swish{0.0}, T(-3), T(-1.5));
    check_forward(rectify::Swish{0.0}, -infinity<T>, -infinity<T>);
    check_backward(rectify::Swish{0.0}, T(7), T(3), T(1.5));
    // Swish{1} is SiLU, bit for bit, on every path.
    for (const T x : {T(-90), T(-3), T(-0.5), T(0.25), T(11)}) check_same_everywhere(rectify::Swish{1.0}, rectify::SiLU{}, x);
}

TEMPLATE_TEST_CASE("SELU and CELU: PyTorch's constants, zeros, limits", "[semantics][selu][celu]", float, double) {
    using T = TestType;
    const long double scale = 1.0507009873554804934193349852946L, alpha = 1.6732632423543772848170429916717L;
    const rectify::SELU selu;
    check_forward(selu, T(+0.0), T(+0.0));
    check_forward(selu, T(-0.0), T(-0.0));
    check_forward(selu, infinity<T>, infinity<T>);
    check_forward(selu, T(1), static_cast<T>(scale));  // scale * x correctly rounded
    check_forward_near(selu, -infinity<T>, -scale * alpha, 0.5);
    check_nan_rows(selu, quiet_nan<T>);
    check_backward_near(selu, T(0), T(1), scale * alpha);
    check_backward_zero(selu, -infinity<T>, T(1));
    check_forward_near(selu, T(-1e-8), scale * alpha * std::expm1(static_cast<long double>(T(-1e-8))),
                       selu.forward_ulp_bound());
    for (const T x : {T(-20), T(-1), T(0.5), T(100)}) {
        check_forward_bound(selu, x);
        check_backward_bound(selu, x, T(1));
    }

    for (const double a : {1.0, 2.0, 0.5}) {
        const rectify::CELU celu{a};
        check_forward(celu, T(+0.0), T(+0.0));
        check_forward(celu, T(-0.0), T(-0.0));
        check_forward(celu, infinity<T>, infinity<T>);
        check_forward(celu, -infinity<T>, static_cast<T>(-a));
        check_nan_rows(celu, quiet_nan<T>);
        check_backward(celu, T(0), T(3), T(3));  // the gradient at 0 is dy
        check_backward_zero(celu, -infinity<T>, T(1));
        for (const T x : {T(-1e-8), T(-3), T(-0.25), T(2)}) {
            check_forward_bound(celu, x);
            check_backward_bound(celu, x, T(1));
        }
    }
    // CELU{1} is ELU, bit for bit, on every path; a negative alpha falls to -inf.
    for (const T x : {T(-90), T(-3), T(-0.5), T(0.25), T(11)}) check_same_everywhere(rectify::CELU{1.0}, rectify::ELU{}, x);
    check_forward(rectify::CELU{-1.0}, -infinity<T>, -infinity<T>);
}

TEMPLATE_TEST_CASE("Hardswish, Hardsigmoid, Hardtanh, ReLU6: PyTorch's values at the edges", "[semantics][hard]",
                   float, double) {
    using T = TestType;
    const rectify::Hardswish hardswish;
    check_forward(hardswish, T(+0.0), T(+0.0));
    check_forward(hardswish, T(-0.0), T(-0.0));
    check_forward(hardswish, T(-4), T(-0.0));  // x * +0
    check_forward(hardswish, T(3), T(3));
    check_forward(hardswish, infinity<T>, infinity<T>);
    check_forward(hardswish, -infinity<T>, quiet_nan<T>);  // -inf * 0, PyTorch's value
    check_forward(hardswish, std::numeric_limits<T>::max(), infinity<T>);  // x * 6 overflows first
    check_forward(hardswish, T(1), T(T(1) * T(4) / T(6)));
    check_nan_rows(hardswish, quiet_nan<T>);
    check_backward(hardswish, T(3), T(2), T(2));       // hardswish'(3) = 1
    check_backward(hardswish, T(-3), T(2), T(-1));     // hardswish'(-3) = -0.5
    check_backward(hardswish, T(-4), quiet_nan<T>, T(+0.0));  // +0 below -3 whatever dy is
    check_backward(hardswish, -infinity<T>, T(1), T(+0.0));
    check_backward(hardswish, infinity<T>, T(-5), T(-5));

    const rectify::Hardsigmoid hardsigmoid;
    check_forward(hardsigmoid, T(+0.0), T(0.5));
    check_forward(hardsigmoid, T(-0.0), T(0.5));
    check_forward(hardsigmoid, infinity<T>, T(1));
    check_forward(hardsigmoid, -infinity<T>, T(+0.0));
    check_nan_rows(hardsigmoid, T(+0.0));
    check_backward(hardsigmoid, T(0), T(6), T(6) * (T(1) / T(6)));
    check_backward(hardsigmoid, T(3), T(1), T(+0.0));
    check_backward(hardsigmoid, T(-3), quiet_nan<T>, T(+0.0));
    const T below_three = std::nextafter(T(3), T(0)) - (std::is_same_v<T, float> ? T(0) : T(0));
    if constexpr (std::is_same_v<T, float>) check_forward(hardsigmoid, T(3) - T(0x1p-22), T(1));  // x + 3 rounds to 6
    check_backward(hardsigmoid, below_three, T(1), T(1) / T(6));

    for (const rectify::Hardtanh hardtanh : {rectify::Hardtanh{}, rectify::Hardtanh{-2.0, 3.0}, rectify::Hardtanh{0.0, 0.0}}) {
        const T lo = static_cast<T>(hardtanh.min_val), hi = static_cast<T>(hardtanh.max_val);
        check_forward(hardtanh, infinity<T>, hi);
        check_forward(hardtanh, -infinity<T>, lo);
        check_nan_rows(hardtanh, T(+0.0));
        check_backward(hardtanh, lo, T(1), T(+0.0));
        check_backward(hardtanh, hi, T(1), T(+0.0));
        check_backward(hardtanh, hi + T(1), T(1), T(+0.0));
    }
    check_forward(rectify::Hardtanh{}, T(-0.0), T(-0.0));
    check_forward(rectify::Hardtanh{}, T(0.25), T(0.25));
    check_backward(rectify::Hardtanh{}, T(0.25), T(-2), T(-2));
    check_forward(rectify::Hardtanh{0.0, 0.0}, T(-0.0), T(-0.0));  // -0 < +0 is false: -0 stays

    const rectify::ReLU6 relu6;
    check_forward(relu6, T(+0.0), T(+0.0));
    check_forward(relu6, T(-0.0), T(-0.0));
    check_forward(relu6, T(-2), T(+0.0));
    check_forward(relu6, T(7), T(6));
    check_forward(relu6, infinity<T>, T(6));
    check_forward(relu6, -infinity<T>, T(+0.0));
    check_nan_rows(relu6, T(+0.0));
    check_backward(relu6, T(0), T(1), T(+0.0));
    check_backward(relu6, T(6), T(1), T(+0.0));
    check_backward(relu6, T(3), T(-4), T(-4));
}

// ---------------------------------------------------------------------------------------------
// Rules for every kernel
// ---------------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("NaN in, NaN out, for every forward", "[semantics][nan]", float, double) {
    using T = TestType;
    const T nan = quiet_nan<T>;
    check_forward(rectify::ReLU{}, nan, nan);
    for (const double slope : slopes) check_forward(rectify::LeakyReLU{slope}, nan, nan);
    for (const double alpha : alphas) check_forward(rectify::ELU{alpha}, nan, nan);
    check_forward(rectify::SiLU{}, nan, nan);

    // Mixed with numbers, where a vector max(x, 0) would turn NaN into 0.
    const std::vector<T> x{nan, T(-1), nan, T(2), T(-0.0), nan, T(3), T(-4), nan, nan, T(5), T(-6), nan,
                           T(7), nan, T(-8), nan, T(9), T(-10), nan};
    std::vector<T> y(x.size(), sentinel<T>);
    rectify::relu(x, y);
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("element " << i << ": relu(" << show(x[i]) << ") = " << show(y[i]));
        CHECK(std::isnan(x[i]) == std::isnan(y[i]));
    }
    const std::vector<T> weight{T(0.25)};
    std::vector<T> prelu_y(x.size(), sentinel<T>);
    rectify::prelu(x, weight, prelu_y, rectify::ChannelShape{1, 1, x.size()});
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("element " << i << ": prelu(" << show(x[i]) << ") = " << show(prelu_y[i]));
        CHECK(std::isnan(x[i]) == std::isnan(prelu_y[i]));
    }
}

// ---------------------------------------------------------------------------------------------
// PReLU
// ---------------------------------------------------------------------------------------------

namespace {

// A tensor layout as PReLU sees it, with the channel of each element computed from first
// principles: row-major [outer][channels][inner].
struct Layout {
    std::string name;
    rectify::ChannelShape shape;
    std::size_t weights;  // 1 (shared) or shape.channels

    std::size_t size() const { return shape.outer * shape.channels * shape.inner; }
    std::size_t weight_index(std::size_t i) const { return weights == 1 ? 0 : (i / shape.inner) % shape.channels; }
};

std::vector<Layout> prelu_layouts() {
    return {
        {"NCHW [3, 4, 2, 3] as {3, 4, 6}", {3, 4, 6}, 4},
        {"NHWC [3, 2, 3, 4] as {18, 4, 1}", {18, 4, 1}, 4},
        {"[N, C] = [13, 4] as {13, 4, 1}", {13, 4, 1}, 4},
        {"1-D [61] with one weight as {1, 1, 61}", {1, 1, 61}, 1},
        {"NCHW [3, 4, 2, 3] with one weight shared by 4 channels", {3, 4, 6}, 1},
        {"NHWC [2, 3, 3, 5] with one weight shared by 5 channels", {18, 5, 1}, 1},
    };
}

// Weights as different as possible: PyTorch's initial 0.25, a negative one, one above 1, 0.
template <class T>
std::vector<T> prelu_weights(std::size_t n) {
    const std::vector<T> pool{T(0.25), T(-0.5), T(1.5), T(0), T(0.01)};
    std::vector<T> w(n);
    for (std::size_t c = 0; c < n; ++c) w[c] = pool[c % pool.size()];
    return w;
}

// Special values cycled with periods prime to every channel count above, so that every
// channel sees every value.
template <class T>
std::vector<T> cycled(const std::vector<T>& pool, std::size_t n) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = pool[i % pool.size()];
    return v;
}

template <class T>
std::vector<T> prelu_special_x(std::size_t n) {
    return cycled<T>({T(-2), T(3), T(-0.0), T(+0.0), -infinity<T>, infinity<T>, quiet_nan<T>, -denorm_min<T>,
                      denorm_min<T>, T(-1.5), T(0.5), T(-7), T(-0.125)},
                     n);  // 13 values
}

template <class T>
std::vector<T> prelu_special_dy(std::size_t n) {
    return cycled<T>({T(1), T(-2), T(0.5), quiet_nan<T>, infinity<T>, T(-0.0), T(3)}, n);  // 7 values
}

// Finite values on a 2^-10 grid in [-4, 4), zeros included: deterministic and portable.
template <class T>
std::vector<T> grid_values(std::size_t n, std::uint32_t seed) {
    std::mt19937 bits(seed);
    std::vector<T> v(n);
    for (auto& e : v) e = static_cast<T>(static_cast<int>(bits() % 8192) - 4096) / T(1024);
    return v;
}

// dweight[c] = Σ x·dy over the elements of channel c with !(x > 0), in long double.
template <class T>
std::vector<long double> exact_dweight(const Layout& layout, const std::vector<T>& x, const std::vector<T>& dy) {
    std::vector<long double> sum(layout.weights, 0.0L);
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!(x[i] > 0)) sum[layout.weight_index(i)] += static_cast<long double>(x[i]) * dy[i];
    return sum;
}

// docs/SEMANTICS.md: within 2·eps·Σ|x·dy| of the exact sum.
template <class T>
std::vector<long double> dweight_bound(const Layout& layout, const std::vector<T>& x, const std::vector<T>& dy) {
    std::vector<long double> sum(layout.weights, 0.0L);
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!(x[i] > 0)) sum[layout.weight_index(i)] += std::fabs(static_cast<long double>(x[i]) * dy[i]);
    for (auto& s : sum) s *= 2.0L * eps<T>;
    return sum;
}

template <class T>
struct PreluGradients {
    std::vector<T> dx, dweight;
};

template <class T>
PreluGradients<T> run_prelu_backward(const Layout& layout, const std::vector<T>& x, const std::vector<T>& weight,
                                     const std::vector<T>& dy) {
    PreluGradients<T> g{std::vector<T>(x.size(), sentinel<T>), std::vector<T>(weight.size(), sentinel<T>)};
    rectify::prelu_backward(x, weight, dy, g.dx, g.dweight, layout.shape);
    return g;
}

template <class T>
bool bit_identical(const std::vector<T>& a, const std::vector<T>& b) {
    return std::ranges::equal(a, b, [](T u, T v) { return same_value(u, v); });
}

// Empty when got and expected hold the same values (same_value), else where they first differ.
template <class T>
std::string first_difference(const std::vector<T>& got, const std::vector<T>& expected) {
    if (got.size() != expected.size()) return "sizes " + std::to_string(got.size()) + " and " + std::to_string(expected.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!same_value(got[i], expected[i]))
            return "element " + std::to_string(i) + ": got " + show(got[i]) + ", expected " + show(expected[i]);
    return "";
}

}  // namespace

TEMPLATE_TEST_CASE("PReLU forward: x > 0 ? x : w[c] * x, per channel", "[semantics][prelu]", float, double) {
    using T = TestType;
    for (const Layout& layout : prelu_layouts()) {
        INFO("layout " << layout.name);
        const auto x = prelu_special_x<T>(layout.size());
        const auto weight = prelu_weights<T>(layout.weights);

        std::vector<T> y(x.size(), sentinel<T>);
        rectify::prelu(std::span<const T>(x), std::span<const T>(weight), std::span<T>(y), layout.shape);
        std::vector<T> y_in_place = x;
        rectify::prelu(std::span<const T>(y_in_place), std::span<const T>(weight), std::span<T>(y_in_place),
                       layout.shape);

        for (std::size_t i = 0; i < x.size(); ++i) {
            const T w = weight[layout.weight_index(i)];
            const T expected = x[i] > 0 ? x[i] : w * x[i];
            INFO("element " << i << ": x = " << show(x[i]) << ", w = " << show(w) << ", expected "
                            << show(expected) << ", got " << show(y[i]) << ", in place " << show(y_in_place[i]));
            CHECK(same_value(y[i], expected));
            CHECK(same_value(y_in_place[i], expected));
        }
    }
}

TEMPLATE_TEST_CASE("PReLU backward: dx = x > 0 ? dy : w[c] * dy, per channel", "[semantics][prelu]", float,
                   double) {
    using T = TestType;
    for (const Layout& layout : prelu_layouts()) {
        INFO("layout " << layout.name);
        const auto x = prelu_special_x<T>(layout.size());
        const auto dy = prelu_special_dy<T>(layout.size());
        const auto weight = prelu_weights<T>(layout.weights);
        const auto [dx, dweight] = run_prelu_backward(layout, x, weight, dy);

        for (std::size_t i = 0; i < x.size(); ++i) {
            const T w = weight[layout.weight_index(i)];
            const T expected = x[i] > 0 ? dy[i] : w * dy[i];
            INFO("element " << i << ": x = " << show(x[i]) << ", dy = " << show(dy[i]) << ", w = " << show(w)
                            << ", expected " << show(expected) << ", got " << show(dx[i]));
            CHECK(same_value(dx[i], expected));
        }
    }
}

TEMPLATE_TEST_CASE("PReLU weight gradient: dweight[c] = sum of x * dy where !(x > 0)", "[semantics][prelu]", float,
                   double) {
    using T = TestType;

    SECTION("a small example, exactly") {
        // -1·1 + -3·2 + 0·5 + -0.5·-4 = -5; 2·1 (x > 0) is left out.
        const std::vector<T> x{-1, 2, -3, 0, T(-0.5)};
        const std::vector<T> dy{1, 1, 2, 5, -4};
        const auto [dx, dweight] = run_prelu_backward(Layout{"1-D", {1, 1, 5}, 1}, x, {T(0.25)}, dy);
        CHECK(dweight == std::vector<T>{-5});
    }
    SECTION("per channel, within 2 eps sum |x * dy| of the exact sum") {
        for (const Layout& layout : prelu_layouts()) {
            for (const std::size_t scale : {std::size_t{1}, std::size_t{97}}) {
                // The same layout with `scale` times as many outer rows: long sums.
                Layout big = layout;
                big.shape.outer *= scale;
                INFO("layout " << layout.name << " with outer " << big.shape.outer);
                const auto x = grid_values<T>(big.size(), 1);
                const auto dy = grid_values<T>(big.size(), 2);
                const auto [dx, dweight] = run_prelu_backward(big, x, prelu_weights<T>(big.weights), dy);
                const auto exact = exact_dweight(big, x, dy);
                const auto bound = dweight_bound(big, x, dy);
                for (std::size_t c = 0; c < big.weights; ++c) {
                    INFO("channel " << c << ": got " << show(dweight[c]) << ", exact " << std::setprecision(21)
                                    << exact[c] << ", bound " << bound[c]);
                    CHECK(std::fabs(static_cast<long double>(dweight[c]) - exact[c]) <= bound[c]);
                }
            }
        }
    }
    SECTION("within the bound where a plain sum is not: +B terms, many below half an ULP of B, then -B") {
        // Each weight's terms, in memory order: 64 times +B, then many times +tiny, then 64 times -B,
        // with B = 2^30 and tiny = 2^-24 = B * 2^-54, less than half an ULP of any sum of B's. A plain
        // double sum (or one that drops its compensation) adds each tiny to a partial sum that already
        // holds a B and loses it, however the terms are spread over lanes and parts (each partial
        // sum's first terms are B's: there are fewer than 64 partial sums), and then the -B cancel
        // the +B: it returns 0. The exact sum is (count of tiny) * 2^-24; the bound is
        // 2 * eps * 128 * B, 2^-14 for double, 16 times smaller than the 2^14 * 2^-24 that a plain sum
        // loses. (For float the bound, 2 * 2^-23 * 2^37, is far above that loss: float's plain double
        // sum meets it, as docs/SEMANTICS.md says.) The long double reference is exact here: its
        // partial sums span 2^36 down to 2^-24, 61 bits.
        constexpr std::size_t run = 64, tinies = 1 << 14, per_weight = 2 * run + tinies;
        const T big = std::ldexp(T(1), 30), tiny = std::ldexp(T(1), -24);
        const std::vector<Layout> layouts{
            {"NCHW {4, 3, 4128}", {4, 3, per_weight / 4}, 3},
            {"channels last {16512, 3, 1}", {per_weight, 3, 1}, 3},
            {"channels last {16512, 67, 1} (rows wider than a register tile of sums)", {per_weight, 67, 1}, 67},
            {"1-D {1, 1, 16512} with one weight", {1, 1, per_weight}, 1},
            {"NCHW {4, 3, 4128} with one weight", {4, 3, per_weight / 4}, 1},
            {"1-D {1, 1, 200000} with one weight (longer than a block of 2^16)", {1, 1, 200000}, 1},
        };
        for (const Layout& layout : layouts) {
            INFO("layout " << layout.name);
            const std::size_t n = layout.size();
            std::vector<std::size_t> count(layout.weights, 0);  // elements of each weight
            for (std::size_t i = 0; i < n; ++i) ++count[layout.weight_index(i)];
            std::vector<std::size_t> seen(layout.weights, 0);
            const std::vector<T> x(n, T(-1));
            std::vector<T> dy(n);
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t w = layout.weight_index(i);
                const std::size_t j = seen[w]++;  // the element's position among its weight's elements
                dy[i] = j < run ? -big : j >= count[w] - run ? big : -tiny;  // x * dy = +B, +tiny, -B
            }
            const auto [dx, dweight] = run_prelu_backward(layout, x, prelu_weights<T>(layout.weights), dy);
            const auto exact = exact_dweight(layout, x, dy);
            const auto bound = dweight_bound(layout, x, dy);
            for (std::size_t c = 0; c < layout.weights; ++c) {
                INFO("weight " << c << ": got " << show(dweight[c]) << ", exact " << std::setprecision(21) << exact[c]
                               << ", bound " << bound[c]);
                CHECK(std::fabs(static_cast<long double>(dweight[c]) - exact[c]) <= bound[c]);
            }
        }
    }
    SECTION("x = 0 adds 0, a NaN x makes its channel NaN, NaN dy where x > 0 is left out") {
        // [N, C] = [3, 3]; channel 0: zeros and -1·2; channel 1: a NaN x; channel 2: NaN dy at x > 0.
        const Layout layout{"[3, 3]", {3, 3, 1}, 3};
        const std::vector<T> x{T(+0.0), quiet_nan<T>, T(5),  //
                               T(-0.0), T(-1), T(-2),        //
                               T(-1), T(4), T(3)};
        const std::vector<T> dy{T(7), T(1), quiet_nan<T>,  //
                                T(9), T(1), T(2),          //
                                T(2), T(1), infinity<T>};
        const auto [dx, dweight] = run_prelu_backward(layout, x, prelu_weights<T>(3), dy);
        CHECK(dweight[0] == T(-2));
        CHECK(std::isnan(dweight[1]));
        CHECK(dweight[2] == T(-4));
    }
    SECTION("an infinite x * dy makes its channel's sum infinite, not NaN") {
        // [N, C] = [2, 2]; channel 0: -inf·2 + -1·1 = -inf; channel 1: -2·-inf + -1·1 = +inf.
        const Layout layout{"[2, 2]", {2, 2, 1}, 2};
        const std::vector<T> x{-infinity<T>, T(-2), T(-1), T(-1)};
        const std::vector<T> dy{T(2), -infinity<T>, T(1), T(1)};
        const auto [dx, dweight] = run_prelu_backward(layout, x, prelu_weights<T>(2), dy);
        CHECK(same_value(dweight[0], -infinity<T>));
        CHECK(same_value(dweight[1], infinity<T>));
    }
    SECTION("the same bits whichever channel a sum belongs to and wherever the arrays start") {
        // The order of a channel's sum depends on the shape alone (detail/prelu.hpp): on its own terms
        // and on (outer, inner), not on which channel it is (its lane, its group of channels, whether
        // it falls in a zero-padded last batch), nor on the arrays' alignment or what dweight held.
        // So moving every channel's data to another channel must move its dweight bit for bit, and so
        // must moving the arrays to any other start. Terms of many magnitudes and both signs, so that
        // the rounding of the sums depends on how they are added.
        const std::vector<Layout> layouts{
            {"NCHW {3, 5, 37}", {3, 5, 37}, 5},
            {"channels last {29, 5, 1}", {29, 5, 1}, 5},
            {"channels last {29, 37, 1}", {29, 37, 1}, 37},
            {"channels last {13, 150, 1} (rows wider than a register tile of sums)", {13, 150, 1}, 150},
            {"1-D {1, 1, 1001} with one weight", {1, 1, 1001}, 1},
        };
        std::mt19937_64 rng(7);
        const auto spread = [&rng] {
            const T v = std::ldexp(std::uniform_real_distribution<T>(T(1), T(2))(rng),
                                   std::uniform_int_distribution<int>(-20, 20)(rng));
            return rng() % 2 ? v : -v;
        };
        for (const Layout& layout : layouts) {
            INFO("layout " << layout.name);
            const std::size_t n = layout.size(), channels = layout.shape.channels;
            std::vector<T> x(n), dy(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = rng() % 8 == 0 ? T(1) : spread();  // some x > 0, left out of the sums
                dy[i] = spread();
            }
            const auto weight = prelu_weights<T>(layout.weights);
            const auto reference = run_prelu_backward(layout, x, weight, dy);

            // Channel c's data moved to channel (c + shift) % channels.
            if (layout.weights > 1) {
                for (std::size_t shift = 1; shift < channels; ++shift) {
                    INFO("channels moved by " << shift);
                    const auto moved = [&](std::size_t c) { return (c + shift) % channels; };
                    std::vector<T> x_moved(n), dy_moved(n), weight_moved(channels), expected(channels);
                    for (std::size_t i = 0; i < n; ++i) {
                        const std::size_t c = layout.weight_index(i);
                        const std::size_t to = i - c * layout.shape.inner + moved(c) * layout.shape.inner;  // same outer and inner
                        x_moved[to] = x[i];
                        dy_moved[to] = dy[i];
                    }
                    for (std::size_t c = 0; c < channels; ++c) {
                        weight_moved[moved(c)] = weight[c];
                        expected[moved(c)] = reference.dweight[c];
                    }
                    const auto again = run_prelu_backward(layout, x_moved, weight_moved, dy_moved);
                    CHECK(first_difference(again.dweight, expected) == "");
                }
            }
            // The arrays at other starts (every element offset a vector of AVX-512 floats can have),
            // dweight holding a NaN or an infinity before the call.
            for (std::size_t offset = 1; offset < 16; ++offset) {
                INFO("x, dy and dx " << offset << " elements further, weight and dweight " << 16 - offset);
                std::vector<T> x_at(n + offset), dy_at(n + offset), dx_at(n + offset),
                    weight_at(layout.weights + 16 - offset), dweight_at(layout.weights + 16 - offset,
                                                                        offset % 2 ? quiet_nan<T> : -infinity<T>);
                std::copy(x.begin(), x.end(), x_at.begin() + offset);
                std::copy(dy.begin(), dy.end(), dy_at.begin() + offset);
                std::copy(weight.begin(), weight.end(), weight_at.begin() + (16 - offset));
                rectify::prelu_backward(std::span<const T>(&x_at[offset], n),
                                        std::span<const T>(&weight_at[16 - offset], layout.weights),
                                        std::span<const T>(&dy_at[offset], n), std::span<T>(&dx_at[offset], n),
                                        std::span<T>(&dweight_at[16 - offset], layout.weights), layout.shape);
                CHECK(first_difference(std::vector<T>(dweight_at.begin() + (16 - offset), dweight_at.end()),
                                       reference.dweight) == "");
                CHECK(first_difference(std::vector<T>(dx_at.begin() + offset, dx_at.end()), reference.dx) == "");
            }
        }
    }
    SECTION("in place (dx aliases dy) gives the same dx and dweight as out of place") {
        for (const Layout& layout : prelu_layouts()) {
            INFO("layout " << layout.name);
            const auto x = grid_values<T>(layout.size(), 5);
            const auto dy = grid_values<T>(layout.size(), 6);
            const auto weight = prelu_weights<T>(layout.weights);
            const auto out_of_place = run_prelu_backward(layout, x, weight, dy);

            std::vector<T> dy_then_dx = dy;
            std::vector<T> dweight(weight.size(), sentinel<T>);
            rectify::prelu_backward(std::span<const T>(x), std::span<const T>(weight), std::span<const T>(dy_then_dx),
                                    std::span<T>(dy_then_dx), std::span<T>(dweight), layout.shape);
            CHECK(bit_identical(dy_then_dx, out_of_place.dx));
            CHECK(bit_identical(dweight, out_of_place.dweight));
        }
    }
}
