// The interface between rectify_bench and the peer libraries it compares rectify with
// (PyTorch's ATen, oneDNN, XNNPACK, Eigen). Each peer lives in its own translation unit (bench/peer_<name>.cpp), built only
// when CMake found the library, so that a peer's headers and flags never reach the others.
// Knows nothing of rectify or Google Benchmark.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace rectify_bench {

// The arrays of one benchmark, owned by rectify_bench: x and dy are inputs, out receives the
// result (a backward kernel's dx). PReLU uses `channels` weights; backward writes dweight. A
// gradient from the output (<name>_backward_from_output) reads y = f(x), computed by rectify before
// prepare, in place of x. Every array holds at least n elements plus 64 bytes of slack (XNNPACK may
// read past the end).
template <class T>
struct Buffers {
    const T* x;
    const T* dy;
    T* out;
    const T* weight;
    T* dweight;
    std::size_t channels;
    const T* y;
};

// The timed work of one peer kernel at one size: everything a user does once (creating
// operators, wrapping tensors) happens in `prepare`, outside the timed loop; the returned
// function does what a user does on every call. prepare throws std::runtime_error when the peer
// refuses (the benchmark then reports that error instead of a time).
template <class T>
struct PeerKernel {
    std::string kernel;  // the rectify case it stands beside: "elu_forward", "prelu_forward_nhwc"
    std::function<std::function<void()>(const Buffers<T>&, std::size_t n)> prepare;
    // A looser check against rectify, where a peer is known to be less accurate than the bench's
    // default allows (its comment says why): an error up to relative_tolerance times |rectify's
    // value| for a forward kernel, times max(|rectify's dx|, |dy|) for a backward kernel (the
    // measure of rectify's own backward bound: a gradient that crosses zero has no relative error
    // to speak of), beside the default absolute allowance. 0: the default check.
    double relative_tolerance = 0;
};

// A variant of rectify itself (all threads, once the loops have them) fits the same shape: a Peer
// named e.g. "rectify-threads" whose prepare sets the thread count and whose function calls rectify;
// it then gets a row in every comparison table and a bar in bench/plot.py with no other change.
struct Peer {
    std::string name;         // as it appears in benchmark names and tables: "XNNPACK" (no '/' or spaces)
    std::string description;  // one line for the run's context: version, threads, what it calls
    std::vector<PeerKernel<float>> float_kernels;
    std::vector<PeerKernel<double>> double_kernels;
};

// One function per peer, defined in bench/peer_<name>.cpp, declared whether or not it is built.
Peer aten_peer();
Peer onednn_peer();
Peer xnnpack_peer();
Peer eigen_peer();

}  // namespace rectify_bench
