/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net data path, fused direct-path bursts (virtio_emu_vq_fast_*.c):
 * bursts mixing the fast case with chains it hands to the generic code
 * (several descriptors, bad chains, bad headers, merged buffers), duplicate
 * heads, IN_ORDER, notification suppression. Each case also runs on the DMA
 * path (the generic chains, with the burst's copies batched), with the same
 * expectations where the paths agree.
 */

#include <string.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <virtio_emu_net_regs.h>
#include <virtio_emu_net_rxtx.h>

#include "test_vemu_vq_common.h"

#define HDR 12u

static struct rte_mempool *tf_mp;
static struct tdrv tf_d;
static unsigned int tf_notifies;

static void
tf_notify(void *arg)
{
	RTE_SET_USED(arg);
	tf_notifies++;
}

static struct virtio_emu_net_q *
tf_q(struct tdrv *d, uint64_t netf)
{
	struct virtio_emu_net_q_conf c = {
		.vq = d->vq, .features = d->features | netf, .mp = tf_mp, .notify = tf_notify,
	};

	return virtio_emu_net_q_create(&c);
}

/* Host TX frame of @p flen bytes in slot @p slot: header (given) then bytes seed + i. */
static void
tf_frame(struct tdrv *d, unsigned int slot, const struct virtio_net_hdr_v1 *h, uint32_t flen,
	 uint8_t seed)
{
	uint8_t *p = tdrv_va(d, tdrv_buf(d, slot));
	uint32_t i;

	memcpy(p, h, HDR);
	for (i = 0; i < flen; i++)
		p[HDR + i] = (uint8_t)(seed + i);
}

/*
 * Used entries, as id -> length (split: the generic path returns dropped
 * chains first, so only IN_ORDER fixes the order). Returns the count.
 */
static unsigned int
tf_used_map(struct tdrv *d, uint32_t *len_of, unsigned int *seen, unsigned int nids)
{
	unsigned int n = 0;
	uint16_t id;
	uint32_t len;

	memset(seen, 0, nids * sizeof(*seen));
	while (n < 64 && tdrv_used(d, &id, &len) == 1) {
		if (id < nids) {
			len_of[id] = len;
			seen[id]++;
		}
		n++;
	}
	return n;
}

static int
tf_check(const struct rte_mbuf *m, uint32_t flen, uint8_t seed)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t i;

	TEST_ASSERT_EQUAL(m->pkt_len, flen, "pkt_len");
	TEST_ASSERT_EQUAL(m->data_len, flen, "data_len");
	TEST_ASSERT_EQUAL(m->nb_segs, 1, "one segment");
	TEST_ASSERT(m->next == NULL, "no next");
	TEST_ASSERT_EQUAL(m->ol_flags, 0, "no flags");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1, "refcnt");
	for (i = 0; i < flen; i++)
		TEST_ASSERT_EQUAL(p[i], (uint8_t)(seed + i), "byte %u", i);
	return TEST_SUCCESS;
}

/*
 * Dequeue: fast, two-descriptor, length-0, outside memory, bad header, fast:
 * three packets in order, every chain used with length 0 in ring order, each
 * drop counted with its reason.
 */
static int
c_deq_mixed(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 ok = { 0 }, bad = { .num_buffers = 1 };
	struct virtio_emu_net_q_stats st;
	struct virtio_emu_vq_stats vs;
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint32_t lens[16];
	unsigned int seen[16], i;
	uint16_t ids[6];

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	tf_frame(d, 0, &ok, 64, 1);
	tf_frame(d, 1, &ok, 100, 2);
	tf_frame(d, 4, &bad, 64, 3);
	tf_frame(d, 5, &ok, 1514, 4);
	{
		struct tdrv_seg s0 = { tdrv_buf(d, 0), HDR + 64, false };
		struct tdrv_seg s1[2] = { { tdrv_buf(d, 1), HDR, false },
					  { tdrv_buf(d, 1) + HDR, 100, false } };
		struct tdrv_seg s2 = { tdrv_buf(d, 2), 0, false };
		struct tdrv_seg s3 = { 0x10, HDR + 64, false };
		struct tdrv_seg s4 = { tdrv_buf(d, 4), HDR + 64, false };
		struct tdrv_seg s5 = { tdrv_buf(d, 5), HDR + 1514, false };

		ids[0] = (uint16_t)tdrv_add(d, &s0, 1, false);
		ids[1] = (uint16_t)tdrv_add(d, s1, 2, false);
		ids[2] = (uint16_t)tdrv_add(d, &s2, 1, false);
		ids[3] = (uint16_t)tdrv_add(d, &s3, 1, false);
		ids[4] = (uint16_t)tdrv_add(d, &s4, 1, false);
		ids[5] = (uint16_t)tdrv_add(d, &s5, 1, false);
	}
	tf_notifies = 0;
	TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 8), 3, "%s", tdrv_name(d));
	TEST_ASSERT(tf_check(m[0], 64, 1) == TEST_SUCCESS, "frame 0");
	TEST_ASSERT_EQUAL(m[1]->pkt_len, 100, "frame 1 (two descriptors)");
	TEST_ASSERT(tf_check(m[2], 1514, 4) == TEST_SUCCESS, "frame 5");
	TEST_ASSERT_EQUAL(tf_notifies, 1, "one notification");
	TEST_ASSERT_EQUAL(tf_used_map(d, lens, seen, 16), 6, "six used");
	for (i = 0; i < 6; i++) {
		TEST_ASSERT_EQUAL(seen[ids[i]], 1, "chain %u used once", i);
		TEST_ASSERT_EQUAL(lens[ids[i]], 0, "used len %u", i);
	}
	virtio_emu_net_q_stats_get(q, &st);
	virtio_emu_vq_stats_get(d->vq, &vs);
	TEST_ASSERT_EQUAL(st.packets, 3, "packets");
	TEST_ASSERT_EQUAL(st.bytes, 64 + 100 + 1514, "bytes");
	TEST_ASSERT_EQUAL(st.drops[VIRTIO_EMU_NET_DROP_NUM_BUFFERS], 1, "num_buffers");
	TEST_ASSERT_EQUAL(vs.drops[VIRTIO_EMU_VQ_DROP_LEN_ZERO], 1, "len_zero");
	if (path == TDRV_DIRECT)
		TEST_ASSERT_EQUAL(vs.drops[VIRTIO_EMU_VQ_DROP_ADDR], 1, "addr");
	/* Outside host memory: refused by the engine (direct) or by the copy (DMA). */
	TEST_ASSERT_EQUAL(vs.dropped + st.dropped, 3, "three drops");
	TEST_ASSERT_EQUAL(vs.used, 6, "used counted");
	TEST_ASSERT_EQUAL(virtio_emu_vq_inflight(d->vq), 0, "nothing in flight");
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), VIRTIO_EMU_VQ_OK, "fine");
	rte_pktmbuf_free_bulk(m, 3);
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_deq_mixed, TV_BOTH)

/* A head (split) or buffer id (packed) offered twice in one burst: the queue is broken. */
static int
c_deq_dup(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 ok = { 0 };
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint16_t n, i;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	tf_frame(d, 0, &ok, 64, 1);
	if (!packed) {
		struct tdrv_seg s = { tdrv_buf(d, 0), HDR + 64, false };
		uint16_t head = (uint16_t)tdrv_add(d, &s, 1, false);

		tdrv_split_avail(d, head);
	} else {
		for (i = 0; i < 2; i++) {
			tdrv_packed_desc(d, d->next_avail, tdrv_buf(d, 0), HDR + 64, 3,
					 tdrv_packed_avail_flags(d, 0));
			tdrv_packed_advance(d, 1, 3);
		}
	}
	n = virtio_emu_net_dequeue_burst(q, m, 8);
	TEST_ASSERT(n <= 1, "at most the first");
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), VIRTIO_EMU_VQ_BROKEN_DUP_ID, "%s",
			  tdrv_name(d));
	TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 8), 0, "broken: nothing more");
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_deq_dup, TV_BOTH)

/* IN_ORDER with a dropped chain inside the burst: used entries in ring order. */
static int
c_deq_in_order(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 ok = { 0 };
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint16_t ids[4], id, got = 0;
	uint32_t len;
	unsigned int i;

	TEST_ASSERT(tdrv_setup(d, packed, 16, TDRV_F_IN_ORDER, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	for (i = 0; i < 4; i++) {
		struct tdrv_seg s = { tdrv_buf(d, i), i == 1 ? 0 : HDR + 60, false };

		tf_frame(d, i, &ok, 60, (uint8_t)i);
		ids[i] = (uint16_t)tdrv_add(d, &s, 1, false);
	}
	/* The generic path waits with the drop until the chain before it is used. */
	for (i = 0; i < 4 && got < 3; i++)
		got += virtio_emu_net_dequeue_burst(q, m + got, (uint16_t)(8 - got));
	TEST_ASSERT_EQUAL(got, 3, "%s", tdrv_name(d));
	for (i = 0; i < 3; i++)
		TEST_ASSERT(tf_check(m[i], 60, (uint8_t)(i == 0 ? 0 : i + 1)) == TEST_SUCCESS,
			    "frame %u", i);
	for (i = 0; i < 4; i++) {
		TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "used %u", i);
		TEST_ASSERT_EQUAL(id, ids[i], "in order");
	}
	rte_pktmbuf_free_bulk(m, 3);
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_deq_in_order, TV_BOTH)

/* Used-buffer notifications: EVENT_IDX (split) / driver event flags (packed). */
static int
c_deq_notify(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 ok = { 0 };
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	unsigned int i, r;

	TEST_ASSERT(tdrv_setup(d, packed, 16, TDRV_F_EVENT_IDX, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	tf_notifies = 0;
	for (r = 0; r < 3; r++) {
		if (packed)
			tdrv_packed_drv_event(d, 0, r == 1 ? VRING_PACKED_EVENT_FLAG_DISABLE :
					      VRING_PACKED_EVENT_FLAG_ENABLE);
		else
			/* Round 0: 0 passed; round 1: 100 not reached; round 2: 9 passed. */
			tdrv_split_used_event(d, r == 0 ? 0 : r == 1 ? 100 : 9);
		for (i = 0; i < 4; i++) {
			struct tdrv_seg s = { tdrv_buf(d, i), HDR + 60, false };

			tf_frame(d, i, &ok, 60, 0);
			tdrv_add(d, &s, 1, false);
		}
		TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 8), 4, "round %u", r);
		rte_pktmbuf_free_bulk(m, 4);
		TEST_ASSERT_EQUAL(tdrv_used_drain(d), 4, "used");
		TEST_ASSERT_EQUAL(tf_notifies, r == 2 ? 2u : 1u, "round %u notifications (%s)", r,
				  tdrv_name(d));
	}
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_deq_notify, TV_BOTH)

/*
 * Enqueue: fast, header + data chain, length-0 chain (takes no packet),
 * too small, fast: used lengths and contents as the generic path has them.
 */
static int
c_enq_mixed(bool packed, enum tdrv_path path)
{
	static const uint32_t lens[] = { 64, 200, 1000, 60 };
	struct virtio_emu_net_q_stats st;
	struct rte_mbuf *m[4];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint16_t ids[5];
	unsigned int i, k;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	{
		struct tdrv_seg s0 = { tdrv_buf(d, 0), 2048, true };
		struct tdrv_seg s1[2] = { { tdrv_buf(d, 1), HDR, true },
					  { tdrv_buf(d, 1) + HDR, 1024, true } };
		struct tdrv_seg s2 = { tdrv_buf(d, 2), 0, true };
		struct tdrv_seg s3 = { tdrv_buf(d, 3), 512, true };
		struct tdrv_seg s4 = { tdrv_buf(d, 4), 2048, true };

		ids[0] = (uint16_t)tdrv_add(d, &s0, 1, false);
		ids[1] = (uint16_t)tdrv_add(d, s1, 2, false);
		ids[2] = (uint16_t)tdrv_add(d, &s2, 1, false);
		ids[3] = (uint16_t)tdrv_add(d, &s3, 1, false);
		ids[4] = (uint16_t)tdrv_add(d, &s4, 1, false);
	}
	for (i = 0; i < 4; i++) {
		uint8_t *p;

		m[i] = rte_pktmbuf_alloc(tf_mp);
		TEST_ASSERT(m[i] != NULL, "mbuf");
		p = (uint8_t *)rte_pktmbuf_append(m[i], (uint16_t)lens[i]);
		for (k = 0; k < lens[i]; k++)
			p[k] = (uint8_t)(i + k);
	}
	/* Four chains per call at most: the dropped one takes no packet. */
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 4), 3, "%s", tdrv_name(d));
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m + 3, 1), 1, "the last one");
	{
		/* Chains: 0 <- pkt 0, 1 <- pkt 1, 2 dropped, 3 <- pkt 2 (too small), 4 <- pkt 3. */
		static const uint32_t used_len[] = { HDR + 64, HDR + 200, 0, 0, HDR + 60 };
		uint32_t ulens[16];
		unsigned int seen[16];

		TEST_ASSERT_EQUAL(tf_used_map(d, ulens, seen, 16), 5, "five used");
		for (i = 0; i < 5; i++) {
			TEST_ASSERT_EQUAL(seen[ids[i]], 1, "chain %u used once", i);
			TEST_ASSERT_EQUAL(ulens[ids[i]], used_len[i], "used len %u", i);
		}
	}
	{
		const uint8_t *p0 = tdrv_va(d, tdrv_buf(d, 0));
		const uint8_t *p4 = tdrv_va(d, tdrv_buf(d, 4));
		const struct virtio_net_hdr_v1 *h = (const void *)p0;

		TEST_ASSERT_EQUAL(h->num_buffers, 1, "num_buffers");
		TEST_ASSERT_EQUAL(h->flags | h->gso_type | h->csum_start, 0, "plain header");
		for (k = 0; k < 64; k++)
			TEST_ASSERT_EQUAL(p0[HDR + k], (uint8_t)k, "pkt 0 byte %u", k);
		for (k = 0; k < 60; k++)
			TEST_ASSERT_EQUAL(p4[HDR + k], (uint8_t)(3 + k), "pkt 3 byte %u", k);
	}
	virtio_emu_net_q_stats_get(q, &st);
	TEST_ASSERT_EQUAL(st.packets, 3, "sent");
	TEST_ASSERT_EQUAL(st.drops[VIRTIO_EMU_NET_DROP_BUF_SMALL], 1, "buf_small");
	TEST_ASSERT_EQUAL(tv_drops(d, VIRTIO_EMU_VQ_DROP_LEN_ZERO), 1, "len_zero");
	TEST_ASSERT_EQUAL(virtio_emu_vq_inflight(d->vq), 0, "nothing in flight");
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_enq_mixed, TV_BOTH)

/*
 * MRG_RXBUF: small packets in one buffer each, then one that needs three
 * (handed to the merge path mid-burst), then small ones again.
 */
static int
c_enq_mrg(bool packed, enum tdrv_path path)
{
	static const uint32_t lens[] = { 100, 2500, 80 };
	struct rte_mbuf *m[3];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint16_t ids[8], id;
	uint32_t len, k;
	unsigned int i;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tf_q(d, TDRV_F(VIRTIO_NET_F_MRG_RXBUF));
	for (i = 0; i < 8; i++) {
		struct tdrv_seg s = { tdrv_buf(d, i), 1024, true };

		ids[i] = (uint16_t)tdrv_add(d, &s, 1, false);
	}
	for (i = 0; i < 3; i++) {
		uint8_t *p;
		uint32_t n = RTE_MIN(lens[i], 2000u);

		m[i] = rte_pktmbuf_alloc(tf_mp);
		TEST_ASSERT(m[i] != NULL, "mbuf");
		if (lens[i] > n) {
			/* Two segments. */
			struct rte_mbuf *s2 = rte_pktmbuf_alloc(tf_mp);

			TEST_ASSERT(s2 != NULL, "mbuf");
			p = (uint8_t *)rte_pktmbuf_append(s2, (uint16_t)(lens[i] - n));
			for (k = 0; k < lens[i] - n; k++)
				p[k] = (uint8_t)(i + n + k);
			p = (uint8_t *)rte_pktmbuf_append(m[i], (uint16_t)n);
			TEST_ASSERT(rte_pktmbuf_chain(m[i], s2) == 0, "chain");
		} else {
			p = (uint8_t *)rte_pktmbuf_append(m[i], (uint16_t)n);
		}
		for (k = 0; k < n; k++)
			p[k] = (uint8_t)(i + k);
	}
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 3), 3, "%s", tdrv_name(d));
	{
		/* Buffers: 0 <- pkt 0; 1, 2, 3 <- pkt 1 (1024 + 1024 + 464); 4 <- pkt 2. */
		static const uint32_t used_len[] = { HDR + 100, 1024, 1024, HDR + 2500 - 2048,
			HDR + 80 };
		const struct virtio_net_hdr_v1 *h1 = tdrv_va(d, tdrv_buf(d, 1));
		const struct virtio_net_hdr_v1 *h4 = tdrv_va(d, tdrv_buf(d, 4));

		for (i = 0; i < 5; i++) {
			TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "used %u", i);
			TEST_ASSERT_EQUAL(id, ids[i], "order %u", i);
			TEST_ASSERT_EQUAL(len, used_len[i], "used len %u", i);
		}
		TEST_ASSERT_EQUAL(h1->num_buffers, 3, "merged over three");
		TEST_ASSERT_EQUAL(h4->num_buffers, 1, "one buffer");
	}
	virtio_emu_net_q_free(q);
	/* The queue gives back what it kept for merging. */
	TEST_ASSERT_EQUAL(virtio_emu_vq_inflight(d->vq), 0, "nothing in flight after free");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_enq_mrg, TV_BOTH)

/*
 * A receive buffer outside host memory between two good ones. Direct: the
 * engine drops the chain (addr) and it takes no packet. DMA: the burst's
 * batched writes fail, each packet is redone on its own and only the bad
 * buffer's is dropped (copy).
 */
static int
c_enq_fault(bool packed, enum tdrv_path path)
{
	struct virtio_emu_net_q_stats st;
	struct rte_mbuf *m[3];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tf_d;
	uint32_t ulens[16], k;
	unsigned int seen[16], i;
	uint16_t ids[3], taken;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tf_q(d, 0);
	{
		struct tdrv_seg s0 = { tdrv_buf(d, 0), 2048, true };
		struct tdrv_seg s1 = { 0x10, 2048, true };
		struct tdrv_seg s2 = { tdrv_buf(d, 2), 2048, true };

		ids[0] = (uint16_t)tdrv_add(d, &s0, 1, false);
		ids[1] = (uint16_t)tdrv_add(d, &s1, 1, false);
		ids[2] = (uint16_t)tdrv_add(d, &s2, 1, false);
	}
	for (i = 0; i < 3; i++) {
		uint8_t *p;

		m[i] = rte_pktmbuf_alloc(tf_mp);
		TEST_ASSERT(m[i] != NULL, "mbuf");
		p = (uint8_t *)rte_pktmbuf_append(m[i], 100);
		for (k = 0; k < 100; k++)
			p[k] = (uint8_t)(7 * i + k);
	}
	taken = virtio_emu_net_enqueue_burst(q, m, 3);
	TEST_ASSERT_EQUAL(taken, path == TDRV_DIRECT ? 2 : 3, "%s", tdrv_name(d));
	TEST_ASSERT_EQUAL(tf_used_map(d, ulens, seen, 16), 3, "three used");
	for (i = 0; i < 3; i++)
		TEST_ASSERT_EQUAL(seen[ids[i]], 1, "chain %u used once", i);
	TEST_ASSERT_EQUAL(ulens[ids[0]], HDR + 100, "good");
	TEST_ASSERT_EQUAL(ulens[ids[1]], 0, "bad");
	TEST_ASSERT_EQUAL(ulens[ids[2]], HDR + 100, "good");
	for (k = 0; k < 100; k++) {
		const uint8_t *p0 = tdrv_va(d, tdrv_buf(d, 0));
		const uint8_t *p2 = tdrv_va(d, tdrv_buf(d, 2));

		TEST_ASSERT_EQUAL(p0[HDR + k], (uint8_t)k, "first frame byte %u", k);
		/* Direct: the second packet went to the third buffer; DMA: the third. */
		TEST_ASSERT_EQUAL(p2[HDR + k], (uint8_t)((path == TDRV_DIRECT ? 7 : 14) + k),
				  "second frame byte %u", k);
	}
	virtio_emu_net_q_stats_get(q, &st);
	TEST_ASSERT_EQUAL(st.packets, 2, "sent");
	if (path == TDRV_DIRECT) {
		TEST_ASSERT_EQUAL(tv_drops(d, VIRTIO_EMU_VQ_DROP_ADDR), 1, "addr");
		rte_pktmbuf_free(m[2]);
	} else {
		TEST_ASSERT_EQUAL(st.drops[VIRTIO_EMU_NET_DROP_COPY], 1, "copy");
	}
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), VIRTIO_EMU_VQ_OK, "fine");
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_enq_fault, TV_BOTH)

static const struct tlpemu_test_case tf_cases[] = {
	TEST_CASE(t_c_deq_mixed),
	TEST_CASE(t_c_deq_dup),
	TEST_CASE(t_c_deq_in_order),
	TEST_CASE(t_c_deq_notify),
	TEST_CASE(t_c_enq_mixed),
	TEST_CASE(t_c_enq_mrg),
	TEST_CASE(t_c_enq_fault),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tdrv_net_main("vemu_net_fast", tf_cases, 2047, &tf_mp, argc, argv);
}
