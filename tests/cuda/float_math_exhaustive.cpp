// The device's float math (activations.hpp, scalar_math::in_float) on the host, over every one of
// the 2^32 floats: prints the maximum error of ELU and SiLU, forward and backward, with the worst
// input, and fails when one exceeds docs/SEMANTICS.md's bound. The host computes the device's bits (see
// test_float_math.cpp); float_math_exhaustive.cu measures the GPU kernels themselves.
//
//   rectify_float_math_exhaustive [threads] [stride]     threads: default all cores; stride 1
//
// About 10 minutes on two cores of a 2.45 GHz Zen 3. CTest runs it (label `exhaustive`) when
// configured with -DRECTIFY_EXHAUSTIVE_TESTS=ON.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "float_math_measure.hpp"

int main(int argc, char** argv) {
    using namespace rectify_cuda_test;
    const unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : std::thread::hardware_concurrency();
    const std::uint64_t stride = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
    const auto start = std::chrono::steady_clock::now();
    const maxima all = sweep(0, std::uint64_t{1} << 32, stride == 0 ? 1 : stride, threads);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[float math] %llu inputs (stride %llu), %u threads, %.0f s\n", static_cast<unsigned long long>(all.count),
                static_cast<unsigned long long>(stride), threads, seconds);
    all.print(stride == 1 ? "all 2^32 floats, host" : "strided, host");
    const bool ok = all.within_bounds();
    std::printf("%s\n", ok ? "within bounds" : "BOUND EXCEEDED");
    return ok ? 0 : 1;
}
