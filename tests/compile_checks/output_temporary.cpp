// An output that is a temporary owning its elements: the result would be thrown away.
// expect-error: rectify::relu: y is a temporary that owns its elements, so the result would be thrown away
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::vector<float>& x) { rectify::relu(x, std::vector<float>(x.size())); }
