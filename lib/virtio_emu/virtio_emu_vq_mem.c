/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Memory paths of the virtqueue engine other than the direct mapping: the
 * tlpdev DMA operations (batched: up to VEMU_DMA_BATCH operations per round
 * trip) and caller-supplied operations (tests, fuzzers); the check against
 * the function's own BARs (virtio_emu_forbid.h).
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "virtio_emu_vq_private.h"

/* A driver completes every operation within its completion timeout (at most
 * 50 ms on PCIe); a batch still outstanding after this is a broken backend.
 */
#define VEMU_DMA_DEADLINE_MS	1000u

static int
vemu_dma_batch(struct virtio_emu_vq *vq, bool write, const struct vemu_io *io, unsigned int n)
{
	struct tlpdev_dma_op *done[VEMU_DMA_BATCH];
	unsigned int i, sub = 0, got = 0;
	uint64_t deadline = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct tlpdev_dma_op *op = &vq->dma_ops[i];

		op->host_addr = io[i].addr;
		op->buf = io[i].buf;
		op->len = io[i].len;
		op->dir = write ? TLPDEV_DMA_WRITE : TLPDEV_DMA_READ;
		op->status = 0;
		vq->dma_opp[i] = op;
	}
	/* Bounded by the deadline: the driver takes and completes every op in time. */
	while (got < n) {
		uint16_t k;

		if (sub < n)
			sub += tlpdev_dma_submit(vq->dev_id, vq->dma_qid, &vq->dma_opp[sub],
						 (uint16_t)(n - sub));
		k = tlpdev_dma_complete(vq->dev_id, vq->dma_qid, done, (uint16_t)(sub - got));
		for (i = 0; i < k; i++)
			if (done[i]->status != 0 && rc == 0)
				rc = done[i]->status;
		got += k;
		if (got < n) {
			if (deadline == 0)
				deadline = rte_get_timer_cycles() +
					rte_get_timer_hz() / 1000 * VEMU_DMA_DEADLINE_MS;
			else if (rte_get_timer_cycles() > deadline)
				return -ETIMEDOUT;
		}
	}
	return rc;
}

/* Sequence-count retries before a reader gives up and calls the range forbidden. */
#define VEMU_FORBID_RETRIES	8u

bool
vemu_forbid_hit_slow(const struct vemu_forbid *f, uint64_t addr, uint64_t len)
{
	unsigned int tries, i, nb;
	uint32_t s0;
	bool hit;

	for (tries = 0; tries < VEMU_FORBID_RETRIES; tries++) {
		s0 = __atomic_load_n(&f->seq, __ATOMIC_ACQUIRE);
		if (s0 & 1u)
			continue;	/* being rewritten */
		nb = __atomic_load_n(&f->nb, __ATOMIC_RELAXED);
		hit = false;
		for (i = 0; i < nb && i < VEMU_FORBID_MAX; i++) {
			uint64_t b = __atomic_load_n(&f->r[i].base, __ATOMIC_RELAXED);
			uint64_t l = __atomic_load_n(&f->r[i].len, __ATOMIC_RELAXED);

			/* Overflow-safe overlap of [addr, addr + len) and [b, b + l). */
			if (addr >= b ? addr - b < l : b - addr < len)
				hit = true;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&f->seq, __ATOMIC_RELAXED) == s0)
			return hit;
	}
	return true;	/* the host keeps reprogramming BARs under DMA: refuse */
}

void
vemu_vq_forbid_set(struct virtio_emu_vq *vq, const struct vemu_forbid *f)
{
	vq->forbid = f;
}

int
vemu_mem_io(struct virtio_emu_vq *vq, bool write, const struct vemu_io *io, unsigned int n)
{
	unsigned int i;
	int rc;

	/* Rings and buffers alike: never an access to our own BARs. */
	for (i = 0; i < n; i++)
		if (io[i].len != 0 && vemu_forbidden(vq, io[i].addr, io[i].len))
			return -EFAULT;

	if (vq->mem_ops != NULL) {
		for (i = 0; i < n; i++) {
			rc = write ? vq->mem_ops->write(vq->mem_ctx, io[i].addr, io[i].buf,
							io[i].len) :
				vq->mem_ops->read(vq->mem_ctx, io[i].addr, io[i].buf, io[i].len);
			if (rc != 0)
				return rc < 0 ? rc : -EIO;
		}
		return 0;
	}
	for (i = 0; i < n; i += VEMU_DMA_BATCH) {
		unsigned int k = n - i < VEMU_DMA_BATCH ? n - i : VEMU_DMA_BATCH;

		rc = vemu_dma_batch(vq, write, io + i, k);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
vemu_mem_read(struct virtio_emu_vq *vq, uint64_t addr, void *buf, uint32_t len)
{
	struct vemu_io io = { .addr = addr, .buf = buf, .len = len };

	return vemu_mem_io(vq, false, &io, 1);
}

int
vemu_mem_write(struct virtio_emu_vq *vq, uint64_t addr, const void *buf, uint32_t len)
{
	struct vemu_io io = { .addr = addr, .buf = (void *)(uintptr_t)buf, .len = len };

	return vemu_mem_io(vq, true, &io, 1);
}
