/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Bursts of the device side: requests in, completions, MSI and messages out. */

#include <errno.h>
#include <string.h>

#include "tlpsim_dev.h"

void
tlpsim_dev_queue_relink(struct tlpsim_dev_queue *q, uint32_t gen)
{
	struct tlpsim_dev_priv *priv = q->priv;
	uint32_t slots = priv->args.ring_slots;

	/* Whatever DMA the previous link had in flight is lost. */
	if (priv->args.dma_mode == TLPSIM_DMA_TLP)
		tlpsim_dev_dma_tlp_reset(q);
	if ((gen & 1) != 0) {
		q->link = priv->link;
		tlpsim_ring_attach(&q->req, tlpsim_layout_ring(priv->ring_va, q->qid,
							       TLPSIM_RING_REQ, slots), slots);
		tlpsim_ring_attach(&q->dcpl, tlpsim_layout_ring(priv->ring_va, q->qid,
								TLPSIM_RING_DCPL, slots), slots);
		tlpsim_ring_attach(&q->up, tlpsim_layout_ring(priv->ring_va, q->qid,
							      TLPSIM_RING_UP, slots), slots);
	}
	q->gen = gen;
}

uint16_t
tlpsim_dev_rx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_req **reqs, uint16_t n)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	const uint8_t *rec;
	const void *data;
	struct tlp_req *r;
	/* Dropped records count too: a host flooding garbage cannot hold us here. */
	unsigned int budget = (unsigned int)n + 64;
	uint16_t nb = 0;
	uint32_t len;
	int ret;

	if (unlikely(!tlpsim_dev_enter(q)))
		goto leave;
	while (nb < n && budget-- > 0) {
		ret = tlpsim_ring_peek(&q->req, &rec, &len);
		if (ret == 0)
			break;
		if (unlikely(ret < 0)) {
			/* Impossible index or record header: everything published was dropped. */
			tlpdev_drv_count_malformed(dev, qid, TLP_ERR_TRUNCATED);
			continue;
		}
		r = reqs[nb];
		ret = tlp_decode(rec, len, &r->hdr, &data);
		tlpsim_ring_next(&q->req);
		if (unlikely(ret != 0)) {
			tlpdev_drv_count_malformed(dev, qid, ret);
			continue;
		}
		if (unlikely(tlpsim_kind_is_cpl(r->hdr.kind))) {
			/* Completions never travel on the request ring. */
			tlpdev_drv_count_err(dev, qid, TLPDEV_ERR_DMA_CPL_UNEXPECTED);
			continue;
		}
		if (tlpsim_kind_has_data(r->hdr.kind)) {
			r->data_len = (uint32_t)r->hdr.len_dw * TLP_DW_BYTES;
			/* Trust the decoder, but never copy from outside the record. */
			if (unlikely(data == NULL || !tlpsim_payload_in(rec, len, data,
									 r->hdr.len_dw))) {
				tlpdev_drv_count_malformed(dev, qid, TLP_ERR_LEN_MISMATCH);
				continue;
			}
			memcpy(r->data, data, r->data_len);
		} else {
			r->data_len = 0;
		}
		nb++;
	}
	tlpsim_ring_release(&q->req);
leave:
	tlpsim_dev_leave(q);
	return nb;
}

uint16_t
tlpsim_dev_tx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_cpl **cpls, uint16_t n)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	const struct tlp_hdr *h;
	uint32_t size;
	uint16_t i = 0;
	uint8_t *p;
	int ret;

	if (unlikely(!tlpsim_dev_enter(q)))
		goto leave;
	for (i = 0; i < n; i++) {
		h = &cpls[i]->hdr;
		size = RTE_MIN(tlpsim_tlp_room(h), TLPSIM_REC_MAX_LEN);
		p = tlpsim_ring_reserve(&q->up, size);
		if (p == NULL)
			break;
		ret = tlpsim_kind_is_cpl(h->kind) ? tlp_encode(h, cpls[i]->data, p, size) :
			-TLP_ERR_FMT_TYPE;
		if (unlikely(ret < 0)) {
			/* Not a valid completion: consumed, dropped and counted. */
			tlpdev_drv_count_malformed(dev, qid, ret);
			continue;
		}
		tlpsim_ring_commit(&q->up, (uint32_t)ret);
		tlpsim_ring_publish_some(&q->up);
	}
	tlpsim_ring_publish(&q->up);
leave:
	tlpsim_dev_leave(q);
	return i;
}

int
tlpsim_dev_msi_send(struct tlpdev *dev, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	struct tlp_hdr h;
	uint8_t *p;
	int ret;

	if (unlikely(!tlpsim_dev_enter(q))) {
		ret = -ENOTCONN;
		goto leave;
	}
	/* Ordered after the queue's DMA writes: they go upstream first. */
	if (q->priv->args.dma_mode == TLPSIM_DMA_TLP && tlpsim_dev_dma_flush_writes(q) != 0) {
		ret = -ENOBUFS;
		goto leave;
	}
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_MWR;
	h.req_id = q->link.dev_rid;
	h.addr = addr;
	h.len_dw = 1;
	h.first_be = 0xf;
	p = tlpsim_ring_reserve(&q->up, TLP_HDR_MAX_BYTES + TLP_DW_BYTES);
	if (p == NULL) {
		ret = -ENOBUFS;
		goto leave;
	}
	ret = tlp_encode(&h, &data, p, TLP_HDR_MAX_BYTES + TLP_DW_BYTES);
	if (ret < 0) {
		ret = -EINVAL;
		goto leave;
	}
	tlpsim_ring_commit(&q->up, (uint32_t)ret);
	tlpsim_ring_publish(&q->up);
	ret = 0;
leave:
	tlpsim_dev_leave(q);
	return ret;
}

int
tlpsim_dev_msg_send(struct tlpdev *dev, uint16_t qid, const struct tlp_hdr *msg)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	struct tlp_hdr h;
	uint8_t *p;
	int ret;

	/* Messages without data only: what the class API builds. */
	if (unlikely(msg->kind != TLP_KIND_MSG))
		return -EINVAL;
	if (unlikely(!tlpsim_dev_enter(q))) {
		ret = -ENOTCONN;
		goto leave;
	}
	/* Ordered after the queue's DMA writes, as an MSI is. */
	if (q->priv->args.dma_mode == TLPSIM_DMA_TLP && tlpsim_dev_dma_flush_writes(q) != 0) {
		ret = -ENOBUFS;
		goto leave;
	}
	h = *msg;
	p = tlpsim_ring_reserve(&q->up, TLP_HDR_MAX_BYTES);
	if (p == NULL) {
		ret = -ENOBUFS;
		goto leave;
	}
	ret = tlp_encode(&h, NULL, p, TLP_HDR_MAX_BYTES);
	if (ret < 0) {
		ret = -EINVAL;	/* nothing committed: the reservation is reused */
		goto leave;
	}
	tlpsim_ring_commit(&q->up, (uint32_t)ret);
	tlpsim_ring_publish(&q->up);
	ret = 0;
leave:
	tlpsim_dev_leave(q);
	return ret;
}
