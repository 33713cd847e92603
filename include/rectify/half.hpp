// rectify/half.hpp — bfloat16 and half (IEEE binary16) storage types and their scalar conversions.
//
// Storage, not arithmetic: the kernels widen 16-bit elements to float, compute in float and round
// the result once back (docs/SEMANTICS.md). Each type is 2 bytes, trivially copyable and standard
// layout, so it converts by std::bit_cast to and from std::uint16_t and any other 16-bit type of
// the same format: Eigen::bfloat16 / Eigen::half, CUDA's __nv_bfloat16 / __half, and
// std::bfloat16_t / std::float16_t where the compiler has them (GCC 13+). Examples in docs/HALF.md,
// "Other libraries' 16-bit types".
//
//   rectify::bfloat16 b(1.5f);                        // from float: round to nearest even
//   float f = static_cast<float>(b);                  // to float: exact
//   std::uint16_t bits = std::bit_cast<std::uint16_t>(b);
//
// From float (and from double: rounded once, not through float): round to nearest, ties to even;
// a value beyond the largest finite rounds to infinity as IEEE 754 says; a NaN stays a NaN with its
// sign and leading payload bits and the quiet bit set. To float: exact; a bfloat16 NaN keeps its
// bits (the upper half of the float), a half NaN its payload with the quiet bit set (as F16C
// does). There are no arithmetic or comparison operators (compute in float); compare bits with
// bits() or std::bit_cast.
//
// Needs C++20 (std::bit_cast). Like the activation types, bfloat16 and half sit in rectify:: itself
// with their members forced inline, and their conversions in the arch namespace
// (detail/arch_namespace.hpp): files built with different -m flags share no copy of them.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "detail/arch_namespace.hpp"

namespace rectify {

namespace detail::inline RECTIFY_DETAIL_ARCH_NS {

// float -> bfloat16 bits, round to nearest even. bfloat16 is the upper half of a float: adding
// 0x7FFF plus the lowest kept bit rounds the discarded 16 bits to nearest with ties to the even
// neighbour, and a carry out of the mantissa moves the exponent up (FLT_MAX rounds to infinity).
constexpr std::uint16_t bfloat16_bits(float f) {
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    if ((b & 0x7FFF'FFFFu) > 0x7F80'0000u) return static_cast<std::uint16_t>((b >> 16) | 0x0040u);  // NaN: quiet
    return static_cast<std::uint16_t>((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}
constexpr float bfloat16_to_float(std::uint16_t h) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

// float -> binary16 bits, round to nearest even; the same bits as F16C's vcvtps2ph with
// round-to-nearest (tests/test_half.cpp compares every path).
constexpr std::uint16_t half_bits(float f) {
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = (b >> 16) & 0x8000u;
    const std::uint32_t a = b & 0x7FFF'FFFFu;
    if (a > 0x7F80'0000u) return static_cast<std::uint16_t>(sign | 0x7E00u | ((a >> 13) & 0x3FFu));  // NaN: quiet
    // 65520 = 65504 + half an ULP: the tie between the largest finite (odd mantissa) and 2^16 goes
    // to the even one, infinity.
    if (a >= 0x477F'F000u) return static_cast<std::uint16_t>(sign | 0x7C00u);
    if (a >= 0x3880'0000u) {  // a normal half (>= 2^-14): rebias the exponent from 127 to 15, round 13 bits
        const std::uint32_t r = a - (112u << 23);
        return static_cast<std::uint16_t>(sign | ((r + 0xFFFu + ((r >> 13) & 1u)) >> 13));
    }
    // A subnormal half: the value in units of 2^-24 is m · 2^(e - 126) with m the 24-bit significand;
    // below 2^-25 (e < 102) it rounds to zero. Rounding up from 0x3FF gives 0x400, the smallest normal.
    const std::uint32_t e = a >> 23;
    if (e < 102) return static_cast<std::uint16_t>(sign);
    const std::uint32_t m = (a & 0x7F'FFFFu) | 0x80'0000u;
    const std::uint32_t shift = 126 - e;  // 14 .. 24
    const std::uint32_t kept = m >> shift;
    const std::uint32_t rest = m & ((1u << shift) - 1u);
    const std::uint32_t halfway = 1u << (shift - 1);
    const std::uint32_t rounded = kept + ((rest > halfway || (rest == halfway && (kept & 1u))) ? 1u : 0u);
    return static_cast<std::uint16_t>(sign | rounded);
}
constexpr float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1Fu;
    const std::uint32_t mantissa = h & 0x3FFu;
    // Infinity; a NaN keeps its payload and comes out quiet, as F16C's vcvtph2ps makes it.
    if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F80'0000u | (mantissa ? 0x40'0000u : 0u) | (mantissa << 13));
    if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    // Zero or subnormal: mantissa · 2^-24, exact in float (a normal float, so no denormal mode matters).
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return std::bit_cast<float>(sign | std::bit_cast<std::uint32_t>(magnitude));
}

// double -> float rounded to odd: the float nearest below or above d whose last bit is 1 when d is
// not a float. Rounding that float to nearest even in a format with at least 2 bits fewer gives
// the same result as rounding d once (float keeps 24 bits, the 16-bit types 8 and 11).
constexpr float round_to_odd_float(double d) {
    const float f = static_cast<float>(d);
    if (d != d || static_cast<double>(f) == d) return f;  // NaN, or exact (infinities included)
    std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    if ((b & 1u) == 0) {
        // f is the even neighbour: step to the other neighbour of d, which is odd. |f| > |d| means
        // f rounded away from zero, so step the magnitude down, else up (f = inf for a d beyond
        // FLT_MAX: the step gives FLT_MAX, odd, which then rounds to infinity again as it should).
        const double magnitude_f = f < 0.0f ? -static_cast<double>(f) : static_cast<double>(f);
        const bool away = magnitude_f > (d < 0.0 ? -d : d);
        b = away ? b - 1u : b + 1u;
    }
    return std::bit_cast<float>(b);
}

}  // namespace detail::inline RECTIFY_DETAIL_ARCH_NS

// With GCC and Clang both types are may_alias: an array of another 16-bit type of the same format
// (Eigen::bfloat16, __half, std::uint16_t, ...) may be read and written through a pointer to
// rectify::bfloat16 / rectify::half, as <rectify/eigen.hpp> does with Eigen's objects, without the
// optimizer assuming that the two types never share memory (type-based alias analysis). Other
// compilers: copy with std::memcpy or std::bit_cast.
#if defined(__GNUC__) || defined(__clang__)
#define RECTIFY_DETAIL_MAY_ALIAS __attribute__((__may_alias__))
#else
#define RECTIFY_DETAIL_MAY_ALIAS
#endif

// Brain floating point: 1 sign, 8 exponent, 7 mantissa bits; float's range with 8 significant bits,
// denormals included. From float or double: correctly rounded (to nearest even, within half an
// ULP; overflow gives infinity); to float or double: exact. An array of bfloat16 is
// computed in float and rounded once: ReLU, Leaky ReLU and PReLU give the float result rounded,
// ELU and SiLU within 0.5 ULP of the correctly rounded value plus the float kernel's error
// (docs/HALF.md, "Accuracy").
class RECTIFY_DETAIL_MAY_ALIAS bfloat16 {
public:
    bfloat16() = default;
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit bfloat16(float f) : bits_(detail::bfloat16_bits(f)) {}
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit bfloat16(double d) : bits_(detail::bfloat16_bits(detail::round_to_odd_float(d))) {}
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit operator float() const { return detail::bfloat16_to_float(bits_); }
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit operator double() const { return static_cast<double>(static_cast<float>(*this)); }

    RECTIFY_DETAIL_ALWAYS_INLINE static constexpr bfloat16 from_bits(std::uint16_t bits) {
        bfloat16 b;
        b.bits_ = bits;
        return b;
    }
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr std::uint16_t bits() const { return bits_; }

private:
    std::uint16_t bits_;
};

// IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits; largest finite 65504, smallest normal
// 2^-14, subnormals down to 2^-24. Conversions and arrays as for bfloat16: correctly rounded from
// float or double, exact to them; arrays computed in float and rounded once (docs/HALF.md,
// "Accuracy").
class RECTIFY_DETAIL_MAY_ALIAS half {
public:
    half() = default;
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit half(float f) : bits_(detail::half_bits(f)) {}
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit half(double d) : bits_(detail::half_bits(detail::round_to_odd_float(d))) {}
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit operator float() const { return detail::half_to_float(bits_); }
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr explicit operator double() const { return static_cast<double>(static_cast<float>(*this)); }

    RECTIFY_DETAIL_ALWAYS_INLINE static constexpr half from_bits(std::uint16_t bits) {
        half h;
        h.bits_ = bits;
        return h;
    }
    RECTIFY_DETAIL_ALWAYS_INLINE constexpr std::uint16_t bits() const { return bits_; }

private:
    std::uint16_t bits_;
};

static_assert(sizeof(bfloat16) == 2 && sizeof(half) == 2);

namespace detail {

// The 16-bit storage types: computed in float by the kernels.
template <class T>
inline constexpr bool is_16bit = std::is_same_v<T, bfloat16> || std::is_same_v<T, half>;

// The type an element of storage type T is computed in: float for the 16-bit types, else T.
template <class T>
using compute_t = std::conditional_t<is_16bit<T>, float, T>;

// The numeric_limits of a 16-bit binary format with Digits significand bits (hidden bit included)
// and MaxExponent (numeric_limits' convention: 2^(MaxExponent-1) is the largest power of two).
template <class T, int Digits, int MaxExponent, bool Iec559>
struct limits_16 {
    static constexpr int exponent_bits = 15 - (Digits - 1);
    static constexpr std::uint16_t exponent_mask =
        static_cast<std::uint16_t>(((1u << exponent_bits) - 1u) << (Digits - 1));
    static constexpr std::uint16_t bits_of_power(int e) {  // 2^e, e in the normal range
        return static_cast<std::uint16_t>(static_cast<unsigned>(e + MaxExponent - 1) << (Digits - 1));
    }

    static constexpr bool is_specialized = true;
    static constexpr bool is_signed = true;
    static constexpr bool is_integer = false;
    static constexpr bool is_exact = false;
    static constexpr bool has_infinity = true;
    static constexpr bool has_quiet_NaN = true;
    static constexpr bool has_signaling_NaN = true;
    static constexpr std::float_denorm_style has_denorm = std::denorm_present;
    static constexpr bool has_denorm_loss = false;
    static constexpr std::float_round_style round_style = std::round_to_nearest;
    static constexpr bool is_iec559 = Iec559;
    static constexpr bool is_bounded = true;
    static constexpr bool is_modulo = false;
    static constexpr int digits = Digits;
    static constexpr int digits10 = Digits == 8 ? 2 : 3;         // floor((digits - 1) · log10 2)
    static constexpr int max_digits10 = Digits == 8 ? 4 : 5;     // ceil(digits · log10 2) + 1
    static constexpr int radix = 2;
    static constexpr int min_exponent = 3 - MaxExponent;
    static constexpr int max_exponent = MaxExponent;
    static constexpr int min_exponent10 = MaxExponent == 128 ? -37 : -4;
    static constexpr int max_exponent10 = MaxExponent == 128 ? 38 : 4;
    static constexpr bool traps = false;
    static constexpr bool tinyness_before = false;

    static constexpr T min() noexcept { return T::from_bits(bits_of_power(min_exponent - 1)); }
    static constexpr T lowest() noexcept { return T::from_bits(static_cast<std::uint16_t>(0x8000u | max().bits())); }
    static constexpr T max() noexcept { return T::from_bits(static_cast<std::uint16_t>(exponent_mask - 1u)); }
    static constexpr T epsilon() noexcept { return T::from_bits(bits_of_power(1 - Digits)); }
    static constexpr T round_error() noexcept { return T::from_bits(bits_of_power(-1)); }
    static constexpr T infinity() noexcept { return T::from_bits(exponent_mask); }
    static constexpr T quiet_NaN() noexcept {
        return T::from_bits(static_cast<std::uint16_t>(exponent_mask | (1u << (Digits - 2))));
    }
    static constexpr T signaling_NaN() noexcept {
        return T::from_bits(static_cast<std::uint16_t>(exponent_mask | (1u << (Digits - 3))));
    }
    static constexpr T denorm_min() noexcept { return T::from_bits(1); }
};

}  // namespace detail
}  // namespace rectify

template <>
class std::numeric_limits<rectify::bfloat16> : public rectify::detail::limits_16<rectify::bfloat16, 8, 128, false> {};
template <>
class std::numeric_limits<rectify::half> : public rectify::detail::limits_16<rectify::half, 11, 16, true> {};
