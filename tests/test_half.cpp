// bfloat16 and half storage (rectify/half.hpp): the types, their conversions on every one of the
// 65,536 bit patterns, and every kernel on every pattern. Compiled twice (tests/CMakeLists.txt): in
// rectify_tests with the SIMD arch of the build (the vector conversions: integer shifts for
// bfloat16, F16C for half where the arch has it) and in rectify_tests_scalar with RECTIFY_NO_SIMD;
// both are held to the same references, so both paths give the same bits.
//
// Every activation of include/rectify/activations/list.hpp, with each parameter set of
// tests/support/references.hpp, goes through the 16-bit kernels on every pattern (a test case per
// activation, generated from the list). The reference of a kernel on 16-bit x is the activation's
// float scalar math on the widened value, rounded once to the 16-bit type: S(f(float(x))). The exact
// activations (forward_ulp_bound() == 0: ReLU, Leaky ReLU, the piecewise ones; and PReLU) must give it
// bit for bit; the others, whose float kernels are within their float bounds of the exact value but
// not always the float scalar math's bits, give it bit for bit or else the rounding of some value
// within those float bounds of the exact one, which is within one 16-bit ULP of the reference. The
// measured distances are printed.
#include <rectify/rectify.hpp>

#include <Eigen/Core>
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "support/accuracy_bounds.hpp"
#include "support/kernel_inputs.hpp"
#include "support/references.hpp"
#include "support/test_support.hpp"

namespace {

using namespace rectify_test;
using rectify::bfloat16;
using rectify::half;

static_assert(sizeof(bfloat16) == 2 && sizeof(half) == 2);
static_assert(std::is_trivially_copyable_v<bfloat16> && std::is_trivially_copyable_v<half>);
static_assert(std::is_standard_layout_v<bfloat16> && std::is_standard_layout_v<half>);
static_assert(std::is_trivially_default_constructible_v<bfloat16> && std::is_trivially_default_constructible_v<half>);
static_assert(!std::is_convertible_v<float, bfloat16> && !std::is_convertible_v<bfloat16, float>,
              "conversions are explicit: no silent rounding");
static_assert(std::bit_cast<std::uint16_t>(bfloat16(1.5f)) == 0x3FC0);
static_assert(std::bit_cast<std::uint16_t>(half(1.5f)) == 0x3E00);
static_assert(static_cast<float>(half::from_bits(0x7BFF)) == 65504.0f);

template <class S>
constexpr const char* name_of() { return std::is_same_v<S, bfloat16> ? "bfloat16" : "half"; }
template <class S>
constexpr std::uint16_t quiet_bit() { return std::is_same_v<S, bfloat16> ? 0x0040 : 0x0200; }

template <class S>
std::uint16_t bits(S v) { return std::bit_cast<std::uint16_t>(v); }
template <class S>
float wide(S v) { return static_cast<float>(v); }
template <class S>
bool is_nan(S v) { return std::isnan(wide(v)); }
template <class S>
std::string show16(S v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%04x (%.9g)", bits(v), static_cast<double>(wide(v)));
    return buf;
}

// Distance in representable values (sign-magnitude on a line; +0 and -0 are 0 apart, NaN and NaN too).
template <class S>
int ulp_distance16(S a, S b) {
    if (is_nan(a) || is_nan(b)) return is_nan(a) && is_nan(b) ? 0 : 1 << 20;
    const auto key = [](S v) { const int m = bits(v) & 0x7FFF; return bits(v) & 0x8000 ? -m : m; };
    return std::abs(key(a) - key(b));
}

// Same bits, or both NaN (a NaN's sign and payload are not part of the contract), but every NaN a
// kernel writes must be quiet.
template <class S>
bool same16(S got, S want) {
    if (is_nan(want)) return is_nan(got) && (bits(got) & quiet_bit<S>());
    return bits(got) == bits(want);
}

template <class S>
std::vector<S> every_pattern() {
    std::vector<S> v(65536);
    for (std::uint32_t b = 0; b < 65536; ++b) v[b] = S::from_bits(static_cast<std::uint16_t>(b));
    return v;
}

// The 16-bit values a long double in [lo, hi] can round to: every value between their roundings
// (rounding is monotonic). lo and hi are rounded to double first, which can only widen the range
// by a double ULP.
template <class S>
bool within_rounding_of(S got, long double lo, long double hi) {
    const float g = wide(got);
    return !std::isnan(g) && wide(S(static_cast<double>(lo))) <= g && g <= wide(S(static_cast<double>(hi)));
}

// ---- the types ---------------------------------------------------------------------------------

template <class S>
void check_limits() {
    using L = std::numeric_limits<S>;
    using F = std::numeric_limits<float>;
    STATIC_REQUIRE(L::is_specialized);
    const bool bf = std::is_same_v<S, bfloat16>;
    CHECK(wide(L::epsilon()) == std::ldexp(1.0f, 1 - L::digits));
    CHECK(wide(L::min()) == std::ldexp(1.0f, L::min_exponent - 1));
    CHECK(wide(L::max()) == (bf ? 0x1.FEp127f : 65504.0f));
    CHECK(wide(L::lowest()) == -wide(L::max()));
    CHECK(wide(L::denorm_min()) == std::ldexp(1.0f, L::min_exponent - L::digits));
    CHECK(wide(L::round_error()) == 0.5f);
    CHECK(wide(L::infinity()) == F::infinity());
    CHECK(std::isnan(wide(L::quiet_NaN())));
    CHECK((bits(L::quiet_NaN()) & quiet_bit<S>()) != 0);
    CHECK(std::isnan(wide(L::signaling_NaN())));
    CHECK((bits(L::signaling_NaN()) & quiet_bit<S>()) == 0);
    CHECK(L::digits == (bf ? 8 : 11));
    CHECK(L::max_exponent == (bf ? 128 : 16));
    // Each format's largest power of two and the decimal exponents numeric_limits promises.
    CHECK(std::ldexp(1.0, L::max_exponent - 1) <= static_cast<double>(wide(L::max())));
    CHECK(std::pow(10.0, L::max_exponent10) <= static_cast<double>(wide(L::max())));
    CHECK(std::pow(10.0, L::min_exponent10) >= static_cast<double>(wide(L::min())));
    CHECK(L::is_iec559 == !bf);
}

TEMPLATE_TEST_CASE("16-bit types: numeric_limits", "[half]", bfloat16, half) { check_limits<TestType>(); }

// Every pattern to float and back: the same bits, but a NaN comes back quiet with its sign and payload.
TEMPLATE_TEST_CASE("16-bit types: every pattern round-trips through float", "[half]", bfloat16, half) {
    using S = TestType;
    Failures f(std::string(name_of<S>()) + " round trip");
    for (const S v : every_pattern<S>()) {
        const S back(wide(v));
        const S back_double(static_cast<double>(wide(v)));
        const std::uint16_t want = is_nan(v) ? static_cast<std::uint16_t>(bits(v) | quiet_bit<S>()) : bits(v);
        f.check(bits(back) == want && bits(back_double) == want && v.bits() == bits(v),
                [&] { return show16(v) + " came back as " + show16(back) + " / " + show16(back_double); });
        // Widening is exact: the float is the value the bits mean (sign, exponent, significand).
        if (!is_nan(v) && !std::isinf(wide(v))) {
            const int e = ((bits(v) & 0x7FFF) >> (std::numeric_limits<S>::digits - 1));
            const int m = bits(v) & ((1 << (std::numeric_limits<S>::digits - 1)) - 1);
            const int emin = std::numeric_limits<S>::min_exponent - 1;
            const double magnitude = e == 0 ? std::ldexp(m, emin - (std::numeric_limits<S>::digits - 1))
                                            : std::ldexp(m + (1 << (std::numeric_limits<S>::digits - 1)),
                                                         e + emin - 1 - (std::numeric_limits<S>::digits - 1));
            const double expected = bits(v) & 0x8000 ? -magnitude : magnitude;
            f.check(static_cast<double>(wide(v)) == expected && std::signbit(wide(v)) == bool(bits(v) & 0x8000),
                    [&] { return show16(v) + " widened wrongly"; });
        }
    }
    check_no_failures(f);
}

// Round to nearest even between every pair of neighbours: the midpoint goes to the even one, one
// float ULP either side of it to the nearer; from double, a value just past the midpoint goes up
// although it rounds to the midpoint in float (rounded once, not through float).
TEMPLATE_TEST_CASE("16-bit types: float and double round to nearest even, overflow to infinity", "[half]", bfloat16, half) {
    using S = TestType;
    Failures f(std::string(name_of<S>()) + " rounding");
    const std::uint16_t max_bits = bits(std::numeric_limits<S>::max());
    const float max = wide(std::numeric_limits<S>::max());
    for (const std::uint32_t sign : {0u, 0x8000u}) {
        // Past the largest finite: half an ULP above it is the tie with 2^max_exponent, whose
        // significand is even: infinity; a float just below it rounds to the largest finite.
        const float ulp = max - wide(S::from_bits(static_cast<std::uint16_t>(max_bits - 1)));
        const float tie = sign ? -(max + ulp / 2) : max + ulp / 2;
        const std::uint16_t inf = static_cast<std::uint16_t>(bits(std::numeric_limits<S>::infinity()) | sign);
        f.check(bits(S(tie)) == inf, [&] { return "the overflow tie went to " + show16(S(tie)); });
        f.check(bits(S(std::nextafter(tie, 0.0f))) == (max_bits | sign), [&] { return std::string("just below the overflow tie"); });
        f.check(bits(S(sign ? -1e300 : 1e300)) == inf, [&] { return std::string("a huge double"); });
        f.check(bits(S(sign ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max())) == inf,
                [&] { return std::string("FLT_MAX"); });
    }
    for (std::uint32_t b = 0; b < max_bits; ++b) {
        for (const std::uint32_t sign : {0u, 0x8000u}) {
            const S lo = S::from_bits(static_cast<std::uint16_t>(b | sign));
            const S hi = S::from_bits(static_cast<std::uint16_t>((b + 1) | sign));
            const float mid = wide(lo) + (wide(hi) - wide(lo)) / 2;  // exact: float has 13 or more spare bits
            const S even = (b & 1) ? hi : lo;
            f.check(bits(S(mid)) == bits(even), [&] { return "tie " + show16(lo) + " / " + show16(hi) + " gave " + show16(S(mid)); });
            const float toward_lo = std::nextafter(mid, wide(lo)), toward_hi = std::nextafter(mid, wide(hi));
            f.check(bits(S(toward_lo)) == bits(lo) && bits(S(toward_hi)) == bits(hi),
                    [&] { return "beside the tie of " + show16(lo) + " / " + show16(hi); });
            const double step = (static_cast<double>(wide(hi)) - static_cast<double>(wide(lo))) * 0x1p-40;
            f.check(bits(S(static_cast<double>(mid) + step)) == bits(hi),
                    [&] { return "double just past the tie of " + show16(lo) + " rounded twice"; });
            f.check(bits(S(static_cast<double>(mid) - step)) == bits(lo),
                    [&] { return "double just before the tie of " + show16(lo) + " rounded twice"; });
        }
    }
    // NaN: quiet, sign kept.
    const float snan = std::bit_cast<float>(0xFF80'0001u);
    CHECK(is_nan(S(snan)));
    CHECK((bits(S(snan)) & quiet_bit<S>()) != 0);
    CHECK((bits(S(snan)) & 0x8000) != 0);
    CHECK(is_nan(S(std::numeric_limits<double>::quiet_NaN())));
    // Below half the smallest subnormal: zero of the same sign; the exact half is a tie to zero.
    CHECK(bits(S(-1e-30f * 1e-20f)) == 0x8000);
    CHECK(bits(S(wide(std::numeric_limits<S>::denorm_min()) / 2)) == 0x0000);
    check_no_failures(f);
}

// Eigen's 16-bit types have the same bits: std::bit_cast converts both ways, and Eigen's own
// conversions agree with rectify's on every pattern (NaN payloads aside: Eigen returns one NaN).
template <class S, class E>
void check_eigen_interop() {
    static_assert(sizeof(E) == 2 && std::is_trivially_copyable_v<E>);
    Failures f(std::string(name_of<S>()) + " and Eigen's type");
    for (const S v : every_pattern<S>()) {
        const E e = std::bit_cast<E>(v);
        const float ef = static_cast<float>(e);
        f.check(std::bit_cast<std::uint16_t>(std::bit_cast<S>(e)) == bits(v) &&
                    (is_nan(v) ? std::isnan(ef) : std::bit_cast<std::uint32_t>(ef) == std::bit_cast<std::uint32_t>(wide(v))),
                [&] { return show16(v) + " is " + std::to_string(ef) + " in Eigen"; });
        // From float: the midpoint above v rounds the same way in both.
        const float next = wide(S::from_bits(static_cast<std::uint16_t>(bits(v) + 1)));
        if (!is_nan(v) && !std::isinf(wide(v)) && !std::isnan(next) && (bits(v) & 0x7FFF) != 0x7FFF) {
            const float mid = wide(v) + (next - wide(v)) / 2;
            f.check(std::bit_cast<std::uint16_t>(E(mid)) == bits(S(mid)), [&] { return "the tie above " + show16(v); });
        }
    }
    check_no_failures(f);
}

TEST_CASE("16-bit types: std::bit_cast with Eigen::bfloat16 and Eigen::half, every pattern", "[half]") {
    check_eigen_interop<bfloat16, Eigen::bfloat16>();
    check_eigen_interop<half, Eigen::half>();
}

// ---- the kernels on every pattern ----------------------------------------------------------------

template <class Act>
constexpr bool exact_kernel = exact_reference<Act>;

template <class Act>
long double exact_forward(const Act& act, float x) { return reference_forward<long double>(act, x); }
template <class Act>
long double exact_backward(const Act& act, float x, float dy) { return reference_derivative<long double>(act, x) * dy; }

long double float_ulp(long double exact) {
    const long double mag = std::fabs(exact);
    if (mag < std::numeric_limits<float>::min()) return std::numeric_limits<float>::denorm_min();
    int e = 0;
    std::frexp(mag, &e);
    return std::ldexp(1.0L, e - 24);
}

struct Distances {
    int max_from_reference = 0;        // 16-bit ULPs from the float math rounded once
    std::size_t differing = 0;         // results that are not the reference's bits
    void add(int d) {
        max_from_reference = std::max(max_from_reference, d);
        differing += d != 0;
    }
};

template <class S, class Act>
void judge_forward(Failures& f, Distances& d, const Act& act, S x, S got) {
    const S reference(act(wide(x)));
    const int distance = ulp_distance16(got, reference);
    d.add(distance);
    bool ok = same16(got, reference);
    if constexpr (!exact_kernel<Act>) {
        if (!ok && std::isfinite(wide(x)) && !is_nan(reference) && !is_nan(got)) {
            const long double exact = exact_forward(act, wide(x));
            const long double slack = act.forward_ulp_bound() * float_ulp(exact);
            ok = distance <= 1 && within_rounding_of(got, exact - slack, exact + slack);
        }
    }
    f.check(ok, [&] { return "x = " + show16(x) + ": kernel " + show16(got) + ", float math rounded once " + show16(reference); });
}

template <class S, class Act>
void judge_backward(Failures& f, Distances& d, const Act& act, S x, S dy, S got) {
    const S reference(act.backward(wide(x), wide(dy)));
    d.add(ulp_distance16(got, reference));
    bool ok = same16(got, reference);
    if constexpr (!exact_kernel<Act>) {
        if (!ok && std::isfinite(wide(x)) && std::isfinite(wide(dy)) && !is_nan(reference) && !is_nan(got)) {
            // The float kernel's bound (relative to max(|exact|, |dy|): f' can vanish), then one rounding.
            const long double exact = exact_backward(act, wide(x), wide(dy));
            const long double slack = backward_c<float>() * std::numeric_limits<float>::epsilon() *
                                          std::max(std::fabs(exact), std::fabs(static_cast<long double>(wide(dy)))) +
                                      backward_c<float>() * std::numeric_limits<float>::denorm_min();
            ok = within_rounding_of(got, exact - slack, exact + slack);
        }
    }
    f.check(ok, [&] {
        return "x = " + show16(x) + ", dy = " + show16(dy) + ": kernel " + show16(got) + ", float math rounded once " +
               show16(reference);
    });
}

template <class S, class Act>
void every_pattern_through(const Act& act, const std::string& what) {
    const std::vector<S> x = every_pattern<S>();
    std::vector<S> y(x.size());
    rectify::forward(act, std::span<const S>(x), std::span<S>(y));
    Failures f(std::string(name_of<S>()) + " " + what + " forward, every pattern");
    Distances forward_distance;
    for (std::size_t i = 0; i < x.size(); ++i) judge_forward(f, forward_distance, act, x[i], y[i]);
    check_no_failures(f);

    // In place gives the same bits.
    std::vector<S> in_place = x;
    rectify::forward(act, in_place.data(), in_place.data(), in_place.size());
    Failures g(std::string(name_of<S>()) + " " + what + " forward in place");
    for (std::size_t i = 0; i < x.size(); ++i)
        g.check(bits(in_place[i]) == bits(y[i]), [&] { return "x = " + show16(x[i]) + " in place " + show16(in_place[i]); });
    check_no_failures(g);

    Failures b(std::string(name_of<S>()) + " " + what + " backward, every pattern");
    Distances backward_distance;
    const float gradients[] = {1.0f, -0.75f, 3.14159265f, 1e-3f, -0x1p-12f, 0.0f, 1e4f,
                               std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
    std::vector<S> dx(x.size());
    for (const float g0 : gradients) {
        const S g1(g0);
        const std::vector<S> dy(x.size(), g1);
        rectify::backward(act, std::span<const S>(x), std::span<const S>(dy), std::span<S>(dx));
        for (std::size_t i = 0; i < x.size(); ++i) judge_backward(b, backward_distance, act, x[i], g1, dx[i]);
    }
    check_no_failures(b);
    std::printf("%s %s on %s: forward max %d ULP from the float math rounded once (%zu of 65536 differ); "
                "backward max %d ULP (%zu of %zu differ)\n",
                name_of<S>(), what.c_str(), rectify::simd_arch_name(), forward_distance.max_from_reference,
                forward_distance.differing, backward_distance.max_from_reference, backward_distance.differing,
                x.size() * std::size(gradients));
}

template <class S, class Act>
void every_pattern_every_case() {
    for (const Case<Act>& c : cases<Act>()) every_pattern_through<S>(c.act, case_name(c));
}

}  // namespace

// One test case per listed activation, "16-bit kernels: every pattern, <Type>, forward and backward".
#define RECTIFY_TEST_EVERY_PATTERN(Type, shorthand, gradient, ...)                                           \
    TEMPLATE_TEST_CASE("16-bit kernels: every pattern, " #Type ", forward and backward",                   \
                       "[half][kernels][" #shorthand "]", bfloat16, half) {                                  \
        every_pattern_every_case<TestType, rectify::Type>();                                                 \
    }
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_TEST_EVERY_PATTERN)
#undef RECTIFY_TEST_EVERY_PATTERN

namespace {

TEMPLATE_TEST_CASE("16-bit kernels: every pattern, Leaky ReLU slopes whose products are not 16-bit values",
                   "[half][kernels][leaky_relu]", bfloat16, half) {
    // Slopes whose products are not 16-bit values (the narrowing of arbitrary floats on the vector
    // path) and that overflow half's range.
    every_pattern_through<TestType>(rectify::LeakyReLU{1.0 / 3.0}, "LeakyReLU(1/3)");
    every_pattern_through<TestType>(rectify::LeakyReLU{-3.0e4}, "LeakyReLU(-3e4)");
}

TEMPLATE_TEST_CASE("16-bit kernels: the shorthands and pointer forms", "[half][kernels]", bfloat16, half) {
    using S = TestType;
    const std::vector<S> x = every_pattern<S>();
    const std::vector<S> dy(x.size(), S(0.5f));
    std::vector<S> a(x.size()), b(x.size());
    const auto same = [&] {
        return std::equal(a.begin(), a.end(), b.begin(), [](S u, S v) { return bits(u) == bits(v); });
    };
    rectify::leaky_relu(x, a, 0.2);
    rectify::forward(rectify::LeakyReLU{0.2}, x.data(), b.data(), x.size());
    CHECK(same());
    rectify::elu(x, a, 0.5);
    rectify::forward(rectify::ELU{0.5}, std::span<const S>(x), std::span<S>(b));
    CHECK(same());
    rectify::silu_backward(x, dy, a);
    rectify::backward(rectify::SiLU{}, x.data(), dy.data(), b.data(), x.size());
    CHECK(same());
    rectify::relu(x, a);
    rectify::relu_backward(x, dy, b);
    CHECK(wide(a[0x3C00]) == 1.0f * wide(x[0x3C00]));
    rectify::backward_from_output(rectify::ReLU{}, a, dy, a);
    CHECK(same());  // relu'(x)·dy from the output is relu'(x)·dy from the input
    std::vector<S> too_short(3);
    CHECK_THROWS_AS(rectify::relu(x, too_short), std::invalid_argument);
}

// Every tail length and alignment, in place, with a poisoned output: each element as computed alone.
template <class S, class Act>
void check_positions(const Act& act) {
    constexpr std::size_t W = 16;  // the widest float batch (AVX-512)
    // Lengths up to 5W + 1 reach every step of loops.hpp's loop on every arch: four batches (two
    // bfloat16 pairs), one pair, one batch, the padded tail.
    constexpr std::size_t max_length = 5 * W + 1, size = 2 * W + max_length + W;
    const S poison = S::from_bits(std::is_same_v<S, bfloat16> ? 0x7F8D : 0x7C0D);  // a signalling NaN: no kernel writes one
    InputGenerator<float> gen(7);
    std::vector<S> x(size), dy(size), alone(size), alone_dx(size);
    for (std::size_t k = 0; k < size; ++k) {
        x[k] = S(gen());
        dy[k] = S(gen.gradient());
        rectify::forward(act, &x[k], &alone[k], 1);
        rectify::backward(act, &x[k], &dy[k], &alone_dx[k], 1);
    }
    Failures f(std::string(name_of<S>()) + " element in an array vs alone");
    const auto check = [&](const std::vector<S>& out, std::size_t start, std::size_t n, const S* want, std::size_t n_case) {
        for (std::size_t k = 0; k < out.size(); ++k) {
            const bool inside = k >= start && k < start + n;
            f.check(bits(out[k]) == (inside ? bits(want[k - start]) : bits(poison)),
                    [&] { return "case " + std::to_string(n_case) + " n=" + std::to_string(n) + " element " + std::to_string(k); });
        }
    };
    std::vector<S> y(size);
    std::size_t n_case = 0;
    for (std::size_t n = 0; n <= max_length; ++n)
        for (std::size_t ox = 0; ox < W; ++ox) {
            for (std::size_t oy = 0; oy < W; ++oy) {
                std::fill(y.begin(), y.end(), poison);
                rectify::forward(act, x.data() + ox, y.data() + oy, n);
                check(y, oy, n, &alone[ox], ++n_case);
                std::fill(y.begin(), y.end(), poison);
                rectify::backward(act, x.data() + ox, dy.data() + (oy + n) % W, y.data() + oy, n);
                // dy was read from another offset: compare with that pairing computed alone.
                std::vector<S> want(n);
                for (std::size_t i = 0; i < n; ++i)
                    rectify::backward(act, &x[ox + i], &dy[(oy + n) % W + i], &want[i], 1);
                check(y, oy, n, want.data(), ++n_case);
            }
            std::fill(y.begin(), y.end(), poison);
            std::copy_n(&x[ox], n, &y[ox]);
            rectify::forward(act, std::span<const S>(&y[ox], n), std::span<S>(&y[ox], n));
            check(y, ox, n, &alone[ox], ++n_case);
            std::fill(y.begin(), y.end(), poison);
            std::copy_n(&dy[ox], n, &y[ox]);
            rectify::backward(act, std::span<const S>(&x[ox], n), std::span<const S>(&y[ox], n), std::span<S>(&y[ox], n));
            check(y, ox, n, &alone_dx[ox], ++n_case);
        }
    check_no_failures(f);
}

// Every listed activation with its first (default) parameter set, and Leaky ReLU with a slope whose
// products are not 16-bit values.
template <class S, class... Acts>
void check_positions_of_every_activation(rectify::detail::activation_list<Acts...>) {
    const auto one = [&]<class Act>(const Case<Act>& c) {
        INFO(case_name(c));
        check_positions<S>(c.act);
    };
    (one(cases<Acts>().front()), ...);
}

TEMPLATE_TEST_CASE("16-bit kernels: every tail and alignment, in place", "[half][kernels]", bfloat16, half) {
    check_positions_of_every_activation<TestType>(rectify::detail::all_activations{});
    check_positions<TestType>(rectify::LeakyReLU{0.3});
}

// The vector narrowing may convert with an instruction that flushes float denormals to zero and
// then test the conversion for ±0 words, one test for several registers (storage.hpp: two bfloat16
// pairs with AVX512-BF16); a denormal result in any register of such a step must be caught whatever
// its neighbours are. Here, at every position of a 128-element array (two steps of the widest loop),
// one element whose result is a float denormal among elements with normal results, alone or with a
// zero result at every other position (a ±0 word is what triggers the check).
template <class S, class Act>
void check_lone_denormal_results(const Act& act, float denormal_input, const std::string& what) {
    constexpr std::size_t n = 128;
    const S normal(1.5f), zero(0.0f), tiny(denormal_input);
    const S expected_tiny(act(wide(tiny)));
    REQUIRE(wide(expected_tiny) != 0.0f);
    REQUIRE(std::fabs(act(wide(tiny))) < std::numeric_limits<float>::min());
    Failures f(std::string(name_of<S>()) + " " + what + ": a lone denormal result");
    std::vector<S> x(n), y(n);
    for (std::size_t at = 0; at < n; ++at)
        for (std::size_t zero_at = 0; zero_at <= n; ++zero_at) {  // n: no zero
            if (zero_at == at) continue;
            std::fill(x.begin(), x.end(), normal);
            if (zero_at < n) x[zero_at] = zero;
            x[at] = tiny;
            rectify::forward(act, std::span<const S>(x), std::span<S>(y));
            for (std::size_t k = 0; k < n; ++k) {
                const S want(act(wide(x[k])));
                f.check(bits(y[k]) == bits(want), [&] {
                    return "denormal at " + std::to_string(at) + ", zero at " + std::to_string(zero_at) + ": element " +
                           std::to_string(k) + " " + show16(y[k]) + ", want " + show16(want);
                });
            }
        }
    check_no_failures(f);
}

TEST_CASE("16-bit kernels: a lone bfloat16 denormal result is rounded, not flushed, at every position", "[half][kernels]") {
    // bfloat16 only: it has float's exponent range, so its denormals are float denormals (half's
    // smallest, 2^-24, is a normal float). The smallest positive bfloat16 passes through Leaky ReLU
    // and ELU; Leaky ReLU's product of a normal input with a small slope is a float denormal too.
    const float smallest = wide(bfloat16::from_bits(0x0001));
    check_lone_denormal_results<bfloat16>(rectify::LeakyReLU{0.5}, smallest, "LeakyReLU(0.5) of a denormal");
    check_lone_denormal_results<bfloat16>(rectify::LeakyReLU{0x1p-10}, -0x1p-120f, "LeakyReLU(2^-10) of -2^-120");
    check_lone_denormal_results<bfloat16>(rectify::ELU{}, smallest, "ELU of a denormal");
}

// ---- PReLU ---------------------------------------------------------------------------------------

// y and dx bit for bit the float definition on the widened values rounded once; dweight the
// rounding of a value within float's dweight bound of the exact sum (docs/SEMANTICS.md).
template <class S>
void check_prelu16(rectify::ChannelShape s, std::size_t nw, std::uint64_t seed) {
    const std::size_t n = s.outer * s.channels * s.inner;
    InputGenerator<float> gen(seed);
    std::vector<S> x(n), dy(n), w(nw);
    for (auto& v : x) v = S(gen());
    for (auto& v : dy) v = S(gen.moderate());
    for (auto& v : w) v = S(gen.moderate());
    std::vector<float> xf(n), dyf(n), wf(nw);
    std::transform(x.begin(), x.end(), xf.begin(), wide<S>);
    std::transform(dy.begin(), dy.end(), dyf.begin(), wide<S>);
    std::transform(w.begin(), w.end(), wf.begin(), wide<S>);
    const PreluReference<float> ref(xf.data(), wf.data(), nw, dyf.data(), s.outer, s.channels, s.inner);

    const std::string where = std::string(name_of<S>()) + " prelu " + std::to_string(s.outer) + "x" +
                              std::to_string(s.channels) + "x" + std::to_string(s.inner) + " weights " + std::to_string(nw);
    Failures f(where);
    std::vector<S> y(n), dx(n), dw(nw);
    rectify::prelu(x, w, y, s);
    rectify::prelu_backward(x, w, dy, dx, dw, s);
    for (std::size_t k = 0; k < n; ++k) {
        f.check(same16(y[k], S(ref.y[k])), [&] { return "y[" + std::to_string(k) + "] = " + show16(y[k]); });
        f.check(same16(dx[k], S(ref.dx[k])), [&] { return "dx[" + std::to_string(k) + "] = " + show16(dx[k]); });
    }
    for (std::size_t c = 0; c < nw; ++c) {
        const long double exact = ref.dweight[c];
        bool ok;
        if (std::isnan(exact)) ok = is_nan(dw[c]);
        else if (std::isinf(exact)) ok = static_cast<long double>(wide(dw[c])) == exact;
        else ok = within_rounding_of(dw[c], exact - ref.dweight_bound(c), exact + ref.dweight_bound(c));
        f.check(ok, [&] { return "dweight[" + std::to_string(c) + "] = " + show16(dw[c]) + ", exact " + show(exact); });
    }
    // In place: y over x, dx over dy; the same bits, except that a NaN may be another NaN: when x and
    // the weight are both NaN, which of them the product returns is the compiler's choice (it may
    // swap the operands; Clang does in one call and not in another), and the contract leaves a
    // NaN's sign and payload open (docs/SEMANTICS.md).
    std::vector<S> y2 = x, dx2 = dy, dw2(nw);
    rectify::prelu(y2, w, y2, s);
    rectify::prelu_backward(x, w, dx2, dx2, dw2, s);
    for (std::size_t k = 0; k < n; ++k)
        f.check(same16(y2[k], y[k]) && same16(dx2[k], dx[k]), [&] {
                    return "in place, element " + std::to_string(k) + ": x = " + show16(x[k]) + ", dy = " + show16(dy[k]) +
                           ", y " + show16(y2[k]) + " (out of place " + show16(y[k]) + "), dx " + show16(dx2[k]) +
                           " (out of place " + show16(dx[k]) + ")";
                });
    for (std::size_t c = 0; c < nw; ++c)
        f.check(same16(dw2[c], dw[c]), [&] { return "in place, dweight " + std::to_string(c); });
    check_no_failures(f);
}

TEMPLATE_TEST_CASE("16-bit PReLU: NCHW, channels last, one shared weight", "[half][prelu]", bfloat16, half) {
    std::uint64_t seed = 90;
    for (std::size_t outer : {1, 3})
        // 32, 64, 128: whole pairs of bfloat16 batches (and whole half batches), up to the widest short
        // row or run of PReLU forward on AVX-512 (eight batches); 256: wider.
        for (std::size_t channels : {1, 3, 17, 32, 128})
            for (std::size_t inner : {1, 2, 15, 16, 17, 32, 49, 64, 256}) {
                check_prelu16<TestType>({outer, channels, inner}, channels, ++seed);
                check_prelu16<TestType>({outer, channels, inner}, 1, ++seed);
            }
    // Long enough for the shared weight's blocked sums (65,536 elements a block).
    check_prelu16<TestType>({1, 1, 70001}, 1, ++seed);
    check_prelu16<TestType>({7001, 10, 1}, 10, ++seed);
}

// The weight gradient is summed as for float and rounded once: a sum whose float rounding is a
// 16-bit tie goes by the exact sum, not through float.
TEST_CASE("16-bit PReLU: dweight rounded once from the double sum", "[half][prelu]") {
    // x·dy terms: 1 + 2^-8 (exactly the bfloat16 tie between 1 and 1 + 2^-7) + 2^-30 in float would
    // round to the tie and then to 1; summed in double and rounded once it is 1 + 2^-7.
    const std::vector<bfloat16> x = {bfloat16(-1.0f), bfloat16(-0x1p-8f), bfloat16(-0x1p-30f)};
    const std::vector<bfloat16> dy = {bfloat16(-1.0f), bfloat16(-1.0f), bfloat16(-1.0f)};
    const std::vector<bfloat16> w = {bfloat16(0.5f)};
    std::vector<bfloat16> dx(3), dw(1);
    rectify::prelu_backward(x, w, dy, dx, dw, {1, 1, 3});
    CHECK(wide(dw[0]) == 1.0f + 0x1p-7f);
}

// bfloat16 has float's exponent range, so a product x·dy can overflow float where the double sum
// holds it: -2^70·2^70 and -2^70·-2^70 cancel there exactly, leaving the -2^100 beside them (every
// partial sum of the three is exact in double, whatever the order; float products would give
// inf - inf = NaN). Every layout, the three anywhere in the channel's batches (among 41 elements:
// a tail batch too), and a zero x·dy from x = 0 beside them.
TEST_CASE("16-bit PReLU: bfloat16 products beyond float's range still summed exactly", "[half][prelu]") {
    const std::size_t n = 41;
    const float expected = -0x1p100f;
    for (std::size_t at = 0; at + 2 < n; at += 3) {
        std::vector<bfloat16> x(n, bfloat16(1.0f)), dy(n, bfloat16(1.0f));  // x > 0: adds nothing
        x[at] = bfloat16(-0x1p70f);
        dy[at] = bfloat16(0x1p70f);
        x[at + 1] = bfloat16(-0x1p70f);
        dy[at + 1] = bfloat16(-0x1p70f);
        x[at + 2] = bfloat16(-0x1p50f);
        dy[at + 2] = bfloat16(0x1p50f);
        x[(at + 7) % n] = bfloat16(0.0f);  // 0 * 1
        const std::vector<bfloat16> w = {bfloat16(0.25f)};
        std::vector<bfloat16> dx(n), dw(1);
        rectify::prelu_backward(x, w, dy, dx, dw, {1, 1, n});  // one shared weight
        CHECK(wide(dw[0]) == expected);
        // Two channels, the elements above in channel 1 (channel 0: x = 1, nothing to add), channels
        // first ({1, 2, n}) and channels last ({n, 2, 1}).
        const std::vector<bfloat16> w2 = {bfloat16(0.25f), bfloat16(0.25f)};
        std::vector<bfloat16> dw2(2), dx2(2 * n);
        std::vector<bfloat16> xf(2 * n, bfloat16(1.0f)), dyf(2 * n, bfloat16(1.0f));
        std::vector<bfloat16> xl(2 * n, bfloat16(1.0f)), dyl(2 * n, bfloat16(1.0f));
        for (std::size_t k = 0; k < n; ++k) {
            xf[n + k] = x[k];
            dyf[n + k] = dy[k];
            xl[2 * k + 1] = x[k];
            dyl[2 * k + 1] = dy[k];
        }
        rectify::prelu_backward(xf, w2, dyf, dx2, dw2, {1, 2, n});
        CHECK(wide(dw2[0]) == 0.0f);
        CHECK(wide(dw2[1]) == expected);
        rectify::prelu_backward(xl, w2, dyl, dx2, dw2, {n, 2, 1});
        CHECK(wide(dw2[0]) == 0.0f);
        CHECK(wide(dw2[1]) == expected);
    }
}

}  // namespace
