# Guest.cmake — build WebAssembly guests (wasm32-wasi) with Debian's clang,
# wasi-libc and lld, whatever compiler builds the host.
#
# hearth_add_guest(NAME SOURCES a.c b.c [SDK] [STACK bytes]
#                  [INCLUDES dir...] [DEPENDS tgt...]
#                  [FLAGS flag...] [LINK_FLAGS flag...])
# produces ${CMAKE_BINARY_DIR}/guests/NAME.wasm and a target guest-NAME that
# is part of 'all'. Sources are compiled at -O2.
#
# SDK: a Hearth process module (docs/guest-sdk.md): a WASI reactor linked
# with the guest SDK (guest/lib plus src/base compiled for wasm32), with
# guest/include and include/ on the include path, a small stack (STACK,
# default 32 KiB) placed first in memory so that an overflow traps instead
# of corrupting data, and only the entry points, _initialize and memory
# exported. Guest code and the SDK are compiled with -flto, so the
# linker inlines the SDK's small functions into the guest (fewer Wasm
# calls, less of each process's stack touched per message).
find_program(HEARTH_WASM_CC NAMES clang-14 clang REQUIRED)
set(HEARTH_GUEST_DIR ${CMAKE_BINARY_DIR}/guests)
file(MAKE_DIRECTORY ${HEARTH_GUEST_DIR} ${HEARTH_GUEST_DIR}/sdk)
add_custom_target(guests ALL)

set(HEARTH_GUEST_CFLAGS --target=wasm32-wasi -O2 -flto -mbulk-memory -std=gnu11 -Wall -Wextra
    -Wshadow -Wstrict-prototypes -Werror
    -I${CMAKE_SOURCE_DIR}/guest/include -I${CMAKE_SOURCE_DIR}/include)
file(GLOB HEARTH_GUEST_HEADERS CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/guest/include/*.h ${CMAKE_SOURCE_DIR}/guest/lib/*.h
     ${CMAKE_SOURCE_DIR}/include/hearth/*.h)

# The SDK, compiled once into objects that every SDK guest links (the
# linker keeps only what a guest uses). MessagePack, buffers and the error
# table are the host's own sources: one implementation on both sides.
file(GLOB HEARTH_GUEST_SDK_SOURCES CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/guest/lib/*.c)
list(SORT HEARTH_GUEST_SDK_SOURCES)
list(APPEND HEARTH_GUEST_SDK_SOURCES ${CMAKE_SOURCE_DIR}/src/base/error.c
     ${CMAKE_SOURCE_DIR}/src/base/buf.c ${CMAKE_SOURCE_DIR}/src/base/msgpack.c)
set(HEARTH_GUEST_SDK_OBJECTS "")
foreach(src ${HEARTH_GUEST_SDK_SOURCES})
  get_filename_component(stem ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(dir ${dir} NAME)
  set(obj ${HEARTH_GUEST_DIR}/sdk/${dir}_${stem}.o)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${HEARTH_WASM_CC} ${HEARTH_GUEST_CFLAGS} -c ${src} -o ${obj}
    DEPENDS ${src} ${HEARTH_GUEST_HEADERS}
    COMMENT "Building guest SDK object ${dir}_${stem}.o"
    VERBATIM)
  list(APPEND HEARTH_GUEST_SDK_OBJECTS ${obj})
endforeach()
add_custom_target(guest-sdk DEPENDS ${HEARTH_GUEST_SDK_OBJECTS})

function(hearth_add_guest name)
  cmake_parse_arguments(G "SDK" "STACK" "SOURCES;INCLUDES;DEPENDS;FLAGS;LINK_FLAGS" ${ARGN})
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
  if(G_SDK)
    if(NOT G_STACK)
      set(G_STACK 32768)
    endif()
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${HEARTH_WASM_CC} ${HEARTH_GUEST_CFLAGS} -mexec-model=reactor
              ${incs} ${G_FLAGS} ${srcs} ${HEARTH_GUEST_SDK_OBJECTS}
              -o ${out} -Wl,-z,stack-size=${G_STACK} -Wl,--stack-first
              -Wl,--strip-debug -lc-printscan-long-double
              ${G_LINK_FLAGS}
      DEPENDS ${srcs} ${G_DEPENDS} ${HEARTH_GUEST_SDK_OBJECTS}
              ${HEARTH_GUEST_HEADERS}
      COMMENT "Building guest ${name}.wasm"
      VERBATIM)
  else()
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${HEARTH_WASM_CC} --target=wasm32-wasi -O2 -Wall -Werror
              ${incs} ${G_FLAGS} ${srcs} -o ${out} ${G_LINK_FLAGS}
      DEPENDS ${srcs} ${G_DEPENDS}
      COMMENT "Building guest ${name}.wasm"
      VERBATIM)
  endif()
  add_custom_target(guest-${name} DEPENDS ${out})
  if(G_SDK)
    add_dependencies(guest-${name} guest-sdk)
  endif()
  add_dependencies(guests guest-${name})
endfunction()
