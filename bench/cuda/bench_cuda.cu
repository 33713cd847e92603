// rectify::cuda benchmark: every kernel (every listed activation forward and backward; PReLU
// forward and backward with dweight, channels-first and channels-last) in float, double, __half and
// __nv_bfloat16, at 1M / 16M / 256M elements, timed with CUDA events beside two baselines of the
// same bytes in the same run:
//   copy  cudaMemcpyAsync device to device (1 read + 1 write: the traffic of a forward kernel)
//   2R1W  c[i] = a[i] * b[i], 128-bit accesses, one vector per thread (the traffic of a backward)
// Each time is the median over 11 samples of 10 back-to-back launches (after 3 warm-up launches).
// The table gives each kernel's time, its bandwidth (bytes it must move / time) and its ratio to
// its baseline's time, with the target from docs/PERFORMANCE.md (>= 16M: 0.95, PReLU backward 0.85) and
// '!' where a ratio misses it.
//
//   rectify_cuda_bench [--smoke] [--sizes 1048576,16777216,...]
//
// --smoke: 1M elements, 2 samples (CTest runs it so the benchmark cannot rot). Exits 77 without a GPU.
#include <rectify/cuda.cuh>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../../tests/cuda/cuda_test_support.cuh"

namespace {

using rectify_cuda_test::cuda_ok;
using rectify_cuda_test::type_name;

struct config {
    std::vector<std::size_t> sizes{std::size_t{1} << 20, std::size_t{1} << 24, std::size_t{1} << 28};
    int samples = 11;
    int launches = 10;
};

// The 2R1W baseline: one 16-byte vector of a and b per thread, c = a * b in the compute type.
template <class T>
__global__ void multiply_kernel(const T* a, const T* b, T* c, std::size_t packs) {
    using E = rectify::cuda::detail::element<T>;
    using P = rectify::cuda::detail::pack<T>;
    const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
    if (i >= packs) return;
    const P va = reinterpret_cast<const P*>(a)[i];
    const P vb = reinterpret_cast<const P*>(b)[i];
    P r;
#pragma unroll
    for (int k = 0; k < rectify::cuda::detail::pack_size<T>; ++k) r.v[k] = E::store(E::load(va.v[k]) * E::load(vb.v[k]));
    reinterpret_cast<P*>(c)[i] = r;
}

template <class T>
__global__ void fill_kernel(T* p, std::size_t n, std::uint32_t seed) {
    using E = rectify::cuda::detail::element<T>;
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        std::uint32_t h = static_cast<std::uint32_t>(i) * 0x9E3779B1u + seed;
        h ^= h >> 15;
        h *= 0x85EBCA77u;
        h ^= h >> 13;
        // values in [-8, 8): both branches of every activation
        const float v = static_cast<float>(h & 0xFFFF) / 4096.0f - 8.0f;
        p[i] = E::store(static_cast<typename E::compute>(v));
    }
}

// Median time in ms of one call of f.
template <class F>
double time_ms(const config& cfg, F&& f) {
    cudaEvent_t start, stop;
    cuda_ok(cudaEventCreate(&start), "cudaEventCreate");
    cuda_ok(cudaEventCreate(&stop), "cudaEventCreate");
    for (int i = 0; i < 3; ++i) f();
    std::vector<double> samples;
    for (int s = 0; s < cfg.samples; ++s) {
        cuda_ok(cudaEventRecord(start), "cudaEventRecord");
        for (int i = 0; i < cfg.launches; ++i) f();
        cuda_ok(cudaEventRecord(stop), "cudaEventRecord");
        cuda_ok(cudaEventSynchronize(stop), "cudaEventSynchronize");
        float ms = 0;
        cuda_ok(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
        samples.push_back(ms / cfg.launches);
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

struct row {
    std::string kernel;
    const char* type;
    std::size_t n;
    double ms;
    double bytes;
    const char* baseline;
    double ratio;   // baseline time / kernel time
    double target;  // 0: none at this size
};
std::vector<row> rows;

void print_row(const row& r) {
    const bool miss = r.target > 0 && r.ratio < r.target;
    std::printf("%-26s %-14s %10zu %10.4f %8.1f  %-5s %6.3f%s", r.kernel.c_str(), r.type, r.n, r.ms, r.bytes / r.ms / 1e6,
                r.baseline, r.ratio, miss ? "!" : " ");
    if (r.target > 0) std::printf(" %5.2f", r.target);
    std::printf("\n");
    std::fflush(stdout);
}

template <class T>
void bench_type(const config& cfg) {
    const std::size_t max_n = *std::max_element(cfg.sizes.begin(), cfg.sizes.end());
    T *x, *dy, *out, *w, *dw;
    cuda_ok(cudaMalloc(&x, max_n * sizeof(T)), "cudaMalloc x");
    cuda_ok(cudaMalloc(&dy, max_n * sizeof(T)), "cudaMalloc dy");
    cuda_ok(cudaMalloc(&out, max_n * sizeof(T)), "cudaMalloc out");
    cuda_ok(cudaMalloc(&w, 64 * sizeof(T)), "cudaMalloc w");
    cuda_ok(cudaMalloc(&dw, 64 * sizeof(T)), "cudaMalloc dw");
    fill_kernel<<<4096, 256>>>(x, max_n, 1);
    fill_kernel<<<4096, 256>>>(dy, max_n, 2);
    fill_kernel<<<1, 64>>>(w, 64, 3);
    cuda_ok(cudaDeviceSynchronize(), "fill");

    for (const std::size_t n : cfg.sizes) {
        const double bytes2 = 2.0 * n * sizeof(T), bytes3 = 3.0 * n * sizeof(T);
        const double copy = time_ms(cfg, [&] { cudaMemcpyAsync(out, x, n * sizeof(T), cudaMemcpyDeviceToDevice); });
        constexpr std::size_t N = rectify::cuda::detail::pack_size<T>;
        const std::size_t packs = n / N;
        const double mul = time_ms(cfg, [&] {
            multiply_kernel<<<static_cast<unsigned>((packs + 255) / 256), 256>>>(x, dy, out, packs);
        });
        cuda_ok(cudaGetLastError(), "multiply_kernel");
        const bool big = n >= (std::size_t{1} << 24);
        const double fwd_target = big ? 0.95 : 0.0, bwd_target = big ? 0.95 : 0.0, prelu_bwd_target = big ? 0.85 : 0.0;
        const char* tn = type_name<T>();
        rows.push_back({"copy (cudaMemcpyAsync)", tn, n, copy, bytes2, "-", 1.0, 0});
        print_row(rows.back());
        rows.push_back({"2R1W c = a*b", tn, n, mul, bytes3, "-", 1.0, 0});
        print_row(rows.back());

        auto forward = [&](const char* name, auto act) {
            const double t = time_ms(cfg, [&] { rectify::cuda::forward(act, static_cast<const T*>(x), out, n); });
            rows.push_back({std::string(name) + " forward", tn, n, t, bytes2, "copy", copy / t, fwd_target});
            print_row(rows.back());
            const double b = time_ms(cfg, [&] {
                rectify::cuda::backward(act, static_cast<const T*>(x), static_cast<const T*>(dy), out, n);
            });
            rows.push_back({std::string(name) + " backward", tn, n, b, bytes3, "2R1W", mul / b, bwd_target});
            print_row(rows.back());
        };
        // Every listed activation (include/rectify/activations/list.hpp) with PyTorch's defaults.
#define RECTIFY_BENCH_ROW(Type, shorthand, gradient, ...) forward(#shorthand, rectify::Type{});
        RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_BENCH_ROW)
#undef RECTIFY_BENCH_ROW
        forward("gelu_tanh", rectify::GELU{rectify::GELU::tanh});

        const std::size_t inner = 4096;
        const rectify::ChannelShape layouts[] = {{n / (64 * inner), 64, inner}, {n / 64, 64, 1}};
        const char* layout_names[] = {"nchw", "nhwc"};
        for (int l = 0; l < 2; ++l) {
            const rectify::ChannelShape s = layouts[l];
            const std::size_t m = s.outer * s.channels * s.inner;
            const double f = time_ms(cfg, [&] { rectify::cuda::prelu(static_cast<const T*>(x), static_cast<const T*>(w), 64, out, s); });
            rows.push_back({std::string("prelu forward ") + layout_names[l], tn, m, f, 2.0 * m * sizeof(T), "copy", copy / f,
                            fwd_target});
            print_row(rows.back());
            const double b = time_ms(cfg, [&] {
                rectify::cuda::prelu_backward(static_cast<const T*>(x), static_cast<const T*>(w), 64, static_cast<const T*>(dy),
                                              out, dw, s);
            });
            rows.push_back({std::string("prelu backward ") + layout_names[l], tn, m, b, 3.0 * m * sizeof(T), "2R1W", mul / b,
                            prelu_bwd_target});
            print_row(rows.back());
        }
    }
    cuda_ok(cudaDeviceSynchronize(), "benchmark");
    cudaFree(x);
    cudaFree(dy);
    cudaFree(out);
    cudaFree(w);
    cudaFree(dw);
}

}  // namespace

int main(int argc, char** argv) {
    config cfg;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--smoke") == 0) {
            cfg.sizes = {std::size_t{1} << 20};
            cfg.samples = 2;
            cfg.launches = 2;
        } else if (std::strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            cfg.sizes.clear();
            for (char* p = argv[++i]; *p;) {
                cfg.sizes.push_back(std::strtoull(p, &p, 10));
                if (*p == ',') ++p;
            }
        } else {
            std::printf("usage: %s [--smoke] [--sizes n1,n2,...]\n", argv[0]);
            return 2;
        }
    }
    rectify_cuda_test::require_gpu_or_skip("rectify_cuda_bench");
    std::printf("%-26s %-14s %10s %10s %8s  %-5s %6s  %5s\n", "kernel", "type", "elements", "ms", "GB/s", "vs", "ratio",
                "target");
    bench_type<float>(cfg);
    bench_type<double>(cfg);
    bench_type<__half>(cfg);
    bench_type<__nv_bfloat16>(cfg);
    int checked = 0, missed = 0;
    for (const row& r : rows) {
        if (r.target <= 0) continue;
        ++checked;
        if (r.ratio < r.target) ++missed;
    }
    std::printf("Targets checked: %d, missed: %d\n", checked, missed);
    return 0;
}
