// rectify/detail/checks.hpp — argument checks of the public entry points, and their messages.
//
// Every message starts with the public function's name and gives the sizes it got and what it
// expected; a check runs before anything is written.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "../activations.hpp"
#include "inlining.hpp"

namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {

[[noreturn]] inline void fail(const char* function, const std::string& what) {
    throw std::invalid_argument(std::string(function) + ": " + what);
}

// A failed check's message, built in a cold function of its own: the checks that run on every
// call are a comparison and a branch in the caller, with the string building out of line. With the
// messages built inline GCC kept require_same_size and require_in_place_or_disjoint out of line
// at -O2 with default flags, and a call of rectify::relu through rectify::dispatch made two calls
// more, one with its arguments on the stack. `message` returns the text after "function: "; the
// checks capture by value, so nothing on the passing path needs an address (captured by reference,
// the names were stored to the stack on every call).
template <class Message>
[[noreturn, gnu::cold, gnu::noinline]] void fail_with(const char* function, const Message& message) {
    fail(function, message());
}

RECTIFY_DETAIL_ALWAYS_INLINE void require_same_size(const char* function, const char* a_name, std::size_t a_size,
                                                    const char* b_name, std::size_t b_size) {
    if (a_size != b_size) [[unlikely]]
        fail_with(function, [=] {
            return std::string(a_name) + " has " + std::to_string(a_size) + " elements but " + b_name + " has " +
                   std::to_string(b_size) + "; they must have the same size";
        });
}

// True when the two arrays share memory without starting at the same address.
template <class T, class U>
bool overlap_partially(std::span<T> a, std::span<U> b) {
    if (a.empty() || b.empty()) return false;
    const auto* a0 = reinterpret_cast<const unsigned char*>(a.data());
    const auto* b0 = reinterpret_cast<const unsigned char*>(b.data());
    const auto* a1 = a0 + a.size_bytes();
    const auto* b1 = b0 + b.size_bytes();
    const std::less<const unsigned char*> before;  // a total order, also across arrays
    const bool disjoint = !before(a0, b1) || !before(b0, a1);
    return !disjoint && a0 != b0;
}

template <class T, class U>
bool overlap(std::span<T> a, std::span<U> b) {
    return overlap_partially(a, b) || (!a.empty() && !b.empty() && static_cast<const void*>(a.data()) ==
                                                                        static_cast<const void*>(b.data()));
}

// Outputs may be the very same array as an input (in place) but must not overlap one partially.
template <class T, class U>
RECTIFY_DETAIL_ALWAYS_INLINE void require_in_place_or_disjoint(const char* function, const char* out_name,
                                                               std::span<T> out, const char* in_name,
                                                               std::span<U> in) {
    if (overlap_partially(out, in)) [[unlikely]]
        fail_with(function, [=] {
            return std::string(out_name) + " overlaps " + in_name +
                   " partially; pass the same array (in place) or arrays that do not overlap";
        });
}

template <class T, class U>
RECTIFY_DETAIL_ALWAYS_INLINE void require_disjoint(const char* function, const char* out_name, std::span<T> out,
                                                   const char* in_name, std::span<U> in) {
    if (overlap(out, in)) [[unlikely]]
        fail_with(function, [=] {
            return std::string(out_name) + " overlaps " + in_name + "; it must be a separate array";
        });
}

inline std::string describe(ChannelShape s) {
    return "{outer = " + std::to_string(s.outer) + ", channels = " + std::to_string(s.channels) +
           ", inner = " + std::to_string(s.inner) + "}";
}

// The shape must count its elements without overflow and cover x exactly; the weight is shared
// (one element) or one per channel.
inline void require_prelu_shape(const char* function, ChannelShape s, std::size_t x_size, std::size_t weight_size) {
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    if ((s.channels != 0 && s.outer > max / s.channels) ||
        (s.inner != 0 && s.outer * s.channels > max / s.inner))
        fail(function, "shape " + describe(s) + " has more elements than std::size_t can count");
    const std::size_t count = s.outer * s.channels * s.inner;
    if (count != x_size)
        fail(function, "shape " + describe(s) + " covers " + std::to_string(count) + " elements but x has " +
                           std::to_string(x_size));
    if (weight_size != 1 && weight_size != s.channels)
        fail(function, "weight has " + std::to_string(weight_size) + " elements; expected 1 (shared) or channels = " +
                           std::to_string(s.channels));
}

}  // namespace rectify::detail
