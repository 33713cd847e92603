// Outputs large enough for the kernels' streaming stores (detail/loops.hpp, streaming_bytes_moved) give
// the same bits as the same kernels on small pieces, which take the ordinary path: at every
// output alignment (the unaligned head goes through the padded path), forward and backward,
// float, double, bfloat16 and half, and in place (which never streams). PReLU's large calls
// (streaming stores where the output is aligned, prefetched loads) in every layout give the bits
// of its in-place and unaligned calls, which store plainly, and of smaller calls.
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <type_traits>
#include <vector>

namespace {

template <class T>
std::vector<T> uniform(std::size_t n, std::uint64_t seed) {
    // bfloat16 and half: float values rounded.
    using F = std::conditional_t<std::is_same_v<T, rectify::bfloat16> || std::is_same_v<T, rectify::half>, float, T>;
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<F> distribution(F(-6), F(6));
    std::vector<T> v(n);
    for (auto& e : v) e = T(distribution(engine));
    return v;
}

// The result of `run` over [0, n) in pieces of 1000 elements (far below the streaming size).
template <class T, class Run>
std::vector<T> in_pieces(std::size_t n, Run run) {
    std::vector<T> out(n);
    for (std::size_t i = 0; i < n; i += 1000) run(i, std::min<std::size_t>(1000, n - i), out.data() + i);
    return out;
}

template <class T>
void check_streaming() {
    // 12 MiB of output: above the streaming sizes (detail/loops.hpp: 20 MiB moved with one input
    // array, 12 with two); + 37 leaves a tail.
    const std::size_t n = (std::size_t(12) << 20) / sizeof(T) + 37;
    REQUIRE(rectify::detail::moves_streaming_bytes(n * sizeof(T), 1, 1));  // this binary has no threads
    const std::vector<T> x = uniform<T>(n, 7);
    const std::vector<T> dy = uniform<T>(n, 8);
    std::vector<T> out(n + 16);

    for (std::size_t offset : {std::size_t(0), std::size_t(1), std::size_t(3)}) {
        T* y = out.data() + offset;
        rectify::forward(rectify::ELU{}, x.data(), y, n);
        const auto expected_elu = in_pieces<T>(n, [&](std::size_t i, std::size_t k, T* o) {
            rectify::forward(rectify::ELU{}, x.data() + i, o, k);
        });
        CHECK(std::memcmp(y, expected_elu.data(), n * sizeof(T)) == 0);

        rectify::backward(rectify::SiLU{}, x.data(), dy.data(), y, n);
        const auto expected_silu = in_pieces<T>(n, [&](std::size_t i, std::size_t k, T* o) {
            rectify::backward(rectify::SiLU{}, x.data() + i, dy.data() + i, o, k);
        });
        CHECK(std::memcmp(y, expected_silu.data(), n * sizeof(T)) == 0);

        rectify::forward(rectify::ReLU{}, x.data(), y, n);
        const auto expected_relu = in_pieces<T>(n, [&](std::size_t i, std::size_t k, T* o) {
            rectify::forward(rectify::ReLU{}, x.data() + i, o, k);
        });
        CHECK(std::memcmp(y, expected_relu.data(), n * sizeof(T)) == 0);

        rectify::backward(rectify::ReLU{}, x.data(), dy.data(), y, n);
        const auto expected_relu_dx = in_pieces<T>(n, [&](std::size_t i, std::size_t k, T* o) {
            rectify::backward(rectify::ReLU{}, x.data() + i, dy.data() + i, o, k);
        });
        CHECK(std::memcmp(y, expected_relu_dx.data(), n * sizeof(T)) == 0);
    }

    // In place: the same values.
    std::vector<T> inplace = x;
    rectify::forward(rectify::ELU{}, inplace.data(), inplace.data(), n);
    const auto expected = in_pieces<T>(n, [&](std::size_t i, std::size_t k, T* o) {
        rectify::forward(rectify::ELU{}, x.data() + i, o, k);
    });
    CHECK(std::memcmp(inplace.data(), expected.data(), n * sizeof(T)) == 0);
}

// The first element of buf at a 64-byte boundary (std::vector guarantees only the element's own).
template <class T>
T* aligned_start(std::vector<T>& buf) {
    std::size_t i = 0;
    while (reinterpret_cast<std::uintptr_t>(buf.data() + i) % 64 != 0) ++i;
    return buf.data() + i;
}

template <class T>
bool same_bits(const T* a, const T* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(T)) == 0;
}

template <class T>
std::span<T> first(T* p, std::size_t n) {
    return {p, n};
}
template <class T>
std::span<const T> in(const std::vector<T>& v) {
    return {v.data(), v.size()};
}

// A weight as Leaky ReLU's slope: the value itself (16-bit ones widened to float first).
template <class T>
double slope_of(T w) {
    if constexpr (std::is_floating_point_v<T>) return static_cast<double>(w);
    else return static_cast<double>(static_cast<float>(w));
}

template <class T>
void check_prelu_streaming(rectify::ChannelShape shape, std::size_t weights) {
    const std::size_t n = shape.outer * shape.channels * shape.inner;
    REQUIRE(rectify::detail::moves_streaming_bytes(n * sizeof(T), 1, 1));  // one thread: forward streams, backward too
    const std::vector<T> x = uniform<T>(n, 11);
    const std::vector<T> dy = uniform<T>(n, 12);
    const std::vector<T> w = uniform<T>(weights, 13);
    std::vector<T> buf(n + 64);
    T* const aligned = aligned_start(buf);

    // Forward: aligned (streams), unaligned and in place (plain stores), and one outer index at a
    // time (small calls).
    rectify::prelu(in(x), in(w), first(aligned, n), shape);
    const std::vector<T> y(aligned, aligned + n);
    rectify::prelu(in(x), in(w), first(aligned + 1, n), shape);
    CHECK(same_bits(aligned + 1, y.data(), n));
    std::vector<T> inplace = x;
    rectify::prelu(first(inplace.data(), n), in(w), first(inplace.data(), n), shape);
    CHECK(same_bits(inplace.data(), y.data(), n));
    const std::size_t slice = shape.channels * shape.inner;
    std::vector<T> sliced(n);
    for (std::size_t o = 0; o < shape.outer; ++o)
        rectify::prelu(std::span<const T>(x.data() + o * slice, slice), in(w), first(sliced.data() + o * slice, slice),
                       {1, shape.channels, shape.inner});
    CHECK(same_bits(sliced.data(), y.data(), n));

    // Backward: dx and dweight the same whether dx streams (aligned), not (unaligned), or is dy.
    std::vector<T> dw(weights), dw_unaligned(weights), dw_inplace(weights);
    rectify::prelu_backward(in(x), in(w), in(dy), first(aligned, n), first(dw.data(), weights), shape);
    const std::vector<T> dx(aligned, aligned + n);
    rectify::prelu_backward(in(x), in(w), in(dy), first(aligned + 1, n), first(dw_unaligned.data(), weights), shape);
    CHECK(same_bits(aligned + 1, dx.data(), n));
    CHECK(same_bits(dw_unaligned.data(), dw.data(), weights));
    std::vector<T> dy_inplace = dy;
    rectify::prelu_backward(in(x), in(w), first(dy_inplace.data(), n), first(dy_inplace.data(), n),
                            first(dw_inplace.data(), weights), shape);
    CHECK(same_bits(dy_inplace.data(), dx.data(), n));
    CHECK(same_bits(dw_inplace.data(), dw.data(), weights));
    // dx elementwise as Leaky ReLU's backward with each channel's slope, one small call per run.
    std::vector<T> expected(n);
    const std::size_t run = shape.inner;  // channels last: runs of one element
    for (std::size_t r = 0; r < shape.outer * shape.channels; ++r) {
        const std::size_t c = weights == 1 ? 0 : r % shape.channels;
        const std::size_t at = r * run;
        for (std::size_t i = 0; i < run; i += 1000) {
            const std::size_t k = std::min<std::size_t>(1000, run - i);
            rectify::backward(rectify::LeakyReLU{slope_of(w[c])}, x.data() + at + i,
                              dy.data() + at + i, expected.data() + at + i, k);
        }
    }
    CHECK(same_bits(expected.data(), dx.data(), n));
}

template <class T>
void check_prelu_streaming_layouts() {
    const std::size_t n = (std::size_t(12) << 20) / sizeof(T);
    SECTION("channels first") { check_prelu_streaming<T>({8, 16, n / 128 + 3}, 16); }
    SECTION("channels first, short runs") { check_prelu_streaming<T>({n / 1024 + 1, 16, 64}, 16); }
    SECTION("channels last") { check_prelu_streaming<T>({n / 64 + 1, 64, 1}, 64); }
    SECTION("one shared weight") { check_prelu_streaming<T>({1, 1, n + 5}, 1); }
}

}  // namespace

TEST_CASE("PReLU above the streaming size: the same bits streamed or not, every layout", "[prelu][streaming]") {
    SECTION("float") { check_prelu_streaming_layouts<float>(); }
    SECTION("double") { check_prelu_streaming_layouts<double>(); }
    SECTION("bfloat16") { check_prelu_streaming_layouts<rectify::bfloat16>(); }
    SECTION("half") { check_prelu_streaming_layouts<rectify::half>(); }
}

TEST_CASE("outputs above the streaming size: same bits as small pieces, any alignment, in place", "[kernels][streaming]") {
    SECTION("float") { check_streaming<float>(); }
    SECTION("double") { check_streaming<double>(); }
    // ReLU on 16-bit arrays runs on the 16-bit patterns (integer streaming stores), the others
    // store rounded float results.
    SECTION("bfloat16") { check_streaming<rectify::bfloat16>(); }
    SECTION("half") { check_streaming<rectify::half>(); }
}
