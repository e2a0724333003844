/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net data path: host TX chains to mbufs (dequeue), mbufs to host RX
 * buffers (enqueue), virtio_net_hdr validation and offload mapping.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ether.h>

#include "virtio_emu_vq_fast.h"

/* Largest frame with GSO: 64 KiB of IP plus an Ethernet header with a tag. */
#define VEMU_NET_GSO_MAX	(65535u + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
/* From this size on, frames are copied with the C library (vemu_fast_copy_big()). */
#define VEMU_COPY_LIBC_MIN	256u

static const char *const vemu_net_drop_names[VIRTIO_EMU_NET_DROP_MAX] = {
	[VIRTIO_EMU_NET_DROP_HDR_SHORT] = "hdr_short",
	[VIRTIO_EMU_NET_DROP_RUNT] = "runt",
	[VIRTIO_EMU_NET_DROP_TOO_BIG] = "too_big",
	[VIRTIO_EMU_NET_DROP_NUM_BUFFERS] = "num_buffers",
	[VIRTIO_EMU_NET_DROP_HDR_FLAGS] = "hdr_flags",
	[VIRTIO_EMU_NET_DROP_CSUM_FEATURE] = "csum_feature",
	[VIRTIO_EMU_NET_DROP_CSUM_RANGE] = "csum_range",
	[VIRTIO_EMU_NET_DROP_GSO_FEATURE] = "gso_feature",
	[VIRTIO_EMU_NET_DROP_GSO_TYPE] = "gso_type",
	[VIRTIO_EMU_NET_DROP_GSO_SIZE] = "gso_size",
	[VIRTIO_EMU_NET_DROP_NOMBUF] = "nombuf",
	[VIRTIO_EMU_NET_DROP_COPY] = "copy",
	[VIRTIO_EMU_NET_DROP_BUF_SMALL] = "buf_small",
};

const char *
virtio_emu_net_drop_name(unsigned int reason)
{
	return reason < VIRTIO_EMU_NET_DROP_MAX ? vemu_net_drop_names[reason] : "unknown";
}

static inline bool
vemu_has(uint64_t features, unsigned int bit)
{
	return (features & (UINT64_C(1) << bit)) != 0;
}

struct virtio_emu_net_q *
virtio_emu_net_q_create(const struct virtio_emu_net_q_conf *conf)
{
	struct virtio_emu_net_q *q;
	uint64_t f;

	if (conf == NULL || conf->vq == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	f = conf->features;
	q->vq = conf->vq;
	q->mp = conf->mp;
	q->notify = conf->notify;
	q->notify_arg = conf->notify_arg;
	q->max_frame = (conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU) + RTE_ETHER_HDR_LEN +
		RTE_VLAN_HLEN;
	q->f_csum = vemu_has(f, VIRTIO_NET_F_CSUM);
	q->f_host_tso4 = vemu_has(f, VIRTIO_NET_F_HOST_TSO4);
	q->f_host_tso6 = vemu_has(f, VIRTIO_NET_F_HOST_TSO6);
	q->f_host_ecn = vemu_has(f, VIRTIO_NET_F_HOST_ECN);
	q->f_guest_csum = vemu_has(f, VIRTIO_NET_F_GUEST_CSUM);
	q->f_guest_tso4 = vemu_has(f, VIRTIO_NET_F_GUEST_TSO4);
	q->f_guest_tso6 = vemu_has(f, VIRTIO_NET_F_GUEST_TSO6);
	q->f_mrg = vemu_has(f, VIRTIO_NET_F_MRG_RXBUF);
	q->rx_buf_hint = 1536;
	if (q->mp != NULL) {
		/* What rte_pktmbuf_reset() leaves in data_off..port. */
		struct rte_mbuf t;
		uint16_t room = rte_pktmbuf_data_room_size(q->mp);

		t.data_off = RTE_MIN((uint16_t)RTE_PKTMBUF_HEADROOM, room);
		rte_mbuf_refcnt_set(&t, 1);
		t.nb_segs = 1;
		t.port = RTE_MBUF_PORT_INVALID;
		memcpy(&q->mbuf_rearm, (const uint8_t *)&t + offsetof(struct rte_mbuf, rearm_data),
		       sizeof(q->mbuf_rearm));
		q->mbuf_room = (uint32_t)(room - t.data_off);
		if (rte_pktmbuf_priv_flags(q->mp) & RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF)
			q->mbuf_ol_keep = RTE_MBUF_F_EXTERNAL;
	}
	return q;
}

void
virtio_emu_net_q_free(struct virtio_emu_net_q *q)
{
	struct virtio_emu_vq_used used[VIRTIO_EMU_VQ_BURST_MAX];
	unsigned int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nb_stash; i++)
		used[i] = (struct virtio_emu_vq_used){ q->stash[i].id, 0 };
	if (q->nb_stash != 0)
		virtio_emu_vq_push(q->vq, used, q->nb_stash);
	free(q);
}

int
virtio_emu_net_q_stats_get(const struct virtio_emu_net_q *q, struct virtio_emu_net_q_stats *stats)
{
	if (q == NULL || stats == NULL)
		return -EINVAL;
	*stats = q->stats;
	return 0;
}

void
virtio_emu_net_q_stats_reset(struct virtio_emu_net_q *q)
{
	memset(&q->stats, 0, sizeof(q->stats));
}

/*
 * Free the mbufs of a burst: single-segment direct mbufs of one pool, held
 * once (what a data path almost always gives), go back with one mempool put,
 * in the state rte_pktmbuf_prefree_seg() leaves them; any other goes through
 * rte_pktmbuf_free().
 */
static inline void
vemu_free_burst(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *fast[VIRTIO_EMU_VQ_BURST_MAX];
	struct rte_mempool *mp;
	unsigned int i, nf = 0;

	if (n == 0)
		return;
	mp = pkts[0]->pool;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (likely(m->pool == mp && m->next == NULL && RTE_MBUF_DIRECT(m) &&
			   rte_mbuf_refcnt_read(m) == 1))
			fast[nf++] = m;
		else
			rte_pktmbuf_free(m);
	}
	if (nf != 0)
		rte_mempool_put_bulk(mp, (void **)fast, nf);
}

/* ---- dequeue: host TX to mbufs ---- */

/* Validate the header (a local copy); 0 or a drop reason + 1. */
static inline int
vemu_tx_hdr(struct virtio_emu_net_q *q, const struct virtio_net_hdr_v1 *h, uint32_t plen,
	    struct rte_mbuf *m)
{
	uint8_t gso;

	if (unlikely(h->num_buffers != 0))
		return VIRTIO_EMU_NET_DROP_NUM_BUFFERS + 1;
	if (likely(h->flags == 0 && h->gso_type == VIRTIO_NET_HDR_GSO_NONE)) {
		if (unlikely(plen > q->max_frame))
			return VIRTIO_EMU_NET_DROP_TOO_BIG + 1;
		return 0;
	}
	/* DATA_VALID is device-to-driver only: ignored on TX. */
	if (unlikely(h->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)))
		return VIRTIO_EMU_NET_DROP_HDR_FLAGS + 1;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!q->f_csum)
			return VIRTIO_EMU_NET_DROP_CSUM_FEATURE + 1;
		/* The 2-byte checksum field lies inside the frame. */
		if ((uint32_t)h->csum_start + h->csum_offset + 2 > plen ||
		    h->csum_start < RTE_ETHER_HDR_LEN)
			return VIRTIO_EMU_NET_DROP_CSUM_RANGE + 1;
	}
	gso = h->gso_type;
	if (gso == VIRTIO_NET_HDR_GSO_NONE) {
		if (unlikely(plen > q->max_frame))
			return VIRTIO_EMU_NET_DROP_TOO_BIG + 1;
	} else {
		uint8_t t = gso & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

		if (t != VIRTIO_NET_HDR_GSO_TCPV4 && t != VIRTIO_NET_HDR_GSO_TCPV6)
			return VIRTIO_EMU_NET_DROP_GSO_TYPE + 1;
		if ((t == VIRTIO_NET_HDR_GSO_TCPV4 && !q->f_host_tso4) ||
		    (t == VIRTIO_NET_HDR_GSO_TCPV6 && !q->f_host_tso6) ||
		    ((gso & VIRTIO_NET_HDR_GSO_ECN) && !q->f_host_ecn))
			return VIRTIO_EMU_NET_DROP_GSO_FEATURE + 1;
		/* hdr_len is a hint only (never trusted, not used). */
		if (h->gso_size == 0 || !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
			return VIRTIO_EMU_NET_DROP_GSO_SIZE + 1;
		if (plen > VEMU_NET_GSO_MAX)
			return VIRTIO_EMU_NET_DROP_TOO_BIG + 1;
		m->ol_flags |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = h->gso_size;
		q->stats.offload_gso++;
	}
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = (uint16_t)(h->csum_start - RTE_ETHER_HDR_LEN);
		q->stats.offload_csum++;
	}
	return 0;
}

/* Copy the frame (after the header) into @p m, chaining mbufs as needed. */
static int
vemu_tx_copy(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c, uint32_t plen,
	     struct rte_mbuf *m)
{
	struct rte_mbuf *cur = m, *seg;
	uint32_t off = VEMU_NET_HDR, left = plen, room, n;

	for (;;) {
		room = rte_pktmbuf_tailroom(cur);
		n = RTE_MIN(room, left);
		if (virtio_emu_vq_chain_read(q->vq, c, off, rte_pktmbuf_mtod(cur, uint8_t *),
					     n) != 0)
			return VIRTIO_EMU_NET_DROP_COPY + 1;
		cur->data_len = (uint16_t)n;
		off += n;
		left -= n;
		if (left == 0)
			break;
		seg = rte_pktmbuf_alloc(q->mp);
		if (unlikely(seg == NULL))
			return VIRTIO_EMU_NET_DROP_NOMBUF + 1;
		cur->next = seg;
		cur = seg;
		m->nb_segs++;
	}
	m->pkt_len = plen;
	return 0;
}

static inline int
vemu_tx_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c, struct rte_mbuf *m)
{
	struct virtio_net_hdr_v1 h;
	const struct virtio_emu_vq_seg *s0 = &c->rd[0];
	uint32_t plen;
	int rc;

	if (unlikely(c->rd_len < VEMU_NET_HDR))
		return VIRTIO_EMU_NET_DROP_HDR_SHORT + 1;
	plen = c->rd_len - VEMU_NET_HDR;
	if (unlikely(plen < RTE_ETHER_HDR_LEN))
		return VIRTIO_EMU_NET_DROP_RUNT + 1;
	/* The header is copied once and validated from the copy. */
	if (likely(s0->va != NULL && s0->len >= VEMU_NET_HDR))
		memcpy(&h, s0->va, VEMU_NET_HDR);
	else if (virtio_emu_vq_chain_read(q->vq, c, 0, &h, VEMU_NET_HDR) != 0)
		return VIRTIO_EMU_NET_DROP_COPY + 1;
	/* No flags, no GSO, no num_buffers: only the size is left to check. */
	if (likely((h.flags | h.gso_type | h.num_buffers) == 0)) {
		if (unlikely(plen > q->max_frame))
			return VIRTIO_EMU_NET_DROP_TOO_BIG + 1;
	} else {
		rc = vemu_tx_hdr(q, &h, plen, m);
		if (unlikely(rc != 0))
			return rc;
	}
	/* Fast path: one mapped buffer holding header and frame, one fresh mbuf. */
	if (likely(s0->va != NULL && s0->len == c->rd_len &&
		   plen <= (uint32_t)(m->buf_len - m->data_off))) {
		rte_memcpy(rte_pktmbuf_mtod(m, uint8_t *), (uint8_t *)s0->va + VEMU_NET_HDR, plen);
		m->data_len = (uint16_t)plen;
		m->pkt_len = plen;
		return 0;
	}
	return vemu_tx_copy(q, c, plen, m);
}

int
vemu_net_tx_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c,
		struct rte_mbuf *m)
{
	return vemu_tx_one(q, c, m);
}

int
vemu_net_tx_hdr(struct virtio_emu_net_q *q, const struct virtio_net_hdr_v1 *h, uint32_t plen,
		struct rte_mbuf *m)
{
	/* No flags, no GSO, no num_buffers: only the size is left to check. */
	if (likely((h->flags | h->gso_type | h->num_buffers) == 0))
		return plen > q->max_frame ? VIRTIO_EMU_NET_DROP_TOO_BIG + 1 : 0;
	return vemu_tx_hdr(q, h, plen, m);
}

void
vemu_fast_copy_big(void *dst, const void *src, uint32_t n)
{
	/*
	 * Large frames: the C library's copy, chosen at run time for this CPU
	 * (AVX2/AVX-512 moves or rep movsb); rte_memcpy() is built for the
	 * baseline instruction set of the DPDK packages (SSE: 16-byte moves,
	 * palignr realignment), about twice the cycles at 1518 bytes.
	 */
	if (n > VEMU_COPY_LIBC_MIN)
		memcpy(dst, src, n);
	else
		rte_memcpy(dst, src, n);
}

void
vemu_net_free_burst(struct rte_mbuf **pkts, uint16_t n)
{
	vemu_free_burst(pkts, n);
}

uint16_t
vemu_net_deq_generic(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq_chain chains[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used used[VIRTIO_EMU_VQ_BURST_MAX];
	struct rte_mbuf *mb[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t k, i, out = 0;
	uint64_t bytes = 0;
	int rc;

	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	k = virtio_emu_vq_pop(q->vq, chains, n);
	if (k == 0)
		return 0;
	if (unlikely(rte_pktmbuf_alloc_bulk(q->mp, mb, k) != 0)) {
		/* No mbufs: the chains go back unused (a drop, counted). */
		for (i = 0; i < k; i++) {
			used[i] = (struct virtio_emu_vq_used){ chains[i].id, 0 };
			vemu_net_drop(q, VIRTIO_EMU_NET_DROP_NOMBUF);
		}
		goto push;
	}
	for (i = 0; i < k; i++) {
		struct rte_mbuf *m = mb[i];

		used[i].id = chains[i].id;
		used[i].len = 0;	/* nothing written into a TX chain */
		rc = vemu_tx_one(q, &chains[i], m);
		if (likely(rc == 0)) {
			pkts[out++] = m;
			bytes += m->pkt_len;
		} else {
			vemu_net_drop(q, (unsigned int)rc - 1);
			rte_pktmbuf_free(m);
		}
	}
	q->stats.packets += out;
	q->stats.bytes += bytes;
push:
	virtio_emu_vq_push(q->vq, used, k);
	return out;
}

static inline void
vemu_net_notify(struct virtio_emu_net_q *q)
{
	if (virtio_emu_vq_should_notify(q->vq) && q->notify != NULL) {
		q->stats.notifies++;
		q->notify(q->notify_arg);
	}
}

uint16_t
virtio_emu_net_dequeue_burst(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	int r = -1;

	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	if (likely(q->mp != NULL && vemu_fast_ok(vq)))
		r = vq->packed ? vemu_fast_packed_deq(q, pkts, n) :
			vemu_fast_split_deq(q, pkts, n);
	else if (q->mp != NULL && !vq->direct)
		r = vemu_dma_deq(q, pkts, n);
	if (r < 0)
		r = vemu_net_deq_generic(q, pkts, n);
	vemu_net_notify(q);
	return (uint16_t)r;
}

/* ---- enqueue: mbufs to host RX buffers ---- */

static inline void
vemu_rx_hdr(const struct virtio_emu_net_q *q, const struct rte_mbuf *m,
	    struct virtio_net_hdr_v1 *h, uint16_t num_buffers)
{
	uint64_t ol = m->ol_flags;

	memset(h, 0, sizeof(*h));
	h->num_buffers = num_buffers;
	if (likely((ol & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |
			  RTE_MBUF_F_RX_L4_CKSUM_MASK)) == 0))
		return;
	if (q->f_guest_csum) {
		uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK;

		if (l4 == RTE_MBUF_F_TX_TCP_CKSUM || l4 == RTE_MBUF_F_TX_UDP_CKSUM ||
		    (ol & RTE_MBUF_F_TX_TCP_SEG)) {
			h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h->csum_start = (uint16_t)(m->l2_len + m->l3_len);
			h->csum_offset = l4 == RTE_MBUF_F_TX_UDP_CKSUM ? 6 : 16;
		} else if ((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD) {
			h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
		}
	}
	if ((ol & RTE_MBUF_F_TX_TCP_SEG) && h->flags == VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		bool v6 = (ol & RTE_MBUF_F_TX_IPV6) != 0;

		if ((v6 && q->f_guest_tso6) || (!v6 && q->f_guest_tso4)) {
			h->gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
			h->gso_size = m->tso_segsz;
			h->hdr_len = (uint16_t)(m->l2_len + m->l3_len + m->l4_len);
		}
	}
}

/* Write header + packet across chains cl[0..nc), filling used[] lengths. */
static int
vemu_rx_write(struct virtio_emu_net_q *q, struct virtio_emu_vq_chain *const *cl, unsigned int nc,
	      const struct virtio_net_hdr_v1 *h, const struct rte_mbuf *m,
	      struct virtio_emu_vq_used *used)
{
	unsigned int ci = 0;
	uint32_t coff = 0;
	const uint8_t *src = (const void *)h;
	uint32_t slen = VEMU_NET_HDR;
	const struct rte_mbuf *seg = m;
	bool in_hdr = true;

	used[0].len = 0;
	/* Bounded: every step consumes source bytes or a chain. */
	for (;;) {
		uint32_t n;

		if (slen == 0) {
			if (in_hdr)
				in_hdr = false;
			else
				seg = seg->next;
			if (seg == NULL)
				return 0;
			src = rte_pktmbuf_mtod(seg, const uint8_t *);
			slen = seg->data_len;
			continue;
		}
		if (coff == cl[ci]->wr_len) {
			if (++ci == nc)
				return -ERANGE;
			coff = 0;
			used[ci].len = 0;
		}
		n = RTE_MIN(slen, cl[ci]->wr_len - coff);
		if (virtio_emu_vq_chain_write(q->vq, cl[ci], coff, src, n) != 0)
			return -EFAULT;
		coff += n;
		used[ci].len += n;
		src += n;
		slen -= n;
	}
}

/* Fast path: one mapped buffer, one mbuf segment. */
static inline bool
vemu_rx_fast(const struct virtio_emu_vq_chain *c, const struct rte_mbuf *m,
	     const struct virtio_net_hdr_v1 *h)
{
	const struct virtio_emu_vq_seg *s = &c->wr[0];

	if (s->va == NULL || m->nb_segs != 1 || s->len < VEMU_NET_HDR + m->data_len)
		return false;
	memcpy(s->va, h, VEMU_NET_HDR);
	rte_memcpy((uint8_t *)s->va + VEMU_NET_HDR, rte_pktmbuf_mtod(m, const void *),
		   m->data_len);
	return true;
}

static void
vemu_rx_stash(struct virtio_emu_net_q *q, struct virtio_emu_vq_chain *const *cl, unsigned int nc,
	      struct virtio_emu_vq_used *used, uint16_t *nu)
{
	struct virtio_emu_vq_chain tmp[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_seg *segs = q->stash_segs[q->stash_sel ^ 1];
	unsigned int i, nseg = 0, ns = 0;

	/* Copy first: cl[] may point into the stash itself (the other half). */
	for (i = 0; i < nc && i < VIRTIO_EMU_VQ_BURST_MAX; i++)
		tmp[i] = *cl[i];
	for (i = 0; i < nc; i++) {
		const struct virtio_emu_vq_chain *c = i < VIRTIO_EMU_VQ_BURST_MAX ? &tmp[i] : cl[i];
		unsigned int k = c->nb_rd + c->nb_wr;

		if (i >= VIRTIO_EMU_VQ_BURST_MAX || nseg + k > VEMU_NET_STASH_SEGS) {
			/* No room to keep it: give it back unused. */
			used[(*nu)++] = (struct virtio_emu_vq_used){ c->id, 0 };
			continue;
		}
		memcpy(&segs[nseg], c->rd, k * sizeof(*segs));
		q->stash[ns] = *c;
		q->stash[ns].rd = &segs[nseg];
		q->stash[ns].wr = q->stash[ns].rd + c->nb_rd;
		nseg += k;
		ns++;
	}
	q->stash_sel ^= 1;
	q->nb_stash = (uint16_t)ns;
}

void
vemu_net_rx_hdr(const struct virtio_emu_net_q *q, const struct rte_mbuf *m,
		struct virtio_net_hdr_v1 *h)
{
	vemu_rx_hdr(q, m, h, 1);
}

uint32_t
vemu_net_rx_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c,
		const struct rte_mbuf *m, uint64_t *bytes)
{
	struct virtio_emu_vq_chain *cl = (struct virtio_emu_vq_chain *)(uintptr_t)c;
	struct virtio_emu_vq_used u;
	struct virtio_net_hdr_v1 h;
	uint32_t need = VEMU_NET_HDR + m->pkt_len;

	if (unlikely(c->wr_len < need)) {
		vemu_net_drop(q, VIRTIO_EMU_NET_DROP_BUF_SMALL);
		return 0;
	}
	vemu_rx_hdr(q, m, &h, 1);
	if (vemu_rx_fast(c, m, &h) || vemu_rx_write(q, &cl, 1, &h, m, &u) == 0) {
		*bytes += m->pkt_len;
		return need;
	}
	vemu_net_drop(q, VIRTIO_EMU_NET_DROP_COPY);
	return 0;
}

void
vemu_net_stash_one(struct virtio_emu_net_q *q, const struct virtio_emu_vq_chain *c)
{
	struct virtio_emu_vq_chain *cl = (struct virtio_emu_vq_chain *)(uintptr_t)c;
	struct virtio_emu_vq_used u;
	uint16_t nu = 0;

	/* The stash is empty here (the fused path runs without one): room for it. */
	vemu_rx_stash(q, &cl, 1, &u, &nu);
}

uint16_t
vemu_net_enq_generic(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq_chain chains[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_chain *cl[2 * VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used used[5 * VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_net_hdr_v1 h;
	uint16_t k, i, nu = 0, taken = 0, sent = 0;
	unsigned int nc = 0, ci = 0, want, round;
	uint64_t bytes = 0;

	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	if (n == 0)
		return 0;
	if (!q->f_mrg) {
		k = virtio_emu_vq_pop(q->vq, chains, n);
		for (i = 0; i < k; i++) {
			struct rte_mbuf *m = pkts[i];
			struct virtio_emu_vq_chain *c = &chains[i];
			uint32_t need = VEMU_NET_HDR + m->pkt_len;

			used[i].id = c->id;
			used[i].len = 0;
			if (unlikely(c->wr_len < need)) {
				vemu_net_drop(q, VIRTIO_EMU_NET_DROP_BUF_SMALL);
			} else {
				vemu_rx_hdr(q, m, &h, 1);
				if (likely(vemu_rx_fast(c, m, &h)) ||
				    vemu_rx_write(q, &c, 1, &h, m, &used[i]) == 0) {
					used[i].len = need;
					bytes += m->pkt_len;
					sent++;
				} else {
					vemu_net_drop(q, VIRTIO_EMU_NET_DROP_COPY);
				}
			}
		}
		/* Taken packets are freed at once (sent or dropped). */
		vemu_free_burst(pkts, k);
		nu = k;
		taken = k;
		goto push;
	}

	/*
	 * MRG_RXBUF: chains from the stash first, then fresh ones, as many as the
	 * burst seems to need (estimated from a recent buffer size). When they run
	 * out mid-burst, the rest is stashed and more are popped, a few rounds at
	 * most; chains left at the end are stashed for the next burst.
	 */
	for (round = 0; round < 4; round++) {
		nc = 0;
		ci = 0;
		for (i = 0; i < q->nb_stash; i++)
			cl[nc++] = &q->stash[i];
		want = 0;
		for (i = taken; i < n; i++)
			want += (VEMU_NET_HDR + pkts[i]->pkt_len + q->rx_buf_hint - 1) /
				q->rx_buf_hint;
		want = want > nc ? want - nc : 0;
		want = RTE_MIN(want, (unsigned int)VIRTIO_EMU_VQ_BURST_MAX);
		if (round != 0 && want == 0)
			want = 1;
		k = want != 0 ? virtio_emu_vq_pop(q->vq, chains, (uint16_t)want) : 0;
		for (i = 0; i < k; i++)
			cl[nc++] = &chains[i];
		if (k != 0 && chains[0].wr_len >= 64)
			q->rx_buf_hint = chains[0].wr_len;
		for (; taken < n; taken++) {
			struct rte_mbuf *m = pkts[taken];
			uint32_t need = VEMU_NET_HDR + m->pkt_len, acc = 0;
			unsigned int j = 0;

			while (acc < need && ci + j < nc)
				acc += cl[ci + j++]->wr_len;
			if (acc < need)
				break;	/* out of chains for now */
			if (unlikely(nu + j > RTE_DIM(used)))
				break;
			for (i = 0; i < j; i++)
				used[nu + i] = (struct virtio_emu_vq_used){ cl[ci + i]->id, 0 };
			if (unlikely(cl[ci]->wr_len < VEMU_NET_HDR)) {
				/* Buffers must hold at least the header: return this one, drop. */
				vemu_net_drop(q, VIRTIO_EMU_NET_DROP_BUF_SMALL);
			} else {
				vemu_rx_hdr(q, m, &h, (uint16_t)j);
				if (j == 1 && vemu_rx_fast(cl[ci], m, &h)) {
					used[nu].len = need;
					bytes += m->pkt_len;
					sent++;
				} else if (vemu_rx_write(q, &cl[ci], j, &h, m, &used[nu]) == 0) {
					bytes += m->pkt_len;
					sent++;
				} else {
					for (i = 0; i < j; i++)
						used[nu + i].len = 0;
					vemu_net_drop(q, VIRTIO_EMU_NET_DROP_COPY);
				}
			}
			nu += j;
			ci += j;
		}
		/* Chains not used: kept (in flight) for the next round or burst. */
		vemu_rx_stash(q, &cl[ci], nc - ci, used, &nu);
		if (taken == n || k < want)
			break;	/* done, or the ring has no more */
	}
	vemu_free_burst(pkts, taken);
push:
	q->stats.packets += sent;
	q->stats.bytes += bytes;
	for (i = 0; i < nu; i += VIRTIO_EMU_VQ_BURST_MAX)
		virtio_emu_vq_push(q->vq, &used[i], (uint16_t)RTE_MIN((unsigned int)(nu - i),
			(unsigned int)VIRTIO_EMU_VQ_BURST_MAX));
	return taken;
}

uint16_t
virtio_emu_net_enqueue_burst(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	bool more = false;
	int r = -1;

	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	if (n == 0)
		return 0;
	if (likely(q->nb_stash == 0 && vemu_fast_ok(vq)))
		r = vq->packed ? vemu_fast_packed_enq(q, pkts, n, &more) :
			vemu_fast_split_enq(q, pkts, n, &more);
	else if (!q->f_mrg && !vq->direct)
		r = vemu_dma_enq(q, pkts, n);
	if (r < 0)
		r = vemu_net_enq_generic(q, pkts, n);
	else if (more)
		r += vemu_net_enq_generic(q, pkts + r, (uint16_t)(n - r));
	vemu_net_notify(q);
	return (uint16_t)r;
}
