/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Packed virtqueues, device side: wrap counters, buffer ids, chains of
 * consecutive descriptors, indirect tables, event suppression structures.
 * Sizes need not be powers of 2: positions are compared, never masked.
 */

#include <errno.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "virtio_emu_vq_fast.h"

/* Where descriptors of one pop come from: the ring itself (direct) or a
 * window of DMA copies, each descriptor fetched once.
 */
struct packed_src {
	struct vring_packed_desc win[VIRTIO_EMU_VQ_BURST_MAX];
	uint32_t fetched;	/* descriptors copied so far, counted from the pop start */
	uint32_t want;		/* size of the next window */
};

static inline bool
packed_avail(uint16_t fl, uint8_t wrap)
{
	return !!(fl & VRING_PACKED_DESC_F_AVAIL) == wrap &&
		!!(fl & VRING_PACKED_DESC_F_USED) != wrap;
}

/* Descriptor number @p j of this pop (ring position @p p), from the DMA window. */
static const struct vring_packed_desc *
packed_fetch(struct virtio_emu_vq *vq, struct packed_src *s, uint32_t j, uint16_t p)
{
	if (j >= s->fetched) {
		/* Next window: up to the ring end, the window size and the ring size. */
		uint32_t cnt = RTE_MIN(s->want, (uint32_t)VIRTIO_EMU_VQ_BURST_MAX);

		cnt = RTE_MIN(cnt, (uint32_t)vq->size - p);
		/* A window never crosses the array end (entries before j are done). */
		cnt = RTE_MIN(cnt, VIRTIO_EMU_VQ_BURST_MAX - j % VIRTIO_EMU_VQ_BURST_MAX);
		if (vemu_mem_read(vq, vq->desc_addr + (uint64_t)p * VRING_DESC_SIZE,
				  &s->win[j % VIRTIO_EMU_VQ_BURST_MAX],
				  cnt * VRING_DESC_SIZE) != 0)
			return NULL;
		s->fetched = j + cnt;
		s->want = VIRTIO_EMU_VQ_BURST_MAX;
	}
	return &s->win[j % VIRTIO_EMU_VQ_BURST_MAX];
}

static __rte_always_inline void
packed_chain(struct virtio_emu_vq *vq, struct packed_src *s, uint32_t j0, uint16_t flags0,
	     struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *seg, struct packed_walk *pw,
	     bool direct)
{
	const struct vring_packed_desc *d;
	uint16_t p = vq->last_avail, fl = flags0, id;
	uint8_t w = vq->avail_wrap;
	unsigned int nsegs = 0, nd = 0;
	uint32_t j = j0;
	int res = VEMU_CHAIN_OK;
	uint64_t addr;
	uint32_t len;

	for (;;) {
		if (direct) {
			d = (const struct vring_packed_desc *)vq->desc_va + p;
			if (nd != 0)
				/* Acquire: this descriptor's fields after its flags. */
				fl = __atomic_load_n(&((struct vring_packed_desc *)
					(uintptr_t)d)->flags, __ATOMIC_ACQUIRE);
			addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			len = VEMU_READ_ONCE(uint32_t, &d->len);
			id = VEMU_READ_ONCE(uint16_t, &d->id);
		} else {
			d = packed_fetch(vq, s, j, p);
			if (unlikely(d == NULL)) {
				pw->res = -VIRTIO_EMU_VQ_BROKEN_RING_DMA;
				return;
			}
			if (nd != 0)
				fl = d->flags;
			addr = d->addr;
			len = d->len;
			id = d->id;
		}
		/* The head is made available last: the rest must be available already. */
		if (unlikely(nd != 0 && !packed_avail(fl, w))) {
			pw->res = -VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN;
			return;
		}
		nd++;
		j++;
		if (++p == vq->size) {
			p = 0;
			w ^= 1;
		}
		if (likely(res == VEMU_CHAIN_OK)) {
			if (unlikely(fl & VRING_DESC_F_INDIRECT)) {
				if (nd != 1 || (fl & VRING_DESC_F_NEXT))
					res = VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT);
				else
					res = vemu_indirect(vq, c, seg, addr, len, &nsegs);
				/* An indirect descriptor ends the chain; NEXT was refused. */
			} else if (unlikely(nsegs >= vq->max_descs)) {
				res = VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
			} else {
				res = vemu_chain_add(vq, c, &seg[nsegs], addr, len,
						     (fl & VRING_DESC_F_WRITE) != 0);
				nsegs++;
			}
		}
		if (likely(!(fl & VRING_DESC_F_NEXT)))
			break;
		/* A chain cannot hold more than the ring. */
		if (unlikely(nd >= vq->size)) {
			pw->res = -VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN;
			return;
		}
	}
	pw->res = res;
	pw->id = id;
	pw->nd = (uint16_t)nd;
	pw->p = p;
	pw->w = w;
}

/* Direct path, chains of several descriptors or indirect: out of the hot loop. */
static __rte_noinline void
packed_chain_direct(struct virtio_emu_vq *vq, uint16_t flags0, struct virtio_emu_vq_chain *c,
		    struct virtio_emu_vq_seg *seg, struct packed_walk *pw)
{
	packed_chain(vq, NULL, 0, flags0, c, seg, pw, true);
}

void
vemu_packed_chain_multi(struct virtio_emu_vq *vq, uint16_t p, uint8_t w, uint16_t fl,
			struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *sg,
			struct packed_walk *pw)
{
	c->nb_rd = 0;
	c->nb_wr = 0;
	c->rd_len = 0;
	c->wr_len = 0;
	c->rd = sg;
	vq->last_avail = p;
	vq->avail_wrap = w;
	packed_chain_direct(vq, fl, c, sg, pw);
}

/* Write used descriptors; the first one's flags last, publishing the burst. */
static int
packed_write_used(struct virtio_emu_vq *vq, const struct vring_used_elem *ue,
		  const uint16_t *nd, uint16_t n)
{
	struct vemu_io io[VIRTIO_EMU_VQ_BURST_MAX + 1];
	struct {
		uint32_t len;
		uint16_t id;
		uint16_t flags;
	} st[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t p = vq->used_idx, p0 = p, fl0 = 0;
	uint8_t w = vq->used_wrap;
	unsigned int i, m = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		uint16_t fl = w ? (VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED) : 0;

		if (vq->direct) {
			struct vring_packed_desc *d = (struct vring_packed_desc *)vq->desc_va + p;

			d->len = ue[i].len;
			d->id = (uint16_t)ue[i].id;
			if (i != 0)
				__atomic_store_n(&d->flags, fl, __ATOMIC_RELEASE);
			else
				fl0 = fl;
		} else {
			st[i].len = ue[i].len;
			st[i].id = (uint16_t)ue[i].id;
			st[i].flags = fl;
			io[m++] = (struct vemu_io){
				vq->desc_addr + (uint64_t)p * VRING_DESC_SIZE + 8,
				&st[i], i == 0 ? 6 : 8 };
		}
		p = (uint16_t)(p + nd[i]);
		if (p >= vq->size) {
			p = (uint16_t)(p - vq->size);
			w ^= 1;
		}
	}
	if (vq->direct) {
		/* Release: every used descriptor of the burst before the first flags. */
		__atomic_store_n(&((struct vring_packed_desc *)vq->desc_va + p0)->flags, fl0,
				 __ATOMIC_RELEASE);
	} else {
		/* DMA writes of one queue are ordered: the first flags land last. */
		io[m++] = (struct vemu_io){ vq->desc_addr + (uint64_t)p0 * VRING_DESC_SIZE + 14,
			&st[0].flags, 2 };
		if (vemu_mem_io(vq, true, io, m) != 0) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
			return -EIO;
		}
	}
	vq->used_idx = p;
	vq->used_wrap = w;
	vq->pushed = 1;
	vq->stats.used += n;
	return 0;
}

static void
packed_write_bad(struct virtio_emu_vq *vq)
{
	unsigned int i;

	packed_write_used(vq, vq->bad, vq->bad_ndesc, vq->nb_bad);
	for (i = 0; i < vq->nb_bad; i++)
		vq->id_ndesc[vq->bad[i].id] = 0;
	vq->nb_bad = 0;
}

static __rte_always_inline uint16_t
packed_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n,
	   struct packed_src *s, bool direct)
{
	uint32_t segpos = 0, j = 0;
	uint16_t out = 0, fl;
	struct packed_walk pw;
	unsigned int seen;

	s->fetched = 0;
	s->want = n;
	for (seen = 0; seen < n && j < vq->size; seen++) {
		struct virtio_emu_vq_chain *c = &chains[out];
		const struct vring_packed_desc *d;

		if (direct) {
			d = (const struct vring_packed_desc *)vq->desc_va + vq->last_avail;
			/* Acquire: the descriptor's other fields after its flags. */
			fl = __atomic_load_n(&((struct vring_packed_desc *)(uintptr_t)d)->flags,
					     __ATOMIC_ACQUIRE);
		} else {
			d = packed_fetch(vq, s, j, vq->last_avail);
			if (unlikely(d == NULL)) {
				vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
				break;
			}
			fl = d->flags;
		}
		if (!packed_avail(fl, vq->avail_wrap))
			break;
		if (unlikely(segpos + vq->max_descs > vq->nb_segs))
			break;
		c->nb_rd = 0;
		c->nb_wr = 0;
		c->rd_len = 0;
		c->wr_len = 0;
		c->rd = &vq->segs[segpos];
		packed_chain(vq, s, j, fl, c, c->rd, &pw, direct);
		if (unlikely(pw.res < 0)) {
			vemu_vq_set_broken(vq, (enum virtio_emu_vq_broken)-pw.res);
			break;
		}
		if (unlikely(pw.id >= vq->size)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_ID_RANGE);
			break;
		}
		if (unlikely(vq->id_ndesc[pw.id] != 0)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
			break;
		}
		if (likely(pw.res == VEMU_CHAIN_OK)) {
			c->id = pw.id;
			c->wr = c->rd + c->nb_rd;
			segpos += c->nb_rd + c->nb_wr;
			out++;
		} else {
			/* IN_ORDER: a dropped chain is used only after everything before it. */
			if (vq->f_in_order && (out != 0 || vq->inflight != 0))
				break;
			vemu_drop(vq, pw.id, pw.nd, pw.res);
		}
		vq->id_ndesc[pw.id] = pw.nd;
		j += pw.nd;
		vq->last_avail = pw.p;
		vq->avail_wrap = pw.w;
	}
	vq->inflight += out;
	vq->stats.chains += out;
	if (vq->nb_bad != 0)
		packed_write_bad(vq);
	return out;
}

/*
 * Direct path: hot state in locals; a one-descriptor chain (the common
 * case) is checked in full inline (as vemu_chain_add()), its flags, address,
 * length and id each read once. Longer chains and indirect tables go through
 * packed_chain() with the flags already read.
 */
static __rte_noinline uint16_t
packed_pop_direct(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n)
{
	struct vring_packed_desc *desc = vq->desc_va;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	struct virtio_emu_vq_seg *segs = vq->segs;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	uint8_t *const r_va = r0->va;
	const uint32_t max_bytes = vq->max_bytes, seg_lim = vq->nb_segs - vq->max_descs;
	const uint16_t size = vq->size;
	uint16_t p = vq->last_avail, out = 0;
	uint8_t w = vq->avail_wrap;
	uint32_t segpos = 0, j = 0;
	struct packed_walk pw;
	unsigned int seen;
	/* Available: AVAIL equal to the wrap counter, USED not. */
	uint16_t avail_fl = w ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;

	for (seen = 0; seen < n && j < size; seen++) {
		struct virtio_emu_vq_chain *c = &chains[out];
		struct virtio_emu_vq_seg *sg = &segs[segpos];
		struct vring_packed_desc *d = desc + p;
		uint16_t fl;

		/* Acquire: the descriptor's other fields after its flags. */
		fl = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE);
		if ((fl & (VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED)) != avail_fl)
			break;
		if (unlikely(segpos > seg_lim))
			break;
		if (likely(!(fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT)))) {
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint16_t id = VEMU_READ_ONCE(uint16_t, &d->id);
			uint64_t off = addr - r_host;

			/* First region, length 1..max_bytes, id fine, not our BARs: fast. */
			if (likely(addr >= r_host && off <= r_len && len <= r_len - off &&
				   len - 1u < max_bytes && id < size && id_ndesc[id] == 0 &&
				   !vemu_forbidden(vq, addr, len))) {
				uint16_t wr = (fl & VRING_DESC_F_WRITE) != 0;

				vemu_chain_single(c, sg, id, addr, r_va + off, len, wr);
				id_ndesc[id] = 1;
				segpos++;
				out++;
				j++;
				if (unlikely(++p == size)) {
					p = 0;
					w ^= 1;
					avail_fl ^= VRING_PACKED_DESC_F_AVAIL |
						VRING_PACKED_DESC_F_USED;
				}
				continue;
			}
			pw.id = id;
			pw.nd = 1;
			pw.p = (uint16_t)(p + 1);
			pw.w = w;
			if (pw.p == size) {
				pw.p = 0;
				pw.w ^= 1;
			}
			pw.res = vemu_one_slow(vq, c, sg, addr, len,
					       (fl & VRING_DESC_F_WRITE) != 0);
		} else {
			c->nb_rd = 0;
			c->nb_wr = 0;
			c->rd_len = 0;
			c->wr_len = 0;
			c->rd = sg;
			vq->last_avail = p;
			vq->avail_wrap = w;
			packed_chain_direct(vq, fl, c, sg, &pw);
			if (unlikely(pw.res < 0)) {
				vemu_vq_set_broken(vq, (enum virtio_emu_vq_broken)-pw.res);
				break;
			}
		}
		if (unlikely(pw.id >= size)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_ID_RANGE);
			break;
		}
		if (unlikely(id_ndesc[pw.id] != 0)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
			break;
		}
		if (likely(pw.res == VEMU_CHAIN_OK)) {
			c->id = pw.id;
			c->wr = sg + c->nb_rd;
			segpos += c->nb_rd + c->nb_wr;
			out++;
		} else {
			/* IN_ORDER: a dropped chain is used only after everything before it. */
			if (vq->f_in_order && (out != 0 || vq->inflight != 0))
				break;
			vemu_drop(vq, pw.id, pw.nd, pw.res);
		}
		id_ndesc[pw.id] = pw.nd;
		j += pw.nd;
		p = pw.p;
		w = pw.w;
		avail_fl = w ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
	}
	vq->last_avail = p;
	vq->avail_wrap = w;
	vq->inflight += out;
	vq->stats.chains += out;
	if (vq->nb_bad != 0)
		packed_write_bad(vq);
	return out;
}

uint16_t
vemu_packed_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n)
{
	struct packed_src s;

	if (vq->direct)
		return packed_pop_direct(vq, chains, n);
	return packed_pop(vq, chains, n, &s, false);
}

/*
 * Direct path: used descriptors written in place, no staging; the first
 * one's flags last (release), publishing the burst.
 */
static __rte_noinline uint16_t
packed_push_direct(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used, uint16_t n)
{
	struct vring_packed_desc *desc = vq->desc_va;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size;
	uint16_t p = vq->used_idx, p0 = p, fl0 = 0, i, cnt = 0;
	uint8_t w = vq->used_wrap;
	/* Used: AVAIL and USED both equal to the wrap counter. */
	uint16_t fl = w ? (VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED) : 0;
	uint64_t bytes = 0;

	for (i = 0; i < n; i++) {
		uint16_t id = used[i].id, nd;
		uint32_t len = used[i].len;
		struct vring_packed_desc *d;

		if (unlikely(id >= size || id_ndesc[id] == 0)) {
			vq->stats.push_rejected++;
			continue;
		}
		nd = id_ndesc[id];
		id_ndesc[id] = 0;
		d = desc + p;
		d->len = len;
		d->id = id;
		if (cnt != 0)
			__atomic_store_n(&d->flags, fl, __ATOMIC_RELEASE);
		else
			fl0 = fl;
		bytes += len;
		cnt++;
		p = (uint16_t)(p + nd);
		if (unlikely(p >= size)) {
			p = (uint16_t)(p - size);
			w ^= 1;
			fl ^= VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED;
		}
	}
	if (cnt == 0)
		return 0;
	/* Release: every used descriptor of the burst before the first flags. */
	__atomic_store_n(&desc[p0].flags, fl0, __ATOMIC_RELEASE);
	vq->used_idx = p;
	vq->used_wrap = w;
	vq->inflight -= cnt;
	vq->pushed = 1;
	vq->stats.used += cnt;
	vq->stats.used_bytes += bytes;
	return cnt;
}

uint16_t
vemu_packed_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used, uint16_t n)
{
	struct vring_used_elem ue[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t nd[VIRTIO_EMU_VQ_BURST_MAX];
	uint64_t bytes = 0;
	uint16_t i, w = 0;

	if (vq->direct)
		return packed_push_direct(vq, used, n);
	for (i = 0; i < n; i++) {
		uint16_t id = used[i].id;

		if (unlikely(id >= vq->size || vq->id_ndesc[id] == 0)) {
			vq->stats.push_rejected++;
			continue;
		}
		nd[w] = vq->id_ndesc[id];
		vq->id_ndesc[id] = 0;
		ue[w].id = id;
		ue[w].len = used[i].len;
		bytes += used[i].len;
		w++;
	}
	vq->inflight -= w;
	if (packed_write_used(vq, ue, nd, w) != 0)
		return 0;
	vq->stats.used_bytes += bytes;
	return w;
}

bool
vemu_packed_should_notify(struct virtio_emu_vq *vq)
{
	struct vring_packed_desc_event ev;
	uint32_t m2, ln, lo, le, off;

	if (!vq->pushed)
		return false;
	vq->pushed = 0;
	/* Full barrier: used descriptors are ordered before reading the driver's wish. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->direct) {
		uint32_t v = VEMU_READ_ONCE(uint32_t, vq->driver_va);

		memcpy(&ev, &v, sizeof(ev));
	} else if (vemu_mem_read(vq, vq->driver_addr, &ev, sizeof(ev)) != 0) {
		return true;
	}
	switch (ev.flags & VRING_PACKED_EVENT_FLAG_MASK) {
	case VRING_PACKED_EVENT_FLAG_ENABLE:
		break;
	case VRING_PACKED_EVENT_FLAG_DISABLE:
		goto no;
	case VRING_PACKED_EVENT_FLAG_DESC:
		off = ev.off_wrap & 0x7fff;
		if (!vq->f_event_idx || off >= vq->size) {
			vq->stats.event_bad++;
			break;
		}
		/* Positions on a circle of 2 * size: the wrap bit picks the lap. */
		m2 = 2u * vq->size;
		ln = vq->used_idx + (vq->used_wrap ? 0 : vq->size);
		lo = vq->sig_used + (vq->sig_wrap ? 0 : vq->size);
		le = off + ((ev.off_wrap >> VRING_PACKED_EVENT_WRAP_SHIFT) ? 0 : vq->size);
		vq->sig_used = vq->used_idx;
		vq->sig_wrap = vq->used_wrap;
		/* Notify when the event position was passed by this batch: le in [lo, ln). */
		if ((ln + 2 * m2 - le - 1) % m2 < (ln + m2 - lo) % m2)
			return true;
		return false;
	default:
		/* Reserved value: notify (a spurious interrupt is harmless). */
		vq->stats.event_bad++;
		break;
	}
	vq->sig_used = vq->used_idx;
	vq->sig_wrap = vq->used_wrap;
	return true;
no:
	vq->sig_used = vq->used_idx;
	vq->sig_wrap = vq->used_wrap;
	return false;
}

int
vemu_packed_notify_enable(struct virtio_emu_vq *vq, bool enable)
{
	uint16_t fl = enable ? VRING_PACKED_EVENT_FLAG_ENABLE : VRING_PACKED_EVENT_FLAG_DISABLE;

	vq->notify_on = enable;
	if (vq->direct)
		__atomic_store_n((uint16_t *)((uint8_t *)vq->device_va + 2), fl, __ATOMIC_RELAXED);
	else if (vemu_mem_write(vq, vq->device_addr + 2, &fl, sizeof(fl)) != 0)
		return -EIO;
	/* The driver sees the wish before the caller looks at the ring again. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}
