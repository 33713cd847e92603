// The same program without rectify: <vector> and <cstdio> only (bench/micro/compile_time.cmake).
#include <cstdio>
#include <vector>
int main() {
    std::vector<float> x(16);
    std::printf("%g\n", static_cast<double>(x[0]));
}
