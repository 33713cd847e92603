# cmake -DNM=nm -DOBJECT=a.o;b.o -P check_extern.cmake: with RECTIFY_EXTERN_KERNELS the objects
# reference the library's rectify::detail::compiled::(un)checked_* instantiations (U), those of
# bfloat16 and half among them, and define none.
cmake_minimum_required(VERSION 3.21)
set(undefined 0)
set(referenced_types "")
foreach(object IN LISTS OBJECT)
  execute_process(COMMAND "${NM}" -C "${object}" OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object}")
  endif()
  # The functions detail/instances.hpp declares extern (checked_forward, checked_backward and
  # checked_backward_from_output, which only check arguments before calling the unchecked kernel,
  # are inline in the calling file and not among them).
  string(REGEX MATCHALL
    "[^\n]*rectify::detail::compiled::(checked_(forward|backward|prelu|prelu_backward)|unchecked_(forward|backward|backward_from_output))<[^\n]*"
    lines "${symbols}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^ +U ")
      math(EXPR undefined "${undefined} + 1")
      foreach(type float double "rectify::bfloat16" "rectify::half")
        if(line MATCHES "[<, ]${type}[,>]")
          list(APPEND referenced_types "${type}")
        endif()
      endforeach()
    else()
      message(FATAL_ERROR "${object} instantiates a kernel that rectify::kernels provides:\n${line}")
    endif()
  endforeach()
endforeach()
if(undefined EQUAL 0)
  message(FATAL_ERROR "the objects reference no rectify::detail::checked_* function: the check is broken")
endif()
foreach(type float double rectify::bfloat16 rectify::half)
  if(NOT type IN_LIST referenced_types)
    message(FATAL_ERROR "no kernel of ${type} is referenced: the objects should call rectify::kernels' ${type} kernels")
  endif()
endforeach()
message(STATUS "${undefined} kernel references, all to rectify::kernels, none instantiated here")
