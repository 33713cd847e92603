// src/dispatch/table.hpp — what each per-arch object of rectify::dispatch hands to dispatch.cpp:
// the addresses of the entry points of detail/instances.hpp, compiled for one instruction set.
// Private to the library (not installed).
//
// The table is built from RECTIFY_DETAIL_FOR_EACH_ELEMENT (detail/instances.hpp), the
// element types the rectify::kernels instantiations come from too, so a new element type is added
// there once; the activations come from activations/list.hpp (detail::all_activations).
#pragma once

#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>

#include <rectify/activations.hpp>
#include <rectify/detail/instances.hpp>

namespace rectify::detail::dispatch_table {

template <class Act, class T>
struct activation_entries {
    void (*unchecked_forward)(const Act&, const T*, T*, std::size_t);
    void (*unchecked_backward)(const Act&, const T*, const T*, T*, std::size_t);
    // null where the output does not determine the gradient (the list's from_input)
    void (*unchecked_backward_from_output)(const Act&, const T*, const T*, T*, std::size_t);
};

// One activation_entries per listed activation.
template <class T, class List>
struct activation_table;
template <class T, class... Acts>
struct activation_table<T, activation_list<Acts...>> {
    using type = std::tuple<activation_entries<Acts, T>...>;
};

template <class T>
struct element_entries {
    std::size_t lanes;
    typename activation_table<T, all_activations>::type activations;
    void (*checked_prelu)(std::span<const T>, std::span<const T>, std::span<T>, ChannelShape);
    void (*checked_prelu_backward)(std::span<const T>, std::span<const T>, std::span<const T>, std::span<T>,
                                   std::span<T>, ChannelShape);
};

template <class Act, class T>
constexpr const activation_entries<Act, T>& entries_for(const element_entries<T>& e) {
    return std::get<activation_entries<Act, T>>(e.activations);
}

#define RECTIFY_DETAIL_DISPATCH_ENTRIES(T) element_entries<T>,
struct table {
    const char* name;  // what simd_arch_name() answers: xsimd's name of the arch
    // One element_entries per element type, then a placeholder that ends the list.
    std::tuple<RECTIFY_DETAIL_FOR_EACH_ELEMENT(RECTIFY_DETAIL_DISPATCH_ENTRIES) std::nullptr_t> elements;
};
#undef RECTIFY_DETAIL_DISPATCH_ENTRIES

}  // namespace rectify::detail::dispatch_table

// The per-arch objects' only external symbols (src/dispatch/CMakeLists.txt keeps them global and
// makes everything else local).
extern "C" {
extern const rectify::detail::dispatch_table::table rectify_dispatch_table_sse2;
extern const rectify::detail::dispatch_table::table rectify_dispatch_table_avx2;
extern const rectify::detail::dispatch_table::table rectify_dispatch_table_avx512;
}
