/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* The device model of the host driver's unit tests (see the header). */

#include <stdlib.h>
#include <string.h>

#include "test_hostsim_vnet_model.h"

#define TM_HDR ((uint32_t)sizeof(struct hostsim_vnet_hdr))

void *
tm_ptr(struct tm_dev *t, uint64_t iova, uint64_t len)
{
	if (iova < TM_IOVA || iova - TM_IOVA > TM_MEM_SIZE || len > TM_MEM_SIZE - (iova - TM_IOVA))
		return NULL;
	return t->base + (iova - TM_IOVA);
}

static int
tm_bus_rw(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	(void)ctx;
	(void)addr;
	memset(buf, 0, len);
	return 0;
}

static int
tm_bus_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	(void)ctx;
	(void)addr;
	(void)buf;
	(void)len;
	return 0;
}

static int
tm_bus_notify(void *ctx, uint16_t vq, uint64_t addr, const void *buf, uint32_t len)
{
	struct tm_dev *t = ctx;

	(void)addr;
	(void)buf;
	(void)len;
	if (vq < 3)
		t->notifies[vq]++;
	return 0;
}

int
tm_init(struct tm_dev *t, uint64_t features, uint16_t size, int ctrl, uint16_t max_segs)
{
	struct hostsim_vnet_bus bus = {
		.read = tm_bus_rw, .write = tm_bus_write, .notify = tm_bus_notify,
		.service = tm_service,
	};
	int packed = (features & HOSTSIM_VF(HOSTSIM_VF_RING_PACKED)) != 0;
	int ev = (features & HOSTSIM_VF(HOSTSIM_VF_EVENT_IDX)) != 0;
	int ind = (features & HOSTSIM_VF(HOSTSIM_VF_INDIRECT_DESC)) != 0;
	uint16_t i, n = ctrl ? 3 : 2;

	memset(t, 0, sizeof(*t));
	t->base = aligned_alloc(4096, TM_MEM_SIZE);
	if (t->base == NULL)
		return -1;
	t->mem.va = t->base;
	t->mem.iova = TM_IOVA;
	t->mem.size = TM_MEM_SIZE;
	bus.ctx = t;
	hostsim_vnet_init(&t->d, &bus, &t->mem);
	t->d.features = features;
	t->d.max_pairs = 1;
	t->d.pairs = 1;
	t->d.ctrl_timeout_ms = 200;
	t->mrg = (features & HOSTSIM_VF(HOSTSIM_VF_MRG_RXBUF)) != 0;
	t->d.vq = calloc(n, sizeof(*t->d.vq));
	if (t->d.vq == NULL)
		return -1;
	t->d.nb_vqs = n;
	for (i = 0; i < n; i++) {
		if (hostsim_vq_init(&t->d.vq[i], &t->d.mem, i, size, packed, ev, ind,
				    max_segs) != 0)
			return -1;
		t->q[i].vq = &t->d.vq[i];
		t->q[i].avail_wrap = 1;
		t->q[i].used_wrap = 1;
	}
	if (ctrl) {
		t->d.ctrlq = &t->d.vq[2];
		t->d.ctrl_buf = hostsim_vnet_mem_alloc(&t->d.mem, HOSTSIM_VNET_CTRL_BUF, 64,
						       &t->d.ctrl_iova);
		if (t->d.ctrl_buf == NULL)
			return -1;
	}
	t->ctrl_ack = HOSTSIM_VNET_OK;
	return 0;
}

void
tm_fini(struct tm_dev *t)
{
	hostsim_vnet_fini(&t->d);
	free(t->base);
	t->base = NULL;
}

/* Follow a descriptor table (ring or indirect) from @p i; -1 on a bad chain. */
static int
tm_walk(const struct hostsim_vring_desc *tbl, uint32_t n, uint16_t i, struct tm_chain *c)
{
	uint32_t k;

	for (k = 0; k < n; k++) {
		if (i >= n || c->nseg == TM_MAX_SEGS)
			return -1;
		c->seg[c->nseg].addr = tbl[i].addr;
		c->seg[c->nseg].len = tbl[i].len;
		c->seg[c->nseg].write = (tbl[i].flags & HOSTSIM_VRING_DESC_F_WRITE) != 0;
		c->nseg++;
		if (!(tbl[i].flags & HOSTSIM_VRING_DESC_F_NEXT))
			return 0;
		i = tbl[i].next;
	}
	return -1;
}

/* A packed ring's indirect table: packed descriptors in order, WRITE the only flag. */
static int
tm_indirect_packed(struct tm_dev *t, uint64_t addr, uint32_t len, struct tm_chain *c)
{
	const struct hostsim_vring_pdesc *tbl = tm_ptr(t, addr, len);
	uint32_t i;

	if (tbl == NULL || len == 0 || len % 16 != 0)
		return -1;
	for (i = 0; i < len / 16; i++) {
		if (c->nseg == TM_MAX_SEGS)
			return -1;
		c->seg[c->nseg].addr = tbl[i].addr;
		c->seg[c->nseg].len = tbl[i].len;
		c->seg[c->nseg].write = (tbl[i].flags & HOSTSIM_VRING_DESC_F_WRITE) != 0;
		c->nseg++;
	}
	return 0;
}

static int
tm_indirect(struct tm_dev *t, uint64_t addr, uint32_t len, struct tm_chain *c)
{
	const struct hostsim_vring_desc *tbl = tm_ptr(t, addr, len);

	if (tbl == NULL || len == 0 || len % 16 != 0)
		return -1;
	return tm_walk(tbl, len / 16, 0, c);
}

int
tm_pop(struct tm_dev *t, struct tm_q *q, struct tm_chain *c)
{
	struct hostsim_vq *vq = q->vq;
	const struct hostsim_vring_pdesc *d;
	uint16_t idx, head, flags;

	memset(c, 0, sizeof(*c));
	if (!vq->packed) {
		idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
		if (idx == q->last_avail)
			return 0;
		head = vq->avail->ring[q->last_avail % vq->size];
		q->last_avail++;
		c->id = head;
		c->ndesc = 1;
		if (head >= vq->size)
			return -1;
		if (vq->desc[head].flags & HOSTSIM_VRING_DESC_F_INDIRECT)
			return tm_indirect(t, vq->desc[head].addr, vq->desc[head].len, c) == 0 ?
				1 : -1;
		return tm_walk(vq->desc, vq->size, head, c) == 0 ? 1 : -1;
	}
	for (;;) {
		d = &vq->pdesc[q->last_avail];
		flags = __atomic_load_n(&vq->pdesc[q->last_avail].flags, __ATOMIC_ACQUIRE);
		int a = (flags & HOSTSIM_VRING_PDESC_F_AVAIL) != 0;
		int u = (flags & HOSTSIM_VRING_PDESC_F_USED) != 0;

		if (a == u || a != q->avail_wrap)
			return c->ndesc == 0 ? 0 : -1;
		if (flags & HOSTSIM_VRING_DESC_F_INDIRECT) {
			if (tm_indirect_packed(t, d->addr, d->len, c) != 0)
				return -1;
		} else {
			if (c->nseg == TM_MAX_SEGS)
				return -1;
			c->seg[c->nseg].addr = d->addr;
			c->seg[c->nseg].len = d->len;
			c->seg[c->nseg].write = (flags & HOSTSIM_VRING_DESC_F_WRITE) != 0;
			c->nseg++;
		}
		c->id = d->id;
		c->ndesc++;
		if (++q->last_avail == vq->size) {
			q->last_avail = 0;
			q->avail_wrap ^= 1;
		}
		if (!(flags & HOSTSIM_VRING_DESC_F_NEXT))
			return 1;
	}
}

void
tm_push_raw(struct tm_q *q, uint32_t id, uint32_t len, uint16_t ndesc)
{
	struct hostsim_vq *vq = q->vq;
	struct hostsim_vring_pdesc *d;

	if (!vq->packed) {
		vq->used->ring[q->used_idx % vq->size].id = id;
		vq->used->ring[q->used_idx % vq->size].len = len;
		q->used_idx++;
		__atomic_store_n(&vq->used->idx, q->used_idx, __ATOMIC_RELEASE);
		return;
	}
	d = &vq->pdesc[q->used_idx];
	d->id = (uint16_t)id;
	d->len = len;
	__atomic_store_n(&d->flags, (uint16_t)(q->used_wrap ? HOSTSIM_VRING_PDESC_F_AVAIL |
					       HOSTSIM_VRING_PDESC_F_USED : 0), __ATOMIC_RELEASE);
	q->used_idx = (uint16_t)(q->used_idx + ndesc);
	if (q->used_idx >= vq->size) {
		q->used_idx = (uint16_t)(q->used_idx - vq->size);
		q->used_wrap ^= 1;
	}
}

void
tm_push(struct tm_q *q, const struct tm_chain *c, uint32_t len)
{
	tm_push_raw(q, c->id, len, c->ndesc);
}

/* Write @p len bytes into the writable segments of @p c from @p off on. */
static uint32_t
tm_fill(struct tm_dev *t, const struct tm_chain *c, const uint8_t *p, uint32_t len)
{
	uint32_t done = 0, n;
	uint16_t i;
	uint8_t *dst;

	for (i = 0; i < c->nseg && done < len; i++) {
		if (!c->seg[i].write)
			continue;
		n = len - done < c->seg[i].len ? len - done : c->seg[i].len;
		dst = tm_ptr(t, c->seg[i].addr, n);
		if (dst == NULL)
			return done;
		memcpy(dst, p + done, n);
		done += n;
	}
	return done;
}

uint32_t
tm_wcap(const struct tm_chain *c)
{
	uint32_t cap = 0;
	uint16_t i;

	for (i = 0; i < c->nseg; i++)
		if (c->seg[i].write)
			cap += c->seg[i].len;
	return cap;
}

/* Deliver header + frame (@p len bytes, header included) into receive buffers. */
static int
tm_deliver(struct tm_dev *t, uint8_t *p, uint32_t len)
{
	struct tm_q *q = &t->q[0], save = t->q[0];
	struct tm_chain c[64];
	struct hostsim_vnet_hdr *h = (struct hostsim_vnet_hdr *)p;
	uint32_t off = 0, cap, n;
	uint16_t nb = 0, i;
	int ret;

	/* Take buffers until the frame fits; give them all back if it does not. */
	while (off < len) {
		if (nb == 64 || (nb > 0 && !t->mrg))
			return -1;
		ret = tm_pop(t, q, &c[nb]);
		if (ret != 1) {
			*q = save;
			return ret;
		}
		cap = tm_wcap(&c[nb]);
		off += cap;
		nb++;
	}
	memset(h, 0, TM_HDR);
	h->num_buffers = nb;
	for (i = 0, off = 0; i < nb; i++) {
		n = tm_fill(t, &c[i], p + off, len - off);
		tm_push(q, &c[i], n);
		off += n;
	}
	return 1;
}

static void
tm_ctrl(struct tm_dev *t)
{
	struct tm_chain c;
	struct tm_q *q = &t->q[2];
	const uint8_t *hdr;
	uint8_t ack;
	uint16_t i;

	if (t->d.ctrlq == NULL || t->ctrl_ack < 0)
		return;
	while (tm_pop(t, q, &c) == 1) {
		hdr = tm_ptr(t, c.seg[0].addr, 2);
		t->last_cls = hdr[0];
		t->last_cmd = hdr[1];
		t->last_data_len = 0;
		for (i = 1; i + 1 < c.nseg; i++) {
			if (t->last_data_len + c.seg[i].len <= sizeof(t->last_data))
				memcpy(t->last_data + t->last_data_len,
				       tm_ptr(t, c.seg[i].addr, c.seg[i].len), c.seg[i].len);
			t->last_data_len += c.seg[i].len;
		}
		ack = (uint8_t)t->ctrl_ack;
		tm_fill(t, &c, &ack, 1);
		tm_push(q, &c, 1);
	}
}

void
tm_service(void *ctx)
{
	struct tm_dev *t = ctx;
	struct tm_chain c;
	uint32_t len, i, off;
	uint8_t *src;

	tm_ctrl(t);
	for (;;) {
		if (t->pending_len != 0) {
			if (tm_deliver(t, t->pending, t->pending_len) != 1)
				return;
			t->pending_len = 0;
			if (t->held_len != 0 && t->fault.swap_at == 0) {
				memcpy(t->pending, t->held, t->held_len);
				t->pending_len = t->held_len;
				t->held_len = 0;
				continue;
			}
		}
		if (tm_pop(t, &t->q[1], &c) != 1)
			return;
		for (i = 0, len = 0; i < c.nseg; i++) {
			src = tm_ptr(t, c.seg[i].addr, c.seg[i].len);
			if (src == NULL || len + c.seg[i].len > sizeof(t->pending))
				break;
			memcpy(t->pending + len, src, c.seg[i].len);
			len += c.seg[i].len;
		}
		tm_push(&t->q[1], &c, 0);
		t->frames++;
		t->pending_len = len;
		off = TM_HDR + (len - TM_HDR) / 2;
		if (t->fault.corrupt_at == t->frames)
			t->pending[off] ^= 0x40;
		if (t->fault.drop_at == t->frames)
			t->pending_len = 0;
		if (t->fault.dup_at == t->frames && tm_deliver(t, t->pending, len) != 1)
			t->pending_len = 0;
		if (t->fault.swap_at == t->frames) {
			memcpy(t->held, t->pending, len);
			t->held_len = len;
			t->pending_len = 0;
			t->fault.swap_at = 0;
		}
	}
}
