// The consumer program of the packaging tests: what a user writes first. Exits non-zero when a
// result is wrong, so a package that compiles but computes garbage still fails.
#include <rectify/rectify.hpp>
#include <rectify/version.hpp>  // installed with the other headers

#include <cstdio>
#include <vector>

int main() {
    const std::vector<float> x = {-5.0f, 0.0f, 5.0f, -1.2f};
    std::vector<float> y(x.size(), -1.0f);
    rectify::relu(x, y);

    const std::vector<float> expected = {0.0f, 0.0f, 5.0f, 0.0f};
    int failures = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (y[i] != expected[i]) {
            std::printf("relu(%g) = %g, expected %g\n", static_cast<double>(x[i]), static_cast<double>(y[i]),
                        static_cast<double>(expected[i]));
            ++failures;
        }
    }

    // One activation with a parameter, through the generic kernel, in double.
    const std::vector<double> xd = {10.0, -5.0, 0.0};
    std::vector<double> yd(xd.size());
    rectify::forward(rectify::LeakyReLU{0.1}, std::span<const double>(xd), std::span<double>(yd));
    if (yd[0] != 10.0 || yd[1] != -5.0 * 0.1 || yd[2] != 0.0) {
        std::printf("leaky_relu([10, -5, 0], 0.1) = [%g, %g, %g], expected [10, -0.5, 0]\n",
                    yd[0], yd[1], yd[2]);
        ++failures;
    }

    std::printf("rectify %d.%d.%d consumer: %s (SIMD: %s)\n", RECTIFY_VERSION_MAJOR, RECTIFY_VERSION_MINOR,
                RECTIFY_VERSION_PATCH, failures == 0 ? "ok" : "FAILED", rectify::simd_arch_name());
    return failures == 0 ? 0 : 1;
}
