/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Split virtqueues, device side: available ring and descriptor chains in,
 * used ring out, EVENT_IDX / flags notification suppression.
 */

#include <errno.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>

#include "virtio_emu_vq_fast.h"

/* Result of walking one chain that cannot be dropped: the ring is unusable. */
#define VEMU_CHAIN_RING_ERR	(-1)

static inline uint64_t
split_used_addr(const struct virtio_emu_vq *vq, uint16_t slot)
{
	return vq->device_addr + 4 + (uint64_t)slot * sizeof(struct vring_used_elem);
}

/*
 * Walk one chain from its head descriptor @p d0 (direct: in host memory;
 * otherwise a local copy fetched with the burst). Every field is read once.
 */
static __rte_always_inline int
split_chain(struct virtio_emu_vq *vq, const struct vring_desc *d0, struct virtio_emu_vq_chain *c,
	    struct virtio_emu_vq_seg *seg, bool direct)
{
	const struct vring_desc *d = d0;
	struct vring_desc tmp;
	unsigned int nd = 0;
	uint64_t addr;
	uint32_t len;
	uint16_t fl, next;
	int rc;

	for (;;) {
		addr = VEMU_READ_ONCE(uint64_t, &d->addr);
		len = VEMU_READ_ONCE(uint32_t, &d->len);
		fl = VEMU_READ_ONCE(uint16_t, &d->flags);
		next = VEMU_READ_ONCE(uint16_t, &d->next);
		if (unlikely(fl & VRING_DESC_F_INDIRECT)) {
			/* The table must be the whole chain: first and last. */
			if (nd != 0 || (fl & VRING_DESC_F_NEXT))
				return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT);
			return vemu_indirect(vq, c, seg, addr, len, &nd);
		}
		/* At most max_descs (<= size) descriptors: this also ends loops. */
		if (unlikely(nd >= vq->max_descs))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
		rc = vemu_chain_add(vq, c, &seg[nd], addr, len, (fl & VRING_DESC_F_WRITE) != 0);
		if (unlikely(rc != VEMU_CHAIN_OK))
			return rc;
		nd++;
		if (likely(!(fl & VRING_DESC_F_NEXT)))
			return VEMU_CHAIN_OK;
		if (unlikely(next >= vq->size))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_NEXT_RANGE);
		if (direct) {
			d = (const struct vring_desc *)vq->desc_va + next;
		} else {
			if (vemu_mem_read(vq, vq->desc_addr + (uint64_t)next * VRING_DESC_SIZE,
					  &tmp, sizeof(tmp)) != 0)
				return VEMU_CHAIN_RING_ERR;
			d = &tmp;
		}
	}
}

/* Direct path, chains of several descriptors or indirect: out of the hot loop. */
static __rte_noinline int
split_chain_direct(struct virtio_emu_vq *vq, const struct vring_desc *d0,
		   struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *seg)
{
	return split_chain(vq, d0, c, seg, true);
}

/*
 * Direct path, a chain whose head @p d has NEXT or INDIRECT (flags @p fl,
 * already read): the head is read once, the walk starts from a local copy.
 */
int
vemu_split_chain_multi(struct virtio_emu_vq *vq, const struct vring_desc *d, uint16_t fl,
		       struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *sg)
{
	struct vring_desc d0;

	d0.addr = VEMU_READ_ONCE(uint64_t, &d->addr);
	d0.len = VEMU_READ_ONCE(uint32_t, &d->len);
	d0.flags = fl;
	d0.next = VEMU_READ_ONCE(uint16_t, &d->next);
	c->nb_rd = 0;
	c->nb_wr = 0;
	c->rd_len = 0;
	c->wr_len = 0;
	c->rd = sg;
	return split_chain_direct(vq, &d0, c, sg);
}

/* Write @p n used elements and publish them with one used index update. */
static int
split_write_used(struct virtio_emu_vq *vq, const struct vring_used_elem *ue, uint16_t n)
{
	uint16_t slot = vq->used_idx & vq->mask;
	uint16_t new_idx = (uint16_t)(vq->used_idx + n);
	unsigned int i;

	if (n == 0)
		return 0;
	if (vq->direct) {
		struct vring_used *u = vq->device_va;

		for (i = 0; i < n; i++) {
			u->ring[slot] = ue[i];
			slot = (slot + 1) & vq->mask;
		}
		/* Release: the elements are visible before the index that covers them. */
		__atomic_store_n(&u->idx, new_idx, __ATOMIC_RELEASE);
	} else {
		struct vemu_io io[3];
		unsigned int first = RTE_MIN((unsigned int)n, (unsigned int)vq->size - slot);
		unsigned int k = 0;

		io[k++] = (struct vemu_io){ split_used_addr(vq, slot), (void *)(uintptr_t)ue,
			first * sizeof(*ue) };
		if (first < n)
			io[k++] = (struct vemu_io){ split_used_addr(vq, 0),
				(void *)(uintptr_t)(ue + first), (n - first) * sizeof(*ue) };
		/* DMA writes of one queue are ordered: elements land before the index. */
		io[k++] = (struct vemu_io){ vq->device_addr + 2, &new_idx, sizeof(new_idx) };
		if (vemu_mem_io(vq, true, io, k) != 0) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
			return -EIO;
		}
	}
	vq->used_idx = new_idx;
	vq->pushed = 1;
	vq->stats.used += n;
	return 0;
}

int
vemu_split_write_bad(struct virtio_emu_vq *vq)
{
	unsigned int i;
	int rc;

	rc = split_write_used(vq, vq->bad, vq->nb_bad);
	for (i = 0; i < vq->nb_bad; i++)
		vq->id_ndesc[vq->bad[i].id] = 0;
	vq->nb_bad = 0;
	return rc;
}

void
vemu_split_avail_event(struct virtio_emu_vq *vq)
{
	uint16_t v = vq->last_avail;

	if (vq->direct)
		__atomic_store_n((uint16_t *)((uint8_t *)vq->device_va +
			VRING_SPLIT_AVAIL_EVENT_OFF(vq->size)), v, __ATOMIC_RELAXED);
	else if (vemu_mem_write(vq, vq->device_addr + VRING_SPLIT_AVAIL_EVENT_OFF(vq->size),
				&v, sizeof(v)) != 0)
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
}

/*
 * Direct path: the ring is mapped. Hot state lives in locals for the burst;
 * a one-descriptor chain (the common case) is checked in full inline, longer
 * chains and indirect tables walk from a local copy of the head descriptor.
 */
static __rte_noinline uint16_t
split_pop_direct(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n)
{
	const struct vring_avail *avail = vq->driver_va;
	const struct vring_desc *desc = vq->desc_va;
	const struct tlpdev_mem_region *r0 = &vq->regions[0];
	struct virtio_emu_vq_seg *segs = vq->segs;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint64_t r_host = r0->host_addr, r_len = r0->len;
	uint8_t *const r_va = r0->va;
	const uint32_t max_bytes = vq->max_bytes, seg_lim = vq->nb_segs - vq->max_descs;
	const uint16_t size = vq->size, mask = vq->mask;
	uint16_t last = vq->last_avail, avail_idx, pending, k, i, out = 0;
	uint32_t segpos = 0;
	int res;

	/* Acquire: ring entries and descriptors are read after the index. */
	avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(avail_idx - last);
	if (unlikely(pending > size)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX);
		return 0;
	}
	k = RTE_MIN(pending, n);
	if (k == 0)
		return 0;

	for (i = 0; i < k; i++) {
		uint16_t head = VEMU_READ_ONCE(uint16_t, &avail->ring[last & mask]);
		struct virtio_emu_vq_chain *c = &chains[out];
		struct virtio_emu_vq_seg *sg = &segs[segpos];
		const struct vring_desc *d;
		uint16_t fl;

		if (unlikely(head >= size)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE);
			break;
		}
		if (unlikely(id_ndesc[head] != 0)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
			break;
		}
		if (unlikely(segpos > seg_lim))
			break;
		d = desc + head;
		fl = VEMU_READ_ONCE(uint16_t, &d->flags);
		if (likely(!(fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT)))) {
			/* One descriptor: checked here in full (as vemu_chain_add()). */
			uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
			uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
			uint64_t off = addr - r_host;

			/* In the first region, length 1..max_bytes, not our BARs: the fast case. */
			if (likely(addr >= r_host && off <= r_len && len <= r_len - off &&
				   len - 1u < max_bytes && !vemu_forbidden(vq, addr, len))) {
				uint16_t wr = (fl & VRING_DESC_F_WRITE) != 0;

				vemu_chain_single(c, sg, head, addr, r_va + off, len, wr);
				id_ndesc[head] = 1;
				segpos++;
				out++;
				last++;
				continue;
			}
			res = vemu_one_slow(vq, c, sg, addr, len, (fl & VRING_DESC_F_WRITE) != 0);
			if (res == VEMU_CHAIN_OK) {
				c->id = head;
				c->wr = sg + c->nb_rd;
				id_ndesc[head] = 1;
				segpos++;
				out++;
				last++;
				continue;
			}
		} else {
			res = vemu_split_chain_multi(vq, d, fl, c, sg);
			if (likely(res == VEMU_CHAIN_OK)) {
				c->id = head;
				c->wr = c->rd + c->nb_rd;
				segpos += c->nb_rd + c->nb_wr;
				id_ndesc[head] = 1;
				out++;
				last++;
				continue;
			}
		}
		/* IN_ORDER: a dropped chain is used only after everything before it. */
		if (vq->f_in_order && (out != 0 || vq->inflight != 0))
			break;
		id_ndesc[head] = 1;
		vemu_drop(vq, head, 1, res);
		last++;
	}
	vq->last_avail = last;
	vq->inflight += out;
	vq->stats.chains += out;
	if (vq->nb_bad != 0)
		vemu_split_write_bad(vq);
	if (vq->notify_on && vq->f_event_idx)
		vemu_split_avail_event(vq);
	return out;
}

uint16_t
vemu_split_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains, uint16_t n)
{
	struct vring_desc first[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t heads[VIRTIO_EMU_VQ_BURST_MAX];
	const struct vring_avail *avail = vq->driver_va;
	uint16_t avail_idx, pending, k, i, out = 0;
	uint32_t segpos = 0;
	bool direct = vq->direct;
	int res;

	if (direct)
		return split_pop_direct(vq, chains, n);
	if (direct) {
		/* Acquire: ring entries and descriptors are read after the index. */
		avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
	} else if (vemu_mem_read(vq, vq->driver_addr + 2, &avail_idx, sizeof(avail_idx)) != 0) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
		return 0;
	}
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (unlikely(pending > vq->size)) {
		vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX);
		return 0;
	}
	k = RTE_MIN(pending, n);
	if (k == 0)
		return 0;

	if (direct) {
		for (i = 0; i < k; i++)
			heads[i] = VEMU_READ_ONCE(uint16_t,
				&avail->ring[(uint16_t)(vq->last_avail + i) & vq->mask]);
	} else {
		/* One round trip for the ring slice, one for the head descriptors. */
		struct vemu_io io[VIRTIO_EMU_VQ_BURST_MAX];
		uint16_t slot = vq->last_avail & vq->mask;
		unsigned int a = RTE_MIN((unsigned int)k, (unsigned int)vq->size - slot), m = 0;

		io[m++] = (struct vemu_io){ vq->driver_addr + 4 + 2ull * slot, heads, a * 2 };
		if (a < k)
			io[m++] = (struct vemu_io){ vq->driver_addr + 4, heads + a, (k - a) * 2 };
		if (vemu_mem_io(vq, false, io, m) != 0) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
			return 0;
		}
		for (i = 0, m = 0; i < k && heads[i] < vq->size; i++, m++)
			io[m] = (struct vemu_io){
				vq->desc_addr + (uint64_t)heads[i] * VRING_DESC_SIZE,
				&first[i], VRING_DESC_SIZE };
		if (vemu_mem_io(vq, false, io, m) != 0) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
			return 0;
		}
	}

	for (i = 0; i < k; i++) {
		uint16_t head = heads[i];
		struct virtio_emu_vq_chain *c = &chains[out];

		if (unlikely(head >= vq->size)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE);
			break;
		}
		if (unlikely(vq->id_ndesc[head] != 0)) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_DUP_ID);
			break;
		}
		if (unlikely(segpos + vq->max_descs > vq->nb_segs))
			break;
		c->nb_rd = 0;
		c->nb_wr = 0;
		c->rd_len = 0;
		c->wr_len = 0;
		c->rd = &vq->segs[segpos];
		if (direct) {
			const struct vring_desc *d = (const struct vring_desc *)vq->desc_va + head;
			uint16_t fl = VEMU_READ_ONCE(uint16_t, &d->flags);

			if (likely(!(fl & (VRING_DESC_F_NEXT | VRING_DESC_F_INDIRECT)))) {
				/* One descriptor: the common case, checked here in full. */
				uint64_t addr = VEMU_READ_ONCE(uint64_t, &d->addr);
				uint32_t len = VEMU_READ_ONCE(uint32_t, &d->len);
				struct virtio_emu_vq_seg *sg = c->rd;
				void *va = vemu_translate(vq, addr, len);

				res = VEMU_CHAIN_OK;
				if (unlikely(len == 0))
					res = VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_LEN_ZERO);
				else if (unlikely(va == NULL))
					res = VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_ADDR);
				else if (unlikely(len > vq->max_bytes))
					res = VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW);
				sg->addr = addr;
				sg->va = va;
				sg->len = len;
				if (fl & VRING_DESC_F_WRITE) {
					c->nb_wr = 1;
					c->wr_len = len;
				} else {
					c->nb_rd = 1;
					c->rd_len = len;
				}
			} else {
				res = split_chain(vq, d, c, c->rd, true);
			}
		} else {
			res = split_chain(vq, &first[i], c, c->rd, false);
		}
		if (likely(res == VEMU_CHAIN_OK)) {
			c->id = head;
			c->wr = c->rd + c->nb_rd;
			segpos += c->nb_rd + c->nb_wr;
			vq->id_ndesc[head] = 1;
			out++;
		} else if (res == VEMU_CHAIN_RING_ERR) {
			vemu_vq_set_broken(vq, VIRTIO_EMU_VQ_BROKEN_RING_DMA);
			break;
		} else {
			/* IN_ORDER: a dropped chain is used only after everything before it. */
			if (vq->f_in_order && (out != 0 || vq->inflight != 0))
				break;
			vq->id_ndesc[head] = 1;
			vemu_drop(vq, head, 1, res);
		}
		vq->last_avail++;
	}
	vq->inflight += out;
	vq->stats.chains += out;
	if (vq->nb_bad != 0)
		vemu_split_write_bad(vq);
	if (vq->notify_on && vq->f_event_idx)
		vemu_split_avail_event(vq);
	return out;
}

/* Direct path: used elements go straight into the ring, one index update. */
static __rte_noinline uint16_t
split_push_direct(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used, uint16_t n)
{
	struct vring_used *u = vq->device_va;
	uint16_t *id_ndesc = vq->id_ndesc;
	const uint16_t size = vq->size, mask = vq->mask;
	uint16_t uidx = vq->used_idx, i, w = 0;
	uint64_t bytes = 0;

	for (i = 0; i < n; i++) {
		uint16_t id = used[i].id;
		uint32_t len = used[i].len;
		struct vring_used_elem *e;

		if (unlikely(id >= size || id_ndesc[id] == 0)) {
			vq->stats.push_rejected++;
			continue;
		}
		id_ndesc[id] = 0;
		e = &u->ring[(uint16_t)(uidx + w) & mask];
		e->id = id;
		e->len = len;
		bytes += len;
		w++;
	}
	if (w == 0)
		return 0;
	uidx = (uint16_t)(uidx + w);
	/* Release: the elements are visible before the index that covers them. */
	__atomic_store_n(&u->idx, uidx, __ATOMIC_RELEASE);
	vq->used_idx = uidx;
	vq->inflight -= w;
	vq->pushed = 1;
	vq->stats.used += w;
	vq->stats.used_bytes += bytes;
	return w;
}

uint16_t
vemu_split_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used, uint16_t n)
{
	struct vring_used_elem ue[VIRTIO_EMU_VQ_BURST_MAX];
	uint64_t bytes = 0;
	uint16_t i, w = 0;

	if (vq->direct)
		return split_push_direct(vq, used, n);
	for (i = 0; i < n; i++) {
		uint16_t id = used[i].id;

		if (unlikely(id >= vq->size || vq->id_ndesc[id] == 0)) {
			vq->stats.push_rejected++;
			continue;
		}
		vq->id_ndesc[id] = 0;
		ue[w].id = id;
		ue[w].len = used[i].len;
		bytes += used[i].len;
		w++;
	}
	vq->inflight -= w;
	if (split_write_used(vq, ue, w) != 0)
		return 0;
	vq->stats.used_bytes += bytes;
	return w;
}

bool
vemu_split_should_notify(struct virtio_emu_vq *vq)
{
	uint16_t v;
	bool notify;

	if (!vq->pushed)
		return false;
	vq->pushed = 0;
	/* Full barrier: the used index store is ordered before reading the driver's wish. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->f_event_idx) {
		if (vq->direct)
			v = VEMU_READ_ONCE(uint16_t, (const uint8_t *)vq->driver_va +
					   VRING_SPLIT_USED_EVENT_OFF(vq->size));
		else if (vemu_mem_read(vq, vq->driver_addr + VRING_SPLIT_USED_EVENT_OFF(vq->size),
				       &v, sizeof(v)) != 0)
			return true;
		notify = !vq->sig_valid || vring_need_event(v, vq->used_idx, vq->sig_used);
		vq->sig_used = vq->used_idx;
		vq->sig_valid = 1;
	} else {
		if (vq->direct)
			v = VEMU_READ_ONCE(uint16_t, vq->driver_va);
		else if (vemu_mem_read(vq, vq->driver_addr, &v, sizeof(v)) != 0)
			return true;
		/* Other flag bits are reserved: ignored. */
		notify = !(v & VRING_AVAIL_F_NO_INTERRUPT);
	}
	return notify;
}

int
vemu_split_notify_enable(struct virtio_emu_vq *vq, bool enable)
{
	uint16_t fl = enable ? 0 : VRING_USED_F_NO_NOTIFY;

	vq->notify_on = enable;
	if (vq->direct)
		__atomic_store_n((uint16_t *)vq->device_va, fl, __ATOMIC_RELAXED);
	else if (vemu_mem_write(vq, vq->device_addr, &fl, sizeof(fl)) != 0)
		return -EIO;
	if (enable && vq->f_event_idx)
		vemu_split_avail_event(vq);
	/* The driver sees the wish before the caller looks at the ring again. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq->broken ? -EIO : 0;
}
