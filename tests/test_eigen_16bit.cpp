// rectify/eigen.hpp on Eigen objects of Eigen::bfloat16 and Eigen::half, judged bit for bit against
// the span kernels on rectify::bfloat16 / rectify::half arrays of the same bits:
//   - the array API (forward, backward, the shorthands, backward_from_output, PReLU and
//     prelu_backward, dead_units) on contiguous, row-major, strided and in-place objects, with every
//     one of the 65,536 patterns as input;
//   - the functors inside expressions (unaryExpr(op), binaryExpr(grad_op)) on every pattern, on
//     segments of every length up to 70 from 17 offsets (Eigen's scalar head, its packets of
//     16-bit values where it has them, and its scalar tail), and on fixed sizes;
// Built into both test executables: with SIMD, and with RECTIFY_NO_SIMD (the scalar kernels).
#include <rectify/eigen.hpp>

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using Eigen::Dynamic;
using Eigen::Index;

template <class E>
using ColMatrix = Eigen::Matrix<E, Dynamic, Dynamic>;
template <class E>
using RowMatrix = Eigen::Matrix<E, Dynamic, Dynamic, Eigen::RowMajor>;
template <class E>
using Vector = Eigen::Matrix<E, Dynamic, 1>;

// Eigen's 16-bit type and rectify's of the same format.
template <class E>
using rectify_type = std::conditional_t<std::is_same_v<E, Eigen::bfloat16>, rectify::bfloat16, rectify::half>;

template <class T>
std::uint16_t bits(T v) {
    return std::bit_cast<std::uint16_t>(v);
}

// NaNs are equal whatever their sign and payload (docs/SEMANTICS.md), everything else bit for bit.
template <class E>
bool same_value16(E a, E b) {
    using R = rectify_type<E>;
    const float fa = static_cast<float>(std::bit_cast<R>(a)), fb = static_cast<float>(std::bit_cast<R>(b));
    if (fa != fa || fb != fb) return fa != fa && fb != fb;
    return bits(a) == bits(b);
}

// Every pattern, in order, then `extra` random patterns.
template <class E>
std::vector<E> every_pattern_and(std::size_t extra, std::uint32_t seed) {
    std::vector<E> v;
    for (std::uint32_t b = 0; b < 65536; ++b) v.push_back(std::bit_cast<E>(static_cast<std::uint16_t>(b)));
    std::mt19937 rng(seed);
    for (std::size_t i = 0; i < extra; ++i) v.push_back(std::bit_cast<E>(static_cast<std::uint16_t>(rng())));
    return v;
}
// Gradients: moderate values (both signs), so that products are mostly finite and normal.
template <class E>
std::vector<E> gradients(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-4.0f, 4.0f);
    std::vector<E> v(n);
    for (E& e : v) e = std::bit_cast<E>(rectify_type<E>(u(rng)));
    return v;
}

// The span kernels on rectify's type: the reference.
template <class Act, class E>
std::vector<E> span_forward(const Act& act, const std::vector<E>& x) {
    using R = rectify_type<E>;
    std::vector<R> xr(x.size()), yr(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) xr[i] = std::bit_cast<R>(x[i]);
    rectify::forward(act, std::span<const R>(xr), std::span<R>(yr));
    std::vector<E> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::bit_cast<E>(yr[i]);
    return y;
}
template <class Act, class E>
std::vector<E> span_backward(const Act& act, const std::vector<E>& x, const std::vector<E>& dy) {
    using R = rectify_type<E>;
    std::vector<R> xr(x.size()), dyr(x.size()), dxr(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        xr[i] = std::bit_cast<R>(x[i]);
        dyr[i] = std::bit_cast<R>(dy[i]);
    }
    rectify::backward(act, std::span<const R>(xr), std::span<const R>(dyr), std::span<R>(dxr));
    std::vector<E> dx(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) dx[i] = std::bit_cast<E>(dxr[i]);
    return dx;
}

// An object's elements in column-major order.
template <class M>
std::vector<typename M::Scalar> elements(const M& m) {
    std::vector<typename M::Scalar> v;
    for (Index j = 0; j < m.cols(); ++j)
        for (Index i = 0; i < m.rows(); ++i) v.push_back(m(i, j));
    return v;
}
template <class M>
void fill(M&& m, const std::vector<typename std::remove_cvref_t<M>::Scalar>& values, std::size_t first = 0) {
    for (Index j = 0; j < m.cols(); ++j)
        for (Index i = 0; i < m.rows(); ++i) m(i, j) = values[first++];
}

// Elements of got that differ from expected; the first is reported.
template <class E>
std::size_t mismatches(const std::vector<E>& got, const std::vector<E>& expected, const std::vector<E>& x) {
    REQUIRE(got.size() == expected.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (same_value16(got[i], expected[i])) continue;
        if (bad++ == 0)
            FAIL_CHECK("element " << i << " (x bits 0x" << std::hex << bits(x[i]) << "): got 0x" << bits(got[i])
                                  << ", the span kernel gives 0x" << bits(expected[i]) << std::dec);
    }
    return bad;
}

template <class F>
void for_each_activation(F&& f) {
    f("ReLU", rectify::ReLU{});
    f("LeakyReLU(0.01)", rectify::LeakyReLU{0.01});
    f("LeakyReLU(-0.5)", rectify::LeakyReLU{-0.5});
    f("ELU(1)", rectify::ELU{1.0});
    f("ELU(1.6733)", rectify::ELU{1.6732632423543772});
    f("SiLU", rectify::SiLU{});
}

template <class E>
E sentinel16() {
    return std::bit_cast<E>(std::uint16_t(0x3F01));  // no kernel gives it from these inputs' slots
}

}  // namespace

TEMPLATE_TEST_CASE("eigen 16-bit: forward and backward on Eigen objects of Eigen's 16-bit types equal the span kernels",
                   "[eigen][half]", Eigen::bfloat16, Eigen::half) {
    using E = TestType;
    const std::vector<E> x = every_pattern_and<E>(0, 1);  // 65,536 = 256 x 256
    const std::vector<E> dy = gradients<E>(x.size(), 2);
    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        const std::vector<E> y_ref = span_forward(act, x), dx_ref = span_backward(act, x, dy);
        ColMatrix<E> xm(256, 256), dym(256, 256);
        fill(xm, x);
        fill(dym, dy);

        ColMatrix<E> y(256, 256), dx(256, 256);
        rectify::forward(act, xm, y);
        rectify::backward(act, xm, dym, dx);
        CHECK(mismatches(elements(y), y_ref, x) == 0);
        CHECK(mismatches(elements(dx), dx_ref, x) == 0);

        // Row-major output of a column-major input (line by line), a strided block, in place.
        RowMatrix<E> y_row(256, 256);
        rectify::forward(act, xm, y_row);
        CHECK(mismatches(elements(y_row), y_ref, x) == 0);

        ColMatrix<E> big = ColMatrix<E>::Constant(260, 258, sentinel16<E>());
        rectify::backward(act, xm, dym, big.block(3, 1, 256, 256));
        CHECK(mismatches(elements(ColMatrix<E>(big.block(3, 1, 256, 256))), dx_ref, x) == 0);
        std::size_t outside = 0;
        for (Index j = 0; j < big.cols(); ++j)
            for (Index i = 0; i < big.rows(); ++i)
                if ((i < 3 || i >= 259 || j < 1 || j >= 257) && bits(big(i, j)) != bits(sentinel16<E>())) ++outside;
        CHECK(outside == 0);

        ColMatrix<E> m = xm;
        rectify::forward(act, m, m);
        CHECK(mismatches(elements(m), y_ref, x) == 0);
        ColMatrix<E> g = dym;
        rectify::backward(act, xm, g, g);
        CHECK(mismatches(elements(g), dx_ref, x) == 0);
    });
}

TEMPLATE_TEST_CASE("eigen 16-bit: the shorthands, backward_from_output and dead_units", "[eigen][half]", Eigen::bfloat16,
                   Eigen::half) {
    using E = TestType;
    using R = rectify_type<E>;
    const std::vector<E> x = every_pattern_and<E>(0, 3);
    const std::vector<E> dy = gradients<E>(x.size(), 4);
    ColMatrix<E> xm(256, 256), dym(256, 256), y(256, 256), dx(256, 256);
    fill(xm, x);
    fill(dym, dy);
    const auto check = [&](const auto& act) {
        CHECK(mismatches(elements(y), span_forward(act, x), x) == 0);
        CHECK(mismatches(elements(dx), span_backward(act, x, dy), x) == 0);
    };
    rectify::relu(xm, y);
    rectify::relu_backward(xm, dym, dx);
    check(rectify::ReLU{});
    rectify::leaky_relu(xm, y, 0.2);
    rectify::leaky_relu_backward(xm, dym, dx, 0.2);
    check(rectify::LeakyReLU{0.2});
    rectify::elu(xm, y, 0.5);
    rectify::elu_backward(xm, dym, dx, 0.5);
    check(rectify::ELU{0.5});
    rectify::silu(xm, y);
    rectify::silu_backward(xm, dym, dx);
    check(rectify::SiLU{});

    // From the saved output: the span form's bits.
    const rectify::ELU elu{1.0};
    const std::vector<E> out = span_forward(elu, x);
    std::vector<R> out_r(x.size()), dy_r(x.size()), dx_r(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        out_r[i] = std::bit_cast<R>(out[i]);
        dy_r[i] = std::bit_cast<R>(dy[i]);
    }
    rectify::backward_from_output(elu, std::span<const R>(out_r), std::span<const R>(dy_r), std::span<R>(dx_r));
    ColMatrix<E> ym(256, 256);
    fill(ym, out);
    rectify::backward_from_output(elu, ym, dym, dx);
    std::vector<E> expected(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) expected[i] = std::bit_cast<E>(dx_r[i]);
    CHECK(mismatches(elements(dx), expected, x) == 0);

    // dead_units compares in float, with the threshold converted to float, not to the 16-bit type:
    // a threshold a quarter of a 16-bit ULP below a 16-bit value `at` rounds to `at` in the 16-bit
    // type, but a unit holding `at` is above it.
    const R at_r(0.3f);
    const float ulp = static_cast<float>(R::from_bits(static_cast<std::uint16_t>(at_r.bits() + 1))) - static_cast<float>(at_r);
    const double threshold = static_cast<double>(static_cast<float>(at_r)) - 0.25 * ulp;
    REQUIRE(R(static_cast<float>(threshold)).bits() == at_r.bits());
    RowMatrix<E> z(2, 3);  // [batch 2][units 3]
    const E below = std::bit_cast<E>(R(0.29f)), at = std::bit_cast<E>(at_r);
    z << below, at, E(1.0f),  //
        below, below, E(-1.0f);
    CHECK(rectify::dead_units(z, threshold) == Approx(1.0 / 3.0));  // unit 0 never fires
    CHECK(rectify::dead_units(z) == 0.0);
    std::vector<R> zr(6);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 3; ++j) zr[static_cast<std::size_t>(i * 3 + j)] = std::bit_cast<R>(z(i, j));
    CHECK(rectify::dead_units(std::span<const R>(zr), 3, threshold) == Approx(1.0 / 3.0));
}

TEMPLATE_TEST_CASE("eigen 16-bit: prelu and prelu_backward on Eigen objects equal the span forms", "[eigen][half][prelu]",
                   Eigen::bfloat16, Eigen::half) {
    using E = TestType;
    using R = rectify_type<E>;
    const std::vector<E> xs = every_pattern_and<E>(0, 5);
    const std::vector<E> dys = gradients<E>(xs.size(), 6);
    // [units x batch] column-major: memory [batch][units], channels = units = 64.
    ColMatrix<E> z(64, 1024), dy(64, 1024);
    fill(z, xs);
    fill(dy, dys);
    Vector<E> w(64);
    for (Index c = 0; c < 64; ++c) w(c) = std::bit_cast<E>(R(0.25f * static_cast<float>(c % 9) - 1.0f));
    const rectify::ChannelShape shape{1024, 64, 1};

    std::vector<R> zr(xs.size()), dyr(xs.size()), wr(64), yr(xs.size()), dxr(xs.size()), dwr(64);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        zr[i] = std::bit_cast<R>(xs[i]);
        dyr[i] = std::bit_cast<R>(dys[i]);
    }
    for (std::size_t c = 0; c < 64; ++c) wr[c] = std::bit_cast<R>(w(static_cast<Index>(c)));
    rectify::prelu(zr, wr, yr, shape);
    rectify::prelu_backward(zr, wr, dyr, dxr, dwr, shape);

    ColMatrix<E> y(64, 1024), dx(64, 1024);
    Vector<E> dw(64);
    rectify::prelu(z, w, y, shape);
    rectify::prelu_backward(z, w, dy, dx, dw, shape);
    const auto as_eigen = [](const std::vector<R>& v) {
        std::vector<E> e(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) e[i] = std::bit_cast<E>(v[i]);
        return e;
    };
    CHECK(mismatches(elements(y), as_eigen(yr), xs) == 0);
    CHECK(mismatches(elements(dx), as_eigen(dxr), xs) == 0);
    CHECK(mismatches(elements(dw), as_eigen(dwr), std::vector<E>(64, E(0.0f))) == 0);

    // The same errors as for float: a weight of the wrong size, an output not in one piece.
    ColMatrix<E> big(66, 1024);
    CHECK_THROWS_WITH(rectify::prelu(z, w, big.topRows(64), shape),
                      Catch::Contains("rectify::prelu: ") && Catch::Contains("not stored in one piece"));
    CHECK_THROWS_WITH(rectify::prelu(z, Vector<E>(w.head(5)), y, shape), Catch::Contains("weight has 5"));
}

TEMPLATE_TEST_CASE("eigen 16-bit: unaryExpr(op) and binaryExpr(grad_op) give the span kernels' bits", "[eigen][half][functor]",
                   Eigen::bfloat16, Eigen::half) {
    using E = TestType;
    const std::vector<E> x = every_pattern_and<E>(87, 7);
    const std::vector<E> dy = gradients<E>(x.size(), 8);
    const Eigen::Map<const Vector<E>> xv(x.data(), static_cast<Index>(x.size()));
    const Eigen::Map<const Vector<E>> dyv(dy.data(), static_cast<Index>(dy.size()));
    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        const std::vector<E> y_ref = span_forward(act, x), dx_ref = span_backward(act, x, dy);
        // The whole array: Eigen's packet loop over every pattern.
        const Vector<E> y = xv.unaryExpr(rectify::eigen::op(act));
        const Vector<E> dx = xv.binaryExpr(dyv, rectify::eigen::grad_op(act));
        std::size_t bad = mismatches(elements(y), y_ref, x) + mismatches(elements(dx), dx_ref, x);
        // Segments of every length up to 70 from 17 offsets (from the pattern 0xBF00 on: negative
        // values, where ELU and SiLU compute).
        const Index base = 0xBF00;
        for (Index start = 0; start <= 16; ++start)
            for (Index n = 0; n <= 70; n += (start == 0 ? 1 : 5)) {
                const Vector<E> ys = xv.segment(base + start, n).unaryExpr(rectify::eigen::op(act));
                const Vector<E> dxs = xv.segment(base + start, n).binaryExpr(dyv.segment(base + start, n),
                                                                            rectify::eigen::grad_op(act));
                const auto first = static_cast<std::size_t>(base + start), last = first + static_cast<std::size_t>(n);
                const std::vector<E> xs(x.begin() + first, x.begin() + last);
                bad += mismatches(elements(ys), std::vector<E>(y_ref.begin() + first, y_ref.begin() + last), xs);
                bad += mismatches(elements(dxs), std::vector<E>(dx_ref.begin() + first, dx_ref.begin() + last), xs);
            }
        // Fixed sizes: Eigen's smaller packets.
        Eigen::Matrix<E, 8, 1> x8;
        Eigen::Matrix<E, 4, 4> x44;
        Eigen::Matrix<E, 3, 5, Eigen::RowMajor> x35;
        fill(x8, x, 0xC000);
        fill(x44, x, 0xC100);
        fill(x35, x, 0xBF80);
        const auto fixed = [&](const auto& xf) {
            using F = std::remove_cvref_t<decltype(xf)>;
            const F yf = xf.unaryExpr(rectify::eigen::op(act));
            const std::vector<E> xs = elements(xf);
            return mismatches(elements(yf), span_forward(act, xs), xs);
        };
        bad += fixed(x8) + fixed(x44) + fixed(x35);
        CHECK(bad == 0);
    });
    // Where Eigen has packets of the 16-bit type (AVX and AVX-512 builds), the functors run on them.
    using Evaluator = Eigen::internal::evaluator<
        std::remove_cv_t<decltype(xv.unaryExpr(rectify::eigen::op(rectify::SiLU{})))>>;
    constexpr bool eigen_packets = Eigen::internal::packet_traits<E>::Vectorizable;
    constexpr bool simd = rectify::simd_width<float> > 1;
    CHECK(bool(Evaluator::Flags & Eigen::PacketAccessBit) == (eigen_packets && simd));
}
