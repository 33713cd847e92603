# rectify's version is written in three places that must agree: project() in CMakeLists.txt (which
# the CMake package and rectify.pc take), include/rectify/version.hpp (RECTIFY_VERSION_MAJOR, _MINOR,
# _PATCH) and the first entry of CHANGELOG.md ("## 0.1.0 — 2026-12-07"). Included by the top-level
# CMakeLists.txt when rectify is the top-level project: configuring fails, naming the three, when
# they drift apart.
file(STRINGS "${PROJECT_SOURCE_DIR}/include/rectify/version.hpp" rectify_version_lines
     REGEX "^#define RECTIFY_VERSION_(MAJOR|MINOR|PATCH) ")
foreach(part MAJOR MINOR PATCH)
  set(rectify_version_${part} "?")
  foreach(line IN LISTS rectify_version_lines)
    if(line MATCHES "^#define RECTIFY_VERSION_${part} +([0-9]+)")
      set(rectify_version_${part} "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endforeach()
set(rectify_header_version "${rectify_version_MAJOR}.${rectify_version_MINOR}.${rectify_version_PATCH}")

set(rectify_changelog_version "none")
if(EXISTS "${PROJECT_SOURCE_DIR}/CHANGELOG.md")
  file(STRINGS "${PROJECT_SOURCE_DIR}/CHANGELOG.md" rectify_changelog_entries REGEX "^## ")
  if(rectify_changelog_entries)
    list(GET rectify_changelog_entries 0 rectify_first_entry)
    if(rectify_first_entry MATCHES "^## ([0-9]+\\.[0-9]+\\.[0-9]+)")
      set(rectify_changelog_version "${CMAKE_MATCH_1}")
    endif()
  endif()
endif()

if(NOT rectify_header_version STREQUAL PROJECT_VERSION OR NOT rectify_changelog_version STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "rectify: the version differs between CMakeLists.txt's project() (${PROJECT_VERSION}), "
    "include/rectify/version.hpp (${rectify_header_version}) and CHANGELOG.md's first entry "
    "(${rectify_changelog_version}): a release changes all three")
endif()
