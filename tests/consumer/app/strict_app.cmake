# rectify_strict_app(<name> <source> <target>): a consumer program built with a strict consumer's
# warnings, linked to <target>. rectify's headers come as SYSTEM includes, and are warning-clean
# besides (tests/compile_checks). Included by the three consumer projects.
set(rectify_strict_app_dir ${CMAKE_CURRENT_LIST_DIR})  # inside the function it would be the caller's
function(rectify_strict_app name source target)
  add_executable(${name} ${rectify_strict_app_dir}/${source})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    -Wold-style-cast -Wdouble-promotion -Werror)
  target_link_libraries(${name} PRIVATE ${target})
endfunction()
