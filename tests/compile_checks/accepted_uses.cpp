// What the compile-time checks must keep accepting: views (temporary std::span, subrange) as
// outputs, C arrays, std::array, in place, the explicit-type span forms and the pointer forms.
// Built with the strict warnings of strict_warnings.cpp.
#include <array>
#include <ranges>
#include <rectify/rectify.hpp>
#include <span>
#include <vector>

void accepted(std::vector<float>& v, std::vector<double>& d) {
    float c[8] = {};
    std::array<double, 4> a{};
    rectify::relu(v, std::span<float>(v));
    rectify::silu(std::span<const float>(v), std::span<float>(v).first(v.size()));
    rectify::elu(c, c);
    rectify::elu_backward(a, a, a);
#if !defined(__clang__) || __clang_major__ >= 15
    // Clang 14 cannot compile libstdc++ 12's range views at all (std::ranges::subrange, ref_view).
    rectify::leaky_relu(d, std::ranges::subrange(d.begin(), d.end()));
#endif
    rectify::forward<rectify::ReLU, double>(rectify::ReLU{}, d, d);
    rectify::forward(rectify::SiLU{}, v.data(), v.data(), v.size());
    rectify::prelu(v, std::array<float, 1>{0.25f}, std::span<float>(v), {1, 1, v.size()});
}
