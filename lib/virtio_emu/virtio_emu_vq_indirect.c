/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Indirect descriptor tables (VIRTIO_F_INDIRECT_DESC), split and packed.
 * The table is copied once into the vq's scratch (one memcpy on the direct
 * path, one DMA otherwise) and parsed from the copy: each entry is fetched
 * exactly once, whatever the driver does to it meanwhile.
 */

#include <string.h>

#include "virtio_emu_vq_private.h"

/* Split tables chain entries with next (index into the table); packed ones
 * are sequential. Both: no nested INDIRECT, total length within limits.
 */
int
vemu_indirect(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *c,
	      struct virtio_emu_vq_seg *seg, uint64_t addr, uint32_t len, unsigned int *ndesc)
{
	unsigned int nent, i, k, idx;
	const void *tbl;
	int rc;

	if (unlikely(!vq->f_indirect))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_FEATURE);
	nent = len / VRING_DESC_SIZE;
	if (unlikely(len == 0 || len % VRING_DESC_SIZE != 0 || nent > vq->max_descs))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_LEN);
	if (unlikely(*ndesc + nent > vq->max_descs))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
	if (unlikely(addr + len < addr))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR);
	if (vemu_forbidden(vq, addr, len))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_OWN_BAR);
	if (vq->direct) {
		tbl = vemu_translate(vq, addr, len);
		if (unlikely(tbl == NULL))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR);
		memcpy(vq->itbl, tbl, len);
	} else {
		if (unlikely(vemu_mem_read(vq, addr, vq->itbl, len) != 0))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_DMA);
	}

	if (vq->packed) {
		const struct vring_packed_desc *pd = (const void *)vq->itbl;

		for (i = 0; i < nent; i++) {
			uint16_t fl = pd[i].flags;

			/* NEXT is meaningless in a packed table: ignored. */
			if (unlikely(fl & VRING_DESC_F_INDIRECT))
				return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_NESTED);
			rc = vemu_chain_add(vq, c, &seg[i], pd[i].addr, pd[i].len,
					    (fl & VRING_DESC_F_WRITE) != 0);
			if (unlikely(rc != VEMU_CHAIN_OK))
				return rc;
		}
		*ndesc += nent;
		return VEMU_CHAIN_OK;
	}

	/* Split: follow next from entry 0; at most nent entries (else a loop). */
	idx = 0;
	for (k = 0; ; k++) {
		const struct vring_desc *d = &vq->itbl[idx];
		uint16_t fl = d->flags;

		if (unlikely(k >= nent))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
		if (unlikely(fl & VRING_DESC_F_INDIRECT))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_NESTED);
		rc = vemu_chain_add(vq, c, &seg[k], d->addr, d->len,
				    (fl & VRING_DESC_F_WRITE) != 0);
		if (unlikely(rc != VEMU_CHAIN_OK))
			return rc;
		if (!(fl & VRING_DESC_F_NEXT))
			break;
		idx = d->next;
		if (unlikely(idx >= nent))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_NEXT_RANGE);
	}
	*ndesc += k + 1;
	return VEMU_CHAIN_OK;
}
