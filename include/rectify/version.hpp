// rectify/version.hpp — rectify's version, as preprocessor numbers; includes nothing.
//
// The same version as project() in CMakeLists.txt, the CMake package (find_package(rectify 0.1))
// and rectify.pc: configuring rectify fails when this file and project() disagree
// (cmake/rectifyVersion.cmake), and CHANGELOG.md's first entry must name it too.
#pragma once

#define RECTIFY_VERSION_MAJOR 0
#define RECTIFY_VERSION_MINOR 1
#define RECTIFY_VERSION_PATCH 0

// One number that grows with every release, for #if: 10000 * major + 100 * minor + patch
// (0.1.0 is 100, 1.2.3 would be 10203).
#define RECTIFY_VERSION (RECTIFY_VERSION_MAJOR * 10000 + RECTIFY_VERSION_MINOR * 100 + RECTIFY_VERSION_PATCH)
