/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Host-side virtqueue driver for the engine's tests (see test_vemu_vq_drv.h). */

#include <stdio.h>
#include <string.h>

#include <rte_log.h>
#include <rte_mbuf.h>

#include "tlpemu_test.h"
#include "tlpemu_test_eal.h"
#include "test_vemu_vq_drv.h"

static struct tlpemu_test_tlpdev *tdrv_tt;

int
tdrv_global_init(void)
{
	struct tlpemu_test_tlpdev_conf conf = {
		.nb_queues = 2,
		.host_mem_size = TDRV_MEM_SIZE,
	};

	if (tlpemu_test_eal_init(NULL) != 0)
		return -1;
	tdrv_tt = tlpemu_test_tlpdev_create("tdrv0", &conf);
	return tdrv_tt != NULL ? 0 : -1;
}

struct tlpemu_test_tlpdev *
tdrv_tlpdev(void)
{
	return tdrv_tt;
}

int
tdrv_net_main(const char *suite, const struct tlpemu_test_case *cases, unsigned int nb_mbufs,
	      struct rte_mempool **mp, int argc, char **argv)
{
	int rc;

	if (tdrv_global_init() != 0)
		return 1;
	rte_log_set_level_pattern("lib.virtio_emu.*", RTE_LOG_CRIT);
	*mp = rte_pktmbuf_pool_create(suite, nb_mbufs, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				      SOCKET_ID_ANY);
	if (*mp == NULL)
		return 1;
	rc = tlpemu_test_run(suite, cases, argc, argv);
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(*mp), 0, "mbuf leak");
	return rc;
}

const char *
tdrv_name(const struct tdrv *d)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s/%s/q%u", d->packed ? "packed" : "split",
		 d->path == TDRV_DIRECT ? "direct" : "dma", d->qsize);
	return buf;
}

int
tdrv_setup(struct tdrv *d, bool packed, uint16_t qsize, uint64_t features,
	   enum tdrv_path path, const struct virtio_emu_vq_conf *extra)
{
	struct tlpdev_mem_region regions[TLPDEV_MAX_MEM_REGIONS];
	struct virtio_emu_vq_conf conf;
	size_t size;
	int nr;

	memset(d, 0, sizeof(*d));
	d->tt = tdrv_tt;
	d->mem = tlpemu_test_tlpdev_host_mem(tdrv_tt, &d->base, &size);
	memset(d->mem, 0, TDRV_BUF_OFF);
	d->qsize = qsize;
	d->packed = packed;
	d->features = features | (packed ? TDRV_F_PACKED : 0) | TDRV_F_VERSION_1;
	d->path = path;
	d->avail_wrap = 1;
	d->used_wrap = 1;
	if (extra != NULL)
		conf = *extra;
	else
		memset(&conf, 0, sizeof(conf));
	conf.size = qsize;
	conf.features = d->features;
	conf.desc_addr = d->base + TDRV_DESC_OFF;
	conf.driver_addr = d->base + TDRV_DRIVER_OFF;
	conf.device_addr = d->base + TDRV_DEVICE_OFF;
	conf.dev_id = tlpemu_test_tlpdev_id(tdrv_tt);
	conf.dma_qid = 1;
	if (path == TDRV_DIRECT && conf.mem_ops == NULL) {
		nr = tlpdev_host_mem_map(conf.dev_id, regions, TLPDEV_MAX_MEM_REGIONS);
		if (nr <= 0)
			return -1;
		conf.regions = regions;
		conf.nb_regions = (uint16_t)nr;
	}
	d->vq = virtio_emu_vq_create(&conf);
	return d->vq != NULL ? 0 : -1;
}

void
tdrv_teardown(struct tdrv *d)
{
	virtio_emu_vq_free(d->vq);
	d->vq = NULL;
}

void
tdrv_split_desc(struct tdrv *d, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		uint16_t next)
{
	struct vring_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);

	t[i].addr = addr;
	t[i].len = len;
	t[i].flags = flags;
	t[i].next = next;
}

void
tdrv_split_set_avail_idx(struct tdrv *d, uint16_t idx)
{
	struct vring_avail *a = tdrv_va(d, d->base + TDRV_DRIVER_OFF);

	__atomic_store_n(&a->idx, idx, __ATOMIC_RELEASE);
}

void
tdrv_split_avail(struct tdrv *d, uint16_t head)
{
	struct vring_avail *a = tdrv_va(d, d->base + TDRV_DRIVER_OFF);

	a->ring[d->avail_idx & (d->qsize - 1)] = head;
	d->avail_idx++;
	tdrv_split_set_avail_idx(d, d->avail_idx);
}

void
tdrv_packed_desc(struct tdrv *d, uint16_t pos, uint64_t addr, uint32_t len, uint16_t id,
		 uint16_t flags)
{
	struct vring_packed_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);

	t[pos].addr = addr;
	t[pos].len = len;
	t[pos].id = id;
	__atomic_store_n(&t[pos].flags, flags, __ATOMIC_RELEASE);
}

uint16_t
tdrv_packed_avail_flags(const struct tdrv *d, uint16_t extra)
{
	return extra | (d->avail_wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED);
}

void
tdrv_packed_advance(struct tdrv *d, uint16_t n, uint16_t id)
{
	d->ndesc[id] = n;
	d->next_avail = (uint16_t)(d->next_avail + n);
	if (d->next_avail >= d->qsize) {
		d->next_avail = (uint16_t)(d->next_avail - d->qsize);
		d->avail_wrap ^= 1;
	}
}

uint64_t
tdrv_itbl(struct tdrv *d, const struct tdrv_seg *segs, unsigned int n)
{
	uint64_t addr = d->base + TDRV_ITBL_OFF + d->itbl_next;
	struct vring_desc *t = tdrv_va(d, addr);
	unsigned int i;

	d->itbl_next = (d->itbl_next + n * 16 + 15) / 16 * 16;
	if (d->itbl_next > 0x8000)
		d->itbl_next = 0;
	for (i = 0; i < n; i++) {
		t[i].addr = segs[i].addr;
		t[i].len = segs[i].len;
		if (d->packed) {
			struct vring_packed_desc *p = (void *)&t[i];

			p->id = 0;
			p->flags = segs[i].write ? VRING_DESC_F_WRITE : 0;
		} else {
			t[i].flags = (segs[i].write ? VRING_DESC_F_WRITE : 0) |
				(i + 1 < n ? VRING_DESC_F_NEXT : 0);
			t[i].next = (uint16_t)(i + 1);
		}
	}
	return addr;
}

int
tdrv_add(struct tdrv *d, const struct tdrv_seg *segs, unsigned int n, bool indirect)
{
	unsigned int i;

	if (!d->packed) {
		uint16_t head = d->next_desc, idx = head;

		if (indirect) {
			tdrv_split_desc(d, idx, tdrv_itbl(d, segs, n), n * 16,
					VRING_DESC_F_INDIRECT, 0);
			d->next_desc = (uint16_t)((idx + 1) & (d->qsize - 1));
		} else {
			for (i = 0; i < n; i++) {
				uint16_t nx = (uint16_t)((idx + 1) & (d->qsize - 1));

				tdrv_split_desc(d, idx, segs[i].addr, segs[i].len,
						(segs[i].write ? VRING_DESC_F_WRITE : 0) |
						(i + 1 < n ? VRING_DESC_F_NEXT : 0), nx);
				idx = nx;
			}
			d->next_desc = idx;
		}
		tdrv_split_avail(d, head);
		return head;
	} else {
		uint16_t id = d->next_id, pos = d->next_avail, head_flags = 0;
		uint8_t w = d->avail_wrap;
		unsigned int nd = indirect ? 1 : n;

		d->next_id = (uint16_t)((d->next_id + 1) % d->qsize);
		for (i = 0; i < nd; i++) {
			uint16_t fl = w ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
			uint64_t a;
			uint32_t l;

			if (indirect) {
				a = tdrv_itbl(d, segs, n);
				l = n * 16;
				fl |= VRING_DESC_F_INDIRECT;
			} else {
				a = segs[i].addr;
				l = segs[i].len;
				fl |= (segs[i].write ? VRING_DESC_F_WRITE : 0) |
					(i + 1 < nd ? VRING_DESC_F_NEXT : 0);
			}
			if (i == 0) {
				/* The head's flags are written last. */
				struct vring_packed_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);

				t[pos].addr = a;
				t[pos].len = l;
				t[pos].id = id;
				head_flags = fl;
			} else {
				tdrv_packed_desc(d, pos, a, l, id, fl);
			}
			if (++pos == d->qsize) {
				pos = 0;
				w ^= 1;
			}
		}
		{
			struct vring_packed_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);

			__atomic_store_n(&t[d->next_avail].flags, head_flags, __ATOMIC_RELEASE);
		}
		tdrv_packed_advance(d, (uint16_t)nd, id);
		return id;
	}
}

int
tdrv_used(struct tdrv *d, uint16_t *id, uint32_t *len)
{
	if (!d->packed) {
		struct vring_used *u = tdrv_va(d, d->base + TDRV_DEVICE_OFF);
		uint16_t idx = __atomic_load_n(&u->idx, __ATOMIC_ACQUIRE);
		struct vring_used_elem *e;

		if (idx == d->used_last)
			return 0;
		e = &u->ring[d->used_last & (d->qsize - 1)];
		*id = (uint16_t)e->id;
		*len = e->len;
		d->used_last++;
		return 1;
	} else {
		struct vring_packed_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);
		uint16_t fl = __atomic_load_n(&t[d->next_used].flags, __ATOMIC_ACQUIRE);
		bool avail = !!(fl & VRING_PACKED_DESC_F_AVAIL);
		bool used = !!(fl & VRING_PACKED_DESC_F_USED);
		uint16_t nd;

		if (avail != used || used != d->used_wrap)
			return 0;
		*id = t[d->next_used].id;
		*len = t[d->next_used].len;
		nd = *id < d->qsize && d->ndesc[*id] != 0 ? d->ndesc[*id] : 1;
		d->next_used = (uint16_t)(d->next_used + nd);
		if (d->next_used >= d->qsize) {
			d->next_used = (uint16_t)(d->next_used - d->qsize);
			d->used_wrap ^= 1;
		}
		return 1;
	}
}

unsigned int
tdrv_used_drain(struct tdrv *d)
{
	unsigned int n = 0;
	uint16_t id;
	uint32_t len;

	while (n < 65536 && tdrv_used(d, &id, &len))
		n++;
	return n;
}

void
tdrv_split_avail_flags(struct tdrv *d, uint16_t flags)
{
	struct vring_avail *a = tdrv_va(d, d->base + TDRV_DRIVER_OFF);

	a->flags = flags;
}

void
tdrv_split_used_event(struct tdrv *d, uint16_t ev)
{
	struct vring_avail *a = tdrv_va(d, d->base + TDRV_DRIVER_OFF);

	a->ring[d->qsize] = ev;
}

void
tdrv_packed_drv_event(struct tdrv *d, uint16_t off_wrap, uint16_t flags)
{
	struct vring_packed_desc_event *e = tdrv_va(d, d->base + TDRV_DRIVER_OFF);

	e->off_wrap = off_wrap;
	e->flags = flags;
}
