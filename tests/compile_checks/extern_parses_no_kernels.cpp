// With RECTIFY_EXTERN_KERNELS (rectify::kernels), rectify.hpp, and training.hpp through it, must
// parse neither xsimd nor the kernels: that is where a file's compile time went.
#include <rectify/rectify.hpp>

#if defined(XSIMD_VERSION_MAJOR) || defined(RECTIFY_DETAIL_SIMD)
#error "rectify.hpp included xsimd or the kernels although RECTIFY_EXTERN_KERNELS is defined"
#endif

#include <vector>

void calls(std::vector<float>& x) {
    rectify::silu(x, x);
    rectify::backward_from_output(rectify::ReLU{}, x, x, x);
}
