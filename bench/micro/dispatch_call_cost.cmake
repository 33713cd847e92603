# The per-call cost of rectify::dispatch in instructions, which a loaded machine's timings cannot
# resolve (the dispatch_call_cost target of the bench build runs it):
#   cmake -DVALGRIND=<valgrind> -DHEADER_ONLY=<rectify_dispatch_call_cost_header_only>
#         -DDISPATCH=<rectify_dispatch_call_cost_dispatch> [-DSIZES=16,4096] -P dispatch_call_cost.cmake
# Runs both programs (dispatch_call_cost.cpp: header-only at -O2 -mavx2 -mfma, and at -O2 with the
# default flags against rectify::dispatch) under callgrind, which has no AVX-512 (dispatch chooses
# avx2 there; RECTIFY_ARCH=avx2 makes sure), with 10 and 30 calls of each kernel on n floats for
# each n of SIZES (default 16, where a call costs little but its fixed cost, and 4096), and prints
# the instructions per call, (I(30) - I(10)) / 20 so that the set-up drops out, of both builds and
# their ratio.
cmake_minimum_required(VERSION 3.21)

if(NOT VALGRIND OR NOT EXISTS "${VALGRIND}")
  message(FATAL_ERROR "dispatch_call_cost: needs valgrind (Debian: apt-get install valgrind), then reconfigure")
endif()
if(NOT SIZES)
  set(SIZES 16,4096)
endif()
string(REPLACE "," ";" SIZES "${SIZES}")

# instructions(<result> <program> <kernel> <calls>), on N floats
function(instructions result program kernel calls)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env RECTIFY_ARCH=avx2
            "${VALGRIND}" --tool=callgrind --callgrind-out-file=/dev/null "${program}" ${kernel} ${N} ${calls}
    OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR NOT out MATCHES "Collected : ([0-9]+)")
    message(FATAL_ERROR "dispatch_call_cost: callgrind failed on ${program} ${kernel}:\n${out}")
  endif()
  set(${result} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

# column(<text> <width>): <text> padded on the left to <width> characters, in `cell`.
function(column text width)
  string(LENGTH "${text}" length)
  set(gap "")
  if(length LESS width)
    math(EXPR pad "${width} - ${length}")
    string(REPEAT " " ${pad} gap)
  endif()
  set(cell "${gap}${text}" PARENT_SCOPE)
endfunction()

foreach(N IN LISTS SIZES)
  message("${N} floats              header-only instr/call   dispatch instr/call    ratio")
  foreach(kernel relu elu silu silu_backward)
    instructions(h10 "${HEADER_ONLY}" ${kernel} 10)
    instructions(h30 "${HEADER_ONLY}" ${kernel} 30)
    instructions(d10 "${DISPATCH}" ${kernel} 10)
    instructions(d30 "${DISPATCH}" ${kernel} 30)
    math(EXPR h "(${h30} - ${h10}) / 20")
    math(EXPR d "(${d30} - ${d10}) / 20")
    math(EXPR ratio "(${d} * 10000 + ${h} / 2) / ${h}")  # in ten-thousandths, rounded
    math(EXPR whole "${ratio} / 10000")
    math(EXPR fraction "${ratio} % 10000 + 10000")  # the 1 in front keeps the leading zeros
    string(SUBSTRING "${fraction}" 1 4 fraction)
    string(LENGTH "${kernel}" length)
    math(EXPR pad "22 - ${length}")
    string(REPEAT " " ${pad} gap)
    set(line "  ${kernel}${gap}")
    column("${h}" 22)
    string(APPEND line "${cell}")
    column("${d}" 22)
    string(APPEND line "${cell}")
    column("${whole}.${fraction}" 9)
    message("${line}${cell}")
  endforeach()
endforeach()
