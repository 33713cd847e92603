// One call of every activation (forward and backward, float and double, PReLU too): what
// bench/micro/compile_time.cmake times against compile_time_include.cpp and compile_time_baseline.cpp.
#include <rectify/rectify.hpp>
#include <vector>
#include <cstdio>
int main() {
  std::vector<float> x(16, -1.0f), y(16), dy(16, 1.0f), dx(16), w(1, 0.25f), dw(1);
  std::vector<double> xd(16, -1.0), yd(16), dyd(16, 1.0), dxd(16), wd(1, 0.25), dwd(1);
  rectify::relu(x, y); rectify::relu_backward(x, dy, dx);
  rectify::leaky_relu(x, y); rectify::leaky_relu_backward(x, dy, dx);
  rectify::elu(x, y); rectify::elu_backward(x, dy, dx);
  rectify::silu(x, y); rectify::silu_backward(x, dy, dx);
  rectify::prelu(x, w, y, {1, 1, 16}); rectify::prelu_backward(x, w, dy, dx, dw, {1, 1, 16});
  rectify::relu(xd, yd); rectify::relu_backward(xd, dyd, dxd);
  rectify::leaky_relu(xd, yd); rectify::leaky_relu_backward(xd, dyd, dxd);
  rectify::elu(xd, yd); rectify::elu_backward(xd, dyd, dxd);
  rectify::silu(xd, yd); rectify::silu_backward(xd, dyd, dxd);
  rectify::prelu(xd, wd, yd, {1, 1, 16}); rectify::prelu_backward(xd, wd, dyd, dxd, dwd, {1, 1, 16});
  std::printf("%g %g\n", static_cast<double>(y[0]), yd[0]);
}
