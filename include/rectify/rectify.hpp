// rectify/rectify.hpp — the CPU API: activation kernels over arrays, PReLU, argument checks.
//
// Needs xsimd (8.1 or later) and C++20. The kernels vectorize for the instruction set the code is
// compiled for (xsimd's default_arch: build with -march=native, -mavx2, ... for wider vectors);
// with none enabled, or with RECTIFY_NO_SIMD defined, they run the scalar math of activations.hpp.
//
// Array arguments are any contiguous sized ranges of float, double, rectify::bfloat16 or
// rectify::half (half.hpp): std::vector, std::array, std::span, Eigen-free plain arrays. The
// 16-bit types are computed in float and rounded once (docs/SEMANTICS.md); their parameters
// (slope, alpha) convert to float. The checked forms throw std::invalid_argument — before
// writing anything — when sizes differ, when an output overlaps an input partially (the very
// same array is fine: in place), or when a PReLU shape or weight does not fit. The pointer forms
// cannot check anything: the caller guarantees n valid elements behind every pointer and no
// partial overlap (y == x, dx == dy are allowed).
//
// Misuse is a compile-time error that names the function and the argument: a range that is not
// contiguous, elements other than the four types above, arrays of different element types in one call,
// a const output, and an output that is a temporary owning its elements (std::vector<float>(n):
// the result would be lost; a view such as std::span is fine).
//
// Not with -ffast-math (or -ffinite-math-only / -fassociative-math / -fno-signed-zeros /
// -freciprocal-math): the kernels' NaN, infinity and signed-zero behaviour and the compensated
// sums rely on IEEE arithmetic; detail/fast_math_guard.hpp stops the build (docs/SEMANTICS.md).
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

#include "activations.hpp"
#include "half.hpp"
#include "version.hpp"
#include "detail/checks.hpp"
#include "detail/scalar_loop.hpp"

// Header-only (the default): the kernels are instantiated where they are used. With
// RECTIFY_EXTERN_KERNELS (defined by linking rectify::kernels) they come compiled from that
// library, and this header includes neither xsimd nor the kernels (docs/BUILD_FLAGS.md, "Compile
// time").
#if !defined(RECTIFY_EXTERN_KERNELS) || defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#define RECTIFY_DETAIL_HEADER_ONLY 1
#else
#define RECTIFY_DETAIL_HEADER_ONLY 0
#endif

// The namespace of the kernels' entry points (the functions below). Header-only, they are
// compiled in every file for its instruction set: the arch namespace (detail/arch_namespace.hpp).
// With rectify::kernels they are the library's, in rectify::detail::compiled; with
// rectify::dispatch (RECTIFY_DISPATCH) the dispatch library's, in rectify::detail::dispatched, so
// the two libraries never define the same symbol.
#if defined(RECTIFY_DISPATCH)
#define RECTIFY_DETAIL_ENTRY_NS dispatched
#elif defined(RECTIFY_EXTERN_KERNELS) || defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#define RECTIFY_DETAIL_ENTRY_NS compiled
#else
#define RECTIFY_DETAIL_ENTRY_NS RECTIFY_DETAIL_ARCH_NS
#endif

namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {

// The kernels behind the public functions, defined in detail/checked.hpp. Declared here so that
// the public functions can call them in both modes.
template <class T>
void checked_prelu(std::span<const T> xs, std::span<const T> ws, std::span<T> ys, ChannelShape shape);
template <class T>
void checked_prelu_backward(std::span<const T> xs, std::span<const T> ws, std::span<const T> dys, std::span<T> dxs,
                            std::span<T> dws, ChannelShape shape);
template <class Act, class T>
void unchecked_forward(const Act& act, const T* x, T* y, std::size_t n);
template <class Act, class T>
void unchecked_backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n);
template <class Act, class T>
void unchecked_backward_from_output(const Act& act, const T* y, const T* dy, T* dx, std::size_t n);

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// The kernels of one call: the listed activations' entry points (compiled into rectify::kernels
// and rectify::dispatch, or instantiated here header-only); a type of the user's own runs here,
// header-only through the kernels (with its vector hook, if it has one), with a library on the
// scalar loop (its kernels hold the listed activations only). The parameters are checked first.
template <class Act, class T>
void run_forward(const char* function, const Act& act, const T* x, T* y, std::size_t n) {
    validate(function, act);
    if constexpr (RECTIFY_DETAIL_HEADER_ONLY || listed_activation<Act>) unchecked_forward(act, x, y, n);
    else scalar_forward_n(act, x, y, n);
}
template <class Act, class T>
void run_backward(const char* function, const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
    validate(function, act);
    if constexpr (RECTIFY_DETAIL_HEADER_ONLY || listed_activation<Act>) unchecked_backward(act, x, dy, dx, n);
    else scalar_backward_n(act, x, dy, dx, n);
}
template <class Act, class T>
void run_backward_from_output(const char* function, const Act& act, const T* y, const T* dy, T* dx, std::size_t n) {
    validate_from_output(function, act);
    if constexpr (RECTIFY_DETAIL_HEADER_ONLY || listed_activation<Act>) unchecked_backward_from_output(act, y, dy, dx, n);
    else scalar_backward_from_output_n(act, y, dy, dx, n);
}

// The array forms: the argument checks, inline in the calling file in every mode (with rectify::kernels
// and rectify::dispatch too, so that a call into a library costs one call of its unchecked kernel and
// nothing more), then the kernel.
template <class Act, class T>
void checked_forward(const char* function, const Act& act, std::span<const T> x, std::span<T> y) {
    require_same_size(function, "x", x.size(), "y", y.size());
    require_in_place_or_disjoint(function, "y", y, "x", x);
    run_forward(function, act, x.data(), y.data(), x.size());
}

template <class Act, class T>
void checked_backward(const char* function, const Act& act, std::span<const T> x, std::span<const T> dy,
                      std::span<T> dx) {
    require_same_size(function, "x", x.size(), "dy", dy.size());
    require_same_size(function, "x", x.size(), "dx", dx.size());
    require_in_place_or_disjoint(function, "dx", dx, "x", x);
    require_in_place_or_disjoint(function, "dx", dx, "dy", dy);
    run_backward(function, act, x.data(), dy.data(), dx.data(), x.size());
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#if !RECTIFY_DETAIL_HEADER_ONLY
namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {
// Defined in rectify::kernels (src/instances.cpp) or rectify::dispatch (src/dispatch/dispatch.cpp):
// the instruction set of the kernels that run and their vector widths.
const char* kernels_arch_name();
std::size_t kernels_lanes(std::size_t element_size);
}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS
#endif

#if RECTIFY_DETAIL_HEADER_ONLY
#include "detail/checked.hpp"
#endif

// The public functions are compiled for the calling file's instruction set, so they too live in
// the arch namespace (inline: they are called rectify::forward, rectify::silu, ...).
namespace rectify::inline RECTIFY_DETAIL_ARCH_NS {

#if RECTIFY_DETAIL_HEADER_ONLY
// Elements of T per vector in the kernels (1 on the scalar path).
template <class T>
inline constexpr std::size_t simd_width = detail::lanes<T>;

// The instruction set the kernels were compiled for, e.g. "avx2", "fma3+avx2", "sse2", "scalar".
inline const char* simd_arch_name() { return detail::arch_name(); }
#else
// With rectify::kernels: the library's, known at run time (so simd_width is const, not constexpr).
template <class T>
inline const std::size_t simd_width = detail::kernels_lanes(sizeof(T));
inline const char* simd_arch_name() { return detail::kernels_arch_name(); }
#endif

}  // namespace rectify::inline RECTIFY_DETAIL_ARCH_NS

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class T>
inline constexpr bool is_element = std::is_same_v<T, float> || std::is_same_v<T, double> || is_16bit<T>;

template <class R>
concept array_like = std::ranges::contiguous_range<R> && std::ranges::sized_range<R>;

// Eigen's dense objects (they have RowsAtCompileTime) are taken by <rectify/eigen.hpp>'s overloads;
// everything else comes to the array API, which checks it with static_asserts that name the
// function and the argument (a constraint would only give "no matching function").
template <class R>
concept eigen_like = requires { std::remove_cvref_t<R>::RowsAtCompileTime; };
template <class R>
concept array_argument = !eigen_like<R>;

template <class R, bool = array_like<R>>
struct element_of_impl {
    using type = void;
};
template <class R>
struct element_of_impl<R, true> {
    using type = std::remove_cvref_t<std::ranges::range_reference_t<R>>;
};
template <class R>
using element_of = typename element_of_impl<R>::type;

// What an input argument must be, and what an output must be on top of that. R is the deduced
// parameter type of a forwarding reference: an lvalue gives R = A&, a temporary R = A.
template <class R>
inline constexpr bool good_input = array_like<R> && is_element<element_of<R>>;
template <class R>
inline constexpr bool writable = !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;
template <class R>
inline constexpr bool not_a_dropped_temporary = std::is_lvalue_reference_v<R> || std::ranges::borrowed_range<R>;
template <class R>
inline constexpr bool good_output = good_input<R> && writable<R> && not_a_dropped_temporary<R>;
template <class A, class B>
inline constexpr bool same_element = std::is_same_v<element_of<A>, element_of<B>>;

template <class R>
std::span<const element_of<R>> input_span(R&& r) {
    static_assert(is_element<element_of<R>>, "rectify: arrays must hold float, double, rectify::bfloat16 or rectify::half");
    return {std::ranges::data(r), std::ranges::size(r)};
}

template <class R>
std::span<element_of<R>> output_span(R&& r) {
    static_assert(is_element<element_of<R>>, "rectify: arrays must hold float, double, rectify::bfloat16 or rectify::half");
    static_assert(writable<R>, "rectify: an output array must be writable (not const)");
    return {std::ranges::data(r), std::ranges::size(r)};
}

// A shorthand's parameters: numbers as doubles (the members' type: hardtanh(x, y, -2, 2) is fine),
// anything else (GELU::tanh) as it is.
template <class P>
constexpr auto activation_parameter(P p) {
    if constexpr (std::is_arithmetic_v<P>) return static_cast<double>(p);
    else return p;
}
template <class Act, class... Parameters>
concept makes_activation = requires(Parameters... p) { Act{activation_parameter(p)...}; };
template <class Act, class... Parameters>
    requires makes_activation<Act, Parameters...>
Act make_activation(Parameters... parameters) {
    return Act{activation_parameter(parameters)...};
}

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

namespace rectify::inline RECTIFY_DETAIL_ARCH_NS {

// The compile-time checks of the array API. Each names the public function and the argument and
// says what to pass instead; the call itself is compiled only when they all hold, so a misuse
// gives its message and nothing else. (Macros: a static_assert message must be a literal.)
#define RECTIFY_DETAIL_CHECK_INPUT(function, R, name)                                                             \
    static_assert(::rectify::detail::array_like<R>,                                                                \
                  function ": " name " must be a contiguous sized range (std::vector, std::array, std::span, a "  \
                  "C array); copy a std::list, std::deque or a view that skips elements into a std::vector");     \
    static_assert(!::rectify::detail::array_like<R> || ::rectify::detail::is_element<::rectify::detail::element_of<R>>, \
                  function ": " name " must hold float, double, rectify::bfloat16 or rectify::half (bit_cast Eigen's, CUDA's " \
                  "or std:: 16-bit types to these, docs/API.md)")
#define RECTIFY_DETAIL_CHECK_OUTPUT(function, R, name)                                                            \
    RECTIFY_DETAIL_CHECK_INPUT(function, R, name);                                                                 \
    static_assert(!::rectify::detail::array_like<R> || ::rectify::detail::writable<R>,                             \
                  function ": " name " is an output and must be writable; pass a non-const array");               \
    static_assert(!::rectify::detail::array_like<R> || ::rectify::detail::not_a_dropped_temporary<R>,              \
                  function ": " name " is a temporary that owns its elements, so the result would be thrown "     \
                  "away; pass a named array (or a std::span of one)")
#define RECTIFY_DETAIL_CHECK_SAME(function, A, a_name, B, b_name)                                                 \
    static_assert(!::rectify::detail::good_input<A> || !::rectify::detail::good_input<B> ||                        \
                      ::rectify::detail::same_element<A, B>,                                                       \
                  function ": " a_name " and " b_name " hold different element types; all "                       \
                  "arrays of one call must hold the same type: convert one, e.g. into a std::vector<float>")
// The bodies of the array forms: the checks, then the call, compiled only when they all hold. They
// use the parameter names of every array form: X x and Y y; X x, DY dy and DX dx.
#define RECTIFY_DETAIL_FORWARD_BODY(function, act)                                                                \
    RECTIFY_DETAIL_CHECK_INPUT(function, X, "x");                                                                  \
    RECTIFY_DETAIL_CHECK_OUTPUT(function, Y, "y");                                                                 \
    RECTIFY_DETAIL_CHECK_SAME(function, X, "x", Y, "y");                                                           \
    if constexpr (::rectify::detail::good_input<X> && ::rectify::detail::good_output<Y> &&                         \
                  ::rectify::detail::same_element<X, Y>)                                                           \
        ::rectify::detail::checked_forward(function, act, ::rectify::detail::input_span(x),                        \
                                           ::rectify::detail::output_span(y))
#define RECTIFY_DETAIL_BACKWARD_BODY(function, act)                                                               \
    RECTIFY_DETAIL_CHECK_INPUT(function, X, "x");                                                                  \
    RECTIFY_DETAIL_CHECK_INPUT(function, DY, "dy");                                                                \
    RECTIFY_DETAIL_CHECK_OUTPUT(function, DX, "dx");                                                               \
    RECTIFY_DETAIL_CHECK_SAME(function, X, "x", DY, "dy");                                                         \
    RECTIFY_DETAIL_CHECK_SAME(function, X, "x", DX, "dx");                                                         \
    if constexpr (::rectify::detail::good_input<X> && ::rectify::detail::good_input<DY> &&                         \
                  ::rectify::detail::good_output<DX> && ::rectify::detail::same_element<X, DY> &&                  \
                  ::rectify::detail::same_element<X, DX>)                                                          \
        ::rectify::detail::checked_backward(function, act, ::rectify::detail::input_span(x),                       \
                                            ::rectify::detail::input_span(dy), ::rectify::detail::output_span(dx))
// A shorthand's parameters (after the arrays) are the activation type's members in order, as in
// its braced initializer: leaky_relu(x, y, 0.2) runs LeakyReLU{0.2}, hardtanh(x, y, -2, 2)
// Hardtanh{-2, 2}, gelu(x, y, rectify::GELU::tanh) GELU{GELU::tanh}.
#define RECTIFY_DETAIL_CHECK_PARAMETERS(function, Type, Parameters)                                               \
    static_assert(::rectify::detail::makes_activation<::rectify::Type, Parameters...>,                             \
                  function ": the parameters after the arrays are those of rectify::" #Type ", in the order of "  \
                  "its members (docs/API.md)")


// y = f(x). Sizes must match; y may be x itself. Exact or within the activation's bound
// (activations.hpp; 16-bit arrays: computed in float, rounded once).
template <class Act, detail::array_argument X, detail::array_argument Y>
void forward(const Act& act, X&& x, Y&& y) {
    RECTIFY_DETAIL_FORWARD_BODY("rectify::forward", act);
}

// dx = f'(x) * dy. Sizes must match; dx may be dy (or x) itself. Exact or within the activation's
// bound (activations.hpp).
template <class Act, detail::array_argument X, detail::array_argument DY, detail::array_argument DX>
void backward(const Act& act, X&& x, DY&& dy, DX&& dx) {
    RECTIFY_DETAIL_BACKWARD_BODY("rectify::backward", act);
}

// The span signatures of docs/API.md with an explicit element type (forward<ReLU, float>(act, x, y) with
// std::vector arguments, for instance): the same checks.
template <class Act, class T>
    requires detail::is_element<T>
void forward(const Act& act, std::span<const T> x, std::span<T> y) {
    detail::checked_forward("rectify::forward", act, x, y);
}
template <class Act, class T>
    requires detail::is_element<T>
void backward(const Act& act, std::span<const T> x, std::span<const T> dy, std::span<T> dx) {
    detail::checked_backward("rectify::backward", act, x, dy, dx);
}

// Unchecked pointer forms: n elements behind each pointer; y may equal x, dx may equal dy.
template <class Act, class T>
void forward(const Act& act, const T* x, T* y, std::size_t n) {
    static_assert(detail::is_element<T>, "rectify: arrays must hold float, double, rectify::bfloat16 or rectify::half");
    detail::run_forward("rectify::forward", act, x, y, n);
}
template <class Act, class T>
void backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
    static_assert(detail::is_element<T>, "rectify: arrays must hold float, double, rectify::bfloat16 or rectify::half");
    detail::run_backward("rectify::backward", act, x, dy, dx, n);
}

// Named shorthands with PyTorch's names and defaults, one pair per listed activation
// (activations/list.hpp): name(x, y, parameters...) is forward(Type{parameters...}, x, y) and
// name_backward(x, dy, dx, parameters...) is backward(Type{parameters...}, x, dy, dx), with the same
// checks, reported under their own names: relu, leaky_relu(x, y, negative_slope = 0.01), elu(x, y,
// alpha = 1), silu, ... (docs/API.md lists them with their formulas and bounds). rectify::tanh takes
// arrays: a call with one number still finds the C library's tanh.
#define RECTIFY_DETAIL_SHORTHANDS(Type, shorthand, gradient, ...)                                                 \
    template <detail::array_argument X, detail::array_argument Y, class... Parameters>                            \
    void shorthand(X&& x, Y&& y, Parameters... parameters) {                                                      \
        RECTIFY_DETAIL_CHECK_PARAMETERS("rectify::" #shorthand, Type, Parameters);                                \
        if constexpr (detail::makes_activation<Type, Parameters...>) {                                            \
            RECTIFY_DETAIL_FORWARD_BODY("rectify::" #shorthand, detail::make_activation<Type>(parameters...));    \
        }                                                                                                         \
    }                                                                                                             \
    template <detail::array_argument X, detail::array_argument DY, detail::array_argument DX, class... Parameters> \
    void shorthand##_backward(X&& x, DY&& dy, DX&& dx, Parameters... parameters) {                                \
        RECTIFY_DETAIL_CHECK_PARAMETERS("rectify::" #shorthand "_backward", Type, Parameters);                    \
        if constexpr (detail::makes_activation<Type, Parameters...>) {                                            \
            RECTIFY_DETAIL_BACKWARD_BODY("rectify::" #shorthand "_backward",                                      \
                                         detail::make_activation<Type>(parameters...));                          \
        }                                                                                                         \
    }
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_SHORTHANDS)
#undef RECTIFY_DETAIL_SHORTHANDS

// PReLU: y = x > 0 ? x : weight[c] * x, c the channel of the element in the [outer][channels][inner]
// view of x. weight has 1 element (shared) or shape.channels; x must have outer*channels*inner
// elements; y may be x itself but must not overlap weight. Exact: bit for bit LeakyReLU's scalar
// math with slope weight[c].
template <detail::array_argument X, detail::array_argument Wt, detail::array_argument Y>
void prelu(X&& x, Wt&& weight, Y&& y, ChannelShape shape) {
    RECTIFY_DETAIL_CHECK_INPUT("rectify::prelu", X, "x");
    RECTIFY_DETAIL_CHECK_INPUT("rectify::prelu", Wt, "weight");
    RECTIFY_DETAIL_CHECK_OUTPUT("rectify::prelu", Y, "y");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu", X, "x", Wt, "weight");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu", X, "x", Y, "y");
    if constexpr (detail::good_input<X> && detail::good_input<Wt> && detail::good_output<Y> &&
                  detail::same_element<X, Wt> && detail::same_element<X, Y>)
        detail::checked_prelu(detail::input_span(x), detail::input_span(weight), detail::output_span(y), shape);
}
template <class T>
    requires detail::is_element<T>
void prelu(std::span<const T> x, std::span<const T> weight, std::span<T> y, ChannelShape shape) {
    detail::checked_prelu(x, weight, y, shape);
}

// PReLU backward: dx = x > 0 ? dy : weight[c] * dy, and dweight (the size of weight) is
// overwritten with sum(x * dy) over the elements with !(x > 0) of each channel (of all elements
// for a shared weight). dx may be dy (or x) itself; dweight must not overlap any other array.
// dx is exact. dweight is summed in a fixed order (compensated for double, in double for the other
// types): bit-identical from run to run and for any thread count, within 2 * eps * sum|x * dy| of
// the exact sum (docs/SEMANTICS.md).
template <detail::array_argument X, detail::array_argument Wt, detail::array_argument DY,
          detail::array_argument DX, detail::array_argument DW>
void prelu_backward(X&& x, Wt&& weight, DY&& dy, DX&& dx, DW&& dweight, ChannelShape shape) {
    RECTIFY_DETAIL_CHECK_INPUT("rectify::prelu_backward", X, "x");
    RECTIFY_DETAIL_CHECK_INPUT("rectify::prelu_backward", Wt, "weight");
    RECTIFY_DETAIL_CHECK_INPUT("rectify::prelu_backward", DY, "dy");
    RECTIFY_DETAIL_CHECK_OUTPUT("rectify::prelu_backward", DX, "dx");
    RECTIFY_DETAIL_CHECK_OUTPUT("rectify::prelu_backward", DW, "dweight");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu_backward", X, "x", Wt, "weight");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu_backward", X, "x", DY, "dy");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu_backward", X, "x", DX, "dx");
    RECTIFY_DETAIL_CHECK_SAME("rectify::prelu_backward", X, "x", DW, "dweight");
    if constexpr (detail::good_input<X> && detail::good_input<Wt> && detail::good_input<DY> &&
                  detail::good_output<DX> && detail::good_output<DW> && detail::same_element<X, Wt> &&
                  detail::same_element<X, DY> && detail::same_element<X, DX> && detail::same_element<X, DW>)
        detail::checked_prelu_backward(detail::input_span(x), detail::input_span(weight), detail::input_span(dy),
                                       detail::output_span(dx), detail::output_span(dweight), shape);
}
template <class T>
    requires detail::is_element<T>
void prelu_backward(std::span<const T> x, std::span<const T> weight, std::span<const T> dy, std::span<T> dx,
                    std::span<T> dweight, ChannelShape shape) {
    detail::checked_prelu_backward(x, weight, dy, dx, dweight, shape);
}

}  // namespace rectify::inline RECTIFY_DETAIL_ARCH_NS

// With RECTIFY_EXTERN_KERNELS (defined by linking rectify::kernels), the kernels of the four
// activations and PReLU for float, double, bfloat16 and half come compiled from that library
// instead of being instantiated in every file that calls them (docs/BUILD_FLAGS.md, "Compile
// time").
#if defined(RECTIFY_EXTERN_KERNELS) || defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#include "detail/instances.hpp"
#endif

// Training helpers: backward from the saved output, initialisation gains, He/Kaiming
// initialisation, the dead-unit monitor (training.hpp, which includes this header).
#include "training.hpp"
