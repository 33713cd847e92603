// The ratio table the benchmark prints at the end: each kernel's throughput divided by the
// throughput of its reference of the same element type and size, measured in the same run: its
// baseline (copy for forward kernels, 2R1W for backward kernels, each the fastest of several ways
// of moving those bytes) or a peer's kernel (XNNPACK's ELU...). Needs Google Benchmark; knows nothing of rectify.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rectify_bench {

inline constexpr std::array<std::size_t, 4> sizes = {4096, 65536, 1048576, 16777216};

// What a kernel moves per element: forward kernels read x and write y (the traffic of a copy),
// backward kernels read x and dy and write dx (the traffic of c[i] = a[i] * b[i]).
enum class Traffic { one_read_one_write, two_reads_one_write };

// The baselines, each the best of several ways of moving its bytes (baselines.hpp).
inline const char* baseline_name(Traffic traffic) {
    return traffic == Traffic::one_read_one_write ? "copy" : "2R1W";
}

inline std::size_t arrays_moved(Traffic traffic) {
    return traffic == Traffic::one_read_one_write ? 2 : 3;
}

// The reference "the fastest peer": in a run name's implementation part ("gelu_forward<float>/
// fastest-peer/4096"), the fastest of the peers' runs of the same kernel, type and size
// (MedianRecorder::best_of). bench/bench_results.py reads the same name.
inline constexpr const char* fastest_peer = "fastest-peer";

inline constexpr double no_target = std::numeric_limits<double>::quiet_NaN();
using Targets = std::array<double, sizes.size()>;  // one minimum ratio per size, NaN = none

// In place must not be slower than out of place, within run-to-run noise on a shared machine; ELU
// and SiLU on double must reach this share of float's element rate (docs/PERFORMANCE.md).
inline constexpr double in_place_allowance = 0.95;
inline constexpr double double_rate_target = 0.45;

// One row of the table: rectify's kernel (or a baseline) divided by a reference run.
struct RowSpec {
    std::string kernel;            // rectify's kernel, or a baseline
    std::string reference_kernel;  // a baseline ("copy", "2R1W"), or the peer's kernel
    std::string reference_impl;    // "" for a baseline, else the peer: "XNNPACK"
    Targets float_targets;         // PERFORMANCE.md states targets for float only
};

inline bool is_baseline(const RowSpec& row) { return row.kernel == row.reference_kernel && row.reference_impl.empty(); }

// "relu_forward<float>/4096" (rectify, a baseline) or "elu_forward<float>/XNNPACK/4096" (a peer):
// the name Google Benchmark gives the run, and the tables' key.
inline std::string run_name(const std::string& kernel, const char* type, std::size_t size,
                            const std::string& impl = "") {
    return kernel + "<" + type + ">/" + (impl.empty() ? "" : impl + "/") + std::to_string(size);
}

// What the "vs" column says: "copy", "XNNPACK" (its kernel of the same name), "XNNPACK elu_forward".
inline std::string reference_label(const RowSpec& row) {
    if (row.reference_impl.empty()) return row.reference_kernel;
    if (row.reference_kernel == row.kernel) return row.reference_impl;
    return row.reference_impl + " " + row.reference_kernel;
}

// Forwards everything to the reporter the user asked for (console, json, csv) and keeps, for
// each benchmark, its median items/s: the "median" aggregate when there were repetitions,
// otherwise the median of the single runs it saw (one run, or several when aggregates are off).
class MedianRecorder final : public benchmark::BenchmarkReporter {
public:
    explicit MedianRecorder(benchmark::BenchmarkReporter& display) : display_(display) {}

    bool ReportContext(const Context& context) override { return display_.ReportContext(context); }

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) record(run);
        display_.ReportRuns(runs);
    }

    void Finalize() override { display_.Finalize(); }

    // `name` stands for the fastest of `runs` (a baseline measured in several ways).
    void best_of(const std::string& name, std::vector<std::string> runs) { best_of_[name] = std::move(runs); }

    std::optional<double> items_per_second(const std::string& name) const {
        if (auto ways = best_of_.find(name); ways != best_of_.end()) {
            std::optional<double> best;
            for (const std::string& run : ways->second)
                if (auto items = items_per_second(run); items && (!best || *items > *best)) best = items;
            return best;
        }
        if (auto median = medians_.find(name); median != medians_.end()) return median->second;
        auto singles = singles_.find(name);
        if (singles == singles_.end() || singles->second.empty()) return std::nullopt;
        std::vector<double> values = singles->second;
        std::sort(values.begin(), values.end());
        const std::size_t half = values.size() / 2;
        return values.size() % 2 ? values[half] : (values[half - 1] + values[half]) / 2;
    }

    bool empty() const { return medians_.empty() && singles_.empty(); }
    std::int64_t repetitions() const { return repetitions_; }

private:
    void record(const Run& run) {
        if (run.error_occurred) return;
        auto items = run.counters.find("items_per_second");
        if (items == run.counters.end()) return;
        const std::string name = run.run_name.str();
        if (run.run_type == Run::RT_Aggregate) {
            if (run.aggregate_name == "median") medians_[name] = items->second.value;
        } else {
            singles_[name].push_back(items->second.value);
        }
        repetitions_ = std::max(repetitions_, run.repetitions);
    }

    benchmark::BenchmarkReporter& display_;
    std::map<std::string, double> medians_;
    std::map<std::string, std::vector<double>> singles_;
    std::map<std::string, std::vector<std::string>> best_of_;
    std::int64_t repetitions_ = 1;
};

namespace detail {

inline std::string format(const char* pattern, double value) {
    char text[32];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

inline std::string rtrim(std::string text) {
    text.erase(text.find_last_not_of(' ') + 1);
    return text;
}

inline std::string pad(std::string text, std::size_t width, bool left = false) {
    if (text.size() >= width) return text;
    const std::string fill(width - text.size(), ' ');
    return left ? text + fill : fill + text;
}

}  // namespace detail

// Every row of the ratio table with its float targets, for the JSON context (bench/results_page.py
// builds its ratio table from it): "kernel vs reference: t t t t" ("-" where a size has no target),
// joined by "; ". A baseline's own row is "copy vs copy".
inline std::string ratio_rows_context(const std::vector<RowSpec>& rows) {
    std::string text;
    for (const RowSpec& row : rows) {
        text += (text.empty() ? "" : "; ") + row.kernel + " vs " + reference_label(row) + ":";
        for (double target : row.float_targets) text += std::isnan(target) ? std::string(" -") : detail::format(" %.2f", target);
    }
    return text;
}

// Prints the table for `rows` x `types`, only the rows and sizes that ran. Returns the number of
// targets missed.
inline int print_ratio_table(std::ostream& out, const MedianRecorder& results,
                             const std::vector<RowSpec>& rows, const std::vector<const char*>& types) {
    using detail::format;
    using detail::pad;
    using detail::rtrim;
    std::size_t name_width = 29;  // wider where a kernel's name needs it ("leaky_relu_backward_from_output<double>")
    for (const RowSpec& row : rows) name_width = std::max(name_width, row.kernel.size() + std::strlen("<double>") + 1);
    constexpr std::size_t base_width = 21;

    const std::int64_t repetitions = results.repetitions();
    out << "\nRatio table: rectify's throughput / its reference's throughput, same element type and size, "
        << (repetitions > 1 ? "median of " + std::to_string(repetitions) + " repetitions"
                            : std::string("single run (no repetitions)"))
        << ".\n"
        << "  vs     = the reference: the kernel's baseline (copy for forward, 2R1W for backward: each the fastest\n"
        << "           of the ways listed under it, size by size; those lines show each way / the fastest), or a peer's\n"
        << "           kernel (\"XNNPACK\": its kernel of the same name; \"XNNPACK elu_forward\": that one;\n"
        << "           \"fastest-peer\": the fastest peer's kernel of the same name, size by size)\n"
        << "  ratio  = items/s of rectify's kernel / items/s of the reference (above 1: rectify is faster)\n"
        << "  el/ns  = elements per nanosecond of rectify's kernel, absolute\n"
        << "  target = minimum ratio from PERFORMANCE.md (float only); '!' after a ratio marks a miss\n\n";

    std::string header = pad("", name_width, true) + pad("", base_width, true);
    std::string columns = pad("kernel", name_width, true) + pad("vs", base_width, true);
    for (std::size_t size : sizes) {
        header += "| " + pad(std::to_string(size), 19, true);
        columns += "| ratio   el/ns  tgt ";
    }
    out << rtrim(header) << '\n' << rtrim(columns) << '\n';

    std::vector<std::string> misses;
    int checked = 0;
    for (const char* type : types) {
        const bool is_float = std::string(type) == "float";
        bool printed_any = false;
        for (const RowSpec& row : rows) {
            const bool baseline_row = is_baseline(row);
            std::string line = pad(row.kernel + "<" + type + ">", name_width, true) +
                               pad(baseline_row ? "-" : reference_label(row), base_width, true);
            bool ran = false;
            for (std::size_t s = 0; s < sizes.size(); ++s) {
                const auto kernel = results.items_per_second(run_name(row.kernel, type, sizes[s]));
                const auto base =
                    results.items_per_second(run_name(row.reference_kernel, type, sizes[s], row.reference_impl));
                if (!kernel || (!base && !row.reference_impl.empty())) {  // a peer without this type/size
                    line += "|                    ";
                    continue;
                }
                ran = true;
                const double target = is_float && !baseline_row ? row.float_targets[s] : no_target;
                std::string ratio = "    -";
                std::string mark = " ";
                if (base) {
                    // Compared as printed (2 decimals): run-to-run noise is far above 0.005, and a
                    // "1.00!" would only confuse.
                    const double value = std::round(*kernel / *base * 100) / 100;
                    ratio = format("%5.2f", value);
                    if (!std::isnan(target)) {
                        ++checked;
                        if (value < target) {
                            mark = "!";
                            misses.push_back(run_name(row.kernel, type, sizes[s]) + ": " + format("%.2f", value) +
                                             " of " + reference_label(row) + " < " + format("%.2f", target));
                        }
                    }
                }
                line += "| " + ratio + mark + format(" %6.2f", *kernel * 1e-9) +
                        (std::isnan(target) ? std::string("     ") : format(" %4.2f", target)) + " ";
            }
            if (ran) {
                out << rtrim(line) << '\n';
                printed_any = true;
            }
        }
        if (printed_any) out << '\n';
    }

    // In place must not be slower than out of place (docs/PERFORMANCE.md).
    std::string in_place;
    for (const char* type : types) {
        std::string line = pad(std::string("relu_forward_inplace<") + type + ">", name_width, true) +
                           pad("relu", base_width, true);
        bool any = false;
        for (std::size_t size : sizes) {
            const auto inplace = results.items_per_second(run_name("relu_forward_inplace", type, size));
            const auto outplace = results.items_per_second(run_name("relu_forward", type, size));
            if (!inplace || !outplace) {
                line += "|                    ";
                continue;
            }
            any = true;
            const double value = std::round(*inplace / *outplace * 100) / 100;
            const bool miss = value < in_place_allowance;
            if (miss)
                misses.push_back(run_name("relu_forward_inplace", type, size) + ": " + format("%.2f", value) +
                                 " of out of place < " + format("%.2f", in_place_allowance));
            ++checked;
            line += "| " + format("%5.2f", value) + (miss ? "!" : " ") + pad("", 14);
        }
        if (any) in_place += rtrim(line) + '\n';
    }
    if (!in_place.empty())
        out << "In place / out of place (relu_forward_inplace / relu_forward; '!' below "
            << format("%.2f", in_place_allowance) << ", the noise allowance):\n"
            << in_place << '\n';

    // Double against float: ELU and SiLU at >= 0.45 of the float element rate (docs/PERFORMANCE.md).
    std::string double_rate;
    for (const char* kernel : {"elu_forward", "silu_forward", "elu_backward", "silu_backward"}) {
        std::string line = pad(std::string(kernel) + "<double>", name_width, true) + pad("<float>", base_width, true);
        bool any = false;
        for (std::size_t size : sizes) {
            const auto as_double = results.items_per_second(run_name(kernel, "double", size));
            const auto as_float = results.items_per_second(run_name(kernel, "float", size));
            if (!as_double || !as_float) {
                line += "|                    ";
                continue;
            }
            any = true;
            const double value = std::round(*as_double / *as_float * 100) / 100;
            const bool miss = value < double_rate_target;
            if (miss)
                misses.push_back(run_name(kernel, "double", size) + ": " + format("%.2f", value) +
                                 " of float's element rate < " + format("%.2f", double_rate_target));
            ++checked;
            line += "| " + format("%5.2f", value) + (miss ? "!" : " ") + pad("", 7) + format(" %4.2f", double_rate_target) +
                    " ";
        }
        if (any) double_rate += rtrim(line) + '\n';
    }
    if (!double_rate.empty())
        out << "Double / float element rate (elements/s of double / of float, same size; target "
            << format("%.2f", double_rate_target) << "):\n"
            << double_rate << '\n';

    out << "Targets checked: " << checked << ", missed: " << misses.size() << (misses.empty() ? "\n" : ":\n");
    for (const std::string& miss : misses) out << "  MISS " << miss << '\n';
    return static_cast<int>(misses.size());
}

// --- the tables a person reads: rectify beside each peer ----------------------------------------

// A row of the comparison tables: rectify itself (impl "") or a peer (impl "XNNPACK"); a rectify
// variant such as "all threads" would be one more entry, with runs named like a peer's.
struct Implementation {
    std::string label;  // as printed: "rectify", "PyTorch"
    std::string impl;   // the middle part of its run names, "" for rectify
};

// One table per kernel: the kernel's name in the runs, its title, its baseline.
struct Comparison {
    std::string kernel;  // "elu_forward"
    std::string title;   // "ELU forward"
    Traffic traffic;
};

// For each type and kernel: one row per implementation that ran, then the baseline's row; each
// cell is elements/ns and that row's speed divided by rectify's ("0.31x": a third of rectify's
// speed). Only the sizes that ran are shown.
inline void print_comparison_tables(std::ostream& out, const MedianRecorder& results,
                                    const std::vector<Comparison>& kernels,
                                    const std::vector<Implementation>& implementations,
                                    const std::vector<const char*>& types) {
    using detail::format;
    using detail::pad;
    using detail::rtrim;
    constexpr std::size_t label_width = 19;
    constexpr std::size_t cell_width = 17;

    out << "\nrectify and its peers: elements per nanosecond (higher is faster) and, after it, the speed as a\n"
        << "multiple of rectify's (PyTorch 0.31x: PyTorch runs at 0.31 of rectify's speed). One thread each,\n"
        << "the same arrays, " << (results.repetitions() > 1 ? "medians of " + std::to_string(results.repetitions()) + " repetitions" : std::string("single runs"))
        << ". The last row of each table is the baseline: the fastest measured way to move the same bytes.\n";
    for (const char* type : types) {
        for (const Comparison& kernel : kernels) {
            std::vector<std::size_t> columns;
            for (std::size_t s = 0; s < sizes.size(); ++s)
                for (const Implementation& implementation : implementations)
                    if (results.items_per_second(run_name(kernel.kernel, type, sizes[s], implementation.impl)) &&
                        (columns.empty() || columns.back() != s))
                        columns.push_back(s);
            if (columns.empty()) continue;

            std::string header = pad("", label_width, true);
            for (std::size_t s : columns) header += pad(std::to_string(sizes[s]), cell_width);
            out << '\n' << kernel.title << ", " << type << '\n' << rtrim(header) << '\n';

            auto row = [&](const std::string& label, const std::string& run_kernel, const std::string& impl) {
                std::string line = pad("  " + label, label_width, true);
                bool any = false;
                for (std::size_t s : columns) {
                    const auto items = results.items_per_second(run_name(run_kernel, type, sizes[s], impl));
                    const auto rectify = results.items_per_second(run_name(kernel.kernel, type, sizes[s]));
                    if (!items) {
                        line += pad("-", cell_width);
                        continue;
                    }
                    any = true;
                    line += pad(format("%.2f", *items * 1e-9) +
                                    (rectify ? format(" %6.2fx", *items / *rectify) : std::string("       -")),
                                cell_width);
                }
                if (any) out << rtrim(line) << '\n';
            };
            for (const Implementation& implementation : implementations)
                row(implementation.label, kernel.kernel, implementation.impl);
            row(std::string(baseline_name(kernel.traffic)) + " (baseline)", baseline_name(kernel.traffic), "");
        }
    }

    // Every cell where a peer is faster than rectify, the largest gap first (rectify's own threaded
    // rows are not a peer).
    struct Behind {
        double ratio;
        std::string text;
    };
    std::vector<Behind> behind;
    for (const char* type : types)
        for (const Comparison& kernel : kernels)
            for (const Implementation& implementation : implementations) {
                if (implementation.impl.empty() || implementation.impl.starts_with("rectify")) continue;
                for (std::size_t size : sizes) {
                    const auto peer = results.items_per_second(run_name(kernel.kernel, type, size, implementation.impl));
                    const auto rectify = results.items_per_second(run_name(kernel.kernel, type, size));
                    if (!peer || !rectify) continue;
                    const double ratio = std::round(*peer / *rectify * 100) / 100;  // as printed
                    if (ratio > 1.0)
                        behind.push_back({ratio, format("%5.2fx  ", ratio) + implementation.label + " " + kernel.title +
                                                     ", " + type + ", " + std::to_string(size)});
                }
            }
    std::stable_sort(behind.begin(), behind.end(), [](const Behind& a, const Behind& b) { return a.ratio > b.ratio; });
    out << "\nWhere a peer is faster than rectify (peer's speed / rectify's, as in the tables above): "
        << (behind.empty() ? std::string("nowhere") : std::to_string(behind.size()) + " cells") << '\n';
    for (const Behind& cell : behind) out << "  " << cell.text << '\n';
}

// What each activation costs: rectify's time per element divided by its ReLU's (forward against
// relu_forward, backward against relu_backward), same type and size.
inline void print_relative_to_relu(std::ostream& out, const MedianRecorder& results,
                                   const std::vector<Comparison>& kernels, const std::vector<const char*>& types) {
    using detail::format;
    using detail::pad;
    using detail::rtrim;
    std::size_t label_width = 30;
    for (const Comparison& kernel : kernels)
        label_width = std::max(label_width, kernel.kernel.size() + std::strlen("  <double>") + 1);
    constexpr std::size_t cell_width = 10;
    std::string body;
    for (const char* type : types) {
        for (const Comparison& kernel : kernels) {
            const std::string relu = kernel.traffic == Traffic::one_read_one_write ? "relu_forward" : "relu_backward";
            std::string line = pad("  " + kernel.kernel + "<" + type + ">", label_width, true);
            bool any = false;
            for (std::size_t size : sizes) {
                const auto mine = results.items_per_second(run_name(kernel.kernel, type, size));
                const auto base = results.items_per_second(run_name(relu, type, size));
                if (!mine || !base) {
                    line += pad("-", cell_width);
                    continue;
                }
                any = true;
                line += pad(format("%.2fx", *base / *mine), cell_width);
            }
            if (any) body += rtrim(line) + '\n';
        }
    }
    if (body.empty()) return;
    std::string header = pad("", label_width, true);
    for (std::size_t size : sizes) header += pad(std::to_string(size), cell_width);
    out << "\nWhat each activation costs: rectify's time per element / its ReLU's (forward against relu_forward,\n"
        << "backward against relu_backward), same type, size and run. 1.00x: as cheap as ReLU.\n"
        << rtrim(header) << '\n'
        << body;
}

}  // namespace rectify_bench
