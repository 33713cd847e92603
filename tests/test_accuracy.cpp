// Accuracy of ELU and SiLU, forward and backward, float and double, against long double references
// (tests/support/test_support.hpp): the SIMD kernels and the scalar math of the activation types.
//
// The bounds asserted here are docs/ACCURACY.md's; they live in one place,
// tests/support/accuracy_bounds.hpp (test_kernels.cpp holds every SIMD path to them too):
//   forward:  ULPs of the exact result, results in the denormal range in multiples of denorm_min;
//   backward: |dx - exact| <= C * (eps * max(|exact|, |dy|) + denorm_min), with dy = 1 and with a
//             random dy (|dy| in [2^-20, 2^21), random sign).
// Each SIMD kernel's backward is also held to its measured maximum plus a margin (accuracy_bounds.hpp),
// far below the documented C, so that a kernel that loses a few ULPs fails.
// Each test prints the measured maximum ("[accuracy] ..." lines on stdout) so docs/ACCURACY.md quotes
// measured numbers.
//
// Inputs:
//   float:  every k-th bit pattern of all 2^32 (k = 401 by default, about 10.7 million values; the
//           environment variable RECTIFY_ACCURACY_STRIDE=1 makes it exhaustive, and
//           RECTIFY_ACCURACY_SHARD=i/N runs the i-th of N interleaved parts, for parallel runs),
//           plus every float of the zones where exp and the sigmoid change regime;
//   double: every binade from the denormals to the overflow (random mantissas), plus dense sweeps of
//           the overflow/underflow zones.
// Under AddressSanitizer every sweep is 8 times sparser (see `thinning`).
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "support/accuracy_bounds.hpp"
#include "support/kernel_inputs.hpp"
#include "support/test_support.hpp"

namespace {

using namespace rectify_test;

// Under AddressSanitizer the sweeps are 8 times sparser: the sanitizer run is there to catch memory
// errors, and the optimized build measures the bounds at full density.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t thinning = 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr std::uint64_t thinning = 8;
#else
constexpr std::uint64_t thinning = 1;
#endif
#else
constexpr std::uint64_t thinning = 1;
#endif

// ---- references, sharing one exp per function and input ------------------------------------

struct Exact {
    long double elu, elu_grad, silu, silu_grad;
};

// The same formulas as test_support.hpp's ref_* (alpha = 1), with silu and its gradient computed
// from one exp(-|x|).
inline Exact exact_values(long double x) {
    Exact r;
    r.elu = ref_elu(x, 1.0L);
    r.elu_grad = ref_elu_grad(x, 1.0L);
    if (std::isnan(x)) {
        r.silu = r.silu_grad = x;
    } else if (std::isinf(x)) {
        r.silu = ref_silu(x);
        r.silu_grad = ref_silu_grad(x);
    } else {
        const long double e = std::exp(-std::fabs(x));  // in (0, 1]
        const long double d = 1.0L + e;
        const long double s = x >= 0 ? 1.0L / d : e / d;       // s(x)
        const long double s_neg = x >= 0 ? e / d : 1.0L / d;  // s(-x) = 1 - s(x)
        r.silu = x * s;
        r.silu_grad = s * (1.0L + x * s_neg);
    }
    return r;
}

// ---- measured maxima --------------------------------------------------------------------------

template <class T>
struct MaxError {
    std::string name;
    double bound;       // the documented bound
    double limit = 0;   // the kernel's measured maximum plus a margin (0: none, the bound alone)
    long double max = 0;
    T worst_x = 0, worst_dy = 0, worst_got = 0;
    long double worst_exact = 0;
    std::uint64_t count = 0;

    void add(long double err, T x, T dy, T got, long double exact) {
        ++count;
        if (!(err <= max)) {  // NaN errors count as the worst
            max = std::isnan(err) ? std::numeric_limits<long double>::infinity() : err;
            worst_x = x;
            worst_dy = dy;
            worst_got = got;
            worst_exact = exact;
        }
    }
};

template <class T>
long double backward_error(T got, long double exact, T dy) {
    if (std::isnan(exact) || std::isinf(exact) || std::isnan(got) || std::isinf(got))
        return same_value(got, static_cast<T>(exact)) || (std::isnan(got) && std::isnan(exact))
                   ? 0.0L
                   : std::numeric_limits<long double>::infinity();
    const long double scale =
        std::numeric_limits<T>::epsilon() * std::max(std::fabs(exact), std::fabs(static_cast<long double>(dy))) +
        std::numeric_limits<T>::denorm_min();
    return std::fabs(got - exact) / scale;
}

// All the maxima of one sweep: {kernel, scalar math} × {elu, silu} × {forward, backward dy = 1,
// backward random dy}.
template <class T>
struct Measurement {
    std::vector<MaxError<T>> errors;
    enum : std::size_t {
        kernel_elu, kernel_elu_grad, kernel_elu_grad_dy, kernel_silu, kernel_silu_grad, kernel_silu_grad_dy,
        scalar_elu, scalar_elu_grad, scalar_elu_grad_dy, scalar_silu, scalar_silu_grad, scalar_silu_grad_dy,
        count
    };

    Measurement() {
        const char* kinds[] = {"forward (ULP)", "backward, dy = 1 (C)", "backward, random dy (C)"};
        const double elu_bounds[] = {bounds::elu_forward_ulp<T>(), bounds::elu_backward_c<T>(), bounds::elu_backward_c<T>()};
        const double silu_bounds[] = {bounds::silu_forward_ulp<T>(), bounds::silu_backward_c<T>(),
                                      bounds::silu_backward_c<T>()};
        for (const char* path : {"kernel", "scalar math"}) {
            for (int k = 0; k < 3; ++k) errors.push_back({std::string(path) + " elu " + kinds[k], elu_bounds[k]});
            for (int k = 0; k < 3; ++k) errors.push_back({std::string(path) + " silu " + kinds[k], silu_bounds[k]});
        }
        errors[kernel_elu_grad].limit = bounds::elu_backward_measured<T>().dy_one;
        errors[kernel_elu_grad_dy].limit = bounds::elu_backward_measured<T>().random_dy;
        errors[kernel_silu_grad].limit = bounds::silu_backward_measured<T>().dy_one;
        errors[kernel_silu_grad_dy].limit = bounds::silu_backward_measured<T>().random_dy;
    }
};

// Measures every function on xs (any length; processed in chunks through the array kernels).
template <class T>
class Meter {
public:
    explicit Meter(std::uint64_t seed) : rng_(seed) {}

    void measure(const std::vector<T>& xs) {
        const std::size_t n = xs.size();
        dy_.resize(n);
        ones_.assign(n, T(1));
        std::uniform_int_distribution<int> exponent(-20, 20);
        std::uniform_real_distribution<T> mantissa(T(1), T(2));
        for (T& d : dy_) {
            const T v = std::ldexp(mantissa(rng_), exponent(rng_));
            d = (rng_() & 1) ? v : -v;
        }
        const rectify::ELU elu{};
        const rectify::SiLU silu{};
        std::vector<T> out[6];
        for (auto& o : out) o.resize(n);
        rectify::forward(elu, xs.data(), out[0].data(), n);
        rectify::backward(elu, xs.data(), ones_.data(), out[1].data(), n);
        rectify::backward(elu, xs.data(), dy_.data(), out[2].data(), n);
        rectify::forward(silu, xs.data(), out[3].data(), n);
        rectify::backward(silu, xs.data(), ones_.data(), out[4].data(), n);
        rectify::backward(silu, xs.data(), dy_.data(), out[5].data(), n);

        using M = Measurement<T>;
        auto& e = m_.errors;
        for (std::size_t i = 0; i < n; ++i) {
            const T x = xs[i], dy = dy_[i];
            const Exact r = exact_values(x);
            const long double elu_dy = r.elu_grad * dy, silu_dy = r.silu_grad * dy;
            e[M::kernel_elu].add(ulp_error(out[0][i], r.elu), x, 1, out[0][i], r.elu);
            e[M::kernel_elu_grad].add(backward_error(out[1][i], r.elu_grad, T(1)), x, 1, out[1][i], r.elu_grad);
            e[M::kernel_elu_grad_dy].add(backward_error(out[2][i], elu_dy, dy), x, dy, out[2][i], elu_dy);
            e[M::kernel_silu].add(ulp_error(out[3][i], r.silu), x, 1, out[3][i], r.silu);
            e[M::kernel_silu_grad].add(backward_error(out[4][i], r.silu_grad, T(1)), x, 1, out[4][i], r.silu_grad);
            e[M::kernel_silu_grad_dy].add(backward_error(out[5][i], silu_dy, dy), x, dy, out[5][i], silu_dy);

            const T s_elu = elu(x), s_elu_grad = elu.backward(x, T(1)), s_elu_dy = elu.backward(x, dy);
            const T s_silu = silu(x), s_silu_grad = silu.backward(x, T(1)), s_silu_dy = silu.backward(x, dy);
            e[M::scalar_elu].add(ulp_error(s_elu, r.elu), x, 1, s_elu, r.elu);
            e[M::scalar_elu_grad].add(backward_error(s_elu_grad, r.elu_grad, T(1)), x, 1, s_elu_grad, r.elu_grad);
            e[M::scalar_elu_grad_dy].add(backward_error(s_elu_dy, elu_dy, dy), x, dy, s_elu_dy, elu_dy);
            e[M::scalar_silu].add(ulp_error(s_silu, r.silu), x, 1, s_silu, r.silu);
            e[M::scalar_silu_grad].add(backward_error(s_silu_grad, r.silu_grad, T(1)), x, 1, s_silu_grad, r.silu_grad);
            e[M::scalar_silu_grad_dy].add(backward_error(s_silu_dy, silu_dy, dy), x, dy, s_silu_dy, silu_dy);
        }
    }

    const Measurement<T>& result() const { return m_; }

private:
    std::mt19937_64 rng_;
    std::vector<T> dy_, ones_;
    Measurement<T> m_;
};

// Prints every maximum and asserts its bound, and the kernel's measured limit where it has one.
template <class T>
void report_and_check(const std::string& sweep, const Measurement<T>& m) {
    const char* type = sizeof(T) == 4 ? "float" : "double";
    for (const MaxError<T>& e : m.errors) {
        std::cout << "[accuracy] " << type << ", " << sweep << ": " << e.name << " max " << static_cast<double>(e.max)
                  << " (bound " << e.bound;
        if (e.limit > 0) std::cout << ", measured limit " << e.limit;
        std::cout << ", " << e.count << " inputs; worst x = " << show(e.worst_x)
                  << (e.name.find("random dy") != std::string::npos ? ", dy = " + show(e.worst_dy) : std::string())
                  << ": got " << show(e.worst_got) << ", exact " << show(e.worst_exact) << ")\n";
        INFO(type << ", " << sweep << ": " << e.name << ": max " << static_cast<double>(e.max) << " at x = " << show(e.worst_x)
                  << ", dy = " << show(e.worst_dy) << ": got " << show(e.worst_got) << ", exact " << show(e.worst_exact));
        CHECK(e.max <= e.bound);
        if (e.limit > 0) {
            INFO("above the kernel's measured maximum plus a margin, " << e.limit
                 << " (accuracy_bounds.hpp): the kernel has lost accuracy");
            CHECK(e.max <= e.limit);
        }
    }
    std::cout.flush();
}

// Feeds the meter in chunks from a generator of inputs.
template <class T>
class Chunker {
public:
    explicit Chunker(Meter<T>& meter) : meter_(meter) { buffer_.reserve(chunk); }
    void push(T x) {
        buffer_.push_back(x);
        if (buffer_.size() == chunk) flush();
    }
    void flush() {
        if (!buffer_.empty()) meter_.measure(buffer_);
        buffer_.clear();
    }
    ~Chunker() { flush(); }

private:
    static constexpr std::size_t chunk = 4096;
    Meter<T>& meter_;
    std::vector<T> buffer_;
};

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Every float whose bit pattern (sign included) lies between those of lo and hi, lo <= hi, both of
// the same sign, every `step`-th (every step·thinning-th under a sanitizer).
void every_float_between(Chunker<float>& c, float lo, float hi, std::uint64_t step = 1) {
    std::uint32_t a = std::bit_cast<std::uint32_t>(lo), b = std::bit_cast<std::uint32_t>(hi);
    if (a > b) std::swap(a, b);
    for (std::uint64_t bits = a; bits <= b; bits += step * thinning) c.push(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
}

// n doubles (n / thinning under a sanitizer) evenly spaced in bit pattern between lo and hi (same
// sign), endpoints included.
void doubles_between(Chunker<double>& c, double lo, double hi, std::uint64_t n) {
    std::uint64_t a = std::bit_cast<std::uint64_t>(lo), b = std::bit_cast<std::uint64_t>(hi);
    if (a > b) std::swap(a, b);
    const std::uint64_t step = std::max<std::uint64_t>(1, (b - a) / (n / thinning));
    for (std::uint64_t bits = a; bits <= b && bits >= a; bits += step) c.push(std::bit_cast<double>(bits));
    c.push(std::bit_cast<double>(b));
}

}  // namespace

TEST_CASE("accuracy: ELU and SiLU, float, every k-th float of all 2^32", "[accuracy][float]") {
    const std::uint64_t stride = std::max<std::uint64_t>(1, env_number("RECTIFY_ACCURACY_STRIDE", 401 * thinning));
    std::uint64_t shard = 0, shards = 1;
    if (const char* s = std::getenv("RECTIFY_ACCURACY_SHARD"); s && std::strchr(s, '/')) {
        shard = std::strtoull(s, nullptr, 10);
        shards = std::max<std::uint64_t>(1, std::strtoull(std::strchr(s, '/') + 1, nullptr, 10));
    }
    Meter<float> meter(1);
    {
        Chunker<float> c(meter);
        // Interleaved shards of 2^16 consecutive samples each.
        std::uint64_t sample = 0;
        for (std::uint64_t bits = 0; bits <= 0xffffffffull; bits += stride, ++sample)
            if ((sample >> 16) % shards == shard) c.push(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
    }
    report_and_check("every " + std::to_string(stride) + "-th bit pattern" +
                         (shards > 1 ? " (shard " + std::to_string(shard) + "/" + std::to_string(shards) + ")" : ""),
                     meter.result());
}

TEST_CASE("accuracy: ELU and SiLU, float, every float of the critical zones", "[accuracy][float]") {
    Meter<float> meter(2);
    {
        Chunker<float> c(meter);
        // Around zero (expm1 and the sigmoid's linear regime, denormals): every 977th float of
        // [-2^-10, 2^-10], about 2 million values.
        every_float_between(c, 0.0f, 0x1p-10f, 977);
        every_float_between(c, -0.0f, -0x1p-10f, 977);
        // Left of -85: exp(x) leaves the normal range (-87.3), silu's result turns denormal and
        // then rounds to -0 (-103.97 and beyond); the gradients' flush points.
        every_float_between(c, -85.0f, -110.0f);
        // Right of 85: exp(-x) underflows for silu; exp(x) would overflow at 88.72.
        every_float_between(c, 85.0f, 90.0f);
        // expm1 rounds to -1 and 1 - s(x) = s(-x) falls below eps near |x| = 17.
        every_float_between(c, -15.0f, -20.0f);
        every_float_between(c, 15.0f, 20.0f, 3);
        // SiLU's gradient crosses zero at x = -1.2785 (absolute error there is relative to dy).
        every_float_between(c, -1.25f, -1.3125f);
    }
    report_and_check("critical zones, every float", meter.result());
}

TEST_CASE("accuracy: ELU and SiLU, double, every binade", "[accuracy][double]") {
    Meter<double> meter(3);
    {
        Chunker<double> c(meter);
        std::mt19937_64 rng(4);
        // Every binade [2^e, 2^(e+1)) from the denormals (e = -1074) to the largest, both signs:
        // its two ends and 1024 random mantissas.
        for (int e = -1074; e <= 1023; ++e) {
            const double lo = std::ldexp(1.0, e);
            const std::uint64_t lo_bits = std::bit_cast<std::uint64_t>(lo);
            const std::uint64_t span = std::bit_cast<std::uint64_t>(e == 1023 ? std::numeric_limits<double>::max()
                                                                                : std::ldexp(1.0, e + 1)) -
                                       lo_bits;
            for (std::uint64_t k = 0; k < 2 + 1024 / thinning; ++k) {
                const std::uint64_t offset = k == 0 ? 0 : k == 1 ? span - 1 : rng() % span;
                const double v = std::bit_cast<double>(lo_bits + offset);
                c.push(v);
                c.push(-v);
            }
        }
        for (double v : {0.0, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN()})
            c.push(v);
        // Denser where the functions do something: |x| in [2^-30, 2^10), 2^14 values per binade.
        for (int e = -30; e < 10; ++e) {
            doubles_between(c, std::ldexp(1.0, e), std::ldexp(1.0, e + 1), 1 << 14);
            doubles_between(c, -std::ldexp(1.0, e), -std::ldexp(1.0, e + 1), 1 << 14);
        }
    }
    report_and_check("every binade", meter.result());
}

TEST_CASE("accuracy: ELU and SiLU, double, overflow and underflow zones", "[accuracy][double]") {
    Meter<double> meter(5);
    {
        Chunker<double> c(meter);
        constexpr std::uint64_t n = 1 << 19;
        // exp(x) turns denormal at -708.4 and rounds to 0 at -745.13; silu's result is denormal
        // below -708 and rounds to -0 near -751.8.
        doubles_between(c, -700.0, -760.0, 4 * n);
        // exp(-x) underflows for silu on the right; exp(x) overflows at 709.78.
        doubles_between(c, 700.0, 712.0, n);
        // expm1 rounds to -1 and 1 - s(x) falls below eps near |x| = 37.
        doubles_between(c, -35.0, -40.0, n);
        doubles_between(c, 35.0, 40.0, n);
        // Around zero, and SiLU's gradient's zero at -1.2785.
        doubles_between(c, 0.0, 0x1p-10, n);
        doubles_between(c, -0.0, -0x1p-10, n);
        doubles_between(c, -1.25, -1.3125, n);
    }
    report_and_check("overflow/underflow zones", meter.result());
}
