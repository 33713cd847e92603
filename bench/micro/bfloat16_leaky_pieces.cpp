// rectify_bfloat16_leaky_pieces — what each piece of the bfloat16 Leaky ReLU loop costs on an
// AVX-512 BF16 CPU: the loop as rectify does it (paired widening, max(x, x*slope), vcvtne2ps2bf16,
// the test for lanes it flushed, the word permute back into order) beside copies of it with one
// piece left out, and beside memcpy; raw intrinsics, 64K and 1M elements. Variants: 0 copy,
// 1 rectify's loop up to commit 615f288 (one denormal test per pair), 2 without the denormal test,
// 3 without the permute, 4 without the math, 5 widening in element order by zero-extension, 6 by
// unpacking (permute on 64-bit lanes), 7 rectify's loop since 3c12e38 (one test for two pairs).
// Variants 2-6 give wrong bits for some inputs; they are timings, not kernels.
// Compiled for AVX-512 F, BW, VL and BF16 whatever the build's arch flags (bench/micro/CMakeLists.txt),
// so that it builds everywhere; it runs only on a CPU that has them (bench/README.md).
//
//   cmake --build --preset bench --target rectify_bfloat16_leaky_pieces
//   build/bench/bench/micro/rectify_bfloat16_leaky_pieces --benchmark_min_time=0.3
#include <benchmark/benchmark.h>
#include "intrinsics.hpp"
#include <vector>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <random>
struct D { std::vector<uint16_t> x, y; D(size_t n): x(n), y(n) { std::mt19937 g(1); std::uniform_real_distribution<float> u(-4,4); for (auto& v:x){ float f=u(g); uint32_t b; std::memcpy(&b,&f,4); v=b>>16;} } };
static const __m512i order = _mm512_set_epi32(0x1F000F, 0x1E000E, 0x1D000D, 0x1C000C, 0x1B000B, 0x1A000A, 0x190009, 0x180008,
                                                   0x170007, 0x160006, 0x150005, 0x140004, 0x130003, 0x120002, 0x110001, 0x100000);
template <int V>
__attribute__((noinline)) void run(const uint16_t* x, uint16_t* y, size_t n, float slope) {
  const __m512 s = _mm512_set1_ps(slope);
  const __m512i hi = _mm512_set1_epi32(0xFFFF0000);
  const __m512i perm = order;
  for (size_t i = 0; i < n; i += 64) {
#pragma GCC unroll 2
    for (int k = 0; k < 2; ++k) {
      const uint16_t* p = x + i + 32 * k;
      if constexpr (V == 0) { _mm512_storeu_si512(y + i + 32 * k, _mm512_loadu_si512(p)); continue; }
      __m512 e, o;
      if constexpr (V == 6) {
        __m512i u = _mm512_loadu_si512(p);
        e = _mm512_castsi512_ps(_mm512_unpacklo_epi16(_mm512_setzero_si512(), u));
        o = _mm512_castsi512_ps(_mm512_unpackhi_epi16(_mm512_setzero_si512(), u));
      } else if constexpr (V == 5) { // natural order widen via zero-extend from memory
        e = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i*)p)), 16));
        o = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i*)(p + 16))), 16));
      } else {
        __m512i u = _mm512_loadu_si512(p);
        e = _mm512_castsi512_ps(_mm512_slli_epi32(u, 16));
        o = _mm512_castsi512_ps(_mm512_and_si512(u, hi));
      }
      if constexpr (V != 4) {
        e = _mm512_max_ps(e, _mm512_mul_ps(e, s));
        o = _mm512_max_ps(o, _mm512_mul_ps(o, s));
      }
      __m512i packed = (__m512i)_mm512_cvtne2ps_pbh(o, e);
      if constexpr (V != 2) {
        if (__builtin_expect(_mm512_testn_epi16_mask(packed, _mm512_set1_epi16(0x7FFF)) != 0, 0)) {
          if ((_mm512_fpclass_ps_mask(e, 0x20) | _mm512_fpclass_ps_mask(o, 0x20)) != 0) packed = _mm512_setzero_si512();
        }
      }
      if constexpr (V == 6) packed = _mm512_permutexvar_epi64(_mm512_set_epi64(7, 3, 6, 2, 5, 1, 4, 0), packed);
      else if constexpr (V != 3 && V != 5) packed = _mm512_permutexvar_epi16(perm, packed);
      _mm512_storeu_si512(y + i + 32 * k, packed);
    }
  }
}
// Variant 7: two pairs a step, the second's ±0 test under the first's mask, one branch.
__attribute__((noinline)) void run_shared_test(const uint16_t* x, uint16_t* y, size_t n, float slope) {
  const __m512 s = _mm512_set1_ps(slope);
  const __m512i hi = _mm512_set1_epi32(0xFFFF0000);
  const __m512i magnitude = _mm512_set1_epi16(0x7FFF);
  for (size_t i = 0; i < n; i += 64) {
    const __m512i u0 = _mm512_loadu_si512(x + i), u1 = _mm512_loadu_si512(x + i + 32);
    __m512 e0 = _mm512_castsi512_ps(_mm512_slli_epi32(u0, 16)), o0 = _mm512_castsi512_ps(_mm512_and_si512(u0, hi));
    __m512 e1 = _mm512_castsi512_ps(_mm512_slli_epi32(u1, 16)), o1 = _mm512_castsi512_ps(_mm512_and_si512(u1, hi));
    e0 = _mm512_max_ps(e0, _mm512_mul_ps(e0, s));
    o0 = _mm512_max_ps(o0, _mm512_mul_ps(o0, s));
    e1 = _mm512_max_ps(e1, _mm512_mul_ps(e1, s));
    o1 = _mm512_max_ps(o1, _mm512_mul_ps(o1, s));
    __m512i c0 = (__m512i)_mm512_cvtne2ps_pbh(o0, e0), c1 = (__m512i)_mm512_cvtne2ps_pbh(o1, e1);
    const __mmask32 nonzero = _mm512_mask_test_epi16_mask(_mm512_test_epi16_mask(c0, magnitude), c1, magnitude);
    if (__builtin_expect(nonzero != 0xFFFFFFFFu, 0)) {
      if ((_mm512_fpclass_ps_mask(e0, 0x20) | _mm512_fpclass_ps_mask(o0, 0x20) | _mm512_fpclass_ps_mask(e1, 0x20) |
           _mm512_fpclass_ps_mask(o1, 0x20)) != 0)
        c0 = c1 = _mm512_setzero_si512();
    }
    _mm512_storeu_si512(y + i, _mm512_permutexvar_epi16(order, c0));
    _mm512_storeu_si512(y + i + 32, _mm512_permutexvar_epi16(order, c1));
  }
}
template <int V> void BM(benchmark::State& st) { size_t n = st.range(0); D d(n);
  for (auto _ : st) {
    if constexpr (V == 7) run_shared_test(d.x.data(), d.y.data(), n, 0.25f);
    else run<V>(d.x.data(), d.y.data(), n, 0.25f);
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations()*n); }
// 0 copy, 1 one test per pair, 2 no denorm test, 3 no permute, 4 no math, 5 zero-extend widen
// (natural order, no permute), 6 unpacking, 7 one test per two pairs
BENCHMARK(BM<0>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<1>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<2>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<3>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<4>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<6>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<5>)->Arg(65536)->Arg(1<<20);
BENCHMARK(BM<7>)->Arg(65536)->Arg(1<<20);
int main(int argc, char** argv) {
  return rectify_bench::run_benchmarks_if(__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                                              __builtin_cpu_supports("avx512bf16"),
                                          "rectify_bfloat16_leaky_pieces: needs a CPU with AVX-512 BW, VL and BF16; nothing to run here", argc, argv);
}
