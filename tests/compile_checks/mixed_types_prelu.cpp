// PReLU with a double weight for float data.
// expect-error: rectify::prelu_backward: x and weight hold different element types
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x, const std::vector<double>& w, const std::vector<float>& dy,
       std::vector<float>& dx, std::vector<float>& dw) {
    rectify::prelu_backward(x, w, dy, dx, dw, {1, 1, x.size()});
}
