// rectify in a user's own CUDA kernel: bias add and SiLU fused in one pass over a [rows, cols]
// matrix, y = silu(x + b[col]), next to the same computation with rectify's launchers (a bias-add
// kernel, then rectify::cuda::forward). The activation types are __host__ __device__, so
// rectify::SiLU{}(v) inside a kernel is the very math the library's kernels run: the two results
// are the same bits. The fused kernel reads x once and writes y once; the two-pass version moves
// twice the bytes.
//
// Build: nvcc -std=c++20 -I<rectify>/include cuda_fused.cu  (or CMake: rectify::rectify + CUDA::cudart)
// Exits 77 when there is no GPU (CTest reports the example skipped).
#include <rectify/cuda.cuh>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

__global__ void bias_silu(const float* x, const float* bias, float* y, std::size_t rows, std::size_t cols) {
    const rectify::SiLU silu;
    const std::size_t n = rows * cols;
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x)
        y[i] = silu(x[i] + bias[i % cols]);
}

__global__ void bias_add(const float* x, const float* bias, float* y, std::size_t rows, std::size_t cols) {
    const std::size_t n = rows * cols;
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x)
        y[i] = x[i] + bias[i % cols];
}

bool ok(cudaError_t status, const char* what) {
    if (status != cudaSuccess) std::printf("%s: %s\n", what, cudaGetErrorString(status));
    return status == cudaSuccess;
}

}  // namespace

int main() {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
        std::printf("cuda_fused: no CUDA device, skipped\n");
        return 77;
    }
    const std::size_t rows = 512, cols = 300, n = rows * cols;
    std::vector<float> x(n), bias(cols);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(static_cast<int>(i % 2001) - 1000) / 50.0f;  // [-20, 20]
    for (std::size_t c = 0; c < cols; ++c) bias[c] = static_cast<float>(c) / 100.0f - 1.5f;

    float *d_x, *d_bias, *d_fused, *d_tmp;
    if (!ok(cudaMalloc(&d_x, n * sizeof(float)), "cudaMalloc") || !ok(cudaMalloc(&d_bias, cols * sizeof(float)), "cudaMalloc") ||
        !ok(cudaMalloc(&d_fused, n * sizeof(float)), "cudaMalloc") || !ok(cudaMalloc(&d_tmp, n * sizeof(float)), "cudaMalloc"))
        return 1;
    ok(cudaMemcpy(d_x, x.data(), n * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy");
    ok(cudaMemcpy(d_bias, bias.data(), cols * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy");

    // One pass: the user's kernel with rectify's activation inside.
    bias_silu<<<256, 256>>>(d_x, d_bias, d_fused, rows, cols);
    // Two passes: bias add, then rectify's launcher, in place.
    bias_add<<<256, 256>>>(d_x, d_bias, d_tmp, rows, cols);
    try {
        rectify::cuda::forward(rectify::SiLU{}, static_cast<const float*>(d_tmp), d_tmp, n);
    } catch (const rectify::cuda::error& e) {
        std::printf("%s\n", e.what());
        return 1;
    }
    std::vector<float> fused(n), two_pass(n);
    if (!ok(cudaMemcpy(fused.data(), d_fused, n * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy") ||
        !ok(cudaMemcpy(two_pass.data(), d_tmp, n * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy"))
        return 1;
    cudaFree(d_x);
    cudaFree(d_bias);
    cudaFree(d_fused);
    cudaFree(d_tmp);

    std::size_t differ = 0;
    for (std::size_t i = 0; i < n; ++i) differ += std::memcmp(&fused[i], &two_pass[i], sizeof(float)) != 0;
    std::printf("y = silu(x + b) over [%zu, %zu]: y[0] = %.7g (x = %g, b = %g), y[%zu] = %.7g\n", rows, cols,
                static_cast<double>(fused[0]), static_cast<double>(x[0]), static_cast<double>(bias[0]), n - 1,
                static_cast<double>(fused[n - 1]));
    std::printf("fused kernel and rectify::cuda::forward: %zu of %zu elements differ\n", differ, n);
    return differ == 0 ? 0 : 1;
}
