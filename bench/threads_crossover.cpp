// rectify_threads_crossover: where threads start to pay. A few kernels at sizes from 8K to 16M
// elements (float), each on 1 thread and on every processor, built with
// RECTIFY_PARALLEL_MIN_ELEMENTS=1 so that the threaded runs use threads at every size (the library's
// default threshold, detail/parallel.hpp, was chosen from this program's output). Prints, after
// Google Benchmark's table, the threaded speed over the one-thread speed per kernel and size.
//   rectify_threads_crossover [--benchmark_min_time=0.1] [--benchmark_repetitions=3]
#include <rectify/rectify.hpp>

#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdio>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr std::size_t largest = std::size_t(1) << 24;
constexpr std::size_t channels = 64;

struct Arrays {
    std::vector<float> x = values(1), dy = values(2), out = std::vector<float>(largest);
    std::vector<float> weight = std::vector<float>(channels, 0.25f), dweight = std::vector<float>(channels);
    static std::vector<float> values(unsigned seed) {
        std::mt19937 engine(seed);
        std::uniform_real_distribution<float> distribution(-4.0f, 4.0f);
        std::vector<float> v(largest);
        for (float& e : v) e = distribution(engine);
        return v;
    }
};
Arrays& arrays() {
    static Arrays a;
    return a;
}

using Kernel = void (*)(Arrays&, std::size_t n);
const std::map<std::string, Kernel>& kernels() {
    static const std::map<std::string, Kernel> all = {
        {"relu_forward", [](Arrays& a, std::size_t n) { rectify::forward(rectify::ReLU{}, a.x.data(), a.out.data(), n); }},
        {"elu_forward", [](Arrays& a, std::size_t n) { rectify::forward(rectify::ELU{}, a.x.data(), a.out.data(), n); }},
        {"silu_forward", [](Arrays& a, std::size_t n) { rectify::forward(rectify::SiLU{}, a.x.data(), a.out.data(), n); }},
        {"silu_backward",
         [](Arrays& a, std::size_t n) {
             rectify::backward(rectify::SiLU{}, a.x.data(), a.dy.data(), a.out.data(), n);
         }},
        {"prelu_backward_nhwc",
         [](Arrays& a, std::size_t n) {
             const std::size_t m = n / channels * channels;
             rectify::prelu_backward(std::span<const float>(a.x.data(), m), std::span<const float>(a.weight),
                                     std::span<const float>(a.dy.data(), m), std::span<float>(a.out.data(), m),
                                     std::span<float>(a.dweight), rectify::ChannelShape{n / channels, channels, 1});
         }},
    };
    return all;
}

void run(benchmark::State& state, Kernel kernel, int threads) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Arrays& a = arrays();
    omp_set_num_threads(threads);
    for (auto _ : state) {
        kernel(a, n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

// Keeps each run's items per second (the median when repetitions are aggregated).
class Recorder : public benchmark::ConsoleReporter {
public:
    std::map<std::string, double> rate;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
            const auto it = r.counters.find("items_per_second");
            if (it != r.counters.end()) rate[r.run_name.str()] = it->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

}  // namespace

int main(int argc, char** argv) {
    const int procs = omp_get_num_procs();
    std::vector<std::size_t> sizes;
    for (std::size_t n = std::size_t(1) << 13; n <= largest; n *= 2) sizes.push_back(n);
    for (const auto& [name, kernel] : kernels())
        for (int threads : {1, procs}) {
            char label[96];  // snprintf: GCC 12's -Wrestrict misfires on string concatenation at -O3
            std::snprintf(label, sizeof label, "%s/threads:%d", name.c_str(), threads);
            auto* b = benchmark::RegisterBenchmark(label, run, kernel, threads);
            for (std::size_t n : sizes) b->Arg(static_cast<std::int64_t>(n));
        }
    benchmark::Initialize(&argc, argv);
    Recorder recorder;
    benchmark::RunSpecifiedBenchmarks(&recorder);
    std::printf("\nThreaded speed / one-thread speed (%d threads), float:\n%-22s", procs, "");
    for (std::size_t n : sizes) std::printf("%9zuK", n >> 10);
    std::printf("\n");
    for (const auto& entry : kernels()) {
        std::printf("%-22s", entry.first.c_str());
        for (std::size_t n : sizes) {
            char one_name[128], many_name[128];
            std::snprintf(one_name, sizeof one_name, "%s/threads:1/%zu", entry.first.c_str(), n);
            std::snprintf(many_name, sizeof many_name, "%s/threads:%d/%zu", entry.first.c_str(), procs, n);
            const auto one = recorder.rate.find(one_name);
            const auto many = recorder.rate.find(many_name);
            if (one == recorder.rate.end() || many == recorder.rate.end()) std::printf("%10s", "-");
            else std::printf("%9.2fx", many->second / one->second);
        }
        std::printf("\n");
    }
    benchmark::Shutdown();
    return 0;
}
