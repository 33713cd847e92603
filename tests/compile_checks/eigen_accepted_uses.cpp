// What the Eigen overloads' compile-time checks must keep accepting as outputs: named objects,
// views that are temporaries (Map, Ref, blocks, columns, segments, a transpose, .array()) of named
// non-const objects, non-const Ref parameters, and Eigen's 16-bit scalars. Built with the strict
// warnings of strict_warnings.cpp (Eigen itself as a system include).
#include <rectify/eigen.hpp>

#include <random>
#include <vector>

void accepted(Eigen::MatrixXf& m, Eigen::Ref<Eigen::MatrixXf> r, std::vector<float>& buffer,
              Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& row_major) {
    const Eigen::MatrixXf x = m;
    Eigen::ArrayXXf a = x.array();
    rectify::relu(x, m);
    rectify::relu(m, m);                                                       // in place
    rectify::silu(x.array(), a);
    rectify::elu(x, r);
    rectify::elu(x, Eigen::Ref<Eigen::MatrixXf>(m));
    rectify::leaky_relu(x.col(0), m.col(1));
    rectify::leaky_relu_backward(x.topRows(2), x.topRows(2), m.bottomRows(2));
    rectify::forward(rectify::SiLU{}, x, m.transpose().transpose());
    rectify::forward(rectify::ReLU{}, x.transpose(), m.transpose());
    rectify::backward(rectify::ELU{}, x, x, m.array());
    rectify::silu_backward(x.col(0).head(2), x.col(0).head(2), m.col(0).segment(1, 2));
    rectify::relu_backward(x + x, x, m.block(0, 0, m.rows(), m.cols()));
    rectify::elu_backward(row_major, row_major, row_major.row(0).transpose().transpose());

    Eigen::Map<Eigen::VectorXf> view(buffer.data(), static_cast<Eigen::Index>(buffer.size()));
    rectify::silu(view, view);
    rectify::silu(view, Eigen::Map<Eigen::VectorXf>(buffer.data(), static_cast<Eigen::Index>(buffer.size())));
    rectify::backward_from_output(rectify::ReLU{}, x, x, m);
    rectify::backward_from_output(rectify::ELU{}, x, x, Eigen::Map<Eigen::MatrixXf>(m.data(), m.rows(), m.cols()));

    Eigen::VectorXf w = Eigen::VectorXf::Constant(1, 0.25f), dw(1);
    const rectify::ChannelShape shape{1, 1, static_cast<std::size_t>(x.size())};
    rectify::prelu(x, w, m, shape);
    rectify::prelu(x, w, Eigen::Map<Eigen::MatrixXf>(m.data(), m.rows(), m.cols()), shape);
    rectify::prelu_backward(x, w, x, m, dw, shape);
    rectify::prelu_backward(x, w, x, Eigen::Ref<Eigen::MatrixXf>(m), dw.head(1), shape);

    Eigen::Matrix<Eigen::half, Eigen::Dynamic, 1> h(4), hy(4);
    h.setZero();
    rectify::silu(h, hy);
    rectify::silu(h.head(2), hy.tail(2));

    std::mt19937 engine(1);
    rectify::kaiming_uniform(rectify::ReLU{}, m, engine);
    rectify::kaiming_normal(rectify::SiLU{}, m.topRows(1), engine);
    rectify::kaiming_normal(rectify::ELU{}, Eigen::Map<Eigen::MatrixXf>(m.data(), m.rows(), m.cols()), engine);
}
