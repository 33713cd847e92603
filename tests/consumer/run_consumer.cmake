# Builds and runs the consumer program against rectify (see CMakeLists.txt next to this file).
# cmake -DMODE=find_package|add_subdirectory|fetchcontent -DWORK_DIR=... -DRECTIFY_SOURCE_DIR=...
#       -DRECTIFY_BINARY_DIR=... -DCONSUMER_SOURCE_DIR=... -DCXX_COMPILER=... -DGENERATOR=...
#       [-Dxsimd_DIR=...] [-DCONFIG=...] [-DDISPATCH=ON] [-DEXPECTED_VERSION=...] -P run_consumer.cmake
# With DISPATCH=ON the find_package consumer also builds app_dispatch (dispatch_main.cpp) against
# the installed rectify::dispatch, with its default flags, and runs it.
cmake_minimum_required(VERSION 3.21)

include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

if(NOT CONFIG)
  set(CONFIG Release)
endif()
file(REMOVE_RECURSE "${WORK_DIR}")

# rectify::dispatch compiles every kernel three times (minutes on 2 cores): the find_package
# consumer links the library this build installed; the source-tree consumers (add_subdirectory,
# FetchContent) leave it out (RECTIFY_DISPATCH=OFF), as the plain-build CI stage builds it from a
# fresh clone.
if(NOT MODE STREQUAL "find_package")
  set(DISPATCH OFF)
endif()
set(configure_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                   -DCMAKE_BUILD_TYPE=${CONFIG} -DDISPATCH=${DISPATCH})
if(NOT MODE STREQUAL "find_package")
  list(APPEND configure_args -DRECTIFY_DISPATCH=OFF)
endif()
if(xsimd_DIR)
  list(APPEND configure_args -Dxsimd_DIR=${xsimd_DIR})
endif()

if(MODE STREQUAL "find_package")
  set(prefix "${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --install "${RECTIFY_BINARY_DIR}" --config ${CONFIG} --prefix "${prefix}")
  # Only the fresh prefix: the consumer must not find the source or build tree instead.
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  set(package_args -DEXPECTED_PREFIX=${prefix} -DEXPECTED_VERSION=${EXPECTED_VERSION})
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args -DRECTIFY_SOURCE_DIR=${RECTIFY_SOURCE_DIR})
elseif(MODE STREQUAL "fetchcontent")
  # The README's FetchContent_Declare, served from this source tree instead of the network.
  list(APPEND configure_args -DFETCHCONTENT_SOURCE_DIR_RECTIFY=${RECTIFY_SOURCE_DIR})
else()
  message(FATAL_ERROR "MODE must be find_package, add_subdirectory or fetchcontent, got '${MODE}'")
endif()

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}/${MODE}" -B "${WORK_DIR}/build" ${configure_args} ${package_args})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build" --config ${CONFIG})
find_program(app NAMES app PATHS "${WORK_DIR}/build" "${WORK_DIR}/build/${CONFIG}" NO_DEFAULT_PATH REQUIRED)
run("${app}")
if(DISPATCH)
  find_program(app_dispatch NAMES app_dispatch PATHS "${WORK_DIR}/build" "${WORK_DIR}/build/${CONFIG}"
               NO_DEFAULT_PATH REQUIRED)
  run("${app_dispatch}")
endif()

if(MODE STREQUAL "find_package")
  # find_package(rectify 9.0 REQUIRED) must stop the configure with CMake's message naming the
  # version asked for and the version found.
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}/wrong_version" -B "${WORK_DIR}/wrong_version"
                          ${configure_args}
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  string(REGEX REPLACE "[ \n]+" " " output "${output}")  # CMake wraps its messages
  if(status EQUAL 0)
    message(FATAL_ERROR "find_package(rectify 9.0 REQUIRED) succeeded against rectify ${EXPECTED_VERSION}")
  endif()
  if(NOT output MATCHES "compatible with requested version \"9\.0\"" OR
     NOT output MATCHES "rectifyConfig\.cmake, version: ${EXPECTED_VERSION}")
    message(FATAL_ERROR "find_package(rectify 9.0 REQUIRED) failed without naming the versions:\n${output}")
  endif()
  message(STATUS "find_package(rectify 9.0 REQUIRED) fails, naming 9.0 and the installed ${EXPECTED_VERSION}")
endif()

if(MODE STREQUAL "fetchcontent")
  # The consumer's own install must not install rectify (RECTIFY_INSTALL is off in a subproject)...
  set(prefix "${WORK_DIR}/install")
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/build" --config ${CONFIG} --prefix "${prefix}")
  file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
  list(FILTER installed INCLUDE REGEX "rectify")
  if(installed)
    message(FATAL_ERROR "the consumer's cmake --install installed rectify's files: ${installed}")
  endif()
  find_program(installed_app NAMES app PATHS "${prefix}/bin" NO_DEFAULT_PATH NO_CACHE REQUIRED)
  # ...unless it asks for it.
  file(REMOVE_RECURSE "${prefix}")
  run(${CMAKE_COMMAND} -DRECTIFY_INSTALL=ON "${WORK_DIR}/build")
  # Built again first, as a user must before installing (with RECTIFY_INSTALL on, rectify::dispatch,
  # where it is on, becomes part of the build and of the install).
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build" --config ${CONFIG})
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/build" --config ${CONFIG} --prefix "${prefix}")
  foreach(file include/rectify/rectify.hpp share/cmake/rectify/rectifyConfig.cmake)
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "with -DRECTIFY_INSTALL=ON the consumer's install lacks ${file}")
    endif()
  endforeach()
  message(STATUS "rectify is installed with the consumer only when RECTIFY_INSTALL=ON")
endif()
