// SPDX-License-Identifier: MIT
/*
 * nrt_tcp.c - nrt-tcp: one TCP stream of the bytes of nrt_tcp.h.
 *   nrt-tcp sink -p PORT            listen on PORT (any address), print
 *                                   "ready", take one connection, read it to
 *                                   the end checking every byte, print
 *                                   "received N"; exit 1 on a wrong byte
 *   nrt-tcp send -a ADDR -p PORT -n BYTES
 *                                   connect, write BYTES bytes of the stream
 *                                   in 64 KiB writes (so TCP builds GSO
 *                                   super-frames), close, print "sent N"
 * Exit status 0 when the stream went through whole, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nrt_tcp.h"
#include "nrt_util.h"

#define CHUNK (64u << 10)

static uint8_t buf[CHUNK];

static int usage(void)
{
	fprintf(stderr, "usage: nrt-tcp sink -p PORT\n"
			"       nrt-tcp send -a ADDR -p PORT -n BYTES\n");
	return 2;
}

static int sink(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	uint64_t got = 0;
	int one = 1, ls, fd;
	ssize_t n;

	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1)) {
		perror("nrt-tcp: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	fd = accept(ls, NULL, NULL);
	if (fd < 0) {
		perror("nrt-tcp: accept");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != nrt_tcp_byte(got + (uint64_t)i)) {
				fprintf(stderr,
					"nrt-tcp: byte %" PRIu64 " is %u, not %u\n",
					got + (uint64_t)i, buf[i],
					nrt_tcp_byte(got + (uint64_t)i));
				return 1;
			}
		got += (uint64_t)n;
	}
	if (n < 0) {
		perror("nrt-tcp: read");
		return 1;
	}
	printf("received %" PRIu64 "\n", got);
	close(fd);
	close(ls);
	return 0;
}

static int send_stream(const char *addr, uint16_t port, uint64_t bytes)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	uint64_t sent = 0;
	int fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "nrt-tcp: -a %s: not an IPv4 address\n", addr);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nrt-tcp: connect");
		return 1;
	}
	while (sent < bytes) {
		size_t len = bytes - sent < CHUNK ? (size_t)(bytes - sent)
						  : CHUNK;
		ssize_t n;

		for (size_t i = 0; i < len; i++)
			buf[i] = nrt_tcp_byte(sent + i);
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("nrt-tcp: write");
			return 1;
		}
		sent += (uint64_t)n; /* a short write: the rest is rebuilt */
	}
	if (close(fd)) {
		perror("nrt-tcp: close");
		return 1;
	}
	printf("sent %" PRIu64 "\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	const char *addr = NULL;
	uint64_t port = 0, bytes = 0;
	int opt;

	if (argc < 2)
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "a:p:n:")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (nrt_parse_u64(optarg, 65535, &port) || !port)
				return usage();
			break;
		case 'n':
			if (nrt_parse_u64(optarg, UINT64_MAX, &bytes))
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (!port)
		return usage();
	if (!strcmp(argv[1], "sink"))
		return sink((uint16_t)port);
	if (!strcmp(argv[1], "send") && addr && bytes)
		return send_stream(addr, (uint16_t)port, bytes);
	return usage();
}
