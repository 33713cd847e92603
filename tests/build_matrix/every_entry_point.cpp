// One translation unit that calls every public entry point of <rectify/rectify.hpp>,
// <rectify/training.hpp> and <rectify/eigen.hpp> on float, double, rectify::bfloat16 and
// rectify::half, and checks each result: every listed activation's shorthands against its scalar
// definition (bit for bit where it is exact, else within twice its bounds); ReLU, Leaky ReLU and PReLU bit for bit against the scalar
// definitions of activations.hpp (for the 16-bit types: computed in float, rounded once), ELU and
// SiLU against a long double reference within the documented bounds, a zero result with the sign
// of the exact one, PReLU's dweight within 2·eps·Σ|x·dy|, and the Eigen forms bit for bit against
// the span forms.
//
// tests/build_matrix compiles it with GCC and Clang at each optimization level for -march=x86-64,
// x86-64-v3, x86-64-v4 and native, header-only and linked to rectify::dispatch, and runs the
// programs this CPU can run: a build a user tries (Debug at -O0 included) must compile and give
// these values. It prints one line per failure and a closing "N passed, M failed".
#include <rectify/eigen.hpp>
#include <rectify/rectify.hpp>
#include <rectify/training.hpp>

#include "../support/accuracy_bounds.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        if (failed <= 40) std::printf("FAILED: %s\n", what.c_str());
    }
}

template <class T>
constexpr bool is_16bit = !std::is_floating_point_v<T>;

template <class T>
long double wide(T v) {
    if constexpr (is_16bit<T>)
        return static_cast<float>(v);
    else
        return v;
}

template <class T>
T narrow(long double v) {
    if constexpr (is_16bit<T>)
        return T(static_cast<float>(v));
    else
        return static_cast<T>(v);
}

template <class T>
std::uint64_t bits(T v) {
    if constexpr (sizeof(T) == 2) {
        std::uint16_t b;
        std::memcpy(&b, &v, 2);
        return b;
    } else if constexpr (sizeof(T) == 4) {
        std::uint32_t b;
        std::memcpy(&b, &v, 4);
        return b;
    } else {
        std::uint64_t b;
        std::memcpy(&b, &v, 8);
        return b;
    }
}

template <class T>
const char* type_name() {
    if constexpr (std::is_same_v<T, float>) return "float";
    else if constexpr (std::is_same_v<T, double>) return "double";
    else if constexpr (std::is_same_v<T, rectify::bfloat16>) return "bfloat16";
    else return "half";
}

// The spacing of T's values at |v| (denorm_min below the normal range).
template <class T>
long double ulp_at(long double v) {
    using L = std::numeric_limits<T>;
    int e = 0;
    std::frexp(v, &e);
    if (v == 0 || e < L::min_exponent) e = L::min_exponent;
    return std::ldexp(1.0L, e - L::digits);
}

// The scalar definition's values for T: T's own math for float and double, float's math rounded
// once for the 16-bit types (their documented semantics).
template <class T, class Act>
T scalar_forward(const Act& act, T x) {
    if constexpr (is_16bit<T>)
        return T(act(static_cast<float>(x)));
    else
        return act(x);
}
template <class T, class Act>
T scalar_backward(const Act& act, T x, T dy) {
    if constexpr (is_16bit<T>)
        return T(act.backward(static_cast<float>(x), static_cast<float>(dy)));
    else
        return act.backward(x, dy);
}

template <class T>
std::string at(const char* what, std::size_t i, T x) {
    return std::string(what) + " <" + type_name<T>() + "> at " + std::to_string(i) + " (x = " +
           std::to_string(static_cast<double>(wide(x))) + ")";
}

template <class T>
void check_same_bits(const char* what, const std::vector<T>& x, const std::vector<T>& got, const std::vector<T>& want) {
    for (std::size_t i = 0; i < x.size(); ++i) check(bits(got[i]) == bits(want[i]), at(what, i, x[i]));
}

// |got - exact| <= ulps · ulp(exact), and a zero result carries the exact result's sign.
template <class T>
void check_ulps(const char* what, T x, std::size_t i, T got, long double exact, double ulps) {
    const long double g = wide(got);
    bool ok = std::fabs(g - exact) <= ulps * ulp_at<T>(exact);
    if (g == 0 && exact != 0) ok = ok && std::signbit(g) == std::signbit(exact);
    check(ok, at(what, i, x) + ": got " + std::to_string(static_cast<double>(g)) + ", exact " +
                  std::to_string(static_cast<double>(exact)));
}

// The backward bound: |dx - exact| <= C · eps · max(|exact|, |dy|) + C · denorm_min.
template <class T>
void check_gradient(const char* what, T x, std::size_t i, T got, long double exact, long double dy, double c) {
    const long double g = wide(got);
    const long double eps = wide(std::numeric_limits<T>::epsilon());
    const long double tiny = wide(std::numeric_limits<T>::denorm_min());
    bool ok = std::fabs(g - exact) <= c * eps * std::max(std::fabs(exact), std::fabs(dy)) + c * tiny;
    if (g == 0 && exact != 0 && std::fabs(exact) > tiny) ok = ok && std::signbit(g) == std::signbit(exact);
    check(ok, at(what, i, x) + ": got " + std::to_string(static_cast<double>(g)) + ", exact " +
                  std::to_string(static_cast<double>(exact)));
}

long double sigmoid(long double x) { return 1 / (1 + std::exp(-x)); }

template <class T>
double forward_ulps(double documented) {
    return is_16bit<T> ? 1.0 : documented;  // 16-bit: a float result within its bound, rounded once
}
template <class T>
double backward_c(double documented) {
    return is_16bit<T> ? 1.0 : documented;
}

// Every listed activation's shorthands (rectify::gelu, rectify::gelu_backward, ...; the list of
// include/rectify/activations/list.hpp) with PyTorch's defaults, and backward_from_output where the
// output determines the gradient, against the scalar definition: bit for bit where the activation is
// exact (forward_ulp_bound() == 0), else within twice its bounds (both are within them of the exact
// value); for the 16-bit types, one ULP of T (both are a float result rounded once).
template <class Act, class T>
void check_against_scalar(const char* name, const std::vector<T>& x, const std::vector<T>& dy,
                          const std::vector<T>& y, const std::vector<T>& dx) {
    const Act act{};
    const double ulps = is_16bit<T> ? 1.0 : 2.0 * act.forward_ulp_bound() + 0.5;
    const double c = is_16bit<T> ? 1.0 : 2.0 * rectify_test::bounds::backward_c_float;
    const std::string forward_name = std::string(name) + " vs scalar";
    const std::string backward_name = std::string(name) + "_backward vs scalar";
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T want = scalar_forward(act, x[i]);
        if (act.forward_ulp_bound() == 0)
            check(bits(y[i]) == bits(want), at(forward_name.c_str(), i, x[i]));
        else
            check_ulps(forward_name.c_str(), x[i], i, y[i], wide(want), ulps);
        check_gradient(backward_name.c_str(), x[i], i, dx[i], wide(scalar_backward(act, x[i], dy[i])), wide(dy[i]), c);
    }
    if constexpr (rectify::has_backward_from_output<Act>) {
        std::vector<T> from_output(x.size());
        rectify::backward_from_output(act, y, dy, from_output);
        const std::string what = std::string("backward_from_output(") + name + ") vs scalar";
        for (std::size_t i = 0; i < x.size(); ++i) {
            T want;
            if constexpr (is_16bit<T>)
                want = T(act.backward_from_output(static_cast<float>(y[i]), static_cast<float>(dy[i])));
            else
                want = act.backward_from_output(y[i], dy[i]);
            check_gradient(what.c_str(), x[i], i, from_output[i], wide(want), wide(dy[i]), c);
        }
    }
}

template <class T>
void every_listed_shorthand(const std::vector<T>& x, const std::vector<T>& dy) {
    std::vector<T> y(x.size()), dx(x.size());
#define CHECK_SHORTHAND(Type, shorthand, gradient, ...) \
    rectify::shorthand(x, y);                           \
    rectify::shorthand##_backward(x, dy, dx);           \
    check_against_scalar<rectify::Type>(#shorthand, x, dy, y, dx);
    RECTIFY_FOR_EACH_ACTIVATION(CHECK_SHORTHAND)
#undef CHECK_SHORTHAND
}

// Every activation entry point on T: the shorthands, the generic forms on ranges, spans and
// pointers, in place, backward_from_output, PReLU in three layouts, and the training helpers.
template <class T>
void every_entry_point() {
    namespace bounds = rectify_test::bounds;
    const std::size_t n = 197;  // three 64-lane vectors and a tail on every width
    std::vector<T> x(n), dy(n), y(n), dx(n);
    std::mt19937 engine(7);
    std::uniform_real_distribution<double> spread(-2.0, 2.0);
    for (std::size_t i = 0; i < n; ++i) {
        // -14 .. 14 in uneven steps, SiLU's far left tail (a -0 result) and a few large values.
        double v = -14.0 + 28.0 * static_cast<double>(i) / static_cast<double>(n - 1) + 0.01 * spread(engine);
        if (i % 50 == 3) v = -200.0;
        if (i % 50 == 4) v = -110.0;
        if (i % 50 == 5) v = 300.0;
        x[i] = narrow<T>(v);
        dy[i] = narrow<T>(spread(engine));
    }
    std::vector<T> want(n);

    rectify::relu(x, y);
    for (std::size_t i = 0; i < n; ++i) want[i] = scalar_forward(rectify::ReLU{}, x[i]);
    check_same_bits("relu", x, y, want);
    rectify::relu_backward(x, dy, dx);
    for (std::size_t i = 0; i < n; ++i) want[i] = scalar_backward(rectify::ReLU{}, x[i], dy[i]);
    check_same_bits("relu_backward", x, dx, want);

    const rectify::LeakyReLU leaky{0.2};
    rectify::leaky_relu(x, y, 0.2);
    for (std::size_t i = 0; i < n; ++i) want[i] = scalar_forward(leaky, x[i]);
    check_same_bits("leaky_relu", x, y, want);
    rectify::leaky_relu_backward(x, dy, dx, 0.2);
    for (std::size_t i = 0; i < n; ++i) want[i] = scalar_backward(leaky, x[i], dy[i]);
    check_same_bits("leaky_relu_backward", x, dx, want);

    const double alpha = 0.5;
    rectify::elu(x, y, alpha);
    for (std::size_t i = 0; i < n; ++i) {
        const long double v = wide(x[i]);
        check_ulps("elu", x[i], i, y[i], v > 0 ? v : alpha * std::expm1(v),
                   forward_ulps<T>(bounds::elu_forward_ulp<T>()));
    }
    rectify::elu_backward(x, dy, dx, alpha);
    for (std::size_t i = 0; i < n; ++i) {
        const long double v = wide(x[i]), g = wide(dy[i]);
        check_gradient("elu_backward", x[i], i, dx[i], v > 0 ? g : g * alpha * std::exp(v), g,
                       backward_c<T>(bounds::elu_backward_c<T>()));
    }
    // backward_from_output from ELU's own output: dy · (y + alpha) where y <= 0.
    std::vector<T> elu_y(n);
    rectify::elu(x, elu_y, alpha);
    rectify::backward_from_output(rectify::ELU{alpha}, elu_y, dy, dx);
    for (std::size_t i = 0; i < n; ++i) {
        const long double out = wide(elu_y[i]), g = wide(dy[i]);
        check_gradient("backward_from_output(ELU)", x[i], i, dx[i], out > 0 ? g : g * (out + alpha), g,
                       backward_c<T>(bounds::elu_backward_c<T>()));
    }

    rectify::silu(x, y);
    for (std::size_t i = 0; i < n; ++i) {
        const long double v = wide(x[i]);
        check_ulps("silu", x[i], i, y[i], v * sigmoid(v),
                   forward_ulps<T>(bounds::silu_forward_ulp<T>()));
    }
    rectify::silu_backward(x, dy, dx);
    for (std::size_t i = 0; i < n; ++i) {
        const long double v = wide(x[i]), g = wide(dy[i]), s = sigmoid(v);
        check_gradient("silu_backward", x[i], i, dx[i], g * s * (1 + v * (1 - s)), g,
                       backward_c<T>(bounds::silu_backward_c<T>()));
    }

    // The generic forms give the shorthands' bits: ranges, explicit spans, pointers, in place, and
    // an input that starts one element into its array (unaligned).
    std::vector<T> reference(n), other(n);
    rectify::silu(x, reference);
    rectify::forward(rectify::SiLU{}, x, other);
    check_same_bits("forward(SiLU) on ranges", x, other, reference);
    rectify::forward<rectify::SiLU, T>(rectify::SiLU{}, std::span<const T>(x), std::span<T>(other));
    check_same_bits("forward(SiLU) on spans", x, other, reference);
    rectify::forward(rectify::SiLU{}, x.data(), other.data(), n);
    check_same_bits("forward(SiLU) on pointers", x, other, reference);
    other = x;
    rectify::forward(rectify::SiLU{}, other, other);
    check_same_bits("forward(SiLU) in place", x, other, reference);
    std::vector<T> shifted(n + 1), shifted_out(n + 1);
    std::copy(x.begin(), x.end(), shifted.begin() + 1);
    rectify::forward(rectify::SiLU{}, std::span<const T>(shifted).subspan(1), std::span<T>(shifted_out).subspan(1));
    for (std::size_t i = 0; i < n; ++i) check(bits(shifted_out[i + 1]) == bits(reference[i]), at("forward(SiLU) unaligned", i, x[i]));
    rectify::elu_backward(x, dy, reference, 1.5);
    rectify::backward(rectify::ELU{1.5}, x, dy, other);
    check_same_bits("backward(ELU) on ranges", x, other, reference);
    rectify::backward(rectify::ELU{1.5}, x.data(), dy.data(), other.data(), n);
    check_same_bits("backward(ELU) on pointers", x, other, reference);
    rectify::backward<rectify::ELU, T>(rectify::ELU{1.5}, std::span<const T>(x), std::span<const T>(dy), std::span<T>(other));
    check_same_bits("backward(ELU) on spans", x, other, reference);
    other = dy;
    rectify::backward(rectify::ELU{1.5}, x, other, other);
    check_same_bits("backward(ELU) in place", x, other, reference);

    every_listed_shorthand(x, dy);

    // PReLU: channels first, channels last, one shared weight.
    struct Layout {
        const char* name;
        rectify::ChannelShape shape;
        std::size_t weights;
    };
    const Layout layouts[] = {{"prelu channels first", {2, 3, 33}, 3},
                              {"prelu channels last", {66, 3, 1}, 3},
                              {"prelu shared weight", {2, 3, 33}, 1}};
    for (const Layout& layout : layouts) {
        const std::size_t size = layout.shape.outer * layout.shape.channels * layout.shape.inner;
        std::vector<T> px(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(size)), pdy(dy.begin(), dy.begin() + static_cast<std::ptrdiff_t>(size));
        std::vector<T> w(layout.weights), py(size), pdx(size), dw(layout.weights), pwant(size);
        for (std::size_t c = 0; c < w.size(); ++c) w[c] = narrow<T>(0.25 * static_cast<double>(c + 1));
        const auto channel = [&](std::size_t i) {
            return layout.weights == 1 ? 0 : (i / layout.shape.inner) % layout.shape.channels;
        };
        rectify::prelu(px, w, py, layout.shape);
        for (std::size_t i = 0; i < size; ++i) {
            const rectify::LeakyReLU slope{static_cast<double>(wide(w[channel(i)]))};
            pwant[i] = scalar_forward(slope, px[i]);
        }
        check_same_bits(layout.name, px, py, pwant);
        rectify::prelu_backward(px, w, pdy, pdx, dw, layout.shape);
        std::vector<long double> sum(layout.weights, 0.0L), magnitude(layout.weights, 0.0L);
        for (std::size_t i = 0; i < size; ++i) {
            const rectify::LeakyReLU slope{static_cast<double>(wide(w[channel(i)]))};
            pwant[i] = scalar_backward(slope, px[i], pdy[i]);
            if (!(wide(px[i]) > 0)) {
                sum[channel(i)] += wide(px[i]) * wide(pdy[i]);
                magnitude[channel(i)] += std::fabs(wide(px[i]) * wide(pdy[i]));
            }
        }
        check_same_bits(layout.name, px, pdx, pwant);
        for (std::size_t c = 0; c < w.size(); ++c) {
            const long double eps = wide(std::numeric_limits<T>::epsilon());
            const long double bound = 2 * (is_16bit<T> ? std::numeric_limits<float>::epsilon() : eps) * magnitude[c] +
                                      (is_16bit<T> ? eps * std::fabs(sum[c]) : 0.0L);
            check(std::fabs(wide(dw[c]) - sum[c]) <= bound,
                  std::string(layout.name) + " dweight <" + type_name<T>() + "> channel " + std::to_string(c));
        }
    }

    // The training helpers (He initialisation is for float and double weights).
    if constexpr (!is_16bit<T>) {
        std::vector<T> weights(300);
        rectify::kaiming_uniform(rectify::ReLU{}, weights, 30, engine);
        bool inside = true;
        for (T w : weights) inside = inside && std::fabs(w) <= std::sqrt(T(6) / T(30));  // gain·sqrt(3/fan)
        check(inside, std::string("kaiming_uniform within its limit <") + type_name<T>() + ">");
        rectify::kaiming_normal(rectify::SiLU{}, weights, 30, engine);
        T square = 0;
        for (T w : weights) square += w * w;
        check(square > 0, std::string("kaiming_normal draws <") + type_name<T>() + ">");
    }
    rectify::relu(x, y);
    // One unit over n samples: dead when no sample fires.
    std::size_t silent = 0;
    for (std::size_t i = 0; i < n; ++i) silent += wide(y[i]) <= 0 ? 1 : 0;
    check(rectify::dead_units(y, 1) == (silent == n ? 1.0 : 0.0), std::string("dead_units <") + type_name<T>() + ">");
    check(rectify::gain(rectify::ReLU{}) == std::sqrt(2.0), "gain(ReLU)");
}

// Eigen's element type for T.
template <class T>
using eigen_element = std::conditional_t<std::is_same_v<T, rectify::bfloat16>, Eigen::bfloat16,
                                         std::conditional_t<std::is_same_v<T, rectify::half>, Eigen::half, T>>;

// The Eigen forms give the span forms' bits: the array API on a vector, a row-major matrix and a
// strided block, and the functors inside expressions.
template <class T>
void every_eigen_entry_point() {
    using E = eigen_element<T>;
    using Vector = Eigen::Matrix<E, Eigen::Dynamic, 1>;
    using RowMatrix = Eigen::Matrix<E, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Index n = 131;
    std::vector<T> x(static_cast<std::size_t>(n)), dy(x.size()), y(x.size()), dx(x.size());
    Vector ex(n), edy(n), ey(n), edx(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        x[k] = narrow<T>(-9.0 + 0.137 * static_cast<double>(i));
        dy[k] = narrow<T>(1.0 - 0.011 * static_cast<double>(i));
        std::memcpy(static_cast<void*>(&ex(i)), &x[k], sizeof(T));
        std::memcpy(static_cast<void*>(&edy(i)), &dy[k], sizeof(T));
    }
    const auto same = [&](const char* what, const auto& got, const std::vector<T>& want) {
        bool ok = true;
        for (Eigen::Index i = 0; i < n; ++i) ok = ok && bits(got(i)) == bits(want[static_cast<std::size_t>(i)]);
        check(ok, std::string(what) + " <" + type_name<T>() + ">");
    };

    rectify::silu(x, y);
    rectify::silu(ex, ey);
    same("eigen silu", ey, y);
    rectify::relu(x, y);
    rectify::relu(ex, ey);
    same("eigen relu", ey, y);
    rectify::leaky_relu(x, y, 0.3);
    rectify::forward(rectify::LeakyReLU{0.3}, ex, ey);
    same("eigen forward(LeakyReLU)", ey, y);
    rectify::elu_backward(x, dy, dx, 0.7);
    rectify::elu_backward(ex, edy, edx, 0.7);
    same("eigen elu_backward", edx, dx);
    rectify::silu_backward(x, dy, dx);
    rectify::backward(rectify::SiLU{}, ex, edy, edx);
    same("eigen backward(SiLU)", edx, dx);
    rectify::relu_backward(x, dy, dx);
    rectify::relu_backward(ex, edy, edx);
    same("eigen relu_backward", edx, dx);
    rectify::leaky_relu_backward(x, dy, dx);
    rectify::leaky_relu_backward(ex, edy, edx);
    same("eigen leaky_relu_backward", edx, dx);
    rectify::elu(x, y);
    rectify::elu(ex, ey);
    same("eigen elu", ey, y);
    rectify::backward_from_output(rectify::ELU{}, y, dy, dx);
    rectify::backward_from_output(rectify::ELU{}, ey, edy, edx);
    same("eigen backward_from_output", edx, dx);

    // The functors inside expressions run this file's instruction set: header-only, the span
    // kernels' bits; with rectify::dispatch (whose kernels may be wider) within the same bounds.
    rectify::silu(x, y);
    const Vector fy = ex.unaryExpr(rectify::eigen::op(rectify::SiLU{}));
    rectify::elu_backward(x, dy, dx);
    const Vector fdx = ex.binaryExpr(edy, rectify::eigen::grad_op(rectify::ELU{}));
#if defined(RECTIFY_EXTERN_KERNELS)
    namespace bounds = rectify_test::bounds;
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        T got, grad;
        std::memcpy(static_cast<void*>(&got), &fy(i), sizeof(T));
        std::memcpy(static_cast<void*>(&grad), &fdx(i), sizeof(T));
        const long double v = wide(x[k]), g = wide(dy[k]);
        check_ulps("eigen unaryExpr(op(SiLU))", x[k], k, got, v * sigmoid(v), forward_ulps<T>(bounds::silu_forward_ulp<T>()));
        check_gradient("eigen binaryExpr(grad_op(ELU))", x[k], k, grad, v > 0 ? g : g * std::exp(v), g,
                       backward_c<T>(bounds::elu_backward_c<T>()));
    }
#else
    same("eigen unaryExpr(op(SiLU))", fy, y);
    same("eigen binaryExpr(grad_op(ELU))", fdx, dx);
#endif

    // A row-major matrix and a strided block (gathered line by line) through PReLU.
    RowMatrix m(3, 40), out(3, 40), dm(3, 40), dout(3, 40);
    std::vector<T> flat(120), flat_dy(120), flat_out(120), flat_dx(120), w = {narrow<T>(0.1), narrow<T>(0.2), narrow<T>(0.3)};
    Vector ew(3), edw(3);
    std::vector<T> dw(3);
    for (int c = 0; c < 3; ++c) std::memcpy(static_cast<void*>(&ew(c)), &w[static_cast<std::size_t>(c)], sizeof(T));
    for (Eigen::Index r = 0; r < 3; ++r)
        for (Eigen::Index c = 0; c < 40; ++c) {
            const auto k = static_cast<std::size_t>(r * 40 + c);
            flat[k] = narrow<T>(-2.0 + 0.05 * static_cast<double>(k));
            flat_dy[k] = narrow<T>(0.5 - 0.01 * static_cast<double>(k));
            std::memcpy(static_cast<void*>(&m(r, c)), &flat[k], sizeof(T));
            std::memcpy(static_cast<void*>(&dm(r, c)), &flat_dy[k], sizeof(T));
        }
    rectify::prelu(flat, w, flat_out, rectify::ChannelShape{1, 3, 40});
    rectify::prelu(m, ew, out, rectify::ChannelShape{1, 3, 40});
    bool ok = true;
    for (std::size_t k = 0; k < 120; ++k) ok = ok && bits(out(static_cast<Eigen::Index>(k / 40), static_cast<Eigen::Index>(k % 40))) == bits(flat_out[k]);
    check(ok, std::string("eigen prelu on a row-major matrix <") + type_name<T>() + ">");
    rectify::prelu_backward(flat, w, flat_dy, flat_dx, dw, rectify::ChannelShape{1, 3, 40});
    rectify::prelu_backward(m, ew, dm, dout, edw, rectify::ChannelShape{1, 3, 40});
    ok = true;
    for (std::size_t k = 0; k < 120; ++k) ok = ok && bits(dout(static_cast<Eigen::Index>(k / 40), static_cast<Eigen::Index>(k % 40))) == bits(flat_dx[k]);
    for (int c = 0; c < 3; ++c) ok = ok && bits(edw(c)) == bits(dw[static_cast<std::size_t>(c)]);
    check(ok, std::string("eigen prelu_backward on a row-major matrix <") + type_name<T>() + ">");

    auto block = m.block(0, 1, 3, 20);  // strided: every row of the block starts 40 elements apart
    RowMatrix block_out(3, 20);
    rectify::silu(block, block_out);
    ok = true;
    for (Eigen::Index r = 0; r < 3; ++r)
        for (Eigen::Index c = 0; c < 20; ++c) {
            std::vector<T> one = {flat[static_cast<std::size_t>(r * 40 + c + 1)]}, one_out(1);
            rectify::silu(one, one_out);
            ok = ok && bits(block_out(r, c)) == bits(one_out[0]);
        }
    check(ok, std::string("eigen silu on a strided block <") + type_name<T>() + ">");
    check(rectify::dead_units(out, 3) >= 0.0, std::string("eigen dead_units <") + type_name<T>() + ">");
    if constexpr (!is_16bit<T>) {
        Eigen::Matrix<T, 4, 6> weights;
        std::mt19937 engine(3);
        rectify::kaiming_uniform(rectify::ReLU{}, weights, engine);
        check(weights.cwiseAbs().maxCoeff() <= std::sqrt(T(6) / T(6)), std::string("eigen kaiming_uniform <") + type_name<T>() + ">");
        rectify::kaiming_normal(rectify::ReLU{}, weights, engine, rectify::FanMode::fan_out);
        check(weights.squaredNorm() > 0, std::string("eigen kaiming_normal <") + type_name<T>() + ">");
    }
}

}  // namespace

int main() {
    std::printf("rectify kernels: %s, %zu float lanes\n", rectify::simd_arch_name(),
                static_cast<std::size_t>(rectify::simd_width<float>));
    every_entry_point<float>();
    every_entry_point<double>();
    every_entry_point<rectify::bfloat16>();
    every_entry_point<rectify::half>();
    every_eigen_entry_point<float>();
    every_eigen_entry_point<double>();
    every_eigen_entry_point<rectify::bfloat16>();
    every_eigen_entry_point<rectify::half>();
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
