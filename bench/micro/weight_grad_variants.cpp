// rectify_weight_grad_variants — PReLU backward's float weight gradient on AVX-512 in raw
// intrinsics, one long run (dx = x > 0 ? dy : slope*dy and the sum of x*dy over !(x > 0) in double),
// to see what bounds it: 0 dx alone; 1 the widening from memory with masked FMAs (what detail/prelu.hpp
// does); 2 the rounded float product and its FMA error, widened; 4 four widenings, unmasked; 5 a
// zero-masked product then an add; 6 widening from the loaded registers; 7 the rounded product summed
// in double and its exact error in float (two widenings); 3 the widening of x alone. Only 0 and 1
// compute the right sum for every input; the others are timings. Compiled for AVX-512 F, DQ, BW
// and VL whatever the build's arch flags (bench/micro/CMakeLists.txt); runs only on such a CPU.
//
//   cmake --build --preset bench --target rectify_weight_grad_variants
//   build/bench/bench/micro/rectify_weight_grad_variants --benchmark_min_time=0.3
#include <benchmark/benchmark.h>
#include "intrinsics.hpp"
#include <cstdio>
#include <vector>
#include <random>
struct D { std::vector<float> x, dy, dx; double out; D(size_t n): x(n), dy(n), dx(n) { std::mt19937 g(1); std::uniform_real_distribution<float> u(-1,1); for (auto& v:x) v=u(g); for (auto&v:dy) v=u(g);} };
template <int V>
__attribute__((noinline)) double run(const float* x, const float* dy, float* dx, size_t n, float slope) {
  __m512 s = _mm512_set1_ps(slope);
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0; __m512 ef = _mm512_setzero_ps(); int slow = 0;
  for (size_t i = 0; i < n; i += 32) {
#pragma GCC unroll 2
    for (int k = 0; k < 2; ++k) {
      const float* xp = x + i + 16 * k; const float* gp = dy + i + 16 * k;
      __m512 xv = _mm512_loadu_ps(xp), g = _mm512_loadu_ps(gp);
      __mmask16 m = _mm512_cmp_ps_mask(xv, _mm512_setzero_ps(), _CMP_NGT_UQ);
      _mm512_storeu_ps(dx + i + 16 * k, _mm512_mask_mul_ps(g, m, g, s));
      __m512d lo = k ? a2 : a0; __m512d hi = k ? a3 : a1;
      if constexpr (V == 1) {  // convert from memory
        __m512d xl = _mm512_cvtps_pd(_mm256_loadu_ps(xp)), xh = _mm512_cvtps_pd(_mm256_loadu_ps(xp + 8));
        __m512d gl = _mm512_cvtps_pd(_mm256_loadu_ps(gp)), gh = _mm512_cvtps_pd(_mm256_loadu_ps(gp + 8));
        lo = _mm512_mask3_fmadd_pd(xl, gl, lo, (__mmask8)m);
        hi = _mm512_mask3_fmadd_pd(xh, gh, hi, (__mmask8)(m >> 8));
      } else if constexpr (V == 2) {  // float product + error, converted
        __m512 p = _mm512_mul_ps(xv, g);
        __m512 e = _mm512_fmsub_ps(xv, g, p);
        lo = _mm512_mask_add_pd(lo, (__mmask8)m, lo, _mm512_add_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(p)), _mm512_cvtps_pd(_mm512_castps512_ps256(e))));
        hi = _mm512_mask_add_pd(hi, (__mmask8)(m>>8), hi, _mm512_add_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(p),1))), _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e),1)))));
      } else if constexpr (V == 4) {  // 4 cvts from memory, unmasked fma
        __m512d xl = _mm512_cvtps_pd(_mm256_loadu_ps(xp)), xh = _mm512_cvtps_pd(_mm256_loadu_ps(xp + 8));
        __m512d gl = _mm512_cvtps_pd(_mm256_loadu_ps(gp)), gh = _mm512_cvtps_pd(_mm256_loadu_ps(gp + 8));
        lo = _mm512_fmadd_pd(xl, gl, lo);
        hi = _mm512_fmadd_pd(xh, gh, hi);
      } else if constexpr (V == 5) {  // zeroing-masked product, then add
        __m512d xl = _mm512_cvtps_pd(_mm256_loadu_ps(xp)), xh = _mm512_cvtps_pd(_mm256_loadu_ps(xp + 8));
        __m512d gl = _mm512_cvtps_pd(_mm256_loadu_ps(gp)), gh = _mm512_cvtps_pd(_mm256_loadu_ps(gp + 8));
        lo = _mm512_add_pd(lo, _mm512_maskz_mul_pd((__mmask8)m, xl, gl));
        hi = _mm512_add_pd(hi, _mm512_maskz_mul_pd((__mmask8)(m >> 8), xh, gh));
      } else if constexpr (V == 6) {  // 2 cvts of x, 2 of dy via register extract
        __m512d xl = _mm512_cvtps_pd(_mm512_castps512_ps256(xv)), xh = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(xv),1)));
        __m512d gl = _mm512_cvtps_pd(_mm512_castps512_ps256(g)), gh = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(g),1)));
        lo = _mm512_fmadd_pd(xl, gl, lo);
        hi = _mm512_fmadd_pd(xh, gh, hi);
      } else if constexpr (V == 7) {
        __m512 p = _mm512_maskz_mul_ps(m, xv, g);
        __m512 e = _mm512_maskz_fmsub_ps(m, xv, g, p);
        __mmask16 bad = _mm512_mask_fpclass_ps_mask(m, p, 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x80);
        if (__builtin_expect(bad != 0, 0)) { slow++; }
        lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(p)));
        hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(p), 1))));
        ef = _mm512_add_ps(ef, e);
      } else if constexpr (V == 3) { // only the sum, no compare (upper bound on convert cost)
        __m512d xl = _mm512_cvtps_pd(_mm256_loadu_ps(xp)), xh = _mm512_cvtps_pd(_mm256_loadu_ps(xp + 8));
        lo = _mm512_fmadd_pd(xl, xl, lo); hi = _mm512_fmadd_pd(xh, xh, hi);
      }
      if (k) { a2 = lo; a3 = hi; } else { a0 = lo; a1 = hi; }
    }
  }
  __m512d t = _mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3));
  return _mm512_reduce_add_pd(t) + _mm512_reduce_add_ps(ef) + slow;
}
template <int V> void BM(benchmark::State& st) { size_t n = st.range(0); D d(n);
  for (auto _ : st) { d.out = run<V>(d.x.data(), d.dy.data(), d.dx.data(), n, 0.25f); benchmark::DoNotOptimize(d.out); benchmark::ClobberMemory(); }
  st.SetItemsProcessed(st.iterations()*n); }
BENCHMARK(BM<0>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<1>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<2>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<4>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<5>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<6>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<7>)->Arg(4096)->Arg(65536);
BENCHMARK(BM<3>)->Arg(4096)->Arg(65536);
int main(int argc, char** argv) {
  return rectify_bench::run_benchmarks_if(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"),
                                          "rectify_weight_grad_variants: needs a CPU with AVX-512 F and DQ; nothing to run here", argc, argv);
}
