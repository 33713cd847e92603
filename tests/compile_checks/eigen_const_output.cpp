// A const Eigen matrix as an output: the array API's message, not a cast error from inside eigen.hpp.
// expect-error: rectify::elu: y is an output and must be writable
#include <rectify/eigen.hpp>

void f(const Eigen::MatrixXf& x, const Eigen::MatrixXf& y) { rectify::elu(x, y); }
