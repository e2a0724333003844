/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net data path: host TX chains to mbufs (dequeue) and mbufs to host
 * RX buffers (enqueue), header validation and offloads, merged buffers, on
 * both layouts and memory paths.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <virtio_emu_net_regs.h>
#include <virtio_emu_net_rxtx.h>

#include "test_vemu_vq_common.h"

#define HDR 12u

static struct rte_mempool *tn_mp;
static struct tdrv tn_d;
static unsigned int tn_notifies;

static void
tn_notify(void *arg)
{
	RTE_SET_USED(arg);
	tn_notifies++;
}

static struct virtio_emu_net_q *
tn_q(struct tdrv *d, uint64_t netf, uint16_t mtu)
{
	struct virtio_emu_net_q_conf c = {
		.vq = d->vq, .features = d->features | netf, .mtu = mtu, .mp = tn_mp,
		.notify = tn_notify,
	};

	return virtio_emu_net_q_create(&c);
}

/* Host TX: a header then the frame, in @p nsplit descriptors. */
static int
tn_tx(struct tdrv *d, unsigned int slot, const struct virtio_net_hdr_v1 *h, uint32_t flen,
      unsigned int nsplit, uint8_t seed)
{
	uint8_t *p = tdrv_va(d, tdrv_buf(d, slot));
	uint32_t total = HDR + flen, i;
	struct tdrv_seg s[4];

	memcpy(p, h, HDR);
	for (i = 0; i < flen; i++)
		p[HDR + i] = (uint8_t)(seed + i);
	if (nsplit == 3) {
		/* Header split over 3 descriptors (4 + 4 + rest). */
		s[0] = (struct tdrv_seg){ tdrv_buf(d, slot), 4, false };
		s[1] = (struct tdrv_seg){ tdrv_buf(d, slot) + 4, 4, false };
		s[2] = (struct tdrv_seg){ tdrv_buf(d, slot) + 8, total - 8, false };
	} else if (nsplit == 2) {
		s[0] = (struct tdrv_seg){ tdrv_buf(d, slot), HDR, false };
		s[1] = (struct tdrv_seg){ tdrv_buf(d, slot) + HDR, flen, false };
	} else {
		s[0] = (struct tdrv_seg){ tdrv_buf(d, slot), total, false };
	}
	return tdrv_add(d, s, nsplit, false);
}

static int
tn_check_frame(const struct rte_mbuf *m, uint32_t flen, uint8_t seed)
{
	uint8_t buf[16384];
	const uint8_t *p = rte_pktmbuf_read(m, 0, flen, buf);
	uint32_t i;

	TEST_ASSERT_EQUAL(m->pkt_len, flen, "pkt_len");
	TEST_ASSERT(p != NULL, "readable");
	for (i = 0; i < flen; i++)
		TEST_ASSERT_EQUAL(p[i], (uint8_t)(seed + i), "byte %u", i);
	return TEST_SUCCESS;
}

static int
c_dequeue(bool packed, enum tdrv_path path)
{
	static const uint32_t lens[] = { 60, 64, 1518, 1514, 200 };
	struct virtio_net_hdr_v1 h = { 0 };
	struct rte_mbuf *m[32];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	unsigned int i, sp, n;

	for (sp = 1; sp <= 3; sp++) {
		TEST_ASSERT(tdrv_setup(d, packed, 64, 0, path, NULL) == 0, "setup");
		q = tn_q(d, 0, 0);
		for (i = 0; i < RTE_DIM(lens); i++)
			tn_tx(d, i, &h, lens[i], sp, (uint8_t)i);
		tn_notifies = 0;
		n = virtio_emu_net_dequeue_burst(q, m, 32);
		TEST_ASSERT_EQUAL(n, RTE_DIM(lens), "%s split %u", tdrv_name(d), sp);
		TEST_ASSERT_EQUAL(tn_notifies, 1, "one notification per burst");
		for (i = 0; i < n; i++) {
			if (tn_check_frame(m[i], lens[i], (uint8_t)i) != TEST_SUCCESS)
				return TEST_FAILED;
			rte_pktmbuf_free(m[i]);
		}
		TEST_ASSERT_EQUAL(tdrv_used_drain(d), n, "chains used");
		virtio_emu_net_q_free(q);
		tdrv_teardown(d);
	}
	return TEST_SUCCESS;
}
TV_CASE(c_dequeue, TV_BOTH)

/* Jumbo frame: multi-segment mbuf. */
static int
c_dequeue_multiseg(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 h = { 0 };
	struct rte_mbuf *m[4];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	uint32_t flen = 9000 - 12;
	struct tdrv_seg s[5];
	unsigned int i;
	uint8_t *p;

	TEST_ASSERT(tdrv_setup(d, packed, 64, 0, path, NULL) == 0, "setup");
	q = tn_q(d, 0, 9000);
	/* 9012 bytes in 5 descriptors of one contiguous area. */
	p = tdrv_va(d, tdrv_buf(d, 0));
	memcpy(p, &h, HDR);
	for (i = 0; i < flen; i++)
		p[HDR + i] = (uint8_t)(7 + i);
	for (i = 0; i < 5; i++)
		s[i] = (struct tdrv_seg){ tdrv_buf(d, 0) + i * 2000, i < 4 ? 2000 : 1000, false };
	tdrv_add(d, s, 5, false);
	TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 4), 1, "jumbo");
	TEST_ASSERT(m[0]->nb_segs > 1, "multi-seg");
	if (tn_check_frame(m[0], flen, 7) != TEST_SUCCESS)
		return TEST_FAILED;
	rte_pktmbuf_free(m[0]);
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_dequeue_multiseg, TV_BOTH)

/* 23/33: bad headers and frames are dropped, counted, chains returned. */
static int
c_dequeue_drops(bool packed, enum tdrv_path path)
{
	struct {
		struct virtio_net_hdr_v1 h;
		uint32_t flen;
		uint64_t netf;
		enum virtio_emu_net_drop why;
	} cs[] = {
		{ { 0 }, 1519 + 4, 0, VIRTIO_EMU_NET_DROP_TOO_BIG },
		{ { 0 }, 10, 0, VIRTIO_EMU_NET_DROP_RUNT },
		{ { .num_buffers = 1 }, 64, 0, VIRTIO_EMU_NET_DROP_NUM_BUFFERS },
		{ { .flags = 4 }, 64, 0, VIRTIO_EMU_NET_DROP_HDR_FLAGS },
		{ { .flags = 1, .csum_start = 34, .csum_offset = 16 }, 64, 0,
			VIRTIO_EMU_NET_DROP_CSUM_FEATURE },
		{ { .flags = 1, .csum_start = 60, .csum_offset = 16 }, 64,
			TDRV_F(VIRTIO_NET_F_CSUM), VIRTIO_EMU_NET_DROP_CSUM_RANGE },
		{ { .flags = 1, .csum_start = 0xffff, .csum_offset = 0xffff }, 64,
			TDRV_F(VIRTIO_NET_F_CSUM), VIRTIO_EMU_NET_DROP_CSUM_RANGE },
		{ { .flags = 1, .gso_type = 1, .gso_size = 1448, .csum_start = 34,
			.csum_offset = 16 }, 3000, TDRV_F(VIRTIO_NET_F_CSUM),
			VIRTIO_EMU_NET_DROP_GSO_FEATURE },
		{ { .flags = 1, .gso_type = 1, .gso_size = 0, .csum_start = 34,
			.csum_offset = 16 }, 3000, TDRV_F(VIRTIO_NET_F_CSUM) |
			TDRV_F(VIRTIO_NET_F_HOST_TSO4), VIRTIO_EMU_NET_DROP_GSO_SIZE },
		{ { .gso_type = 1, .gso_size = 1448 }, 3000, TDRV_F(VIRTIO_NET_F_CSUM) |
			TDRV_F(VIRTIO_NET_F_HOST_TSO4), VIRTIO_EMU_NET_DROP_GSO_SIZE },
		{ { .flags = 1, .gso_type = 3, .gso_size = 1448, .csum_start = 34,
			.csum_offset = 6 }, 3000, TDRV_F(VIRTIO_NET_F_CSUM),
			VIRTIO_EMU_NET_DROP_GSO_TYPE },
		{ { .flags = 1, .gso_type = 0x81, .gso_size = 1448, .csum_start = 34,
			.csum_offset = 16 }, 3000, TDRV_F(VIRTIO_NET_F_CSUM) |
			TDRV_F(VIRTIO_NET_F_HOST_TSO4), VIRTIO_EMU_NET_DROP_GSO_FEATURE },
	};
	struct virtio_emu_net_q_stats st;
	struct rte_mbuf *m[4];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cs); i++) {
		struct virtio_net_hdr_v1 ok = { 0 };

		TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
		q = tn_q(d, cs[i].netf, 0);
		tn_tx(d, 0, &cs[i].h, cs[i].flen, 1, 0);
		TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 4), 0, "case %u dropped", i);
		virtio_emu_net_q_stats_get(q, &st);
		TEST_ASSERT_EQUAL(st.drops[cs[i].why], 1, "case %u: %s", i,
				  virtio_emu_net_drop_name(cs[i].why));
		TEST_ASSERT_EQUAL(tdrv_used_drain(d), 1, "chain returned");
		tn_tx(d, 1, &ok, 64, 1, 0);
		TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 4), 1, "then fine");
		rte_pktmbuf_free(m[0]);
		virtio_emu_net_q_free(q);
		tdrv_teardown(d);
	}
	/* A chain shorter than the header. */
	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tn_q(d, 0, 0);
	{
		struct tdrv_seg s = { tdrv_buf(d, 0), 8, false };

		tdrv_add(d, &s, 1, false);
	}
	TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 4), 0, "short");
	virtio_emu_net_q_stats_get(q, &st);
	TEST_ASSERT_EQUAL(st.drops[VIRTIO_EMU_NET_DROP_HDR_SHORT], 1, "hdr_short");
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_dequeue_drops, TV_BOTH)

/* Offloads are mapped when negotiated; hdr_len is never trusted. */
static int
c_dequeue_offloads(bool packed, enum tdrv_path path)
{
	struct virtio_net_hdr_v1 h1 = { .flags = 1, .csum_start = 34, .csum_offset = 16 };
	struct virtio_net_hdr_v1 h2 = { .flags = 1, .gso_type = 1, .gso_size = 1448,
		.hdr_len = 0xffff, .csum_start = 34, .csum_offset = 16 };
	struct rte_mbuf *m[4];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tn_q(d, TDRV_F(VIRTIO_NET_F_CSUM) | TDRV_F(VIRTIO_NET_F_HOST_TSO4), 0);
	tn_tx(d, 0, &h1, 100, 1, 0);
	tn_tx(d, 4, &h2, 5000, 1, 0);
	TEST_ASSERT_EQUAL(virtio_emu_net_dequeue_burst(q, m, 4), 2, "both");
	TEST_ASSERT((m[0]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE,
		    "partial csum");
	TEST_ASSERT_EQUAL(m[0]->l2_len + m[0]->l3_len, 34, "csum_start");
	TEST_ASSERT(m[1]->ol_flags & RTE_MBUF_F_RX_LRO, "gso");
	TEST_ASSERT_EQUAL(m[1]->tso_segsz, 1448, "gso_size");
	TEST_ASSERT_EQUAL(m[1]->pkt_len, 5000, "len");
	rte_pktmbuf_free(m[0]);
	rte_pktmbuf_free(m[1]);
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_dequeue_offloads, TV_BOTH)

static struct rte_mbuf *
tn_mbuf(uint32_t len, uint8_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(tn_mp), *cur, *seg;
	uint32_t i, left = len;

	if (m == NULL)
		return NULL;
	cur = m;
	for (i = 0; left > 0; ) {
		uint32_t n = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(cur));
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(cur, (uint16_t)n);
		uint32_t k;

		for (k = 0; k < n; k++)
			p[k] = (uint8_t)(seed + i + k);
		i += n;
		left -= n;
		if (left > 0) {
			seg = rte_pktmbuf_alloc(tn_mp);
			cur->next = seg;
			cur = seg;
			m->nb_segs++;
		}
	}
	m->pkt_len = len;
	return m;
}

/* Host RX, one chain per packet (no MRG_RXBUF). */
static int
c_enqueue(bool packed, enum tdrv_path path)
{
	static const uint32_t lens[] = { 64, 1518, 60, 3000 };
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	unsigned int i;
	uint16_t id;
	uint32_t len;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	q = tn_q(d, 0, 0);
	for (i = 0; i < 4; i++) {
		struct tdrv_seg s[2] = {
			{ tdrv_buf(d, 4 * i), HDR, true },
			{ tdrv_buf(d, 4 * i) + HDR, 4096, true },
		};

		/* Even: one descriptor for header and frame; odd: header descriptor first. */
		if (!(i & 1))
			s[0].len = HDR + 4096;
		tdrv_add(d, s, i & 1 ? 2 : 1, false);
	}
	for (i = 0; i < 4; i++)
		m[i] = tn_mbuf(lens[i], (uint8_t)(i * 3));
	tn_notifies = 0;
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 4), 4, "%s", tdrv_name(d));
	TEST_ASSERT_EQUAL(tn_notifies, 1, "notify once");
	for (i = 0; i < 4; i++) {
		const uint8_t *p = tdrv_va(d, tdrv_buf(d, 4 * i));
		const struct virtio_net_hdr_v1 *h = (const void *)p;
		uint32_t k;

		TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "used %u", i);
		/* Odd chains have 2 descriptors: the 12-byte header descriptor, then data. */
		TEST_ASSERT_EQUAL(len, HDR + lens[i], "used len");
		TEST_ASSERT_EQUAL(h->num_buffers, 1, "num_buffers 1 without MRG_RXBUF");
		TEST_ASSERT_EQUAL(h->flags, 0, "flags");
		for (k = 0; k < lens[i]; k++)
			TEST_ASSERT_EQUAL(p[HDR + k], (uint8_t)(i * 3 + k), "byte %u of %u", k, i);
	}
	/* One chain left, three packets: one taken (the rest stays the caller's). */
	{
		struct tdrv_seg s = { tdrv_buf(d, 20), 2000, true };

		tdrv_add(d, &s, 1, false);
		for (i = 0; i < 3; i++)
			m[i] = tn_mbuf(100, 0);
		TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 3), 1, "no room: fewer");
		rte_pktmbuf_free(m[1]);
		rte_pktmbuf_free(m[2]);
	}
	/* A chain too small for the packet: dropped, counted, returned. */
	{
		struct tdrv_seg s = { tdrv_buf(d, 21), 50, true };
		struct virtio_emu_net_q_stats st;

		tdrv_add(d, &s, 1, false);
		m[0] = tn_mbuf(100, 0);
		TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 1), 1, "taken");
		virtio_emu_net_q_stats_get(q, &st);
		TEST_ASSERT_EQUAL(st.drops[VIRTIO_EMU_NET_DROP_BUF_SMALL], 1, "buf_small");
	}
	tdrv_used_drain(d);
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_enqueue, TV_BOTH)

/* MRG_RXBUF: a packet over several chains, num_buffers set; leftovers kept. */
static int
c_enqueue_mrg(bool packed, enum tdrv_path path)
{
	struct rte_mbuf *m[8];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	unsigned int i, k;
	uint16_t id, ids[8];
	uint32_t len, got = 0;
	uint8_t out[4000];

	TEST_ASSERT(tdrv_setup(d, packed, 32, 0, path, NULL) == 0, "setup");
	q = tn_q(d, TDRV_F(VIRTIO_NET_F_MRG_RXBUF), 0);
	for (i = 0; i < 4; i++) {
		struct tdrv_seg s = { tdrv_buf(d, i), 1024, true };

		ids[i] = (uint16_t)tdrv_add(d, &s, 1, false);
	}
	m[0] = tn_mbuf(3000, 9);
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 1), 1, "merged");
	{
		const struct virtio_net_hdr_v1 *h = tdrv_va(d, tdrv_buf(d, 0));

		TEST_ASSERT_EQUAL(h->num_buffers, 3, "num_buffers");
	}
	for (i = 0; i < 3; i++) {
		TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "used %u", i);
		TEST_ASSERT_EQUAL(id, ids[i], "order");
		memcpy(out + got, tdrv_va(d, tdrv_buf(d, i)), len);
		got += len;
	}
	TEST_ASSERT_EQUAL(got, HDR + 3000, "bytes");
	for (k = 0; k < 3000; k++)
		TEST_ASSERT_EQUAL(out[HDR + k], (uint8_t)(9 + k), "byte %u", k);
	/* One chain left (stashed), a 3000-byte packet needs 3: not taken. */
	m[0] = tn_mbuf(3000, 1);
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 1), 0, "no room");
	TEST_ASSERT_EQUAL(tdrv_used_drain(d), 0, "nothing used");
	for (i = 4; i < 6; i++) {
		struct tdrv_seg s = { tdrv_buf(d, i), 1024, true };

		tdrv_add(d, &s, 1, false);
	}
	TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 1), 1, "now it fits");
	TEST_ASSERT_EQUAL(tdrv_used_drain(d), 3, "three used");
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_enqueue_mrg, TV_BOTH)

/* Offload flags from the mbuf reach the header only when negotiated. */
static int
c_enqueue_offloads(bool packed, enum tdrv_path path)
{
	struct rte_mbuf *m[2];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &tn_d;
	unsigned int neg;

	for (neg = 0; neg < 2; neg++) {
		const struct virtio_net_hdr_v1 *h;
		struct tdrv_seg s = { 0, 8192, true };

		TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
		q = tn_q(d, neg ? TDRV_F(VIRTIO_NET_F_GUEST_CSUM) |
			 TDRV_F(VIRTIO_NET_F_GUEST_TSO4) : 0, 0);
		s.addr = tdrv_buf(d, 0);
		tdrv_add(d, &s, 1, false);
		m[0] = tn_mbuf(4000, 0);
		m[0]->ol_flags = RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_TCP_SEG |
			RTE_MBUF_F_TX_IPV4;
		m[0]->l2_len = 14;
		m[0]->l3_len = 20;
		m[0]->l4_len = 20;
		m[0]->tso_segsz = 1400;
		TEST_ASSERT_EQUAL(virtio_emu_net_enqueue_burst(q, m, 1), 1, "sent");
		h = tdrv_va(d, tdrv_buf(d, 0));
		if (neg) {
			TEST_ASSERT_EQUAL(h->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM, "needs csum");
			TEST_ASSERT_EQUAL(h->csum_start, 34, "start");
			TEST_ASSERT_EQUAL(h->csum_offset, 16, "offset");
			TEST_ASSERT_EQUAL(h->gso_type, VIRTIO_NET_HDR_GSO_TCPV4, "gso");
			TEST_ASSERT_EQUAL(h->gso_size, 1400, "gso_size");
			TEST_ASSERT_EQUAL(h->hdr_len, 54, "hdr_len");
		} else {
			TEST_ASSERT(h->flags == 0 && h->gso_type == 0, "nothing without features");
		}
		virtio_emu_net_q_free(q);
		tdrv_teardown(d);
	}
	return TEST_SUCCESS;
}
TV_CASE(c_enqueue_offloads, TV_BOTH)

static const struct tlpemu_test_case tn_cases[] = {
	TEST_CASE(t_c_dequeue),
	TEST_CASE(t_c_dequeue_multiseg),
	TEST_CASE(t_c_dequeue_drops),
	TEST_CASE(t_c_dequeue_offloads),
	TEST_CASE(t_c_enqueue),
	TEST_CASE(t_c_enqueue_mrg),
	TEST_CASE(t_c_enqueue_offloads),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tdrv_net_main("vemu_net_rxtx", tn_cases, 4095, &tn_mp, argc, argv);
}
