// The scalar path: this file is compiled with RECTIFY_NO_SIMD (tests/CMakeLists.txt), which forces
// the kernels onto the activations' scalar math element by element, as on a machine without SIMD.
// Every kernel must then give exactly the scalar math, bit for bit (it is the scalar math), and
// PReLU exactly its definition, with every output element written and nothing past it.
#ifndef RECTIFY_NO_SIMD
#error "test_scalar_path.cpp tests the RECTIFY_NO_SIMD build; compile it with -DRECTIFY_NO_SIMD"
#endif

#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "support/kernel_inputs.hpp"
#include "support/test_support.hpp"

namespace {

using namespace rectify_test;

constexpr std::size_t lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 257, 1000};

// Inputs: every special value and exp-zone grid point first, then random values (specials
// included); dy: gradient specials and moderate values.
template <class T>
void make_inputs(std::vector<T>& x, std::vector<T>& dy, std::size_t n, std::uint64_t seed) {
    InputGenerator<T> gen(seed);
    const std::vector<T> grid = special_grid<T>();
    x.resize(n);
    dy.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = i < grid.size() ? grid[(i * 7) % grid.size()] : gen();
        dy[i] = gen.gradient();
    }
}

template <class T, class Act>
void check_scalar_path(const Act& act, const std::string& name) {
    constexpr std::size_t margin = 3;
    Failures f(name);
    std::uint64_t seed = 100;
    for (const std::size_t n : lengths) {
        std::vector<T> x, dy;
        make_inputs(x, dy, n, ++seed);
        for (int form = 0; form < 4; ++form) {  // pointer, span, in place pointer, in place span
            const bool in_place = form >= 2, span_form = form % 2 == 1;
            std::vector<T> y(n + 2 * margin, poison<T>()), dx(n + 2 * margin, poison<T>());
            T* yo = y.data() + margin;
            T* dxo = dx.data() + margin;
            const T* xin = x.data();
            const T* dyin = dy.data();
            if (in_place) {
                std::copy(x.begin(), x.end(), yo);
                std::copy(dy.begin(), dy.end(), dxo);
                xin = yo;
                dyin = dxo;
            }
            if (span_form) {
                rectify::forward(act, std::span<const T>(xin, n), std::span<T>(yo, n));
                rectify::backward(act, std::span<const T>(x.data(), n), std::span<const T>(dyin, n), std::span<T>(dxo, n));
            } else {
                rectify::forward(act, xin, yo, n);
                rectify::backward(act, x.data(), dyin, dxo, n);
            }
            for (std::size_t k = 0; k < y.size(); ++k) {
                const bool inside = k >= margin && k < margin + n;
                if (inside) {
                    const std::size_t i = k - margin;
                    f.check(same_value(y[k], act(x[i])), [&] {
                        return "forward n=" + std::to_string(n) + " form " + std::to_string(form) + ": x = " + show(x[i]) +
                               ": kernel " + show(y[k]) + ", scalar math " + show(act(x[i]));
                    });
                    f.check(same_value(dx[k], act.backward(x[i], dy[i])), [&] {
                        return "backward n=" + std::to_string(n) + " form " + std::to_string(form) + ": x = " + show(x[i]) +
                               ", dy = " + show(dy[i]) + ": kernel " + show(dx[k]) + ", scalar math " +
                               show(act.backward(x[i], dy[i]));
                    });
                } else {
                    f.check(is_poison(y[k]) && is_poison(dx[k]), [&] {
                        return "n=" + std::to_string(n) + " form " + std::to_string(form) + ": wrote outside the output";
                    });
                }
            }
        }
    }
    check_no_failures(f);
}

}  // namespace

TEST_CASE("scalar path: RECTIFY_NO_SIMD selects it", "[scalar]") {
    CHECK(rectify::simd_width<float> == 1);
    CHECK(rectify::simd_width<double> == 1);
    CHECK(std::string(rectify::simd_arch_name()) == "scalar");
}

TEMPLATE_TEST_CASE("scalar path: every activation gives its scalar math bit for bit", "[scalar]", float, double) {
    check_scalar_path<TestType>(rectify::ReLU{}, "ReLU");
    for (const double slope : {0.01, 0.1, 1.5, -0.5, 0.0})
        check_scalar_path<TestType>(rectify::LeakyReLU{slope}, "LeakyReLU{" + std::to_string(slope) + "}");
    for (const double alpha : {1.0, 0.5, 2.0, -1.0, 0.0})
        check_scalar_path<TestType>(rectify::ELU{alpha}, "ELU{" + std::to_string(alpha) + "}");
    check_scalar_path<TestType>(rectify::SiLU{}, "SiLU");
}

TEMPLATE_TEST_CASE("scalar path: prelu and prelu_backward match their definition", "[scalar][prelu]", float, double) {
    using T = TestType;
    constexpr std::size_t margin = 3;
    std::uint64_t seed = 200;
    const rectify::ChannelShape shapes[] = {{2, 3, 5}, {1, 4, 17}, {3, 5, 1}, {7, 16, 1}, {1, 1, 33}, {0, 3, 4}, {2, 3, 0}};
    for (const rectify::ChannelShape s : shapes) {
        for (const std::size_t nw : {std::size_t{1}, s.channels}) {
            const std::size_t size = s.outer * s.channels * s.inner;
            InputGenerator<T> gen(++seed);
            std::vector<T> x(size), dy(size), w(nw);
            for (T& v : x) v = gen();
            for (T& v : dy) v = gen.moderate();
            for (std::size_t c = 0; c < nw; ++c) w[c] = c % 3 == 0 ? T(0.25) : c % 3 == 1 ? T(-0.5) : T(1.5);
            const PreluReference<T> ref(x.data(), w.data(), nw, dy.data(), s.outer, s.channels, s.inner);
            const std::string name = "prelu {" + std::to_string(s.outer) + ", " + std::to_string(s.channels) + ", " +
                                     std::to_string(s.inner) + "} with " + std::to_string(nw) + " weight(s)";
            Failures f(name);

            std::vector<T> y(size + 2 * margin, poison<T>()), dx(size + 2 * margin, poison<T>()),
                dw(nw + 2 * margin, poison<T>());
            rectify::prelu(std::span<const T>(x), std::span<const T>(w), std::span<T>(y.data() + margin, size), s);
            rectify::prelu_backward(std::span<const T>(x), std::span<const T>(w), std::span<const T>(dy),
                                    std::span<T>(dx.data() + margin, size), std::span<T>(dw.data() + margin, nw), s);
            for (std::size_t k = 0; k < y.size(); ++k) {
                if (k >= margin && k < margin + size) {
                    const std::size_t i = k - margin;
                    f.check(same_value(y[k], ref.y[i]) && same_value(dx[k], ref.dx[i]), [&] {
                        return "element " + std::to_string(i) + ": x = " + show(x[i]) + ", dy = " + show(dy[i]) + ": y " +
                               show(y[k]) + " (expected " + show(ref.y[i]) + "), dx " + show(dx[k]) + " (expected " +
                               show(ref.dx[i]) + ")";
                    });
                } else {
                    f.check(is_poison(y[k]) && is_poison(dx[k]), [&] { return std::string("wrote outside y or dx"); });
                }
            }
            for (std::size_t k = 0; k < dw.size(); ++k) {
                if (k >= margin && k < margin + nw) {
                    const std::size_t c = k - margin;
                    f.check(ref.dweight_ok(c, dw[k]), [&] {
                        return "dweight[" + std::to_string(c) + "] = " + show(dw[k]) + ", exact " + show(ref.dweight[c]);
                    });
                } else {
                    f.check(is_poison(dw[k]), [&] { return std::string("wrote outside dweight"); });
                }
            }
            check_no_failures(f);
        }
    }
}

TEST_CASE("scalar path: PReLU dweight (float) sums products beyond float's range in double", "[scalar][prelu]") {
    // x·dy = ∓1e40 does not fit in a float; summed in double (the contract) they cancel to 0.
    std::vector<float> x(4, -1e20f), dy{1e20f, -1e20f, -1e20f, 1e20f}, dx(4), w1{0.25f}, dw1(1), w2{0.25f, 0.5f}, dw2(2);
    rectify::prelu_backward(x, w1, dy, dx, dw1, {1, 1, 4});
    CHECK(dw1[0] == 0.0f);
    rectify::prelu_backward(x, w2, dy, dx, dw2, {1, 2, 2});  // NCHW: each channel gets +1e40 and -1e40
    CHECK(dw2[0] == 0.0f);
    CHECK(dw2[1] == 0.0f);
    const std::vector<float> dy_rows{1e20f, -1e20f, -1e20f, 1e20f};
    rectify::prelu_backward(x, w2, dy_rows, dx, dw2, {2, 2, 1});  // channels last: rows cancel
    CHECK(dw2[0] == 0.0f);
    CHECK(dw2[1] == 0.0f);
}
