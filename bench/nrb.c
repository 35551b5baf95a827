// SPDX-License-Identifier: MIT
/*
 * nrb.c - the receivers' shared bookkeeping: sequence gaps, latency samples
 * and their percentiles, the result line, stop signals.
 */
#include "nrb.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static uint64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

void nrb_rx_gap(struct nrb_rx *s, uint32_t seq)
{
	int32_t ahead = (int32_t)(seq - s->next);

	if (ahead > 0) {
		s->lost += (uint32_t)ahead;
		s->next = seq + 1;
	} else {
		/* Counted lost when it was skipped: it was not. */
		s->late++;
		if (s->lost)
			s->lost--;
	}
}

void nrb_lat_add(struct nrb_rx *s, uint64_t ns)
{
	if (s->lat_n < s->lat_cap)
		s->lat[s->lat_n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

void nrb_rx_latency(struct nrb_rx *s, const uint8_t *d)
{
	uint64_t now = nrb_mono_ns(), sent = nrb_frame_ts(d);

	nrb_lat_add(s, now > sent ? now - sent : 0);
}

int nrb_rx_init(struct nrb_rx *s, bool latency)
{
	memset(s, 0, sizeof(*s));
	if (!latency)
		return 0;
	s->lat = calloc(NRB_LAT_CAP, sizeof(*s->lat));
	if (!s->lat)
		return -ENOMEM;
	s->lat_cap = NRB_LAT_CAP;
	s->lat_on = true;
	return 0;
}

void nrb_rx_free(struct nrb_rx *s)
{
	free(s->lat);
	s->lat = NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static uint32_t percentile(const uint32_t *v, uint64_t n, double p)
{
	uint64_t rank = (uint64_t)(p / 100.0 * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

void nrb_rx_report(struct nrb_rx *s, const char *extra, const char *cdf_path)
{
	printf("result frames=%" PRIu64 " lost=%" PRIu64 " late=%" PRIu64
	       " other=%" PRIu64 " next_seq=%" PRIu32,
	       s->frames, s->lost, s->late, s->other, s->next);
	if (s->ready_ns)
		printf(" ready_cpu_us=%" PRIu64 " ready_wall_us=%" PRIu64,
		       cpu_us() - s->ready_cpu_us,
		       (nrb_mono_ns() - s->ready_ns) / 1000);
	if (s->lat_on && s->lat_n) {
		qsort(s->lat, s->lat_n, sizeof(*s->lat), cmp_u32);
		printf(" lat_n=%" PRIu64 " lat_p50_ns=%" PRIu32
		       " lat_p99_ns=%" PRIu32 " lat_p999_ns=%" PRIu32
		       " lat_max_ns=%" PRIu32,
		       s->lat_n, percentile(s->lat, s->lat_n, 50),
		       percentile(s->lat, s->lat_n, 99),
		       percentile(s->lat, s->lat_n, 99.9),
		       s->lat[s->lat_n - 1]);
		if (cdf_path) {
			FILE *f = fopen(cdf_path, "w");

			/* The distribution as "percent ns" (in hundredths of
			 * a percent: exact steps), finer in the tail. */
			for (unsigned c = 50; f && c <= 10000;
			     c += c < 9000 ? 50 : c < 9900 ? 10 : 1)
				fprintf(f, "%u.%02u %" PRIu32 "\n", c / 100,
					c % 100,
					percentile(s->lat, s->lat_n, c / 100.0));
			if (f)
				fclose(f);
		}
	}
	if (extra && *extra)
		printf(" %s", extra);
	printf("\n");
	fflush(stdout);
}

void nrb_on_stop(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void nrb_ready(struct nrb_rx *s, const char *what)
{
	if (s) {
		s->ready_cpu_us = cpu_us();
		s->ready_ns = nrb_mono_ns();
	}
	printf("ready %s\n", what);
	fflush(stdout);
}

bool nrb_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}
