// Compiled with -ffast-math (or -ffinite-math-only, or GCC's -fassociative-math): refused, with
// the flag and the ways out in the message.
// expect-error: rectify: this file is compiled with -f[a-z-]+(-math|-zeros|-only)
// expect-error: RECTIFY_ALLOW_FAST_MATH
#include <rectify/rectify.hpp>
