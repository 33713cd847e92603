// XNNPACK as a peer of rectify_bench (float only; XNNPACK has no backward operators).
// One thread: every operator runs with a null pthreadpool, which XNNPACK documents as "run on the
// caller's thread". XNNPACK picks its own micro-kernels at run time (AVX-512 where the CPU has
// it), whatever -march rectify was built with. Debian's version (git 2022-02-16) has, of the
// activations rectify computes, ELU, sigmoid, hardswish, clamp, Leaky ReLU and PReLU (no f32 tanh,
// GELU, softplus or mish: tanh only on quantized types).
//   elu_forward         xnn_create_elu_nc_f32, alpha 1
//   celu_forward        the same (CELU(1) is ELU(1))
//   silu_forward        XNNPACK has no SiLU: sigmoid into y, then y = x * y with the
//                       multiply operator, the two calls its users make
//   swish_forward       the same (Swish(1) is SiLU)
//   sigmoid_forward     xnn_create_sigmoid_nc_f32
//   hardswish_forward   xnn_create_hardswish_nc_f32
//   hardtanh_forward    xnn_create_clamp_nc_f32, -1 and 1
//   relu6_forward       xnn_create_clamp_nc_f32, 0 and 6
//   leaky_relu_forward  xnn_create_leaky_relu_nc_f32, slope 0.01
//   prelu_forward_nhwc  xnn_create_prelu_nc_f32 (channels last is its only layout), 64 channels
#include "peer.hpp"

#include <xnnpack.h>

#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

namespace rectify_bench {
namespace {

void check(xnn_status status, const char* what) {
    if (status != xnn_status_success)
        throw std::runtime_error(std::string("XNNPACK: ") + what + " failed (xnn_status " +
                                 std::to_string(static_cast<int>(status)) + ")");
}

using Operator = std::shared_ptr<xnn_operator>;

Operator own(xnn_operator_t op) { return Operator(op, xnn_delete_operator); }

void initialize() {
    static const xnn_status status = xnn_initialize(nullptr);
    check(status, "xnn_initialize");
}

std::function<void()> run(Operator op) {
    return [op] { xnn_run_operator(op.get(), /*threadpool=*/nullptr); };
}

std::function<void()> elu(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t op = nullptr;
    check(xnn_create_elu_nc_f32(1, 1, 1, /*alpha=*/1.0f, 0, &op), "xnn_create_elu_nc_f32");
    Operator owned = own(op);
    check(xnn_setup_elu_nc_f32(op, n, b.x, b.out, nullptr), "xnn_setup_elu_nc_f32");
    return run(owned);
}

std::function<void()> silu(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t sigmoid = nullptr;
    check(xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &sigmoid), "xnn_create_sigmoid_nc_f32");
    Operator sigmoid_owned = own(sigmoid);
    check(xnn_setup_sigmoid_nc_f32(sigmoid, n, b.x, b.out, nullptr), "xnn_setup_sigmoid_nc_f32");
    xnn_operator_t multiply = nullptr;
    constexpr float infinity = std::numeric_limits<float>::infinity();
    check(xnn_create_multiply_nd_f32(-infinity, infinity, 0, &multiply), "xnn_create_multiply_nd_f32");
    Operator multiply_owned = own(multiply);
    const std::size_t shape[1] = {n};
    check(xnn_setup_multiply_nd_f32(multiply, 1, shape, 1, shape, b.x, b.out, b.out, nullptr),
          "xnn_setup_multiply_nd_f32");
    return [sigmoid_owned, multiply_owned] {
        xnn_run_operator(sigmoid_owned.get(), nullptr);
        xnn_run_operator(multiply_owned.get(), nullptr);
    };
}

std::function<void()> sigmoid(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t op = nullptr;
    check(xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &op), "xnn_create_sigmoid_nc_f32");
    Operator owned = own(op);
    check(xnn_setup_sigmoid_nc_f32(op, n, b.x, b.out, nullptr), "xnn_setup_sigmoid_nc_f32");
    return run(owned);
}

std::function<void()> hardswish(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t op = nullptr;
    check(xnn_create_hardswish_nc_f32(1, 1, 1, 0, &op), "xnn_create_hardswish_nc_f32");
    Operator owned = own(op);
    check(xnn_setup_hardswish_nc_f32(op, n, b.x, b.out, nullptr), "xnn_setup_hardswish_nc_f32");
    return run(owned);
}

// y = min(max(x, low), high).
auto clamp(float low, float high) {
    return [=](const Buffers<float>& b, std::size_t n) {
        initialize();
        xnn_operator_t op = nullptr;
        check(xnn_create_clamp_nc_f32(1, 1, 1, low, high, 0, &op), "xnn_create_clamp_nc_f32");
        Operator owned = own(op);
        check(xnn_setup_clamp_nc_f32(op, n, b.x, b.out, nullptr), "xnn_setup_clamp_nc_f32");
        return run(owned);
    };
}

std::function<void()> leaky_relu(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t op = nullptr;
    check(xnn_create_leaky_relu_nc_f32(1, 1, 1, /*negative_slope=*/0.01f, 0, &op), "xnn_create_leaky_relu_nc_f32");
    Operator owned = own(op);
    check(xnn_setup_leaky_relu_nc_f32(op, n, b.x, b.out, nullptr), "xnn_setup_leaky_relu_nc_f32");
    return run(owned);
}

std::function<void()> prelu_nhwc(const Buffers<float>& b, std::size_t n) {
    initialize();
    xnn_operator_t op = nullptr;
    check(xnn_create_prelu_nc_f32(b.channels, b.channels, b.channels, b.weight, 0, &op), "xnn_create_prelu_nc_f32");
    Operator owned = own(op);
    check(xnn_setup_prelu_nc_f32(op, n / b.channels, b.x, b.out, nullptr), "xnn_setup_prelu_nc_f32");
    return run(owned);
}

}  // namespace

Peer xnnpack_peer() {
    return {
        "XNNPACK",
        "XNNPACK (Debian libxnnpack-dev), one thread (no threadpool), its own run-time kernel choice; "
        "SiLU and Swish(1) = sigmoid then multiply",
        {
            {"elu_forward", elu},
            {"silu_forward", silu},
            {"celu_forward", elu},
            {"swish_forward", silu},
            {"sigmoid_forward", sigmoid},
            {"hardswish_forward", hardswish},
            {"hardtanh_forward", clamp(-1.f, 1.f)},
            {"relu6_forward", clamp(0.f, 6.f)},
            {"leaky_relu_forward", leaky_relu},
            {"prelu_forward_nhwc", prelu_nhwc},
        },
        {},
    };
}

}  // namespace rectify_bench
