/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-pci transport: device reset and its quiesce handshake, per-queue
 * reset (RING_RESET), notifications, ISR and INTx, MSI-X, DEVICE_NEEDS_RESET
 * with its configuration interrupt, config_generation, the PCI
 * configuration access window, and resets coming from PCI (FLR, hot reset,
 * link down). Hostile-inputs items 9, 15, 16, 35, 36.
 */

#include <rte_cycles.h>

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define RING VIRTIO_EMU_F(VIRTIO_F_RING_RESET)
#define NDATA VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)
#define QBASE 0x100000000ull

static int
setup(struct vh *h, uint64_t extra, bool no_msix)
{
	struct virtio_emu_pci_params p = {
		.device_type = 1,
		.class_code = 0x020000,
		.features = V1 | RING | extra,
		.num_queues = 3,
		.dev_cfg_len = 8,
		.no_msix = no_msix,
	};

	return vh_setup_mock(h, &p);
}

/* Negotiate, enable queues 0..n-1, DRIVER_OK. */
static int
run(struct vh *h, uint64_t f, unsigned int n)
{
	unsigned int i;

	if (!(vh_negotiate(h, f) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	for (i = 0; i < n; i++)
		if (vh_queue_setup(h, (uint16_t)i, 64, QBASE + i * 0x10000) != 0)
			return -1;
	vh_set_status(h, VH_S_RUN);
	return vh_status(h) == VH_S_RUN ? 0 : -1;
}

static int
test_reset_sync(void)
{
	struct virtio_emu_pci_stats st;
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 2) == 0, "run");
	vh_cc_wr(&h, CC(config_msix_vector), 2, 1);
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset done at once");
	TEST_ASSERT_EQUAL(h.mock.stops[0] + h.mock.stops[1], 2, "both queues stopped");
	TEST_ASSERT_EQUAL(h.mock.stops[2], 0, "disabled queue not stopped");
	TEST_ASSERT_EQUAL(h.mock.resets, 1, "device reset");
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), 0, "features dropped");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_msix_vector), 2), VIRTIO_MSI_NO_VECTOR, "msix");
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "queue disabled");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "size back to max");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 4), 0, "addresses cleared");
	vh_cc_wr(&h, CC(driver_feature_select), 4, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(driver_feature), 4), 0, "driver features cleared");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT_EQUAL(st.resets, 1, "counted");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Reset completes only when every queue is quiet (item 35). */
static int
test_reset_waits_for_queues(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 2) == 0, "run");
	h.mock.stop_ret = -EINPROGRESS;
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "status non-zero while queues busy");
	TEST_ASSERT_EQUAL(h.mock.resets, 0, "not reset yet");
	/* The driver must wait: writes are ignored meanwhile, kicks too. */
	vh_cc_wr(&h, CC(queue_select), 2, 2);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_select), 2), 1, "write ignored during reset");
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 0, "kick ignored during reset");
	TEST_ASSERT(!virtio_emu_queue_enabled(h.pci, 0), "queue 0 not usable");
	TEST_ASSERT_EQUAL(virtio_emu_queue_reset_done(h.pci, 0), 0, "queue 0 quiet");
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "still waiting for queue 1");
	TEST_ASSERT_EQUAL(virtio_emu_queue_reset_done(h.pci, 0), -EALREADY, "twice");
	TEST_ASSERT_EQUAL(virtio_emu_queue_reset_done(h.pci, 1), 0, "queue 1 quiet");
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset complete");
	TEST_ASSERT_EQUAL(h.mock.resets, 1, "device reset once");
	/* A second reset request while waiting is harmless (item 36). */
	h.mock.stop_ret = 0;
	TEST_ASSERT(run(&h, V1, 1) == 0, "run again");
	h.mock.stop_ret = -EINPROGRESS;
	vh_set_status(&h, 0);
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(h.mock.stops[0], 2, "stop asked once per reset");
	virtio_emu_queue_reset_done(h.pci, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "done");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_reset_mid_negotiation(void)
{
	struct vh h;
	unsigned int i;

	TEST_ASSERT(setup(&h, VIRTIO_EMU_F(VIRTIO_F_RING_PACKED), false) == 0, "setup");
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vh_drv_features(&h, V1);
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset before FEATURES_OK");
	/* Rapid cycles, alternating split and packed, sizes changing (item 36). */
	for (i = 0; i < 200; i++) {
		uint64_t f = V1 | (i & 1 ? VIRTIO_EMU_F(VIRTIO_F_RING_PACKED) : 0);

		TEST_ASSERT(vh_negotiate(&h, f) & VIRTIO_CONFIG_S_FEATURES_OK, "cycle %u", i);
		TEST_ASSERT(vh_queue_setup(&h, 0, (uint16_t)(i & 1 ? 100 : 128), QBASE) == 0,
			    "queue %u", i);
		TEST_ASSERT_EQUAL(h.mock.last.packed, i & 1, "layout %u", i);
		if (i % 3 == 0)
			vh_set_status(&h, VH_S_RUN);
		vh_set_status(&h, 0);
		TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset %u", i);
	}
	TEST_ASSERT_EQUAL(h.mock.resets, 201, "resets");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_queue_reset(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1 | RING, 2) == 0, "run");
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 0, "0 while enabled");
	/* Only 1 means something. */
	vh_cc_wr(&h, CC(queue_reset), 2, 0);
	vh_cc_wr(&h, CC(queue_reset), 2, 2);
	TEST_ASSERT_EQUAL(h.mock.stops[1], 0, "0 and 2 ignored");
	/* Asynchronous: 0 while in progress, then 1 with the queue disabled. */
	h.mock.stop_ret = -EINPROGRESS;
	vh_cc_wr(&h, CC(queue_reset), 2, 1);
	TEST_ASSERT_EQUAL(h.mock.stops[1], 1, "stop asked");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 0, "in progress");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 1, "still enabled");
	vh_notify(&h, 1, 2, 1);
	TEST_ASSERT_EQUAL(h.mock.notifies[1], 0, "kick while resetting ignored");
	virtio_emu_queue_reset_done(h.pci, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 1, "reset complete");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "disabled");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "defaults");
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "device still running");
	TEST_ASSERT(virtio_emu_queue_enabled(h.pci, 0), "other queue untouched");
	/* Re-enable with a new size while DRIVER_OK. */
	TEST_ASSERT(vh_queue_setup(&h, 1, 32, QBASE + 0x40000) == 0, "re-enabled");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 0, "0 after enable");
	TEST_ASSERT_EQUAL(h.mock.last.size, 32, "new size");
	/* Synchronous. */
	h.mock.stop_ret = 0;
	vh_cc_wr(&h, CC(queue_reset), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 1, "done at once");
	vh_teardown(&h);

	/* Without RING_RESET negotiated: ignored. */
	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	vh_cc_wr(&h, CC(queue_select), 2, 0);
	vh_cc_wr(&h, CC(queue_reset), 2, 1);
	TEST_ASSERT_EQUAL(h.mock.stops[0], 0, "no stop");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 1, "still enabled");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 0, "reads 0");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_notify(void)
{
	struct virtio_emu_pci_stats st;
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "q0");
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 0, "before DRIVER_OK ignored");
	vh_set_status(&h, VH_S_RUN);
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1, "dispatched");
	vh_notify(&h, 1, 2, 1);
	TEST_ASSERT_EQUAL(h.mock.notifies[1], 0, "disabled queue ignored");
	vh_notify(&h, 0, 4, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1, "4 bytes without NOTIFICATION_DATA");
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF + 2, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1, "between notify addresses");
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF + 1, 1, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1, "1-byte write");
	/* Beyond the notify area (queue 3 of 3): a hole. */
	vh_notify(&h, 3, 2, 3);
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_NOTIFY_OFF, 2), 0, "notify reads 0");
	/* Storm: every one dispatched, nothing else. */
	for (int i = 0; i < 1000; i++)
		vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1001, "storm");
	/* FAILED: kicks ignored. */
	vh_set_status(&h, VH_S_RUN | VIRTIO_CONFIG_S_FAILED);
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1001, "after FAILED");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT(st.notify_ignored >= 5, "counted %" PRIu64, st.notify_ignored);
	vh_teardown(&h);

	/* Notification data: 32-bit writes carry it; 2-byte writes are ignored. */
	TEST_ASSERT(setup(&h, NDATA, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1 | NDATA, 2) == 0, "run");
	vh_notify(&h, 1, 4, 0x80050001);
	TEST_ASSERT_EQUAL(h.mock.notifies[1], 1, "dispatched");
	TEST_ASSERT_EQUAL(h.mock.notify_data[1], 0x80050001, "data passed");
	vh_notify(&h, 1, 2, 1);
	TEST_ASSERT_EQUAL(h.mock.notifies[1], 1, "2-byte ignored");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* notify_off_multiplier 0: one address, the queue index in the data. */
static int
test_notify_shared(void)
{
	struct virtio_emu_pci_params p = {
		.device_type = 1, .class_code = 0x020000, .features = V1, .num_queues = 3,
		.notify_shared = true,
	};
	struct vh h;

	TEST_ASSERT(vh_setup_mock(&h, &p) == 0, "setup");
	TEST_ASSERT_EQUAL(h.caps.notify_mult, 0, "multiplier 0");
	TEST_ASSERT(run(&h, V1, 2) == 0, "run");
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_notify_off), 2), 0, "notify_off 0");
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF, 2, 1);
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF, 2, 0);
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF, 2, 2);
	vh_wr(&h, VIRTIO_EMU_NOTIFY_OFF, 2, 0xffff);
	TEST_ASSERT_EQUAL(h.mock.notifies[1], 1, "queue 1 by data");
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 1, "queue 0 by data");
	TEST_ASSERT_EQUAL(h.mock.notifies[2], 0, "queue 2 disabled");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
count_kind(struct vh *h, enum tlpemu_test_up_kind k)
{
	return (int)tlpemu_test_tlpdev_up_count_kind(h->t, k);
}

static int
test_isr_intx(void)
{
	uint32_t v;
	struct vh h;

	TEST_ASSERT(setup(&h, 0, true) == 0, "setup (no MSI-X)");
	TEST_ASSERT_EQUAL(vh_msix_cap(&h), 0, "no MSI-X capability");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	TEST_ASSERT_EQUAL(vh_isr(&h), 0, "ISR 0");
	tlpemu_test_tlpdev_up_clear(h.t);
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 0, 0), 0, "interrupt");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(count_kind(&h, TLPEMU_TEST_UP_MSG), 1, "INTx assert");
	vh_cfg_get(&h, PCIFN_CFG_STATUS, 2, &v);
	TEST_ASSERT(v & PCIFN_STS_INTX, "interrupt status");
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_QUEUE, "queue bit");
	TEST_ASSERT_EQUAL(vh_isr(&h), 0, "read cleared it");
	vh_cfg_get(&h, PCIFN_CFG_STATUS, 2, &v);
	TEST_ASSERT(!(v & PCIFN_STS_INTX), "deasserted");
	TEST_ASSERT_EQUAL(count_kind(&h, TLPEMU_TEST_UP_MSG), 2, "INTx deassert");
	/* Writes to ISR are ignored. */
	virtio_emu_queue_interrupt(h.pci, 0, 0);
	vh_wr(&h, VIRTIO_EMU_ISR_OFF, 1, 0);
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_QUEUE, "write did not clear");
	/* Config change: ISR bit 1. */
	virtio_emu_config_changed(h.pci);
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_CONFIG, "config bit");
	/* Not DRIVER_OK: no interrupt. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 0, 0), -EPERM, "after reset");
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 9, 0), -EINVAL, "bad queue");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_msix(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	vh_cc_wr(&h, CC(config_msix_vector), 2, 3);
	vh_cc_wr(&h, CC(queue_select), 2, 0);
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 1);
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "q0");
	TEST_ASSERT(vh_queue_setup(&h, 1, 64, QBASE + 0x10000) == 0, "q1 (no vector)");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(vh_msix_enable(&h, 4), 0, "MSI-X on");
	tlpemu_test_tlpdev_up_clear(h.t);
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 0, 0), 0, "q0 interrupt");
	TEST_ASSERT_EQUAL(vh_msi_count(&h, 1), 1, "vector 1 sent");
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 1, 0), 0, "q1 interrupt");
	TEST_ASSERT_EQUAL(count_kind(&h, TLPEMU_TEST_UP_MSI), 1, "NO_VECTOR: nothing");
	TEST_ASSERT_EQUAL(vh_isr(&h), 0, "ISR unused with MSI-X");
	virtio_emu_config_changed(h.pci);
	TEST_ASSERT_EQUAL(vh_msi_count(&h, 3), 1, "config vector 3");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 1, "generation bumped");
	virtio_emu_config_changed(h.pci);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 2, "again");
	/* Bus mastering off: nothing goes out. */
	vh_cfg_set(&h, PCIFN_CFG_COMMAND, 2, PCIFN_CMD_MEM);
	TEST_ASSERT_EQUAL(virtio_emu_queue_interrupt(h.pci, 0, 0), -EPERM, "BME off");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* The device gives up: NEEDS_RESET + config interrupt, survives the reset (item 36). */
static int
test_needs_reset(void)
{
	struct virtio_emu_pci_stats st;
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	virtio_emu_set_needs_reset(h.pci, "before features");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "ignored before FEATURES_OK");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	vh_cc_wr(&h, CC(config_msix_vector), 2, 0);
	TEST_ASSERT_EQUAL(vh_msix_enable(&h, 4), 0, "MSI-X on");
	tlpemu_test_tlpdev_up_clear(h.t);
	virtio_emu_set_needs_reset(h.pci, "test: broken ring");
	virtio_emu_set_needs_reset(h.pci, "twice");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN | VIRTIO_CONFIG_S_NEEDS_RESET, "NEEDS_RESET");
	TEST_ASSERT_EQUAL(vh_msi_count(&h, 0), 1, "one config interrupt");
	/* The driver can neither clear it nor kick. */
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, "sticky");
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 0, "kick ignored");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT_EQUAL(st.needs_reset, 1, "counted once");
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset clears it");
	TEST_ASSERT(run(&h, V1, 1) == 0, "runs again");
	vh_teardown(&h);

	/* INTx flavour: ISR bit 1. */
	TEST_ASSERT(setup(&h, 0, true) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	virtio_emu_set_needs_reset(h.pci, "intx");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_CONFIG, "config bit");
	TEST_ASSERT(vh_status(&h) & VIRTIO_CONFIG_S_NEEDS_RESET, "bit");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* An access through the window, as a host does it: config requests only. */
static int
cfgcap(struct vh *h, uint8_t bar, uint32_t off, uint32_t len, bool write, uint32_t *val)
{
	uint8_t cap = h->caps.off[VIRTIO_PCI_CAP_PCI_CFG];
	uint16_t data = (uint16_t)(cap + 16);
	unsigned int n = len > 4 ? 4 : (len == 0 ? 1 : len);

	vh_cfg_set(h, (uint16_t)(cap + 4), 1, bar);
	vh_cfg_set(h, (uint16_t)(cap + 8), 4, off);
	vh_cfg_set(h, (uint16_t)(cap + 12), 4, len);
	if (write)
		return vh_cfg_set(h, data, n, *val);
	if (vh_cfg_get(h, data, 4, val) != 0)
		return -1;
	if (n < 4)
		*val &= (1u << (8 * n)) - 1;
	return 0;
}

static int
test_pci_cfg_cap(void)
{
	struct virtio_emu_pci_stats st;
	uint32_t v;
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT_EQUAL(h.caps.off[VIRTIO_PCI_CAP_PCI_CFG], virtio_emu_pci_cfgcap_offset(h.pci),
			  "window cap found by the host");
	/* bar/offset/length are writable config bytes. */
	vh_cfg_set(&h, (uint16_t)(h.caps.off[5] + 8), 4, 0x12);
	vh_cfg_get(&h, (uint16_t)(h.caps.off[5] + 8), 4, &v);
	TEST_ASSERT_EQUAL(v, 0x12, "offset writable");
	vh_cfg_get(&h, h.caps.off[5], 4, &v);
	TEST_ASSERT_EQUAL(v >> 24, VIRTIO_PCI_CAP_PCI_CFG, "cfg_type RO");
	v = 0;
	TEST_ASSERT_EQUAL(cfgcap(&h, 0, CC(num_queues), 2, false, &v), 0, "read");
	TEST_ASSERT_EQUAL(v, 3, "num_queues through the window");
	v = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	cfgcap(&h, 0, CC(device_status), 1, true, &v);
	TEST_ASSERT_EQUAL(vh_status(&h), VIRTIO_CONFIG_S_ACKNOWLEDGE, "write through the window");
	/* Item 9: bad BAR, bad length, misaligned, beyond the BAR, into MSI-X. */
	v = 0xffffffff;
	cfgcap(&h, 1, 0, 4, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "BAR 1");
	v = 0xffffffff;
	cfgcap(&h, 0, 0, 3, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "length 3");
	/* A write whose byte enables do not match the length: ignored. */
	cfgcap(&h, 0, CC(queue_select), 2, false, &v);
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(h.t, 0, (uint16_t)(h.caps.off[5] + 16), 0x1, 2),
			  TLP_CPL_SC, "1-byte write, length 2");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_select), 2), 0, "not applied");
	v = 0xffffffff;
	cfgcap(&h, 0, 0, 8, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "length 8");
	v = 0xffffffff;
	cfgcap(&h, 0, 2, 4, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "misaligned");
	v = 0xffffffff;
	cfgcap(&h, 0, 0xfffffffc, 4, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "beyond the BAR");
	v = 0xffffffff;
	cfgcap(&h, 0, 0x4000, 4, false, &v);
	TEST_ASSERT_EQUAL(v, 0, "MSI-X table not reachable");
	v = 0;
	cfgcap(&h, 0, CC(device_status), 1, true, &v);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset through the window");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT_EQUAL(st.cfgcap_ignored, 7, "counted");
	TEST_ASSERT_EQUAL(virtio_emu_pci_cfgcap_access(h.pci, 0x40, 0xf, false, (uint8_t *)&v),
			  -ENOENT, "other register");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static uint8_t
exp_cap(struct vh *h)
{
	return vh_cap_id(h, PCIFN_CAP_ID_EXP);
}

/* FLR = device reset; with busy queues the function stays in reset (CRS) until quiet. */
static int
test_flr(void)
{
	uint16_t devctl;
	uint32_t v;
	struct vh h;
	int ret;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 2) == 0, "run");
	devctl = (uint16_t)(exp_cap(&h) + 8);
	TEST_ASSERT(exp_cap(&h) != 0, "PCIe cap");
	vh_cfg_set(&h, devctl, 2, PCIFN_EXP_DEVCTL_FLR);
	TEST_ASSERT_EQUAL(h.mock.resets, 1, "device reset by FLR");
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), 0, "status 0");
	vh_teardown(&h);

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	h.mock.stop_ret = -EINPROGRESS;
	devctl = (uint16_t)(exp_cap(&h) + 8);
	vh_cfg_set(&h, devctl, 2, PCIFN_EXP_DEVCTL_FLR);
	ret = tlpemu_test_cfg_read(h.t, 0, 0, 0xf, &v);
	TEST_ASSERT_EQUAL(ret, TLP_CPL_CRS, "CRS while the queue is busy");
	TEST_ASSERT_EQUAL(h.mock.resets, 0, "not yet");
	virtio_emu_queue_reset_done(h.pci, 0);
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(h.t, 0, 0, 0xf, &v), TLP_CPL_SC, "back");
	TEST_ASSERT_EQUAL(v, 0x10411af4, "ids");
	TEST_ASSERT_EQUAL(h.mock.resets, 1, "reset");
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), 0, "status 0");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_hot_reset_link_down(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run");
	tlpemu_test_tlpdev_hot_reset(h.t);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(h.mock.resets, 1, "hot reset");
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), 0, "status");
	TEST_ASSERT(vh_enable(&h, false) == 0, "re-enumerate");
	TEST_ASSERT(run(&h, V1, 1) == 0, "run again");
	tlpemu_test_tlpdev_link_set(h.t, false);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(h.mock.resets, 2, "link down");
	TEST_ASSERT(!virtio_emu_queue_enabled(h.pci, 0), "queue gone");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_devcfg_window(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, 0, false) == 0, "setup");
	memcpy(h.mock.cfg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF, 4), 0x04030201, "dw");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 5, 1), 6, "byte");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 6, 2), 0x0807, "word");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 8, 4), 0, "past the structure");
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF + 3, 2), 0x0504, "unaligned");
	vh_wr(&h, VIRTIO_EMU_DEVCFG_OFF, 4, 0);
	TEST_ASSERT_EQUAL(vh_rd(&h, VIRTIO_EMU_DEVCFG_OFF, 4), 0x04030201, "no cfg_write: RO");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_reset_sync),
	TEST_CASE(test_reset_waits_for_queues),
	TEST_CASE(test_reset_mid_negotiation),
	TEST_CASE(test_queue_reset),
	TEST_CASE(test_notify),
	TEST_CASE(test_notify_shared),
	TEST_CASE(test_isr_intx),
	TEST_CASE(test_msix),
	TEST_CASE(test_needs_reset),
	TEST_CASE(test_pci_cfg_cap),
	TEST_CASE(test_flr),
	TEST_CASE(test_hot_reset_link_down),
	TEST_CASE(test_devcfg_window),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_pci_reset", cases, argc, argv);
}
