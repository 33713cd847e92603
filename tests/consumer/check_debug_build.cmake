# consumer.debug_build: a Debug build of a consumer linking rectify::kernels (debug_build/).
# cmake -DWORK_DIR=... -DRECTIFY_SOURCE_DIR=... -DCONSUMER_SOURCE_DIR=... -DCXX_COMPILER=...
#       -DGENERATOR=... [-Dxsimd_DIR=...] -P check_debug_build.cmake
#   1. configured as is: the compile command of rectify's src/instances.cpp has -O2 after the Debug
#      flags (RECTIFY_KERNELS_OPTIMIZE_DEBUG, ON by default), the consumer's own files have no -O2;
#      then built, and both programs run (float and double, bfloat16);
#   2. configured with -DRECTIFY_KERNELS_OPTIMIZE_DEBUG=OFF: instances.cpp has no -O2 either.
cmake_minimum_required(VERSION 3.21)

include(${CMAKE_CURRENT_LIST_DIR}/run_step.cmake)

# The compile command of the file whose path ends in `suffix`, from compile_commands.json.
function(command_of build_dir suffix out)
  file(READ "${build_dir}/compile_commands.json" json)
  string(JSON count LENGTH "${json}")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON file GET "${json}" ${i} file)
    if(file MATCHES "${suffix}$")
      string(JSON command GET "${json}" ${i} command)
      set(${out} "${command}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "no compile command for *${suffix} in ${build_dir}/compile_commands.json")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(configure_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Debug
                   -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DRECTIFY_SOURCE_DIR=${RECTIFY_SOURCE_DIR})
if(xsimd_DIR)
  list(APPEND configure_args -Dxsimd_DIR=${xsimd_DIR})
endif()

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}/debug_build" -B "${WORK_DIR}/on" ${configure_args})
command_of("${WORK_DIR}/on" "src/instances.cpp" kernels)
command_of("${WORK_DIR}/on" "app/main.cpp" app)
command_of("${WORK_DIR}/on" "debug_build/silu_bfloat16.cpp" app_bfloat16)
message(STATUS "instances.cpp: ${kernels}")
message(STATUS "main.cpp: ${app}")
message(STATUS "silu_bfloat16.cpp: ${app_bfloat16}")
if(NOT kernels MATCHES " -g .*-O2( |$)")
  message(FATAL_ERROR "Debug build: src/instances.cpp is not compiled with -O2 after the Debug flags")
endif()
if(app MATCHES "-O2" OR app_bfloat16 MATCHES "-O2")
  message(FATAL_ERROR "Debug build: the consumer's own files got -O2 as well")
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/on")
run("${WORK_DIR}/on/app")
run("${WORK_DIR}/on/app_bfloat16")

run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}/debug_build" -B "${WORK_DIR}/off" ${configure_args}
    -DRECTIFY_KERNELS_OPTIMIZE_DEBUG=OFF)
command_of("${WORK_DIR}/off" "src/instances.cpp" kernels_off)
message(STATUS "instances.cpp, RECTIFY_KERNELS_OPTIMIZE_DEBUG=OFF: ${kernels_off}")
if(kernels_off MATCHES "-O2")
  message(FATAL_ERROR "RECTIFY_KERNELS_OPTIMIZE_DEBUG=OFF: src/instances.cpp still gets -O2")
endif()
