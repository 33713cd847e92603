// rectify/detail/instances.hpp — the kernel instantiations that the rectify::kernels library holds.
//
// For the four activation types and the four element types (float, double, bfloat16, half), the
// entry points behind every function of rectify.hpp and training.hpp that runs a kernel (forward,
// backward, the shorthands and their pointer forms, prelu, prelu_backward, backward_from_output).
// With RECTIFY_EXTERN_KERNELS defined (linking rectify::kernels defines it), rectify.hpp declares
// them `extern template` and includes neither their definitions (detail/checked.hpp) nor xsimd: a
// file that calls them parses no kernel and optimizes none, src/instances.cpp compiles them once.
// Without the macro this header is not included and everything is instantiated where it is used,
// as header-only code is. Other activation types are refused with RECTIFY_EXTERN_KERNELS (a
// static_assert says so).
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

// PREFIX is `template` (an explicit instantiation definition) or `extern template`.
#define RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, Act, T)                                                \
    PREFIX void unchecked_forward<Act, T>(const Act&, const T*, T*, std::size_t);                          \
    PREFIX void unchecked_backward<Act, T>(const Act&, const T*, const T*, T*, std::size_t)

#define RECTIFY_DETAIL_TYPE_INSTANCES(PREFIX, T)                                                           \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, ::rectify::ReLU, T);                                       \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, ::rectify::LeakyReLU, T);                                  \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, ::rectify::ELU, T);                                        \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(PREFIX, ::rectify::SiLU, T);                                       \
    PREFIX void checked_prelu<T>(std::span<const T>, std::span<const T>, std::span<T>, ChannelShape);      \
    PREFIX void checked_prelu_backward<T>(std::span<const T>, std::span<const T>, std::span<const T>,      \
                                          std::span<T>, std::span<T>, ChannelShape);                       \
    PREFIX void unchecked_backward_from_output<::rectify::ReLU, T>(const ::rectify::ReLU&, const T*,       \
                                                                   const T*, T*, std::size_t);             \
    PREFIX void unchecked_backward_from_output<::rectify::LeakyReLU, T>(const ::rectify::LeakyReLU&,       \
                                                                        const T*, const T*, T*,            \
                                                                        std::size_t);                      \
    PREFIX void unchecked_backward_from_output<::rectify::ELU, T>(const ::rectify::ELU&, const T*,         \
                                                                  const T*, T*, std::size_t);

#if defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#define RECTIFY_DETAIL_INSTANCE(T) RECTIFY_DETAIL_TYPE_INSTANCES(template, T)
#else
#define RECTIFY_DETAIL_INSTANCE(T) RECTIFY_DETAIL_TYPE_INSTANCES(extern template, T)
#endif

namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {
RECTIFY_DETAIL_FOR_EACH_ELEMENT(RECTIFY_DETAIL_INSTANCE)
}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS

#undef RECTIFY_DETAIL_INSTANCE
