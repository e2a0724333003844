/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * DMA over TLPs (dma=tlp), the path a device without a mapping of host
 * memory takes: reads become MRd requests split at Max_Read_Request_Size and
 * 4 KiB boundaries, each with a tag of the queue; their completions come back
 * on the downstream completion ring and are reassembled and checked; writes
 * become MWr requests split at Max_Payload_Size and 4 KiB. Operations complete
 * in submission order; a read request unanswered for cpl_timeout_ms fails
 * its operation with -ETIMEDOUT.
 *
 * FIFO: [head, issue) turned into TLPs (reads may wait for completions),
 * [issue, tail) waiting for ring room or tags.
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "tlpsim_dev.h"

#define TLPSIM_FIFO_MASK (TLPSIM_DEV_DMA_FIFO - 1)

static inline struct tlpsim_dev_dma_slot *
tlpsim_dev_slot(struct tlpsim_dev_queue *q, uint32_t idx)
{
	return &q->fifo[idx & TLPSIM_FIFO_MASK];
}

static inline void
tlpsim_dev_op_fail(struct tlpsim_dev_queue *q, struct tlpsim_dev_dma_slot *s, int status,
		   enum tlpdev_err err)
{
	if (s->status == 0) {
		s->status = status;
		tlpdev_drv_count_err(q->dev, q->qid, err);
	}
}

static inline void
tlpsim_dev_tag_free(struct tlpsim_dev_queue *q, uint16_t tag)
{
	q->tags[tag].state = TLPSIM_DEV_TAG_FREE;
	q->free_tags[q->nb_free++] = tag;
	q->nb_busy--;
}

/* Keep a tag out of use for a while: its late completions are absorbed. */
static inline void
tlpsim_dev_tag_quarantine(struct tlpsim_dev_queue *q, struct tlpsim_dev_tag *t, uint64_t now)
{
	t->state = TLPSIM_DEV_TAG_QUAR;
	t->deadline = now + q->priv->timeout_tsc;
	t->rd.dst = NULL;
}

void
tlpsim_dev_dma_tlp_reset(struct tlpsim_dev_queue *q)
{
	unsigned int t, lo, hi;
	uint32_t i;

	/* Every operation not finished yet fails: the link it used is gone. */
	for (i = q->fifo_head; i != q->fifo_tail; i++) {
		struct tlpsim_dev_dma_slot *s = tlpsim_dev_slot(q, i);

		if (s->status == 0 && (s->issued < s->op->len || s->pending > 0))
			tlpsim_dev_op_fail(q, s, -ENOTCONN, TLPDEV_ERR_LINK_DOWN);
		s->pending = 0;
		s->issued = s->op->len;
	}
	q->fifo_issue = q->fifo_tail;
	/* Fresh tag space for the next link. */
	memset(q->tags, 0, sizeof(*q->tags) * TLPSIM_DEV_TAGS);
	lo = q->priv->link.tag10 ? 256 : 0;
	hi = q->priv->link.tag10 ? TLPSIM_DEV_TAGS : 256;
	q->nb_free = 0;
	for (t = hi; t > lo; t--)
		q->free_tags[q->nb_free++] = (uint16_t)(t - 1);
	q->nb_busy = 0;
	q->next_scan = 0;
}

/* Turn queued operations into TLPs while ring room and tags last. */
static void
tlpsim_dev_issue(struct tlpsim_dev_queue *q, uint64_t now)
{
	struct tlpsim_dev_dma_slot *s;
	struct tlpdev_dma_op *op;
	struct tlpsim_dev_tag *t;
	struct tlp_hdr h;
	uint32_t chunk, hsz, size;
	uint64_t addr;
	uint16_t tag;
	uint8_t *p;

	memset(&h, 0, sizeof(h));
	h.req_id = q->link.dev_rid;
	for (; q->fifo_issue != q->fifo_tail; q->fifo_issue++) {
		s = tlpsim_dev_slot(q, q->fifo_issue);
		op = s->op;
		while (s->issued < op->len && s->status == 0) {
			addr = op->host_addr + s->issued;
			if (op->dir == TLPDEV_DMA_READ) {
				if (q->nb_free == 0)
					goto out;
				chunk = tlpsim_req_chunk(addr, op->len - s->issued, q->link.mrrs);
				h.kind = TLP_KIND_MRD;
				tlpsim_mem_req_fill(&h, addr, chunk);
				tag = q->free_tags[q->nb_free - 1];
				h.tag = tag;
				size = (uint32_t)tlp_hdr_size(&h);
				p = tlpsim_ring_reserve(&q->up, size);
				if (p == NULL || tlp_encode(&h, NULL, p, size) < 0)
					goto out;
				tlpsim_ring_commit(&q->up, size);
				tlpsim_ring_publish_some(&q->up);
				q->nb_free--;
				q->nb_busy++;
				t = &q->tags[tag];
				tlpsim_rd_init(&t->rd, &h, (uint8_t *)op->buf + s->issued,
					       q->link.rcb);
				t->deadline = now + q->priv->timeout_tsc;
				t->slot = q->fifo_issue;
				t->state = TLPSIM_DEV_TAG_BUSY;
				s->pending++;
			} else {
				chunk = tlpsim_req_chunk(addr, op->len - s->issued, q->link.mps);
				h.kind = TLP_KIND_MWR;
				h.tag = 0;
				tlpsim_mem_req_fill(&h, addr, chunk);
				hsz = (uint32_t)tlp_hdr_size(&h);
				size = hsz + (uint32_t)h.len_dw * TLP_DW_BYTES;
				p = tlpsim_ring_reserve(&q->up, size);
				/* Header only; the payload is written in place below. */
				if (p == NULL || tlp_encode(&h, NULL, p, size) < 0)
					goto out;
				p += hsz;
				/* Bytes outside the enables are zero. */
				if ((addr & 3) != 0)
					memset(p, 0, 4);
				if (((addr + chunk) & 3) != 0)
					memset(p + (size - hsz) - 4, 0, 4);
				memcpy(p + (addr & 3), (const uint8_t *)op->buf + s->issued, chunk);
				tlpsim_ring_commit(&q->up, size);
				tlpsim_ring_publish_some(&q->up);
			}
			s->issued += chunk;
		}
	}
out:
	tlpsim_ring_publish(&q->up);
}

/* Take the completions of our reads from the downstream completion ring. */
static void
tlpsim_dev_cpl_in(struct tlpsim_dev_queue *q, uint64_t now)
{
	struct tlpdev *dev = q->dev;
	struct tlpsim_dev_dma_slot *s;
	struct tlpsim_dev_tag *t;
	const uint8_t *rec;
	const void *data;
	struct tlp_hdr c;
	unsigned int budget = 256;
	uint32_t len;
	int ret;

	while (budget-- > 0) {
		ret = tlpsim_ring_peek(&q->dcpl, &rec, &len);
		if (ret == 0)
			break;
		if (unlikely(ret < 0)) {
			tlpdev_drv_count_malformed(dev, q->qid, TLP_ERR_TRUNCATED);
			continue;
		}
		ret = tlp_decode(rec, len, &c, &data);
		tlpsim_ring_next(&q->dcpl);
		if (unlikely(ret != 0)) {
			tlpdev_drv_count_malformed(dev, q->qid, ret);
			continue;
		}
		if (unlikely(!tlpsim_payload_in(rec, len, data, c.len_dw))) {
			tlpdev_drv_count_malformed(dev, q->qid, TLP_ERR_LEN_MISMATCH);
			continue;
		}
		if (unlikely(!tlp_kind_is_cpl(c.kind) || c.tag >= TLPSIM_DEV_TAGS)) {
			tlpdev_drv_count_err(dev, q->qid, TLPDEV_ERR_DMA_CPL_UNEXPECTED);
			continue;
		}
		t = &q->tags[c.tag];
		if (unlikely(t->state != TLPSIM_DEV_TAG_BUSY)) {
			/* Late pieces of a failed read are absorbed; the rest is unexpected. */
			if (t->state != TLPSIM_DEV_TAG_QUAR)
				tlpdev_drv_count_err(dev, q->qid, TLPDEV_ERR_DMA_CPL_UNEXPECTED);
			continue;
		}
		s = tlpsim_dev_slot(q, t->slot);
		if (unlikely(c.req_id != q->link.dev_rid)) {
			/* Our tag, someone else's requester ID: the read is spoilt. */
			tlpsim_dev_op_fail(q, s, -EIO, TLPDEV_ERR_DMA_CPL_UNEXPECTED);
			ret = -EIO;
		} else {
			ret = tlpsim_rd_accept(&t->rd, &c, data);
			if (ret == TLPSIM_RD_MORE)
				continue;
			if (ret == -EPROTO)
				tlpsim_dev_op_fail(q, s, -EIO, TLPDEV_ERR_DMA_CPL_UNEXPECTED);
			else if (ret < 0)
				tlpsim_dev_op_fail(q, s, -EIO, TLPDEV_ERR_DMA_CPL_STATUS);
		}
		s->pending--;
		if (ret == TLPSIM_RD_DONE)
			tlpsim_dev_tag_free(q, c.tag);
		else
			tlpsim_dev_tag_quarantine(q, t, now);
	}
	tlpsim_ring_release(&q->dcpl);
}

/* Fail reads past their completion timeout; recycle quarantined tags. */
static void
tlpsim_dev_scan(struct tlpsim_dev_queue *q, uint64_t now)
{
	struct tlpsim_dev_tag *t;
	unsigned int i;

	q->next_scan = now + q->priv->scan_tsc;
	for (i = 0; i < TLPSIM_DEV_TAGS && q->nb_busy > 0; i++) {
		t = &q->tags[i];
		if (t->state == TLPSIM_DEV_TAG_FREE || now <= t->deadline)
			continue;
		if (t->state == TLPSIM_DEV_TAG_BUSY) {
			struct tlpsim_dev_dma_slot *s = tlpsim_dev_slot(q, t->slot);

			tlpsim_dev_op_fail(q, s, -ETIMEDOUT, TLPDEV_ERR_DMA_TIMEOUT);
			s->pending--;
			tlpsim_dev_tag_quarantine(q, t, now);
		} else {
			tlpsim_dev_tag_free(q, (uint16_t)i);
		}
	}
}

/* Detach the reads still pending for a failed operation about to be handed back. */
static void
tlpsim_dev_orphan(struct tlpsim_dev_queue *q, uint32_t idx, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < TLPSIM_DEV_TAGS; i++)
		if (q->tags[i].state == TLPSIM_DEV_TAG_BUSY && q->tags[i].slot == idx)
			tlpsim_dev_tag_quarantine(q, &q->tags[i], now);
	tlpsim_dev_slot(q, idx)->pending = 0;
}

uint16_t
tlpsim_dev_dma_submit_tlp(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
			  uint16_t n)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	uint32_t room = TLPSIM_DEV_DMA_FIFO - (q->fifo_tail - q->fifo_head);
	struct tlpsim_dev_dma_slot *s;
	struct tlpdev_dma_op *op;
	uint16_t i;
	int up;

	up = tlpsim_dev_enter(q);
	if (n > room)
		n = (uint16_t)room;
	for (i = 0; i < n; i++) {
		op = ops[i];
		s = tlpsim_dev_slot(q, q->fifo_tail++);
		s->op = op;
		s->issued = 0;
		s->pending = 0;
		s->status = 0;
		op->status = 0;
		if (unlikely(!up)) {
			tlpsim_dev_op_fail(q, s, -ENOTCONN, TLPDEV_ERR_LINK_DOWN);
		} else if (unlikely(op->len == 0 || op->len - 1 > UINT64_MAX - op->host_addr)) {
			/* Wraps the bus address space. */
			tlpsim_dev_op_fail(q, s, -EFAULT, TLPDEV_ERR_DMA_BOUNDS);
		}
	}
	if (up)
		tlpsim_dev_issue(q, rte_get_tsc_cycles());
	tlpsim_dev_leave(q);
	return n;
}

uint16_t
tlpsim_dev_dma_complete_tlp(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
			    uint16_t n)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	struct tlpsim_dev_dma_slot *s;
	uint16_t nb = 0;
	uint64_t now;

	if (q->fifo_head == q->fifo_tail)
		return 0;
	now = rte_get_tsc_cycles();
	if (tlpsim_dev_enter(q)) {
		tlpsim_dev_cpl_in(q, now);
		tlpsim_dev_issue(q, now);
		if (now >= q->next_scan && q->nb_busy > 0)
			tlpsim_dev_scan(q, now);
	}
	while (nb < n && q->fifo_head != q->fifo_tail) {
		s = tlpsim_dev_slot(q, q->fifo_head);
		if (s->status == 0) {
			if (s->issued < s->op->len || s->pending > 0)
				break;
		} else if (s->pending > 0) {
			tlpsim_dev_orphan(q, q->fifo_head, now);
		}
		if (q->fifo_issue == q->fifo_head)
			q->fifo_issue++;	/* a failed operation never issued */
		s->op->status = s->status;
		ops[nb++] = s->op;
		q->fifo_head++;
	}
	tlpsim_dev_leave(q);
	return nb;
}

int
tlpsim_dev_dma_flush_writes(struct tlpsim_dev_queue *q)
{
	uint32_t i;

	tlpsim_dev_issue(q, rte_get_tsc_cycles());
	for (i = q->fifo_issue; i != q->fifo_tail; i++) {
		struct tlpsim_dev_dma_slot *s = tlpsim_dev_slot(q, i);

		if (s->op->dir == TLPDEV_DMA_WRITE && s->status == 0)
			return -ENOBUFS;
	}
	return 0;
}
