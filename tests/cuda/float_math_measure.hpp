// Host side of the float accuracy measure: the running maxima with their worst inputs, and a sweep
// of a range of bit patterns over several threads. Used by test_float_math.cpp (sampled) and
// float_math_exhaustive.cpp (all 2^32 floats).
#pragma once

#include "float_accuracy.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace rectify_cuda_test {

struct maxima {
    double max[measure_count] = {};
    float worst_x[measure_count] = {};
    float worst_got[measure_count] = {};
    std::uint64_t count = 0;

    void add(float x, const float* got, const double* err) {
        ++count;
        for (int m = 0; m < measure_count; ++m) {
            if (!(err[m] <= max[m])) {  // NaN errors count as the worst
                max[m] = err[m] != err[m] ? INFINITY : err[m];
                worst_x[m] = x;
                worst_got[m] = got[m];
            }
        }
    }
    void merge(const maxima& o) {
        count += o.count;
        for (int m = 0; m < measure_count; ++m) {
            if (o.max[m] > max[m] || (o.max[m] == max[m] && bits_of(o.worst_x[m]) < bits_of(worst_x[m]))) {
                max[m] = o.max[m];
                worst_x[m] = o.worst_x[m];
                worst_got[m] = o.worst_got[m];
            }
        }
    }
    bool within_bounds() const {
        for (int m = 0; m < measure_count; ++m)
            if (!(max[m] <= bound_of[m])) return false;
        return true;
    }
    void print(const char* what) const {
        for (int m = 0; m < measure_count; ++m) {
            const bool dy = m == elu_backward_dy || m == silu_backward_dy;
            std::printf("[float math] %s: %-28s max %.4f (bound %g) at x = %.9g%s%.9g: got %.9g\n", what,
                        measure_names[m], max[m], bound_of[m], static_cast<double>(worst_x[m]),
                        dy ? ", dy = " : "", dy ? static_cast<double>(dy_for(worst_x[m])) : 0.0,
                        static_cast<double>(worst_got[m]));
        }
        std::fflush(stdout);
    }
};

// Measures the host evaluation of the float math on the bit patterns first, first + stride, ... < last
// (last <= 2^32), split over `threads` threads.
inline maxima sweep(std::uint64_t first, std::uint64_t last, std::uint64_t stride, unsigned threads) {
    threads = std::max(1u, threads);
    std::vector<maxima> parts(threads);
    std::vector<std::thread> workers;
    const std::uint64_t steps = last > first ? (last - first + stride - 1) / stride : 0;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            maxima& part = parts[t];
            for (std::uint64_t i = steps * t / threads; i < steps * (t + 1) / threads; ++i) {
                const float x = float_from_bits(static_cast<std::uint32_t>(first + i * stride));
                float got[measure_count];
                double err[measure_count];
                float_math_results(x, got);
                errors_of(x, got, err);
                part.add(x, got, err);
            }
        });
    }
    for (auto& w : workers) w.join();
    maxima all;
    for (const auto& p : parts) all.merge(p);
    return all;
}

}  // namespace rectify_cuda_test
