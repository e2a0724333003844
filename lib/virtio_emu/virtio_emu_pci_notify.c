/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The notification area, the ISR status register and the device
 * configuration window of BAR 0.
 */

#include <errno.h>
#include <string.h>

#include "virtio_emu_pci_private.h"

void
vemu_pci_intx_sync(struct virtio_emu_pci *dev)
{
	bool level = __atomic_load_n(&dev->isr, __ATOMIC_ACQUIRE) != 0;

	(void)pcifn_intx_set(dev->fn, level);
}

/*
 * A driver write to the notification area. The queue is the one whose
 * notify address was written (multiplier 0: the index in the data).
 */
static int
vemu_notify_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	uint32_t data = (uint32_t)vemu_get_le(buf, len);
	bool notif_data = (dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)) != 0;
	uint64_t index;

	if (dev->notify_mult == 0) {
		index = VIRTIO_NOTIFY_DATA_VQN(data);
	} else {
		if (offset % dev->notify_mult != 0) {
			dev->stats.notify_ignored++;
			return 0;
		}
		index = offset / dev->notify_mult;
	}
	/* 4-byte writes only carry meaning with notification data. */
	if (!notif_data) {
		if (len != 2) {
			dev->stats.notify_ignored++;
			return 0;
		}
	} else if (len != 4) {
		dev->stats.notify_ignored++;
		return 0;
	}
	if (index >= dev->p.num_queues || dev->reset_pending ||
	    (dev->status & VIRTIO_CONFIG_S_DRIVER_OK) == 0 ||
	    (dev->status & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)) != 0 ||
	    !dev->queues[index].enabled || dev->queues[index].stopping) {
		dev->stats.notify_ignored++;
		return 0;
	}
	dev->stats.notifies++;
	if (dev->ops->notify != NULL)
		dev->ops->notify(dev->ctx, (uint16_t)index, data);
	return 0;
}

static int
vemu_notify_read(void *ctx __rte_unused, uint64_t offset __rte_unused, void *buf, uint32_t len)
{
	memset(buf, 0, len);	/* write-only area */
	return 0;
}

const struct pcifn_region_ops vemu_notify_ops = {
	.read = vemu_notify_read,
	.write = vemu_notify_write,
};

/* ISR status: byte 0, cleared by the read; the other bytes read 0. */
static int
vemu_isr_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	uint8_t *b = buf;

	memset(buf, 0, len);
	vemu_pci_apply_deferred(dev);
	if (offset != 0)
		return 0;
	b[0] = __atomic_exchange_n(&dev->isr, 0, __ATOMIC_ACQ_REL);
	vemu_pci_intx_sync(dev);
	return 0;
}

static int
vemu_isr_write(void *ctx, uint64_t offset __rte_unused, const void *buf __rte_unused,
	       uint32_t len __rte_unused)
{
	struct virtio_emu_pci *dev = ctx;

	dev->stats.reg_ignored++;	/* read-only */
	return 0;
}

const struct pcifn_region_ops vemu_isr_ops = {
	.read = vemu_isr_read,
	.write = vemu_isr_write,
};

/* Device configuration: bytes past the device's structure read 0. */
static int
vemu_devcfg_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	uint32_t n;

	memset(buf, 0, len);
	if (offset >= dev->p.dev_cfg_len)
		return 0;
	n = (uint32_t)RTE_MIN((uint64_t)len, dev->p.dev_cfg_len - offset);
	return dev->ops->cfg_read(dev->ctx, (uint32_t)offset, buf, n) == 0 ? 0 : 0;
}

static int
vemu_devcfg_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	uint32_t n;

	if (offset >= dev->p.dev_cfg_len || dev->ops->cfg_write == NULL || dev->reset_pending) {
		dev->stats.reg_ignored++;
		return 0;
	}
	n = (uint32_t)RTE_MIN((uint64_t)len, dev->p.dev_cfg_len - offset);
	(void)dev->ops->cfg_write(dev->ctx, (uint32_t)offset, buf, n);
	return 0;
}

const struct pcifn_region_ops vemu_devcfg_ops = {
	.read = vemu_devcfg_read,
	.write = vemu_devcfg_write,
};
