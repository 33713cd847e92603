// rectify/detail/storage.hpp — element types as stored versus as computed: the loops load a batch
// of storage elements widened to the compute type and store results narrowed back.
//
// float and double are computed as themselves (a plain load and store). bfloat16 and half are
// computed in float: widened exactly on load, rounded to nearest even once on store. The vector
// conversions give the same bits as the scalar ones of half.hpp on every path (tests/test_half.cpp
// runs all 65,536 patterns of each type through both):
//   bfloat16: integer shifts (a bfloat16 is the upper half of a float) and, narrowing, the integer
//             add of half.hpp that rounds the discarded half to nearest even (with AVX512-BF16,
//             vcvtneps2bf16 where no lane is a float denormal); the loops take bfloat16 two
//             batches at a time, even and odd elements (load_widened_pair below);
//   half:     F16C's vcvtph2ps / vcvtps2ph (round to nearest) where the compiler targets F16C
//             (-mf16c, -march=haswell and later, x86-64-v3), on AVX-512 its 512-bit forms;
//             elsewhere (SSE2 baseline, other instruction sets) half.hpp's scalar conversions lane
//             by lane.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../half.hpp"
#include "simd.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// compute_t<S>, the type an element of storage type S is computed in, is in half.hpp (no xsimd).

template <class S>
inline compute_t<S> widen(S v) {
    if constexpr (is_16bit<S>) return static_cast<float>(v);
    else return v;
}
template <class S>
inline S narrow(compute_t<S> v) {
    if constexpr (is_16bit<S>) return S(v);
    else return v;
}

#if RECTIFY_DETAIL_SIMD

// One batch of the compute type per W storage elements, W the compute type's lane count.
template <class S>
using storage_batch = batch<compute_t<S>>;

template <class S>
inline storage_batch<S> load_widened(const S* p) {
    using B = storage_batch<S>;
    if constexpr (!is_16bit<S>) {
        return B::load_unaligned(p);
    } else {
#if defined(__AVX512F__)
        if constexpr (std::is_base_of_v<xsimd::avx512f, arch>) {
            const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
            if constexpr (std::is_same_v<S, bfloat16>) return B(_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16)));
            else return B(_mm512_cvtph_ps(h));
        }
#endif
#if defined(__AVX2__)
        if constexpr (std::is_same_v<S, bfloat16> && std::is_base_of_v<xsimd::avx2, arch> && B::size == 8) {
            const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            return B(_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)));
        }
#endif
#if defined(__F16C__) && defined(__AVX__)
        if constexpr (std::is_same_v<S, half> && std::is_base_of_v<xsimd::avx, arch> && B::size == 8)
            return B(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
#endif
#if defined(__SSE2__)
        if constexpr (std::is_same_v<S, bfloat16> && std::is_base_of_v<xsimd::sse2, arch> && B::size == 4) {
            // Interleaving zeros below each 16-bit element puts it in the upper half of a 32-bit lane.
            const __m128i h = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
            return B(_mm_castsi128_ps(_mm_unpacklo_epi16(_mm_setzero_si128(), h)));
        }
#endif
#if defined(__F16C__)
        if constexpr (std::is_same_v<S, half> && std::is_base_of_v<xsimd::sse2, arch> && B::size == 4)
            return B(_mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
#endif
        alignas(64) std::array<float, B::size> wide;
        for (std::size_t k = 0; k < B::size; ++k) wide[k] = static_cast<float>(p[k]);
        return B::load_aligned(wide.data());
    }
}

// bfloat16 rounding on a float batch: each 32-bit lane holds its bfloat16 result in the upper half
// (half.hpp's bfloat16_bits, lane by lane: + 0x7FFF + the lowest kept bit; a NaN gets the quiet
// bit); the lower half is left over from the addition.
template <class A>
inline xsimd::batch<std::uint32_t, A> bfloat16_rounded(const xsimd::batch<float, A>& v) {
    using U = xsimd::batch<std::uint32_t, A>;
    const U b = xsimd::bitwise_cast<U>(v);
    const U rounded = b + (U(0x7FFFu) + ((b >> 16) & U(1u)));
    const U quiet = b | U(0x0040'0000u);
    const auto nan = xsimd::isnan(v);  // unordered compare (xsimd's != is ordered: false for NaN)
    return xsimd::bitwise_cast<U>(detail::select(nan, xsimd::bitwise_cast<xsimd::batch<float, A>>(quiet),
                                                xsimd::bitwise_cast<xsimd::batch<float, A>>(rounded)));
}

// The same rounding with the 16 bits shifted down, sign-extended (an arithmetic shift), which the
// saturating 32-to-16 packs keep unchanged.
template <class A>
inline xsimd::batch<std::int32_t, A> bfloat16_lanes(const xsimd::batch<float, A>& v) {
    return xsimd::bitwise_cast<xsimd::batch<std::int32_t, A>>(bfloat16_rounded(v)) >> 16;
}

// Stores v rounded to S at p; with `streaming`, p is aligned to the stored bytes and the store
// bypasses the caches where the instruction set has the store for that width (loops.hpp).
template <bool streaming, class S>
inline void store_narrowed(const storage_batch<S>& v, S* p) {
    using B = storage_batch<S>;
    if constexpr (!is_16bit<S>) {
        v.store_unaligned(p);
    } else {
#if defined(__F16C__) || defined(__AVX512F__)
        constexpr int nearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;  // vcvtps2ph's rounding
#endif
#if defined(__AVX512F__)
        if constexpr (std::is_base_of_v<xsimd::avx512f, arch>) {
            __m256i h;
            if constexpr (std::is_same_v<S, bfloat16>) {
#if defined(__AVX512BF16__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && defined(__AVX512VL__)
                // vcvtneps2bf16 rounds to nearest even and quiets NaNs as bfloat16_bits does, but
                // flushes denormal inputs and results to zero, so only a lane it gives ±0 can be
                // wrong: where one does (one test of the result), a batch holding a float denormal
                // (fpclass 0x20, rare in practice) takes the integer path instead.
                h = reinterpret_cast<__m256i>(_mm512_cvtneps_pbh(v));
                if (_mm256_testn_epi16_mask(h, _mm256_set1_epi16(0x7FFF)) != 0 && _mm512_fpclass_ps_mask(v, 0x20) != 0)
#endif
                    h = _mm512_cvtepi32_epi16(bfloat16_lanes(v));
            } else {
                h = _mm512_cvtps_ph(v, nearest);
            }
            if constexpr (streaming) _mm256_stream_si256(reinterpret_cast<__m256i*>(p), h);
            else _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), h);
            return;
        }
#endif
#if defined(__AVX2__)
        if constexpr (std::is_same_v<S, bfloat16> && std::is_base_of_v<xsimd::avx2, arch> && B::size == 8) {
            const __m256i r = bfloat16_lanes(v);
            const __m128i h = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
            if constexpr (streaming) _mm_stream_si128(reinterpret_cast<__m128i*>(p), h);
            else _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h);
            return;
        }
#endif
#if defined(__F16C__) && defined(__AVX__)
        if constexpr (std::is_same_v<S, half> && std::is_base_of_v<xsimd::avx, arch> && B::size == 8) {
            const __m128i h = _mm256_cvtps_ph(v, nearest);
            if constexpr (streaming) _mm_stream_si128(reinterpret_cast<__m128i*>(p), h);
            else _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h);
            return;
        }
#endif
#if defined(__SSE2__)
        if constexpr (std::is_same_v<S, bfloat16> && std::is_base_of_v<xsimd::sse2, arch> && B::size == 4) {
            const __m128i r = bfloat16_lanes(v);
            _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi32(r, r));
            return;
        }
#endif
#if defined(__F16C__)
        if constexpr (std::is_same_v<S, half> && std::is_base_of_v<xsimd::sse2, arch> && B::size == 4) {
            _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_cvtps_ph(v, nearest));
            return;
        }
#endif
        alignas(64) std::array<float, B::size> wide;
        v.store_aligned(wide.data());
        for (std::size_t k = 0; k < B::size; ++k) p[k] = S(wide[k]);
    }
}

// bfloat16 two batches at a time. One load of 2·W elements (W the float lane count) read as W
// 32-bit lanes, each holding two neighbours: the even-indexed element is widened by a shift, the
// odd one by masking off the other (a bfloat16 is the upper half of a float), so the pair holds the
// even elements in one batch and the odd ones in the other; store_narrowed_pair puts them back in
// order. The kernels are elementwise, so the lane an element is computed in changes no bit. It
// saves the widening move of load_widened (which takes one register of W elements, moves and
// shifts it) and the 32-to-16 pack of store_narrowed: with AVX512-BF16, one vcvtne2ps2bf16 and one
// word permute per 2·W elements instead of two vcvtneps2bf16: bfloat16 Leaky ReLU and ELU ran
// markedly faster on Zen 4, with the same bits on all 65,536 patterns. x86 only (its registers are
// little-endian).
template <class S>
inline constexpr bool pairs_widened = false;
#if defined(__SSE2__)
template <>
inline constexpr bool pairs_widened<bfloat16> = std::is_base_of_v<xsimd::avx512f, arch> ||
                                                (std::is_base_of_v<xsimd::avx2, arch> && batch<float>::size == 8) ||
                                                (std::is_base_of_v<xsimd::sse2, arch> && batch<float>::size == 4);
#endif

template <class S>
struct widened_pair {
    storage_batch<S> even, odd;
};

#if defined(__SSE2__)
template <class S>
inline widened_pair<S> load_widened_pair(const S* p) {
    static_assert(pairs_widened<S>);
    using B = storage_batch<S>;
    using U = xsimd::batch<std::uint32_t, typename B::arch_type>;
    U u;
#if defined(__AVX512F__)
    if constexpr (U::size == 16) u = U(_mm512_loadu_si512(p));
    else
#endif
#if defined(__AVX2__)
    if constexpr (U::size == 8) u = U(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    else
#endif
        u = U(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return {xsimd::bitwise_cast<B>(u << 16), xsimd::bitwise_cast<B>(u & U(0xFFFF'0000u))};
}

template <class S>
using pair_bits = xsimd::batch<std::uint32_t, typename storage_batch<S>::arch_type>;

// The pair's 2·W elements rounded to bfloat16 by integer adds (bfloat16_rounded), in their order:
// exact for every float, denormals included.
template <class S>
inline pair_bits<S> rounded_pair_in_order(const widened_pair<S>& v) {
    using U = pair_bits<S>;
    return (bfloat16_rounded(v.even) >> 16) | (bfloat16_rounded(v.odd) & U(0xFFFF'0000u));
}

// Stores the 2·W rounded elements of `bits` at p; with `streaming`, p is aligned to the bytes of
// one batch (W elements) and the store bypasses the caches where the arch has it.
template <bool streaming, class S>
inline void store_pair_bits(const pair_bits<S>& bits, S* p) {
#if defined(__AVX512F__)
    if constexpr (pair_bits<S>::size == 16) {
        if constexpr (streaming) {
            _mm256_stream_si256(reinterpret_cast<__m256i*>(p), _mm512_castsi512_si256(bits));
            _mm256_stream_si256(reinterpret_cast<__m256i*>(p) + 1, _mm512_extracti64x4_epi64(bits, 1));
        } else {
            _mm512_storeu_si512(p, bits);
        }
    } else
#endif
#if defined(__AVX2__)
    if constexpr (pair_bits<S>::size == 8) {
        if constexpr (streaming) {
            _mm_stream_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(bits));
            _mm_stream_si128(reinterpret_cast<__m128i*>(p) + 1, _mm256_extracti128_si256(bits, 1));
        } else {
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), bits);
        }
    } else
#endif
    {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), bits);  // SSE2's store_narrowed has no streaming either
    }
}

#if defined(__AVX512BF16__) && defined(__AVX512DQ__) && defined(__AVX512BW__)
// With AVX512-BF16, vcvtne2ps2bf16 rounds a pair as bfloat16_rounded does, in one instruction, but
// flushes denormals to zero. Its result has the even elements' bfloat16 in the lower 16 words and
// the odd ones' in the upper 16.
template <class S>
inline __m512i converted_pair(const widened_pair<S>& v) {
    return reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(v.odd, v.even));
}

// converted_pair's words in element order: word 2j of the result is word j of it, word 2j + 1 is
// word 16 + j.
inline __m512i converted_in_order(__m512i converted) {
    const __m512i order = _mm512_set_epi32(0x1F000F, 0x1E000E, 0x1D000D, 0x1C000C, 0x1B000B, 0x1A000A, 0x190009, 0x180008,
                                           0x170007, 0x160006, 0x150005, 0x140004, 0x130003, 0x120002, 0x110001, 0x100000);
    return _mm512_permutexvar_epi16(order, converted);
}

// Whether some float of the pair is a denormal (fpclass 0x20), which vcvtne2ps2bf16 flushes. Asked
// only where the conversion gave some word ±0 (a test of its result): asked of every pair it cost
// a third of Leaky ReLU's speed on Zen 4.
template <class S>
inline bool has_denormal(const widened_pair<S>& v) {
    return (_mm512_fpclass_ps_mask(v.even, 0x20) | _mm512_fpclass_ps_mask(v.odd, 0x20)) != 0;
}

// Stores the pair v, whose conversion gave some word ±0: that conversion, unless v holds a float
// denormal, which takes the integer rounding.
template <bool streaming, class S>
inline void store_checked_pair(__m512i converted, const widened_pair<S>& v, S* p) {
    if (has_denormal(v)) store_pair_bits<streaming, S>(rounded_pair_in_order(v), p);
    else store_pair_bits<streaming, S>(pair_bits<S>(converted_in_order(converted)), p);
}
#endif

// Stores the pair's 2·W elements, rounded, at p in their order (store_pair_bits says how).
template <bool streaming, class S>
inline void store_narrowed_pair(const widened_pair<S>& v, S* p) {
    static_assert(pairs_widened<S>);
#if defined(__AVX512BF16__) && defined(__AVX512DQ__) && defined(__AVX512BW__)
    if constexpr (pair_bits<S>::size == 16) {
        // One condition, not store_checked_pair's branch inside this one: PReLU's 64-element
        // short runs, which store pair by pair, ran slower that way.
        const __m512i converted = converted_pair(v);
        if (_mm512_testn_epi16_mask(converted, _mm512_set1_epi16(0x7FFF)) == 0 || !has_denormal(v))
            store_pair_bits<streaming, S>(pair_bits<S>(converted_in_order(converted)), p);
        else
            store_pair_bits<streaming, S>(rounded_pair_in_order(v), p);
        return;
    }
#endif
    store_pair_bits<streaming, S>(rounded_pair_in_order(v), p);
}

// Two pairs, 4·W elements, at p: the same bits as store_narrowed_pair on each, where with
// AVX512-BF16 one test covers both conversions (a test of the first result, one of the second
// under its mask, one branch) instead of one each: bfloat16 Leaky ReLU, ELU and SiLU ran faster
// (rectify_bench_half on Zen 4). PReLU's short rows and runs (prelu.hpp) store pair by pair: two
// pairs a step were no faster there.
template <bool streaming, class S>
inline void store_narrowed_pairs(const widened_pair<S>& a, const widened_pair<S>& b, S* p) {
    static_assert(pairs_widened<S>);
    constexpr std::size_t W = storage_batch<S>::size;
#if defined(__AVX512BF16__) && defined(__AVX512DQ__) && defined(__AVX512BW__)
    if constexpr (pair_bits<S>::size == 16) {
        const __m512i magnitude = _mm512_set1_epi16(0x7FFF);
        const __m512i ca = converted_pair(a), cb = converted_pair(b);
        // The words of both conversions that are not ±0, all 32 only where neither has one.
        const __mmask32 nonzero = _mm512_mask_test_epi16_mask(_mm512_test_epi16_mask(ca, magnitude), cb, magnitude);
        if (nonzero == 0xFFFF'FFFFu) {
            store_pair_bits<streaming, S>(pair_bits<S>(converted_in_order(ca)), p);
            store_pair_bits<streaming, S>(pair_bits<S>(converted_in_order(cb)), p + 2 * W);
        } else {
            store_checked_pair<streaming>(ca, a, p);
            store_checked_pair<streaming>(cb, b, p + 2 * W);
        }
        return;
    }
#endif
    store_narrowed_pair<streaming>(a, p);
    store_narrowed_pair<streaming>(b, p + 2 * W);
}
#endif

#endif  // RECTIFY_DETAIL_SIMD

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS
