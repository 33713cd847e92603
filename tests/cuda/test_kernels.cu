// rectify::cuda's kernels against the host, on a GPU (exits 77, reported as skipped by CTest,
// where there is none):
//   - every listed activation (PyTorch's defaults, and the parameter sets that take other branches)
//     x every type (float, double, __half, __nv_bfloat16) x forward and backward;
//   - lengths 0 to 3 vector widths + 1 and a few longer ones, every start offset within a vector,
//     equal and different offsets of the arrays (vector and scalar paths), in place;
//   - outputs poisoned with a NaN payload no arithmetic makes: nothing written outside [0, n);
//   - float, __half and __nv_bfloat16 bit for bit against the host evaluation of the device's float
//     math (built with RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST); the exact activations and PReLU bit
//     for bit in every type; double for the others (CUDA's exp, erfc, log1p, tanh against the C
//     library's) within max(4, 2 x the bound) ULP forward and 8 eps backward of the host's double math;
//   - PReLU forward and backward, channels-first and channels-last shapes, shared and per-channel
//     weights: y and dx bit for bit, dweight within 2 eps * sum |x*dy| of a long double sum and
//     bit-identical over repeated runs;
//   - an array of more than 2^31 elements (__half, in place), where the GPU has the memory.
#include <rectify/cuda.cuh>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <type_traits>
#include <vector>

#include "cuda_test_support.cuh"

namespace {

using namespace rectify_cuda_test;
failures fails;

template <class T>
T poison() {
    if constexpr (sizeof(T) == 2) return from_bits<T>(0x7E5Au);
    else if constexpr (sizeof(T) == 4) return from_bits<T>(0x7FC0DEADu);
    else return from_bits<T>(0x7FF80000DEADBEEFull);
}

template <class T>
double eps() {
    if constexpr (std::is_same_v<T, __half>) return std::ldexp(1.0, -10);
    else if constexpr (std::is_same_v<T, __nv_bfloat16>) return std::ldexp(1.0, -7);
    else return std::numeric_limits<T>::epsilon();
}

template <class T>
double denorm_min() {
    if constexpr (std::is_same_v<T, __half>) return std::ldexp(1.0, -24);
    else if constexpr (std::is_same_v<T, __nv_bfloat16>) return std::ldexp(1.0, -133);
    else return std::numeric_limits<T>::denorm_min();
}

template <class T>
struct device_array {
    T* p = nullptr;
    std::size_t n = 0;
    explicit device_array(std::size_t count) : n(count) { cuda_ok(cudaMalloc(&p, count * sizeof(T)), "cudaMalloc"); }
    ~device_array() { cudaFree(p); }
    device_array(const device_array&) = delete;
    device_array& operator=(const device_array&) = delete;
    void upload(const std::vector<T>& v, std::size_t at = 0) {
        cuda_ok(cudaMemcpy(p + at, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy to device");
    }
    std::vector<T> download() const {
        std::vector<T> v(n);
        cuda_ok(cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy to host");
        return v;
    }
    void fill_poison() { upload(std::vector<T>(n, poison<T>())); }
};

// Random values of both signs over 2^-12 .. 2^8 mixed with the values kernels get wrong.
template <class T>
std::vector<T> inputs(std::size_t count, std::uint64_t seed) {
    const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-8, -1e-8, 1e-40, -1e-40, -100.0, -88.8, -17.5,
                               17.5, -1.0, 1.0, 0.5, -0.5, 90.0, -90.0, -1000.0, 1000.0, -1.2785, 3.0, -5.0};
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> exponent(-12, 8);
    std::uniform_real_distribution<double> mantissa(1.0, 2.0);
    std::vector<T> v(count);
    for (std::size_t i = 0; i < count; ++i) {
        double d = (rng() % 4 == 0) ? specials[rng() % std::size(specials)] : std::ldexp(mantissa(rng), exponent(rng));
        if (rng() % 2) d = -d;
        if constexpr (std::is_same_v<T, double>) v[i] = d;
        else v[i] = narrow<T>(static_cast<float>(d));
    }
    return v;
}

// What the device computes for one element, evaluated on the host: this program is built with
// RECTIFY_DETAIL_DEVICE_FLOAT_MATH_ON_HOST, so act(x) for a float x is the device's float math on
// the host too (-ffp-contract=off: the same bits); the 16-bit types are that rounded once.
template <class Act, class T>
T expected_forward(const Act& act, T x) {
    if constexpr (std::is_same_v<T, double>) return act(x);
    else return narrow<T>(act(widen(x)));
}
template <class Act, class T>
T expected_backward(const Act& act, T x, T dy) {
    if constexpr (std::is_same_v<T, double>) return act.backward(x, dy);
    else return narrow<T>(act.backward(widen(x), widen(dy)));
}

// Bit for bit, except double for the activations that are not exact: CUDA's exp, erfc, log1p and
// tanh are not the C library's (and the host evaluates some double math in long double). Both are
// within the activation's bound of the exact value: twice the bound apart at most (4 ULP at least).
template <class Act, class T>
bool agrees(const Act& act, T got, T want, T dy, bool is_backward) {
    if (same_value(got, want)) return true;
    if constexpr (std::is_same_v<T, double>) {
        if (act.forward_ulp_bound() == 0) return false;
        if (std::isnan(got) || std::isnan(want) || std::isinf(got) || std::isinf(want)) return false;
        if (is_backward) return std::fabs(got - want) <= 8 * eps<double>() * std::max(std::fabs(want), std::fabs(dy)) + 4e-323;
        const double ulp = std::max(std::fabs(want) * eps<double>(), 4.9e-324);
        return std::fabs(got - want) <= std::max(4.0, 2 * act.forward_ulp_bound()) * ulp;
    }
    return false;
}

template <class T>
std::vector<std::size_t> lengths() {
    constexpr std::size_t N = 16 / sizeof(T);
    std::vector<std::size_t> v;
    for (std::size_t n = 0; n <= 3 * N + 1; ++n) v.push_back(n);
    for (std::size_t n : {std::size_t{64}, std::size_t{1000}, std::size_t{4099}}) v.push_back(n);
    return v;
}

// out must equal want at [off, off + n) and still hold the poison everywhere else.
template <class Act, class T>
void check_output(const Act& act, const char* what, const char* act_name, const std::vector<T>& out, std::size_t off,
                  const std::vector<T>& want, const std::vector<T>& x, std::type_identity_t<const std::vector<T>*> dy, std::size_t n,
                  std::size_t x_off, bool in_place) {
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i >= off && i < off + n) {
            const std::size_t k = i - off;
            const T d = dy ? (*dy)[k] : T(widen(T{}));
            if (!agrees(act, out[i], want[k], d, dy != nullptr))
                fails.add("%s %s<%s> n=%zu x offset %zu out offset %zu%s: element %zu, x = %.9g: got %.9g (bits %llx), want %.9g",
                          what, act_name, type_name<T>(), n, x_off, off, in_place ? " in place" : "", k,
                          static_cast<double>(widen(x[k])), static_cast<double>(widen(out[i])),
                          static_cast<unsigned long long>(bits(out[i])), static_cast<double>(widen(want[k])));
        } else if (bits(out[i]) != bits(poison<T>())) {
            fails.add("%s %s<%s> n=%zu x offset %zu out offset %zu%s: wrote element %zu outside [%zu, %zu)", what, act_name,
                      type_name<T>(), n, x_off, off, in_place ? " in place" : "", i, off, off + n);
        }
    }
}

template <class T, class Act>
void test_activation(const char* name, const Act& act) {
    constexpr std::size_t N = 16 / sizeof(T);
    const std::size_t cap = 4099 + 2 * N;
    device_array<T> dx_buf(cap), dy_buf(cap), out_buf(cap);
    std::uint64_t seed = 1;
    for (std::size_t n : lengths<T>()) {
        for (std::size_t x_off = 0; x_off < N; ++x_off) {
            for (std::size_t out_off : {x_off, (x_off + 1) % N}) {
                const std::vector<T> x = inputs<T>(n, seed++);
                const std::vector<T> dy = inputs<T>(n, seed++);
                std::vector<T> want_y(n), want_dx(n);
                for (std::size_t i = 0; i < n; ++i) {
                    want_y[i] = expected_forward(act, x[i]);
                    want_dx[i] = expected_backward(act, x[i], dy[i]);
                }
                // forward, out of place
                dx_buf.fill_poison();
                dx_buf.upload(x, x_off);
                out_buf.fill_poison();
                rectify::cuda::forward(act, static_cast<const T*>(dx_buf.p + x_off), out_buf.p + out_off, n);
                check_output(act, "forward", name, out_buf.download(), out_off, want_y, x, nullptr, n, x_off, false);
                // backward, out of place (x and dy at x_off, dx at out_off)
                dy_buf.fill_poison();
                dy_buf.upload(dy, x_off);
                out_buf.fill_poison();
                rectify::cuda::backward(act, static_cast<const T*>(dx_buf.p + x_off), static_cast<const T*>(dy_buf.p + x_off),
                                        out_buf.p + out_off, n);
                check_output(act, "backward", name, out_buf.download(), out_off, want_dx, x, &dy, n, x_off, false);
                if (out_off != x_off) continue;
                // in place: y = x; dx = dy; dx = x
                out_buf.fill_poison();
                out_buf.upload(x, x_off);
                rectify::cuda::forward(act, static_cast<const T*>(out_buf.p + x_off), out_buf.p + x_off, n);
                check_output(act, "forward", name, out_buf.download(), x_off, want_y, x, nullptr, n, x_off, true);
                out_buf.fill_poison();
                out_buf.upload(dy, x_off);
                rectify::cuda::backward(act, static_cast<const T*>(dx_buf.p + x_off), static_cast<const T*>(out_buf.p + x_off),
                                        out_buf.p + x_off, n);
                check_output(act, "backward (dx = dy)", name, out_buf.download(), x_off, want_dx, x, &dy, n, x_off, true);
                out_buf.fill_poison();
                out_buf.upload(x, x_off);
                rectify::cuda::backward(act, static_cast<const T*>(out_buf.p + x_off), static_cast<const T*>(dy_buf.p + x_off),
                                        out_buf.p + x_off, n);
                check_output(act, "backward (dx = x)", name, out_buf.download(), x_off, want_dx, x, &dy, n, x_off, true);
            }
        }
    }
    cuda_ok(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

template <class T, class... Acts>
void test_listed(rectify::detail::activation_list<Acts...>) {
    (test_activation<T>(Acts::name, Acts{}), ...);
}

// Every listed activation with PyTorch's defaults, and the parameter sets that take other branches.
template <class T>
void test_activations() {
    test_listed<T>(rectify::detail::all_activations{});
    test_activation<T>("LeakyReLU(0.1)", rectify::LeakyReLU{0.1});
    test_activation<T>("LeakyReLU(-0.5)", rectify::LeakyReLU{-0.5});
    test_activation<T>("ELU(1.6733)", rectify::ELU{1.6732632423543772});
    test_activation<T>("GELU(tanh)", rectify::GELU{rectify::GELU::tanh});
    test_activation<T>("CELU(0.5)", rectify::CELU{0.5});
    test_activation<T>("Softplus(2, 10)", rectify::Softplus{2.0, 10.0});
    test_activation<T>("Hardtanh(-2, 3)", rectify::Hardtanh{-2.0, 3.0});
    test_activation<T>("Swish(1.702)", rectify::Swish{1.702});
}

// ---- PReLU ---------------------------------------------------------------------------------------

template <class T>
void test_prelu_shape(rectify::ChannelShape s, bool shared, std::size_t off, std::size_t dy_off, std::uint64_t seed) {
    const std::size_t n = s.outer * s.channels * s.inner;
    const std::size_t nw = shared ? 1 : s.channels;
    const std::vector<T> x = inputs<T>(n, seed);
    const std::vector<T> dy = inputs<T>(n, seed + 1);
    std::vector<T> w(nw);
    const float slopes[] = {0.25f, -0.5f, 1.5f, 0.0f, 0.125f, 2.0f, -1.0f};
    for (std::size_t c = 0; c < nw; ++c) w[c] = narrow<T>(slopes[c % std::size(slopes)]);
    auto channel = [&](std::size_t e) { return shared ? 0 : (e / s.inner) % s.channels; };

    std::vector<T> want_y(n), want_dx(n);
    std::vector<long double> sum(nw, 0.0L), magnitude(nw, 0.0L);
    for (std::size_t e = 0; e < n; ++e) {
        const std::size_t c = channel(e);
        const auto xe = widen(x[e]), dye = widen(dy[e]), wc = widen(w[c]);
        want_y[e] = xe > 0 ? x[e] : narrow<T>(wc * xe);
        want_dx[e] = xe > 0 ? dy[e] : narrow<T>(wc * dye);
        if (!(xe > 0)) {
            sum[c] += static_cast<long double>(xe) * static_cast<long double>(dye);
            magnitude[c] += std::fabs(static_cast<long double>(xe) * static_cast<long double>(dye));
        }
    }
    char what[160];
    std::snprintf(what, sizeof what, "prelu<%s> {%zu, %zu, %zu}%s offsets %zu/%zu", type_name<T>(), s.outer, s.channels,
                  s.inner, shared ? " shared weight" : "", off, dy_off);

    device_array<T> d_x(n + 16), d_dy(n + 16), d_out(n + 16), d_w(nw + 1), d_dw(nw + 16);
    d_x.fill_poison();
    d_x.upload(x, off);
    d_dy.fill_poison();
    d_dy.upload(dy, dy_off);
    d_w.upload(w);
    d_out.fill_poison();
    rectify::cuda::prelu(static_cast<const T*>(d_x.p + off), static_cast<const T*>(d_w.p), nw, d_out.p + off, s);
    check_output(rectify::LeakyReLU{}, what, "forward", d_out.download(), off, want_y, x, nullptr, n, off, false);

    std::vector<bits_type<T>> first_dw;
    for (int run = 0; run < 3; ++run) {
        d_out.fill_poison();
        d_dw.fill_poison();
        const T* dy_p = d_dy.p + dy_off;
        T* dx_p = d_out.p + off;
        if (run == 2) {  // in place: dx = dy
            d_out.fill_poison();
            d_out.upload(dy, dy_off);
            dy_p = d_out.p + dy_off;
            dx_p = d_out.p + dy_off;
        }
        rectify::cuda::prelu_backward(static_cast<const T*>(d_x.p + off), static_cast<const T*>(d_w.p), nw, dy_p, dx_p,
                                      d_dw.p, s);
        check_output(rectify::LeakyReLU{}, what, run == 2 ? "backward (dx = dy)" : "backward", d_out.download(),
                                         run == 2 ? dy_off : off, want_dx, x, &dy, n, off, run == 2);
        const std::vector<T> dw = d_dw.download();
        std::vector<bits_type<T>> dw_bits;
        for (std::size_t c = 0; c < nw; ++c) {
            dw_bits.push_back(bits(dw[c]));
            const double got = static_cast<double>(widen(dw[c]));
            // A sum beyond T's range (16-bit types) is an infinity, as is a sum with an infinite term.
            const double rounded = static_cast<double>(widen(narrow<T>(static_cast<double>(sum[c]))));
            const long double bound = 2 * eps<T>() * magnitude[c] + denorm_min<T>();
            bool ok;
            if (std::isnan(sum[c])) ok = std::isnan(got);
            else if (std::isinf(rounded)) ok = got == rounded;
            else ok = std::fabs(static_cast<long double>(got) - sum[c]) <= bound;
            if (!ok)
                fails.add("%s: dweight[%zu] = %.17g, exact %.17Lg, bound %.3Lg", what, c, got, sum[c], bound);
        }
        for (std::size_t i = nw; i < dw.size(); ++i)
            if (bits(dw[i]) != bits(poison<T>())) fails.add("%s: dweight written past its %zu elements", what, nw);
        if (run == 0) first_dw = dw_bits;
        else if (dw_bits != first_dw) fails.add("%s: dweight differs between runs (run %d)", what, run);
    }
}

template <class T>
void test_prelu() {
    const rectify::ChannelShape shapes[] = {
        {2, 3, 37},  {3, 5, 64},   {2, 4, 4100}, {1, 3, 9000}, {2, 2, 33},   // rows >= 32 (channels first)
        {37, 3, 1},  {64, 8, 1},   {5, 16, 1},   {16, 64, 1},  {8, 4, 7},    // rows < 32 (channels last)
        {3, 1, 5},   {1, 1, 100},  {1000, 3, 1}, {2, 1, 1},    {4096, 2, 3}};
    std::uint64_t seed = 1000;
    for (const auto& s : shapes) {
        for (bool shared : {false, true}) {
            test_prelu_shape<T>(s, shared, 0, 0, seed++);     // aligned: vector paths
            test_prelu_shape<T>(s, shared, 1, 1, seed++);     // same offset, unaligned start
            test_prelu_shape<T>(s, shared, 0, 1, seed++);     // different offsets: scalar paths
        }
    }
    cuda_ok(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

// ---- more than 2^31 elements ------------------------------------------------------------------

void test_large() {
    const std::size_t n = (std::size_t{1} << 31) + 77;
    std::size_t free_bytes = 0, total = 0;
    cuda_ok(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
    if (free_bytes < n * sizeof(__half) + (std::size_t{1} << 30)) {
        std::printf("test_kernels: %zu MiB free, not enough for the 2^31 + 77 element test (not run)\n", free_bytes >> 20);
        return;
    }
    __half* p = nullptr;
    cuda_ok(cudaMalloc(&p, n * sizeof(__half)), "cudaMalloc");
    cuda_ok(cudaMemset(p, 0xBC, n * sizeof(__half)), "cudaMemset");  // every element 0xBCBC = -1.18: ReLU gives +0
    const std::vector<__half> marks(5, __float2half_rn(3.0f));          // positive: ReLU keeps them
    const std::size_t at[] = {0, (std::size_t{1} << 31) - 3, n - 5};
    for (std::size_t a : at) cuda_ok(cudaMemcpy(p + a, marks.data(), 5 * sizeof(__half), cudaMemcpyHostToDevice), "cudaMemcpy");
    rectify::cuda::forward(rectify::ReLU{}, static_cast<const __half*>(p), p, n);
    cuda_ok(cudaDeviceSynchronize(), "large ReLU");
    for (std::size_t a : at) {
        const std::size_t from = a >= 4096 ? a - 4096 : 0;
        const std::size_t to = std::min(n, a + 4096);
        std::vector<__half> got(to - from);
        cuda_ok(cudaMemcpy(got.data(), p + from, got.size() * sizeof(__half), cudaMemcpyDeviceToHost), "cudaMemcpy");
        for (std::size_t i = from; i < to; ++i) {
            const float want = (i >= a && i < a + 5) ? 3.0f : 0.0f;
            if (bits(got[i - from]) != bits(__float2half_rn(want)))
                fails.add("2^31 + 77 elements: element %zu is %g, want %g", i, static_cast<double>(__half2float(got[i - from])),
                          static_cast<double>(want));
        }
    }
    cuda_ok(cudaFree(p), "cudaFree");
}

}  // namespace

int main() {
    require_gpu_or_skip("test_kernels");
    test_activations<float>();
    test_activations<double>();
    test_activations<__half>();
    test_activations<__nv_bfloat16>();
    test_prelu<float>();
    test_prelu<double>();
    test_prelu<__half>();
    test_prelu<__nv_bfloat16>();
    test_large();
    return fails.exit_code("test_kernels");
}
