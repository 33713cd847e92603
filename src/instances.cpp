// The rectify::kernels library: every instantiation that detail/instances.hpp declares extern,
// compiled once, with the flags of this target (CMake: the project's CMAKE_CXX_FLAGS and the
// options given to rectify_kernels), so the files that link rectify::kernels skip them.
#define RECTIFY_DETAIL_DEFINE_INSTANCES
#include <rectify/rectify.hpp>  // includes detail/instances.hpp, here as explicit instantiations
