// A consumer translation unit that calls every entry point of <rectify/rectify.hpp> for float and
// double, and (header-only builds) every array entry point for rectify::bfloat16 and rectify::half. The compile checks build it with -Wall -Wextra -Wpedantic -Wconversion
// -Wsign-conversion -Wshadow -Wold-style-cast -Wdouble-promotion -Werror, rectify's headers on a
// plain -I (not SYSTEM), with the compiler of the build (GCC and Clang in CI): the headers must be
// warning-clean for a strict consumer however it includes them.
#include <rectify/activations.hpp>
#include <rectify/rectify.hpp>
#include <rectify/training.hpp>

#include <bit>
#include <cstddef>

// Every listed activation's shorthands (include/rectify/activations/list.hpp) with PyTorch's
// defaults, backward_from_output where the output determines the gradient, and the scalar math.
#define RECTIFY_STRICT_SHORTHANDS(Type, shorthand, gradient, ...)                              \
    rectify::shorthand(x, y);                                                                  \
    rectify::shorthand##_backward(x, dy, dx);                                                  \
    if constexpr (rectify::has_backward_from_output<rectify::Type>)                            \
        rectify::backward_from_output(rectify::Type{}, y, dy, dx);
#define RECTIFY_STRICT_SCALAR(Type, shorthand, gradient, T) \
    +rectify::Type{}(T(1)) + rectify::Type{}.backward(T(-1), T(1))
#include <random>
#include <vector>

template <class T>
T every_call() {
    const std::size_t n = 37;
    std::vector<T> x(n, T(-1)), y(n), dy(n, T(1)), dx(n), w(3, T(0.25)), dw(3);
    std::vector<T> xp(3 * n);
    std::vector<T> yp(xp.size()), dyp(xp.size(), T(1)), dxp(xp.size());
    rectify::relu(x, y);
    rectify::relu_backward(x, dy, dx);
    rectify::leaky_relu(x, y);
    rectify::leaky_relu_backward(x, dy, dx, 0.2);
    rectify::elu(x, y);
    rectify::elu_backward(x, dy, dx, 0.5);
    rectify::silu(x, y);
    rectify::silu_backward(x, dy, dx);
    RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_STRICT_SHORTHANDS)
    rectify::gelu(x, y, rectify::GELU::tanh);
    rectify::softplus_backward(x, dy, dx, 2.0, 10.0);
    rectify::hardtanh(x, y, -2, 2);
    rectify::swish(x, y, 1.702);
    rectify::celu_backward(x, dy, dx, 0.5);
    rectify::forward(rectify::ELU{1.5}, x, x);
    rectify::backward(rectify::LeakyReLU{0.1}, x, dy, dy);
    rectify::forward(rectify::SiLU{}, x.data(), y.data(), n);
    rectify::backward(rectify::ReLU{}, x.data(), dy.data(), dx.data(), n);
    rectify::prelu(xp, w, yp, rectify::ChannelShape{1, 3, n});
    rectify::prelu_backward(xp, w, dyp, dxp, dw, {1, 3, n});
    rectify::backward_from_output(rectify::ELU{}, y, dy, dx);
    std::mt19937 engine(1);
    rectify::kaiming_uniform(rectify::ReLU{}, w, 3, engine);
    rectify::kaiming_normal(rectify::SiLU{}, w, 3, engine);
    const double dead = rectify::dead_units(y, 1);
    const T scalar = T(0) RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_STRICT_SCALAR, T);
    return y[0] + dx[0] + dw[0] + scalar + static_cast<T>(dead + rectify::gain(rectify::ELU{}));
}

#if !defined(RECTIFY_EXTERN_KERNELS)
template <class S>
float every_16bit_call() {
    const std::size_t n = 37;
    std::vector<S> x(n, S(-1.0f)), y(n), dy(n, S(1.0f)), dx(n), w(3, S(0.25f)), dw(3);
    std::vector<S> xp(3 * n);
    std::vector<S> yp(xp.size()), dyp(xp.size(), S(1.0f)), dxp(xp.size());
    rectify::relu(x, y);
    rectify::relu_backward(x, dy, dx);
    rectify::leaky_relu(x, y);
    rectify::leaky_relu_backward(x, dy, dx, 0.2);
    rectify::elu(x, y);
    rectify::elu_backward(x, dy, dx, 0.5);
    rectify::silu(x, y);
    rectify::silu_backward(x, dy, dx);
    RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_STRICT_SHORTHANDS)
    rectify::forward(rectify::ELU{1.5}, x, x);
    rectify::backward(rectify::LeakyReLU{0.1}, x, dy, dy);
    rectify::forward(rectify::SiLU{}, x.data(), y.data(), n);
    rectify::backward(rectify::ReLU{}, x.data(), dy.data(), dx.data(), n);
    rectify::forward<rectify::ReLU, S>(rectify::ReLU{}, x, y);
    rectify::prelu(xp, w, yp, rectify::ChannelShape{1, 3, n});
    rectify::prelu_backward(xp, w, dyp, dxp, dw, {1, 3, n});
    rectify::backward_from_output(rectify::ELU{}, y, dy, dx);
    const S from_double(0.1);
    return static_cast<float>(y[0]) + static_cast<float>(dx[0]) + static_cast<float>(dw[0]) +
           static_cast<float>(from_double) + static_cast<float>(std::bit_cast<S>(x[0].bits()));
}
#endif

#if !defined(RECTIFY_STRICT_WARNINGS_NO_MAIN)
int main() {
    const double sum = static_cast<double>(every_call<float>()) + every_call<double>() +
                       static_cast<double>(every_16bit_call<rectify::bfloat16>() + every_16bit_call<rectify::half>());
    return sum == sum ? 0 : 1;  // NaN never expected; the value is used so nothing is dropped
}
#endif
