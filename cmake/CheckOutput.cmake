cmake_minimum_required(VERSION 3.21)
# Runs a program and compares what it prints on stdout with an expected-output file, line by
# line; fails (non-zero exit of `cmake -P`) on any difference or on a non-zero exit status.
# Usage: cmake -DPROGRAM=<exe> -DEXPECTED=<file> -P CheckOutput.cmake
foreach(var PROGRAM EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckOutput.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND "${PROGRAM}"
                OUTPUT_VARIABLE actual
                RESULT_VARIABLE status)
file(READ "${EXPECTED}" expected)
string(REPLACE "\r\n" "\n" actual "${actual}")
string(REPLACE "\r\n" "\n" expected "${expected}")

message("${actual}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with status ${status}")
endif()
if(NOT actual STREQUAL expected)
  # Name the first line that differs, so the failure is readable without a diff tool.
  # (Lines are cut with string(FIND), not CMake lists: printed brackets and semicolons
  # would confuse list splitting.)
  set(line 1)
  while(TRUE)
    string(FIND "${actual}" "\n" a_end)
    string(FIND "${expected}" "\n" e_end)
    string(SUBSTRING "${actual}" 0 ${a_end} a)
    string(SUBSTRING "${expected}" 0 ${e_end} e)
    if(NOT a STREQUAL e OR a_end EQUAL -1 OR e_end EQUAL -1)
      break()
    endif()
    math(EXPR a_end "${a_end} + 1")
    math(EXPR e_end "${e_end} + 1")
    string(SUBSTRING "${actual}" ${a_end} -1 actual)
    string(SUBSTRING "${expected}" ${e_end} -1 expected)
    math(EXPR line "${line} + 1")
  endwhile()
  message(FATAL_ERROR "output differs from ${EXPECTED} at line ${line}:\n"
                      "  expected: ${e}\n  printed:  ${a}")
endif()
