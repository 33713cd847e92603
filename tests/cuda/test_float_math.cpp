// The device's float math (activations.hpp, scalar_math::in_float), run on the host. Every
// operation of it is an explicit round-to-nearest one, and this file is compiled with
// -ffp-contract=off, so the host computes the bits the device computes: what passes here holds on
// the GPU (tests/cuda/test_kernels.cu also compares the two bit for bit where a GPU is present).
//   - docs/SEMANTICS.md's special values, through ELU/SiLU's forward_in / backward_in<in_float>;
//   - the accuracy bounds on every 1021st bit pattern and every float of the critical zones
//     (float_math_exhaustive.cpp checks all 2^32);
//   - every listed activation's float math (the program is built with
//     RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST, so act(x) for a float x is the device's evaluation)
//     within its bounds on every 65521st bit pattern.
#include <rectify/activations.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../support/references.hpp"
#include "../support/test_support.hpp"
#include "float_math_measure.hpp"

using rectify::scalar_math::in_float;
using rectify_cuda_test::bits_of;

namespace {

constexpr float inf = std::numeric_limits<float>::infinity();
const float qnan = std::numeric_limits<float>::quiet_NaN();

float elu(float x, double alpha = 1.0) { return rectify::ELU{alpha}.forward_in<in_float>(x); }
float elu_grad(float x, float dy, double alpha = 1.0) { return rectify::ELU{alpha}.backward_in<in_float>(x, dy); }
float silu(float x) { return rectify::SiLU{}.forward_in<in_float>(x); }
float silu_grad(float x, float dy) { return rectify::SiLU{}.backward_in<in_float>(x, dy); }

bool same(float a, float b) { return rectify_test::same_value(a, b); }

}  // namespace

TEST_CASE("device float math: ELU special values", "[cuda][float_math]") {
    CHECK(same(elu(0.0f), 0.0f));
    CHECK(same(elu(-0.0f), -0.0f));
    CHECK(same(elu(-inf), -1.0f));
    CHECK(same(elu(-inf, 0.5), -0.5f));
    CHECK(same(elu(inf), inf));
    CHECK(std::isnan(elu(qnan)));
    CHECK(same(elu(-1e-8f), -1e-8f));  // expm1, not exp(x) - 1 (which gives 0)
    CHECK(same(elu(-1.0f, -1.0), static_cast<float>(-std::expm1(-1.0))));  // negative alpha: +0.632
    CHECK(same(elu(2.5f), 2.5f));
    // backward: alpha * dy at 0, NaN at NaN, dy above 0, flushed below -87
    CHECK(same(elu_grad(0.0f, 3.0f, 2.0), 6.0f));
    CHECK(same(elu_grad(-0.0f, 3.0f, 2.0), 6.0f));
    CHECK(std::isnan(elu_grad(qnan, 1.0f)));
    CHECK(same(elu_grad(1.0f, -4.0f), -4.0f));
    CHECK(same(elu_grad(-90.0f, 1.0f), 0.0f));
    CHECK(same(elu_grad(-inf, 1.0f), 0.0f));
}

TEST_CASE("device float math: SiLU special values", "[cuda][float_math]") {
    CHECK(same(silu(0.0f), 0.0f));
    CHECK(same(silu(-0.0f), -0.0f));
    CHECK(same(silu(inf), inf));
    CHECK(same(silu(-inf), -0.0f));  // the limit (PyTorch: NaN)
    CHECK(std::isnan(silu(qnan)));
    CHECK(same(silu(1.0f), 0.731058579f));
    // Left of -88.72 PyTorch flushes to -0; the true values are representable down to about -103.
    for (float x : {-88.8f, -90.0f, -95.0f, -100.0f, -103.0f}) {
        const long double exact = rectify_test::ref_silu(x);
        const float got = silu(x);
        INFO("x = " << x << ": got " << got << ", exact " << static_cast<double>(exact));
        CHECK(got < 0.0f);
        CHECK(rectify_test::ulp_error(got, exact) <= 2.0L);
    }
    CHECK(std::fpclassify(silu(-100.0f)) == FP_SUBNORMAL);
    CHECK(same(silu(-120.0f), -0.0f));
    CHECK(same(silu(200.0f), 200.0f));
    // backward: dy at +inf, 0 * dy at -inf, NaN at NaN, 0.5 * dy at 0
    CHECK(same(silu_grad(inf, 3.0f), 3.0f));
    CHECK(same(silu_grad(-inf, 3.0f), 0.0f));
    CHECK(same(silu_grad(-inf, -3.0f), -0.0f));
    CHECK(std::isnan(silu_grad(-inf, inf)));  // 0 * inf
    CHECK(std::isnan(silu_grad(qnan, 1.0f)));
    CHECK(same(silu_grad(0.0f, 3.0f), 1.5f));
    CHECK(same(silu_grad(-0.0f, 3.0f), 1.5f));
}

TEST_CASE("device float math: accuracy on sampled floats and the critical zones", "[cuda][float_math][accuracy]") {
    using namespace rectify_cuda_test;
    const unsigned threads = 2;
    maxima all = sweep(0, std::uint64_t{1} << 32, 1021, threads);
    // The zones where the math changes branch, rounds into the denormals or to -1 / x: every float
    // (every 3rd bit pattern in [0.25, 1], where the reduction is the identity and the polynomial
    // does all the work).
    struct zone {
        float lo, hi;
        std::uint64_t stride;
    };
    const zone zones[] = {{-110.0f, -85.0f, 1}, {85.0f, 90.0f, 1}, {-20.0f, -15.0f, 1}, {15.0f, 20.0f, 1},
                          {-1.0f, -0.25f, 3},   {0.25f, 1.0f, 3}};
    for (const zone& z : zones) {
        const std::uint64_t b0 = bits_of(z.lo), b1 = bits_of(z.hi);
        all.merge(sweep(std::min(b0, b1), std::max(b0, b1) + 1, z.stride, threads));
    }
    all.print("sampled");
    for (int m = 0; m < measure_count; ++m) {
        INFO(measure_names[m] << ": max " << all.max[m] << " at x = " << all.worst_x[m] << ", got " << all.worst_got[m]);
        CHECK(all.max[m] <= bound_of[m]);
    }
}

TEST_CASE("device float math: ELU with an alpha that is not a power of two rounds once more", "[cuda][float_math]") {
    // alpha * expm1(x) in float: expm1's 1 ULP, alpha's own rounding and the product's: 2*1 + 0.5
    // ULP, as the CPU kernels assert (docs/ACCURACY.md).
    const double alpha = 1.6732632423543772;  // SELU's
    long double worst = 0;
    for (std::uint32_t bits = 0x80000000u; bits <= 0xC1A00000u; bits += 97) {  // -0 .. -20
        const float x = rectify_cuda_test::float_from_bits(bits);
        const long double exact = static_cast<long double>(static_cast<float>(alpha)) * std::expm1(static_cast<long double>(x));
        worst = std::max(worst, rectify_test::ulp_error(elu(x, alpha), exact));
    }
    INFO("max " << static_cast<double>(worst) << " ULP");
    CHECK(worst <= 2.5L);
}

// Every listed activation's float math as the device runs it (this program is built with
// RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST: Act{}(x) with x a float is the device's evaluation),
// on every parameter set of support/references.hpp: within the activation's forward bound of the
// independent reference and within C = 4 backward (bit for bit for the exact ones), on every
// 65521st bit pattern and the special values.
namespace {

template <class Act>
void check_device_float_math(const rectify_test::Case<Act>& c) {
    using namespace rectify_test;
    const Act& act = c.act;
    INFO(case_name(c));
    long double worst_forward = 0, worst_backward = 0;
    float worst_forward_x = 0, worst_backward_x = 0;
    std::uint64_t bad_specials = 0;
    const auto one = [&](float x) {
        for (const float dy : {1.0f, rectify_cuda_test::dy_for(x)}) {
            const float y = act(x), dx = act.backward(x, dy);
            if constexpr (exact_reference<Act>) {
                if (!same_value(y, activation_reference<Act>::forward_bits(act, x))) {
                    worst_forward = std::numeric_limits<long double>::infinity();
                    worst_forward_x = x;
                }
                if (!same_value(dx, activation_reference<Act>::backward_bits(act, x, dy))) {
                    worst_backward = std::numeric_limits<long double>::infinity();
                    worst_backward_x = x;
                }
            } else if (std::isnan(x)) {
                // NaN, but where the gradient does not depend on x (Swish{0}: dy / 2).
                const long double d = reference_derivative<long double>(act, x);
                bad_specials += !(std::isnan(y) && (std::isnan(d) ? std::isnan(dx) : same_value(dx, static_cast<float>(d * dy))));
            } else if (std::isinf(x)) {
                // The limits of docs/SEMANTICS.md: the reference's value, rounded to float.
                const float want = static_cast<float>(reference_forward<long double>(act, x));
                bad_specials += !(same_value(y, want) || (y == 0 && want == 0));
            } else {
                const long double e = ulp_error(y, reference_forward<long double>(act, x));
                if (e > worst_forward) worst_forward = e, worst_forward_x = x;
                const long double exact = reference_derivative<long double>(act, x) * dy;
                long double b = backward_error(dx, exact, dy);
                if (dx == 0 && !zero_dx_sign_ok(act, x, dy, dx)) b = std::numeric_limits<long double>::infinity();
                if (b > worst_backward) worst_backward = b, worst_backward_x = x;
            }
        }
    };
    for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << 32); bits += 65521)
        one(rectify_cuda_test::float_from_bits(static_cast<std::uint32_t>(bits)));
    for (const float x : {0.0f, -0.0f, inf, -inf, qnan, 1e-30f, -1e-30f, 3.0f, -3.0f, 6.0f, 20.0f, -20.0f, 90.0f,
                          -90.0f, -104.0f, -110.0f})
        one(x);
    INFO("forward: max " << static_cast<double>(worst_forward) << " ULP at x = " << worst_forward_x
                         << "; backward: max C " << static_cast<double>(worst_backward) << " at x = " << worst_backward_x);
    CHECK(worst_forward <= act.forward_ulp_bound());
    CHECK(worst_backward <= backward_c<float>());
    CHECK(bad_specials == 0);
}

template <class... Acts>
void check_every_device_float_math(rectify::detail::activation_list<Acts...>) {
    const auto each = [](const auto& act) {
        for (const auto& c : rectify_test::cases<std::remove_cvref_t<decltype(act)>>()) check_device_float_math(c);
    };
    (each(Acts{}), ...);
}

}  // namespace

TEST_CASE("device float math: every listed activation within its bounds on sampled floats", "[cuda][float_math]") {
    check_every_device_float_math(rectify::detail::all_activations{});
}
