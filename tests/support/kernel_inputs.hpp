// Inputs and buffers for the kernel tests: NaN-poisoned output buffers whose untouched elements
// can be recognised bit for bit, and random inputs mixed with the values kernels get wrong
// (±0, ±inf, NaN, denormals, tiny values, the exp overflow/underflow zones).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

namespace rectify_test {

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// A quiet NaN with a payload no arithmetic produces (default NaNs have an all-zero payload), so
// "still poisoned" is a bit comparison: a kernel that writes any value, even a NaN, past the end
// of its output is caught.
template <class T>
T poison() {
    if constexpr (sizeof(T) == 4) return std::bit_cast<T>(std::uint32_t{0x7fc0dead});
    else return std::bit_cast<T>(std::uint64_t{0x7ff8'0000'dead'beefull});
}
template <class T>
bool is_poison(T v) { return std::bit_cast<bits_of<T>>(v) == std::bit_cast<bits_of<T>>(poison<T>()); }

// The values around which exp, expm1 and the sigmoid change regime, for T:
//   float:  exp overflows above 88.72, exp(x) leaves the normal range below -87.3 and the
//           denormals below -103.97; s(-x) = 1 - s(x) loses all bits of 1 - s near 17;
//   double: the same at 709.78, -708.4, -745.13 and 37.
template <class T>
std::array<T, 4> exp_zone_centres() {
    if constexpr (sizeof(T) == 4) return {T(88), T(103), T(17), T(87.3)};
    else return {T(709), T(745), T(37), T(708.4)};
}

// Special values every kernel must handle, both signs.
template <class T>
std::vector<T> special_values() {
    using L = std::numeric_limits<T>;
    std::vector<T> v = {T(0),          T(1),           T(0.5),        T(2),        T(1e-8),
                        L::infinity(), L::denorm_min(), L::min(),     L::min() / 2, T(3) * L::denorm_min(),
                        L::epsilon(),  T(0.1),          L::max()};
    for (T c : exp_zone_centres<T>()) v.push_back(c);
    const std::size_t n = v.size();
    for (std::size_t i = 0; i < n; ++i) v.push_back(-v[i]);
    v.push_back(L::quiet_NaN());
    v.push_back(-L::quiet_NaN());
    return v;
}

// Random inputs: about a quarter specials, a quarter in the exp zones (centre ± 3), a quarter in
// [-10, 10], a quarter spread over the whole exponent range (tiny and huge magnitudes).
template <class T>
class InputGenerator {
public:
    explicit InputGenerator(std::uint64_t seed) : rng_(seed), specials_(special_values<T>()) {}
    // With an activation's own special inputs (breakpoint_inputs below) among the specials.
    InputGenerator(std::uint64_t seed, const std::vector<T>& extra_specials) : InputGenerator(seed) {
        specials_.insert(specials_.end(), extra_specials.begin(), extra_specials.end());
    }

    T operator()() {
        std::uniform_int_distribution<int> kind(0, 3);
        switch (kind(rng_)) {
        case 0: return specials_[std::uniform_int_distribution<std::size_t>(0, specials_.size() - 1)(rng_)];
        case 1: {
            const auto centres = exp_zone_centres<T>();
            const T c = centres[std::uniform_int_distribution<std::size_t>(0, centres.size() - 1)(rng_)];
            const T v = c + std::uniform_real_distribution<T>(T(-3), T(3))(rng_);
            return coin() ? v : -v;
        }
        case 2: return std::uniform_real_distribution<T>(T(-10), T(10))(rng_);
        default: return wide();
        }
    }

    // A finite number of any magnitude from denormal to max, with a random sign: random bits
    // below the exponent field. NaN and inf are redrawn.
    T wide() {
        for (;;) {
            const bits_of<T> b = std::uniform_int_distribution<bits_of<T>>()(rng_);
            const T v = std::bit_cast<T>(b);
            if (std::isfinite(v)) return v;
        }
    }

    // An upstream gradient: specials (±0, ±inf, NaN, ±1, denormals) a quarter of the time,
    // otherwise a moderate magnitude, so dx = f'(x)·dy neither overflows nor sinks into the
    // denormals by accident (those are tested on purpose through the specials).
    T gradient() {
        static const T picks[] = {T(0), -T(0), T(1), T(-1), std::numeric_limits<T>::infinity(),
                                  -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN(),
                                  std::numeric_limits<T>::denorm_min(), -std::numeric_limits<T>::min()};
        if (std::uniform_int_distribution<int>(0, 3)(rng_) == 0)
            return picks[std::uniform_int_distribution<std::size_t>(0, std::size(picks) - 1)(rng_)];
        const T mag = std::ldexp(std::uniform_real_distribution<T>(T(1), T(2))(rng_),
                                 std::uniform_int_distribution<int>(-20, 20)(rng_));
        return coin() ? mag : -mag;
    }

    // A moderate value (|v| in [2^-30, 2^30]) or ±0 / ±inf / NaN / a denormal, for sums of
    // products that must not overflow in double (PReLU's dweight).
    T moderate() {
        if (std::uniform_int_distribution<int>(0, 7)(rng_) == 0) {
            static const T picks[] = {T(0), -T(0), std::numeric_limits<T>::denorm_min(), -std::numeric_limits<T>::min(),
                                      std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                                      std::numeric_limits<T>::quiet_NaN()};
            return picks[std::uniform_int_distribution<std::size_t>(0, std::size(picks) - 1)(rng_)];
        }
        const T mag = std::ldexp(std::uniform_real_distribution<T>(T(1), T(2))(rng_),
                                 std::uniform_int_distribution<int>(-30, 30)(rng_));
        return coin() ? mag : -mag;
    }

    bool coin() { return std::uniform_int_distribution<int>(0, 1)(rng_) == 1; }
    std::mt19937_64& engine() { return rng_; }

private:
    std::mt19937_64 rng_;
    std::vector<T> specials_;
};

// The special values plus a grid over the exp zones (steps of 1/4 around each centre, both signs)
// and a few powers of two: inputs for tests that try every pair (x, dy).
template <class T>
std::vector<T> special_grid() {
    std::vector<T> v = special_values<T>();
    for (T c : exp_zone_centres<T>())
        for (int k = -12; k <= 12; ++k) {
            v.push_back(c + T(k) / 4);
            v.push_back(-(c + T(k) / 4));
        }
    for (T e : {T(-100), T(-30), T(-1), T(1), T(30), T(100)}) {
        v.push_back(std::ldexp(T(1.5), static_cast<int>(e)));
        v.push_back(-std::ldexp(T(1.5), static_cast<int>(e)));
    }
    return v;
}

// An activation's breakpoints (references.hpp: kinks, thresholds, clamp bounds) as inputs of T: each
// point and its two neighbours.
template <class T>
std::vector<T> breakpoint_inputs(const std::vector<double>& points) {
    std::vector<T> v;
    for (const double p : points) {
        const T t = static_cast<T>(p);
        v.push_back(t);
        v.push_back(std::nextafter(t, -std::numeric_limits<T>::infinity()));
        v.push_back(std::nextafter(t, std::numeric_limits<T>::infinity()));
    }
    return v;
}

// PReLU's definition as the obvious loop over x viewed as [outer][channels][inner]: y, dx and the
// exact dweight (long double sums), for comparison with the kernels.
template <class T>
struct PreluReference {
    std::vector<T> y, dx;
    std::vector<long double> dweight, abs_sum;  // exact sum of x·dy per weight, and of |x·dy|
    std::vector<std::size_t> terms;             // number of products in each sum

    PreluReference(const T* x, const T* w, std::size_t nw, const T* dy, std::size_t outer, std::size_t channels,
                   std::size_t inner)
        : y(outer * channels * inner), dx(y.size()), dweight(nw, 0.0L), abs_sum(nw, 0.0L), terms(nw, 0) {
        for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t c = 0; c < channels; ++c)
                for (std::size_t i = 0; i < inner; ++i) {
                    const std::size_t k = (o * channels + c) * inner + i;
                    const std::size_t wi = nw == 1 ? 0 : c;
                    y[k] = x[k] > 0 ? x[k] : w[wi] * x[k];
                    dx[k] = x[k] > 0 ? dy[k] : w[wi] * dy[k];
                    if (!(x[k] > 0)) {
                        // The contract accumulates in double: a product beyond double's range is
                        // that infinity (only possible for T = double).
                        long double p = static_cast<long double>(x[k]) * dy[k];
                        if (std::isinf(static_cast<double>(p))) p = static_cast<double>(p);
                        dweight[wi] += p;
                        abs_sum[wi] += std::fabs(p);
                        ++terms[wi];
                    }
                }
    }

    // The contract (docs/SEMANTICS.md): within 2·eps·Σ|x·dy| of the exact sum. Added: one denorm_min per
    // product, the resolution of products and sums that fall into the denormals.
    long double dweight_bound(std::size_t c) const {
        return 2.0L * std::numeric_limits<T>::epsilon() * abs_sum[c] +
               terms[c] * static_cast<long double>(std::numeric_limits<T>::denorm_min());
    }
    bool dweight_ok(std::size_t c, T got) const {
        const long double exact = dweight[c];
        // Beyond T's range the rounded sum is the infinity of its sign.
        const T rounded = static_cast<T>(exact);
        if (std::isnan(exact)) return std::isnan(got);
        if (std::isinf(rounded)) return got == rounded;
        return std::isfinite(got) && std::fabs(got - exact) <= dweight_bound(c);
    }
};

}  // namespace rectify_test

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace rectify_test {

// A value as a test message shows it: shortest round-trip decimal and the exact hex float.
template <class T>
std::string show(T v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.*g (%a)", sizeof(T) == 4 ? 9 : 17, static_cast<double>(v), static_cast<double>(v));
    return buf;
}
inline std::string show(long double v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.21Lg", v);
    return buf;
}

// Counts the mismatches of a loop that checks millions of elements, keeps the first few
// descriptions, and reports them through Catch at the end (one assertion per loop, not one per
// element: Catch's per-assertion cost would dominate the run time).
class Failures {
public:
    explicit Failures(std::string what, std::size_t keep = 8) : what_(std::move(what)), keep_(keep) {}
    template <class Describe>
    void check(bool ok, Describe&& describe) {
        if (ok) return;
        if (first_.size() < keep_) first_.push_back(describe());
        ++count_;
    }
    std::size_t count() const { return count_; }
    const std::string& what() const { return what_; }
    const std::vector<std::string>& first() const { return first_; }

private:
    std::string what_;
    std::size_t keep_;
    std::size_t count_ = 0;
    std::vector<std::string> first_;
};

// One Catch assertion for a whole loop: passes when nothing failed, otherwise shows the count and
// the first descriptions.
inline void check_no_failures(const Failures& f) {
    for (const std::string& line : f.first()) UNSCOPED_INFO(f.what() << ": " << line);
    INFO(f.what() << ": " << f.count() << " mismatching elements");
    CHECK(f.count() == 0);
}

}  // namespace rectify_test
