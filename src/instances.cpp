// The rectify::kernels library: every instantiation that detail/instances.hpp declares extern,
// compiled once, with the flags of this target (CMake: the project's CMAKE_CXX_FLAGS and the
// options given to rectify_kernels), so the files that link rectify::kernels skip them.
#define RECTIFY_DETAIL_DEFINE_INSTANCES
#include <rectify/rectify.hpp>  // includes detail/instances.hpp, here as explicit instantiations

namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS {
const char* kernels_arch_name() { return arch_name(); }
// bfloat16 and half are computed in float: they have float's lanes (as rectify::dispatch says).
std::size_t kernels_lanes(std::size_t element_size) { return element_size == sizeof(double) ? lanes<double> : lanes<float>; }
}  // namespace rectify::detail::inline RECTIFY_DETAIL_ENTRY_NS
