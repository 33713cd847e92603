// A view of const data as an output (a block of a const matrix; a Map<const ...> is refused alike).
// expect-error: rectify::silu_backward: dx is an output and must be writable
#include <rectify/eigen.hpp>

void f(const Eigen::MatrixXf& x, const Eigen::MatrixXf& dy, const Eigen::MatrixXf& dx) {
    rectify::silu_backward(x.col(0), dy.col(0), dx.col(0));
}
