/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net control queue end to end: the host driver lays out a split or
 * packed ring in the test tlpdev's host memory, enables the control queue
 * through the common configuration, posts commands and kicks; the device
 * serves them on the virtqueue engine (DMA path) and returns them used.
 * Also: chains the engine drops, a broken ring turning into NEEDS_RESET with
 * a configuration interrupt, and recovery after the reset.
 */

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#include "virtio_emu_ring.h"

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define NF(b) VIRTIO_EMU_F(VIRTIO_NET_F_ ## b)
#define PACKED VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)
#define HMEM 0x100000000ull
#define RING (HMEM + 0x10000)
#define QSZ 16
#define BUF (HMEM + 0x40000)
#define FEAT (V1 | NF(CTRL_VQ) | NF(CTRL_RX) | NF(MQ) | NF(CTRL_VLAN) | NF(STATUS))
#define CTRLQ 8	/* 4 pairs */

static struct vh h;
static uint8_t *hmem;
static uint16_t avail_idx, used_seen;
static uint16_t pk_next;	/* packed: next descriptor slot */
static uint8_t pk_wrap = 1;

static void *
hp(uint64_t addr)
{
	return &hmem[addr - HMEM];
}

static int
setup(uint64_t features)
{
	struct virtio_emu_net_params p = { .max_queue_pairs = 4 };

	if (vh_setup_net(&h, &p, NULL, NULL) != 0)
		return -1;
	hmem = tlpemu_test_tlpdev_host_mem(h.t, NULL, NULL);
	memset(hmem, 0, 1u << 20);
	avail_idx = 0;
	used_seen = 0;
	pk_next = 0;
	pk_wrap = 1;
	if (!(vh_negotiate(&h, features) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	if (vh_queue_setup(&h, CTRLQ, QSZ, RING) != 0)
		return -1;
	vh_cc_wr(&h, CC(queue_select), 2, CTRLQ);
	vh_set_status(&h, VH_S_RUN);
	return 0;
}

/* Split: post a command (header + payload, ack) as a 2-descriptor chain at slot @p d. */
static void
post_split(uint16_t d, const void *cmd, uint32_t len, uint32_t ack_len)
{
	struct vring_desc *desc = hp(RING);
	struct vring_avail *avail = hp(RING + 16 * QSZ);
	uint64_t cbuf = BUF + d * 0x400u, abuf = cbuf + 0x3f0;

	memcpy(hp(cbuf), cmd, len);
	*(uint8_t *)hp(abuf) = 0xaa;
	desc[d] = (struct vring_desc){ cbuf, len, VRING_DESC_F_NEXT, (uint16_t)((d + 1) % QSZ) };
	desc[(d + 1) % QSZ] = (struct vring_desc){ abuf, ack_len, VRING_DESC_F_WRITE, 0 };
	avail->ring[avail_idx % QSZ] = d;
	avail_idx++;
	__atomic_store_n(&avail->idx, avail_idx, __ATOMIC_RELEASE);
}

static uint8_t
ack_of(uint16_t d)
{
	return *(uint8_t *)hp(BUF + d * 0x400u + 0x3f0);
}

/* Next used entry (split), or -1. */
static int
used_next(uint32_t *id, uint32_t *len)
{
	struct vring_used *used = hp(RING + 0x2000);

	if (__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) == used_seen)
		return -1;
	*id = used->ring[used_seen % QSZ].id;
	*len = used->ring[used_seen % QSZ].len;
	used_seen++;
	return 0;
}

static void
kick(void)
{
	vh_notify(&h, CTRLQ, 2, CTRLQ);
	tlpemu_test_tlpdev_service(h.t);
}

static int
test_split_commands(void)
{
	struct virtio_emu_net_state st;
	uint8_t promisc_off[3] = { VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 0 };
	uint8_t mq[4] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 3, 0 };
	uint8_t bad[2] = { 0x42, 0 };
	uint32_t id, len;

	TEST_ASSERT(setup(FEAT) == 0, "setup");
	post_split(0, promisc_off, 3, 1);
	post_split(2, mq, 4, 1);
	post_split(4, bad, 2, 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "first used");
	TEST_ASSERT_EQUAL(id, 0, "in order");
	TEST_ASSERT_EQUAL(len, 1, "used len 1");
	TEST_ASSERT_EQUAL(ack_of(0), VIRTIO_NET_OK, "promisc ok");
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "second");
	TEST_ASSERT_EQUAL(id, 2, "id");
	TEST_ASSERT_EQUAL(ack_of(2), VIRTIO_NET_OK, "mq ok");
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "third");
	TEST_ASSERT_EQUAL(len, 1, "ERR also used len 1");
	TEST_ASSERT_EQUAL(ack_of(4), VIRTIO_NET_ERR, "unknown class");
	TEST_ASSERT_EQUAL(used_next(&id, &len), -1, "nothing more");
	virtio_emu_net_state_get(h.net, &st);
	TEST_ASSERT(!st.promisc, "promisc off");
	TEST_ASSERT_EQUAL(st.active_pairs, 3, "3 pairs");
	/* Without a kick, the service loop still serves the queue. */
	post_split(6, promisc_off, 3, 1);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "served by polling");
	/* An ack of 2 bytes: ERR, len 1. */
	post_split(8, promisc_off, 3, 2);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "2-byte ack");
	TEST_ASSERT_EQUAL(ack_of(8), VIRTIO_NET_ERR, "ERR");
	TEST_ASSERT_EQUAL(len, 1, "len 1");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Zero-length descriptor: the engine drops the chain (used len 0), the queue goes on. */
static int
test_split_dropped_chain(void)
{
	uint8_t promisc_off[3] = { VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 0 };
	uint32_t id, len;

	TEST_ASSERT(setup(FEAT) == 0, "setup");
	post_split(0, promisc_off, 0, 1);
	post_split(2, promisc_off, 3, 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "dropped chain returned");
	TEST_ASSERT_EQUAL(id, 0, "id");
	TEST_ASSERT_EQUAL(len, 0, "len 0");
	TEST_ASSERT_EQUAL(ack_of(0), 0xaa, "no ack written");
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "next served");
	TEST_ASSERT_EQUAL(ack_of(2), VIRTIO_NET_OK, "ok");
	TEST_ASSERT_EQUAL(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, 0, "no reset needed");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Available index jumping beyond the queue size: NEEDS_RESET, config interrupt, recovery. */
static int
test_split_broken_ring(void)
{
	uint8_t promisc_off[3] = { VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 0 };
	struct vring_avail *avail;
	uint32_t id, len;

	TEST_ASSERT(setup(FEAT) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_isr(&h), 0, "ISR clear");
	avail = hp(RING + 16 * QSZ);
	__atomic_store_n(&avail->idx, QSZ + 5, __ATOMIC_RELEASE);
	kick();
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, "NEEDS_RESET");
	TEST_ASSERT(vh_isr(&h) & VIRTIO_PCI_ISR_CONFIG, "config interrupt");
	TEST_ASSERT_EQUAL(used_next(&id, &len), -1, "nothing used");
	/* Reset and start again: works. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset");
	memset(hmem, 0, 1u << 20);
	avail_idx = 0;
	used_seen = 0;
	TEST_ASSERT(vh_negotiate(&h, FEAT) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, CTRLQ, QSZ, RING) == 0, "queue");
	vh_set_status(&h, VH_S_RUN);
	post_split(0, promisc_off, 3, 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "served after recovery");
	TEST_ASSERT_EQUAL(ack_of(0), VIRTIO_NET_OK, "ok");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Packed ring: post a 2-descriptor chain with buffer id @p id. */
static void
post_packed(uint16_t id, const void *cmd, uint32_t len)
{
	struct vring_packed_desc *desc = hp(RING);
	uint64_t cbuf = BUF + id * 0x400u, abuf = cbuf + 0x3f0;
	uint16_t av = pk_wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED;
	uint16_t first = pk_next;

	memcpy(hp(cbuf), cmd, len);
	*(uint8_t *)hp(abuf) = 0xaa;
	pk_next = (uint16_t)((pk_next + 1) % QSZ);
	if (pk_next == 0)
		pk_wrap ^= 1;
	desc[pk_next] = (struct vring_packed_desc){ abuf, 1, id,
		(uint16_t)(VRING_DESC_F_WRITE |
			   (pk_wrap ? VRING_PACKED_DESC_F_AVAIL : VRING_PACKED_DESC_F_USED)) };
	pk_next = (uint16_t)((pk_next + 1) % QSZ);
	if (pk_next == 0)
		pk_wrap ^= 1;
	desc[first].addr = cbuf;
	desc[first].len = len;
	desc[first].id = id;
	/* The head's flags last: the chain becomes available at once. */
	__atomic_store_n(&desc[first].flags, (uint16_t)(VRING_DESC_F_NEXT | av), __ATOMIC_RELEASE);
}

static int
test_packed_commands(void)
{
	uint8_t vlan[4] = { VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, 5, 0 };
	uint8_t mq0[4] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, 0, 0 };
	struct vring_packed_desc *desc;
	struct virtio_emu_net_state st;
	unsigned int i;

	TEST_ASSERT(setup(FEAT | PACKED) == 0, "setup");
	desc = hp(RING);
	/* Enough commands to wrap the ring twice. */
	for (i = 0; i < QSZ; i++) {
		post_packed((uint16_t)(i % 4), i & 1 ? mq0 : vlan, 4);
		kick();
		TEST_ASSERT_EQUAL(*(uint8_t *)hp(BUF + (i % 4) * 0x400u + 0x3f0),
				  i & 1 ? VIRTIO_NET_ERR : VIRTIO_NET_OK, "command %u", i);
	}
	/* The device wrote used descriptors: id and len of the last one. */
	TEST_ASSERT_EQUAL(desc[QSZ - 2].id, 3, "used id");
	TEST_ASSERT_EQUAL(desc[QSZ - 2].len, 1, "used len");
	virtio_emu_net_state_get(h.net, &st);
	TEST_ASSERT(st.vlan[0] & (1u << 5), "vlan 5");
	TEST_ASSERT_EQUAL(st.active_pairs, 1, "pairs unchanged by ERR");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* MAC_ADDR_SET changes the device configuration's mac: config_generation moves (once). */
static int
test_split_mac_addr_set(void)
{
	uint8_t set[8] = { VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
			   0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint64_t gen0, gen1;
	uint32_t id, len, i;

	TEST_ASSERT(setup(FEAT | NF(CTRL_MAC_ADDR)) == 0, "setup");
	gen0 = vh_cc_rd(&h, CC(config_generation), 1);
	post_split(0, set, sizeof(set), 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "used");
	TEST_ASSERT_EQUAL(ack_of(0), VIRTIO_NET_OK, "ok");
	gen1 = vh_cc_rd(&h, CC(config_generation), 1);
	TEST_ASSERT_EQUAL(gen1, (gen0 + 1) & 0xff, "generation moved");
	for (i = 0; i < VIRTIO_NET_MAC_LEN; i++)
		TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + i, 1), set[2 + i],
				  "config mac byte %u", i);
	/* The same address again: nothing changed, same generation. */
	post_split(2, set, sizeof(set), 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "used");
	TEST_ASSERT_EQUAL(ack_of(2), VIRTIO_NET_OK, "ok");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), gen1, "no new generation");
	/* Refused (multicast address): no change either. */
	set[2] = 0x01;
	post_split(4, set, sizeof(set), 1);
	kick();
	TEST_ASSERT_EQUAL(used_next(&id, &len), 0, "used");
	TEST_ASSERT_EQUAL(ack_of(4), VIRTIO_NET_ERR, "multicast refused");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), gen1, "no new generation");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_split_mac_addr_set),
	TEST_CASE(test_split_commands),
	TEST_CASE(test_split_dropped_chain),
	TEST_CASE(test_split_broken_ring),
	TEST_CASE(test_packed_commands),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_net_ctrlq", cases, argc, argv);
}
