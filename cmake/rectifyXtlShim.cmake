# Debian's xsimd 8.1 package exports a target `xsimd` whose INTERFACE_LINK_LIBRARIES name a
# target `xtl` that the package never defines (xtl is optional for xsimd and not installed).
# Without a target of that name the linker gets `-lxtl` and fails. xsimd needs nothing from
# xtl, so when no `xtl` target exists we define an empty one. GLOBAL, because link items of an
# imported target may be resolved from any directory that links rectify.
# Included by the top-level CMakeLists.txt and by the installed rectifyConfig.cmake.
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED GLOBAL)
endif()
