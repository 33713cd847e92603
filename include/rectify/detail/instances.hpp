// rectify/detail/instances.hpp — the kernel instantiations that the rectify::kernels library holds.
//
// For the four activation types and float and double, the entry points behind every function of
// rectify.hpp and training.hpp that runs a kernel (forward, backward, the shorthands and their
// pointer forms, prelu, prelu_backward, backward_from_output). With RECTIFY_EXTERN_KERNELS defined (linking rectify::kernels defines it),
// rectify.hpp declares them `extern template` and includes neither their definitions
// (detail/checked.hpp) nor xsimd: a file that calls them parses no kernel and optimizes none,
// src/instances.cpp compiles them once. Without the macro this header
// is not included and everything is instantiated where it is used, as header-only code is.
// Other activation types are refused with RECTIFY_EXTERN_KERNELS (a static_assert says so).
#pragma once

#include <cstddef>
#include <span>

#include "../activations.hpp"

#if defined(RECTIFY_DETAIL_DEFINE_INSTANCES)
#define RECTIFY_DETAIL_INSTANCE template
#else
#define RECTIFY_DETAIL_INSTANCE extern template
#endif

#define RECTIFY_DETAIL_ACTIVATION_INSTANCES(Act, T)                                                        \
    RECTIFY_DETAIL_INSTANCE void checked_forward<Act, T>(const char*, const Act&, std::span<const T>,       \
                                                         std::span<T>);                                     \
    RECTIFY_DETAIL_INSTANCE void checked_backward<Act, T>(const char*, const Act&, std::span<const T>,      \
                                                          std::span<const T>, std::span<T>);                \
    RECTIFY_DETAIL_INSTANCE void unchecked_forward<Act, T>(const Act&, const T*, T*, std::size_t);          \
    RECTIFY_DETAIL_INSTANCE void unchecked_backward<Act, T>(const Act&, const T*, const T*, T*, std::size_t)

#define RECTIFY_DETAIL_TYPE_INSTANCES(T)                                                                   \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::ReLU, T);                                               \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::LeakyReLU, T);                                          \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::ELU, T);                                                \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::SiLU, T);                                               \
    RECTIFY_DETAIL_INSTANCE void checked_prelu<T>(std::span<const T>, std::span<const T>, std::span<T>,    \
                                                  ChannelShape);                                           \
    RECTIFY_DETAIL_INSTANCE void checked_prelu_backward<T>(std::span<const T>, std::span<const T>,         \
                                                           std::span<const T>, std::span<T>, std::span<T>, \
                                                           ChannelShape);                                  \
    RECTIFY_DETAIL_INSTANCE void unchecked_backward_from_output<::rectify::ReLU, T>(                       \
        const ::rectify::ReLU&, const T*, const T*, T*, std::size_t);                                      \
    RECTIFY_DETAIL_INSTANCE void unchecked_backward_from_output<::rectify::LeakyReLU, T>(                  \
        const ::rectify::LeakyReLU&, const T*, const T*, T*, std::size_t);                                 \
    RECTIFY_DETAIL_INSTANCE void unchecked_backward_from_output<::rectify::ELU, T>(                        \
        const ::rectify::ELU&, const T*, const T*, T*, std::size_t)

namespace rectify::detail {
RECTIFY_DETAIL_TYPE_INSTANCES(float);
RECTIFY_DETAIL_TYPE_INSTANCES(double);
}  // namespace rectify::detail

#undef RECTIFY_DETAIL_TYPE_INSTANCES
#undef RECTIFY_DETAIL_ACTIVATION_INSTANCES
#undef RECTIFY_DETAIL_INSTANCE
