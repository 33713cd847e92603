// src/dispatch/arch.cpp — rectify's kernels compiled for one instruction set, as a table of entry
// points (table.hpp). Compiled once per arch of rectify::dispatch (src/dispatch/CMakeLists.txt),
// header-only, with that arch's flags: the kernels are exactly those of a header-only file built
// with the same flags. RECTIFY_DISPATCH_TABLE names the table, the object's only global symbol.
#include <rectify/rectify.hpp>

#include "table.hpp"

// The entry points, instantiated here (the table below takes their addresses in a constant
// expression, which alone does not make GCC emit them).
#define RECTIFY_DETAIL_PREFIX template
namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS {
RECTIFY_DETAIL_ALL_INSTANCES
}  // namespace rectify::detail::inline RECTIFY_DETAIL_ARCH_NS
#undef RECTIFY_DETAIL_PREFIX

namespace {

using namespace rectify::detail::dispatch_table;
namespace d = rectify::detail;

template <class Act, class T>
constexpr activation_entries<Act, T> activation() {
    activation_entries<Act, T> e{&d::unchecked_forward<Act, T>, &d::unchecked_backward<Act, T>, nullptr};
    if constexpr (rectify::has_backward_from_output<Act>)
        e.unchecked_backward_from_output = &d::unchecked_backward_from_output<Act, T>;
    return e;
}

template <class T, class... Acts>
constexpr element_entries<T> element(d::activation_list<Acts...>) {
    return {rectify::simd_width<d::compute_t<T>>,  // 16-bit types: float lanes
            {activation<Acts, T>()...},
            &d::checked_prelu<T>,
            &d::checked_prelu_backward<T>};
}

}  // namespace

#define RECTIFY_DETAIL_DISPATCH_ELEMENT(T) element<T>(d::all_activations{}),
extern "C" __attribute__((visibility("default"))) constinit const table RECTIFY_DISPATCH_TABLE{
    xsimd::default_arch::name(), {RECTIFY_DETAIL_FOR_EACH_ELEMENT(RECTIFY_DETAIL_DISPATCH_ELEMENT) nullptr}};
