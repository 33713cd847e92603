// float input, double output.
// expect-error: rectify::relu: x and y hold different element types
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x, std::vector<double>& y) { rectify::relu(x, y); }
