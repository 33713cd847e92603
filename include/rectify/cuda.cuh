// rectify/cuda.cuh — CUDA kernels and launchers for every activation and PReLU (rectify::cuda).
//
// Needs nvcc (C++20) and the CUDA runtime; includes activations.hpp and nothing else of rectify's
// (no xsimd). Pointers are device pointers (or memory the device can address); the work is
// enqueued on `stream` on the current device and nothing waits for it.
//
//   forward(act, x, y, n, stream)              y = f(x)            any activation type
//   backward(act, x, dy, dx, n, stream)        dx = f'(x) * dy
//   prelu(x, w, nw, y, shape, stream)          PReLU, x viewed as [outer][channels][inner]
//   prelu_backward(x, w, nw, dy, dx, dw, shape, stream)
//
// Element types: float, double, __half, __nv_bfloat16. The 16-bit types are computed in float and
// rounded once; float is computed in float (activations.hpp, scalar_math::in_float), double in
// double. Parameters convert as on the CPU: a LeakyReLU slope is used as float for float, __half
// and __nv_bfloat16, as double for double.
//
// Accuracy: ReLU, Leaky ReLU and PReLU are exact; float ELU and SiLU are the bits of
// scalar_math::in_float, within the CPU bounds (docs/ACCURACY.md: ELU forward 1 ULP for alpha a
// power of two, SiLU forward 2 ULP, backward C = 4), proven on the host over all 2^32 floats; the
// 16-bit types are that float result rounded once; double uses CUDA's exp / expm1 (cuda.kernels
// allows 4 ULP from the host). dweight is within 2 * eps * sum|x * dy| of the exact sum. Not yet
// run on a GPU: docs/CUDA.md, "Status: nothing has run on a GPU yet".
//
// Design: one elementwise kernel, generic over an operation (an activation's forward or backward,
// or PReLU's), so a new activation type needs no kernel of its own. Every array is read and written
// in 128-bit accesses (4 float, 2 double, 8 half/bfloat16) when all pointers of the call share the
// same offset modulo 16 bytes; a scalar loop covers the unaligned head and the tail (and the whole
// array when the offsets differ). Indices are std::size_t throughout (arrays of more than 2^31
// elements work). The grid is sized from the device's multiprocessor count. n = 0 launches
// nothing. In place is allowed: y may be x, dx may be dy or x.
//
// PReLU's weight gradient: each warp (rows of >= 32 elements: NCHW-like) or each block (shorter
// rows: channels-last-like) sums its channel's x*dy in double, compensated (Neumaier), in a fixed
// order; a second small kernel adds the partial sums of each channel in a fixed order. The
// partition depends on the shape only, not on the device or the run, so dweight is bit-identical
// from run to run and on every GPU. The partial sums (16 bytes each, from cudaMallocAsync on
// `stream`) are never x*dy for every element, as PyTorch's are: rows of >= 32 elements take one
// per warp, at most max(8192, channels); shorter rows one per (row block, column), at most
// 2^18 * 16 / sizeof(T) of them (16 MiB for float) and at least channels * inner (so an input of
// a single short-row sample with very many channels gets a buffer of 16 bytes per element).
//
// Errors: arguments that can be checked (null pointers, partial overlap of the ranges the call
// will touch, PReLU's weight count and shape, an activation's parameters) throw std::invalid_argument before any CUDA call,
// with the function's name and the sizes. A failing CUDA call or launch throws rectify::cuda::error
// (a std::runtime_error) with CUDA's message. Raw pointers cannot tell their size: the caller
// guarantees n valid elements behind every pointer (nw behind w and dw), that they are device
// memory, and that the stream belongs to the current device. Errors of the kernels themselves
// (a bad address) surface asynchronously, at the next synchronizing CUDA call.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "activations.hpp"

namespace rectify::cuda {

// A failed CUDA call or kernel launch; what() is "<function>: <step>: <cudaError name>: <CUDA's
// message>".
class error : public std::runtime_error {
public:
    error(cudaError_t code, const std::string& context)
        : std::runtime_error(context + ": " + cudaGetErrorName(code) + ": " + cudaGetErrorString(code)), code_(code) {}
    cudaError_t code() const noexcept { return code_; }

private:
    cudaError_t code_;
};

namespace detail {

inline void check(cudaError_t status, const char* function, const char* step) {
    if (status != cudaSuccess) throw error(status, std::string(function) + ": " + step);
}

[[noreturn]] inline void fail(const char* function, const std::string& what) {
    throw std::invalid_argument(std::string(function) + ": " + what);
}

// ---- element types ---------------------------------------------------------------------------

template <class T>
struct element {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "rectify::cuda: T must be float, double, __half or __nv_bfloat16");
    using compute = T;
    __device__ static compute load(T v) { return v; }
    __device__ static T store(compute v) { return v; }
    __device__ static T from_double(double v) { return static_cast<T>(v); }  // rounds once
};
template <>
struct element<__half> {
    using compute = float;
    __device__ static float load(__half v) { return __half2float(v); }
    __device__ static __half store(float v) { return __float2half_rn(v); }
    __device__ static __half from_double(double v) { return __double2half(v); }  // rounds once
};
template <>
struct element<__nv_bfloat16> {
    using compute = float;
    __device__ static float load(__nv_bfloat16 v) { return __bfloat162float(v); }
    __device__ static __nv_bfloat16 store(float v) { return __float2bfloat16_rn(v); }
    __device__ static __nv_bfloat16 from_double(double v) { return __double2bfloat16(v); }
};

// 128 bits of T: one vector access.
template <class T>
inline constexpr int pack_size = 16 / static_cast<int>(sizeof(T));
template <class T>
struct alignas(16) pack {
    T v[pack_size<T>];
};

inline constexpr int block_threads = 256;
// Blocks per multiprocessor the elementwise grid is capped at (8 resident blocks of 256 threads
// fill an SM; 4 such waves leave each thread a few iterations of its grid-stride loop).
inline constexpr int blocks_per_sm = 32;

__host__ __device__ inline std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// The multiprocessor count of the current device, cached per device.
inline int multiprocessors(const char* function) {
    int device = 0;
    check(cudaGetDevice(&device), function, "cudaGetDevice");
    static std::atomic<int> cache[64] = {};
    if (device >= 0 && device < 64) {
        if (const int count = cache[device].load(std::memory_order_relaxed)) return count;
    }
    int count = 0;
    check(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device), function,
          "cudaDeviceGetAttribute(cudaDevAttrMultiProcessorCount)");
    if (device >= 0 && device < 64) cache[device].store(count, std::memory_order_relaxed);
    return count;
}

inline unsigned grid_for(std::size_t work_items, int threads_per_block, int cap) {
    const std::size_t blocks = (work_items + threads_per_block - 1) / threads_per_block;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > static_cast<std::size_t>(cap) ? cap : blocks));
}

// ---- q = n / d for a divisor fixed at launch, without a 64-bit division per element ------------
// Granlund & Montgomery, "Division by invariant integers using multiplication" (1994), figure 4.1:
// for every n < 2^64 and 1 <= d < 2^64, with l = ceil(log2 d), m = floor(2^64 (2^l - d) / d) + 1,
// t = mulhi(m, n): n / d = (t + ((n - t) >> min(l, 1))) >> max(l - 1, 0). tests/cuda checks it
// on the host against the hardware division.
struct divider {
    std::uint64_t d = 1;
    std::uint64_t m = 1;
    unsigned shift1 = 0;
    unsigned shift2 = 0;

    divider() = default;
    explicit divider(std::uint64_t divisor) : d(divisor) {
        unsigned l = 0;
        while (l < 64 && (std::uint64_t{1} << l) < divisor) ++l;
        const unsigned __int128 two_l = static_cast<unsigned __int128>(1) << l;
        m = static_cast<std::uint64_t>(((two_l - divisor) << 64) / divisor) + 1;
        shift1 = l < 1 ? l : 1;
        shift2 = l > 0 ? l - 1 : 0;
    }
    __host__ __device__ std::uint64_t quotient(std::uint64_t n) const {
#if defined(__CUDA_ARCH__)
        const std::uint64_t t = __umul64hi(m, n);
#else
        const std::uint64_t t = static_cast<std::uint64_t>((static_cast<unsigned __int128>(m) * n) >> 64);
#endif
        return (t + ((n - t) >> shift1)) >> shift2;
    }
};

// ---- operations: what the elementwise kernel computes per element -----------------------------
// An operation gives at(e), a cursor for the element with flat index e, whose next() moves it to
// e + 1, and operator()(cursor, x) or operator()(cursor, x, dy) in the element's compute type.

struct no_cursor {
    __device__ void next() {}
};

template <class Act>
struct forward_op {
    Act act;
    __device__ no_cursor at(std::size_t) const { return {}; }
    template <class C>
    __device__ C operator()(no_cursor, C x) const { return act(x); }
};

template <class Act>
struct backward_op {
    Act act;
    __device__ no_cursor at(std::size_t) const { return {}; }
    template <class C>
    __device__ C operator()(no_cursor, C x, C dy) const { return act.backward(x, dy); }
};

// The channel of element e in [outer][channels][inner]: c = (e / inner) % channels, found once per
// vector and then stepped.
struct channel_cursor {
    std::uint64_t c;
    std::uint64_t pos;  // e % inner
    std::uint64_t inner;
    std::uint64_t channels;
    __device__ void next() {
        if (++pos == inner) {
            pos = 0;
            if (++c == channels) c = 0;
        }
    }
};

struct channel_map {
    divider by_inner;
    divider by_channels;
    __device__ channel_cursor at(std::size_t e) const {
        const std::uint64_t row = by_inner.quotient(e);
        const std::uint64_t c = row - by_channels.quotient(row) * by_channels.d;
        return {c, e - row * by_inner.d, by_inner.d, by_channels.d};
    }
};

// PReLU is Leaky ReLU with slope w[c]: the same comparisons (activations.hpp, LeakyReLU).
template <class T>
struct prelu_forward_op {
    const T* w;
    channel_map map;
    __device__ channel_cursor at(std::size_t e) const { return map.at(e); }
    template <class C>
    __device__ C operator()(const channel_cursor& cur, C x) const {
        return x > C(0) ? x : x * element<T>::load(w[cur.c]);  // NaN x: NaN * w
    }
};

// ---- the elementwise kernel ---------------------------------------------------------------------

template <class T, class Op, class Cursor>
__device__ T apply(const Op& op, const Cursor& cur, T x) {
    using E = element<T>;
    return E::store(op(cur, E::load(x)));
}
template <class T, class Op, class Cursor>
__device__ T apply(const Op& op, const Cursor& cur, T x, T dy) {
    using E = element<T>;
    return E::store(op(cur, E::load(x), E::load(dy)));
}

// out[e] = op(a[e]) (Binary: op(a[e], b[e])) for e < n: scalar for e < head and e >= head +
// packs * N, 128-bit vectors in between (a + head, b + head, out + head are 16-byte aligned).
template <bool Binary, class T, class Op>
__global__ void __launch_bounds__(block_threads)
    map_kernel(Op op, const T* a, const T* b, T* out, std::size_t n, std::size_t head, std::size_t packs) {
    constexpr int N = pack_size<T>;
    const std::size_t thread = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    const std::size_t threads = static_cast<std::size_t>(gridDim.x) * blockDim.x;
    const std::size_t body_end = head + packs * N;
    for (std::size_t e = thread; e < head; e += threads) {
        if constexpr (Binary) out[e] = apply(op, op.at(e), a[e], b[e]);
        else out[e] = apply(op, op.at(e), a[e]);
    }
    for (std::size_t e = body_end + thread; e < n; e += threads) {
        if constexpr (Binary) out[e] = apply(op, op.at(e), a[e], b[e]);
        else out[e] = apply(op, op.at(e), a[e]);
    }
    for (std::size_t p = thread; p < packs; p += threads) {
        const std::size_t e = head + p * N;
        const pack<T> va = *reinterpret_cast<const pack<T>*>(a + e);
        pack<T> vb;
        if constexpr (Binary) vb = *reinterpret_cast<const pack<T>*>(b + e);
        auto cur = op.at(e);
        pack<T> r;
#pragma unroll
        for (int k = 0; k < N; ++k) {
            if constexpr (Binary) r.v[k] = apply(op, cur, va.v[k], vb.v[k]);
            else r.v[k] = apply(op, cur, va.v[k]);
            cur.next();
        }
        *reinterpret_cast<pack<T>*>(out + e) = r;
    }
}

inline bool same_offset(std::initializer_list<const void*> pointers) {
    for (const void* p : pointers)
        if (address(p) % 16 != address(*pointers.begin()) % 16) return false;
    return true;
}

// Elements before the first 16-byte boundary when every pointer has the same offset modulo 16
// (then 128-bit accesses work for all of them from there), or n when the offsets differ.
template <class T>
std::size_t aligned_head(std::size_t n, std::initializer_list<const void*> pointers) {
    if (!same_offset(pointers)) return n;
    const std::size_t head = ((16 - address(*pointers.begin()) % 16) % 16) / sizeof(T);
    return head < n ? head : n;
}

template <bool Binary, class T, class Op>
void launch_map(const char* function, const Op& op, const T* a, const T* b, T* out, std::size_t n,
                cudaStream_t stream) {
    constexpr int N = pack_size<T>;
    const std::size_t head =
        Binary ? aligned_head<T>(n, {a, b, out}) : aligned_head<T>(n, {a, out});
    const std::size_t packs = (n - head) / N;
    const std::size_t work = packs > 0 ? packs : n;
    const unsigned grid = grid_for(work, block_threads, multiprocessors(function) * blocks_per_sm);
    map_kernel<Binary><<<grid, block_threads, 0, stream>>>(op, a, b, out, n, head, packs);
    check(cudaGetLastError(), function, "kernel launch");
}

// ---- argument checks (before any CUDA call) -----------------------------------------------------

inline void require_pointer(const char* function, const char* name, const void* p, std::size_t count) {
    if (p == nullptr && count > 0)
        fail(function, std::string(name) + " is null but must hold " + std::to_string(count) + " elements");
}

// True when [a, a + a_bytes) and [b, b + b_bytes) share memory.
inline bool overlap(const void* a, std::size_t a_bytes, const void* b, std::size_t b_bytes) {
    if (a_bytes == 0 || b_bytes == 0) return false;
    return address(a) < address(b) + b_bytes && address(b) < address(a) + a_bytes;
}

// An output may be the very same array as an input (in place), not overlap it partially.
template <class T>
void require_in_place_or_disjoint(const char* function, const char* out_name, const T* out, const char* in_name,
                                  const T* in, std::size_t n) {
    if (static_cast<const void*>(out) != static_cast<const void*>(in) &&
        overlap(out, n * sizeof(T), in, n * sizeof(T)))
        fail(function, std::string(out_name) + " overlaps " + in_name + " partially (" + std::to_string(n) +
                           " elements each); pass the same array (in place) or arrays that do not overlap");
}

template <class T>
void require_disjoint(const char* function, const char* out_name, const T* out, std::size_t out_count,
                      const char* in_name, const T* in, std::size_t in_count) {
    if (overlap(out, out_count * sizeof(T), in, in_count * sizeof(T)))
        fail(function, std::string(out_name) + " overlaps " + in_name + "; it must be a separate array");
}

inline std::string describe(ChannelShape s) {
    return "{outer = " + std::to_string(s.outer) + ", channels = " + std::to_string(s.channels) +
           ", inner = " + std::to_string(s.inner) + "}";
}

// The element count of the shape (without overflow); the weight is shared (1) or per channel.
inline std::size_t require_prelu_shape(const char* function, ChannelShape s, std::size_t nw) {
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    if ((s.channels != 0 && s.outer > max / s.channels) || (s.inner != 0 && s.outer * s.channels > max / s.inner))
        fail(function, "shape " + describe(s) + " has more elements than std::size_t can count");
    if (nw != 1 && nw != s.channels)
        fail(function, "weight has " + std::to_string(nw) + " elements; expected 1 (shared) or channels = " +
                           std::to_string(s.channels));
    return s.outer * s.channels * s.inner;
}

// ---- PReLU backward ----------------------------------------------------------------------------

// A compensated (Neumaier) sum in double. For float and the 16-bit types every product x*dy is
// exact in double; for double the product rounds once. An infinite or NaN sum is returned as is
// (its compensation would be NaN: inf - inf).
struct compensated {
    double sum;
    double comp;
    __device__ void add(double v) {
        const double t = sum + v;
        comp += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
    __device__ void add(const compensated& o) {
        add(o.sum);
        comp += o.comp;
    }
    __device__ double value() const { return isfinite(sum) ? sum + comp : sum; }
};

// dx and the dweight term of one element; C is the compute type.
template <class T>
struct prelu_backward_element {
    using E = element<T>;
    using C = typename E::compute;
    __device__ static T run(T x_t, T dy_t, C w, compensated& acc) {
        const C x = E::load(x_t);
        const C dy = E::load(dy_t);
        // dx = x > 0 ? dy : w * dy; dweight gets x*dy where !(x > 0) (x = 0 adds 0, NaN x adds NaN).
        if (x > C(0)) return dy_t;
        acc.add(__dmul_rn(static_cast<double>(x), static_cast<double>(dy)));
        return E::store(w * dy);
    }
};

inline constexpr std::size_t partial_target = 1u << 18;  // about how many threads the partition feeds

// Rows of >= 32 elements are cut into segments (a multiple of 32 vectors, at least 8 vectors per
// lane) so that a large input gives about partial_target / 32 warps' worth of them.
template <class T>
std::size_t segment_length(ChannelShape s) {
    constexpr std::size_t warp_vectors = 32 * pack_size<T>;
    const std::size_t warps_per_channel = partial_target / 32 / s.channels;
    const std::size_t segments_per_row =
        warps_per_channel <= s.outer ? 1 : (warps_per_channel + s.outer - 1) / s.outer;
    std::size_t length = (s.inner + segments_per_row - 1) / segments_per_row;
    length = (length + warp_vectors - 1) / warp_vectors * warp_vectors;
    return length < 8 * warp_vectors ? 8 * warp_vectors : length;
}

// Rows of >= 32 elements (NCHW-like). Item i of channel c is segment i % segments of row
// (i / segments, c): elements [seg * length, ...) of x[i / segments][c][...]. Warp g = j *
// channels + c takes the items i = j, j + k, j + 2k, ... of channel c and writes its sum to
// partial[g].
template <class T>
__global__ void __launch_bounds__(block_threads)
    prelu_backward_rows(const T* x, const T* w, const T* dy, T* dx, ChannelShape s, std::size_t length,
                        std::size_t segments, std::size_t k, bool vectors, compensated* partial) {
    using E = element<T>;
    using C = typename E::compute;
    constexpr int N = pack_size<T>;
    constexpr int warps_per_block = block_threads / 32;
    const std::size_t g = static_cast<std::size_t>(blockIdx.x) * warps_per_block + threadIdx.x / 32;
    const unsigned lane = threadIdx.x % 32;
    if (g >= k * s.channels) return;  // whole warps
    const std::size_t c = g % s.channels;
    const std::size_t j = g / s.channels;
    const C wc = E::load(w[c]);
    compensated acc{0.0, 0.0};
    const std::size_t items = s.outer * segments;
    for (std::size_t i = j; i < items; i += k) {
        const std::size_t o = i / segments;
        const std::size_t begin = (i % segments) * length;
        const std::size_t end = begin + length < s.inner ? begin + length : s.inner;
        const std::size_t base = (o * s.channels + c) * s.inner;
        std::size_t head = end - begin;
        std::size_t packs = 0;
        if (vectors) {
            // Same offset modulo 16 for x, dy and dx (checked at launch): align on x.
            const std::size_t to_boundary = ((16 - address(x + base + begin) % 16) % 16) / sizeof(T);
            head = to_boundary < end - begin ? to_boundary : end - begin;
            packs = (end - begin - head) / N;
        }
        const std::size_t body = base + begin + head;
        for (std::size_t e = base + begin + lane; e < body; e += 32)
            dx[e] = prelu_backward_element<T>::run(x[e], dy[e], wc, acc);
#pragma unroll 4
        for (std::size_t p = lane; p < packs; p += 32) {
            const std::size_t e = body + p * N;
            const pack<T> vx = *reinterpret_cast<const pack<T>*>(x + e);
            const pack<T> vdy = *reinterpret_cast<const pack<T>*>(dy + e);
            pack<T> r;
#pragma unroll
            for (int q = 0; q < N; ++q) r.v[q] = prelu_backward_element<T>::run(vx.v[q], vdy.v[q], wc, acc);
            *reinterpret_cast<pack<T>*>(dx + e) = r;
        }
        for (std::size_t e = body + packs * N + lane; e < base + end; e += 32)
            dx[e] = prelu_backward_element<T>::run(x[e], dy[e], wc, acc);
    }
    // A fixed tree over the lanes: lane 0 ends with the same bits on every run.
    for (int offset = 16; offset > 0; offset /= 2) {
        compensated other;
        other.sum = __shfl_down_sync(0xffffffffu, acc.sum, offset);
        other.comp = __shfl_down_sync(0xffffffffu, acc.comp, offset);
        if (lane < static_cast<unsigned>(offset)) acc.add(other);
    }
    if (lane == 0) partial[g] = acc;
}

// Rows of < 32 elements (channels-last-like): x is [outer][L] with L = channels * inner columns.
// Each thread owns V adjacent columns (one vector when V > 1) of a tile and walks the rows
// o = block_row * R + row_lane, + gridDim.y * R, ...; the R row lanes of a column are then added
// in a fixed order and written to partial[blockIdx.y * L + column].
template <class T, int V>
__global__ void __launch_bounds__(block_threads)
    prelu_backward_columns(const T* x, const T* w, std::size_t nw, const T* dy, T* dx, ChannelShape s,
                           unsigned tile_width, compensated* partial) {
    using E = element<T>;
    using C = typename E::compute;
    __shared__ compensated sums[block_threads * V];
    const std::size_t L = s.channels * s.inner;
    const std::size_t column_packs = L / V;
    const unsigned rows_per_block = block_threads / tile_width;
    const unsigned column_lane = threadIdx.x % tile_width;
    const unsigned row_lane = threadIdx.x / tile_width;
    const std::size_t cp = static_cast<std::size_t>(blockIdx.x) * tile_width + column_lane;
    compensated acc[V];
    C wv[V];
#pragma unroll
    for (int q = 0; q < V; ++q) {
        acc[q] = {0.0, 0.0};
        const std::size_t column = cp * V + q;
        wv[q] = cp < column_packs ? E::load(w[nw == 1 ? 0 : column / s.inner]) : C(0);
    }
    if (cp < column_packs && row_lane < rows_per_block) {
        for (std::size_t o = static_cast<std::size_t>(blockIdx.y) * rows_per_block + row_lane; o < s.outer;
             o += static_cast<std::size_t>(gridDim.y) * rows_per_block) {
            const std::size_t e = o * L + cp * V;
            if constexpr (V > 1) {
                const pack<T> vx = *reinterpret_cast<const pack<T>*>(x + e);
                const pack<T> vdy = *reinterpret_cast<const pack<T>*>(dy + e);
                pack<T> r;
#pragma unroll
                for (int q = 0; q < V; ++q) r.v[q] = prelu_backward_element<T>::run(vx.v[q], vdy.v[q], wv[q], acc[q]);
                *reinterpret_cast<pack<T>*>(dx + e) = r;
            } else {
                dx[e] = prelu_backward_element<T>::run(x[e], dy[e], wv[0], acc[0]);
            }
        }
    }
#pragma unroll
    for (int q = 0; q < V; ++q) sums[threadIdx.x * V + q] = acc[q];
    __syncthreads();
    if (row_lane == 0 && cp < column_packs) {
        for (int q = 0; q < V; ++q) {
            compensated total = sums[column_lane * V + q];
            for (unsigned r = 1; r < rows_per_block; ++r) total.add(sums[(r * tile_width + column_lane) * V + q]);
            partial[blockIdx.y * L + cp * V + q] = total;
        }
    }
}

// dweight[c] = the partial sums of channel c, partial[a * stride_a + c * stride_c + b] for a < A,
// b < B, added in a fixed order (lane-strided, then a fixed tree): one warp per channel.
template <class T>
__global__ void __launch_bounds__(block_threads)
    prelu_finish_dweight(const compensated* partial, std::size_t channels, std::size_t A, std::size_t stride_a,
                         std::size_t stride_c, std::size_t B, T* dw) {
    const std::size_t c = static_cast<std::size_t>(blockIdx.x) * (block_threads / 32) + threadIdx.x / 32;
    const unsigned lane = threadIdx.x % 32;
    if (c >= channels) return;
    compensated acc{0.0, 0.0};
    const std::size_t count = A * B;
    for (std::size_t i = lane; i < count; i += 32) acc.add(partial[(i / B) * stride_a + c * stride_c + i % B]);
    for (int offset = 16; offset > 0; offset /= 2) {
        compensated other;
        other.sum = __shfl_down_sync(0xffffffffu, acc.sum, offset);
        other.comp = __shfl_down_sync(0xffffffffu, acc.comp, offset);
        if (lane < static_cast<unsigned>(offset)) acc.add(other);
    }
    if (lane == 0) dw[c] = element<T>::from_double(acc.value());
}

// Frees a stream-ordered allocation when it goes out of scope (also when a launch throws).
struct async_buffer {
    void* p = nullptr;
    cudaStream_t stream = nullptr;
    ~async_buffer() {
        if (p) cudaFreeAsync(p, stream);
    }
};

}  // namespace detail

// ---- the API -------------------------------------------------------------------------------------

// y = act(x) for n elements. y may be x (in place).
template <class Act, class T>
void forward(const Act& act, const T* x, T* y, std::size_t n, cudaStream_t stream = 0) {
    constexpr const char* function = "rectify::cuda::forward";
    ::rectify::detail::validate(function, act);  // a bad parameter throws, as on the CPU
    if (n == 0) return;
    detail::require_pointer(function, "x", x, n);
    detail::require_pointer(function, "y", y, n);
    detail::require_in_place_or_disjoint(function, "y", static_cast<const T*>(y), "x", x, n);
    detail::launch_map<false>(function, detail::forward_op<Act>{act}, x, static_cast<const T*>(nullptr), y, n,
                              stream);
}

// dx = act'(x) * dy for n elements. dx may be dy or x (in place).
template <class Act, class T>
void backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n, cudaStream_t stream = 0) {
    constexpr const char* function = "rectify::cuda::backward";
    ::rectify::detail::validate(function, act);
    if (n == 0) return;
    detail::require_pointer(function, "x", x, n);
    detail::require_pointer(function, "dy", dy, n);
    detail::require_pointer(function, "dx", dx, n);
    detail::require_in_place_or_disjoint(function, "dx", static_cast<const T*>(dx), "x", x, n);
    detail::require_in_place_or_disjoint(function, "dx", static_cast<const T*>(dx), "dy", dy, n);
    detail::launch_map<true>(function, detail::backward_op<Act>{act}, x, dy, dx, n, stream);
}

// PReLU: y = x > 0 ? x : w[c] * x, x viewed as [outer][channels][inner]; nw is 1 (shared) or
// channels. y may be x.
template <class T>
void prelu(const T* x, const T* w, std::size_t nw, T* y, ChannelShape shape, cudaStream_t stream = 0) {
    constexpr const char* function = "rectify::cuda::prelu";
    const std::size_t n = detail::require_prelu_shape(function, shape, nw);
    if (n == 0) return;
    detail::require_pointer(function, "x", x, n);
    detail::require_pointer(function, "weight", w, nw);
    detail::require_pointer(function, "y", y, n);
    detail::require_in_place_or_disjoint(function, "y", static_cast<const T*>(y), "x", x, n);
    detail::require_disjoint(function, "y", static_cast<const T*>(y), n, "weight", w, nw);
    // A shared weight is one channel of n elements.
    const ChannelShape s = nw == 1 ? ChannelShape{1, 1, n} : shape;
    const detail::prelu_forward_op<T> op{w, {detail::divider(s.inner), detail::divider(s.channels)}};
    detail::launch_map<false>(function, op, x, static_cast<const T*>(nullptr), y, n, stream);
}

// PReLU backward: dx = x > 0 ? dy : w[c] * dy, and dw (nw elements, overwritten) = the sum of x*dy
// over the elements of each channel with !(x > 0), the same bits on every run. dx may be dy or x;
// dw must not overlap any other array.
template <class T>
void prelu_backward(const T* x, const T* w, std::size_t nw, const T* dy, T* dx, T* dw, ChannelShape shape,
                    cudaStream_t stream = 0) {
    constexpr const char* function = "rectify::cuda::prelu_backward";
    using detail::compensated;
    const std::size_t n = detail::require_prelu_shape(function, shape, nw);
    detail::require_pointer(function, "weight", w, nw);
    detail::require_pointer(function, "dweight", dw, nw);
    detail::require_pointer(function, "x", x, n);
    detail::require_pointer(function, "dy", dy, n);
    detail::require_pointer(function, "dx", dx, n);
    detail::require_in_place_or_disjoint(function, "dx", static_cast<const T*>(dx), "x", x, n);
    detail::require_in_place_or_disjoint(function, "dx", static_cast<const T*>(dx), "dy", dy, n);
    detail::require_disjoint(function, "dx", static_cast<const T*>(dx), n, "weight", w, nw);
    const T* dw_c = dw;
    detail::require_disjoint(function, "dweight", dw_c, nw, "x", x, n);
    detail::require_disjoint(function, "dweight", dw_c, nw, "dy", dy, n);
    detail::require_disjoint(function, "dweight", dw_c, nw, "dx", static_cast<const T*>(dx), n);
    detail::require_disjoint(function, "dweight", dw_c, nw, "weight", w, nw);
    if (nw == 0) return;
    if (n == 0) {  // a sum over no elements: +0
        detail::check(cudaMemsetAsync(dw, 0, nw * sizeof(T), stream), function, "cudaMemsetAsync");
        return;
    }
    const ChannelShape s = nw == 1 ? ChannelShape{1, 1, n} : shape;
    constexpr int N = detail::pack_size<T>;
    constexpr int warps_per_block = detail::block_threads / 32;
    detail::async_buffer buffer;
    buffer.stream = stream;
    if (s.inner >= 32) {
        const std::size_t length = detail::segment_length<T>(s);
        const std::size_t segments = (s.inner + length - 1) / length;
        const std::size_t items = s.outer * segments;
        const std::size_t per_channel = detail::partial_target / 32 / s.channels;
        const std::size_t k = per_channel < 1 ? 1 : (per_channel < items ? per_channel : items);
        const std::size_t warps = k * s.channels;
        detail::check(cudaMallocAsync(&buffer.p, warps * sizeof(compensated), stream), function, "cudaMallocAsync");
        const std::size_t blocks = (warps + warps_per_block - 1) / warps_per_block;
        if (blocks > std::numeric_limits<int>::max())
            detail::fail(function, "shape " + detail::describe(shape) + " has too many channels for one grid");
        detail::prelu_backward_rows<<<static_cast<unsigned>(blocks), detail::block_threads, 0, stream>>>(
            x, w, dy, dx, s, length, segments, k, detail::same_offset({x, dy, dx}), static_cast<compensated*>(buffer.p));
        detail::check(cudaGetLastError(), function, "kernel launch (rows)");
        const std::size_t finish_blocks = (s.channels + warps_per_block - 1) / warps_per_block;
        detail::prelu_finish_dweight<<<static_cast<unsigned>(finish_blocks), detail::block_threads, 0, stream>>>(
            static_cast<const compensated*>(buffer.p), s.channels, k, s.channels, 1, 1, dw);
        detail::check(cudaGetLastError(), function, "kernel launch (dweight)");
        return;
    }
    const std::size_t L = s.channels * s.inner;
    const bool vectors = detail::address(x) % 16 == 0 && detail::address(dy) % 16 == 0 && detail::address(dx) % 16 == 0 &&
                         (L * sizeof(T)) % 16 == 0;
    const std::size_t V = vectors ? N : 1;
    const std::size_t column_packs = L / V;
    // Column packs per block: the power of two up to 256 that covers them if it can; the rest of
    // the block's threads take further rows.
    unsigned tile_width = 1;
    while (tile_width < detail::block_threads && tile_width < column_packs) tile_width *= 2;
    const std::size_t tiles = (column_packs + tile_width - 1) / tile_width;
    const std::size_t rows_per_block = detail::block_threads / tile_width;
    const std::size_t row_blocks_needed = (s.outer + rows_per_block - 1) / rows_per_block;
    const std::size_t row_blocks_target = detail::partial_target / detail::block_threads / tiles;
    const std::size_t row_blocks =
        row_blocks_target < 1 ? 1 : (row_blocks_target < row_blocks_needed ? row_blocks_target : row_blocks_needed);
    if (tiles > std::numeric_limits<int>::max())
        detail::fail(function, "shape " + detail::describe(shape) + " has too many channels for one grid");
    detail::check(cudaMallocAsync(&buffer.p, row_blocks * L * sizeof(compensated), stream), function,
                  "cudaMallocAsync");
    const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(row_blocks));
    auto* partial = static_cast<compensated*>(buffer.p);
    if (vectors)
        detail::prelu_backward_columns<T, N><<<grid, detail::block_threads, 0, stream>>>(x, w, nw, dy, dx, s,
                                                                                        tile_width, partial);
    else
        detail::prelu_backward_columns<T, 1><<<grid, detail::block_threads, 0, stream>>>(x, w, nw, dy, dx, s,
                                                                                        tile_width, partial);
    detail::check(cudaGetLastError(), function, "kernel launch (columns)");
    const std::size_t finish_blocks = (s.channels + warps_per_block - 1) / warps_per_block;
    detail::prelu_finish_dweight<<<static_cast<unsigned>(finish_blocks), detail::block_threads, 0, stream>>>(
        partial, s.channels, row_blocks, L, s.inner, s.inner, dw);
    detail::check(cudaGetLastError(), function, "kernel launch (dweight)");
}

}  // namespace rectify::cuda
