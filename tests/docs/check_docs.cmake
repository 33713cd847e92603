# The documentation stands alone: cmake -DSOURCE_DIR=<rectify> -P check_docs.cmake
#   1. every Markdown file named in README.md, docs/, include/, tests/, examples/, bench/ and
#      cmake/ (as NAME.md or a path ending in .md) exists in the repository: no reference leaves it;
#   2. every RECTIFY_* option and cache variable that rectify's CMake code defines is documented
#      in README.md.
cmake_minimum_required(VERSION 3.21)

file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}"
  "${SOURCE_DIR}/README.md" "${SOURCE_DIR}/docs/*.md"
  "${SOURCE_DIR}/include/*" "${SOURCE_DIR}/tests/*" "${SOURCE_DIR}/examples/*"
  "${SOURCE_DIR}/bench/*" "${SOURCE_DIR}/cmake/*" "${SOURCE_DIR}/CMakeLists.txt")
list(FILTER files EXCLUDE REGEX "\\.(png|json)$|^tests/docs/")
set(missing "")
foreach(file IN LISTS files)
  file(STRINGS "${SOURCE_DIR}/${file}" lines REGEX "[A-Za-z0-9_]\\.md")
  foreach(line IN LISTS lines)
    string(REGEX MATCHALL "[A-Za-z0-9_./-]*[A-Za-z0-9_]\\.md" names "${line}")
    foreach(name IN LISTS names)
      string(REGEX REPLACE "^\\./" "" name "${name}")
      # A bare NAME.md may live in docs/ (docs/ files name each other that way).
      if(NOT EXISTS "${SOURCE_DIR}/${name}" AND NOT EXISTS "${SOURCE_DIR}/docs/${name}")
        list(APPEND missing "${file}: ${name}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(missing)
  list(REMOVE_DUPLICATES missing)
  list(JOIN missing "\n  " shown)
  message(FATAL_ERROR "references to Markdown files that are not in the repository:\n  ${shown}")
endif()

file(GLOB_RECURSE cmake_files "${SOURCE_DIR}/CMakeLists.txt" "${SOURCE_DIR}/*/CMakeLists.txt"
  "${SOURCE_DIR}/cmake/*.cmake")
list(FILTER cmake_files EXCLUDE REGEX "/build/")
file(READ "${SOURCE_DIR}/README.md" readme)
set(undocumented "")
set(count 0)
foreach(file IN LISTS cmake_files)
  file(STRINGS "${file}" lines REGEX "^[ \t]*(option|set)\\(RECTIFY_[A-Z0-9_]+")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*set\\(" AND NOT line MATCHES "CACHE")
      continue()
    endif()
    string(REGEX MATCH "RECTIFY_[A-Z0-9_]+" name "${line}")
    math(EXPR count "${count} + 1")
    string(FIND "${readme}" "`${name}`" at)
    if(at EQUAL -1)
      list(APPEND undocumented "${name}")
    endif()
  endforeach()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "found no RECTIFY_* option in rectify's CMake files: the check is broken")
endif()
if(undocumented)
  message(FATAL_ERROR "options not documented (as `NAME`) in README.md: ${undocumented}")
endif()
message(STATUS "${count} RECTIFY_* options documented; every referenced .md file exists")
