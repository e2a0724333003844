/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Virtqueue engine: creation, checks of the ring the driver configured,
 * dispatch to the split / packed layouts, copies from and to chains, ring
 * position save and restore.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "virtio_emu_vq_private.h"

#define VEMU_F(bit)	(UINT64_C(1) << (bit))
#define VEMU_F_INDIRECT_DESC	28
#define VEMU_F_EVENT_IDX	29
#define VEMU_F_RING_PACKED	34
#define VEMU_F_IN_ORDER		35

static bool
vemu_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int
vemu_conf_check(const struct virtio_emu_vq_conf *conf, uint64_t len[3])
{
	bool packed = (conf->features & VEMU_F(VEMU_F_RING_PACKED)) != 0;
	const uint64_t addr[3] = { conf->desc_addr, conf->driver_addr, conf->device_addr };
	const uint64_t align[3] = { 16, packed ? 4 : 2, 4 };
	unsigned int i;

	if (conf->size == 0 || (!packed && !rte_is_power_of_2(conf->size)) ||
	    conf->nb_regions > TLPDEV_MAX_MEM_REGIONS ||
	    (conf->nb_regions != 0 && conf->regions == NULL) ||
	    (conf->mem_ops != NULL && (conf->mem_ops->read == NULL ||
				       conf->mem_ops->write == NULL)))
		return -EINVAL;
	len[0] = VRING_SPLIT_DESC_BYTES(conf->size);
	len[1] = packed ? 4 : VRING_SPLIT_AVAIL_BYTES(conf->size);
	len[2] = packed ? 4 : VRING_SPLIT_USED_BYTES(conf->size);
	for (i = 0; i < 3; i++)
		if (addr[i] % align[i] != 0 || addr[i] + len[i] < addr[i])
			return -EINVAL;
	if (vemu_overlap(addr[0], len[0], addr[1], len[1]) ||
	    vemu_overlap(addr[0], len[0], addr[2], len[2]) ||
	    vemu_overlap(addr[1], len[1], addr[2], len[2]))
		return -EINVAL;
	return 0;
}

struct virtio_emu_vq *
virtio_emu_vq_create(const struct virtio_emu_vq_conf *conf)
{
	struct virtio_emu_vq *vq;
	uint64_t len[3];
	int rc;

	if (conf == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	rc = vemu_conf_check(conf, len);
	if (rc != 0) {
		VEMU_VQ_LOG(ERR, "queue %u: bad ring configuration (size %u)", conf->index,
			    conf->size);
		rte_errno = -rc;
		return NULL;
	}
	vq = calloc(1, sizeof(*vq));
	if (vq == NULL)
		goto nomem;
	vq->size = conf->size;
	vq->packed = (conf->features & VEMU_F(VEMU_F_RING_PACKED)) != 0;
	vq->mask = vq->packed ? 0 : (uint16_t)(conf->size - 1);
	vq->f_indirect = (conf->features & VEMU_F(VEMU_F_INDIRECT_DESC)) != 0;
	vq->f_event_idx = (conf->features & VEMU_F(VEMU_F_EVENT_IDX)) != 0;
	vq->f_in_order = (conf->features & VEMU_F(VEMU_F_IN_ORDER)) != 0;
	vq->avail_wrap = 1;
	vq->used_wrap = 1;
	vq->sig_wrap = 1;
	vq->max_descs = conf->max_chain_descs != 0 ? conf->max_chain_descs : conf->size;
	vq->max_bytes = conf->max_chain_bytes != 0 ? conf->max_chain_bytes : UINT32_MAX;
	vq->dma_allowed = conf->dma_allowed;
	vq->dma_allowed_arg = conf->dma_allowed_arg;
	vq->mem_ops = conf->mem_ops;
	vq->mem_ctx = conf->mem_ctx;
	vq->dev_id = conf->dev_id;
	vq->dma_qid = conf->dma_qid;
	vq->index = conf->index;
	vq->desc_addr = conf->desc_addr;
	vq->driver_addr = conf->driver_addr;
	vq->device_addr = conf->device_addr;
	if (conf->mem_ops == NULL && conf->nb_regions != 0) {
		vq->direct = 1;
		vq->nb_regions = conf->nb_regions;
		memcpy(vq->regions, conf->regions, conf->nb_regions * sizeof(*conf->regions));
		vq->desc_va = vemu_translate(vq, conf->desc_addr, len[0]);
		vq->driver_va = vemu_translate(vq, conf->driver_addr, len[1]);
		vq->device_va = vemu_translate(vq, conf->device_addr, len[2]);
		if (vq->desc_va == NULL || vq->driver_va == NULL || vq->device_va == NULL) {
			VEMU_VQ_LOG(ERR, "queue %u: ring outside granted memory", conf->index);
			free(vq);
			rte_errno = EFAULT;
			return NULL;
		}
	}
	/* Room for two chains of the longest allowed length plus a full burst of short ones. */
	vq->nb_segs = 2u * vq->max_descs + 2u * VIRTIO_EMU_VQ_BURST_MAX;
	vq->segs = calloc(vq->nb_segs, sizeof(*vq->segs));
	vq->id_ndesc = calloc(vq->size, sizeof(*vq->id_ndesc));
	vq->itbl = calloc(vq->max_descs, sizeof(*vq->itbl));
	vq->bad = calloc(VIRTIO_EMU_VQ_BURST_MAX, sizeof(*vq->bad));
	vq->bad_ndesc = calloc(VIRTIO_EMU_VQ_BURST_MAX, sizeof(*vq->bad_ndesc));
	if (vq->segs == NULL || vq->id_ndesc == NULL || vq->itbl == NULL || vq->bad == NULL ||
	    vq->bad_ndesc == NULL)
		goto free_vq;
	return vq;

free_vq:
	virtio_emu_vq_free(vq);
nomem:
	rte_errno = ENOMEM;
	return NULL;
}

void
virtio_emu_vq_free(struct virtio_emu_vq *vq)
{
	if (vq == NULL)
		return;
	free(vq->segs);
	free(vq->id_ndesc);
	free(vq->itbl);
	free(vq->bad);
	free(vq->bad_ndesc);
	free(vq);
}

uint16_t
virtio_emu_vq_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n)
{
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK))
		return 0;
	if (unlikely(!vemu_dma_ok(vq))) {
		vq->stats.dma_blocked++;
		return 0;
	}
	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	return vq->packed ? vemu_packed_pop(vq, chains, n) : vemu_split_pop(vq, chains, n);
}

uint16_t
virtio_emu_vq_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used, uint16_t n)
{
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK))
		return 0;
	if (unlikely(!vemu_dma_ok(vq))) {
		vq->stats.dma_blocked++;
		return 0;
	}
	n = RTE_MIN(n, (uint16_t)VIRTIO_EMU_VQ_BURST_MAX);
	return vq->packed ? vemu_packed_push(vq, used, n) : vemu_split_push(vq, used, n);
}

bool
virtio_emu_vq_should_notify(struct virtio_emu_vq *vq)
{
	bool notify;

	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK || !vemu_dma_ok(vq)))
		return false;
	notify = vq->packed ? vemu_packed_should_notify(vq) : vemu_split_should_notify(vq);
	if (notify)
		vq->stats.notify_sent++;
	else
		vq->stats.notify_suppressed++;
	return notify;
}

int
virtio_emu_vq_notify_enable(struct virtio_emu_vq *vq, bool enable)
{
	if (vq->broken != VIRTIO_EMU_VQ_OK)
		return -EIO;
	if (!vemu_dma_ok(vq))
		return -EPERM;
	return vq->packed ? vemu_packed_notify_enable(vq, enable) :
		vemu_split_notify_enable(vq, enable);
}

int
vemu_one_slow(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *c,
	      struct virtio_emu_vq_seg *seg, uint64_t addr, uint32_t len, bool write)
{
	c->nb_rd = 0;
	c->nb_wr = 0;
	c->rd_len = 0;
	c->wr_len = 0;
	c->rd = seg;
	return vemu_chain_add(vq, c, seg, addr, len, write);
}

/* Copy between @p buf and the segments of one side of a chain. */
static int
vemu_chain_copy(struct virtio_emu_vq *vq, const struct virtio_emu_vq_seg *seg, uint16_t nseg,
		uint32_t total, uint32_t off, void *buf, uint32_t len, bool write)
{
	struct vemu_io io[VEMU_DMA_BATCH];
	uint8_t *p = buf;
	unsigned int i, m = 0;

	if (off > total || len > total - off)
		goto range;
	if (unlikely(vq->broken != VIRTIO_EMU_VQ_OK || !vemu_dma_ok(vq))) {
		vq->stats.copy_errors++;
		return -EPERM;
	}
	for (i = 0; i < nseg && len > 0; i++) {
		uint32_t n;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		n = RTE_MIN(len, seg[i].len - off);
		if (vq->direct) {
			if (write)
				memcpy((uint8_t *)seg[i].va + off, p, n);
			else
				memcpy(p, (const uint8_t *)seg[i].va + off, n);
		} else {
			io[m++] = (struct vemu_io){ seg[i].addr + off, p, n };
			if (m == VEMU_DMA_BATCH) {
				if (vemu_mem_io(vq, write, io, m) != 0)
					goto fault;
				m = 0;
			}
		}
		p += n;
		len -= n;
		off = 0;
	}
	if (m != 0 && vemu_mem_io(vq, write, io, m) != 0)
		goto fault;
	if (len != 0)
		goto range;	/* segments shorter than their recorded total: cannot happen */
	return 0;
range:
	vq->stats.copy_errors++;
	return -ERANGE;
fault:
	vq->stats.copy_errors++;
	return -EFAULT;
}

int
virtio_emu_vq_chain_read(struct virtio_emu_vq *vq, const struct virtio_emu_vq_chain *c,
			 uint32_t off, void *buf, uint32_t len)
{
	return vemu_chain_copy(vq, c->rd, c->nb_rd, c->rd_len, off, buf, len, false);
}

int
virtio_emu_vq_chain_write(struct virtio_emu_vq *vq, const struct virtio_emu_vq_chain *c,
			  uint32_t off, const void *buf, uint32_t len)
{
	return vemu_chain_copy(vq, c->wr, c->nb_wr, c->wr_len, off, (void *)(uintptr_t)buf, len,
			       true);
}

uint16_t
virtio_emu_vq_size(const struct virtio_emu_vq *vq)
{
	return vq->size;
}

uint16_t
virtio_emu_vq_inflight(const struct virtio_emu_vq *vq)
{
	return vq->inflight;
}

void
virtio_emu_vq_state_get(const struct virtio_emu_vq *vq, struct virtio_emu_vq_state *st)
{
	st->avail_idx = vq->last_avail;
	st->used_idx = vq->used_idx;
	st->avail_wrap = vq->avail_wrap;
	st->used_wrap = vq->used_wrap;
}

int
virtio_emu_vq_state_set(struct virtio_emu_vq *vq, const struct virtio_emu_vq_state *st)
{
	uint16_t idx[2];

	if (vq->inflight != 0 || vq->nb_bad != 0)
		return -EBUSY;
	if (vq->packed) {
		if (st->avail_idx >= vq->size || st->used_idx >= vq->size ||
		    st->avail_wrap > 1 || st->used_wrap > 1)
			return -EINVAL;
	} else {
		/* The driver's avail idx and our used idx in the ring must agree with the log. */
		if (vq->direct) {
			idx[0] = VEMU_READ_ONCE(uint16_t, (const uint8_t *)vq->driver_va + 2);
			idx[1] = VEMU_READ_ONCE(uint16_t, (const uint8_t *)vq->device_va + 2);
		} else if (vemu_mem_read(vq, vq->driver_addr + 2, &idx[0], 2) != 0 ||
			   vemu_mem_read(vq, vq->device_addr + 2, &idx[1], 2) != 0) {
			return -EIO;
		}
		if ((uint16_t)(idx[0] - st->avail_idx) > vq->size || idx[1] != st->used_idx ||
		    (uint16_t)(st->avail_idx - st->used_idx) > vq->size)
			return -EINVAL;
	}
	vq->last_avail = st->avail_idx;
	vq->used_idx = st->used_idx;
	vq->avail_wrap = st->avail_wrap;
	vq->used_wrap = st->used_wrap;
	vq->sig_used = st->used_idx;
	vq->sig_wrap = st->used_wrap;
	vq->sig_valid = 0;
	return 0;
}
