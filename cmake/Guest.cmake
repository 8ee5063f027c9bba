# Guest.cmake — build WebAssembly guests (wasm32-wasi) with Debian's clang,
# wasi-libc and lld, whatever compiler builds the host.
#
# hearth_add_guest(NAME SOURCES a.c b.c [INCLUDES dir...] [DEPENDS tgt...]
#                  [FLAGS flag...] [LINK_FLAGS flag...])
# produces ${CMAKE_BINARY_DIR}/guests/NAME.wasm and a target guest-NAME that
# is part of 'all'. Sources are compiled at -O2.
find_program(HEARTH_WASM_CC NAMES clang-14 clang REQUIRED)
set(HEARTH_GUEST_DIR ${CMAKE_BINARY_DIR}/guests)
file(MAKE_DIRECTORY ${HEARTH_GUEST_DIR})
add_custom_target(guests ALL)

function(hearth_add_guest name)
  cmake_parse_arguments(G "" "" "SOURCES;INCLUDES;DEPENDS;FLAGS;LINK_FLAGS" ${ARGN})
  set(out ${HEARTH_GUEST_DIR}/${name}.wasm)
  set(srcs "")
  foreach(s ${G_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  set(incs "")
  foreach(i ${G_INCLUDES})
    get_filename_component(abs ${i} ABSOLUTE)
    list(APPEND incs -I${abs})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${HEARTH_WASM_CC} --target=wasm32-wasi -O2 -Wall -Werror
            ${incs} ${G_FLAGS} ${srcs} -o ${out} ${G_LINK_FLAGS}
    DEPENDS ${srcs} ${G_DEPENDS}
    COMMENT "Building guest ${name}.wasm"
    VERBATIM)
  add_custom_target(guest-${name} DEPENDS ${out})
  add_dependencies(guests guest-${name})
endfunction()
