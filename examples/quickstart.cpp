// rectify quick start: every activation, forward and backward, on small arrays.
//
// Build it like any program that uses rectify (CMake: target_link_libraries(app PRIVATE
// rectify::rectify)) and run it; it prints the examples of the documentation.
#include <rectify/rectify.hpp>

#include <iomanip>
#include <iostream>
#include <span>
#include <string_view>
#include <vector>

// Prints "name = [a, b, c]".
static void print(std::string_view name, std::span<const float> values) {
    std::cout << name << " = [";
    for (std::size_t i = 0; i < values.size(); ++i) std::cout << (i ? ", " : "") << values[i];
    std::cout << "]\n";
}

int main() {
    // Four significant digits: plenty to read, and ELU/SiLU results that differ in the last
    // bit between SIMD widths (within the documented ULP bound) print the same.
    std::cout << std::setprecision(4);

    // --- ReLU: y = x < 0 ? 0 : x --------------------------------------------------------
    // Inputs and outputs are contiguous ranges (std::vector, std::array, std::span) of float
    // or double of the same size; a size mismatch throws std::invalid_argument.
    std::vector<float> x = {-5.0f, 0.0f, 5.0f, -1.2f};
    std::vector<float> y(x.size());
    rectify::relu(x, y);
    print("relu([-5, 0, 5, -1.2])", y);  // [0, 0, 5, 0]

    x = {-3.0f, -1.0f, 0.0f, 2.0f, 5.0f};
    y.resize(x.size());
    rectify::relu(x, y);
    print("relu([-3, -1, 0, 2, 5])", y);  // [0, 0, 0, 2, 5]

    // Backward: dx = f'(x) * dy, where dy is the gradient that arrives from the next layer.
    // The gradient of ReLU is 0 for x <= 0 and 1 above.
    x = {-1.0f, 2.0f};
    std::vector<float> dy = {1.0f, 1.0f};
    std::vector<float> dx(x.size());
    rectify::relu_backward(x, dy, dx);
    print("relu'([-1, 2]) * [1, 1]", dx);  // [0, 1]: the gradient at x = -1 is 0

    // --- Leaky ReLU: y = x > 0 ? x : negative_slope * x (PyTorch's default slope: 0.01) ----
    x = {10.0f, -5.0f, 0.0f};
    y.resize(x.size());
    rectify::leaky_relu(x, y, 0.1);
    print("leaky_relu([10, -5, 0], 0.1)", y);  // [10, -0.5, 0]

    dy.assign(x.size(), 1.0f);
    dx.resize(x.size());
    rectify::leaky_relu_backward(x, dy, dx, 0.1);
    print("leaky_relu'([10, -5, 0], 0.1) * 1", dx);  // [1, 0.1, 0.1]

    // --- ELU: y = x > 0 ? x : alpha * (exp(x) - 1), default alpha 1 (an accurate expm1) -----
    x = {-2.0f, -1.0f, 0.0f, 1.0f, 2.0f};
    y.resize(x.size());
    rectify::elu(x, y);
    print("elu([-2, -1, 0, 1, 2])", y);  // [-0.8647, -0.6321, 0, 1, 2]

    dy.assign(x.size(), 1.0f);
    dx.resize(x.size());
    rectify::elu_backward(x, dy, dx);
    print("elu'([-2, -1, 0, 1, 2]) * 1", dx);  // [0.1353, 0.3679, 1, 1, 1]: alpha * exp(x), 1 above 0

    // --- SiLU (swish): y = x * sigmoid(x) -------------------------------------------------
    rectify::silu(x, y);
    print("silu([-2, -1, 0, 1, 2])", y);  // [-0.2384, -0.2689, 0, 0.7311, 1.762]

    rectify::silu_backward(x, dy, dx);
    print("silu'([-2, -1, 0, 1, 2]) * 1", dx);  // [-0.09078, 0.07233, 0.5, 0.9277, 1.091]

    // --- The generic form: any activation object, in place ---------------------------------
    // forward(activation, x, y) is what the named functions call; y may be x itself.
    std::vector<double> v = {-1.0, 0.5, 3.0};
    rectify::forward(rectify::ELU{0.5}, std::span<const double>(v), std::span<double>(v));
    std::cout << "elu([-1, 0.5, 3], alpha = 0.5) in place = [" << v[0] << ", " << v[1] << ", "
              << v[2] << "]\n";  // [-0.3161, 0.5, 3]

    // The activation types also hold the scalar math, for one value at a time.
    std::cout << "SiLU{}(1.0) = " << rectify::SiLU{}(1.0) << "\n";  // 0.7311

    // --- PReLU: a Leaky ReLU whose slope is a learned weight, one per channel ---------------
    // x is read as [outer][channels][inner]: an NCHW tensor [N, C, H, W] is {N, C, H * W}.
    // Here: a batch of 1, 2 channels of 3 values; nn.PReLU starts its weights at 0.25.
    x = {-4.0f, -1.0f, 2.0f,    // channel 0
         -2.0f, 0.0f, 3.0f};    // channel 1
    std::vector<float> weight = {0.25f, 0.25f};
    const rectify::ChannelShape shape{1, 2, 3};
    y.resize(x.size());
    rectify::prelu(x, weight, y, shape);
    print("prelu([-4, -1, 2, -2, 0, 3], weight 0.25)", y);  // [-1, -0.25, 2, -0.5, 0, 3]

    // Backward gives dx and the gradient of each weight: the sum of x * dy over the
    // elements of its channel that are not > 0.
    dy.assign(x.size(), 1.0f);
    dx.resize(x.size());
    std::vector<float> dweight(weight.size());
    rectify::prelu_backward(x, weight, dy, dx, dweight, shape);
    print("prelu' dx", dx);            // [0.25, 0.25, 1, 0.25, 0.25, 1]
    print("prelu' dweight", dweight);  // [-5, -2]
}
