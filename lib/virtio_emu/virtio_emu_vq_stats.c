/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Counters, reason names and the log type of the virtqueue engine. */

#include <errno.h>
#include <string.h>

#include "virtio_emu_vq_private.h"

RTE_LOG_REGISTER(vemu_vq_logtype, lib.virtio_emu.vq, NOTICE);

static const char *const vemu_drop_names[VIRTIO_EMU_VQ_DROP_MAX] = {
	[VIRTIO_EMU_VQ_DROP_NEXT_RANGE] = "next_range",
	[VIRTIO_EMU_VQ_DROP_CHAIN_LONG] = "chain_long",
	[VIRTIO_EMU_VQ_DROP_LEN_ZERO] = "len_zero",
	[VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW] = "len_overflow",
	[VIRTIO_EMU_VQ_DROP_ADDR] = "addr",
	[VIRTIO_EMU_VQ_DROP_WRITE_ORDER] = "write_order",
	[VIRTIO_EMU_VQ_DROP_INDIRECT_FEATURE] = "indirect_feature",
	[VIRTIO_EMU_VQ_DROP_INDIRECT_NESTED] = "indirect_nested",
	[VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT] = "indirect_next",
	[VIRTIO_EMU_VQ_DROP_INDIRECT_LEN] = "indirect_len",
	[VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR] = "indirect_addr",
	[VIRTIO_EMU_VQ_DROP_DMA] = "dma",
	[VIRTIO_EMU_VQ_DROP_OWN_BAR] = "own_bar",
};

static const char *const vemu_broken_names[VIRTIO_EMU_VQ_BROKEN_MAX] = {
	[VIRTIO_EMU_VQ_OK] = "ok",
	[VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX] = "avail_idx",
	[VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE] = "head_range",
	[VIRTIO_EMU_VQ_BROKEN_DUP_ID] = "dup_id",
	[VIRTIO_EMU_VQ_BROKEN_ID_RANGE] = "id_range",
	[VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN] = "packed_chain",
	[VIRTIO_EMU_VQ_BROKEN_RING_DMA] = "ring_dma",
};

const char *
virtio_emu_vq_drop_name(unsigned int reason)
{
	return reason < VIRTIO_EMU_VQ_DROP_MAX ? vemu_drop_names[reason] : "unknown";
}

const char *
virtio_emu_vq_broken_name(unsigned int reason)
{
	return reason < VIRTIO_EMU_VQ_BROKEN_MAX ? vemu_broken_names[reason] : "unknown";
}

void
vemu_vq_set_broken(struct virtio_emu_vq *vq, enum virtio_emu_vq_broken why)
{
	if (vq->broken != VIRTIO_EMU_VQ_OK)
		return;
	vq->broken = (uint8_t)why;
	vq->stats.broken = why;
	/* Once per queue life: not a flood. */
	VEMU_VQ_LOG(ERR, "queue %u broken: %s", vq->index, virtio_emu_vq_broken_name(why));
}

enum virtio_emu_vq_broken
virtio_emu_vq_broken(const struct virtio_emu_vq *vq)
{
	return (enum virtio_emu_vq_broken)vq->broken;
}

int
virtio_emu_vq_stats_get(const struct virtio_emu_vq *vq, struct virtio_emu_vq_stats *stats)
{
	if (vq == NULL || stats == NULL)
		return -EINVAL;
	*stats = vq->stats;
	return 0;
}

void
virtio_emu_vq_stats_reset(struct virtio_emu_vq *vq)
{
	memset(&vq->stats, 0, sizeof(vq->stats));
	vq->stats.broken = vq->broken;
}
