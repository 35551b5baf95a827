# SPDX-License-Identifier: MIT
# The AF_XDP backend (issue 3): its XDP program is compiled with clang
# -target bpf, turned into a libbpf skeleton by bpftool and so embedded in
# the library (no file is installed next to it); its C sources join the
# object library, which gets NETRING_HAVE_XDP=1.  Included from the top-level
# CMakeLists.txt.  Without clang, bpftool or libbpf the library is built
# without the backend, and netring_if_probe() still reports the features.
set(_nr_xdp_root ${CMAKE_CURRENT_LIST_DIR}/..)
set(_nr_xdp_out ${CMAKE_CURRENT_BINARY_DIR}/xdp)

find_program(NETRING_BPF_CLANG NAMES clang clang-16 clang-15 clang-14)
find_program(NETRING_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin)
pkg_check_modules(LIBBPF IMPORTED_TARGET libbpf)

# The probe uses netlink only (and libbpf, when there, for the program name).
target_sources(netring_obj PRIVATE ${_nr_xdp_root}/src/xdp_probe.c)

if(NOT NETRING_BPF_CLANG OR NOT NETRING_BPFTOOL OR NOT LIBBPF_FOUND)
  message(WARNING "netring: building without the AF_XDP backend "
    "(needs clang, bpftool and libbpf-dev: clang=${NETRING_BPF_CLANG} "
    "bpftool=${NETRING_BPFTOOL} libbpf=${LIBBPF_FOUND})")
  return()
endif()

# BPF objects see the kernel's UAPI headers, which Debian keeps under the
# multiarch directory (asm/types.h).
set(_nr_bpf_includes -I${_nr_xdp_root}/src/bpf)
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND _nr_bpf_includes -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
endif()

# nr_bpf_object(OUT SRC [DEPENDS ...]): compile SRC for -target bpf into
# OUT (the library's program here, the tests' programs in tests/).
function(nr_bpf_object out src)
  cmake_parse_arguments(_a "" "" "DEPENDS" ${ARGN})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${NETRING_BPF_CLANG} -g -O2 -target bpf -Wall -Werror
            ${_nr_bpf_includes} -c ${src} -o ${out}
    DEPENDS ${src} ${_a_DEPENDS}
    COMMENT "netring: compiling ${src}"
    VERBATIM)
endfunction()

file(MAKE_DIRECTORY ${_nr_xdp_out})
nr_bpf_object(${_nr_xdp_out}/netring_xsk.bpf.o
  ${_nr_xdp_root}/src/bpf/netring_xsk.bpf.c
  DEPENDS ${_nr_xdp_root}/src/bpf/netring_xsk.h)
add_custom_command(
  OUTPUT ${_nr_xdp_out}/nr_xsk_skel.h
  COMMAND ${NETRING_BPFTOOL} gen skeleton ${_nr_xdp_out}/netring_xsk.bpf.o
          name nr_xsk_skel > ${_nr_xdp_out}/nr_xsk_skel.h
  DEPENDS ${_nr_xdp_out}/netring_xsk.bpf.o
  COMMENT "netring: embedding the XDP program (bpftool skeleton)"
  VERBATIM)
add_custom_target(netring_xdp_skel DEPENDS ${_nr_xdp_out}/nr_xsk_skel.h)

target_sources(netring_obj PRIVATE
  ${_nr_xdp_root}/src/backend_xdp.c
  ${_nr_xdp_root}/src/xdp_prog.c
  ${_nr_xdp_out}/nr_xsk_skel.h)
add_dependencies(netring_obj netring_xdp_skel)
target_include_directories(netring_obj PRIVATE ${_nr_xdp_out})
target_compile_definitions(netring_obj PRIVATE NETRING_HAVE_XDP=1)
target_link_libraries(netring_obj PRIVATE PkgConfig::LIBBPF)
target_link_libraries(netring PRIVATE PkgConfig::LIBBPF)
target_link_libraries(netring_static INTERFACE PkgConfig::LIBBPF)
