/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The traffic run: bring the function up, send and receive until the count
 * or the duration is reached and the last frames are back (or the drain
 * time is over), watch for configuration interrupts and DEVICE_NEEDS_RESET,
 * then reset the device and print the summary.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostsim_vnet_traffic.h"
#include "hostsim_vnet_restart.h"
#include "hostsim_vnet_icmp.h"

#define TRAFFIC_IRQ_WAIT_NS 10000000ull
#define TRAFFIC_MAX_SEGS_CTRL 4

/* Re-initialisations while traffic runs. */
enum traffic_ev {
	TRAFFIC_EV_RESET = 0,	/* --reset-every */
	TRAFFIC_EV_FLR,		/* --flr-every */
	TRAFFIC_EV_QRESET,	/* --qreset-every */
	TRAFFIC_EV_NEEDS_RESET,	/* the device asked for it */
	TRAFFIC_EV_MAX,
};

static const char *const traffic_ev_names[TRAFFIC_EV_MAX] = {
	"device reset", "FLR", "queue reset", "NEEDS_RESET recovery",
};

#define TRAFFIC_POISON 0xa5

struct traffic_run {
	struct hostsim_vnet dev;
	struct hostsim_vnet_link *link;
	const struct hostsim_traffic_conf *tc;
	struct hostsim_vnet_io_conf io;
	struct hostsim_vnet_verifier ver;
	struct hostsim_vnet_txq *txq;
	struct hostsim_vnet_rxq *rxq;
	struct hostsim_vnet_io_stats *st;
	struct hostsim_icmp *icmp;	/* --proto icmp */
	uint16_t pairs;
	uint8_t needs_reset;
	uint8_t failed;
	uint8_t recover;	/* DEVICE_NEEDS_RESET seen: re-initialise */
	struct hostsim_fn *fn;
	uint64_t ev_every[TRAFFIC_EV_QRESET + 1];
	uint64_t ev_next[TRAFFIC_EV_QRESET + 1];
	uint64_t ev_count[TRAFFIC_EV_MAX];
	uint64_t lost_at_reset;		/* in flight when a reset took them */
	uint64_t ack_max_ns;		/* reset asked -> acknowledged (status 0, FLR back) */
	uint64_t reinit_max_ns;		/* reset asked -> traffic can resume */
	uint64_t writes_after_reset;	/* old ring bytes changed after the acknowledgement */
	uint64_t irqs_after_reset;
	unsigned int reinits;
	uint16_t qreset_pair;
	uint8_t ev_any;
	uint64_t config_irqs;
	uint64_t irq_waits;
	uint64_t announces;
	uint64_t t0, t_end;
	char why[320];
	/* --survive-device-restart (hostsim_vnet_restart.c). */
	struct hostsim_restart_stats rs;
	uint64_t rs_verified;		/* verified at the last restart */
	uint64_t t_first;		/* start of the run (t0 moves at restarts) */
};

static void
traffic_sum(const struct traffic_run *r, struct hostsim_vnet_io_stats *s)
{
	uint16_t p;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (p = 0; r->st != NULL && p < r->pairs; p++) {
		const struct hostsim_vnet_io_stats *q = &r->st[p];

		s->tx_frames += q->tx_frames;
		s->tx_bytes += q->tx_bytes;
		s->tx_ring_full += q->tx_ring_full;
		s->tx_window_full += q->tx_window_full;
		s->rx_frames += q->rx_frames;
		s->rx_bytes += q->rx_bytes;
		s->verified += q->verified;
		s->corrupt += q->corrupt;
		for (i = 0; i <= HOSTSIM_FRAME_BAD_DATA; i++)
			s->corrupt_by[i] += q->corrupt_by[i];
		s->duplicate += q->duplicate;
		s->reordered += q->reordered;
		s->rx_bad_len += q->rx_bad_len;
		s->rx_bad_num_buffers += q->rx_bad_num_buffers;
		s->rx_bad_hdr += q->rx_bad_hdr;
		s->rx_merged += q->rx_merged;
	}
}

static int
traffic_stop(struct traffic_run *r, const char *fmt, const char *arg)
{
	if (r->why[0] == '\0')
		snprintf(r->why, sizeof(r->why), fmt, arg);
	r->failed = 1;
	return -1;
}

static int
traffic_bringup(struct traffic_run *r, const struct hostsim_opts *o, struct hostsim_fn *f)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_vnet *d = &r->dev;
	struct hostsim_vnet_qconf qc;
	struct hostsim_vnet_bus bus;
	struct hostsim_vnet_mem mem;
	uint32_t frame_max = tc->size_max - 4, v;
	uint64_t need_cfg;
	char names[512];
	int ret;

	memset(&mem, 0, sizeof(mem));
	mem.iova = o->mem_base;
	mem.size = o->mem_mb << 20;
	mem.va = tlpsim_host_mem(r->link->host, mem.iova, mem.size);
	if (mem.va == NULL)
		return traffic_stop(r, "host memory not mapped%s", "");
	hostsim_vnet_link_bus(r->link, &bus);
	hostsim_vnet_init(d, &bus, &mem);
	d->ctrl_timeout_ms = tc->ctrl_timeout_ms;
	printf("function=%02x:%02x.%u\n", f->bdf >> 8, (f->bdf >> 3) & 0x1f, f->bdf & 7);
	if (hostsim_vnet_caps_parse(f, &d->caps) != 0)
		return traffic_stop(r, "virtio capabilities: %s", d->caps.why);
	if (d->caps.ignored > 0)
		fprintf(stderr, "traffic: %u virtio capabilities ignored, last: %s\n",
			d->caps.ignored, d->caps.why);
	ret = hostsim_vnet_reset(d);
	if (ret == 0)
		ret = hostsim_vnet_negotiate(d, tc->features | (tc->qreset_every ?
					     HOSTSIM_VF(HOSTSIM_VF_RING_RESET) : 0));
	if (ret != 0)
		return traffic_stop(r, "%s", d->err);
	hostsim_vnet_features_str(d->dev_features, names, sizeof(names));
	printf("features_offered=%s\n", names);
	hostsim_vnet_features_str(d->features, names, sizeof(names));
	printf("features=%s\n", names);
	need_cfg = HOSTSIM_VF(HOSTSIM_VF_MAC) | HOSTSIM_VF(HOSTSIM_VF_STATUS) |
		HOSTSIM_VF(HOSTSIM_VF_MQ) | HOSTSIM_VF(HOSTSIM_VF_MTU) |
		HOSTSIM_VF(HOSTSIM_VF_SPEED_DUPLEX);
	if ((d->features & need_cfg) != 0 || d->caps.device.len != 0) {
		ret = hostsim_vnet_read_config(d);
		if (ret != 0)
			goto fail;
	} else {
		d->max_pairs = 1;
		d->net_status = HOSTSIM_VNET_S_LINK_UP;
	}
	if (hostsim_vnet_has(d, HOSTSIM_VF_MTU) && frame_max > d->mtu + 14u) {
		snprintf(d->err, sizeof(d->err), "frames of %u bytes exceed the device's MTU %u",
			 frame_max, d->mtu);
		goto fail;
	}
	if (tc->pairs > 1 && !hostsim_vnet_has(d, HOSTSIM_VF_MQ)) {
		snprintf(d->err, sizeof(d->err), "%u pairs need MQ (and CTRL_VQ)", tc->pairs);
		goto fail;
	}
	memset(&qc, 0, sizeof(qc));
	qc.pairs = tc->pairs;
	qc.queue_size = tc->queue_size;
	qc.max_segs = tc->tx_segs > TRAFFIC_MAX_SEGS_CTRL ? tc->tx_segs : TRAFFIC_MAX_SEGS_CTRL;
	qc.vectors = tc->intx ? 0 : f->msix_programmed;
	ret = hostsim_vnet_setup_queues(d, &qc);
	if (ret == 0)
		ret = hostsim_vnet_driver_ok(d);
	if (ret != 0)
		goto fail;
	r->pairs = tc->pairs;
	printf("ring=%s\npairs=%u\nqueue_size=%u\n",
	       hostsim_vnet_has(d, HOSTSIM_VF_RING_PACKED) ? "packed" : "split", r->pairs,
	       d->vq[0].size);
	if (hostsim_vnet_has(d, HOSTSIM_VF_MAC))
		printf("mac=%02x:%02x:%02x:%02x:%02x:%02x\n", d->mac[0], d->mac[1], d->mac[2],
		       d->mac[3], d->mac[4], d->mac[5]);
	printf("interrupts=%s\n", tc->intx ? "intx" : d->vq[0].vector !=
	       HOSTSIM_VIRTIO_NO_VECTOR ? "msix" : "none");
	/* Control commands: after DRIVER_OK. */
	ret = 0;
	if (r->pairs > 1 && (ret = hostsim_vnet_ctrl_mq_pairs(d, r->pairs)) != 0)
		snprintf(names, sizeof(names), "VQ_PAIRS_SET %u", r->pairs);
	if (ret == 0 && tc->promisc &&
	    (ret = hostsim_vnet_ctrl_rx_mode(d, HOSTSIM_VNET_CTRL_RX_PROMISC, 1)) != 0)
		snprintf(names, sizeof(names), "RX_PROMISC");
	if (ret == 0 && tc->allmulti &&
	    (ret = hostsim_vnet_ctrl_rx_mode(d, HOSTSIM_VNET_CTRL_RX_ALLMULTI, 1)) != 0)
		snprintf(names, sizeof(names), "RX_ALLMULTI");
	for (v = 0; ret == 0 && v < tc->nb_vlans; v++)
		if ((ret = hostsim_vnet_ctrl_vlan(d, tc->vlans[v], 1)) != 0)
			snprintf(names, sizeof(names), "VLAN_ADD %u", tc->vlans[v]);
	if (ret == 0 && tc->mac_set) {
		ret = hostsim_vnet_ctrl_mac_set(d, tc->mac);
		if (ret == 0)
			memcpy(d->mac, tc->mac, 6);
		else
			snprintf(names, sizeof(names), "MAC_ADDR_SET");
	}
	if (ret != 0) {
		fprintf(stderr, "traffic: control command %s failed: %s%s%s\n", names,
			strerror(-ret), d->err[0] ? ": " : "", d->err);
		return traffic_stop(r, "control command failed%s", "");
	}
	return 0;
fail:
	hostsim_vnet_fail(d);
	return traffic_stop(r, "%s", d->err);
}

static int
traffic_queues_init(struct traffic_run *r)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_vnet *d = &r->dev;
	struct hostsim_vnet_io_conf *io = &r->io;
	uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 }, dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	uint32_t frame_max = tc->size_max - 4, mtu_frame = tc->mtu + 14, bufs;
	uint16_t p;
	int mrg = hostsim_vnet_has(d, HOSTSIM_VF_MRG_RXBUF);

	io->size_min = tc->size_min - 4;
	io->size_max = frame_max;
	io->burst = tc->burst;
	io->tx_segs = tc->tx_segs;
	if (tc->rx_buf_len != 0)
		io->rx_buf_len = tc->rx_buf_len;
	else if (mrg)
		io->rx_buf_len = 2048;
	else
		io->rx_buf_len = (uint32_t)((sizeof(struct hostsim_vnet_hdr) +
					     (mtu_frame > 1514 ? mtu_frame : 1514) + 63) & ~63u);
	/* Default window: as many of the largest frames as the receive ring holds. */
	bufs = (uint32_t)((sizeof(struct hostsim_vnet_hdr) + frame_max + io->rx_buf_len - 1) /
			  io->rx_buf_len);
	io->window = tc->window != 0 ? tc->window : hostsim_vnet_rxq(d, 0)->size / bufs;
	if (io->window == 0)
		io->window = 1;
	if (hostsim_vnet_rx_frame_max(io, mrg, hostsim_vnet_rxq(d, 0)->size) < frame_max)
		return traffic_stop(r, "receive buffers too small for the largest frame "
				    "(--rx-buf-size, MRG_RXBUF)%s", "");
	if (hostsim_vnet_has(d, HOSTSIM_VF_MAC))
		memcpy(dst, d->mac, 6);
	r->txq = calloc(r->pairs, sizeof(*r->txq));
	r->rxq = calloc(r->pairs, sizeof(*r->rxq));
	r->st = calloc(r->pairs, sizeof(*r->st));
	if (r->txq == NULL || r->rxq == NULL || r->st == NULL ||
	    hostsim_vnet_verifier_init(&r->ver, r->pairs, dst, src) != 0)
		return traffic_stop(r, "out of memory%s", "");
	r->ver.gen.hdr_only = r->tc->verify_hdr_only;
	for (p = 0; p < r->pairs; p++) {
		if (hostsim_vnet_txq_init(&r->txq[p], d, p, io) != 0 ||
		    hostsim_vnet_rxq_init(&r->rxq[p], d, p, io) != 0)
			return traffic_stop(r, "host memory too small for the buffers "
					    "(--mem-mb)%s", "");
		/* --count frames in all, spread over the pairs. */
		if (tc->duration_ms == 0)
			r->txq[p].limit = tc->count / r->pairs + (p < tc->count % r->pairs);
		hostsim_vnet_rx_refill(&r->rxq[p]);
	}
	if (tc->proto == HOSTSIM_TRAFFIC_PROTO_ICMP) {
		/* The host's address: the one the device's configuration gives it. */
		if (mrg && io->rx_buf_len < sizeof(struct hostsim_vnet_hdr) + frame_max)
			return traffic_stop(r, "--proto icmp: replies must fit one receive "
					    "buffer (--rx-buf-size)%s", "");
		/* Set up again (after a device restart): the counts start over. */
		if (r->icmp != NULL)
			hostsim_icmp_fini(r->icmp);
		else
			r->icmp = malloc(sizeof(*r->icmp));
		if (r->icmp == NULL ||
		    hostsim_icmp_init(r->icmp, r->pairs, hostsim_vnet_has(d, HOSTSIM_VF_MAC) ?
				      d->mac : src, r->txq) != 0)
			return traffic_stop(r, "out of memory%s", "");
	}
	return 0;
}

/* A configuration change: status, NEEDS_RESET, link and announce. */
static void
traffic_config_change(struct traffic_run *r)
{
	struct hostsim_vnet *d = &r->dev;
	uint8_t st;

	r->config_irqs++;
	if (hostsim_vnet_status(d, &st) != 0) {
		traffic_stop(r, "status read failed: %s", d->err);
		return;
	}
	if (st & HOSTSIM_VSTAT_NEEDS_RESET) {
		r->recover = 1;		/* traffic_loop() re-initialises */
		return;
	}
	if (d->caps.device.len == 0 || hostsim_vnet_read_config(d) != 0)
		return;
	if ((d->net_status & HOSTSIM_VNET_S_ANNOUNCE) &&
	    hostsim_vnet_has(d, HOSTSIM_VF_GUEST_ANNOUNCE) &&
	    hostsim_vnet_ctrl_announce_ack(d) == 0)
		r->announces++;
}

/* Interrupts recorded by the link: configuration changes are handled here. */
static void
traffic_irqs(struct traffic_run *r)
{
	struct hostsim_vnet_link *l = r->link;
	struct hostsim_vnet *d = &r->dev;
	uint8_t isr = 0;

	if (r->tc->intx) {
		if (!l->intx_level && !l->any_pending)
			return;
		l->any_pending = 0;
		/* Reading the ISR clears it and deasserts the line. */
		if (hostsim_vnet_isr(d, &isr) == 0 && (isr & HOSTSIM_VISR_CONFIG))
			traffic_config_change(r);
		return;
	}
	if (!l->any_pending)
		return;
	l->any_pending = 0;
	if (d->config_vector < HOSTSIM_VNET_VECTORS && l->pending[d->config_vector]) {
		l->pending[d->config_vector] = 0;
		traffic_config_change(r);
	}
	memset(l->pending, 0, sizeof(l->pending));
}

/* Nothing to do: ask for receive interrupts and wait for one (bounded). */
static void
traffic_irq_wait(struct traffic_run *r)
{
	uint64_t deadline = hostsim_vnet_now_ns() + TRAFFIC_IRQ_WAIT_NS;
	uint16_t p;
	int ready = 0;

	for (p = 0; p < r->pairs; p++) {
		hostsim_vq_irq(r->rxq[p].vq, 1);
		ready |= hostsim_vq_has_used(r->rxq[p].vq);
	}
	r->irq_waits++;
	while (!ready && !r->link->any_pending && !r->link->intx_level &&
	       hostsim_vnet_now_ns() < deadline)
		hostsim_vnet_link_service(r->link);
	for (p = 0; p < r->pairs; p++)
		hostsim_vq_irq(r->rxq[p].vq, 0);
}

/* Every frame sent is back or known missing, nothing is left to wait for. */
static int
traffic_all_back(const struct traffic_run *r)
{
	uint16_t p;

	for (p = 0; p < r->pairs; p++)
		if (r->icmp != NULL ? !hostsim_icmp_all_back(r->icmp, &r->txq[p]) :
		    r->ver.track[p].next != r->txq[p].seq || r->ver.track[p].missing != 0)
			return 0;
	return 1;
}

static const char *
traffic_broken(const struct traffic_run *r)
{
	uint16_t i;

	for (i = 0; i < r->dev.nb_vqs; i++)
		if (r->dev.vq[i].broken)
			return r->dev.vq[i].err;
	return NULL;
}

static void
traffic_live(struct traffic_run *r, uint64_t now, uint64_t *last_ns,
	     struct hostsim_vnet_io_stats *last)
{
	struct hostsim_vnet_io_stats s;
	double dt = (double)(now - *last_ns) / 1e9;
	uint8_t st = 0;

	traffic_sum(r, &s);
	if (dt <= 0)
		return;
	fprintf(stderr, "traffic: t=%.1fs tx=%.3f Mpps rx=%.3f Mpps %.3f Gbit/s verified=%"
		PRIu64 " corrupt=%" PRIu64 " missing=%" PRIu64 "\n", (double)(now - r->t0) / 1e9,
		(double)(s.tx_frames - last->tx_frames) / dt / 1e6,
		(double)(s.rx_frames - last->rx_frames) / dt / 1e6,
		(double)(s.rx_bytes - last->rx_bytes + 4 * (s.rx_frames - last->rx_frames)) *
		8 / dt / 1e9, s.verified, s.corrupt, s.tx_frames - s.verified);
	*last = s;
	*last_ns = now;
	/* Status once per interval too: a device may give up without an interrupt. */
	if (hostsim_vnet_status(&r->dev, &st) == 0 && (st & HOSTSIM_VSTAT_NEEDS_RESET))
		r->recover = 1;
}

/* ---- re-initialisation while traffic runs ---- */

/* The control commands of the set-up (after DRIVER_OK). 0 or -1 (stopped). */
static int
traffic_ctrl_cmds(struct traffic_run *r)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_vnet *d = &r->dev;
	char what[32] = "";
	uint32_t v;
	int ret = 0;

	if (r->pairs > 1 && (ret = hostsim_vnet_ctrl_mq_pairs(d, r->pairs)) != 0)
		snprintf(what, sizeof(what), "VQ_PAIRS_SET %u", r->pairs);
	if (ret == 0 && tc->promisc &&
	    (ret = hostsim_vnet_ctrl_rx_mode(d, HOSTSIM_VNET_CTRL_RX_PROMISC, 1)) != 0)
		snprintf(what, sizeof(what), "RX_PROMISC");
	if (ret == 0 && tc->allmulti &&
	    (ret = hostsim_vnet_ctrl_rx_mode(d, HOSTSIM_VNET_CTRL_RX_ALLMULTI, 1)) != 0)
		snprintf(what, sizeof(what), "RX_ALLMULTI");
	for (v = 0; ret == 0 && v < tc->nb_vlans; v++)
		if ((ret = hostsim_vnet_ctrl_vlan(d, tc->vlans[v], 1)) != 0)
			snprintf(what, sizeof(what), "VLAN_ADD %u", tc->vlans[v]);
	if (ret == 0 && tc->mac_set) {
		ret = hostsim_vnet_ctrl_mac_set(d, tc->mac);
		if (ret == 0)
			memcpy(d->mac, tc->mac, 6);
		else
			snprintf(what, sizeof(what), "MAC_ADDR_SET");
	}
	if (ret == 0)
		return 0;
	fprintf(stderr, "traffic: control command %s failed after re-init: %s\n", what,
		strerror(-ret));
	return traffic_stop(r, "control command failed after re-init%s", "");
}

static uint64_t
traffic_sent(const struct traffic_run *r)
{
	uint64_t n = 0;
	uint16_t p;

	for (p = 0; p < r->pairs; p++)
		n += r->txq[p].seq;
	return n;
}

/* Ring areas of @p vq: local address and length of each. */
static unsigned int
traffic_ring_areas(const struct hostsim_vq *vq, uint8_t **va, uint32_t *len)
{
	uint32_t n = vq->size;

	if (vq->packed) {
		va[0] = (uint8_t *)vq->pdesc;
		len[0] = 16 * n;
		va[1] = (uint8_t *)vq->drv_event;
		va[2] = (uint8_t *)vq->dev_event;
		len[1] = len[2] = 4;
	} else {
		va[0] = (uint8_t *)vq->desc;
		len[0] = 16 * n;
		va[1] = (uint8_t *)vq->avail;
		len[1] = 6 + 2 * n;
		va[2] = (uint8_t *)vq->used;
		len[2] = 6 + 8 * n;
	}
	return 3;
}

/*
 * After a reset was acknowledged: poison the old rings of vqs [@p first,
 * @p first + @p nb), let the link run for --reset-watch-ms and count every
 * byte the device wrote there anyway (and, for whole-device resets, every
 * interrupt). Returns the nanoseconds spent.
 */
static uint64_t
traffic_watch_old_rings(struct traffic_run *r, uint16_t first, uint16_t nb, int irqs)
{
	uint64_t t0 = hostsim_vnet_now_ns(), end, irq0, bad = 0;
	uint8_t *va[3];
	uint32_t len[3], i, k;
	unsigned int a, na;
	uint16_t q;

	if (r->tc->reset_watch_ms == 0)
		return 0;
	for (q = first; q < first + nb; q++) {
		na = traffic_ring_areas(&r->dev.vq[q], va, len);
		for (a = 0; a < na; a++)
			memset(va[a], TRAFFIC_POISON, len[a]);
	}
	irq0 = r->link->msi + r->link->intx;
	end = t0 + (uint64_t)r->tc->reset_watch_ms * 1000000u;
	while (hostsim_vnet_now_ns() < end)
		hostsim_vnet_link_service(r->link);
	for (q = first; q < first + nb; q++) {
		na = traffic_ring_areas(&r->dev.vq[q], va, len);
		for (a = 0; a < na; a++)
			for (i = 0, k = len[a]; i < k; i++)
				bad += va[a][i] != TRAFFIC_POISON;
	}
	if (bad != 0)
		fprintf(stderr, "traffic: %" PRIu64 " bytes of the old rings written after the "
			"reset was acknowledged\n", bad);
	r->writes_after_reset += bad;
	if (irqs && r->link->msi + r->link->intx != irq0) {
		fprintf(stderr, "traffic: interrupts after the reset was acknowledged\n");
		r->irqs_after_reset += r->link->msi + r->link->intx - irq0;
	}
	memset(r->link->pending, 0, sizeof(r->link->pending));
	r->link->any_pending = 0;
	return hostsim_vnet_now_ns() - t0;
}

/* Function Level Reset through the PCI Express capability, then set it up again. */
static int
traffic_flr(struct traffic_run *r)
{
	struct hostsim_enum *e = r->tc->enm;
	struct hostsim_fn *f = r->fn;
	uint16_t exp = hostsim_cap_find(f, HOSTSIM_CAP_EXP);
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000 };
	uint64_t end;
	uint32_t devctl = 0, v = 0;
	int ret;

	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, exp + HOSTSIM_EXP_DEVCTL, 2, &devctl);
	if (ret == 0)
		ret = hostsim_cfg_write(e->host, e->qid, f->bdf, exp + HOSTSIM_EXP_DEVCTL, 2,
					devctl | HOSTSIM_EXP_DEVCTL_FLR);
	if (ret != 0)
		return traffic_stop(r, "FLR: config access failed: %s", strerror(-ret));
	/* Back when the Vendor ID reads again (CRS meanwhile), 1 s at most. */
	end = hostsim_vnet_now_ns() + 1000000000ull;
	for (;;) {
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, HOSTSIM_CFG_VENDOR, &v);
		if (ret == 0 && (v & 0xffff) != 0xffff && (v & 0xffff) != 0 &&
		    (v & 0xffff) != 0x0001)
			break;
		if (ret == -ENOTCONN || hostsim_vnet_now_ns() > end)
			return traffic_stop(r, "FLR: the function did not come back%s", "");
		nanosleep(&ts, NULL);
	}
	ret = hostsim_fn_resetup(e, f);
	if (ret == 0)
		ret = hostsim_vnet_caps_parse(f, &r->dev.caps);
	if (ret != 0)
		return traffic_stop(r, "FLR: set-up after the reset failed: %s", strerror(-ret));
	return 0;
}

/* Buffers of every pair again (host memory was handed out anew). */
static int
traffic_queues_rebuild(struct traffic_run *r)
{
	struct hostsim_vnet *d = &r->dev;
	struct hostsim_vnet_io_conf *io = &r->io;
	uint32_t bufs;
	uint64_t seq, limit;
	uint16_t p;

	bufs = (uint32_t)((sizeof(struct hostsim_vnet_hdr) + io->size_max + io->rx_buf_len - 1) /
			  io->rx_buf_len);
	io->window = r->tc->window != 0 ? r->tc->window : hostsim_vnet_rxq(d, 0)->size / bufs;
	if (io->window == 0)
		io->window = 1;
	if (hostsim_vnet_rx_frame_max(io, hostsim_vnet_has(d, HOSTSIM_VF_MRG_RXBUF),
				      hostsim_vnet_rxq(d, 0)->size) < io->size_max)
		return traffic_stop(r, "re-init: receive buffers too small%s", "");
	for (p = 0; p < r->pairs; p++) {
		seq = r->txq[p].seq;
		limit = r->txq[p].limit;
		hostsim_vnet_txq_fini(&r->txq[p]);
		hostsim_vnet_rxq_fini(&r->rxq[p]);
		if (hostsim_vnet_txq_init(&r->txq[p], d, p, io) != 0 ||
		    hostsim_vnet_rxq_init(&r->rxq[p], d, p, io) != 0)
			return traffic_stop(r, "re-init: host memory too small%s", "");
		r->txq[p].seq = seq;
		r->txq[p].limit = limit;
		hostsim_vnet_rx_refill(&r->rxq[p]);
	}
	return 0;
}

/* Reset both queues of one pair (round robin) and go on. */
static int
traffic_qreset(struct traffic_run *r, uint64_t t0)
{
	struct hostsim_vnet *d = &r->dev;
	uint16_t p = r->qreset_pair;
	uint64_t t_ack, lost;
	int ret;

	r->qreset_pair = (uint16_t)((p + 1) % r->pairs);
	ret = hostsim_vnet_queue_reset(d, hostsim_vnet_rxq(d, p));
	if (ret == 0)
		ret = hostsim_vnet_queue_reset(d, hostsim_vnet_txq(d, p));
	if (ret != 0)
		return traffic_stop(r, "queue reset: %s", d->err);
	t_ack = hostsim_vnet_now_ns();
	/* The queues are enabled again in the same memory: no old rings to watch. */
	lost = hostsim_seq_track_skip(&r->ver.track[p], r->txq[p].seq);
	r->lost_at_reset += lost;
	hostsim_vnet_txq_restart(&r->txq[p]);
	hostsim_vnet_rxq_restart(&r->rxq[p]);
	hostsim_vnet_rx_refill(&r->rxq[p]);
	if (t_ack - t0 > r->ack_max_ns)
		r->ack_max_ns = t_ack - t0;
	if (hostsim_vnet_now_ns() - t0 > r->reinit_max_ns)
		r->reinit_max_ns = hostsim_vnet_now_ns() - t0;
	fprintf(stderr, "traffic: queue reset %" PRIu64 " (pair %u): %.3f ms, lost_at_reset %"
		PRIu64 "\n", r->ev_count[TRAFFIC_EV_QRESET], p, (double)(t_ack - t0) / 1e6, lost);
	return 0;
}

/* One re-initialisation of kind @p ev; 0, or -1 with the run stopped. */
static int
traffic_event(struct traffic_run *r, enum traffic_ev ev)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_vnet *d = &r->dev;
	struct hostsim_vnet_qconf qc;
	uint64_t t0 = hostsim_vnet_now_ns(), t_ack, t_done, watch, lost = 0, want;
	unsigned int vary;
	uint16_t p;
	int ret;

	r->ev_count[ev]++;
	if (ev == TRAFFIC_EV_QRESET)
		return traffic_qreset(r, t0);
	ret = ev == TRAFFIC_EV_FLR ? traffic_flr(r) : hostsim_vnet_reset(d);
	if (ret != 0)
		return traffic_stop(r, "reset: %s", d->err);
	t_ack = hostsim_vnet_now_ns();
	watch = traffic_watch_old_rings(r, 0, d->nb_vqs, 1);
	/* What was in flight is gone: accounted, never seen as loss or corruption. */
	for (p = 0; p < r->pairs; p++)
		lost += hostsim_seq_track_skip(&r->ver.track[p], r->txq[p].seq);
	r->lost_at_reset += lost;
	want = tc->features | (tc->qreset_every ? HOSTSIM_VF(HOSTSIM_VF_RING_RESET) : 0);
	memset(&qc, 0, sizeof(qc));
	qc.pairs = r->pairs;
	qc.queue_size = tc->queue_size;
	qc.max_segs = tc->tx_segs > TRAFFIC_MAX_SEGS_CTRL ? tc->tx_segs : TRAFFIC_MAX_SEGS_CTRL;
	qc.vectors = tc->intx ? 0 : r->fn->msix_programmed;
	if (tc->reinit_vary) {
		/* Cycle: half size, other layout, both, back to what was asked for. */
		vary = ++r->reinits % 4;
		if ((vary & 1) && qc.queue_size >= 128)
			qc.queue_size /= 2;
		if (vary & 2)
			want ^= HOSTSIM_VF(HOSTSIM_VF_RING_PACKED);
	}
	ret = hostsim_vnet_reinit(d, want, &qc);
	if (ret != 0)
		return traffic_stop(r, "re-init: %s", d->err);
	if (traffic_ctrl_cmds(r) != 0 || traffic_queues_rebuild(r) != 0)
		return -1;
	t_done = hostsim_vnet_now_ns();
	if (t_ack - t0 > r->ack_max_ns)
		r->ack_max_ns = t_ack - t0;
	if (t_done - t0 - watch > r->reinit_max_ns)
		r->reinit_max_ns = t_done - t0 - watch;
	fprintf(stderr, "traffic: %s %" PRIu64 ": acknowledged in %.3f ms, re-init %.3f ms "
		"(%s, queue size %u), lost_at_reset %" PRIu64 "\n", traffic_ev_names[ev],
		r->ev_count[ev], (double)(t_ack - t0) / 1e6, (double)(t_done - t0 - watch) / 1e6,
		hostsim_vnet_has(d, HOSTSIM_VF_RING_PACKED) ? "packed" : "split", d->vq[0].size,
		lost);
	return 0;
}

/* What asks for a re-initialisation now: the device, or a count reached. */
static void
traffic_events(struct traffic_run *r)
{
	uint64_t sent;
	unsigned int k;

	if (r->recover) {
		r->recover = 0;
		traffic_event(r, TRAFFIC_EV_NEEDS_RESET);
		return;
	}
	sent = traffic_sent(r);
	for (k = 0; k <= TRAFFIC_EV_QRESET; k++) {
		if (r->ev_every[k] == 0 || sent < r->ev_next[k])
			continue;
		r->ev_next[k] = sent + r->ev_every[k];
		traffic_event(r, (enum traffic_ev)k);
		return;
	}
}

/* Which re-initialisations this device allows; a message for each it does not. */
static void
traffic_events_init(struct traffic_run *r)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_fn *f = r->fn;
	uint16_t exp = hostsim_cap_find(f, HOSTSIM_CAP_EXP);
	unsigned int k;

	r->ev_every[TRAFFIC_EV_RESET] = tc->reset_every;
	r->ev_every[TRAFFIC_EV_FLR] = tc->flr_every;
	r->ev_every[TRAFFIC_EV_QRESET] = tc->qreset_every;
	if (r->icmp != NULL && (tc->reset_every || tc->flr_every || tc->qreset_every)) {
		fprintf(stderr, "traffic: --proto icmp: resets while traffic runs are not "
			"supported, options ignored\n");
		memset(r->ev_every, 0, sizeof(r->ev_every));
	}
	if (r->ev_every[TRAFFIC_EV_FLR] &&
	    (exp == 0 || tc->enm == NULL ||
	     !(hostsim_fn_cfg32(f, exp + HOSTSIM_EXP_DEVCAP) & HOSTSIM_EXP_DEVCAP_FLR))) {
		fprintf(stderr, "traffic: --flr-every skipped: the function does not advertise "
			"FLR\n");
		r->ev_every[TRAFFIC_EV_FLR] = 0;
	}
	if (r->ev_every[TRAFFIC_EV_QRESET] && !hostsim_vnet_has(&r->dev, HOSTSIM_VF_RING_RESET)) {
		fprintf(stderr, "traffic: --qreset-every skipped: RING_RESET not negotiated "
			"(the device does not offer it)\n");
		r->ev_every[TRAFFIC_EV_QRESET] = 0;
	}
	for (k = 0; k <= TRAFFIC_EV_QRESET; k++) {
		r->ev_next[k] = r->ev_every[k];
		r->ev_any |= r->ev_every[k] != 0;
	}
}

/*
 * --survive-device-restart: the device process died. Wait for it to come back
 * on the same socket (hostsim_vnet_restart.c), then recover as from
 * DEVICE_NEEDS_RESET (reset, re-initialise, new rings and buffers). What was
 * in flight is counted apart (lost_restart); a death during the recovery is
 * waited out again. 0 to go on.
 */
static int
traffic_survive(struct traffic_run *r)
{
	struct hostsim_vnet_io_stats s;
	uint64_t before;
	uint8_t st = 0;

	traffic_sum(r, &s);
	if (s.verified > r->rs_verified)
		r->rs.epochs_verified++;
	r->rs_verified = s.verified;
	if (r->t_first == 0)
		r->t_first = r->t0;
	fprintf(stderr, "traffic: device lost, %" PRIu64 " frames verified so far\n",
		s.verified);
	for (;;) {
		if (hostsim_vnet_restart_wait(r->link, r->fn, r->tc->restart_wait_ms, &r->rs,
					      &st) != 0)
			return -1;
		before = r->lost_at_reset;
		r->failed = 0;
		r->why[0] = '\0';
		r->recover = 0;
		(void)traffic_event(r, TRAFFIC_EV_NEEDS_RESET);
		r->rs.lost_in_flight += r->lost_at_reset - before;
		r->lost_at_reset = before;
		if (!r->failed)
			return 0;
		if (tlpsim_host_link_check(r->link->host))
			return -1;	/* failed for another reason: r->why says which */
		fprintf(stderr, "traffic: the device died again during the recovery\n");
		/* Half-built queues of the failed attempt: no old rings to watch. */
		hostsim_vnet_fini(&r->dev);
	}
}

static void
traffic_loop(struct traffic_run *r)
{
	const struct hostsim_traffic_conf *tc = r->tc;
	struct hostsim_vnet_io_stats last;
	uint64_t now, stats_at, last_ns, progress_at, send_end = 0;
	uint64_t drain_ns = (uint64_t)tc->drain_ms * 1000000u;
	int sending = 1;
	unsigned int work;
	const char *broken;
	uint16_t p;

	memset(&last, 0, sizeof(last));
	r->t0 = hostsim_vnet_now_ns();
	last_ns = progress_at = r->t0;
	stats_at = r->t0 + (uint64_t)tc->stats_ms * 1000000u;
	while (!r->failed) {
		work = 0;
		hostsim_vnet_link_service(r->link);
		for (p = 0; p < r->pairs && r->icmp != NULL; p++) {
			if (sending)
				work += hostsim_icmp_tx_burst(r->icmp, &r->txq[p], &r->st[p]);
			work += hostsim_icmp_rx_burst(r->icmp, &r->rxq[p], &r->st[p]);
		}
		for (p = 0; p < r->pairs && r->icmp == NULL; p++) {
			if (sending)
				work += hostsim_vnet_tx_burst(&r->txq[p], &r->ver, &r->st[p]);
			work += hostsim_vnet_rx_burst(&r->rxq[p], &r->ver, &r->st[p]);
		}
		now = hostsim_vnet_now_ns();
		if (work > 0)
			progress_at = now;
		traffic_irqs(r);
		if (r->recover || (sending && r->ev_any))
			traffic_events(r);
		if (r->failed)
			break;
		broken = traffic_broken(r);
		if (broken != NULL) {
			traffic_stop(r, "%s", broken);
			break;
		}
		if (!tlpsim_host_link_up(r->link->host)) {
			if (tc->restart_wait_ms != 0 && traffic_survive(r) == 0) {
				/* --duration counts from the restart; the wait was no stall. */
				r->t0 = progress_at = hostsim_vnet_now_ns();
				continue;
			}
			traffic_stop(r, "link down%s", "");
			break;
		}
		if (sending) {
			int done = 1;

			if (tc->duration_ms != 0)
				done = now - r->t0 >= tc->duration_ms * 1000000u;
			else
				for (p = 0; p < r->pairs; p++)
					done &= r->txq[p].seq >= r->txq[p].limit;
			if (!done && now - progress_at > drain_ns) {
				fprintf(stderr, "traffic: nothing moved for %u ms, stop sending\n",
					tc->drain_ms);
				done = 1;
			}
			if (done) {
				sending = 0;
				send_end = now;
				progress_at = now;
			}
		}
		if (!sending && (traffic_all_back(r) || now - progress_at > drain_ns))
			break;
		if (tc->stats_ms != 0 && now >= stats_at) {
			traffic_live(r, now, &last_ns, &last);
			stats_at = now + (uint64_t)tc->stats_ms * 1000000u;
		}
		if (tc->irq && work == 0)
			traffic_irq_wait(r);
	}
	(void)send_end;
	r->t_end = progress_at > r->t0 ? progress_at : hostsim_vnet_now_ns();
}

static void
traffic_summary(struct traffic_run *r)
{
	struct hostsim_vnet_io_stats s;
	struct hostsim_vnet *d = &r->dev;
	double secs = (double)(r->t_end - r->t0) / 1e9;
	uint64_t lost, kicks = 0, suppressed = 0;
	uint16_t i;
	uint8_t st = 0;

	traffic_sum(r, &s);
	lost = s.tx_frames > s.verified + r->lost_at_reset ?
		s.tx_frames - s.verified - r->lost_at_reset : 0;
	/* Frames in flight when the device died are counted apart. */
	lost -= lost >= r->rs.lost_in_flight ? r->rs.lost_in_flight : lost;
	if (r->t_first != 0)
		secs = (double)(r->t_end - r->t_first) / 1e9;
	if (r->dev.vq != NULL)
		for (i = 0; i < d->nb_vqs; i++) {
			kicks += d->vq[i].kicks;
			suppressed += d->vq[i].kicks_suppressed;
		}
	if (secs <= 0)
		secs = 1e-9;
	printf("sent=%" PRIu64 "\n", s.tx_frames);
	printf("received=%" PRIu64 "\n", s.rx_frames);
	printf("verified=%" PRIu64 "\n", s.verified);
	printf("verify=%s\n", r->ver.gen.hdr_only ? "header" : "full");
	printf("lost=%" PRIu64 "\n", lost);
	printf("corrupt=%" PRIu64 "\n", s.corrupt);
	printf("duplicate=%" PRIu64 "\n", s.duplicate);
	printf("reordered=%" PRIu64 "\n", s.reordered);
	printf("rx_errors=%" PRIu64 "\n", s.rx_bad_len + s.rx_bad_num_buffers + s.rx_bad_hdr);
	printf("rx_merged=%" PRIu64 "\n", s.rx_merged);
	printf("seconds=%.3f\n", secs);
	printf("mpps=%.3f\n", (double)s.rx_frames / secs / 1e6);
	printf("gbps=%.3f\n", (double)(s.rx_bytes + 4 * s.rx_frames) * 8 / secs / 1e9);
	printf("tx_mpps=%.3f\n", (double)s.tx_frames / secs / 1e6);
	printf("notifies=%" PRIu64 "\nnotifies_suppressed=%" PRIu64 "\n", kicks, suppressed);
	printf("interrupts=%" PRIu64 "\nirq_waits=%" PRIu64 "\nconfig_changes=%" PRIu64 "\n",
	       r->link->msi + r->link->intx, r->irq_waits, r->config_irqs);
	if (d->caps.common.len != 0 && hostsim_vnet_status(d, &st) == 0) {
		printf("device_status=0x%02x\n", st);
		if (st & HOSTSIM_VSTAT_NEEDS_RESET)
			r->needs_reset = 1;
	} else {
		printf("device_status=unknown\n");
	}
	printf("device_needs_reset=%u\n", r->needs_reset);
	if (r->tc->restart_wait_ms != 0)
		hostsim_vnet_restart_summary(&r->rs);
	printf("resets=%" PRIu64 "\nflrs=%" PRIu64 "\nqueue_resets=%" PRIu64
	       "\nneeds_reset_recoveries=%" PRIu64 "\n", r->ev_count[TRAFFIC_EV_RESET],
	       r->ev_count[TRAFFIC_EV_FLR], r->ev_count[TRAFFIC_EV_QRESET],
	       r->ev_count[TRAFFIC_EV_NEEDS_RESET]);
	printf("lost_at_reset=%" PRIu64 "\n", r->lost_at_reset);
	printf("reset_ack_max_ms=%.3f\nreset_max_ms=%.3f\n", (double)r->ack_max_ns / 1e6,
	       (double)r->reinit_max_ns / 1e6);
	printf("writes_after_reset=%" PRIu64 "\nirqs_after_reset=%" PRIu64 "\n",
	       r->writes_after_reset, r->irqs_after_reset);
	if (r->icmp != NULL && hostsim_icmp_summary(r->icmp, stdout) != 0)
		r->failed = 1;
	if (r->why[0] != '\0')
		printf("error=%s\n", r->why);
	if (r->writes_after_reset != 0 || r->irqs_after_reset != 0)
		r->failed = 1;
	if (s.corrupt != 0 || s.duplicate != 0 || s.reordered != 0 || r->needs_reset ||
	    (lost != 0 && !r->tc->allow_loss) || s.rx_bad_len + s.rx_bad_num_buffers != 0)
		r->failed = 1;
	printf("result=%s\n", r->failed ? "fail" : "ok");
}

/* Free what one run set up: queues, verifier, driver state. */
static void
traffic_teardown(struct traffic_run *r)
{
	uint16_t p;

	for (p = 0; p < r->pairs; p++) {
		if (r->txq != NULL)
			hostsim_vnet_txq_fini(&r->txq[p]);
		if (r->rxq != NULL)
			hostsim_vnet_rxq_fini(&r->rxq[p]);
	}
	free(r->txq);
	free(r->rxq);
	free(r->st);
	if (r->icmp != NULL)
		hostsim_icmp_fini(r->icmp);
	free(r->icmp);
	hostsim_vnet_verifier_fini(&r->ver);
	hostsim_vnet_fini(&r->dev);
	r->txq = NULL;
	r->rxq = NULL;
	r->st = NULL;
	r->icmp = NULL;
	r->pairs = 0;
	memset(&r->ver, 0, sizeof(r->ver));
}

int
hostsim_traffic_drive(struct hostsim_vnet_link *link, const struct hostsim_opts *o,
		      struct hostsim_fn *f, const struct hostsim_traffic_conf *tc)
{
	struct traffic_run *r;
	int ret, up;

	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		fprintf(stderr, "traffic: out of memory\n");
		return 1;
	}
	r->link = link;
	r->tc = tc;
	r->fn = f;
	up = traffic_bringup(r, o, f) == 0 && traffic_queues_init(r) == 0;
	if (up) {
		traffic_events_init(r);
		traffic_loop(r);
	}
	if (!up && r->dev.err[0] != '\0' && strstr(r->why, r->dev.err) == NULL)
		fprintf(stderr, "traffic: %s\n", r->dev.err);
	if (r->why[0] != '\0')
		fprintf(stderr, "traffic: %s\n", r->why);
	traffic_summary(r);
	/* Stop the device before the buffers go away. */
	if (r->dev.caps.common.len != 0)
		hostsim_vnet_reset(&r->dev);
	ret = r->failed ? 1 : 0;
	traffic_teardown(r);
	free(r);
	return ret;
}
