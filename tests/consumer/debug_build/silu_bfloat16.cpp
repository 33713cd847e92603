// The 16-bit kernels through rectify::kernels in a Debug consumer: SiLU forward and backward on
// bfloat16, checked against the scalar math rounded to bfloat16. Exits non-zero on a wrong value.
#include <rectify/rectify.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    std::vector<rectify::bfloat16> x, dy;
    for (int i = 0; i < 19; ++i) {  // a vector loop and a tail for every SIMD width
        x.push_back(rectify::bfloat16(static_cast<float>(i - 9) * 0.5f));
        dy.push_back(rectify::bfloat16(0.75f));
    }
    std::vector<rectify::bfloat16> y(x.size()), dx(x.size());
    rectify::silu(x, y);
    rectify::silu_backward(x, dy, dx);

    int failures = 0;
    const auto check = [&failures](const char* what, float xf, rectify::bfloat16 got, float exact) {
        // One bfloat16 rounding of the float result (8 significant bits), and the kernel's float error.
        const float g = static_cast<float>(got);
        if (!(std::fabs(g - exact) <= std::fabs(exact) * 0x1p-7f + 1e-6f)) {
            std::printf("%s(%g) = %g, expected %g\n", what, static_cast<double>(xf), static_cast<double>(g),
                        static_cast<double>(exact));
            ++failures;
        }
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float xf = static_cast<float>(x[i]);
        check("silu", xf, y[i], rectify::SiLU{}(xf));
        check("silu_backward", xf, dx[i], rectify::SiLU{}.backward(xf, 0.75f));
    }
    std::printf("rectify debug consumer, bfloat16: %s (SIMD: %s)\n", failures == 0 ? "ok" : "FAILED",
                rectify::simd_arch_name());
    return failures == 0 ? 0 : 1;
}
