# SPDX-License-Identifier: MIT
# The benchmarks (issue 5): the generator, "the limit", the hand-written
# reference receivers, the netring receiver and the wake-up floor, run by
# bench/run.sh (`make bench`).  Included by bench/CMakeLists.txt (a project
# of its own against the built library), or by a build that has the
# `netring` target; programs go to NRB_OUT (default: <build>/bench).  The
# BPF programs are embedded with bpftool skeletons, as the library's own.
set(_nrb_dir ${CMAKE_CURRENT_LIST_DIR})
if(NOT NRB_OUT)
  set(NRB_OUT ${CMAKE_BINARY_DIR}/bench)
endif()
set(_nrb_out ${NRB_OUT})

find_program(NRB_CLANG NAMES clang clang-16 clang-15 clang-14)
find_program(NRB_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin)
pkg_check_modules(NRB_LIBBPF IMPORTED_TARGET libbpf)
if(NOT NRB_CLANG OR NOT NRB_BPFTOOL OR NOT NRB_LIBBPF_FOUND)
  set(_nrb_why "the benchmarks need clang, bpftool and libbpf-dev (clang=${NRB_CLANG} bpftool=${NRB_BPFTOOL} libbpf=${NRB_LIBBPF_FOUND})")
  if(PROJECT_NAME STREQUAL "netring_bench")
    message(FATAL_ERROR "${_nrb_why}")
  endif()
  message(WARNING "${_nrb_why}: not built")
  return()
endif()

set(_nrb_bpf_includes)
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND _nrb_bpf_includes -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
endif()
file(MAKE_DIRECTORY ${_nrb_out})

# nrb_bpf(NAME): bench/bpf/NAME.bpf.c -> NAME_skel.h in the build tree.
function(nrb_bpf name)
  add_custom_command(
    OUTPUT ${_nrb_out}/${name}.bpf.o
    COMMAND ${NRB_CLANG} -g -O2 -target bpf -Wall -Werror ${_nrb_bpf_includes}
            -c ${_nrb_dir}/bpf/${name}.bpf.c -o ${_nrb_out}/${name}.bpf.o
    DEPENDS ${_nrb_dir}/bpf/${name}.bpf.c ${_nrb_dir}/nrb_frame.h
    COMMENT "bench: compiling ${name}.bpf.c"
    VERBATIM)
  add_custom_command(
    OUTPUT ${_nrb_out}/${name}_skel.h
    COMMAND ${NRB_BPFTOOL} gen skeleton ${_nrb_out}/${name}.bpf.o
            name ${name}_skel > ${_nrb_out}/${name}_skel.h
    DEPENDS ${_nrb_out}/${name}.bpf.o
    COMMENT "bench: embedding ${name}.bpf.o"
    VERBATIM)
  add_custom_target(${name}_skel DEPENDS ${_nrb_out}/${name}_skel.h)
endfunction()
nrb_bpf(nrb_gen)
nrb_bpf(nrb_drop)
nrb_bpf(nrb_xsk)

add_library(nrb_common STATIC ${_nrb_dir}/nrb.c)
target_include_directories(nrb_common PUBLIC ${_nrb_dir} ${_nrb_out})

# nrb_program(EXE SOURCE [SKELETON...]): one benchmark program in NRB_OUT;
# with skeletons (or the word LIBBPF alone) it also links libbpf.
function(nrb_program exe src)
  add_executable(${exe} ${_nrb_dir}/${src})
  target_link_libraries(${exe} PRIVATE nrb_common)
  set_target_properties(${exe} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${_nrb_out})
  foreach(dep ${ARGN})
    if(NOT dep STREQUAL "LIBBPF")
      add_dependencies(${exe} ${dep})
    endif()
  endforeach()
  if(ARGN)
    target_link_libraries(${exe} PRIVATE PkgConfig::NRB_LIBBPF)
  endif()
endfunction()

# The generator builds its frame with the tests' frame stream.
nrb_program(nrb-gen gen.c nrb_gen_skel)
target_sources(nrb-gen PRIVATE ${_nrb_dir}/../tests/lib/frames.c)
target_include_directories(nrb-gen PRIVATE ${_nrb_dir}/../tests/lib)

nrb_program(nrb-xdpdrop xdp_drop.c nrb_drop_skel)
nrb_program(nrb-xdpcost xdp_cost.c LIBBPF)
nrb_program(nrb-ref-afxdp ref_afxdp.c nrb_xsk_skel)
# The hand-written AF_XDP forwarder `netring fwd -b xdp` is measured against.
nrb_program(nrb-ref-xdpfwd ref_xdpfwd.c nrb_xsk_skel)
nrb_program(nrb-ref-tpacket ref_tpacket.c)
nrb_program(nrb-rusage rusage.c)
# The netring receiver uses the public header and the shared library only.
nrb_program(nrb-netring netring_rx.c)
target_link_libraries(nrb-netring PRIVATE netring)

# The references again with the frame handler out of line, for callgrind's
# count of the receive path alone (never used for rates).
nrb_program(nrb-ref-afxdp-count ref_afxdp.c nrb_xsk_skel)
target_compile_definitions(nrb-ref-afxdp-count PRIVATE NRB_COUNTING=1)
nrb_program(nrb-ref-tpacket-count ref_tpacket.c)
target_compile_definitions(nrb-ref-tpacket-count PRIVATE NRB_COUNTING=1)

# The wake-up floor under the poll-mode latencies.
find_package(Threads REQUIRED)
nrb_program(nrb-wake wake.c)
target_link_libraries(nrb-wake PRIVATE Threads::Threads)

# The event loop case (issue 7): one netring_loop over several rings
# against a thread per ring, on the same CPU.
nrb_program(nrb-loop loop_rx.c)
target_link_libraries(nrb-loop PRIVATE netring Threads::Threads)
