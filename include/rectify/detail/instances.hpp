// rectify/detail/instances.hpp — the kernel instantiations that the rectify::kernels library holds.
//
// For the four activation types and float and double, the checked entry points behind every
// range, span and named function of rectify.hpp (forward, backward, the shorthands, prelu,
// prelu_backward). With RECTIFY_EXTERN_KERNELS defined (linking rectify::kernels defines it),
// rectify.hpp declares them `extern template`: a file that calls them does not instantiate and
// optimize the SIMD kernels again, src/instances.cpp does it once. Without the macro this header
// is not included and everything is instantiated where it is used, as header-only code is.
// The pointer forms and user-defined activation types are always instantiated where they are used.
#pragma once

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
                                                          std::span<const T>, std::span<T>)

#define RECTIFY_DETAIL_TYPE_INSTANCES(T)                                                                   \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::ReLU, T);                                               \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::LeakyReLU, T);                                          \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::ELU, T);                                                \
    RECTIFY_DETAIL_ACTIVATION_INSTANCES(::rectify::SiLU, T);                                               \
    RECTIFY_DETAIL_INSTANCE void checked_prelu<T>(std::span<const T>, std::span<const T>, std::span<T>,    \
                                                  ChannelShape);                                           \
    RECTIFY_DETAIL_INSTANCE void checked_prelu_backward<T>(std::span<const T>, std::span<const T>,         \
                                                           std::span<const T>, std::span<T>, std::span<T>, \
                                                           ChannelShape)

namespace rectify::detail {
RECTIFY_DETAIL_TYPE_INSTANCES(float);
RECTIFY_DETAIL_TYPE_INSTANCES(double);
}  // namespace rectify::detail

#undef RECTIFY_DETAIL_TYPE_INSTANCES
#undef RECTIFY_DETAIL_ACTIVATION_INSTANCES
#undef RECTIFY_DETAIL_INSTANCE
