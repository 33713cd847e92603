// Every public kernel entry point, float, double, bfloat16 and half, on one set of inputs (the
// special values and a sweep over [-120, 120] that reaches every branch of every activation), with the
// results' bytes in one vector. Included by the header-only reference files (one per arch's
// flags) and by the dispatch test (main.cpp): the same calls, compared byte for byte. Internal
// linkage: the reference files are compiled with different -m flags in one program.
#pragma once

#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

namespace {

using bytes = std::vector<unsigned char>;

// The results' bytes, with every NaN made the same NaN. A NaN's sign is not part of the contract
// (that the result is NaN is, and is compared): which of two NaN operands an operation returns,
// and whether a negation flips a NaN's sign, depend on the order the compiler gives the operands
// and the instructions it picks, which it may choose differently in the dispatch objects and the
// references (it did for half PReLU's weight gradient, channels first, once the lanes were added
// in groups, and for a few of the second wave's NaN results on SSE2).
template <class T>
void append(bytes& out, std::vector<T> v) {
    for (T& e : v)
        if (std::isnan(static_cast<float>(e))) e = std::numeric_limits<T>::quiet_NaN();
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    out.insert(out.end(), p, p + v.size() * sizeof(T));
}

// 3030 = 2 * 3 * 5 * 101 elements: PReLU in the shapes {1, 1, n}, {2, 3, 505} and {606, 5, 1}.
constexpr std::size_t input_size = 3030;

template <class T>
constexpr bool is_16bit = std::is_same_v<T, rectify::bfloat16> || std::is_same_v<T, rectify::half>;

template <class T>
    requires(!is_16bit<T>)
std::vector<T> inputs(unsigned salt) {
    using L = std::numeric_limits<T>;
    std::vector<T> x = {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), L::denorm_min(),
                        -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(), L::epsilon()};
    unsigned state = 12345u + salt;
    while (x.size() < input_size) {
        state = state * 1664525u + 1013904223u;
        const double u = static_cast<double>(state >> 8) / static_cast<double>(1u << 24);  // [0, 1)
        x.push_back(static_cast<T>(-120.0 + 240.0 * u));  // 240 * u is exact: no rounding to contract
    }
    return x;
}

// 16-bit inputs: the float ones, rounded (their own special values come from the float ones').
template <class T>
    requires is_16bit<T>
std::vector<T> inputs(unsigned salt) {
    std::vector<T> x;
    for (float f : inputs<float>(salt)) x.push_back(T(f));
    return x;
}

template <class T, class Act>
void activation_results(bytes& out, const Act& act, const std::vector<T>& x, const std::vector<T>& dy) {
    std::vector<T> y(x.size()), dx(x.size());
    rectify::forward(act, x, y);
    append(out, y);
    rectify::backward(act, x, dy, dx);
    append(out, dx);
    // The pointer forms, on an unaligned piece with a tail.
    std::vector<T> yp(x.size()), dxp(x.size());
    rectify::forward(act, x.data() + 1, yp.data() + 1, x.size() - 4);
    rectify::backward(act, x.data() + 1, dy.data() + 1, dxp.data() + 1, x.size() - 4);
    append(out, yp);
    append(out, dxp);
    if constexpr (rectify::has_backward_from_output<Act>) {
        rectify::backward_from_output(act, y, dy, dx);
        append(out, dx);
    }
}

template <class T, class... Acts>
void every_activation(bytes& out, rectify::detail::activation_list<Acts...>, const std::vector<T>& x,
                      const std::vector<T>& dy) {
    (activation_results<T>(out, Acts{}, x, dy), ...);
}

template <class T>
void element_results(bytes& out) {
    // dy is shifted by one element against x, so that no NaN of x meets a NaN of dy: a product of
    // two NaNs may return either (the compiler may swap the operands, and GCC did between the -O2
    // dispatch objects and the references for half ELU's gradient on SSE2), and a NaN's sign is not
    // part of the contract. With one NaN operand the result's bits are fixed, and compared.
    const std::vector<T> x = inputs<T>(0);
    std::vector<T> dy = inputs<T>(1);
    std::rotate(dy.begin(), dy.begin() + 1, dy.end());
    // Every listed activation with PyTorch's defaults, then a non-default parameter set of each
    // activation that has parameters (another branch of the vector code: GELU's tanh form, a Softplus
    // threshold the sweep crosses, Swish's general beta).
    every_activation<T>(out, rectify::detail::all_activations{}, x, dy);
    activation_results<T>(out, rectify::LeakyReLU{0.3}, x, dy);
    activation_results<T>(out, rectify::ELU{0.5}, x, dy);
    activation_results<T>(out, rectify::GELU{rectify::GELU::tanh}, x, dy);
    activation_results<T>(out, rectify::CELU{0.5}, x, dy);
    activation_results<T>(out, rectify::Hardtanh{-2.0, 3.0}, x, dy);
    activation_results<T>(out, rectify::Softplus{2.0, 10.0}, x, dy);
    activation_results<T>(out, rectify::Swish{1.702}, x, dy);
    std::vector<T> y(x.size());
    rectify::silu(x, y);  // a shorthand
    append(out, y);

    const rectify::ChannelShape shapes[] = {{1, 1, input_size}, {2, 3, 505}, {606, 5, 1}};
    for (const auto& shape : shapes) {
        std::vector<T> w(shape.channels);
        // Exact arithmetic only (here and in inputs()): a file compiled with -mfma may contract
        // a * b + c, and these values must be the same in every file.
        for (std::size_t c = 0; c < w.size(); ++c) w[c] = T(static_cast<float>(1 + 2 * c) / 16.0f);
        std::vector<T> dx(x.size()), dw(w.size());
        rectify::prelu(x, w, y, shape);
        rectify::prelu_backward(x, w, dy, dx, dw, shape);
        append(out, y);
        append(out, dx);
        append(out, dw);
    }
}

struct run {
    const char* arch;
    bytes results;
};

[[maybe_unused]] run run_all() {
    run r{rectify::simd_arch_name(), {}};
    element_results<float>(r.results);
    element_results<double>(r.results);
    element_results<rectify::bfloat16>(r.results);
    element_results<rectify::half>(r.results);
    return r;
}

}  // namespace
