// #include <rectify/rectify.hpp> alone (bench/micro/compile_time.cmake).
#include <rectify/rectify.hpp>
int main() { return 0; }
