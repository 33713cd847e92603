// Threads (detail/parallel.hpp; this file is built with OpenMP): every kernel and PReLU, dweight
// included, gives the same bits with 1, 2 and 3 threads, on arrays above the threading threshold
// with a tail that is not a whole piece; the thread count follows omp_set_num_threads and stays 1
// below the threshold and inside the caller's parallel region; the blocked sum of a shared PReLU
// weight stays within its bound of the exact sum.
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <vector>

namespace {

template <class T>
std::vector<T> uniform(std::size_t n, std::uint64_t seed, T low, T high) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<T> distribution(low, high);
    std::vector<T> v(n);
    for (auto& e : v) e = distribution(engine);
    return v;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Runs `call` (which fills its result vector) with 1, 2 and 3 threads; every result must be the
// 1-thread one, bit for bit.
template <class Result, class Call>
void check_thread_counts(const char* what, Call call) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const Result one = call();
    for (int threads : {2, 3}) {
        omp_set_num_threads(threads);
        const Result many = call();
        INFO(what << " with " << threads << " threads");
        CHECK(many == one);
    }
    omp_set_num_threads(saved);
}

// Elements: above the threshold, not a multiple of 1024 (the piece granule) nor of 64.
constexpr std::size_t big = rectify::detail::parallel_min_elements * 3 + 1037;

struct Bits {
    std::vector<std::uint8_t> bytes;
    bool operator==(const Bits&) const = default;
};
template <class... V>
Bits bits_of(const V&... v) {
    Bits b;
    (b.bytes.insert(b.bytes.end(), reinterpret_cast<const std::uint8_t*>(v.data()),
                    reinterpret_cast<const std::uint8_t*>(v.data() + v.size())),
     ...);
    return b;
}

template <class T, class Act>
void check_activation(const Act& act, const char* name) {
    const auto x = uniform<T>(big, 11, T(-20), T(20));
    const auto dy = uniform<T>(big, 12, T(-3), T(3));
    check_thread_counts<Bits>(name, [&] {
        std::vector<T> y(big), dx(big);
        rectify::forward(act, x, y);
        rectify::backward(act, x, dy, dx);
        return bits_of(y, dx);
    });
}

template <class T>
void check_prelu(rectify::ChannelShape shape, std::size_t weights, const char* name) {
    const std::size_t n = shape.outer * shape.channels * shape.inner;
    const auto x = uniform<T>(n, 21, T(-4), T(4));
    const auto dy = uniform<T>(n, 22, T(-2), T(2));
    const auto w = uniform<T>(weights, 23, T(0.05), T(0.5));
    check_thread_counts<Bits>(name, [&] {
        std::vector<T> y(n), dx(n), dw(weights);
        rectify::prelu(x, w, y, shape);
        rectify::prelu_backward(x, w, dy, dx, dw, shape);
        return bits_of(y, dx, dw);
    });
}

template <class T>
void check_all() {
    check_activation<T>(rectify::ReLU{}, "relu");
    check_activation<T>(rectify::LeakyReLU{0.1}, "leaky_relu");
    check_activation<T>(rectify::ELU{1.0}, "elu");
    check_activation<T>(rectify::SiLU{}, "silu");
    check_prelu<T>({1, 1, big}, 1, "prelu, one shared weight");
    check_prelu<T>({5, 7, big / 35}, 7, "prelu, channels first, more runs than threads");
    check_prelu<T>({1, 2, big / 2}, 2, "prelu, channels first, two long channels");
    check_prelu<T>({big / 67, 67, 1}, 67, "prelu, channels last, 67 channels");
    check_prelu<T>({big / 5, 5, 1}, 5, "prelu, channels last, fewer channels than a vector");
    check_prelu<T>({3, 100003, 1}, 100003, "prelu, channels last, long rows");
}

}  // namespace

TEST_CASE("threads: every kernel gives the same bits with 1, 2 and 3 threads", "[threads]") {
    SECTION("float") { check_all<float>(); }
    SECTION("double") { check_all<double>(); }
}

TEST_CASE("threads: the count follows omp_set_num_threads above the threshold only", "[threads]") {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(3);
    CHECK(rectify::detail::threads_for(rectify::detail::parallel_min_elements) == 3);
    CHECK(rectify::detail::threads_for(rectify::detail::parallel_min_elements - 1) == 1);
    int inside = 0;
#pragma omp parallel num_threads(2)
    {
#pragma omp single
        inside = rectify::detail::threads_for(big);
    }
    CHECK(inside == 1);  // no nested teams inside the caller's parallel region
    omp_set_num_threads(1);
    CHECK(rectify::detail::threads_for(big) == 1);
    omp_set_num_threads(saved);
}

TEST_CASE("threads: threads_of_pieces counts the pieces for_each_piece runs", "[threads]") {
    // PReLU backward decides its streaming stores by it (channels last with 64 channels: one piece,
    // so one thread's sizes), so it must agree with the pieces actually taken.
    struct Case {
        std::size_t n, granule;
        int threads;
    };
    const Case cases[] = {{64, 256, 2},   {256, 256, 2}, {300, 256, 2}, {512, 256, 2}, {1024, 256, 3},
                          {2, 1, 3},      {3, 1, 3},     {64, 1, 2},    {0, 1, 2},     {4096, 1024, 1}};
    for (const Case& c : cases) {
        int pieces = 0;
        rectify::detail::for_each_piece(c.n, c.granule, c.threads, [&](std::size_t, std::size_t) {
#pragma omp atomic
            ++pieces;
        });
        INFO("n " << c.n << ", granule " << c.granule << ", threads " << c.threads << ": " << pieces << " pieces");
        CHECK(rectify::detail::threads_of_pieces(c.n, c.granule, c.threads) == std::min(pieces, c.threads));
    }
    CHECK(rectify::detail::threads_of_pieces(64, 256, 2) == 1);
    CHECK(rectify::detail::threads_of_pieces(512, 256, 2) == 2);
}

TEST_CASE("threads: kernels called from the caller's own parallel loop", "[threads]") {
    // Each of the caller's threads runs its own rectify calls, which then stay on that thread.
    const auto x = uniform<float>(big, 31, -8.0f, 8.0f);
    std::vector<float> serial(big), parallel(big);
    rectify::silu(x, serial);
    const std::size_t piece = big / 4 + 1;
#pragma omp parallel for num_threads(2)
    for (int p = 0; p < 4; ++p) {
        const std::size_t first = static_cast<std::size_t>(p) * piece;
        const std::size_t count = std::min(piece, big - first);
        rectify::forward(rectify::SiLU{}, x.data() + first, parallel.data() + first, count);
    }
    CHECK(same_bits(serial, parallel));
}

TEST_CASE("threads: a shared weight's blocked dweight stays within 2 eps sum|x dy|", "[threads]") {
    // Many blocks (weight_grad_block elements each) summed apart and added in order.
    const std::size_t n = rectify::detail::weight_grad_block * 9 + 5;
    const auto x = uniform<double>(n, 41, -4.0, 1.0);
    const auto dy = uniform<double>(n, 42, -2.0, 2.0);
    const std::vector<double> w = {0.25};
    std::vector<double> dx(n), dw(1);
    omp_set_num_threads(2);
    rectify::prelu_backward(x, w, dy, dx, dw, {1, 1, n});
    long double exact = 0, magnitude = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (x[i] > 0) continue;
        exact += static_cast<long double>(x[i]) * static_cast<long double>(dy[i]);
        magnitude += std::fabs(static_cast<long double>(x[i]) * static_cast<long double>(dy[i]));
    }
    const long double bound = 2 * std::numeric_limits<double>::epsilon() * magnitude;
    INFO("dweight " << dw[0] << ", exact " << static_cast<double>(exact));
    CHECK(std::fabs(static_cast<long double>(dw[0]) - exact) <= bound);
}
