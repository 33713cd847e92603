// src/dispatch/dispatch.cpp — rectify::dispatch: the entry points of detail/instances.hpp (in
// rectify::detail::dispatched), each forwarding to the kernels of the arch chosen at run time.
//
// Compiled with the consumer's default flags (no -m flags): nothing here is vector code. The
// per-arch tables come from arch.cpp, compiled once per arch. The choice is made once, at the first
// call (a function-local static: thread-safe), from the CPU's features and RECTIFY_ARCH:
//   unset or empty        the widest arch this CPU runs: avx512, else avx2, else sse2;
//   sse2 | avx2 | avx512  that arch; one this CPU cannot run is an error (below);
//   anything else         an error.
// An error is a std::runtime_error naming the value and the arches this CPU has, thrown by the
// call that made the choice, and again by every later call (the choice is retried, never guessed).
#include <rectify/rectify.hpp>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <tuple>
#include <string>
#include <string_view>

#include "table.hpp"

namespace rectify::detail::dispatch_table {
namespace {

struct arch_option {
    std::string_view name;  // the RECTIFY_ARCH value
    const table* kernels;
    bool (*runs_here)();
};

bool has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool has_avx512() {
    __builtin_cpu_init();
    // The flags arch.cpp is compiled with for avx512 (src/dispatch/CMakeLists.txt).
    return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}
bool always() { return true; }

// Widest first. constexpr: constant-initialized, so usable from other files' static initializers
// (simd_width<T> is one).
constexpr arch_option options[] = {
    {"avx512", &rectify_dispatch_table_avx512, has_avx512},
    {"avx2", &rectify_dispatch_table_avx2, has_avx2},
    {"sse2", &rectify_dispatch_table_sse2, always},
};

std::string available() {
    std::string list;
    for (const auto& o : options)
        if (o.runs_here()) list += (list.empty() ? "" : ", ") + std::string(o.name);
    return list;
}

const table* choose() {
    const char* forced = std::getenv("RECTIFY_ARCH");
    if (forced == nullptr || *forced == '\0') {
        for (const auto& o : options)
            if (o.runs_here()) return o.kernels;
    }
    for (const auto& o : options) {
        if (o.name != forced) continue;
        if (o.runs_here()) return o.kernels;
        throw std::runtime_error("rectify::dispatch: RECTIFY_ARCH=" + std::string(forced) +
                                 " asks for kernels this CPU cannot run; it runs " + available());
    }
    throw std::runtime_error("rectify::dispatch: RECTIFY_ARCH=" + std::string(forced) +
                             " is not an arch of rectify::dispatch (sse2, avx2, avx512; unset: the widest "
                             "this CPU runs, of " + available() + ")");
}

// The chosen table, once chosen: every call reads it with one load (the function-local static's
// guard and the call to it cost a call of ReLU on 4K floats 5 % more instructions). Null until the
// choice succeeds, so an invalid RECTIFY_ARCH keeps throwing from choose_once().
std::atomic<const table*> chosen_table{nullptr};

[[gnu::noinline, gnu::cold]] const table& choose_once() {
    static const table* const kernels = choose();  // thread-safe; retried while it throws
    chosen_table.store(kernels, std::memory_order_release);
    return *kernels;
}

inline const table& chosen() {
    const table* kernels = chosen_table.load(std::memory_order_acquire);
    if (kernels != nullptr) [[likely]]
        return *kernels;
    return choose_once();
}

template <class T>
const element_entries<T>& elements() {
    return std::get<element_entries<T>>(chosen().elements);
}

// simd_width<T>: the lanes of the element type of that size.
template <class T>
bool lanes_for(std::size_t element_size, const element_entries<T>& e, std::size_t& lanes) {
    if (sizeof(T) != element_size) return false;
    lanes = e.lanes;
    return true;
}
inline bool lanes_for(std::size_t, std::nullptr_t, std::size_t&) { return false; }

}  // namespace
}  // namespace rectify::detail::dispatch_table

namespace rectify::detail::inline dispatched {

namespace dt = dispatch_table;

template <class T>
void checked_prelu(std::span<const T> xs, std::span<const T> ws, std::span<T> ys, ChannelShape shape) {
    dt::elements<T>().checked_prelu(xs, ws, ys, shape);
}
template <class T>
void checked_prelu_backward(std::span<const T> xs, std::span<const T> ws, std::span<const T> dys, std::span<T> dxs,
                            std::span<T> dws, ChannelShape shape) {
    dt::elements<T>().checked_prelu_backward(xs, ws, dys, dxs, dws, shape);
}
template <class Act, class T>
void unchecked_forward(const Act& act, const T* x, T* y, std::size_t n) {
    dt::entries_for<Act>(dt::elements<T>()).unchecked_forward(act, x, y, n);
}
template <class Act, class T>
void unchecked_backward(const Act& act, const T* x, const T* dy, T* dx, std::size_t n) {
    dt::entries_for<Act>(dt::elements<T>()).unchecked_backward(act, x, dy, dx, n);
}
template <class Act, class T>
void unchecked_backward_from_output(const Act& act, const T* y, const T* dy, T* dx, std::size_t n) {
    dt::entries_for<Act>(dt::elements<T>()).unchecked_backward_from_output(act, y, dy, dx, n);
}

#define RECTIFY_DETAIL_PREFIX template
RECTIFY_DETAIL_ALL_INSTANCES
#undef RECTIFY_DETAIL_PREFIX

const char* kernels_arch_name() { return dt::chosen().name; }

// simd_width<T> is initialized when the program starts, where an exception would terminate it: with
// an invalid RECTIFY_ARCH it is 0, and the kernel calls throw.
std::size_t kernels_lanes(std::size_t element_size) {
    std::size_t lanes = 0;
    try {
        std::apply([&](const auto&... e) { (dt::lanes_for(element_size, e, lanes) || ...); }, dt::chosen().elements);
    } catch (const std::runtime_error&) {
        return 0;
    }
    return lanes;
}

}  // namespace rectify::detail::inline dispatched
