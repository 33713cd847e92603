// Eigen 3.4 array expressions as a peer of rectify_bench, float and double: what a user of Eigen
// writes for each activation and gradient on Maps of rectify_bench's arrays, compiled with the
// same flags as rectify (-O3 and the same -march). Eigen evaluates array expressions on one
// thread (its threads are for matrix products only).
// Eigen 3.4 does not vectorize select() (its evaluator has no packet access: a scalar loop that
// evaluates both branches), so where an expression without select() computes the same thing it
// is used, as a user after speed would; select() remains only where no such form exists.
//   relu        y = x.max(0)                          dx = (x > 0).select(dy, 0)
//   leaky_relu  y = x.max(0) + 0.01 x.min(0)          dx = (x > 0).select(dy, 0.01 dy)
//   elu         y = x.max(0) + x.min(0).expm1()       dx = dy * x.min(0).exp()     (alpha = 1)
//   silu        y = x * x.logistic()                  s = x.logistic(), then dx = dy s (1 + x (1 - s)),
//                                                     in dx's storage: two passes, one exp per element
//   prelu       the channels as the columns (NCHW) or rows (NHWC) of a 2-D array, the weights
//               broadcast with rowwise()/colwise(): y = x.max(0) + x.min(0) * w;
//               dx = (x > 0).select(dy, dy * w), dweight = sum of x.min(0) * dy over the channel
#include "peer.hpp"

// GCC 12's AVX-512 intrinsics raise -Wuninitialized / -Wmaybe-uninitialized false positives
// wherever they are inlined (GCC bug 105593), attributed to the intrinsics headers' own lines:
// included first with those lines silenced, as rectify's detail/simd.hpp does for xsimd.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

#include <Eigen/Core>

#include <string>
#include <vector>

namespace rectify_bench {
namespace {

template <class T>
using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using Array2 = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Row = Eigen::Array<T, 1, Eigen::Dynamic>;

template <class A>
using In = Eigen::Map<const A>;
template <class A>
using Out = Eigen::Map<A>;

template <class T>
std::vector<PeerKernel<T>> kernels() {
    using B = const Buffers<T>&;
    using std::size_t;
    using V = Array<T>;
    using M = Array2<T>;
    const auto n_ = [](size_t n) { return static_cast<Eigen::Index>(n); };
    const auto c_ = [](B b) { return static_cast<Eigen::Index>(b.channels); };
    const auto i_ = [](B b, size_t n) { return static_cast<Eigen::Index>(n / b.channels); };
    return {
        {"relu_forward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), y = Out<V>(b.out, n_(n))]() mutable { y = x.max(T(0)); };
         }},
        {"leaky_relu_forward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), y = Out<V>(b.out, n_(n))]() mutable {
                 y = x.max(T(0)) + T(0.01) * x.min(T(0));
             };
         }},
        {"elu_forward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), y = Out<V>(b.out, n_(n))]() mutable {
                 y = x.max(T(0)) + x.min(T(0)).expm1();
             };
         }},
        {"silu_forward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), y = Out<V>(b.out, n_(n))]() mutable { y = x * x.logistic(); };
         }},
        {"prelu_forward_nchw",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<M>(b.x, i_(b, n), c_(b)), y = Out<M>(b.out, i_(b, n), c_(b)),
                     w = In<Row<T>>(b.weight, c_(b))]() mutable {
                 y = x.max(T(0)) + x.min(T(0)).rowwise() * w;
             };
         }},
        {"prelu_forward_nhwc",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<M>(b.x, c_(b), i_(b, n)), y = Out<M>(b.out, c_(b), i_(b, n)),
                     w = In<V>(b.weight, c_(b))]() mutable {
                 y = x.max(T(0)) + x.min(T(0)).colwise() * w;
             };
         }},
        {"relu_backward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), dy = In<V>(b.dy, n_(n)), dx = Out<V>(b.out, n_(n))]() mutable {
                 dx = (x > T(0)).select(dy, T(0));
             };
         }},
        {"leaky_relu_backward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), dy = In<V>(b.dy, n_(n)), dx = Out<V>(b.out, n_(n))]() mutable {
                 dx = (x > T(0)).select(dy, dy * T(0.01));
             };
         }},
        {"elu_backward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), dy = In<V>(b.dy, n_(n)), dx = Out<V>(b.out, n_(n))]() mutable {
                 dx = dy * x.min(T(0)).exp();
             };
         }},
        {"silu_backward",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<V>(b.x, n_(n)), dy = In<V>(b.dy, n_(n)), dx = Out<V>(b.out, n_(n))]() mutable {
                 dx = x.logistic();
                 dx = dy * dx * (T(1) + x * (T(1) - dx));
             };
         }},
        {"prelu_backward_nchw",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<M>(b.x, i_(b, n), c_(b)), dy = In<M>(b.dy, i_(b, n), c_(b)),
                     dx = Out<M>(b.out, i_(b, n), c_(b)), w = In<Row<T>>(b.weight, c_(b)),
                     dw = Out<Row<T>>(b.dweight, c_(b))]() mutable {
                 dx = (x > T(0)).select(dy, dy.rowwise() * w);
                 dw = (x.min(T(0)) * dy).colwise().sum();
             };
         }},
        {"prelu_backward_nhwc",
         [=](B b, size_t n) -> std::function<void()> {
             return [x = In<M>(b.x, c_(b), i_(b, n)), dy = In<M>(b.dy, c_(b), i_(b, n)),
                     dx = Out<M>(b.out, c_(b), i_(b, n)), w = In<V>(b.weight, c_(b)),
                     dw = Out<V>(b.dweight, c_(b))]() mutable {
                 dx = (x > T(0)).select(dy, dy.colwise() * w);
                 dw = (x.min(T(0)) * dy).rowwise().sum();
             };
         }},
    };
}

}  // namespace

Peer eigen_peer() {
    return {
        "Eigen",
        "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
            std::to_string(EIGEN_MINOR_VERSION) + " array expressions on Maps, compiled with rectify's flags, one thread",
        kernels<float>(),
        kernels<double>(),
    };
}

}  // namespace rectify_bench
