// An expression as an output: it has no storage to write into.
// expect-error: rectify::forward: y is an output and must be an Eigen object with storage
#include <rectify/eigen.hpp>

void f(const Eigen::ArrayXf& x, Eigen::ArrayXf& y) { rectify::forward(rectify::SiLU{}, x, y * 2.0f); }
