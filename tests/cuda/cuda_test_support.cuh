// Helpers of the CUDA tests: the skip rule, element conversions on the host, failure counting.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace rectify_cuda_test {

// CTest's SKIP_RETURN_CODE for the GPU tests: a machine without a usable GPU reports them skipped.
inline constexpr int skip_code = 77;

inline bool gpu_present() {
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

// Exits with skip_code, saying why, when there is no GPU.
inline void require_gpu_or_skip(const char* program) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess || count == 0) {
        std::printf("%s: SKIPPED, no CUDA device (cudaGetDeviceCount: %s, %d devices)\n", program,
                    status == cudaSuccess ? "ok" : cudaGetErrorString(status), count);
        std::exit(skip_code);
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess)
        std::printf("%s: device 0 is %s (sm_%d%d, %d SMs)\n", program, prop.name, prop.major, prop.minor,
                    prop.multiProcessorCount);
}

inline void cuda_ok(cudaError_t status, const char* what) {
    if (status != cudaSuccess) {
        std::printf("FATAL: %s: %s\n", what, cudaGetErrorString(status));
        std::exit(1);
    }
}

template <class T>
const char* type_name() {
    if constexpr (std::is_same_v<T, float>) return "float";
    else if constexpr (std::is_same_v<T, double>) return "double";
    else if constexpr (std::is_same_v<T, __half>) return "__half";
    else return "__nv_bfloat16";
}

// Storage <-> compute type on the host, rounding to nearest (the device's conversions).
template <class T>
auto widen(T v) {
    if constexpr (std::is_same_v<T, __half>) return __half2float(v);
    else if constexpr (std::is_same_v<T, __nv_bfloat16>) return __bfloat162float(v);
    else return v;
}
template <class T, class C>
T narrow(C v) {
    if constexpr (std::is_same_v<T, __half>) return __float2half_rn(v);
    else if constexpr (std::is_same_v<T, __nv_bfloat16>) return __float2bfloat16_rn(v);
    else return static_cast<T>(v);
}

template <class T>
using bits_type = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                     std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
template <class T>
bits_type<T> bits(T v) {
    if constexpr (std::is_same_v<T, __half>) return static_cast<__half_raw>(v).x;
    else if constexpr (std::is_same_v<T, __nv_bfloat16>) return static_cast<__nv_bfloat16_raw>(v).x;
    else {
        bits_type<T> b;
        std::memcpy(&b, &v, sizeof b);
        return b;
    }
}
template <class T>
T from_bits(bits_type<T> b) {
    if constexpr (std::is_same_v<T, __half>) {
        __half_raw r;
        r.x = b;
        return __half(r);
    } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
        __nv_bfloat16_raw r;
        r.x = b;
        return __nv_bfloat16(r);
    } else {
        T v;
        std::memcpy(&v, &b, sizeof v);
        return v;
    }
}

template <class T>
bool is_nan(T v) {
    const auto w = widen(v);
    return w != w;
}

// Same bits, or both NaN (sign and payload of a NaN are not part of the contract).
template <class T>
bool same_value(T a, T b) {
    return bits(a) == bits(b) || (is_nan(a) && is_nan(b));
}

// Counts failures and prints the first few.
struct failures {
    long count = 0;
    template <class... Args>
    void add(const char* format, Args... args) {
        if (++count <= 25) {
            std::printf("FAIL: ");
            std::printf(format, args...);
            std::printf("\n");
        }
    }
    int exit_code(const char* program) const {
        std::printf("%s: %s (%ld failures)\n", program, count == 0 ? "ok" : "FAILED", count);
        return count == 0 ? 0 : 1;
    }
};

}  // namespace rectify_cuda_test
