// PyTorch's CPU kernels (ATen, from Debian's libtorch-dev) as a peer of rectify_bench, float and
// double. ATen is called the way autograd calls it, through the `_out` variants on tensors that
// wrap rectify_bench's arrays (at::from_blob): no allocation in the timed loop, so what is timed
// is ATen's dispatch plus its kernel. One thread: at::set_num_threads(1) before every benchmark.
//   relu_forward         at::clamp_min_out(y, x, 0)  (torch::relu is clamp_min(x, 0) in ATen)
//   leaky_relu_forward   at::leaky_relu_out, slope 0.01
//   elu_forward          at::elu_out, alpha 1
//   silu_forward         at::silu_out
//   prelu_forward_*      at::prelu_out; NCHW as a {1, 64, n/64} tensor, NHWC as {n/64, 64}
//                        (a 2-D input has its channels in dim 1, which is channels last)
//   relu_backward        at::threshold_backward_out(dx, dy, x, 0) (what autograd runs for relu)
//   leaky_relu_backward  at::leaky_relu_backward_out
//   elu_backward         at::elu_backward_out (from the input x, is_result = false)
//   silu_backward        at::silu_backward_out
//   prelu_backward_*     at::prelu_backward_out: dx and dweight, as rectify computes both
#include "peer.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/api/include/torch/version.h>

#include <string>
#include <vector>

namespace rectify_bench {
namespace {

template <class T>
at::Tensor wrap(const T* p, std::vector<std::int64_t> shape) {
    const auto type = std::is_same_v<T, float> ? at::kFloat : at::kDouble;
    return at::from_blob(const_cast<T*>(p), shape, at::TensorOptions().dtype(type));
}

template <class T>
at::Tensor flat(const T* p, std::size_t n) {
    return wrap(p, {static_cast<std::int64_t>(n)});
}

std::vector<std::int64_t> nchw(std::size_t n, std::size_t channels) {
    return {1, static_cast<std::int64_t>(channels), static_cast<std::int64_t>(n / channels)};
}
std::vector<std::int64_t> nhwc(std::size_t n, std::size_t channels) {
    return {static_cast<std::int64_t>(n / channels), static_cast<std::int64_t>(channels)};
}

// Every kernel makes its tensors once, in prepare, which also sets the thread count: prepare
// runs right before the timed loop, so another run (a threaded rectify) may set its own.
template <class Body>
std::function<void()> one_thread(Body body) {
    at::set_num_threads(1);
    return body;
}

template <class T>
std::vector<PeerKernel<T>> kernels() {
    using B = const Buffers<T>&;
    using std::size_t;
    auto prelu_forward = [](auto layout) {
        return [layout](B b, size_t n) {
            at::Tensor x = wrap(b.x, layout(n, b.channels)), y = wrap(b.out, layout(n, b.channels));
            at::Tensor w = flat(b.weight, b.channels);
            return one_thread([=]() mutable { at::prelu_out(y, x, w); });
        };
    };
    auto prelu_backward = [](auto layout) {
        return [layout](B b, size_t n) {
            at::Tensor x = wrap(b.x, layout(n, b.channels)), dy = wrap(b.dy, layout(n, b.channels));
            at::Tensor dx = wrap(b.out, layout(n, b.channels));
            at::Tensor w = flat(b.weight, b.channels), dw = flat(b.dweight, b.channels);
            return one_thread([=]() mutable { at::prelu_backward_out(dx, dw, dy, x, w); });
        };
    };
    return {
        {"relu_forward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), y = flat(b.out, n);
             return one_thread([=]() mutable { at::clamp_min_out(y, x, 0); });
         }},
        {"leaky_relu_forward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), y = flat(b.out, n);
             return one_thread([=]() mutable { at::leaky_relu_out(y, x, 0.01); });
         }},
        {"elu_forward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), y = flat(b.out, n);
             return one_thread([=]() mutable { at::elu_out(y, x, 1.0, 1.0, 1.0); });
         }},
        {"silu_forward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), y = flat(b.out, n);
             return one_thread([=]() mutable { at::silu_out(y, x); });
         }},
        {"prelu_forward_nchw", prelu_forward(nchw)},
        {"prelu_forward_nhwc", prelu_forward(nhwc)},
        {"relu_backward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
             return one_thread([=]() mutable { at::threshold_backward_out(dx, dy, x, 0); });
         }},
        {"leaky_relu_backward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
             return one_thread([=]() mutable { at::leaky_relu_backward_out(dx, dy, x, 0.01, false); });
         }},
        {"elu_backward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
             return one_thread([=]() mutable { at::elu_backward_out(dx, dy, 1.0, 1.0, 1.0, false, x); });
         }},
        {"silu_backward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
             return one_thread([=]() mutable { at::silu_backward_out(dx, dy, x); });
         }},
        {"prelu_backward_nchw", prelu_backward(nchw)},
        {"prelu_backward_nhwc", prelu_backward(nhwc)},
    };
}

}  // namespace

Peer aten_peer() {
    return {
        "PyTorch",
        "PyTorch's ATen " TORCH_VERSION " CPU kernels (Debian libtorch-dev) through their _out variants, "
        "at::set_num_threads(1)",
        kernels<float>(),
        kernels<double>(),
    };
}

}  // namespace rectify_bench
