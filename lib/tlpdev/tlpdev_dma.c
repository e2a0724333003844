/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>

#include <rte_pause.h>

#include "tlpdev_private.h"

uint16_t
tlpdev_dma_submit(uint16_t dev_id, uint16_t qid, struct tlpdev_dma_op **ops, uint16_t n)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	uint16_t nb;

	if (unlikely(dev == NULL || !dev->started || n == 0))
		return 0;
	nb = dev->ops->dma_submit(dev, qid, ops, n);
	dev->qstats[qid].dma_inflight += nb;
	return nb;
}

uint16_t
tlpdev_dma_complete(uint16_t dev_id, uint16_t qid, struct tlpdev_dma_op **ops, uint16_t n)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	struct tlpdev_queue_stats *qs;
	uint16_t nb, i;

	/* Completion is polled even when stopped: stop fails what is in flight. */
	if (unlikely(dev == NULL || n == 0))
		return 0;
	qs = &dev->qstats[qid];
	if (qs->dma_inflight == 0)
		return 0;
	nb = dev->ops->dma_complete(dev, qid, ops, n);
	qs->dma_inflight -= nb;
	for (i = 0; i < nb; i++) {
		const struct tlpdev_dma_op *op = ops[i];

		if (op->status != 0)
			continue;
		if (op->dir == TLPDEV_DMA_READ) {
			qs->dma_read_ops++;
			qs->dma_read_bytes += op->len;
		} else {
			qs->dma_write_ops++;
			qs->dma_write_bytes += op->len;
		}
	}
	return nb;
}

int
tlpdev_dma_sync(uint16_t dev_id, uint16_t qid, enum tlpdev_dma_dir dir, uint64_t host_addr,
		void *buf, uint32_t len)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	struct tlpdev_dma_op op = {
		.host_addr = host_addr,
		.buf = buf,
		.len = len,
		.dir = (uint8_t)dir,
	};
	struct tlpdev_dma_op *p = &op, *done;

	if (dev == NULL)
		return -ENODEV;
	if (buf == NULL || len == 0 || (dir != TLPDEV_DMA_READ && dir != TLPDEV_DMA_WRITE))
		return -EINVAL;
	if (dev->qstats[qid].dma_inflight != 0)
		return -EBUSY;
	if (tlpdev_dma_submit(dev_id, qid, &p, 1) != 1)
		return dev->started ? -ENOBUFS : -ENOTCONN;
	/*
	 * The driver owns @op until it hands it back, and every driver completes
	 * what it accepted within its completion timeout (or at link-down or
	 * stop), so this wait is bounded.
	 */
	while (tlpdev_dma_complete(dev_id, qid, &done, 1) == 0)
		rte_pause();
	return done->status;
}
