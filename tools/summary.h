/* SPDX-License-Identifier: MIT */
/*
 * summary.h - one line of text about an Ethernet frame (addresses, ethertype,
 * a short L3/L4 summary), built from the bytes alone and never reading past
 * the length it is given.
 */
#ifndef NETRING_TOOL_SUMMARY_H
#define NETRING_TOOL_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Describe the `len` bytes at `data` (an Ethernet frame, possibly cut short)
 * in `buf`, always NUL-terminated when size > 0.  Any bytes are accepted.
 * Returns the length of the text written (cut to size - 1).
 */
size_t frame_summary(char *buf, size_t size, const uint8_t *data, size_t len);

#endif /* NETRING_TOOL_SUMMARY_H */
