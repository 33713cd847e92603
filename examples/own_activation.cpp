// Your own activation with rectify: a type with scalar math only runs through every array function
// (forward, backward, the range, span and pointer forms, float, double, bfloat16 and half), on the
// scalar loop; give it vector_forward / vector_backward members and the vector loops run it too
// (docs/API.md, "Your own activation").
#include <rectify/rectify.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

// Softsign: y = x / (1 + |x|), dy/dx = 1 / (1 + |x|)^2. Scalar math only.
struct Softsign {
    template <class T>
    T operator()(T x) const {
        return x / (T(1) + std::fabs(x));
    }
    template <class T>
    T backward(T x, T dy) const {
        const T d = T(1) + std::fabs(x);
        return dy / (d * d);
    }
};

// Squared ReLU (Primer): y = max(x, 0)^2. The scalar math, and the same formulas on xsimd batches
// for the vector loops (only compiled where rectify's kernels are: a header-only build with SIMD).
struct SquaredReLU {
    template <class T>
    T operator()(T x) const {
        const T r = x > T(0) ? x : T(0);
        return r * r;
    }
    template <class T>
    T backward(T x, T dy) const {
        return x > T(0) ? T(2) * x * dy : T(0);
    }
#if !defined(RECTIFY_NO_SIMD) && !defined(RECTIFY_EXTERN_KERNELS)
    template <class B>
    B vector_forward(const B& x) const {
        const B r = xsimd::max(x, B(0));
        return r * r;
    }
    template <class B>
    B vector_backward(const B& x, const B& dy) const {
        return xsimd::select(x > B(0), B(2) * x * dy, B(0));
    }
#endif
};

int main() {
    const std::vector<float> x{-3.0f, -0.5f, 0.0f, 0.5f, 2.0f};
    const std::vector<float> dy(x.size(), 1.0f);
    std::vector<float> y(x.size()), dx(x.size());

    rectify::forward(Softsign{}, x, y);
    rectify::backward(Softsign{}, x, dy, dx);
    std::printf("softsign:      ");
    for (float v : y) std::printf(" %.4f", v);
    std::printf("\nsoftsign':     ");
    for (float v : dx) std::printf(" %.4f", v);

    rectify::forward(SquaredReLU{}, x, y);
    rectify::backward(SquaredReLU{}, x, dy, dx);
    std::printf("\nsquared relu:  ");
    for (float v : y) std::printf(" %.4f", v);
    std::printf("\nsquared relu': ");
    for (float v : dx) std::printf(" %.4f", v);

    // 16-bit storage: computed in float, rounded once, as for the built-in activations.
    std::vector<rectify::bfloat16> xb, yb(x.size());
    for (float v : x) xb.push_back(rectify::bfloat16(v));
    rectify::forward(Softsign{}, xb, yb);
    std::printf("\nsoftsign bf16: ");
    for (auto v : yb) std::printf(" %.4f", static_cast<float>(v));
    std::printf("\n");

    // Every element must agree with the scalar math it was given.
    int wrong = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        float one;
        rectify::forward(Softsign{}, &x[i], &one, 1);
        wrong += one != Softsign{}(x[i]);
        rectify::forward(SquaredReLU{}, &x[i], &one, 1);
        wrong += one != SquaredReLU{}(x[i]);
    }
    return wrong == 0 ? 0 : 1;
}
