// rectify/eigen.hpp: the array API on every kind of Eigen dense object, and the functors inside
// Eigen expressions, judged against the span kernels element by element.
//   - unaryExpr(op) / binaryExpr(grad_op) on dynamic objects (Eigen's full packet, the kernels'
//     batch): bit for bit the span kernels' value for every activation, at every length and start
//     offset (Eigen's scalar head and tail included), and in the fused expression of the issue;
//   - fixed sizes that make Eigen use half and quarter packets (another instruction set's batch):
//     bit for bit the scalar math for ReLU / Leaky ReLU, within docs/ACCURACY.md's bounds of a long double
//     reference for ELU / SiLU, as the kernel harness judges the kernels (support/element_contract.hpp);
//   - Eigen's traits: packet access (the functors vectorize) exactly where rectify has SIMD;
//   - forward / backward / backward_from_output / shorthands / PReLU on Matrix, Array, row-major,
//     Map (contiguous, outer stride, inner stride), Block, row of a column-major matrix, Ref,
//     transposes, mixed storage orders, vectors and expression inputs: bit for bit the kernels'
//     value, nothing written outside the output block;
//   - in place and overlapping outputs; shapes that differ throw and write nothing; temporary
//     views (Map, Ref, block, transpose, .array()) as outputs write into the object they view;
//   - kaiming_* and dead_units on Eigen objects; He's gain keeps the signal through 10 layers.
// Also built into the scalar-path executable (RECTIFY_NO_SIMD), where the same checks hold against
// the scalar kernels and the functors report no packet access.
#include <rectify/eigen.hpp>

#include "support/element_contract.hpp"
#include "support/kernel_inputs.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using namespace rectify_test;
using Eigen::Dynamic;
using Eigen::Index;

template <class T>
using ColMatrix = Eigen::Matrix<T, Dynamic, Dynamic>;
template <class T>
using RowMatrix = Eigen::Matrix<T, Dynamic, Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Dynamic, 1>;

// Every listed activation (include/rectify/activations/list.hpp) with PyTorch's defaults, then the
// parameter sets that take other branches of the vector math; f(name, act).
template <class F, class... Acts>
void for_each_listed(F& f, rectify::detail::activation_list<Acts...>) {
    (f(Acts::name, Acts{}), ...);
}
template <class F>
void for_each_activation(F&& f) {
    for_each_listed(f, rectify::detail::all_activations{});
    f("LeakyReLU(-0.5)", rectify::LeakyReLU{-0.5});
    f("ELU(1.6733)", rectify::ELU{1.6732632423543772});
    f("GELU(tanh)", rectify::GELU{rectify::GELU::tanh});
    f("CELU(0.5)", rectify::CELU{0.5});
    f("Softplus(2, 10)", rectify::Softplus{2.0, 10.0});
    f("Hardtanh(-2, 3)", rectify::Hardtanh{-2.0, 3.0});
    f("Swish(1.702)", rectify::Swish{1.702});
}

// The span kernels: the reference every Eigen path must reproduce.
template <class Act, class T>
std::vector<T> kernel_forward(const Act& act, const std::vector<T>& x) {
    std::vector<T> y(x.size());
    rectify::forward(act, std::span<const T>(x), std::span<T>(y));
    return y;
}
template <class Act, class T>
std::vector<T> kernel_backward(const Act& act, const std::vector<T>& x, const std::vector<T>& dy) {
    std::vector<T> dx(x.size());
    rectify::backward(act, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
    return dx;
}

// An Eigen object's elements in column-major order (any expression with coefficient access).
template <class E>
std::vector<typename E::Scalar> elements(const E& e) {
    std::vector<typename E::Scalar> v;
    v.reserve(static_cast<std::size_t>(e.size()));
    for (Index j = 0; j < e.cols(); ++j)
        for (Index i = 0; i < e.rows(); ++i) v.push_back(e(i, j));
    return v;
}

template <class T>
std::vector<T> random_values(std::size_t n, std::uint64_t seed) {
    InputGenerator<T> gen(seed);
    std::vector<T> v(n);
    for (T& e : v) e = gen();
    return v;
}
template <class T>
std::vector<T> random_gradients(std::size_t n, std::uint64_t seed) {
    InputGenerator<T> gen(seed);
    std::vector<T> v(n);
    for (T& e : v) e = gen.gradient();
    return v;
}

template <class E>
void fill(E&& e, const std::vector<typename std::remove_cvref_t<E>::Scalar>& values) {
    std::size_t k = 0;
    for (Index j = 0; j < e.cols(); ++j)
        for (Index i = 0; i < e.rows(); ++i) e(i, j) = values[k++];
}

// Number of elements that differ from `expected` (bit for bit; NaNs equal), with the first shown.
template <class T>
std::size_t count_mismatches(const std::vector<T>& got, const std::vector<T>& expected) {
    REQUIRE(got.size() == expected.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (same_value(got[i], expected[i])) continue;
        if (bad++ == 0) {
            INFO("element " << i << ": got " << show(got[i]) << ", the span kernel gives " << show(expected[i]));
            CHECK(same_value(got[i], expected[i]));
        }
    }
    return bad;
}

// Runs `call`, which must throw std::invalid_argument mentioning every string of `parts`.
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

template <class E>
bool all_sentinel(const E& e) {
    using T = typename E::Scalar;
    return (e.array() == sentinel<T>).all();
}

}  // namespace

// ---- functors inside expressions -----------------------------------------------------------------

TEMPLATE_TEST_CASE("eigen: unaryExpr(op) and binaryExpr(grad_op) give the span kernels' bits at every length and offset",
                   "[eigen][functor]", float, double) {
    using T = TestType;
    constexpr std::size_t longest = 3 * 16 + 1 + 16;
    const std::vector<T> x = random_values<T>(longest + 1000, 101);
    const std::vector<T> dy = random_gradients<T>(longest + 1000, 102);
    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        const auto y_kernel = kernel_forward(act, x);
        const auto dx_kernel = kernel_backward(act, x, dy);
        const Eigen::Map<const Vector<T>> xv(x.data(), static_cast<Index>(x.size()));
        const Eigen::Map<const Vector<T>> dyv(dy.data(), static_cast<Index>(dy.size()));
        std::size_t bad = 0;
        // Lengths 0..longest from offsets 0..16: Eigen's unaligned scalar head, packet body and
        // scalar tail all take their turn on each element.
        for (Index start = 0; start <= 16; ++start)
            for (Index n = 0; n <= static_cast<Index>(longest); n += (start == 0 ? 1 : 7)) {
                const Vector<T> y = xv.segment(start, n).unaryExpr(rectify::eigen::op(act));
                const Vector<T> dx = xv.segment(start, n).binaryExpr(dyv.segment(start, n), rectify::eigen::grad_op(act));
                const auto s = static_cast<std::size_t>(start);
                bad += count_mismatches(elements(y), std::vector<T>(y_kernel.begin() + s, y_kernel.begin() + s + n));
                bad += count_mismatches(elements(dx), std::vector<T>(dx_kernel.begin() + s, dx_kernel.begin() + s + n));
            }
        // The whole array (a long packet loop).
        const Vector<T> y = xv.unaryExpr(rectify::eigen::op(act));
        const Vector<T> dx = xv.binaryExpr(dyv, rectify::eigen::grad_op(act));
        bad += count_mismatches(elements(y), y_kernel);
        bad += count_mismatches(elements(dx), dx_kernel);
        CHECK(bad == 0);
    });
}

TEMPLATE_TEST_CASE("eigen: the fused layer ((W * x).colwise() + b).unaryExpr(op(act)) equals the kernel on W * x + b",
                   "[eigen][functor]", float, double) {
    using T = TestType;
    std::mt19937 rng(5);
    std::normal_distribution<T> normal(T(0), T(1));
    const ColMatrix<T> w = ColMatrix<T>::NullaryExpr(37, 19, [&] { return normal(rng); });
    const ColMatrix<T> x = ColMatrix<T>::NullaryExpr(19, 29, [&] { return normal(rng); });
    const Vector<T> b = Vector<T>::NullaryExpr(37, [&] { return normal(rng); });
    const ColMatrix<T> z = (w * x).colwise() + b;
    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        const ColMatrix<T> y = ((w * x).colwise() + b).unaryExpr(rectify::eigen::op(act));
        const RowMatrix<T> y_row = ((w * x).colwise() + b).unaryExpr(rectify::eigen::op(act));
        const ColMatrix<T> dz = z.binaryExpr(y, rectify::eigen::grad_op(act));
        CHECK(count_mismatches(elements(y), kernel_forward(act, elements(z))) == 0);
        CHECK(count_mismatches(elements(y_row), kernel_forward(act, elements(z))) == 0);
        CHECK(count_mismatches(elements(dz), kernel_backward(act, elements(z), elements(y))) == 0);
    });
}

TEMPLATE_TEST_CASE("eigen: fixed sizes (Eigen's half and quarter packets) meet the kernels' contract",
                   "[eigen][functor]", float, double) {
    using T = TestType;
    const std::vector<T> x = random_values<T>(64, 303);
    const std::vector<T> dy = random_gradients<T>(64, 304);
    const auto check_fixed = [&](auto fixed) {
        using F = decltype(fixed);
        F xf, dyf;
        fill(xf, std::vector<T>(x.begin(), x.begin() + F::SizeAtCompileTime));
        fill(dyf, std::vector<T>(dy.begin(), dy.begin() + F::SizeAtCompileTime));
        for_each_activation([&](const char* name, const auto& act) {
            INFO(name << ", fixed " << F::RowsAtCompileTime << "x" << F::ColsAtCompileTime);
            const F y = xf.unaryExpr(rectify::eigen::op(act));
            const F dx = xf.binaryExpr(dyf, rectify::eigen::grad_op(act));
            const auto xs = elements(xf), dys = elements(dyf), ys = elements(y), dxs = elements(dx);
            const auto y_kernel = kernel_forward(act, xs);
            const auto dx_kernel = kernel_backward(act, xs, dys);
            for (std::size_t i = 0; i < xs.size(); ++i) {
                INFO("x = " << show(xs[i]) << ", dy = " << show(dys[i]) << ": y " << show(ys[i]) << " (span kernel "
                            << show(y_kernel[i]) << "), dx " << show(dxs[i]) << " (span kernel " << show(dx_kernel[i])
                            << ")");
                CHECK(forward_ok(act, xs[i], ys[i]));
                CHECK(backward_ok(act, xs[i], dys[i], dxs[i]));
            }
        });
    };
    check_fixed(Eigen::Matrix<T, 2, 1>());
    check_fixed(Eigen::Matrix<T, 4, 1>());
    check_fixed(Eigen::Matrix<T, 8, 1>());
    check_fixed(Eigen::Matrix<T, 12, 1>());
    check_fixed(Eigen::Matrix<T, 16, 1>());
    check_fixed(Eigen::Matrix<T, 24, 1>());
    check_fixed(Eigen::Matrix<T, 4, 4>());
    check_fixed(Eigen::Array<T, 2, 8>());
    check_fixed(Eigen::Matrix<T, 3, 5, Eigen::RowMajor>());
}

TEST_CASE("eigen: the functors vectorize inside expressions wherever rectify has SIMD", "[eigen][functor]") {
    using Op = rectify::eigen::activation_op<rectify::SiLU>;
    using Grad = rectify::eigen::activation_grad_op<rectify::ELU>;
    constexpr bool simd = rectify::simd_width<float> > 1;
    STATIC_REQUIRE(bool(Eigen::internal::functor_traits<Op>::PacketAccess) == simd);
    STATIC_REQUIRE(bool(Eigen::internal::functor_traits<Grad>::PacketAccess) == simd);

    // An expression around the functor keeps packet access, so Eigen's assignment runs one
    // vectorized loop over it. (Eigen 3.4's `.colwise() + b` broadcast has no packet access of its
    // own, whatever the functor; the fused-layer test above checks that form's values.)
    Eigen::MatrixXf w(8, 4), x(4, 16), c(8, 16);
    const auto layer = (w * x + c).unaryExpr(rectify::eigen::op(rectify::SiLU{}));
    using Evaluator = Eigen::internal::evaluator<std::remove_cv_t<decltype(layer)>>;
    CHECK(bool(Evaluator::Flags & Eigen::PacketAccessBit) == simd);
    const auto grad = x.binaryExpr(x, rectify::eigen::grad_op(rectify::ELU{}));
    CHECK(bool(Eigen::internal::evaluator<std::remove_cv_t<decltype(grad)>>::Flags & Eigen::PacketAccessBit) == simd);

    // Costs: ReLU is a compare and a select; ELU and SiLU cost at least Eigen's own exp.
    using Relu = Eigen::internal::functor_traits<rectify::eigen::activation_op<rectify::ReLU>>;
    using Elu = Eigen::internal::functor_traits<rectify::eigen::activation_op<rectify::ELU>>;
    using Exp = Eigen::internal::functor_traits<Eigen::internal::scalar_exp_op<float>>;
    STATIC_REQUIRE(Relu::Cost <= 2);
    STATIC_REQUIRE(int(Elu::Cost) >= int(Exp::Cost));
    STATIC_REQUIRE(int(Eigen::internal::functor_traits<Op>::Cost) > int(Elu::Cost));
}

// ---- the array API on Eigen objects ---------------------------------------------------------------

namespace {

// forward(act, x, y) must give the kernel's value of x(i, j) at y(i, j); y starts as a sentinel.
template <class Act, class X, class Y>
void check_forward(const Act& act, const X& x, Y&& y) {
    using T = typename std::remove_cvref_t<Y>::Scalar;
    const std::vector<T> expected = kernel_forward(act, elements(x));
    rectify::forward(act, x, y);
    CHECK(count_mismatches(elements(y), expected) == 0);
}
template <class Act, class X, class DY, class DX>
void check_backward(const Act& act, const X& x, const DY& dy, DX&& dx) {
    using T = typename std::remove_cvref_t<DX>::Scalar;
    const std::vector<T> expected = kernel_backward(act, elements(x), elements(dy));
    rectify::backward(act, x, dy, dx);
    CHECK(count_mismatches(elements(dx), expected) == 0);
}

}  // namespace

TEMPLATE_TEST_CASE("eigen: forward and backward on every kind of dense object equal the kernels bit for bit",
                   "[eigen][array]", float, double) {
    using T = TestType;
    constexpr Index rows = 7, cols = 5;
    const auto xs = random_values<T>(rows * cols, 11);
    const auto dys = random_gradients<T>(rows * cols, 12);
    ColMatrix<T> x(rows, cols), dy(rows, cols);
    fill(x, xs);
    fill(dy, dys);
    RowMatrix<T> x_row = x, dy_row = dy;

    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        SECTION("Matrix, column-major") {
            ColMatrix<T> y = ColMatrix<T>::Constant(rows, cols, sentinel<T>), dx = y;
            check_forward(act, x, y);
            check_backward(act, x, dy, dx);
        }
        SECTION("Matrix, row-major") {
            RowMatrix<T> y = RowMatrix<T>::Constant(rows, cols, sentinel<T>), dx = y;
            check_forward(act, x_row, y);
            check_backward(act, x_row, dy_row, dx);
        }
        SECTION("Array") {
            Eigen::Array<T, Dynamic, Dynamic> xa = x.array(), ya(rows, cols), dxa(rows, cols);
            ya.setConstant(sentinel<T>);
            dxa.setConstant(sentinel<T>);
            check_forward(act, xa, ya);
            check_backward(act, xa, dy.array(), dxa);
        }
        SECTION("mixed storage orders: column-major x, row-major y") {
            RowMatrix<T> y = RowMatrix<T>::Constant(rows, cols, sentinel<T>), dx = y;
            check_forward(act, x, y);
            check_backward(act, x, dy_row, dx);
        }
        SECTION("Map over contiguous memory, and with an outer stride (padded columns)") {
            std::vector<T> out(rows * cols, sentinel<T>);
            Eigen::Map<ColMatrix<T>> y(out.data(), rows, cols);
            check_forward(act, Eigen::Map<const ColMatrix<T>>(x.data(), rows, cols), y);

            std::vector<T> padded((rows + 3) * cols, sentinel<T>);
            Eigen::Map<ColMatrix<T>, 0, Eigen::OuterStride<>> yp(padded.data(), rows, cols, Eigen::OuterStride<>(rows + 3));
            check_forward(act, x, yp);
            std::size_t untouched = 0;
            for (T v : padded) untouched += v == sentinel<T>;
            CHECK(untouched == 3 * static_cast<std::size_t>(cols));
        }
        SECTION("Map with an inner stride (every other element)") {
            std::vector<T> in(2 * rows * cols), out(2 * rows * cols, sentinel<T>);
            Eigen::Map<ColMatrix<T>, 0, Eigen::Stride<Dynamic, 2>> xm(in.data(), rows, cols, Eigen::Stride<Dynamic, 2>(2 * rows, 2));
            Eigen::Map<ColMatrix<T>, 0, Eigen::Stride<Dynamic, 2>> ym(out.data(), rows, cols, Eigen::Stride<Dynamic, 2>(2 * rows, 2));
            xm = x;
            check_forward(act, xm, ym);
            for (std::size_t i = 1; i < out.size(); i += 2) CHECK(out[i] == sentinel<T>);
            Eigen::Map<ColMatrix<T>, 0, Eigen::Stride<Dynamic, 2>> dxm(out.data(), rows, cols, Eigen::Stride<Dynamic, 2>(2 * rows, 2));
            check_backward(act, xm, dy, dxm);
        }
        SECTION("Block of a larger matrix; nothing outside it is written") {
            ColMatrix<T> big = ColMatrix<T>::Constant(rows + 4, cols + 3, sentinel<T>);
            check_forward(act, x, big.block(2, 1, rows, cols));
            CHECK(all_sentinel(big.topRows(2)));
            CHECK(all_sentinel(big.bottomRows(2)));
            CHECK(all_sentinel(big.leftCols(1)));
            CHECK(all_sentinel(big.rightCols(2)));
            RowMatrix<T> big_row = RowMatrix<T>::Constant(rows + 4, cols + 3, sentinel<T>);
            check_backward(act, x_row.block(0, 0, rows, cols), dy, big_row.block(1, 2, rows, cols));
            CHECK(all_sentinel(big_row.topRows(1)));
            CHECK(all_sentinel(big_row.leftCols(2)));
        }
        SECTION("a row of a column-major matrix (stride = rows), a column of a row-major one") {
            ColMatrix<T> big = ColMatrix<T>::Constant(rows, cols, sentinel<T>);
            check_forward(act, x.row(3), big.row(4));
            CHECK(all_sentinel(big.topRows(4)));
            RowMatrix<T> big_row = RowMatrix<T>::Constant(rows, cols, sentinel<T>);
            check_backward(act, x_row.col(2), dy.col(1), big_row.col(0));
            CHECK(all_sentinel(big_row.rightCols(cols - 1)));
        }
        SECTION("transposes, Ref, vectors, and an expression as input") {
            ColMatrix<T> yt = ColMatrix<T>::Constant(cols, rows, sentinel<T>);
            check_forward(act, x.transpose(), yt);
            RowMatrix<T> y2 = RowMatrix<T>::Constant(cols, rows, sentinel<T>);
            check_forward(act, x, y2.transpose());

            ColMatrix<T> y = ColMatrix<T>::Constant(rows, cols, sentinel<T>);
            Eigen::Ref<ColMatrix<T>> ref(y);
            check_forward(act, Eigen::Ref<const ColMatrix<T>>(x), ref);

            Vector<T> v = x.col(0), vy = Vector<T>::Constant(rows, sentinel<T>);
            check_forward(act, v, vy);
            Eigen::Matrix<T, 1, Dynamic> rv = x.row(0), rvy = Eigen::Matrix<T, 1, Dynamic>::Constant(cols, sentinel<T>);
            check_forward(act, rv, rvy);

            ColMatrix<T> sum = ColMatrix<T>::Constant(rows, cols, sentinel<T>);
            check_forward(act, x + dy, sum);  // an expression is evaluated, then the kernel runs
            ColMatrix<T> dsum = ColMatrix<T>::Constant(rows, cols, sentinel<T>);
            check_backward(act, x, T(2) * dy, dsum);
        }
    });
}

TEMPLATE_TEST_CASE("eigen: the named shorthands and backward_from_output on Eigen objects", "[eigen][array]", float,
                   double) {
    using T = TestType;
    const auto xs = random_values<T>(6 * 9, 21);
    const auto dys = random_gradients<T>(6 * 9, 22);
    ColMatrix<T> x(6, 9), dy(6, 9);
    fill(x, xs);
    fill(dy, dys);
    RowMatrix<T> y = RowMatrix<T>::Constant(6, 9, sentinel<T>), dx = y;
    const auto same = [&](const auto& act) {
        return count_mismatches(elements(y), kernel_forward(act, xs)) == 0 &&
               count_mismatches(elements(dx), kernel_backward(act, xs, dys)) == 0;
    };
    rectify::relu(x, y);
    rectify::relu_backward(x, dy, dx);
    CHECK(same(rectify::ReLU{}));
    rectify::leaky_relu(x, y);
    rectify::leaky_relu_backward(x, dy, dx);
    CHECK(same(rectify::LeakyReLU{0.01}));
    rectify::leaky_relu(x, y, 0.2);
    rectify::leaky_relu_backward(x, dy, dx, 0.2);
    CHECK(same(rectify::LeakyReLU{0.2}));
    rectify::elu(x, y);
    rectify::elu_backward(x, dy, dx);
    CHECK(same(rectify::ELU{1.0}));
    rectify::elu(x, y, 0.5);
    rectify::elu_backward(x, dy, dx, 0.5);
    CHECK(same(rectify::ELU{0.5}));
    rectify::silu(x, y);
    rectify::silu_backward(x, dy, dx);
    CHECK(same(rectify::SiLU{}));

    // From the output: the span form's values, on a strided block.
    for (const auto& act : {rectify::ELU{1.0}, rectify::ELU{0.0}}) {
        const std::vector<T> out = kernel_forward(act, xs);
        std::vector<T> expected(out.size());
        rectify::backward_from_output(act, std::span<const T>(out), std::span<const T>(dys), std::span<T>(expected));
        ColMatrix<T> big = ColMatrix<T>::Constant(8, 9, sentinel<T>), yo(6, 9);
        fill(yo, out);
        rectify::backward_from_output(act, yo, dy, big.middleRows(1, 6));
        CHECK(count_mismatches(elements(big.middleRows(1, 6)), expected) == 0);
        CHECK(all_sentinel(big.topRows(1)));
        CHECK(all_sentinel(big.bottomRows(1)));
    }
}

TEMPLATE_TEST_CASE("eigen: in place, and outputs that overlap an input in another order", "[eigen][array]", float,
                   double) {
    using T = TestType;
    const auto xs = random_values<T>(8 * 8, 31);
    const auto dys = random_gradients<T>(8 * 8, 32);
    ColMatrix<T> original(8, 8), dy(8, 8);
    fill(original, xs);
    fill(dy, dys);
    for_each_activation([&](const char* name, const auto& act) {
        INFO(name);
        const auto f = kernel_forward(act, xs);
        SECTION("y is x") {
            ColMatrix<T> m = original;
            rectify::forward(act, m, m);
            CHECK(count_mismatches(elements(m), f) == 0);
        }
        SECTION("y is the same block of x, strided") {
            ColMatrix<T> m = original;
            rectify::forward(act, m.row(2), m.row(2));
            ColMatrix<T> expected = original;
            fill(expected.row(2), kernel_forward(act, elements(original.row(2))));
            CHECK(count_mismatches(elements(m), elements(expected)) == 0);
        }
        SECTION("y is x shifted by one row (overlapping)") {
            ColMatrix<T> m = original;
            rectify::forward(act, m.topRows(7), m.bottomRows(7));
            CHECK(count_mismatches(elements(m.bottomRows(7)), kernel_forward(act, elements(original.topRows(7)))) == 0);
        }
        SECTION("y is x's transpose (the same memory in the other order)") {
            ColMatrix<T> m = original;
            rectify::forward(act, m, m.transpose());
            ColMatrix<T> f_original(8, 8);
            fill(f_original, f);
            CHECK(count_mismatches(elements(m), elements(ColMatrix<T>(f_original.transpose()))) == 0);
        }
        SECTION("dx is dy") {
            ColMatrix<T> g = dy;
            rectify::backward(act, original, g, g);
            CHECK(count_mismatches(elements(g), kernel_backward(act, xs, dys)) == 0);
        }
    });
}

TEMPLATE_TEST_CASE("eigen: shapes that differ throw, naming the function and both shapes, and write nothing",
                   "[eigen][errors]", float, double) {
    using T = TestType;
    ColMatrix<T> x = ColMatrix<T>::Ones(3, 4), dy = ColMatrix<T>::Ones(3, 4);
    ColMatrix<T> wrong = ColMatrix<T>::Constant(4, 3, sentinel<T>), wider = ColMatrix<T>::Constant(3, 5, sentinel<T>);
    ColMatrix<T> good = ColMatrix<T>::Constant(3, 4, sentinel<T>);
    require_invalid_argument([&] { rectify::forward(rectify::ReLU{}, x, wrong); }, {"rectify::forward: ", "3x4", "4x3"});
    require_invalid_argument([&] { rectify::silu(x, wider); }, {"rectify::silu: ", "3x4", "3x5"});
    require_invalid_argument([&] { rectify::backward(rectify::ELU{}, x, wider, good); },
                             {"rectify::backward: ", "x is 3x4", "dy is 3x5"});
    require_invalid_argument([&] { rectify::leaky_relu_backward(x, dy, wrong); },
                             {"rectify::leaky_relu_backward: ", "x is 3x4", "dx is 4x3"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::ReLU{}, x, dy, wider); },
                             {"rectify::backward_from_output: ", "y is 3x4", "dx is 3x5"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::LeakyReLU{-0.1}, x, dy, good); },
                             {"rectify::backward_from_output: ", "negative_slope is -0.1"});
    require_invalid_argument([&] { rectify::backward_from_output(rectify::ELU{-1.0}, x, dy, good); },
                             {"rectify::backward_from_output: ", "alpha is -1"});
    CHECK(all_sentinel(wrong));
    CHECK(all_sentinel(wider));
    CHECK(all_sentinel(good));
    // The valid neighbours do not throw.
    rectify::forward(rectify::ReLU{}, x, good);
    CHECK((good.array() == T(1)).all());
    rectify::backward_from_output(rectify::LeakyReLU{0.0}, x, dy, good);
    CHECK((good.array() == T(1)).all());
}

// ---- PReLU on Eigen objects --------------------------------------------------------------------

TEMPLATE_TEST_CASE("eigen: prelu and prelu_backward on Eigen objects equal the span forms", "[eigen][prelu]", float,
                   double) {
    using T = TestType;
    InputGenerator<T> gen(41);
    // Hidden units x batch, column-major: memory [batch][units], PReLU channels = units.
    ColMatrix<T> z(6, 10), dy(6, 10);
    for (Index j = 0; j < z.cols(); ++j)
        for (Index i = 0; i < z.rows(); ++i) {
            z(i, j) = gen.moderate();
            dy(i, j) = gen.moderate();
        }
    Vector<T> w(6);
    w << T(0.25), T(0), T(-0.5), T(1), T(2), T(0.1);
    const rectify::ChannelShape shape{10, 6, 1};

    std::vector<T> zs(z.data(), z.data() + z.size()), dys(dy.data(), dy.data() + dy.size());
    std::vector<T> ws(w.data(), w.data() + w.size());
    std::vector<T> y_span(zs.size()), dx_span(zs.size()), dw_span(ws.size());
    rectify::prelu(zs, ws, y_span, shape);
    rectify::prelu_backward(zs, ws, dys, dx_span, dw_span, shape);

    ColMatrix<T> y = ColMatrix<T>::Constant(6, 10, sentinel<T>), dx = y;
    Vector<T> dw = Vector<T>::Constant(6, sentinel<T>);
    rectify::prelu(z, w, y, shape);
    rectify::prelu_backward(z, w, dy, dx, dw, shape);
    CHECK(count_mismatches(std::vector<T>(y.data(), y.data() + y.size()), y_span) == 0);
    CHECK(count_mismatches(std::vector<T>(dx.data(), dx.data() + dx.size()), dx_span) == 0);
    CHECK(count_mismatches(std::vector<T>(dw.data(), dw.data() + dw.size()), dw_span) == 0);

    // Not stored in one piece, or in another order than x: thrown, nothing written.
    ColMatrix<T> big = ColMatrix<T>::Constant(8, 10, sentinel<T>);
    require_invalid_argument([&] { rectify::prelu(z, w, big.topRows(6), shape); },
                             {"rectify::prelu: ", "y (6x10) is not stored in one piece"});
    RowMatrix<T> y_row = RowMatrix<T>::Constant(6, 10, sentinel<T>);
    require_invalid_argument([&] { rectify::prelu(z, w, y_row, shape); }, {"rectify::prelu: ", "storage order"});
    ColMatrix<T> y_wrong = ColMatrix<T>::Constant(10, 6, sentinel<T>);
    require_invalid_argument([&] { rectify::prelu(z, w, y_wrong, shape); }, {"rectify::prelu: ", "6x10", "10x6"});
    require_invalid_argument([&] { rectify::prelu(z, w.head(4), y, {10, 6, 1}); }, {"rectify::prelu: ", "weight has 4"});
    CHECK(all_sentinel(big));
    CHECK(all_sentinel(y_row));
    CHECK(all_sentinel(y_wrong));
}

// ---- initialisation and monitoring ---------------------------------------------------------------

TEMPLATE_TEST_CASE("eigen: kaiming_uniform / kaiming_normal use fan_in = cols or fan_out = rows", "[eigen][init]",
                   float, double) {
    using T = TestType;
    const rectify::LeakyReLU act{0.2};
    const double g = rectify::gain(act);
    ColMatrix<T> w(300, 1200);

    std::mt19937 rng(1);
    rectify::kaiming_uniform(act, w, rng);  // fan_in = 1200
    const double bound_in = g * std::sqrt(3.0 / 1200);
    CHECK(w.cwiseAbs().maxCoeff() <= static_cast<T>(bound_in));
    CHECK(w.cwiseAbs().maxCoeff() > 0.99 * bound_in);
    const double rms_in = std::sqrt(w.squaredNorm() / static_cast<double>(w.size()));
    CHECK(std::fabs(rms_in / (g / std::sqrt(1200.0)) - 1.0) < 0.01);

    rectify::kaiming_normal(act, w, rng, rectify::FanMode::fan_out);  // fan_out = 300
    const double rms_out = std::sqrt(w.squaredNorm() / static_cast<double>(w.size()));
    CHECK(std::fabs(rms_out / (g / std::sqrt(300.0)) - 1.0) < 0.01);
    CHECK(std::fabs(w.mean()) < 0.01 * g / std::sqrt(300.0));

    // One engine state gives one matrix, whatever the storage order.
    ColMatrix<T> a(5, 7);
    RowMatrix<T> b(5, 7);
    std::mt19937 r1(9), r2(9);
    rectify::kaiming_normal(act, a, r1);
    rectify::kaiming_normal(act, b, r2);
    CHECK(a == ColMatrix<T>(b));

    ColMatrix<T> empty(4, 0);
    require_invalid_argument([&] { rectify::kaiming_uniform(act, empty, rng); }, {"rectify::kaiming_uniform: ", "fan is 0"});
}

TEST_CASE("eigen: He initialisation with gain(act) keeps the signal's scale", "[eigen][init]") {
    // The definition of the gain: with W ~ gain / sqrt(fan_in), a layer keeps E[z^2] of unit
    // Gaussian pre-activations. Without the gain (gain 1), ReLU halves it at every layer.
    constexpr int width = 512, batch = 64;
    const auto mean_square_after = [&](const auto& act, double scale, int layers) {
        std::mt19937 rng(3);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        Eigen::MatrixXf z = Eigen::MatrixXf::NullaryExpr(width, batch, [&] { return normal(rng); });
        Eigen::MatrixXf w(width, width), a(width, batch);
        for (int l = 0; l < layers; ++l) {
            rectify::forward(act, z, a);
            rectify::kaiming_normal(act, w, rng);
            w *= static_cast<float>(scale);
            z.noalias() = w * a;
        }
        return z.squaredNorm() / static_cast<double>(z.size());
    };
    // One layer, every activation but Sigmoid and SELU, whose gains are PyTorch's (1 and 3/4,
    // docs/TRAINING.md), not chosen to keep E[z^2] (test_training.cpp checks their values).
    for_each_activation([&](const char* name, const auto& act) {
        using Act = std::remove_cvref_t<decltype(act)>;
        if constexpr (!std::is_same_v<Act, rectify::Sigmoid> && !std::is_same_v<Act, rectify::SELU>) {
            INFO(name << ": gain " << rectify::gain(act));
            const double kept = mean_square_after(act, 1.0, 1);
            CHECK(kept > 0.9);
            CHECK(kept < 1.1);
        }
    });
    // Ten layers: the second moment stays near 1 where the activation is close to scale-invariant
    // (ReLU, Leaky ReLU) or contracts towards it (ELU, SiLU, Tanh). Others (Hardswish, GELU) grow
    // by some 1.5x per layer away from 1: the gain is a statement about unit-scale inputs only.
    const auto ten_layers = [&](const char* name, const auto& act) {
        INFO(name << ": gain " << rectify::gain(act));
        const double kept = mean_square_after(act, 1.0, 10);
        CHECK(kept > 0.6);
        CHECK(kept < 1.6);
    };
    ten_layers("ReLU", rectify::ReLU{});
    ten_layers("LeakyReLU", rectify::LeakyReLU{});
    ten_layers("ELU", rectify::ELU{});
    ten_layers("SiLU", rectify::SiLU{});
    ten_layers("Tanh", rectify::Tanh{});
    // ReLU without its gain: about 2^-10 of the input.
    const double lost = mean_square_after(rectify::ReLU{}, 1.0 / rectify::gain(rectify::ReLU{}), 10);
    CHECK(lost < 0.01);
}

TEMPLATE_TEST_CASE("eigen: dead_units counts the columns (units) with no row (sample) above the threshold",
                   "[eigen][dead_units]", float, double) {
    using T = TestType;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    // 4 samples x 5 units: unit 0 never > 0; unit 1 once; unit 2 only zeros; unit 3 only NaN;
    // unit 4 always.
    RowMatrix<T> z(4, 5);
    z << -1, -2, 0, nan, 1,   //
        -3, 5, -0.0, nan, 2,  //
        -1, -1, 0, nan, 3,    //
        -9, -4, 0, nan, 0.5;
    CHECK(rectify::dead_units(z) == 0.6);
    CHECK(rectify::dead_units(z, -1.5) == 0.2);  // units 0, 1 and 2 fire on -1 or 0 > -1.5; NaN never
    CHECK(rectify::dead_units(z, 4.0) == 0.8);   // only unit 1 (5 > 4)
    // The same data as [units x batch], column-major (one sample per column): pass the transpose.
    const ColMatrix<T> by_column = z.transpose();
    CHECK(rectify::dead_units(by_column.transpose()) == 0.6);
    // The span form on the row-major memory: [batch][units].
    CHECK(rectify::dead_units(std::span<const T>(z.data(), 20), 5) == 0.6);

    require_invalid_argument([&] { rectify::dead_units(ColMatrix<T>(0, 5)); }, {"rectify::dead_units: ", "0 rows"});
    require_invalid_argument([&] { rectify::dead_units(ColMatrix<T>(3, 0)); }, {"rectify::dead_units: ", "0 columns"});
}

TEST_CASE("eigen: a temporary view as an output writes into the object it views", "[eigen][views]") {
    // The compile-time checks refuse a temporary Matrix or Array as an output (its result would be
    // lost) but not a temporary Map, Ref, block, transpose or .array(): those write through.
    const ColMatrix<float> x = (ColMatrix<float>(2, 3) << -1, 2, -3, 4, -5, 6).finished();
    const ColMatrix<float> relu_x = x.cwiseMax(0.0f);
    const auto fresh = [] { return ColMatrix<float>::Constant(2, 3, 7.0f); };

    ColMatrix<float> m = fresh();
    rectify::relu(x, Eigen::Map<ColMatrix<float>>(m.data(), 2, 3));
    CHECK(m == relu_x);
    m = fresh();
    rectify::relu(x, Eigen::Ref<ColMatrix<float>>(m));
    CHECK(m == relu_x);
    m = fresh();
    rectify::forward(rectify::ReLU{}, x.transpose(), m.transpose());
    CHECK(m == relu_x);
    m = fresh();
    rectify::relu(x.array(), m.array());
    CHECK(m == relu_x);
    m = fresh();
    rectify::relu(x.col(1), m.col(2));
    CHECK(m.col(2) == relu_x.col(1));
    CHECK(m.leftCols(2) == fresh().leftCols(2));

    ColMatrix<float> dx = fresh();
    rectify::relu_backward(x, ColMatrix<float>::Ones(2, 3), Eigen::Map<ColMatrix<float>>(dx.data(), 2, 3));
    CHECK(dx == (x.array() > 0.0f).cast<float>().matrix());

    std::mt19937 rng(3);
    ColMatrix<float> w = ColMatrix<float>::Zero(4, 5);
    rectify::kaiming_uniform(rectify::ReLU{}, Eigen::Map<ColMatrix<float>>(w.data(), 4, 5), rng);
    CHECK((w.array() != 0.0f).all());
}
