/* SPDX-License-Identifier: MIT */
/*
 * unit_args.c - strict parsing of the netring command line: tables of
 * numbers, durations, speeds, MAC addresses, EtherTypes and protocols that
 * must be taken (with their exact value) or refused (with the exact
 * reason), and `dump`/`ls` option sets, alone and in combination.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			failures++;                                            \
		}                                                              \
	} while (0)

static void test_u64(void)
{
	static const struct {
		const char *s;
		uint64_t min, max;
		int rc;
		uint64_t value;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "-0", 0, UINT64_MAX, -EINVAL, 0 },
		{ "+1", 0, UINT64_MAX, -EINVAL, 0 },
		{ " 1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1 ", 0, UINT64_MAX, -EINVAL, 0 },
		{ "", 0, UINT64_MAX, -EINVAL, 0 },
		{ "abc", 0, UINT64_MAX, -EINVAL, 0 },
		{ "12x", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1.5", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1e3", 0, UINT64_MAX, -EINVAL, 0 },
		{ "0x10", 0, UINT64_MAX, -EINVAL, 0 }, /* decimal only */
		{ "1_000", 0, UINT64_MAX, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int rc = arg_parse_u64(cases[i].s, cases[i].min, cases[i].max, &v);

		CHECK(rc == cases[i].rc, "u64 \"%s\": rc %d, want %d", cases[i].s,
		      rc, cases[i].rc);
		if (cases[i].rc == 0)
			CHECK(v == cases[i].value, "u64 \"%s\": %llu", cases[i].s,
			      (unsigned long long)v);
		else
			CHECK(v == 12345, "u64 \"%s\": output written on error",
			      cases[i].s);
	}
	CHECK(arg_parse_u64(NULL, 0, 1, &(uint64_t){ 0 }) == -EINVAL, "NULL");
}

static void test_seconds(void)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t ms;
	} cases[] = {
		{ "1", 0, 1000 },
		{ "0.001", 0, 1 },
		{ "0.5", 0, 500 },
		{ "2.25", 0, 2250 },
		{ "10.100", 0, 10100 },
		{ "31536000", 0, 31536000000ull }, /* the maximum: a year */
		{ "31536000.001", -ERANGE, 0 },
		{ "31536001", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "0", -ERANGE, 0 },
		{ "0.000", -ERANGE, 0 },
		{ "0.0001", -ERANGE, 0 }, /* would round to nothing */
		{ "1.2345", -ERANGE, 0 },
		{ "-1", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ ".5", -EINVAL, 0 },
		{ "5.", -EINVAL, 0 },
		{ "1.2.3", -EINVAL, 0 },
		{ "10s", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "99999999999999999999x", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ms = 777;
		int rc = arg_parse_seconds_ms(cases[i].s, DUMP_TIME_MAX_MS, &ms);

		CHECK(rc == cases[i].rc, "seconds \"%s\": rc %d, want %d",
		      cases[i].s, rc, cases[i].rc);
		CHECK(ms == (cases[i].rc ? 777 : cases[i].ms),
		      "seconds \"%s\": %llu ms", cases[i].s,
		      (unsigned long long)ms);
	}
}

static void test_permille(void)
{
	static const struct {
		const char *s;
		int rc;
		uint32_t permille;
	} cases[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1000 },
		{ "0.5", 0, 500 },
		{ "4", 0, 4000 },
		{ "0.001", 0, 1 },
		{ "2.25", 0, 2250 },
		{ "1000", 0, 1000000 }, /* the header's maximum */
		{ "1000.000", 0, 1000000 },
		{ "1000.001", -ERANGE, 0 },
		{ "1001", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "0.0001", -ERANGE, 0 }, /* would be rounded away */
		{ "1.2345", -ERANGE, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ ".5", -EINVAL, 0 },
		{ "5.", -EINVAL, 0 },
		{ "1,5", -EINVAL, 0 },
		{ "2x", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 777;
		int rc = arg_parse_permille(cases[i].s, DUMP_REPLAY_PERMILLE_MAX,
					    &v);

		CHECK(rc == cases[i].rc, "permille \"%s\": rc %d, want %d",
		      cases[i].s, rc, cases[i].rc);
		CHECK(v == (cases[i].rc ? 777 : cases[i].permille),
		      "permille \"%s\": %u", cases[i].s, v);
	}
}

static void test_mac(void)
{
	static const struct {
		const char *s;
		int rc;
		uint8_t mac[6];
	} cases[] = {
		{ "02:00:00:00:00:01", 0, { 2, 0, 0, 0, 0, 1 } },
		{ "02:6e:72:74:00:02", 0, { 2, 0x6e, 0x72, 0x74, 0, 2 } },
		{ "0A:bC:De:fF:10:9a", 0, { 0x0a, 0xbc, 0xde, 0xff, 0x10, 0x9a } },
		{ "ff:ff:ff:ff:ff:ff", 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "2:0:0:0:0:1", -EINVAL, { 0 } },
		{ "02-00-00-00-00-01", -EINVAL, { 0 } },
		{ "0200.0000.0001", -EINVAL, { 0 } },
		{ "020000000001", -EINVAL, { 0 } },
		{ "02:00:00:00:00", -EINVAL, { 0 } },
		{ "02:00:00:00:00:01:", -EINVAL, { 0 } },
		{ "02:00:00:00:00:01:02", -EINVAL, { 0 } },
		{ "02:00:00:00:00:0g", -EINVAL, { 0 } },
		{ "02:00:00:00:00: 1", -EINVAL, { 0 } },
		{ " 02:00:00:00:00:1", -EINVAL, { 0 } },
		{ "02:00:00:00:00:01 ", -EINVAL, { 0 } },
		{ "02::00:00:00:0001", -EINVAL, { 0 } },
		{ "", -EINVAL, { 0 } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t mac[6] = { 7, 7, 7, 7, 7, 7 };
		static const uint8_t untouched[6] = { 7, 7, 7, 7, 7, 7 };
		int rc = arg_parse_mac(cases[i].s, mac);

		CHECK(rc == cases[i].rc, "mac \"%s\": rc %d, want %d", cases[i].s,
		      rc, cases[i].rc);
		CHECK(memcmp(mac, cases[i].rc ? untouched : cases[i].mac, 6) == 0,
		      "mac \"%s\": %02x:%02x:%02x:%02x:%02x:%02x", cases[i].s,
		      mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
	CHECK(arg_parse_mac(NULL, (uint8_t[6]){ 0 }) == -EINVAL, "mac NULL");
}

static void test_ethertype(void)
{
	static const struct {
		const char *s;
		int rc;
		uint16_t type;
	} cases[] = {
		{ "0x88b5", 0, 0x88b5 },
		{ "88b5", 0, 0x88b5 },
		{ "0X88B5", 0, 0x88b5 },
		{ "0x0800", 0, 0x0800 },
		{ "800", 0, 0x0800 },  /* hexadecimal, always */
		{ "0806", 0, 0x0806 },
		{ "0x600", 0, 0x0600 }, /* the smallest EtherType */
		{ "ffff", 0, 0xffff },
		{ "0x00088b5", 0, 0x88b5 },
		{ "0x5ff", -ERANGE, 0 }, /* an 802.3 length */
		{ "0", -ERANGE, 0 },
		{ "0x10000", -ERANGE, 0 },
		{ "123456789abcdef01", -ERANGE, 0 },
		{ "0x", -EINVAL, 0 },
		{ "x88b5", -EINVAL, 0 },
		{ "0x88b5h", -EINVAL, 0 },
		{ "88g5", -EINVAL, 0 },
		{ "-0x800", -EINVAL, 0 },
		{ " 800", -EINVAL, 0 },
		{ "ipv4", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t v = 777;
		int rc = arg_parse_ethertype(cases[i].s, &v);

		CHECK(rc == cases[i].rc, "ethertype \"%s\": rc %d, want %d",
		      cases[i].s, rc, cases[i].rc);
		CHECK(v == (cases[i].rc ? 777 : cases[i].type),
		      "ethertype \"%s\": 0x%04x", cases[i].s, v);
	}
}

static void test_ip_proto(void)
{
	static const struct {
		const char *s;
		int rc;
		uint8_t proto;
	} cases[] = {
		{ "udp", 0, 17 },
		{ "tcp", 0, 6 },
		{ "icmp", 0, 1 },
		{ "icmpv6", 0, 58 },
		{ "0", 0, 0 },
		{ "132", 0, 132 },
		{ "255", 0, 255 },
		{ "256", -ERANGE, 0 },
		{ "UDP", -EINVAL, 0 },
		{ "sctp", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "0x11", -EINVAL, 0 },
		{ "17 ", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t v = 77;
		int rc = arg_parse_ip_proto(cases[i].s, &v);

		CHECK(rc == cases[i].rc, "proto \"%s\": rc %d, want %d",
		      cases[i].s, rc, cases[i].rc);
		CHECK(v == (cases[i].rc ? 77 : cases[i].proto),
		      "proto \"%s\": %u", cases[i].s, v);
	}
}

/* argv from a string of words separated by single spaces. */
struct argv_buf {
	char text[1024];
	char *argv[48];
	int argc;
};

static void split(struct argv_buf *b, const char *words)
{
	char *save = NULL;

	snprintf(b->text, sizeof(b->text), "%s", words);
	b->argc = 0;
	for (char *w = strtok_r(b->text, " ", &save); w && b->argc < 47;
	     w = strtok_r(NULL, " ", &save))
		b->argv[b->argc++] = w;
	b->argv[b->argc] = NULL;
}

static void test_dump_valid(void)
{
	struct argv_buf b;
	struct dump_args a;
	char err[256] = "";
	int rc;

	split(&b, "dump -i veth0 -c 100 -t 2.5 -w out.pcap --nano -q -b packet "
		  "--ring-frames 8192 --frame-size 4096 --busy-poll 50 "
		  "--block-timeout 20 "
		  "--queue all --outgoing --promisc --stats json");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "full set: %d %s", rc, err);
	CHECK(a.ifname && strcmp(a.ifname, "veth0") == 0, "ifname");
	CHECK(a.count == 100, "count %llu", (unsigned long long)a.count);
	CHECK(a.time_ms == 2500, "time %llu", (unsigned long long)a.time_ms);
	CHECK(a.pcap_path && strcmp(a.pcap_path, "out.pcap") == 0, "path");
	CHECK(a.nano && a.quiet && a.stats_json && !a.help, "booleans");
	CHECK(a.cfg.sz == sizeof(a.cfg), "cfg.sz %zu", a.cfg.sz);
	CHECK(a.cfg.backend == NETRING_BACKEND_PACKET, "backend %d",
	      a.cfg.backend);
	CHECK(a.cfg.mode == NETRING_MODE_MONITOR, "mode %d", a.cfg.mode);
	CHECK(a.cfg.ring_frames == 8192, "ring_frames %u", a.cfg.ring_frames);
	CHECK(a.cfg.frame_size == 4096, "frame_size %u", a.cfg.frame_size);
	CHECK(a.cfg.busy_poll_us == 50, "busy_poll %u", a.cfg.busy_poll_us);
	CHECK(a.cfg.block_timeout_ms == 20, "block_timeout %u",
	      a.cfg.block_timeout_ms);
	CHECK(a.cfg.queue == NETRING_QUEUE_ALL, "queue %d", a.cfg.queue);
	CHECK(a.cfg.flags == (NETRING_CF_OUTGOING | NETRING_CF_PROMISC |
			      NETRING_CF_TS_EACH_FRAME),
	      "flags 0x%x", a.cfg.flags);

	/* Long spellings, and the defaults left at 0 for the library. */
	split(&b, "dump --interface=eth1 --count=1 --time=0.001 --queue=3 --take");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "long options: %d %s", rc, err);
	CHECK(strcmp(a.ifname, "eth1") == 0 && a.count == 1 && a.time_ms == 1,
	      "long options values");
	CHECK(a.cfg.queue == 3 && a.cfg.mode == NETRING_MODE_TAKE,
	      "queue %d mode %d", a.cfg.queue, a.cfg.mode);
	CHECK(a.cfg.ring_frames == 0 && a.cfg.frame_size == 0 &&
		      a.cfg.backend == NETRING_BACKEND_AUTO && !a.pcap_path &&
		      !a.quiet && !a.stats_json,
	      "defaults");

	/* Fifteen characters is the longest interface name. */
	split(&b, "dump -i abcdefghijklmno");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0,
	      "15-character name: %s", err);

	split(&b, "dump -h");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.help,
	      "-h");
	/* -h wins over a missing -i and stray words. */
	split(&b, "dump --help extra");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.help,
	      "--help extra");
}

static void test_dump_xdp(void)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x0e };
	const struct netring_match *m;
	struct argv_buf b;
	struct dump_args a;
	char err[256] = "";
	int rc;

	split(&b, "dump -i veth0 -b xdp --take -Q 1 --xdp-mode native "
		  "--bind copy --match-mac 02:00:00:00:00:01 "
		  "--match-mac 02:AA:bb:cc:dd:0e --match-ethertype 0x0800 "
		  "--match-proto udp --match-port 4789 "
		  "--match-arp-for 192.0.2.7");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	m = &a.cfg.match;
	CHECK(rc == 0, "xdp set: %d %s", rc, err);
	CHECK(a.cfg.backend == NETRING_BACKEND_XDP &&
		      a.cfg.mode == NETRING_MODE_TAKE && a.cfg.queue == 1,
	      "backend %d mode %d queue %d", a.cfg.backend, a.cfg.mode,
	      a.cfg.queue);
	CHECK(a.cfg.xdp_attach == NETRING_XDP_ATTACH_NATIVE &&
		      a.cfg.xdp_bind == NETRING_XDP_BIND_COPY,
	      "attach %u bind %u", a.cfg.xdp_attach, a.cfg.xdp_bind);
	CHECK(m->fields == (NETRING_MATCH_DST_MAC | NETRING_MATCH_ETHERTYPE |
			    NETRING_MATCH_IP_PROTO | NETRING_MATCH_DST_PORT |
			    NETRING_MATCH_ARP_FOR),
	      "fields 0x%x", m->fields);
	CHECK(m->mac_count == 2 && memcmp(m->macs[0], mac1, 6) == 0 &&
		      memcmp(m->macs[1], mac2, 6) == 0,
	      "macs: %u", m->mac_count);
	CHECK(m->ethertype == 0x0800 && m->ip_proto == 17 &&
		      m->dst_port == 4789,
	      "ethertype 0x%x proto %u port %u", m->ethertype, m->ip_proto,
	      m->dst_port);
	/* As on the wire: 192.0.2.7 is c0 00 02 07 in memory. */
	CHECK(memcmp(m->arp_ipv4, (uint8_t[]){ 192, 0, 2, 7 }, 4) == 0,
	      "arp_ipv4 %u.%u.%u.%u", m->arp_ipv4[0], m->arp_ipv4[1],
	      m->arp_ipv4[2], m->arp_ipv4[3]);
	CHECK(!m->reserved[0] && !m->reserved[1] && !m->reserved[2],
	      "reserved bytes");

	/* The other spellings; -b auto --take is where xdp is chosen. */
	split(&b, "dump -i veth0 --take --fallback --queue=all --xdp-mode=generic "
		  "--bind=zerocopy --match-ethertype=88b5 --match-port=0");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "auto take set: %d %s", rc, err);
	CHECK(a.cfg.backend == NETRING_BACKEND_AUTO &&
		      a.cfg.flags == (NETRING_CF_FALLBACK | NETRING_CF_TS_EACH_FRAME) &&
		      a.cfg.queue == NETRING_QUEUE_ALL,
	      "backend %d flags 0x%x queue %d", a.cfg.backend, a.cfg.flags,
	      a.cfg.queue);
	CHECK(a.cfg.xdp_attach == NETRING_XDP_ATTACH_GENERIC &&
		      a.cfg.xdp_bind == NETRING_XDP_BIND_ZEROCOPY,
	      "attach %u bind %u", a.cfg.xdp_attach, a.cfg.xdp_bind);
	CHECK(a.cfg.match.fields ==
			      (NETRING_MATCH_ETHERTYPE | NETRING_MATCH_DST_PORT) &&
		      a.cfg.match.ethertype == 0x88b5 &&
		      a.cfg.match.dst_port == 0 && a.cfg.match.mac_count == 0,
	      "match 0x%x", a.cfg.match.fields);

	/* A port alone is UDP's or TCP's; with tcp it is TCP's only. */
	split(&b, "dump -i veth0 -b xdp --take --match-proto tcp --match-port 65535 "
		  "--xdp-mode auto --bind auto");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.match.ip_proto == 6 &&
		      a.cfg.match.dst_port == 65535 && a.cfg.xdp_attach == 0 &&
		      a.cfg.xdp_bind == 0,
	      "tcp port: %d %s", rc, err);

	/* Eight MACs is the most. */
	split(&b, "dump -i veth0 --take --match-mac 02:00:00:00:00:01 "
		  "--match-mac 02:00:00:00:00:02 --match-mac 02:00:00:00:00:03 "
		  "--match-mac 02:00:00:00:00:04 --match-mac 02:00:00:00:00:05 "
		  "--match-mac 02:00:00:00:00:06 --match-mac 02:00:00:00:00:07 "
		  "--match-mac 02:00:00:00:00:08");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.match.mac_count == NETRING_MATCH_MACS_MAX &&
		      a.cfg.match.macs[7][5] == 8,
	      "8 MACs: %d %s (%u)", rc, err, a.cfg.match.mac_count);
}

static void test_dump_sources(void)
{
	struct argv_buf b;
	struct dump_args a;
	char err[256] = "";
	int rc;

	/* -r: the pcap backend, 16 KiB slots unless told, no interface. */
	split(&b, "dump -r /tmp/some/capture-file-with-a-long-name.pcap");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "-r: %d %s", rc, err);
	CHECK(!a.ifname && a.read_path &&
		      strcmp(a.read_path,
			     "/tmp/some/capture-file-with-a-long-name.pcap") == 0,
	      "-r path");
	CHECK(a.cfg.backend == NETRING_BACKEND_PCAP &&
		      a.cfg.frame_size == DUMP_READ_FRAME_SIZE &&
		      a.cfg.frame_size == 16384 &&
		      a.cfg.replay_speed_permille == 0 && !a.replay_speed_given,
	      "-r: backend %d frame_size %u speed %u", a.cfg.backend,
	      a.cfg.frame_size, a.cfg.replay_speed_permille);

	split(&b, "dump --read=in.pcap -b pcap --frame-size 4096 "
		  "--replay-speed 0.5 -w out.pcap --nano -q -c 3");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.backend == NETRING_BACKEND_PCAP &&
		      a.cfg.frame_size == 4096 &&
		      a.cfg.replay_speed_permille == 500 &&
		      a.replay_speed_given && a.nano && a.count == 3,
	      "-r with options: %d %s", rc, err);

	split(&b, "dump -r in.pcap --replay-speed 0");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.replay_speed_permille == 0 &&
		      a.replay_speed_given,
	      "--replay-speed 0: %d %s", rc, err);
	split(&b, "dump -r in.pcap --replay-speed 1000");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.replay_speed_permille == 1000000,
	      "--replay-speed 1000: %d %s", rc, err);

	/* tap:NAME takes 15 characters after the prefix. */
	split(&b, "dump -i tap:abcdefghijklmno");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && strcmp(a.ifname, "tap:abcdefghijklmno") == 0 &&
		      a.cfg.backend == NETRING_BACKEND_AUTO,
	      "tap: name: %d %s", rc, err);
	split(&b, "dump -b tap -i tap:nrc0");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.backend == NETRING_BACKEND_TAP,
	      "-b tap -i tap:nrc0: %d %s", rc, err);
	split(&b, "dump -b tap -i nrc0");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0 && a.cfg.backend == NETRING_BACKEND_TAP &&
		      strcmp(a.ifname, "nrc0") == 0,
	      "-b tap -i nrc0: %d %s", rc, err);
}

static void test_dump_invalid(void)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "dump", "dump needs an interface (-i IFACE) or a file (-r FILE)" },
		{ "dump -c 5", "dump needs an interface (-i IFACE) or a file (-r FILE)" },
		{ "dump -i", "option '-i' needs a value" },
		{ "dump -i eth0 --count", "option '--count' needs a value" },
		{ "dump -i abcdefghijklmnop",
		  "-i abcdefghijklmnop: interface names are at most 15 characters" },
		{ "dump -i eth0 -x", "unknown option '-x'" },
		{ "dump -i eth0 --bogus", "unknown option '--bogus'" },
		{ "dump -i eth0 --bogus=3", "unknown option '--bogus'" },
		{ "dump -i eth0 --nano=1", "option '--nano' takes no value" },
		{ "dump -i eth0 --quiet=yes", "option '--quiet' takes no value" },
		{ "dump -i eth0 -qx", "unknown option '-x'" },
		{ "dump -i eth0 -qc", "option '-c' needs a value" },
		{ "dump -i eth0 extra", "unexpected argument 'extra'" },
		{ "dump -i eth0 -c 0",
		  "-c 0: out of range (1 to 18446744073709551615)" },
		{ "dump -i eth0 -c -1", "-c '-1': not a decimal number" },
		{ "dump -i eth0 -c abc", "-c 'abc': not a decimal number" },
		{ "dump -i eth0 -c 10x", "-c '10x': not a decimal number" },
		{ "dump -i eth0 -c 0x10", "-c '0x10': not a decimal number" },
		{ "dump -i eth0 -c 18446744073709551616",
		  "-c 18446744073709551616: out of range (1 to 18446744073709551615)" },
		{ "dump -i eth0 -t 0",
		  "-t 0: out of range (0.001 to 31536000 seconds, at most 3 decimals)" },
		{ "dump -i eth0 -t 1.0001",
		  "-t 1.0001: out of range (0.001 to 31536000 seconds, at most 3 decimals)" },
		{ "dump -i eth0 -t -5",
		  "-t '-5': not a number of seconds (e.g. 10 or 0.5)" },
		{ "dump -i eth0 -t 5m",
		  "-t '5m': not a number of seconds (e.g. 10 or 0.5)" },
		{ "dump -i eth0 -b foo",
		  "-b foo: unknown backend (auto, packet, xdp, tap, pcap)" },
		{ "dump -i eth0 -b PACKET",
		  "-b PACKET: unknown backend (auto, packet, xdp, tap, pcap)" },
		{ "dump -i eth0 --frame-size 1000",
		  "--frame-size 1000: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 256",
		  "--frame-size 256: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 131072",
		  "--frame-size 131072: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 0",
		  "--frame-size 0: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 2k",
		  "--frame-size '2k': not a decimal number" },
		{ "dump -i eth0 --frame-size 99999999999999999999",
		  "--frame-size 99999999999999999999: out of range (512 to 65536)" },
		{ "dump -i eth0 --ring-frames 100",
		  "--ring-frames 100: must be a power of two from 64 to 1048576" },
		{ "dump -i eth0 --ring-frames 2097152",
		  "--ring-frames 2097152: must be a power of two from 64 to 1048576" },
		{ "dump -i eth0 --busy-poll 1000001",
		  "--busy-poll 1000001: out of range (0 to 1000000)" },
		{ "dump -i eth0 --busy-poll -1",
		  "--busy-poll '-1': not a decimal number" },
		{ "dump -i eth0 --block-timeout 0",
		  "--block-timeout 0: out of range (1 to 1000)" },
		{ "dump -i eth0 --block-timeout 1001",
		  "--block-timeout 1001: out of range (1 to 1000)" },
		{ "dump -i eth0 --block-timeout 10ms",
		  "--block-timeout '10ms': not a decimal number" },
		{ "dump -i eth0 -b xdp --take --block-timeout 10",
		  "--block-timeout is for the packet backend, not xdp" },
		{ "dump -i tap:t0 --block-timeout 10",
		  "--block-timeout is for the packet backend, not tap" },
		{ "dump -r in.pcap --block-timeout 10",
		  "--block-timeout is for the packet backend, not the -r file" },
		{ "dump -i eth0 --queue -1",
		  "--queue '-1': not a queue number or 'all'" },
		{ "dump -i eth0 --queue 2147483648",
		  "--queue 2147483648: out of range (0 to 2147483647)" },
		{ "dump -i eth0 --stats text", "--stats text: the only format is 'json'" },
		{ "dump -i eth0 --nano", "--nano is about the -w file; there is none" },
		{ "dump -i eth0 -Q", "option '-Q' needs a value" },
		{ "dump -i eth0 -Q x", "--queue 'x': not a queue number or 'all'" },
		/* AF_XDP options */
		{ "dump -i eth0 --take --xdp-mode skb",
		  "--xdp-mode skb: one of auto, native, generic" },
		{ "dump -i eth0 --take --bind zc",
		  "--bind zc: one of auto, zerocopy, copy" },
		{ "dump -i eth0 --take --match-mac 02-00-00-00-00-01",
		  "--match-mac '02-00-00-00-00-01': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)" },
		{ "dump -i eth0 --take --match-mac 2:0:0:0:0:1",
		  "--match-mac '2:0:0:0:0:1': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)" },
		{ "dump -i eth0 --take --match-mac 01:00:5e:00:00:01",
		  "--match-mac 01:00:5e:00:00:01: a group address; only unicast destinations can be taken" },
		{ "dump -i eth0 --take --match-mac ff:ff:ff:ff:ff:ff",
		  "--match-mac ff:ff:ff:ff:ff:ff: a group address; only unicast destinations can be taken" },
		{ "dump -i eth0 --take --match-mac 02:00:00:00:00:01 --match-mac 02:00:00:00:00:01",
		  "--match-mac 02:00:00:00:00:01: given twice" },
		{ "dump -i eth0 --take --match-mac 02:00:00:00:00:01 "
		  "--match-mac 02:00:00:00:00:02 --match-mac 02:00:00:00:00:03 "
		  "--match-mac 02:00:00:00:00:04 --match-mac 02:00:00:00:00:05 "
		  "--match-mac 02:00:00:00:00:06 --match-mac 02:00:00:00:00:07 "
		  "--match-mac 02:00:00:00:00:08 --match-mac 02:00:00:00:00:09",
		  "--match-mac 02:00:00:00:00:09: at most 8 addresses" },
		{ "dump -i eth0 --take --match-ethertype ipv4",
		  "--match-ethertype 'ipv4': not a hexadecimal EtherType (e.g. 0x88b5)" },
		{ "dump -i eth0 --take --match-ethertype 0x5dc",
		  "--match-ethertype 0x5dc: out of range (0x0600 to 0xffff; below are 802.3 lengths)" },
		{ "dump -i eth0 --take --match-ethertype 0x10000",
		  "--match-ethertype 0x10000: out of range (0x0600 to 0xffff; below are 802.3 lengths)" },
		{ "dump -i eth0 --take --match-proto sctp",
		  "--match-proto 'sctp': not udp, tcp, icmp, icmpv6 or a protocol number" },
		{ "dump -i eth0 --take --match-proto 256",
		  "--match-proto 256: out of range (0 to 255)" },
		{ "dump -i eth0 --take --match-port 65536",
		  "--match-port 65536: out of range (0 to 65535)" },
		{ "dump -i eth0 --take --match-port http",
		  "--match-port 'http': not a decimal number" },
		{ "dump -i eth0 --take --match-proto icmp --match-port 53",
		  "--match-port needs --match-proto udp or tcp (or none), not 1" },
		{ "dump -i eth0 --take --match-arp-for 192.0.2",
		  "--match-arp-for '192.0.2': not an IPv4 address (e.g. 192.0.2.1)" },
		{ "dump -i eth0 --take --match-arp-for 192.0.2.256",
		  "--match-arp-for '192.0.2.256': not an IPv4 address (e.g. 192.0.2.1)" },
		{ "dump -i eth0 --take --match-arp-for 2001:db8::1",
		  "--match-arp-for '2001:db8::1': not an IPv4 address (e.g. 192.0.2.1)" },
		{ "dump -i eth0 --match-port 53",
		  "--match-port needs take mode (--take): only the xdp backend applies it, and it takes frames" },
		{ "dump -i eth0 --xdp-mode native --match-mac 02:00:00:00:00:01",
		  "--xdp-mode needs take mode (--take): only the xdp backend applies it, and it takes frames" },
		{ "dump -i eth0 -b packet --take --match-proto udp",
		  "--match-proto is for the xdp backend, not packet" },
		{ "dump -i eth0 -b tap --bind copy --take",
		  "--bind is for the xdp backend, not tap" },
		{ "dump -i eth0 -b xdp",
		  "-b xdp takes frames from the host: add --take (to watch them, use -b packet)" },
		{ "dump -i eth0 --fallback",
		  "--fallback needs --take: without it -b auto plugs packet and has nothing to fall back from" },
		{ "dump -i eth0 -b xdp --take --fallback",
		  "--fallback is for -b auto (from xdp to packet), not xdp" },
		{ "dump -i tap:nrc0 --take --fallback",
		  "--fallback is for -b auto (from xdp to packet), not tap" },
		{ "dump -i tap:nrc0 --take --match-port 53",
		  "--match-port is for the xdp backend, not tap" },
		/* Sources: files and TAPs */
		{ "dump -i eth0 -r in.pcap",
		  "-i and -r exclude each other: plug an interface or read a file" },
		{ "dump -r in.pcap -i eth0",
		  "-i and -r exclude each other: plug an interface or read a file" },
		{ "dump -r", "option '-r' needs a value" },
		{ "dump -r in.pcap -b packet",
		  "-r reads a file with the pcap backend, not -b packet" },
		{ "dump -r in.pcap --match-port 53",
		  "--match-port is for the xdp backend, not pcap" },
		{ "dump -i eth0 -b pcap", "-b pcap reads a file: name it with -r FILE" },
		{ "dump -r in.pcap --take",
		  "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file" },
		{ "dump -r in.pcap -Q 1",
		  "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file" },
		{ "dump -r in.pcap --queue all",
		  "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file" },
		{ "dump -r in.pcap --outgoing",
		  "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file" },
		{ "dump -r in.pcap --promisc",
		  "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file" },
		{ "dump -i eth0 --replay-speed 1",
		  "--replay-speed is about the -r file; there is none" },
		{ "dump -r in.pcap --replay-speed 1001",
		  "--replay-speed 1001: out of range (0 to 1000, at most 3 decimals)" },
		{ "dump -r in.pcap --replay-speed 0.0001",
		  "--replay-speed 0.0001: out of range (0 to 1000, at most 3 decimals)" },
		{ "dump -r in.pcap --replay-speed -1",
		  "--replay-speed '-1': not a speed (e.g. 1, 0.5 or 4; 0: as fast as possible)" },
		{ "dump -r in.pcap --replay-speed 2x",
		  "--replay-speed '2x': not a speed (e.g. 1, 0.5 or 4; 0: as fast as possible)" },
		{ "dump -i tap:", "-i tap:: no TAP name after 'tap:'" },
		{ "dump -i tap:abcdefghijklmnop",
		  "-i tap:abcdefghijklmnop: TAP names are at most 15 characters" },
		{ "dump -i tap:nrc0 -b packet", "-i tap:nrc0 is for the tap backend, not -b packet" },
		{ "dump -i tap:nrc0 -b xdp --take", "-i tap:nrc0 is for the tap backend, not -b xdp" },
	};
	struct argv_buf b;
	struct dump_args a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		int rc;

		split(&b, cases[i].args);
		rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
		CHECK(rc == -EINVAL, "\"%s\": rc %d", cases[i].args, rc);
		CHECK(strcmp(err, cases[i].msg) == 0,
		      "\"%s\":\n  want \"%s\"\n  got  \"%s\"", cases[i].args,
		      cases[i].msg, err);
	}

	/* Empty values cannot come from split(); build them by hand. */
	{
		char *argv[] = { "dump", "-i", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 3, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-i: empty interface name") == 0,
		      "-i '': %s", err);
	}
	{
		char *argv[] = { "dump", "-i", "eth0", "-c", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 5, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-c '': not a decimal number") == 0,
		      "-c '': %s", err);
	}
	{
		char *argv[] = { "dump", "-i", "eth0", "-w", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 5, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-w: empty file name") == 0,
		      "-w '': %s", err);
	}
	{
		char *argv[] = { "dump", "-r", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 3, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-r: empty file name") == 0,
		      "-r '': %s", err);
	}
	{
		char *argv[] = { "dump", "-i", "eth0", "--take", "--match-mac",
				 "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 6, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "--match-mac '': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)") == 0,
		      "--match-mac '': %s", err);
	}
}

static void test_ls(void)
{
	struct argv_buf b;
	struct ls_args a;
	char err[256] = "";

	split(&b, "ls");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      !a.all && !a.json && !a.help,
	      "ls");
	split(&b, "ls -a --json");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.all && a.json && !a.help,
	      "ls -a --json");
	split(&b, "ls --all -h");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.all && a.help,
	      "ls --all -h");
	split(&b, "ls -j");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == -EINVAL &&
		      strcmp(err, "unknown option '-j'") == 0,
	      "ls -j: %s", err);
	split(&b, "ls eth0");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == -EINVAL &&
		      strcmp(err, "unexpected argument 'eth0'") == 0,
	      "ls eth0: %s", err);
}

int main(void)
{
	test_u64();
	test_seconds();
	test_permille();
	test_mac();
	test_ethertype();
	test_ip_proto();
	test_dump_valid();
	test_dump_xdp();
	test_dump_sources();
	test_dump_invalid();
	test_ls();
	if (failures) {
		printf("unit_args: %d failures\n", failures);
		return 1;
	}
	printf("unit_args: all passed\n");
	return 0;
}
