/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * DMA through the mapping of host memory (dma=map): every operation is a
 * bounds- and overflow-checked memcpy, done at submission; completion hands
 * the operations back in order.
 */

#include <errno.h>
#include <string.h>

#include "tlpsim_dev.h"

uint16_t
tlpsim_dev_dma_complete_fifo(struct tlpsim_dev_queue *q, struct tlpdev_dma_op **ops,
			     uint16_t n)
{
	uint16_t nb = 0;

	while (nb < n && q->fifo_head != q->fifo_issue) {
		ops[nb++] = q->fifo[q->fifo_head & (TLPSIM_DEV_DMA_FIFO - 1)].op;
		q->fifo_head++;
	}
	return nb;
}

uint16_t
tlpsim_dev_dma_submit_map(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
			  uint16_t n)
{
	struct tlpsim_dev_queue *q = &tlpsim_dev_priv(dev)->q[qid];
	uint32_t room = TLPSIM_DEV_DMA_FIFO - (q->fifo_tail - q->fifo_head);
	struct tlpdev_dma_op *op;
	uint16_t i;
	void *va;
	int up;

	up = tlpsim_dev_enter(q);
	if (n > room)
		n = (uint16_t)room;
	for (i = 0; i < n; i++) {
		op = ops[i];
		if (unlikely(!up)) {
			op->status = -ENOTCONN;
			tlpdev_drv_count_err(dev, qid, TLPDEV_ERR_LINK_DOWN);
		} else {
			va = tlpdev_host_translate(q->link.regions, q->link.nb_regions,
						   op->host_addr, op->len);
			if (unlikely(va == NULL)) {
				op->status = -EFAULT;
				tlpdev_drv_count_err(dev, qid, TLPDEV_ERR_DMA_BOUNDS);
			} else {
				/* A link-down now leaves scratch memory here: no fault. */
				if (op->dir == TLPDEV_DMA_READ)
					memcpy(op->buf, va, op->len);
				else
					memcpy(va, op->buf, op->len);
				op->status = 0;
			}
		}
		q->fifo[q->fifo_tail & (TLPSIM_DEV_DMA_FIFO - 1)].op = op;
		q->fifo_tail++;
	}
	/* Everything submitted is complete. */
	q->fifo_issue = q->fifo_tail;
	tlpsim_dev_leave(q);
	return n;
}

uint16_t
tlpsim_dev_dma_complete_map(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
			    uint16_t n)
{
	return tlpsim_dev_dma_complete_fifo(&tlpsim_dev_priv(dev)->q[qid], ops, n);
}
