// The documented examples (issue 3, docs/API.md, docs/SEMANTICS.md), verbatim, for float and double:
// through std::vector, through std::span, through the generic forward/backward and through
// the scalar activation types. Outputs start as a sentinel, so a kernel that writes nothing
// fails even where the expected value is 0.
#include <rectify/rectify.hpp>

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

namespace {

using rectify_test::sentinel;
using rectify_test::sentinel_filled;

}  // namespace

TEMPLATE_TEST_CASE("example: relu([-5, 0, 5, -1.2]) = [0, 0, 5, 0]", "[examples][relu]", float, double) {
    using T = TestType;
    const std::vector<T> x{-5, 0, 5, T(-1.2)};
    const std::vector<T> expected{0, 0, 5, 0};
    auto y = sentinel_filled<T>(x.size());

    SECTION("std::vector") {
        rectify::relu(x, y);
        CHECK(y == expected);
    }
    SECTION("std::span") {
        rectify::relu(std::span<const T>(x), std::span<T>(y));
        CHECK(y == expected);
    }
    SECTION("forward(ReLU{}, ...)") {
        rectify::forward(rectify::ReLU{}, std::span<const T>(x), std::span<T>(y));
        CHECK(y == expected);
    }
    SECTION("scalar ReLU{}(x)") {
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(rectify::ReLU{}(x[i]) == expected[i]);
    }
}

TEMPLATE_TEST_CASE("example: relu([-3, -1, 0, 2, 5]) = [0, 0, 0, 2, 5]", "[examples][relu]", float, double) {
    using T = TestType;
    const std::array<T, 5> x{-3, -1, 0, 2, 5};
    const std::array<T, 5> expected{0, 0, 0, 2, 5};
    std::array<T, 5> y;
    y.fill(sentinel<T>);

    SECTION("std::array") {
        rectify::relu(x, y);
        CHECK(y == expected);
    }
    SECTION("std::span") {
        rectify::relu(std::span<const T>(x), std::span<T>(y));
        CHECK(y == expected);
    }
    SECTION("scalar ReLU{}(x)") {
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(rectify::ReLU{}(x[i]) == expected[i]);
    }
}

TEMPLATE_TEST_CASE("example: the gradient of relu at x = -1 with dy = 1 is 0", "[examples][relu]", float,
                   double) {
    using T = TestType;
    const std::vector<T> x{-1};
    const std::vector<T> dy{1};
    auto dx = sentinel_filled<T>(1);

    SECTION("std::vector") {
        rectify::relu_backward(x, dy, dx);
        CHECK(dx[0] == 0);
    }
    SECTION("backward(ReLU{}, ...) on spans") {
        rectify::backward(rectify::ReLU{}, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
        CHECK(dx[0] == 0);
    }
    SECTION("scalar ReLU{}.backward(x, dy)") {
        CHECK(rectify::ReLU{}.backward(T(-1), T(1)) == 0);
    }
}

TEMPLATE_TEST_CASE("example: leaky_relu([10, -5, 0], 0.1) = [10, -0.5, 0]", "[examples][leaky_relu]", float,
                   double) {
    using T = TestType;
    const std::vector<T> x{10, -5, 0};
    const std::vector<T> expected{10, T(-0.5), 0};
    auto y = sentinel_filled<T>(x.size());

    SECTION("std::vector") {
        rectify::leaky_relu(x, y, 0.1);
        CHECK(y == expected);
    }
    SECTION("std::span") {
        rectify::leaky_relu(std::span<const T>(x), std::span<T>(y), 0.1);
        CHECK(y == expected);
    }
    SECTION("forward(LeakyReLU{0.1}, ...)") {
        rectify::forward(rectify::LeakyReLU{0.1}, std::span<const T>(x), std::span<T>(y));
        CHECK(y == expected);
    }
    SECTION("scalar LeakyReLU{0.1}(x)") {
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(rectify::LeakyReLU{0.1}(x[i]) == expected[i]);
    }
}

TEST_CASE("example: the default parameters are PyTorch's", "[examples][defaults]") {
    STATIC_REQUIRE(rectify::LeakyReLU{}.negative_slope == 0.01);
    STATIC_REQUIRE(rectify::ELU{}.alpha == 1.0);
}

TEMPLATE_TEST_CASE("example: leaky_relu without a slope uses 0.01", "[examples][defaults][leaky_relu]", float,
                   double) {
    using T = TestType;
    // Negative inputs, where the slope shows; -3 * 0.01 is not a multiple of any other
    // plausible default.
    const std::vector<T> x{-3, -1, 2, T(-0.5)};
    const std::vector<T> dy{1, -2, 3, T(0.25)};

    auto y_default = sentinel_filled<T>(x.size());
    auto y_explicit = sentinel_filled<T>(x.size());
    rectify::leaky_relu(x, y_default);
    rectify::leaky_relu(x, y_explicit, 0.01);
    CHECK(y_default == y_explicit);
    CHECK(y_default == std::vector<T>{T(-3) * T(0.01), T(-1) * T(0.01), 2, T(-0.5) * T(0.01)});

    auto dx_default = sentinel_filled<T>(x.size());
    auto dx_explicit = sentinel_filled<T>(x.size());
    rectify::leaky_relu_backward(x, dy, dx_default);
    rectify::leaky_relu_backward(x, dy, dx_explicit, 0.01);
    CHECK(dx_default == dx_explicit);
    CHECK(dx_default == std::vector<T>{T(0.01), T(-2) * T(0.01), 3, T(0.25) * T(0.01)});

    CHECK(rectify::LeakyReLU{}(T(-3)) == T(-3) * T(0.01));
}

TEMPLATE_TEST_CASE("example: elu without an alpha uses 1", "[examples][defaults][elu]", float, double) {
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    // elu(-inf) = -alpha and elu's gradient at 0 is alpha * dy: both show alpha exactly.
    const std::vector<T> x{-inf, T(-0.5), 0, 2};
    const std::vector<T> dy{1, 1, 3, 1};

    auto y_default = sentinel_filled<T>(x.size());
    auto y_explicit = sentinel_filled<T>(x.size());
    rectify::elu(x, y_default);
    rectify::elu(x, y_explicit, 1.0);
    CHECK(y_default == y_explicit);
    CHECK(y_default[0] == -1);

    auto dx_default = sentinel_filled<T>(x.size());
    auto dx_explicit = sentinel_filled<T>(x.size());
    rectify::elu_backward(x, dy, dx_default);
    rectify::elu_backward(x, dy, dx_explicit, 1.0);
    CHECK(dx_default == dx_explicit);
    CHECK(dx_default[2] == 3);

    CHECK(rectify::ELU{}(-inf) == -1);
    CHECK(rectify::ELU{}.backward(T(0), T(3)) == 3);
}

TEMPLATE_TEST_CASE("example: prelu([-4, 2]) with nn.PReLU's initial weight 0.25 is [-1, 2]",
                   "[examples][prelu]", float, double) {
    using T = TestType;
    const std::vector<T> x{-4, 2};
    const std::vector<T> weight{T(0.25)};
    const std::vector<T> expected{-1, 2};
    const rectify::ChannelShape one_dimensional{1, 1, 2};
    auto y = sentinel_filled<T>(x.size());

    SECTION("std::vector") {
        rectify::prelu(x, weight, y, one_dimensional);
        CHECK(y == expected);
    }
    SECTION("std::span") {
        rectify::prelu(std::span<const T>(x), std::span<const T>(weight), std::span<T>(y), one_dimensional);
        CHECK(y == expected);
    }
    SECTION("as a [1, 2] tensor whose two channels share the weight") {
        rectify::prelu(x, weight, y, rectify::ChannelShape{1, 2, 1});
        CHECK(y == expected);
    }
}

// docs/API.md's signatures name the element type as a template parameter; spelling it out must
// work with containers as well as spans, and give the same values.
TEST_CASE("explicit element type: forward<Act, T>, backward<Act, T>, prelu<T>, prelu_backward<T>") {
    std::vector<float> x = {-4.0f, 2.0f}, w = {0.25f}, dy = {1.0f, 1.0f};
    std::vector<float> y(2), dx(2), dw(1);
    rectify::forward<rectify::LeakyReLU, float>(rectify::LeakyReLU{0.1}, x, y);
    CHECK(y == std::vector<float>{-0.4f, 2.0f});
    rectify::backward<rectify::ReLU, float>(rectify::ReLU{}, x, dy, dx);
    CHECK(dx == std::vector<float>{0.0f, 1.0f});
    rectify::prelu<float>(x, w, y, {1, 1, 2});
    CHECK(y == std::vector<float>{-1.0f, 2.0f});
    rectify::prelu_backward<float>(x, w, dy, dx, dw, {1, 1, 2});
    CHECK(dx == std::vector<float>{0.25f, 1.0f});
    CHECK(dw[0] == -4.0f);
    std::vector<float> too_short(1);
    const auto relu_into_too_short = [&] { rectify::forward<rectify::ReLU, float>(rectify::ReLU{}, x, too_short); };
    CHECK_THROWS_AS(relu_into_too_short(), std::invalid_argument);
}
