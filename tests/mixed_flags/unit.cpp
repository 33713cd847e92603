// One translation unit of the mixed-flags program, compiled twice: as `plain` with the default
// flags and as `hot` with -mavx2 -mfma (tests/mixed_flags/CMakeLists.txt). Each copy calls rectify
// the way a user's file does and reports the arch its own calls ran; main.cpp checks that each
// one got its own, whatever the link order and optimization level.
#include <rectify/rectify.hpp>

#include <cmath>
#include <cstring>
#include <span>
#include <vector>

#include "unit.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#define MIXED_EXPECTED "fma3+avx2"
#elif defined(__AVX2__)
#define MIXED_EXPECTED "avx2"
#else
#define MIXED_EXPECTED "sse2"
#endif

namespace mixed {

unit_report MIXED_UNIT() {
    unit_report r{};
    r.expected = MIXED_EXPECTED;
    r.arch = rectify::simd_arch_name();
    r.width = rectify::simd_width<float>;
    // Every kind of call: the shorthands, the generic form, PReLU, the pointer form; each result
    // checked against the scalar math (exact for ReLU and PReLU, within 4 ULP-ish for SiLU).
    std::vector<float> x(37), y(37), dx(37), w = {0.25f};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = -4.0f + 0.23f * static_cast<float>(i);
    rectify::relu(x, y);
    for (std::size_t i = 0; i < x.size(); ++i) r.wrong += y[i] != rectify::ReLU{}(x[i]);
    rectify::silu(x, y);
    for (std::size_t i = 0; i < x.size(); ++i)
        r.wrong += std::fabs(y[i] - rectify::SiLU{}(x[i])) > 4e-7f * (1.0f + std::fabs(y[i]));
    rectify::silu_backward(x, y, dx);
    for (std::size_t i = 0; i < x.size(); ++i) r.wrong += !std::isfinite(dx[i]);
    rectify::prelu(x, w, y, rectify::ChannelShape{1, 1, x.size()});
    for (std::size_t i = 0; i < x.size(); ++i) r.wrong += y[i] != rectify::LeakyReLU{0.25}(x[i]);
    std::vector<double> xd(x.begin(), x.end()), yd(xd.size());
    rectify::forward(rectify::ELU{}, xd.data(), yd.data(), xd.size());
    for (std::size_t i = 0; i < xd.size(); ++i)
        r.wrong += std::fabs(yd[i] - rectify::ELU{}(xd[i])) > 1e-15 * (1.0 + std::fabs(yd[i]));
    return r;
}

}  // namespace mixed
