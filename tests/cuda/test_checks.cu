// What rectify::cuda checks and does before and without a GPU; runs on every machine (no skip):
//   - bad arguments throw std::invalid_argument naming the function and the sizes, before any
//     CUDA call (on a machine without a GPU a CUDA call would throw rectify::cuda::error instead);
//   - n = 0 launches nothing and calls nothing (null pointers are fine then);
//   - rectify::cuda::error carries CUDA's name and message; without a GPU a real call throws it;
//   - the launch-time divider (PReLU's channel of an element) agrees with the hardware division.
#include <rectify/cuda.cuh>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "cuda_test_support.cuh"

namespace {

using rectify_cuda_test::failures;
failures fails;

// Runs f, which must throw E whose what() contains every one of `parts`.
template <class E, class F>
void expect_throw(const char* what, F&& f, std::initializer_list<const char*> parts) {
    try {
        f();
        fails.add("%s: nothing thrown", what);
    } catch (const E& e) {
        for (const char* p : parts)
            if (std::string(e.what()).find(p) == std::string::npos)
                fails.add("%s: message \"%s\" lacks \"%s\"", what, e.what(), p);
    } catch (const std::exception& e) {
        fails.add("%s: wrong exception type: %s", what, e.what());
    }
}

template <class F>
void expect_no_throw(const char* what, F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        fails.add("%s: threw %s", what, e.what());
    }
}

template <class T>
void argument_checks() {
    namespace rc = rectify::cuda;
    using IA = std::invalid_argument;
    // Fake addresses: checks must reject these calls before touching memory or the device.
    T* const a = reinterpret_cast<T*>(std::uintptr_t{1} << 20);
    T* const b = a + 1000;
    const rectify::ReLU relu;

    expect_throw<IA>("forward, null x", [&] { rc::forward(relu, static_cast<const T*>(nullptr), b, 5); },
                     {"rectify::cuda::forward", "x is null", "5 elements"});
    expect_throw<IA>("forward, null y", [&] { rc::forward(relu, a, static_cast<T*>(nullptr), 5); },
                     {"rectify::cuda::forward", "y is null"});
    expect_throw<IA>("forward, partial overlap", [&] { rc::forward(relu, a, a + 3, 5); },
                     {"rectify::cuda::forward", "y overlaps x partially", "5 elements"});
    expect_throw<IA>("backward, null dy", [&] { rc::backward(rectify::SiLU{}, a, static_cast<const T*>(nullptr), b, 7); },
                     {"rectify::cuda::backward", "dy is null", "7 elements"});
    expect_throw<IA>("backward, dx overlaps dy", [&] { rc::backward(rectify::ELU{}, a, b, b + 1, 7); },
                     {"rectify::cuda::backward", "dx overlaps dy partially"});
    expect_throw<IA>("backward, dx overlaps x", [&] { rc::backward(rectify::ELU{}, a, b, a - 2, 7); },
                     {"rectify::cuda::backward", "dx overlaps x partially"});

    const rectify::ChannelShape nchw{2, 3, 4};
    expect_throw<IA>("prelu, weight count", [&] { rc::prelu(a, b, 2, a, nchw); },
                     {"rectify::cuda::prelu", "weight has 2 elements", "channels = 3"});
    expect_throw<IA>("prelu, shape overflow",
                     [&] { rc::prelu(a, b, 1, a, {std::numeric_limits<std::size_t>::max() / 2, 3, 1}); },
                     {"rectify::cuda::prelu", "more elements than std::size_t can count"});
    expect_throw<IA>("prelu, y overlaps weight", [&] { rc::prelu(a, a + 30, 3, a + 20, nchw); },
                     {"rectify::cuda::prelu", "y overlaps x partially"});
    expect_throw<IA>("prelu, y is the weight", [&] { rc::prelu(a, b, 3, b - 1, nchw); },
                     {"rectify::cuda::prelu", "y overlaps weight"});
    expect_throw<IA>("prelu_backward, null dweight",
                     [&] { rc::prelu_backward(a, b, 3, a, a, static_cast<T*>(nullptr), nchw); },
                     {"rectify::cuda::prelu_backward", "dweight is null", "3 elements"});
    expect_throw<IA>("prelu_backward, dweight inside dy",
                     [&] { rc::prelu_backward(a, b, 3, b + 100, b + 100, b + 105, nchw); },
                     {"rectify::cuda::prelu_backward", "dweight overlaps dy"});
    expect_throw<IA>("prelu_backward, weight count",
                     [&] { rc::prelu_backward(a, b, 4, a, a, b + 100, nchw); },
                     {"rectify::cuda::prelu_backward", "weight has 4 elements", "channels = 3"});

    // n = 0: nothing to do, no CUDA call (null pointers are fine).
    expect_no_throw("forward, n = 0", [&] { rc::forward(relu, static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0); });
    expect_no_throw("backward, n = 0", [&] {
        rc::backward(rectify::SiLU{}, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr), static_cast<T*>(nullptr), 0);
    });
    expect_no_throw("prelu, empty shape", [&] { rc::prelu(static_cast<const T*>(nullptr), b, 3, static_cast<T*>(nullptr), {0, 3, 5}); });
    expect_no_throw("prelu_backward, no weights", [&] {
        rc::prelu_backward(static_cast<const T*>(nullptr), static_cast<const T*>(nullptr), 0, static_cast<const T*>(nullptr),
                           static_cast<T*>(nullptr), static_cast<T*>(nullptr), {4, 0, 5});
    });
}

void error_type() {
    const rectify::cuda::error e(cudaErrorInvalidValue, "rectify::cuda::forward: kernel launch");
    const std::runtime_error& base = e;  // a std::runtime_error
    const std::string what = base.what();
    for (const char* part : {"rectify::cuda::forward: kernel launch", "cudaErrorInvalidValue", cudaGetErrorString(cudaErrorInvalidValue)})
        if (what.find(part) == std::string::npos) fails.add("error: \"%s\" lacks \"%s\"", what.c_str(), part);
    if (e.code() != cudaErrorInvalidValue) fails.add("error: code() is %d", static_cast<int>(e.code()));
}

// Without a GPU, work that reaches CUDA throws rectify::cuda::error with CUDA's message (with one,
// these calls would run: they are only made where there is none).
void errors_without_gpu() {
    if (rectify_cuda_test::gpu_present()) {
        std::printf("test_checks: a GPU is present; the no-GPU error paths are not exercised here\n");
        return;
    }
    float* const p = reinterpret_cast<float*>(std::uintptr_t{1} << 20);
    using rectify::cuda::error;
    expect_throw<error>("forward without a GPU", [&] { rectify::cuda::forward(rectify::ReLU{}, p, p, 16); },
                        {"rectify::cuda::forward", "cuda"});
    expect_throw<error>("prelu_backward, n = 0, without a GPU (dweight must still be zeroed)",
                        [&] { rectify::cuda::prelu_backward(p, p + 8, 2, p, p, p + 16, {0, 2, 3}); },
                        {"rectify::cuda::prelu_backward", "cudaMemsetAsync"});
}

void divider() {
    std::mt19937_64 rng(12345);
    auto check = [](std::uint64_t d, std::uint64_t n) {
        const rectify::cuda::detail::divider div(d);
        if (div.quotient(n) != n / d)
            fails.add("divider: %llu / %llu gave %llu", static_cast<unsigned long long>(n), static_cast<unsigned long long>(d),
                      static_cast<unsigned long long>(div.quotient(n)));
    };
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    for (std::uint64_t d = 1; d <= 5000; ++d) {
        for (std::uint64_t n : {std::uint64_t{0}, std::uint64_t{1}, d - 1, d, d + 1, 2 * d - 1, 2 * d, max, max - 1, max / d * d,
                                max / d * d - 1})
            check(d, n);
        for (int i = 0; i < 50; ++i) check(d, rng());
    }
    for (int s = 1; s < 64; ++s) {  // around every power of two, as divisor and as numerator
        const std::uint64_t p = std::uint64_t{1} << s;
        for (std::uint64_t d : {p - 1, p, p + 1})
            for (std::uint64_t n : {p - 1, p, p + 1, max, rng(), rng() >> s})
                if (d != 0) check(d, n);
    }
    for (int i = 0; i < 200000; ++i) {
        const std::uint64_t d = rng() >> (rng() % 64);
        if (d != 0) check(d, rng() >> (rng() % 64));
    }
}

}  // namespace

int main() {
    argument_checks<float>();
    argument_checks<double>();
    argument_checks<__half>();
    argument_checks<__nv_bfloat16>();
    error_type();
    errors_without_gpu();
    divider();
    return fails.exit_code("test_checks");
}
