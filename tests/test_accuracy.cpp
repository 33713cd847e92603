// Accuracy of every activation of include/rectify/activations/list.hpp, with each parameter set of
// tests/support/references.hpp, forward and backward, float and double: the SIMD kernels and the
// scalar math of the activation types against the references of tests/support/references.hpp (long
// double, independent of the library's math).
//
// The bounds asserted here are docs/ACCURACY.md's:
//   exact activations (forward_ulp_bound() == 0): the kernel and the scalar math give the reference's
//             bits (PyTorch's values), forward and backward; the maxima printed are ULP distances;
//   the others, forward: within the type's forward_ulp_bound() ULP of the exact result, results in
//             the denormal range in multiples of denorm_min;
//   backward: |dx - exact| <= C * (eps * max(|exact|, |dy|) + denorm_min), C = 4
//             (support/accuracy_bounds.hpp), with dy = 1 and with a random dy (|dy| in [2^-20, 2^21),
//             random sign).
// Where references.hpp gives a kernel's measured backward maxima (ELU with alpha 1, SiLU), the kernel
// is also held to them (plus a margin, accuracy_bounds.hpp), far below the documented C, so that a
// kernel that loses a few ULPs fails.
// Each test prints the measured maxima ("[accuracy] ..." lines on stdout, one per activation,
// parameter set, path and measure) so docs/ACCURACY.md quotes measured numbers.
//
// Inputs, every activation and parameter set on each:
//   float:  every k-th bit pattern of all 2^32 (k = 401 by default, about 10.7 million values; the
//           environment variable RECTIFY_ACCURACY_STRIDE=1 makes it exhaustive, and
//           RECTIFY_ACCURACY_SHARD=i/N runs the i-th of N interleaved parts, for parallel runs),
//           plus every float of the zones where exp and the sigmoid change regime and around each
//           activation's breakpoints;
//   double: the special values, every binade from the denormals to the overflow (random mantissas),
//           dense sweeps of the overflow/underflow zones and of the breakpoints, and random values
//           in [-40, 40] (2^20; RECTIFY_ACCURACY_RANDOM=n makes it 2^n).
// The parameter sets after an activation's first see every 4th input of each sweep
// (RECTIFY_ACCURACY_VARIANTS=n: every n-th; 1: all of them).
// RECTIFY_ACCURACY_ONLY=<text> measures only the activations and parameter sets whose name contains
// the text ("ELU alpha 2", "SiLU"), to iterate on one.
// Under AddressSanitizer every sweep is 8 times sparser (see `thinning`).
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "support/accuracy_bounds.hpp"
#include "support/kernel_inputs.hpp"
#include "support/references.hpp"
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

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
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

// Distance of `got` from the exact activations' expected bits, in ULPs (0: the same value; NaN: any NaN).
template <class T>
long double bits_error(T got, T want) {
    if (same_value(got, want)) return 0;
    const std::uint64_t d = ulp_distance(got, want);
    // +0 against -0: the same value to ulp_distance, not the same bits.
    return d == 0 ? 1.0L : static_cast<long double>(d);
}

// One activation with one parameter set, measured on a sweep: {kernel, scalar math} × {forward,
// backward dy = 1, backward random dy}.
// The parameter sets after an activation's first (its default) see every 4th input of each sweep
// (RECTIFY_ACCURACY_VARIANTS=1: every input): they run the same code paths with other constants,
// and rectify_exhaustive proves each of them over all floats.
std::size_t variant_thinning() { return std::max<std::uint64_t>(1, env_number("RECTIFY_ACCURACY_VARIANTS", 4)); }

template <class T>
class Subject {
public:
    explicit Subject(std::size_t every) : every_(every) {}
    virtual ~Subject() = default;
    // Every every()-th input of a sweep is measured.
    std::size_t every() const { return every_; }
    virtual const std::string& name() const = 0;
    virtual void measure(const std::vector<T>& xs, const std::vector<T>& ones, const std::vector<T>& dy) = 0;
    virtual const std::vector<MaxError<T>>& errors() const = 0;

private:
    std::size_t every_;
};

template <class T, class Act>
class ActivationSubject final : public Subject<T> {
public:
    ActivationSubject(const Case<Act>& c, std::size_t every) : Subject<T>(every), name_(case_name(c)), act_(c.act) {
        const char* kinds[] = {"forward (ULP)", "backward, dy = 1 (C)", "backward, random dy (C)"};
        constexpr bool exact = exact_reference<Act>;
        const double b[] = {exact ? 0.0 : act_.forward_ulp_bound(), exact ? 0.0 : backward_c<T>(),
                            exact ? 0.0 : backward_c<T>()};
        for (const char* path : {"kernel", "scalar math"})
            for (int k = 0; k < 3; ++k) errors_.push_back({name_ + ", " + path + " " + kinds[k], b[k]});
        const bounds::BackwardLimits measured = measured_backward<Act, T>(act_);
        errors_[1].limit = measured.dy_one;
        errors_[2].limit = measured.random_dy;
    }

    const std::string& name() const override { return name_; }
    const std::vector<MaxError<T>>& errors() const override { return errors_; }

    void measure(const std::vector<T>& xs, const std::vector<T>& ones, const std::vector<T>& dy) override {
        const std::size_t n = xs.size();
        for (auto& o : out_) o.resize(n);
        rectify::forward(act_, xs.data(), out_[0].data(), n);
        rectify::backward(act_, xs.data(), ones.data(), out_[1].data(), n);
        rectify::backward(act_, xs.data(), dy.data(), out_[2].data(), n);
        auto& e = errors_;
        for (std::size_t i = 0; i < n; ++i) {
            const T x = xs[i], d = dy[i];
            const T s_forward = act_(x), s_grad = act_.backward(x, T(1)), s_grad_dy = act_.backward(x, d);
            if constexpr (exact_reference<Act>) {
                using R = activation_reference<Act>;
                const T want = R::forward_bits(act_, x), want_grad = R::backward_bits(act_, x, T(1)),
                        want_grad_dy = R::backward_bits(act_, x, d);
                e[0].add(bits_error(out_[0][i], want), x, 1, out_[0][i], want);
                e[1].add(bits_error(out_[1][i], want_grad), x, 1, out_[1][i], want_grad);
                e[2].add(bits_error(out_[2][i], want_grad_dy), x, d, out_[2][i], want_grad_dy);
                e[3].add(bits_error(s_forward, want), x, 1, s_forward, want);
                e[4].add(bits_error(s_grad, want_grad), x, 1, s_grad, want_grad);
                e[5].add(bits_error(s_grad_dy, want_grad_dy), x, d, s_grad_dy, want_grad_dy);
            } else {
                // For float, the references in double (their error is some 2^-29 of a float ULP,
                // and double's exp is faster than long double's); for double, in long double.
                using Ref = std::conditional_t<sizeof(T) == sizeof(float), double, long double>;
                const long double f = reference_forward<Ref>(act_, x);
                const long double g = reference_derivative<Ref>(act_, x);
                const long double g_dy = g * d;
                e[0].add(ulp_error(out_[0][i], f), x, 1, out_[0][i], f);
                e[1].add(backward_error(out_[1][i], g, T(1)), x, 1, out_[1][i], g);
                e[2].add(backward_error(out_[2][i], g_dy, d), x, d, out_[2][i], g_dy);
                e[3].add(ulp_error(s_forward, f), x, 1, s_forward, f);
                e[4].add(backward_error(s_grad, g, T(1)), x, 1, s_grad, g);
                e[5].add(backward_error(s_grad_dy, g_dy, d), x, d, s_grad_dy, g_dy);
            }
        }
    }

private:
    std::string name_;
    Act act_;
    std::vector<MaxError<T>> errors_;
    std::vector<T> out_[3];
};

// Every parameter set of every listed activation (those RECTIFY_ACCURACY_ONLY names).
template <class T, class... Acts>
std::vector<std::unique_ptr<Subject<T>>> subjects_of(rectify::detail::activation_list<Acts...>) {
    const char* only = std::getenv("RECTIFY_ACCURACY_ONLY");
    std::vector<std::unique_ptr<Subject<T>>> s;
    const auto add = [&]<class Act>(const std::vector<Case<Act>>& cs) {
        for (std::size_t k = 0; k < cs.size(); ++k)
            if (!only || !*only || case_name(cs[k]).find(only) != std::string::npos)
                s.push_back(std::make_unique<ActivationSubject<T, Act>>(cs[k], k == 0 ? 1 : variant_thinning()));
    };
    (add(cases<Acts>()), ...);
    return s;
}

// Every breakpoint of every parameter set of every listed activation, as inputs of T (with neighbours).
template <class T, class... Acts>
std::vector<T> all_breakpoints(rectify::detail::activation_list<Acts...>) {
    std::vector<T> v;
    const auto add = [&]<class Act>(const std::vector<Case<Act>>& cs) {
        for (const Case<Act>& c : cs)
            for (const T b : breakpoint_inputs<T>(breakpoints(c.act))) v.push_back(b);
    };
    (add(cases<Acts>()), ...);
    return v;
}

// Measures every subject on the inputs pushed (in chunks, through the array kernels), then reports.
template <class T>
class Meter {
public:
    explicit Meter(std::uint64_t seed) : rng_(seed), subjects_(subjects_of<T>(rectify::detail::all_activations{})) {
        buffer_.reserve(chunk);
    }
    Meter(const Meter&) = delete;

    void push(T x) {
        buffer_.push_back(x);
        if (buffer_.size() == chunk) flush();
    }
    // The special values and every listed activation's breakpoints (and their neighbours).
    void push_specials() {
        for (const T v : special_values<T>()) push(v);
        for (const T v : all_breakpoints<T>(rectify::detail::all_activations{})) {
            push(v);
            push(-v);
        }
    }
    void flush() {
        if (buffer_.empty()) return;
        const std::size_t n = buffer_.size();
        dy_.resize(n);
        ones_.assign(n, T(1));
        std::uniform_int_distribution<int> exponent(-20, 20);
        std::uniform_real_distribution<T> mantissa(T(1), T(2));
        for (T& d : dy_) {
            const T v = std::ldexp(mantissa(rng_), exponent(rng_));
            d = (rng_() & 1) ? v : -v;
        }
        for (auto& s : subjects_) {
            if (s->every() == 1) {
                s->measure(buffer_, ones_, dy_);
                continue;
            }
            thin_x_.clear();
            thin_dy_.clear();
            for (std::size_t i = (s->every() - offset_ % s->every()) % s->every(); i < n; i += s->every()) {
                thin_x_.push_back(buffer_[i]);
                thin_dy_.push_back(dy_[i]);
            }
            thin_ones_.assign(thin_x_.size(), T(1));
            s->measure(thin_x_, thin_ones_, thin_dy_);
        }
        offset_ += n;
        buffer_.clear();
    }

    // Prints every maximum and asserts its bound, and the kernel's measured limit where it has one.
    void report_and_check(const std::string& sweep) {
        flush();
        const char* type = sizeof(T) == 4 ? "float" : "double";
        for (const auto& s : subjects_) {
            for (const MaxError<T>& e : s->errors()) {
                std::cout << "[accuracy] " << type << ", " << sweep << ": " << e.name << " max "
                          << static_cast<double>(e.max) << " (bound " << e.bound;
                if (e.limit > 0) std::cout << ", measured limit " << e.limit;
                std::cout << ", " << e.count << " inputs; worst x = " << show(e.worst_x)
                          << (e.name.find("random dy") != std::string::npos ? ", dy = " + show(e.worst_dy) : std::string())
                          << ": got " << show(e.worst_got) << ", exact " << show(e.worst_exact) << ")\n";
                INFO(type << ", " << sweep << ": " << e.name << ": max " << static_cast<double>(e.max)
                          << " at x = " << show(e.worst_x) << ", dy = " << show(e.worst_dy) << ": got " << show(e.worst_got)
                          << ", exact " << show(e.worst_exact));
                CHECK(e.max <= e.bound);
                if (e.limit > 0) {
                    INFO("above the kernel's measured maximum plus a margin, " << e.limit
                         << " (accuracy_bounds.hpp): the kernel has lost accuracy");
                    CHECK(e.max <= e.limit);
                }
            }
        }
        std::cout.flush();
    }

private:
    static constexpr std::size_t chunk = 4096;
    std::mt19937_64 rng_;
    std::vector<std::unique_ptr<Subject<T>>> subjects_;
    std::vector<T> buffer_, dy_, ones_, thin_x_, thin_dy_, thin_ones_;
    std::size_t offset_ = 0;  // inputs measured so far
};

// Every float whose bit pattern (sign included) lies between those of lo and hi, lo <= hi, both of
// the same sign, every `step`-th (every step·thinning-th under a sanitizer).
void every_float_between(Meter<float>& m, float lo, float hi, std::uint64_t step = 1) {
    std::uint32_t a = std::bit_cast<std::uint32_t>(lo), b = std::bit_cast<std::uint32_t>(hi);
    if (a > b) std::swap(a, b);
    for (std::uint64_t bits = a; bits <= b; bits += step * thinning) m.push(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
}

// n doubles (n / thinning under a sanitizer) evenly spaced in bit pattern between lo and hi (same
// sign), endpoints included.
void doubles_between(Meter<double>& m, double lo, double hi, std::uint64_t n) {
    std::uint64_t a = std::bit_cast<std::uint64_t>(lo), b = std::bit_cast<std::uint64_t>(hi);
    if (a > b) std::swap(a, b);
    const std::uint64_t step = std::max<std::uint64_t>(1, (b - a) / std::max<std::uint64_t>(1, n / thinning));
    for (std::uint64_t bits = a; bits <= b && bits >= a; bits += step) m.push(std::bit_cast<double>(bits));
    m.push(std::bit_cast<double>(b));
}

// The floats (2^12 patterns each side) and doubles (2^14) around every breakpoint of every listed
// activation, both signs.
void around_breakpoints(Meter<float>& m) {
    for (const float b : all_breakpoints<float>(rectify::detail::all_activations{}))
        for (const float v : {b, -b}) {
            const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
            const std::uint32_t lo = (bits & 0x7fffffffu) < 4096 ? bits & 0x80000000u : bits - 4096;
            every_float_between(m, std::bit_cast<float>(lo), std::bit_cast<float>(bits + 4096), 7);
        }
}
void around_breakpoints(Meter<double>& m) {
    for (const double b : all_breakpoints<double>(rectify::detail::all_activations{}))
        for (const double v : {b, -b}) {
            const double width = std::max(1.0, std::fabs(v)) * 0x1p-30;
            if (v >= width) doubles_between(m, v - width, v + width, 1 << 11);
            else if (v <= -width) doubles_between(m, v + width, v - width, 1 << 11);
        }
}

}  // namespace

TEST_CASE("accuracy: the forward bounds of the types are those of the references and of accuracy_bounds.hpp",
          "[accuracy]") {
    // An exact reference (bits) exactly where the type promises bit-exact values.
    const auto check = []<class Act>(const std::vector<Case<Act>>& cs) {
        for (const Case<Act>& c : cs) {
            INFO(case_name(c) << ": forward_ulp_bound() = " << c.act.forward_ulp_bound()
                              << "; references.hpp gives " << (exact_reference<Act> ? "bits" : "a bounded reference"));
            CHECK((c.act.forward_ulp_bound() == 0.0) == exact_reference<Act>);
        }
    };
    [&]<class... Acts>(rectify::detail::activation_list<Acts...>) { (check(cases<Acts>()), ...); }(
        rectify::detail::all_activations{});
    CHECK(rectify::ELU{}.forward_ulp_bound() == bounds::elu_forward_ulp_float);
    CHECK(rectify::ELU{}.forward_ulp_bound() == bounds::elu_forward_ulp_double);
    CHECK(rectify::SiLU{}.forward_ulp_bound() == bounds::silu_forward_ulp_float);
    CHECK(rectify::SiLU{}.forward_ulp_bound() == bounds::silu_forward_ulp_double);
}

TEST_CASE("accuracy: every activation, float, every k-th float of all 2^32", "[accuracy][float]") {
    const std::uint64_t stride = std::max<std::uint64_t>(1, env_number("RECTIFY_ACCURACY_STRIDE", 401 * thinning));
    std::uint64_t shard = 0, shards = 1;
    if (const char* s = std::getenv("RECTIFY_ACCURACY_SHARD"); s && std::strchr(s, '/')) {
        shard = std::strtoull(s, nullptr, 10);
        shards = std::max<std::uint64_t>(1, std::strtoull(std::strchr(s, '/') + 1, nullptr, 10));
    }
    Meter<float> meter(1);
    // Interleaved shards of 2^16 consecutive samples each.
    std::uint64_t sample = 0;
    for (std::uint64_t bits = 0; bits <= 0xffffffffull; bits += stride, ++sample)
        if ((sample >> 16) % shards == shard) meter.push(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
    meter.report_and_check("every " + std::to_string(stride) + "-th bit pattern" +
                           (shards > 1 ? " (shard " + std::to_string(shard) + "/" + std::to_string(shards) + ")" : ""));
}

TEST_CASE("accuracy: every activation, float, special values, breakpoints and every float of the critical zones",
          "[accuracy][float]") {
    Meter<float> meter(2);
    meter.push_specials();
    around_breakpoints(meter);
    // Around zero (expm1 and the sigmoid's linear regime, denormals): every 977th float of
    // [-2^-10, 2^-10], about 2 million values.
    every_float_between(meter, 0.0f, 0x1p-10f, 977);
    every_float_between(meter, -0.0f, -0x1p-10f, 977);
    // Left of -85: exp(x) leaves the normal range (-87.3), silu's result turns denormal and
    // then rounds to -0 (-103.97 and beyond); the gradients' flush points.
    every_float_between(meter, -85.0f, -110.0f);
    // Right of 85: exp(-x) underflows for silu; exp(x) would overflow at 88.72.
    every_float_between(meter, 85.0f, 90.0f);
    // expm1 rounds to -1 and 1 - s(x) = s(-x) falls below eps near |x| = 17.
    every_float_between(meter, -15.0f, -20.0f);
    every_float_between(meter, 15.0f, 20.0f, 3);
    // SiLU's gradient crosses zero at x = -1.2785 (absolute error there is relative to dy).
    every_float_between(meter, -1.25f, -1.3125f);
    meter.report_and_check("special values, breakpoints and critical zones, every float");
}

TEST_CASE("accuracy: every activation, double, special values and every binade", "[accuracy][double]") {
    Meter<double> meter(3);
    meter.push_specials();
    std::mt19937_64 rng(4);
    // Every binade [2^e, 2^(e+1)) from the denormals (e = -1074) to the largest, both signs:
    // its two ends and 1024 random mantissas.
    for (int e = -1074; e <= 1023; ++e) {
        const double lo = std::ldexp(1.0, e);
        const std::uint64_t lo_bits = std::bit_cast<std::uint64_t>(lo);
        const std::uint64_t span =
            std::bit_cast<std::uint64_t>(e == 1023 ? std::numeric_limits<double>::max() : std::ldexp(1.0, e + 1)) - lo_bits;
        for (std::uint64_t k = 0; k < 2 + 1024 / thinning; ++k) {
            const std::uint64_t offset = k == 0 ? 0 : k == 1 ? span - 1 : rng() % span;
            const double v = std::bit_cast<double>(lo_bits + offset);
            meter.push(v);
            meter.push(-v);
        }
    }
    for (double v : {0.0, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()})
        meter.push(v);
    // Denser where the functions do something: |x| in [2^-30, 2^10), 2^14 values per binade.
    for (int e = -30; e < 10; ++e) {
        doubles_between(meter, std::ldexp(1.0, e), std::ldexp(1.0, e + 1), 1 << 14);
        doubles_between(meter, -std::ldexp(1.0, e), -std::ldexp(1.0, e + 1), 1 << 14);
    }
    meter.report_and_check("special values and every binade");
}

TEST_CASE("accuracy: every activation, double, overflow and underflow zones and breakpoints", "[accuracy][double]") {
    Meter<double> meter(5);
    constexpr std::uint64_t n = 1 << 19;
    around_breakpoints(meter);
    // exp(x) turns denormal at -708.4 and rounds to 0 at -745.13; silu's result is denormal
    // below -708 and rounds to -0 near -751.8.
    doubles_between(meter, -700.0, -760.0, 4 * n);
    // exp(-x) underflows for silu on the right; exp(x) overflows at 709.78.
    doubles_between(meter, 700.0, 712.0, n);
    // expm1 rounds to -1 and 1 - s(x) falls below eps near |x| = 37.
    doubles_between(meter, -35.0, -40.0, n);
    doubles_between(meter, 35.0, 40.0, n);
    // Around zero, and SiLU's gradient's zero at -1.2785.
    doubles_between(meter, 0.0, 0x1p-10, n);
    doubles_between(meter, -0.0, -0x1p-10, n);
    doubles_between(meter, -1.25, -1.3125, n);
    meter.report_and_check("overflow/underflow zones and breakpoints");
}

TEST_CASE("accuracy: every activation, double, random values in [-40, 40]", "[accuracy][double]") {
    const std::uint64_t count = std::uint64_t{1} << std::min<std::uint64_t>(40, env_number("RECTIFY_ACCURACY_RANDOM", 20));
    Meter<double> meter(6);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> uniform(-40.0, 40.0);
    for (std::uint64_t k = 0; k < count / thinning; ++k) meter.push(uniform(rng));
    meter.report_and_check(std::to_string(count / thinning) + " random values in [-40, 40]");
}
