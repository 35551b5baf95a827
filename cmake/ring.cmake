# SPDX-License-Identifier: MIT
# The shared slot ring, the TAP backend and the pcap source (issue 4): their
# sources join the library's object library; libpcap is linked where the
# pcap source needs it.  Included from the top-level CMakeLists.txt.
set(_nr_ring_src ${CMAKE_CURRENT_LIST_DIR}/../src)
target_sources(netring_obj PRIVATE
  ${_nr_ring_src}/ring.c
  ${_nr_ring_src}/ring_backend.c
  ${_nr_ring_src}/backend_tap.c
  ${_nr_ring_src}/backend_pcap.c)
# The object library needs libpcap's headers; the shared library links it
# privately, and users of the static one need it at their link.
target_link_libraries(netring_obj PRIVATE PkgConfig::PCAP)
target_link_libraries(netring PRIVATE PkgConfig::PCAP)
target_link_libraries(netring_static INTERFACE PkgConfig::PCAP)
