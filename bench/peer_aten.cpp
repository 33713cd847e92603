// PyTorch's CPU kernels (ATen, from Debian's libtorch-dev) as a peer of rectify_bench, float and
// double. ATen is called the way autograd calls it, through the `_out` variants on tensors that
// wrap rectify_bench's arrays (at::from_blob): no allocation in the timed loop, so what is timed
// is ATen's dispatch plus its kernel. One thread: at::set_num_threads(1) before every benchmark.
//   relu_forward         at::clamp_min_out(y, x, 0)  (torch::relu is clamp_min(x, 0) in ATen)
//   leaky_relu_forward   at::leaky_relu_out, slope 0.01
//   elu_forward          at::elu_out, alpha 1
//   silu_forward         at::silu_out
//   gelu_forward         at::gelu_out, approximate "none"; gelu_tanh_forward: "tanh"
//   sigmoid_forward      at::sigmoid_out;   tanh_forward: at::tanh_out
//   softplus_forward     at::softplus_out, beta 1, threshold 20
//   mish_forward         at::mish_out
//   swish_forward        at::silu_out (Swish(1) is SiLU: torch.nn.SiLU)
//   swish_1.702_forward  QuickGELU as its users write it, x * torch.sigmoid(1.702 * x): at::mul_out,
//                        at::sigmoid_out in place, at::mul_out (three passes, one scratch tensor
//                        made in prepare); no backward (autograd would chain the three)
//   selu_forward         at::elu_out with SELU's alpha and scale (what at::selu calls)
//   celu_forward         at::elu_out(y, x, 1, 1, 1/1) (what at::celu(x, 1) calls)
//   hardswish_forward    at::hardswish_out;   hardsigmoid_forward: at::hardsigmoid_out
//   hardtanh_forward     at::hardtanh_out, -1 and 1; relu6_forward: at::hardtanh_out, 0 and 6 (what
//                        at::relu6 calls)
//   prelu_forward_*      at::prelu_out; NCHW as a {1, 64, n/64} tensor, NHWC as {n/64, 64}
//                        (a 2-D input has its channels in dim 1, which is channels last)
//   relu_backward        at::threshold_backward_out(dx, dy, x, 0) (what autograd runs for relu)
//   leaky_relu_backward  at::leaky_relu_backward_out
//   elu_backward         at::elu_backward_out (from the input x, is_result = false); selu_ and
//                        celu_backward the same with their parameters
//   silu_backward        at::silu_backward_out; swish_backward the same
//   gelu(_tanh)_backward at::gelu_backward_out;   softplus_backward: at::softplus_backward_out
//   hardsigmoid_backward at::hardsigmoid_backward_out;  hardtanh_ and relu6_backward:
//                        at::hardtanh_backward_out
//   sigmoid_backward, tanh_backward: none. PyTorch's only gradients of sigmoid and tanh take the
//                        forward result y (autograd saves it): they stand beside rectify's gradients
//                        from the output, below
//   <name>_backward_from_output  the gradient from y = f(x) (rectify's y, made before prepare):
//                        relu threshold_backward_out(dx, dy, y, 0); leaky_relu
//                        leaky_relu_backward_out(..., self_is_result = true); elu, selu, celu
//                        elu_backward_out(..., is_result = true, y); sigmoid sigmoid_backward_out;
//                        tanh tanh_backward_out; hardtanh, relu6 hardtanh_backward_out on y (what
//                        autograd runs after hardtanh_ and relu6_). Softplus has none in ATen.
//   mish_backward, hardswish_backward  at::mish_backward(dy, x), at::hardswish_backward(dy, x): ATen
//                        has no out= kernel for them (hardswish_backward_out allocates and copies),
//                        so the timed call is autograd's, which allocates its result; for the
//                        check against rectify the result is copied into dx once, in prepare
//   prelu_backward_*     at::prelu_backward_out: dx and dweight, as rectify computes both
// PyTorch's float GELU (erf form) is 0.5 x (1 + erf(x / sqrt 2)), which cancels in the left tail
// (issue #27: up to 57 % relative error near x = -5, 0 from about -6). On the bench's inputs, in
// [-4, 4], gelu(x) >= -1.3e-4 and that cancellation costs at most about 2.4e-7 absolute, inside the
// check's 1e-6 absolute allowance (bench_activations.cpp, check_against_rectify): the common check
// holds, no looser one is needed; the tail itself is an accuracy matter, not measured here. The one
// looser check here: double hardsigmoid_backward (below).
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

// SELU's constants as PyTorch writes them (ATen/native/Activation.cpp, 1.13).
constexpr double selu_alpha = 1.6732632423543772848170429916717;
constexpr double selu_scale = 1.0507009873554804934193349852946;

template <class T>
std::vector<PeerKernel<T>> kernels() {
    using B = const Buffers<T>&;
    using std::size_t;
    // y = f(x) through call(y, x); dx = f'(x) dy through call(dx, dy, x).
    auto forward = [](auto call) {
        return [call](B b, size_t n) {
            at::Tensor x = flat(b.x, n), y = flat(b.out, n);
            return one_thread([=]() mutable { call(y, x); });
        };
    };
    auto backward = [](auto call) {
        return [call](B b, size_t n) {
            at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
            return one_thread([=]() mutable { call(dx, dy, x); });
        };
    };
    // A gradient from the forward result (the <name>_backward_from_output rows): y = f(x) is
    // rectify's, made before prepare (Buffers::y).
    auto from_output = [](auto call) {
        return [call](B b, size_t n) {
            at::Tensor y = flat(b.y, n), dy = flat(b.dy, n), dx = flat(b.out, n);
            return one_thread([=]() mutable { call(dx, dy, y); });
        };
    };
    // A gradient ATen returns in a new tensor (no out= kernel): timed as autograd calls it, result
    // allocated and dropped; copied into dx once here so that the check sees it.
    auto allocating = [](auto call) {
        return [call](B b, size_t n) {
            at::Tensor x = flat(b.x, n), dy = flat(b.dy, n), dx = flat(b.out, n);
            dx.copy_(call(dy, x));
            return one_thread([=] { at::Tensor result = call(dy, x); });
        };
    };
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
        {"gelu_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::gelu_out(y, x, "none"); })},
        {"gelu_tanh_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::gelu_out(y, x, "tanh"); })},
        {"sigmoid_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::sigmoid_out(y, x); })},
        {"tanh_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::tanh_out(y, x); })},
        {"softplus_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::softplus_out(y, x, 1, 20); })},
        {"mish_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::mish_out(y, x); })},
        {"swish_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::silu_out(y, x); })},
        {"swish_1.702_forward",
         [](B b, size_t n) {
             at::Tensor x = flat(b.x, n), y = flat(b.out, n), t = at::empty_like(x);
             return one_thread([=]() mutable {
                 at::mul_out(t, x, 1.702);
                 at::sigmoid_out(t, t);
                 at::mul_out(y, x, t);
             });
         }},
        {"selu_forward",
         forward([](at::Tensor& y, const at::Tensor& x) { at::elu_out(y, x, selu_alpha, selu_scale, 1.0); })},
        {"celu_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::elu_out(y, x, 1.0, 1.0, 1.0 / 1.0); })},
        {"hardswish_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::hardswish_out(y, x); })},
        {"hardsigmoid_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::hardsigmoid_out(y, x); })},
        {"hardtanh_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::hardtanh_out(y, x, -1, 1); })},
        {"relu6_forward", forward([](at::Tensor& y, const at::Tensor& x) { at::hardtanh_out(y, x, 0, 6); })},
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
        {"gelu_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::gelu_backward_out(dx, dy, x, "none");
         })},
        {"gelu_tanh_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::gelu_backward_out(dx, dy, x, "tanh");
         })},
        {"softplus_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::softplus_backward_out(dx, dy, x, 1, 20);
         })},
        {"mish_backward",
         allocating([](const at::Tensor& dy, const at::Tensor& x) { return at::mish_backward(dy, x); })},
        {"swish_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::silu_backward_out(dx, dy, x);
         })},
        {"selu_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::elu_backward_out(dx, dy, selu_alpha, selu_scale, 1.0, false, x);
         })},
        {"celu_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::elu_backward_out(dx, dy, 1.0, 1.0, 1.0 / 1.0, false, x);
         })},
        {"hardswish_backward",
         allocating([](const at::Tensor& dy, const at::Tensor& x) { return at::hardswish_backward(dy, x); })},
        // Double: PyTorch multiplies by the float constant 1.0f / 6.0f (3e-8 relative from 1/6, a
        // deviation rectify documents in activations/hard.hpp), so its check allows 1e-7 of |dy|.
        {"hardsigmoid_backward",
         backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::hardsigmoid_backward_out(dx, dy, x);
         }),
         std::is_same_v<T, double> ? 1e-7 : 0.0},
        {"hardtanh_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::hardtanh_backward_out(dx, dy, x, -1, 1);
         })},
        {"relu6_backward", backward([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x) {
             at::hardtanh_backward_out(dx, dy, x, 0, 6);
         })},
        // The gradients from the output, as autograd runs them for the in-place forms (relu_, elu_,
        // hardtanh_) and for sigmoid and tanh, whose only gradients these are.
        {"relu_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::threshold_backward_out(dx, dy, y, 0);
         })},
        {"leaky_relu_backward_from_output",
         from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::leaky_relu_backward_out(dx, dy, y, 0.01, true);
         })},
        {"elu_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::elu_backward_out(dx, dy, 1.0, 1.0, 1.0, true, y);
         })},
        {"selu_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::elu_backward_out(dx, dy, selu_alpha, selu_scale, 1.0, true, y);
         })},
        {"celu_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::elu_backward_out(dx, dy, 1.0, 1.0, 1.0 / 1.0, true, y);
         })},
        {"sigmoid_backward_from_output",
         from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::sigmoid_backward_out(dx, dy, y);
         })},
        {"tanh_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::tanh_backward_out(dx, dy, y);
         })},
        {"hardtanh_backward_from_output",
         from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::hardtanh_backward_out(dx, dy, y, -1, 1);
         })},
        {"relu6_backward_from_output", from_output([](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y) {
             at::hardtanh_backward_out(dx, dy, y, 0, 6);
         })},
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
