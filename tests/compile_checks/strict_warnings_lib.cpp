// strict_warnings.cpp's every_call<T>() without its main, for the rectify::kernels program
// (tests/consumer/app/main.cpp has the main): every range entry point, linked against the
// library's instantiations.
#define RECTIFY_STRICT_WARNINGS_NO_MAIN
#include "strict_warnings.cpp"

double every_call_sum() { return static_cast<double>(every_call<float>()) + every_call<double>(); }
