// rectify_large_calls — where streaming stores and software prefetches pay (detail/loops.hpp):
// the benchmark's copy and c = a * b baselines with ordinary and with streaming stores, and
// rectify's ReLU forward, ReLU / ELU / SiLU backward and channels-last PReLU backward through the
// public calls, float, at sizes between the benchmark's 1M and 16M elements. The figures of
// docs/THREADS.md, "Large arrays", come from this program (against another commit's headers, the
// binaries run in turn, for a before/after comparison):
//
//   cmake --build --preset bench --target rectify_large_calls
//   build/bench/bench/micro/rectify_large_calls --benchmark_min_time=0.2
//   (another commit: bench/README.md, "Another commit's headers"; rectify_large_calls_openmp is the
//    same program with OpenMP: with OMP_NUM_THREADS=2 the calls of 128K elements and more run on
//    two threads)
//
// Arrays page-aligned, inputs uniform in [-4, 4], one thread; medians of 3 repetitions.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <random>
#include <rectify/rectify.hpp>
#include <span>

#include "baselines.hpp"

namespace {

struct Buffer {
    float* p;
    std::size_t n;
    explicit Buffer(std::size_t count) : p(static_cast<float*>(std::aligned_alloc(4096, (count * 4 + 4095) / 4096 * 4096))), n(count) {
        if (!p) std::exit(1);
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { std::free(p); }
    std::span<float> out() { return {p, n}; }
    std::span<const float> in() const { return {p, n}; }
};

struct Inputs {
    Buffer x, dy, out;
    explicit Inputs(std::size_t n) : x(n), dy(n), out(n) {
        std::mt19937 engine(1);
        std::uniform_real_distribution<float> u(-4.0f, 4.0f);
        for (std::size_t i = 0; i < n; ++i) {
            x.p[i] = u(engine);
            dy.p[i] = u(engine);
            out.p[i] = 0.0f;
        }
    }
};

template <class Call>
void run(benchmark::State& state, Call call) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Inputs data(n);
    for (auto _ : state) {
        call(data, n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

namespace b = rectify_bench::baselines;

void copy_loop(benchmark::State& s) { run(s, [](Inputs& d, std::size_t n) { b::copy_loop(d.x.p, d.out.p, n); }); }
void copy_stream(benchmark::State& s) { run(s, [](Inputs& d, std::size_t n) { b::copy_stream(d.x.p, d.out.p, n); }); }
void two_reads_loop(benchmark::State& s) { run(s, [](Inputs& d, std::size_t n) { b::multiply_loop(d.x.p, d.dy.p, d.out.p, n); }); }
void two_reads_stream(benchmark::State& s) { run(s, [](Inputs& d, std::size_t n) { b::multiply_stream(d.x.p, d.dy.p, d.out.p, n); }); }
void relu_forward(benchmark::State& s) { run(s, [](Inputs& d, std::size_t) { rectify::relu(d.x.in(), d.out.out()); }); }
void relu_backward(benchmark::State& s) {
    run(s, [](Inputs& d, std::size_t) { rectify::backward(rectify::ReLU{}, d.x.in(), d.dy.in(), d.out.out()); });
}
void elu_backward(benchmark::State& s) {
    run(s, [](Inputs& d, std::size_t) { rectify::backward(rectify::ELU{}, d.x.in(), d.dy.in(), d.out.out()); });
}
void silu_backward(benchmark::State& s) {
    run(s, [](Inputs& d, std::size_t) { rectify::backward(rectify::SiLU{}, d.x.in(), d.dy.in(), d.out.out()); });
}
void prelu_backward_nhwc(benchmark::State& s) {
    static const std::array<float, 64> weight = [] {
        std::array<float, 64> w;
        w.fill(0.25f);
        return w;
    }();
    static std::array<float, 64> dweight;
    run(s, [](Inputs& d, std::size_t n) {
        rectify::prelu_backward(d.x.in(), std::span<const float>(weight), d.dy.in(), d.out.out(), std::span<float>(dweight),
                                rectify::ChannelShape{n / 64, 64, 1});
    });
}

}  // namespace

BENCHMARK(copy_loop)->Arg(1 << 20)->Arg(2 << 20)->Arg(5 << 19)->Arg(3 << 20)->Arg(4 << 20)->Arg(8 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(copy_stream)->Arg(1 << 20)->Arg(2 << 20)->Arg(5 << 19)->Arg(3 << 20)->Arg(4 << 20)->Arg(8 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(two_reads_loop)->Arg(3 << 18)->Arg(1 << 20)->Arg(5 << 18)->Arg(2 << 20)->Arg(4 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(two_reads_stream)->Arg(3 << 18)->Arg(1 << 20)->Arg(5 << 18)->Arg(2 << 20)->Arg(4 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(relu_forward)->Arg(3 << 20)->Arg(4 << 20)->Arg(8 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(relu_backward)->Arg(1 << 20)->Arg(2 << 20)->Arg(4 << 20)->Arg(16 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(elu_backward)->Arg(16 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(silu_backward)->Arg(1 << 20)->Arg(2 << 20)->Arg(4 << 20)->Arg(16 << 20)->Repetitions(3)->ReportAggregatesOnly();
BENCHMARK(prelu_backward_nhwc)->Arg(1 << 20)->Arg(2 << 20)->Arg(4 << 20)->Arg(16 << 20)->Repetitions(3)->ReportAggregatesOnly();

BENCHMARK_MAIN();
