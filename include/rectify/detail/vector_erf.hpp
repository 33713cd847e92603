// rectify/detail/vector_erf.hpp — the Gaussian tail on xsimd float batches: t * Phi(-t) =
// (t/2) * erfc(t/sqrt(2)) for t >= 0, to the last denormal, and the scaled Mills ratio
// Phi(-t) * exp(t^2/2) for gradients.
//
// Phi is the standard normal distribution function, so erfc(z) = 2 * Phi(-z*sqrt(2)); GELU's
// x * Phi(x) is max(0, x) - t * Phi(-t) with t = |x|, which is why the piece takes t and not z:
// the product x/sqrt(2) is never formed, so it is never rounded before the exponential (its
// rounding alone would cost x^2 * 2^-24 relatively in the tail, 50 to 100 ULP at x = -10).
//
// The scheme, for float:
//   - t < 6 (the main range): t Phi(-t) itself by 32 polynomials of degree 7 in s = t - center[j],
//     j = floor(t * 16/3), looked up by one two-register permute per coefficient on AVX-512 (a
//     gather on AVX2, a scalar loop elsewhere). No exponential: each interval's polynomial carries
//     exp(-t^2/2) on it. Each center is chosen so that the value and the slope there are close to
//     floats, and the other coefficients refitted after rounding them (minimax relative error at
//     most 0.08 ULP on every interval; on the first, t Phi(-t) = t (1/2 + t P(t)) keeps full
//     relative accuracy down to the denormals). The result rounds once, in the last multiply-add;
//   - t in [6, 14.5] (the far tail, behind xsimd::any in the callers): exp(-t^2/2) F(t) with
//     F(t) = t Phi(-t) exp(t^2/2) a polynomial of degree 5 in u = 1/t^2 (0.033 ULP) and
//     exp(-t^2/2) = 2^n (1 + q), t^2 carried exactly as hi + lo (the fused multiply-add gives lo),
//     hi + 2n ln2_hi exact and the reduced argument's rounding carried into q (Fast2Sum): q is
//     within 0.07 ULP. 2^n is applied in two steps, the first exact, the second rounding once into
//     the denormals. Beyond 14.34 the result is below half the smallest denormal: 0.
//   - G(t) = Phi(-t) exp(t^2/2) (for gradients, whose bound is absolute): a rational function of
//     degrees 4 and 5 on [0, 13], relative error below 1e-7.
//
// Needs a fused multiply-add (fused_multiply_add): the float kernels of architectures without one
// evaluate lane by lane in double instead (activations/gelu.hpp).
//
// Two parts, each with its own guard, as a family file: the constants and tables (plain C++, also
// read by the device's float math in activations/gelu.hpp, through center_at / coef_at), and the
// vector math, compiled when RECTIFY_DETAIL_VECTOR_MATH is set (activations/gelu.hpp's second part
// includes this file again).
#if !defined(RECTIFY_DETAIL_VECTOR_ERF_DATA)
#define RECTIFY_DETAIL_VECTOR_ERF_DATA

// ---- the data: plain C++, also for the device (activations/gelu.hpp's float math there) ----------

#include "../scalar_math.hpp"

// A table's numbers, written once: the host's constexpr arrays and the device's __constant__ copies.
#define RECTIFY_DETAIL_NORMAL_TAIL_CENTER {0x0p+0f, 0x1.1cp-2f, 0x1.d54p-2f, 0x1.576p-1f, 0x1.b0cp-1f, 0x1.03fp+0f, 0x1.3a8p+0f, 0x1.65ap+0f, 0x1.956p+0f, 0x1.c9ap+0f, 0x1.f59p+0f, 0x1.15b8p+1f, 0x1.2a18p+1f, 0x1.434p+1f, 0x1.5cc8p+1f, 0x1.742p+1f, 0x1.8e3p+1f, 0x1.a1fp+1f, 0x1.bb2p+1f, 0x1.d5a8p+1f, 0x1.e9ep+1f, 0x1.00fp+2f, 0x1.0e9cp+2f, 0x1.198cp+2f, 0x1.254cp+2f, 0x1.31d8p+2f, 0x1.3d24p+2f, 0x1.494p+2f, 0x1.5598p+2f, 0x1.60f8p+2f, 0x1.6cfp+2f, 0x1.7ad4p+2f}
#define RECTIFY_DETAIL_NORMAL_TAIL_COEF \
    { {0x0p+0f, 0x1.bbe6b4p-4f, 0x1.2f7f5cp-3f, 0x1.590d1cp-3f, 0x1.58760cp-3f, 0x1.423e6ap-3f, 0x1.13d224p-3f, 0x1.d0b052p-4f, 0x1.6f7592p-4f, 0x1.0e54eap-4f, 0x1.91f0bep-5f, 0x1.0ae34cp-5f, 0x1.7b03fp-6f, 0x1.de2e7p-7f, 0x1.1f31e8p-7f, 0x1.5b6114p-8f, 0x1.7c55ecp-9f, 0x1.d43ec2p-10f, 0x1.e6bf34p-11f, 0x1.d41438p-12f, 0x1.041e74p-12f, 0x1.f53d7ep-14f, 0x1.a1a3c2p-15f, 0x1.910216p-16f, 0x1.60ceaap-17f, 0x1.1ac1b6p-18f, 0x1.e0443p-20f, 0x1.725cfp-21f, 0x1.0e2e5p-22f, 0x1.9cc328p-24f, 0x1.21bd56p-25f, 0x1.4900b2p-27f}, {0x1p-1f, 0x1.231c86p-2f, 0x1.45347ap-3f, 0x1.339f9cp-5f, -0x1.2e6b52p-5f, -0x1.642762p-4f, -0x1.eedbb6p-4f, -0x1.07de28p-3f, -0x1.fa86dep-4f, -0x1.b7d9fcp-4f, -0x1.6f1f38p-4f, -0x1.135a1ap-4f, -0x1.a8226cp-5f, -0x1.24e024p-5f, -0x1.7e3438p-6f, -0x1.ef8b0ep-7f, -0x1.236afep-7f, -0x1.79712cp-8f, -0x1.a0f9ccp-9f, -0x1.a9cdc4p-10f, -0x1.ee337p-11f, -0x1.f40c4ap-12f, -0x1.b74526p-13f, -0x1.b71ebp-14f, -0x1.92b42ep-15f, -0x1.50bb74p-16f, -0x1.28a77ap-17f, -0x1.db2decp-19f, -0x1.67c0b8p-20f, -0x1.1c05aap-21f, -0x1.9c5a1ap-23f, -0x1.e6288cp-25f}, {-0x1.988454p-2f, -0x1.79fc3p-2f, -0x1.492e4ap-2f, -0x1.f9c012p-3f, -0x1.6f71fap-3f, -0x1.d8cf3cp-4f, -0x1.790c4cp-5f, -0x1.dd854cp-9f, 0x1.d9621p-6f, 0x1.8b4cbcp-5f, 0x1.b8c6p-5f, 0x1.a45b26p-5f, 0x1.739096p-5f, 0x1.26de58p-5f, 0x1.b0eaf4p-6f, 0x1.3415dp-6f, 0x1.8d50e8p-7f, 0x1.1213ap-7f, 0x1.460156p-8f, 0x1.657932p-9f, 0x1.b45abep-10f, 0x1.d30a96p-11f, 0x1.b3938cp-12f, 0x1.c78104p-13f, 0x1.b56358p-14f, 0x1.7f2ff2p-15f, 0x1.5f5b62p-16f, 0x1.252df2p-17f, 0x1.ce093cp-19f, 0x1.79e812p-20f, 0x1.1c548p-21f, 0x1.5cde8ep-23f}, {0x1.81ff08p-25f, 0x1.1d23bp-4f, 0x1.a9da9p-4f, 0x1.02ed9ap-3f, 0x1.089262p-3f, 0x1.ea519cp-4f, 0x1.87d51ep-4f, 0x1.25bc6cp-4f, 0x1.6f742ap-5f, 0x1.3d04acp-6f, 0x1.947184p-9f, -0x1.3dcff8p-7f, -0x1.dfc02ep-7f, -0x1.0da2e4p-6f, -0x1.f07d8ep-7f, -0x1.9c050ep-7f, -0x1.30aabcp-7f, -0x1.cad57cp-8f, -0x1.2cd8f6p-8f, -0x1.68ee18p-9f, -0x1.d4a1dp-10f, -0x1.0c3aaap-10f, -0x1.0c4ac4p-11f, -0x1.277afcp-12f, -0x1.2ae974p-13f, -0x1.13e702p-14f, -0x1.087334p-15f, -0x1.cda888p-17f, -0x1.7bfa64p-18f, -0x1.42eb6p-19f, -0x1.f90258p-21f, -0x1.4355b4p-22f}, {0x1.10569cp-4f, 0x1.c67f74p-5f, 0x1.3ba058p-5f, 0x1.c97256p-7f, -0x1.749e58p-8f, -0x1.5e3b64p-6f, -0x1.137882p-5f, -0x1.2e2844p-5f, -0x1.1a309cp-5f, -0x1.c1a5f4p-6f, -0x1.450e52p-6f, -0x1.5ec794p-7f, -0x1.47294p-8f, 0x1.a1beaap-17f, 0x1.7c2cd8p-9f, 0x1.03194ep-8f, 0x1.01a1f6p-8f, 0x1.c57896p-9f, 0x1.5ae4b8p-9f, 0x1.d9026ap-10f, 0x1.4dc3cap-10f, 0x1.a02a9ep-11f, 0x1.c5bdf6p-12f, 0x1.09e1fep-12f, 0x1.1dd80cp-13f, 0x1.18395cp-14f, 0x1.1a7574p-15f, 0x1.034362p-16f, 0x1.bfd00ep-18f, 0x1.8ce5dcp-19f, 0x1.43a548p-20f, 0x1.b1f512p-22f}, {0x1.96514ap-16f, -0x1.eeb8d4p-7f, -0x1.5ff0a2p-6f, -0x1.8836dcp-6f, -0x1.55e9bcp-6f, -0x1.fd0022p-7f, -0x1.e30c3ep-8f, 0x1.26af18p-12f, 0x1.413df2p-8f, 0x1.0ee516p-7f, 0x1.260ae8p-7f, 0x1.103b3cp-7f, 0x1.943052p-8f, 0x1.0ae084p-8f, 0x1.f0746cp-10f, 0x1.044374p-11f, -0x1.d0f942p-12f, -0x1.84afe4p-11f, -0x1.bfe634p-11f, -0x1.862d78p-11f, -0x1.3d0cbcp-11f, -0x1.bd27a8p-12f, -0x1.10985ap-12f, -0x1.5a3dc2p-13f, -0x1.90b17cp-14f, -0x1.a6ad8ep-15f, -0x1.c433bap-16f, -0x1.b780fep-17f, -0x1.9083e8p-18f, -0x1.741868p-19f, -0x1.3dd44cp-20f, -0x1.c01496p-22f}, {-0x1.4d2828p-7f, -0x1.20d87p-7f, -0x1.1fb708p-8f, 0x1.e714eap-9f, 0x1.6f76aep-9f, 0x1.6713aap-8f, 0x1.170d22p-6f, 0x1.94a6d4p-6f, 0x1.01e644p-9f, 0x1.19579ep-9f, -0x1.6d66f4p-14f, -0x1.da5616p-9f, -0x1.488b48p-8f, -0x1.3b3a5p-10f, -0x1.4827e8p-10f, -0x1.2a1062p-10f, 0x1.ae47dap-18f, 0x1.020454p-13f, 0x1.255c1ep-18f, 0x1.2da3b6p-13f, 0x1.2adc18p-14f, 0x1.2c76f8p-13f, 0x1.c6db12p-14f, 0x1.36c712p-14f, 0x1.aa4d92p-15f, 0x1.d7a5p-16f, 0x1.07c75cp-16f, 0x1.1ad446p-17f, 0x1.192ac8p-18f, 0x1.126d9ap-19f, 0x1.edc67cp-21f, 0x1.741828p-22f}, {0x1.908e2p-11f, -0x1.078212p-8f, -0x1.9391ecp-11f, 0x1.0c541ep-5f, -0x1.3f094cp-9f, 0x1.4d1c84p-9f, 0x1.72bb8p-5f, -0x1.aee052p-4f, 0x1.ecf78p-8f, 0x1.f49086p-9f, 0x1.d121cp-9f, -0x1.bfc26ap-6f, 0x1.3a1f1cp-6f, -0x1.d64db4p-8f, 0x1.159516p-11f, 0x1.39bde8p-11f, 0x1.abf72ep-9f, -0x1.07db6ap-9f, 0x1.97f07cp-15f, 0x1.d26002p-15f, 0x1.5d951cp-11f, 0x1.571ffep-18f, -0x1.8cbeb4p-16f, -0x1.b3ea68p-20f, -0x1.ae3076p-16f, -0x1.1c22b4p-17f, -0x1.e46754p-20f, -0x1.8a04cp-19f, -0x1.3069ccp-19f, -0x1.27bad4p-20f, -0x1.17dc9p-21f, -0x1.eab2aep-23f}, }

namespace rectify::scalar_math::inline RECTIFY_DETAIL_ARCH_NS {

struct normal_tail_constants {
    // t * Phi(-t) is computed by the main formula for t < main_limit and by the tail formula for
    // t in [main_limit, zero_limit]; above zero_limit it is 0 (below denorm_min / 2 from 14.34 on).
    static constexpr float main_limit = 5.99f;
    static constexpr float zero_limit = 14.5f;
    // exp(-v/2) - 1 = v * P(v) on |v| <= ln2 (v = -2r), minimax of the relative error of exp(-v/2)
    // with P(0) = -1/2 exact, coefficients rounded to float and refitted: 0.063 ULP.
    static constexpr float exp_half_poly[] = {-0x1p-1f, 0x1.fffffcp-4f, -0x1.555492p-6f, 0x1.5558f2p-9f, -0x1.1239f8p-12f,
                                              0x1.6a242p-16f};
    // F(1/sqrt(u)) on u = 1/t^2 in [1/14.5^2, 1/5.98^2], degree 5, F(inf) = 1/sqrt(2 pi) rounded
    // and the rest refitted: relative error 0.033 ULP.
    static constexpr float tail_poly[] = {0x1.988454p-2f, -0x1.98854cp-2f, 0x1.327454p+0f, -0x1.7d9136p+2f, 0x1.3123ecp+5f,
                                          -0x1.7ff59p+7f};
    // G(t) = Phi(-t) * exp(t^2/2) (the Mills ratio over sqrt(2 pi)) on [0, 13] as N(t)/D(t), degrees
    // 4 and 5, D(0) = 1: relative error 4.8e-9 before rounding the coefficients to float,
    // 1.7e-8 after (evaluation in float adds a few roundings); for gradients, whose bound is absolute.
    static constexpr float mills_num[] = {0x1p-1f, 0x1.bd6d1ap-2f, 0x1.7242dep-3f, 0x1.462268p-5f, 0x1.05cc52p-8f};
    static constexpr float mills_den[] = {0x1p+0f, 0x1.aaf8bcp+0f, 0x1.313d04p+0f, 0x1.da222p-2f, 0x1.98c7bap-4f, 0x1.481c42p-7f};
    static constexpr float mills_limit = 13.0f;
};

#if defined(__CUDACC__)
static __device__ __constant__ float normal_tail_center_device[32] = RECTIFY_DETAIL_NORMAL_TAIL_CENTER;
static __device__ __constant__ float normal_tail_coef_device[8][32] = RECTIFY_DETAIL_NORMAL_TAIL_COEF;
#endif

// t Phi(-t) on [0, 6): 32 intervals of width 3/16, degree 7 (vector_erf.hpp's top comment).
// Largest relative error of a polynomial with its float coefficients: 0.16 ULP.
struct normal_tail_table {
    static constexpr int degree = 7;
    static constexpr float per_unit = 16.0f / 3.0f;
    static constexpr float center[32] = RECTIFY_DETAIL_NORMAL_TAIL_CENTER;
    static constexpr float coef[8][32] = RECTIFY_DETAIL_NORMAL_TAIL_COEF;
    // The entries from scalar code, host or device.
    RECTIFY_HOST_DEVICE static float center_at(int j) {
#if defined(__CUDA_ARCH__)
        return normal_tail_center_device[j];
#else
        return center[j];
#endif
    }
    RECTIFY_HOST_DEVICE static float coef_at(int k, int j) {
#if defined(__CUDA_ARCH__)
        return normal_tail_coef_device[k][j];
#else
        return coef[k][j];
#endif
    }
};

}  // namespace rectify::scalar_math::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_DETAIL_VECTOR_ERF_DATA


#if RECTIFY_DETAIL_VECTOR_MATH && !defined(RECTIFY_DETAIL_VECTOR_ERF_VECTOR)
#define RECTIFY_DETAIL_VECTOR_ERF_VECTOR

// ---- the vector math: compiled where activations/gelu.hpp's second part includes this file ------

#include <cstdint>
#include <type_traits>

#include "simd.hpp"
#include "vector_math.hpp"

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

using scalar_math::normal_tail_constants;
using scalar_math::normal_tail_table;



// table[j] for each lane's j in [0, 31].
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> look_up_32(const xsimd::batch<std::int32_t, A>& j, const float (&table)[32]) {
    using B = xsimd::batch<float, A>;
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        return B(_mm512_permutex2var_ps(_mm512_loadu_ps(table), j, _mm512_loadu_ps(table + 16)));
    } else
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
        return B(_mm256_i32gather_ps(table, j, 4));
    } else
#endif
    {
        alignas(64) std::int32_t index[B::size];
        alignas(64) float value[B::size];
        j.store_aligned(index);
        for (std::size_t i = 0; i < B::size; ++i) value[i] = table[index[i]];
        return B::load_aligned(value);
    }
}

// exp(-t^2/2) = 2^n * (1 + q) for t in [0, 14.5] (NaN propagates into q): returns use(n, q), n as
// a float in [-152, 0] (2^n is normal for t < 13.2). t^2 = hi + lo exactly; v = hi + 2n ln2 +
// lo = -2r with its rounding error carried (Fast2Sum, |r2| >= |c| wherever v's rounding matters);
// q = exp(-v/2) - 1 within 0.07 ULP of 1 + q.
template <class A, class Use>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> with_exp_minus_half_square(const xsimd::batch<float, A>& t, const Use& use) {
    using B = xsimd::batch<float, A>;
    using C = exp_constants<float>;
    const B hi = t * t;
    const B lo = detail::fma(t, t, -hi);
    const B magic(C::biased_round_magic);
    const B k = detail::fma(hi, B(-0.5f * C::log2e), magic);
    const B n = k - magic;
    // hi + 2n*ln2_hi is exact: 2*ln2_hi has 9 significant bits and |n| < 2^8, and the sum, below
    // 0.7 in magnitude, is a multiple of hi's ULP (n = 0 for hi < 1.38, where it is hi itself).
    const B r2 = detail::fma(n, B(2.0f * C::ln2_hi), hi);
    const B c = detail::fma(n, B(2.0f * C::ln2_lo), lo);
    const B v = r2 + c;
    const B v_err = (r2 - v) + c;
    // exp(-(v + v_err)/2) = (1 + q(v)) * (1 - v_err/2): q = v P(v) - v_err/2 (the product of
    // v_err/2 with q(v) is below 2^-26 * 0.42 and is dropped: 0.02 ULP).
    const B q = detail::fma(v, horner(v, normal_tail_constants::exp_half_poly), B(-0.5f) * v_err);
    return use(k, n, q);
}

// Horner's scheme from coefficient k down to 0 of the table's polynomials, unrolled at compile time
// (a run-time loop cost a third of the speed, and a lambda over an index sequence was not inlined
// where much else is: a call per batch).
template <class Table, int k, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> horner_from(const xsimd::batch<float, A>& p, const xsimd::batch<float, A>& s,
                                                               const xsimd::batch<std::int32_t, A>& j) {
    const xsimd::batch<float, A> next = detail::fma(p, s, look_up_32(j, Table::coef[k]));
    if constexpr (k == 0) return next;
    else return horner_from<Table, k - 1>(next, s, j);
}

// A piecewise polynomial on [0, 32 / Table::per_unit): on interval j = floor(t * per_unit),
// sum_k Table::coef[k][j] s^k with s = t - Table::center[j] (exact: the centers are multiples of
// 2^-12 near the middles, and |s| < 0.12), by Horner's scheme: one table lookup per coefficient
// (one two-register permute on AVX-512). t in range or NaN (a NaN lane's index, INT_MIN, is kept
// inside the table by the &, and its s is NaN).
template <class Table, class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> piecewise_polynomial(const xsimd::batch<float, A>& t) {
    using B = xsimd::batch<float, A>;
    using I = xsimd::batch<std::int32_t, A>;
    const I j = xsimd::to_int(t * B(Table::per_unit)) & I(31);
    const B s = t - look_up_32(j, Table::center);
    return horner_from<Table, Table::degree - 1>(look_up_32(j, Table::coef[Table::degree]), s, j);
}

// t * Phi(-t) = (t/2) erfc(t/sqrt(2)) for t in [0, main_limit] (NaN propagates): the table's
// polynomial, rounded once by its last multiply-add; before it, the rounding of the rest of
// Horner's sum, whose terms are at most 0.75 of the result (e^(t s) - 1 for t = 6, |s| = 0.094),
// and the fit's 0.08 ULP.
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> t_normal_tail_main(const xsimd::batch<float, A>& t) {
    return piecewise_polynomial<normal_tail_table>(t);
}

// t * Phi(-t) for t >= main_limit, +inf and NaN included (0 above zero_limit; NaN propagates).
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> t_normal_tail_far(const xsimd::batch<float, A>& t) {
    using B = xsimd::batch<float, A>;
    using K = normal_tail_constants;
    const B tc = xsimd::min(B(K::zero_limit), t);  // NaN kept (second operand)
    const B u = B(1.0f) / (tc * tc);               // its rounding moves F by under 0.03 of it
    const B f = horner(u, K::tail_poly);
    const B w = with_exp_minus_half_square(tc, [&f](const B&, const B& n, const B& q) {
        const B n_high = xsimd::max(n, B(-100.0f));
        return (detail::fma(f, q, f) * pow2(n_high)) * pow2(n - n_high);  // exact, then one rounding
    });
    return detail::select(t > B(K::zero_limit), B(0.0f), w);
}

// G(t) = Phi(-t) * exp(t^2/2) for t in [0, mills_limit] (NaN propagates), relative error below
// 1e-7: for gradients.
template <class A>
RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<float, A> scaled_mills_ratio(const xsimd::batch<float, A>& t) {
    using K = normal_tail_constants;
    return horner(t, K::mills_num) / horner(t, K::mills_den);
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_DETAIL_SIMD

#endif  // RECTIFY_DETAIL_VECTOR_ERF_VECTOR
