// The consumer program of rectify::dispatch: built with the consumer's default flags (no -march),
// linked to rectify::dispatch. It must report the widest arch this CPU runs (or the one
// RECTIFY_ARCH names) and compute right results; exits non-zero otherwise.
#include <rectify/rectify.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main() {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                        __builtin_cpu_supports("avx512vl");
    const char* forced = std::getenv("RECTIFY_ARCH");
    std::string want = forced && *forced ? forced : avx512 ? "avx512" : avx2 ? "avx2" : "sse2";
    const std::string expected = want == "avx512" ? "avx512bw" : want == "avx2" ? "fma3+avx2" : "sse2";

    std::vector<float> x(1000), y(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = -10.0f + 0.02f * static_cast<float>(i);
    rectify::silu(x, y);
    int failures = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double exact = static_cast<double>(x[i]) / (1.0 + std::exp(-static_cast<double>(x[i])));
        if (std::fabs(static_cast<double>(y[i]) - exact) > 1e-6 * (1.0 + std::fabs(exact))) ++failures;
    }
    const std::string arch = rectify::simd_arch_name();
    if (arch != expected) ++failures;
    std::printf("rectify::dispatch consumer: simd_arch_name() = %s (expected %s), simd_width<float> = %zu: %s\n",
                arch.c_str(), expected.c_str(), rectify::simd_width<float>, failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
