// rectify/activations.hpp — the activation types and their scalar math.
//
// Each activation lives in its family file under activations/ (relu.hpp: ReLU and Leaky ReLU;
// elu.hpp; silu.hpp; ...), which holds its parameters, its scalar and vector math, its traits and
// its constants; activations/list.hpp lists them, and everything that names them one by one is
// generated from that list. This header gives the types and their scalar math only: it needs the
// standard library and nothing else, so it compiles in CUDA device code (every function is
// __host__ __device__ under nvcc).
//
// An activation's `operator()(x)` is the forward value and `backward(x, dy)` the input gradient
// dx = f'(x) * dy, for T = float or double. Parameters are doubles, converted to T once per call as
// PyTorch converts its Scalar arguments (LeakyReLU{0.1} acts as 0.1f on float). The comparisons are
// PyTorch's (docs/SEMANTICS.md); each one carries a note on what it does with NaN and signed zeros.
// The transcendental ones evaluate in double and round once to T on the host, so for float the
// scalar math is the yardstick the vector kernels are measured against (docs/ACCURACY.md); on a
// CUDA device float is evaluated in float (scalar_math.hpp).
//
// A type of your own with operator() and backward works with every function of rectify.hpp too,
// through the scalar loop (docs/API.md, "Your own activation").
#pragma once

#include <cstddef>

#include "scalar_math.hpp"
#include "activations/list.hpp"

namespace rectify {

// PReLU (per-channel Leaky ReLU with learned slopes) views its input as row-major
// [outer][channels][inner]: NCHW [N,C,H,W] -> {N, C, H*W}; NHWC [N,H,W,C] -> {N*H*W, C, 1};
// [N, C] -> {N, C, 1}; 1-D [L] with one weight -> {1, 1, L}. Its scalar math is LeakyReLU's with
// negative_slope = weight[c] (a float or double weight converts to double and back exactly).
struct ChannelShape {
    std::size_t outer;
    std::size_t channels;
    std::size_t inner;
};

}  // namespace rectify
