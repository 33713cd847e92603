# cmake -DNM=nm "-DOBJECTS=a.o;b.o;..." -P check_exports.cmake
# Each per-arch object of rectify::dispatch (rectify_dispatch_<arch>.o) must define exactly one
# global symbol, its table rectify_dispatch_table_<arch>: every inline function it was compiled
# with (rectify's, xsimd's, the standard library's) is local, so the linker can never give its
# copy to another arch's code or to the user's. Undefined references (libc, libstdc++) are fine.
cmake_minimum_required(VERSION 3.21)
if(NOT OBJECTS)
  message(FATAL_ERROR "no objects given")
endif()
set(failures 0)
foreach(object IN LISTS OBJECTS)
  get_filename_component(name "${object}" NAME_WE)
  string(REGEX REPLACE "^rectify_dispatch_" "" arch "${name}")
  execute_process(COMMAND ${NM} --defined-only --extern-only "${object}"
                  OUTPUT_VARIABLE out RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object}")
  endif()
  string(REGEX REPLACE "(^|\n)[0-9a-f]* [A-Za-z] " "\\1" out "${out}")
  string(STRIP "${out}" out)
  execute_process(COMMAND ${NM} "${object}" OUTPUT_VARIABLE all)
  string(REGEX MATCHALL "\n" lines "${all}")
  list(LENGTH lines count)
  if(out STREQUAL "rectify_dispatch_table_${arch}")
    message(STATUS "${name}: exports only rectify_dispatch_table_${arch} (${count} symbols in all)")
  else()
    string(REPLACE "\n" "\n  " out "${out}")
    message(STATUS "${name}: exports more than its table:\n  ${out}")
    math(EXPR failures "${failures} + 1")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "${failures} per-arch object(s) export more than their table")
endif()
