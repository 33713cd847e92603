// rectify_elu_silu_speed — ELU and SiLU forward and backward through the public calls
// (rectify::forward / rectify::backward), float, double, bfloat16 and half, at 4K and 64K elements,
// x and dy uniform in [-4, 4]. For a before/after comparison of a change to their math, build it
// against the headers of the commit before the change and of the change, and run the two binaries
// in turn:
//
//   cmake --build --preset bench --target rectify_elu_silu_speed
//   build/bench/bench/micro/rectify_elu_silu_speed --benchmark_min_time=0.2
//   (before/after: bench/README.md, "Another commit's headers"; the AVX2 + FMA figures come from a
//    build configured with -DRECTIFY_ARCH_FLAGS=-march=x86-64-v3)
#include <benchmark/benchmark.h>

#include <random>
#include <rectify/rectify.hpp>
#include <span>
#include <vector>

template <class T, class Act, bool backward>
void BM_activation(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<T> x(n), dy(n), out(n);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> uniform(-4.0f, 4.0f);
    for (auto& v : x) v = T(uniform(gen));
    for (auto& v : dy) v = T(uniform(gen));
    for (auto _ : state) {
        if constexpr (backward)
            rectify::backward(Act{}, std::span<const T>(x), std::span<const T>(dy), std::span<T>(out));
        else
            rectify::forward(Act{}, std::span<const T>(x), std::span<T>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

#define RECTIFY_SPEED(T)                                                                   \
    BENCHMARK(BM_activation<T, rectify::ELU, false>)->Name("elu_forward<" #T ">")->Arg(4096)->Arg(65536);   \
    BENCHMARK(BM_activation<T, rectify::ELU, true>)->Name("elu_backward<" #T ">")->Arg(4096)->Arg(65536);   \
    BENCHMARK(BM_activation<T, rectify::SiLU, false>)->Name("silu_forward<" #T ">")->Arg(4096)->Arg(65536); \
    BENCHMARK(BM_activation<T, rectify::SiLU, true>)->Name("silu_backward<" #T ">")->Arg(4096)->Arg(65536);

RECTIFY_SPEED(float)
RECTIFY_SPEED(double)
RECTIFY_SPEED(rectify::bfloat16)
RECTIFY_SPEED(rectify::half)

BENCHMARK_MAIN();
