// A range whose elements are not contiguous in memory.
// expect-error: rectify::silu: x must be a contiguous sized range
#include <list>
#include <rectify/rectify.hpp>
#include <vector>

void f(const std::list<float>& x, std::vector<float>& y) { rectify::silu(x, y); }
