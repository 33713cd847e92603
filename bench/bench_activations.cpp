// rectify_bench: every activation kernel of rectify, forward and backward, float and double, at
// 4K / 64K / 1M / 16M elements. The rows come from activations/list.hpp: each listed activation has
// <shorthand>_forward and <shorthand>_backward with its default parameters (relu_forward,
// gelu_backward), <shorthand>_backward_from_output where its output determines the gradient (the
// list's from_output column: dx from y = f(x), made untimed before the run), and the variants table
// below (variants()) adds the parameters that matter (gelu_tanh, swish_1.702); PReLU's four rows
// and relu_forward_inplace are written out. Against two baselines measured in the same run:
//   copy<T>    copies n elements: 1 read + 1 write, the traffic of a forward kernel;
//   2R1W<T>    c[i] = a[i] * b[i]: 2 reads + 1 write, the traffic of a backward kernel;
// each the fastest of several ways of moving those bytes (memcpy, a vector loop, a loop with
// streaming stores), size by size: see baselines.hpp for why a single way lies;
// and against the peer libraries CMake found (bench/peer_<name>.cpp, one thread each, set
// explicitly), on the same arrays, named "<kernel><type>/<peer>/<size>":
//   PyTorch  ATen's CPU kernels through their _out variants (libtorch-dev), float and double: every
//            activation (peer_aten.cpp says which call stands for which row)
//   oneDNN   eltwise and PReLU primitives (libdnnl-dev), float, forward and backward: all but SELU
//            and Hardsigmoid, which oneDNN 2.6 lacks
//   XNNPACK  ELU (and CELU(1)), SiLU and Swish(1) as sigmoid then multiply, sigmoid, hardswish, clamp
//            (Hardtanh, ReLU6), Leaky ReLU, PReLU channels-last (libxnnpack-dev), float, forward only
//   Eigen    array expressions for the first five (libeigen3-dev), float and double
// A peer that is not installed is left out, with one line at configure time and one in the output;
// a peer kernel named after no rectify row (a shorthand renamed) is reported in one line, not run.
// Before a peer kernel is timed, its output (and PReLU's dweight) is compared once with rectify's on
// the same inputs (relative 1e-4 + absolute 1e-6 for float, 1e-9 + 1e-12 for double, looser only
// where a peer file states why); a peer that computes something else is reported as an error, not
// timed.
//
// Reading the output
//   First Google Benchmark's own table, one line per benchmark (the median of the repetitions by
//   default): Time/CPU per call, bytes_per_second (bytes actually moved: 2·n·sizeof(T) forward,
//   3·n·sizeof(T) backward) and items_per_second (elements per second).
//   Then this program's tables, from the same medians:
//   1. one table per activation, direction and type: rows rectify, each peer and the baseline,
//      columns the sizes, cells elements/ns and the row's speed as a multiple of rectify's
//      ("PyTorch 0.31x": PyTorch runs at 0.31 of rectify's speed);
//   2. what each activation costs: rectify's time per element over its ReLU's;
//   3. the ratio table: each kernel over its baseline, ELU and SiLU also over XNNPACK's forward,
//      with docs/PERFORMANCE.md's target ratios for float; the other activations with issue #27's
//      (section 5): forward over the fastest peer ("fastest-peer") and, for the transcendental ones,
//      over oneDNN's, backward over oneDNN's backward (table_rows); a '!' marks a missed target, and
//      every miss is listed at the end. Each way of measuring a baseline is shown under it; two more lines
//      check in place against out of place, and ELU/SiLU double against float (>= 0.45).
//   Ratios are what to compare between machines and runs; absolute numbers move with the load of
//   the machine. Sizes and caches: 4K elements are 16 KiB of float, 64K 256 KiB, 1M 4 MiB, 16M
//   64 MiB (twice that for double), so the four sizes walk through L1, L2, L3 and DRAM. Times are
//   CPU time. 4K float runs are the noisiest (a forward kernel's input and output fill a third of
//   a 48 KiB L1): judge them over several runs.
//   With --benchmark_format=json (or csv) stdout holds only Google Benchmark's output, for tools
//   such as bench/plot.py; this program's lines and tables go to stderr.
//
// Running
//   rectify_bench                          everything, 5 repetitions, medians (a few minutes)
//   rectify_bench --benchmark_filter='^elu_forward' --benchmark_min_time=0.02  one kernel, quickly
//   rectify_bench --benchmark_filter='/65536$'                            one size
//   rectify_bench --benchmark_filter='/4096$' --benchmark_min_time=0.01   the CI smoke run
//   rectify_bench --benchmark_repetitions=1                               one run each, no medians
//   rectify_bench --peers=none             rectify and the baselines only (--peers=xnnpack,eigen: those)
//   rectify_bench --benchmark_format=json > bench.json && python3 bench/plot.py bench.json   the plot
//   cmake --build --preset bench --target results_page   the full run into docs/benchmark-results.md
// The JSON's context holds what the results page's header says: Google Benchmark's date, host and
// CPU, and this program's rectify_* entries (SIMD arch, version, commit, compiler, flags, the
// ratio table's targets) and peer_* entries (bench/results_page.py).
// Defaults this program adds unless you pass the flag yourself: --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true --benchmark_min_time=0.05 (0.05 s of CPU time per
// repetition, not Google Benchmark's 0.5 s, keeps the whole default run to a few minutes).
// --benchmark_filter selects kernels as usual (a regex, or '-regex' to exclude), and the baselines
// a selected kernel is compared with always run too (every way of copy or 2R1W, same type and size),
// so every printed ratio has its denominator; so do the peer runs it is compared with, and
// rectify's run beside a selected peer run. Filtering for one way of a baseline runs all its ways.
//
// What is measured
//   Inputs: x and dy uniform in [-4, 4] from fixed seeds (both signs, so every branch of every
//   kernel is taken), generated once per element type before any timing, in page-aligned buffers
//   of the largest size selected; a benchmark of size n uses their first n elements. Outputs go
//   to a third buffer; ClobberMemory after every call keeps the compiler from dropping the stores.
//   PReLU has 64 channels with one weight each, in (0.05, 0.5):
//     NCHW: one image of 64 channels, ChannelShape{1, 64, n/64} (8x8, 32x32, 128x128, 512x512 maps);
//     NHWC: channels last, ChannelShape{n/64, 64, 1}, so the weight changes every element.
//   prelu_backward also computes dweight (64 sums), as a training step does.
//   relu_forward_inplace runs y = relu(y) on a copy of x: after the first call the data are
//   non-negative, which does not change the cost of a branch-free select, and shows that in place is
//   not slower than out of place (its own line under the table).

#include <rectify/rectify.hpp>
#include <rectify/training.hpp>
#include <rectify/version.hpp>

#include <benchmark/benchmark.h>

#include "baselines.hpp"
#include "build_info.hpp"
#include "peers_found.hpp"
#include "peer.hpp"
#include "ratio_table.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace {

using rectify_bench::Buffers;
using rectify_bench::Peer;
using rectify_bench::PeerKernel;
using rectify_bench::RowSpec;
using rectify_bench::Targets;
using rectify_bench::Traffic;
using rectify_bench::run_name;

// Elements in each shared buffer: the largest size selected (main sets it before anything runs),
// so that a run of the small sizes does not prepare 16M-element arrays.
std::size_t buffer_elements = rectify_bench::sizes.back();
constexpr std::size_t prelu_channels = 64;

template <class T> constexpr const char* type_name = nullptr;
template <> constexpr const char* type_name<float> = "float";
template <> constexpr const char* type_name<double> = "double";

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};

// Page-aligned, with 64 bytes of slack past n elements: XNNPACK's kernels may read (never use)
// up to XNN_EXTRA_BYTES (16) past the end of an input.
template <class T>
std::unique_ptr<T[], FreeDeleter> page_aligned_array(std::size_t n) {
    constexpr std::size_t page = 4096;
    const std::size_t bytes = (n * sizeof(T) + 64 + page - 1) / page * page;
    T* p = static_cast<T*>(std::aligned_alloc(page, bytes));
    if (!p) {
        std::fprintf(stderr, "rectify_bench: cannot allocate %zu bytes\n", bytes);
        std::exit(1);
    }
    return std::unique_ptr<T[], FreeDeleter>(p);
}

// The arrays every benchmark of one element type works on, made once (under a second) and kept.
template <class T>
struct Data {
    std::unique_ptr<T[], FreeDeleter> x = page_aligned_array<T>(buffer_elements);
    std::unique_ptr<T[], FreeDeleter> dy = page_aligned_array<T>(buffer_elements);
    std::unique_ptr<T[], FreeDeleter> out = page_aligned_array<T>(buffer_elements);
    std::unique_ptr<T[], FreeDeleter> fx = page_aligned_array<T>(buffer_elements);  // f(x), from-output rows
    std::vector<T> weight = std::vector<T>(prelu_channels);
    std::vector<T> dweight = std::vector<T>(prelu_channels);

    Data() {
        fill_uniform(x.get(), buffer_elements, -4, 4, 1);
        fill_uniform(dy.get(), buffer_elements, -4, 4, 2);
        fill_uniform(weight.data(), weight.size(), 0.05, 0.5, 3);
        std::memset(out.get(), 0, buffer_elements * sizeof(T));  // fault the pages in now, not in a timed loop
        std::memset(fx.get(), 0, buffer_elements * sizeof(T));
    }

    static void fill_uniform(T* p, std::size_t n, double low, double high, std::uint64_t seed) {
        std::mt19937_64 engine(seed);
        std::uniform_real_distribution<T> distribution(static_cast<T>(low), static_cast<T>(high));
        for (std::size_t i = 0; i < n; ++i) p[i] = distribution(engine);
    }

    std::span<const T> cx(std::size_t n) const { return {x.get(), n}; }
    std::span<const T> cdy(std::size_t n) const { return {dy.get(), n}; }
    std::span<const T> cfx(std::size_t n) const { return {fx.get(), n}; }
    std::span<T> y(std::size_t n) { return {out.get(), n}; }
    Buffers<T> buffers() {
        return {x.get(), dy.get(), out.get(), weight.data(), dweight.data(), prelu_channels, fx.get()};
    }
};

template <class T>
Data<T>& data() {
    static Data<T> instance;
    return instance;
}

rectify::ChannelShape nchw(std::size_t n) { return {1, prelu_channels, n / prelu_channels}; }
rectify::ChannelShape nhwc(std::size_t n) { return {n / prelu_channels, prelu_channels, 1}; }

template <class T>
using Call = void (*)(Data<T>&, std::size_t n);

// What an activation's rows are held to beyond the targets of their own (table_rows): section 5 of
// issue #27 sets one kind of target for the piecewise activations, exact (forward_ulp_bound() == 0:
// Hardswish, Hardsigmoid, Hardtanh, ReLU6), and another for the transcendental ones (all others).
enum class Kind { other, transcendental, piecewise };

template <class T>
struct Case {
    std::string name;
    Traffic traffic;
    Call<T> call;             // the timed work
    Call<T> setup = nullptr;  // untimed, once before the timed loop
    rectify::ChannelShape (*shape)(std::size_t n) = nullptr;  // PReLU: shown as the label
    bool baseline = false;    // one of the ways of measuring its traffic's baseline (baselines.hpp)
    std::string title = {};   // its comparison table's title; "" for none (baselines, in place)
    Kind kind = Kind::other;  // a listed activation's (and its variants'): which targets apply
};

constexpr Traffic forward_traffic = Traffic::one_read_one_write;
constexpr Traffic backward_traffic = Traffic::two_reads_one_write;

// --- the activations' rows, from activations/list.hpp -------------------------------------------
// Every listed activation gets <shorthand>_forward and <shorthand>_backward with its default
// parameters, timed through its shorthand (rectify::elu(x, y): what a user writes). The variants
// below add rows with other parameters that matter, keyed by the type's name so that this table
// compiles whatever the list holds (a type not listed is never instantiated).
template <class Act>
struct Variant {
    const char* stem;   // the rows' names: stem + "_forward", stem + "_backward"
    const char* title;  // "GELU (tanh)": the comparison tables' titles, + " forward" / " backward"
    Act act;
};

template <class Act>
constexpr auto variants() {
    constexpr std::string_view type = Act::name;
    if constexpr (type == "GELU") {
        // PyTorch's approximate='tanh' (BERT's original form, GPT-2).
        return std::array{Variant<Act>{"gelu_tanh", "GELU (tanh)", [] {
                                           Act act{};
                                           act.approximate = Act::tanh;
                                           return act;
                                       }()}};
    } else if constexpr (type == "Swish") {
        // QuickGELU (CLIP): x * sigmoid(1.702 x); Swish{1} is SiLU, the default row.
        return std::array{Variant<Act>{"swish_1.702", "Swish(1.702)", [] {
                                           Act act{};
                                           act.beta = 1.702;
                                           return act;
                                       }()}};
    } else {
        return std::array<Variant<Act>, 0>{};
    }
}

template <class T, class Act, std::size_t I>
void variant_forward(Data<T>& d, std::size_t n) {
    static constexpr Act act = variants<Act>()[I].act;
    rectify::forward(act, d.cx(n), d.y(n));
}
template <class T, class Act, std::size_t I>
void variant_backward(Data<T>& d, std::size_t n) {
    static constexpr Act act = variants<Act>()[I].act;
    rectify::backward(act, d.cx(n), d.cdy(n), d.y(n));
}

// The gradient from the output, for the activations whose output determines it (the list's
// from_output column): y = f(x) made untimed (the case's setup, also before a peer's prepare), then
// dx from y and dy, as code that overwrites x with y runs it (rectify/training.hpp).
template <class T, class Act>
void forward_into_fx(Data<T>& d, std::size_t n) {
    rectify::forward(Act{}, d.cx(n), std::span<T>(d.fx.get(), n));
}
template <class T, class Act>
void backward_from_fx(Data<T>& d, std::size_t n) {
    rectify::backward_from_output(Act{}, d.cfx(n), d.cdy(n), d.y(n));
}

// The forward and backward rows of one activation: its own (the shorthand's), its gradient from
// the output where it has one, and its variants'.
template <class T, class Act>
void add_activation(std::vector<Case<T>>& forward, std::vector<Case<T>>& backward, const std::string& stem,
                    Call<T> call_forward, Call<T> call_backward) {
    // Exact (the piecewise ones) or within a bound (the transcendental ones); ReLU, Leaky ReLU, ELU
    // and SiLU have targets of their own (table_rows), which take precedence.
    const Kind kind = Act{}.forward_ulp_bound() == 0.0 ? Kind::piecewise : Kind::transcendental;
    forward.push_back({stem + "_forward", forward_traffic, call_forward, nullptr, nullptr, false,
                       std::string(Act::name) + " forward", kind});
    backward.push_back({stem + "_backward", backward_traffic, call_backward, nullptr, nullptr, false,
                        std::string(Act::name) + " backward", kind});
    if constexpr (rectify::has_backward_from_output<Act>)
        backward.push_back({stem + "_backward_from_output", backward_traffic, backward_from_fx<T, Act>,
                            forward_into_fx<T, Act>, nullptr, false, std::string(Act::name) + " backward from output",
                            kind});
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        [[maybe_unused]] constexpr auto all = variants<Act>();
        ((forward.push_back({std::string(all[I].stem) + "_forward", forward_traffic, variant_forward<T, Act, I>,
                             nullptr, nullptr, false, std::string(all[I].title) + " forward", kind}),
          backward.push_back({std::string(all[I].stem) + "_backward", backward_traffic, variant_backward<T, Act, I>,
                              nullptr, nullptr, false, std::string(all[I].title) + " backward", kind})),
         ...);
    }(std::make_index_sequence<variants<Act>().size()>());
}

// Every benchmark of rectify, in the order they run and appear in the tables: the ways of
// measuring the two baselines (baselines.hpp), the forward kernels (the listed activations, ReLU
// in place after ReLU, PReLU), then the backward kernels in the same order.
template <class T>
std::vector<Case<T>> make_cases() {
    using D = Data<T>;
    using std::size_t;
    namespace base = rectify_bench::baselines;
    std::vector<Case<T>> all = {
        {"memcpy", forward_traffic, [](D& d, size_t n) { base::memcpy_copy(d.x.get(), d.out.get(), n); }, nullptr,
         nullptr, true},
        {"copy_loop", forward_traffic, [](D& d, size_t n) { base::copy_loop(d.x.get(), d.out.get(), n); }, nullptr,
         nullptr, true},
#if RECTIFY_BENCH_HAVE_STREAM
        {"copy_stream", forward_traffic, [](D& d, size_t n) { base::copy_stream(d.x.get(), d.out.get(), n); },
         nullptr, nullptr, true},
#endif
        {"2R1W_loop", backward_traffic,
         [](D& d, size_t n) { base::multiply_loop(d.x.get(), d.dy.get(), d.out.get(), n); }, nullptr, nullptr, true},
#if RECTIFY_BENCH_HAVE_STREAM
        {"2R1W_stream", backward_traffic,
         [](D& d, size_t n) { base::multiply_stream(d.x.get(), d.dy.get(), d.out.get(), n); }, nullptr, nullptr,
         true},
#endif
    };

    std::vector<Case<T>> forward, backward;
#define RECTIFY_BENCH_ACTIVATION(Type, shorthand, gradient, ...)                                                 \
    add_activation<T, ::rectify::Type>(                                                                        \
        forward, backward, #shorthand, [](D& d, size_t n) { ::rectify::shorthand(d.cx(n), d.y(n)); },          \
        [](D& d, size_t n) { ::rectify::shorthand##_backward(d.cx(n), d.cdy(n), d.y(n)); });
    RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_BENCH_ACTIVATION)
#undef RECTIFY_BENCH_ACTIVATION

    for (auto c = forward.begin(); c != forward.end(); ++c) {
        if (c->name != "relu_forward") continue;
        forward.insert(c + 1, {"relu_forward_inplace", forward_traffic,
                               [](D& d, size_t n) { rectify::relu(std::span<const T>(d.y(n)), d.y(n)); },
                               [](D& d, size_t n) { std::memcpy(d.out.get(), d.x.get(), n * sizeof(T)); }});
        break;
    }
    forward.push_back({"prelu_forward_nchw", forward_traffic,
                       [](D& d, size_t n) { rectify::prelu(d.cx(n), std::span<const T>(d.weight), d.y(n), nchw(n)); },
                       nullptr, nchw, false, "PReLU forward, NCHW"});
    forward.push_back({"prelu_forward_nhwc", forward_traffic,
                       [](D& d, size_t n) { rectify::prelu(d.cx(n), std::span<const T>(d.weight), d.y(n), nhwc(n)); },
                       nullptr, nhwc, false, "PReLU forward, NHWC"});
    backward.push_back({"prelu_backward_nchw", backward_traffic,
                        [](D& d, size_t n) {
                            rectify::prelu_backward(d.cx(n), std::span<const T>(d.weight), d.cdy(n), d.y(n),
                                                    std::span<T>(d.dweight), nchw(n));
                        },
                        nullptr, nchw, false, "PReLU backward + dweight, NCHW"});
    backward.push_back({"prelu_backward_nhwc", backward_traffic,
                        [](D& d, size_t n) {
                            rectify::prelu_backward(d.cx(n), std::span<const T>(d.weight), d.cdy(n), d.y(n),
                                                    std::span<T>(d.dweight), nhwc(n));
                        },
                        nullptr, nhwc, false, "PReLU backward + dweight, NHWC"});
    all.insert(all.end(), forward.begin(), forward.end());
    all.insert(all.end(), backward.begin(), backward.end());
    return all;
}

template <class T>
const std::vector<Case<T>>& cases() {
    static const std::vector<Case<T>> all = make_cases<T>();
    return all;
}

// The runs whose best is the baseline of `traffic` at one type and size.
template <class T>
std::vector<std::string> baseline_runs(Traffic traffic, std::size_t size) {
    std::vector<std::string> runs;
    for (const Case<T>& c : cases<T>())
        if (c.baseline && c.traffic == traffic) runs.push_back(run_name(c.name, type_name<T>, size));
    return runs;
}

template <class T>
const Case<T>* find_case(const std::string& name) {
    for (const Case<T>& c : cases<T>())
        if (name == c.name) return &c;
    return nullptr;
}

#if defined(_OPENMP)
// rectify itself on every processor (omp_get_num_procs threads), as a peer-shaped row beside its
// one-thread row: the same calls, so check_against_rectify also proves the threaded results equal.
// Below the threading threshold (detail/parallel.hpp) the call stays on one thread.
template <class T>
std::vector<PeerKernel<T>> threaded_kernels() {
    std::vector<PeerKernel<T>> kernels;
    for (const Case<T>& c : cases<T>()) {
        // Not the baselines, nor the in-place run (in place on one shared buffer: its line compares it
        // with out of place). run_peer runs a case's setup (the from-output rows' y) before prepare.
        if (c.baseline || c.name == "relu_forward_inplace") continue;
        kernels.push_back({c.name, [call = c.call](const Buffers<T>&, std::size_t n) {
                               omp_set_num_threads(omp_get_num_procs());
                               return std::function<void()>([call, n] { call(data<T>(), n); });
                           }});
    }
    return kernels;
}

Peer rectify_threads_peer() {
    return {"rectify-threads",
            "rectify-threads: rectify's own kernels with OpenMP on " + std::to_string(omp_get_num_procs()) +
                " threads (one thread below " + std::to_string(rectify::detail::parallel_min_elements) +
                " elements)",
            threaded_kernels<float>(), threaded_kernels<double>()};
}
#endif

// The peers compiled in (see bench/CMakeLists.txt) and selected by --peers.
std::vector<Peer>& peers() {
    static std::vector<Peer> all = [] {
        std::vector<Peer> list;
#if defined(_OPENMP)
        list.push_back(rectify_threads_peer());
#endif
#ifdef RECTIFY_BENCH_WITH_ATEN
        list.push_back(rectify_bench::aten_peer());
#endif
#ifdef RECTIFY_BENCH_WITH_ONEDNN
        list.push_back(rectify_bench::onednn_peer());
#endif
#ifdef RECTIFY_BENCH_WITH_XNNPACK
        list.push_back(rectify_bench::xnnpack_peer());
#endif
#ifdef RECTIFY_BENCH_WITH_EIGEN
        list.push_back(rectify_bench::eigen_peer());
#endif
        return list;
    }();
    return all;
}

template <class T>
const std::vector<PeerKernel<T>>& kernels_of(const Peer& peer) {
    if constexpr (std::is_same_v<T, float>)
        return peer.float_kernels;
    else
        return peer.double_kernels;
}

void label_shape(benchmark::State& state, rectify::ChannelShape (*shape)(std::size_t), std::size_t n) {
    if (!shape) return;
    const rectify::ChannelShape s = shape(n);
    state.SetLabel("shape " + std::to_string(s.outer) + "x" + std::to_string(s.channels) + "x" +
                   std::to_string(s.inner));
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t element_size, Traffic traffic) {
    const auto items = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n);
    state.SetItemsProcessed(items);
    state.SetBytesProcessed(items * static_cast<std::int64_t>(element_size * rectify_bench::arrays_moved(traffic)));
}

template <class T>
void run_case(benchmark::State& state, const Case<T>& c) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Data<T>& d = data<T>();
    if (c.setup) c.setup(d, n);
    label_shape(state, c.shape, n);
#if defined(_OPENMP)
    omp_set_num_threads(1);  // rectify's own rows: one thread, like every peer's
#endif
    benchmark::DoNotOptimize(d.out.get());
    for (auto _ : state) {
        c.call(d, n);
        benchmark::ClobberMemory();
    }
    set_counters(state, n, sizeof(T), c.traffic);
}

// Does the peer compute what rectify computes? Run once each, untimed, and compare the outputs
// (and dweight for PReLU backward), so that a misconfigured call (a wrong alpha, layout or
// argument order) cannot pass for a fast peer. The tolerance admits the peers' approximations
// (XNNPACK's and oneDNN's exp and sigmoid, PyTorch's exp(x) - 1 for ELU, float sums of dweight),
// not a different function. Returns "" when they agree, else what differs.
// A peer kernel may state a looser check of its own (PeerKernel::relative_tolerance, relative to
// max(|dx|, |dy|) for a backward kernel; the reason beside it in its peer's file).
template <class T>
std::string check_against_rectify(const std::string& peer, const Case<T>& c, const std::function<void()>& call,
                                  Data<T>& d, std::size_t n, double relative_tolerance) {
    constexpr bool is_float = std::is_same_v<T, float>;
    const bool own_tolerance = relative_tolerance > 0;
    const double relative = own_tolerance ? relative_tolerance : is_float ? 1e-4 : 1e-9;
    const double absolute = is_float ? 1e-6 : 1e-12;
    const bool against_dy = own_tolerance && c.traffic == backward_traffic;
    call();
    const std::vector<T> theirs(d.out.get(), d.out.get() + n), their_dweight = d.dweight;
    c.call(d, n);
    char text[256];
    for (std::size_t i = 0; i < n; ++i) {
        const double mine = d.out[i], other = theirs[i];
        const double scale = against_dy ? std::max(std::abs(mine), std::abs(static_cast<double>(d.dy[i])))
                                        : std::abs(mine);
        if (!(std::abs(other - mine) <= absolute + relative * scale)) {
            std::snprintf(text, sizeof text, "%s's %s differs from rectify's at element %zu: %.9g, rectify %.9g",
                          peer.c_str(), c.name.c_str(), i, other, mine);
            return text;
        }
    }
    if (c.name.starts_with("prelu_backward")) {
        // dweight[k] sums x*dy over channel k's elements: compared relative to the sum of |x*dy|.
        const rectify::ChannelShape shape = c.shape(n);
        for (std::size_t k = 0; k < shape.channels; ++k) {
            double magnitude = 0;
            for (std::size_t outer = 0; outer < shape.outer; ++outer)
                for (std::size_t inner = 0; inner < shape.inner; ++inner) {
                    const std::size_t i = (outer * shape.channels + k) * shape.inner + inner;
                    magnitude += std::abs(static_cast<double>(d.x[i]) * d.dy[i]);
                }
            const double mine = d.dweight[k], other = their_dweight[k];
            if (!(std::abs(other - mine) <= (is_float ? 1e-3 : 1e-9) * magnitude + absolute)) {
                std::snprintf(text, sizeof text, "%s's dweight[%zu] differs from rectify's: %.9g, rectify %.9g",
                              peer.c_str(), k, other, mine);
                return text;
            }
        }
    }
    return "";
}

// A peer's kernel, timed exactly like rectify's case of the same name (same arrays, same counters),
// after one check of its output against rectify's.
template <class T>
void run_peer(benchmark::State& state, const std::string& peer, const PeerKernel<T>& kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const Case<T>& c = *find_case<T>(kernel.kernel);
    Data<T>& d = data<T>();
    if (c.setup) c.setup(d, n);  // the from-output rows' y = f(x), which the peer reads too
    std::function<void()> call;
    try {
        call = kernel.prepare(d.buffers(), n);
    } catch (const std::exception& error) {
        state.SkipWithError(error.what());
        return;
    }
    // Google Benchmark calls this function several times per benchmark; check once.
    static std::map<std::string, std::string> checked;
    const std::string key = peer + " " + run_name(c.name, type_name<T>, n);
    if (!checked.count(key)) checked[key] = check_against_rectify(peer, c, call, d, n, kernel.relative_tolerance);
    if (!checked[key].empty()) {
        state.SkipWithError(checked[key].c_str());
        return;
    }
    label_shape(state, c.shape, n);
    benchmark::DoNotOptimize(d.out.get());
    for (auto _ : state) {
        call();
        benchmark::ClobberMemory();
    }
    set_counters(state, n, sizeof(T), c.traffic);
}

// --- targets: docs/PERFORMANCE.md's, float only -------------------------------------------------------
constexpr double none = rectify_bench::no_target;
constexpr Targets no_targets = {none, none, none, none};

// Does rectify's SIMD arch have a target against XNNPACK, and which for ELU? docs/PERFORMANCE.md
// states them for AVX2 (ELU 1.5x) and AVX-512 (ELU 1.0x); SiLU is 1.0x on both.
// The backward kernels' 0.8x of XNNPACK's forward is stated for the same two; an SSE2 or scalar
// build gets no target against XNNPACK (which picks its own AVX kernels at run time).
struct ArchTargets {
    double elu_vs_xnnpack = none;
    double silu_vs_xnnpack = none;
    double backward_vs_xnnpack_forward = none;
};

ArchTargets arch_targets() {
    const std::string arch = rectify::simd_arch_name();
    if (arch.find("avx512") != std::string::npos) return {1.0, 1.0, 0.8};
    if (arch.find("avx2") != std::string::npos) return {1.5, 1.0, 0.8};
    return {};
}

// Whether a selected peer (rectify-threads is none) has a float kernel of this name.
bool peer_has(const std::string& kernel, const std::string& peer_name = "") {
    for (const Peer& peer : peers()) {
        if (peer.name.starts_with("rectify") || (!peer_name.empty() && peer.name != peer_name)) continue;
        for (const PeerKernel<float>& k : peer.float_kernels)
            if (k.kernel == kernel) return true;
    }
    return false;
}

// The rows of the ratio table: each kernel against its baseline (copy forward, 2R1W backward)
// and, for ELU and SiLU, against XNNPACK's forward (docs/PERFORMANCE.md's targets for ELU and SiLU below
// DRAM sizes are relative to it, for the forward and the backward kernel alike). Every other listed
// activation (and variant) has the targets of issue #27, section 5, by its kind:
//   forward     >= 1.0x the fastest peer (the "fastest-peer" reference: the best of every peer's
//               run of that kernel, size by size) at 4K, 64K and 1M; the transcendental ones also
//               >= 1.5x oneDNN's at those sizes; >= 0.9 of the copy at 16M, the piecewise ones
//               >= 0.95 of it from 64K on;
//   backward    >= 1.0x oneDNN's backward at every size; its ratio to 2R1W shown, with no target.
// A reference that no peer has (oneDNN 2.6 has no SELU or Hardsigmoid) is no row.
std::vector<RowSpec> table_rows() {
    const ArchTargets arch = arch_targets();
    const double elu = arch.elu_vs_xnnpack;
    const double silu = arch.silu_vs_xnnpack;
    const double backward_vs_forward = arch.backward_vs_xnnpack_forward;
    const Targets copy_speed = {1.0, 0.95, 0.95, 0.95};
    const Targets backward = {0.95, 0.95, 0.95, 0.95};
    const Targets prelu_backward = {0.5, 0.9, 0.9, 0.9};
    const Targets dram_forward = {none, none, none, 0.9};
    const Targets dram_backward = {none, none, none, 0.95};
    const std::map<std::string, Targets> vs_baseline = {
        {"relu_forward", copy_speed},         {"relu_forward_inplace", copy_speed},
        {"leaky_relu_forward", copy_speed},   {"prelu_forward_nchw", copy_speed},
        {"prelu_forward_nhwc", copy_speed},   {"relu_backward", backward},
        {"leaky_relu_backward", backward},    {"prelu_backward_nchw", prelu_backward},
        {"prelu_backward_nhwc", prelu_backward}, {"elu_forward", dram_forward},
        {"silu_forward", dram_forward},       {"elu_backward", dram_backward},
        {"silu_backward", dram_backward},
    };
    // kernel -> {XNNPACK kernel it is compared with, targets}
    const std::map<std::string, std::pair<std::string, Targets>> vs_xnnpack = {
        {"elu_forward", {"elu_forward", {elu, elu, elu, none}}},
        {"silu_forward", {"silu_forward", {silu, silu, silu, none}}},
        {"elu_backward", {"elu_forward", {backward_vs_forward, backward_vs_forward, none, none}}},
        {"silu_backward", {"silu_forward", {backward_vs_forward, backward_vs_forward, none, none}}},
    };
    // Issue #27, section 5.
    const Targets piecewise_copy = {none, 0.95, 0.95, 0.95};
    const Targets transcendental_copy = dram_forward;
    const Targets vs_fastest_peer = {1.0, 1.0, 1.0, none};
    const Targets transcendental_vs_onednn = {1.5, 1.5, 1.5, none};
    const Targets backward_vs_onednn = {1.0, 1.0, 1.0, 1.0};

    std::vector<RowSpec> rows;
    std::set<std::string> baselines_shown;
    for (const Case<float>& c : cases<float>()) {
        const std::string& name = c.name;
        const std::string baseline = rectify_bench::baseline_name(c.traffic);
        if (c.baseline) {  // the baseline (best of its ways) first, then each way against it
            if (baselines_shown.insert(baseline).second) rows.push_back({baseline, baseline, "", no_targets});
            rows.push_back({name, baseline, "", no_targets});
            continue;
        }
        if (const auto baseline_targets = vs_baseline.find(name); baseline_targets != vs_baseline.end() ||
                                                                   c.kind == Kind::other) {
            rows.push_back({name, baseline, "",
                            baseline_targets == vs_baseline.end() ? no_targets : baseline_targets->second});
            if (const auto target = vs_xnnpack.find(name);
                target != vs_xnnpack.end() && peer_has(target->second.first, "XNNPACK"))
                rows.push_back({name, target->second.first, "XNNPACK", target->second.second});
            continue;
        }
        if (c.traffic == forward_traffic) {
            const bool piecewise = c.kind == Kind::piecewise;
            rows.push_back({name, baseline, "", piecewise ? piecewise_copy : transcendental_copy});
            if (peer_has(name)) rows.push_back({name, name, rectify_bench::fastest_peer, vs_fastest_peer});
            if (!piecewise && peer_has(name, "oneDNN"))
                rows.push_back({name, name, "oneDNN", transcendental_vs_onednn});
        } else {
            rows.push_back({name, baseline, "", no_targets});
            if (peer_has(name, "oneDNN")) rows.push_back({name, name, "oneDNN", backward_vs_onednn});
        }
    }
    return rows;
}

// The comparison tables, one per kernel with a title: every activation's and PReLU's
// (relu_forward_inplace has its own line under the ratio table).
std::vector<rectify_bench::Comparison> comparisons() {
    std::vector<rectify_bench::Comparison> list;
    for (const Case<float>& c : cases<float>())
        if (!c.title.empty()) list.push_back({c.name, c.title, c.traffic});
    return list;
}

// --- selection -----------------------------------------------------------------------------------
// --benchmark_filter, applied here rather than by Google Benchmark so that a selected run brings
// along every run its table lines need: its baseline, the peer runs it is compared with, and
// rectify's run beside a selected peer's. Same rules as Google Benchmark 1.7.1: an extended regex
// searched in the full name, a leading '-' negates it, "" and "all" select everything.
class Filter {
public:
    explicit Filter(std::string spec) {
        if (!spec.empty() && spec.front() == '-') {
            negative_ = true;
            spec.erase(0, 1);
        }
        if (spec.empty() || spec == "all") spec = ".";
        regex_ = std::regex(spec, std::regex::extended);
    }
    bool selects(const std::string& name) const { return std::regex_search(name, regex_) != negative_; }

private:
    std::regex regex_;
    bool negative_ = false;
};

// Every run this program can make, with the runs it needs beside it.
using Catalogue = std::map<std::string, std::vector<std::string>>;

template <class T>
void catalogue(Catalogue& runs, const std::vector<RowSpec>& rows) {
    for (std::size_t size : rectify_bench::sizes) {
        for (const Case<T>& c : cases<T>()) {
            auto& needs = runs[run_name(c.name, type_name<T>, size)];
            for (const std::string& run : baseline_runs<T>(c.traffic, size)) needs.push_back(run);
            for (const RowSpec& row : rows)
                if (row.kernel == c.name) needs.push_back(run_name(row.reference_kernel, type_name<T>, size, row.reference_impl));
        }
        for (const Peer& peer : peers()) {
            for (const PeerKernel<T>& kernel : kernels_of<T>(peer)) {
                const std::string rectify_run = run_name(kernel.kernel, type_name<T>, size);
                const std::string peer_run = run_name(kernel.kernel, type_name<T>, size, peer.name);
                runs[peer_run].push_back(rectify_run);
                runs[rectify_run].push_back(peer_run);
            }
        }
    }
}

std::set<std::string> select(const Filter& filter, const std::vector<RowSpec>& rows) {
    Catalogue runs;
    catalogue<float>(runs, rows);
    catalogue<double>(runs, rows);
    std::vector<std::string> pending;
    for (const auto& [name, needs] : runs)
        if (filter.selects(name)) pending.push_back(name);
    std::set<std::string> selected;
    while (!pending.empty()) {
        const std::string name = pending.back();
        pending.pop_back();
        const auto run = runs.find(name);
        if (run == runs.end() || !selected.insert(name).second) continue;  // unknown (a double XNNPACK run) or done
        for (const std::string& need : run->second) pending.push_back(need);
    }
    return selected;
}

// Registers the selected benchmarks of type T; returns how many, and raises `largest` to the
// largest size among them.
template <class T>
int register_selected(const std::set<std::string>& selected, std::size_t& largest) {
    int registered = 0;
    auto add = [&](benchmark::internal::Benchmark*& family, const std::string& family_name, std::size_t size,
                   auto function) {
        if (!family) family = benchmark::RegisterBenchmark(family_name.c_str(), function);
        family->Arg(static_cast<std::int64_t>(size));
        ++registered;
        largest = std::max(largest, size);
    };
    for (const Case<T>& c : cases<T>()) {
        benchmark::internal::Benchmark* family = nullptr;
        for (std::size_t size : rectify_bench::sizes)
            if (selected.count(run_name(c.name, type_name<T>, size)))
                add(family, std::string(c.name) + "<" + type_name<T> + ">", size,
                    [c](benchmark::State& state) { run_case(state, c); });
        for (const Peer& peer : peers()) {
            for (const PeerKernel<T>& kernel : kernels_of<T>(peer)) {
                if (kernel.kernel != c.name) continue;
                benchmark::internal::Benchmark* peer_family = nullptr;
                for (std::size_t size : rectify_bench::sizes)
                    if (selected.count(run_name(c.name, type_name<T>, size, peer.name)))
                        add(peer_family, std::string(c.name) + "<" + type_name<T> + ">/" + peer.name, size,
                            [kernel, name = peer.name](benchmark::State& state) { run_peer(state, name, kernel); });
            }
        }
    }
    return registered;
}

// "fastest-peer" (rectify_bench::fastest_peer) for each kernel, type and size: the fastest of the
// peers' runs of that kernel (rectify-threads is no peer), the reference of section 5's targets.
template <class T>
void record_fastest_peers(rectify_bench::MedianRecorder& recorder) {
    for (std::size_t size : rectify_bench::sizes)
        for (const Case<T>& c : cases<T>()) {
            std::vector<std::string> runs;
            for (const Peer& peer : peers())
                if (!peer.name.starts_with("rectify"))
                    for (const PeerKernel<T>& kernel : kernels_of<T>(peer))
                        if (kernel.kernel == c.name) runs.push_back(run_name(c.name, type_name<T>, size, peer.name));
            if (!runs.empty())
                recorder.best_of(run_name(c.name, type_name<T>, size, rectify_bench::fastest_peer), std::move(runs));
        }
}

// A peer kernel whose name is no rectify kernel is never run: one line says so (a shorthand renamed
// in activations/list.hpp and not in bench/peer_<name>.cpp).
template <class T>
void report_unmatched(std::ostream& out) {
    for (const Peer& peer : peers())
        for (const PeerKernel<T>& kernel : kernels_of<T>(peer))
            if (!find_case<T>(kernel.kernel))
                out << "peer: " << peer.name << "'s " << kernel.kernel << "<" << type_name<T>
                    << "> matches no rectify kernel, not run\n";
}

// What bench/bench_results.py reads to know the kernels, their titles and baselines:
// "kernel:baseline:title", joined by "; ", in the tables' order.
std::string kernels_context() {
    std::string text;
    for (const rectify_bench::Comparison& c : comparisons())
        text += (text.empty() ? "" : "; ") + c.kernel + ":" + rectify_bench::baseline_name(c.traffic) + ":" + c.title;
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The CPU's name for the results page (Google Benchmark's context has its count, clock and caches):
// the first "model name" of /proc/cpuinfo, "" where there is none.
std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (starts_with(line, "model name") && line.find(':') != std::string::npos)
            return line.substr(line.find_first_not_of(" \t", line.find(':') + 1));
    return "";
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// --peers=all (the default), --peers=none, or a comma-separated list of names (any case).
bool select_peers(const std::string& spec) {
    if (spec == "all") return true;
    std::set<std::string> wanted;
    if (spec != "none") {
        std::size_t start = 0;
        while (start <= spec.size()) {
            const std::size_t comma = std::min(spec.find(',', start), spec.size());
            wanted.insert(lower(spec.substr(start, comma - start)));
            start = comma + 1;
        }
    }
    std::vector<Peer>& all = peers();
    for (const std::string& name : wanted) {
        if (std::none_of(all.begin(), all.end(), [&](const Peer& p) { return lower(p.name) == name; })) {
            std::fprintf(stderr, "rectify_bench: --peers: '%s' is not compiled in (have:", name.c_str());
            for (const Peer& p : all) std::fprintf(stderr, " %s", p.name.c_str());
            std::fprintf(stderr, ")\n");
            return false;
        }
    }
    std::erase_if(all, [&](const Peer& p) { return !wanted.count(lower(p.name)); });
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    // The user's arguments, minus --benchmark_filter and --peers (handled here), plus our defaults.
    std::vector<std::string> args(argv, argv + argc);
    const char* env_filter = std::getenv("BENCHMARK_FILTER");  // Google Benchmark reads it too
    std::string filter_spec = env_filter ? env_filter : "";
    std::string peers_spec = "all";
    bool given_repetitions = std::getenv("BENCHMARK_REPETITIONS") != nullptr;
    bool given_min_time = std::getenv("BENCHMARK_MIN_TIME") != nullptr;
    bool given_aggregates = std::getenv("BENCHMARK_REPORT_AGGREGATES_ONLY") != nullptr ||
                            std::getenv("BENCHMARK_DISPLAY_AGGREGATES_ONLY") != nullptr;
    for (auto arg = args.begin() + 1; arg != args.end();) {
        if (starts_with(*arg, "--benchmark_filter=")) {
            filter_spec = arg->substr(std::strlen("--benchmark_filter="));
            arg = args.erase(arg);
            continue;
        }
        if (starts_with(*arg, "--peers=")) {
            peers_spec = arg->substr(std::strlen("--peers="));
            arg = args.erase(arg);
            continue;
        }
        given_repetitions |= starts_with(*arg, "--benchmark_repetitions=");
        given_min_time |= starts_with(*arg, "--benchmark_min_time=");
        given_aggregates |= starts_with(*arg, "--benchmark_report_aggregates_only=") ||
                            starts_with(*arg, "--benchmark_display_aggregates_only=");
        ++arg;
    }
    if (!given_repetitions) {
        args.push_back("--benchmark_repetitions=5");
        if (!given_aggregates) args.push_back("--benchmark_report_aggregates_only=true");
    }
    if (!given_min_time) args.push_back("--benchmark_min_time=0.05");
    args.push_back("--benchmark_filter=.");  // the selection is made below, by registration

    std::vector<char*> pointers;
    for (std::string& arg : args) pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    int count = static_cast<int>(args.size());
    benchmark::Initialize(&count, pointers.data());
    if (benchmark::ReportUnrecognizedArguments(count, pointers.data())) return 1;
    if (!select_peers(peers_spec)) return 1;

    const std::vector<RowSpec> rows = table_rows();
    std::set<std::string> selected;
    try {
        selected = select(Filter(filter_spec), rows);
    } catch (const std::regex_error& error) {
        std::fprintf(stderr, "rectify_bench: bad --benchmark_filter '%s': %s\n", filter_spec.c_str(), error.what());
        return 1;
    }
    std::size_t largest = 0;
    if (register_selected<float>(selected, largest) + register_selected<double>(selected, largest) == 0) {
        std::fprintf(stderr, "rectify_bench: no benchmark matches --benchmark_filter='%s'\n", filter_spec.c_str());
        return 1;
    }
    buffer_elements = largest;

    benchmark::BenchmarkReporter* display = benchmark::CreateDefaultDisplayReporter();  // owned by the library
    // Machine-readable formats keep stdout clean: our own lines go to stderr then.
    std::ostream& text = dynamic_cast<benchmark::ConsoleReporter*>(display) ? std::cout : std::cerr;
    const std::string simd = std::string(rectify::simd_arch_name()) + ", batch width " +
                             std::to_string(rectify::simd_width<float>) + " float / " +
                             std::to_string(rectify::simd_width<double>) + " double";
    benchmark::AddCustomContext("rectify_simd", simd);
    benchmark::AddCustomContext("rectify_version", std::to_string(RECTIFY_VERSION_MAJOR) + "." +
                                                       std::to_string(RECTIFY_VERSION_MINOR) + "." +
                                                       std::to_string(RECTIFY_VERSION_PATCH));
    benchmark::AddCustomContext("rectify_commit", RECTIFY_BENCH_COMMIT);
    benchmark::AddCustomContext("rectify_compiler", RECTIFY_BENCH_COMPILER);
    benchmark::AddCustomContext("rectify_flags", RECTIFY_BENCH_FLAGS);
    benchmark::AddCustomContext("rectify_build_type", RECTIFY_BENCH_BUILD_TYPE);
#if defined(_OPENMP)
    benchmark::AddCustomContext("rectify_openmp", "OpenMP " + std::to_string(_OPENMP) + ", rectify-threads on " +
                                                      std::to_string(omp_get_num_procs()) + " processors");
#endif
    benchmark::AddCustomContext("rectify_ratio_rows", rectify_bench::ratio_rows_context(rows));
    benchmark::AddCustomContext("rectify_kernels", kernels_context());
    if (const std::string model = cpu_model(); !model.empty()) benchmark::AddCustomContext("cpu_model", model);
    benchmark::AddCustomContext("rectify_target_in_place", rectify_bench::detail::format("%.2f", rectify_bench::in_place_allowance));
    benchmark::AddCustomContext("rectify_target_double_rate", rectify_bench::detail::format("%.2f", rectify_bench::double_rate_target));
    text << "rectify SIMD arch: " << simd << '\n';
    for (const Peer& peer : peers()) {
        benchmark::AddCustomContext("peer_" + peer.name, peer.description);
        text << "peer: " << peer.description << '\n';
    }
    // One line per peer CMake did not build in (its configure message says why).
    std::string not_built;
    for (const char* missing : std::initializer_list<const char*>{RECTIFY_BENCH_PEERS_MISSING}) {
        text << "peer: " << missing << '\n';
        not_built += (not_built.empty() ? "" : "; ") + std::string(missing);
    }
    if (!not_built.empty()) benchmark::AddCustomContext("peers_not_built", not_built);
    report_unmatched<float>(text);
    report_unmatched<double>(text);
    text << std::flush;

    rectify_bench::MedianRecorder recorder(*display);
    for (std::size_t size : rectify_bench::sizes) {
        for (Traffic traffic : {forward_traffic, backward_traffic}) {
            const char* baseline = rectify_bench::baseline_name(traffic);
            recorder.best_of(run_name(baseline, "float", size), baseline_runs<float>(traffic, size));
            recorder.best_of(run_name(baseline, "double", size), baseline_runs<double>(traffic, size));
        }
    }
    record_fastest_peers<float>(recorder);
    record_fastest_peers<double>(recorder);
    const auto start = std::chrono::steady_clock::now();
    benchmark::RunSpecifiedBenchmarks(&recorder);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

    if (!recorder.empty()) {
        std::cout.flush();
        std::vector<rectify_bench::Implementation> implementations = {{"rectify", ""}};
        for (const Peer& peer : peers()) implementations.push_back({peer.name, peer.name});
        text << "\nrectify SIMD arch: " << simd << '\n';
        rectify_bench::print_comparison_tables(text, recorder, comparisons(), implementations, {"float", "double"});
        rectify_bench::print_relative_to_relu(text, recorder, comparisons(), {"float", "double"});
        rectify_bench::print_ratio_table(text, recorder, rows, {"float", "double"});
        text << "Benchmark time: " << static_cast<int>(elapsed.count() + 0.5) << " s\n";
    }
    benchmark::Shutdown();
    return 0;
}
