// Shared test helpers: value comparison that treats all NaNs as equal, distance in ULPs, the
// forward and backward error measures, and long double references for ELU and SiLU (every
// activation's reference: references.hpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace rectify_test {

// Same value with the same sign of zero, or both NaN (sign and payload of a NaN are not part
// of the contract; docs/SEMANTICS.md).
template <class T>
bool same_value(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

// Number of representable values of T between a and b (0 when equal; +0 and -0 are 0 apart;
// two NaNs are 0 apart; NaN against a number is "infinitely" far).
template <class T>
std::uint64_t ulp_distance(T a, T b) {
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    if (std::isnan(a) || std::isnan(b))
        return (std::isnan(a) && std::isnan(b)) ? 0 : std::numeric_limits<std::uint64_t>::max();
    if (a == b) return 0;  // also +0 == -0
    // Sign-magnitude bits mapped onto a signed line; long double holds 64-bit magnitudes exactly.
    auto key = [&](T v) -> long double {
        const Bits bits = std::bit_cast<Bits>(v);
        const Bits sign = Bits(1) << (sizeof(T) * 8 - 1);
        const long double mag = static_cast<long double>(bits & ~sign);
        return (bits & sign) ? -mag : mag;
    };
    const long double d = key(a) - key(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

// Error of `got` against a higher-precision `exact`, in ULPs of T at `exact`. Results in the
// denormal range are measured in multiples of denorm_min (docs/SEMANTICS.md). A zero `got` must have
// the sign of `exact` (a tiny negative exact value rounds to -0, never to +0): a zero of the other
// sign is infinitely far, although it compares equal.
template <class T>
long double ulp_error(T got, long double exact) {
    if (std::isnan(got) || std::isnan(exact)) return (std::isnan(got) && std::isnan(exact)) ? 0.0L : INFINITY;
    if (std::isinf(exact)) return (got == exact) ? 0.0L : INFINITY;
    if (std::isinf(got)) {
        // An infinite result of a finite exact value: infinity counts as 2^max_exponent, the next
        // value past max, so that an exact value beyond max + half an ULP, whose correct rounding
        // is infinity, has an error below half an ULP, and a smaller one more.
        if (std::signbit(got) != std::signbit(exact)) return INFINITY;
        using L = std::numeric_limits<T>;
        const long double top = std::ldexp(1.0L, L::max_exponent);
        return std::max(0.0L, top - std::fabs(exact)) / std::ldexp(1.0L, L::max_exponent - L::digits);
    }
    if (got == 0 && std::signbit(got) != std::signbit(exact)) return INFINITY;
    const long double mag = std::fabs(exact);
    long double ulp;
    if (mag < static_cast<long double>(std::numeric_limits<T>::min())) {
        ulp = static_cast<long double>(std::numeric_limits<T>::denorm_min());
    } else {
        int e = 0;
        std::frexp(mag, &e);  // mag in [2^(e-1), 2^e)
        ulp = std::ldexp(1.0L, e - 1 - (std::numeric_limits<T>::digits - 1));
    }
    return std::fabs(static_cast<long double>(got) - exact) / ulp;
}

// Error of a gradient `got` against a higher-precision `exact` = f'(x) * dy, in units of
// eps * max(|exact|, |dy|) + denorm_min (docs/ACCURACY.md: the backward bound is C of these). A NaN or
// infinite `exact` or `got` must be exactly that value (any NaN for a NaN), else the error is infinite.
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

// A value no kernel produces from the tests' inputs: outputs are filled with it before a call that
// must throw, and must still hold it afterwards (nothing written).
template <class T>
constexpr T sentinel = T(-7777.25);

template <class T>
std::vector<T> sentinel_filled(std::size_t n) {
    return std::vector<T>(n, sentinel<T>);
}

// References in long double (64-bit mantissa on x86-64: 11 more bits than double).
inline long double ref_elu(long double x, long double alpha) { return x > 0 ? x : alpha * std::expm1(x); }
inline long double ref_elu_grad(long double x, long double alpha) { return x > 0 ? 1.0L : alpha * std::exp(x); }
inline long double ref_sigmoid(long double x) { return 1.0L / (1.0L + std::exp(-x)); }
inline long double ref_silu(long double x) {
    if (std::isinf(x)) return x > 0 ? x : -0.0L;
    return x * ref_sigmoid(x);
}
inline long double ref_silu_grad(long double x) {
    if (std::isinf(x)) return x > 0 ? 1.0L : 0.0L;
    const long double s = ref_sigmoid(x);
    return s * (1.0L + x * ref_sigmoid(-x));
}

}  // namespace rectify_test
