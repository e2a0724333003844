/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * What both ring layouts share: host memory pieces, slot bookkeeping, the
 * checks of used entries, indirect tables, and the dispatch to the layout.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim_vnet_vq.h"

void *
hostsim_vnet_mem_alloc(struct hostsim_vnet_mem *m, uint64_t len, uint64_t align,
		       uint64_t *iova)
{
	uint64_t off;

	if (align == 0 || (align & (align - 1)) != 0 || len == 0)
		return NULL;
	off = (m->iova + m->used + align - 1) & ~(align - 1);
	off -= m->iova;
	if (off < m->used || off > m->size || len > m->size - off)
		return NULL;
	m->used = off + len;
	memset(m->va + off, 0, len);
	if (iova != NULL)
		*iova = m->iova + off;
	return m->va + off;
}

void
hostsim_vq_fail(struct hostsim_vq *vq, const char *fmt, ...)
{
	va_list ap;

	if (vq->broken)
		return;
	vq->broken = 1;
	va_start(ap, fmt);
	vsnprintf(vq->err, sizeof(vq->err), fmt, ap);
	va_end(ap);
}

int
hostsim_vq_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m, uint16_t index,
		uint16_t size, int packed, int event_idx, int indirect, uint16_t max_segs)
{
	uint16_t i;
	int ret;

	memset(vq, 0, sizeof(*vq));
	if (size == 0 || size > HOSTSIM_VQ_SIZE_MAX || (!packed && (size & (size - 1)) != 0))
		return -EINVAL;
	vq->index = index;
	vq->size = size;
	vq->packed = packed != 0;
	vq->event_idx = event_idx != 0;
	vq->vector = HOSTSIM_VIRTIO_NO_VECTOR;
	vq->pend_head = -1;
	vq->next = calloc(size, sizeof(*vq->next));
	vq->slot = calloc(size, sizeof(*vq->slot));
	if (vq->next == NULL || vq->slot == NULL)
		goto nomem;
	for (i = 0; i < size; i++)
		vq->next[i] = (uint16_t)(i + 1);
	vq->num_free = size;
	if (indirect && max_segs > 1) {
		vq->ind_va = hostsim_vnet_mem_alloc(m, (uint64_t)size * max_segs *
						    sizeof(struct hostsim_vring_desc), 64,
						    &vq->ind_iova);
		if (vq->ind_va == NULL)
			goto nomem;
		vq->indirect = 1;
		vq->max_segs = max_segs;
	}
	ret = packed ? hostsim_vq_packed_init(vq, m) : hostsim_vq_split_init(vq, m);
	if (ret != 0) {
		hostsim_vq_fini(vq);
		return ret;
	}
	return 0;
nomem:
	hostsim_vq_fini(vq);
	return -ENOMEM;
}

void
hostsim_vq_fini(struct hostsim_vq *vq)
{
	free(vq->next);
	free(vq->slot);
	vq->next = NULL;
	vq->slot = NULL;
}

uint64_t
hostsim_vq_indirect_fill(struct hostsim_vq *vq, uint16_t id, const struct hostsim_vq_seg *segs,
			 uint16_t n)
{
	struct hostsim_vring_desc *t = (struct hostsim_vring_desc *)(vq->ind_va +
		(size_t)id * vq->max_segs * sizeof(*t));
	struct hostsim_vring_pdesc *pt = (struct hostsim_vring_pdesc *)t;
	uint16_t i;

	if (vq->packed) {
		/*
		 * A packed ring's indirect table holds packed descriptors, used in
		 * order: WRITE is the only flag, the buffer id is not used.
		 */
		for (i = 0; i < n; i++) {
			pt[i].addr = segs[i].addr;
			pt[i].len = segs[i].len;
			pt[i].id = 0;
			pt[i].flags = segs[i].write ? HOSTSIM_VRING_DESC_F_WRITE : 0;
		}
		return vq->ind_iova + (uint64_t)id * vq->max_segs * sizeof(*t);
	}
	/* A split ring's indirect table holds split descriptors chained by next. */
	for (i = 0; i < n; i++) {
		t[i].addr = segs[i].addr;
		t[i].len = segs[i].len;
		t[i].flags = (uint16_t)((segs[i].write ? HOSTSIM_VRING_DESC_F_WRITE : 0) |
					(i + 1 < n ? HOSTSIM_VRING_DESC_F_NEXT : 0));
		t[i].next = (uint16_t)(i + 1 < n ? i + 1 : 0);
	}
	return vq->ind_iova + (uint64_t)id * vq->max_segs * sizeof(*t);
}

int
hostsim_vq_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
	       void *cookie)
{
	uint16_t i;
	int wr = 0;

	if (vq->broken)
		return -EIO;
	if (n == 0 || n > vq->size)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		/* Device-writable segments come after the readable ones. */
		if (segs[i].len == 0 || (wr && !segs[i].write))
			return -EINVAL;
		wr |= segs[i].write;
	}
	return vq->packed ? hostsim_vq_packed_add(vq, segs, n, cookie) :
		hostsim_vq_split_add(vq, segs, n, cookie);
}

void
hostsim_vq_publish(struct hostsim_vq *vq)
{
	if (vq->packed)
		hostsim_vq_packed_publish(vq);
	else
		hostsim_vq_split_publish(vq);
}

int
hostsim_vq_kick_prepare(struct hostsim_vq *vq)
{
	int need;

	if (vq->broken)
		return 0;
	need = vq->packed ? hostsim_vq_packed_kick_prepare(vq) :
		hostsim_vq_split_kick_prepare(vq);
	if (need)
		vq->kicks++;
	else
		vq->kicks_suppressed++;
	return need;
}

uint16_t
hostsim_vq_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u, uint16_t n)
{
	uint16_t got;

	if (vq->broken || n == 0)
		return 0;
	got = vq->packed ? hostsim_vq_packed_get_used(vq, u, n) :
		hostsim_vq_split_get_used(vq, u, n);
	vq->chains_used += got;
	return got;
}

int
hostsim_vq_has_used(const struct hostsim_vq *vq)
{
	if (vq->broken)
		return 0;
	return vq->packed ? hostsim_vq_packed_has_used(vq) : hostsim_vq_split_has_used(vq);
}

void
hostsim_vq_irq(struct hostsim_vq *vq, int on)
{
	vq->irq_on = on != 0;
	if (vq->packed)
		hostsim_vq_packed_irq(vq, on);
	else
		hostsim_vq_split_irq(vq, on);
}

int
hostsim_vq_used_check(struct hostsim_vq *vq, uint32_t id, uint32_t len)
{
	const struct hostsim_vq_slot *s;

	if (id >= vq->size) {
		hostsim_vq_fail(vq, "queue %u: used id %u out of range (size %u)", vq->index, id,
				vq->size);
		return -1;
	}
	s = &vq->slot[id];
	if (!s->inflight) {
		hostsim_vq_fail(vq, "queue %u: used id %u is not in flight", vq->index, id);
		return -1;
	}
	/* A chain with nothing writable: the length is meaningless, not checked. */
	if (s->wlen != 0 && len > s->wlen) {
		hostsim_vq_fail(vq, "queue %u: used len %u of id %u beyond its %u writable bytes",
				vq->index, len, id, s->wlen);
		return -1;
	}
	return 0;
}
