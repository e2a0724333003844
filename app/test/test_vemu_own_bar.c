/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * DMA aimed at the function's own BAR (hostile-inputs item 6): a ring whose
 * areas overlap BAR 0 is refused at queue_enable; a buffer there is dropped
 * (used, length 0, reason own_bar) on both memory paths; moving BAR 0 onto a
 * live ring, or turning memory decoding on over one, sets NEEDS_RESET; after
 * the reset the device works again. The host moves BAR 0 into its own RAM so
 * that the direct path (which otherwise refuses anything outside RAM) is
 * exercised too.
 */

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#include "virtio_emu_ring.h"
#include "virtio_emu_vq.h"

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define HMEM 0x100000000ull
#define RING (HMEM + 0x10000)
#define QSZ 16
#define BUF (HMEM + 0x40000)
#define INBAR (HMEM + 0x80000)	/* BAR 0 moved inside host RAM */
#define TXQ 1

static struct vh h;
static uint8_t *hmem;
static uint16_t avail_idx;

static void *
hp(uint64_t addr)
{
	return &hmem[addr - HMEM];
}

static int
move_bar(uint64_t base)
{
	int ret = vh_cfg_set(&h, PCIFN_CFG_BAR0, 4, (uint32_t)base);

	ret |= vh_cfg_set(&h, PCIFN_CFG_BAR0 + 4, 4, (uint32_t)(base >> 32));
	h.bar0 = base;
	return ret;
}

static int
setup(bool dma_copy)
{
	struct virtio_emu_net_params p = { .dma_copy = dma_copy };

	if (vh_setup_net(&h, &p, NULL, NULL) != 0)
		return -1;
	hmem = tlpemu_test_tlpdev_host_mem(h.t, NULL, NULL);
	memset(hmem, 0, 1u << 20);
	avail_idx = 0;
	if (!(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	return 0;
}

/* Post a chain at descriptor @p d: one descriptor, or a 12-byte header then @p addr. */
static void
post(uint16_t d, uint64_t addr, uint32_t len, bool two)
{
	struct vring_desc *desc = hp(RING);
	struct vring_avail *avail = hp(RING + 16 * QSZ);

	if (two) {
		desc[d] = (struct vring_desc){ BUF + d * 0x100u, 12, VRING_DESC_F_NEXT,
					       (uint16_t)(d + 1) };
		desc[d + 1] = (struct vring_desc){ addr, len, 0, 0 };
	} else {
		desc[d] = (struct vring_desc){ addr, len, 0, 0 };
	}
	avail->ring[avail_idx % QSZ] = d;
	avail_idx++;
	__atomic_store_n(&avail->idx, avail_idx, __ATOMIC_RELEASE);
}

static uint64_t
own_bar_drops(void)
{
	struct virtio_emu_vq_stats st;

	if (virtio_emu_vq_stats_get(virtio_emu_net_vq(h.net, TXQ), &st) != 0)
		return UINT64_MAX;
	return st.drops[VIRTIO_EMU_VQ_DROP_OWN_BAR];
}

static uint64_t
pci_own_bar(void)
{
	struct virtio_emu_pci_stats st;

	virtio_emu_pci_stats_get(h.pci, &st);
	return st.own_bar;
}

/* Rings overlapping BAR 0 (at it, or running into it from below): enable refused. */
static int
test_ring_in_bar(void)
{
	TEST_ASSERT(setup(false) == 0, "setup");
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, h.bar0 + 0x100) != 0, "ring in BAR enabled");
	TEST_ASSERT_EQUAL(pci_own_bar(), 1, "counted");
	/* Descriptors just below the BAR, avail ring inside it. */
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, h.bar0 - 16 * QSZ) != 0, "avail in BAR");
	TEST_ASSERT_EQUAL(pci_own_bar(), 2, "counted");
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, RING) == 0, "good ring refused");
	TEST_ASSERT_EQUAL(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, 0, "no reset needed");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Buffers in BAR 0 dropped (len 0, own_bar), good ones served, no reset needed. */
static int
buffer_in_bar(bool dma_copy)
{
	struct virtio_emu_vq_chain ch[8];
	struct virtio_emu_vq_used u;
	struct vring_used *used;
	struct virtio_emu_vq *vq;
	uint64_t expect = 0;
	uint16_t n;

	TEST_ASSERT(setup(dma_copy) == 0, "setup");
	used = hp(RING + 0x2000);
	TEST_ASSERT(move_bar(INBAR) == 0, "BAR 0 moved");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(virtio_emu_net_fn(h.net), 0), INBAR, "BAR 0 at INBAR");
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, RING) == 0, "queue");
	vh_set_status(&h, VH_S_RUN);
	vq = virtio_emu_net_vq(h.net, TXQ);
	TEST_ASSERT(vq != NULL, "engine queue");

	post(0, INBAR + 0x100, 64, true);	/* second buffer inside the BAR */
	post(2, INBAR - 32, 64, true);		/* straddles the BAR start */
	post(4, BUF + 0x800, 64, true);		/* good */
	expect += 2;
	if (dma_copy) {
		/* The direct fast case of one descriptor belongs to the data path. */
		post(6, INBAR + 0x200, 64, false);
		expect++;
	}
	n = virtio_emu_vq_pop(vq, ch, RTE_DIM(ch));
	TEST_ASSERT_EQUAL(n, 1, "only the good chain handed out");
	TEST_ASSERT_EQUAL(ch[0].id, 4, "good chain id");
	TEST_ASSERT_EQUAL(own_bar_drops(), expect, "own_bar drops");
	TEST_ASSERT_EQUAL(used->idx, expect, "dropped chains returned used");
	TEST_ASSERT_EQUAL(used->ring[0].id, 0, "first drop id");
	TEST_ASSERT_EQUAL(used->ring[0].len, 0, "len 0");
	TEST_ASSERT_EQUAL(used->ring[1].id, 2, "second drop id");
	TEST_ASSERT_EQUAL(used->ring[1].len, 0, "len 0");
	u.id = ch[0].id;
	u.len = 0;
	TEST_ASSERT_EQUAL(virtio_emu_vq_push(vq, &u, 1), 1, "push");
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(vq), VIRTIO_EMU_VQ_OK, "queue fine");
	TEST_ASSERT_EQUAL(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, 0, "no reset needed");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_buffer_in_bar_direct(void)
{
	return buffer_in_bar(false);
}

static int
test_buffer_in_bar_dma(void)
{
	return buffer_in_bar(true);
}

/*
 * BAR 0 moved onto a live ring with decoding off (nothing to refuse yet),
 * then decoding on: NEEDS_RESET with a configuration interrupt. After the
 * reset, with BAR 0 elsewhere, the queue works again.
 */
static int
test_bar_onto_live_ring(void)
{
	struct virtio_emu_vq_chain ch[4];
	struct virtio_emu_vq *vq;

	TEST_ASSERT(setup(false) == 0, "setup");
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, RING) == 0, "queue");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT(vh_cfg_set(&h, PCIFN_CFG_COMMAND, 2, PCIFN_CMD_BME) == 0, "decode off");
	TEST_ASSERT(move_bar(RING) == 0, "BAR 0 over the ring");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(pci_own_bar(), 0, "decode off: nothing decodes there yet");
	TEST_ASSERT(vh_cfg_set(&h, PCIFN_CFG_COMMAND, 2, PCIFN_CMD_MEM | PCIFN_CMD_BME) == 0,
		    "decode on");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(pci_own_bar(), 1, "counted");
	TEST_ASSERT(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, "NEEDS_RESET");
	TEST_ASSERT(vh_isr(&h) & VIRTIO_PCI_ISR_CONFIG, "config interrupt");

	/* Recovery: reset, BAR 0 back in MMIO space, re-init. */
	vh_set_status(&h, 0);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset done");
	TEST_ASSERT(move_bar(VH_BAR0) == 0, "BAR 0 back");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "renegotiated");
	memset(hmem, 0, 1u << 20);
	avail_idx = 0;
	TEST_ASSERT(vh_queue_setup(&h, TXQ, QSZ, RING) == 0, "queue again");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "running");
	vq = virtio_emu_net_vq(h.net, TXQ);
	TEST_ASSERT(vq != NULL, "engine queue");
	post(0, BUF + 0x800, 64, true);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(vq, ch, RTE_DIM(ch)), 1, "served after reset");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_ring_in_bar),
	TEST_CASE(test_buffer_in_bar_direct),
	TEST_CASE(test_buffer_in_bar_dma),
	TEST_CASE(test_bar_onto_live_ring),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_own_bar", cases, argc, argv);
}
