# run(<command> <args>...): runs one step of a packaging test, shown first; a failing step fails
# the test with its exit status. Included by run_consumer.cmake and check_debug_build.cmake.
function(run)
  string(REPLACE ";" " " shown "${ARGV}")
  message(STATUS "run: ${shown}")
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${shown}")
  endif()
endfunction()
