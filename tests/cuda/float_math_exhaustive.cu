// rectify::cuda's float ELU and SiLU kernels, forward and backward, over every one of the 2^32
// floats on the GPU: prints each maximum error with its worst input and fails when one exceeds
// docs/SEMANTICS.md's bound (ELU 1 ULP, SiLU 2 ULP, gradients 4 eps * max(|exact|, |dy|)). The inputs go
// through the library's launchers in chunks; the errors are measured on the device against double
// references (float_accuracy.hpp). Seconds on a data-center GPU; exits 77 (skipped) without one.
#include <rectify/cuda.cuh>

#include <cstdint>
#include <cstdio>

#include "cuda_test_support.cuh"
#include "float_accuracy.hpp"

namespace {

using namespace rectify_cuda_test;

constexpr std::size_t chunk = std::size_t{1} << 26;

__global__ void fill_inputs(float* x, float* dy, float* ones, std::uint64_t first, std::size_t n) {
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const float v = float_from_bits(static_cast<std::uint32_t>(first + i));
        x[i] = v;
        dy[i] = dy_for(v);
        ones[i] = 1.0f;
    }
}

// worst[m] = max over inputs of (error as float bits rounded up) << 32 | input bits.
__global__ void measure_errors(const float* x, const float* y0, const float* y1, const float* y2, const float* y3,
                               const float* y4, const float* y5, std::size_t n, unsigned long long* worst) {
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const float got[measure_count] = {y0[i], y1[i], y2[i], y3[i], y4[i], y5[i]};
        double err[measure_count];
        errors_of(x[i], got, err);
        for (int m = 0; m < measure_count; ++m) {
            const float e = err[m] != err[m] ? INFINITY : __double2float_ru(err[m]);
            const unsigned long long key =
                (static_cast<unsigned long long>(bits_of(e)) << 32) | bits_of(x[i]);
            atomicMax(&worst[m], key);
        }
    }
}

}  // namespace

int main() {
    require_gpu_or_skip("float_math_exhaustive");
    float *x, *dy, *ones, *y[measure_count];
    unsigned long long* worst;
    cuda_ok(cudaMalloc(&x, chunk * sizeof(float)), "cudaMalloc");
    cuda_ok(cudaMalloc(&dy, chunk * sizeof(float)), "cudaMalloc");
    cuda_ok(cudaMalloc(&ones, chunk * sizeof(float)), "cudaMalloc");
    for (auto& p : y) cuda_ok(cudaMalloc(&p, chunk * sizeof(float)), "cudaMalloc");
    cuda_ok(cudaMalloc(&worst, measure_count * sizeof(unsigned long long)), "cudaMalloc");
    cuda_ok(cudaMemset(worst, 0, measure_count * sizeof(unsigned long long)), "cudaMemset");

    cudaEvent_t start, stop;
    cuda_ok(cudaEventCreate(&start), "cudaEventCreate");
    cuda_ok(cudaEventCreate(&stop), "cudaEventCreate");
    cuda_ok(cudaEventRecord(start), "cudaEventRecord");
    const rectify::ELU elu{};
    const rectify::SiLU silu{};
    for (std::uint64_t first = 0; first < (std::uint64_t{1} << 32); first += chunk) {
        fill_inputs<<<4096, 256>>>(x, dy, ones, first, chunk);
        rectify::cuda::forward(elu, static_cast<const float*>(x), y[elu_forward], chunk);
        rectify::cuda::backward(elu, static_cast<const float*>(x), static_cast<const float*>(ones), y[elu_backward_one], chunk);
        rectify::cuda::backward(elu, static_cast<const float*>(x), static_cast<const float*>(dy), y[elu_backward_dy], chunk);
        rectify::cuda::forward(silu, static_cast<const float*>(x), y[silu_forward], chunk);
        rectify::cuda::backward(silu, static_cast<const float*>(x), static_cast<const float*>(ones), y[silu_backward_one], chunk);
        rectify::cuda::backward(silu, static_cast<const float*>(x), static_cast<const float*>(dy), y[silu_backward_dy], chunk);
        measure_errors<<<4096, 256>>>(x, y[0], y[1], y[2], y[3], y[4], y[5], chunk, worst);
        cuda_ok(cudaGetLastError(), "measure_errors launch");
    }
    cuda_ok(cudaEventRecord(stop), "cudaEventRecord");
    cuda_ok(cudaEventSynchronize(stop), "exhaustive sweep");
    float ms = 0;
    cuda_ok(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");

    unsigned long long host_worst[measure_count];
    cuda_ok(cudaMemcpy(host_worst, worst, sizeof host_worst, cudaMemcpyDeviceToHost), "cudaMemcpy");
    std::printf("[float math] all 2^32 floats through rectify::cuda's float kernels: %.2f s on the GPU\n", ms / 1000.0);
    bool ok = true;
    for (int m = 0; m < measure_count; ++m) {
        const float err = float_from_bits(static_cast<std::uint32_t>(host_worst[m] >> 32));
        const float wx = float_from_bits(static_cast<std::uint32_t>(host_worst[m]));
        const bool with_dy = m == elu_backward_dy || m == silu_backward_dy;
        std::printf("[float math] GPU: %-28s max %.4f (bound %g) at x = %.9g%s%.9g\n", measure_names[m],
                    static_cast<double>(err), bound_of[m], static_cast<double>(wx), with_dy ? ", dy = " : "",
                    with_dy ? static_cast<double>(dy_for(wx)) : 0.0);
        ok = ok && static_cast<double>(err) <= bound_of[m];
    }
    std::printf("%s\n", ok ? "within bounds" : "BOUND EXCEEDED");
    return ok ? 0 : 1;
}
