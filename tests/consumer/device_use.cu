// rectify's activation types in a user's own CUDA kernel: activations.hpp promises that its
// scalar math is __host__ __device__ under nvcc. The packaging test compiles this file with nvcc
// (consumer.nvcc); with RECTIFY_RUN_CUDA_TESTS=ON it also runs it on the GPU and checks the
// results against the same math on the host.
#include <rectify/activations.hpp>

#include <cmath>
#include <cstdio>

namespace {

constexpr int kCount = 8;
constexpr int kActivations = 4;

// One thread per input; each writes the forward value and the gradient (dy = 1) of every
// activation, the way a fused kernel would call them.
__global__ void activations_kernel(const float* x, float* y, float* dx, int n) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float v = x[i];
    y[0 * n + i] = rectify::ReLU{}(v);
    y[1 * n + i] = rectify::LeakyReLU{0.1}(v);
    y[2 * n + i] = rectify::ELU{}(v);
    y[3 * n + i] = rectify::SiLU{}(v);
    dx[0 * n + i] = rectify::ReLU{}.backward(v, 1.0f);
    dx[1 * n + i] = rectify::LeakyReLU{0.1}.backward(v, 1.0f);
    dx[2 * n + i] = rectify::ELU{}.backward(v, 1.0f);
    dx[3 * n + i] = rectify::SiLU{}.backward(v, 1.0f);
}

// The same on the host: device and host must give the same numbers (device exp may differ by
// an ULP from the host's, hence a relative tolerance for ELU and SiLU).
float host_value(int activation, float v, bool gradient) {
    switch (activation) {
    case 0: return gradient ? rectify::ReLU{}.backward(v, 1.0f) : rectify::ReLU{}(v);
    case 1: return gradient ? rectify::LeakyReLU{0.1}.backward(v, 1.0f) : rectify::LeakyReLU{0.1}(v);
    case 2: return gradient ? rectify::ELU{}.backward(v, 1.0f) : rectify::ELU{}(v);
    default: return gradient ? rectify::SiLU{}.backward(v, 1.0f) : rectify::SiLU{}(v);
    }
}

bool check(cudaError_t status, const char* what) {
    if (status != cudaSuccess) std::printf("%s: %s\n", what, cudaGetErrorString(status));
    return status == cudaSuccess;
}

}  // namespace

int main() {
    const float x[kCount] = {-5.0f, -1.2f, -1.0f, -0.0f, 0.0f, 0.5f, 2.0f, 5.0f};
    float y[kActivations * kCount];
    float dx[kActivations * kCount];

    float *d_x = nullptr, *d_y = nullptr, *d_dx = nullptr;
    if (!check(cudaMalloc(&d_x, sizeof x), "cudaMalloc") ||
        !check(cudaMalloc(&d_y, sizeof y), "cudaMalloc") ||
        !check(cudaMalloc(&d_dx, sizeof dx), "cudaMalloc") ||
        !check(cudaMemcpy(d_x, x, sizeof x, cudaMemcpyHostToDevice), "cudaMemcpy"))
        return 1;
    activations_kernel<<<1, kCount>>>(d_x, d_y, d_dx, kCount);
    if (!check(cudaGetLastError(), "launch") ||
        !check(cudaMemcpy(y, d_y, sizeof y, cudaMemcpyDeviceToHost), "cudaMemcpy") ||
        !check(cudaMemcpy(dx, d_dx, sizeof dx, cudaMemcpyDeviceToHost), "cudaMemcpy"))
        return 1;
    cudaFree(d_x);
    cudaFree(d_y);
    cudaFree(d_dx);

    int failures = 0;
    for (int a = 0; a < kActivations; ++a) {
        for (int i = 0; i < kCount; ++i) {
            for (bool gradient : {false, true}) {
                const float got = gradient ? dx[a * kCount + i] : y[a * kCount + i];
                const float want = host_value(a, x[i], gradient);
                const float tolerance = a < 2 ? 0.0f : 4e-7f * std::fabs(want);
                if (!(std::fabs(got - want) <= tolerance)) {
                    std::printf("activation %d, x = %g, %s: device %.9g, host %.9g\n", a, x[i],
                                gradient ? "gradient" : "forward", got, want);
                    ++failures;
                }
            }
        }
    }
    std::printf("device_use: %s\n", failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
