// rectify/eigen.hpp — rectify on Eigen dense objects, and activation functors for Eigen expressions.
//
// Needs Eigen 3.4 and rectify.hpp (xsimd). Two ways to use rectify with Eigen:
//
// 1. The array API on Eigen objects. forward/backward, the named shorthands (relu, ...,
//    silu_backward), backward_from_output, prelu/prelu_backward, kaiming_uniform/kaiming_normal
//    and dead_units accept Eigen dense objects — Matrix, Array, Map, Block, Ref, their transposes,
//    column- or row-major — with the same checks as the span API (shapes that differ throw
//    std::invalid_argument naming the function and both shapes; nothing is written then).
//    Objects stored in one piece in the same order go through the SIMD kernels in one call;
//    strided blocks go line by line (a contiguous column or row straight through the kernel, a
//    strided one gathered into a buffer first), so every element gets the kernels' value. An
//    input that is an expression (a + b) is evaluated first. An output must be writable storage
//    and not a temporary Matrix or Array (its result would be lost; a Map, Ref or Block is a view
//    and fine): a misuse is a compile-time error with the array API's message. An output may be
//    its input itself (in place); if it overlaps an input any other way, that input is copied
//    first, so the result is always the elementwise one.
//
// 2. Functors that vectorize inside Eigen expressions:
//      y = ((W * x).colwise() + b).unaryExpr(rectify::eigen::op(rectify::SiLU{}));
//      dz = z.binaryExpr(dy, rectify::eigen::grad_op(rectify::SiLU{}));
//    Eigen evaluates the product into a temporary, then the bias, the activation and the store in
//    one loop, vectorized when every operand of the loop has packet access. (Eigen 3.4's broadcast
//    `.colwise() + b` has none — a Replicate — so that loop runs element by element, about ten
//    times slower for ELU / SiLU; add the bias in place first, `z.colwise() += b`, which Eigen
//    vectorizes column by column, then `z.unaryExpr(op(act))`.)
//    packetOp runs rectify's batch math on Eigen's packets (an Eigen packet and an xsimd batch of
//    the same width share one register type; a half-width packet, as Eigen uses for small fixed
//    sizes, runs on the narrower instruction set that has that register). The elements Eigen
//    evaluates one by one (the unaligned head and the tail of a loop, non-vectorizable
//    expressions) go through the same batch math, so an element's value never depends on its
//    position: bit for bit the span kernels' value. With RECTIFY_NO_SIMD, the functors use the
//    scalar math and tell Eigen they have no packet form.
#pragma once

#include "rectify.hpp"
#include "training.hpp"
// The kernels and the batch math, which the adapters and functors use directly (rectify.hpp leaves
// them out with RECTIFY_EXTERN_KERNELS).
#include "detail/checked.hpp"

// GCC 12's AVX-512 intrinsics trigger -Wuninitialized / -Wmaybe-uninitialized false positives
// wherever they are inlined (GCC bug 105593), attributed to the intrinsics headers' own lines.
// rectify.hpp includes them through xsimd with those lines silenced (detail/simd.hpp); with
// RECTIFY_NO_SIMD it does not, and Eigen would include them unsilenced, so they are included here
// the same way first.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rectify::inline RECTIFY_DETAIL_ARCH_NS {

namespace eigen_detail {

using Index = Eigen::Index;

// Derived from Eigen::DenseBase<D> for some D (not always E itself: a segment's D is its Block).
template <class D>
std::true_type derives_from_dense(const Eigen::DenseBase<D>*);
std::false_type derives_from_dense(const void*);

template <class E>
concept dense = decltype(derives_from_dense(static_cast<std::remove_cvref_t<E>*>(nullptr)))::value;

template <class E>
using scalar_of = typename std::remove_cvref_t<E>::Scalar;

// The element type the kernels see for an Eigen scalar: Eigen::bfloat16 and Eigen::half are
// rectify::bfloat16 and rectify::half (the same 16 bits; half.hpp lets either view the other's
// memory), float and double themselves.
template <class T>
struct storage_of_scalar {
    using type = T;
};
template <>
struct storage_of_scalar<Eigen::bfloat16> {
    using type = rectify::bfloat16;
};
template <>
struct storage_of_scalar<Eigen::half> {
    using type = rectify::half;
};
template <class T>
using storage_t = typename storage_of_scalar<std::remove_cv_t<T>>::type;
template <class T>
inline constexpr bool is_eigen_16bit = !std::is_same_v<storage_t<T>, std::remove_cv_t<T>>;

// The kernels' element type of an Eigen object.
template <class E>
using element_of = storage_t<scalar_of<E>>;

template <class E>
inline constexpr bool holds_element = rectify::detail::is_element<element_of<E>>;

template <class E>
inline constexpr bool has_storage = (std::remove_cvref_t<E>::Flags & Eigen::DirectAccessBit) != 0;

// What an output must be, as in rectify.hpp; E is the deduced type of a forwarding reference (an
// lvalue gives E = A&, a temporary E = A). Writable: not const (Eigen itself writes through no
// const object, view or not) and not a view of const data (no LvalueBit: a Map<const MatrixXf>, a
// block of a const matrix). Not a temporary Matrix or Array: those own their elements, so the
// result would be thrown away (a class derived from them too); a temporary view (Map, Ref, Block,
// a transpose) writes into the object it views, and is fine.
template <class E>
inline constexpr bool writable =
    !std::is_const_v<std::remove_reference_t<E>> && (std::remove_cvref_t<E>::Flags & Eigen::LvalueBit) != 0;
template <class D>
std::true_type derives_from_plain(const Eigen::PlainObjectBase<D>*);
std::false_type derives_from_plain(const void*);
template <class E>
inline constexpr bool owns_elements =
    decltype(derives_from_plain(static_cast<std::remove_cvref_t<E>*>(nullptr)))::value;
template <class E>
inline constexpr bool not_a_dropped_temporary = std::is_lvalue_reference_v<E> || !owns_elements<E>;
template <class E>
inline constexpr bool good_output = holds_element<E> && has_storage<E> && writable<E> && not_a_dropped_temporary<E>;
template <class A, class B>
inline constexpr bool same_scalar = std::is_same_v<scalar_of<A>, scalar_of<B>>;

template <class E>
std::string shape(const E& e) {
    return std::to_string(e.rows()) + "x" + std::to_string(e.cols());
}

template <class A, class B>
void require_same_shape(const char* function, const char* a_name, const A& a, const char* b_name, const B& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) [[unlikely]]
        rectify::detail::fail_with(function, [&a, &b, a_name, b_name] {
            return std::string(a_name) + " is " + shape(a) + " but " + b_name + " is " + shape(b) +
                   "; they must have the same shape (rows x columns)";
        });
}

// An input with storage as it is; an expression evaluated into a plain object (a temporary that
// lives until the end of the caller's full expression).
template <class E>
decltype(auto) materialize(const E& e) {
    if constexpr (has_storage<E>) return (e);
    else return typename E::PlainObject(e);
}

// A rows x cols grid of elements in memory: element (i, j) at data + i*row_stride + j*col_stride.
template <class T>
struct grid {
    T* data;
    Index rows;
    Index cols;
    Index row_stride;
    Index col_stride;

    T* at(Index i, Index j) const { return data + i * row_stride + j * col_stride; }
    Index size() const { return rows * cols; }
};

// T is the kernels' element type (element_of<E>, const for an input): Eigen's 16-bit scalars are
// viewed as rectify's.
template <class T, class E>
grid<T> grid_of(E&& e) {
    using D = std::remove_cvref_t<E>;
    T* data = reinterpret_cast<T*>(e.data());
    if constexpr (D::IsRowMajor) return {data, e.rows(), e.cols(), e.outerStride(), e.innerStride()};
    else return {data, e.rows(), e.cols(), e.innerStride(), e.outerStride()};
}

// One piece, column by column / row by row (vectors are both).
template <class T>
bool linear_column_major(const grid<T>& g) {
    return (g.rows <= 1 || g.row_stride == 1) && (g.cols <= 1 || g.col_stride == g.rows);
}
template <class T>
bool linear_row_major(const grid<T>& g) {
    return (g.cols <= 1 || g.col_stride == 1) && (g.rows <= 1 || g.row_stride == g.cols);
}

template <class T, class U>
bool same_elements(const grid<T>& a, const grid<U>& b) {
    return static_cast<const void*>(a.data) == static_cast<const void*>(b.data) &&
           (a.rows <= 1 || a.row_stride == b.row_stride) && (a.cols <= 1 || a.col_stride == b.col_stride);
}

// The bytes from the lowest to the highest element (strides may be negative in a Map).
template <class T>
std::pair<std::uintptr_t, std::uintptr_t> extent(const grid<T>& g) {
    const std::array<const T*, 4> corners = {g.at(0, 0), g.at(g.rows - 1, 0), g.at(0, g.cols - 1),
                                             g.at(g.rows - 1, g.cols - 1)};
    std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(corners[0]), hi = lo;
    for (const T* p : corners) {
        lo = std::min(lo, reinterpret_cast<std::uintptr_t>(p));
        hi = std::max(hi, reinterpret_cast<std::uintptr_t>(p));
    }
    return {lo, hi + sizeof(T)};
}

template <class T, class U>
bool may_overlap(const grid<T>& a, const grid<U>& b) {
    const auto [a0, a1] = extent(a);
    const auto [b0, b1] = extent(b);
    return a0 < b1 && b0 < a1;
}

// Calls kernel(n, out, in...) on raw arrays until every element of out is computed from the
// elements of the inputs at the same (row, column). All grids have out's shape and none is empty.
template <class T, std::size_t N, class Kernel>
void run_lines(const Kernel& kernel, const grid<T>& out, std::array<grid<const T>, N> in) {
    const auto call = [&kernel](std::size_t n, T* o, const std::array<const T*, N>& p) {
        std::apply([&](const auto*... q) { kernel(n, o, q...); }, p);
    };
    bool all_column_major = linear_column_major(out), all_row_major = linear_row_major(out);
    for (const auto& g : in) {
        all_column_major = all_column_major && linear_column_major(g);
        all_row_major = all_row_major && linear_row_major(g);
    }
    if (all_column_major || all_row_major) {  // one call over everything
        std::array<const T*, N> p;
        for (std::size_t k = 0; k < N; ++k) p[k] = in[k].data;
        call(static_cast<std::size_t>(out.size()), out.data, p);
        return;
    }
    // Lines along the output's unit stride where it has one (so the stores are contiguous).
    const bool down_columns = out.row_stride == 1 || (out.col_stride != 1 && out.rows >= out.cols);
    const Index lines = down_columns ? out.cols : out.rows;
    const Index length = down_columns ? out.rows : out.cols;
    const auto start = [down_columns](const auto& g, Index line) { return down_columns ? g.at(0, line) : g.at(line, 0); };
    const auto step = [down_columns](const auto& g) { return down_columns ? g.row_stride : g.col_stride; };
    std::array<std::vector<T>, N> gathered;
    std::vector<T> result;
    for (Index line = 0; line < lines; ++line) {
        std::array<const T*, N> p;
        for (std::size_t k = 0; k < N; ++k) {
            const T* src = start(in[k], line);
            const Index s = step(in[k]);
            if (s == 1) {
                p[k] = src;
            } else {
                gathered[k].resize(static_cast<std::size_t>(length));
                for (Index i = 0; i < length; ++i) gathered[k][static_cast<std::size_t>(i)] = src[i * s];
                p[k] = gathered[k].data();
            }
        }
        T* dst = start(out, line);
        const Index s = step(out);
        if (s == 1) {
            call(static_cast<std::size_t>(length), dst, p);
        } else {
            result.resize(static_cast<std::size_t>(length));
            call(static_cast<std::size_t>(length), result.data(), p);
            for (Index i = 0; i < length; ++i) dst[i * s] = result[static_cast<std::size_t>(i)];
        }
    }
}

// Runs kernel over inputs with storage, first copying any input that the output overlaps other than
// element for element (read before anything is written).
template <class T, class Kernel, class... Stored>
void run_materialized(const Kernel& kernel, const grid<T>& out, const Stored&... stored) {
    constexpr std::size_t N = sizeof...(Stored);
    std::array<grid<const T>, N> in = {grid_of<const T>(stored)...};
    std::array<std::vector<T>, N> copies;
    for (std::size_t k = 0; k < N; ++k) {
        if (same_elements(out, in[k]) || !may_overlap(out, in[k])) continue;
        auto& c = copies[k];
        c.resize(static_cast<std::size_t>(in[k].size()));
        for (Index j = 0; j < in[k].cols; ++j)
            for (Index i = 0; i < in[k].rows; ++i) c[static_cast<std::size_t>(i + j * in[k].rows)] = *in[k].at(i, j);
        in[k] = {c.data(), in[k].rows, in[k].cols, 1, in[k].rows};
    }
    run_lines(kernel, out, in);
}

// The elementwise driver of every Eigen entry point, called once its compile-time checks hold:
// checks the shapes against the first input, evaluates expression inputs, copies an input that the
// output overlaps other than exactly, and runs kernel(n, out, in...).
template <class Kernel, class Out, class... In>
void elementwise(const char* function, const Kernel& kernel, const char* out_name, Out&& out,
                 std::pair<const char*, const In&>... in) {
    using T = element_of<Out>;
    constexpr std::size_t N = sizeof...(In);
    const std::array<const char*, N> names = {in.first...};
    const auto& first = std::get<0>(std::forward_as_tuple(in.second...));
    (require_same_shape(function, names[0], first, in.first, in.second), ...);
    require_same_shape(function, names[0], first, out_name, out);
    if (out.size() == 0) return;
    run_materialized<T>(kernel, grid_of<T>(out), materialize(in.second)...);
}

// A contiguous span over an object stored in one piece (PReLU's ChannelShape describes memory).
template <class T, class E>
std::span<T> contiguous_span(const char* function, const char* name, E&& e) {
    const auto g = grid_of<T>(e);
    if (e.size() > 0 && !linear_column_major(g) && !linear_row_major(g))
        rectify::detail::fail(function, std::string(name) + " (" + shape(e) +
                                            ") is not stored in one piece; PReLU views memory through its "
                                            "ChannelShape, so pass a contiguous object (or a copy)");
    return {g.data, static_cast<std::size_t>(e.size())};
}

// 2-D objects of one shape (checked before) whose element (i, j) must sit at the same memory
// position in each.
template <class A, class B>
void require_same_order(const char* function, const char* a_name, const A& a, const char* b_name, const B&) {
    const bool a_vector = a.rows() == 1 || a.cols() == 1;
    if (!a_vector && bool(std::remove_cvref_t<A>::IsRowMajor) != bool(std::remove_cvref_t<B>::IsRowMajor)) [[unlikely]]
        rectify::detail::fail_with(function, [a_name, b_name] {
            return std::string(a_name) + " and " + b_name +
                   " must have the same storage order (both column-major or both row-major)";
        });
}

#if RECTIFY_DETAIL_SIMD
// Eigen's packets are vector types (__m256, ...) whose attributes GCC and Clang drop, with a
// warning, wherever one is a template argument; Eigen silences the warning in its own headers
// (DisableStupidWarnings.h), and rectify does the same for its code that names packets. It is
// popped at the end of this header.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif

// The widest xsimd architecture of this build whose batch of T is exactly Eigen's Packet (same
// register type, same width); void when there is none.
template <class T, class Packet, class List>
struct arch_for_list {
    using type = void;
};
template <class T, class Packet, class A, class... Rest>
struct arch_for_list<T, Packet, xsimd::arch_list<A, Rest...>> {
    static constexpr bool match() {
        if constexpr (xsimd::has_simd_register<T, A>::value)
            return std::is_same_v<typename xsimd::batch<T, A>::register_type, Packet> &&
                   xsimd::batch<T, A>::size == static_cast<std::size_t>(Eigen::internal::unpacket_traits<Packet>::size);
        else return false;
    }
    using type =
        std::conditional_t<match(), A, typename arch_for_list<T, Packet, xsimd::arch_list<Rest...>>::type>;
};
// Eigen's own default arch first: where its packet is the kernels' batch, the functors compute
// exactly what the span kernels compute.
template <class T, class Packet>
using arch_for = std::conditional_t<
    std::is_same_v<typename xsimd::batch<T, rectify::detail::arch>::register_type, Packet> &&
        rectify::detail::lanes<T> == static_cast<std::size_t>(Eigen::internal::unpacket_traits<Packet>::size),
    rectify::detail::arch, typename arch_for_list<T, Packet, xsimd::supported_architectures>::type>;

// True when Eigen's packet of T and every smaller packet Eigen may use (half, quarter) map onto an
// xsimd batch; only then may the functors claim PacketAccess.
template <class T, class Packet>
constexpr bool packets_supported() {
    if constexpr (!Eigen::internal::unpacket_traits<Packet>::vectorizable) {
        return false;
    } else {
        using Half = typename Eigen::internal::unpacket_traits<Packet>::half;
        if constexpr (std::is_void_v<arch_for<T, Packet>>) return false;
        else if constexpr (std::is_same_v<Half, Packet>) return true;
        else return packets_supported<T, Half>();
    }
}
template <class T>
inline constexpr bool packet_access = packets_supported<T, typename Eigen::internal::packet_traits<T>::type>();

// The functors' vector math: the kernels' (or a user type's hook); a type without any keeps an
// empty placeholder and runs its scalar math, without packets.
struct no_vector_math {
    template <class Act>
    explicit no_vector_math(const Act&) {}
};
template <class Act, class T>
using functor_math = std::conditional_t<detail::has_vector_math<Act>, detail::vector_math<Act, T>, no_vector_math>;
template <class Act>
inline constexpr bool functor_packets = detail::has_vector_math<Act>;
#else
template <class T>
inline constexpr bool packet_access = false;
template <class Act>
inline constexpr bool functor_packets = false;
#endif

// Eigen's Cost of one coefficient, in its units (an add or a multiply costs 1 for float): the
// activation's `operations` trait, the operation count of its vector math on float with each fma
// counted as two (activations/*.hpp); for a type without it, about an exp's. Eigen uses it to decide
// whether to evaluate a nested expression into a temporary before reusing it; the magnitude is what
// matters.
template <class Act>
inline constexpr int cost = [] {
    if constexpr (requires { Act::operations; }) return static_cast<int>(Act::operations);
    else return 40;
}();

// The functors on Eigen::bfloat16 / Eigen::half: a value (P = the scalar, N = 1) or one of Eigen's
// packets of them (N lanes) is stored, run through the span kernel as N rectify elements, and loaded
// back, so every element gets the span kernels' bits, packet or not. kernel(in..., out, n).
template <class P, int N, class Kernel, class... Args>
P on_16bit_packet(const Kernel& kernel, const Args&... args) {
    using T = std::conditional_t<N == 1, P, typename Eigen::internal::unpacket_traits<P>::type>;
    using S = storage_t<T>;
    constexpr std::size_t lanes = static_cast<std::size_t>(N);
    const auto store = [](const P& v) {
        std::array<S, lanes> a;
        if constexpr (N == 1) a[0] = std::bit_cast<S>(v);
        else Eigen::internal::pstoreu(reinterpret_cast<T*>(a.data()), v);
        return a;
    };
    const auto in = std::make_tuple(store(args)...);
    std::array<S, lanes> out;
    std::apply([&](const auto&... a) { kernel(a.data()..., out.data(), lanes); }, in);
    if constexpr (N == 1) return std::bit_cast<T>(out[0]);
    else return Eigen::internal::ploadu<P>(reinterpret_cast<const T*>(out.data()));
}

}  // namespace eigen_detail

// ---- the array API on Eigen objects ------------------------------------------------------------

// The compile-time checks of the Eigen overloads, with the array API's messages (rectify.hpp): each
// names the function and the argument and says what to pass instead; the call is compiled only
// when they all hold, so a misuse gives its message and nothing else.
#define RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, E, name)                                                          \
    static_assert(::rectify::eigen_detail::holds_element<E>,                                                         \
                  function ": " name " must hold float, double, Eigen::bfloat16 or Eigen::half")
// An input that PReLU reads through its ChannelShape: it needs memory, not an expression.
#define RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT(function, E, name)                                                   \
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, E, name);                                                             \
    static_assert(!::rectify::eigen_detail::holds_element<E> || ::rectify::eigen_detail::has_storage<E>,             \
                  function ": " name " must be an Eigen object with storage (PReLU reads memory through its "        \
                  "ChannelShape); evaluate an expression into a Matrix or Array first")
// checked_before: the conditions of the checks before these, so that each misuse gives one message.
#define RECTIFY_DETAIL_EIGEN_CHECK_WRITABLE(function, E, name, checked_before)                                       \
    static_assert(!(checked_before) || ::rectify::eigen_detail::writable<E>,                                         \
                  function ": " name " is an output and must be writable; pass a non-const Matrix or Array, "        \
                  "or a Map, Ref or Block of one");                                                                  \
    static_assert(!(checked_before) || !::rectify::eigen_detail::writable<E> ||                                      \
                      ::rectify::eigen_detail::not_a_dropped_temporary<E>,                                           \
                  function ": " name " is a temporary that owns its elements, so the result would be thrown "        \
                  "away; pass a named Matrix or Array, or a Map, Ref or Block of one")
#define RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT(function, E, name)                                                         \
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, E, name);                                                             \
    static_assert(!::rectify::eigen_detail::holds_element<E> || ::rectify::eigen_detail::has_storage<E>,             \
                  function ": " name " is an output and must be an Eigen object with storage (a Matrix, "            \
                  "Array, Map, Ref or Block), not an expression");                                                   \
    RECTIFY_DETAIL_EIGEN_CHECK_WRITABLE(function, E, name,                                                           \
                                        (::rectify::eigen_detail::holds_element<E> &&                                \
                                         ::rectify::eigen_detail::has_storage<E>))
#define RECTIFY_DETAIL_EIGEN_CHECK_SAME(function, A, a_name, B, b_name)                                              \
    static_assert(!::rectify::eigen_detail::holds_element<A> || !::rectify::eigen_detail::holds_element<B> ||        \
                      ::rectify::eigen_detail::same_scalar<A, B>,                                                    \
                  function ": " a_name " and " b_name " hold different element types; all arrays of one "            \
                  "call must hold the same type: convert one, e.g. with .cast<float>()")
// f(x) into y, and f'(x) * dy into dx.
#define RECTIFY_DETAIL_EIGEN_CHECK_FORWARD(function, X, Y)                                                           \
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, X, "x");                                                              \
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT(function, Y, "y");                                                             \
    RECTIFY_DETAIL_EIGEN_CHECK_SAME(function, X, "x", Y, "y")
#define RECTIFY_DETAIL_EIGEN_CHECK_BACKWARD(function, X, DY, DX)                                                     \
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, X, "x");                                                              \
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT(function, DY, "dy");                                                            \
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT(function, DX, "dx");                                                           \
    RECTIFY_DETAIL_EIGEN_CHECK_SAME(function, X, "x", DY, "dy");                                                     \
    RECTIFY_DETAIL_EIGEN_CHECK_SAME(function, X, "x", DX, "dx")

namespace eigen_detail {
// Whether the checks above pass (then the call is compiled).
template <class X, class Y>
inline constexpr bool good_forward = holds_element<X> && good_output<Y> && same_scalar<X, Y>;
template <class X, class DY, class DX>
inline constexpr bool good_backward =
    holds_element<X> && holds_element<DY> && good_output<DX> && same_scalar<X, DY> && same_scalar<X, DX>;

// The array API runs the kernels' entry points, as the span API does: with rectify::kernels or
// rectify::dispatch those are the library's, so an Eigen call gives the span call's bits whatever
// this file's flags. (The functors below run inside Eigen's loops, on this file's instruction set.)
template <class Act, class X, class Y>
void named_forward(const char* function, const Act& act, const X& x, Y&& y) {
    using T = element_of<Y>;
    elementwise(
        function, [&](std::size_t n, T* out, const T* in) { rectify::detail::run_forward(function, act, in, out, n); }, "y", y,
        std::pair<const char*, const X&>("x", x));
}
template <class Act, class X, class DY, class DX>
void named_backward(const char* function, const Act& act, const X& x, const DY& dy, DX&& dx) {
    using T = element_of<DX>;
    elementwise(
        function,
        [&](std::size_t n, T* out, const T* in, const T* grad) {
            rectify::detail::run_backward(function, act, in, grad, out, n);
        },
        "dx", dx, std::pair<const char*, const X&>("x", x), std::pair<const char*, const DY&>("dy", dy));
}
}  // namespace eigen_detail

// y = f(x) over Eigen objects of one shape; y may be x itself.
template <class Act, eigen_detail::dense X, eigen_detail::dense Y>
void forward(const Act& act, const X& x, Y&& y) {
    RECTIFY_DETAIL_EIGEN_CHECK_FORWARD("rectify::forward", X, Y);
    if constexpr (eigen_detail::good_forward<X, Y>) eigen_detail::named_forward("rectify::forward", act, x, y);
}

// dx = f'(x) * dy over Eigen objects of one shape; dx may be dy (or x) itself.
template <class Act, eigen_detail::dense X, eigen_detail::dense DY, eigen_detail::dense DX>
void backward(const Act& act, const X& x, const DY& dy, DX&& dx) {
    RECTIFY_DETAIL_EIGEN_CHECK_BACKWARD("rectify::backward", X, DY, DX);
    if constexpr (eigen_detail::good_backward<X, DY, DX>)
        eigen_detail::named_backward("rectify::backward", act, x, dy, dx);
}

// The shorthands of rectify.hpp (relu, leaky_relu, ..., one pair per listed activation) on Eigen
// objects of one shape, with the same parameters.
#define RECTIFY_DETAIL_EIGEN_SHORTHANDS(Type, shorthand, gradient, ...)                                            \
    template <eigen_detail::dense X, eigen_detail::dense Y, class... Parameters>                                   \
    void shorthand(const X& x, Y&& y, Parameters... parameters) {                                                  \
        RECTIFY_DETAIL_CHECK_PARAMETERS("rectify::" #shorthand, Type, Parameters);                                 \
        RECTIFY_DETAIL_EIGEN_CHECK_FORWARD("rectify::" #shorthand, X, Y);                                          \
        if constexpr (eigen_detail::good_forward<X, Y> && detail::makes_activation<Type, Parameters...>)           \
            eigen_detail::named_forward("rectify::" #shorthand, detail::make_activation<Type>(parameters...), x, y); \
    }                                                                                                              \
    template <eigen_detail::dense X, eigen_detail::dense DY, eigen_detail::dense DX, class... Parameters>          \
    void shorthand##_backward(const X& x, const DY& dy, DX&& dx, Parameters... parameters) {                       \
        RECTIFY_DETAIL_CHECK_PARAMETERS("rectify::" #shorthand "_backward", Type, Parameters);                     \
        RECTIFY_DETAIL_EIGEN_CHECK_BACKWARD("rectify::" #shorthand "_backward", X, DY, DX);                        \
        if constexpr (eigen_detail::good_backward<X, DY, DX> && detail::makes_activation<Type, Parameters...>)     \
            eigen_detail::named_backward("rectify::" #shorthand "_backward",                                       \
                                         detail::make_activation<Type>(parameters...), x, dy, dx);                 \
    }
RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_EIGEN_SHORTHANDS)
#undef RECTIFY_DETAIL_EIGEN_SHORTHANDS

// dx from the saved output y = f(x) (training.hpp) over Eigen objects of one shape.
template <class Act, eigen_detail::dense Y, eigen_detail::dense DY, eigen_detail::dense DX>
void backward_from_output(const Act& act, const Y& y, const DY& dy, DX&& dx) {
    constexpr const char* function = "rectify::backward_from_output";
    detail::static_require_output_determines_gradient<Act>();
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT("rectify::backward_from_output", Y, "y");
    RECTIFY_DETAIL_EIGEN_CHECK_INPUT("rectify::backward_from_output", DY, "dy");
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT("rectify::backward_from_output", DX, "dx");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::backward_from_output", Y, "y", DY, "dy");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::backward_from_output", Y, "y", DX, "dx");
    if constexpr (eigen_detail::good_backward<Y, DY, DX>) {
        using T = eigen_detail::element_of<DX>;
        eigen_detail::elementwise(
            function,
            [&](std::size_t n, T* out, const T* out_fwd, const T* grad) {
                detail::run_backward_from_output(function, act, out_fwd, grad, out, n);
            },
            "dx", dx, std::pair<const char*, const Y&>("y", y), std::pair<const char*, const DY&>("dy", dy));
    }
}

// PReLU on Eigen objects stored in one piece; shape describes their memory as in the span API. A
// column-major [units x batch] matrix (one sample per column) is {batch, units, 1}; a row-major
// [batch x units] one too. x, y (and dy, dx) must share one storage order.
template <eigen_detail::dense X, eigen_detail::dense Wt, eigen_detail::dense Y>
void prelu(const X& x, const Wt& weight, Y&& y, ChannelShape shape) {
    constexpr const char* function = "rectify::prelu";
    RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT("rectify::prelu", X, "x");
    RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT("rectify::prelu", Wt, "weight");
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT("rectify::prelu", Y, "y");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu", X, "x", Wt, "weight");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu", X, "x", Y, "y");
    using namespace eigen_detail;
    if constexpr (holds_element<X> && has_storage<X> && holds_element<Wt> && has_storage<Wt> && good_output<Y> &&
                  same_scalar<X, Wt> && same_scalar<X, Y>) {
        using T = element_of<Y>;
        require_same_shape(function, "x", x, "y", y);
        require_same_order(function, "x", x, "y", y);
        detail::checked_prelu(contiguous_span<const T>(function, "x", x),
                              contiguous_span<const T>(function, "weight", weight),
                              contiguous_span<T>(function, "y", y), shape);
    }
}

template <eigen_detail::dense X, eigen_detail::dense Wt, eigen_detail::dense DY, eigen_detail::dense DX,
          eigen_detail::dense DW>
void prelu_backward(const X& x, const Wt& weight, const DY& dy, DX&& dx, DW&& dweight, ChannelShape shape) {
    constexpr const char* function = "rectify::prelu_backward";
    RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT("rectify::prelu_backward", X, "x");
    RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT("rectify::prelu_backward", Wt, "weight");
    RECTIFY_DETAIL_EIGEN_CHECK_STORED_INPUT("rectify::prelu_backward", DY, "dy");
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT("rectify::prelu_backward", DX, "dx");
    RECTIFY_DETAIL_EIGEN_CHECK_OUTPUT("rectify::prelu_backward", DW, "dweight");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu_backward", X, "x", Wt, "weight");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu_backward", X, "x", DY, "dy");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu_backward", X, "x", DX, "dx");
    RECTIFY_DETAIL_EIGEN_CHECK_SAME("rectify::prelu_backward", X, "x", DW, "dweight");
    using namespace eigen_detail;
    if constexpr (holds_element<X> && has_storage<X> && holds_element<Wt> && has_storage<Wt> &&
                  holds_element<DY> && has_storage<DY> && good_output<DX> && good_output<DW> &&
                  same_scalar<X, Wt> && same_scalar<X, DY> && same_scalar<X, DX> && same_scalar<X, DW>) {
        using T = element_of<DX>;
        require_same_shape(function, "x", x, "dy", dy);
        require_same_shape(function, "x", x, "dx", dx);
        require_same_order(function, "x", x, "dy", dy);
        require_same_order(function, "x", x, "dx", dx);
        detail::checked_prelu_backward(contiguous_span<const T>(function, "x", x),
                                       contiguous_span<const T>(function, "weight", weight),
                                       contiguous_span<const T>(function, "dy", dy),
                                       contiguous_span<T>(function, "dx", dx),
                                       contiguous_span<T>(function, "dweight", dweight), shape);
    }
}

// ---- initialisation and monitoring on Eigen objects ----------------------------------------------

// Which count of a weight matrix W (y = W * x, W is [outputs x inputs], PyTorch's Linear layout)
// scales the initialisation: fan_in = W.cols() keeps the forward signal, fan_out = W.rows() the
// gradients.
enum class FanMode { fan_in, fan_out };

namespace eigen_detail {
template <class Distribution, class W, class Engine>
void fill(W& weights, Distribution& draw, Engine& engine) {
    // Row by row whatever the storage order, so one engine state gives one matrix.
    for (Index i = 0; i < weights.rows(); ++i)
        for (Index j = 0; j < weights.cols(); ++j) weights.coeffRef(i, j) = draw(engine);
}
template <class W>
std::size_t fan_of(const W& weights, FanMode mode) {
    return static_cast<std::size_t>(mode == FanMode::fan_in ? weights.cols() : weights.rows());
}
}  // namespace eigen_detail

// He initialisation of an Eigen weight matrix [outputs x inputs]: U(-b, b), b = gain(act)*sqrt(3/fan).
template <class Act, eigen_detail::dense W, std::uniform_random_bit_generator Engine>
void kaiming_uniform(const Act& act, W&& weights, Engine& engine, FanMode mode = FanMode::fan_in) {
    using T = eigen_detail::scalar_of<W>;
    static_assert(std::is_floating_point_v<T>, "rectify::kaiming_uniform: weights must hold float or double");
    RECTIFY_DETAIL_EIGEN_CHECK_WRITABLE("rectify::kaiming_uniform", W, "weights", std::is_floating_point_v<T>);
    if constexpr (std::is_floating_point_v<T> && eigen_detail::writable<W> &&
                  eigen_detail::not_a_dropped_temporary<W>) {
        const double bound = std::sqrt(3.0) * detail::kaiming_std("rectify::kaiming_uniform", gain(act),
                                                                  eigen_detail::fan_of(weights, mode));
        std::uniform_real_distribution<T> draw(static_cast<T>(-bound), static_cast<T>(bound));
        eigen_detail::fill(weights, draw, engine);
    }
}

// He initialisation of an Eigen weight matrix [outputs x inputs]: N(0, std^2), std = gain(act)/sqrt(fan).
template <class Act, eigen_detail::dense W, std::uniform_random_bit_generator Engine>
void kaiming_normal(const Act& act, W&& weights, Engine& engine, FanMode mode = FanMode::fan_in) {
    using T = eigen_detail::scalar_of<W>;
    static_assert(std::is_floating_point_v<T>, "rectify::kaiming_normal: weights must hold float or double");
    RECTIFY_DETAIL_EIGEN_CHECK_WRITABLE("rectify::kaiming_normal", W, "weights", std::is_floating_point_v<T>);
    if constexpr (std::is_floating_point_v<T> && eigen_detail::writable<W> &&
                  eigen_detail::not_a_dropped_temporary<W>) {
        const double std_dev =
            detail::kaiming_std("rectify::kaiming_normal", gain(act), eigen_detail::fan_of(weights, mode));
        std::normal_distribution<T> draw(T(0), static_cast<T>(std_dev));
        eigen_detail::fill(weights, draw, engine);
    }
}

// The fraction of units that never fire (pre-activation > threshold) over a batch: one row per
// sample, one column per unit, as the [batch, units] layout of the span form. For Eigen's usual
// [units x batch] (one sample per column), pass z.transpose().
template <eigen_detail::dense X>
double dead_units(const X& pre_activations, double threshold = 0.0) {
    using C = detail::compute_t<eigen_detail::element_of<X>>;  // Eigen's 16-bit types compare in float
    static_assert(detail::is_element<eigen_detail::element_of<X>>,
                  "rectify::dead_units: pre_activations must hold float, double, Eigen::bfloat16 or Eigen::half");
    if (pre_activations.cols() == 0) detail::fail("rectify::dead_units", "pre_activations has 0 columns (units); expected at least 1");
    if (pre_activations.rows() == 0) detail::fail("rectify::dead_units", "pre_activations has 0 rows (samples); expected at least 1");
    const auto fired = (pre_activations.array().template cast<C>() > static_cast<C>(threshold)).colwise().any();
    return static_cast<double>(pre_activations.cols() - fired.count()) / static_cast<double>(pre_activations.cols());
}

// ---- functors for Eigen expressions -------------------------------------------------------------

namespace eigen {

// y = f(x) for x.unaryExpr(op(act)): vectorized by Eigen through packetOp (see the header comment).
template <class Act>
class activation_op {
public:
    explicit activation_op(const Act& act)
        : act_(act)
#if RECTIFY_DETAIL_SIMD
          ,
          float_math_(act),
          double_math_(act)
#endif
    {
    }

    const Act& activation() const { return act_; }

    template <class T>
    T operator()(const T& x) const {
        static_assert(detail::is_element<eigen_detail::storage_t<T>>,
                      "rectify::eigen::op: the scalar type must be float, double, Eigen::bfloat16 or Eigen::half");
        if constexpr (eigen_detail::is_eigen_16bit<T>) {
            return eigen_detail::on_16bit_packet<T, 1>(
                [this](const auto* in, auto* out, std::size_t n) { detail::forward_n(act_, in, out, n); }, x);
        } else {
#if RECTIFY_DETAIL_SIMD
            // The batch math on one broadcast value: the same bits as the span kernels and packetOp.
            if constexpr (detail::has_vector_math<Act>) return math<T>().forward(detail::batch<T>(x)).get(0);
            else return act_(x);
#else
            return act_(x);
#endif
        }
    }

#if RECTIFY_DETAIL_SIMD
    template <class Packet>
    Packet packetOp(const Packet& x) const {
        using T = typename Eigen::internal::unpacket_traits<Packet>::type;
        if constexpr (eigen_detail::is_eigen_16bit<T>) {
            return eigen_detail::on_16bit_packet<Packet, Eigen::internal::unpacket_traits<Packet>::size>(
                [this](const auto* in, auto* out, std::size_t n) { detail::forward_n(act_, in, out, n); }, x);
        } else {
            using A = eigen_detail::arch_for<T, Packet>;
            static_assert(!std::is_void_v<A>, "rectify::eigen::op: no xsimd batch matches this Eigen packet");
            return math<T>().forward(xsimd::batch<T, A>(x));
        }
    }
#endif

private:
    Act act_;
#if RECTIFY_DETAIL_SIMD
    eigen_detail::functor_math<Act, float> float_math_;  // parameters converted once, as in the kernels
    eigen_detail::functor_math<Act, double> double_math_;

    template <class T>
    const eigen_detail::functor_math<Act, T>& math() const {
        if constexpr (std::is_same_v<T, float>) return float_math_;
        else return double_math_;
    }
#endif
};

// dx = f'(x) * dy for x.binaryExpr(dy, grad_op(act)).
template <class Act>
class activation_grad_op {
public:
    explicit activation_grad_op(const Act& act)
        : act_(act)
#if RECTIFY_DETAIL_SIMD
          ,
          float_math_(act),
          double_math_(act)
#endif
    {
    }

    const Act& activation() const { return act_; }

    template <class T>
    T operator()(const T& x, const T& dy) const {
        static_assert(detail::is_element<eigen_detail::storage_t<T>>,
                      "rectify::eigen::grad_op: the scalar type must be float, double, Eigen::bfloat16 or Eigen::half");
        if constexpr (eigen_detail::is_eigen_16bit<T>) {
            return eigen_detail::on_16bit_packet<T, 1>(
                [this](const auto* in, const auto* grad, auto* out, std::size_t n) {
                    detail::backward_n(act_, in, grad, out, n);
                },
                x, dy);
        } else {
#if RECTIFY_DETAIL_SIMD
            if constexpr (detail::has_vector_math<Act>)
                return math<T>().backward(detail::batch<T>(x), detail::batch<T>(dy)).get(0);
            else return act_.backward(x, dy);
#else
            return act_.backward(x, dy);
#endif
        }
    }

#if RECTIFY_DETAIL_SIMD
    template <class Packet>
    Packet packetOp(const Packet& x, const Packet& dy) const {
        using T = typename Eigen::internal::unpacket_traits<Packet>::type;
        if constexpr (eigen_detail::is_eigen_16bit<T>) {
            return eigen_detail::on_16bit_packet<Packet, Eigen::internal::unpacket_traits<Packet>::size>(
                [this](const auto* in, const auto* grad, auto* out, std::size_t n) {
                    detail::backward_n(act_, in, grad, out, n);
                },
                x, dy);
        } else {
            using A = eigen_detail::arch_for<T, Packet>;
            static_assert(!std::is_void_v<A>, "rectify::eigen::grad_op: no xsimd batch matches this Eigen packet");
            return math<T>().backward(xsimd::batch<T, A>(x), xsimd::batch<T, A>(dy));
        }
    }
#endif

private:
    Act act_;
#if RECTIFY_DETAIL_SIMD
    eigen_detail::functor_math<Act, float> float_math_;
    eigen_detail::functor_math<Act, double> double_math_;

    template <class T>
    const eigen_detail::functor_math<Act, T>& math() const {
        if constexpr (std::is_same_v<T, float>) return float_math_;
        else return double_math_;
    }
#endif
};

// x.unaryExpr(rectify::eigen::op(act)): f(x) inside any Eigen expression.
template <class Act>
activation_op<Act> op(const Act& act) {
    detail::validate("rectify::eigen::op", act);
    return activation_op<Act>(act);
}

// x.binaryExpr(dy, rectify::eigen::grad_op(act)): f'(x) * dy inside any Eigen expression.
template <class Act>
activation_grad_op<Act> grad_op(const Act& act) {
    detail::validate("rectify::eigen::grad_op", act);
    return activation_grad_op<Act>(act);
}

}  // namespace eigen
}  // namespace rectify::inline RECTIFY_DETAIL_ARCH_NS

// Eigen's traits of the functors: a packet form where every packet width Eigen may use maps onto
// an xsimd batch, and the cost of one coefficient. A functor serves float and double expressions
// alike, so its traits hold for both: packets where both types have them (every x86 and ARM build
// with SIMD), and float's cost (double's polynomial is a few operations longer).
namespace Eigen::internal {

template <class Act>
struct functor_traits<rectify::eigen::activation_op<Act>> {
    enum {
        Cost = rectify::eigen_detail::cost<Act>,
        PacketAccess = rectify::eigen_detail::packet_access<float> && rectify::eigen_detail::packet_access<double> &&
                       rectify::eigen_detail::functor_packets<Act>
    };
};

template <class Act>
struct functor_traits<rectify::eigen::activation_grad_op<Act>> {
    enum {
        Cost = rectify::eigen_detail::cost<Act>,
        PacketAccess = rectify::eigen_detail::packet_access<float> && rectify::eigen_detail::packet_access<double> &&
                       rectify::eigen_detail::functor_packets<Act>
    };
};

}  // namespace Eigen::internal

#if RECTIFY_DETAIL_SIMD && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
