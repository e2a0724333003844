/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_VQ_FAST_H
#define VIRTIO_EMU_VQ_FAST_H

/*
 * Fused direct-path bursts of the virtio-net data path (internal, never
 * installed): when host memory is mapped, the ring is walked, the packets
 * copied and the used entries written in place in one loop per layout
 * (virtio_emu_vq_fast_split.c, virtio_emu_vq_fast_packed.c), without chain
 * structures or a used array. The common case (one descriptor in the first
 * region, a plain header, one mbuf) is handled inline; any other chain is
 * built by the generic walkers from the fields already read and handed to
 * the generic per-packet code (virtio_emu_net_rxtx.c), its used entry still
 * written in ring order.
 */

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "virtio_emu_net_regs.h"
#include "virtio_emu_net_rxtx.h"
#include "virtio_emu_vq_private.h"

#define VEMU_NET_HDR		((uint32_t)sizeof(struct virtio_net_hdr_v1))
/* Segments the merge stash keeps for chains carried to the next burst. */
#define VEMU_NET_STASH_SEGS	1024u

struct virtio_emu_net_q {
	/* Hot, read by every burst. */
	struct virtio_emu_vq *vq;
	struct rte_mempool *mp;
	uint64_t mbuf_rearm;	/* data_off, refcnt 1, nb_segs 1, port: a fresh mbuf */
	uint64_t mbuf_ol_keep;	/* ol_flags a fresh mbuf keeps: EXTERNAL (pinned pools) */
	uint32_t mbuf_room;	/* data room after the headroom */
	uint32_t max_frame;
	uint8_t f_mrg;
	uint8_t f_csum;
	uint8_t f_host_tso4;
	uint8_t f_host_tso6;
	uint8_t f_host_ecn;
	uint8_t f_guest_csum;
	uint8_t f_guest_tso4;
	uint8_t f_guest_tso6;
	uint32_t rx_buf_hint;	/* writable bytes of a recent RX chain */
	uint16_t nb_stash;
	uint8_t stash_sel;	/* which half of stash_segs the stash uses */
	void (*notify)(void *arg);
	void *notify_arg;
	struct virtio_emu_net_q_stats stats;
	/* MRG_RXBUF: chains popped but not used yet, carried to the next burst. */
	struct virtio_emu_vq_chain stash[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_seg stash_segs[2][VEMU_NET_STASH_SEGS];
};

/* The fused path applies: mapped memory, nothing in flight, nothing pending. */
static inline bool
vemu_fast_ok(const struct virtio_emu_vq *vq)
{
	return vq->direct && vq->broken == VIRTIO_EMU_VQ_OK && vq->inflight == 0 &&
		vq->nb_bad == 0 && vemu_dma_ok(vq);
}

static inline void
vemu_net_drop(struct virtio_emu_net_q *q, unsigned int reason)
{
	q->stats.drops[reason]++;
	q->stats.dropped++;
}

/* Count a chain the engine drops (the fused paths return it in place). */
static inline void
vemu_fast_vq_drop(struct virtio_emu_vq *vq, int res)
{
	vq->stats.drops[res - 1]++;
	vq->stats.dropped++;
}

_Static_assert(offsetof(struct rte_mbuf, pkt_len) ==
	       offsetof(struct rte_mbuf, rx_descriptor_fields1) + 4, "mbuf pkt_len");
_Static_assert(offsetof(struct rte_mbuf, vlan_tci) == offsetof(struct rte_mbuf, data_len) + 2,
	       "mbuf vlan_tci");
_Static_assert(offsetof(struct rte_mbuf, nb_segs) == offsetof(struct rte_mbuf, refcnt) + 2,
	       "mbuf nb_segs");

/*
 * A fresh mbuf of the queue's pool taken with rte_mempool_get_bulk(): the
 * fields rte_pktmbuf_reset() sets, for a one-segment frame of @p len bytes
 * (@p rearm, @p ol_keep: the queue's mbuf_rearm and mbuf_ol_keep, in locals).
 * A pool mbuf has refcnt 1, one segment and no next (the mbuf library's
 * contract for raw mbufs, as rte_mbuf_raw_alloc() checks).
 */
static __rte_always_inline void
vemu_fast_mbuf_init(uint64_t rearm, uint64_t ol_keep, struct rte_mbuf *m, uint32_t len)
{
	memcpy((uint8_t *)m + offsetof(struct rte_mbuf, rearm_data), &rearm, sizeof(rearm));
	m->ol_flags = ol_keep == 0 ? 0 : m->ol_flags & ol_keep;
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	{
		uint64_t f1 = (uint64_t)len << 32;	/* packet_type 0, pkt_len */
		uint32_t f2 = len;			/* data_len, vlan_tci 0 */

		memcpy((uint8_t *)m + offsetof(struct rte_mbuf, rx_descriptor_fields1), &f1,
		       sizeof(f1));
		memcpy((uint8_t *)m + offsetof(struct rte_mbuf, data_len), &f2, sizeof(f2));
	}
#else
	m->packet_type = 0;
	m->pkt_len = len;
	m->data_len = (uint16_t)len;
	m->vlan_tci = 0;
#endif
	m->vlan_tci_outer = 0;
	m->tx_offload = 0;
}

/* Frames out of the small range: rte_memcpy() (virtio_emu_net_rxtx.c). */
void vemu_fast_copy_big(void *dst, const void *src, uint32_t n);

/*
 * Copy of a frame: 32 to 64 bytes (small frames) as two overlapping 32-byte
 * moves, anything else with rte_memcpy(). Source and destination are apart.
 */
static __rte_always_inline void
vemu_fast_copy(void *dst, const void *src, uint32_t n)
{
	if (likely(n - 32u <= 32u)) {
		memcpy(dst, src, 32);
		memcpy((uint8_t *)dst + n - 32, (const uint8_t *)src + n - 32, 32);
	} else {
		vemu_fast_copy_big(dst, src, n);
	}
}

/* Refcnt 1 and one segment, in one load (refcnt and nb_segs are adjacent). */
static __rte_always_inline bool
vemu_fast_mbuf_single(const struct rte_mbuf *m)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)m + offsetof(struct rte_mbuf, refcnt), sizeof(v));
	return v == (1u | 1u << 16);
}

/* Offloads and mbuf kinds the enqueue fast case leaves to the generic code. */
#define VEMU_FAST_RX_OL	(RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG | \
			 RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)

/* virtio_emu_net_rxtx.c: the generic per-packet steps, for chains off the fast case. */
/* Dequeue one chain into fresh @p m; 0 or a net drop reason + 1. */
int vemu_net_tx_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c,
		    struct rte_mbuf *m);
/* Enqueue @p m into one chain (no merging); used length, 0 when dropped (counted). */
uint32_t vemu_net_rx_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c,
			 const struct rte_mbuf *m, uint64_t *bytes);
/* Header checks and offload mapping of dequeue (a local copy); 0 or a drop reason + 1. */
int vemu_net_tx_hdr(struct virtio_emu_net_q *q, const struct virtio_net_hdr_v1 *h,
		    uint32_t plen, struct rte_mbuf *m);
/* Header of enqueue without merging (num_buffers 1). */
void vemu_net_rx_hdr(const struct virtio_emu_net_q *q, const struct rte_mbuf *m,
		     struct virtio_net_hdr_v1 *h);
/* Free the taken mbufs of a burst (one mempool put for the plain ones). */
void vemu_net_free_burst(struct rte_mbuf **pkts, uint16_t n);
/* MRG_RXBUF: keep chain @p c (in flight) for the generic merge path. */
void vemu_net_stash_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c);
/* The generic bursts (no notification decision). */
uint16_t vemu_net_deq_generic(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vemu_net_enq_generic(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);

/* virtio_emu_vq_split.c: chain with NEXT or INDIRECT at head descriptor @p d (flags @p fl). */
int vemu_split_chain_multi(struct virtio_emu_vq *vq, const struct vring_desc *d, uint16_t fl,
			   struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *sg);
void vemu_split_avail_event(struct virtio_emu_vq *vq);

/* Outcome of one packed chain walk. */
struct packed_walk {
	int res;		/* VEMU_CHAIN_* or a negative broken reason */
	uint16_t id;
	uint16_t nd;		/* ring descriptors */
	uint16_t p;		/* position after the chain */
	uint8_t w;		/* wrap after the chain */
};

/* virtio_emu_vq_packed.c: chain with NEXT or INDIRECT at position @p p, wrap @p w. */
void vemu_packed_chain_multi(struct virtio_emu_vq *vq, uint16_t p, uint8_t w, uint16_t fl,
			     struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *sg,
			     struct packed_walk *pw);

/*
 * The fused bursts: packets dequeued / taken, or -1 when the generic path
 * must run instead (nothing was consumed then). *@p more (enqueue) tells
 * that packets are left for the generic merge path.
 */
int vemu_fast_split_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);
int vemu_fast_split_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n,
			bool *more);
int vemu_fast_packed_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);
int vemu_fast_packed_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n,
			 bool *more);

/*
 * DMA / caller memory paths (virtio_emu_vq_fast_dma.c): the copies of a whole
 * burst submitted together (one round trip per VEMU_DMA_BATCH operations),
 * then checked; -1: use the generic path (nothing consumed).
 */
int vemu_dma_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);
int vemu_dma_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n);

#endif /* VIRTIO_EMU_VQ_FAST_H */
