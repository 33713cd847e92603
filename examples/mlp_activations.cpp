// Training a small neural network with rectify and Eigen, once per activation.
//
// A multilayer perceptron with two hidden layers learns to tell apart the three arms of a
// spiral (a classic toy problem that no linear model can solve), with full-batch gradient descent
// with momentum. The program trains it with ReLU, Leaky ReLU, PReLU (slopes learned per unit), ELU
// and SiLU, and prints for each the final loss and accuracy, the time per epoch, and the fraction
// of hidden units that never fired (the "dying ReLU" monitor).
//
// What to copy from here into your own training code:
//   - He initialisation with the activation's gain (rectify::kaiming_uniform, rectify::gain);
//   - the activation on Eigen matrices, in place (rectify::forward(act, a, a)) or inside an Eigen
//     expression (z.unaryExpr(rectify::eigen::op(act)));
//   - the backward pass: from the saved output where the activation allows it (no pre-activation
//     kept: rectify::backward_from_output), else from the pre-activation (rectify::eigen::grad_op);
//   - PReLU with learned slopes (rectify::prelu, rectify::prelu_backward);
//   - rectify::dead_units to watch for units that stopped learning.
//
// Usage: mlp_activations [--epochs N] [--clip MAX_NORM]
//   --clip rescales the whole gradient to at most MAX_NORM (L2 norm over all parameters) before
//   each step. Exits with status 1 if any activation ends below 95 % training accuracy.
#include <rectify/eigen.hpp>

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

// Column-major float matrices with one sample per column: a layer is z = W * x + b.
using Matrix = Eigen::MatrixXf;
using Vector = Eigen::VectorXf;

// ---- the data ---------------------------------------------------------------------------------

struct Dataset {
    Matrix x;                 // 2 x samples
    std::vector<int> labels;  // one class per sample
};

// Three interleaved spiral arms of `per_class` points each, with a little angular noise.
Dataset make_spiral(int per_class, std::mt19937& rng) {
    constexpr int classes = 3;
    std::normal_distribution<float> noise(0.0f, 0.2f);
    Dataset d{Matrix(2, per_class * classes), {}};
    for (int c = 0; c < classes; ++c) {
        for (int i = 0; i < per_class; ++i) {
            const float radius = static_cast<float>(i) / static_cast<float>(per_class - 1);
            const float angle = 4.0f * (static_cast<float>(c) + radius) + noise(rng);
            d.x.col(c * per_class + i) << radius * std::sin(angle), radius * std::cos(angle);
            d.labels.push_back(c);
        }
    }
    return d;
}

// ---- the layers -------------------------------------------------------------------------------

// PReLU is Leaky ReLU with a learned slope per unit; rectify has no activation object for it
// (its slopes are a tensor), so this example gives it a small tag of its own.
struct PReLU {
    float initial_slope = 0.25f;  // nn.PReLU's default
};

// The activation whose gain He initialisation uses: PReLU starts as a Leaky ReLU with its initial
// slope (PyTorch users write kaiming_uniform_(w, a=0.25) for the same).
template <class Act>
auto init_activation(const Act& act) {
    if constexpr (std::is_same_v<Act, PReLU>) return rectify::LeakyReLU{act.initial_slope};
    else return act;
}

// A parameter with its gradient and its momentum buffer.
template <class M>
struct Parameter {
    M value, grad, velocity;

    explicit Parameter(M init) : value(std::move(init)) {
        grad = M::Zero(value.rows(), value.cols());
        velocity = M::Zero(value.rows(), value.cols());
    }
    // SGD with momentum, as torch.optim.SGD: v = mu * v + g; w -= lr * v.
    void step(float learning_rate, float momentum) {
        velocity = momentum * velocity + grad;
        value -= learning_rate * velocity;
    }
};

// z = W * x + b. W is [outputs x inputs], as PyTorch's Linear; the biases start at 0.
struct Linear {
    Parameter<Matrix> w;
    Parameter<Vector> b;

    Linear(int inputs, int outputs) : w(Matrix::Zero(outputs, inputs)), b(Vector::Zero(outputs)) {}

    // dW = dz * x^T, db = sum of dz over the batch; returns dx = W^T * dz.
    Matrix backward(const Matrix& x, const Matrix& dz) {
        w.grad.noalias() = dz * x.transpose();
        b.grad = dz.rowwise().sum();
        return w.value.transpose() * dz;
    }
};

// A fully connected layer followed by the activation. What it keeps for the backward pass depends
// on the activation:
//   ReLU, Leaky ReLU, ELU: only the output a = f(W x + b), computed in place over W x + b — the
//     output determines the gradient (rectify::backward_from_output);
//   SiLU: the pre-activation z (silu is not monotonic: one output, two inputs);
//   PReLU: z, and the slopes as a parameter.
template <class Act>
struct Hidden {
    Linear linear;
    Act act;
    Matrix z;  // pre-activations, units x batch (only where the backward pass needs them)
    Matrix a;  // activations, units x batch
    Parameter<Vector> slopes{Vector()};  // PReLU only

    Hidden(int inputs, int units, const Act& activation, std::mt19937& rng) : linear(inputs, units), act(activation) {
        // He initialisation for the activation that follows: U(-b, b) with b = gain * sqrt(3 / inputs),
        // so the signal keeps its scale through the layers.
        rectify::kaiming_uniform(init_activation(activation), linear.w.value, rng);
        if constexpr (std::is_same_v<Act, PReLU>)
            slopes = Parameter<Vector>(Vector::Constant(units, activation.initial_slope));
    }

    const Matrix& forward(const Matrix& x) {
        // z = W x + b: Eigen's matrix product, then the bias added in place, column by column.
        // (Both are vectorized; Eigen 3.4 does not vectorize the broadcast inside an expression such
        // as ((W * x).colwise() + b).unaryExpr(...), which then runs one element at a time.)
        Matrix& pre = rectify::has_backward_from_output<Act> ? a : z;
        pre.noalias() = linear.w.value * x;
        pre.colwise() += linear.b.value;
        if constexpr (rectify::has_backward_from_output<Act>) {
            // In place: f(z) overwrites z, through rectify's SIMD kernel. The pre-activation is
            // gone, and the backward pass needs only the output (backward_from_output).
            rectify::forward(act, a, a);
        } else if constexpr (std::is_same_v<Act, PReLU>) {
            a.resize(z.rows(), z.cols());
            // z is units x batch, column-major: in memory [batch][units], so the units are
            // PReLU's channels: ChannelShape{outer = batch, channels = units, inner = 1}.
            rectify::prelu(z, slopes.value, a, channel_shape());
        } else {
            // rectify's activation inside an Eigen expression, vectorized by Eigen.
            a = z.unaryExpr(rectify::eigen::op(act));
        }
        return a;
    }

    // da = dL/da; returns dL/dx and fills the gradients of the parameters.
    Matrix backward(const Matrix& x, const Matrix& da) {
        Matrix dz(da.rows(), da.cols());
        if constexpr (rectify::has_backward_from_output<Act>) {
            rectify::backward_from_output(act, a, da, dz);
        } else if constexpr (std::is_same_v<Act, PReLU>) {
            rectify::prelu_backward(z, slopes.value, da, dz, slopes.grad, channel_shape());
        } else {
            dz = z.binaryExpr(da, rectify::eigen::grad_op(act));  // f'(z) * da, vectorized
        }
        return linear.backward(x, dz);
    }

    // Units that never fire on this batch: z > 0 never holds. For ReLU, Leaky ReLU and ELU,
    // a > 0 exactly when z > 0, so the output serves where z is not kept.
    double dead_fraction() const {
        const Matrix& pre = rectify::has_backward_from_output<Act> ? a : z;
        return rectify::dead_units(pre.transpose());  // [batch x units]: one row per sample
    }

    rectify::ChannelShape channel_shape() const {
        return {static_cast<std::size_t>(z.cols()), static_cast<std::size_t>(z.rows()), 1};
    }
};

// ---- the loss ---------------------------------------------------------------------------------

struct LossAndGradient {
    float loss;
    float accuracy;
    Matrix dlogits;  // dL/dlogits, classes x batch
};

// Mean softmax cross-entropy over the batch, and its gradient (softmax - one_hot) / batch.
LossAndGradient softmax_cross_entropy(const Matrix& logits, const std::vector<int>& labels) {
    const auto batch = logits.cols();
    Matrix p = (logits.rowwise() - logits.colwise().maxCoeff()).array().exp().matrix();  // stable
    p.array().rowwise() /= p.colwise().sum().array();
    double loss = 0.0;
    int correct = 0;
    for (Eigen::Index i = 0; i < batch; ++i) {
        const int label = labels[static_cast<std::size_t>(i)];
        loss -= std::log(std::max(p(label, i), 1e-30f));
        Eigen::Index predicted;
        p.col(i).maxCoeff(&predicted);
        correct += predicted == label;
        p(label, i) -= 1.0f;
    }
    const float n = static_cast<float>(batch);
    return {static_cast<float>(loss / n), static_cast<float>(correct) / n, p / n};
}

// ---- training ---------------------------------------------------------------------------------

struct Options {
    int epochs = 200;
    float learning_rate = 0.3f;
    float momentum = 0.9f;
    float clip = 0.0f;  // maximum gradient norm; 0: no clipping
};

struct Result {
    float loss, accuracy;
    double ms_per_epoch;
    double dead_start, dead_max, dead_end;
};

template <class Act>
Result train(const Act& act, const Dataset& data, const Options& options) {
    constexpr int hidden_units = 64;
    std::mt19937 rng(2024);  // the same initial draws for every activation
    Hidden<Act> h1(2, hidden_units, act, rng);
    Hidden<Act> h2(hidden_units, hidden_units, act, rng);
    Linear out(hidden_units, 3);
    // The output layer feeds softmax, not an activation: gain 1, U(-sqrt(3 / inputs), sqrt(3 / inputs)).
    const float bound = std::sqrt(3.0f / hidden_units);
    std::uniform_real_distribution<float> uniform(-bound, bound);
    out.w.value = out.w.value.unaryExpr([&](float) { return uniform(rng); });

    Result r{};
    const auto start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        // Forward over the whole data set (300 samples: one batch).
        const Matrix& a1 = h1.forward(data.x);
        const Matrix& a2 = h2.forward(a1);
        const Matrix logits = (out.w.value * a2).colwise() + out.b.value;
        const LossAndGradient lg = softmax_cross_entropy(logits, data.labels);

        const double dead = (h1.dead_fraction() + h2.dead_fraction()) / 2.0;
        if (epoch == 0) r.dead_start = dead;
        r.dead_max = std::max(r.dead_max, dead);
        r.dead_end = dead;
        r.loss = lg.loss;
        r.accuracy = lg.accuracy;

        // Backward.
        const Matrix da2 = out.backward(a2, lg.dlogits);
        const Matrix da1 = h2.backward(a1, da2);
        h1.backward(data.x, da1);

        // Optional gradient clipping by the global norm, then one step of SGD with momentum.
        std::vector<Parameter<Matrix>*> matrices = {&h1.linear.w, &h2.linear.w, &out.w};
        std::vector<Parameter<Vector>*> vectors = {&h1.linear.b, &h2.linear.b, &out.b};
        if constexpr (std::is_same_v<Act, PReLU>) {
            vectors.push_back(&h1.slopes);  // PReLU's slopes learn like any weight
            vectors.push_back(&h2.slopes);
        }
        if (options.clip > 0.0f) {
            double squares = 0.0;
            for (auto* p : matrices) squares += p->grad.squaredNorm();
            for (auto* p : vectors) squares += p->grad.squaredNorm();
            const double norm = std::sqrt(squares);
            if (norm > options.clip) {
                const float scale = static_cast<float>(options.clip / norm);
                for (auto* p : matrices) p->grad *= scale;
                for (auto* p : vectors) p->grad *= scale;
            }
        }
        for (auto* p : matrices) p->step(options.learning_rate, options.momentum);
        for (auto* p : vectors) p->step(options.learning_rate, options.momentum);
    }
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    r.ms_per_epoch = elapsed.count() / options.epochs;
    return r;
}

bool report(std::string_view name, const Result& r) {
    const bool ok = r.accuracy >= 0.95f;
    std::printf("%-11s loss %.4f  accuracy %5.1f %%  %6.3f ms/epoch  dead units %4.1f %% at start, %4.1f %% at most, "
                "%4.1f %% at the end%s\n",
                std::string(name).c_str(), r.loss, 100.0 * r.accuracy, r.ms_per_epoch, 100.0 * r.dead_start,
                100.0 * r.dead_max, 100.0 * r.dead_end, ok ? "" : "   <-- below 95 %");
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--epochs" && i + 1 < argc) options.epochs = std::atoi(argv[++i]);
        else if (arg == "--clip" && i + 1 < argc) options.clip = static_cast<float>(std::atof(argv[++i]));
        else {
            std::fprintf(stderr, "usage: %s [--epochs N] [--clip MAX_NORM]\n", argv[0]);
            return 2;
        }
    }

    std::mt19937 data_rng(7);
    const Dataset data = make_spiral(100, data_rng);
    std::printf("spiral: %d samples, 3 classes; MLP 2-64-64-3, %d epochs of full-batch SGD (lr %g, momentum %g)",
                static_cast<int>(data.x.cols()), options.epochs, options.learning_rate, options.momentum);
    if (options.clip > 0.0f) std::printf(", gradient norm clipped at %g", options.clip);
    std::printf("\n");
    std::printf("rectify SIMD: %s\n", rectify::simd_arch_name());

    bool ok = true;
    ok &= report("ReLU", train(rectify::ReLU{}, data, options));
    ok &= report("Leaky ReLU", train(rectify::LeakyReLU{0.01}, data, options));
    ok &= report("PReLU", train(PReLU{}, data, options));
    ok &= report("ELU", train(rectify::ELU{1.0}, data, options));
    ok &= report("SiLU", train(rectify::SiLU{}, data, options));
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
