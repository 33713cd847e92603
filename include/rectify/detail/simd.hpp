// rectify/detail/simd.hpp — which vector path the kernels take.
//
// The kernels use xsimd's default_arch: the widest instruction set enabled at compile time
// (-march=... or -m... flags), so the SIMD width is the one the user compiles for. When no SIMD
// instruction set is enabled, or when RECTIFY_NO_SIMD is defined before the first include, the
// kernels run the scalar math of activations.hpp element by element. Define RECTIFY_NO_SIMD the
// same way in every translation unit of a program: the kernels are inline functions.
#pragma once

#include <cstddef>
#include <type_traits>

#include "arch_namespace.hpp"
#include "inlining.hpp"

#if !defined(RECTIFY_NO_SIMD)
// GCC 12's AVX-512 intrinsics (_mm512_undefined_*) trigger -Wuninitialized and
// -Wmaybe-uninitialized false positives wherever they are inlined (GCC bug 105593). The warning is
// attributed to the intrinsic headers' own lines, so it is silenced for those lines only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

#if !defined(RECTIFY_NO_SIMD) && !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)
#define RECTIFY_DETAIL_SIMD 1
#else
#define RECTIFY_DETAIL_SIMD 0
#endif

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

#if RECTIFY_DETAIL_SIMD
using arch = xsimd::default_arch;
template <class T>
using batch = xsimd::batch<T, arch>;
template <class T>
inline constexpr std::size_t lanes = batch<T>::size;
inline const char* arch_name() { return arch::name(); }

// x86's max/min instructions return their second operand when either is NaN or when the two
// compare equal (+0 and -0): xsimd::max(c, v) keeps a NaN v, and max(0, x) is PyTorch's ReLU.
// Other instruction sets (NEON's fmax) order ±0 and so must not be used that way for ReLU.
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
inline constexpr bool max_keeps_second_operand = true;
#else
inline constexpr bool max_keeps_second_operand = false;
#endif

// Whether detail::fma below is one fused instruction (otherwise it is x*y + z, rounded twice).
#if defined(__FMA__) || defined(__AVX512F__) || defined(__aarch64__)
inline constexpr bool fused_multiply_add = true;
#else
inline constexpr bool fused_multiply_add = false;
#endif

// x * y + z rounded once where the instruction set has a fused multiply-add. The kernels call this,
// not xsimd::fma: xsimd 8.1 has no AVX-512 fma, so there xsimd::fma is x * y + z in two roundings,
// fused only when the compiler contracts it (GCC's default -ffp-contract=fast in gnu++ modes does;
// Clang, and GCC with -std=c++20 or -ffp-contract=off, do not): the ELU kernel's error rose from
// 0.90 to 1.03 ULP, over its 1-ULP bound, in the Clang build. Where the build has FMA, the 128- and
// 256-bit registers take the fused instruction too whatever xsimd arch tag they carry: Eigen's half
// and quarter packets run the kernels on sse4_2 / avx batches, whose xsimd::fma is not fused, and
// the math that carries a product's exact error (GELU's tail, Swish's beta x) needs it fused.
//
// fused_multiply_subtract (x * y - z) and fused_negated_multiply_add (z - x * y) likewise: xsimd
// 8.1's AVX-512 fms and fnma are a multiply and a subtraction, its sse4_2 / avx ones are not fused.
// One definition for the three, by the register's width in bytes (not its type: naming __m512 as a
// template argument warns); without FMA in the build, xsimd's (two roundings).
#if defined(__AVX512F__)
#define RECTIFY_DETAIL_FUSED_512(op)                                                                      \
    if constexpr (bytes == 64 && is_float) return xsimd::batch<T, A>(_mm512_##op##_ps(x, y, z));         \
    else if constexpr (bytes == 64 && is_double) return xsimd::batch<T, A>(_mm512_##op##_pd(x, y, z));   \
    else
#else
#define RECTIFY_DETAIL_FUSED_512(op)
#endif
#if defined(__FMA__)
#define RECTIFY_DETAIL_FUSED_256_128(op)                                                                  \
    if constexpr (bytes == 32 && is_float) return xsimd::batch<T, A>(_mm256_##op##_ps(x, y, z));         \
    else if constexpr (bytes == 32 && is_double) return xsimd::batch<T, A>(_mm256_##op##_pd(x, y, z));   \
    else if constexpr (bytes == 16 && is_float) return xsimd::batch<T, A>(_mm_##op##_ps(x, y, z));       \
    else if constexpr (bytes == 16 && is_double) return xsimd::batch<T, A>(_mm_##op##_pd(x, y, z));      \
    else
#else
#define RECTIFY_DETAIL_FUSED_256_128(op)
#endif
#define RECTIFY_DETAIL_FUSED_BY_WIDTH(name, op, fallback)                                                 \
    template <class T, class A>                                                                           \
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> name(const xsimd::batch<T, A>& x,                     \
                                                         const xsimd::batch<T, A>& y,                     \
                                                         const xsimd::batch<T, A>& z) {                   \
        [[maybe_unused]] constexpr std::size_t bytes = xsimd::batch<T, A>::size * sizeof(T);             \
        [[maybe_unused]] constexpr bool is_float = std::is_same_v<T, float>;                             \
        [[maybe_unused]] constexpr bool is_double = std::is_same_v<T, double>;                           \
        RECTIFY_DETAIL_FUSED_512(op)                                                                      \
        RECTIFY_DETAIL_FUSED_256_128(op)                                                                  \
        return fallback(x, y, z);                                                                         \
    }
RECTIFY_DETAIL_FUSED_BY_WIDTH(fma, fmadd, xsimd::fma)
RECTIFY_DETAIL_FUSED_BY_WIDTH(fused_multiply_subtract, fmsub, xsimd::fms)
RECTIFY_DETAIL_FUSED_BY_WIDTH(fused_negated_multiply_add, fnmadd, xsimd::fnma)
#undef RECTIFY_DETAIL_FUSED_BY_WIDTH
#undef RECTIFY_DETAIL_FUSED_256_128
#undef RECTIFY_DETAIL_FUSED_512

// xsimd::select, for every lane type. xsimd 8.1's AVX-512BW select of 8- and 16-bit lanes casts
// the batch straight to a GCC vector type inside _mm512_mask_blend_epi8/16, which GCC's intrinsic
// headers define as macros when not optimizing: every -O0 build failed to compile. Here those
// lanes call the intrinsic on the batch's register, which builds at every level; other lanes and
// arches take xsimd's own select.
template <class T, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> select(const xsimd::batch_bool<T, A>& condition,
                                                       const xsimd::batch<T, A>& if_true,
                                                       const xsimd::batch<T, A>& if_false) {
#if defined(__AVX512BW__)
    if constexpr (std::is_base_of_v<xsimd::avx512bw, A> && std::is_integral_v<T> && sizeof(T) == 2) {
        const __m512i chosen = _mm512_mask_blend_epi16(static_cast<__mmask32>(condition), static_cast<__m512i>(if_false),
                                                       static_cast<__m512i>(if_true));
        return xsimd::batch<T, A>(chosen);
    } else if constexpr (std::is_base_of_v<xsimd::avx512bw, A> && std::is_integral_v<T> && sizeof(T) == 1) {
        const __m512i chosen = _mm512_mask_blend_epi8(static_cast<__mmask64>(condition), static_cast<__m512i>(if_false),
                                                      static_cast<__m512i>(if_true));
        return xsimd::batch<T, A>(chosen);
    } else
#endif
        return xsimd::select(condition, if_true, if_false);
}
#else
template <class T>
inline constexpr std::size_t lanes = 1;
inline const char* arch_name() { return "scalar"; }
#endif

}  // namespace rectify::detail
