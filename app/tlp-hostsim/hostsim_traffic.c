/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * traffic: bring up the virtio-net function as a host driver does (reset,
 * features, queues, vectors, DRIVER_OK, control commands), send test frames
 * over the chosen queue pairs, receive them back from the device side (which
 * loops them back), verify each one and its order, print live figures and a
 * key=value summary. The driver is in hostsim_vnet_*.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim.h"
#include "hostsim_vnet_traffic.h"
#include "hostsim_vnet_link.h"

enum {
	TRAFFIC_OPT_PAIRS = HOSTSIM_OPT_CMD_BASE,
	TRAFFIC_OPT_QSIZE,
	TRAFFIC_OPT_FEATURES,
	TRAFFIC_OPT_PACKED,
	TRAFFIC_OPT_NO_EVENT_IDX,
	TRAFFIC_OPT_NO_INDIRECT,
	TRAFFIC_OPT_NO_MRG,
	TRAFFIC_OPT_SIZE,
	TRAFFIC_OPT_COUNT,
	TRAFFIC_OPT_DURATION,
	TRAFFIC_OPT_BURST,
	TRAFFIC_OPT_WINDOW,
	TRAFFIC_OPT_TX_SEGS,
	TRAFFIC_OPT_RX_BUF,
	TRAFFIC_OPT_MTU,
	TRAFFIC_OPT_STATS,
	TRAFFIC_OPT_POLL,
	TRAFFIC_OPT_IRQ,
	TRAFFIC_OPT_INTX,
	TRAFFIC_OPT_ALLOW_LOSS,
	TRAFFIC_OPT_PROMISC,
	TRAFFIC_OPT_ALLMULTI,
	TRAFFIC_OPT_VLAN,
	TRAFFIC_OPT_MAC,
	TRAFFIC_OPT_DRAIN,
	TRAFFIC_OPT_FN,
	TRAFFIC_OPT_CTRL_TIMEOUT,
	TRAFFIC_OPT_SURVIVE,
	TRAFFIC_OPT_PROTO,
	TRAFFIC_OPT_VERIFY,
	TRAFFIC_OPT_RESET_EVERY,
	TRAFFIC_OPT_FLR_EVERY,
	TRAFFIC_OPT_QRESET_EVERY,
	TRAFFIC_OPT_REINIT_VARY,
	TRAFFIC_OPT_RESET_WATCH,
};

static void
traffic_usage(FILE *f)
{
	fprintf(f,
		"  --pairs N            virtqueue pairs to use (default 1; >1 needs MQ)\n"
		"  --queue-size N       entries per virtqueue, clamped to the device's (256)\n"
		"  --features LIST      features to ask for: names or numbers, comma-separated;\n"
		"                       +NAME / -NAME change the default set\n"
		"  --packed             ask for RING_PACKED\n"
		"  --no-event-idx       do not ask for EVENT_IDX\n"
		"  --no-indirect        do not ask for INDIRECT_DESC\n"
		"  --no-mrg-rxbuf       do not ask for MRG_RXBUF\n"
		"  --size S|MIN-MAX     frame size with FCS, 64..65539 (default 64)\n"
		"  --count N            frames to send in all (default 100000)\n"
		"  --duration S         send for S seconds instead\n"
		"  --burst N            frames per burst, 1..512 (default 32)\n"
		"  --window N           frames in flight per queue (default: queue size)\n"
		"  --tx-segs N          descriptors per frame sent, 1..8 (default 1)\n"
		"  --rx-buf-size N      bytes per receive buffer (default 2048 with MRG_RXBUF,\n"
		"                       else header + largest frame)\n"
		"  --mtu N              largest frame is N + 14 bytes (default 1500)\n"
		"  --stats-interval S   live figures on stderr every S seconds (1; 0: off)\n"
		"  --poll               poll the used rings (default)\n"
		"  --irq                sleep on interrupts when idle\n"
		"  --intx               INTx instead of MSI-X\n"
		"  --allow-loss         exit 0 even if frames were lost\n"
		"  --promisc            control queue: promiscuous mode on\n"
		"  --allmulti           control queue: all-multicast on\n"
		"  --vlan ID            control queue: add VLAN ID to the filter (repeatable)\n"
		"  --mac-addr MAC       control queue: set the device's MAC address\n"
		"  --drain-ms N         wait this long for the last frames (default 1000)\n"
		"  --fn N               function to drive (default: the first virtio-net one)\n"
		"  --ctrl-timeout-ms N  control command timeout (default 1000)\n"
		"  --survive-device-restart MS  when the device process dies, wait up to MS ms\n"
		"                       for it to come back, reset and re-initialise the\n"
		"                       driver on DEVICE_NEEDS_RESET and go on; frames in\n"
		"                       flight are counted apart (lost_restart)\n"
		"  --proto test|icmp    test frames looped back (default), or ARP and ICMP\n"
		"                       echo requests answered (testpmd's icmpecho)\n"
		"  --verify full|header every frame's payload written and checked (default),\n"
		"                       or its header only (benchmarks: payload untouched)\n"
		"  --reset-every N      every N frames sent: device reset (status 0), re-init\n"
		"  --flr-every N        every N frames sent: FLR, re-enumeration, re-init\n"
		"  --qreset-every N     every N frames sent: reset one pair's queues (RING_RESET)\n"
		"  --reinit-vary        re-inits cycle queue sizes (full, half) and split/packed\n"
		"  --reset-watch-ms N   after a reset, watch the old rings (default 2 ms)\n");
	hostsim_enum_usage(f);
}

void
hostsim_traffic_conf_init(struct hostsim_traffic_conf *tc)
{
	memset(tc, 0, sizeof(*tc));
	tc->pairs = 1;
	tc->queue_size = 256;
	tc->features = hostsim_vnet_features_default;
	tc->size_min = 64;
	tc->size_max = 64;
	tc->count = 100000;
	tc->burst = 32;
	tc->tx_segs = 1;
	tc->mtu = 1500;
	tc->stats_ms = 1000;
	tc->drain_ms = 1000;
	tc->fn = -1;
	tc->ctrl_timeout_ms = 1000;
	tc->reset_watch_ms = 2;
}

static int
traffic_parse_size(const char *s, struct hostsim_traffic_conf *tc)
{
	const char *dash = strchr(s, '-');
	char lo[32];
	uint64_t a, b;

	if (dash == NULL) {
		if (hostsim_parse_u64("size", s, 64, HOSTSIM_FRAME_MAX + 4, &a) != 0)
			return -1;
		b = a;
	} else {
		if ((size_t)(dash - s) >= sizeof(lo))
			return -1;
		memcpy(lo, s, (size_t)(dash - s));
		lo[dash - s] = '\0';
		if (hostsim_parse_u64("size", lo, 64, HOSTSIM_FRAME_MAX + 4, &a) != 0 ||
		    hostsim_parse_u64("size", dash + 1, 64, HOSTSIM_FRAME_MAX + 4, &b) != 0)
			return -1;
		if (a > b) {
			fprintf(stderr, "--size: %s: minimum above maximum\n", s);
			return -1;
		}
	}
	tc->size_min = (uint32_t)a;
	tc->size_max = (uint32_t)b;
	return 0;
}

static int
traffic_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* A traffic option: 1 handled, -1 bad value (printed). */
static int
traffic_opt(int c, const char *arg, struct hostsim_traffic_conf *tc)
{
	char err[128];
	uint64_t v;

	switch (c) {
	case TRAFFIC_OPT_PAIRS:
		if (hostsim_parse_u64("pairs", arg, 1, HOSTSIM_VNET_PAIRS_MAX, &v) != 0)
			return -1;
		tc->pairs = (uint16_t)v;
		return 1;
	case TRAFFIC_OPT_QSIZE:
		if (hostsim_parse_u64("queue-size", arg, 2, HOSTSIM_VQ_SIZE_MAX, &v) != 0)
			return -1;
		tc->queue_size = (uint16_t)v;
		return 1;
	case TRAFFIC_OPT_FEATURES:
		if (hostsim_vnet_features_parse(arg, &tc->features, err, sizeof(err)) != 0) {
			fprintf(stderr, "--features: %s\n", err);
			return -1;
		}
		return 1;
	case TRAFFIC_OPT_PACKED:
		tc->features |= HOSTSIM_VF(HOSTSIM_VF_RING_PACKED);
		return 1;
	case TRAFFIC_OPT_NO_EVENT_IDX:
		tc->features &= ~HOSTSIM_VF(HOSTSIM_VF_EVENT_IDX);
		return 1;
	case TRAFFIC_OPT_NO_INDIRECT:
		tc->features &= ~HOSTSIM_VF(HOSTSIM_VF_INDIRECT_DESC);
		return 1;
	case TRAFFIC_OPT_NO_MRG:
		tc->features &= ~HOSTSIM_VF(HOSTSIM_VF_MRG_RXBUF);
		return 1;
	case TRAFFIC_OPT_SIZE:
		return traffic_parse_size(arg, tc) == 0 ? 1 : -1;
	case TRAFFIC_OPT_COUNT:
		if (hostsim_parse_u64("count", arg, 1, UINT64_MAX / 2, &tc->count) != 0)
			return -1;
		tc->duration_ms = 0;
		return 1;
	case TRAFFIC_OPT_DURATION:
		if (hostsim_parse_u64("duration", arg, 1, 86400, &v) != 0)
			return -1;
		tc->duration_ms = v * 1000;
		return 1;
	case TRAFFIC_OPT_BURST:
		if (hostsim_parse_u64("burst", arg, 1, HOSTSIM_IO_BURST_MAX, &v) != 0)
			return -1;
		tc->burst = (uint16_t)v;
		return 1;
	case TRAFFIC_OPT_WINDOW:
		return hostsim_parse_u64("window", arg, 1, UINT32_MAX, &v) != 0 ? -1 :
			(tc->window = (uint32_t)v, 1);
	case TRAFFIC_OPT_TX_SEGS:
		return hostsim_parse_u64("tx-segs", arg, 1, 8, &v) != 0 ? -1 :
			(tc->tx_segs = (uint16_t)v, 1);
	case TRAFFIC_OPT_RX_BUF:
		return hostsim_parse_u64("rx-buf-size", arg, 64, 65536, &v) != 0 ? -1 :
			(tc->rx_buf_len = (uint32_t)v, 1);
	case TRAFFIC_OPT_MTU:
		return hostsim_parse_u64("mtu", arg, 68, HOSTSIM_FRAME_MAX - 14, &v) != 0 ? -1 :
			(tc->mtu = (uint32_t)v, tc->mtu_set = 1, 1);
	case TRAFFIC_OPT_STATS:
		return hostsim_parse_u64("stats-interval", arg, 0, 3600, &v) != 0 ? -1 :
			(tc->stats_ms = (uint32_t)v * 1000, 1);
	case TRAFFIC_OPT_POLL:
		tc->irq = 0;
		return 1;
	case TRAFFIC_OPT_IRQ:
		tc->irq = 1;
		return 1;
	case TRAFFIC_OPT_INTX:
		tc->intx = 1;
		return 1;
	case TRAFFIC_OPT_ALLOW_LOSS:
		tc->allow_loss = 1;
		return 1;
	case TRAFFIC_OPT_PROMISC:
		tc->promisc = 1;
		return 1;
	case TRAFFIC_OPT_ALLMULTI:
		tc->allmulti = 1;
		return 1;
	case TRAFFIC_OPT_VLAN:
		if (tc->nb_vlans == HOSTSIM_TRAFFIC_VLANS_MAX) {
			fprintf(stderr, "--vlan: at most %u\n", HOSTSIM_TRAFFIC_VLANS_MAX);
			return -1;
		}
		if (hostsim_parse_u64("vlan", arg, 0, 4095, &v) != 0)
			return -1;
		tc->vlans[tc->nb_vlans++] = (uint16_t)v;
		return 1;
	case TRAFFIC_OPT_MAC:
		if (traffic_parse_mac(arg, tc->mac) != 0) {
			fprintf(stderr, "--mac-addr: '%s' is not xx:xx:xx:xx:xx:xx\n", arg);
			return -1;
		}
		tc->mac_set = 1;
		return 1;
	case TRAFFIC_OPT_DRAIN:
		return hostsim_parse_u64("drain-ms", arg, 1, 600000, &v) != 0 ? -1 :
			(tc->drain_ms = (uint32_t)v, 1);
	case TRAFFIC_OPT_FN:
		return hostsim_parse_u64("fn", arg, 0, HOSTSIM_MAX_FNS - 1, &v) != 0 ? -1 :
			(tc->fn = (int)v, 1);
	case TRAFFIC_OPT_CTRL_TIMEOUT:
		return hostsim_parse_u64("ctrl-timeout-ms", arg, 1, 60000, &v) != 0 ? -1 :
			(tc->ctrl_timeout_ms = (uint32_t)v, 1);
	case TRAFFIC_OPT_SURVIVE:
		return hostsim_parse_u64("survive-device-restart", arg, 1, 600000, &v) != 0 ? -1 :
			(tc->restart_wait_ms = (uint32_t)v, 1);
	case TRAFFIC_OPT_PROTO:
		if (strcmp(arg, "test") == 0 || strcmp(arg, "icmp") == 0) {
			tc->proto = arg[0] == 'i' ? HOSTSIM_TRAFFIC_PROTO_ICMP :
				HOSTSIM_TRAFFIC_PROTO_TEST;
			return 1;
		}
		fprintf(stderr, "--proto: '%s' is not test or icmp\n", arg);
		return -1;
	case TRAFFIC_OPT_VERIFY:
		if (strcmp(arg, "full") == 0 || strcmp(arg, "header") == 0) {
			tc->verify_hdr_only = arg[0] == 'h';
			return 1;
		}
		fprintf(stderr, "--verify: '%s' is not full or header\n", arg);
		return -1;
	case TRAFFIC_OPT_RESET_EVERY:
		return hostsim_parse_u64("reset-every", arg, 1, UINT64_MAX, &tc->reset_every) != 0 ?
			-1 : 1;
	case TRAFFIC_OPT_FLR_EVERY:
		return hostsim_parse_u64("flr-every", arg, 1, UINT64_MAX, &tc->flr_every) != 0 ?
			-1 : 1;
	case TRAFFIC_OPT_QRESET_EVERY:
		return hostsim_parse_u64("qreset-every", arg, 1, UINT64_MAX, &tc->qreset_every) !=
			0 ? -1 : 1;
	case TRAFFIC_OPT_REINIT_VARY:
		tc->reinit_vary = 1;
		return 1;
	case TRAFFIC_OPT_RESET_WATCH:
		return hostsim_parse_u64("reset-watch-ms", arg, 0, 1000, &v) != 0 ? -1 :
			(tc->reset_watch_ms = (uint32_t)v, 1);
	default:
		return 0;
	}
}

static int
traffic_parse(int argc, char **argv, struct hostsim_opts *o, struct hostsim_enum_conf *ec,
	      struct hostsim_traffic_conf *tc)
{
	static const struct option longopts[] = {
		HOSTSIM_COMMON_LONGOPTS,
		HOSTSIM_ENUM_LONGOPTS,
		{ "pairs", required_argument, NULL, TRAFFIC_OPT_PAIRS },
		{ "queue-size", required_argument, NULL, TRAFFIC_OPT_QSIZE },
		{ "features", required_argument, NULL, TRAFFIC_OPT_FEATURES },
		{ "packed", no_argument, NULL, TRAFFIC_OPT_PACKED },
		{ "no-event-idx", no_argument, NULL, TRAFFIC_OPT_NO_EVENT_IDX },
		{ "no-indirect", no_argument, NULL, TRAFFIC_OPT_NO_INDIRECT },
		{ "no-mrg-rxbuf", no_argument, NULL, TRAFFIC_OPT_NO_MRG },
		{ "size", required_argument, NULL, TRAFFIC_OPT_SIZE },
		{ "count", required_argument, NULL, TRAFFIC_OPT_COUNT },
		{ "duration", required_argument, NULL, TRAFFIC_OPT_DURATION },
		{ "burst", required_argument, NULL, TRAFFIC_OPT_BURST },
		{ "window", required_argument, NULL, TRAFFIC_OPT_WINDOW },
		{ "tx-segs", required_argument, NULL, TRAFFIC_OPT_TX_SEGS },
		{ "rx-buf-size", required_argument, NULL, TRAFFIC_OPT_RX_BUF },
		{ "mtu", required_argument, NULL, TRAFFIC_OPT_MTU },
		{ "stats-interval", required_argument, NULL, TRAFFIC_OPT_STATS },
		{ "poll", no_argument, NULL, TRAFFIC_OPT_POLL },
		{ "irq", no_argument, NULL, TRAFFIC_OPT_IRQ },
		{ "intx", no_argument, NULL, TRAFFIC_OPT_INTX },
		{ "allow-loss", no_argument, NULL, TRAFFIC_OPT_ALLOW_LOSS },
		{ "promisc", no_argument, NULL, TRAFFIC_OPT_PROMISC },
		{ "allmulti", no_argument, NULL, TRAFFIC_OPT_ALLMULTI },
		{ "vlan", required_argument, NULL, TRAFFIC_OPT_VLAN },
		{ "mac-addr", required_argument, NULL, TRAFFIC_OPT_MAC },
		{ "drain-ms", required_argument, NULL, TRAFFIC_OPT_DRAIN },
		{ "fn", required_argument, NULL, TRAFFIC_OPT_FN },
		{ "ctrl-timeout-ms", required_argument, NULL, TRAFFIC_OPT_CTRL_TIMEOUT },
		{ "survive-device-restart", required_argument, NULL, TRAFFIC_OPT_SURVIVE },
		{ "proto", required_argument, NULL, TRAFFIC_OPT_PROTO },
		{ "verify", required_argument, NULL, TRAFFIC_OPT_VERIFY },
		{ "reset-every", required_argument, NULL, TRAFFIC_OPT_RESET_EVERY },
		{ "flr-every", required_argument, NULL, TRAFFIC_OPT_FLR_EVERY },
		{ "qreset-every", required_argument, NULL, TRAFFIC_OPT_QRESET_EVERY },
		{ "reinit-vary", no_argument, NULL, TRAFFIC_OPT_REINIT_VARY },
		{ "reset-watch-ms", required_argument, NULL, TRAFFIC_OPT_RESET_WATCH },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret, msix_given = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = hostsim_cmd_opt(c, optarg, &hostsim_cmd_traffic, o);
		if (ret == 2)
			return 1;
		if (ret == 0) {
			ret = hostsim_enum_opt(c, optarg, ec);
			if (ret == 1 && (c == HOSTSIM_OPT_MSIX || c == HOSTSIM_OPT_NO_MSIX))
				msix_given = 1;
		}
		if (ret == 0)
			ret = traffic_opt(c, optarg, tc);
		if (ret < 0)
			return -1;
		if (ret == 0) {
			hostsim_cmd_usage(stderr, &hostsim_cmd_traffic);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "traffic: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (tc->intx) {
		ec->msix_enable = 0;
		ec->msix_vectors = 0;
	} else if (!msix_given) {
		/* Config vector, one per queue of the pairs, one for the control queue. */
		ec->msix_vectors = (uint16_t)(2u * tc->pairs + 2 > 2048 ? 2048 :
					      2u * tc->pairs + 2);
	}
	if (tc->size_max - 4 > tc->mtu + 14u) {
		fprintf(stderr, "--size: %u bytes with FCS exceed --mtu %u (largest frame %u)\n",
			tc->size_max, tc->mtu, tc->mtu + 18);
		return -1;
	}
	return hostsim_enum_conf_check(ec, o);
}

/* The function to drive: --fn, or the first virtio-net one. */
static struct hostsim_fn *
traffic_find_fn(struct hostsim_enum *e, int fn)
{
	unsigned int i;
	uint32_t id;

	for (i = 0; i < HOSTSIM_MAX_FNS; i++) {
		if (!e->present[i] || (fn >= 0 && (unsigned int)fn != i))
			continue;
		id = hostsim_fn_cfg32(&e->fn[i], HOSTSIM_CFG_VENDOR);
		if ((id & 0xffff) == HOSTSIM_VNET_VENDOR && (id >> 16) == HOSTSIM_VNET_DEVICE)
			return &e->fn[i];
		if (fn >= 0)
			fprintf(stderr, "traffic: function %u is %04x:%04x, not virtio-net "
				"(%04x:%04x)\n", i, id & 0xffff, id >> 16, HOSTSIM_VNET_VENDOR,
				HOSTSIM_VNET_DEVICE);
	}
	return NULL;
}

static int
traffic_run(int argc, char **argv, struct hostsim_opts *o)
{
	struct hostsim_traffic_conf tc;
	struct hostsim_enum_conf ec;
	struct hostsim_enum *e = NULL;
	struct hostsim_vnet_link link;
	struct hostsim_fn *f;
	int ret;

	hostsim_traffic_conf_init(&tc);
	hostsim_enum_conf_init(&ec);
	ret = traffic_parse(argc, argv, o, &ec, &tc);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (hostsim_pin(o->core) != 0 || hostsim_vnet_link_open(o, &link) != 0)
		return 1;
	ret = hostsim_enum_run(link.host, 0, &ec, &e);
	if (ret != 0 && ret != -ENODEV) {
		fprintf(stderr, "traffic: enumeration failed: %s\n", strerror(-ret));
		ret = 1;
	} else if (e == NULL || (f = traffic_find_fn(e, tc.fn)) == NULL) {
		fprintf(stderr, "traffic: no virtio-net function (%04x:%04x) found\n",
			HOSTSIM_VNET_VENDOR, HOSTSIM_VNET_DEVICE);
		ret = 1;
	} else {
		tc.enm = e;	/* --flr-every re-enumerates */
		ret = hostsim_traffic_drive(&link, o, f, &tc);
	}
	fflush(stdout);
	hostsim_enum_free(e);
	hostsim_vnet_link_close(&link);
	return ret;
}

const struct hostsim_cmd hostsim_cmd_traffic = {
	.name = "traffic",
	.summary = "drive the virtio-net function: send, receive and verify frames",
	.run = traffic_run,
	.usage = traffic_usage,
};
