// rectify_dispatch_call_cost_<build> <kernel> <n> <calls>: runs one public entry point (relu, elu,
// silu, silu_backward; float) <calls> times on <n> elements. Built header-only and against
// rectify::dispatch (bench/micro/CMakeLists.txt); `cmake --build --preset bench --target
// dispatch_call_cost` counts the instructions of each under callgrind (dispatch_call_cost.cmake).
#include <rectify/rectify.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s relu|elu|silu|silu_backward <n> <calls>\n", argv[0]);
        return 2;
    }
    const std::string kernel = argv[1];
    const auto n = static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10));
    const long calls = std::strtol(argv[3], nullptr, 10);
    std::vector<float> x(n), dy(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = -8.0f + 16.0f * static_cast<float>(i % 1000) / 1000.0f;
        dy[i] = 1.0f - static_cast<float>(i % 7) / 8.0f;
    }
    for (long c = 0; c < calls; ++c) {
        if (kernel == "relu") rectify::relu(x, y);
        else if (kernel == "elu") rectify::elu(x, y);
        else if (kernel == "silu") rectify::silu(x, y);
        else if (kernel == "silu_backward") rectify::silu_backward(x, dy, y);
        else {
            std::fprintf(stderr, "unknown kernel %s\n", kernel.c_str());
            return 2;
        }
    }
    double sum = 0;
    for (float v : y) sum += v;
    std::printf("%s %s: checksum %.6g\n", rectify::simd_arch_name(), kernel.c_str(), sum);
    return 0;
}
