// tools/conversion_floor.cpp — the fastest any 16-bit kernel can run on this CPU's AVX-512: the
// widening and narrowing that every bfloat16 and half kernel but ReLU does (storage.hpp), with no
// math between them, beside memcpy of the same bytes.
//
//   g++ -std=c++20 -O2 -march=native tools/conversion_floor.cpp -o /tmp/conversion_floor && /tmp/conversion_floor
//
// half: vcvtph2ps on load, vcvtps2ph on store, 16 elements each. bfloat16: the pairs of
// load_widened_pair / store_narrowed_pair (one load, a shift and a mask; vcvtne2ps2bf16, the test of
// its result for lanes it flushed, vpermw, one store), 32 elements. The arrays are page-aligned;
// each size prints elements/ns, the fastest of 30 timings. Needs AVX-512 F, BW and BF16.
// GCC 12 warns (-Wmaybe-uninitialized) about the `__Y = __Y` placeholders of its own AVX-512
// intrinsics once they are inlined; nothing here is uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512BF16__)
namespace {

[[gnu::noinline]] void half_round_trip(const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    constexpr int nearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    for (std::size_t i = 0; i < n; i += 32) {
        const __m512 a = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
        const __m512 b = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 16)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), _mm512_cvtps_ph(a, nearest));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i + 16), _mm512_cvtps_ph(b, nearest));
    }
}

[[gnu::noinline]] void bfloat16_round_trip(const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    const __m512i order = _mm512_set_epi32(0x1F000F, 0x1E000E, 0x1D000D, 0x1C000C, 0x1B000B, 0x1A000A, 0x190009,
                                           0x180008, 0x170007, 0x160006, 0x150005, 0x140004, 0x130003, 0x120002,
                                           0x110001, 0x100000);
    std::size_t flushed = 0;  // the test's branch taken: never here (no input is a float denormal)
    for (std::size_t i = 0; i < n; i += 32) {
        const __m512i u = _mm512_loadu_si512(x + i);
        const __m512 even = _mm512_castsi512_ps(_mm512_slli_epi32(u, 16));
        const __m512 odd = _mm512_castsi512_ps(_mm512_and_si512(u, _mm512_set1_epi32(static_cast<int>(0xFFFF0000u))));
        const __m512i packed = reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(odd, even));
        if (_mm512_testn_epi16_mask(packed, _mm512_set1_epi16(0x7FFF)) != 0) ++flushed;
        _mm512_storeu_si512(y + i, _mm512_permutexvar_epi16(order, packed));
    }
    asm volatile("" : : "r"(flushed));
}

[[gnu::noinline]] void copy(const std::uint16_t* x, std::uint16_t* y, std::size_t n) { std::memcpy(y, x, 2 * n); }

template <class F>
double elements_per_ns(F f, const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    double best = 1e300;
    const std::size_t calls = std::max<std::size_t>(1, 20'000'000 / n);
    for (int timing = 0; timing < 30; ++timing) {
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t k = 0; k < calls; ++k) {
            f(x, y, n);
            asm volatile("" : : : "memory");
        }
        const auto stop = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(stop - start).count() / calls);
    }
    return n / best;
}

}  // namespace

int main() {
    std::printf("%9s %8s %22s %22s   (elements/ns; in brackets over memcpy)\n", "n", "memcpy", "half widen+narrow",
                "bfloat16 widen+narrow");
    for (std::size_t n : {std::size_t{4096}, std::size_t{65536}, std::size_t{1} << 20}) {
        auto* x = static_cast<std::uint16_t*>(std::aligned_alloc(4096, 2 * n));
        auto* y = static_cast<std::uint16_t*>(std::aligned_alloc(4096, 2 * n));
        if (x == nullptr || y == nullptr) return 1;
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::uint16_t>(0x3C00 + i % 1000);  // normal numbers
        const double m = elements_per_ns(copy, x, y, n);
        const double h = elements_per_ns(half_round_trip, x, y, n);
        const double b = elements_per_ns(bfloat16_round_trip, x, y, n);
        std::printf("%9zu %8.1f %14.1f (%.2f) %14.1f (%.2f)\n", n, m, h, h / m, b, b / m);
        std::free(x);
        std::free(y);
    }
}
#else
int main() {
    std::puts("conversion_floor: needs AVX-512 F, BW and BF16 (build with -march=native on such a CPU)");
}
#endif
