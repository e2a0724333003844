/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * tlp_responder: the smallest useful device on a TLP device.
 *
 * It answers the host's requests from two plain register files, in a burst
 * loop on one lcore:
 *   - Type 0 configuration requests for function 0 from a 4 KiB config space
 *     image with per-byte write masks (a header with one 32-bit memory BAR);
 *   - memory reads and writes inside the BAR window from a 4 KiB register file;
 * and everything else with the completion the PCIe rules call for (UR for
 * other functions, addresses outside the BAR, I/O and locked requests).
 *
 * It is the device peer of "dpdk-tlp-hostsim bench-rtt" in the demo. Later
 * components (lib/pcifn) replace the register files with a real function.
 *
 * Usage: dpdk-tlp-responder <EAL args> --vdev tlp_sim0,path=<socket> --
 *            [--dev NAME] [--burst N] [--duration SEC] [--stats SEC]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include <tlpdev.h>

#define RESP_MAX_BURST 64
#define RESP_BAR_SIZE 4096u
/* Where the BAR sits until the host assigns it (the bench's default MRd target). */
#define RESP_BAR_DEFAULT 0xfe000000u

static volatile sig_atomic_t resp_quit;

struct resp_conf {
	const char *dev_name;
	unsigned int burst;
	double duration;	/* seconds, 0: until SIGINT/SIGTERM */
	double stats_every;	/* seconds, 0: only at exit */
};

/* The function the host sees: config space and one BAR of registers. */
struct resp_fn {
	uint8_t cfg[TLP_CFG_SPACE_SIZE];
	uint8_t cfg_wmask[TLP_CFG_SPACE_SIZE];
	uint8_t bar[RESP_BAR_SIZE];
	uint16_t rid;		/* routing ID, captured from config writes */
};

struct resp_stats {
	uint64_t cfg_rd, cfg_wr, mem_rd, mem_wr, ur, msg, cpl_sent, cpl_dropped;
};

static void
resp_signal(int sig __rte_unused)
{
	resp_quit = 1;
}

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

/* Power-on state of the function: a plain header-type-0 endpoint. */
static void
resp_fn_reset(struct resp_fn *fn)
{
	memset(fn, 0, sizeof(*fn));
	put_le16(&fn->cfg[0x00], 0x1b36);	/* vendor: Red Hat (QEMU test devices) */
	put_le16(&fn->cfg[0x02], 0x0005);	/* device: PCI test device */
	fn->cfg[0x08] = 0x01;			/* revision */
	fn->cfg[0x0b] = 0xff;			/* class: unassigned */
	fn->cfg[0x0e] = 0x00;			/* header type 0, single function */
	put_le32(&fn->cfg[0x10], RESP_BAR_DEFAULT); /* BAR0: 32-bit memory, not prefetchable */
	put_le16(&fn->cfg[0x2c], 0x1b36);	/* subsystem vendor */
	put_le16(&fn->cfg[0x2e], 0x1100);	/* subsystem */
	fn->cfg[0x3d] = 0x01;			/* interrupt pin INTA */
	/* Writable: command (memory enable, bus master, INTx disable)... */
	fn->cfg_wmask[0x04] = 0x06;
	fn->cfg_wmask[0x05] = 0x04;
	/* ...BAR0 address bits above its size (4 KiB)... */
	fn->cfg_wmask[0x11] = 0xf0;
	fn->cfg_wmask[0x12] = 0xff;
	fn->cfg_wmask[0x13] = 0xff;
	/* ...and interrupt line. */
	fn->cfg_wmask[0x3c] = 0xff;
	/* Registers start as a recognisable pattern: byte i holds i & 0xff. */
	for (unsigned int i = 0; i < RESP_BAR_SIZE; i++)
		fn->bar[i] = (uint8_t)i;
}

static uint32_t
resp_bar_base(const struct resp_fn *fn)
{
	return ((uint32_t)fn->cfg[0x10] | (uint32_t)fn->cfg[0x11] << 8 |
		(uint32_t)fn->cfg[0x12] << 16 | (uint32_t)fn->cfg[0x13] << 24) & ~0xfu;
}

/* Apply a config write under the write masks, honouring the byte enables. */
static void
resp_cfg_write(struct resp_fn *fn, const struct tlp_req *req)
{
	unsigned int reg = req->hdr.cfg_reg, b;

	for (b = 0; b < 4; b++) {
		uint8_t m = fn->cfg_wmask[reg + b];

		if (req->hdr.first_be & (1u << b))
			fn->cfg[reg + b] = (uint8_t)((fn->cfg[reg + b] & ~m) | (req->data[b] & m));
	}
	/* An endpoint captures its bus and device number from Type 0 writes. */
	fn->rid = req->hdr.cfg_id;
}

/*
 * Build the completion(s) for one request into @cpls; return how many. A
 * memory read larger than Max_Payload_Size is split at RCB-aligned
 * boundaries, each completion carrying the remaining byte count.
 */
static unsigned int
resp_answer(struct resp_fn *fn, const struct tlpdev_info *info, const struct tlp_req *req,
	    struct tlp_cpl **cpls, unsigned int room, struct resp_stats *st)
{
	const struct tlp_hdr *h = &req->hdr;
	struct tlp_cpl *c = cpls[0];
	uint32_t base = resp_bar_base(fn);
	uint64_t off, addr;
	uint32_t remaining, chunk, dws, first;
	unsigned int n = 0;

	switch (h->kind) {
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGWR0:
		if ((h->cfg_id & 0x7) != 0)
			break;	/* only function 0 exists: UR below */
		tlp_cpl_for_req(h, h->cfg_id, TLP_CPL_SC, &c->hdr);
		if (h->kind == TLP_KIND_CFGRD0) {
			memcpy(c->data, &fn->cfg[h->cfg_reg], 4);
			st->cfg_rd++;
		} else {
			resp_cfg_write(fn, req);
			st->cfg_wr++;
		}
		return 1;
	case TLP_KIND_MWR:
		if (h->addr >= base && h->addr - base < RESP_BAR_SIZE &&
		    (uint64_t)h->len_dw * 4 <= RESP_BAR_SIZE - (h->addr - base)) {
			uint32_t i, len = h->len_dw * 4u;

			off = h->addr - base;
			for (i = 0; i < len; i++) {
				uint8_t be = i < 4 ? h->first_be :
					(i >= len - 4 ? h->last_be : 0xf);

				if (be & (1u << (i & 3)))
					fn->bar[off + i] = req->data[i];
			}
			st->mem_wr++;
		}
		return 0;	/* posted: never a completion, even outside the BAR */
	case TLP_KIND_MRD:
		if (h->addr < base || h->addr - base >= RESP_BAR_SIZE ||
		    (uint64_t)h->len_dw * 4 > RESP_BAR_SIZE - (h->addr - base))
			break;
		st->mem_rd++;
		tlp_cpl_for_req(h, fn->rid, TLP_CPL_SC, &c->hdr);
		remaining = c->hdr.byte_count;
		addr = tlp_req_byte_addr(h);
		while (remaining > 0 && n < room) {
			/* Up to MPS, ending on an RCB boundary unless it is the last piece. */
			first = (uint32_t)(addr & 3);
			chunk = info->max_payload - (uint32_t)(addr & (info->rcb - 1));
			if (chunk >= remaining)
				chunk = remaining;
			dws = (first + chunk + 3) / 4;
			c = cpls[n];
			if (n > 0)
				c->hdr = cpls[0]->hdr;
			c->hdr.len_dw = (uint16_t)dws;
			c->hdr.byte_count = (uint16_t)remaining;
			c->hdr.lower_addr = (uint8_t)(addr & 0x7f);
			memcpy(c->data, &fn->bar[(addr & ~3ull) - base], dws * 4);
			remaining -= chunk;
			addr += chunk;
			n++;
		}
		return n;
	case TLP_KIND_MSG:
	case TLP_KIND_MSGD:
		st->msg++;
		return 0;
	default:
		if (!tlp_kind_is_nonposted(h->kind))
			return 0;
		break;
	}
	/* Unsupported Request: no data. */
	st->ur++;
	tlp_cpl_for_req(h, fn->rid, TLP_CPL_UR, &c->hdr);
	return 1;
}

static int
resp_parse_args(int argc, char **argv, struct resp_conf *conf)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "burst", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 't' },
		{ "stats", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			conf->dev_name = optarg;
			break;
		case 'b':
			conf->burst = (unsigned int)strtoul(optarg, &end, 0);
			if (*end != '\0' || conf->burst == 0 || conf->burst > RESP_MAX_BURST) {
				fprintf(stderr, "--burst: '%s' is not in 1..%d\n", optarg,
					RESP_MAX_BURST);
				return -EINVAL;
			}
			break;
		case 't':
		case 's':
			errno = 0;
			if (c == 't')
				conf->duration = strtod(optarg, &end);
			else
				conf->stats_every = strtod(optarg, &end);
			if (*end != '\0' || errno != 0 || conf->duration < 0 ||
			    conf->stats_every < 0) {
				fprintf(stderr, "--%s: '%s' is not a number of seconds\n",
					c == 't' ? "duration" : "stats", optarg);
				return -EINVAL;
			}
			break;
		default:
			printf("usage: %s <EAL args> -- [--dev NAME] [--burst N] "
			       "[--duration SEC] [--stats SEC]\n", argv[0]);
			return -EINVAL;
		}
	}
	return 0;
}

static void
resp_print_stats(uint16_t dev_id, const struct resp_stats *st)
{
	struct tlpdev_stats ds;
	uint64_t malformed = 0;
	unsigned int i;

	tlpdev_stats_get(dev_id, &ds);
	for (i = 0; i < TLP_ERR_MAX; i++)
		malformed += ds.rx_malformed[i];
	printf("responder: cfg_rd=%" PRIu64 " cfg_wr=%" PRIu64 " mem_rd=%" PRIu64
	       " mem_wr=%" PRIu64 " ur=%" PRIu64 " msg=%" PRIu64 " cpl_sent=%" PRIu64
	       " cpl_dropped=%" PRIu64 " malformed=%" PRIu64 "\n",
	       st->cfg_rd, st->cfg_wr, st->mem_rd, st->mem_wr, st->ur, st->msg, st->cpl_sent,
	       st->cpl_dropped, malformed);
	fflush(stdout);
}

/* Handle link events: a new host starts from a function in its reset state. */
static void
resp_events(uint16_t dev_id, struct resp_fn *fn)
{
	struct tlpdev_event ev;

	while (tlpdev_event_dequeue(dev_id, &ev) == 1) {
		switch (ev.type) {
		case TLPDEV_EVENT_LINK_UP:
			printf("responder: link up\n");
			break;
		case TLPDEV_EVENT_LINK_DOWN:
			printf("responder: link down\n");
			resp_fn_reset(fn);
			break;
		case TLPDEV_EVENT_HOT_RESET:
			resp_fn_reset(fn);
			break;
		default:
			break;
		}
		fflush(stdout);
	}
}

static int
resp_loop(uint16_t dev_id, const struct resp_conf *conf)
{
	struct tlp_req *reqs[RESP_MAX_BURST];
	struct tlp_cpl *cpls[RESP_MAX_BURST * 2];
	struct tlpdev_info info;
	struct resp_stats st = { 0 };
	struct resp_fn *fn;
	uint64_t hz = rte_get_timer_hz(), now, next_ev, next_stats, end;
	unsigned int i, nb_cpl;
	uint16_t nb, sent;
	int ret = 0;

	/* Request and completion storage is ours; the tlpdev fills and reads it. */
	fn = rte_zmalloc("resp_fn", sizeof(*fn), 0);
	if (fn == NULL)
		return -ENOMEM;
	for (i = 0; i < RESP_MAX_BURST; i++) {
		reqs[i] = rte_malloc("resp_req", sizeof(struct tlp_req), RTE_CACHE_LINE_SIZE);
		if (reqs[i] == NULL)
			ret = -ENOMEM;
	}
	for (i = 0; i < RTE_DIM(cpls); i++) {
		cpls[i] = rte_malloc("resp_cpl", sizeof(struct tlp_cpl), RTE_CACHE_LINE_SIZE);
		if (cpls[i] == NULL)
			ret = -ENOMEM;
	}
	if (ret != 0)
		goto out;
	tlpdev_info_get(dev_id, &info);
	if (info.max_payload == 0)
		info.max_payload = 128;
	if (info.rcb == 0 || info.rcb > info.max_payload)
		info.rcb = 64;
	resp_fn_reset(fn);

	now = rte_get_timer_cycles();
	next_ev = now;
	next_stats = conf->stats_every > 0 ? now + (uint64_t)(conf->stats_every * hz) : UINT64_MAX;
	end = conf->duration > 0 ? now + (uint64_t)(conf->duration * hz) : UINT64_MAX;
	while (!resp_quit) {
		nb = tlpdev_rx_burst(dev_id, 0, reqs, (uint16_t)conf->burst);
		nb_cpl = 0;
		for (i = 0; i < nb; i++)
			nb_cpl += resp_answer(fn, &info, reqs[i], &cpls[nb_cpl],
					      RTE_DIM(cpls) - nb_cpl, &st);
		/*
		 * Completions must not be lost while the link is up: retry what the
		 * upstream ring could not take. If the link goes down they are moot.
		 */
		sent = 0;
		while (sent < nb_cpl) {
			sent += tlpdev_tx_burst(dev_id, 0, &cpls[sent], (uint16_t)(nb_cpl - sent));
			if (sent < nb_cpl && tlpdev_link_get(dev_id) != 1)
				break;
		}
		st.cpl_sent += sent;
		st.cpl_dropped += nb_cpl - sent;

		/* Control work is cheap but not free: check events every millisecond. */
		if (nb == 0 || (st.cpl_sent & 0xfff) == 0) {
			now = rte_get_timer_cycles();
			if (now >= next_ev) {
				resp_events(dev_id, fn);
				next_ev = now + hz / 1000;
			}
			if (now >= next_stats) {
				resp_print_stats(dev_id, &st);
				next_stats = now + (uint64_t)(conf->stats_every * hz);
			}
			if (now >= end)
				break;
		}
	}
	resp_print_stats(dev_id, &st);
out:
	for (i = 0; i < RESP_MAX_BURST; i++)
		rte_free(reqs[i]);
	for (i = 0; i < RTE_DIM(cpls); i++)
		rte_free(cpls[i]);
	rte_free(fn);
	return ret;
}

int
main(int argc, char **argv)
{
	struct resp_conf conf = { .burst = 32 };
	int ret, dev_id;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "EAL initialisation failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (resp_parse_args(argc, argv, &conf) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	signal(SIGINT, resp_signal);
	signal(SIGTERM, resp_signal);

	if (conf.dev_name != NULL) {
		dev_id = tlpdev_get_by_name(conf.dev_name);
	} else {
		/* The first device there is. */
		for (dev_id = 0; dev_id < TLPDEV_MAX_DEVS; dev_id++)
			if (tlpdev_is_valid((uint16_t)dev_id))
				break;
		if (dev_id == TLPDEV_MAX_DEVS)
			dev_id = -ENODEV;
	}
	if (dev_id < 0) {
		fprintf(stderr, "no TLP device%s%s (give one with --vdev tlp_sim0,path=...)\n",
			conf.dev_name != NULL ? " named " : "",
			conf.dev_name != NULL ? conf.dev_name : "");
		rte_eal_cleanup();
		return 1;
	}
	ret = tlpdev_start((uint16_t)dev_id);
	if (ret != 0) {
		fprintf(stderr, "cannot start %s: %s\n", tlpdev_name((uint16_t)dev_id),
			strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	printf("responder: serving %s\n", tlpdev_name((uint16_t)dev_id));
	fflush(stdout);
	ret = resp_loop((uint16_t)dev_id, &conf);
	tlpdev_close((uint16_t)dev_id);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
