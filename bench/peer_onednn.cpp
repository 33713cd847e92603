// oneDNN (Debian libdnnl-dev, 2.x) as a peer of rectify_bench, float only (its CPU eltwise and
// PReLU primitives have no f64). Primitives are created once per size, outside the timed loop;
// the timed work is execute() plus stream::wait(), as an application runs a primitive.
// One thread: Debian builds oneDNN with OpenMP, so omp_set_num_threads(1) before every
// benchmark (oneDNN reads omp_get_max_threads() at execute).
//   relu_forward / _backward          eltwise_relu, alpha 0
//   leaky_relu_forward / _backward    eltwise_relu, alpha 0.01 (oneDNN's leaky ReLU)
//   elu_forward / _backward           eltwise_elu, alpha 1
//   silu_forward / _backward          eltwise_swish, alpha 1 (x * sigmoid(alpha * x))
//   gelu_forward / _backward          eltwise_gelu_erf
//   gelu_tanh_forward / _backward     eltwise_gelu_tanh (both backward kernels checked against rectify
//                                     with a looser tolerance: gelu_backward_tolerance says why)
//   sigmoid_forward / _backward       eltwise_logistic
//   tanh_forward / _backward          eltwise_tanh
//   softplus_forward / _backward      eltwise_soft_relu: log(1 + exp(x)), beta 1 only: 2.6 ignores
//                                     alpha (checked: alpha 0, 1 and 2 give the same values; the
//                                     alpha = beta form is oneDNN 3's), so alpha = 1, right either way
//   mish_forward / _backward          eltwise_mish
//   swish_forward / _backward         eltwise_swish, alpha 1
//   swish_1.702_forward / _backward   eltwise_swish, alpha 1.702f
//   celu_forward / _backward          eltwise_elu, alpha 1 (CELU(1) is ELU(1))
//   hardswish_forward / _backward     eltwise_hardswish (2.6: no parameters, x * relu6(x + 3) / 6)
//   hardtanh_forward / _backward      eltwise_clip_v2, -1 and 1: its gradient is dy strictly inside
//                                     the bounds, as PyTorch's; eltwise_clip's is dy at the upper
//                                     bound too (checked at x = 1)
//   relu6_forward / _backward         eltwise_clip_v2, 0 and 6
//   <name>_backward_from_output       the *_use_dst_for_bwd algorithms, on y = f(x) (rectify's, made
//                                     before prepare): relu (relu, leaky_relu), elu (elu, celu),
//                                     logistic, tanh, clip_v2 (hardtanh, relu6)
//   prelu_forward_* / _backward_*     the PReLU primitive (backward: diff_src and diff_weights);
//                                     NCHW as src {1, 64, n/64} with weights {1, 64, 1}, NHWC as
//                                     src {n/64, 64} (channels in dim 1, contiguous) and weights {1, 64}
// Not here: SELU and Hardsigmoid (oneDNN 2.6 has no such algorithm; SELU as eltwise_elu with an
// eltwise_linear post-op is accepted, but runs oneDNN's reference implementation, "ref:any", so it
// would measure no kernel a user would choose).
// The <name>_backward kernels take the forward input (src), like rectify's, not the forward result.
#include "peer.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace rectify_bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;
using dt = memory::data_type;

// The engine and stream every primitive runs on, made once.
struct Context {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

Context& context() {
    static Context instance;
    return instance;
}

memory wrap(const memory::desc& desc, const float* p) {
    return memory(desc, context().engine, const_cast<float*>(p));
}

// A primitive with its arguments, run on the shared stream: the timed work.
std::function<void()> run(dnnl::primitive primitive, std::unordered_map<int, memory> arguments) {
    omp_set_num_threads(1);
    auto shared = std::make_shared<std::pair<dnnl::primitive, std::unordered_map<int, memory>>>(
        std::move(primitive), std::move(arguments));
    return [shared] {
        Context& c = context();
        shared->first.execute(c.stream, shared->second);
        c.stream.wait();
    };
}

// Rethrows oneDNN's errors as the std::runtime_error rectify_bench reports.
template <class Make>
std::function<void()> guarded(Make make) {
    try {
        return make();
    } catch (const dnnl::error& error) {
        throw std::runtime_error(std::string("oneDNN: ") + error.what());
    }
}

memory::desc flat(std::size_t n) { return {{static_cast<memory::dim>(n)}, dt::f32, tag::a}; }

PeerKernel<float> eltwise_forward(const char* name, algorithm kind, float alpha = 0.f, float beta = 0.f) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const memory::desc md = flat(n);
                    dnnl::eltwise_forward::primitive_desc pd(
                        {prop_kind::forward_training, kind, md, alpha, beta}, context().engine);
                    return run(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, wrap(md, b.x)}, {DNNL_ARG_DST, wrap(md, b.out)}});
                });
            }};
}

PeerKernel<float> eltwise_backward(const char* name, algorithm kind, float alpha = 0.f, float beta = 0.f,
                                   double relative_tolerance = 0) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const memory::desc md = flat(n);
                    dnnl::eltwise_forward::primitive_desc hint(
                        {prop_kind::forward_training, kind, md, alpha, beta}, context().engine);
                    dnnl::eltwise_backward::primitive_desc pd({kind, md, md, alpha, beta}, context().engine, hint);
                    return run(dnnl::eltwise_backward(pd), {{DNNL_ARG_SRC, wrap(md, b.x)},
                                                            {DNNL_ARG_DIFF_DST, wrap(md, b.dy)},
                                                            {DNNL_ARG_DIFF_SRC, wrap(md, b.out)}});
                });
            },
            relative_tolerance};
}

// The gradient from the forward result (the <name>_backward_from_output rows): an algorithm
// *_use_dst_for_bwd, which reads dst, y = f(x) (rectify's, made before prepare), in place of src.
PeerKernel<float> eltwise_backward_from_dst(const char* name, algorithm kind, float alpha = 0.f, float beta = 0.f) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const memory::desc md = flat(n);
                    dnnl::eltwise_forward::primitive_desc hint(
                        {prop_kind::forward_training, kind, md, alpha, beta}, context().engine);
                    dnnl::eltwise_backward::primitive_desc pd({kind, md, md, alpha, beta}, context().engine, hint);
                    return run(dnnl::eltwise_backward(pd), {{DNNL_ARG_DST, wrap(md, b.y)},
                                                            {DNNL_ARG_DIFF_DST, wrap(md, b.dy)},
                                                            {DNNL_ARG_DIFF_SRC, wrap(md, b.out)}});
                });
            }};
}

// Data and weight descriptors of PReLU in each layout.
struct PreluDescs {
    memory::desc data, weights;
};

PreluDescs nchw(std::size_t n, std::size_t channels) {
    const auto c = static_cast<memory::dim>(channels);
    return {{{1, c, static_cast<memory::dim>(n / channels)}, dt::f32, tag::abc}, {{1, c, 1}, dt::f32, tag::abc}};
}
PreluDescs nhwc(std::size_t n, std::size_t channels) {
    const auto c = static_cast<memory::dim>(channels);
    return {{{static_cast<memory::dim>(n / channels), c}, dt::f32, tag::ab}, {{1, c}, dt::f32, tag::ab}};
}

PeerKernel<float> prelu_forward(const char* name, PreluDescs (*layout)(std::size_t, std::size_t)) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const PreluDescs d = layout(n, b.channels);
                    dnnl::prelu_forward::primitive_desc pd({prop_kind::forward_training, d.data, d.weights},
                                                           context().engine);
                    return run(dnnl::prelu_forward(pd), {{DNNL_ARG_SRC, wrap(d.data, b.x)},
                                                         {DNNL_ARG_WEIGHTS, wrap(d.weights, b.weight)},
                                                         {DNNL_ARG_DST, wrap(d.data, b.out)}});
                });
            }};
}

PeerKernel<float> prelu_backward(const char* name, PreluDescs (*layout)(std::size_t, std::size_t)) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const PreluDescs d = layout(n, b.channels);
                    dnnl::prelu_forward::primitive_desc hint({prop_kind::forward_training, d.data, d.weights},
                                                             context().engine);
                    dnnl::prelu_backward::primitive_desc pd({d.data, d.weights, d.data, d.weights}, context().engine,
                                                            hint);
                    return run(dnnl::prelu_backward(pd), {{DNNL_ARG_SRC, wrap(d.data, b.x)},
                                                          {DNNL_ARG_WEIGHTS, wrap(d.weights, b.weight)},
                                                          {DNNL_ARG_DIFF_DST, wrap(d.data, b.dy)},
                                                          {DNNL_ARG_DIFF_SRC, wrap(d.data, b.out)},
                                                          {DNNL_ARG_DIFF_WEIGHTS, wrap(d.weights, b.dweight)}});
                });
            }};
}

// oneDNN 2.6's GELU gradients lose accuracy where their two terms cancel: measured on 2^22 points of
// [-4, 4] with dy = 1, against the exact derivatives, absolute errors up to 7.2e-7 (tanh form) and
// 3.0e-7 (erf form), near the zero of the gradient at x = -0.75 (10 % and 21 % relative there) and
// in the left tail (x = -3.90, dy = 2.55: oneDNN -0.00130323751, exact -0.00130466096, rectify
// -0.00130466116). The default check (1e-6 + 1e-4 |dx|) refuses that once |dy| > 1.4, so these two
// are checked at 1e-5 of max(|dx|, |dy|): the error measure of rectify's own backward bound.
constexpr double gelu_backward_tolerance = 1e-5;

}  // namespace

Peer onednn_peer() {
    const dnnl_version_t* v = dnnl::version();
    return {
        "oneDNN",
        "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
            " (Debian libdnnl-dev, " + (v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "non-OpenMP") +
            " threading), eltwise and PReLU primitives, omp_set_num_threads(1)",
        {
            eltwise_forward("relu_forward", algorithm::eltwise_relu, 0.f),
            eltwise_forward("leaky_relu_forward", algorithm::eltwise_relu, 0.01f),
            eltwise_forward("elu_forward", algorithm::eltwise_elu, 1.f),
            eltwise_forward("silu_forward", algorithm::eltwise_swish, 1.f),
            eltwise_forward("gelu_forward", algorithm::eltwise_gelu_erf),
            eltwise_forward("gelu_tanh_forward", algorithm::eltwise_gelu_tanh),
            eltwise_forward("sigmoid_forward", algorithm::eltwise_logistic),
            eltwise_forward("tanh_forward", algorithm::eltwise_tanh),
            eltwise_forward("softplus_forward", algorithm::eltwise_soft_relu, 1.f),
            eltwise_forward("mish_forward", algorithm::eltwise_mish),
            eltwise_forward("swish_forward", algorithm::eltwise_swish, 1.f),
            eltwise_forward("swish_1.702_forward", algorithm::eltwise_swish, 1.702f),
            eltwise_forward("celu_forward", algorithm::eltwise_elu, 1.f),
            eltwise_forward("hardswish_forward", algorithm::eltwise_hardswish),
            eltwise_forward("hardtanh_forward", algorithm::eltwise_clip_v2, -1.f, 1.f),
            eltwise_forward("relu6_forward", algorithm::eltwise_clip_v2, 0.f, 6.f),
            prelu_forward("prelu_forward_nchw", nchw),
            prelu_forward("prelu_forward_nhwc", nhwc),
            eltwise_backward("relu_backward", algorithm::eltwise_relu, 0.f),
            eltwise_backward("leaky_relu_backward", algorithm::eltwise_relu, 0.01f),
            eltwise_backward("elu_backward", algorithm::eltwise_elu, 1.f),
            eltwise_backward("silu_backward", algorithm::eltwise_swish, 1.f),
            eltwise_backward("gelu_backward", algorithm::eltwise_gelu_erf, 0.f, 0.f, gelu_backward_tolerance),
            eltwise_backward("gelu_tanh_backward", algorithm::eltwise_gelu_tanh, 0.f, 0.f, gelu_backward_tolerance),
            eltwise_backward("sigmoid_backward", algorithm::eltwise_logistic),
            eltwise_backward("tanh_backward", algorithm::eltwise_tanh),
            eltwise_backward("softplus_backward", algorithm::eltwise_soft_relu, 1.f),
            eltwise_backward("mish_backward", algorithm::eltwise_mish),
            eltwise_backward("swish_backward", algorithm::eltwise_swish, 1.f),
            eltwise_backward("swish_1.702_backward", algorithm::eltwise_swish, 1.702f),
            eltwise_backward("celu_backward", algorithm::eltwise_elu, 1.f),
            eltwise_backward("hardswish_backward", algorithm::eltwise_hardswish),
            eltwise_backward("hardtanh_backward", algorithm::eltwise_clip_v2, -1.f, 1.f),
            eltwise_backward("relu6_backward", algorithm::eltwise_clip_v2, 0.f, 6.f),
            eltwise_backward_from_dst("relu_backward_from_output", algorithm::eltwise_relu_use_dst_for_bwd, 0.f),
            eltwise_backward_from_dst("leaky_relu_backward_from_output", algorithm::eltwise_relu_use_dst_for_bwd,
                                      0.01f),
            eltwise_backward_from_dst("elu_backward_from_output", algorithm::eltwise_elu_use_dst_for_bwd, 1.f),
            eltwise_backward_from_dst("celu_backward_from_output", algorithm::eltwise_elu_use_dst_for_bwd, 1.f),
            eltwise_backward_from_dst("sigmoid_backward_from_output", algorithm::eltwise_logistic_use_dst_for_bwd),
            eltwise_backward_from_dst("tanh_backward_from_output", algorithm::eltwise_tanh_use_dst_for_bwd),
            eltwise_backward_from_dst("hardtanh_backward_from_output", algorithm::eltwise_clip_v2_use_dst_for_bwd,
                                      -1.f, 1.f),
            eltwise_backward_from_dst("relu6_backward_from_output", algorithm::eltwise_clip_v2_use_dst_for_bwd, 0.f,
                                      6.f),
            prelu_backward("prelu_backward_nchw", nchw),
            prelu_backward("prelu_backward_nhwc", nhwc),
        },
        {},
    };
}

}  // namespace rectify_bench
