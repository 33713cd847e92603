// rectify_bench_half: the kernels on bfloat16 and half arrays beside a memcpy of the same bytes and
// beside the float kernels, at 4K / 64K / 1M / 16M elements, all in one run.
//
// Two tables follow Google Benchmark's own output, from the medians of the repetitions:
//   1. forward kernels over memcpy of the same bytes (2·n bytes read, 2·n written): ReLU, Leaky ReLU
//      and PReLU (NCHW and channels last, 64 channels) should reach 0.9 from 64K up
//      (docs/PERFORMANCE.md); backward kernels over the same memcpy, for reference (they read 3 arrays);
//   2. ELU and SiLU elements/ns on 16-bit arrays over the float kernel's elements/ns (target 0.9:
//      the math is the float math, only the loads and stores change).
//
// Running
//   rectify_bench_half                                   everything, 5 repetitions, medians (a minute)
//   rectify_bench_half --benchmark_filter='/65536$'      one size
// Inputs uniform in [-4, 4] (fixed seed), outputs in a separate page-aligned buffer; CPU time.
#include <rectify/rectify.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr std::size_t sizes[] = {std::size_t(1) << 12, std::size_t(1) << 16, std::size_t(1) << 20, std::size_t(1) << 24};
constexpr std::size_t max_size = std::size_t(1) << 24;
constexpr std::size_t channels = 64;

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};

template <class T>
struct Data {
    std::unique_ptr<T[], FreeDeleter> x, dy, out;
    std::vector<T> weight = std::vector<T>(channels), dweight = std::vector<T>(channels);
    static T* allocate() {
        void* p = std::aligned_alloc(4096, (max_size * sizeof(T) + 4095) / 4096 * 4096);
        if (!p) std::exit(1);
        return static_cast<T*>(p);
    }
    Data() : x(allocate()), dy(allocate()), out(allocate()) {
        std::mt19937_64 engine(1);
        std::uniform_real_distribution<float> u(-4.0f, 4.0f), w(0.05f, 0.5f);
        for (std::size_t i = 0; i < max_size; ++i) {
            x[i] = T(u(engine));
            dy[i] = T(u(engine));
        }
        for (T& v : weight) v = T(w(engine));
        std::memset(static_cast<void*>(out.get()), 0, max_size * sizeof(T));  // fault the pages in now
    }
    std::span<const T> cx(std::size_t n) const { return {x.get(), n}; }
    std::span<const T> cdy(std::size_t n) const { return {dy.get(), n}; }
    std::span<T> y(std::size_t n) { return {out.get(), n}; }
};

template <class T>
Data<T>& data() {
    static Data<T> instance;
    return instance;
}

template <class T> constexpr const char* type_name = "float";
template <> constexpr const char* type_name<rectify::bfloat16> = "bfloat16";
template <> constexpr const char* type_name<rectify::half> = "half";

rectify::ChannelShape nchw(std::size_t n) { return {1, channels, n / channels}; }
rectify::ChannelShape nhwc(std::size_t n) { return {n / channels, channels, 1}; }

template <class T>
void run(benchmark::State& state, void (*call)(Data<T>&, std::size_t)) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    Data<T>& d = data<T>();
    for (auto _ : state) {
        call(d, n);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

template <class T>
void register_type() {
    using D = Data<T>;
    using std::size_t;
    const std::vector<std::pair<const char*, void (*)(D&, size_t)>> all = {
        {"memcpy", [](D& d, size_t n) { std::memcpy(static_cast<void*>(d.out.get()), d.x.get(), n * sizeof(T)); }},
        {"relu_forward", [](D& d, size_t n) { rectify::relu(d.cx(n), d.y(n)); }},
        {"leaky_relu_forward", [](D& d, size_t n) { rectify::leaky_relu(d.cx(n), d.y(n), 0.01); }},
        {"prelu_forward_nchw",
         [](D& d, size_t n) { rectify::prelu(d.cx(n), std::span<const T>(d.weight), d.y(n), nchw(n)); }},
        {"prelu_forward_nhwc",
         [](D& d, size_t n) { rectify::prelu(d.cx(n), std::span<const T>(d.weight), d.y(n), nhwc(n)); }},
        {"elu_forward", [](D& d, size_t n) { rectify::elu(d.cx(n), d.y(n)); }},
        {"silu_forward", [](D& d, size_t n) { rectify::silu(d.cx(n), d.y(n)); }},
        {"relu_backward", [](D& d, size_t n) { rectify::relu_backward(d.cx(n), d.cdy(n), d.y(n)); }},
        {"elu_backward", [](D& d, size_t n) { rectify::elu_backward(d.cx(n), d.cdy(n), d.y(n)); }},
        {"silu_backward", [](D& d, size_t n) { rectify::silu_backward(d.cx(n), d.cdy(n), d.y(n)); }},
        {"prelu_backward_nchw",
         [](D& d, size_t n) {
             rectify::prelu_backward(d.cx(n), std::span<const T>(d.weight), d.cdy(n), d.y(n), std::span<T>(d.dweight),
                                     nchw(n));
         }},
    };
    for (const auto& [name, call] : all) {
        const std::string full = std::string(name) + "<" + type_name<T> + ">";
        auto* b = benchmark::RegisterBenchmark(full.c_str(), [call = call](benchmark::State& s) { run<T>(s, call); });
        for (size_t n : sizes) b->Arg(static_cast<std::int64_t>(n));
    }
}

// Collects the median items/s of every run (or the run itself without repetitions) for the tables.
class Collector : public benchmark::ConsoleReporter {
public:
    std::map<std::string, double> rate;  // "relu_forward<half>/65536" -> elements per second
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& r : runs) {
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type == Run::RT_Iteration || median) {
                const auto it = r.counters.find("items_per_second");
                if (it != r.counters.end()) rate[r.run_name.str()] = it->second;
            }
        }
    }
};

double find(const Collector& c, const std::string& name, std::size_t n) {
    const auto it = c.rate.find(name + "/" + std::to_string(n));
    return it == c.rate.end() ? 0.0 : it->second;
}

void print_tables(const Collector& c) {
    std::printf("\nrectify on %s; ratios within this run\n", rectify::simd_arch_name());
    std::printf("\n1. 16-bit kernel over memcpy of the same bytes (forward target >= 0.9 from 64K)\n%-34s", "kernel");
    for (std::size_t n : sizes) std::printf("%10zu", n);
    std::printf("\n");
    for (const char* type : {"bfloat16", "half"})
        for (const char* k : {"relu_forward", "leaky_relu_forward", "prelu_forward_nchw", "prelu_forward_nhwc",
                              "relu_backward", "prelu_backward_nchw"}) {
            const std::string name = std::string(k) + "<" + type + ">";
            std::printf("%-34s", name.c_str());
            for (std::size_t n : sizes) {
                const double base = find(c, std::string("memcpy<") + type + ">", n), kernel = find(c, name, n);
                if (base > 0 && kernel > 0) std::printf("%10.2f", kernel / base);
                else std::printf("%10s", "-");
            }
            std::printf("\n");
        }
    std::printf("\n2. ELU / SiLU elements/ns: 16-bit, and over float (target >= 0.9)\n%-34s", "kernel");
    for (std::size_t n : sizes) std::printf("%18zu", n);
    std::printf("\n");
    for (const char* type : {"bfloat16", "half"})
        for (const char* k : {"elu_forward", "silu_forward", "elu_backward", "silu_backward"}) {
            const std::string name = std::string(k) + "<" + type + ">";
            std::printf("%-34s", name.c_str());
            for (std::size_t n : sizes) {
                const double f = find(c, std::string(k) + "<float>", n), h = find(c, name, n);
                if (f > 0 && h > 0) std::printf("%9.2f (%5.2fx)", h * 1e-9, h / f);
                else std::printf("%18s", "-");
            }
            std::printf("\n");
        }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<char*> args(argv, argv + argc);
    std::string repetitions = "--benchmark_repetitions=5", aggregates = "--benchmark_report_aggregates_only=true",
                min_time = "--benchmark_min_time=0.05";
    bool given_repetitions = false, given_min_time = false;
    for (int i = 1; i < argc; ++i) {
        given_repetitions |= std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
        given_min_time |= std::strncmp(argv[i], "--benchmark_min_time", 20) == 0;
    }
    if (!given_repetitions) {
        args.push_back(repetitions.data());
        args.push_back(aggregates.data());
    }
    if (!given_min_time) args.push_back(min_time.data());
    int count = static_cast<int>(args.size());
    benchmark::Initialize(&count, args.data());
    register_type<rectify::bfloat16>();
    register_type<rectify::half>();
    register_type<float>();
    Collector collector;
    benchmark::RunSpecifiedBenchmarks(&collector);
    print_tables(collector);
}
