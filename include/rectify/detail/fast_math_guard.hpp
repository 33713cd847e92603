// rectify/detail/fast_math_guard.hpp — refuse to compile under value-changing floating-point flags.
//
// rectify's results depend on IEEE arithmetic: NaN tests (x != x), infinities, signed zeros,
// the Cody–Waite reduction of exp and the compensated (Neumaier) sums of PReLU's dweight. Under
// -ffast-math the compiler may assume there are no NaNs or infinities, drop the sign of zero and
// reassociate sums, and the kernels then return wrong values without any warning (silu(-1) =
// -0.333333 and elu(NaN) = -NaN were seen with GCC 12). So every rectify header stops the build
// when the compiler announces one of those modes:
//   __FAST_MATH__                    -ffast-math (GCC, Clang)
//   __FINITE_MATH_ONLY__ != 0        -ffinite-math-only (GCC, Clang; part of -ffast-math)
//   __ASSOCIATIVE_MATH__             -fassociative-math (GCC only)
//   __NO_SIGNED_ZEROS__              -fno-signed-zeros (GCC only)
//   __RECIPROCAL_MATH__              -freciprocal-math (GCC only)
// Clang 14 announces only the first two: -fassociative-math, -fno-signed-zeros and
// -freciprocal-math on their own cannot be detected there (docs/SEMANTICS.md, "Floating-point
// flags").
//
// The ways out, in the order we recommend them: compile the files that include rectify without
// the flag (per-file or per-target flags, docs/BUILD_FLAGS.md, "Fast math"); or add
// -fno-fast-math after -ffast-math for those files; or define RECTIFY_ALLOW_FAST_MATH (before the
// first rectify include, or with -DRECTIFY_ALLOW_FAST_MATH) to accept wrong special values and
// unbounded errors.
#pragma once

#if !defined(RECTIFY_ALLOW_FAST_MATH) && !defined(__CUDA_ARCH__)
#if defined(__FAST_MATH__)
#error "rectify: this file is compiled with -ffast-math, under which rectify's results are wrong (NaN, infinities, signed zeros, exp, compensated sums). Compile the files that include rectify without -ffast-math (or add -fno-fast-math for them), or define RECTIFY_ALLOW_FAST_MATH to accept wrong values. See docs/SEMANTICS.md, Floating-point flags."
#elif defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__
#error "rectify: this file is compiled with -ffinite-math-only, under which rectify's NaN and infinity results are wrong. Compile the files that include rectify without it (or add -fno-finite-math-only for them), or define RECTIFY_ALLOW_FAST_MATH to accept wrong values. See docs/SEMANTICS.md, Floating-point flags."
#elif defined(__ASSOCIATIVE_MATH__)
#error "rectify: this file is compiled with -fassociative-math, which reorders rectify's exp reduction and compensated sums. Compile the files that include rectify without it (or add -fno-associative-math for them), or define RECTIFY_ALLOW_FAST_MATH to accept wrong values. See docs/SEMANTICS.md, Floating-point flags."
#elif defined(__NO_SIGNED_ZEROS__)
#error "rectify: this file is compiled with -fno-signed-zeros, under which rectify's signed-zero results are wrong. Compile the files that include rectify without it (or add -fsigned-zeros for them), or define RECTIFY_ALLOW_FAST_MATH to accept wrong values. See docs/SEMANTICS.md, Floating-point flags."
#elif defined(__RECIPROCAL_MATH__)
#error "rectify: this file is compiled with -freciprocal-math, which adds a rounding to rectify's divisions and breaks its accuracy bounds. Compile the files that include rectify without it (or add -fno-reciprocal-math for them), or define RECTIFY_ALLOW_FAST_MATH to accept wrong values. See docs/SEMANTICS.md, Floating-point flags."
#endif
#endif
