// A const output.
// expect-error: rectify::elu: y is an output and must be writable
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x, const std::vector<float>& y) { rectify::elu(x, y); }
