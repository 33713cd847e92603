// Outputs large enough for the kernels' streaming stores (detail/loops.hpp, streaming_bytes) give
// the same bits as the same kernels on small pieces, which take the ordinary path: at every
// output alignment (the unaligned head goes through the padded path), forward and backward,
// float, double, bfloat16 and half, and in place (which never streams).
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
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
    // 40 MiB of output: above the 32 MiB threshold; + 37 leaves a tail.
    const std::size_t n = (std::size_t(40) << 20) / sizeof(T) + 37;
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

}  // namespace

TEST_CASE("outputs above the streaming size: same bits as small pieces, any alignment, in place", "[kernels][streaming]") {
    SECTION("float") { check_streaming<float>(); }
    SECTION("double") { check_streaming<double>(); }
    // ReLU on 16-bit arrays runs on the 16-bit patterns (integer streaming stores), the others
    // store rounded float results.
    SECTION("bfloat16") { check_streaming<rectify::bfloat16>(); }
    SECTION("half") { check_streaming<rectify::half>(); }
}
