// bfloat16 and half through rectify::kernels: every entry point that runs a kernel compiles against
// the library's declarations, links to its instantiations (check_extern.cmake checks with nm that
// this object only references them) and computes the activation's value, within one rounding of
// the 16-bit type. Exits non-zero on a wrong value.
#include <rectify/rectify.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>
#include <vector>

namespace {

int failures = 0;

// Within two roundings of T (the kernels compute in float and round once; the reference rounds too).
template <class T>
void check(const char* what, const char* type, std::size_t i, T got, float expected) {
    const float g = static_cast<float>(got);
    const float tolerance = 2.0f * static_cast<float>(std::numeric_limits<T>::epsilon()) * std::fabs(expected) + 1e-6f;
    if (!(std::fabs(g - expected) <= tolerance)) {
        std::printf("%s<%s>[%zu] = %g, expected %g\n", what, type, i, static_cast<double>(g), static_cast<double>(expected));
        ++failures;
    }
}

template <class T, class Act>
void check_activation(const char* type, const char* name, const Act& act, const std::vector<T>& x,
                      const std::vector<T>& dy, const std::vector<T>& y, const std::vector<T>& dx) {
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float xf = static_cast<float>(x[i]);
        check(name, type, i, y[i], act(xf));
        check(name, type, i, dx[i], act.backward(xf, static_cast<float>(dy[i])));
    }
}

template <class T>
void run(const char* type) {
    // 37 elements: a tail after the vector loop for every SIMD width.
    std::vector<T> x, dy;
    for (int i = 0; i < 37; ++i) {
        x.push_back(T(static_cast<float>(i - 18) * 0.25f));
        dy.push_back(T(1.0f - static_cast<float>(i) * 0.0625f));
    }
    std::vector<T> y(x.size()), dx(x.size());

    rectify::relu(x, y);
    rectify::relu_backward(x, dy, dx);
    check_activation(type, "relu", rectify::ReLU{}, x, dy, y, dx);
    rectify::leaky_relu(x, y, 0.25);
    rectify::leaky_relu_backward(x, dy, dx, 0.25);
    check_activation(type, "leaky_relu", rectify::LeakyReLU{0.25}, x, dy, y, dx);
    rectify::elu(x, y);
    rectify::elu_backward(x, dy, dx);
    check_activation(type, "elu", rectify::ELU{}, x, dy, y, dx);
    rectify::silu(x, y);
    rectify::silu_backward(x, dy, dx);
    check_activation(type, "silu", rectify::SiLU{}, x, dy, y, dx);

    // The generic, span and pointer forms.
    rectify::forward(rectify::SiLU{}, x, y);
    rectify::backward(rectify::SiLU{}, x, dy, dx);
    check_activation(type, "forward/backward", rectify::SiLU{}, x, dy, y, dx);
    rectify::forward<rectify::ELU, T>(rectify::ELU{}, x, y);
    rectify::backward<rectify::ELU, T>(rectify::ELU{}, x, dy, dx);
    check_activation(type, "span forms", rectify::ELU{}, x, dy, y, dx);
    rectify::forward(rectify::LeakyReLU{0.5}, x.data(), y.data(), x.size());
    rectify::backward(rectify::LeakyReLU{0.5}, x.data(), dy.data(), dx.data(), x.size());
    check_activation(type, "pointer forms", rectify::LeakyReLU{0.5}, x, dy, y, dx);

    // Backward from the saved output.
    rectify::relu(x, y);
    rectify::backward_from_output(rectify::ReLU{}, y, dy, dx);
    for (std::size_t i = 0; i < x.size(); ++i)
        check("backward_from_output", type, i, dx[i], rectify::ReLU{}.backward(static_cast<float>(x[i]), static_cast<float>(dy[i])));
    rectify::forward(rectify::LeakyReLU{0.25}, x.data(), y.data(), x.size());
    rectify::backward_from_output(rectify::LeakyReLU{0.25}, y.data(), dy.data(), dx.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        check("backward_from_output (pointers)", type, i, dx[i],
              rectify::LeakyReLU{0.25}.backward(static_cast<float>(x[i]), static_cast<float>(dy[i])));

    // PReLU with one weight per channel: x is [1][37][1], 37 channels.
    std::vector<T> w;
    for (std::size_t c = 0; c < x.size(); ++c) w.push_back(T(0.125f * static_cast<float>(c % 4)));
    const rectify::ChannelShape shape{1, x.size(), 1};
    rectify::prelu(x, w, y, shape);
    std::vector<T> dw(w.size());
    rectify::prelu_backward(x, w, dy, dx, dw, shape);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float xf = static_cast<float>(x[i]), wf = static_cast<float>(w[i]), g = static_cast<float>(dy[i]);
        check("prelu", type, i, y[i], xf > 0.0f ? xf : wf * xf);
        check("prelu_backward dx", type, i, dx[i], xf > 0.0f ? g : wf * g);
        check("prelu_backward dweight", type, i, dw[i], xf > 0.0f ? 0.0f : xf * g);
    }
}

}  // namespace

int main() {
    run<rectify::bfloat16>("bfloat16");
    run<rectify::half>("half");
    std::printf("16-bit kernels from rectify::kernels: %s (SIMD: %s, %zu float lanes, %zu bfloat16 lanes)\n",
                failures == 0 ? "ok" : "FAILED", rectify::simd_arch_name(), rectify::simd_width<float>,
                rectify::simd_width<rectify::bfloat16>);
    return failures == 0 ? 0 : 1;
}
