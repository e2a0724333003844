/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Fused direct-path bursts, packed rings (virtio_emu_vq_fast.h): available
 * descriptors, packet copies and used descriptors in one loop. Used
 * descriptors are written in place as chains complete, the first one's flags
 * last (release), publishing the burst. With nothing in flight the used
 * position equals the available one, so a used descriptor only ever lands
 * on a position already read. Every descriptor field is read once into a
 * local; chains off the fast case go through the generic walker and the
 * generic per-packet code.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_memcpy.h>

#include "virtio_emu_vq_fast.h"

#define VEMU_PF_AU	(VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED)

/*
 * The burst's ring state in locals. With nothing in flight at the start,
 * every chain's used descriptor goes where the chain started (used and
 * available positions and wrap counters advance together): one position.
 */
struct packed_burst {
	struct vring_packed_desc *desc;
	uint16_t p;		/* next available position = next used position */
	uint16_t p0;		/* first position of the burst */
	uint16_t avail_fl;	/* AVAIL/USED bits of an available descriptor */
	uint16_t used_fl;	/* AVAIL/USED bits of a used descriptor there */
	uint16_t fl0;		/* flags of the first used descriptor, stored last */
	uint8_t w;		/* wrap counter at p */
};

/* Whether the fused path applies. */
static __rte_always_inline bool
packed_fast_begin(struct virtio_emu_vq *vq, struct packed_burst *b)
{
	b->p = vq->last_avail;
	b->w = vq->avail_wrap;
	if (unlikely(b->p != vq->used_idx || b->w != vq->used_wrap))
		return false;
	b->desc = vq->desc_va;
	b->p0 = b->p;
	b->avail_fl = b->w ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
	b->used_fl = b->w ? VEMU_PF_AU : 0;
	b->fl0 = 0;
	return true;
}

/* Used descriptor of chain number @p c at @p d; the first one's flags wait for the end. */
static __rte_always_inline void
packed_fast_used(struct packed_burst *b, struct vring_packed_desc *d, uint16_t c, uint16_t id,
		 uint32_t len, uint16_t used_fl)
{
	d->len = len;
	d->id = id;
	if (likely(c != 0))
		__atomic_store_n(&d->flags, used_fl, __ATOMIC_RELEASE);
	else
		b->fl0 = used_fl;
}

/* Next position after a one-descriptor chain. */
static __rte_always_inline void
packed_fast_advance(struct packed_burst *b, uint16_t size)
{
	if (unlikely(++b->p == size)) {
		b->p = 0;
		b->w ^= 1;
		b->avail_fl ^= VEMU_PF_AU;
		b->used_fl ^= VEMU_PF_AU;
	}
}

static __rte_always_inline void
packed_fast_end(struct virtio_emu_vq *vq, const struct packed_burst *b, const uint16_t *ids,
		uint16_t c, uint16_t chains, uint16_t stashed, uint64_t ubytes, uint16_t pu,
		uint8_t uw)
{
	uint16_t *id_ndesc = vq->id_ndesc;
	uint16_t i;

	vq->last_avail = b->p;
	vq->avail_wrap = b->w;
	vq->stats.chains += chains;
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK)) {
		/* As the generic path: what was taken stays in flight, nothing is used. */
		vq->inflight += c + stashed;
		return;
	}
	if (c != 0) {
		/* Release: every used descriptor of the burst before the first flags. */
		__atomic_store_n(&b->desc[b->p0].flags, b->fl0, __ATOMIC_RELEASE);
		vq->used_idx = pu;
		vq->used_wrap = uw;
		vq->pushed = 1;
		vq->stats.used += c;
		vq->stats.used_bytes += ubytes;
		for (i = 0; i < c; i++)
			id_ndesc[ids[i]] = 0;
	}
	vq->inflight += stashed;
}

/* Set *@p pw for a one-descriptor chain at the current position. */
static __rte_always_inline void
packed_fast_one(const struct packed_burst *b, uint16_t size, uint16_t id, struct packed_walk *pw)
{
	pw->id = id;
	pw->nd = 1;
	pw->p = (uint16_t)(b->p + 1);
	pw->w = b->w;
	if (pw->p == size) {
		pw->p = 0;
		pw->w ^= 1;
	}
}

/* After a walked chain: the id checks the fast case makes inline, then the next position. */
static __rte_always_inline bool
packed_fast_walked(struct virtio_emu_vq *vq, struct packed_burst *b, const struct packed_walk *pw)
{
	if (unlikely(pw->res < 0)) {
		vemu_vq_set_broken(vq, (enum virtio_emu_vq_broken)-pw->res);
		return false;
	}
	if (unlikely(pw->id >= vq->size)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_ID_RANGE);
		return false;
	}
	if (unlikely(vq->id_ndesc[pw->id] != 0)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
		return false;
	}
	b->p = pw->p;
	b->w = pw->w;
	b->avail_fl = b->w ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
	b->used_fl = b->w ? VEMU_PF_AU : 0;
	return true;
}

int
vemu_fast_packed_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	struct rte_mbuf *mb[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t ids[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_chain c;
	struct packed_walk pw;
	struct packed_burst b;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	const struct vemu_forbid *forbid = vq->forbid;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	const uint8_t *const r_va = r0->va;
	/* Fast frames: header + Ethernet header up to what one mbuf and the chain limit take. */
	const uint32_t fit = RTE_MIN(q->max_frame, q->mbuf_room) + VEMU_NET_HDR;
	const uint32_t max_len = RTE_MIN(fit, vq->max_bytes);
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size;
	uint16_t nc = 0, nm = 0, out = 0, chains = 0, fl;
	/* Chains to take: at most n, and at most size descriptors in all. */
	int lim = RTE_MIN((int)n, (int)size), extra = 0;
	uint64_t bytes = 0;

	if (unlikely(!packed_fast_begin(vq, &b)))
		return -1;
	/* Nothing available: no mbufs taken. */
	fl = __atomic_load_n(&b.desc[b.p].flags, __ATOMIC_ACQUIRE);
	if ((fl & VEMU_PF_AU) != b.avail_fl)
		return 0;
	if (unlikely(rte_mempool_get_bulk(q->mp, (void **)mb, n) != 0))
		return -1;	/* the generic path starts over and drops (nombuf) */
	while (nc < lim) {
		struct vring_packed_desc *d = b.desc + b.p;
		struct rte_mbuf *m = mb[nm];
		uint16_t id, used_fl = b.used_fl;

		if (nc != 0) {
			/* Acquire: the descriptor's other fields after its flags. */
			fl = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
			if ((fl & VEMU_PF_AU) != b.avail_fl)
				break;
		}
		if (likely(!(fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT |
				   VRING_DESC_F_WRITE)))) {
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint64_t off = addr - r_host;

			id = VEMU_READ_ONCE(uint16_t, &d->id);
			/*
			 * Fast case: in the first region (off wraps when addr is
			 * below it), not our BARs, a frame from an Ethernet header
			 * to what one mbuf holds, an id free and in range, a plain
			 * header.
			 */
			if (likely(off <= r_len && len <= r_len - off &&
				   len - (VEMU_NET_HDR + RTE_ETHER_HDR_LEN) <=
				   max_len - (VEMU_NET_HDR + RTE_ETHER_HDR_LEN) &&
				   id < size && id_ndesc[id] == 0 &&
				   !vemu_forbid_hit(forbid, addr, len))) {
				const uint8_t *src = r_va + off;
				struct virtio_net_hdr_v1 h;

				/* The header is copied once and checked from the copy. */
				memcpy(&h, src, VEMU_NET_HDR);
				if (likely((h.flags | h.gso_type | h.num_buffers) == 0)) {
					uint32_t plen = len - VEMU_NET_HDR;

					vemu_fast_mbuf_init(q->mbuf_rearm, q->mbuf_ol_keep, m,
							    plen);
					vemu_fast_copy(rte_pktmbuf_mtod(m, uint8_t *),
						       src + VEMU_NET_HDR, plen);
					pkts[out++] = m;
					nm++;
					chains++;
					bytes += plen;
					id_ndesc[id] = 1;
					ids[nc] = id;
					packed_fast_used(&b, d, nc, id, 0, used_fl);
					packed_fast_advance(&b, size);
					nc++;
					continue;
				}
			}
			packed_fast_one(&b, size, id, &pw);
			pw.res = vemu_one_slow(vq, &c, vq->segs, addr, len,
					       (fl & VRING_DESC_F_WRITE) != 0);
		} else {
			vemu_packed_chain_multi(vq, b.p, b.w, fl, &c, vq->segs, &pw);
		}
		if (!packed_fast_walked(vq, &b, &pw))
			break;
		if (likely(pw.res == VEMU_CHAIN_OK)) {
			c.id = pw.id;
			c.wr = c.rd + c.nb_rd;
			chains++;
			nm++;
			rte_pktmbuf_reset(m);
			pw.res = vemu_net_tx_one(q, &c, m);
			if (likely(pw.res == 0)) {
				pkts[out++] = m;
				bytes += m->pkt_len;
			} else {
				vemu_net_drop(q, (unsigned int)pw.res - 1);
				rte_pktmbuf_free(m);
			}
		} else {
			/* Inflight was 0 and used descriptors go in ring order: IN_ORDER holds. */
			vemu_fast_vq_drop(vq, pw.res);
		}
		id_ndesc[pw.id] = pw.nd;
		ids[nc] = pw.id;
		packed_fast_used(&b, d, nc, pw.id, 0, used_fl);
		nc++;
		/* Descriptors beyond one per chain count against the ring size. */
		extra += pw.nd - 1;
		lim = RTE_MIN((int)n, (int)size - extra);
	}
	packed_fast_end(vq, &b, ids, nc, chains, 0, 0, b.p, b.w);
	if (nm < n)
		rte_mempool_put_bulk(q->mp, (void **)(mb + nm), n - nm);
	q->stats.packets += out;
	q->stats.bytes += bytes;
	return out;
}

int
vemu_fast_packed_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n, bool *more)
{
	struct virtio_emu_vq *vq = q->vq;
	struct rte_mbuf *fast[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t ids[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_chain c;
	struct packed_walk pw;
	struct packed_burst b;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	const struct vemu_forbid *forbid = vq->forbid;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	uint8_t *const r_va = r0->va;
	const uint32_t max_bytes = vq->max_bytes;
	struct rte_mempool *mp = pkts[0]->pool;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size;
	uint16_t nc = 0, pi = 0, nfast = 0, chains = 0, stashed = 0, sent = 0, pu, fl;
	int lim = RTE_MIN((int)n, (int)size), extra = 0;
	uint32_t hint = 0;
	uint64_t fbytes = 0, bytes = 0, ubytes = 0;
	uint8_t uw;

	if (unlikely(!packed_fast_begin(vq, &b)))
		return -1;
	while (nc < lim) {
		struct vring_packed_desc *d = b.desc + b.p;
		struct rte_mbuf *m = pkts[pi];
		uint16_t id, used_fl = b.used_fl;
		uint32_t ulen = 0;

		/* Acquire: the descriptor's other fields after its flags. */
		fl = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
		if ((fl & VEMU_PF_AU) != b.avail_fl)
			break;
		if (likely((fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT |
				  VRING_DESC_F_WRITE)) == VRING_DESC_F_WRITE)) {
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint64_t off = addr - r_host;
			uint32_t plen = m->pkt_len;

			id = VEMU_READ_ONCE(uint16_t, &d->id);
			/*
			 * Fast case: in the first region, not our BARs, within the
			 * chain limit, an id free and in range; a one-segment
			 * direct mbuf of the burst's pool, without offloads, that
			 * fits.
			 */
			if (likely(off <= r_len && len <= r_len - off && len <= max_bytes &&
				   plen + VEMU_NET_HDR <= len && plen == m->data_len &&
				   id < size && id_ndesc[id] == 0 &&
				   vemu_fast_mbuf_single(m) && m->pool == mp &&
				   (m->ol_flags & VEMU_FAST_RX_OL) == 0 &&
				   !vemu_forbid_hit(forbid, addr, len))) {
				uint8_t *dst = r_va + off;
				/* The header in place: no flags, no GSO, one buffer. */
				static const struct virtio_net_hdr_v1 h1 = { .num_buffers = 1 };

				hint = len;
				memcpy(dst, &h1, VEMU_NET_HDR);
				vemu_fast_copy(dst + VEMU_NET_HDR,
					       rte_pktmbuf_mtod(m, const void *),
					       plen);
				fast[nfast++] = m;
				fbytes += plen;
				id_ndesc[id] = 1;
				ids[nc] = id;
				packed_fast_used(&b, d, nc, id, plen + VEMU_NET_HDR, used_fl);
				packed_fast_advance(&b, size);
				nc++;
				pi++;
				continue;
			}
			packed_fast_one(&b, size, id, &pw);
			pw.res = vemu_one_slow(vq, &c, vq->segs, addr, len,
					       (fl & VRING_DESC_F_WRITE) != 0);
		} else {
			vemu_packed_chain_multi(vq, b.p, b.w, fl, &c, vq->segs, &pw);
		}
		if (!packed_fast_walked(vq, &b, &pw))
			break;
		extra += pw.nd - 1;
		lim = RTE_MIN((int)n, (int)size - extra);
		if (likely(pw.res == VEMU_CHAIN_OK)) {
			uint32_t need = VEMU_NET_HDR + m->pkt_len;

			c.id = pw.id;
			c.wr = c.rd + c.nb_rd;
			chains++;
			if (q->f_mrg && c.wr_len < need) {
				/* Several buffers: the merge path takes it from the stash. */
				vemu_net_stash_one(q, &c);
				id_ndesc[pw.id] = pw.nd;
				stashed = 1;
				*more = true;
				break;
			}
			ulen = vemu_net_rx_one(q, &c, m, &bytes);
			sent += ulen != 0;
			rte_pktmbuf_free(m);
			pi++;
		} else {
			/* A dropped chain takes no packet. */
			vemu_fast_vq_drop(vq, pw.res);
		}
		id_ndesc[pw.id] = pw.nd;
		ids[nc] = pw.id;
		packed_fast_used(&b, d, nc, pw.id, ulen, used_fl);
		ubytes += ulen;
		nc++;
		if (pi == n)
			break;
	}
	if (q->f_mrg && hint >= 64)
		q->rx_buf_hint = hint;
	/* The used position: where the stashed chain (if any) started, else the next one. */
	pu = b.p;
	uw = b.w;
	if (stashed) {
		pu = (uint16_t)(b.p >= pw.nd ? b.p - pw.nd : b.p + size - pw.nd);
		uw = b.p >= pw.nd ? b.w : b.w ^ 1;
	}
	packed_fast_end(vq, &b, ids, nc, (uint16_t)(chains + nfast), stashed,
			ubytes + fbytes + (uint64_t)nfast * VEMU_NET_HDR, pu, uw);
	if (nfast != 0)
		rte_mempool_put_bulk(mp, (void **)fast, nfast);
	q->stats.packets += sent + nfast;
	q->stats.bytes += bytes + fbytes;
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK))
		*more = false;
	return pi;
}
