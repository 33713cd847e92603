# Compile time of rectify per translation unit:
#   cmake -DCXX=<compiler> -DSOURCE_DIR=<rectify> [-DRUNS=3] [-DINCLUDE_DIRS=<dir>|<dir>...] -P compile_time.cmake
# (the compile_time target of the bench build runs it with that build's compiler). For -O2 and for
# -O3 -march=native, the best of RUNS wall-clock times of compiling, to an object file, one at a time:
#   compile_time_baseline.cpp   the program without rectify (<vector>, <cstdio>)
#   compile_time_include.cpp    #include <rectify/rectify.hpp> and nothing else
#   compile_time_calls.cpp      one call of every activation, header-only
#   compile_time_calls.cpp      the same with -DRECTIFY_EXTERN_KERNELS (rectify::kernels; the
#                               library's own file, src/instances.cpp, is timed once too)
# Run it on an idle machine: the numbers are wall clock.
cmake_minimum_required(VERSION 3.23)  # string(TIMESTAMP ... "%f"): microseconds

if(NOT CXX OR NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DCXX=<compiler> -DSOURCE_DIR=<rectify> [-DRUNS=3] -P compile_time.cmake")
endif()
if(NOT RUNS)
  set(RUNS 3)
endif()
set(here "${CMAKE_CURRENT_LIST_DIR}")
set(includes "-I${SOURCE_DIR}/include")
string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
foreach(dir IN LISTS include_dirs)
  list(APPEND includes "-I${dir}")
endforeach()

# best(<result> <flags...>): the fastest of RUNS compiles, as "1.23 s".
function(best result)
  set(best_us "")
  foreach(run RANGE 1 ${RUNS})
    string(TIMESTAMP start "%s%f")
    execute_process(COMMAND "${CXX}" -std=c++20 ${includes} ${ARGN} -c -o /dev/null RESULT_VARIABLE status)
    string(TIMESTAMP stop "%s%f")
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "compile_time: failed (${status}): ${CXX} ${ARGN}")
    endif()
    math(EXPR elapsed "${stop} - ${start}")
    if(best_us STREQUAL "" OR elapsed LESS best_us)
      set(best_us ${elapsed})
    endif()
  endforeach()
  math(EXPR seconds "${best_us} / 1000000")
  math(EXPR hundredths "(${best_us} % 1000000) / 10000")
  string(LENGTH "${hundredths}" digits)
  if(digits EQUAL 1)
    set(hundredths "0${hundredths}")
  endif()
  set(${result} "${seconds}.${hundredths} s" PARENT_SCOPE)
endfunction()

execute_process(COMMAND "${CXX}" --version OUTPUT_VARIABLE version)
string(REGEX REPLACE "\n.*" "" version "${version}")
message("${CXX} (${version}), best of ${RUNS}")
foreach(flags IN ITEMS "-O2" "-O3;-march=native")
  best(baseline ${flags} ${here}/compile_time_baseline.cpp)
  best(include ${flags} ${here}/compile_time_include.cpp)
  best(calls ${flags} ${here}/compile_time_calls.cpp)
  best(extern ${flags} -DRECTIFY_EXTERN_KERNELS ${here}/compile_time_calls.cpp)
  best(instances ${flags} ${SOURCE_DIR}/src/instances.cpp)
  string(REPLACE ";" " " shown "${flags}")
  message("  ${shown}: without rectify ${baseline}, include only ${include}, every activation ${calls}, "
          "with rectify::kernels ${extern} (src/instances.cpp, once: ${instances})")
endforeach()
