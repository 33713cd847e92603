// rectify_conversion_floor — the fastest any 16-bit kernel can run on this CPU's AVX-512: the
// widening and narrowing that every bfloat16 and half kernel but ReLU does, rectify's own
// (detail/storage.hpp: load_widened / store_narrowed for half, load_widened_pair /
// store_narrowed_pairs for bfloat16, as the loops call them), with no math between them, beside
// memcpy of the same bytes.
//
//   cmake --build --preset bench --target rectify_conversion_floor && build/bench/bench/micro/rectify_conversion_floor
//   (built at -O2 with the build's arch flags, as the figures quoted in the docs were)
//
// half: vcvtph2ps on load, vcvtps2ph on store, 16 elements a batch; and the same through the
// 256-bit forms, 8 at a time. bfloat16: two pairs of batches a step, 64 elements (a load, a shift
// and a mask per pair; vcvtne2ps2bf16, one test of both results for lanes it flushed, vpermw and a
// store per pair). The arrays are page-aligned; each size prints elements/ns, the
// fastest of 30 timings. Needs AVX-512 F, BW and BF16.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512BF16__)
namespace {

namespace d = rectify::detail;

[[gnu::noinline]] void half_round_trip(const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    const auto* in = reinterpret_cast<const rectify::half*>(x);
    auto* out = reinterpret_cast<rectify::half*>(y);
    constexpr std::size_t W = d::storage_batch<rectify::half>::size;
    for (std::size_t i = 0; i < n; i += W) d::store_narrowed<false>(d::load_widened(in + i), out + i);
}

[[gnu::noinline]] void bfloat16_round_trip(const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    const auto* in = reinterpret_cast<const rectify::bfloat16*>(x);
    auto* out = reinterpret_cast<rectify::bfloat16*>(y);
    constexpr std::size_t W = d::storage_batch<rectify::bfloat16>::size;
    for (std::size_t i = 0; i < n; i += 4 * W)
        d::store_narrowed_pairs<false>(d::load_widened_pair(in + i), d::load_widened_pair(in + i + 2 * W), out + i);
}

// half through F16C's 256-bit forms, 8 elements at a time (what rectify's AVX2 build does), for
// comparison with the 512-bit forms of half_round_trip.
[[gnu::noinline]] void half_round_trip_256(const std::uint16_t* x, std::uint16_t* y, std::size_t n) {
    for (std::size_t i = 0; i < n; i += 8) {
        const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
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
    std::printf("%9s %8s %22s %22s %22s   (elements/ns; in brackets over memcpy)\n", "n", "memcpy", "half widen+narrow",
                "half, 256-bit forms", "bfloat16 widen+narrow");
    for (std::size_t n : {std::size_t{4096}, std::size_t{65536}, std::size_t{1} << 20}) {
        auto* x = static_cast<std::uint16_t*>(std::aligned_alloc(4096, 2 * n));
        auto* y = static_cast<std::uint16_t*>(std::aligned_alloc(4096, 2 * n));
        if (x == nullptr || y == nullptr) return 1;
        for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<std::uint16_t>(0x3C00 + i % 1000);  // normal numbers
        const double m = elements_per_ns(copy, x, y, n);
        const double h = elements_per_ns(half_round_trip, x, y, n);
        const double h256 = elements_per_ns(half_round_trip_256, x, y, n);
        const double b = elements_per_ns(bfloat16_round_trip, x, y, n);
        std::printf("%9zu %8.1f %14.1f (%.2f) %14.1f (%.2f) %14.1f (%.2f)\n", n, m, h, h / m, h256, h256 / m, b, b / m);
        std::free(x);
        std::free(y);
    }
}
#else
int main() {
    std::puts("conversion_floor: needs AVX-512 F, BW and BF16 (build with -march=native on such a CPU)");
}
#endif
