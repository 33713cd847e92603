// rectify's Eigen functors against the span kernels and against plain Eigen, float, one thread.
//
// For each activation, forward and backward, three ways to compute the same array:
//   span    rectify::forward / rectify::backward on the arrays (the SIMD kernels)
//   op      y = x.unaryExpr(rectify::eigen::op(act)); dx = x.binaryExpr(dy, rectify::eigen::grad_op(act))
//   plain   the Eigen 3.4 array expression a user writes without rectify (the forms of
//           bench/peer_eigen.cpp: max/min instead of select(), which Eigen does not vectorize)
// and, for SiLU after a layer's product, the bias broadcast: Eigen 3.4 does not vectorize
// `(z.colwise() + b).unaryExpr(op)` (its Replicate has no packet access), while adding the bias in
// place first, `y = z; y.colwise() += b; y = y.unaryExpr(op)`, is vectorized throughout.
// Sizes: 64K elements (256 KiB per array: L2) and 1M (4 MiB: L3). Compare items_per_second.
#include <rectify/eigen.hpp>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <span>
#include <vector>

namespace {

using Array = Eigen::ArrayXf;

struct Data {
    Array x, dy, out;
    explicit Data(std::size_t n) : x(static_cast<Eigen::Index>(n)), dy(x.size()), out(x.size()) {
        std::mt19937 rng(1);
        std::normal_distribution<float> normal(0.0f, 3.0f);
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            x[i] = normal(rng);
            dy[i] = normal(rng);
        }
    }
};

template <class Act>
void span_forward(benchmark::State& state, Act act) {
    Data d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        rectify::forward(act, std::span<const float>(d.x.data(), d.x.size()), std::span<float>(d.out.data(), d.out.size()));
        benchmark::DoNotOptimize(d.out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
template <class Act>
void op_forward(benchmark::State& state, Act act) {
    Data d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        d.out = d.x.unaryExpr(rectify::eigen::op(act));
        benchmark::DoNotOptimize(d.out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
template <class Act>
void span_backward(benchmark::State& state, Act act) {
    Data d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        rectify::backward(act, std::span<const float>(d.x.data(), d.x.size()), std::span<const float>(d.dy.data(), d.dy.size()),
                          std::span<float>(d.out.data(), d.out.size()));
        benchmark::DoNotOptimize(d.out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
template <class Act>
void op_backward(benchmark::State& state, Act act) {
    Data d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        d.out = d.x.binaryExpr(d.dy, rectify::eigen::grad_op(act));
        benchmark::DoNotOptimize(d.out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Plain Eigen: one function per activation and direction.
template <class Expression>
void plain(benchmark::State& state, Expression expression) {
    Data d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        expression(d);
        benchmark::DoNotOptimize(d.out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Bias + SiLU over a [64 x n/64] pre-activation (a layer's W * x), the two ways to write it.
void bias_silu(benchmark::State& state, bool in_place) {
    const Eigen::Index units = 64, batch = state.range(0) / units;
    Data d(static_cast<std::size_t>(state.range(0)));
    const Eigen::Map<const Eigen::MatrixXf> z(d.x.data(), units, batch);
    const Eigen::VectorXf b = d.dy.head(units).matrix();
    Eigen::MatrixXf y(units, batch);
    const auto op = rectify::eigen::op(rectify::SiLU{});
    for (auto _ : state) {
        if (in_place) {
            y = z;
            y.colwise() += b;
            y = y.unaryExpr(op);
        } else {
            y = (z.colwise() + b).unaryExpr(op);
        }
        benchmark::DoNotOptimize(y.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void sizes(benchmark::internal::Benchmark* b) { b->Arg(1 << 16)->Arg(1 << 20); }

const rectify::ReLU relu;
const rectify::LeakyReLU leaky{0.01};
const rectify::ELU elu{1.0};
const rectify::SiLU silu;

BENCHMARK_CAPTURE(span_forward, relu, relu)->Apply(sizes);
BENCHMARK_CAPTURE(op_forward, relu, relu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, relu_forward, [](Data& d) { d.out = d.x.max(0.0f); })->Apply(sizes);
BENCHMARK_CAPTURE(span_backward, relu, relu)->Apply(sizes);
BENCHMARK_CAPTURE(op_backward, relu, relu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, relu_backward, [](Data& d) { d.out = (d.x > 0.0f).select(d.dy, 0.0f); })->Apply(sizes);

BENCHMARK_CAPTURE(span_forward, leaky_relu, leaky)->Apply(sizes);
BENCHMARK_CAPTURE(op_forward, leaky_relu, leaky)->Apply(sizes);
BENCHMARK_CAPTURE(plain, leaky_relu_forward, [](Data& d) { d.out = d.x.max(0.0f) + 0.01f * d.x.min(0.0f); })->Apply(sizes);
BENCHMARK_CAPTURE(span_backward, leaky_relu, leaky)->Apply(sizes);
BENCHMARK_CAPTURE(op_backward, leaky_relu, leaky)->Apply(sizes);
BENCHMARK_CAPTURE(plain, leaky_relu_backward, [](Data& d) { d.out = (d.x > 0.0f).select(d.dy, 0.01f * d.dy); })->Apply(sizes);

BENCHMARK_CAPTURE(span_forward, elu, elu)->Apply(sizes);
BENCHMARK_CAPTURE(op_forward, elu, elu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, elu_forward, [](Data& d) { d.out = d.x.max(0.0f) + d.x.min(0.0f).expm1(); })->Apply(sizes);
BENCHMARK_CAPTURE(span_backward, elu, elu)->Apply(sizes);
BENCHMARK_CAPTURE(op_backward, elu, elu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, elu_backward, [](Data& d) { d.out = d.dy * d.x.min(0.0f).exp(); })->Apply(sizes);

BENCHMARK_CAPTURE(span_forward, silu, silu)->Apply(sizes);
BENCHMARK_CAPTURE(op_forward, silu, silu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, silu_forward, [](Data& d) { d.out = d.x * d.x.logistic(); })->Apply(sizes);
BENCHMARK_CAPTURE(span_backward, silu, silu)->Apply(sizes);
BENCHMARK_CAPTURE(op_backward, silu, silu)->Apply(sizes);
BENCHMARK_CAPTURE(plain, silu_backward, [](Data& d) {
    d.out = d.x.logistic();  // two passes, as bench/peer_eigen.cpp: s, then dy * s * (1 + x (1 - s))
    d.out = d.dy * d.out * (1.0f + d.x * (1.0f - d.out));
})->Apply(sizes);

BENCHMARK_CAPTURE(bias_silu, colwise_broadcast, false)->Apply(sizes);
BENCHMARK_CAPTURE(bias_silu, bias_in_place_then_op, true)->Apply(sizes);

}  // namespace

BENCHMARK_MAIN();
