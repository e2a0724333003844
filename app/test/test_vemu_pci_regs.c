/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-pci transport register file, driven by a host through the test
 * tlpdev: identity and capabilities (64- and 32-bit BAR 0), feature windows
 * and negotiation, the device status state machine and the per-queue
 * registers (hostile-inputs items 1, 11-15).
 */

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#define OFFER (VIRTIO_EMU_F(VIRTIO_F_VERSION_1) | VIRTIO_EMU_F(VIRTIO_F_RING_PACKED) | \
	       VIRTIO_EMU_F(VIRTIO_F_EVENT_IDX) | VIRTIO_EMU_F(VIRTIO_F_RING_RESET) | \
	       VIRTIO_EMU_F(5))

static struct virtio_emu_pci_params
params(void)
{
	struct virtio_emu_pci_params p = {
		.device_type = 1,
		.class_code = 0x020000,
		.features = OFFER,
		.num_queues = 3,
		.queue_size_max = 256,
		.dev_cfg_len = 24,
	};

	return p;
}

static int
setup(struct vh *h, struct virtio_emu_pci_params *p)
{
	struct virtio_emu_pci_params d = params();

	return vh_setup_mock(h, p != NULL ? p : &d);
}

static int
test_identity(void)
{
	struct vh h;
	uint32_t v = 0;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	vh_cfg_get(&h, PCIFN_CFG_VENDOR_ID, 4, &v);
	TEST_ASSERT_EQUAL(v, 0x10411af4, "vendor/device");
	vh_cfg_get(&h, PCIFN_CFG_REVISION, 4, &v);
	TEST_ASSERT_EQUAL(v, 0x02000001, "class and revision");
	vh_cfg_get(&h, PCIFN_CFG_SUBSYS_VID, 4, &v);
	TEST_ASSERT_EQUAL(v & 0xffff, 0x1af4, "subsystem vendor");
	TEST_ASSERT(v >> 16 >= VIRTIO_PCI_SUBSYS_ID_MIN, "subsystem id >= 0x40: %x", v >> 16);
	vh_cfg_get(&h, PCIFN_CFG_BAR0, 4, &v);
	TEST_ASSERT_EQUAL(v & 0xf, 0xc, "BAR 0: 64-bit prefetchable memory");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(virtio_emu_pci_fn(h.pci), 0), VH_BAR0, "assigned");
	/* Every structure found, in BAR 0, where the library says. */
	TEST_ASSERT(h.caps.off[VIRTIO_PCI_CAP_COMMON_CFG] != 0, "common cap");
	TEST_ASSERT(h.caps.off[VIRTIO_PCI_CAP_NOTIFY_CFG] != 0, "notify cap");
	TEST_ASSERT(h.caps.off[VIRTIO_PCI_CAP_ISR_CFG] != 0, "isr cap");
	TEST_ASSERT(h.caps.off[VIRTIO_PCI_CAP_DEVICE_CFG] != 0, "device cap");
	TEST_ASSERT(h.caps.off[VIRTIO_PCI_CAP_PCI_CFG] != 0, "pci cfg cap");
	TEST_ASSERT_EQUAL(h.caps.bar_off[VIRTIO_PCI_CAP_COMMON_CFG], VIRTIO_EMU_COMMON_OFF, "c");
	TEST_ASSERT_EQUAL(h.caps.len[VIRTIO_PCI_CAP_COMMON_CFG], 64, "common length");
	TEST_ASSERT_EQUAL(h.caps.bar_off[VIRTIO_PCI_CAP_ISR_CFG], VIRTIO_EMU_ISR_OFF, "isr");
	TEST_ASSERT_EQUAL(h.caps.bar_off[VIRTIO_PCI_CAP_DEVICE_CFG], VIRTIO_EMU_DEVCFG_OFF, "d");
	TEST_ASSERT_EQUAL(h.caps.len[VIRTIO_PCI_CAP_DEVICE_CFG], 24, "device cfg length");
	TEST_ASSERT_EQUAL(h.caps.notify_mult, 4, "notify_off_multiplier");
	TEST_ASSERT_EQUAL(h.caps.len[VIRTIO_PCI_CAP_NOTIFY_CFG], 12, "notify length");
	TEST_ASSERT_EQUAL(h.caps.bar[VIRTIO_PCI_CAP_COMMON_CFG], 0, "bar");
	/* MSI-X table in BAR 0 too. */
	TEST_ASSERT(tp_cap_msix_bir(&h) == 0, "MSI-X in BAR 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(num_queues), 2), 3, "num_queues");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_bar32(void)
{
	struct virtio_emu_pci_params p = params();
	struct vh h;
	uint32_t v = 0;

	p.bar32 = true;
	TEST_ASSERT(setup(&h, &p) == 0, "setup");
	vh_cfg_get(&h, PCIFN_CFG_BAR0, 4, &v);
	TEST_ASSERT_EQUAL(v & 0xf, 0, "32-bit non-prefetchable memory BAR");
	vh_cfg_get(&h, PCIFN_CFG_BAR0 + 4, 4, &v);
	TEST_ASSERT_EQUAL(v, 0, "BAR 1 unused");
	/* Sizing: all ones, read back the mask. */
	vh_cfg_set(&h, PCIFN_CFG_BAR0, 4, 0xffffffff);
	vh_cfg_get(&h, PCIFN_CFG_BAR0, 4, &v);
	TEST_ASSERT(v != 0 && (v & 0xfffff000) != 0, "size mask %x", v);
	vh_cfg_set(&h, PCIFN_CFG_BAR0, 4, (uint32_t)VH_BAR0_32);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(num_queues), 2), 3, "MMIO through the 32-bit BAR");
	TEST_ASSERT_EQUAL(vh_dev_features(&h), OFFER, "features through the 32-bit BAR");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_feature_windows(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_dev_features(&h), OFFER, "offered features");
	vh_cc_wr(&h, CC(device_feature_select), 4, 2);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(device_feature), 4), 0, "window 2 reads 0");
	vh_cc_wr(&h, CC(device_feature_select), 4, 0xffffffff);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(device_feature), 4), 0, "window ~0 reads 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(device_feature_select), 4), 0xffffffff, "select RW");
	/* device_feature is read-only. */
	vh_cc_wr(&h, CC(device_feature_select), 4, 0);
	vh_cc_wr(&h, CC(device_feature), 4, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(device_feature), 4), (uint32_t)OFFER, "RO");
	/* Driver windows read back; window 2 writes ignored. */
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vh_drv_features(&h, OFFER);
	vh_cc_wr(&h, CC(driver_feature_select), 4, 2);
	vh_cc_wr(&h, CC(driver_feature), 4, 0xffffffff);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(driver_feature), 4), 0, "window 2 reads 0");
	vh_cc_wr(&h, CC(driver_feature_select), 4, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(driver_feature), 4), (uint32_t)OFFER, "lo");
	vh_cc_wr(&h, CC(driver_feature_select), 4, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(driver_feature), 4), (uint32_t)(OFFER >> 32), "hi");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_negotiate_accept(void)
{
	uint64_t want = VIRTIO_EMU_F(VIRTIO_F_VERSION_1) | VIRTIO_EMU_F(VIRTIO_F_EVENT_IDX);
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), 0, "nothing before FEATURES_OK");
	TEST_ASSERT(vh_negotiate(&h, want) & VIRTIO_CONFIG_S_FEATURES_OK, "accepted");
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), want, "negotiated");
	/* Frozen after FEATURES_OK. */
	vh_drv_features(&h, OFFER);
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), want, "frozen");
	vh_cc_wr(&h, CC(driver_feature_select), 4, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(driver_feature), 4), (uint32_t)want, "readback");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "DRIVER_OK");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_negotiate_refuse(void)
{
	struct virtio_emu_pci_stats st;
	uint64_t v1 = VIRTIO_EMU_F(VIRTIO_F_VERSION_1);
	struct virtio_emu_pci_params p = params();
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	/* Not offered (bit 6). */
	TEST_ASSERT_EQUAL(vh_negotiate(&h, v1 | VIRTIO_EMU_F(6)) & VIRTIO_CONFIG_S_FEATURES_OK,
			  0, "unoffered bit refused");
	vh_set_status(&h, 0);
	/* Not offered, upper window (NOTIFICATION_DATA). */
	TEST_ASSERT_EQUAL(vh_negotiate(&h, v1 | VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)) &
			  VIRTIO_CONFIG_S_FEATURES_OK, 0, "unoffered high bit refused");
	vh_set_status(&h, 0);
	/* VERSION_1 missing. */
	TEST_ASSERT_EQUAL(vh_negotiate(&h, VIRTIO_EMU_F(5)) & VIRTIO_CONFIG_S_FEATURES_OK, 0,
			  "legacy driver refused");
	vh_set_status(&h, 0);
	/* The device's own check refuses. */
	h.mock.check_ret = -EINVAL;
	TEST_ASSERT_EQUAL(vh_negotiate(&h, v1) & VIRTIO_CONFIG_S_FEATURES_OK, 0,
			  "device dependency refused");
	h.mock.check_ret = 0;
	/* Refused FEATURES_OK: DRIVER_OK is ignored too. */
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		      VIRTIO_CONFIG_S_DRIVER_OK);
	TEST_ASSERT_EQUAL(vh_status(&h) & VIRTIO_CONFIG_S_DRIVER_OK, 0, "no DRIVER_OK");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT_EQUAL(st.features_refused, 4, "counted");
	/* After a reset, a good set is accepted. */
	vh_set_status(&h, 0);
	TEST_ASSERT(vh_negotiate(&h, v1) & VIRTIO_CONFIG_S_FEATURES_OK, "then accepted");
	vh_teardown(&h);

	/* Transport dependency: NOTIF_CONFIG_DATA needs NOTIFICATION_DATA. */
	p.features |= VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA) |
		VIRTIO_EMU_F(VIRTIO_F_NOTIF_CONFIG_DATA);
	TEST_ASSERT(setup(&h, &p) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_negotiate(&h, v1 | VIRTIO_EMU_F(VIRTIO_F_NOTIF_CONFIG_DATA)) &
			  VIRTIO_CONFIG_S_FEATURES_OK, 0, "broken transport dependency");
	vh_set_status(&h, 0);
	TEST_ASSERT(vh_negotiate(&h, v1 | VIRTIO_EMU_F(VIRTIO_F_NOTIF_CONFIG_DATA) |
				 VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)) &
		    VIRTIO_CONFIG_S_FEATURES_OK, "with its dependency");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_status_machine(void)
{
	uint8_t ad = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset value");
	/* Reserved bits: the whole write is ignored. */
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | 0x10);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reserved 0x10");
	vh_set_status(&h, 0x20);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reserved 0x20");
	/* The driver cannot set NEEDS_RESET. */
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_NEEDS_RESET);
	TEST_ASSERT_EQUAL(vh_status(&h), VIRTIO_CONFIG_S_ACKNOWLEDGE, "NEEDS_RESET masked");
	/* FEATURES_OK without DRIVER: refused. */
	vh_drv_features(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_FEATURES_OK);
	TEST_ASSERT_EQUAL(vh_status(&h), VIRTIO_CONFIG_S_ACKNOWLEDGE, "FEATURES_OK w/o DRIVER");
	vh_set_status(&h, ad);
	/* DRIVER_OK without FEATURES_OK: the bit is ignored. */
	vh_set_status(&h, ad | VIRTIO_CONFIG_S_DRIVER_OK);
	TEST_ASSERT_EQUAL(vh_status(&h), ad, "DRIVER_OK w/o FEATURES_OK");
	/* Clearing a bit without reset: ignored. */
	vh_set_status(&h, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	TEST_ASSERT_EQUAL(vh_status(&h), ad, "clearing DRIVER");
	vh_set_status(&h, ad | VIRTIO_CONFIG_S_FEATURES_OK);
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "running");
	/* DRIVER_OK twice: no change, no callback. */
	h.mock.status_calls = 0;
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(h.mock.status_calls, 0, "DRIVER_OK twice");
	vh_set_status(&h, ad | VIRTIO_CONFIG_S_FEATURES_OK);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "clearing DRIVER_OK ignored");
	/* FAILED: kept; later DRIVER_OK can't come back after a FAILED-only path. */
	vh_set_status(&h, VH_S_RUN | VIRTIO_CONFIG_S_FAILED);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN | VIRTIO_CONFIG_S_FAILED, "FAILED");
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset");
	vh_set_status(&h, ad | VIRTIO_CONFIG_S_FAILED);
	vh_drv_features(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	vh_set_status(&h, ad | VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_FEATURES_OK);
	TEST_ASSERT_EQUAL(vh_status(&h), ad | VIRTIO_CONFIG_S_FAILED, "FEATURES_OK after FAILED");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_queue_select_oob(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	vh_negotiate(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	vh_cc_wr(&h, CC(queue_select), 2, 3);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_select), 2), 3, "select reads back");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 0, "size 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), 0, "vector 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_notify_off), 2), 0, "notify_off 0");
	vh_cc_wr(&h, CC(queue_size), 2, 16);
	vh_cc_wr(&h, CC(queue_desc), 4, 0x1000);
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 0, "write ignored");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 4), 0, "desc 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "enable 0");
	vh_cc_wr(&h, CC(queue_select), 2, 0xffff);
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(h.mock.enables[0] + h.mock.enables[1] + h.mock.enables[2], 0,
			  "nothing enabled");
	/* In range again: defaults. */
	vh_cc_wr(&h, CC(queue_select), 2, 2);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "max size");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), VIRTIO_MSI_NO_VECTOR, "none");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_notify_off), 2), 2, "notify_off");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_queue_size_rules(void)
{
	uint64_t v1 = VIRTIO_EMU_F(VIRTIO_F_VERSION_1);
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	/* Before FEATURES_OK: ignored (the ring layout is not known yet). */
	vh_cc_wr(&h, CC(queue_size), 2, 64);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "before FEATURES_OK");
	vh_negotiate(&h, v1);
	vh_cc_wr(&h, CC(queue_size), 2, 512);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "> max ignored");
	vh_cc_wr(&h, CC(queue_size), 2, 100);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 256, "non power of 2 (split)");
	vh_cc_wr(&h, CC(queue_size), 2, 64);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 64, "power of 2");
	vh_cc_wr(&h, CC(queue_size), 2, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 0, "0: queue unused");
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "size 0 cannot be enabled");
	vh_set_status(&h, 0);
	/* Packed: any size up to max. */
	vh_negotiate(&h, v1 | VIRTIO_EMU_F(VIRTIO_F_RING_PACKED));
	vh_cc_wr(&h, CC(queue_size), 2, 100);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 100, "packed: 100");
	vh_cc_wr(&h, CC(queue_size), 2, 257);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 100, "packed > max");
	TEST_ASSERT(vh_queue_setup(&h, 0, 100, 0x100000000ull) == 0, "packed 100 enabled");
	TEST_ASSERT_EQUAL(h.mock.last.packed, 1, "packed told");
	TEST_ASSERT_EQUAL(h.mock.last.size, 100, "size told");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_queue_frozen(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	vh_negotiate(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 1);
	TEST_ASSERT(vh_queue_setup(&h, 1, 64, 0x100000000ull) == 0, "enabled");
	TEST_ASSERT_EQUAL(h.mock.enables[1], 1, "device told once");
	TEST_ASSERT_EQUAL(h.mock.last.desc, 0x100000000ull, "desc");
	TEST_ASSERT_EQUAL(h.mock.last.driver, 0x100000000ull + 1024, "driver");
	TEST_ASSERT_EQUAL(h.mock.last.device, 0x100002000ull, "device");
	TEST_ASSERT_EQUAL(h.mock.last.msix_vector, 1, "vector");
	/* Frozen. */
	vh_cc_wr(&h, CC(queue_size), 2, 32);
	vh_cc_wr(&h, CC(queue_desc), 4, 0x5000);
	vh_cc_wr(&h, CC(queue_device) + 4, 4, 7);
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 2);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 64, "size frozen");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 4), 0, "desc frozen");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_device) + 4, 4), 1, "device hi frozen");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), 1, "vector frozen");
	/* queue_enable 0 means nothing; 1 again is a no-op. */
	vh_cc_wr(&h, CC(queue_enable), 2, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 1, "0 ignored");
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(h.mock.enables[1], 1, "enable twice: once");
	TEST_ASSERT(virtio_emu_queue_enabled(h.pci, 1), "enabled (API)");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_queue_enable_refused(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	vh_negotiate(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	/* Misaligned descriptor table (split: 16), avail (2), used (4). */
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, 0x100000008ull) != 0, "desc misaligned");
	vh_cc_wr(&h, CC(queue_desc), 4, 0x1000);
	vh_cc_wr(&h, CC(queue_driver), 4, 0x3001);
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "avail misaligned");
	vh_cc_wr(&h, CC(queue_driver), 4, 0x3000);
	vh_cc_wr(&h, CC(queue_device), 4, 0x4002);
	vh_cc_wr(&h, CC(queue_enable), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "used misaligned");
	/* The device refuses (e.g. rings outside host memory). */
	h.mock.enable_ret = -EFAULT;
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, 0x100000000ull) != 0, "device refused");
	h.mock.enable_ret = 0;
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, 0x100000000ull) == 0, "then good");
	TEST_ASSERT_EQUAL(h.mock.enables[0], 1, "once");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_msix_vectors(void)
{
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	/* 3 queues: 4 vectors (0..3). */
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_msix_vector), 2), VIRTIO_MSI_NO_VECTOR, "init");
	vh_cc_wr(&h, CC(config_msix_vector), 2, 3);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_msix_vector), 2), 3, "valid");
	vh_cc_wr(&h, CC(config_msix_vector), 2, 4);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_msix_vector), 2), VIRTIO_MSI_NO_VECTOR,
			  "invalid reads NO_VECTOR");
	vh_negotiate(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 2000);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), VIRTIO_MSI_NO_VECTOR, "q inv");
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), 0, "q valid");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_access_widths(void)
{
	struct virtio_emu_pci_stats st;
	struct vh h;

	TEST_ASSERT(setup(&h, NULL) == 0, "setup");
	vh_negotiate(&h, VIRTIO_EMU_F(VIRTIO_F_VERSION_1));
	/* 64-bit field: an 8-byte write arrives as two halves. */
	vh_cc_wr(&h, CC(queue_desc), 8, 0x1234567800001000ull);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 8), 0x1234567800001000ull, "8-byte");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc) + 4, 4), 0x12345678, "hi half");
	/* Wrong widths are ignored. */
	vh_cc_wr(&h, CC(queue_select), 1, 2);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_select), 2), 0, "1-byte queue_select");
	vh_cc_wr(&h, CC(queue_desc), 2, 0xffff);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 4), 0x1000, "2-byte desc");
	vh_cc_wr(&h, CC(device_status), 4, 0);
	TEST_ASSERT(vh_status(&h) != 0, "4-byte write over status ignored");
	/* Read-only fields. */
	vh_cc_wr(&h, CC(num_queues), 2, 9);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(num_queues), 2), 3, "num_queues RO");
	vh_cc_wr(&h, CC(config_generation), 1, 9);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 0, "generation RO");
	vh_cc_wr(&h, CC(queue_notify_off), 2, 9);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_notify_off), 2), 0, "notify_off RO");
	/* Reads of any width compose the fields. */
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(num_queues), 4),
			  3 | (uint32_t)vh_status(&h) << 16, "4-byte read across fields");
	/* Beyond the structure: admin fields read 0; holes after it too. */
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(admin_queue_index), 4), 0, "admin fields");
	TEST_ASSERT_EQUAL(vh_rd(&h, 0x40, 4), 0, "hole after common cfg");
	virtio_emu_pci_stats_get(h.pci, &st);
	TEST_ASSERT(st.width_refused >= 6, "counted %" PRIu64, st.width_refused);
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_identity),
	TEST_CASE(test_bar32),
	TEST_CASE(test_feature_windows),
	TEST_CASE(test_negotiate_accept),
	TEST_CASE(test_negotiate_refuse),
	TEST_CASE(test_status_machine),
	TEST_CASE(test_queue_select_oob),
	TEST_CASE(test_queue_size_rules),
	TEST_CASE(test_queue_frozen),
	TEST_CASE(test_queue_enable_refused),
	TEST_CASE(test_msix_vectors),
	TEST_CASE(test_access_widths),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_pci_regs", cases, argc, argv);
}
