/* SPDX-License-Identifier: MIT */
/*
 * nrt_tcp.h - the byte stream of the TCP tests: byte k of the stream is a
 * function of k alone, so a receiver that sees any piece of it (a frame's
 * payload at a known sequence number) can check every byte it holds.
 */
#ifndef NRT_TCP_H
#define NRT_TCP_H

#include <stdint.h>

static inline uint8_t nrt_tcp_byte(uint64_t k)
{
	/* Not periodic at any frame-sized scale: the top byte of a
	 * multiplicative hash of the offset. */
	return (uint8_t)(((uint32_t)k * 2654435761u) >> 24);
}

#endif /* NRT_TCP_H */
