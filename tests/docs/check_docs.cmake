# The documentation stands alone and cannot rot: cmake -DSOURCE_DIR=<rectify> -P check_docs.cmake
#   1. every Markdown file named in the docs (README.md, CONTRIBUTING.md, CHANGELOG.md, docs/,
#      bench/) or in the sources (include/, src/, tests/, examples/, bench/, cmake/, CMakeLists.txt),
#      as NAME.md or a path ending in .md, exists in the repository;
#   2. every relative link [text](target) of the docs resolves to a file inside the repository,
#      and a #anchor in it (or a link #anchor within the same file) to a heading of that
#      Markdown file, named as GitHub names headings (lower case, punctuation dropped, spaces to
#      hyphens, -1, -2, ... for repeated headings);
#   3. every code block of the docs that is a whole program (it contains `int main`) names its
#      source on the line before its opening fence, <!-- from examples/quickstart.cpp --> (a path
#      from the repository's root), and every block that names a source is a verbatim excerpt of
#      it (whole lines, leading and trailing blanks aside), and that source is named in the code
#      of a CMake file under its top-level directory (CMake builds it; CTest runs the examples and
#      the consumer programs);
#   4. every RECTIFY_* option and cache variable that rectify's CMake code defines is documented
#      (as `NAME`) in README.md or docs/*.md.
# Self-contained: no configured build tree, only CMake. It prints every problem, then fails.
cmake_minimum_required(VERSION 3.21)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<rectify source tree> -P check_docs.cmake")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)

set(problems "")

# --- the docs --------------------------------------------------------------------------------
file(GLOB doc_files RELATIVE "${SOURCE_DIR}"
  "${SOURCE_DIR}/*.md" "${SOURCE_DIR}/docs/*.md" "${SOURCE_DIR}/bench/*.md")
list(SORT doc_files)

# A file's text as a CMake list of its lines. Markdown is full of what CMake lists treat
# specially (; [ ] \), so those are replaced by placeholders first: <SEMI> <LBR> <RBR> <BSL>.
function(read_lines path out)
  file(READ "${path}" text)
  string(REPLACE "\r" "" text "${text}")
  string(REPLACE "\\" "<BSL>" text "${text}")
  string(REPLACE ";" "<SEMI>" text "${text}")
  string(REPLACE "[" "<LBR>" text "${text}")
  string(REPLACE "]" "<RBR>" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(restore text out)
  string(REPLACE "<SEMI>" ";" text "${text}")
  string(REPLACE "<LBR>" "[" text "${text}")
  string(REPLACE "<RBR>" "]" text "${text}")
  string(REPLACE "<BSL>" "\\" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The anchors GitHub gives the headings of a Markdown file (outside code blocks).
function(heading_anchors path out)
  read_lines("${path}" lines)
  set(anchors "")
  set(in_fence OFF)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ ]*(```|~~~)")
      if(in_fence)
        set(in_fence OFF)
      else()
        set(in_fence ON)
      endif()
      continue()
    endif()
    if(in_fence OR NOT line MATCHES "^#+[ \t]+(.*)$")
      continue()
    endif()
    set(text "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "[ \t#]+$" "" text "${text}")
    # [text](url) counts as its text.
    string(REGEX REPLACE "<LBR>([^<]*)<RBR>\\([^)]*\\)" "\\1" text "${text}")
    restore("${text}" text)
    string(TOLOWER "${text}" slug)
    # GitHub keeps letters, digits, spaces, hyphens and underscores (non-ASCII letters too; this
    # check drops every non-ASCII byte, so link only to headings written in ASCII).
    string(REGEX REPLACE "[^a-z0-9 _-]" "" slug "${slug}")
    string(REPLACE " " "-" slug "${slug}")
    set(anchor "${slug}")
    set(n 0)
    while(anchor IN_LIST anchors)
      math(EXPR n "${n} + 1")
      set(anchor "${slug}-${n}")
    endwhile()
    list(APPEND anchors "${anchor}")
  endforeach()
  set(${out} "${anchors}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE cmake_files "${SOURCE_DIR}/CMakeLists.txt" "${SOURCE_DIR}/*/CMakeLists.txt"
  "${SOURCE_DIR}/*.cmake")
list(FILTER cmake_files EXCLUDE REGEX "/build/|/tests/docs/")

# The code (comments dropped) of the CMake files under the top-level directory of `path` (all of
# them for a file at the root): where the target that builds a file a code block comes from is.
function(cmake_code_for path out)
  string(REGEX MATCH "^[^/]+/" top "${path}")
  set(code "")
  foreach(file IN LISTS cmake_files)
    file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
    if(top STREQUAL "" OR relative MATCHES "^${top}")
      file(READ "${file}" text)
      string(REGEX REPLACE "(^|\n)[ \t]*#[^\n]*" "\\1" text "${text}")
      string(APPEND code "${text}\n")
    endif()
  endforeach()
  set(${out} "${code}" PARENT_SCOPE)
endfunction()

# The text in the variable `var` with each line's leading and trailing blanks removed, between
# two newlines. (By name: a function's arguments would be split at each ';' of the text.)
function(normalize var)
  string(REGEX REPLACE "[ \t]+\n" "\n" text "\n${${var}}\n")
  string(REGEX REPLACE "\n[ \t]+" "\n" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

set(link_count 0)
set(block_count 0)
set(sourced_count 0)
foreach(doc IN LISTS doc_files)
  get_filename_component(doc_dir "${SOURCE_DIR}/${doc}" DIRECTORY)
  read_lines("${SOURCE_DIR}/${doc}" lines)
  set(in_fence OFF)
  set(line_number 0)
  set(previous "")
  foreach(line IN LISTS lines)
    math(EXPR line_number "${line_number} + 1")

    # --- code blocks (3)
    if(line MATCHES "^[ ]*(```|~~~)")
      if(NOT in_fence)
        set(in_fence ON)
        set(block "")
        set(block_start ${line_number})
        set(block_source "")
        if(previous MATCHES "^[ \t]*<!--[ \t]*from[ \t]+([^ \t]+)[ \t]*-->")
          set(block_source "${CMAKE_MATCH_1}")
        endif()
      else()
        set(in_fence OFF)
        math(EXPR block_count "${block_count} + 1")
        restore("${block}" block)  # placeholders only: no ';' in the argument
        if(block_source STREQUAL "")
          if(block MATCHES "int[ \t]+main[ \t]*\\(")
            list(APPEND problems "${doc}:${block_start}: a whole program (int main) that names no source: put <!-- from <path of a file CTest builds and runs> --> before its opening fence")
          endif()
        elseif(NOT EXISTS "${SOURCE_DIR}/${block_source}" OR IS_DIRECTORY "${SOURCE_DIR}/${block_source}")
          list(APPEND problems "${doc}:${block_start}: the code block's source ${block_source} does not exist")
        else()
          math(EXPR sourced_count "${sourced_count} + 1")
          file(READ "${SOURCE_DIR}/${block_source}" source_text)
          string(REPLACE "\r" "" source_text "${source_text}")
          string(REGEX REPLACE "\n$" "" block_text "${block}")  # each line was added with its newline
          normalize(source_text)
          normalize(block_text)
          string(FIND "${source_text}" "${block_text}" at)
          if(at EQUAL -1)
            list(APPEND problems "${doc}:${block_start}: the code block is not a verbatim excerpt of ${block_source} (whole lines, in order): copy it again from the file")
          endif()
          get_filename_component(source_name "${block_source}" NAME)
          get_filename_component(source_stem "${block_source}" NAME_WE)
          cmake_code_for("${block_source}" cmake_code)
          string(FIND "${cmake_code}" "${source_name}" named)
          if(named EQUAL -1 AND NOT cmake_code MATCHES "[^A-Za-z0-9_]${source_stem}[^A-Za-z0-9_.]")
            list(APPEND problems "${doc}:${block_start}: the code block's source ${block_source} is not built by CMake (named in no CMake file's code under its top-level directory)")
          endif()
        endif()
      endif()
      set(previous "${line}")
      continue()
    endif()
    if(in_fence)
      string(APPEND block "${line}\n")
      set(previous "${line}")
      continue()
    endif()
    set(previous "${line}")

    # --- links (2), outside code blocks and inline code
    if(NOT line MATCHES "<RBR>\\(")
      continue()
    endif()
    string(REGEX REPLACE "`[^`]*`" "" text "${line}")
    string(REGEX MATCHALL "<RBR>\\([^) \t]+\\)" links "${text}")
    foreach(link IN LISTS links)
      string(REGEX REPLACE "^<RBR>\\((.*)\\)$" "\\1" target "${link}")
      restore("${target}" target)
      if(target MATCHES "^[A-Za-z][A-Za-z0-9+.-]*:")
        continue()  # https:, mailto:, ...: not a file of the repository
      endif()
      math(EXPR link_count "${link_count} + 1")
      set(anchor "")
      if(target MATCHES "^([^#]*)#(.*)$")
        set(target "${CMAKE_MATCH_1}")
        set(anchor "${CMAKE_MATCH_2}")
      endif()
      if(target STREQUAL "")
        set(resolved "${SOURCE_DIR}/${doc}")
      else()
        cmake_path(ABSOLUTE_PATH target BASE_DIRECTORY "${doc_dir}" NORMALIZE OUTPUT_VARIABLE resolved)
      endif()
      string(REGEX REPLACE "/$" "" resolved "${resolved}")
      cmake_path(IS_PREFIX SOURCE_DIR "${resolved}" NORMALIZE inside)
      if(NOT inside)
        list(APPEND problems "${doc}:${line_number}: the link ${target} leaves the repository")
        continue()
      endif()
      if(NOT EXISTS "${resolved}")
        list(APPEND problems "${doc}:${line_number}: the link ${target} names no file of the repository")
        continue()
      endif()
      if(anchor STREQUAL "" OR NOT resolved MATCHES "\\.md$")
        continue()
      endif()
      string(MAKE_C_IDENTIFIER "anchors_${resolved}" cache)
      if(NOT DEFINED ${cache})
        heading_anchors("${resolved}" ${cache})
      endif()
      if(NOT anchor IN_LIST ${cache})
        file(RELATIVE_PATH shown "${SOURCE_DIR}" "${resolved}")
        list(APPEND problems "${doc}:${line_number}: the link's anchor #${anchor} is no heading of ${shown}")
      endif()
    endforeach()
  endforeach()
  if(in_fence)
    list(APPEND problems "${doc}:${block_start}: a code block that is never closed")
  endif()
endforeach()

# --- (1) every Markdown file named anywhere exists -----------------------------------------------
file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}"
  "${SOURCE_DIR}/include/*" "${SOURCE_DIR}/src/*" "${SOURCE_DIR}/tests/*" "${SOURCE_DIR}/examples/*"
  "${SOURCE_DIR}/bench/*" "${SOURCE_DIR}/cmake/*" "${SOURCE_DIR}/CMakeLists.txt")
list(FILTER files EXCLUDE REGEX "\\.(png|json)$|^tests/docs/|^build/|/build/")
list(FILTER files EXCLUDE REGEX "\\.md$")  # the docs are added as a whole: doc_files
list(APPEND files ${doc_files})
list(REMOVE_DUPLICATES files)
foreach(file IN LISTS files)
  file(STRINGS "${SOURCE_DIR}/${file}" lines REGEX "[A-Za-z0-9_]\\.md")
  foreach(line IN LISTS lines)
    string(REGEX MATCHALL "(\\$\\{[A-Za-z_]+\\})?[A-Za-z0-9_./-]*[A-Za-z0-9_]\\.md" names "${line}")
    foreach(name IN LISTS names)
      if(name MATCHES "^\\$\\{[A-Za-z_]*BINARY_DIR\\}")
        continue()  # a file the build writes
      endif()
      string(REGEX REPLACE "^\\$\\{[A-Za-z_]+\\}/?" "" name "${name}")  # ${PROJECT_SOURCE_DIR}/docs/...
      string(REGEX REPLACE "^(\\./|\\.\\./)+" "" name "${name}")
      # A bare NAME.md may live in docs/ (docs/ files name each other that way) or beside the
      # file that names it.
      get_filename_component(dir "${file}" DIRECTORY)
      if(NOT EXISTS "${SOURCE_DIR}/${name}" AND NOT EXISTS "${SOURCE_DIR}/docs/${name}"
         AND NOT EXISTS "${SOURCE_DIR}/${dir}/${name}")
        list(APPEND problems "${file}: names ${name}, which is not in the repository")
      endif()
    endforeach()
  endforeach()
endforeach()

# --- (4) every RECTIFY_* option is documented ----------------------------------------------------
set(docs_text "")
foreach(doc IN LISTS doc_files)
  if(doc STREQUAL "README.md" OR doc MATCHES "^docs/")
    file(READ "${SOURCE_DIR}/${doc}" text)
    string(APPEND docs_text "${text}\n")
  endif()
endforeach()
set(option_count 0)
foreach(file IN LISTS cmake_files)
  file(STRINGS "${file}" lines REGEX "^[ \t]*(option|set)\\(RECTIFY_[A-Z0-9_]+")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*set\\(" AND NOT line MATCHES "CACHE")
      continue()
    endif()
    string(REGEX MATCH "RECTIFY_[A-Z0-9_]+" name "${line}")
    math(EXPR option_count "${option_count} + 1")
    string(FIND "${docs_text}" "`${name}`" at)
    if(at EQUAL -1)
      file(RELATIVE_PATH shown "${SOURCE_DIR}" "${file}")
      list(APPEND problems "${shown}: the option ${name} is documented (as `${name}`) in neither README.md nor docs/*.md")
    endif()
  endforeach()
endforeach()

# --- the checks check something ------------------------------------------------------------------
if(option_count EQUAL 0)
  list(APPEND problems "found no RECTIFY_* option in rectify's CMake files: the check is broken")
endif()
if(link_count LESS 10)
  list(APPEND problems "found only ${link_count} relative links in the docs: the check is broken")
endif()

if(problems)
  list(REMOVE_DUPLICATES problems)
  list(LENGTH problems count)
  list(JOIN problems "\n  " shown)
  message(FATAL_ERROR "the docs have ${count} problem(s):\n  ${shown}")
endif()
list(LENGTH doc_files doc_count)
message(STATUS "docs: ${doc_count} Markdown files, ${link_count} relative links resolved, "
               "${block_count} code blocks (${sourced_count} checked against their source), "
               "${option_count} RECTIFY_* options documented; every named .md file exists")
