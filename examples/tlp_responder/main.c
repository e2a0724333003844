/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * tlp_responder: the smallest useful emulated PCI function.
 *
 * One lcore runs lib/pcifn's service loop over a TLP device. The function it
 * presents has:
 *   - a type 0 header (vendor 0x1b36, device 0x0005: the PCI test device ID),
 *     power management, PCI Express (FLR capable) and MSI-X capabilities,
 *     and INTA;
 *   - BAR 0, 16 KiB, 64-bit: a 4 KiB register file at 0x0000 (any access of 1
 *     to 8 bytes), a doorbell at 0x1000 (a 4-byte write of N raises MSI-X
 *     vector N, or INTx when MSI-X is off; a write of 0xffffffff lowers INTx),
 *     the MSI-X table (4 vectors) at 0x2000 and its PBA at 0x3000.
 * Everything else (config answers, BAR sizing, UR/CA, read splitting, FLR) is
 * pcifn's work.
 *
 * It is the device peer of "dpdk-tlp-hostsim bench-rtt" in the demo.
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
#include <rte_errno.h>
#include <rte_malloc.h>

#include <pcifn.h>
#include <tlpdev.h>

#define RESP_MAX_BURST 256
#define RESP_BAR_SIZE 0x4000u
#define RESP_REGS_SIZE 0x1000u
#define RESP_DOORBELL 0x1000u
#define RESP_MSIX_TABLE 0x2000u
#define RESP_MSIX_PBA 0x3000u
#define RESP_MSIX_VECTORS 4
#define RESP_INTX_LOWER 0xffffffffu

static volatile sig_atomic_t resp_quit;

struct resp_conf {
	const char *dev_name;
	unsigned int burst;
	double duration;	/* seconds, 0: until SIGINT/SIGTERM */
	double stats_every;	/* seconds, 0: only at exit */
};

/* The device behind BAR 0. */
struct resp_dev {
	struct pcifn *fn;
	uint8_t regs[RESP_REGS_SIZE];
	uint64_t doorbells;
};

static void
resp_signal(int sig __rte_unused)
{
	resp_quit = 1;
}

/* Registers start as a recognisable pattern: byte i holds i & 0xff. */
static void
resp_regs_reset(struct resp_dev *rd)
{
	unsigned int i;

	for (i = 0; i < RESP_REGS_SIZE; i++)
		rd->regs[i] = (uint8_t)i;
}

static int
resp_regs_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct resp_dev *rd = ctx;

	memcpy(buf, &rd->regs[offset], len);
	return 0;
}

static int
resp_regs_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct resp_dev *rd = ctx;

	memcpy(&rd->regs[offset], buf, len);
	return 0;
}

static const struct pcifn_region_ops resp_regs_ops = {
	.read = resp_regs_read,
	.write = resp_regs_write,
};

static int
resp_doorbell_write(void *ctx, uint64_t offset __rte_unused, const void *buf,
		    uint32_t len __rte_unused)
{
	struct resp_dev *rd = ctx;
	uint32_t v;

	memcpy(&v, buf, sizeof(v));
	rd->doorbells++;
	if (pcifn_msix_enabled(rd->fn))
		return pcifn_msix_notify(rd->fn, 0, (uint16_t)v) == -EINVAL ? -EINVAL : 0;
	return pcifn_intx_set(rd->fn, v != RESP_INTX_LOWER);
}

/* The doorbell is write-only: reads are refused (Completer Abort). */
static const struct pcifn_region_ops resp_doorbell_ops = {
	.write = resp_doorbell_write,
};

/* The function was reset (FLR, hot reset, new host): registers to power-on. */
static int
resp_reset(struct pcifn *fn __rte_unused, enum pcifn_reset_kind kind, void *ctx)
{
	struct resp_dev *rd = ctx;

	printf("responder: reset (%s)\n", kind == PCIFN_RESET_FLR ? "FLR" :
	       kind == PCIFN_RESET_HOT ? "hot reset" : "link down");
	fflush(stdout);
	resp_regs_reset(rd);
	return 0;
}

static const struct pcifn_ops resp_fn_ops = {
	.reset = resp_reset,
};

static struct pcifn *
resp_fn_create(struct resp_dev *rd)
{
	struct pcifn_params params = {
		.vendor_id = 0x1b36,
		.device_id = 0x0005,
		.subsys_vendor_id = 0x1b36,
		.subsys_id = 0x1100,
		.revision = 1,
		.class_code = 0xff0000,		/* unassigned class */
		.bars[0] = { .size = RESP_BAR_SIZE, .flags = PCIFN_BAR_64 },
		.msix_vectors = RESP_MSIX_VECTORS,
		.msix_bar = 0,
		.msix_table_offset = RESP_MSIX_TABLE,
		.msix_pba_offset = RESP_MSIX_PBA,
		.intx_pin = 1,
		.flr = 1,
	};
	struct pcifn_region regs = {
		.bar = 0, .offset = 0, .size = RESP_REGS_SIZE,
		.min_access = 1, .max_access = 8, .flags = PCIFN_REGION_UNALIGNED,
		.ops = &resp_regs_ops, .ctx = rd,
	};
	struct pcifn_region doorbell = {
		.bar = 0, .offset = RESP_DOORBELL, .size = 4,
		.min_access = 4, .max_access = 4, .flags = PCIFN_REGION_REFUSE_SPLIT,
		.ops = &resp_doorbell_ops, .ctx = rd,
	};
	struct pcifn *fn;

	fn = pcifn_create(&params, &resp_fn_ops, rd);
	if (fn == NULL)
		return NULL;
	if (pcifn_region_add(fn, &regs) != 0 || pcifn_region_add(fn, &doorbell) != 0) {
		pcifn_free(fn);
		return NULL;
	}
	rd->fn = fn;
	resp_regs_reset(rd);
	return fn;
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
resp_print_stats(uint16_t dev_id, const struct resp_dev *rd)
{
	struct tlpdev_stats ds;
	struct pcifn_stats fs;
	uint64_t malformed = 0;
	unsigned int i;

	tlpdev_stats_get(dev_id, &ds);
	pcifn_stats_get(rd->fn, &fs);
	for (i = 0; i < TLP_ERR_MAX; i++)
		malformed += ds.rx_malformed[i];
	printf("responder: cfg_rd=%" PRIu64 " cfg_wr=%" PRIu64 " mem_rd=%" PRIu64
	       " mem_wr=%" PRIu64 " ur=%" PRIu64 " ca=%" PRIu64 " crs=%" PRIu64
	       " doorbells=%" PRIu64 " msix=%" PRIu64 " flr=%" PRIu64
	       " cpl_dropped=%" PRIu64 " malformed=%" PRIu64 "\n",
	       fs.cfg_rd, fs.cfg_wr, fs.mem_rd, fs.mem_wr, fs.cpl_ur, fs.cpl_ca, fs.cpl_crs,
	       rd->doorbells, fs.msix_sent, fs.flr, fs.cpl_dropped, malformed);
	fflush(stdout);
}

static int
resp_loop(uint16_t dev_id, const struct resp_conf *conf)
{
	struct pcifn_group *grp = NULL;
	struct resp_dev *rd;
	uint64_t hz = rte_get_timer_hz(), now, next_stats, end;
	unsigned int n, iter = 0;
	int link = 0, ret = 0;

	rd = rte_zmalloc("resp_dev", sizeof(*rd), 0);
	if (rd == NULL)
		return -ENOMEM;
	if (resp_fn_create(rd) == NULL) {
		ret = -rte_errno;
		goto free_dev;
	}
	grp = pcifn_group_create(dev_id);
	if (grp == NULL) {
		ret = -rte_errno;
		goto free_fn;
	}
	ret = pcifn_group_add(grp, rd->fn, 0);
	if (ret != 0)
		goto free_grp;

	now = rte_get_timer_cycles();
	next_stats = conf->stats_every > 0 ? now + (uint64_t)(conf->stats_every * hz) : UINT64_MAX;
	end = conf->duration > 0 ? now + (uint64_t)(conf->duration * hz) : UINT64_MAX;
	while (!resp_quit) {
		/*
		 * pcifn does it all: receive a burst, answer every request, send
		 * the completions, and on queue 0 handle link events.
		 */
		n = pcifn_service(grp, 0, conf->burst);
		/* Housekeeping when idle, and every 1024 busy rounds. */
		if (n == 0 || (++iter & 0x3ff) == 0) {
			now = rte_get_timer_cycles();
			if (tlpdev_link_get(dev_id) != link) {
				link = !link;
				printf("responder: link %s\n", link ? "up" : "down");
				fflush(stdout);
			}
			if (now >= next_stats) {
				resp_print_stats(dev_id, rd);
				next_stats = now + (uint64_t)(conf->stats_every * hz);
			}
			if (now >= end)
				break;
		}
	}
	resp_print_stats(dev_id, rd);
	pcifn_group_remove(grp, rd->fn);
free_grp:
	pcifn_group_free(grp);
free_fn:
	pcifn_free(rd->fn);
free_dev:
	rte_free(rd);
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
