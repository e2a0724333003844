/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Fused direct-path bursts, split rings (virtio_emu_vq_fast.h): available
 * ring, descriptors, packet copies and used elements in one loop; the used
 * index is published once per burst (release). Every ring field is read
 * once into a local. Chains off the fast case go through the generic walker
 * and the generic per-packet code; dropped chains are counted and used with
 * length 0 in ring order, as the generic path does.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_memcpy.h>

#include "virtio_emu_vq_fast.h"

/* The burst's ring state in locals. */
struct split_burst {
	const struct vring_avail *avail;
	const struct vring_desc *desc;
	struct vring_used *used;
	uint16_t last;
	uint16_t uidx;
	uint16_t k;
};

/* Available chains to take (at most @p n); 0 with the queue broken on a bad index. */
static __rte_always_inline uint16_t
split_fast_begin(struct virtio_emu_vq *vq, struct split_burst *b, uint16_t n)
{
	uint16_t avail_idx, pending;

	b->avail = vq->driver_va;
	b->desc = vq->desc_va;
	b->used = vq->device_va;
	b->last = vq->last_avail;
	b->uidx = vq->used_idx;
	/* Acquire: ring entries and descriptors are read after the index. */
	avail_idx = __atomic_load_n(&b->avail->idx, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(avail_idx - b->last);
	if (unlikely(pending > vq->size)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX);
		return 0;
	}
	b->k = RTE_MIN(pending, n);
	return b->k;
}

/*
 * The next available head (read once) and its descriptor; NULL with the queue
 * broken when the head is out of range or already in flight. The caller's
 * locals (@p size, @p mask, @p id_ndesc) stay in registers across the burst.
 */
static __rte_always_inline const struct vring_desc *
split_fast_head(struct virtio_emu_vq *vq, const struct split_burst *b, uint16_t size,
		uint16_t mask, const uint16_t *id_ndesc, uint16_t *headp)
{
	uint16_t head = VEMU_READ_ONCE(uint16_t, &b->avail->ring[b->last & mask]);

	if (unlikely(head >= size)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE);
		return NULL;
	}
	if (unlikely(id_ndesc[head] != 0)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
		return NULL;
	}
	*headp = head;
	return b->desc + head;
}

/*
 * Publish @p w used elements written in place (heads in @p heads), @p chains
 * of them given to the data path, @p stashed kept in flight.
 */
static __rte_always_inline void
split_fast_end(struct virtio_emu_vq *vq, const struct split_burst *b, const uint16_t *heads,
	       uint16_t w, uint16_t chains, uint16_t stashed, uint64_t ubytes)
{
	uint16_t *id_ndesc = vq->id_ndesc;
	uint16_t i;

	vq->last_avail = b->last;
	vq->stats.chains += chains;
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK)) {
		/* As the generic path: what was taken stays in flight, nothing is used. */
		vq->inflight += w + stashed;
		return;
	}
	if (w != 0) {
		/* Release: the elements are visible before the index that covers them. */
		__atomic_store_n(&b->used->idx, (uint16_t)(b->uidx + w), __ATOMIC_RELEASE);
		vq->used_idx = (uint16_t)(b->uidx + w);
		vq->pushed = 1;
		vq->stats.used += w;
		vq->stats.used_bytes += ubytes;
		for (i = 0; i < w; i++)
			id_ndesc[heads[i]] = 0;
	}
	vq->inflight += stashed;
	if (vq->notify_on && vq->f_event_idx)
		vemu_split_avail_event(vq);
}

int
vemu_fast_split_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	struct rte_mbuf *mb[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t heads[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_chain c;
	struct split_burst b;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	const struct vemu_forbid *forbid = vq->forbid;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	const uint8_t *const r_va = r0->va;
	/* Fast frames: header + Ethernet header up to what one mbuf and the chain limit take. */
	const uint32_t fit = RTE_MIN(q->max_frame, q->mbuf_room) + VEMU_NET_HDR;
	const uint32_t max_len = RTE_MIN(fit, vq->max_bytes);
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size, mask = vq->mask;
	uint16_t k, w, nm = 0, out = 0, chains = 0;
	uint64_t bytes = 0;

	k = split_fast_begin(vq, &b, n);
	if (k == 0)
		return 0;
	if (unlikely(rte_mempool_get_bulk(q->mp, (void **)mb, k) != 0))
		return -1;	/* the generic path pops and drops (nombuf) */
	for (w = 0; w < k; w++) {
		struct vring_used_elem *ue;
		const struct vring_desc *d;
		struct rte_mbuf *m = mb[nm];
		uint16_t head, fl;
		int res;

		d = split_fast_head(vq, &b, size, mask, id_ndesc, &head);
		if (unlikely(d == NULL))
			break;
		fl = VEMU_READ_ONCE(uint16_t, &d->flags);
		if (likely(!(fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT |
				   VRING_DESC_F_WRITE)))) {
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint64_t off = addr - r_host;

			/*
			 * Fast case: in the first region (off wraps when addr is
			 * below it), not our BARs, a frame from an Ethernet header
			 * to what one mbuf and the chain limit take, a plain header.
			 */
			if (likely(off <= r_len && len <= r_len - off &&
				   len - (VEMU_NET_HDR + RTE_ETHER_HDR_LEN) <=
				   max_len - (VEMU_NET_HDR + RTE_ETHER_HDR_LEN) &&
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
					goto used;
				}
			}
			res = vemu_one_slow(vq, &c, vq->segs, addr, len,
					    (fl & VRING_DESC_F_WRITE) != 0);
		} else {
			res = vemu_split_chain_multi(vq, d, fl, &c, vq->segs);
		}
		if (likely(res == VEMU_CHAIN_OK)) {
			c.id = head;
			c.wr = c.rd + c.nb_rd;
			chains++;
			nm++;
			rte_pktmbuf_reset(m);
			res = vemu_net_tx_one(q, &c, m);
			if (likely(res == 0)) {
				pkts[out++] = m;
				bytes += m->pkt_len;
			} else {
				vemu_net_drop(q, (unsigned int)res - 1);
				rte_pktmbuf_free(m);
			}
		} else {
			/* Inflight was 0 and the elements go in ring order: IN_ORDER holds. */
			vemu_fast_vq_drop(vq, res);
		}
used:
		/* In flight until the burst is published: a second use of head is refused. */
		id_ndesc[head] = 1;
		heads[w] = head;
		ue = &b.used->ring[(uint16_t)(b.uidx + w) & mask];
		ue->id = head;
		ue->len = 0;	/* nothing written into a TX chain */
		b.last++;
	}
	split_fast_end(vq, &b, heads, w, chains, 0, 0);
	if (nm < k)
		rte_mempool_put_bulk(q->mp, (void **)(mb + nm), k - nm);
	q->stats.packets += out;
	q->stats.bytes += bytes;
	return out;
}

int
vemu_fast_split_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n, bool *more)
{
	struct virtio_emu_vq *vq = q->vq;
	struct rte_mbuf *fast[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t heads[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_chain c;
	struct split_burst b;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	const struct vemu_forbid *forbid = vq->forbid;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	uint8_t *const r_va = r0->va;
	const uint32_t max_bytes = vq->max_bytes;
	const uint8_t mrg = q->f_mrg;
	struct rte_mempool *mp = pkts[0]->pool;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size, mask = vq->mask;
	uint16_t k, w = 0, pi = 0, chains = 0, stashed = 0, sent = 0;
	unsigned int nf = 0;
	uint64_t bytes = 0, ubytes = 0;
	uint32_t hint = 0;
	uint16_t i;

	k = split_fast_begin(vq, &b, n);
	if (k == 0)
		return 0;
	for (i = 0; i < k; i++) {
		struct rte_mbuf *m = pkts[pi];
		uint32_t need = VEMU_NET_HDR + m->pkt_len, ulen = 0;
		struct vring_used_elem *ue;
		const struct vring_desc *d;
		uint16_t head, fl;
		int res;

		d = split_fast_head(vq, &b, size, mask, id_ndesc, &head);
		if (unlikely(d == NULL))
			break;
		fl = VEMU_READ_ONCE(uint16_t, &d->flags);
		if (likely((fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT |
				  VRING_DESC_F_WRITE)) == VRING_DESC_F_WRITE)) {
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint64_t off = addr - r_host;

			/*
			 * Fast case: in the first region, not our BARs, within the
			 * chain limit; a one-segment direct mbuf of the burst's
			 * pool, without offloads, that fits.
			 */
			if (likely(off <= r_len && len <= r_len - off && len <= max_bytes &&
				   need <= len && m->pkt_len == m->data_len &&
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
					       m->data_len);
				fast[nf++] = m;
				ulen = need;
				bytes += m->pkt_len;
				sent++;
				chains++;
				pi++;
				goto used;
			}
			res = vemu_one_slow(vq, &c, vq->segs, addr, len,
					    (fl & VRING_DESC_F_WRITE) != 0);
		} else {
			res = vemu_split_chain_multi(vq, d, fl, &c, vq->segs);
		}
		if (likely(res == VEMU_CHAIN_OK)) {
			c.id = head;
			c.wr = c.rd + c.nb_rd;
			chains++;
			if (mrg && c.wr_len < need) {
				/* Several buffers: the merge path takes it from the stash. */
				vemu_net_stash_one(q, &c);
				id_ndesc[head] = 1;
				stashed = 1;
				b.last++;
				*more = true;
				break;
			}
			ulen = vemu_net_rx_one(q, &c, m, &bytes);
			sent += ulen != 0;
			rte_pktmbuf_free(m);
			pi++;
		} else {
			/* A dropped chain takes no packet. */
			vemu_fast_vq_drop(vq, res);
		}
used:
		id_ndesc[head] = 1;
		heads[w] = head;
		ue = &b.used->ring[(uint16_t)(b.uidx + w) & mask];
		ue->id = head;
		ue->len = ulen;
		ubytes += ulen;
		w++;
		b.last++;
		if (pi == n)
			break;
	}
	if (mrg && hint >= 64)
		q->rx_buf_hint = hint;
	split_fast_end(vq, &b, heads, w, chains, stashed, ubytes);
	if (nf != 0)
		rte_mempool_put_bulk(mp, (void **)fast, nf);
	q->stats.packets += sent;
	q->stats.bytes += bytes;
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK))
		*more = false;
	return pi;
}
