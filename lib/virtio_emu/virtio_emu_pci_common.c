/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The common configuration register file: feature windows and negotiation,
 * the device status state machine, per-queue registers, device and queue
 * resets.
 *
 * Reads have no side effects, so a read of any width is served from a
 * snapshot of the structure. Writes must hit one field with its own width
 * (1, 2 or 4 bytes; 64-bit fields as two 32-bit halves); anything else is
 * ignored and counted.
 */

#include <errno.h>
#include <string.h>

#include "virtio_emu_pci_private.h"

#define CC_OFF(f)	offsetof(struct virtio_pci_common_cfg, f)
#define CC_SIZE(f)	sizeof(((struct virtio_pci_common_cfg *)0)->f)

void
vemu_pci_queue_defaults(struct virtio_emu_pci *dev, struct vemu_queue *q)
{
	q->size = dev->p.queue_size_max;
	q->msix_vector = VIRTIO_MSI_NO_VECTOR;
	q->desc = 0;
	q->driver = 0;
	q->device = 0;
	q->enabled = 0;
	q->stopping = 0;
	q->reset_done = 0;
	q->qreset = 0;
}

void
vemu_pci_config_irq(struct virtio_emu_pci *dev)
{
	dev->stats.config_irqs++;
	if (dev->p.msix_vectors > 0 && pcifn_msix_enabled(dev->fn)) {
		if (dev->msix_config != VIRTIO_MSI_NO_VECTOR)
			(void)pcifn_msix_notify(dev->fn, 0, dev->msix_config);
		return;
	}
	__atomic_fetch_or(&dev->isr, VIRTIO_PCI_ISR_CONFIG, __ATOMIC_RELEASE);
	vemu_pci_intx_sync(dev);
}

/* Everything back to the state after power-on, once every queue is quiet. */
static void
vemu_pci_reset_complete(struct virtio_emu_pci *dev)
{
	unsigned int i;

	if (dev->ops->reset != NULL)
		(void)dev->ops->reset(dev->ctx);
	dev->driver_features = 0;
	dev->negotiated = 0;
	dev->dfselect = 0;
	dev->gfselect = 0;
	dev->msix_config = VIRTIO_MSI_NO_VECTOR;
	dev->queue_select = 0;
	for (i = 0; i < dev->p.num_queues; i++)
		vemu_pci_queue_defaults(dev, &dev->queues[i]);
	__atomic_store_n(&dev->isr, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&dev->needs_reset_req, 0, __ATOMIC_RELEASE);
	/* Status reads 0 from now on: the driver may start again. */
	__atomic_store_n(&dev->status, 0, __ATOMIC_RELEASE);
	dev->reset_pending = false;
	dev->nb_stopping = 0;
	dev->stats.resets++;
	vemu_pci_state_touch(dev);
	vemu_pci_intx_sync(dev);
	if (dev->pcifn_reset) {
		dev->pcifn_reset = false;
		pcifn_reset_done(dev->fn);
	}
	VEMU_PCI_LOG(DEBUG, "device reset complete");
}

/* Ask queue @p index to stop; returns true when it is quiet at once. */
static bool
vemu_pci_queue_stop(struct virtio_emu_pci *dev, uint16_t index, bool qreset)
{
	struct vemu_queue *q = &dev->queues[index];
	int ret = 0;

	q->stopping = 1;
	q->qreset = qreset;
	dev->nb_stopping++;
	if (dev->ops->queue_stop != NULL)
		ret = dev->ops->queue_stop(dev->ctx, index);
	if (ret == -EINPROGRESS)
		return !q->stopping;	/* it may have called reset_done already */
	if (ret != 0)
		VEMU_PCI_LOG(WARNING, "queue %u stop: %s (taken as stopped)", index,
			     strerror(-ret));
	if (q->stopping) {
		q->stopping = 0;
		dev->nb_stopping--;
		q->enabled = 0;
		if (qreset) {
			vemu_pci_queue_defaults(dev, q);
			q->reset_done = 1;
			dev->stats.queue_resets++;
		}
	}
	return true;
}

bool
vemu_pci_reset_start(struct virtio_emu_pci *dev)
{
	unsigned int i;

	if (dev->reset_pending)
		return dev->nb_stopping == 0;
	dev->reset_pending = true;
	for (i = 0; i < dev->p.num_queues; i++) {
		if (!dev->queues[i].enabled || dev->queues[i].stopping)
			continue;
		vemu_pci_queue_stop(dev, (uint16_t)i, false);
	}
	if (dev->nb_stopping == 0 && dev->reset_pending) {
		vemu_pci_reset_complete(dev);
		return true;
	}
	if (dev->reset_pending)
		dev->stats.resets_pending++;
	return !dev->reset_pending;
}

void
vemu_pci_queue_quiet(struct virtio_emu_pci *dev, uint16_t index)
{
	struct vemu_queue *q = &dev->queues[index];

	if (!q->stopping)
		return;
	q->stopping = 0;
	q->enabled = 0;
	if (dev->nb_stopping > 0)
		dev->nb_stopping--;
	if (q->qreset && !dev->reset_pending) {
		vemu_pci_queue_defaults(dev, q);
		q->reset_done = 1;
		dev->stats.queue_resets++;
	}
	if (dev->reset_pending && dev->nb_stopping == 0)
		vemu_pci_reset_complete(dev);
}

void
vemu_pci_apply_deferred(struct virtio_emu_pci *dev)
{
	if (__atomic_load_n(&dev->needs_reset_req, __ATOMIC_ACQUIRE) == 0)
		return;
	__atomic_store_n(&dev->needs_reset_req, 0, __ATOMIC_RELEASE);
	if (dev->reset_pending ||
	    (dev->status & (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)) == 0 ||
	    (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET) != 0)
		return;
	__atomic_store_n(&dev->status, (uint8_t)(dev->status | VIRTIO_CONFIG_S_NEEDS_RESET),
			 __ATOMIC_RELEASE);
	dev->stats.needs_reset++;
	vemu_pci_state_touch(dev);
	vemu_pci_config_irq(dev);
}

/* Snapshot of the structure as the driver sees it now. */
static void
vemu_common_image(struct virtio_emu_pci *dev, struct virtio_pci_common_cfg *c)
{
	const struct vemu_queue *q;
	bool ring_reset;

	memset(c, 0, sizeof(*c));
	c->device_feature_select = rte_cpu_to_le_32(dev->dfselect);
	if (dev->dfselect <= 1)
		c->device_feature = rte_cpu_to_le_32((uint32_t)(dev->offered >>
								 (32 * dev->dfselect)));
	c->driver_feature_select = rte_cpu_to_le_32(dev->gfselect);
	if (dev->gfselect <= 1)
		c->driver_feature = rte_cpu_to_le_32((uint32_t)(dev->driver_features >>
								 (32 * dev->gfselect)));
	c->config_msix_vector = rte_cpu_to_le_16(dev->msix_config);
	c->num_queues = rte_cpu_to_le_16(dev->p.num_queues);
	c->device_status = dev->status;
	c->config_generation = dev->generation;
	c->queue_select = rte_cpu_to_le_16(dev->queue_select);
	if (dev->queue_select >= dev->p.num_queues)
		return;		/* out-of-range queue: every queue field reads 0 */
	q = &dev->queues[dev->queue_select];
	c->queue_size = rte_cpu_to_le_16(q->size);
	c->queue_msix_vector = rte_cpu_to_le_16(q->msix_vector);
	c->queue_enable = rte_cpu_to_le_16(q->enabled ? 1 : 0);
	c->queue_notify_off = rte_cpu_to_le_16(dev->notify_mult != 0 ? dev->queue_select : 0);
	c->queue_desc = rte_cpu_to_le_64(q->desc);
	c->queue_driver = rte_cpu_to_le_64(q->driver);
	c->queue_device = rte_cpu_to_le_64(q->device);
	/* With NOTIF_CONFIG_DATA the driver writes this instead of the index. */
	c->queue_notify_data = rte_cpu_to_le_16(dev->queue_select);
	ring_reset = (dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_RESET)) != 0;
	c->queue_reset = rte_cpu_to_le_16(ring_reset && q->reset_done ? 1 : 0);
}

static int
vemu_common_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	struct virtio_pci_common_cfg c;

	if (offset >= sizeof(c) || len > sizeof(c) - offset)
		return -EINVAL;
	vemu_pci_apply_deferred(dev);
	vemu_common_image(dev, &c);
	memcpy(buf, (uint8_t *)&c + offset, len);
	return 0;
}

/* Feature check at FEATURES_OK: 0 to accept. */
static int
vemu_features_check(struct virtio_emu_pci *dev, uint64_t f)
{
	if ((f & ~dev->offered) != 0) {
		VEMU_PCI_LOG(INFO, "driver features 0x%" PRIx64 " not offered",
			     f & ~dev->offered);
		return -EINVAL;
	}
	if ((f & VIRTIO_EMU_F(VIRTIO_F_VERSION_1)) == 0) {
		VEMU_PCI_LOG(INFO, "driver did not accept VERSION_1");
		return -EINVAL;
	}
	/* NOTIF_CONFIG_DATA changes what notification data carries. */
	if ((f & VIRTIO_EMU_F(VIRTIO_F_NOTIF_CONFIG_DATA)) != 0 &&
	    (f & VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)) == 0) {
		VEMU_PCI_LOG(INFO, "NOTIF_CONFIG_DATA without NOTIFICATION_DATA");
		return -EINVAL;
	}
	if (dev->ops->features_check != NULL)
		return dev->ops->features_check(dev->ctx, f);
	return 0;
}

static void
vemu_status_write(struct virtio_emu_pci *dev, uint8_t v)
{
	uint8_t old = dev->status, nw, added;

	if (v == 0) {
		vemu_pci_reset_start(dev);
		return;
	}
	/* Reserved bits, or bits the driver may not clear without a reset: ignore. */
	if ((v & ~VIRTIO_CONFIG_S_DEFINED) != 0 ||
	    (old & ~v & ~VIRTIO_CONFIG_S_NEEDS_RESET) != 0) {
		dev->stats.status_ignored++;
		return;
	}
	/* NEEDS_RESET belongs to the device. */
	nw = (uint8_t)((v & ~VIRTIO_CONFIG_S_NEEDS_RESET) | (old & VIRTIO_CONFIG_S_NEEDS_RESET));
	added = (uint8_t)(nw & ~old);
	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		if ((nw & VIRTIO_CONFIG_S_DRIVER) == 0 || (nw & VIRTIO_CONFIG_S_FAILED) != 0 ||
		    vemu_features_check(dev, dev->driver_features) != 0) {
			nw &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
			dev->stats.features_refused++;
		} else {
			dev->negotiated = dev->driver_features;
		}
	}
	/* DRIVER_OK needs accepted features and no failure: the bit is ignored. */
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    ((nw & VIRTIO_CONFIG_S_FEATURES_OK) == 0 ||
	     (nw & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)) != 0)) {
		nw &= (uint8_t)~VIRTIO_CONFIG_S_DRIVER_OK;
		dev->stats.status_ignored++;
	}
	if (nw == old)
		return;
	__atomic_store_n(&dev->status, nw, __ATOMIC_RELEASE);
	if (dev->ops->status_change != NULL)
		dev->ops->status_change(dev->ctx, old, nw);
}

static void
vemu_feature_write(struct virtio_emu_pci *dev, uint32_t v)
{
	uint64_t mask;

	/* Frozen once FEATURES_OK is set; windows above 1 do not exist. */
	if ((dev->status & VIRTIO_CONFIG_S_FEATURES_OK) != 0 || dev->gfselect > 1) {
		dev->stats.reg_ignored++;
		return;
	}
	mask = (uint64_t)UINT32_MAX << (32 * dev->gfselect);
	dev->driver_features = (dev->driver_features & ~mask) |
		((uint64_t)v << (32 * dev->gfselect));
}

/* The selected queue when its registers may be written, else NULL. */
static struct vemu_queue *
vemu_queue_writable(struct virtio_emu_pci *dev)
{
	struct vemu_queue *q;

	if (dev->queue_select >= dev->p.num_queues)
		return NULL;
	if ((dev->status & VIRTIO_CONFIG_S_FEATURES_OK) == 0 ||
	    (dev->status & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)) != 0)
		return NULL;
	q = &dev->queues[dev->queue_select];
	if (q->enabled || q->stopping)
		return NULL;	/* frozen while enabled */
	return q;
}

static bool
vemu_queue_size_ok(const struct virtio_emu_pci *dev, uint16_t size)
{
	if (size == 0)
		return true;	/* queue unavailable: it cannot be enabled */
	if (size > dev->p.queue_size_max)
		return false;
	if ((dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0)
		return true;	/* packed rings: any size */
	return rte_is_power_of_2(size);
}

static void
vemu_queue_enable(struct virtio_emu_pci *dev, struct vemu_queue *q)
{
	struct virtio_emu_queue_cfg cfg;
	bool packed = (dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0;
	int ret = 0;

	if (q->size == 0 ||
	    (q->desc & ((packed ? VIRTIO_PACKED_DESC_ALIGN : VIRTIO_SPLIT_DESC_ALIGN) - 1)) ||
	    (q->driver & ((packed ? VIRTIO_PACKED_EVENT_ALIGN : VIRTIO_SPLIT_AVAIL_ALIGN) - 1)) ||
	    (q->device & ((packed ? VIRTIO_PACKED_EVENT_ALIGN : VIRTIO_SPLIT_USED_ALIGN) - 1))) {
		VEMU_PCI_LOG(INFO, "queue %u: enable refused (size %u, misaligned ring?)",
			     dev->queue_select, q->size);
		dev->stats.reg_ignored++;
		return;
	}
	/* A ring inside our own BARs would make us access ourselves: refused. */
	vemu_pci_forbid_refresh(dev);
	if (vemu_pci_ring_forbidden(dev, q)) {
		VEMU_PCI_LOG(INFO, "queue %u: enable refused (ring overlaps the function's BAR)",
			     dev->queue_select);
		dev->stats.own_bar++;
		dev->stats.reg_ignored++;
		return;
	}
	virtio_emu_queue_get(dev, dev->queue_select, &cfg);
	if (dev->ops->queue_enable != NULL)
		ret = dev->ops->queue_enable(dev->ctx, &cfg);
	if (ret != 0) {
		VEMU_PCI_LOG(INFO, "queue %u: device refused enable: %s", dev->queue_select,
			     strerror(-ret));
		dev->stats.reg_ignored++;
		return;
	}
	q->reset_done = 0;
	q->enabled = 1;
}

static void
vemu_queue_reset_write(struct virtio_emu_pci *dev, uint16_t v)
{
	struct vemu_queue *q;

	if ((dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_RESET)) == 0 || v != 1 ||
	    dev->queue_select >= dev->p.num_queues) {
		dev->stats.reg_ignored++;
		return;
	}
	q = &dev->queues[dev->queue_select];
	if (q->stopping)
		return;		/* already resetting */
	if (!q->enabled) {
		vemu_pci_queue_defaults(dev, q);
		q->reset_done = 1;
		dev->stats.queue_resets++;
		return;
	}
	vemu_pci_queue_stop(dev, dev->queue_select, true);
}

static void
vemu_set_half(uint64_t *reg, uint64_t off, uint32_t v)
{
	if (off & 4)
		*reg = (*reg & UINT32_MAX) | (uint64_t)v << 32;
	else
		*reg = (*reg & ~(uint64_t)UINT32_MAX) | v;
}

static int
vemu_common_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct virtio_emu_pci *dev = ctx;
	struct vemu_queue *q;
	uint32_t v = (uint32_t)vemu_get_le(buf, len);

	vemu_pci_apply_deferred(dev);
	vemu_pci_state_touch(dev);
	if (dev->reset_pending) {
		dev->stats.reg_ignored++;	/* the driver must wait for status 0 */
		return 0;
	}
#define FIELD(f) (offset == CC_OFF(f) && len == CC_SIZE(f))
#define HALF(f) (offset >= CC_OFF(f) && offset < CC_OFF(f) + 8 && len == 4)
	if (FIELD(device_feature_select)) {
		dev->dfselect = v;
	} else if (FIELD(driver_feature_select)) {
		dev->gfselect = v;
	} else if (FIELD(driver_feature)) {
		vemu_feature_write(dev, v);
	} else if (FIELD(config_msix_vector)) {
		dev->msix_config = (uint16_t)(v < dev->p.msix_vectors ? v : VIRTIO_MSI_NO_VECTOR);
	} else if (FIELD(device_status)) {
		vemu_status_write(dev, (uint8_t)v);
	} else if (FIELD(queue_select)) {
		dev->queue_select = (uint16_t)v;
	} else if (FIELD(queue_reset)) {
		vemu_queue_reset_write(dev, (uint16_t)v);
	} else if (FIELD(queue_size) || FIELD(queue_msix_vector) || FIELD(queue_enable) ||
		   HALF(queue_desc) || HALF(queue_driver) || HALF(queue_device)) {
		q = vemu_queue_writable(dev);
		if (q == NULL) {
			dev->stats.reg_ignored++;
			return 0;
		}
		if (FIELD(queue_size)) {
			if (vemu_queue_size_ok(dev, (uint16_t)v))
				q->size = (uint16_t)v;
			else
				dev->stats.reg_ignored++;
		} else if (FIELD(queue_msix_vector)) {
			q->msix_vector = (uint16_t)(v < dev->p.msix_vectors ? v :
						    VIRTIO_MSI_NO_VECTOR);
		} else if (FIELD(queue_enable)) {
			if (v == 1)
				vemu_queue_enable(dev, q);
			else
				dev->stats.reg_ignored++;	/* 0 means nothing */
		} else if (HALF(queue_desc)) {
			vemu_set_half(&q->desc, offset, v);
		} else if (HALF(queue_driver)) {
			vemu_set_half(&q->driver, offset, v);
		} else {
			vemu_set_half(&q->device, offset, v);
		}
	} else {
		/* Read-only field, hole, or wrong width. */
		dev->stats.width_refused++;
	}
#undef FIELD
#undef HALF
	return 0;
}

const struct pcifn_region_ops vemu_common_ops = {
	.read = vemu_common_read,
	.write = vemu_common_write,
};
