// A user's own activation type in a program that links rectify::kernels or rectify::dispatch, whose
// compiled kernels hold the listed activations only: it runs on the calling file's scalar loop
// (detail/scalar_loop.hpp), with the checks of every array function, for every element type. The
// program checks its values against the type's own scalar math and exits non-zero on a mismatch.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace {

struct Square {
    template <class T> T operator()(T x) const { return x * x; }
    template <class T> T backward(T x, T dy) const { return T(2) * x * dy; }
};

template <class T>
int check() {
    const std::vector<T> x{T(-1.5f), T(0.0f), T(2.0f), T(3.0f)};
    const std::vector<T> dy{T(1.0f), T(1.0f), T(0.5f), T(-1.0f)};
    std::vector<T> y(x.size()), dx(x.size());
    rectify::forward(Square{}, x, y);
    rectify::backward(Square{}, x, dy, dx);
    int wrong = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float xf = static_cast<float>(x[i]), dyf = static_cast<float>(dy[i]);
        wrong += static_cast<float>(y[i]) != static_cast<float>(T(Square{}(xf)));
        wrong += static_cast<float>(dx[i]) != static_cast<float>(T(Square{}.backward(xf, dyf)));
    }
    try {  // the size check runs for a user type too
        std::vector<T> short_y(1);
        rectify::forward(Square{}, x, short_y);
        ++wrong;
    } catch (const std::invalid_argument&) {
    }
    return wrong;
}

}  // namespace

int main() {
    const int wrong = check<float>() + check<double>() + check<rectify::bfloat16>() + check<rectify::half>();
    std::printf("user activation through the compiled libraries' scalar loop: %d wrong\n", wrong);
    return wrong == 0 ? 0 : 1;
}
