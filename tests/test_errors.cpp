// Every bad input the checked (span and range) entry points must reject: std::invalid_argument
// whose message starts with the function's full name ("rectify::relu: ") and contains the
// offending sizes as decimal numbers (for a partial overlap no size is at fault, so only the
// name is required), and nothing written to any output. Each output starts
// as a sentinel and is compared afterwards. Each rejection has a valid neighbour that must
// not throw, so a function that rejects everything fails too.
#include <rectify/rectify.hpp>

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using rectify_test::sentinel;
using rectify_test::sentinel_filled;

template <class T>
bool untouched(std::span<const T> output) {
    return std::ranges::all_of(output, [](T v) { return v == sentinel<T>; });
}

// Inputs with both signs, so every activation has something to write.
template <class T>
std::vector<T> inputs(std::size_t n) {
    std::vector<T> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<T>(i % 2 == 0 ? -1.5 * double(i + 1) : double(i));
    return v;
}

// Whether `n` appears in `message` as a whole decimal number (so 4 is not found in "14").
bool mentions(const std::string& message, std::size_t n) {
    const std::string wanted = std::to_string(n);
    for (std::size_t i = 0; i < message.size();) {
        if (!std::isdigit(static_cast<unsigned char>(message[i]))) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
        if (message.compare(i, end - i, wanted) == 0 && end - i == wanted.size()) return true;
        i = end;
    }
    return false;
}

// Runs `call`, which must throw std::invalid_argument whose message starts with
// "<function>: " and mentions every number of `sizes`. Returns the message ("" if none).
template <class Call>
std::string check_rejected(Call&& call, const std::string& function, std::initializer_list<std::size_t> sizes) {
    try {
        call();
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        INFO("message: \"" << message << '"');
        CHECK(message.starts_with(function + ": "));
        for (const std::size_t n : sizes) {
            INFO("the message should contain " << n);
            CHECK(mentions(message, n));
        }
        return message;
    }
    FAIL_CHECK(function << " did not throw std::invalid_argument");
    return "";
}

// Every checked element-wise forward: the generic forward with each activation and the named
// shorthands, with the name its message must start with.
template <class T>
struct ForwardFunction {
    std::string name;
    std::string activation;
    std::function<void(std::span<const T>, std::span<T>)> call;
};

template <class T>
std::vector<ForwardFunction<T>> every_forward() {
    using X = std::span<const T>;
    using Y = std::span<T>;
    return {
        {"rectify::forward", "ReLU", [](X x, Y y) { rectify::forward(rectify::ReLU{}, x, y); }},
        {"rectify::forward", "LeakyReLU", [](X x, Y y) { rectify::forward(rectify::LeakyReLU{0.2}, x, y); }},
        {"rectify::forward", "ELU", [](X x, Y y) { rectify::forward(rectify::ELU{0.5}, x, y); }},
        {"rectify::forward", "SiLU", [](X x, Y y) { rectify::forward(rectify::SiLU{}, x, y); }},
        {"rectify::relu", "ReLU", [](X x, Y y) { rectify::relu(x, y); }},
        {"rectify::leaky_relu", "LeakyReLU", [](X x, Y y) { rectify::leaky_relu(x, y, 0.2); }},
        {"rectify::elu", "ELU", [](X x, Y y) { rectify::elu(x, y, 0.5); }},
        {"rectify::silu", "SiLU", [](X x, Y y) { rectify::silu(x, y); }},
    };
}

template <class T>
struct BackwardFunction {
    std::string name;
    std::string activation;
    std::function<void(std::span<const T>, std::span<const T>, std::span<T>)> call;
};

template <class T>
std::vector<BackwardFunction<T>> every_backward() {
    using X = std::span<const T>;
    using DX = std::span<T>;
    return {
        {"rectify::backward", "ReLU", [](X x, X dy, DX dx) { rectify::backward(rectify::ReLU{}, x, dy, dx); }},
        {"rectify::backward", "LeakyReLU",
         [](X x, X dy, DX dx) { rectify::backward(rectify::LeakyReLU{0.2}, x, dy, dx); }},
        {"rectify::backward", "ELU", [](X x, X dy, DX dx) { rectify::backward(rectify::ELU{0.5}, x, dy, dx); }},
        {"rectify::backward", "SiLU", [](X x, X dy, DX dx) { rectify::backward(rectify::SiLU{}, x, dy, dx); }},
        {"rectify::relu_backward", "ReLU", [](X x, X dy, DX dx) { rectify::relu_backward(x, dy, dx); }},
        {"rectify::leaky_relu_backward", "LeakyReLU",
         [](X x, X dy, DX dx) { rectify::leaky_relu_backward(x, dy, dx, 0.2); }},
        {"rectify::elu_backward", "ELU", [](X x, X dy, DX dx) { rectify::elu_backward(x, dy, dx, 0.5); }},
        {"rectify::silu_backward", "SiLU", [](X x, X dy, DX dx) { rectify::silu_backward(x, dy, dx); }},
    };
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Element-wise kernels
// ---------------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("errors: forward with x and y of different sizes", "[errors]", float, double) {
    using T = TestType;
    for (const auto& f : every_forward<T>()) {
        INFO(f.name << " with " << f.activation);
        for (const auto& [x_size, y_size] : {std::pair{5, 4}, std::pair{5, 6}, std::pair{0, 3}, std::pair{67, 66}}) {
            const auto x = inputs<T>(x_size);
            auto y = sentinel_filled<T>(y_size);
            check_rejected([&] { f.call(x, y); }, f.name, {std::size_t(x_size), std::size_t(y_size)});
            CHECK(untouched<T>(y));
        }
        const auto x = inputs<T>(5);
        auto y = sentinel_filled<T>(5);
        CHECK_NOTHROW(f.call(x, y));
    }
}

TEMPLATE_TEST_CASE("errors: backward with x, dy and dx of different sizes", "[errors]", float, double) {
    using T = TestType;
    struct Sizes {
        std::size_t x, dy, dx;
        std::size_t odd_one_out;  // the size that differs from x's
    };
    for (const auto& f : every_backward<T>()) {
        INFO(f.name << " with " << f.activation);
        for (const Sizes s : {Sizes{5, 4, 5, 4}, Sizes{5, 6, 5, 6}, Sizes{5, 5, 4, 4}, Sizes{5, 5, 6, 6},
                              Sizes{0, 0, 2, 2}, Sizes{67, 67, 66, 66}}) {
            INFO("x, dy, dx sizes " << s.x << ", " << s.dy << ", " << s.dx);
            const auto x = inputs<T>(s.x);
            const auto dy = inputs<T>(s.dy);
            auto dx = sentinel_filled<T>(s.dx);
            check_rejected([&] { f.call(x, dy, dx); }, f.name, {s.x, s.odd_one_out});
            CHECK(untouched<T>(dx));
        }
        const auto x = inputs<T>(5);
        auto dx = sentinel_filled<T>(5);
        CHECK_NOTHROW(f.call(x, x, dx));
    }
}

TEMPLATE_TEST_CASE("errors: the contiguous-range overloads check sizes too", "[errors]", float, double) {
    using T = TestType;
    const std::vector<T> x = inputs<T>(5);
    std::vector<T> y = sentinel_filled<T>(4);
    check_rejected([&] { rectify::relu(x, y); }, "rectify::relu", {5, 4});
    check_rejected([&] { rectify::forward(rectify::SiLU{}, x, y); }, "rectify::forward", {5, 4});
    check_rejected([&] { rectify::elu_backward(x, x, y); }, "rectify::elu_backward", {5, 4});
    check_rejected([&] { rectify::backward(rectify::LeakyReLU{}, x, x, y); }, "rectify::backward", {5, 4});
    CHECK(untouched<T>(y));
}

TEMPLATE_TEST_CASE("errors: forward output overlapping its input partially; in place is allowed", "[errors]",
                   float, double) {
    using T = TestType;
    constexpr std::size_t n = 8;
    const std::vector<T> original = inputs<T>(24);
    for (const auto& f : every_forward<T>()) {
        INFO(f.name << " with " << f.activation);
        std::vector<T> buffer = original;
        const auto at = [&](std::size_t start) { return std::span<T>(buffer).subspan(start, n); };
        std::vector<T> expected = sentinel_filled<T>(n);
        f.call(std::span<const T>(original).subspan(0, n), expected);

        // x at 0, y at 2 (y starts inside x); x at 4, y at 1 (y ends inside x); x at 0, y at 7
        // (they share one element).
        // (Plain copies of the structured bindings: Clang 14 cannot capture a binding in a lambda.)
        for (const auto& [x_at, y_at] : {std::pair{0, 2}, std::pair{4, 1}, std::pair{0, 7}}) {
            const int x_start = x_at, y_start = y_at;
            INFO("x at " << x_start << ", y at " << y_start << ", " << n << " elements each");
            check_rejected([&] { f.call(at(x_start), at(y_start)); }, f.name, {});
            CHECK(buffer == original);
        }

        {
            INFO("y right after x does not overlap");
            CHECK_NOTHROW(f.call(at(0), at(n)));
            CHECK(std::ranges::equal(at(n), expected));
        }
        {
            INFO("y is x: in place");
            buffer = original;
            CHECK_NOTHROW(f.call(at(0), at(0)));
            CHECK(std::ranges::equal(at(0), expected));
        }
    }
}

TEMPLATE_TEST_CASE("errors: dx overlapping x or dy partially; dx aliasing dy is allowed", "[errors]", float,
                   double) {
    using T = TestType;
    constexpr std::size_t n = 8;
    const std::vector<T> original = inputs<T>(24);
    const std::vector<T> x_storage = inputs<T>(n);
    const std::vector<T> dy_storage = inputs<T>(n);
    const std::span<const T> separate_x(x_storage);
    const std::span<const T> separate_dy(dy_storage);
    for (const auto& f : every_backward<T>()) {
        INFO(f.name << " with " << f.activation);
        std::vector<T> buffer = original;
        const auto at = [&](std::size_t start) { return std::span<T>(buffer).subspan(start, n); };

        for (const auto& [dy_at, dx_at] : {std::pair{0, 3}, std::pair{5, 0}}) {
            const int dy_start = dy_at, dx_start = dx_at;  // Clang 14 cannot capture a binding
            INFO("dy at " << dy_start << ", dx at " << dx_start << " of one buffer, " << n << " elements each");
            check_rejected([&] { f.call(separate_x, at(dy_start), at(dx_start)); }, f.name, {});
            CHECK(buffer == original);
        }
        for (const auto& [x_at, dx_at] : {std::pair{0, 5}, std::pair{2, 1}}) {
            const int x_start = x_at, dx_start = dx_at;  // Clang 14 cannot capture a binding
            INFO("x at " << x_start << ", dx at " << dx_start << " of one buffer, " << n << " elements each");
            check_rejected([&] { f.call(at(x_start), separate_dy, at(dx_start)); }, f.name, {});
            CHECK(buffer == original);
        }

        INFO("dx is dy: in place");
        std::vector<T> expected = sentinel_filled<T>(n);
        f.call(separate_x, std::span<const T>(original).subspan(0, n), expected);
        CHECK_NOTHROW(f.call(separate_x, at(0), at(0)));
        CHECK(std::ranges::equal(at(0), expected));
    }
}

// ---------------------------------------------------------------------------------------------
// PReLU
// ---------------------------------------------------------------------------------------------

namespace {

// A valid PReLU call on [N, C, H*W] = [2, 3, 2] that each section below breaks in one way.
template <class T>
struct PreluCall {
    rectify::ChannelShape shape{2, 3, 2};
    std::vector<T> x = inputs<T>(12);
    std::vector<T> weight{T(0.25), T(-0.5), T(1.5)};
    std::vector<T> y = sentinel_filled<T>(12);
    std::vector<T> dy = inputs<T>(12);
    std::vector<T> dx = sentinel_filled<T>(12);
    std::vector<T> dweight = sentinel_filled<T>(3);

    void forward() { rectify::prelu(x, weight, y, shape); }
    void backward() { rectify::prelu_backward(x, weight, dy, dx, dweight, shape); }
    bool outputs_untouched() const { return untouched<T>(y) && untouched<T>(dx) && untouched<T>(dweight); }

    // Every buffer resized to `size` elements and `weights` weights (the shape is left alone).
    void resize(std::size_t size, std::size_t weights) {
        x = inputs<T>(size);
        dy = inputs<T>(size);
        y = sentinel_filled<T>(size);
        dx = sentinel_filled<T>(size);
        weight.assign(weights, T(0.25));
        dweight = sentinel_filled<T>(weights);
    }
};

constexpr std::size_t two_to_the(int n) { return std::size_t{1} << n; }

}  // namespace

TEMPLATE_TEST_CASE("errors: prelu and prelu_backward reject bad weights, shapes and sizes", "[errors][prelu]",
                   float, double) {
    using T = TestType;
    PreluCall<T> call;

    SECTION("the valid call is accepted, with one weight per channel or one shared weight") {
        CHECK_NOTHROW(call.forward());
        CHECK_NOTHROW(call.backward());
        call.weight = {T(0.25)};
        call.dweight = sentinel_filled<T>(1);
        CHECK_NOTHROW(call.forward());
        CHECK_NOTHROW(call.backward());
    }
    SECTION("weight.size() neither 1 nor channels") {
        for (const std::size_t weights : {0, 2, 4, 12}) {
            INFO(weights << " weights for 3 channels");
            call.weight.assign(weights, T(0.25));
            call.dweight = sentinel_filled<T>(weights);
            check_rejected([&] { call.forward(); }, "rectify::prelu", {weights, 3});
            check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {weights, 3});
            CHECK(call.outputs_untouched());
        }
    }
    SECTION("a shape that does not cover x") {
        // x has 12 elements; these shapes cover 18, 9 and 60.
        for (const rectify::ChannelShape s : {rectify::ChannelShape{2, 3, 3}, rectify::ChannelShape{1, 3, 3},
                                              rectify::ChannelShape{4, 3, 5}}) {
            const std::size_t covered = s.outer * s.channels * s.inner;
            INFO("shape {" << s.outer << ", " << s.channels << ", " << s.inner << "} for " << call.x.size()
                           << " elements");
            call.shape = s;
            for (const auto& [function, run] :
                 {std::pair<std::string, std::function<void()>>{"rectify::prelu", [&] { call.forward(); }},
                  std::pair<std::string, std::function<void()>>{"rectify::prelu_backward",
                                                                [&] { call.backward(); }}}) {
                const std::string message = check_rejected(run, function, {call.x.size()});
                INFO("message: \"" << message << "\" should give the shape or the size it covers");
                CHECK((mentions(message, covered) ||
                       (mentions(message, s.outer) && mentions(message, s.channels) && mentions(message, s.inner))));
            }
            CHECK(call.outputs_untouched());
        }
    }
    SECTION("a shape whose product overflows size_t, even when it wraps around to x.size()") {
        // (2^63 + 3) * 2 * 1 wraps to 6, and 2^32 * 2^31 * 2 wraps to 0.
        const std::size_t huge = two_to_the(63) + 3;
        static_assert(std::numeric_limits<std::size_t>::digits == 64, "the wrap-around values assume 64 bits");

        call.resize(6, 1);
        call.shape = {huge, 2, 1};
        check_rejected([&] { call.forward(); }, "rectify::prelu", {huge});
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {huge});
        CHECK(call.outputs_untouched());

        call.resize(0, 1);
        call.shape = {two_to_the(32), two_to_the(31), 2};
        check_rejected([&] { call.forward(); }, "rectify::prelu", {two_to_the(32), two_to_the(31)});
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {two_to_the(32), two_to_the(31)});
        CHECK(call.outputs_untouched());
    }
    SECTION("y of another size than x") {
        call.y = sentinel_filled<T>(11);
        check_rejected([&] { call.forward(); }, "rectify::prelu", {12, 11});
        call.y = sentinel_filled<T>(13);
        check_rejected([&] { call.forward(); }, "rectify::prelu", {12, 13});
        CHECK(call.outputs_untouched());
    }
    SECTION("dy of another size than x") {
        call.dy = inputs<T>(13);
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {12, 13});
        CHECK(call.outputs_untouched());
    }
    SECTION("dx of another size than x") {
        call.dx = sentinel_filled<T>(11);
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {12, 11});
        CHECK(call.outputs_untouched());
    }
    SECTION("dweight of another size than weight") {
        call.dweight = sentinel_filled<T>(2);
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {2, 3});
        call.dweight = sentinel_filled<T>(1);
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {1, 3});
        call.weight = {T(0.25)};
        call.dweight = sentinel_filled<T>(3);
        check_rejected([&] { call.backward(); }, "rectify::prelu_backward", {3, 1});
        CHECK(call.outputs_untouched());
    }
}

TEMPLATE_TEST_CASE("errors: prelu outputs overlapping an input partially; in place is allowed",
                   "[errors][prelu]", float, double) {
    using T = TestType;
    constexpr std::size_t n = 12;
    const rectify::ChannelShape shape{2, 3, 2};
    const std::vector<T> original = inputs<T>(40);
    std::vector<T> buffer = original;
    const auto at = [&](std::size_t start) { return std::span<T>(buffer).subspan(start, n); };
    const auto three_at = [&](std::size_t start) { return std::span<T>(buffer).subspan(start, 3); };
    const std::vector<T> weight_storage{T(0.25), T(-0.5), T(1.5)};
    const std::vector<T> dy_storage = inputs<T>(n);
    const std::span<const T> weight(weight_storage);
    const std::span<const T> separate_dy(dy_storage);
    std::vector<T> separate_dweight = sentinel_filled<T>(3);
    std::vector<T> separate_dx = sentinel_filled<T>(n);

    SECTION("prelu: y starts inside x") {
        check_rejected([&] { rectify::prelu(std::span<const T>(at(0)), weight, at(3), shape); }, "rectify::prelu", {});
        CHECK(buffer == original);
    }
    SECTION("prelu: y ends inside x") {
        check_rejected([&] { rectify::prelu(std::span<const T>(at(5)), weight, at(0), shape); }, "rectify::prelu", {});
        CHECK(buffer == original);
    }
    SECTION("prelu: y overlaps the weights") {
        check_rejected([&] { rectify::prelu(std::span<const T>(at(20)), std::span<const T>(three_at(0)), at(1), shape); },
                       "rectify::prelu", {});
        CHECK(buffer == original);
    }
    SECTION("prelu: y is x, in place") {
        std::vector<T> expected = sentinel_filled<T>(n);
        rectify::prelu(std::span<const T>(original).subspan(0, n), weight, std::span<T>(expected), shape);
        CHECK_NOTHROW(rectify::prelu(std::span<const T>(at(0)), weight, at(0), shape));
        CHECK(std::ranges::equal(at(0), expected));
    }
    SECTION("prelu_backward: dx starts inside dy") {
        check_rejected(
            [&] { rectify::prelu_backward(separate_dy, weight, std::span<const T>(at(0)), at(4), std::span<T>(separate_dweight), shape); },
            "rectify::prelu_backward", {});
        CHECK(buffer == original);
        CHECK(untouched<T>(separate_dweight));
    }
    SECTION("prelu_backward: dx ends inside x") {
        check_rejected(
            [&] { rectify::prelu_backward(std::span<const T>(at(7)), weight, separate_dy, at(0), std::span<T>(separate_dweight), shape); },
            "rectify::prelu_backward", {});
        CHECK(buffer == original);
        CHECK(untouched<T>(separate_dweight));
    }
    SECTION("prelu_backward: dweight inside x") {
        check_rejected(
            [&] { rectify::prelu_backward(std::span<const T>(at(0)), weight, separate_dy, std::span<T>(separate_dx), three_at(2), shape); },
            "rectify::prelu_backward", {});
        CHECK(buffer == original);
        CHECK(untouched<T>(separate_dx));
    }
    SECTION("prelu_backward: dx is dy, in place") {
        std::vector<T> expected_dx = sentinel_filled<T>(n);
        std::vector<T> expected_dweight = sentinel_filled<T>(3);
        rectify::prelu_backward(separate_dy, weight, std::span<const T>(original).subspan(0, n),
                                std::span<T>(expected_dx), std::span<T>(expected_dweight), shape);
        CHECK_NOTHROW(rectify::prelu_backward(separate_dy, weight, std::span<const T>(at(0)), at(0),
                                              std::span<T>(separate_dweight), shape));
        CHECK(std::ranges::equal(at(0), expected_dx));
        CHECK(separate_dweight == expected_dweight);
    }
}

// A bad parameter: Softplus beta <= 0, CELU alpha == 0, Hardtanh min_val > max_val, and the others
// each type refuses (a NaN or infinite one; an unknown GELU approximation). Every entry point throws
// std::invalid_argument naming the function, the parameter and its value, before writing anything;
// the valid neighbour of each runs.
template <class Act>
void check_bad_parameter(const Act& bad, const Act& good, const std::string& what) {
    using T = float;
    const std::vector<T> x = inputs<T>(7), dy(7, T(1));
    std::vector<T> out = sentinel_filled<T>(7);
    const auto rejected = [&](auto&& call, const std::string& function) {
        const std::string message = check_rejected(call, function, {});
        INFO("message: \"" << message << '"');
        CHECK(message.find(what) != std::string::npos);
        CHECK(untouched<T>(out));
    };
    rejected([&] { rectify::forward(bad, x, out); }, "rectify::forward");
    rejected([&] { rectify::backward(bad, x, dy, out); }, "rectify::backward");
    rejected([&] { rectify::forward(bad, x.data(), out.data(), x.size()); }, "rectify::forward");
    rejected([&] { rectify::backward(bad, x.data(), dy.data(), out.data(), x.size()); }, "rectify::backward");
    if constexpr (rectify::has_backward_from_output<Act>)
        rejected([&] { rectify::backward_from_output(bad, x, dy, out); }, "rectify::backward_from_output");
    CHECK_NOTHROW(rectify::forward(good, x, out));
    CHECK_NOTHROW(rectify::backward(good, x, dy, out));
}

TEST_CASE("errors: bad activation parameters throw, naming the function, the parameter and its value",
          "[errors][parameters]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    check_bad_parameter(rectify::Softplus{0.0}, rectify::Softplus{1e-3}, "Softplus beta is 0");
    check_bad_parameter(rectify::Softplus{-1.0}, rectify::Softplus{2.0}, "Softplus beta is -1");
    check_bad_parameter(rectify::Softplus{nan}, rectify::Softplus{0.5}, "Softplus beta is nan");
    check_bad_parameter(rectify::Softplus{inf}, rectify::Softplus{1e30}, "Softplus beta is inf");
    check_bad_parameter(rectify::CELU{0.0}, rectify::CELU{-0.5}, "CELU alpha is 0");
    check_bad_parameter(rectify::CELU{nan}, rectify::CELU{2.0}, "CELU alpha is nan");
    check_bad_parameter(rectify::Hardtanh{2.0, 1.0}, rectify::Hardtanh{1.0, 1.0},
                        "Hardtanh min_val is 2 and max_val is 1");
    check_bad_parameter(rectify::Hardtanh{nan, 1.0}, rectify::Hardtanh{-1.0, 1.0}, "min_val is nan");
    check_bad_parameter(rectify::Swish{inf}, rectify::Swish{-2.0}, "Swish beta is inf");
    check_bad_parameter(rectify::Swish{1e300}, rectify::Swish{0.0}, "Swish beta is 1e+300");
    check_bad_parameter(rectify::GELU{static_cast<rectify::GELU::approximation>(7)}, rectify::GELU{rectify::GELU::tanh},
                        "GELU approximate is 7");

    // The shorthands take the parameters in member order and check them with their own names.
    const std::vector<float> x = inputs<float>(5), dy(5, 1.0f);
    std::vector<float> out = sentinel_filled<float>(5);
    const auto named = [&](auto&& call, const std::string& function, const std::string& what) {
        const std::string message = check_rejected(call, function, {});
        CHECK(message.find(what) != std::string::npos);
        CHECK(untouched<float>(out));
    };
    named([&] { rectify::softplus(x, out, -2.0); }, "rectify::softplus", "Softplus beta is -2");
    named([&] { rectify::softplus_backward(x, dy, out, 0.0, 20.0); }, "rectify::softplus_backward", "beta is 0");
    named([&] { rectify::celu(x, out, 0.0); }, "rectify::celu", "CELU alpha is 0");
    named([&] { rectify::celu_backward(x, dy, out, 0); }, "rectify::celu_backward", "CELU alpha is 0");
    named([&] { rectify::hardtanh(x, out, 3, -3); }, "rectify::hardtanh", "min_val is 3 and max_val is -3");
    named([&] { rectify::hardtanh_backward(x, dy, out, 1.0, 0.5); }, "rectify::hardtanh_backward", "min_val is 1");
    named([&] { rectify::swish(x, out, inf); }, "rectify::swish", "Swish beta is inf");
    named([&] { rectify::gelu(x, out, static_cast<rectify::GELU::approximation>(2)); }, "rectify::gelu",
          "GELU approximate is 2");
    CHECK_NOTHROW(rectify::softplus(x, out, 2.0, 10.0));
    CHECK_NOTHROW(rectify::hardtanh(x, out, -2, 2));
    CHECK_NOTHROW(rectify::gelu(x, out, rectify::GELU::tanh));
}
