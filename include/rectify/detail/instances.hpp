// rectify/detail/instances.hpp — the kernel instantiations that the rectify::kernels library holds.
//
// For the listed activations (activations/list.hpp) and the four element types (float, double,
// bfloat16, half), the entry points behind every function of rectify.hpp and training.hpp that runs a kernel (forward,
// backward, the shorthands and their pointer forms, prelu, prelu_backward, backward_from_output).
// With RECTIFY_EXTERN_KERNELS defined (linking rectify::kernels defines it), rectify.hpp declares
// them `extern template` and includes neither their definitions (detail/checked.hpp) nor xsimd: a
// file that calls them parses no kernel and optimizes none, src/instances.cpp compiles them once.
// Without the macro this header is not included and everything is instantiated where it is used,
// as header-only code is. Other activation types (a user's own) run on the scalar loop of the
// calling file (detail/scalar_loop.hpp).
#pragma once

#include <cstddef>
#include <span>

#include "../activations.hpp"
#include "../half.hpp"

// The element types the compiled libraries hold, as one list. The instantiations below and
// rectify::dispatch's per-arch tables (src/dispatch/) are generated from it, so a new element type
// is added here once. Both libraries hold all four: a file that links one of them never needs the
// kernels' headers, whatever type it calls.
#define RECTIFY_DETAIL_FOR_EACH_ELEMENT(X) X(float) X(double) X(::rectify::bfloat16) X(::rectify::half)

// PREFIX is `template` (an explicit instantiation definition) or `extern template`. Each listed
// activation (activations/list.hpp) gets forward and backward, and backward_from_output where its
// gradient column says from_output.
#define RECTIFY_DETAIL_FROM_OUTPUT_INSTANCE_from_output(PREFIX, Act, T)                                   \
    PREFIX void unchecked_backward_from_output<Act, T>(const Act&, const T*, const T*, T*, std::size_t);
#define RECTIFY_DETAIL_FROM_OUTPUT_INSTANCE_from_input(PREFIX, Act, T)

#define RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, T, Type, gradient)                                     \
    PREFIX void unchecked_forward<::rectify::Type, T>(const ::rectify::Type&, const T*, T*, std::size_t);  \
    PREFIX void unchecked_backward<::rectify::Type, T>(const ::rectify::Type&, const T*, const T*, T*,     \
                                                       std::size_t);                                       \
    RECTIFY_DETAIL_FROM_OUTPUT_INSTANCE_##gradient(PREFIX, ::rectify::Type, T)

// PReLU's instances of one element type T.
#define RECTIFY_DETAIL_TYPE_INSTANCES(PREFIX, T)                                                           \
    PREFIX void checked_prelu<T>(std::span<const T>, std::span<const T>, std::span<T>, ChannelShape);      \
    PREFIX void checked_prelu_backward<T>(std::span<const T>, std::span<const T>, std::span<const T>,      \
                                          std::span<T>, std::span<T>, ChannelShape);

// Every instance, for every element type and every listed activation, under RECTIFY_DETAIL_PREFIX.
#define RECTIFY_DETAIL_LISTED_INSTANCES(Type, shorthand, gradient, T)                                      \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(RECTIFY_DETAIL_PREFIX, T, Type, gradient)
#define RECTIFY_DETAIL_ELEMENT_INSTANCES(T)                                                                 \
    RECTIFY_DETAIL_TYPE_INSTANCES(RECTIFY_DETAIL_PREFIX, T)                                                 \
    RECTIFY_FOR_EACH_ACTIVATION(RECTIFY_DETAIL_LISTED_INSTANCES, T)
#define RECTIFY_DETAIL_ALL_INSTANCES RECTIFY_DETAIL_FOR_EACH_ELEMENT(RECTIFY_DETAIL_ELEMENT_INSTANCES)

#if defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#define RECTIFY_DETAIL_PREFIX template
#else
#define RECTIFY_DETAIL_PREFIX extern template
#endif

namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {
RECTIFY_DETAIL_ALL_INSTANCES
}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS

#undef RECTIFY_DETAIL_PREFIX
