# consumer.pkg_config: rectify as a pkg-config user (Meson, Make) gets it. cmake --install of this
# build tree into a temporary prefix, then the consumer program (app/main.cpp) compiled by hand with
# the flags of `pkg-config --cflags rectify` and a strict consumer's warnings, and run.
# cmake -DWORK_DIR=... -DRECTIFY_BINARY_DIR=... -DCONSUMER_SOURCE_DIR=... -DCXX_COMPILER=...
#       -DPKG_CONFIG=... -DEXPECTED_VERSION=... [-Dxsimd_DIR=...] [-DCONFIG=...] -P run_pkg_config.cmake
cmake_minimum_required(VERSION 3.21)

include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found (Debian: apt-get install pkgconf; libeigen3-dev depends on it)")
endif()
if(NOT CONFIG)
  set(CONFIG Release)
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${RECTIFY_BINARY_DIR}" --config ${CONFIG} --prefix "${prefix}")

# The fresh prefix, and xsimd's own pkg-config directory (beside its CMake package) where it has one.
set(path "${prefix}/share/pkgconfig")
if(xsimd_DIR AND EXISTS "${xsimd_DIR}/../../pkgconfig/xsimd.pc")
  get_filename_component(xsimd_pc_dir "${xsimd_DIR}/../../pkgconfig" ABSOLUTE)
  string(APPEND path ":${xsimd_pc_dir}")
endif()
set(ENV{PKG_CONFIG_PATH} "${path}")
message(STATUS "PKG_CONFIG_PATH=${path}")

# pkg_config(<result> <args>...): pkg-config's output, or a failed test.
function(pkg_config result)
  execute_process(COMMAND "${PKG_CONFIG}" ${ARGN} OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE status OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} failed (${status}): ${err}")
  endif()
  set(${result} "${out}" PARENT_SCOPE)
endfunction()

pkg_config(version --modversion rectify)
if(NOT version STREQUAL EXPECTED_VERSION)
  message(FATAL_ERROR "pkg-config --modversion rectify gave '${version}', project() says ${EXPECTED_VERSION}")
endif()
execute_process(COMMAND "${PKG_CONFIG}" --exists "rectify > 9.0" RESULT_VARIABLE status)
if(status EQUAL 0)
  message(FATAL_ERROR "pkg-config --exists 'rectify > 9.0' accepted version ${version}")
endif()

pkg_config(cflags --cflags rectify)
message(STATUS "pkg-config --cflags rectify: ${cflags}")
separate_arguments(cflags UNIX_COMMAND "${cflags}")
# The headers must come from the installed prefix (the file is relocatable: its prefix is relative).
set(found_prefix OFF)
file(REAL_PATH "${prefix}/include" expected)
foreach(flag IN LISTS cflags)
  if(flag MATCHES "^-I(.*)")
    file(REAL_PATH "${CMAKE_MATCH_1}" dir)
    if(dir STREQUAL expected AND EXISTS "${dir}/rectify/rectify.hpp")
      set(found_prefix ON)
    endif()
  endif()
endforeach()
if(NOT found_prefix)
  message(FATAL_ERROR "pkg-config --cflags rectify names no -I of the installed prefix ${expected}")
endif()

# -std=c++20 is the consumer's flag, as for any C++20 library (rectify.pc says so).
run("${CXX_COMPILER}" -std=c++20 -O2 ${cflags} -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion
    -Wshadow -Wold-style-cast -Wdouble-promotion -Werror "${CONSUMER_SOURCE_DIR}/app/main.cpp" -o "${WORK_DIR}/app")
run("${WORK_DIR}/app")
