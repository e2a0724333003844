/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_VEMU_HOST_H
#define TEST_VEMU_HOST_H

/*
 * Fixture of the virtio_emu tests: a test tlpdev acting as the host, a pcifn
 * group serving it, and a host-side virtio-pci driver in miniature that
 * finds the virtio capabilities, maps BAR 0 and drives the common
 * configuration with MMIO through the test tlpdev (each access is a TLP
 * served by pcifn_service()).
 *
 * The device under test is either a bare transport with a recording device
 * (vh_mock_*) or a virtio-net device.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <pcifn.h>
#include <pcifn_regs.h>
#include <virtio_emu.h>
#include <virtio_emu_net.h>

#include "tlpemu_test.h"
#include "tlpemu_test_tlpdev.h"

#define VH_BAR0 0x800000000ull		/* 64-bit assignment */
#define VH_BAR0_32 0xfe000000ull	/* 32-bit assignment */
#define VH_MAX_Q 64

#define CC(f) offsetof(struct virtio_pci_common_cfg, f)

/* A recording device for transport tests. */
struct vh_mock {
	unsigned int enables[VH_MAX_Q];
	unsigned int stops[VH_MAX_Q];
	unsigned int notifies[VH_MAX_Q];
	uint32_t notify_data[VH_MAX_Q];
	unsigned int resets;
	unsigned int status_calls;
	int stop_ret;			/* queue_stop result (-EINPROGRESS: async) */
	int enable_ret;
	int check_ret;			/* features_check result */
	uint8_t cfg[32];		/* device configuration */
	struct virtio_emu_queue_cfg last;
};

static inline int
vh_mock_check(void *ctx, uint64_t f __rte_unused)
{
	return ((struct vh_mock *)ctx)->check_ret;
}

static inline int
vh_mock_cfg_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct vh_mock *m = ctx;

	if (off + len > sizeof(m->cfg))
		return -EINVAL;
	memcpy(buf, &m->cfg[off], len);
	return 0;
}

static inline int
vh_mock_enable(void *ctx, const struct virtio_emu_queue_cfg *cfg)
{
	struct vh_mock *m = ctx;

	if (m->enable_ret != 0)
		return m->enable_ret;
	if (cfg->index < VH_MAX_Q)
		m->enables[cfg->index]++;
	m->last = *cfg;
	return 0;
}

static inline int
vh_mock_stop(void *ctx, uint16_t index)
{
	struct vh_mock *m = ctx;

	if (index < VH_MAX_Q)
		m->stops[index]++;
	return m->stop_ret;
}

static inline void
vh_mock_notify(void *ctx, uint16_t index, uint32_t data)
{
	struct vh_mock *m = ctx;

	if (index < VH_MAX_Q) {
		m->notifies[index]++;
		m->notify_data[index] = data;
	}
}

static inline void
vh_mock_status(void *ctx, uint8_t old __rte_unused, uint8_t status __rte_unused)
{
	((struct vh_mock *)ctx)->status_calls++;
}

static inline int
vh_mock_reset(void *ctx)
{
	((struct vh_mock *)ctx)->resets++;
	return 0;
}

static const struct virtio_emu_dev_ops vh_mock_ops = {
	.features_check = vh_mock_check,
	.cfg_read = vh_mock_cfg_read,
	.queue_enable = vh_mock_enable,
	.queue_stop = vh_mock_stop,
	.notify = vh_mock_notify,
	.status_change = vh_mock_status,
	.reset = vh_mock_reset,
};

/* Capabilities as the host found them. */
struct vh_caps {
	uint8_t off[10];		/* config offset per cfg_type (0: absent) */
	uint32_t bar_off[10];
	uint32_t len[10];
	uint8_t bar[10];
	uint32_t notify_mult;
};

struct vh {
	struct tlpemu_test_tlpdev *t;
	struct pcifn_group *grp;
	struct virtio_emu_pci *pci;
	struct virtio_emu_net *net;
	struct vh_mock mock;
	struct vh_caps caps;
	uint64_t bar0;
};

static inline void
vh_service(void *arg)
{
	struct vh *h = arg;

	pcifn_service(h->grp, 0, 4096);
	if (h->net != NULL)
		virtio_emu_net_service(h->net);
	else
		virtio_emu_pci_service(h->pci);
	/* INTx messages raised by the housekeeping go out now. */
	pcifn_service(h->grp, 0, 4096);
}

static inline int
vh_cfg_get(struct vh *h, uint16_t reg, unsigned int size, uint32_t *val)
{
	uint32_t v = 0;

	*val = 0;
	int ret;

	ret = tlpemu_test_cfg_read(h->t, 0, reg & ~3u, 0xf, &v);
	if (ret != TLP_CPL_SC)
		return -1;
	v >>= 8 * (reg & 3);
	*val = size == 4 ? v : v & ((1u << (8 * size)) - 1);
	return 0;
}

static inline int
vh_cfg_set(struct vh *h, uint16_t reg, unsigned int size, uint32_t val)
{
	uint8_t be = (uint8_t)(((1u << size) - 1) << (reg & 3));

	return tlpemu_test_cfg_write(h->t, 0, reg & ~3u, be, val << (8 * (reg & 3))) ==
		TLP_CPL_SC ? 0 : -1;
}

/* Walk the capability list (bounded) and record the virtio ones. */
static inline int
vh_find_caps(struct vh *h)
{
	uint32_t v = 0, ptr = 0, type, bar = 0, off = 0, len = 0;
	unsigned int n;

	memset(&h->caps, 0, sizeof(h->caps));
	if (vh_cfg_get(h, PCIFN_CFG_CAP_PTR, 1, &ptr) != 0)
		return -1;
	for (n = 0; n < 48 && ptr != 0; n++) {
		if (vh_cfg_get(h, (uint16_t)ptr, 4, &v) != 0)
			return -1;
		if ((v & 0xff) == PCIFN_CAP_ID_VNDR) {
			type = v >> 24;
			vh_cfg_get(h, (uint16_t)(ptr + 4), 1, &bar);
			vh_cfg_get(h, (uint16_t)(ptr + 8), 4, &off);
			vh_cfg_get(h, (uint16_t)(ptr + 12), 4, &len);
			if (type < 10 && h->caps.off[type] == 0) {
				h->caps.off[type] = (uint8_t)ptr;
				h->caps.bar[type] = (uint8_t)bar;
				h->caps.bar_off[type] = off;
				h->caps.len[type] = len;
				if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
					vh_cfg_get(h, (uint16_t)(ptr + 16), 4,
						   &h->caps.notify_mult);
			}
		}
		ptr = (v >> 8) & 0xff;
	}
	return 0;
}

/* Assign BAR 0 and enable memory decoding and bus mastering. */
static inline int
vh_enable(struct vh *h, bool bar32)
{
	int ret = 0;

	h->bar0 = bar32 ? VH_BAR0_32 : VH_BAR0;
	ret |= vh_cfg_set(h, PCIFN_CFG_BAR0, 4, (uint32_t)h->bar0);
	if (!bar32)
		ret |= vh_cfg_set(h, PCIFN_CFG_BAR0 + 4, 4, (uint32_t)(h->bar0 >> 32));
	ret |= vh_cfg_set(h, PCIFN_CFG_COMMAND, 2, PCIFN_CMD_MEM | PCIFN_CMD_BME);
	if (ret != 0)
		return -1;
	return vh_find_caps(h);
}

static inline int
vh_common_setup(struct vh *h, struct pcifn *fn, bool bar32)
{
	h->t = tlpemu_test_tlpdev_create("vemu_host", NULL);
	if (h->t == NULL)
		return -1;
	h->grp = pcifn_group_create(tlpemu_test_tlpdev_id(h->t));
	if (h->grp == NULL || pcifn_group_add(h->grp, fn, 0) != 0)
		return -1;
	tlpemu_test_tlpdev_set_service(h->t, vh_service, h);
	tlpemu_test_tlpdev_service(h->t);	/* LINK_UP */
	return vh_enable(h, bar32);
}

/* A bare transport with the recording device. */
static inline int
vh_setup_mock(struct vh *h, const struct virtio_emu_pci_params *pp)
{
	memset(h, 0, sizeof(*h));
	h->pci = virtio_emu_pci_create(pp, &vh_mock_ops, &h->mock);
	if (h->pci == NULL)
		return -1;
	return vh_common_setup(h, virtio_emu_pci_fn(h->pci), pp->bar32);
}

/* A virtio-net device. */
static inline int
vh_setup_net(struct vh *h, const struct virtio_emu_net_params *np, virtio_emu_net_event_cb cb,
	     void *arg)
{
	memset(h, 0, sizeof(*h));
	h->net = virtio_emu_net_create(np, cb, arg);
	if (h->net == NULL)
		return -1;
	h->pci = virtio_emu_net_pci(h->net);
	return vh_common_setup(h, virtio_emu_net_fn(h->net), np != NULL && np->bar32);
}

static inline void
vh_teardown(struct vh *h)
{
	pcifn_group_free(h->grp);
	if (h->net != NULL)
		virtio_emu_net_free(h->net);
	else
		virtio_emu_pci_free(h->pci);
	tlpemu_test_tlpdev_destroy(h->t);
	memset(h, 0, sizeof(*h));
}

/* MMIO in BAR 0. */
static inline uint64_t
vh_rd(struct vh *h, uint64_t off, uint32_t len)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	if (tlpemu_test_mem_read_val(h->t, h->bar0 + off, len, &v) != TLP_CPL_SC)
		return 0xdeadbeefdeadbeefull;
	return v;
}

static inline int
vh_wr(struct vh *h, uint64_t off, uint32_t len, uint64_t v)
{
	return tlpemu_test_mem_write_val(h->t, h->bar0 + off, len, v);
}

static inline uint64_t
vh_cc_rd(struct vh *h, size_t off, uint32_t len)
{
	return vh_rd(h, VIRTIO_EMU_COMMON_OFF + off, len);
}

static inline int
vh_cc_wr(struct vh *h, size_t off, uint32_t len, uint64_t v)
{
	return vh_wr(h, VIRTIO_EMU_COMMON_OFF + off, len, v);
}

static inline uint8_t
vh_status(struct vh *h)
{
	return (uint8_t)vh_cc_rd(h, CC(device_status), 1);
}

static inline void
vh_set_status(struct vh *h, uint8_t s)
{
	vh_cc_wr(h, CC(device_status), 1, s);
}

static inline uint64_t
vh_dev_features(struct vh *h)
{
	uint64_t f;

	vh_cc_wr(h, CC(device_feature_select), 4, 0);
	f = vh_cc_rd(h, CC(device_feature), 4);
	vh_cc_wr(h, CC(device_feature_select), 4, 1);
	f |= vh_cc_rd(h, CC(device_feature), 4) << 32;
	return f;
}

static inline void
vh_drv_features(struct vh *h, uint64_t f)
{
	vh_cc_wr(h, CC(driver_feature_select), 4, 0);
	vh_cc_wr(h, CC(driver_feature), 4, (uint32_t)f);
	vh_cc_wr(h, CC(driver_feature_select), 4, 1);
	vh_cc_wr(h, CC(driver_feature), 4, (uint32_t)(f >> 32));
}

/* ACK, DRIVER, features, FEATURES_OK; returns the status read back. */
static inline uint8_t
vh_negotiate(struct vh *h, uint64_t f)
{
	vh_set_status(h, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vh_set_status(h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vh_drv_features(h, f);
	vh_set_status(h, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		      VIRTIO_CONFIG_S_FEATURES_OK);
	return vh_status(h);
}

#define VH_S_RUN (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
		  VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

/* Configure and enable queue @p q with rings at @p base (split layout). */
static inline int
vh_queue_setup(struct vh *h, uint16_t q, uint16_t size, uint64_t base)
{
	vh_cc_wr(h, CC(queue_select), 2, q);
	vh_cc_wr(h, CC(queue_size), 2, size);
	vh_cc_wr(h, CC(queue_desc), 4, (uint32_t)base);
	vh_cc_wr(h, CC(queue_desc) + 4, 4, (uint32_t)(base >> 32));
	vh_cc_wr(h, CC(queue_driver), 4, (uint32_t)(base + 16u * size));
	vh_cc_wr(h, CC(queue_driver) + 4, 4, (uint32_t)((base + 16u * size) >> 32));
	vh_cc_wr(h, CC(queue_device), 4, (uint32_t)(base + 0x2000));
	vh_cc_wr(h, CC(queue_device) + 4, 4, (uint32_t)((base + 0x2000) >> 32));
	vh_cc_wr(h, CC(queue_enable), 2, 1);
	return vh_cc_rd(h, CC(queue_enable), 2) == 1 ? 0 : -1;
}

/* Notify queue @p q (16-bit write of its index at its notify address). */
static inline int
vh_notify(struct vh *h, uint16_t q, uint32_t len, uint32_t data)
{
	uint64_t off = h->caps.bar_off[VIRTIO_PCI_CAP_NOTIFY_CFG] +
		(uint64_t)q * h->caps.notify_mult;

	return vh_wr(h, off, len, data);
}

static inline uint8_t
vh_isr(struct vh *h)
{
	return (uint8_t)vh_rd(h, h->caps.bar_off[VIRTIO_PCI_CAP_ISR_CFG], 1);
}

/* Config offset of the first capability @p id (bounded walk), 0 if none. */
static inline uint8_t
vh_cap_id(struct vh *h, uint8_t id)
{
	uint32_t v = 0, ptr = 0;
	unsigned int n;

	if (vh_cfg_get(h, PCIFN_CFG_CAP_PTR, 1, &ptr) != 0)
		return 0;
	for (n = 0; n < 48 && ptr != 0; n++) {
		if (vh_cfg_get(h, (uint16_t)ptr, 4, &v) != 0)
			return 0;
		if ((v & 0xff) == id)
			return (uint8_t)ptr;
		ptr = (v >> 8) & 0xff;
	}
	return 0;
}

static inline uint8_t
vh_msix_cap(struct vh *h)
{
	return vh_cap_id(h, PCIFN_CAP_ID_MSIX);
}

/* BIR of the MSI-X table, or -1. */
static inline int
tp_cap_msix_bir(struct vh *h)
{
	uint8_t cap = vh_msix_cap(h);
	uint32_t v = 0;

	if (cap == 0 || vh_cfg_get(h, (uint16_t)(cap + 4), 4, &v) != 0)
		return -1;
	return (int)(v & PCIFN_MSIX_BIR_MASK);
}

/* Program MSI-X vector @p vec (address 0xfee00000 + vec * 4, data vec) and enable MSI-X. */
static inline int
vh_msix_enable(struct vh *h, unsigned int nb_vec)
{
	uint8_t cap = vh_msix_cap(h);
	uint32_t tbl, ctrl;
	unsigned int i;

	if (cap == 0 || vh_cfg_get(h, (uint16_t)(cap + 4), 4, &tbl) != 0)
		return -1;
	tbl &= ~PCIFN_MSIX_BIR_MASK;
	for (i = 0; i < nb_vec; i++) {
		vh_wr(h, tbl + i * 16, 4, 0xfee00000u + i * 4);
		vh_wr(h, tbl + i * 16 + 4, 4, 0);
		vh_wr(h, tbl + i * 16 + 8, 4, i);
		vh_wr(h, tbl + i * 16 + 12, 4, 0);
	}
	vh_cfg_get(h, (uint16_t)(cap + 2), 2, &ctrl);
	return vh_cfg_set(h, (uint16_t)(cap + 2), 2, ctrl | PCIFN_MSIX_CTRL_ENABLE);
}

/* Count captured MSI writes with data @p data (and drop all captures). */
static inline unsigned int
vh_msi_count(struct vh *h, uint32_t data)
{
	const struct tlpemu_test_up *u;
	unsigned int i, n = 0;

	for (i = 0; i < tlpemu_test_tlpdev_up_count(h->t); i++) {
		u = tlpemu_test_tlpdev_up_peek(h->t, i);
		if (u->kind == TLPEMU_TEST_UP_MSI && u->msi_data == data)
			n++;
	}
	return n;
}

#endif /* TEST_VEMU_HOST_H */
