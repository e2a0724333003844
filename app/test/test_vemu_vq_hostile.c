/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Virtqueue engine against a hostile driver: one deterministic case per
 * rule of the hostile-inputs checklist (split ring, packed ring, indirect,
 * DMA address validation), each asserting its outcome (D: dropped, counted,
 * returned with length 0; R: broken; I: ignored) on both memory paths, plus
 * a double-fetch check and a liveness check over random rings.
 * The table in doc/guides/prog_guide/virtio_emu_vq.rst maps items to cases.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>

#include "test_vemu_vq_common.h"

struct rawd {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t nx;	/* split: index of this descriptor's next; packed: id */
	uint16_t idx;	/* split: table index of this descriptor */
};

/* Make a raw chain available. Split: descriptors at r[i].idx, head r[0].idx. */
static void
tv_raw(struct tdrv *d, const struct rawd *r, unsigned int n)
{
	unsigned int i;

	if (!d->packed) {
		for (i = 0; i < n; i++)
			tdrv_split_desc(d, r[i].idx, r[i].addr, r[i].len, r[i].flags, r[i].nx);
		tdrv_split_avail(d, r[0].idx);
		return;
	}
	{
		uint16_t pos = d->next_avail, p = pos;
		uint8_t w = d->avail_wrap;
		struct vring_packed_desc *t = tdrv_va(d, d->base + TDRV_DESC_OFF);

		for (i = 0; i < n; i++) {
			uint16_t fl = r[i].flags | (w ? VRING_PACKED_DESC_F_AVAIL :
						    VRING_PACKED_DESC_F_USED);

			t[p].addr = r[i].addr;
			t[p].len = r[i].len;
			t[p].id = r[i].nx;
			if (i != 0)
				t[p].flags = fl;
			if (++p == d->qsize) {
				p = 0;
				w ^= 1;
			}
		}
		__atomic_store_n(&t[pos].flags, r[0].flags | (d->avail_wrap ?
			VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED), __ATOMIC_RELEASE);
		tdrv_packed_advance(d, (uint16_t)n, r[n - 1].nx < d->qsize ? r[n - 1].nx : 0);
	}
}

/* A good chain goes through afterwards: the queue is not stuck. */
static int
tv_still_works(struct tdrv *d)
{
	struct tdrv_seg s = { tdrv_buf(d, 5), 64, true };

	tdrv_add(d, &s, 1, false);
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 1, "%s: good chain after", tdrv_name(d));
	TEST_ASSERT_EQUAL(tdrv_used_drain(d), 1, "its used entry");
	return TEST_SUCCESS;
}

/* Outcome D: nothing handed to the caller, counted, one used entry (len 0). */
static int
tv_expect_drop(struct tdrv *d, const struct rawd *r, unsigned int n, enum virtio_emu_vq_drop why)
{
	uint16_t id;
	uint32_t len;

	tv_raw(d, r, n);
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 0, "%s: bad chain not handed out", tdrv_name(d));
	TEST_ASSERT_EQUAL(tv_drops(d, why), 1, "%s: drop %s counted", tdrv_name(d),
			  virtio_emu_vq_drop_name(why));
	TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "%s: returned used", tdrv_name(d));
	TEST_ASSERT_EQUAL(len, 0, "used len 0");
	TEST_ASSERT_EQUAL(id, d->packed ? r[n - 1].nx : r[0].idx, "used id");
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), 0, "not broken");
	return tv_still_works(d);
}

/* Outcome R: the queue is broken with @p why and stops. */
static int
tv_expect_broken(struct tdrv *d, enum virtio_emu_vq_broken why)
{
	tv_pop_push_all(d);
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), why, "%s: broken %s", tdrv_name(d),
			  virtio_emu_vq_broken_name(why));
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 0, "stopped");
	return TEST_SUCCESS;
}

#define B(d, s)		tdrv_buf(d, s)
#define SETUP(d, packed, qs, f, path, conf) \
	TEST_ASSERT(tdrv_setup(d, packed, qs, f, path, conf) == 0, "setup")

static struct tdrv tv_d;

/* 19: next >= size (D). */
static int
h_next_range(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	int rc;

	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[2] = {
			{ B(d, 0), 64, VRING_DESC_F_NEXT, 16, 0 },
		};
		rc = tv_expect_drop(d, r, 1, VIRTIO_EMU_VQ_DROP_NEXT_RANGE);
	}
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_next_range, TV_SPLIT)

/* 19: descriptor loop (D, bounded walk). */
static int
h_loop(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	int rc;

	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[2] = {
			{ B(d, 0), 64, VRING_DESC_F_NEXT, 1, 0 },
			{ B(d, 1), 64, VRING_DESC_F_NEXT, 0, 1 },
		};
		rc = tv_expect_drop(d, r, 2, VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
	}
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_loop, TV_SPLIT)

/* 19/28: chain longer than allowed (D when the id is known). */
static int
h_chain_long(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_conf conf = { .max_chain_descs = 4 };
	struct tdrv *d = &tv_d;
	struct rawd r[5];
	unsigned int i;
	int rc;

	SETUP(d, packed, 16, 0, path, &conf);
	for (i = 0; i < 5; i++)
		r[i] = (struct rawd){ B(d, i), 64, i < 4 ? VRING_DESC_F_NEXT : 0,
			packed ? 3 : (uint16_t)(i + 1), (uint16_t)i };
	rc = tv_expect_drop(d, r, 5, VIRTIO_EMU_VQ_DROP_CHAIN_LONG);
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_chain_long, TV_BOTH)

/* 20: len 0, with and without an address (D). */
static int
h_len_zero(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	int rc;

	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[1] = { { B(d, 0), 0, 0, 1, 0 } };

		rc = tv_expect_drop(d, r, 1, VIRTIO_EMU_VQ_DROP_LEN_ZERO);
	}
	if (rc == TEST_SUCCESS) {
		struct rawd r[1] = { { 0, 0, VRING_DESC_F_WRITE, 2, 2 } };

		virtio_emu_vq_stats_reset(d->vq);
		rc = tv_expect_drop(d, r, 1, VIRTIO_EMU_VQ_DROP_LEN_ZERO);
	}
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_len_zero, TV_BOTH)

/* 20: sum of lengths above the limit / above 2^32 (D). */
static int
h_len_overflow(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_conf conf = { .max_chain_bytes = 100 };
	struct tdrv *d = &tv_d;
	int rc;

	SETUP(d, packed, 16, 0, path, &conf);
	{
		struct rawd r[2] = {
			{ B(d, 0), 64, VRING_DESC_F_NEXT, packed ? 4 : 1, 0 },
			{ B(d, 1), 64, 0, 4, 1 },
		};
		rc = tv_expect_drop(d, r, 2, VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW);
	}
	tdrv_teardown(d);
	if (rc != TEST_SUCCESS || path != TDRV_DMA)
		return rc;
	/* Without a mapping nothing is translated: the 2^32 sum is what trips. */
	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[2] = {
			{ B(d, 0), 0xf0000000u, VRING_DESC_F_NEXT, packed ? 4 : 1, 0 },
			{ B(d, 0), 0xf0000000u, 0, 4, 1 },
		};
		rc = tv_expect_drop(d, r, 2, VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW);
	}
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_len_overflow, TV_BOTH)

/* 21/34: addresses beyond RAM, wrapping, spanning the region end. */
static int
h_addr(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_chain c;
	struct tdrv *d = &tv_d;
	uint8_t buf[64];
	int rc = TEST_SUCCESS;
	unsigned int k;

	for (k = 0; k < 3 && rc == TEST_SUCCESS; k++) {
		uint64_t a;
		struct rawd r[1];

		SETUP(d, packed, 16, 0, path, NULL);
		a = k == 0 ? d->base + TDRV_MEM_SIZE + 0x1000 :
			k == 1 ? UINT64_MAX - 15 : d->base + TDRV_MEM_SIZE - 8;
		r[0] = (struct rawd){ a, 64, 0, 1, 0 };
		if (path == TDRV_DIRECT || k == 1) {
			rc = tv_expect_drop(d, r, 1, VIRTIO_EMU_VQ_DROP_ADDR);
		} else {
			/* DMA path: found when copying; the caller drops it (len 0). */
			tv_raw(d, r, 1);
			if (virtio_emu_vq_pop(d->vq, &c, 1) != 1 ||
			    virtio_emu_vq_chain_read(d->vq, &c, 0, buf, 64) != -EFAULT)
				rc = TEST_FAILED;
			virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c.id, 0 }, 1);
			if (rc == TEST_SUCCESS && tdrv_used_drain(d) != 1)
				rc = TEST_FAILED;
		}
		tdrv_teardown(d);
	}
	return rc;
}
TV_CASE(h_addr, TV_BOTH)

/* 22: readable descriptor after a writable one (D). */
static int
h_write_order(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	int rc;

	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[2] = {
			{ B(d, 0), 64, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, packed ? 6 : 1, 0 },
			{ B(d, 1), 64, 0, 6, 1 },
		};
		rc = tv_expect_drop(d, r, 2, VIRTIO_EMU_VQ_DROP_WRITE_ORDER);
	}
	tdrv_teardown(d);
	return rc;
}
TV_CASE(h_write_order, TV_BOTH)

/* 17: avail idx jumps by more than the size, or goes backwards (R). */
static int
h_avail_idx(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	struct tdrv_seg s;

	SETUP(d, packed, 16, 0, path, NULL);
	tdrv_split_set_avail_idx(d, 17);
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	SETUP(d, packed, 16, 0, path, NULL);
	s = (struct tdrv_seg){ B(d, 0), 64, true };
	tdrv_add(d, &s, 1, false);
	tdrv_add(d, &s, 1, false);
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 2, "two");
	tdrv_split_set_avail_idx(d, 1);
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_avail_idx, TV_SPLIT)

/* 17: indices near the 16-bit wrap are fine (I: normal operation). */
static int
h_avail_wrap16(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_state st = { .avail_idx = 0xfffd, .used_idx = 0xfffd };
	struct tdrv *d = &tv_d;
	struct vring_used *u;
	struct tdrv_seg s;
	unsigned int i;

	SETUP(d, packed, 16, 0, path, NULL);
	u = tdrv_va(d, d->base + TDRV_DEVICE_OFF);
	u->idx = 0xfffd;
	d->avail_idx = 0xfffd;
	d->used_last = 0xfffd;
	tdrv_split_set_avail_idx(d, 0xfffd);
	TEST_ASSERT_EQUAL(virtio_emu_vq_state_set(d->vq, &st), 0, "state");
	s = (struct tdrv_seg){ B(d, 0), 64, true };
	for (i = 0; i < 8; i++) {
		tdrv_add(d, &s, 1, false);
		TEST_ASSERT_EQUAL(tv_pop_push_all(d), 1, "across 0xffff (%u)", i);
		TEST_ASSERT_EQUAL(tdrv_used_drain(d), 1, "used");
	}
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), 0, "fine");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_avail_wrap16, TV_SPLIT)

/* 18: avail entry >= size (R: the id cannot be returned). */
static int
h_head_range(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;

	SETUP(d, packed, 16, 0, path, NULL);
	tdrv_split_avail(d, 16);
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_head_range, TV_SPLIT)

/* 24/28: the same head / buffer id twice in flight (R). */
static int
h_dup_id(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_chain c[4];
	struct tdrv *d = &tv_d;
	unsigned int burst;

	for (burst = 0; burst < 2; burst++) {
		SETUP(d, packed, 16, 0, path, NULL);
		{
			struct rawd r[1] = { { B(d, 0), 64, VRING_DESC_F_WRITE, 3, 3 } };

			tv_raw(d, r, 1);
			if (!burst)
				TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 4), 1, "first");
			tv_raw(d, r, 1);
			virtio_emu_vq_pop(d->vq, c, 4);
			TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), VIRTIO_EMU_VQ_BROKEN_DUP_ID,
					  "%s dup", tdrv_name(d));
		}
		tdrv_teardown(d);
	}
	return TEST_SUCCESS;
}
TV_CASE(h_dup_id, TV_BOTH)

/* 26: used_event / avail flags poison (I: decisions stay sane). */
static int
h_event_poison(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	struct tdrv_seg s;
	unsigned int i;

	SETUP(d, packed, 16, TDRV_F_EVENT_IDX, path, NULL);
	s = (struct tdrv_seg){ B(d, 0), 64, true };
	tdrv_split_used_event(d, 0xffff);
	for (i = 0; i < 40; i++) {
		tdrv_add(d, &s, 1, false);
		tv_pop_push_all(d);
		tdrv_used_drain(d);
		(void)virtio_emu_vq_should_notify(d->vq);
		tdrv_split_used_event(d, (uint16_t)(i * 7919));
	}
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), 0, "fine");
	tdrv_teardown(d);
	SETUP(d, packed, 16, 0, path, NULL);
	s.addr = B(d, 0);
	tdrv_split_avail_flags(d, 0xfffe);	/* reserved bits, NO_INTERRUPT clear */
	tdrv_add(d, &s, 1, false);
	tv_pop_push_all(d);
	TEST_ASSERT(virtio_emu_vq_should_notify(d->vq), "reserved bits ignored");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_event_poison, TV_SPLIT)

/* 28: buffer id >= size (R). */
static int
h_packed_id_range(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;

	SETUP(d, packed, 16, 0, path, NULL);
	{
		struct rawd r[1] = { { B(d, 0), 64, 0, 16, 0 } };

		tv_raw(d, r, 1);
	}
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_ID_RANGE) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_packed_id_range, TV_PACKED)

/* 28: head made available before the rest of its chain (R). */
static int
h_packed_head_first(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	struct vring_packed_desc *t;

	SETUP(d, packed, 16, 0, path, NULL);
	t = tdrv_va(d, d->base + TDRV_DESC_OFF);
	t[0] = (struct vring_packed_desc){ B(d, 0), 64, 0,
		VRING_DESC_F_NEXT | VRING_PACKED_DESC_F_AVAIL };
	t[1] = (struct vring_packed_desc){ B(d, 1), 64, 1, 0 };	/* not available yet */
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_packed_head_first, TV_PACKED)

/* 28: a chain longer than the ring (R: no end to find). */
static int
h_packed_chain_ring(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	struct vring_packed_desc *t;
	unsigned int i;

	SETUP(d, packed, 8, 0, path, NULL);
	t = tdrv_va(d, d->base + TDRV_DESC_OFF);
	for (i = 0; i < 8; i++)
		t[i] = (struct vring_packed_desc){ B(d, i), 64, 1,
			VRING_DESC_F_NEXT | VRING_PACKED_DESC_F_AVAIL };
	if (tv_expect_broken(d, VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN) != TEST_SUCCESS)
		return TEST_FAILED;
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_packed_chain_ring, TV_PACKED)

/* 27: AVAIL/USED mismatch, wrong lap (I: not available, nothing happens). */
static int
h_packed_wrap_confusion(bool packed, enum tdrv_path path)
{
	static const uint16_t bad[] = {
		VRING_PACKED_DESC_F_AVAIL | VRING_PACKED_DESC_F_USED,	/* looks used */
		0,							/* previous lap, used */
		VRING_PACKED_DESC_F_USED,				/* next lap */
	};
	struct tdrv *d = &tv_d;
	struct vring_packed_desc *t;
	struct virtio_emu_vq_stats st;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		SETUP(d, packed, 16, 0, path, NULL);
		t = tdrv_va(d, d->base + TDRV_DESC_OFF);
		t[0] = (struct vring_packed_desc){ B(d, 0), 64, 0, bad[i] };
		TEST_ASSERT_EQUAL(tv_pop_push_all(d), 0, "not available (%u)", i);
		virtio_emu_vq_stats_get(d->vq, &st);
		TEST_ASSERT(st.dropped == 0 && st.used == 0 && !st.broken, "ignored");
		tdrv_teardown(d);
	}
	return TEST_SUCCESS;
}
TV_CASE(h_packed_wrap_confusion, TV_PACKED)

/* 30: event suppression reserved flags / offset >= size (notify, counted). */
static int
h_packed_event_bad(bool packed, enum tdrv_path path)
{
	static const uint16_t ev[][2] = {
		{ 0, 3 },				/* reserved flags value */
		{ 0x7fff | 0x8000, VRING_PACKED_EVENT_FLAG_DESC }, /* offset >= size */
	};
	struct virtio_emu_vq_stats st;
	struct tdrv *d = &tv_d;
	struct tdrv_seg s;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ev); i++) {
		SETUP(d, packed, 16, TDRV_F_EVENT_IDX, path, NULL);
		s = (struct tdrv_seg){ B(d, 0), 64, true };
		tdrv_packed_drv_event(d, ev[i][0], ev[i][1]);
		tdrv_add(d, &s, 1, false);
		tv_pop_push_all(d);
		TEST_ASSERT(virtio_emu_vq_should_notify(d->vq), "notified (%u)", i);
		virtio_emu_vq_stats_get(d->vq, &st);
		TEST_ASSERT_EQUAL(st.event_bad, 1, "counted");
		tdrv_teardown(d);
	}
	/* DESC without EVENT_IDX: treated as enable, counted. */
	SETUP(d, packed, 16, 0, path, NULL);
	s = (struct tdrv_seg){ B(d, 0), 64, true };
	tdrv_packed_drv_event(d, 5, VRING_PACKED_EVENT_FLAG_DESC);
	tdrv_add(d, &s, 1, false);
	tv_pop_push_all(d);
	TEST_ASSERT(virtio_emu_vq_should_notify(d->vq), "notified");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_packed_event_bad, TV_PACKED)

/* 31: indirect table rules. */
static int
h_indirect(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	struct vring_desc *tb;
	uint64_t ta;
	int rc = TEST_SUCCESS;
	unsigned int k;
	uint16_t id = packed ? 7 : 0;

	for (k = 0; k < 11 && rc == TEST_SUCCESS; k++) {
		enum virtio_emu_vq_drop why = VIRTIO_EMU_VQ_DROP_MAX;
		struct rawd r[2];
		unsigned int n = 1;
		uint32_t tlen = 32;
		uint64_t f = TDRV_F_INDIRECT;
		uint16_t fl = VRING_DESC_F_INDIRECT;

		SETUP(d, packed, 16, k == 0 ? 0 : f, path, NULL);
		ta = d->base + TDRV_ITBL_OFF;
		tb = tdrv_va(d, ta);
		tb[0] = (struct vring_desc){ B(d, 0), 64, packed ? 0 : VRING_DESC_F_NEXT, 1 };
		tb[1] = (struct vring_desc){ B(d, 1), 64, VRING_DESC_F_WRITE, 0 };
		if (packed) {
			((struct vring_packed_desc *)tb)[0].flags = 0;
			((struct vring_packed_desc *)tb)[1].flags = VRING_DESC_F_WRITE;
		}
		switch (k) {
		case 0:
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_FEATURE;
			break;
		case 1:	/* nested */
			if (packed)
				((struct vring_packed_desc *)tb)[1].flags = VRING_DESC_F_INDIRECT;
			else
				tb[1].flags = VRING_DESC_F_INDIRECT;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_NESTED;
			break;
		case 2:	/* INDIRECT | NEXT */
			fl |= VRING_DESC_F_NEXT;
			r[1] = (struct rawd){ B(d, 2), 64, 0, id, 1 };
			n = 2;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT;
			break;
		case 3:
			tlen = 0;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_LEN;
			break;
		case 4:
			tlen = 24;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_LEN;
			break;
		case 5:	/* more entries than the queue size */
			tlen = 17 * 16;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_LEN;
			break;
		case 6:	/* loop inside the table (split) / ignored NEXT (packed: fine) */
			tb[1].flags = VRING_DESC_F_NEXT;
			tb[1].next = 0;
			if (packed)
				((struct vring_packed_desc *)tb)[1].flags = VRING_DESC_F_NEXT;
			why = packed ? VIRTIO_EMU_VQ_DROP_MAX : VIRTIO_EMU_VQ_DROP_CHAIN_LONG;
			break;
		case 7:	/* next beyond the table (split) */
			tb[1].flags = VRING_DESC_F_NEXT;
			tb[1].next = 2;
			if (packed)
				((struct vring_packed_desc *)tb)[1].flags = VRING_DESC_F_WRITE;
			why = packed ? VIRTIO_EMU_VQ_DROP_MAX : VIRTIO_EMU_VQ_DROP_NEXT_RANGE;
			break;
		case 8:	/* table outside granted memory */
			ta = d->base + TDRV_MEM_SIZE + 4096;
			why = path == TDRV_DIRECT ? VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR :
				VIRTIO_EMU_VQ_DROP_DMA;
			break;
		case 9:	/* an indirect descriptor after a direct one */
			r[0] = (struct rawd){ B(d, 3), 64, VRING_DESC_F_NEXT, packed ? id : 1, 0 };
			r[1] = (struct rawd){ ta, tlen, fl, id, 1 };
			n = 2;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT;
			break;
		case 10:	/* table address wraps */
			ta = UINT64_MAX - 15;
			why = VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR;
			break;
		}
		if (k != 9)
			r[0] = (struct rawd){ ta, tlen, fl, n == 2 ? 1 : id, 0 };
		if (why == VIRTIO_EMU_VQ_DROP_MAX) {
			tv_raw(d, r, n);
			if (tv_pop_push_all(d) != 1 || tdrv_used_drain(d) != 1)
				rc = TEST_FAILED;
		} else {
			rc = tv_expect_drop(d, r, n, why);
		}
		if (rc != TEST_SUCCESS)
			fprintf(stderr, "indirect case %u\n", k);
		tdrv_teardown(d);
	}
	return rc;
}
TV_CASE(h_indirect, TV_BOTH)

/* 5: ring memory unreadable through DMA (R). */
static int
h_ring_dma_error(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_conf conf;
	struct virtio_emu_vq *vq;
	struct virtio_emu_vq_chain c;
	uint64_t base;

	RTE_SET_USED(path);
	tlpemu_test_tlpdev_host_mem(tdrv_tlpdev(), &base, NULL);
	memset(&conf, 0, sizeof(conf));
	conf.size = 16;
	conf.features = packed ? TDRV_F_PACKED : 0;
	conf.desc_addr = base + TDRV_MEM_SIZE + 0x10000;
	conf.driver_addr = base + TDRV_MEM_SIZE + 0x20000;
	conf.device_addr = base + TDRV_MEM_SIZE + 0x30000;
	conf.dev_id = tlpemu_test_tlpdev_id(tdrv_tlpdev());
	conf.dma_qid = 1;
	vq = virtio_emu_vq_create(&conf);
	TEST_ASSERT(vq != NULL, "DMA path accepts any address at creation");
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(vq, &c, 1), 0, "nothing");
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(vq), VIRTIO_EMU_VQ_BROKEN_RING_DMA, "broken");
	virtio_emu_vq_free(vq);
	return TEST_SUCCESS;
}

static int
t_h_ring_dma_error(void)
{
	if (h_ring_dma_error(false, TDRV_DMA) != TEST_SUCCESS)
		return TEST_FAILED;
	return h_ring_dma_error(true, TDRV_DMA);
}

/* IN_ORDER: a dropped chain is used only after the chains before it. */
static int
h_in_order_drop(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_chain c[4];
	struct tdrv *d = &tv_d;
	struct tdrv_seg s;
	uint16_t id, ids[3];
	uint32_t len;

	SETUP(d, packed, 16, TDRV_F_IN_ORDER, path, NULL);
	s = (struct tdrv_seg){ B(d, 0), 64, true };
	ids[0] = (uint16_t)tdrv_add(d, &s, 1, false);
	if (packed) {
		struct rawd r[1] = { { B(d, 1), 0, 0, 1, 0 } };

		d->next_id = 2;
		tv_raw(d, r, 1);
		ids[1] = 1;
	} else {
		struct rawd r[1] = { { B(d, 1), 0, 0, 0, 1 } };

		d->next_desc = 2;
		tv_raw(d, r, 1);
		ids[1] = 1;
	}
	ids[2] = (uint16_t)tdrv_add(d, &s, 1, false);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 4), 1, "stops before the bad chain");
	TEST_ASSERT_EQUAL(tdrv_used_drain(d), 0, "bad one waits");
	virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c[0].id, 7 }, 1);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 4), 1, "then the third");
	virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c[0].id, 9 }, 1);
	TEST_ASSERT(tdrv_used(d, &id, &len) == 1 && id == ids[0] && len == 7, "first");
	TEST_ASSERT(tdrv_used(d, &id, &len) == 1 && id == ids[1] && len == 0, "dropped second");
	TEST_ASSERT(tdrv_used(d, &id, &len) == 1 && id == ids[2] && len == 9, "third");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(h_in_order_drop, TV_BOTH)

/*
 * 25: double fetch. A caller memory path counts every read per descriptor
 * and flips the bytes it just returned, as a driver racing the device would:
 * each descriptor is fetched exactly once per pop and the chain matches the
 * first values.
 */
struct tv_df {
	struct tdrv *d;
	uint64_t lo, hi;	/* descriptor area (ring or indirect table) */
	uint32_t reads[2048];	/* per 16-byte descriptor */
};

static int
tv_df_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	struct tv_df *df = ctx;
	uint8_t *p;
	uint32_t i;

	if (addr < df->d->base || addr + len > df->d->base + TDRV_MEM_SIZE)
		return -EFAULT;
	p = tdrv_va(df->d, addr);
	memcpy(buf, p, len);
	for (i = 0; i < len; i += 16) {
		uint64_t a = addr + i;

		if (a >= df->lo && a < df->hi)
			df->reads[(a - df->lo) / 16]++;
	}
	/* The driver changes what was read (not the flags: the chain stays available). */
	for (i = 0; i < len; i++)
		if (!(addr + i >= df->lo && addr + i < df->hi && (addr + i) % 16 >= 12))
			p[i] ^= 0x5a;
	return 0;
}

static int
tv_df_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	struct tv_df *df = ctx;

	if (addr < df->d->base || addr + len > df->d->base + TDRV_MEM_SIZE)
		return -EFAULT;
	memcpy(tdrv_va(df->d, addr), buf, len);
	return 0;
}

static const struct virtio_emu_vq_mem_ops tv_df_ops = { tv_df_read, tv_df_write };

static int
h_double_fetch(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_chain c[8];
	struct tv_df *df = calloc(1, sizeof(*df));
	struct virtio_emu_vq_conf conf = { .mem_ops = &tv_df_ops, .mem_ctx = df };
	struct tdrv *d = &tv_d;
	struct tdrv_seg s[3];
	unsigned int i, k, ind;

	if (path != TDRV_DMA) {
		free(df);
		return TEST_SUCCESS;	/* the caller path replaces both */
	}
	for (ind = 0; ind < 2; ind++) {
		SETUP(d, packed, 64, TDRV_F_INDIRECT, path, &conf);
		df->d = d;
		df->lo = d->base + (ind ? TDRV_ITBL_OFF : TDRV_DESC_OFF);
		df->hi = df->lo + 64 * 16;
		for (k = 0; k < 4; k++) {
			s[0] = (struct tdrv_seg){ B(d, k), 100, false };
			s[1] = (struct tdrv_seg){ B(d, k) + 100, 50, false };
			s[2] = (struct tdrv_seg){ B(d, k) + 512, 300, true };
			tdrv_add(d, s, 3, ind);
		}
		memset(df->reads, 0, sizeof(df->reads));
		TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 8), 4, "pop (%u)", ind);
		for (k = 0; k < 4; k++) {
			TEST_ASSERT(c[k].rd_len == 150 && c[k].wr_len == 300 &&
				    c[k].rd[0].addr == B(d, k), "first values kept (%u)", ind);
		}
		for (i = 0; i < 64; i++)
			TEST_ASSERT(df->reads[i] <= 1, "descriptor %u fetched %u times (%s)", i,
				    df->reads[i], ind ? "indirect" : "ring");
		for (k = 0; k < 4; k++)
			virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c[k].id, 0 }, 1);
		tdrv_teardown(d);
	}
	free(df);
	return TEST_SUCCESS;
}
TV_CASE(h_double_fetch, TV_BOTH)

/*
 * Liveness oracle: random descriptor tables and rings (a fuzzing driver).
 * Every head made available is used, or the queue is broken, within a
 * bounded number of calls; then a reset (new vq) serves a good chain.
 */
static uint32_t
tv_rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static int
h_liveness(bool packed, enum tdrv_path path)
{
	struct tdrv *d = &tv_d;
	unsigned int iter, i;
	uint32_t seed = 12345;

#define RND() tv_rnd(&seed)
	for (iter = 0; iter < 200; iter++) {
		unsigned int avail = 0, used = 0, calls;
		uint16_t qs = packed ? (uint16_t)(1 + RND() % 40) : (uint16_t)(1u << (RND() % 7));
		uint64_t f = (RND() & 1 ? TDRV_F_INDIRECT : 0) | (RND() & 1 ? TDRV_F_IN_ORDER : 0);

		SETUP(d, packed, qs, f, path, NULL);
		for (i = 0; i < qs; i++) {
			uint16_t fl = (uint16_t)(RND() & 7);
			uint64_t a = RND() % 4 == 0 ? RND() : B(d, RND() % 64);
			uint32_t l = RND() % 8 == 0 ? 0 : RND() % 3000;

			if (packed)
				tdrv_packed_desc(d, (uint16_t)i, a, l, (uint16_t)(RND() % (qs + 1)),
						 fl | (RND() % 4 ? VRING_PACKED_DESC_F_AVAIL : 0));
			else
				tdrv_split_desc(d, (uint16_t)i, a, l, fl,
						(uint16_t)(RND() % (qs + 2)));
		}
		if (!packed) {
			avail = RND() % (qs + 1);
			for (i = 0; i < avail; i++)
			{
				uint32_t extra = RND() % 8 == 0;

				tdrv_split_avail(d, (uint16_t)(RND() % (qs + extra)));
			}
		}
		/* Bound: IN_ORDER may take one call per dropped chain. */
		for (calls = 0; calls < qs + 2u; calls++) {
			tv_pop_push_all(d);
			used += tdrv_used_drain(d);
		}
		if (!packed && !virtio_emu_vq_broken(d->vq))
			TEST_ASSERT_EQUAL(used, avail, "iter %u: every head used", iter);
		if (!virtio_emu_vq_broken(d->vq))
			TEST_ASSERT_EQUAL(virtio_emu_vq_inflight(d->vq), 0, "nothing held");
		tdrv_teardown(d);
		/* After a reset, a well-formed request completes. */
		SETUP(d, packed, 8, 0, path, NULL);
		if (tv_still_works(d) != TEST_SUCCESS)
			return TEST_FAILED;
		tdrv_teardown(d);
	}
#undef RND
	return TEST_SUCCESS;
}
TV_CASE(h_liveness, TV_BOTH)

static const struct tlpemu_test_case tv_cases[] = {
	TEST_CASE(t_h_next_range),
	TEST_CASE(t_h_loop),
	TEST_CASE(t_h_chain_long),
	TEST_CASE(t_h_len_zero),
	TEST_CASE(t_h_len_overflow),
	TEST_CASE(t_h_addr),
	TEST_CASE(t_h_write_order),
	TEST_CASE(t_h_avail_idx),
	TEST_CASE(t_h_avail_wrap16),
	TEST_CASE(t_h_head_range),
	TEST_CASE(t_h_dup_id),
	TEST_CASE(t_h_event_poison),
	TEST_CASE(t_h_packed_id_range),
	TEST_CASE(t_h_packed_head_first),
	TEST_CASE(t_h_packed_chain_ring),
	TEST_CASE(t_h_packed_wrap_confusion),
	TEST_CASE(t_h_packed_event_bad),
	TEST_CASE(t_h_indirect),
	TEST_CASE(t_h_ring_dma_error),
	TEST_CASE(t_h_in_order_drop),
	TEST_CASE(t_h_double_fetch),
	TEST_CASE(t_h_liveness),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tdrv_global_init() != 0)
		return 1;
	rte_log_set_level_pattern("lib.virtio_emu.*", RTE_LOG_CRIT);
	return tlpemu_test_run("vemu_vq_hostile", tv_cases, argc, argv);
}
