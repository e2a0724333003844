/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * libFuzzer target for the virtio-net data path (virtio_emu_net_rxtx.c and
 * the fused / batched bursts of virtio_emu_vq_fast_*.c): a host TX queue
 * (virtio_emu_net_dequeue_burst(): host frames to mbufs) and a host RX queue
 * (virtio_emu_net_enqueue_burst(): mbufs to host buffers) over one
 * fuzzer-controlled host memory image, reached through the direct mapping
 * (fused fast path) or through caller memory operations (batched path).
 *
 * Input (missing bytes read as 0):
 *   header, 8 bytes:
 *     [0] bit 0 packed, bit 1 memory operations instead of the mapping,
 *         bit 2 kicks enabled, bits 3-5 rounds - 1, bit 6 keep dequeued
 *         mbufs until the end (mempool exhaustion)
 *     [1] queue size: split 2 << (v % 8), packed 1 + v
 *     [2] features: EVENT_IDX, INDIRECT_DESC, IN_ORDER, MRG_RXBUF, CSUM,
 *         GUEST_CSUM, HOST_TSO4/6, GUEST_TSO4/6 (bits 0-7)
 *     [3] bit 0 HOST_ECN, bit 1 no HOST_TSO6, bit 2 no GUEST_TSO6,
 *         bits 4-7 max_chain_descs (0: queue size)
 *     [4] MTU: 0 default, else 68 + (v - 1) * 36
 *     [5] max_chain_bytes / 256 (0: no limit)
 *     [6..7] seed of the packet bytes
 *   per round, 16 bytes:
 *     [0] dequeue burst size
 *     [1] bits 0-5 enqueue burst size, bit 6 enqueue first, bit 7 bus
 *         mastering off for this round
 *     [2..3] packet length base, [4] length step,
 *     [5] bits 0-2 length span 64 << v (7: 70000), bits 3-4 extra
 *         segments, bit 5 small-room pool, bit 6 toggle kicks
 *     [6] offloads: bits 0-1 L4 checksum (none, TCP, SCTP, UDP), bit 2
 *         TCP_SEG, bit 3 RX_L4_CKSUM_GOOD, bit 4 IPV6, bit 5 an extra
 *         reference held by the caller, bit 6 an indirect mbuf (clone),
 *         bit 7 offloads on odd packets only
 *     [7] l2/l3 lengths and tso_segsz
 *     [8..15] two patches of host memory (offset le16, 2 bytes) applied
 *         after the round: the driver moves
 *   then the host memory image (FN_MEM bytes at most): TX queue rings at
 *   0x0000 (descriptors), 0x1000 (driver area), 0x1400 (device area), RX
 *   queue rings at 0x2000, 0x3000, 0x3400; buffers anywhere.
 *
 * Invariants (abort() when broken): every dequeued mbuf is sane (segments
 * consistent, pkt_len the sum of data_len, at least an Ethernet header and
 * at most the MTU frame or the GSO limit, only the documented offload
 * flags); bursts return at most what was asked; nothing stays in flight
 * after a burst unless kept for merging; no byte outside the granted memory
 * changes (guard areas on both sides); after the queues are freed every
 * mbuf is back in the pools.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <virtio_emu_net_regs.h>
#include <virtio_emu_net_rxtx.h>
#include <virtio_emu_vq.h>
#include "virtio_emu_vq_fast.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FN_MEM		0x10000u	/* bytes of granted host memory */
#define FN_GUARD	0x1000u		/* guard bytes on each side */
#define FN_GUARD_VAL	0xa5
#define FN_BASE		0x40000000ull	/* bus address of the granted memory */
#define FN_TX_RING	0x0000u
#define FN_RX_RING	0x2000u
#define FN_DRIVER	0x1000u		/* from a queue's descriptor area */
#define FN_DEVICE	0x1400u
#define FN_HDR		8u
#define FN_ROUND	16u
#define FN_HOLD_MAX	4096u
#define FN_POOL_N	1535u
#define FN_GSO_MAX	(65535u + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)

static uint8_t *fn_alloc;	/* guard, granted memory, guard */
static uint8_t *fn_mem;
static struct rte_mempool *fn_mp;	/* default data room; the TX queue's pool */
static struct rte_mempool *fn_mp_small;	/* 256-byte data room, for enqueue */
static bool fn_dma_on;
static unsigned int fn_notifies;
static struct rte_mbuf *fn_hold[FN_HOLD_MAX];
static unsigned int fn_nb_hold;

static void
fn_fail(const char *what, long v)
{
	fprintf(stderr, "fuzz_vemu_net: %s (%ld)\n", what, v);
	abort();
}

static bool
fn_in(uint64_t addr, uint32_t len)
{
	return addr >= FN_BASE && addr - FN_BASE <= FN_MEM && len <= FN_MEM - (addr - FN_BASE);
}

static int
fn_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	RTE_SET_USED(ctx);
	if (!fn_in(addr, len))
		return -14;
	memcpy(buf, fn_mem + (addr - FN_BASE), len);
	return 0;
}

static int
fn_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	RTE_SET_USED(ctx);
	if (!fn_in(addr, len))
		return -14;
	memcpy(fn_mem + (addr - FN_BASE), buf, len);
	return 0;
}

static const struct virtio_emu_vq_mem_ops fn_ops = { fn_read, fn_write };

static bool
fn_dma_allowed(void *arg)
{
	RTE_SET_USED(arg);
	return fn_dma_on;
}

static void
fn_notify(void *arg)
{
	RTE_SET_USED(arg);
	fn_notifies++;
}

static void
fn_check_guards(void)
{
	unsigned int i;

	for (i = 0; i < FN_GUARD; i++) {
		if (fn_alloc[i] != FN_GUARD_VAL)
			fn_fail("write below granted memory", (long)i - FN_GUARD);
		if (fn_alloc[FN_GUARD + FN_MEM + i] != FN_GUARD_VAL)
			fn_fail("write above granted memory", (long)i);
	}
}

static unsigned int
fn_in_use(void)
{
	return rte_mempool_in_use_count(fn_mp) + rte_mempool_in_use_count(fn_mp_small);
}

/* A dequeued mbuf: sane, from the queue's pool, a frame the queue may give. */
static void
fn_check_mbuf(const struct rte_mbuf *m, uint32_t max_frame)
{
	const uint64_t ol_ok = RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO;
	const struct rte_mbuf *s;
	const char *reason = NULL;
	uint32_t sum = 0;
	unsigned int nseg = 0;

	if (m == NULL)
		fn_fail("NULL mbuf", 0);
	if (rte_mbuf_check(m, 1, &reason) != 0)
		fn_fail(reason != NULL ? reason : "rte_mbuf_check", 0);
	if (m->pool != fn_mp || rte_mbuf_refcnt_read(m) != 1 || !RTE_MBUF_DIRECT(m))
		fn_fail("mbuf not a fresh direct mbuf of the pool", m->refcnt);
	for (s = m; s != NULL; s = s->next) {
		if (++nseg > m->nb_segs)
			fn_fail("more segments than nb_segs", m->nb_segs);
		if ((uint32_t)s->data_off + s->data_len > s->buf_len)
			fn_fail("segment data past its buffer", s->data_len);
		if (s != m && (s->pool != fn_mp || rte_mbuf_refcnt_read(s) != 1))
			fn_fail("bad segment", 0);
		sum += s->data_len;
	}
	if (nseg != m->nb_segs || nseg == 0)
		fn_fail("nb_segs", m->nb_segs);
	if (sum != m->pkt_len)
		fn_fail("pkt_len is not the sum of data_len", (long)m->pkt_len - (long)sum);
	if (m->pkt_len < RTE_ETHER_HDR_LEN)
		fn_fail("runt frame given", m->pkt_len);
	if ((m->ol_flags & ~ol_ok) != 0)
		fn_fail("unexpected offload flags", (long)(m->ol_flags >> 32));
	if (m->pkt_len > ((m->ol_flags & RTE_MBUF_F_RX_LRO) ? FN_GSO_MAX : max_frame))
		fn_fail("frame above the limit", m->pkt_len);
	if ((m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz == 0)
		fn_fail("GSO without a segment size", 0);
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE &&
	    (m->l2_len != RTE_ETHER_HDR_LEN || (uint32_t)m->l2_len + m->l3_len + 2 > m->pkt_len))
		fn_fail("checksum offsets outside the frame", m->l3_len);
}

/* Nothing may stay in flight after a burst, except chains kept for merging. */
static void
fn_check_flight(const struct virtio_emu_net_q *q, const struct virtio_emu_vq *vq)
{
	if (virtio_emu_vq_broken(vq) != VIRTIO_EMU_VQ_OK)
		return;
	if (virtio_emu_vq_inflight(vq) != (q != NULL ? q->nb_stash : 0))
		fn_fail("chains left in flight", virtio_emu_vq_inflight(vq));
}

/* One packet for enqueue, as the round's record describes it. */
static struct rte_mbuf *
fn_make_pkt(const uint8_t *r, unsigned int i, uint16_t seed)
{
	static const uint32_t spans[8] = { 64, 128, 256, 512, 1024, 2048, 8192, 70000 };
	struct rte_mempool *mp = (r[5] & 0x20) ? fn_mp_small : fn_mp;
	uint32_t len = ((uint32_t)(r[2] | r[3] << 8) + i * r[4]) % spans[r[5] & 7];
	uint32_t room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	unsigned int nseg = 1 + ((r[5] >> 3) & 3), k;
	struct rte_mbuf *head = NULL, *m;
	uint32_t left = len, per;
	uint8_t ol = r[6];

	if (nseg < (len + room - 1) / room)
		nseg = (len + room - 1) / room;
	per = nseg > 1 ? (len + nseg - 1) / nseg : len;
	for (k = 0; k < nseg; k++) {
		uint32_t n = RTE_MIN(per, left), b;
		uint8_t *p;

		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)n);
		if (p == NULL)
			fn_fail("append", n);
		for (b = 0; b < n; b++)
			p[b] = (uint8_t)(seed + i + len - left + b);
		left -= n;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			fn_fail("chain", k);
	}
	if (!(ol & 0x80) || (i & 1)) {
		static const uint64_t l4[4] = { 0, RTE_MBUF_F_TX_TCP_CKSUM,
			RTE_MBUF_F_TX_SCTP_CKSUM, RTE_MBUF_F_TX_UDP_CKSUM };

		head->ol_flags |= l4[ol & 3];
		if (ol & 4)
			head->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		if (ol & 8)
			head->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		head->ol_flags |= (ol & 0x10) ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4;
		head->l2_len = (uint8_t)(RTE_ETHER_HDR_LEN + (r[7] & 3) * 4);
		head->l3_len = (uint16_t)(20 + (r[7] >> 2) * 4);
		head->l4_len = 20;
		head->tso_segsz = (uint16_t)(r[7] * 8);
	}
	if (ol & 0x40) {
		/* The queue gets an indirect mbuf; the direct one is released. */
		m = rte_pktmbuf_clone(head, mp);
		rte_pktmbuf_free(head);
		head = m;
	}
	return head;
}

/* Enqueue one burst; the packets the queue leaves are the caller's (freed). */
static void
fn_enqueue(struct virtio_emu_net_q *q, struct virtio_emu_vq *vq, const uint8_t *r, uint16_t seed)
{
	struct rte_mbuf *pkts[64], *extra[64];
	unsigned int n = r[1] & 0x3f, i, got = 0;
	uint16_t taken;

	for (i = 0; i < n; i++) {
		pkts[got] = fn_make_pkt(r, i, seed);
		if (pkts[got] == NULL)
			break;
		extra[got] = NULL;
		if (r[6] & 0x20) {
			rte_pktmbuf_refcnt_update(pkts[got], 1);	/* every segment */
			extra[got] = pkts[got];
		}
		got++;
	}
	taken = virtio_emu_net_enqueue_burst(q, pkts, (uint16_t)got);
	if (taken > got)
		fn_fail("enqueue took more than given", taken);
	fn_check_guards();
	fn_check_flight(q, vq);
	for (i = taken; i < got; i++)
		rte_pktmbuf_free(pkts[i]);
	for (i = 0; i < got; i++)
		if (extra[i] != NULL) {
			if (i < taken && rte_mbuf_refcnt_read(extra[i]) != 1)
				fn_fail("queue kept a reference", i);
			rte_pktmbuf_free(extra[i]);
		}
}

static void
fn_dequeue(struct virtio_emu_net_q *q, struct virtio_emu_vq *vq, unsigned int n, bool hold,
	   uint32_t max_frame)
{
	struct rte_mbuf *pkts[256];
	struct virtio_emu_net_q_stats before, after;
	uint16_t got, i;

	virtio_emu_net_q_stats_get(q, &before);
	memset(pkts, 0, sizeof(pkts));
	got = virtio_emu_net_dequeue_burst(q, pkts, (uint16_t)n);
	if (got > n)
		fn_fail("dequeue gave more than asked", got);
	virtio_emu_net_q_stats_get(q, &after);
	if (after.packets - before.packets != got)
		fn_fail("packets counter", (long)(after.packets - before.packets));
	fn_check_guards();
	fn_check_flight(q, vq);
	for (i = 0; i < got; i++) {
		fn_check_mbuf(pkts[i], max_frame);
		if (hold && fn_nb_hold < FN_HOLD_MAX)
			fn_hold[fn_nb_hold++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
}

/* Seed authoring (FUZZ_VEMU_NET_VERBOSE set): what the input reached. */
static void
fn_print(const char *name, const struct virtio_emu_net_q *q, const struct virtio_emu_vq *vq)
{
	struct virtio_emu_net_q_stats qs;
	struct virtio_emu_vq_stats vs;

	virtio_emu_net_q_stats_get(q, &qs);
	virtio_emu_vq_stats_get(vq, &vs);
	fprintf(stderr, "%s: packets %" PRIu64 " bytes %" PRIu64 " dropped %" PRIu64
		" notifies %" PRIu64 "; vq chains %" PRIu64 " used %" PRIu64 " dropped %" PRIu64
		" broken %s\n", name, qs.packets, qs.bytes, qs.dropped, qs.notifies, vs.chains,
		vs.used, vs.dropped, virtio_emu_vq_broken_name((unsigned int)vs.broken));
}

static struct virtio_emu_vq *
fn_vq(const struct virtio_emu_vq_conf *base, uint32_t ring, const struct tlpdev_mem_region *r)
{
	struct virtio_emu_vq_conf c = *base;

	c.desc_addr = FN_BASE + ring;
	c.driver_addr = FN_BASE + ring + FN_DRIVER;
	c.device_addr = FN_BASE + ring + FN_DEVICE;
	if (r != NULL) {
		c.regions = r;
		c.nb_regions = 1;
	} else {
		c.mem_ops = &fn_ops;
	}
	return virtio_emu_vq_create(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t h[FN_HDR] = { 0 };
	struct tlpdev_mem_region region = { FN_BASE, FN_MEM, NULL };
	struct virtio_emu_vq_conf vc;
	struct virtio_emu_net_q_conf qc;
	struct virtio_emu_vq *txvq, *rxvq;
	struct virtio_emu_net_q *txq, *rxq;
	const uint8_t *script;
	unsigned int rounds, k, i;
	uint32_t max_frame;
	uint64_t f = UINT64_C(1) << VIRTIO_F_VERSION_1;
	bool packed, kicks;
	uint16_t seed;
	size_t img;

	if (fn_in_use() != 0)
		fn_fail("mbufs in use before the input", fn_in_use());
	memcpy(h, data, RTE_MIN(size, (size_t)FN_HDR));
	packed = h[0] & 1;
	kicks = (h[0] & 4) != 0;
	rounds = 1 + ((h[0] >> 3) & 7);
	if (size < FN_HDR + (size_t)rounds * FN_ROUND)
		return 0;
	script = data + FN_HDR;
	img = RTE_MIN(size - FN_HDR - rounds * FN_ROUND, (size_t)FN_MEM);
	memset(fn_mem, 0, FN_MEM);
	memcpy(fn_mem, script + rounds * FN_ROUND, img);
	seed = (uint16_t)(h[6] | h[7] << 8);

	if (packed)
		f |= UINT64_C(1) << VIRTIO_F_RING_PACKED;
	if (h[2] & 1)
		f |= UINT64_C(1) << VIRTIO_F_EVENT_IDX;
	if (h[2] & 2)
		f |= UINT64_C(1) << VIRTIO_F_INDIRECT_DESC;
	if (h[2] & 4)
		f |= UINT64_C(1) << VIRTIO_F_IN_ORDER;
	if (h[2] & 8)
		f |= UINT64_C(1) << VIRTIO_NET_F_MRG_RXBUF;
	if (h[2] & 0x10)
		f |= UINT64_C(1) << VIRTIO_NET_F_CSUM;
	if (h[2] & 0x20)
		f |= UINT64_C(1) << VIRTIO_NET_F_GUEST_CSUM;
	if (h[2] & 0x40)
		f |= UINT64_C(1) << VIRTIO_NET_F_HOST_TSO4 |
			(h[3] & 2 ? 0 : UINT64_C(1) << VIRTIO_NET_F_HOST_TSO6);
	if (h[2] & 0x80)
		f |= UINT64_C(1) << VIRTIO_NET_F_GUEST_TSO4 |
			(h[3] & 4 ? 0 : UINT64_C(1) << VIRTIO_NET_F_GUEST_TSO6);
	if (h[3] & 1)
		f |= UINT64_C(1) << VIRTIO_NET_F_HOST_ECN;

	memset(&vc, 0, sizeof(vc));
	vc.size = packed ? (uint16_t)(1 + h[1]) : (uint16_t)(2u << (h[1] % 8));
	vc.features = f;
	vc.max_chain_descs = (uint16_t)(h[3] >> 4);
	vc.max_chain_bytes = (uint32_t)h[5] * 256;
	vc.dma_allowed = fn_dma_allowed;
	region.va = fn_mem;
	fn_dma_on = true;
	vc.index = 1;
	txvq = fn_vq(&vc, FN_TX_RING, (h[0] & 2) ? NULL : &region);
	vc.index = 0;
	rxvq = fn_vq(&vc, FN_RX_RING, (h[0] & 2) ? NULL : &region);
	if (txvq == NULL || rxvq == NULL)
		fn_fail("vq create", vc.size);

	memset(&qc, 0, sizeof(qc));
	qc.features = f;
	qc.mtu = (uint16_t)(h[4] == 0 ? 0 : 68 + (h[4] - 1) * 36);
	qc.notify = fn_notify;
	qc.vq = txvq;
	qc.mp = fn_mp;
	txq = virtio_emu_net_q_create(&qc);
	qc.vq = rxvq;
	qc.mp = NULL;
	rxq = virtio_emu_net_q_create(&qc);
	if (txq == NULL || rxq == NULL)
		fn_fail("queue create", 0);
	max_frame = (qc.mtu != 0 ? qc.mtu : RTE_ETHER_MTU) + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	virtio_emu_vq_notify_enable(txvq, kicks);
	virtio_emu_vq_notify_enable(rxvq, kicks);

	fn_nb_hold = 0;
	for (k = 0; k < rounds; k++) {
		const uint8_t *r = script + k * FN_ROUND;

		fn_dma_on = !(r[1] & 0x80);
		if (r[5] & 0x40) {
			kicks = !kicks;
			virtio_emu_vq_notify_enable(txvq, kicks);
			virtio_emu_vq_notify_enable(rxvq, kicks);
		}
		if (r[1] & 0x40)
			fn_enqueue(rxq, rxvq, r, seed);
		fn_dequeue(txq, txvq, r[0], (h[0] & 0x40) != 0, max_frame);
		if (!(r[1] & 0x40))
			fn_enqueue(rxq, rxvq, r, seed);
		fn_check_guards();
		/* The driver moves. */
		for (i = 0; i < 2; i++) {
			uint16_t off = (uint16_t)(r[8 + 4 * i] | r[9 + 4 * i] << 8);

			fn_mem[off % FN_MEM] = r[10 + 4 * i];
			fn_mem[(off + 1u) % FN_MEM] = r[11 + 4 * i];
		}
	}
	fn_dma_on = true;
	if (getenv("FUZZ_VEMU_NET_VERBOSE") != NULL) {
		fn_print("tx", txq, txvq);
		fn_print("rx", rxq, rxvq);
	}
	virtio_emu_net_q_free(txq);
	virtio_emu_net_q_free(rxq);
	fn_check_flight(NULL, txvq);
	fn_check_flight(NULL, rxvq);
	fn_check_guards();
	virtio_emu_vq_free(txvq);
	virtio_emu_vq_free(rxvq);
	for (i = 0; i < fn_nb_hold; i++)
		rte_pktmbuf_free(fn_hold[i]);
	fn_nb_hold = 0;
	if (fn_in_use() != 0)
		fn_fail("mbufs leaked", fn_in_use());
	return 0;
}

static void
fn_eal_cleanup(void)
{
	rte_mempool_free(fn_mp);
	rte_mempool_free(fn_mp_small);
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	static char prefix[64];
	char *eal_argv[] = {
		(char *)(uintptr_t)"fuzz_vemu_net", (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"256",
		(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
		(char *)(uintptr_t)"--no-telemetry", (char *)(uintptr_t)"--log-level=*:error",
		prefix, NULL,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz-vemu-net-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0)
		fn_fail("rte_eal_init", 0);
	/* Nothing lives in EAL's runtime directory (no shconf, no telemetry). */
	rmdir(rte_eal_get_runtime_dir());
	atexit(fn_eal_cleanup);
	rte_log_set_level_pattern("lib.virtio_emu.*", RTE_LOG_CRIT);
	fn_mp = rte_pktmbuf_pool_create("fn_mp", FN_POOL_N, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					SOCKET_ID_ANY);
	fn_mp_small = rte_pktmbuf_pool_create("fn_mp_small", FN_POOL_N, 0, 0,
					      RTE_PKTMBUF_HEADROOM + 256, SOCKET_ID_ANY);
	fn_alloc = malloc(FN_MEM + 2 * FN_GUARD);
	if (fn_mp == NULL || fn_mp_small == NULL || fn_alloc == NULL)
		fn_fail("setup", 0);
	memset(fn_alloc, FN_GUARD_VAL, FN_MEM + 2 * FN_GUARD);
	fn_mem = fn_alloc + FN_GUARD;
	return 0;
}
