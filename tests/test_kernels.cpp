// The shared kernel harness (in the manner of XNNPACK's testers): every activation of
// include/rectify/activations/list.hpp, with each parameter set of tests/support/references.hpp, ×
// element type (float, double) × direction (forward, backward, and backward_from_output where the
// output determines the gradient) goes through the same checks:
//   - every length 0 .. 3·W+1 and every start offset 0 .. W-1 of inputs and outputs (unaligned),
//     where W is the widest batch any build may use, so each path of the loop (main loop,
//     one-vector loop, tail) is hit at every alignment;
//   - outputs poisoned with a recognisable NaN before the call: every element of the result must
//     be written, and nothing before or past it;
//   - in place (y aliases x; dx aliases dy), pointer and span forms;
//   - random inputs mixed with ±0, ±inf, NaN, denormals, the exp overflow/underflow zones and the
//     activation's breakpoints (references.hpp), and every pair of special inputs.
// Each element is computed alone first (a call with n = 1); every longer call must reproduce that
// value bit for bit, whatever its position (the position-independence contract). The lone values
// are judged against the activation's scalar math: bit for bit for the exact activations
// (forward_ulp_bound() == 0), within docs/ACCURACY.md's bounds of the long double reference of
// support/references.hpp for the others (with NaN and inf agreeing exactly with the scalar math, and
// a zero result with the sign the contract gives it: support/element_contract.hpp). The from-output
// gradient is judged against the scalar backward_from_output (bit for bit for the exact activations,
// within C = 4 for the others). A test case per listed activation, generated from the list; adding
// an activation adds its test here by itself. PReLU has its own harness below, against a plain
// scalar loop.
#include <rectify/rectify.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/element_contract.hpp"
#include "support/kernel_inputs.hpp"
#include "support/references.hpp"
#include "support/test_support.hpp"

namespace {

using namespace rectify_test;

// At least 16 lanes, so that the tails of wider ISAs (AVX-512 float) are covered on any machine.
constexpr std::size_t harness_width =
    std::max({std::size_t{16}, rectify::simd_width<float>, rectify::simd_width<double>});
constexpr std::size_t max_length = 3 * harness_width + 1;
// Room for the largest offset and length, plus a poisoned margin on both sides.
constexpr std::size_t buffer_size = 2 * harness_width + max_length + harness_width;

// Random input sets per (activation, type, direction).
constexpr int rounds = 3;

// ---- the harness ------------------------------------------------------------------------------

// Checks that buffer `out` holds `expected[i]` at out[start + i] for i < n and is still poisoned
// everywhere else.
template <class T>
void check_output(Failures& f, const std::vector<T>& out, std::size_t start, std::size_t n,
                  const T* expected, const std::string& where) {
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (k >= start && k < start + n) {
            const T want = expected[k - start];
            f.check(same_value(out[k], want), [&] {
                return where + ": element " + std::to_string(k - start) + " is " + show(out[k]) +
                       ", computed alone it is " + show(want);
            });
        } else {
            f.check(is_poison(out[k]), [&] {
                return where + ": wrote " + show(out[k]) + " at " +
                       (k < start ? "-" + std::to_string(start - k) : "+" + std::to_string(k - start)) +
                       " from the output's start (outside [0, n))";
            });
        }
    }
}

template <class T>
std::string call_name(const char* form, std::size_t n, std::size_t in, std::size_t out) {
    std::ostringstream s;
    s << form << " n=" << n << " input offset " << in << " output offset " << out;
    return s.str();
}

template <class T, class Act>
void check_forward(const Act& act, std::uint64_t seed) {
    constexpr std::size_t W = harness_width;
    InputGenerator<T> gen(seed, breakpoint_inputs<T>(breakpoints(act)));
    std::vector<T> x(buffer_size);
    for (T& v : x) v = gen();
    const std::vector<T> x_before = x;

    // Each element computed alone; judged against the scalar math.
    std::vector<T> alone(buffer_size);
    Failures judged("forward vs scalar math");
    for (std::size_t j = 0; j < buffer_size; ++j) {
        T out = poison<T>();
        rectify::forward(act, &x[j], &out, 1);
        alone[j] = out;
        judged.check(forward_ok(act, x[j], out), [&] {
            return "x = " + show(x[j]) + ": kernel " + show(out) + ", scalar math " + show(act(x[j]));
        });
    }
    check_no_failures(judged);

    Failures positional("forward, element in an array vs computed alone");
    std::vector<T> y(buffer_size);
    for (std::size_t n = 0; n <= max_length; ++n) {
        for (std::size_t ox = 0; ox < W; ++ox) {
            for (std::size_t oy = 0; oy < W; ++oy) {
                std::fill(y.begin(), y.end(), poison<T>());
                const bool span_form = (n + ox + oy) % 2 == 1;
                if (span_form) rectify::forward(act, std::span<const T>(&x[ox], n), std::span<T>(&y[oy], n));
                else rectify::forward(act, x.data() + ox, y.data() + oy, n);
                check_output(positional, y, oy, n, &alone[ox], call_name<T>(span_form ? "span" : "pointer", n, ox, oy));
            }
            // In place: y aliases x.
            std::fill(y.begin(), y.end(), poison<T>());
            std::copy_n(&x[ox], n, &y[ox]);
            const bool span_form = n % 2 == 0;
            if (span_form) rectify::forward(act, std::span<const T>(&y[ox], n), std::span<T>(&y[ox], n));
            else rectify::forward(act, y.data() + ox, y.data() + ox, n);
            check_output(positional, y, ox, n, &alone[ox], call_name<T>(span_form ? "in place, span" : "in place, pointer", n, ox, ox));
        }
    }
    check_no_failures(positional);

    Failures untouched("forward, input modified");
    for (std::size_t k = 0; k < buffer_size; ++k)
        untouched.check(std::bit_cast<bits_of<T>>(x[k]) == std::bit_cast<bits_of<T>>(x_before[k]),
                        [&] { return "x[" + std::to_string(k) + "] changed"; });
    check_no_failures(untouched);
}

template <class T, class Act>
void check_backward(const Act& act, std::uint64_t seed) {
    constexpr std::size_t W = harness_width;
    InputGenerator<T> gen(seed, breakpoint_inputs<T>(breakpoints(act)));
    std::vector<T> x(buffer_size), dy(buffer_size);
    for (std::size_t k = 0; k < buffer_size; ++k) {
        x[k] = gen();
        dy[k] = gen.gradient();
    }
    // dy_shifted[d][k + d] = dy[k]: dy read at a different alignment than x, same pairs (x[k], dy[k]).
    std::vector<std::vector<T>> dy_shifted(W, std::vector<T>(buffer_size + W, poison<T>()));
    for (std::size_t d = 0; d < W; ++d) std::copy(dy.begin(), dy.end(), dy_shifted[d].begin() + d);
    const std::vector<T> x_before = x;
    const std::vector<std::vector<T>> dy_before = dy_shifted;

    std::vector<T> alone(buffer_size);
    Failures judged("backward vs scalar math");
    for (std::size_t j = 0; j < buffer_size; ++j) {
        T out = poison<T>();
        rectify::backward(act, &x[j], &dy[j], &out, 1);
        alone[j] = out;
        judged.check(backward_ok(act, x[j], dy[j], out), [&] {
            return "x = " + show(x[j]) + ", dy = " + show(dy[j]) + ": kernel " + show(out) + ", scalar math " +
                   show(act.backward(x[j], dy[j]));
        });
    }
    check_no_failures(judged);

    Failures positional("backward, element in an array vs computed alone");
    std::vector<T> dx(buffer_size);
    for (std::size_t n = 0; n <= max_length; ++n) {
        for (std::size_t ox = 0; ox < W; ++ox) {
            for (std::size_t odx = 0; odx < W; ++odx) {
                const std::size_t d = (ox + 3 * odx + n) % W;
                const T* dy_at = dy_shifted[d].data() + d + ox;
                std::fill(dx.begin(), dx.end(), poison<T>());
                const bool span_form = (n + ox + odx) % 2 == 1;
                if (span_form)
                    rectify::backward(act, std::span<const T>(&x[ox], n), std::span<const T>(dy_at, n),
                                      std::span<T>(&dx[odx], n));
                else rectify::backward(act, x.data() + ox, dy_at, dx.data() + odx, n);
                check_output(positional, dx, odx, n, &alone[ox],
                             call_name<T>(span_form ? "span" : "pointer", n, ox, odx) + " dy offset " +
                                 std::to_string(d + ox));
            }
            // In place: dx aliases dy.
            std::fill(dx.begin(), dx.end(), poison<T>());
            std::copy_n(&dy[ox], n, &dx[ox]);
            const bool span_form = n % 2 == 0;
            if (span_form)
                rectify::backward(act, std::span<const T>(&x[ox], n), std::span<const T>(&dx[ox], n),
                                  std::span<T>(&dx[ox], n));
            else rectify::backward(act, x.data() + ox, dx.data() + ox, dx.data() + ox, n);
            check_output(positional, dx, ox, n, &alone[ox],
                         call_name<T>(span_form ? "in place, span" : "in place, pointer", n, ox, ox));
        }
    }
    check_no_failures(positional);

    Failures untouched("backward, input modified");
    for (std::size_t k = 0; k < buffer_size; ++k)
        untouched.check(std::bit_cast<bits_of<T>>(x[k]) == std::bit_cast<bits_of<T>>(x_before[k]),
                        [&] { return "x[" + std::to_string(k) + "] changed"; });
    for (std::size_t d = 0; d < W; ++d)
        for (std::size_t k = 0; k < dy_shifted[d].size(); ++k)
            untouched.check(std::bit_cast<bits_of<T>>(dy_shifted[d][k]) == std::bit_cast<bits_of<T>>(dy_before[d][k]),
                            [&] { return "dy changed"; });
    check_no_failures(untouched);
}

// Whether the output determines this parameter set's gradient (backward_from_output accepts it).
template <class Act>
bool from_output_allowed(const Act& act) {
    try {
        if constexpr (requires { act.validate("f"); }) act.validate("f");
        if constexpr (requires { act.validate_from_output("f"); }) act.validate_from_output("f");
    } catch (const std::invalid_argument&) {
        return false;
    }
    return true;
}

// A from-output gradient against the scalar backward_from_output: bit for bit for an exact
// activation; for another the same NaN and inf and within C = 4 of it (the vector form may contract
// a product into an fma).
template <class Act, class T>
bool from_output_ok(const Act& act, T y, T dy, T got) {
    const T scalar = act.backward_from_output(y, dy);
    if constexpr (exact_kernel<Act>) return same_value(got, scalar);
    else return specials_agree(got, scalar) && backward_error(got, static_cast<long double>(scalar), dy) <= backward_c<T>();
}

// Every pair of special inputs, through the vector path: random draws alone could miss a
// combination such as (x in the exp underflow zone, dy = inf).
template <class T, class Act>
void check_special_pairs(const Act& act) {
    std::vector<T> grid = special_grid<T>();
    for (const T b : breakpoint_inputs<T>(breakpoints(act))) grid.push_back(b);
    // Every half in [-48, 48]: where the transcendental activations flush their tails (GELU, Mish,
    // the sigmoid family: from about -10 in float, -40 in double), with every gradient below.
    for (int k = -96; k <= 96; ++k) grid.push_back(T(k) / 2);
    std::vector<T> y(grid.size(), poison<T>());
    rectify::forward(act, grid.data(), y.data(), grid.size());
    Failures f("special inputs vs scalar math");
    for (std::size_t i = 0; i < grid.size(); ++i)
        f.check(forward_ok(act, grid[i], y[i]), [&] {
            return "forward x = " + show(grid[i]) + ": kernel " + show(y[i]) + ", scalar math " + show(act(grid[i]));
        });
    const T gradients[] = {T(0), -T(0), T(1), T(-1), T(2.5), T(-1e-3), std::numeric_limits<T>::infinity(),
                           -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN(),
                           std::numeric_limits<T>::denorm_min(), -std::numeric_limits<T>::min(),
                           std::numeric_limits<T>::max() / 4};
    for (const T g : gradients) {
        const std::vector<T> dy(grid.size(), g);
        std::vector<T> dx(grid.size(), poison<T>());
        rectify::backward(act, grid.data(), dy.data(), dx.data(), grid.size());
        for (std::size_t i = 0; i < grid.size(); ++i)
            f.check(backward_ok(act, grid[i], g, dx[i]), [&] {
                return "backward x = " + show(grid[i]) + ", dy = " + show(g) + ": kernel " + show(dx[i]) +
                       ", scalar math " + show(act.backward(grid[i], g));
            });
        // From the outputs y of the grid, where the output determines the gradient.
        if constexpr (rectify::has_backward_from_output<Act>) {
            if (from_output_allowed(act)) {
                rectify::backward_from_output(act, std::span<const T>(y), std::span<const T>(dy), std::span<T>(dx));
                for (std::size_t i = 0; i < grid.size(); ++i)
                    f.check(from_output_ok(act, y[i], g, dx[i]), [&] {
                        return "backward_from_output x = " + show(grid[i]) + ", y = " + show(y[i]) + ", dy = " + show(g) +
                               ": kernel " + show(dx[i]) + ", scalar math " + show(act.backward_from_output(y[i], g));
                    });
            }
        }
    }
    check_no_failures(f);
}

// backward_from_output on y = f(x) (the kernel's forward of random and special x): each element alone
// against the scalar backward_from_output (from_output_ok), then every length, offset and the
// in-place form (dx aliases dy) against the lone values.
template <class T, class Act>
void check_backward_from_output(const Act& act, std::uint64_t seed) {
    constexpr std::size_t W = harness_width;
    InputGenerator<T> gen(seed, breakpoint_inputs<T>(breakpoints(act)));
    std::vector<T> x(buffer_size), y(buffer_size), dy(buffer_size);
    for (std::size_t k = 0; k < buffer_size; ++k) {
        x[k] = gen();
        dy[k] = gen.gradient();
    }
    rectify::forward(act, std::span<const T>(x), std::span<T>(y));
    const std::vector<T> y_before = y, dy_before = dy;

    std::vector<T> alone(buffer_size);
    Failures judged("backward_from_output vs scalar math");
    for (std::size_t j = 0; j < buffer_size; ++j) {
        T out = poison<T>();
        rectify::backward_from_output(act, std::span<const T>(&y[j], 1), std::span<const T>(&dy[j], 1),
                                      std::span<T>(&out, 1));
        alone[j] = out;
        judged.check(from_output_ok(act, y[j], dy[j], out), [&] {
            return "x = " + show(x[j]) + ", y = " + show(y[j]) + ", dy = " + show(dy[j]) + ": kernel " + show(out) +
                   ", scalar math " + show(act.backward_from_output(y[j], dy[j]));
        });
    }
    check_no_failures(judged);

    Failures positional("backward_from_output, element in an array vs computed alone");
    std::vector<T> dx(buffer_size);
    for (std::size_t n = 0; n <= max_length; ++n) {
        for (std::size_t oy = 0; oy < W; ++oy) {
            for (std::size_t odx = 0; odx < W; odx += 3) {
                std::fill(dx.begin(), dx.end(), poison<T>());
                rectify::backward_from_output(act, std::span<const T>(&y[oy], n), std::span<const T>(&dy[oy], n),
                                              std::span<T>(&dx[odx], n));
                check_output(positional, dx, odx, n, &alone[oy], call_name<T>("span", n, oy, odx));
            }
            // In place: dx aliases dy.
            std::fill(dx.begin(), dx.end(), poison<T>());
            std::copy_n(&dy[oy], n, &dx[oy]);
            rectify::backward_from_output(act, std::span<const T>(&y[oy], n), std::span<const T>(&dx[oy], n),
                                          std::span<T>(&dx[oy], n));
            check_output(positional, dx, oy, n, &alone[oy], call_name<T>("in place", n, oy, oy));
        }
    }
    check_no_failures(positional);

    Failures untouched("backward_from_output, input modified");
    for (std::size_t k = 0; k < buffer_size; ++k)
        untouched.check(std::bit_cast<bits_of<T>>(y[k]) == std::bit_cast<bits_of<T>>(y_before[k]) &&
                            std::bit_cast<bits_of<T>>(dy[k]) == std::bit_cast<bits_of<T>>(dy_before[k]),
                        [&] { return "y or dy [" + std::to_string(k) + "] changed"; });
    check_no_failures(untouched);
}

template <class T, class Act>
void run_harness(const Act& act, std::uint64_t seed) {
    check_special_pairs<T>(act);
    for (int round = 0; round < rounds; ++round) {
        check_forward<T>(act, seed * 1000 + round);
        check_backward<T>(act, seed * 1000 + 100 + round);
        if constexpr (rectify::has_backward_from_output<Act>)
            if (from_output_allowed(act)) check_backward_from_output<T>(act, seed * 1000 + 200 + round);
    }
}

// A seed per activation, from its name: the same inputs whatever the list's order.
constexpr std::uint64_t seed_of(const char* name) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (; *name; ++name) h = (h ^ static_cast<unsigned char>(*name)) * 1099511628211ull;
    return h % 1000003;
}

// Every parameter set of the activation (references.hpp), each in a section of its own.
template <class T, class Act>
void run_harness_for_every_case() {
    std::uint64_t seed = seed_of(Act::name);
    for (const Case<Act>& c : cases<Act>()) {
        ++seed;
        DYNAMIC_SECTION(case_name(c)) { run_harness<T>(c.act, seed); }
    }
}

}  // namespace

namespace {

// Bytes in a vector register of the instruction set simd_arch_name() names (xsimd's names), or 0
// for a name this table does not know; the scalar path has one element per "vector".
std::size_t register_bytes(const std::string& arch, std::size_t element_size) {
    if (arch == "scalar") return element_size;
    if (arch.find("avx512") != std::string::npos) return 64;
    if (arch.find("avx") != std::string::npos) return 32;  // avx, avx2, fma3+avx2
    if (arch.rfind("sse", 0) == 0 || arch.rfind("ssse", 0) == 0 || arch.find("neon") != std::string::npos ||
        arch.find("wasm") != std::string::npos)
        return 16;
    return 0;
}

}  // namespace

TEST_CASE("harness covers the tails of the batch the kernels run with", "[kernels]") {
    // The instruction set the kernels were compiled for, as the library reports it at run time, must
    // have registers of exactly simd_width elements: a width that disagrees with it (a wrong lane
    // count for the arch the batches use) would size the harness's lengths and offsets wrongly.
    const std::string arch = rectify::simd_arch_name();
    INFO("simd_arch_name() = " << arch << ", simd_width<float> = " << rectify::simd_width<float>
                               << ", simd_width<double> = " << rectify::simd_width<double>);
    CHECK(register_bytes(arch, sizeof(float)) == rectify::simd_width<float> * sizeof(float));
    CHECK(register_bytes(arch, sizeof(double)) == rectify::simd_width<double> * sizeof(double));
    // Every length up to 3 vectors + 1 and every start offset within a vector, for the widest batch:
    // 16 keeps AVX-512 float tails covered on narrower machines too.
    CHECK(max_length >= 3 * rectify::simd_width<float> + 1);
    CHECK(max_length >= 3 * rectify::simd_width<double> + 1);
    CHECK(harness_width >= 16);
}

// One test case per listed activation, named "kernel harness: <Type>" and tagged [kernels][<shorthand>].
#define RECTIFY_TEST_KERNEL_HARNESS(Type, shorthand, gradient, ...)                                   \
    TEMPLATE_TEST_CASE("kernel harness: " #Type, "[kernels][" #shorthand "]", float, double) {          \
        run_harness_for_every_case<TestType, rectify::Type>();                                          \
    }
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_TEST_KERNEL_HARNESS)
#undef RECTIFY_TEST_KERNEL_HARNESS

// ---- PReLU --------------------------------------------------------------------------------------

namespace {

std::string shape_name(rectify::ChannelShape s, std::size_t nw) {
    std::ostringstream o;
    o << "shape {" << s.outer << ", " << s.channels << ", " << s.inner << "}, " << nw << " weight(s)";
    return o.str();
}

template <class T>
void check_prelu(rectify::ChannelShape s, std::size_t nw, std::uint64_t seed) {
    constexpr std::size_t W = harness_width;
    const std::size_t size = s.outer * s.channels * s.inner;
    const std::string name = shape_name(s, nw);
    InputGenerator<T> gen(seed);

    // Inputs at offset W (all kernels read from [W, W + size)); copies at other offsets are made
    // per call.
    std::vector<T> x(size), dy(size), w(nw);
    for (T& v : x) v = gen.coin() ? gen() : gen.moderate();
    for (T& v : dy) v = gen.moderate();
    const T slopes[] = {T(0.25), T(0.01), T(-0.5), T(1.5), T(0), -T(0), std::ldexp(T(1), -30)};
    for (T& v : w) v = gen.coin() ? slopes[std::uniform_int_distribution<std::size_t>(0, std::size(slopes) - 1)(gen.engine())]
                                  : std::uniform_real_distribution<T>(T(-2), T(2))(gen.engine());
    const PreluReference<T> ref(x.data(), w.data(), nw, dy.data(), s.outer, s.channels, s.inner);

    auto place = [&](const std::vector<T>& v, std::size_t offset) {
        std::vector<T> b(v.size() + 2 * W + W, poison<T>());
        std::copy(v.begin(), v.end(), b.begin() + offset);
        return b;
    };
    auto poisoned = [&](std::size_t n) { return std::vector<T>(n + 2 * W + W, poison<T>()); };

    Failures f("prelu " + name);
    std::vector<T> dweight_first;  // the first call's dweight: every later call must reproduce it bit for bit
    for (std::size_t ox = 0; ox < W; ++ox) {
        const std::size_t ow = (ox + 1) % W, oy = (ox * 5 + 3) % W, ody = (ox * 3 + 1) % W, odx = (ox + 7) % W;
        const std::vector<T> xb = place(x, ox), wb = place(w, ow), dyb = place(dy, ody);
        const std::span<const T> xs(&xb[ox], size), ws(&wb[ow], nw), dys(&dyb[ody], size);

        // Forward, out of place and in place (y aliases x).
        std::vector<T> yb = poisoned(size);
        rectify::prelu(xs, ws, std::span<T>(&yb[oy], size), s);
        check_output(f, yb, oy, size, ref.y.data(), "prelu, x offset " + std::to_string(ox) + " y offset " + std::to_string(oy));
        std::vector<T> inplace = poisoned(size);
        std::copy(x.begin(), x.end(), inplace.begin() + ox);
        rectify::prelu(std::span<const T>(&inplace[ox], size), ws, std::span<T>(&inplace[ox], size), s);
        check_output(f, inplace, ox, size, ref.y.data(), "prelu in place, offset " + std::to_string(ox));

        // Backward, out of place and in place (dx aliases dy).
        std::vector<T> dxb = poisoned(size), dwb = poisoned(nw);
        const std::size_t odw = (ox + 2) % W;
        rectify::prelu_backward(xs, ws, dys, std::span<T>(&dxb[odx], size), std::span<T>(&dwb[odw], nw), s);
        const std::string where = "prelu_backward, x offset " + std::to_string(ox) + " dx offset " + std::to_string(odx);
        check_output(f, dxb, odx, size, ref.dx.data(), where);
        const std::vector<T> dweight(dwb.begin() + odw, dwb.begin() + odw + nw);
        if (dweight_first.empty()) {
            dweight_first = dweight;
            for (std::size_t c = 0; c < nw; ++c)
                f.check(ref.dweight_ok(c, dweight[c]), [&] {
                    return "dweight[" + std::to_string(c) + "] = " + show(dweight[c]) + ", exact " + show(ref.dweight[c]) +
                           ", allowed error " + show(ref.dweight_bound(c));
                });
        }
        check_output(f, dwb, odw, nw, dweight_first.data(), where + ", dweight vs the first call");

        std::vector<T> dxi = place(dy, ody), dwi = poisoned(nw);
        rectify::prelu_backward(xs, ws, std::span<const T>(&dxi[ody], size), std::span<T>(&dxi[ody], size),
                                std::span<T>(&dwi[odw], nw), s);
        check_output(f, dxi, ody, size, ref.dx.data(), "prelu_backward in place, dy offset " + std::to_string(ody));
        check_output(f, dwi, odw, nw, dweight_first.data(), "prelu_backward in place, dweight vs out of place");

        // Inputs untouched.
        auto same_bits = [](const std::vector<T>& a, const std::vector<T>& b) {
            return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                              [](T u, T v) { return std::bit_cast<bits_of<T>>(u) == std::bit_cast<bits_of<T>>(v); });
        };
        f.check(same_bits(xb, place(x, ox)) && same_bits(wb, place(w, ow)) && same_bits(dyb, place(dy, ody)),
                [&] { return "an input was modified, x offset " + std::to_string(ox); });
    }
    check_no_failures(f);
}

}  // namespace

TEMPLATE_TEST_CASE("kernel harness: PReLU, NCHW (inner > 1, one weight per channel)", "[kernels][prelu]", float, double) {
    constexpr std::size_t W = harness_width;
    std::uint64_t seed = 10;
    for (std::size_t outer : {1, 2, 3})
        for (std::size_t channels : {1, 2, 3, 5})
            // Runs of whole batches up to 8 of them (W: every lane count's whole batches; 8 * W the
            // widest short run on AVX-512 float) take PReLU forward's short-run loop, the others a
            // transform per run.
            for (std::size_t inner : {std::size_t{2}, std::size_t{3}, W - 1, W, W + 1, 2 * W, 2 * W + 3, 3 * W + 1, 8 * W})
                check_prelu<TestType>({outer, channels, inner}, channels, ++seed);
}

TEMPLATE_TEST_CASE("kernel harness: PReLU, channels last (inner == 1, weights vary along the vector)",
                   "[kernels][prelu]", float, double) {
    constexpr std::size_t W = harness_width;
    std::uint64_t seed = 20;
    for (std::size_t outer : {1, 2, 5})
        for (std::size_t channels : {std::size_t{1}, std::size_t{2}, std::size_t{3}, W - 1, W, W + 1, 2 * W + 1, 3 * W + 1,
                                         2 * W, 4 * W, 7 * W + 3, 8 * W, 9 * W + 1})  // register tiles of every width, wider rows
            check_prelu<TestType>({outer, channels, 1}, channels, ++seed);
}

TEMPLATE_TEST_CASE("kernel harness: PReLU, one shared weight", "[kernels][prelu]", float, double) {
    std::uint64_t seed = 30;
    for (std::size_t length = 0; length <= max_length; ++length) check_prelu<TestType>({1, 1, length}, 1, ++seed);
    for (rectify::ChannelShape s : {rectify::ChannelShape{2, 3, 5}, rectify::ChannelShape{3, 7, 1},
                                    rectify::ChannelShape{2, 5, harness_width + 3}})
        check_prelu<TestType>(s, 1, ++seed);
}

TEMPLATE_TEST_CASE("kernel harness: PReLU, empty shapes", "[kernels][prelu]", float, double) {
    check_prelu<TestType>({0, 3, 4}, 3, 40);
    check_prelu<TestType>({2, 3, 0}, 3, 41);
    check_prelu<TestType>({2, 3, 0}, 1, 42);
    check_prelu<TestType>({0, 1, 0}, 1, 43);
}

TEST_CASE("PReLU dweight (float): products beyond float's range still sum exactly (accumulated in double)",
          "[kernels][prelu]") {
    // x·dy = ∓1e40 does not fit in a float, but the contract sums in double: the products cancel to 0
    // for every channel. Lengths put the products in the vector body and in the tail.
    for (const std::size_t repeat : {std::size_t{1}, std::size_t{8}, harness_width + 1}) {
        const std::size_t n = 2 * repeat;
        std::vector<float> x(n, -1e20f), dy(n), dx(n), w1{0.25f}, dw1(1);
        for (std::size_t i = 0; i < n; ++i) dy[i] = i % 2 == 0 ? 1e20f : -1e20f;
        rectify::prelu_backward(x, w1, dy, dx, dw1, {1, 1, n});
        INFO("shared weight, " << n << " elements: dweight " << dw1[0]);
        CHECK(dw1[0] == 0.0f);

        // Channels last {2, channels, 1}: channel c sees +1e40 in row 0 and -1e40 in row 1.
        const std::size_t channels = repeat;
        std::vector<float> xr(2 * channels, -1e20f), dyr(2 * channels), dxr(2 * channels), w(channels, 0.25f),
            dw(channels);
        for (std::size_t c = 0; c < channels; ++c) {
            dyr[c] = -1e20f;
            dyr[channels + c] = 1e20f;
        }
        rectify::prelu_backward(xr, w, dyr, dxr, dw, {2, channels, 1});
        for (std::size_t c = 0; c < channels; ++c) {
            INFO("channels last, channel " << c << " of " << channels << ": dweight " << dw[c]);
            CHECK(dw[c] == 0.0f);
        }
        // NCHW {1, 2, n}: the same products, along the inner dimension of each channel.
        std::vector<float> xn(2 * n, -1e20f), dyn(2 * n), dxn(2 * n), w2{0.25f, -0.5f}, dw2(2);
        for (std::size_t i = 0; i < 2 * n; ++i) dyn[i] = i % 2 == 0 ? 1e20f : -1e20f;
        rectify::prelu_backward(xn, w2, dyn, dxn, dw2, {1, 2, n});
        INFO("NCHW {1, 2, " << n << "}: dweight " << dw2[0] << ", " << dw2[1]);
        CHECK(dw2[0] == 0.0f);
        CHECK(dw2[1] == 0.0f);
    }
}
