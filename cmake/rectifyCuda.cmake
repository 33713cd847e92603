# rectify's CUDA tests, benchmark and example (include/rectify/cuda.cuh), built with nvcc when
# RECTIFY_BUILD_CUDA is on. Included from the top-level CMakeLists.txt after the tests, benchmark
# and examples.
#
#   RECTIFY_BUILD_CUDA        build them (default OFF, the cuda preset turns it on; a plain build
#                             never picks up an nvcc it happens to find)
#   CMAKE_CUDA_ARCHITECTURES  default 80;90 (A100, H100) when neither it nor the CUDAARCHS
#                             environment variable is set: `native` fails on a machine without a GPU
#   RECTIFY_EXHAUSTIVE_TESTS  also register the host run of the exhaustive float accuracy program
#                             (every one of the 2^32 floats on the CPU, all cores: about 6 minutes
#                             on two, docs/CUDA.md)
#
# The header itself needs none of this: consumers get it through rectify::rectify and compile it
# with their own nvcc and CUDA::cudart.
#
# The CUDA targets do not link rectify_project_options (its -Wall / -march flags are GCC's, which
# nvcc rejects); rectify_cuda_options gives them the same rule: every warning an error, nvcc's
# and the host compiler's.

include(CheckLanguage)

option(RECTIFY_BUILD_CUDA "Build rectify's CUDA tests, benchmark and example (needs nvcc; the cuda preset turns this on)" OFF)
option(RECTIFY_EXHAUSTIVE_TESTS "Register the exhaustive (2^32 floats) host accuracy test of the device float math" OFF)

if(RECTIFY_BUILD_CUDA)

  if(NOT CMAKE_CUDA_COMPILER)
    check_language(CUDA)
    if(NOT CMAKE_CUDA_COMPILER)
      message(FATAL_ERROR "RECTIFY_BUILD_CUDA is ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER)")
    endif()
  endif()
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
    set(CMAKE_CUDA_ARCHITECTURES 80 90 CACHE STRING "CUDA architectures for rectify's CUDA targets")
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  message(STATUS "rectify: CUDA ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES}")

  add_library(rectify_cuda_options INTERFACE)
  target_compile_options(rectify_cuda_options INTERFACE
    $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Werror>)
  target_link_libraries(rectify_cuda_options INTERFACE CUDA::cudart)

  # `cmake --build <dir> --target rectify_cuda`: every CUDA test, the benchmark and the example.
  add_custom_target(rectify_cuda)
endif()

# rectify_cuda_target(<target>): C++20 CUDA, rectify's header, warnings as errors. -std=c++20 is
# given directly: CMake 3.25 does not know that nvcc 12+ takes it (CUDA_STANDARD 20 fails there).
function(rectify_cuda_target target)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-std=c++20>)
  target_link_libraries(${target} PRIVATE rectify::rectify rectify_cuda_options)
  add_dependencies(rectify_cuda ${target})
endfunction()

# rectify_gpu_test(<name> COMMAND ... [LABELS ...] [TIMEOUT s]): a test that needs a GPU. Its
# program exits 77 when cudaGetDeviceCount fails or finds none, and CTest reports it as skipped,
# never as passed.
function(rectify_gpu_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT" "COMMAND;LABELS")
  add_test(NAME ${name} COMMAND ${arg_COMMAND})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS "cuda;gpu;${arg_LABELS}" TIMEOUT ${arg_TIMEOUT})
endfunction()

# The device's float math (activations.hpp, scalar_math::in_float) is plain C++: tests/cuda tests
# it on the host with or without nvcc, and adds the nvcc tests when RECTIFY_BUILD_CUDA is on.
if(RECTIFY_BUILD_TESTS)
  add_subdirectory(tests/cuda)
endif()
if(RECTIFY_BUILD_CUDA AND (RECTIFY_BUILD_BENCH OR RECTIFY_BUILD_TESTS))
  add_subdirectory(bench/cuda)
endif()
if(RECTIFY_BUILD_CUDA AND RECTIFY_BUILD_EXAMPLES)
  add_executable(cuda_fused examples/cuda_fused.cu)
  rectify_cuda_target(cuda_fused)
  rectify_gpu_test(example.cuda_fused COMMAND cuda_fused LABELS example)
endif()
