// An output of int.
// expect-error: rectify::leaky_relu_backward: dx must hold float, double, rectify::bfloat16 or rectify::half
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x, const std::vector<float>& dy, std::vector<int>& dx) {
    rectify::leaky_relu_backward(x, dy, dx);
}
