// oneDNN (Debian libdnnl-dev, 2.x) as a peer of rectify_bench, float only (its CPU eltwise and
// PReLU primitives have no f64). Primitives are created once per size, outside the timed loop;
// the timed work is execute() plus stream::wait(), as an application runs a primitive.
// One thread: Debian builds oneDNN with OpenMP, so omp_set_num_threads(1) before every
// benchmark (oneDNN reads omp_get_max_threads() at execute).
//   relu_forward / _backward         eltwise_relu, alpha 0
//   leaky_relu_forward / _backward   eltwise_relu, alpha 0.01 (oneDNN's leaky ReLU)
//   elu_forward / _backward          eltwise_elu, alpha 1
//   silu_forward / _backward         eltwise_swish, alpha 1 (x * sigmoid(alpha * x))
//   prelu_forward_* / _backward_*    the PReLU primitive (backward: diff_src and diff_weights);
//                                    NCHW as src {1, 64, n/64} with weights {1, 64, 1}, NHWC as
//                                    src {n/64, 64} (channels in dim 1, contiguous) and weights {1, 64}
// Backward kernels take the forward input (src), like rectify's, not the forward result.
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

PeerKernel<float> eltwise_forward(const char* name, algorithm kind, float alpha) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const memory::desc md = flat(n);
                    dnnl::eltwise_forward::primitive_desc pd(
                        {prop_kind::forward_training, kind, md, alpha, 0.f}, context().engine);
                    return run(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, wrap(md, b.x)}, {DNNL_ARG_DST, wrap(md, b.out)}});
                });
            }};
}

PeerKernel<float> eltwise_backward(const char* name, algorithm kind, float alpha) {
    return {name, [=](const Buffers<float>& b, std::size_t n) {
                return guarded([&] {
                    const memory::desc md = flat(n);
                    dnnl::eltwise_forward::primitive_desc hint(
                        {prop_kind::forward_training, kind, md, alpha, 0.f}, context().engine);
                    dnnl::eltwise_backward::primitive_desc pd({kind, md, md, alpha, 0.f}, context().engine, hint);
                    return run(dnnl::eltwise_backward(pd), {{DNNL_ARG_SRC, wrap(md, b.x)},
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
            prelu_forward("prelu_forward_nchw", nchw),
            prelu_forward("prelu_forward_nhwc", nhwc),
            eltwise_backward("relu_backward", algorithm::eltwise_relu, 0.f),
            eltwise_backward("leaky_relu_backward", algorithm::eltwise_relu, 0.01f),
            eltwise_backward("elu_backward", algorithm::eltwise_elu, 1.f),
            eltwise_backward("silu_backward", algorithm::eltwise_swish, 1.f),
            prelu_backward("prelu_backward_nchw", nchw),
            prelu_backward("prelu_backward_nhwc", nhwc),
        },
        {},
    };
}

}  // namespace rectify_bench
