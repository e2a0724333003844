/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The host virtio-net driver above the rings: feature lists, test frames and
 * the sequence tracker, virtio capability parsing (hostile capabilities
 * included), control commands, and the traffic data path looped back by the
 * device model of test_hostsim_vnet_model.c (split and packed, mergeable
 * buffers, indirect chains; loss, corruption, duplicates and reordering
 * injected and detected).
 */

#include "hostsim_vnet_io.h"
#include <errno.h>
#include <stdlib.h>

#include "test_hostsim_vnet_model.h"
#include "tlpemu_test.h"

#define F(b) HOSTSIM_VF(HOSTSIM_VF_##b)

static int
test_features(void)
{
	uint64_t f = hostsim_vnet_features_default, g;
	char err[128], names[512];

	TEST_ASSERT(f & F(VERSION_1), "default has VERSION_1");
	TEST_ASSERT(!(f & F(RING_PACKED)) && !(f & F(CSUM)) && !(f & F(GUEST_CSUM)),
		    "default: split, no checksum offloads");
	TEST_ASSERT_EQUAL(hostsim_vnet_features_parse("+RING_PACKED,-event_idx", &f, err,
						      sizeof(err)), 0, "%s", err);
	TEST_ASSERT(f & F(RING_PACKED), "+ adds");
	TEST_ASSERT(!(f & F(EVENT_IDX)), "- removes");
	TEST_ASSERT(f & F(MRG_RXBUF), "the rest stays");
	TEST_ASSERT_EQUAL(hostsim_vnet_features_parse("VERSION_1,virtio_net_f_mac,bit34", &f,
						      err, sizeof(err)), 0, "%s", err);
	TEST_ASSERT_EQUAL(f, F(VERSION_1) | F(MAC) | F(RING_PACKED), "plain list replaces");
	TEST_ASSERT_EQUAL(hostsim_vnet_features_parse("0x100000020", &f, err, sizeof(err)), 0,
			  "%s", err);
	TEST_ASSERT_EQUAL(f, F(VERSION_1) | F(MAC), "hex mask");
	g = f;
	TEST_ASSERT_EQUAL(hostsim_vnet_features_parse("VERSION_1,NOPE", &f, err, sizeof(err)),
			  -1, "unknown name refused");
	TEST_ASSERT(strstr(err, "NOPE") != NULL, "named in the message: %s", err);
	TEST_ASSERT_EQUAL(f, g, "unchanged on error");
	TEST_ASSERT_EQUAL(hostsim_vnet_features_parse("bit64", &f, err, sizeof(err)), -1,
			  "bit out of range");
	/* Prerequisites: MQ and CTRL_RX need CTRL_VQ; GUEST_TSO4 needs GUEST_CSUM. */
	f = F(VERSION_1) | F(MQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) | F(GUEST_TSO4) | F(GUEST_ECN);
	g = hostsim_vnet_features_fixup(&f);
	TEST_ASSERT_EQUAL(f, F(VERSION_1), "dependents dropped");
	TEST_ASSERT_EQUAL(g, F(MQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) | F(GUEST_TSO4) |
			  F(GUEST_ECN), "dropped reported, transitively");
	hostsim_vnet_features_str(F(MAC) | F(VERSION_1) | HOSTSIM_VF(50), names, sizeof(names));
	TEST_ASSERT(strcmp(names, "MAC,VERSION_1,bit50") == 0, "names: %s", names);
	return TEST_SUCCESS;
}

static int
test_frames(void)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint32_t lens[] = { 32, 60, 61, 1514, 9014, 65535 };
	struct hostsim_frame_gen g;
	uint8_t *buf = malloc(65536);
	uint64_t seq;
	uint16_t q;
	unsigned int i;

	TEST_ASSERT(buf != NULL && hostsim_frame_gen_init(&g, dst, src) == 0, "init");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		hostsim_frame_build(&g, buf, lens[i], 3, 1000 + i);
		TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, lens[i], 4, &q, &seq),
				  HOSTSIM_FRAME_OK, "len %u", lens[i]);
		TEST_ASSERT(q == 3 && seq == 1000 + i, "queue and seq back");
	}
	hostsim_frame_build(&g, buf, 1514, 1, 77);
	buf[1000] ^= 1;
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 4, &q, &seq), HOSTSIM_FRAME_BAD_DATA,
			  "one bit flipped in the payload");
	buf[1000] ^= 1;
	buf[1513] ^= 0x80;
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 4, &q, &seq), HOSTSIM_FRAME_BAD_DATA,
			  "last byte");
	buf[1513] ^= 0x80;
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1513, 4, &q, &seq), HOSTSIM_FRAME_BAD_LEN,
			  "truncated");
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 20, 4, &q, &seq), HOSTSIM_FRAME_SHORT,
			  "shorter than the headers");
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 1, &q, &seq),
			  HOSTSIM_FRAME_BAD_QUEUE, "queue 1 of 1");
	buf[15] ^= 1;
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 4, &q, &seq),
			  HOSTSIM_FRAME_NOT_OURS, "magic");
	/* Same payload, another sequence number: the pattern differs. */
	hostsim_frame_build(&g, buf, 200, 0, 5);
	seq = 6;
	memcpy(buf + 24, &seq, 8);
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 200, 1, &q, &seq), HOSTSIM_FRAME_BAD_DATA,
			  "sequence number rewritten");
	/* --verify header: the payload is neither written nor checked, the header is. */
	g.hdr_only = 1;
	memset(buf, 0xa5, 1514);
	hostsim_frame_build(&g, buf, 1514, 2, 9);
	TEST_ASSERT(buf[HOSTSIM_FRAME_HDR_LEN] == 0xa5 && buf[1513] == 0xa5,
		    "header only: payload left as it was");
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 4, &q, &seq), HOSTSIM_FRAME_OK,
			  "header only: any payload passes");
	TEST_ASSERT(q == 2 && seq == 9, "header only: queue and seq back");
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1513, 4, &q, &seq), HOSTSIM_FRAME_BAD_LEN,
			  "header only: length still checked");
	buf[15] ^= 1;
	TEST_ASSERT_EQUAL(hostsim_frame_check(&g, buf, 1514, 4, &q, &seq),
			  HOSTSIM_FRAME_NOT_OURS, "header only: magic still checked");
	hostsim_frame_gen_fini(&g);
	free(buf);
	return TEST_SUCCESS;
}

static int
test_seq_track(void)
{
	struct hostsim_seq_track t;

	TEST_ASSERT(hostsim_seq_track_init(&t) == 0, "init");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 0), HOSTSIM_SEQ_NEXT, "0");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 1), HOSTSIM_SEQ_NEXT, "1");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 4), HOSTSIM_SEQ_GAP, "4");
	TEST_ASSERT_EQUAL(t.missing, 2, "2 and 3 missing");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 2), HOSTSIM_SEQ_LATE, "2 late");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 2), HOSTSIM_SEQ_DUP, "2 again");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 4), HOSTSIM_SEQ_DUP, "4 again");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 1), HOSTSIM_SEQ_DUP, "1 again");
	TEST_ASSERT_EQUAL(t.missing, 1, "3 missing");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 5), HOSTSIM_SEQ_NEXT, "5");
	/* Far ahead: the window slides, old numbers cannot be told. */
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 5 + 3 * HOSTSIM_SEQ_WINDOW),
			  HOSTSIM_SEQ_GAP, "jump");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 3), HOSTSIM_SEQ_OLD, "too old");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 6 + 2 * HOSTSIM_SEQ_WINDOW),
			  HOSTSIM_SEQ_LATE, "inside the window, not seen");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 6 + 2 * HOSTSIM_SEQ_WINDOW),
			  HOSTSIM_SEQ_DUP, "seen now");
	/* The window slid in steps: bits of numbers one window older are cleared. */
	hostsim_seq_track_fini(&t);
	TEST_ASSERT(hostsim_seq_track_init(&t) == 0, "init");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, 0), HOSTSIM_SEQ_NEXT, "0");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, HOSTSIM_SEQ_WINDOW - 1), HOSTSIM_SEQ_GAP, "w");
	TEST_ASSERT_EQUAL(hostsim_seq_track_add(&t, HOSTSIM_SEQ_WINDOW), HOSTSIM_SEQ_NEXT,
			  "same bit as 0, not a duplicate");
	hostsim_seq_track_fini(&t);
	return TEST_SUCCESS;
}

/* A function snapshot with virtio capabilities, BAR 0 of 16 KiB at 0xe0000000. */
static struct hostsim_fn caps_fn;

static void
caps_add(unsigned int i, uint8_t type, uint8_t bar, uint32_t off, uint32_t len, uint32_t mult)
{
	uint16_t at = (uint16_t)(0x40 + i * 20);
	uint8_t *c = &caps_fn.cfg[at];

	c[0] = HOSTSIM_CAP_VNDR;
	c[1] = 0;
	c[2] = type == HOSTSIM_VCAP_NOTIFY ? 20 : 16;
	c[3] = type;
	c[4] = bar;
	memcpy(c + 8, &off, 4);
	memcpy(c + 12, &len, 4);
	memcpy(c + 16, &mult, 4);
	caps_fn.caps[caps_fn.nb_caps].off = at;
	caps_fn.caps[caps_fn.nb_caps].id = HOSTSIM_CAP_VNDR;
	caps_fn.nb_caps++;
}

static void
caps_reset(void)
{
	memset(&caps_fn, 0, sizeof(caps_fn));
	caps_fn.bar[0].addr = 0xe0000000;
	caps_fn.bar[0].size = 0x4000;
	caps_fn.bar[0].kind = HOSTSIM_BAR_MEM64;
	caps_fn.bar[0].assigned = 1;
}

static int
test_caps(void)
{
	struct hostsim_vnet_caps c;

	caps_reset();
	caps_add(0, HOSTSIM_VCAP_COMMON, 0, 0, 64, 0);
	caps_add(1, HOSTSIM_VCAP_NOTIFY, 0, 0x1000, 0x1000, 4);
	caps_add(2, HOSTSIM_VCAP_ISR, 0, 0x2000, 4, 0);
	caps_add(3, HOSTSIM_VCAP_DEVICE, 0, 0x3000, 24, 0);
	TEST_ASSERT_EQUAL(hostsim_vnet_caps_parse(&caps_fn, &c), 0, "%s", c.why);
	TEST_ASSERT_EQUAL(c.common.addr, 0xe0000000, "common");
	TEST_ASSERT_EQUAL(c.notify.addr, 0xe0001000, "notify");
	TEST_ASSERT_EQUAL(c.notify_mult, 4, "multiplier");
	TEST_ASSERT_EQUAL(c.isr.addr, 0xe0002000, "isr");
	TEST_ASSERT_EQUAL(c.device.len, 24, "device");
	TEST_ASSERT_EQUAL(c.ignored, 0, "none ignored");

	/* Hostile ones first; each is ignored and the good one after it used. */
	caps_reset();
	caps_add(0, HOSTSIM_VCAP_COMMON, 0, 0x3ff0, 64, 0);		/* beyond the BAR */
	caps_add(1, HOSTSIM_VCAP_COMMON, 0, 0xfffffff0u, 0x20, 0);	/* wraps in 32 bits */
	caps_add(2, HOSTSIM_VCAP_COMMON, 6, 0, 64, 0);			/* reserved BAR */
	caps_add(3, HOSTSIM_VCAP_COMMON, 1, 0, 64, 0);			/* unassigned BAR */
	caps_add(4, HOSTSIM_VCAP_COMMON, 0, 0, 40, 0);			/* too short */
	caps_add(5, HOSTSIM_VCAP_NOTIFY, 0, 0x1000, 0x1000, 3);		/* odd multiplier */
	caps_add(6, HOSTSIM_VCAP_COMMON, 0, 0x100, 64, 0);
	caps_add(7, HOSTSIM_VCAP_NOTIFY, 0, 0x1000, 0x1000, 0);
	caps_add(8, HOSTSIM_VCAP_ISR, 0, 0x2000, 1, 0);
	TEST_ASSERT_EQUAL(hostsim_vnet_caps_parse(&caps_fn, &c), 0, "%s", c.why);
	TEST_ASSERT_EQUAL(c.ignored, 6, "six ignored");
	TEST_ASSERT_EQUAL(c.common.off, 0x100, "the good common cfg");
	TEST_ASSERT_EQUAL(c.notify_mult, 0, "the good notify cap");
	TEST_ASSERT_EQUAL(c.device.len, 0, "no device cfg");

	/* Nothing usable: the reason is kept. */
	caps_reset();
	caps_add(0, HOSTSIM_VCAP_COMMON, 0, 0x3ff0, 64, 0);
	caps_add(1, HOSTSIM_VCAP_NOTIFY, 0, 0x1000, 0x1000, 2);
	caps_add(2, HOSTSIM_VCAP_ISR, 0, 0x2000, 1, 0);
	TEST_ASSERT_EQUAL(hostsim_vnet_caps_parse(&caps_fn, &c), -ENODEV, "no common cfg");
	TEST_ASSERT(strstr(c.why, "beyond its BAR") != NULL, "why: %s", c.why);
	/* A capability whose cap_len runs past config space. */
	caps_reset();
	caps_add(0, HOSTSIM_VCAP_COMMON, 0, 0, 64, 0);
	caps_fn.cfg[0x40 + 2] = 250;
	TEST_ASSERT_EQUAL(hostsim_vnet_caps_parse(&caps_fn, &c), -ENODEV, "cap_len");
	/* A capability at the very end of config space is not read past it. */
	caps_reset();
	caps_fn.caps[0].off = 0xfc;
	caps_fn.caps[0].id = HOSTSIM_CAP_VNDR;
	caps_fn.nb_caps = 1;
	TEST_ASSERT_EQUAL(hostsim_vnet_caps_parse(&caps_fn, &c), -ENODEV, "at 0xfc");
	return TEST_SUCCESS;
}

static int
test_ctrl(void)
{
	static struct tm_dev t;
	const uint8_t uc[1][6] = { { 2, 0, 0, 0, 0, 9 } };
	const uint8_t mc[2][6] = { { 1, 0, 0x5e, 0, 0, 1 }, { 1, 0, 0x5e, 0, 0, 2 } };
	uint64_t f = F(VERSION_1) | F(CTRL_VQ) | F(CTRL_RX) | F(MQ) | F(CTRL_MAC_ADDR) |
		F(GUEST_ANNOUNCE);
	uint32_t n;
	uint16_t vid;

	TEST_ASSERT(tm_init(&t, f, 8, 1, 4) == 0, "init");
	t.d.max_pairs = 4;
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_rx_mode(&t.d, HOSTSIM_VNET_CTRL_RX_PROMISC, 1), 0,
			  "promisc");
	TEST_ASSERT(t.last_cls == HOSTSIM_VNET_CTRL_RX && t.last_cmd == 0, "class, command");
	TEST_ASSERT(t.last_data_len == 1 && t.last_data[0] == 1, "on");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_mq_pairs(&t.d, 3), 0, "pairs");
	memcpy(&vid, t.last_data, 2);
	TEST_ASSERT(t.last_cls == HOSTSIM_VNET_CTRL_MQ && vid == 3, "VQ_PAIRS_SET 3");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_mq_pairs(&t.d, 5), -EINVAL, "beyond max pairs");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_mq_pairs(&t.d, 0), -EINVAL, "zero");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_mac_table(&t.d, uc, 1, mc, 2), 0, "mac table");
	TEST_ASSERT_EQUAL(t.last_data_len, 4 + 6 + 4 + 12, "two tables");
	memcpy(&n, t.last_data, 4);
	TEST_ASSERT_EQUAL(n, 1, "unicast entries");
	memcpy(&n, t.last_data + 10, 4);
	TEST_ASSERT_EQUAL(n, 2, "multicast entries");
	TEST_ASSERT_MEM_EQ(t.last_data + 14 + 6, mc[1], 6, "second multicast address");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_mac_set(&t.d, uc[0]), 0, "mac set");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_announce_ack(&t.d), 0, "announce");
	TEST_ASSERT_EQUAL(t.last_data_len, 0, "no data");
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_vlan(&t.d, 5, 1), -ENOTSUP, "CTRL_VLAN missing");
	t.ctrl_ack = HOSTSIM_VNET_ERR;
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_rx_mode(&t.d, 77, 1), -EIO, "ERR");
	t.ctrl_ack = 7;
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_rx_mode(&t.d, 0, 1), -EPROTO, "neither OK nor ERR");
	TEST_ASSERT(!t.d.ctrlq->broken, "a bad ack does not break the queue");
	t.ctrl_ack = -1;
	t.d.ctrl_timeout_ms = 30;
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_rx_mode(&t.d, 0, 1), -ETIMEDOUT, "no answer");
	TEST_ASSERT(t.d.ctrlq->broken, "the queue is not trusted after a timeout");
	t.ctrl_ack = HOSTSIM_VNET_OK;
	TEST_ASSERT_EQUAL(hostsim_vnet_ctrl_rx_mode(&t.d, 0, 1), -EPROTO, "broken queue");
	tm_fini(&t);
	return TEST_SUCCESS;
}

/* Loop @p n frames back through the model; fills the statistics. */
static int
loop_run(struct tm_dev *t, const struct hostsim_vnet_io_conf *io, uint64_t n,
	 struct hostsim_vnet_io_stats *st, struct hostsim_vnet_verifier *v)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	struct hostsim_vnet_txq tx;
	struct hostsim_vnet_rxq rx;
	unsigned int idle = 0;

	memset(st, 0, sizeof(*st));
	TEST_ASSERT(hostsim_vnet_verifier_init(v, 1, dst, src) == 0, "verifier");
	TEST_ASSERT(hostsim_vnet_txq_init(&tx, &t->d, 0, io) == 0, "txq");
	TEST_ASSERT(hostsim_vnet_rxq_init(&rx, &t->d, 0, io) == 0, "rxq");
	tx.limit = n;
	hostsim_vnet_rx_refill(&rx);
	/* Until everything is back, or nothing moves for a while. */
	while (idle < 1000) {
		unsigned int w = hostsim_vnet_tx_burst(&tx, v, st);

		tm_service(t);
		w += hostsim_vnet_rx_burst(&rx, v, st);
		idle = w == 0 ? idle + 1 : 0;
		if (tx.seq == n && v->track[0].next == n && v->track[0].missing == 0 &&
		    !hostsim_vq_has_used(rx.vq) && t->pending_len == 0 && t->held_len == 0)
			break;
	}
	TEST_ASSERT_EQUAL(tx.seq, n, "all sent");
	TEST_ASSERT(!t->d.vq[0].broken && !t->d.vq[1].broken, "rings fine: %s%s",
		    t->d.vq[0].err, t->d.vq[1].err);
	hostsim_vnet_txq_fini(&tx);
	hostsim_vnet_rxq_fini(&rx);
	return TEST_SUCCESS;
}

static int
loopback(int packed, int ev, int mrg, int ind, uint16_t segs, uint32_t rx_buf)
{
	static struct tm_dev t;
	struct hostsim_vnet_io_conf io = {
		.size_min = 60, .size_max = 1514, .burst = 32, .tx_segs = segs,
		.rx_buf_len = rx_buf, .window = 128,
	};
	struct hostsim_vnet_io_stats st;
	struct hostsim_vnet_verifier v;
	uint64_t f = F(VERSION_1) | (packed ? F(RING_PACKED) : 0) | (ev ? F(EVENT_IDX) : 0) |
		(mrg ? F(MRG_RXBUF) : 0) | (ind ? F(INDIRECT_DESC) : 0);
	const uint64_t n = 20000;
	int ret;

	TEST_ASSERT(tm_init(&t, f, 128, 0, 8) == 0, "init");
	ret = loop_run(&t, &io, n, &st, &v);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(st.tx_frames, n, "sent");
	TEST_ASSERT_EQUAL(st.rx_frames, n, "received");
	TEST_ASSERT_EQUAL(st.verified, n, "verified");
	TEST_ASSERT_EQUAL(st.corrupt + st.duplicate + st.reordered, 0, "clean");
	TEST_ASSERT_EQUAL(st.rx_bad_len + st.rx_bad_num_buffers + st.rx_bad_hdr, 0, "no rx error");
	if (mrg && rx_buf < 1514)
		TEST_ASSERT(st.rx_merged > 0, "frames spread over buffers");
	else
		TEST_ASSERT_EQUAL(st.rx_merged, 0, "one buffer per frame");
	/* One notification per burst at most, and some. */
	TEST_ASSERT(t.notifies[1] > 0 && t.notifies[1] <= n / 1, "tx notifies %" PRIu64,
		    t.notifies[1]);
	TEST_ASSERT(t.d.vq[1].kicks + t.d.vq[1].kicks_suppressed <= n, "kick decisions per burst");
	hostsim_vnet_verifier_fini(&v);
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_loop_split(void)
{
	return loopback(0, 0, 0, 0, 1, 1536);
}

static int
test_loop_split_ev_mrg(void)
{
	return loopback(0, 1, 1, 0, 1, 256);
}

static int
test_loop_split_indirect_segs(void)
{
	return loopback(0, 1, 1, 1, 4, 2048);
}

static int
test_loop_packed(void)
{
	return loopback(1, 0, 0, 0, 1, 1536);
}

static int
test_loop_packed_ev_mrg(void)
{
	return loopback(1, 1, 1, 0, 3, 200);
}

static int
test_loop_packed_indirect_segs(void)
{
	return loopback(1, 1, 0, 1, 5, 1536);
}

/* Faults injected by the device are each counted where they belong. */
static int
loop_fault(int packed, const struct tm_faults *fault, uint64_t *verified,
	   struct hostsim_vnet_io_stats *st, uint64_t *missing)
{
	static struct tm_dev t;
	struct hostsim_vnet_io_conf io = {
		.size_min = 100, .size_max = 700, .burst = 16, .tx_segs = 1,
		.rx_buf_len = 256, .window = 64,
	};
	struct hostsim_vnet_verifier v;
	int ret;

	TEST_ASSERT(tm_init(&t, F(VERSION_1) | F(MRG_RXBUF) | (packed ? F(RING_PACKED) : 0),
			    64, 0, 1) == 0, "init");
	t.fault = *fault;
	ret = loop_run(&t, &io, 1000, st, &v);
	if (ret != TEST_SUCCESS)
		return ret;
	*verified = st->verified;
	*missing = v.track[0].missing;
	hostsim_vnet_verifier_fini(&v);
	tm_fini(&t);
	return TEST_SUCCESS;
}

static int
test_loop_faults(void)
{
	struct hostsim_vnet_io_stats st;
	struct tm_faults fl;
	uint64_t ver, missing;
	int packed;

	for (packed = 0; packed <= 1; packed++) {
		memset(&fl, 0, sizeof(fl));
		fl.corrupt_at = 100;
		TEST_ASSERT(loop_fault(packed, &fl, &ver, &st, &missing) == TEST_SUCCESS, "run");
		TEST_ASSERT(st.corrupt == 1 && st.corrupt_by[HOSTSIM_FRAME_BAD_DATA] == 1,
			    "corrupt %" PRIu64, st.corrupt);
		TEST_ASSERT_EQUAL(ver, 999, "the rest verified");
		memset(&fl, 0, sizeof(fl));
		fl.drop_at = 500;
		TEST_ASSERT(loop_fault(packed, &fl, &ver, &st, &missing) == TEST_SUCCESS, "run");
		TEST_ASSERT(ver == 999 && missing == 1 && st.corrupt == 0, "one lost");
		memset(&fl, 0, sizeof(fl));
		fl.dup_at = 7;
		TEST_ASSERT(loop_fault(packed, &fl, &ver, &st, &missing) == TEST_SUCCESS, "run");
		TEST_ASSERT(ver == 1000 && st.duplicate == 1 && st.reordered == 0, "one duplicate");
		memset(&fl, 0, sizeof(fl));
		fl.swap_at = 321;
		TEST_ASSERT(loop_fault(packed, &fl, &ver, &st, &missing) == TEST_SUCCESS, "run");
		TEST_ASSERT(ver == 1000 && st.reordered == 1 && missing == 0, "one reordered");
	}
	return TEST_SUCCESS;
}

/* A device writing nonsense into receive buffers: counted, no crash, queue goes on. */
static int
test_rx_hostile(void)
{
	static struct tm_dev t;
	struct hostsim_vnet_io_conf io = {
		.size_min = 60, .size_max = 60, .burst = 32, .tx_segs = 1, .rx_buf_len = 128,
		.window = 16,
	};
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	struct hostsim_vnet_io_stats st;
	struct hostsim_vnet_verifier v;
	struct hostsim_vnet_rxq rx;
	struct hostsim_vnet_hdr *h;
	struct tm_chain c;

	memset(&st, 0, sizeof(st));
	TEST_ASSERT(tm_init(&t, F(VERSION_1) | F(MRG_RXBUF), 16, 0, 1) == 0, "init");
	TEST_ASSERT(hostsim_vnet_verifier_init(&v, 1, mac, mac) == 0, "verifier");
	TEST_ASSERT(hostsim_vnet_rxq_init(&rx, &t.d, 0, &io) == 0, "rxq");
	TEST_ASSERT_EQUAL(hostsim_vnet_rx_refill(&rx), 16, "ring filled");
	/* num_buffers 0, num_buffers beyond the ring, a length below the header. */
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
	h = tm_ptr(&t, c.seg[0].addr, 12);
	memset(h, 0, 12);
	tm_push(&t.q[0], &c, 72);
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
	h = tm_ptr(&t, c.seg[0].addr, 12);
	memset(h, 0, 12);
	h->num_buffers = 1000;
	tm_push(&t.q[0], &c, 72);
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
	tm_push(&t.q[0], &c, 5);
	/* A frame of garbage in one buffer. */
	TEST_ASSERT_EQUAL(tm_pop(&t, &t.q[0], &c), 1, "pop");
	h = tm_ptr(&t, c.seg[0].addr, 128);
	memset(h, 0xee, 128);
	h->num_buffers = 1;
	h->flags = HOSTSIM_VNET_HDR_F_NEEDS_CSUM;
	tm_push(&t.q[0], &c, 128);
	TEST_ASSERT_EQUAL(hostsim_vnet_rx_burst(&rx, &v, &st), 4, "four used");
	TEST_ASSERT_EQUAL(st.rx_bad_num_buffers, 2, "num_buffers");
	TEST_ASSERT_EQUAL(st.rx_bad_len, 1, "length");
	TEST_ASSERT_EQUAL(st.rx_bad_hdr, 1, "NEEDS_CSUM without GUEST_CSUM");
	TEST_ASSERT_EQUAL(st.corrupt, 1, "garbage frame");
	TEST_ASSERT_EQUAL(st.verified, 0, "nothing verified");
	TEST_ASSERT(!rx.vq->broken, "ring still fine");
	TEST_ASSERT_EQUAL(rx.vq->inflight, 16, "buffers reposted");
	hostsim_vnet_rxq_fini(&rx);
	hostsim_vnet_verifier_fini(&v);
	tm_fini(&t);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case drv_cases[] = {
	TEST_CASE(test_features),
	TEST_CASE(test_frames),
	TEST_CASE(test_seq_track),
	TEST_CASE(test_caps),
	TEST_CASE(test_ctrl),
	TEST_CASE(test_loop_split),
	TEST_CASE(test_loop_split_ev_mrg),
	TEST_CASE(test_loop_split_indirect_segs),
	TEST_CASE(test_loop_packed),
	TEST_CASE(test_loop_packed_ev_mrg),
	TEST_CASE(test_loop_packed_indirect_segs),
	TEST_CASE(test_loop_faults),
	TEST_CASE(test_rx_hostile),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("hostsim_vnet_drv", drv_cases, argc, argv);
}
