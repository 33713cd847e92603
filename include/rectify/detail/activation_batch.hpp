// rectify/detail/activation_batch.hpp — the activations' math on xsimd batches.
//
// batch_math<Act, T> is built once per kernel call from the activation (its double parameters
// converted to T there, as the scalar math converts them) and gives forward(x), backward(x, dy)
// and, where the output determines the gradient, backward_from_output(y, dy) on batch<T, A> for any
// arch A. Each listed activation specializes it in its own family file (activations/*.hpp, their
// second part), with the formulas and comparisons of its scalar math lane by lane; this header
// declares the templates and includes the family files a second time to get those parts.
//
// vector_math<Act, T> is what the loops run: batch_math for a listed activation, or a user type's
// own vector_forward / vector_backward members (docs/API.md, "Your own activation"); a type with
// neither runs on the scalar loop (kernels.hpp).
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../activations.hpp"
#include "../half.hpp"
#include "vector_math.hpp"

#if RECTIFY_DETAIL_SIMD

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

template <class Act, class T>
struct batch_math;  // specialized by each listed activation's family file

// bits_math<Act, S>: an activation whose result is always one of its inputs or zero (ReLU) may run
// on the 16-bit patterns of bfloat16 and half directly, without widening (activations/relu.hpp).
template <class Act, class S>
struct bits_math;
template <class Act, class S>
inline constexpr bool has_bits_math = false;

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

// The families' vector parts.
#define RECTIFY_DETAIL_VECTOR_MATH 1
#include "../activations/list.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

// A user type's vector hook: both members, callable on float batches of this file's arch.
template <class Act>
concept user_vector_math = requires(const Act& act, const batch<float>& b) {
    { act.vector_forward(b) } -> std::convertible_to<batch<float>>;
    { act.vector_backward(b, b) } -> std::convertible_to<batch<float>>;
};

template <class Act, class T>
struct user_batch_math {
    Act act;
    explicit user_batch_math(const Act& a) : act(a) {}
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> forward(const xsimd::batch<T, A>& x) const {
        return act.vector_forward(x);
    }
    template <class A>
    RECTIFY_DETAIL_ALWAYS_INLINE xsimd::batch<T, A> backward(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& dy) const {
        return act.vector_backward(x, dy);
    }
};

// Whether Act has vector math, and which.
template <class Act>
inline constexpr bool has_vector_math = listed_activation<Act> || user_vector_math<Act>;
template <class Act, class T>
using vector_math = std::conditional_t<listed_activation<Act>, batch_math<Act, T>, user_batch_math<Act, T>>;

}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS

#endif  // RECTIFY_DETAIL_SIMD
