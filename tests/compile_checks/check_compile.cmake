# One compile check: compiles SOURCE with CXX_COMPILER and checks the outcome.
#   cmake -DCXX_COMPILER=... -DSOURCE=... -DINCLUDES=a;b -DFLAGS=f1;f2 -DEXPECT=fail|pass -P check_compile.cmake
# EXPECT=fail: the compiler must fail with exactly one error (a misuse gives its message and no
# cascade of others), and its output must match every "// expect-error: REGEX" line of SOURCE (at
# least one); a failure for any other reason (a typo, a missing header) does not pass. EXPECT=pass: the compiler must succeed without any diagnostic in a source file.
cmake_minimum_required(VERSION 3.21)

foreach(var CXX_COMPILER SOURCE EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_compile.cmake: ${var} is not set")
  endif()
endforeach()

set(args -std=c++20)
string(REPLACE "|" ";" INCLUDES "${INCLUDES}")
foreach(dir IN LISTS INCLUDES)
  if(dir)
    list(APPEND args "-I${dir}")
  endif()
endforeach()
string(REPLACE "|" ";" FLAGS "${FLAGS}")
list(APPEND args ${FLAGS})
if(EXPECT STREQUAL "fail")
  list(APPEND args -fsyntax-only "${SOURCE}")
else()
  get_filename_component(name "${SOURCE}" NAME_WE)
  list(APPEND args -c "${SOURCE}" -o "${CMAKE_CURRENT_BINARY_DIR}/${name}.o")
endif()

string(REPLACE ";" " " shown "${args}")
message(STATUS "${CXX_COMPILER} ${shown}")
execute_process(COMMAND "${CXX_COMPILER}" ${args}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)

if(EXPECT STREQUAL "pass")
  # Any diagnostic in a source file fails (a warning, a note, an error). The compiler driver's own
  # remarks about the command line (Clang: "overriding '-ffp-contract=fast' option") are not
  # about rectify and are tolerated.
  if(NOT status EQUAL 0 OR out MATCHES ":[0-9]+:[0-9]+: (warning|error|note)|: (fatal )?error:")
    message(FATAL_ERROR "expected a clean compile, got status ${status}:\n${out}")
  endif()
  message(STATUS "compiled cleanly")
  return()
endif()

if(status EQUAL 0)
  message(FATAL_ERROR "expected the compiler to fail, but it accepted ${SOURCE}:\n${out}")
endif()
file(STRINGS "${SOURCE}" expectations REGEX "^// expect-error: ")
if(NOT expectations)
  message(FATAL_ERROR "${SOURCE} has no '// expect-error: REGEX' line")
endif()
foreach(line IN LISTS expectations)
  string(REGEX REPLACE "^// expect-error: " "" regex "${line}")
  if(NOT out MATCHES "${regex}")
    message(FATAL_ERROR "the compiler failed, but its output does not match '${regex}':\n${out}")
  endif()
  message(STATUS "found: ${regex}")
endforeach()
string(REGEX MATCHALL ": (fatal )?error: " errors "${out}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1)
  message(FATAL_ERROR "expected exactly one error, got ${error_count}:\n${out}")
endif()
