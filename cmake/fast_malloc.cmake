# tapecheck_fast_malloc(target): links tcmalloc (gperftools' tcmalloc_minimal) into an
# executable, replacing malloc, free and operator new/delete for the whole process.
#
# Why tcmalloc and not mimalloc or jemalloc (measured on the gradient_check fuzzer's 790 inputs
# of <= 16 ops, user CPU): glibc 1.56-1.67 s, jemalloc 1.42-1.43 s, tcmalloc 1.29-1.42 s,
# mimalloc 1.25-1.43 s. mimalloc was as fast, but Debian builds it as C, and its operator new
# calls abort() when memory runs out instead of throwing std::bad_alloc — which the campaign's
# address-space caps and its report writer rely on to turn a huge graph into a clear error.
# tcmalloc throws, as glibc's operator new does.
#
# TAPECHECK_FAST_MALLOC: AUTO (the default: tcmalloc when the library is found and no sanitizer
# with its own allocator is on), ON (required), OFF (glibc).
set(TAPECHECK_FAST_MALLOC AUTO CACHE STRING "Link tcmalloc into the CLI and fuzz drivers: AUTO, ON or OFF")
set_property(CACHE TAPECHECK_FAST_MALLOC PROPERTY STRINGS AUTO ON OFF)

set(TAPECHECK_TCMALLOC "")
if(NOT TAPECHECK_FAST_MALLOC STREQUAL "OFF")
  # ASan, MSan and TSan replace malloc themselves (UBSan and libFuzzer alone do not).
  string(REGEX MATCH "-fsanitize=[^ ]*(address|memory|thread)" sanitized "${CMAKE_CXX_FLAGS} ${CMAKE_EXE_LINKER_FLAGS}")
  # The runtime package's library: the -dev package (libgoogle-perftools-dev) would pull in
  # libunwind-dev, which conflicts with clang-14's libunwind.
  find_library(TAPECHECK_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(sanitized)
    message(STATUS "tcmalloc: not linked (${sanitized} brings its own allocator)")
  elseif(TAPECHECK_TCMALLOC_LIBRARY)
    set(TAPECHECK_TCMALLOC ${TAPECHECK_TCMALLOC_LIBRARY})
    message(STATUS "tcmalloc: ${TAPECHECK_TCMALLOC}")
  elseif(TAPECHECK_FAST_MALLOC STREQUAL "ON")
    message(FATAL_ERROR "TAPECHECK_FAST_MALLOC=ON but libtcmalloc_minimal.so.4 was not found (Debian: libtcmalloc-minimal4)")
  else()
    message(STATUS "tcmalloc: not found (Debian: libtcmalloc-minimal4), glibc's malloc is used")
  endif()
endif()

function(tapecheck_fast_malloc target)
  if(TAPECHECK_TCMALLOC)
    # --no-as-needed: nothing in the program calls tcmalloc by name; it is linked for the
    # symbols it interposes, which a linker defaulting to --as-needed would drop it for.
    target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed ${TAPECHECK_TCMALLOC} -Wl,--pop-state)
  endif()
endfunction()
