// rectify_prelu_speed — PReLU forward and backward (with dweight) through the public calls, float,
// bfloat16 and half, 64 channels, channels first {1, 64, n/64} and channels last {n/64, 64, 1}, at 4K
// and 64K elements (1M too for float backward), beside memcpy and a 2R1W loop. For a before/after
// comparison of a PReLU change, build it against the headers of the commit before the change and of
// the change, and run the two binaries in turn:
//
//   cmake --build --preset bench --target rectify_prelu_speed
//   build/bench/bench/micro/rectify_prelu_speed --benchmark_min_time=0.2
//   (before/after: bench/README.md, "Another commit's headers": rectify_prelu_speed_compare)
#include <benchmark/benchmark.h>
#include <rectify/rectify.hpp>
#include <random>
#include <vector>
#include <cstring>
template <class T>
struct D {
  std::vector<T> x, dy, dx, w, dw;
  D(size_t n) : x(n), dy(n), dx(n), w(64), dw(64) {
    std::mt19937 g(1); std::uniform_real_distribution<float> u(-1, 1), uw(0.05f, 0.5f);
    for (auto& v : x) v = T(u(g));
    for (auto& v : dy) v = T(u(g));
    for (auto& v : w) v = T(uw(g));
  }
};
template <class T, bool nhwc>
void BM_prelu_bwd(benchmark::State& st) {
  size_t n = st.range(0); D<T> d(n);
  rectify::ChannelShape s = nhwc ? rectify::ChannelShape{n / 64, 64, 1} : rectify::ChannelShape{1, 64, n / 64};
  for (auto _ : st) {
    rectify::prelu_backward(std::span<const T>(d.x), std::span<const T>(d.w), std::span<const T>(d.dy), std::span<T>(d.dx), std::span<T>(d.dw), s);
    benchmark::DoNotOptimize(d.dx.data()); benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
template <class T, bool nhwc>
void BM_prelu_fwd(benchmark::State& st) {
  size_t n = st.range(0); D<T> d(n);
  rectify::ChannelShape s = nhwc ? rectify::ChannelShape{n / 64, 64, 1} : rectify::ChannelShape{1, 64, n / 64};
  for (auto _ : st) {
    rectify::prelu(std::span<const T>(d.x), std::span<const T>(d.w), std::span<T>(d.dx), s);
    benchmark::DoNotOptimize(d.dx.data()); benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
template <class T>
void BM_copy(benchmark::State& st) {
  size_t n = st.range(0); D<T> d(n);
  for (auto _ : st) { std::memcpy(d.dx.data(), d.x.data(), n * sizeof(T)); benchmark::DoNotOptimize(d.dx.data()); benchmark::ClobberMemory(); }
  st.SetItemsProcessed(st.iterations() * n);
}
template <class T>
void BM_2r1w(benchmark::State& st) {
  size_t n = st.range(0); D<T> d(n);
  using B = xsimd::batch<T>;
  for (auto _ : st) {
    const T* a = d.x.data(); const T* b = d.dy.data(); T* c = d.dx.data();
    for (size_t i = 0; i < n; i += 4 * B::size) {
      for (int k = 0; k < 4; ++k) (B::load_unaligned(a + i + k * B::size) * B::load_unaligned(b + i + k * B::size)).store_unaligned(c + i + k * B::size);
    }
    benchmark::DoNotOptimize(d.dx.data()); benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_copy<float>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<float, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<float, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_copy<rectify::bfloat16>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<rectify::bfloat16, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<rectify::bfloat16, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_copy<rectify::half>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<rectify::half, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<rectify::half, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_copy<double>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<double, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_fwd<double, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_2r1w<float>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM_prelu_bwd<float, false>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM_prelu_bwd<float, true>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM_prelu_bwd<rectify::bfloat16, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_bwd<rectify::bfloat16, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_bwd<rectify::half, false>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_prelu_bwd<rectify::half, true>)->Arg(4096)->Arg(65536);
BENCHMARK(BM_2r1w<double>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM_prelu_bwd<double, false>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM_prelu_bwd<double, true>)->Arg(4096)->Arg(65536)->Arg(1<<20);
BENCHMARK_MAIN();
