// PReLU's slopes are weights: watch them learn, one per channel.
//
// PReLU is a Leaky ReLU whose negative slope is learned, one per channel (PyTorch's
// nn.PReLU(num_parameters=C) starts them all at 0.25). Here a "teacher" PReLU with known slopes
// produces targets from random feature maps, and a "student" PReLU, starting at 0.25, learns its
// slopes from the targets alone by gradient descent on the mean squared error. The program prints
// the slopes as they move from 0.25 to the teacher's, and exits with status 1 if any slope ends
// more than 0.01 from it.
//
// What to copy: the tensor layout (ChannelShape), rectify::prelu for the forward pass and
// rectify::prelu_backward for both gradients — dx for the layers below, dweight for the slopes.
#include <rectify/eigen.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

int main() {
    // A batch of 1-D feature maps, as a convolution produces them: [batch, channels, length]
    // (NCL), stored row-major with one sample per row. ChannelShape reads memory as
    // [outer][channels][inner]: here {batch, channels, length}.
    constexpr int batch = 32, channels = 5, length = 20;
    using Maps = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const rectify::ChannelShape shape{batch, channels, length};

    // The teacher's slopes: 0 (a ReLU), PyTorch's default, a steeper one, the identity, and a
    // negative one — PReLU may learn any slope; a negative one makes the unit non-monotonic.
    Eigen::VectorXf teacher(channels);
    teacher << 0.0f, 0.25f, 0.6f, 1.0f, -0.3f;
    Eigen::VectorXf slopes = Eigen::VectorXf::Constant(channels, 0.25f);  // nn.PReLU's start
    Eigen::VectorXf velocity = Eigen::VectorXf::Zero(channels);
    const float learning_rate = 0.3f, momentum = 0.5f;

    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Maps x(batch, channels * length), target(batch, channels * length);
    Maps y(batch, channels * length), dy(batch, channels * length), dx(batch, channels * length);
    Eigen::VectorXf dslopes(channels);

    std::printf("step  slopes (channel 0..%d; the teacher's: 0, 0.25, 0.6, 1, -0.3)\n", channels - 1);
    constexpr int steps = 100;
    for (int step = 0; step <= steps; ++step) {
        // Fresh data each step: random feature maps, targets from the teacher plus a little noise.
        x = x.unaryExpr([&](float) { return normal(rng); });
        rectify::prelu(x, teacher, target, shape);
        target += 0.05f * Maps::NullaryExpr(batch, channels * length, [&] { return normal(rng); });

        // Forward, loss L = mean((y - target)^2), and dL/dy.
        rectify::prelu(x, slopes, y, shape);
        dy = (2.0f / static_cast<float>(y.size())) * (y - target);

        // Backward: dx is what the layer below would receive (unused here); dslopes[c] is
        // the sum of x * dy over the elements of channel c where x <= 0.
        rectify::prelu_backward(x, slopes, dy, dx, dslopes, shape);

        if (step % 20 == 0 || step == 1 || step == 2 || step == 5 || step == 10) {
            std::printf("%4d ", step);
            for (int c = 0; c < channels; ++c) std::printf(" %7.4f", slopes(c));
            std::printf("   loss %.5f\n", (y - target).squaredNorm() / static_cast<float>(y.size()));
        }
        // SGD with momentum on the slopes (no weight decay on them, as PyTorch advises for PReLU).
        velocity = momentum * velocity + dslopes;
        slopes -= learning_rate * velocity;
    }

    const float worst = (slopes - teacher).cwiseAbs().maxCoeff();
    std::printf("largest distance to the teacher's slopes: %.4f\n", worst);
    return worst <= 0.01f ? EXIT_SUCCESS : EXIT_FAILURE;
}
