// The same through the generic entry point and a backward.
// expect-error: rectify::backward: dx is a temporary that owns its elements
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<double>& x, const std::vector<double>& dy) {
    rectify::backward(rectify::SiLU{}, x, dy, std::vector<double>(x.size()));
}
