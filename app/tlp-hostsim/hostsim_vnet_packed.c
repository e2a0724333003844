/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Packed virtqueue, driver side. One descriptor ring shared both ways, with
 * the driver's and the device's wrap counters; buffer ids come from a
 * private free list. Chains added in one batch are published together: the
 * first head's flags are stored last, with release semantics, so the device
 * (which stops at the first descriptor not available) sees the whole batch
 * at once.
 */

#include <errno.h>
#include <string.h>

#include "hostsim_vnet_vq.h"

int
hostsim_vq_packed_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m)
{
	vq->pdesc = hostsim_vnet_mem_alloc(m, (uint64_t)vq->size *
					   sizeof(struct hostsim_vring_pdesc), 4096,
					   &vq->desc_iova);
	vq->drv_event = hostsim_vnet_mem_alloc(m, sizeof(*vq->drv_event), 64, &vq->driver_iova);
	vq->dev_event = hostsim_vnet_mem_alloc(m, sizeof(*vq->dev_event), 64, &vq->device_iova);
	if (vq->pdesc == NULL || vq->drv_event == NULL || vq->dev_event == NULL)
		return -ENOMEM;
	vq->avail_wrap = 1;
	vq->used_wrap = 1;
	hostsim_vq_packed_irq(vq, 0);
	return 0;
}

/* AVAIL and USED bits marking a descriptor available in the current lap. */
static inline uint16_t
hostsim_vq_packed_avail_bits(const struct hostsim_vq *vq)
{
	return vq->avail_wrap ? HOSTSIM_VRING_PDESC_F_AVAIL : HOSTSIM_VRING_PDESC_F_USED;
}

int
hostsim_vq_packed_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
		      void *cookie)
{
	int ind = vq->indirect && n > 1 && n <= vq->max_segs;
	uint16_t need = ind ? 1 : n, id, head = vq->avail_idx, pos = head, flags, i;
	uint16_t head_flags = 0;
	struct hostsim_vring_pdesc *d;
	struct hostsim_vq_slot *s;
	uint32_t wlen = 0;

	if (vq->num_free < need)
		return -ENOSPC;
	id = vq->free_head;
	for (i = 0; i < n; i++)
		if (segs[i].write)
			wlen += segs[i].len;
	for (i = 0; i < need; i++) {
		d = &vq->pdesc[pos];
		if (ind) {
			d->addr = hostsim_vq_indirect_fill(vq, id, segs, n);
			d->len = (uint32_t)(n * sizeof(struct hostsim_vring_desc));
			flags = HOSTSIM_VRING_DESC_F_INDIRECT;
		} else {
			d->addr = segs[i].addr;
			d->len = segs[i].len;
			flags = (uint16_t)((segs[i].write ? HOSTSIM_VRING_DESC_F_WRITE : 0) |
					   (i + 1 < n ? HOSTSIM_VRING_DESC_F_NEXT : 0));
		}
		d->id = id;
		flags |= hostsim_vq_packed_avail_bits(vq);
		if (i == 0)
			head_flags = flags;
		else
			d->flags = flags;	/* ordered by the head's release store */
		if (++pos == vq->size) {
			pos = 0;
			vq->avail_wrap ^= 1;
		}
	}
	vq->avail_idx = pos;
	if (vq->pend_head < 0) {
		vq->pend_head = head;
		vq->pend_flags = head_flags;
	} else {
		/* Behind an unpublished head: the device cannot reach it before the publish. */
		vq->pdesc[head].flags = head_flags;
	}
	vq->free_head = vq->next[id];
	vq->num_free = (uint16_t)(vq->num_free - need);
	vq->since_kick = (uint16_t)(vq->since_kick + need);
	s = &vq->slot[id];
	s->cookie = cookie;
	s->wlen = wlen;
	s->ndesc = need;
	s->last = id;
	s->inflight = 1;
	vq->inflight++;
	vq->chains_added++;
	return 0;
}

void
hostsim_vq_packed_publish(struct hostsim_vq *vq)
{
	if (vq->pend_head < 0)
		return;
	/* Release: every descriptor of the batch before the flags of its first head. */
	__atomic_store_n(&vq->pdesc[vq->pend_head].flags, vq->pend_flags, __ATOMIC_RELEASE);
	vq->pend_head = -1;
}

int
hostsim_vq_packed_kick_prepare(struct hostsim_vq *vq)
{
	uint32_t ev;
	uint16_t added = vq->since_kick, off_wrap, flags;
	int32_t off, dist;

	if (added == 0)
		return 0;
	vq->since_kick = 0;
	/* Full fence: the published flags before the load of the device's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* One load: offset and flags of the same write. */
	ev = __atomic_load_n((uint32_t *)vq->dev_event, __ATOMIC_RELAXED);
	off_wrap = (uint16_t)ev;
	flags = (uint16_t)(ev >> 16) & 3;
	if (flags == HOSTSIM_VRING_PEVENT_DISABLE)
		return 0;
	if (flags != HOSTSIM_VRING_PEVENT_DESC || !vq->event_idx)
		return 1;	/* enable, or a value we cannot interpret: notify */
	off = off_wrap & 0x7fff;
	if (off >= vq->size)
		return 1;
	/* An offset of the previous lap lies one ring length behind. */
	if ((off_wrap >> 15) != vq->avail_wrap)
		off -= vq->size;
	/* Notify when the event descriptor is among those made available since. */
	dist = (int32_t)vq->avail_idx - off;
	return dist >= 1 && dist <= added;
}

/* Whether the descriptor at @p flags is used in the lap of @p wrap. */
static inline int
hostsim_vq_packed_is_used(uint16_t flags, uint8_t wrap)
{
	int avail = (flags & HOSTSIM_VRING_PDESC_F_AVAIL) != 0;
	int used = (flags & HOSTSIM_VRING_PDESC_F_USED) != 0;

	return avail == used && used == wrap;
}

uint16_t
hostsim_vq_packed_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u, uint16_t n)
{
	volatile struct hostsim_vring_pdesc *d;
	struct hostsim_vq_slot *s;
	uint16_t k, flags, id, pos;
	uint32_t len;

	for (k = 0; k < n; k++) {
		if (vq->inflight == 0)
			break;
		d = &vq->pdesc[vq->last_used];
		/* Acquire: id and len are read after the flags that show them used. */
		flags = __atomic_load_n(&vq->pdesc[vq->last_used].flags, __ATOMIC_ACQUIRE);
		if (!hostsim_vq_packed_is_used(flags, vq->used_wrap))
			break;
		id = d->id;
		len = d->len;
		if (hostsim_vq_used_check(vq, id, len) != 0)
			break;
		s = &vq->slot[id];
		u[k].cookie = s->cookie;
		u[k].len = len;
		s->inflight = 0;
		pos = (uint16_t)(vq->last_used + s->ndesc);
		if (pos >= vq->size) {
			pos = (uint16_t)(pos - vq->size);
			vq->used_wrap ^= 1;
		}
		vq->last_used = pos;
		vq->next[id] = vq->free_head;
		vq->free_head = id;
		vq->num_free = (uint16_t)(vq->num_free + s->ndesc);
		vq->inflight--;
	}
	return k;
}

int
hostsim_vq_packed_has_used(const struct hostsim_vq *vq)
{
	uint16_t flags;

	if (vq->inflight == 0)
		return 0;
	flags = __atomic_load_n(&vq->pdesc[vq->last_used].flags, __ATOMIC_ACQUIRE);
	return hostsim_vq_packed_is_used(flags, vq->used_wrap);
}

void
hostsim_vq_packed_irq(struct hostsim_vq *vq, int on)
{
	uint16_t flags = HOSTSIM_VRING_PEVENT_DISABLE;

	if (on && vq->event_idx) {
		vq->drv_event->off_wrap = (uint16_t)(vq->last_used | vq->used_wrap << 15);
		flags = HOSTSIM_VRING_PEVENT_DESC;
	} else if (on) {
		flags = HOSTSIM_VRING_PEVENT_ENABLE;
	}
	/* Release: the offset before the flags that make it count. */
	__atomic_store_n(&vq->drv_event->flags, flags, __ATOMIC_RELEASE);
	/* Full fence: the wish is visible before the caller re-checks the ring. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
