// rectify/detail/vector_math.hpp — exp and expm1 on xsimd batches of float or double.
//
// The classic scheme: z = n*ln2 + r with n an integer and |r| <= ln2/2, expm1(r) by a minimax
// polynomial, and 2^n built in the exponent bits. xsimd's own exp is not used because the
// activations need the pieces: ELU needs expm1 without the cancellation of exp(z) - 1, SiLU needs
// the denominator 1 + exp(z) fused, and the far-left SiLU needs 2^n applied last so that its tiny
// results round once into the denormals.
//
// What it costs is what sets the speed of ELU and SiLU (they are compute-bound until the data
// leave the cache), so every operation is counted:
//   - n and 2^n come from one fused multiply-add: z*log2e + (1.5*2^p + bias) rounds z*log2e to an
//     integer and leaves n + bias in the low mantissa bits, so 2^n is that value shifted into the
//     exponent field (one shift), and n is the same value minus the constant (one subtraction);
//   - r = z - n*ln2 is one fused multiply-add with a single ln2 constant where |n| is small enough
//     for n*(ln2 - ln2_rounded) not to matter (ELU, gradients), two (Cody–Waite) elsewhere;
//   - expm1(r) = r + r^2 * P(r), P a minimax polynomial (degree 4 for float, 10 for double).
// The gradients' exp (exp_bounded) needs no expm1 and no fused denominator, so where a register
// permute looks up a table of 2^(j/8) (AVX-512 and AVX2) it reduces to |r| <= ln2/16 and
// needs a polynomial of degree 3 / 7 instead of 6 / 12 (exp_by_table): on Zen 4 the multiply-adds
// bound the gradient kernels, and ELU/SiLU backward ran 1.2-1.4x faster.
//
// Accuracy: every kernel built on these is checked against a higher-precision reference by
// tests/test_accuracy.cpp and, for float over all 2^32 inputs, tests/exhaustive_accuracy.cpp, with
// the bounds of docs/ACCURACY.md; each function below states its own, the polynomials' errors are
// given beside their coefficients.
#pragma once

#include "../scalar_math.hpp"
#include "simd.hpp"

#if RECTIFY_DETAIL_SIMD

#include <bit>
#include <cstdint>
#include <type_traits>

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
struct exp_constants;

template <>
struct exp_constants<float> {
    using bits_type = std::uint32_t;
    static constexpr int mantissa_bits = 23;
    static constexpr float log2e = 1.44269504088896341f;
    // 1.5 * 2^23 + 127: z*log2e + this rounds z*log2e to an integer n (ties to even) and leaves
    // n + 127 (the biased exponent of 2^n) in the low mantissa bits, for |n| < 2^21.
    static constexpr float biased_round_magic = 12583039.0f;
    // ln2 rounded to float; n*ln2 is exact inside an FMA and z - n*ln2 is a float (|z| >= 1/4
    // whenever n != 0), so r's only error is n*(ln2 - ln2_single) < 26 * 1.9e-9 for ELU's range.
    static constexpr float ln2_single = 0.693147182464599609375f;
    // Cody–Waite split for larger |n| (Cephes expf): ln2_hi has 9 significant bits, so n*ln2_hi and
    // z - n*ln2_hi are exact for |n| < 2^15; ln2_lo = ln2 - ln2_hi rounded to float.
    static constexpr float ln2_hi = 0.693359375f;
    static constexpr float ln2_lo = -2.12194440e-4f;
    // expm1(r) = r + r^2*P(r) on |r| <= 0.3467 (just over ln2/2), P(r) = c2 + c3 r + ... + c6 r^4:
    // coefficients of a minimax fit of the relative error of expm1, each rounded to float in turn
    // with the rest refitted (Lawson's iteration, 34 digits); relative error 1.37e-8 (0.23 ULP of
    // the smallest float ULP ratio), checked on 4000 points in the same precision.
    static constexpr float expm1_poly[] = {0x1.fffffep-2f, 0x1.5554b4p-3f, 0x1.5556f4p-5f,
                                           0x1.122544p-7f, 0x1.6b9a08p-10f};
    // Without a fused multiply-add, r^2*P(r) + r rounds three times instead of once, which costs
    // about 0.3 ULP: there a degree-7 fit (relative error 4.3e-10, 0.007 ULP) keeps ELU within 1 ULP.
    static constexpr float expm1_poly_unfused[] = {0x1p-1f, 0x1.555554p-3f, 0x1.5554f8p-5f, 0x1.1112d6p-7f,
                                                   0x1.6d3a44p-10f, 0x1.9e7794p-13f};
    // The exp of the gradients returns 0 below this, as the scalar math does (activations.hpp); at
    // -87, n >= -126 and 2^n is normal.
    static constexpr float exp_floor = static_cast<float>(-scalar_math::gradient_flush_limit<float>);
    // Far left, 2^n for n < scale_split is applied as 2^scale_split * 2^(n - scale_split): the first
    // factor keeps the product normal (exact), the second rounds once into the denormal range.
    static constexpr float scale_split = -100.0f;
    // exp for gradients by a table (exp_by_table): 2^(j/8), j = 0..7, rounded to float, and
    // exp(r) - 1 = r + r^2*(c2 + c3 r) on |r| <= 0.0434 (ln2/16 and the rounding of n), a minimax fit
    // of the relative error of exp(r) (Lawson's iteration, 50 digits): 2.6e-8 = 0.22 eps.
    static constexpr float exp2_eighths[] = {0x1p+0f, 0x1.172b84p+0f, 0x1.306fe0p+0f, 0x1.4bfdaep+0f,
                                             0x1.6a09e6p+0f, 0x1.8ace54p+0f, 0x1.ae89fap+0f, 0x1.d5818ep+0f};
    static constexpr float table_poly[] = {0x1.00087cp-1f, 0x1.5556fap-3f};
};

template <>
struct exp_constants<double> {
    using bits_type = std::uint64_t;
    static constexpr int mantissa_bits = 52;
    static constexpr double log2e = 1.4426950408889634074;
    static constexpr double biased_round_magic = 6755399441056767.0;  // 1.5 * 2^52 + 1023
    static constexpr double ln2_single = 0x1.62e42fefa39efp-1;
    // Cody–Waite split (Cephes exp): ln2_hi has 20 significant bits.
    static constexpr double ln2_hi = 6.93145751953125e-1;
    static constexpr double ln2_lo = 1.42860682030941723212e-6;
    // expm1(r) = r + r^2*P(r), P of degree 10, fitted as the float one (50 digits); relative error
    // 2.9e-19 with the rounded coefficients (0.003 ULP; degree 9 gave 1.9e-17, 0.17 ULP).
    static constexpr double expm1_poly[] = {
        0x1.0000000000000p-1,  0x1.5555555555559p-3,  0x1.5555555555559p-5,  0x1.111111110f725p-7,
        0x1.6c16c16c16e6dp-10, 0x1.a01a01af931a9p-13, 0x1.a01a019b851e6p-16, 0x1.71ddf94750c28p-19,
        0x1.27e4ff459a09bp-22, 0x1.af5cfc10b3fd2p-26, 0x1.1f2eca9a216a8p-29};
    static constexpr double exp_floor = -scalar_math::gradient_flush_limit<double>;
    static constexpr double scale_split = -1000.0;
    // As for float; degree 7 (relative error 2.9e-18 = 0.013 eps; degree 6 gave 1.5e-15, 6.8 eps).
    static constexpr double exp2_eighths[] = {0x1p+0,
                                              0x1.172b83c7d517bp+0,
                                              0x1.306fe0a31b715p+0,
                                              0x1.4bfdad5362a27p+0,
                                              0x1.6a09e667f3bcdp+0,
                                              0x1.8ace5422aa0dbp+0,
                                              0x1.ae89f995ad3adp+0,
                                              0x1.d5818dcfba487p+0};
    // 2^(j/8) - exp2_eighths[j], rounded (SiLU's denominator by the table carries it).
    static constexpr double exp2_eighths_low[] = {0x0p+0,
                                                  -0x1.19041b9d78a76p-55,
                                                  0x1.6f46ad23182e4p-55,
                                                  0x1.d4397afec42e2p-56,
                                                  -0x1.bdd3413b26456p-54,
                                                  0x1.6e9f156864b27p-54,
                                                  0x1.7a1cd345dcc81p-54,
                                                  0x1.2ed02d75b3707p-55};
    static constexpr double table_poly[] = {0x1.000000000010ep-1,  0x1.5555555555159p-3,  0x1.55555547f58dfp-5,
                                            0x1.11111124e9c33p-7,  0x1.6c1cc30e45a9ap-10, 0x1.a016901ee4a59p-13};
};

// P(r) of expm1(r) = r + r^2 * P(r), Horner's scheme (the kernels keep four vectors in flight, so the
// latency of the chain is hidden and the count of operations is what matters).
template <class T, class A, std::size_t terms>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> horner(const xsimd::batch<T, A>& r, const T (&c)[terms]) {
    using B = xsimd::batch<T, A>;
    B p(c[terms - 1]);
    for (std::size_t k = terms - 1; k-- > 0;) p = detail::fma(p, r, B(c[k]));
    return p;
}
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> expm1_polynomial(const xsimd::batch<T, A>& r) {
    if constexpr (std::is_same_v<T, float> && !fused_multiply_add) return horner(r, exp_constants<T>::expm1_poly_unfused);
    else return horner(r, exp_constants<T>::expm1_poly);
}

// How r = z - n*ln2 is formed:
//   single:      one FMA with ln2 rounded to T. Exact but for n*(ln2 - ln2_single), which is
//                1.9e-9*|n| for float (fine where |n| is small or exp(z) tiny next to the result)
//                and relatively 16 times larger for double;
//   two_part:    Cody–Waite, two FMAs: r rounds once (up to half an ULP of r);
//   compensated: Cody–Waite with r's rounding error carried into the polynomial (Fast2Sum), for
//                results that must stay within half an ULP or so of exp(r).
// Without a fused multiply-add, single falls back to two_part.
enum class ln2_split { single, two_part, compensated };

// z = n*ln2 + r, exp(z) = 2^n * (1 + expm1(r)): returns use(n, 2^n, expm1(r)), for z with
// |z*log2e| < 2^21 (NaN propagates into n, r and q; 2^n is garbage outside the normal exponent
// range and must be discarded or clamped by the caller). The pieces go to a function rather than
// into a returned struct: GCC 12 leaves a dead stack store of such a struct in the loop.
template <ln2_split split, class T, class A, class Use>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> with_exp_parts(const xsimd::batch<T, A>& z, const Use& use) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    using U = xsimd::batch<typename C::bits_type, A>;
    const B magic(C::biased_round_magic);
    const B t = detail::fma(z, B(C::log2e), magic);
    const B n = t - magic;
    const B scale = xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(t) << C::mantissa_bits);
    if constexpr (split == ln2_split::single && fused_multiply_add) {
        const B r = detail::fma(n, B(-C::ln2_single), z);
        return use(n, scale, detail::fma(r * r, expm1_polynomial(r), r));
    } else if constexpr (split != ln2_split::compensated) {
        const B r = detail::fma(n, B(-C::ln2_lo), detail::fma(n, B(-C::ln2_hi), z));
        return use(n, scale, detail::fma(r * r, expm1_polynomial(r), r));
    } else {
        const B r_hi = detail::fma(n, B(-C::ln2_hi), z);    // exact: n*ln2_hi is exact and close to z
        const B r_lo = n * B(-C::ln2_lo);                 // tiny: its own rounding is negligible
        const B r = r_hi + r_lo;
        const B r_err = (r_hi - r) + r_lo;
        // expm1(r + r_err) = r + r^2*P(r) + r_err*(1 + r) + ...: the small terms are summed first
        // and the leading r is added last, in one rounding, so small r keeps full relative accuracy.
        return use(n, scale, r + detail::fma(r * r, expm1_polynomial(r), detail::fma(r_err, r, r_err)));
    }
}

// expm1(z) for z in [-18, 0] (float) / [-38, 0] (double) (NaN propagates). Max error 1 ULP (ELU's bound; ELU with
// alpha 1 is this function on x <= 0): measured 0.95 ULP over all 2^32 floats, 0.81 ULP for double
// on the sampled inputs (docs/ACCURACY.md). For z = -0 it returns +0: the caller restores the
// sign. 2^n - 1 is exact while n >= -(digits): then 2^n*q + (2^n - 1) rounds once; below, the
// result is -1 within an ULP either way.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> expm1_bounded(const xsimd::batch<T, A>& z) {
    using B = xsimd::batch<T, A>;
    // double: ln2_single's relative error is 2^-54.7 (float's: 2^-28.5), too much next to 1 ULP.
    constexpr ln2_split split = std::is_same_v<T, float> ? ln2_split::single : ln2_split::compensated;
    return with_exp_parts<split>(z, [](const B&, const B& s, const B& q) { return detail::fma(s, q, s - B(T(1))); });
}

// Whether exp_by_table can look its table up in registers on arch A: AVX-512 and AVX2, with one
// permute (AVX2 double: two of 32-bit lanes and a blend, AVX2 having no variable permute of 64-bit
// lanes).
template <class T, class A>
inline constexpr bool has_exp_table =
#if defined(__AVX512F__)
    std::is_base_of_v<xsimd::avx512f, A> ||
#endif
#if defined(__AVX2__)
    std::is_base_of_v<xsimd::avx2, A> ||
#endif
    false;

// Whether a lookup is one permute of one register for T on A (AVX-512). SiLU's double denominator
// looks up two tables and pays only there: built for AVX2 (two permutes and a blend per lookup)
// it ran slower than the whole-range polynomial.
template <class T, class A>
inline constexpr bool has_one_permute_table =
#if defined(__AVX512F__)
    std::is_base_of_v<xsimd::avx512f, A>;
#else
    false;
#endif

// The lanes' integer type in the intrinsics' signatures.
template <class T>
using table_lane = std::conditional_t<sizeof(T) == 4, int, long long>;

// entry(j) (a table_lane<T>, j = 0..7) for j = the low 3 bits of each lane of index: one register
// permute (AVX2 double: two and a blend).
template <class T, class A, class U, class Entry>
RECTIFY_DETAIL_ALWAYS_INLINE U look_up_eighth(const U& index, const Entry& m) {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
        // 16 lanes indexed by the low 4 bits: the 8 entries twice.
        const __m512i table = _mm512_setr_epi32(m(0), m(1), m(2), m(3), m(4), m(5), m(6), m(7), m(0), m(1), m(2),
                                                m(3), m(4), m(5), m(6), m(7));
        return U(_mm512_permutexvar_epi32(index, table));
    } else if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const __m512i table = _mm512_setr_epi64(m(0), m(1), m(2), m(3), m(4), m(5), m(6), m(7));
        return U(_mm512_permutexvar_epi64(index, table));
    } else
#endif
    {
#if defined(__AVX2__)
        if constexpr (std::is_same_v<T, float>) {
            const __m256i table = _mm256_setr_epi32(m(0), m(1), m(2), m(3), m(4), m(5), m(6), m(7));
            return U(_mm256_permutevar8x32_epi32(table, index));
        } else {
            // The entries' low and high 32-bit halves as two tables of eight, both looked up by j
            // (copied from each 64-bit lane's low half into its high half), then interleaved.
            const auto low = [&m](int j) { return static_cast<int>(static_cast<std::uint32_t>(m(j))); };
            const auto high = [&m](int j) { return static_cast<int>(static_cast<std::uint64_t>(m(j)) >> 32); };
            const __m256i lows = _mm256_setr_epi32(low(0), low(1), low(2), low(3), low(4), low(5), low(6), low(7));
            const __m256i highs = _mm256_setr_epi32(high(0), high(1), high(2), high(3), high(4), high(5), high(6), high(7));
            const __m256i j = _mm256_shuffle_epi32(index, _MM_SHUFFLE(2, 2, 0, 0));
            return U(_mm256_blend_epi32(_mm256_permutevar8x32_epi32(lows, j), _mm256_permutevar8x32_epi32(highs, j), 0xAA));
        }
#else
        static_assert(has_exp_table<T, A>, "no register table lookup on this arch");
        (void)m;
        return index;
#endif
    }
}

// The mantissa bits of 2^(j/8) for j = the low 3 bits of each lane of index.
template <class T, class A, class U>
RECTIFY_DETAIL_ALWAYS_INLINE U exp2_eighth_mantissas(const U& index) {
    using C = exp_constants<T>;
    using Bits = typename C::bits_type;
    constexpr Bits mantissa_mask = (Bits(1) << C::mantissa_bits) - 1;
    return look_up_eighth<T, A>(index, [](int j) {
        return static_cast<table_lane<T>>(std::bit_cast<Bits>(C::exp2_eighths[j]) & mantissa_mask);
    });
}

// The table's scheme: n = round(8 z log2e) = 8m + j, r = z - n*ln2/8 (|r| <= ln2/16),
// exp(z) = 2^m * 2^(j/8) * exp(r), exp(r) - 1 = q by a polynomial of degree 3 (float) / 7 (double)
// where the whole-range one needs 6 / 12: three / five fewer multiply-adds, and those bound the
// kernels' speed. One fused multiply-add gives n + 8*bias in t's low bits: shifted into the
// exponent field, its high bits are m's biased exponent and its low 3 bits index the table; the
// entry's mantissa goes in by an or. Returns use(q, bits of t, 2^m's bits, scale = 2^m * 2^(j/8)
// rounded to T), for z with 2^m normal (0 < n + 8*bias < 8*bias + 8). r: with ln2_single/8 (exact
// scaling; its error is the one of the whole-range exp with the single constant) or, cody_waite,
// with the two-part split (error below 2^-58 for |n| up to 8*1022). NaN propagates into q.
template <bool cody_waite, class T, class A, class Use>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> with_table_parts(const xsimd::batch<T, A>& z, const Use& use) {
    using B = xsimd::batch<T, A>;
    using C = exp_constants<T>;
    using Bits = typename C::bits_type;
    using U = xsimd::batch<Bits, A>;
    constexpr int exponent_bits = static_cast<int>(sizeof(T) * 8) - 1 - C::mantissa_bits;
    constexpr int bias = (1 << (exponent_bits - 1)) - 1;
    const B magic(T(1.5) * T(Bits(1) << C::mantissa_bits) + T(8 * bias));  // 1.5 * 2^mantissa_bits + 8 * bias
    const B t = detail::fma(z, B(C::log2e * T(8)), magic);
    const B n = t - magic;
    B r;
    if constexpr (cody_waite) r = detail::fma(n, B(-C::ln2_lo / T(8)), detail::fma(n, B(-C::ln2_hi / T(8)), z));
    else r = detail::fma(n, B(-C::ln2_single / T(8)), z);
    const B q = detail::fma(r * r, horner(r, C::table_poly), r);
    const U bits = xsimd::bitwise_cast<U>(t);
    constexpr Bits exponent_mask = ((Bits(1) << exponent_bits) - 1) << C::mantissa_bits;
    const U exponent = (bits << (C::mantissa_bits - 3)) & U(exponent_mask);  // m + bias; j shifted out below it
    return use(q, bits, exponent, xsimd::bitwise_cast<B>(exponent | exp2_eighth_mantissas<T, A>(bits)));
}

// exp(z) for z in [exp_floor, 0] by the table (has_exp_table), for the gradients. The table entries
// round once (half an ULP, relative 2^-24 for float), the polynomial's error is 0.22 eps (float) /
// 0.013 eps (double); the gradient bounds (relative to |dy|) keep their margin:
// tests/test_accuracy.cpp and the exhaustive test.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> exp_by_table(const xsimd::batch<T, A>& z) {
    using B = xsimd::batch<T, A>;
    return with_table_parts<false>(z, [](const B& q, const auto&, const auto&, const B& scale) {
        return detail::fma(scale, q, scale);
    });
}

// 1 + exp(z) for double z in [exp_floor, -silu_left] (NaN propagates) by the table, rounded once
// but for terms below 2^-50 of an ULP: SiLU's fused denominator where the whole-range polynomial
// costs five more multiply-adds. exp(z) = S (1 + q) + S_lo (1 + q), S = 2^m * 2^(j/8) rounded (exact
// in T), S_lo = 2^m times the entry's rounding error; 1 + S is split into its rounded sum D and
// the sum's exact error (Fast2Sum, the larger addend first), which joins S*q + S_lo in one
// multiply-add; D plus that is the one rounding that counts. Double SiLU forward through it: max
// 1.63 ULP on the accuracy test's inputs, bound 2 (docs/ACCURACY.md).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> one_plus_exp_by_table(const xsimd::batch<T, A>& z) {
    static_assert(std::is_same_v<T, double>, "float keeps the whole-range polynomial");
    using B = xsimd::batch<T, A>;
    using Bits = typename exp_constants<T>::bits_type;
    using U = xsimd::batch<Bits, A>;
    return with_table_parts<true>(z, [](const B& q, const U& bits, const U& exponent, const B& scale) {
        const B low = xsimd::bitwise_cast<B>(exponent) * xsimd::bitwise_cast<B>(look_up_eighth<T, A>(bits, [](int j) {
                          return static_cast<table_lane<T>>(std::bit_cast<Bits>(exp_constants<T>::exp2_eighths_low[j]));
                      }));  // S_lo: 2^m times the entry's error
        const B one(T(1));
        const B big = xsimd::max(scale, one);
        const B small = xsimd::min(scale, one);
        const B sum = big + small;
        const B sum_error = small - (sum - big);
        return sum + detail::fma(scale, q, sum_error + low);
    });
}

// exp(z) for z in [exp_floor, 0] (NaN propagates), for gradients: their bound is relative to
// |dy|, so the single ln2 constant's error n*1.9e-9 (float), which only grows where exp(z) is
// tiny, is far inside it. By the table where a register permute looks it up, else the whole-range
// polynomial. Max error: |result - exp(z)| <= 4*eps, the gradient bound with dy = 1; ELU's
// gradient with dy = 1 is this function and measured 0.57*eps over all 2^32 floats, 0.49*eps for
// double on the sampled inputs (docs/ACCURACY.md).
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> exp_bounded(const xsimd::batch<T, A>& z) {
    using B = xsimd::batch<T, A>;
    if constexpr (has_exp_table<T, A>) return exp_by_table(z);
    else return with_exp_parts<ln2_split::single>(z, [](const B&, const B& s, const B& q) { return detail::fma(s, q, s); });
}

// 2^n for integral n within the normal exponent range (n as T).
template <class T, class A>
inline xsimd::batch<T, A> pow2(const xsimd::batch<T, A>& n) {
    using C = exp_constants<T>;
    using B = xsimd::batch<T, A>;
    using U = xsimd::batch<typename C::bits_type, A>;
    return xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(n + B(C::biased_round_magic)) << C::mantissa_bits);
}

}  // namespace rectify::detail

#endif  // RECTIFY_DETAIL_SIMD
