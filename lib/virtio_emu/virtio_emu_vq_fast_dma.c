/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net data path without a host memory mapping (tlpdev DMA or caller
 * operations): the copies of a whole burst are gathered and submitted
 * together (vemu_mem_io(): one round trip per VEMU_DMA_BATCH operations)
 * instead of one round trip per copy. Dequeue reads header and frame of
 * each chain into its mbuf (the header into the headroom, a local copy it
 * is then validated from); enqueue writes headers and frames. When the
 * batch fails (a bad address somewhere in it), every packet of the batch
 * is redone on its own by the generic code, which finds the culprit and
 * counts it; nothing decided from the failed batch is kept.
 */

#include <string.h>

#include <rte_common.h>

#include "virtio_emu_vq_fast.h"

/* Copies gathered for one burst at most; chains needing more take the generic way. */
#define VEMU_DMA_IO_MAX		(2u * VIRTIO_EMU_VQ_BURST_MAX)

/* Append the copies of [@p off, @p off + @p len) of segments @p seg to @p io. */
static bool
vemu_dma_gather(const struct virtio_emu_vq_seg *seg, uint16_t nseg, uint32_t off, uint8_t *buf,
		uint32_t len, struct vemu_io *io, unsigned int *m)
{
	unsigned int i;

	for (i = 0; i < nseg && len > 0; i++) {
		uint32_t k;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		if (*m == VEMU_DMA_IO_MAX)
			return false;
		k = RTE_MIN(len, seg[i].len - off);
		io[(*m)++] = (struct vemu_io){ seg[i].addr + off, buf, k };
		buf += k;
		len -= k;
		off = 0;
	}
	return len == 0;
}

/* The burst's copies may go out as one batch: queue fine, bus mastering on. */
static inline bool
vemu_dma_batch_ok(const struct virtio_emu_vq *vq)
{
	return vq->broken == VIRTIO_EMU_VQ_OK && vemu_dma_ok(vq);
}

int
vemu_dma_deq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	struct virtio_emu_vq_chain chains[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used used[VIRTIO_EMU_VQ_BURST_MAX];
	struct rte_mbuf *mb[VIRTIO_EMU_VQ_BURST_MAX];
	struct vemu_io io[VEMU_DMA_IO_MAX];
	uint8_t batched[VIRTIO_EMU_VQ_BURST_MAX];
	unsigned int m = 0, nb = 0;
	uint16_t k, i, out = 0;
	uint64_t bytes = 0;
	int rc;

	if (!vemu_dma_batch_ok(vq))
		return -1;
	k = virtio_emu_vq_pop(vq, chains, n);
	if (k == 0)
		return 0;
	if (unlikely(rte_pktmbuf_alloc_bulk(q->mp, mb, k) != 0)) {
		/* No mbufs: the chains go back unused (a drop, counted). */
		for (i = 0; i < k; i++) {
			used[i] = (struct virtio_emu_vq_used){ chains[i].id, 0 };
			vemu_net_drop(q, VIRTIO_EMU_NET_DROP_NOMBUF);
		}
		virtio_emu_vq_push(vq, used, k);
		return 0;
	}
	/* Header and frame of every chain that fits one mbuf: one batch. */
	for (i = 0; i < k; i++) {
		const struct virtio_emu_vq_chain *c = &chains[i];
		struct rte_mbuf *mbuf = mb[i];
		unsigned int m0 = m;

		used[i] = (struct virtio_emu_vq_used){ c->id, 0 };
		batched[i] = 0;
		if (c->rd_len < VEMU_NET_HDR + RTE_ETHER_HDR_LEN || mbuf->data_off < VEMU_NET_HDR ||
		    c->rd_len - VEMU_NET_HDR > (uint32_t)(mbuf->buf_len - mbuf->data_off))
			continue;
		if (vemu_dma_gather(c->rd, c->nb_rd, 0,
				    rte_pktmbuf_mtod(mbuf, uint8_t *) - VEMU_NET_HDR, c->rd_len,
				    io, &m)) {
			batched[i] = 1;
			nb++;
		} else {
			m = m0;
		}
	}
	rc = nb != 0 ? vemu_mem_io(vq, false, io, m) : 0;
	for (i = 0; i < k; i++) {
		const struct virtio_emu_vq_chain *c = &chains[i];
		struct rte_mbuf *mbuf = mb[i];
		int r;

		if (batched[i] && rc == 0) {
			struct virtio_net_hdr_v1 h;
			uint32_t plen = c->rd_len - VEMU_NET_HDR;

			/* The header as read, in the headroom: validated from there. */
			memcpy(&h, rte_pktmbuf_mtod(mbuf, uint8_t *) - VEMU_NET_HDR, VEMU_NET_HDR);
			mbuf->data_len = (uint16_t)plen;
			mbuf->pkt_len = plen;
			r = vemu_net_tx_hdr(q, &h, plen, mbuf);
			if (r != 0) {
				vemu_net_drop(q, (unsigned int)r - 1);
				rte_pktmbuf_free(mbuf);
				continue;
			}
		} else {
			/* Not batched, or the batch failed: the generic copy, on its own. */
			r = vemu_net_tx_one(q, c, mbuf);
			if (r != 0) {
				vemu_net_drop(q, (unsigned int)r - 1);
				rte_pktmbuf_free(mbuf);
				continue;
			}
		}
		pkts[out++] = mbuf;
		bytes += mbuf->pkt_len;
	}
	q->stats.packets += out;
	q->stats.bytes += bytes;
	virtio_emu_vq_push(vq, used, k);
	return out;
}

int
vemu_dma_enq(struct virtio_emu_net_q *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct virtio_emu_vq *vq = q->vq;
	struct virtio_emu_vq_chain chains[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used used[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_net_hdr_v1 hdr[VIRTIO_EMU_VQ_BURST_MAX];
	struct vemu_io io[VEMU_DMA_IO_MAX];
	uint8_t batched[VIRTIO_EMU_VQ_BURST_MAX];
	unsigned int m = 0, nb = 0;
	uint16_t k, i, sent = 0;
	uint64_t bytes = 0;
	int rc;

	if (!vemu_dma_batch_ok(vq))
		return -1;
	k = virtio_emu_vq_pop(vq, chains, n);
	for (i = 0; i < k; i++) {
		const struct virtio_emu_vq_chain *c = &chains[i];
		const struct rte_mbuf *mbuf = pkts[i], *s;
		uint32_t need = VEMU_NET_HDR + mbuf->pkt_len, off = VEMU_NET_HDR;
		unsigned int m0 = m;
		bool ok;

		used[i] = (struct virtio_emu_vq_used){ c->id, 0 };
		batched[i] = 0;
		if (c->wr_len < need)
			continue;	/* too small: the generic path drops it */
		vemu_net_rx_hdr(q, mbuf, &hdr[i]);
		ok = vemu_dma_gather(c->wr, c->nb_wr, 0, (uint8_t *)&hdr[i], VEMU_NET_HDR, io, &m);
		for (s = mbuf; ok && s != NULL; s = s->next) {
			ok = vemu_dma_gather(c->wr, c->nb_wr, off,
					     rte_pktmbuf_mtod(s, uint8_t *), s->data_len, io, &m);
			off += s->data_len;
		}
		/* Segments must add up to pkt_len, as the generic copy has it. */
		if (ok && off == need) {
			batched[i] = 1;
			used[i].len = need;
			nb++;
		} else {
			m = m0;
		}
	}
	rc = nb != 0 ? vemu_mem_io(vq, true, io, m) : 0;
	for (i = 0; i < k; i++) {
		const struct rte_mbuf *mbuf = pkts[i];

		if (!batched[i] || rc != 0) {
			/* Not batched, or the batch failed: the generic copy, on its own. */
			used[i].len = vemu_net_rx_one(q, &chains[i], mbuf, &bytes);
			sent += used[i].len != 0;
		} else {
			bytes += mbuf->pkt_len;
			sent++;
		}
	}
	/* Taken packets are freed at once (sent or dropped). */
	vemu_net_free_burst(pkts, k);
	q->stats.packets += sent;
	q->stats.bytes += bytes;
	virtio_emu_vq_push(vq, used, k);
	return k;
}
