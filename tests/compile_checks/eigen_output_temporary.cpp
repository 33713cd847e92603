// A temporary Eigen vector as an output: it owns its elements, so the result would be thrown away.
// expect-error: rectify::relu: y is a temporary that owns its elements, so the result would be thrown away
#include <rectify/eigen.hpp>

void f(const Eigen::VectorXf& x) { rectify::relu(x, Eigen::VectorXf(x.size())); }
