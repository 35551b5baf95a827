# SPDX-License-Identifier: MIT
# The event loop over many rings and its rtnetlink link events (issue 7):
# sources join the library's object library.  Included from the top-level
# CMakeLists.txt.
target_sources(netring_obj PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/../src/loop.c
  ${CMAKE_CURRENT_LIST_DIR}/../src/rtnl_events.c)
