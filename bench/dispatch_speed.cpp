// rectify_speed_<build>: what a user's program gets from each way of building against rectify —
// the public API only (rectify::relu, elu, silu, silu_backward), float, 4K and 1M elements, one
// thread; and relu on 16 elements, a call that costs little more than its fixed cost (the argument
// checks, and with rectify::dispatch the indirect call), so that the difference between two builds
// there is the per-call cost of the one over the other. The same file is built several ways (bench/CMakeLists.txt):
//   rectify_speed_default   header-only, the compiler's default flags (x86-64: SSE2), -O2
//   rectify_speed_native    header-only, -O3 -march=native
//   rectify_speed_avx2      header-only, -O2 -mavx2 -mfma
//   rectify_speed_avx512    header-only, -O2 with rectify::dispatch's AVX-512 flags
//   rectify_speed_znver3    header-only, -O3 -march=znver3 (an AVX2 Zen 3's native build)
//   rectify_speed_dispatch  -O2, default flags, linked to rectify::dispatch
// The arrays are 64-byte aligned in every build: with malloc's 16-byte alignment, where an array
// starts within a cache line depended on each program's heap, and 512-bit accesses that cross lines
// cost more, so builds were compared on different alignments.
// bench/compare_builds.py runs them in turn, several rounds, and prints medians and ratios
// (docs/DISPATCH.md).
#include <rectify/rectify.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <new>
#include <vector>

namespace {

template <class T>
struct CacheLineAllocator {
    using value_type = T;
    CacheLineAllocator() = default;
    template <class U>
    CacheLineAllocator(const CacheLineAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); }
    bool operator==(const CacheLineAllocator&) const { return true; }
};
using vec = std::vector<float, CacheLineAllocator<float>>;

vec inputs(std::size_t n) {
    vec x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i % 1000) / 1000.0f;
    return x;
}

template <class F>
void run(benchmark::State& state, F f) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const vec x = inputs(n), dy = inputs(n);
    vec y(n);
    for (auto _ : state) {
        f(x, dy, y);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
    state.SetLabel(rectify::simd_arch_name());
}

void relu_forward(benchmark::State& s) { run(s, [](const vec& x, const vec&, vec& y) { rectify::relu(x, y); }); }
void elu_forward(benchmark::State& s) { run(s, [](const vec& x, const vec&, vec& y) { rectify::elu(x, y); }); }
void silu_forward(benchmark::State& s) { run(s, [](const vec& x, const vec&, vec& y) { rectify::silu(x, y); }); }
void silu_backward(benchmark::State& s) {
    run(s, [](const vec& x, const vec& dy, vec& dx) { rectify::silu_backward(x, dy, dx); });
}

}  // namespace

BENCHMARK(relu_forward)->Arg(16)->Arg(4096)->Arg(1 << 20);
BENCHMARK(elu_forward)->Arg(4096)->Arg(1 << 20);
BENCHMARK(silu_forward)->Arg(4096)->Arg(1 << 20);
BENCHMARK(silu_backward)->Arg(4096)->Arg(1 << 20);

BENCHMARK_MAIN();
