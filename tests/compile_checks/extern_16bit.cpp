// 16-bit arrays with RECTIFY_EXTERN_KERNELS: rectify::kernels holds float and double only.
// expect-error: rectify::relu: rectify::kernels \(RECTIFY_EXTERN_KERNELS\) holds the float and double kernels only
#include <rectify/rectify.hpp>

#include <vector>

int main() {
    std::vector<rectify::bfloat16> x(4), y(4);
    rectify::relu(x, y);
}
