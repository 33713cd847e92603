// With RECTIFY_EXTERN_KERNELS only the four activations are compiled in rectify::kernels: another
// activation type is refused with the way out, not left to a link error.
// expect-error: rectify::forward: rectify::kernels \(RECTIFY_EXTERN_KERNELS\) holds ReLU, LeakyReLU, ELU and SiLU only
#include <rectify/rectify.hpp>
#include <vector>

struct Square {
    template <class T> T operator()(T x) const { return x * x; }
    template <class T> T backward(T x, T dy) const { return 2 * x * dy; }
};

void f(std::vector<float>& x) { rectify::forward(Square{}, x, x); }
