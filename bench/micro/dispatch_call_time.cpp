// rectify_dispatch_call_time_<build> — the time of one rectify::relu call on n floats, for n from 16
// to 16K, built header-only or against rectify::dispatch (bench/micro/CMakeLists.txt; `cmake --build
// --preset bench --target dispatch_call_time` runs the two in turn, dispatch_call_time.py). Nothing else is in the timed loop: the arrays are page-aligned, x first and y
// 256 floats past the end of a 64K-float x, the same in both builds, so the two programs are
// compared on the same layout. Prints "n ns-per-call", each the fastest of 40 timings.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <new>
#include <span>

int main() {
    constexpr std::size_t capacity = 65536;
    float* base = static_cast<float*>(::operator new(2 * (capacity + 256) * sizeof(float), std::align_val_t{4096}));
    float* x = base;
    float* y = base + capacity + 256;
    // A caller's arrays come from separate allocations: without this the header-only build knew that
    // y - x is a constant, addressed both from one register and inlined the loop with one add fewer
    // an iteration than the kernels have in any other program (1.8 % of a call at 4K, on this layout).
    asm volatile("" : "+r"(x), "+r"(y));
    for (std::size_t i = 0; i < capacity; ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i % 1000) / 1000.0f;
    for (std::size_t n : {16ul, 64ul, 256ul, 1024ul, 4096ul, 16384ul}) {
        const int calls = static_cast<int>(2000000 / (n + 64));
        double best = 1e300;
        for (int timing = 0; timing < 40; ++timing) {
            const auto start = std::chrono::steady_clock::now();
            for (int k = 0; k < calls; ++k) {
                rectify::relu(std::span<const float>(x, n), std::span<float>(y, n));
                asm volatile("" : : "r"(y) : "memory");  // y is used: the call stays in the loop
            }
            const auto stop = std::chrono::steady_clock::now();
            best = std::min(best, std::chrono::duration<double, std::nano>(stop - start).count() / calls);
        }
        std::printf("%zu %.2f\n", n, best);
    }
    ::operator delete(base, std::align_val_t{4096});
}
