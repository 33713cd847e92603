// rectify_debug_speed_<build>: rectify::silu over 1M floats against a naive loop, elements per ns,
// best of 5. Built at -O0, at -O2, and at -O0 with the kernels from rectify::kernels' file compiled
// at -O2 (bench/micro/CMakeLists.txt); `cmake --build --preset bench --target debug_speed` runs the
// three, to show what an unoptimized build costs (docs: "Debug builds").
#include <rectify/rectify.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>
template <class F> double best(F f, std::size_t n) {
    double b = 1e30;
    for (int r = 0; r < 5; ++r) {
        auto t0 = std::chrono::steady_clock::now(); f();
        double s = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        if (s < b) b = s;
    }
    return static_cast<double>(n) / b;
}
int main() {
    const std::size_t n = 1 << 20;
    std::vector<float> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = -4.0f + 8.0f * static_cast<float>(i) / static_cast<float>(n);
    double r = best([&] { rectify::silu(x, y); }, n);
    double v = best([&] { for (std::size_t i = 0; i < n; ++i) y[i] = x[i] / (1.0f + std::exp(-x[i])); }, n);
    std::printf("rectify::silu %.4f el/ns, naive loop %.4f el/ns (%s)\n", r, v, rectify::simd_arch_name());
}
