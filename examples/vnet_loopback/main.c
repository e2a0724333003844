/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * vnet_loopback: a virtio-net function that sends every frame back.
 *
 * The host's virtio-net driver transmits on transmitq N; this application
 * dequeues those frames into mbufs and enqueues them, unchanged, into
 * receiveq N of the same pair. Frames the host has no receive buffer for
 * wait in the application (never dropped): the host's transmit queue then
 * fills up, which is the back-pressure a real link would give.
 *
 * One lcore does everything: lib/pcifn's request service, the virtio-net
 * control work (lib/virtio_emu) and the data path. Because the data path runs
 * on the control thread, queues need no quiesce handshake: a queue stop or a
 * device reset is only ever handled between two bursts.
 *
 * It is the device peer of "dpdk-tlp-hostsim traffic" until the ethdev PMD
 * (drivers/net/virtio_emu) lets dpdk-testpmd take its place.
 *
 * With --state FILE the function survives a crash of this process: what the
 * host programmed (PCI config, MSI-X table, virtio registers) is saved to
 * FILE on every control change (never per packet), and a process started
 * again with the same FILE presents it again with DEVICE_NEEDS_RESET set and
 * a configuration interrupt sent (lib/virtio_emu's virtio_emu_pci_state_*).
 * The option lives here, not in tlp_sim: the link driver does not know the
 * function, and the transport library, which knows both the function and
 * the virtio registers, gives any owner (this application, the PMD) the same
 * three calls. A clean exit removes FILE.
 *
 * Usage: dpdk-vnet-loopback <EAL args> --vdev tlp_sim0,path=<socket> --
 *            [--pairs N] [--mtu N] [--burst N] [--duration SEC] [--state FILE]
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
#include <rte_mbuf.h>

#include <pcifn.h>
#include <tlpdev.h>
#include <virtio_emu.h>
#include <virtio_emu_net.h>
#include <virtio_emu_net_rxtx.h>

#define LB_MAX_BURST 64
#define LB_NB_MBUFS 8191
#define LB_MBUF_CACHE 256

static volatile sig_atomic_t lb_quit;

struct lb_conf {
	uint16_t pairs;
	uint16_t mtu;
	unsigned int burst;
	double duration;
	const char *state_path;
};

/* One queue pair: frames go from tx (host transmitq) to rx (host receiveq). */
struct lb_pair {
	struct virtio_emu_net_q *rx;	/* receiveq: device to host */
	struct virtio_emu_net_q *tx;	/* transmitq: host to device */
	struct rte_mbuf *held[LB_MAX_BURST];	/* dequeued, not yet enqueued */
	uint16_t nb_held;
	uint16_t held_pos;
	uint64_t looped;
};

struct lb_ctx {
	struct virtio_emu_net *net;
	struct rte_mempool *mp;
	uint16_t mtu;
	struct lb_pair pairs[VIRTIO_EMU_NET_MAX_PAIRS];
};

/* Interrupt argument of one engine queue. */
struct lb_irq {
	struct lb_ctx *ctx;
	uint16_t index;
};

static struct lb_irq lb_irqs[VIRTIO_EMU_MAX_QUEUES];

static void
lb_signal(int sig __rte_unused)
{
	lb_quit = 1;
}

/* The driver wants a used-buffer notification: MSI-X (or INTx) on tlpdev queue 0. */
static void
lb_notify(void *arg)
{
	struct lb_irq *irq = arg;

	virtio_emu_queue_interrupt(virtio_emu_net_pci(irq->ctx->net), irq->index, 0);
}

static void
lb_pair_drop(struct lb_pair *p)
{
	/* Frames taken from the transmit queue and not looped yet (none after a full burst). */
	if (p->nb_held > p->held_pos)
		rte_pktmbuf_free_bulk(&p->held[p->held_pos], p->nb_held - p->held_pos);
	p->nb_held = 0;
	p->held_pos = 0;
}

/* Data queue @p index stops or the device resets: forget its engine queue. */
static void
lb_queue_stop(struct lb_ctx *ctx, uint16_t index)
{
	struct lb_pair *p = &ctx->pairs[index / 2];

	if (index / 2 >= RTE_DIM(ctx->pairs))
		return;
	if (index % 2 == 0) {
		virtio_emu_net_q_free(p->rx);
		p->rx = NULL;
	} else {
		virtio_emu_net_q_free(p->tx);
		p->tx = NULL;
	}
	lb_pair_drop(p);
}

/* Data queue @p index was enabled by the driver: wrap its engine queue. */
static void
lb_queue_start(struct lb_ctx *ctx, uint16_t index)
{
	struct virtio_emu_net_state st;
	struct virtio_emu_net_q_conf qc = { 0 };
	struct lb_pair *p = &ctx->pairs[index / 2];

	if (index / 2 >= RTE_DIM(ctx->pairs))
		return;	/* the control queue: served by the device itself */
	lb_queue_stop(ctx, index);
	virtio_emu_net_state_get(ctx->net, &st);
	qc.vq = virtio_emu_net_vq(ctx->net, index);
	if (qc.vq == NULL)
		return;
	qc.features = st.features;
	qc.mtu = ctx->mtu;
	qc.mp = index % 2 == 1 ? ctx->mp : NULL;
	lb_irqs[index].ctx = ctx;
	lb_irqs[index].index = index;
	qc.notify = lb_notify;
	qc.notify_arg = &lb_irqs[index];
	if (index % 2 == 0)
		p->rx = virtio_emu_net_q_create(&qc);
	else
		p->tx = virtio_emu_net_q_create(&qc);
	if ((index % 2 == 0 ? (void *)p->rx : (void *)p->tx) == NULL)
		printf("loopback: cannot set up queue %u: %s\n", index, rte_strerror(rte_errno));
}

static void
lb_event(struct virtio_emu_net *net __rte_unused, enum virtio_emu_net_event ev, uint32_t arg,
	 void *cb_arg)
{
	struct lb_ctx *ctx = cb_arg;
	uint16_t i;

	switch (ev) {
	case VIRTIO_EMU_NET_EV_QUEUE_ENABLE:
		lb_queue_start(ctx, (uint16_t)arg);
		break;
	case VIRTIO_EMU_NET_EV_QUEUE_STOP:
		lb_queue_stop(ctx, (uint16_t)arg);
		break;
	case VIRTIO_EMU_NET_EV_RESET:
		for (i = 0; i < 2 * RTE_DIM(ctx->pairs); i++)
			lb_queue_stop(ctx, i);
		printf("loopback: device reset\n");
		break;
	case VIRTIO_EMU_NET_EV_DRIVER_OK:
		printf("loopback: driver ok\n");
		break;
	case VIRTIO_EMU_NET_EV_NEEDS_RESET:
		printf("loopback: device needs reset\n");
		break;
	default:
		break;
	}
	fflush(stdout);
}

/* Move what the host transmitted on pair @p p back to its receive queue. */
static unsigned int
lb_pair_poll(struct lb_pair *p, unsigned int burst)
{
	uint16_t n;

	if (p->rx == NULL || p->tx == NULL)
		return 0;
	if (p->nb_held == 0) {
		p->nb_held = virtio_emu_net_dequeue_burst(p->tx, p->held, (uint16_t)burst);
		p->held_pos = 0;
	}
	if (p->nb_held == 0)
		return 0;
	/* What the host has no room for stays here until it posts buffers. */
	n = virtio_emu_net_enqueue_burst(p->rx, &p->held[p->held_pos],
					 (uint16_t)(p->nb_held - p->held_pos));
	p->held_pos = (uint16_t)(p->held_pos + n);
	p->looped += n;
	if (p->held_pos == p->nb_held) {
		p->nb_held = 0;
		p->held_pos = 0;
	}
	return n;
}

static void
lb_print_stats(const struct lb_ctx *ctx)
{
	struct virtio_emu_net_q_stats rs, ts;
	uint64_t looped = 0, rx_drops = 0, tx_drops = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ctx->pairs); i++) {
		looped += ctx->pairs[i].looped;
		if (ctx->pairs[i].rx != NULL &&
		    virtio_emu_net_q_stats_get(ctx->pairs[i].rx, &rs) == 0)
			rx_drops += rs.dropped;
		if (ctx->pairs[i].tx != NULL &&
		    virtio_emu_net_q_stats_get(ctx->pairs[i].tx, &ts) == 0)
			tx_drops += ts.dropped;
	}
	printf("loopback: looped=%" PRIu64 " tx_dropped=%" PRIu64 " rx_dropped=%" PRIu64 "\n",
	       looped, tx_drops, rx_drops);
	fflush(stdout);
}

static int
lb_parse_args(int argc, char **argv, struct lb_conf *conf)
{
	static const struct option opts[] = {
		{ "pairs", required_argument, NULL, 'p' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "burst", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'm':
		case 'b':
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno != 0 || *end != '\0' ||
			    (c == 'p' && (v < 1 || v > VIRTIO_EMU_NET_MAX_PAIRS)) ||
			    (c == 'm' && (v < 68 || v > 9000)) ||
			    (c == 'b' && (v < 1 || v > LB_MAX_BURST))) {
				fprintf(stderr, "bad value '%s' for --%s\n", optarg,
					c == 'p' ? "pairs" : c == 'm' ? "mtu" : "burst");
				return -EINVAL;
			}
			if (c == 'p')
				conf->pairs = (uint16_t)v;
			else if (c == 'm')
				conf->mtu = (uint16_t)v;
			else
				conf->burst = (unsigned int)v;
			break;
		case 't':
			errno = 0;
			conf->duration = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || conf->duration < 0) {
				fprintf(stderr, "bad value '%s' for --duration\n", optarg);
				return -EINVAL;
			}
			break;
		case 's':
			if (optarg[0] == '\0') {
				fprintf(stderr, "empty --state path\n");
				return -EINVAL;
			}
			conf->state_path = optarg;
			break;
		default:
			printf("usage: %s <EAL args> -- [--pairs N] [--mtu N] [--burst N] "
			       "[--duration SEC] [--state FILE]\n", argv[0]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Load the state a previous process left; whether a config interrupt is owed. */
static bool
lb_state_load(struct virtio_emu_pci *pci, const char *path)
{
	int ret = virtio_emu_pci_state_load_file(pci, path);

	if (ret == -ENOENT)
		printf("loopback: state: no file %s, clean start\n", path);
	else if (ret < 0)
		printf("loopback: state: %s ignored (%s), clean start\n", path, strerror(-ret));
	else
		printf("loopback: state: restored from %s%s\n", path,
		       ret == 1 ? ", device needs reset" : "");
	fflush(stdout);
	return ret == 1;
}

static int
lb_run(uint16_t dev_id, const struct lb_conf *conf)
{
	struct virtio_emu_net_params params = {
		.max_queue_pairs = conf->pairs,
		.mtu = conf->mtu,
		.speed = 100000,
		.duplex = 1,
	};
	struct pcifn_group *grp = NULL;
	struct lb_ctx *ctx;
	struct virtio_emu_pci *pci;
	uint64_t hz = rte_get_timer_hz(), end, gen, saved_gen = 0;
	bool irq_owed = false;
	unsigned int i, iter = 0;
	int ret = 0;

	ctx = rte_zmalloc("lb_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);
	if (ctx == NULL)
		return -ENOMEM;
	ctx->mtu = conf->mtu;
	/* Room for jumbo frames as chains of default-sized mbufs. */
	ctx->mp = rte_pktmbuf_pool_create("lb_pool", LB_NB_MBUFS, LB_MBUF_CACHE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (ctx->mp == NULL) {
		ret = -rte_errno;
		goto free_ctx;
	}
	ctx->net = virtio_emu_net_create(&params, lb_event, ctx);
	if (ctx->net == NULL) {
		ret = -rte_errno;
		goto free_pool;
	}
	grp = pcifn_group_create(dev_id);
	if (grp == NULL) {
		ret = -rte_errno;
		goto free_net;
	}
	ret = pcifn_group_add(grp, virtio_emu_net_fn(ctx->net), 0);
	if (ret != 0)
		goto free_grp;
	pci = virtio_emu_net_pci(ctx->net);
	if (conf->state_path != NULL) {
		/* Before the first request is served: the host may be waiting already. */
		irq_owed = lb_state_load(pci, conf->state_path);
		saved_gen = ~virtio_emu_pci_state_gen(pci);	/* save at once */
	}

	printf("loopback: virtio-net function ready, %u queue pair(s), mtu %u\n", conf->pairs,
	       conf->mtu);
	fflush(stdout);
	end = conf->duration > 0 ? rte_get_timer_cycles() + (uint64_t)(conf->duration * hz) :
		UINT64_MAX;
	while (!lb_quit) {
		/* Control: TLPs (config, BAR registers, doorbells), then virtio work. */
		pcifn_service(grp, 0, 64);
		virtio_emu_net_service(ctx->net);
		if (conf->state_path != NULL) {
			/* Control changes only: two loads per round otherwise. */
			gen = virtio_emu_pci_state_gen(pci);
			if (gen != saved_gen) {
				(void)virtio_emu_pci_state_save_file(pci, conf->state_path);
				saved_gen = gen;
			}
			if (irq_owed && tlpdev_link_get(dev_id) == 1) {
				virtio_emu_pci_state_notify(pci);
				irq_owed = false;
				printf("loopback: state: configuration interrupt sent\n");
				fflush(stdout);
			}
		}
		/* Data: every pair in turn. */
		for (i = 0; i < conf->pairs; i++)
			lb_pair_poll(&ctx->pairs[i], conf->burst);
		if ((++iter & 0xffff) == 0 && rte_get_timer_cycles() >= end)
			break;
	}
	lb_print_stats(ctx);
	/* A clean exit: the next process starts afresh. */
	if (conf->state_path != NULL)
		virtio_emu_pci_state_remove(conf->state_path);
	for (i = 0; i < 2 * RTE_DIM(ctx->pairs); i++)
		lb_queue_stop(ctx, (uint16_t)i);
	/* Every mbuf back in the pool once the queues stopped (the tests check it). */
	printf("loopback: mbufs_in_use=%u\n", rte_mempool_in_use_count(ctx->mp));
	fflush(stdout);
	pcifn_group_remove(grp, virtio_emu_net_fn(ctx->net));
free_grp:
	pcifn_group_free(grp);
free_net:
	virtio_emu_net_free(ctx->net);
free_pool:
	rte_mempool_free(ctx->mp);
free_ctx:
	rte_free(ctx);
	return ret;
}

int
main(int argc, char **argv)
{
	struct lb_conf conf = { .pairs = 1, .mtu = 1500, .burst = 32 };
	int ret, dev_id;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "EAL initialisation failed\n");
		return 1;
	}
	if (lb_parse_args(argc - ret, argv + ret, &conf) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	signal(SIGINT, lb_signal);
	signal(SIGTERM, lb_signal);
	for (dev_id = 0; dev_id < TLPDEV_MAX_DEVS; dev_id++)
		if (tlpdev_is_valid((uint16_t)dev_id))
			break;
	if (dev_id == TLPDEV_MAX_DEVS) {
		fprintf(stderr, "no TLP device (give one with --vdev tlp_sim0,path=...)\n");
		rte_eal_cleanup();
		return 1;
	}
	ret = tlpdev_start((uint16_t)dev_id);
	if (ret == 0)
		ret = lb_run((uint16_t)dev_id, &conf);
	if (ret != 0)
		fprintf(stderr, "loopback: %s\n", strerror(-ret));
	tlpdev_close((uint16_t)dev_id);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
