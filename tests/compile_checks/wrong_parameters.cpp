// A shorthand's parameters that are not the type's members in order: Hardtanh's bounds are numbers
// (min_val, max_val), not a GELU approximation.
// expect-error: rectify::hardtanh: the parameters after the arrays are those of rectify::Hardtanh, in the order of its members
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x, std::vector<float>& y) {
    rectify::hardtanh(x, y, -1.0, rectify::GELU::tanh, 3.0);
}
