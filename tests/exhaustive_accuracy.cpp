// rectify_exhaustive: the 2^32 float bit patterns (all of them, or one of every N) through the float
// array kernels of every activation of include/rectify/activations/list.hpp, with each parameter set
// of tests/support/references.hpp, forward and backward (dy = 1), against the references of
// references.hpp computed in double (the families' double references, accurate to some 2^-29 of a
// float ULP or better, far below what is measured). Prints, for each activation, parameter set and
// direction, the maximum error, where it occurs and the bound, and fails (exit 1) if a bound is
// exceeded, a special value (NaN, ±inf, ±0) comes out wrong, or a zero result has the wrong sign.
//
//   exact activations (forward_ulp_bound() == 0): the kernel's bits against the reference's (PyTorch's
//             values), forward and backward; the error is the distance in float ULPs (bound 0);
//   forward:  |got - exact| in ULPs of the exact value (results in the denormals: in multiples of
//             denorm_min), bound forward_ulp_bound();
//   backward: |got - exact| / (eps * max(|exact|, |dy|) + denorm_min), bound C = 4
//             (support/accuracy_bounds.hpp).
//
// Usage: rectify_exhaustive [--stride N] [--only TEXT] [threads] [first_pattern last_pattern]
//   --stride N   one pattern of each block of N consecutive ones (its place in the block varies from
//                block to block, so every mantissa bit is exercised); default 1: every pattern.
//                CI runs --stride 16 where the full proof does not fit.
//   --only TEXT  only the activations and parameter sets whose name contains TEXT ("ELU alpha 2").
//   threads      default: all cores.
// Each chunk of inputs is generated once and run through every case. ctest runs it with the label
// "exhaustive".
#include <rectify/rectify.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/accuracy_bounds.hpp"
#include "support/references.hpp"

namespace {

using limits = std::numeric_limits<float>;
using rectify_test::Case;

// ---- error measures ---------------------------------------------------------------------------

constexpr double infinite_error = std::numeric_limits<double>::infinity();

// Non-finite or zero exact values must come out as exactly that value (all NaNs equal).
bool special_mismatch(float got, double exact) {
    if (std::isnan(exact)) return !std::isnan(got);
    if (std::isinf(exact) || exact == 0) return std::bit_cast<std::uint32_t>(got) != std::bit_cast<std::uint32_t>(static_cast<float>(exact));
    return std::isnan(got) || std::isinf(got);
}

// A zero result must have the sign of the exact value (a tiny negative value rounds to -0, never
// to +0), although the two zeros compare equal. The float ULP of a finite nonzero exact value comes
// from its exponent bits (this runs some 10^11 times in a full run).
inline double ulp_error(float got, double exact) {
    if (std::isfinite(exact) && exact != 0 && std::isfinite(got) && (got != 0 || std::signbit(got) == std::signbit(exact))) {
        const int e = static_cast<int>((std::bit_cast<std::uint64_t>(exact) >> 52) & 0x7ff) - 1023;  // |exact| in [2^e, 2^(e+1))
        // 1 / ULP: 2^(23 - e) for normal float results, 2^149 (denorm_min's) below.
        const double inverse_ulp = std::bit_cast<double>(static_cast<std::uint64_t>(std::min(23 - e, 149) + 1023) << 52);
        return std::fabs(static_cast<double>(got) - exact) * inverse_ulp;
    }
    // An overflow to infinity: measured as the value 2^128, the next one past FLT_MAX (an exact value
    // beyond FLT_MAX + half an ULP rounds to infinity and is within half an ULP of it).
    if (std::isinf(got) && std::isfinite(exact) && std::signbit(got) == std::signbit(exact))
        return std::max(0.0, 0x1p128 - std::fabs(exact)) / 0x1p104;
    if (std::isnan(exact) || std::isinf(exact) || exact == 0 || std::isnan(got) || std::isinf(got))
        return special_mismatch(got, exact) ? infinite_error : 0.0;
    return infinite_error;  // a zero of the wrong sign
}

// dy = 1: |got - exact| / (eps * max(|exact|, 1) + denorm_min).
inline double gradient_error(float got, double exact) {
    if (std::isfinite(exact) && std::isfinite(got)) {
        const double scale = limits::epsilon() * std::max(std::fabs(exact), 1.0) + limits::denorm_min();
        return std::fabs(static_cast<double>(got) - exact) / scale;
    }
    return special_mismatch(got, exact) ? infinite_error : 0.0;
}

// The exact activations: 0 for the same bits (any NaN for a NaN), else the distance in float ULPs
// (+0 against -0: 1).
double bits_error(float got, float want) {
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got) ? 0.0 : infinite_error;
    if (std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(want)) return 0.0;
    const auto key = [](float v) {
        const std::int64_t m = std::bit_cast<std::uint32_t>(v) & 0x7fffffffu;
        return std::signbit(v) ? -m : m;
    };
    return std::max<double>(1.0, static_cast<double>(std::llabs(key(got) - key(want))));
}

struct Worst {
    double error = 0;
    float x = 0, got = 0;
    double exact = 0;
    void add(double e, float xv, float g, double ex) {
        if (!(e <= error)) [[unlikely]] *this = {std::isnan(e) ? infinite_error : e, xv, g, ex};
    }
    void merge(const Worst& other) {
        if (other.error > error) *this = other;
    }
};

struct Result {
    Worst forward, backward;
    void merge(const Result& o) {
        forward.merge(o.forward);
        backward.merge(o.backward);
    }
};

// ---- the cases: every parameter set of every listed activation -----------------------------------

class CaseBase {
public:
    virtual ~CaseBase() = default;
    virtual std::string name() const = 0;
    virtual bool exact() const = 0;
    virtual double forward_bound() const = 0;
    // Forward and backward (dy = 1) of x[0, n) through the array kernels, into r.
    virtual void run(const float* x, const float* ones, float* out, std::size_t n, Result& r) const = 0;
};

template <class Act>
class ActivationCase final : public CaseBase {
public:
    explicit ActivationCase(const Case<Act>& c) : c_(c) {}
    std::string name() const override { return rectify_test::case_name(c_); }
    bool exact() const override { return rectify_test::exact_reference<Act>; }
    double forward_bound() const override { return exact() ? 0.0 : c_.act.forward_ulp_bound(); }

    void run(const float* x, const float* ones, float* out, std::size_t n, Result& r) const override {
        const Act& act = c_.act;
        using R = rectify_test::activation_reference<Act>;
        rectify::forward(act, x, out, n);
        if constexpr (rectify_test::exact_reference<Act>) {
            for (std::size_t i = 0; i < n; ++i) {
                const float want = R::forward_bits(act, x[i]);
                r.forward.add(bits_error(out[i], want), x[i], out[i], want);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const double e = rectify_test::reference_forward<double>(act, x[i]);
                r.forward.add(ulp_error(out[i], e), x[i], out[i], e);
            }
        }
        rectify::backward(act, x, ones, out, n);
        if constexpr (rectify_test::exact_reference<Act>) {
            for (std::size_t i = 0; i < n; ++i) {
                const float want = R::backward_bits(act, x[i], 1.0f);
                r.backward.add(bits_error(out[i], want), x[i], out[i], want);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const double e = rectify_test::reference_derivative<double>(act, x[i]);
                r.backward.add(gradient_error(out[i], e), x[i], out[i], e);
            }
        }
    }

private:
    Case<Act> c_;
};

template <class... Acts>
std::vector<std::unique_ptr<CaseBase>> every_case(rectify::detail::activation_list<Acts...>, const char* only) {
    std::vector<std::unique_ptr<CaseBase>> v;
    const auto add = [&]<class Act>(const std::vector<Case<Act>>& cs) {
        for (const Case<Act>& c : cs)
            if (!only || rectify_test::case_name(c).find(only) != std::string::npos)
                v.push_back(std::make_unique<ActivationCase<Act>>(c));
    };
    (add(rectify_test::cases<Acts>()), ...);
    return v;
}

constexpr std::uint64_t chunk = 1u << 14;

bool report(const std::string& name, const char* what, const char* unit, const Worst& w, double bound) {
    const bool ok = w.error <= bound;
    std::printf("[exhaustive] %-30s %-21s max %.4f %s (bound %g) at x = %.9g (%a): got %.9g (%a), exact %.17g  %s\n",
                name.c_str(), what, w.error, unit, bound, static_cast<double>(w.x), static_cast<double>(w.x),
                static_cast<double>(w.got), static_cast<double>(w.got), w.exact, ok ? "ok" : "EXCEEDED");
    return ok;
}

int usage() {
    std::fprintf(stderr, "usage: rectify_exhaustive [--stride N] [--only TEXT] [threads] [first_pattern last_pattern]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::uint64_t first = 0, last = 0xffffffffu, stride = 1;
    const char* only = nullptr;
    std::vector<const char*> positional;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--stride") == 0 && i + 1 < argc) {
            stride = std::strtoull(argv[++i], nullptr, 0);
            if (stride == 0) return usage();
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (argv[i][0] == '-') {
            return usage();
        } else {
            positional.push_back(argv[i]);
        }
    }
    if (positional.size() == 2 || positional.size() > 3) return usage();
    if (!positional.empty()) threads = static_cast<unsigned>(std::max(1L, std::strtol(positional[0], nullptr, 10)));
    if (positional.size() == 3) {
        first = std::strtoull(positional[1], nullptr, 0);
        last = std::strtoull(positional[2], nullptr, 0);
        if (first > last || last > 0xffffffffu) {
            std::fprintf(stderr, "rectify_exhaustive: bad pattern range %s .. %s\n", positional[1], positional[2]);
            return 2;
        }
    }
    const std::vector<std::unique_ptr<CaseBase>> cases = every_case(rectify::detail::all_activations{}, only);
    if (cases.empty()) {
        std::fprintf(stderr, "rectify_exhaustive: no activation matches --only %s\n", only);
        return 2;
    }
    // Pattern k is the one in block k of `stride` patterns at a place that varies with k.
    const std::uint64_t blocks = (last - first) / stride + 1;
    const auto pattern = [&](std::uint64_t k) {
        const std::uint64_t p = first + k * stride + (stride > 1 ? ((k * 0x9E3779B97F4A7C15ull) >> 32) % stride : 0);
        return static_cast<std::uint32_t>(std::min(p, last));
    };
    std::printf("rectify_exhaustive: float bit patterns 0x%08" PRIx64 "..0x%08" PRIx64 ", %s%" PRIu64
                " patterns, %zu cases, %u threads, SIMD %s\n",
                first, last, stride > 1 ? ("one in " + std::to_string(stride) + ": ").c_str() : "", blocks, cases.size(),
                threads, rectify::simd_arch_name());
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();

    std::atomic<std::uint64_t> next{0};
    std::vector<Result> total(cases.size());
    std::mutex merge_lock;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            std::vector<float> x(chunk), ones(chunk, 1.0f), out(chunk);
            std::vector<Result> mine(cases.size());
            for (;;) {
                const std::uint64_t begin = next.fetch_add(chunk);
                if (begin >= blocks) break;
                const std::size_t n = static_cast<std::size_t>(std::min(chunk, blocks - begin));
                for (std::size_t i = 0; i < n; ++i) x[i] = std::bit_cast<float>(pattern(begin + i));
                for (std::size_t c = 0; c < cases.size(); ++c) cases[c]->run(x.data(), ones.data(), out.data(), n, mine[c]);
            }
            const std::lock_guard<std::mutex> hold(merge_lock);
            for (std::size_t c = 0; c < cases.size(); ++c) total[c].merge(mine[c]);
        });
    for (auto& thread : pool) thread.join();

    bool ok = true;
    for (std::size_t c = 0; c < cases.size(); ++c) {
        const CaseBase& k = *cases[c];
        if (k.exact()) {
            ok &= report(k.name(), "forward (bits)", "ULP", total[c].forward, 0.0);
            ok &= report(k.name(), "backward (bits)", "ULP", total[c].backward, 0.0);
        } else {
            ok &= report(k.name(), "forward", "ULP", total[c].forward, k.forward_bound());
            ok &= report(k.name(), "backward (dy = 1)", "C", total[c].backward, rectify_test::bounds::backward_c_float);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(ok ? "rectify_exhaustive: all bounds hold (%.1f s)\n" : "rectify_exhaustive: FAILED (%.1f s)\n", seconds);
    return ok ? 0 : 1;
}
