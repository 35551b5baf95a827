/* SPDX-License-Identifier: MIT */
/*
 * fwd_min.c - the smallest forwarder: every frame IN receives goes out of
 * OUT.  With two xdp rings sharing one UMEM the frame is not copied.
 *	fwd_min IN OUT      (root; Ctrl-C to stop)
 */
#include <err.h>
#include <errno.h>
#include <netring.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		errx(2, "usage: fwd_min IN OUT");
	struct netring_config cfg = { .sz = sizeof(cfg), .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *in, *out;
	cfg.flags = NETRING_CF_UMEM_SHAREABLE;        /* room for OUT in its UMEM */
	if (netring_open(&in, argv[1], &cfg, err) < 0)
		errx(1, "%s", err);
	cfg.flags = 0;
	cfg.share_umem = in;                       /* zero-copy between the two */
	if (netring_open(&out, argv[2], &cfg, err) < 0)
		errx(1, "%s", err);
	for (;;) {
		struct netring_frame f[64];
		int n = netring_rx_burst(in, f, 64);
		if (n == 0) {                             /* sleep until frames come */
			int w = netring_wait(in, -1);
			if (w < 0 && w != -EINTR)
				break;
			continue;
		}
		if (n < 0)
			break;
		for (int done = 0; done < n;) {        /* wait for room, never drop */
			int k = netring_tx_forward(out, in, f + done, (unsigned)(n - done));
			if (k < 0)
				errx(1, "%s", netring_error(out));
			done += k;
			if (done < n)
				netring_tx_wait(out, -1);
		}
		netring_rx_release(in, (unsigned)n);
	}
	netring_close(out);
	netring_close(in);
	return 0;
}
