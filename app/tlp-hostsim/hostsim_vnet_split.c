/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Split virtqueue, driver side. Descriptor table, available ring (the driver
 * area) and used ring (the device area) in host memory; free descriptors are
 * linked through a private shadow of the next fields, so nothing the device
 * could have written is followed.
 */

#include <errno.h>
#include <string.h>

#include "hostsim_vnet_vq.h"

int
hostsim_vq_split_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m)
{
	uint64_t n = vq->size;

	vq->desc = hostsim_vnet_mem_alloc(m, n * sizeof(struct hostsim_vring_desc), 4096,
					  &vq->desc_iova);
	/* flags, idx, ring[n], used_event */
	vq->avail = hostsim_vnet_mem_alloc(m, 6 + 2 * n, 64, &vq->driver_iova);
	/* flags, idx, ring[n], avail_event */
	vq->used = hostsim_vnet_mem_alloc(m, 6 + 8 * n, 4096, &vq->device_iova);
	if (vq->desc == NULL || vq->avail == NULL || vq->used == NULL)
		return -ENOMEM;
	vq->used_event = &vq->avail->ring[n];
	vq->avail_event = (volatile uint16_t *)&vq->used->ring[n];
	hostsim_vq_split_irq(vq, 0);
	return 0;
}

int
hostsim_vq_split_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
		     void *cookie)
{
	uint16_t head = vq->free_head, d = head, last = head, i, mask = vq->size - 1;
	struct hostsim_vring_desc *desc;
	struct hostsim_vq_slot *s;
	uint32_t wlen = 0;
	int ind = vq->indirect && n > 1 && n <= vq->max_segs;

	if (vq->num_free < (ind ? 1 : n))
		return -ENOSPC;
	for (i = 0; i < n; i++)
		if (segs[i].write)
			wlen += segs[i].len;
	if (ind) {
		desc = &vq->desc[head];
		desc->addr = hostsim_vq_indirect_fill(vq, head, segs, n);
		desc->len = (uint32_t)(n * sizeof(struct hostsim_vring_desc));
		desc->flags = HOSTSIM_VRING_DESC_F_INDIRECT;
		desc->next = 0;
		n = 1;
	} else {
		for (i = 0; i < n; i++) {
			desc = &vq->desc[d];
			desc->addr = segs[i].addr;
			desc->len = segs[i].len;
			desc->flags = (uint16_t)((segs[i].write ? HOSTSIM_VRING_DESC_F_WRITE : 0) |
						 (i + 1 < n ? HOSTSIM_VRING_DESC_F_NEXT : 0));
			desc->next = vq->next[d];
			last = d;
			d = vq->next[d];
		}
	}
	vq->free_head = ind ? vq->next[head] : d;
	vq->num_free = (uint16_t)(vq->num_free - n);
	s = &vq->slot[head];
	s->cookie = cookie;
	s->wlen = wlen;
	s->ndesc = n;
	s->last = last;
	s->inflight = 1;
	vq->inflight++;
	vq->avail->ring[vq->avail_idx & mask] = head;
	vq->avail_idx++;
	vq->chains_added++;
	return 0;
}

void
hostsim_vq_split_publish(struct hostsim_vq *vq)
{
	/* Release: the descriptors and ring entries before the index that shows them. */
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

/* Whether @p event lies in the entries (old, new]: the virtio event index rule. */
static inline int
hostsim_vq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

int
hostsim_vq_split_kick_prepare(struct hostsim_vq *vq)
{
	uint16_t old = vq->kicked_at, new_idx = vq->avail_idx, ev, flags;

	if (old == new_idx)
		return 0;
	vq->kicked_at = new_idx;
	/* Full fence: the avail->idx store before the load of the device's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx) {
		ev = *vq->avail_event;
		return hostsim_vq_need_event(ev, new_idx, old);
	}
	flags = __atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED);
	return (flags & HOSTSIM_VRING_USED_F_NO_NOTIFY) == 0;
}

uint16_t
hostsim_vq_split_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u, uint16_t n)
{
	uint16_t idx, pending, k, mask = vq->size - 1;
	struct hostsim_vq_slot *s;
	uint32_t id, len;

	/* Acquire: the used entries are read after the index that shows them. */
	idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(idx - vq->last_used);
	if (pending == 0)
		return 0;
	if (pending > vq->inflight) {
		hostsim_vq_fail(vq, "queue %u: used idx %u runs %u ahead with %u in flight",
				vq->index, idx, pending, vq->inflight);
		return 0;
	}
	if (pending > n)
		pending = n;
	for (k = 0; k < pending; k++) {
		const volatile struct hostsim_vring_used_elem *e =
			&vq->used->ring[vq->last_used & mask];

		id = e->id;
		len = e->len;
		if (hostsim_vq_used_check(vq, id, len) != 0)
			break;
		s = &vq->slot[id];
		u[k].cookie = s->cookie;
		u[k].len = len;
		s->inflight = 0;
		vq->next[s->last] = vq->free_head;
		vq->free_head = (uint16_t)id;
		vq->num_free = (uint16_t)(vq->num_free + s->ndesc);
		vq->inflight--;
		vq->last_used++;
	}
	/* Interrupts off: keep used_event one behind, so no entry ever crosses it. */
	if (!vq->irq_on && vq->event_idx)
		*vq->used_event = (uint16_t)(vq->last_used - 1);
	return k;
}

int
hostsim_vq_split_has_used(const struct hostsim_vq *vq)
{
	return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != vq->last_used;
}

void
hostsim_vq_split_irq(struct hostsim_vq *vq, int on)
{
	if (vq->event_idx)
		*vq->used_event = (uint16_t)(on ? vq->last_used : vq->last_used - 1);
	else
		__atomic_store_n(&vq->avail->flags,
				 on ? 0 : HOSTSIM_VRING_AVAIL_F_NO_INTERRUPT, __ATOMIC_RELAXED);
	/* Full fence: the wish is visible before the caller re-checks the used ring. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
