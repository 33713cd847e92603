// The same through PReLU's second output.
// expect-error: rectify::prelu_backward: dweight is a temporary that owns its elements
#include <rectify/eigen.hpp>

void f(const Eigen::MatrixXd& x, const Eigen::VectorXd& w, const Eigen::MatrixXd& dy, Eigen::MatrixXd& dx,
       rectify::ChannelShape shape) {
    rectify::prelu_backward(x, w, dy, dx, Eigen::VectorXd(w.size()), shape);
}
