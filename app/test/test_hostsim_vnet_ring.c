/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The host virtio-net driver's rings (app/tlp-hostsim/hostsim_vnet_split.c,
 * hostsim_vnet_packed.c) against the device model of
 * test_hostsim_vnet_model.c: chains in and out, wrap-around, indirect
 * tables, notification and interrupt suppression, and a hostile device
 * (bad used ids and lengths, used index jumps) that must break the queue
 * cleanly.
 */

#include <errno.h>
#include <stdlib.h>

#include "test_hostsim_vnet_model.h"
#include "tlpemu_test.h"

#define F(b) HOSTSIM_VF(HOSTSIM_VF_##b)

static uint64_t
ring_features(int packed, int ev, int ind)
{
	return F(VERSION_1) | (packed ? F(RING_PACKED) : 0) | (ev ? F(EVENT_IDX) : 0) |
		(ind ? F(INDIRECT_DESC) : 0);
}

/* Chains of 1..3 segments in, used out of order, cookies and lengths back. */
static int
ring_roundtrip(int packed, int ind)
{
	static struct tm_dev t;
	struct hostsim_vq_used u[64];
	struct hostsim_vq_seg s[3];
	struct tm_chain c[16];
	struct hostsim_vq *vq;
	unsigned int round, i, n, got, total = 0;
	int ret;

	TEST_ASSERT(tm_init(&t, ring_features(packed, 0, ind), 16, 0, 4) == 0, "init");
	vq = &t.d.vq[0];
	/* Many rounds: both wrap counters (packed) and the 16-bit indices (split) turn. */
	for (round = 0; round < 3000; round++) {
		n = 1 + round % 5;
		for (i = 0; i < n; i++) {
			s[0] = (struct hostsim_vq_seg){ TM_IOVA + 0x100000 + i * 256, 16, 0 };
			s[1] = (struct hostsim_vq_seg){ TM_IOVA + 0x100000 + i * 256 + 16, 32, 1 };
			s[2] = (struct hostsim_vq_seg){ TM_IOVA + 0x100000 + i * 256 + 48, 64, 1 };
			ret = hostsim_vq_add(vq, s, (uint16_t)(1 + (round + i) % 3),
					     (void *)(uintptr_t)(1000 + i));
			TEST_ASSERT_EQUAL(ret, 0, "add round %u chain %u", round, i);
		}
		hostsim_vq_publish(vq);
		for (i = 0; i < n; i++) {
			TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c[i]), 1, "pop %u/%u", round, i);
			TEST_ASSERT_EQUAL(c[i].nseg, 1 + (round + i) % 3, "segments");
			TEST_ASSERT_EQUAL(c[i].seg[0].len, 16, "first segment");
		}
		TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c[n]), 0, "nothing more available");
		/* Used in reverse order, length = writable bytes. */
		for (i = n; i-- > 0;)
			tm_push(&t.q[0], &c[i], tm_wcap(&c[i]));
		got = hostsim_vq_get_used(vq, u, 64);
		TEST_ASSERT_EQUAL(got, n, "used round %u", round);
		for (i = 0; i < n; i++) {
			TEST_ASSERT_EQUAL((uintptr_t)u[i].cookie, 1000 + (n - 1 - i), "cookie");
			TEST_ASSERT_EQUAL(u[i].len, tm_wcap(&c[n - 1 - i]), "len");
		}
		TEST_ASSERT_EQUAL(vq->num_free, vq->size, "every descriptor back");
		TEST_ASSERT_EQUAL(vq->inflight, 0, "nothing in flight");
		total += n;
	}
	TEST_ASSERT(!vq->broken, "queue not broken: %s", vq->err);
	TEST_ASSERT_EQUAL(vq->chains_used, total, "chains counted");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_split_roundtrip(void)
{
	return ring_roundtrip(0, 0);
}

static int
test_split_indirect(void)
{
	return ring_roundtrip(0, 1);
}

static int
test_packed_roundtrip(void)
{
	return ring_roundtrip(1, 0);
}

static int
test_packed_indirect(void)
{
	return ring_roundtrip(1, 1);
}

/* A full ring refuses more; indirect chains take one descriptor each. */
static int
ring_full(int packed)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s[3] = {
		{ TM_IOVA + 0x200000, 64, 0 }, { TM_IOVA + 0x200040, 64, 0 },
		{ TM_IOVA + 0x200080, 64, 1 },
	};
	struct hostsim_vq *vq;
	unsigned int i;

	TEST_ASSERT(tm_init(&t, ring_features(packed, 0, 0), 8, 0, 4) == 0, "init");
	vq = &t.d.vq[0];
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 3, (void *)1), 0, "3 descriptors");
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 3, (void *)2), 0, "6 descriptors");
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 3, (void *)3), -ENOSPC, "9 do not fit in 8");
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 2, (void *)3), 0, "8 do");
	/* Writable before readable is refused. */
	s[0].write = 1;
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 2, (void *)4), -EINVAL, "order");
	tm_fini(&t);
	TEST_ASSERT(tm_init(&t, ring_features(packed, 0, 1), 8, 0, 4) == 0, "init indirect");
	vq = &t.d.vq[0];
	s[0].write = 0;
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 3, (void *)(uintptr_t)(i + 1)), 0,
				  "indirect chain %u", i);
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, s, 3, (void *)9), -ENOSPC, "ring full");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_split_full(void)
{
	return ring_full(0);
}

static int
test_packed_full(void)
{
	return ring_full(1);
}

/* Notification suppression as the device asks: flags, event index. */
static int
test_split_kick(void)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s = { TM_IOVA + 0x200000, 64, 1 };
	struct hostsim_vq *vq;

	TEST_ASSERT(tm_init(&t, ring_features(0, 0, 0), 16, 0, 1) == 0, "init");
	vq = &t.d.vq[0];
	hostsim_vq_add(vq, &s, 1, (void *)1);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 1, "no flags: notify");
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "nothing new: no notify");
	vq->used->flags = HOSTSIM_VRING_USED_F_NO_NOTIFY;
	hostsim_vq_add(vq, &s, 1, (void *)2);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "NO_NOTIFY honoured");
	tm_fini(&t);

	TEST_ASSERT(tm_init(&t, ring_features(0, 1, 0), 16, 0, 1) == 0, "init event idx");
	vq = &t.d.vq[0];
	/* The device wants to hear when entry 2 is made available. */
	*vq->avail_event = 2;
	hostsim_vq_add(vq, &s, 1, (void *)1);
	hostsim_vq_add(vq, &s, 1, (void *)2);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "idx 0..1 made available: no");
	hostsim_vq_add(vq, &s, 1, (void *)3);
	hostsim_vq_add(vq, &s, 1, (void *)4);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 1, "idx 2..3 made available: yes");
	hostsim_vq_add(vq, &s, 1, (void *)5);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "event behind: no");
	TEST_ASSERT_EQUAL(vq->kicks, 1, "kicks counted");
	TEST_ASSERT_EQUAL(vq->kicks_suppressed, 2, "suppressed counted");
	/* Interrupts: used_event follows last_used when on, stays behind when off. */
	hostsim_vq_irq(vq, 1);
	TEST_ASSERT_EQUAL(*vq->used_event, vq->last_used, "irq on");
	hostsim_vq_irq(vq, 0);
	TEST_ASSERT_EQUAL(*vq->used_event, (uint16_t)(vq->last_used - 1), "irq off");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_packed_kick(void)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s = { TM_IOVA + 0x200000, 64, 1 };
	struct tm_chain c;
	struct hostsim_vq_used u[8];
	struct hostsim_vq *vq;
	unsigned int i;

	TEST_ASSERT(tm_init(&t, ring_features(1, 1, 0), 8, 0, 1) == 0, "init");
	vq = &t.d.vq[0];
	hostsim_vq_add(vq, &s, 1, (void *)1);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 1, "ENABLE (0): notify");
	vq->dev_event->flags = HOSTSIM_VRING_PEVENT_DISABLE;
	hostsim_vq_add(vq, &s, 1, (void *)2);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "DISABLE honoured");
	/* Event at descriptor 4 of this lap (wrap 1). */
	vq->dev_event->off_wrap = 4 | 1u << 15;
	vq->dev_event->flags = HOSTSIM_VRING_PEVENT_DESC;
	hostsim_vq_add(vq, &s, 1, (void *)3);
	hostsim_vq_add(vq, &s, 1, (void *)4);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "slots 2..3: not yet");
	hostsim_vq_add(vq, &s, 1, (void *)5);
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 1, "slot 4: notify");
	/* Drain, then wrap: an event in the next lap at slot 1. */
	for (i = 0; i < 5; i++) {
		TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
		tm_push(&t.q[0], &c, 10);
	}
	TEST_ASSERT_EQUAL(hostsim_vq_get_used(vq, u, 8), 5, "used");
	vq->dev_event->off_wrap = 1;	/* wrap counter 0 */
	for (i = 0; i < 2; i++)
		hostsim_vq_add(vq, &s, 1, (void *)(uintptr_t)(10 + i));
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(vq->avail_wrap, 1, "slots 5..6: still lap 1");
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "event in the next lap");
	for (i = 0; i < 3; i++)
		hostsim_vq_add(vq, &s, 1, (void *)(uintptr_t)(20 + i));
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(vq->avail_wrap, 0, "wrapped");
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 1, "slot 1 of lap 0 reached");
	/* Interrupt wish: descriptor event at the next used slot. */
	hostsim_vq_irq(vq, 1);
	TEST_ASSERT_EQUAL(vq->drv_event->flags, HOSTSIM_VRING_PEVENT_DESC, "irq on");
	TEST_ASSERT_EQUAL(vq->drv_event->off_wrap, vq->last_used | vq->used_wrap << 15, "at");
	hostsim_vq_irq(vq, 0);
	TEST_ASSERT_EQUAL(vq->drv_event->flags, HOSTSIM_VRING_PEVENT_DISABLE, "irq off");
	tm_fini(&t);
	return TEST_SUCCESS;
}

/* A batch of packed chains is invisible until the publish. */
static int
test_packed_batch_publish(void)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s = { TM_IOVA + 0x200000, 64, 1 };
	struct tm_chain c;
	struct hostsim_vq *vq;
	unsigned int i;

	TEST_ASSERT(tm_init(&t, ring_features(1, 0, 0), 16, 0, 1) == 0, "init");
	vq = &t.d.vq[0];
	for (i = 0; i < 5; i++)
		hostsim_vq_add(vq, &s, 1, (void *)(uintptr_t)(i + 1));
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 0, "unpublished: nothing available");
	hostsim_vq_publish(vq);
	for (i = 0; i < 5; i++)
		TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "published %u", i);
	tm_fini(&t);
	return TEST_SUCCESS;
}

/* A hostile device: each case must break the queue, return nothing bad, never crash. */
static int
ring_hostile(int packed, int what)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s = { TM_IOVA + 0x200000, 64, 1 };
	struct hostsim_vq_used u[16];
	struct tm_chain c;
	struct hostsim_vq *vq;
	unsigned int i;

	TEST_ASSERT(tm_init(&t, ring_features(packed, 0, 0), 8, 0, 1) == 0, "init");
	vq = &t.d.vq[0];
	for (i = 0; i < 4; i++)
		hostsim_vq_add(vq, &s, 1, (void *)(uintptr_t)(i + 1));
	hostsim_vq_publish(vq);
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
	switch (what) {
	case 0:		/* id out of range */
		tm_push_raw(&t.q[0], 8 + 1000, 10, 1);
		break;
	case 1:		/* id not in flight: 5 was never made available */
		tm_push_raw(&t.q[0], 5, 10, 1);
		break;
	case 2:		/* length beyond the buffer */
		tm_push(&t.q[0], &c, 65);
		break;
	case 3:		/* the same id twice */
		tm_push(&t.q[0], &c, 10);
		tm_push(&t.q[0], &c, 10);
		break;
	case 4:		/* used index jump (split) / all-ones descriptor (packed) */
		if (packed) {
			vq->pdesc[0].id = 0xffff;
			vq->pdesc[0].len = 0xffffffffu;
			vq->pdesc[0].flags = 0xffff;
		} else {
			vq->used->idx = (uint16_t)(vq->last_used + 9);
		}
		break;
	}
	i = hostsim_vq_get_used(vq, u, 16);
	TEST_ASSERT(vq->broken, "case %d: queue broken", what);
	TEST_ASSERT(vq->err[0] != '\0', "reason kept");
	TEST_ASSERT(i <= 1, "at most the good entry before the bad one");
	if (what == 3)
		TEST_ASSERT_EQUAL(i, 1, "the first use of the id is good");
	TEST_ASSERT_EQUAL(hostsim_vq_get_used(vq, u, 16), 0, "broken: nothing more");
	TEST_ASSERT_EQUAL(hostsim_vq_add(vq, &s, 1, (void *)9), -EIO, "broken: no add");
	TEST_ASSERT_EQUAL(hostsim_vq_kick_prepare(vq), 0, "broken: no kick");
	TEST_ASSERT_EQUAL(hostsim_vq_has_used(vq), 0, "broken: nothing used");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_split_hostile(void)
{
	int w, ret;

	for (w = 0; w <= 4; w++) {
		ret = ring_hostile(0, w);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	return TEST_SUCCESS;
}

static int
test_packed_hostile(void)
{
	int w, ret;

	for (w = 0; w <= 4; w++) {
		ret = ring_hostile(1, w);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	return TEST_SUCCESS;
}

/* A length on a chain with nothing writable is meaningless, not an error. */
static int
test_tx_len_ignored(void)
{
	static struct tm_dev t;
	struct hostsim_vq_seg s = { TM_IOVA + 0x200000, 64, 0 };
	struct hostsim_vq_used u;
	struct tm_chain c;

	TEST_ASSERT(tm_init(&t, ring_features(0, 0, 0), 8, 0, 1) == 0, "init");
	hostsim_vq_add(&t.d.vq[1], &s, 1, (void *)1);
	hostsim_vq_publish(&t.d.vq[1]);
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[1], &c), 1, "pop");
	tm_push(&t.q[1], &c, 64);
	TEST_ASSERT_EQUAL(hostsim_vq_get_used(&t.d.vq[1], &u, 1), 1, "used");
	TEST_ASSERT(!t.d.vq[1].broken, "not broken");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_vq_init_args(void)
{
	static struct tm_dev t;
	struct hostsim_vq vq;

	TEST_ASSERT(tm_init(&t, ring_features(0, 0, 0), 8, 0, 1) == 0, "init");
	TEST_ASSERT_EQUAL(hostsim_vq_init(&vq, &t.d.mem, 0, 12, 0, 0, 0, 1), -EINVAL,
			  "split needs a power of 2");
	TEST_ASSERT_EQUAL(hostsim_vq_init(&vq, &t.d.mem, 0, 12, 1, 0, 0, 1), 0,
			  "packed does not");
	hostsim_vq_fini(&vq);
	TEST_ASSERT_EQUAL(hostsim_vq_init(&vq, &t.d.mem, 0, 0, 1, 0, 0, 1), -EINVAL, "size 0");
	t.d.mem.used = t.d.mem.size - 100;
	TEST_ASSERT_EQUAL(hostsim_vq_init(&vq, &t.d.mem, 0, 1024, 0, 0, 0, 1), -ENOMEM,
			  "memory exhausted");
	tm_fini(&t);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case ring_cases[] = {
	TEST_CASE(test_split_roundtrip),
	TEST_CASE(test_split_indirect),
	TEST_CASE(test_packed_roundtrip),
	TEST_CASE(test_packed_indirect),
	TEST_CASE(test_split_full),
	TEST_CASE(test_packed_full),
	TEST_CASE(test_split_kick),
	TEST_CASE(test_packed_kick),
	TEST_CASE(test_packed_batch_publish),
	TEST_CASE(test_split_hostile),
	TEST_CASE(test_packed_hostile),
	TEST_CASE(test_tx_len_ignored),
	TEST_CASE(test_vq_init_args),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("hostsim_vnet_ring", ring_cases, argc, argv);
}
