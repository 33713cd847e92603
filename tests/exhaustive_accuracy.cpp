// rectify_exhaustive: every one of the 2^32 float bit patterns through the ELU and SiLU array
// kernels, forward and backward (dy = 1), against references computed in double (whose own error
// is some 2^-29 of a float ULP, far below what is measured). Prints the maximum error of each
// kernel, where it occurs, and fails (exit 1) if a bound of tests/support/accuracy_bounds.hpp is
// exceeded, a special value (NaN, ±inf, ±0) comes out wrong, or a zero result has the wrong sign.
//
//   forward:  |got - exact| in ULPs of the exact value (results in the denormals: in multiples of
//             denorm_min);
//   backward: |got - exact| / (eps * max(|exact|, |dy|) + denorm_min).
//
// Usage: rectify_exhaustive [threads] [first_pattern last_pattern]   (default: all cores, all
// patterns). ctest runs it with the label "exhaustive"; it takes about a minute on 2 cores.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "support/accuracy_bounds.hpp"

namespace {

using limits = std::numeric_limits<float>;

// ---- references in double ---------------------------------------------------------------------

double exact_elu(double x) { return x > 0 ? x : std::expm1(x); }
double exact_elu_grad(double x) { return x > 0 ? 1.0 : std::exp(x); }
double exact_silu(double x) {
    if (std::isinf(x)) return x > 0 ? x : -0.0;
    return x / (1.0 + std::exp(-x));  // NaN propagates; exp(-x) = inf far left gives -0
}
double exact_silu_grad(double x) {
    if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
    const double e = std::exp(-std::fabs(x));
    const double d = 1.0 + e;
    const double s = x >= 0 ? 1.0 / d : e / d;      // s(x)
    const double s_neg = x >= 0 ? e / d : 1.0 / d;  // s(-x) = 1 - s(x), without cancellation
    return s * (1.0 + x * s_neg);
}

// ---- error measures ---------------------------------------------------------------------------

constexpr double infinite_error = std::numeric_limits<double>::infinity();

// Non-finite or zero exact values must come out as exactly that value (all NaNs equal).
bool special_mismatch(float got, double exact) {
    if (std::isnan(exact)) return !std::isnan(got);
    if (std::isinf(exact) || exact == 0) return std::bit_cast<std::uint32_t>(got) != std::bit_cast<std::uint32_t>(static_cast<float>(exact));
    return std::isnan(got) || std::isinf(got);
}

// A zero result must have the sign of the exact value (a tiny negative value rounds to -0, never
// to +0), although the two zeros compare equal.
double ulp_error(float got, double exact) {
    if (std::isnan(exact) || std::isinf(exact) || exact == 0 || std::isnan(got) || std::isinf(got))
        return special_mismatch(got, exact) ? infinite_error : 0.0;
    if (got == 0 && std::signbit(got) != std::signbit(exact)) return infinite_error;
    int exponent;
    std::frexp(exact, &exponent);  // |exact| in [2^(exponent-1), 2^exponent)
    const double ulp = std::max(std::ldexp(1.0, exponent - 1 - (limits::digits - 1)),
                                static_cast<double>(limits::denorm_min()));
    return std::fabs(static_cast<double>(got) - exact) / ulp;
}

double gradient_error(float got, double exact, double dy) {
    if (std::isnan(exact) || std::isinf(exact) || std::isnan(got) || std::isinf(got))
        return special_mismatch(got, exact) ? infinite_error : 0.0;
    const double scale = limits::epsilon() * std::max(std::fabs(exact), std::fabs(dy)) + limits::denorm_min();
    return std::fabs(static_cast<double>(got) - exact) / scale;
}

struct Worst {
    double error = 0;
    float x = 0, got = 0;
    double exact = 0;
    void add(double e, float xv, float g, double ex) {
        if (e > error) *this = {e, xv, g, ex};
    }
    void merge(const Worst& other) {
        if (other.error > error) *this = other;
    }
};

struct Results {
    Worst elu, elu_grad, silu, silu_grad;
    void merge(const Results& o) {
        elu.merge(o.elu);
        elu_grad.merge(o.elu_grad);
        silu.merge(o.silu);
        silu_grad.merge(o.silu_grad);
    }
};

constexpr std::uint64_t chunk = 1u << 16;

void run_chunk(std::uint64_t first, std::uint64_t count, std::vector<float>& x, std::vector<float>& ones,
               std::vector<float>& out, Results& r) {
    for (std::uint64_t i = 0; i < count; ++i) x[i] = std::bit_cast<float>(static_cast<std::uint32_t>(first + i));
    const std::size_t n = count;
    rectify::forward(rectify::ELU{}, x.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) r.elu.add(ulp_error(out[i], exact_elu(x[i])), x[i], out[i], exact_elu(x[i]));
    rectify::backward(rectify::ELU{}, x.data(), ones.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const double e = exact_elu_grad(x[i]);
        r.elu_grad.add(gradient_error(out[i], e, 1.0), x[i], out[i], e);
    }
    rectify::forward(rectify::SiLU{}, x.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const double e = exact_silu(x[i]);
        r.silu.add(ulp_error(out[i], e), x[i], out[i], e);
    }
    rectify::backward(rectify::SiLU{}, x.data(), ones.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const double e = exact_silu_grad(x[i]);
        r.silu_grad.add(gradient_error(out[i], e, 1.0), x[i], out[i], e);
    }
}

bool report(const char* name, const char* unit, const Worst& w, double bound) {
    const bool ok = w.error <= bound;
    std::printf("[exhaustive] %-22s max %.4f %s (bound %g) at x = %.9g (%a): got %.9g (%a), exact %.17g  %s\n", name,
                w.error, unit, bound, static_cast<double>(w.x), static_cast<double>(w.x), static_cast<double>(w.got),
                static_cast<double>(w.got), w.exact, ok ? "ok" : "EXCEEDED");
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::uint64_t first = 0, last = 0xffffffffu;
    if (argc >= 2) threads = static_cast<unsigned>(std::max(1L, std::strtol(argv[1], nullptr, 10)));
    if (argc >= 4) {
        first = std::strtoull(argv[2], nullptr, 0);
        last = std::strtoull(argv[3], nullptr, 0);
        if (first > last || last > 0xffffffffu) {
            std::fprintf(stderr, "rectify_exhaustive: bad pattern range %s .. %s\n", argv[2], argv[3]);
            return 2;
        }
    }
    std::printf("rectify_exhaustive: float bit patterns 0x%08" PRIx64 "..0x%08" PRIx64 ", %u threads, SIMD %s\n", first,
                last, threads, rectify::simd_arch_name());

    std::atomic<std::uint64_t> next{first};
    Results total;
    std::mutex merge_lock;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            std::vector<float> x(chunk), ones(chunk, 1.0f), out(chunk);
            Results mine;
            for (;;) {
                const std::uint64_t start = next.fetch_add(chunk);
                if (start > last) break;
                run_chunk(start, std::min(chunk, last - start + 1), x, ones, out, mine);
            }
            const std::lock_guard<std::mutex> hold(merge_lock);
            total.merge(mine);
        });
    for (auto& thread : pool) thread.join();

    namespace b = rectify_test::bounds;
    bool ok = report("elu forward", "ULP", total.elu, b::elu_forward_ulp_float);
    ok &= report("elu backward (dy = 1)", "C", total.elu_grad, b::elu_backward_c_float);
    ok &= report("silu forward", "ULP", total.silu, b::silu_forward_ulp_float);
    ok &= report("silu backward (dy = 1)", "C", total.silu_grad, b::silu_backward_c_float);
    std::printf(ok ? "rectify_exhaustive: all bounds hold\n" : "rectify_exhaustive: FAILED\n");
    return ok ? 0 : 1;
}
