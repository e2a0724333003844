/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net control virtqueue commands (hostile-inputs item 32): every
 * command good and bad, chain layouts (missing header or ack, ack not
 * writable or not one byte, zero-length buffers, oversize), commands of
 * features not negotiated, and the used length reported. Chains live in the
 * test tlpdev's host memory and are read by DMA, as from a ring.
 */

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#include "virtio_emu_net_private.h"

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define NF(b) VIRTIO_EMU_F(VIRTIO_NET_F_ ## b)
#define HMEM 0x100000000ull
#define CMD_ADDR (HMEM + 0x1000)
#define ACK_ADDR (HMEM + 0x8000)
#define ALL (V1 | NF(CTRL_VQ) | NF(CTRL_RX) | NF(CTRL_RX_EXTRA) | NF(CTRL_VLAN) | \
	     NF(CTRL_MAC_ADDR) | NF(GUEST_ANNOUNCE) | NF(MQ) | NF(STATUS) | NF(MAC))

static struct vh h;
static uint8_t *hmem;

struct evlog {
	unsigned int n[16];
	uint32_t last_arg[16];
};
static struct evlog ev;

static void
ev_cb(struct virtio_emu_net *net __rte_unused, enum virtio_emu_net_event e, uint32_t arg,
      void *cb_arg)
{
	struct evlog *l = cb_arg;

	if ((unsigned int)e < 16) {
		l->n[e]++;
		l->last_arg[e] = arg;
	}
}

static int
setup(uint64_t features)
{
	struct virtio_emu_net_params p = {
		.max_queue_pairs = 4,
		.features = VIRTIO_EMU_NET_FEATURES_SUPPORTED,
		.mac_table_max = 8,
	};

	memset(&ev, 0, sizeof(ev));
	if (vh_setup_net(&h, &p, ev_cb, &ev) != 0)
		return -1;
	hmem = tlpemu_test_tlpdev_host_mem(h.t, NULL, NULL);
	if (!(vh_negotiate(&h, features) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	vh_set_status(&h, VH_S_RUN);
	return 0;
}

/*
 * Run a command: header + payload in one readable buffer, a one-byte ack.
 * Returns the ack byte, or -1 - used length when nothing was written.
 */
static int
cmd(uint8_t cls, uint8_t c, const void *payload, uint32_t len)
{
	struct vemu_net_seg segs[2] = {
		{ .addr = CMD_ADDR, .len = 2 + len },
		{ .addr = ACK_ADDR, .len = 1, .write = 1 },
	};
	uint32_t used;

	hmem[0x1000] = cls;
	hmem[0x1001] = c;
	if (len > 0)
		memcpy(&hmem[0x1002], payload, len);
	hmem[0x8000] = 0xaa;
	used = vemu_net_ctrl_chain(h.net, segs, 2);
	if (used != 1)
		return -1 - (int)used;
	return hmem[0x8000];
}

static int
chain(const struct vemu_net_seg *segs, unsigned int n, uint32_t *used)
{
	hmem[0x8000] = 0xaa;
	*used = vemu_net_ctrl_chain(h.net, segs, n);
	return hmem[0x8000];
}

static struct virtio_emu_net_state st;

static void
state(void)
{
	virtio_emu_net_state_get(h.net, &st);
}

static int
test_rx_mode(void)
{
	uint8_t on = 1, off = 0, bad = 2;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	state();
	TEST_ASSERT(st.promisc, "promiscuous until told otherwise");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
			  VIRTIO_NET_OK, "promisc off");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLMULTI, &on, 1),
			  VIRTIO_NET_OK, "allmulti on");
	state();
	TEST_ASSERT(!st.promisc && st.allmulti, "state");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_RX_MODE], 2, "events");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLMULTI, &on, 1),
			  VIRTIO_NET_OK, "again");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_RX_MODE], 2, "no change, no event");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &bad, 1),
			  VIRTIO_NET_ERR, "value 2");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, "\x01\x00", 2),
			  VIRTIO_NET_ERR, "2 bytes");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, NULL, 0),
			  VIRTIO_NET_ERR, "no payload");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, 6, &on, 1), VIRTIO_NET_ERR, "unknown cmd");
	/* RX_EXTRA commands. */
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_NOBCAST, &on, 1),
			  VIRTIO_NET_OK, "nobcast");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLUNI, &on, 1),
			  VIRTIO_NET_OK, "alluni");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_NOMULTI, &on, 1),
			  VIRTIO_NET_OK, "nomulti");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_NOUNI, &on, 1),
			  VIRTIO_NET_OK, "nouni");
	state();
	TEST_ASSERT(st.nobcast && st.alluni && st.nomulti && st.nouni, "extra state");
	/* Reset: back to defaults. */
	vh_set_status(&h, 0);
	state();
	TEST_ASSERT(st.promisc && !st.allmulti && !st.nobcast, "reset");
	vh_teardown(&h);

	/* Not negotiated. */
	TEST_ASSERT(setup(V1 | NF(CTRL_VQ) | NF(CTRL_RX)) == 0, "setup");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
			  VIRTIO_NET_OK, "CTRL_RX only: promisc ok");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_NOBCAST, &on, 1),
			  VIRTIO_NET_ERR, "no RX_EXTRA");
	vh_teardown(&h);
	TEST_ASSERT(setup(V1 | NF(CTRL_VQ)) == 0, "setup");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &off, 1),
			  VIRTIO_NET_ERR, "no CTRL_RX");
	state();
	TEST_ASSERT(st.promisc, "unchanged");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Build a TABLE_SET payload; returns its length. */
static uint32_t
mac_tables(uint8_t *p, uint32_t nb_uc, uint32_t nb_mc)
{
	uint32_t i, off = 0;

	memcpy(p, &nb_uc, 4);
	off += 4;
	for (i = 0; i < nb_uc && i < 100; i++, off += 6)
		memcpy(p + off, (uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)i }, 6);
	memcpy(p + off, &nb_mc, 4);
	off += 4;
	for (i = 0; i < nb_mc && i < 100; i++, off += 6)
		memcpy(p + off, (uint8_t[6]){ 0x01, 0, 0x5e, 0, 0, (uint8_t)i }, 6);
	return off;
}

static int
test_mac_table(void)
{
	uint8_t p[1024];
	uint32_t len;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	len = mac_tables(p, 2, 3);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_OK, "2 + 3");
	state();
	TEST_ASSERT_EQUAL(st.nb_uc, 2, "uc");
	TEST_ASSERT_EQUAL(st.nb_mc, 3, "mc");
	TEST_ASSERT_EQUAL(st.uc[1][5], 1, "uc entry");
	TEST_ASSERT_EQUAL(st.mc[2][0], 1, "mc entry");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_MAC_TABLE], 1, "event");
	/* Full tables (8 each): fine; 9: refused, state kept. */
	len = mac_tables(p, 8, 8);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_OK, "8 + 8");
	len = mac_tables(p, 9, 0);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_ERR, "oversize uc");
	len = mac_tables(p, 0, 9);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_ERR, "oversize mc");
	state();
	TEST_ASSERT_EQUAL(st.nb_uc, 8, "kept");
	/* Counts that lie. */
	len = mac_tables(p, 2, 2);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len - 1),
			  VIRTIO_NET_ERR, "truncated");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len + 1),
			  VIRTIO_NET_ERR, "trailing byte");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, 4),
			  VIRTIO_NET_ERR, "multicast table missing");
	memset(p, 0xff, 4);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, 64),
			  VIRTIO_NET_ERR, "entries 0xffffffff");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, NULL, 0),
			  VIRTIO_NET_ERR, "empty");
	len = mac_tables(p, 0, 0);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_OK, "empty tables");
	state();
	TEST_ASSERT_EQUAL(st.nb_uc + st.nb_mc, 0, "cleared");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, 2, p, len), VIRTIO_NET_ERR, "unknown cmd");
	vh_teardown(&h);

	TEST_ASSERT(setup(V1 | NF(CTRL_VQ)) == 0, "setup");
	len = mac_tables(p, 1, 1);
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, p, len),
			  VIRTIO_NET_ERR, "TABLE_SET needs CTRL_RX");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_mac_addr(void)
{
	uint8_t mac[8] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

	TEST_ASSERT(setup(ALL) == 0, "setup");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6),
			  VIRTIO_NET_OK, "set");
	state();
	TEST_ASSERT_MEM_EQ(st.mac, mac, 6, "state");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 4, 2), 0xeedd, "config mac");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_MAC_ADDR], 1, "event");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 5),
			  VIRTIO_NET_ERR, "5 bytes");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 7),
			  VIRTIO_NET_ERR, "7 bytes");
	mac[0] = 0x01;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6),
			  VIRTIO_NET_ERR, "multicast");
	/* Reset restores the configured address. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF, 1), 0x02, "mac[0]");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 5, 1), 0x01, "default mac back");
	vh_teardown(&h);

	TEST_ASSERT(setup(V1 | NF(CTRL_VQ) | NF(CTRL_RX)) == 0, "setup");
	mac[0] = 0x02;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6),
			  VIRTIO_NET_ERR, "needs CTRL_MAC_ADDR");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_vlan(void)
{
	uint16_t vid;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	state();
	TEST_ASSERT(st.vlan_filter, "filtering on");
	TEST_ASSERT_EQUAL(st.vlan[0], 0, "empty");
	vid = 100;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_OK, "add 100");
	vid = 4095;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_OK, "add 4095");
	state();
	TEST_ASSERT(st.vlan[100 / 64] & (1ull << (100 % 64)), "100 set");
	TEST_ASSERT(st.vlan[63] & (1ull << 63), "4095 set");
	TEST_ASSERT_EQUAL(ev.last_arg[VIRTIO_EMU_NET_EV_VLAN], 4095, "event arg");
	vid = 100;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2),
			  VIRTIO_NET_OK, "del 100");
	state();
	TEST_ASSERT(!(st.vlan[100 / 64] & (1ull << (100 % 64))), "100 cleared");
	vid = 4096;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_ERR, "4096");
	vid = 0xffff;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2),
			  VIRTIO_NET_ERR, "0xffff");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 1),
			  VIRTIO_NET_ERR, "1 byte");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, "\x01\0\0\0", 4),
			  VIRTIO_NET_ERR, "4 bytes");
	vid = 1;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, 2, &vid, 2), VIRTIO_NET_ERR, "cmd 2");
	vh_teardown(&h);

	TEST_ASSERT(setup(V1 | NF(CTRL_VQ)) == 0, "setup");
	state();
	TEST_ASSERT(!st.vlan_filter, "no filtering without CTRL_VLAN");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_ERR, "needs CTRL_VLAN");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_announce(void)
{
	TEST_ASSERT(setup(ALL) == 0, "setup");
	TEST_ASSERT_EQUAL(virtio_emu_net_announce(h.net), 0, "announce");
	TEST_ASSERT(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 6, 2) & VIRTIO_NET_S_ANNOUNCE, "bit set");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, "x", 1),
			  VIRTIO_NET_ERR, "payload");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_ANNOUNCE, 1, NULL, 0), VIRTIO_NET_ERR, "cmd 1");
	TEST_ASSERT(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 6, 2) & VIRTIO_NET_S_ANNOUNCE, "still set");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
			  VIRTIO_NET_OK, "ack");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 6, 2), VIRTIO_NET_S_LINK_UP, "clear");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_ANNOUNCE_ACK], 1, "event");
	vh_teardown(&h);
	TEST_ASSERT(setup(V1 | NF(CTRL_VQ)) == 0, "setup");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
			  VIRTIO_NET_ERR, "needs GUEST_ANNOUNCE");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_mq(void)
{
	uint16_t pairs;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	state();
	TEST_ASSERT_EQUAL(st.active_pairs, 1, "1 pair at start");
	pairs = 4;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_OK, "4 pairs");
	state();
	TEST_ASSERT_EQUAL(st.active_pairs, 4, "state");
	TEST_ASSERT_EQUAL(ev.last_arg[VIRTIO_EMU_NET_EV_MQ], 4, "event");
	pairs = 0;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "0 pairs");
	pairs = 5;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "> max");
	pairs = 0x8001;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "> spec max");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, "\x02\0\0", 3),
			  VIRTIO_NET_ERR, "3 bytes");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_RSS_CONFIG, &pairs, 2),
			  VIRTIO_NET_ERR, "RSS not offered");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_HASH_CONFIG, &pairs, 2),
			  VIRTIO_NET_ERR, "hash not offered");
	state();
	TEST_ASSERT_EQUAL(st.active_pairs, 4, "kept");
	vh_set_status(&h, 0);
	state();
	TEST_ASSERT_EQUAL(st.active_pairs, 1, "reset to 1");
	vh_teardown(&h);
	TEST_ASSERT(setup(V1 | NF(CTRL_VQ)) == 0, "setup");
	pairs = 2;
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "needs MQ");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_unknown_class(void)
{
	unsigned int c;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_GUEST_OFFLOADS, 0, "\0\0\0\0\0\0\0\0", 8),
			  VIRTIO_NET_ERR, "guest offloads (not offered)");
	TEST_ASSERT_EQUAL(cmd(VIRTIO_NET_CTRL_NOTF_COAL, 0, NULL, 0), VIRTIO_NET_ERR, "coal");
	for (c = 7; c < 256; c += 31)
		TEST_ASSERT_EQUAL(cmd((uint8_t)c, 0, NULL, 0), VIRTIO_NET_ERR, "class %u", c);
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Chain layouts (item 32): the outcome and the used length of each. */
static int
test_chain_layout(void)
{
	struct virtio_emu_net_stats s0, s1;
	struct vemu_net_seg segs[70];
	uint32_t used;
	unsigned int i;
	uint8_t off = 0;

	TEST_ASSERT(setup(ALL) == 0, "setup");
	hmem[0x1000] = VIRTIO_NET_CTRL_RX;
	hmem[0x1001] = VIRTIO_NET_CTRL_RX_PROMISC;
	hmem[0x1002] = 0;
	/* Header split across buffers is fine. */
	segs[0] = (struct vemu_net_seg){ CMD_ADDR, 1, 0 };
	segs[1] = (struct vemu_net_seg){ CMD_ADDR + 1, 1, 0 };
	segs[2] = (struct vemu_net_seg){ CMD_ADDR + 2, 1, 0 };
	segs[3] = (struct vemu_net_seg){ ACK_ADDR, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 4, &used), VIRTIO_NET_OK, "split header");
	TEST_ASSERT_EQUAL(used, 1, "used 1");
	/* Missing header: one readable byte. */
	segs[0].len = 1;
	segs[1] = segs[3];
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "1-byte header");
	TEST_ASSERT_EQUAL(used, 1, "answered");
	/* Only the ack. */
	TEST_ASSERT_EQUAL(chain(&segs[1], 1, &used), VIRTIO_NET_ERR, "no readable part");
	TEST_ASSERT_EQUAL(used, 1, "answered");
	/* No ack at all: nothing written, used 0. */
	virtio_emu_net_stats_get(h.net, &s0);
	segs[0].len = 3;
	TEST_ASSERT_EQUAL(chain(segs, 1, &used), 0xaa, "no ack");
	TEST_ASSERT_EQUAL(used, 0, "used 0");
	virtio_emu_net_stats_get(h.net, &s1);
	TEST_ASSERT_EQUAL(s1.ctrl_bad_chain, s0.ctrl_bad_chain + 1, "counted");
	/* Zero-length ack: used 0. */
	segs[1].len = 0;
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), 0xaa, "zero-length ack");
	TEST_ASSERT_EQUAL(used, 0, "used 0");
	/* Ack of 2 bytes: ERR in its first byte. */
	segs[1].len = 2;
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "2-byte ack");
	TEST_ASSERT_EQUAL(used, 1, "used 1");
	/* Two writable buffers. */
	segs[1].len = 1;
	segs[2] = (struct vemu_net_seg){ ACK_ADDR + 16, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 3, &used), VIRTIO_NET_ERR, "two acks");
	/* Readable after writable. */
	segs[2] = (struct vemu_net_seg){ CMD_ADDR, 3, 0 };
	TEST_ASSERT_EQUAL(chain(segs, 3, &used), VIRTIO_NET_ERR, "readable after ack");
	/* Zero-length readable buffer. */
	segs[0] = (struct vemu_net_seg){ CMD_ADDR, 3, 0 };
	segs[1] = (struct vemu_net_seg){ CMD_ADDR + 3, 0, 0 };
	segs[2] = (struct vemu_net_seg){ ACK_ADDR, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 3, &used), VIRTIO_NET_ERR, "zero-length segment");
	TEST_ASSERT_EQUAL(used, 1, "used 1");
	/* Oversize readable part. */
	segs[0].len = VEMU_NET_CTRL_IN_MAX + 1;
	segs[1] = segs[2];
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "oversize");
	segs[0].len = 0xffffffff;
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "len ~0");
	/* Readable part outside host memory: DMA error, ERR. */
	segs[0] = (struct vemu_net_seg){ 0x10, 3, 0 };
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "unmapped command");
	segs[0] = (struct vemu_net_seg){ HMEM + (1u << 20) - 1, 3, 0 };
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "crossing the end");
	segs[0] = (struct vemu_net_seg){ UINT64_MAX - 1, 3, 0 };
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_ERR, "address wraps");
	/* Ack outside host memory: nothing to answer in. */
	segs[0] = (struct vemu_net_seg){ CMD_ADDR, 3, 0 };
	segs[1] = (struct vemu_net_seg){ 0x20, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), 0xaa, "unmapped ack");
	TEST_ASSERT_EQUAL(used, 0, "used 0");
	/* Too many buffers. */
	for (i = 0; i < 69; i++)
		segs[i] = (struct vemu_net_seg){ CMD_ADDR + (i < 3 ? i : 2), 1, 0 };
	segs[69] = (struct vemu_net_seg){ ACK_ADDR, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 70, &used), 0xaa, "70 buffers: ack beyond the bound");
	TEST_ASSERT_EQUAL(used, 0, "used 0");
	/* Each segment read once: the command changes under us after the copy. */
	segs[0] = (struct vemu_net_seg){ CMD_ADDR, 3, 0 };
	segs[1] = (struct vemu_net_seg){ ACK_ADDR, 1, 1 };
	TEST_ASSERT_EQUAL(chain(segs, 2, &used), VIRTIO_NET_OK, "still works");
	RTE_SET_USED(off);
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_rx_mode),
	TEST_CASE(test_mac_table),
	TEST_CASE(test_mac_addr),
	TEST_CASE(test_vlan),
	TEST_CASE(test_announce),
	TEST_CASE(test_mq),
	TEST_CASE(test_unknown_class),
	TEST_CASE(test_chain_layout),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_net_ctrl", cases, argc, argv);
}
