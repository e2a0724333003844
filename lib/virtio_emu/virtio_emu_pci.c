/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-pci transport: creation of the pcifn with its BAR 0 regions and
 * vendor capabilities, resets coming from the PCI side (FLR, hot reset, link
 * down), interrupts, housekeeping and counters.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include <pcifn_regs.h>

#include "virtio_emu_pci_private.h"

RTE_LOG_REGISTER(vemu_pci_logtype, lib.virtio_emu.pci, NOTICE);

static uint64_t
vemu_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int
vemu_pcifn_reset(struct pcifn *fn __rte_unused, enum pcifn_reset_kind kind, void *ctx)
{
	struct virtio_emu_pci *dev = ctx;

	VEMU_PCI_LOG(DEBUG, "PCI reset kind %d", (int)kind);
	if (dev->reset_pending) {
		/* A driver-initiated reset is already waiting: finish both together. */
		dev->pcifn_reset = true;
		return -EINPROGRESS;
	}
	if (vemu_pci_reset_start(dev))
		return 0;
	dev->pcifn_reset = true;
	return -EINPROGRESS;
}

/*
 * Our own BARs as forbidden DMA ranges. Refreshed when pcifn reports a BAR
 * or Memory Space Enable change (the only moments they change; cheap: one
 * BAR) and at each queue enable; with decode off the BARs answer nothing, so
 * nothing is forbidden. A live ring the new BARs overlap cannot be refused
 * any more: the device needs a reset.
 */
void
vemu_pci_forbid_refresh(struct virtio_emu_pci *dev)
{
	struct vemu_forbid *f = &dev->forbid;
	uint64_t base = pcifn_bar_addr(dev->fn, VIRTIO_EMU_BAR), lo, hi, nlo, nhi;
	uint16_t cmd = 0;
	uint32_t nb = 0;
	uint16_t i;

	(void)pcifn_config_read(dev->fn, PCIFN_CFG_COMMAND, &cmd, sizeof(cmd));
	cmd = rte_le_to_cpu_16(cmd);
	if ((cmd & PCIFN_CMD_MEM) != 0 && base != 0 && base + dev->bar_size > base)
		nb = 1;
	nlo = nb != 0 ? base : UINT64_MAX;
	nhi = nb != 0 ? base + dev->bar_size : 0;
	lo = f->lo < f->hi ? RTE_MIN(f->lo, nlo) : nlo;
	hi = f->lo < f->hi ? RTE_MAX(f->hi, nhi) : nhi;
	/* Widen the box to old + new, rewrite the ranges, narrow the box. */
	__atomic_store_n(&f->lo, lo, __ATOMIC_RELEASE);
	__atomic_store_n(&f->hi, hi, __ATOMIC_RELEASE);
	__atomic_store_n(&f->seq, f->seq + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&f->r[0].base, base, __ATOMIC_RELAXED);
	__atomic_store_n(&f->r[0].len, dev->bar_size, __ATOMIC_RELAXED);
	__atomic_store_n(&f->nb, nb, __ATOMIC_RELAXED);
	__atomic_store_n(&f->seq, f->seq + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&f->lo, nlo, __ATOMIC_RELEASE);
	__atomic_store_n(&f->hi, nhi, __ATOMIC_RELEASE);
	if (nb == 0)
		return;
	for (i = 0; i < dev->p.num_queues; i++) {
		if (!dev->queues[i].enabled || !vemu_pci_ring_forbidden(dev, &dev->queues[i]))
			continue;
		dev->stats.own_bar++;
		virtio_emu_set_needs_reset(dev, "a live ring overlaps the function's own BAR");
		break;
	}
}

bool
vemu_pci_ring_forbidden(const struct virtio_emu_pci *dev, const struct vemu_queue *q)
{
	bool packed = (dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0;
	uint64_t n = q->size;

	if (vemu_forbid_hit(&dev->forbid, q->desc, 16 * n))
		return true;
	if (packed)
		return vemu_forbid_hit(&dev->forbid, q->driver, 4) ||
			vemu_forbid_hit(&dev->forbid, q->device, 4);
	return vemu_forbid_hit(&dev->forbid, q->driver, 6 + 2 * n) ||
		vemu_forbid_hit(&dev->forbid, q->device, 6 + 8 * n);
}

const struct vemu_forbid *
vemu_pci_forbid(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? &dev->forbid : NULL;
}

static void
vemu_pcifn_bar_change(struct pcifn *fn __rte_unused, void *ctx)
{
	vemu_pci_forbid_refresh(ctx);
}

static void
vemu_pcifn_msix_change(struct pcifn *fn __rte_unused, void *ctx)
{
	/* Interrupt routing is chosen per notification; nothing cached. */
	RTE_SET_USED(ctx);
}

static const struct pcifn_ops vemu_pcifn_ops = {
	.reset = vemu_pcifn_reset,
	.msix_change = vemu_pcifn_msix_change,
	.bar_change = vemu_pcifn_bar_change,
};

static int
vemu_pci_check_params(const struct virtio_emu_pci_params *p, const struct virtio_emu_dev_ops *ops)
{
	if (ops == NULL || ops->cfg_read == NULL) {
		VEMU_PCI_LOG(ERR, "device ops without cfg_read");
		return -EINVAL;
	}
	if (p->device_type == 0 || p->device_type > 0x3f) {
		VEMU_PCI_LOG(ERR, "device type %u out of range", p->device_type);
		return -EINVAL;
	}
	if ((p->features & VIRTIO_EMU_F(VIRTIO_F_VERSION_1)) == 0) {
		VEMU_PCI_LOG(ERR, "VERSION_1 must be offered (modern-only device)");
		return -EINVAL;
	}
	if (p->num_queues == 0 || p->num_queues > VIRTIO_EMU_MAX_QUEUES) {
		VEMU_PCI_LOG(ERR, "num_queues %u out of range", p->num_queues);
		return -EINVAL;
	}
	if (p->queue_size_max != 0 && (p->queue_size_max < 2 ||
				       p->queue_size_max > VIRTIO_QUEUE_SIZE_MAX ||
				       !rte_is_power_of_2(p->queue_size_max))) {
		VEMU_PCI_LOG(ERR, "queue_size_max %u invalid", p->queue_size_max);
		return -EINVAL;
	}
	if (p->dev_cfg_len > VIRTIO_EMU_DEV_CFG_MAX) {
		VEMU_PCI_LOG(ERR, "device config length %u too large", p->dev_cfg_len);
		return -EINVAL;
	}
	if (p->notify_off_multiplier != 0 && (p->notify_off_multiplier < 4 ||
					      p->notify_off_multiplier > VEMU_BLOCK ||
					      !rte_is_power_of_2(p->notify_off_multiplier))) {
		VEMU_PCI_LOG(ERR, "notify_off_multiplier %u invalid", p->notify_off_multiplier);
		return -EINVAL;
	}
	return 0;
}

/* Add a virtio vendor capability; returns its config offset or a negative errno. */
static int
vemu_cap_add(struct pcifn *fn, uint8_t cfg_type, uint32_t offset, uint32_t length,
	     const void *extra, uint8_t extra_len, const uint8_t *wmask)
{
	uint8_t body[sizeof(struct virtio_pci_cfg_cap)];
	struct virtio_pci_cap cap;
	uint8_t len;

	memset(&cap, 0, sizeof(cap));
	cap.cfg_type = cfg_type;
	cap.bar = VIRTIO_EMU_BAR;
	cap.offset = rte_cpu_to_le_32(offset);
	cap.length = rte_cpu_to_le_32(length);
	/* pcifn takes the capability from the length byte on. */
	memcpy(body, &cap.cap_len, sizeof(cap) - 2);
	len = sizeof(cap) - 2;
	if (extra_len > 0) {
		memcpy(body + len, extra, extra_len);
		len = (uint8_t)(len + extra_len);
	}
	return pcifn_cap_add_vendor(fn, body, wmask, len);
}

static void
vemu_cfgcap_hook_read(struct pcifn *fn __rte_unused, uint16_t reg, uint32_t *val, void *ctx)
{
	uint8_t data[4];

	vemu_put_le(data, *val, 4);
	if (virtio_emu_pci_cfgcap_access(ctx, reg, 0xff, false, data) == 0)
		*val = (uint32_t)vemu_get_le(data, 4);
}

static void
vemu_cfgcap_hook_write(struct pcifn *fn __rte_unused, uint16_t reg, uint8_t be,
		       const uint8_t *data, void *ctx)
{
	uint8_t d[4];

	memcpy(d, data, sizeof(d));
	(void)virtio_emu_pci_cfgcap_access(ctx, reg, be, true, d);
}

static const struct pcifn_cfg_hook_ops vemu_cfgcap_hook_ops = {
	.read = vemu_cfgcap_hook_read,
	.write = vemu_cfgcap_hook_write,
};

static int
vemu_pci_caps(struct virtio_emu_pci *dev)
{
	uint8_t wmask[sizeof(struct virtio_pci_cfg_cap)];
	uint32_t mult = rte_cpu_to_le_32(dev->notify_mult);
	uint8_t zero[4] = { 0 };
	int off;

	off = vemu_cap_add(dev->fn, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_EMU_COMMON_OFF,
			   VEMU_COMMON_LEN, NULL, 0, NULL);
	if (off < 0)
		return off;
	off = vemu_cap_add(dev->fn, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_EMU_NOTIFY_OFF,
			   dev->notify_len, &mult, sizeof(mult), NULL);
	if (off < 0)
		return off;
	off = vemu_cap_add(dev->fn, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_EMU_ISR_OFF, 1, NULL, 0,
			   NULL);
	if (off < 0)
		return off;
	if (dev->devcfg_len > 0) {
		off = vemu_cap_add(dev->fn, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_EMU_DEVCFG_OFF,
				   dev->devcfg_len, NULL, 0, NULL);
		if (off < 0)
			return off;
	}
	/*
	 * PCI configuration access: bar, offset, length and the data bytes are
	 * writable by the driver (wmask is indexed from the length byte).
	 */
	memset(wmask, 0, sizeof(wmask));
	wmask[offsetof(struct virtio_pci_cap, bar) - 2] = 0xff;
	memset(&wmask[offsetof(struct virtio_pci_cap, offset) - 2], 0xff, 8);
	memset(&wmask[offsetof(struct virtio_pci_cfg_cap, pci_cfg_data) - 2], 0xff, 4);
	off = vemu_cap_add(dev->fn, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, zero, sizeof(zero), wmask);
	if (off < 0)
		return off;
	dev->cfgcap_off = (uint8_t)off;
	/* Accesses to pci_cfg_data go through to BAR 0. */
	off += (int)offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);
	return pcifn_cfg_hook_add(dev->fn, (uint16_t)off, 4, &vemu_cfgcap_hook_ops, dev);
}

static int
vemu_pci_regions(struct virtio_emu_pci *dev)
{
	struct pcifn_region r = {
		.bar = VIRTIO_EMU_BAR, .ctx = dev,
	};
	int ret;

	/* Common config: naturally aligned 1/2/4-byte accesses (8: two halves). */
	r.offset = VIRTIO_EMU_COMMON_OFF;
	r.size = VEMU_COMMON_LEN;
	r.min_access = 1;
	r.max_access = 4;
	r.ops = &vemu_common_ops;
	ret = pcifn_region_add(dev->fn, &r);
	if (ret != 0)
		return ret;
	r.offset = VIRTIO_EMU_ISR_OFF;
	r.size = VEMU_ISR_LEN;
	r.ops = &vemu_isr_ops;
	ret = pcifn_region_add(dev->fn, &r);
	if (ret != 0)
		return ret;
	if (dev->devcfg_len > 0) {
		r.offset = VIRTIO_EMU_DEVCFG_OFF;
		r.size = dev->devcfg_len;
		r.flags = PCIFN_REGION_UNALIGNED;
		r.ops = &vemu_devcfg_ops;
		ret = pcifn_region_add(dev->fn, &r);
		if (ret != 0)
			return ret;
		r.flags = 0;
	}
	/* Notifications: 16-bit queue index, or 32-bit notification data. */
	r.offset = VIRTIO_EMU_NOTIFY_OFF;
	r.size = dev->notify_len;
	r.min_access = 2;
	r.max_access = 4;
	r.ops = &vemu_notify_ops;
	return pcifn_region_add(dev->fn, &r);
}

struct virtio_emu_pci *
virtio_emu_pci_create(const struct virtio_emu_pci_params *params,
		      const struct virtio_emu_dev_ops *ops, void *ctx)
{
	struct pcifn_params fp;
	struct virtio_emu_pci *dev;
	uint64_t end, msix_tbl, msix_pba;
	unsigned int i;
	int ret;

	if (params == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	ret = vemu_pci_check_params(params, ops);
	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	dev = rte_zmalloc("virtio_emu_pci", sizeof(*dev), 0);
	if (dev == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	dev->p = *params;
	dev->ops = ops;
	dev->ctx = ctx;
	if (dev->p.queue_size_max == 0)
		dev->p.queue_size_max = 256;
	if (dev->p.subsys_id == 0)
		dev->p.subsys_id = (uint16_t)(VIRTIO_PCI_SUBSYS_ID_MIN + dev->p.device_type);
	if (dev->p.no_msix)
		dev->p.msix_vectors = 0;
	else if (dev->p.msix_vectors == 0)
		dev->p.msix_vectors = (uint16_t)RTE_MIN(dev->p.num_queues + 1u,
							 (unsigned int)PCIFN_MSIX_MAX_VECTORS);
	dev->p.msix_vectors = (uint16_t)RTE_MIN(dev->p.msix_vectors,
						(uint16_t)PCIFN_MSIX_MAX_VECTORS);
	dev->notify_mult = dev->p.notify_shared ? 0 :
		(dev->p.notify_off_multiplier != 0 ? dev->p.notify_off_multiplier : 4);
	dev->notify_len = dev->notify_mult == 0 ? 4 : dev->notify_mult * dev->p.num_queues;
	dev->devcfg_len = (uint32_t)vemu_align_up(dev->p.dev_cfg_len, 4);
	dev->offered = dev->p.features;

	/* BAR 0: fixed structures, notify area, then MSI-X table and PBA. */
	end = VIRTIO_EMU_NOTIFY_OFF + vemu_align_up(dev->notify_len, VEMU_BLOCK);
	msix_tbl = end;
	if (dev->p.msix_vectors > 0)
		end += vemu_align_up((uint64_t)dev->p.msix_vectors * 16, VEMU_BLOCK);
	msix_pba = end;
	if (dev->p.msix_vectors > 0)
		end += vemu_align_up(((uint64_t)dev->p.msix_vectors + 63) / 64 * 8, VEMU_BLOCK);
	dev->bar_size = rte_align64pow2(end);

	memset(&fp, 0, sizeof(fp));
	fp.vendor_id = VIRTIO_PCI_VENDOR_ID;
	fp.device_id = (uint16_t)(VIRTIO_PCI_MODERN_DEVICE_ID_BASE + dev->p.device_type);
	fp.subsys_vendor_id = VIRTIO_PCI_VENDOR_ID;
	fp.subsys_id = dev->p.subsys_id;
	fp.revision = VIRTIO_PCI_MODERN_REVISION;
	fp.class_code = dev->p.class_code;
	fp.bars[0].size = dev->bar_size;
	fp.bars[0].flags = dev->p.bar32 ? 0 : PCIFN_BAR_64 | PCIFN_BAR_PREFETCH;
	fp.msix_vectors = dev->p.msix_vectors;
	fp.msix_bar = VIRTIO_EMU_BAR;
	fp.msix_table_offset = (uint32_t)msix_tbl;
	fp.msix_pba_offset = (uint32_t)msix_pba;
	fp.intx_pin = 1;
	fp.flr = !dev->p.no_flr;

	dev->queues = rte_zmalloc("virtio_emu_queues",
				  sizeof(*dev->queues) * dev->p.num_queues, 0);
	if (dev->queues == NULL) {
		rte_errno = ENOMEM;
		goto free_dev;
	}
	dev->fn = pcifn_create(&fp, &vemu_pcifn_ops, dev);
	if (dev->fn == NULL)
		goto free_queues;
	ret = vemu_pci_regions(dev);
	if (ret == 0)
		ret = vemu_pci_caps(dev);
	if (ret != 0) {
		VEMU_PCI_LOG(ERR, "BAR 0 layout: %s", strerror(-ret));
		rte_errno = -ret;
		goto free_fn;
	}
	dev->msix_config = VIRTIO_MSI_NO_VECTOR;
	dev->forbid.lo = UINT64_MAX;	/* nothing forbidden until the host assigns BAR 0 */
	for (i = 0; i < dev->p.num_queues; i++)
		vemu_pci_queue_defaults(dev, &dev->queues[i]);
	return dev;

free_fn:
	pcifn_free(dev->fn);
free_queues:
	rte_free(dev->queues);
free_dev:
	rte_free(dev);
	return NULL;
}

void
virtio_emu_pci_free(struct virtio_emu_pci *dev)
{
	if (dev == NULL)
		return;
	pcifn_free(dev->fn);
	rte_free(dev->queues);
	rte_free(dev);
}

struct pcifn *
virtio_emu_pci_fn(struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->fn : NULL;
}

uint8_t
virtio_emu_status(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->status : 0;
}

uint64_t
virtio_emu_features(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->negotiated : 0;
}

uint64_t
virtio_emu_features_offered(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->offered : 0;
}

uint16_t
virtio_emu_num_queues(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->p.num_queues : 0;
}

int
virtio_emu_queue_get(const struct virtio_emu_pci *dev, uint16_t index,
		     struct virtio_emu_queue_cfg *cfg)
{
	const struct vemu_queue *q;

	if (dev == NULL || cfg == NULL || index >= dev->p.num_queues)
		return -EINVAL;
	q = &dev->queues[index];
	memset(cfg, 0, sizeof(*cfg));
	cfg->index = index;
	cfg->size = q->size;
	cfg->msix_vector = q->msix_vector;
	cfg->packed = (dev->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0;
	cfg->desc = q->desc;
	cfg->driver = q->driver;
	cfg->device = q->device;
	cfg->features = dev->negotiated;
	return q->enabled && !q->stopping ? 0 : -ENOENT;
}

bool
virtio_emu_queue_enabled(const struct virtio_emu_pci *dev, uint16_t index)
{
	if (dev == NULL || index >= dev->p.num_queues)
		return false;
	return dev->queues[index].enabled && !dev->queues[index].stopping;
}

int
virtio_emu_queue_reset_done(struct virtio_emu_pci *dev, uint16_t index)
{
	if (dev == NULL || index >= dev->p.num_queues)
		return -EINVAL;
	if (!dev->queues[index].stopping)
		return -EALREADY;
	vemu_pci_queue_quiet(dev, index);
	return 0;
}

int
virtio_emu_queue_interrupt(struct virtio_emu_pci *dev, uint16_t index, uint16_t qid)
{
	uint16_t vec;

	if (dev == NULL || index >= dev->p.num_queues)
		return -EINVAL;
	if ((__atomic_load_n(&dev->status, __ATOMIC_ACQUIRE) & VIRTIO_CONFIG_S_DRIVER_OK) == 0 ||
	    !pcifn_dma_allowed(dev->fn))
		return -EPERM;
	if (dev->p.msix_vectors > 0 && pcifn_msix_enabled(dev->fn)) {
		vec = __atomic_load_n(&dev->queues[index].msix_vector, __ATOMIC_RELAXED);
		if (vec == VIRTIO_MSI_NO_VECTOR)
			return 0;	/* the driver asked for no interrupts */
		return pcifn_msix_notify(dev->fn, qid, vec);
	}
	/* INTx: the control thread raises the level from the ISR. */
	__atomic_fetch_or(&dev->isr, VIRTIO_PCI_ISR_QUEUE, __ATOMIC_RELEASE);
	return 0;
}

int
virtio_emu_config_changed(struct virtio_emu_pci *dev)
{
	if (dev == NULL)
		return -EINVAL;
	dev->generation++;
	if (dev->status & VIRTIO_CONFIG_S_DRIVER_OK)
		vemu_pci_config_irq(dev);
	return 0;
}

void
virtio_emu_set_needs_reset(struct virtio_emu_pci *dev, const char *reason)
{
	if (dev == NULL)
		return;
	if (__atomic_exchange_n(&dev->needs_reset_req, 1, __ATOMIC_ACQ_REL) == 0)
		VEMU_PCI_LOG(WARNING, "device needs reset: %s",
			     reason != NULL ? reason : "unspecified");
}

int
virtio_emu_pci_service(struct virtio_emu_pci *dev)
{
	if (dev == NULL)
		return -EINVAL;
	vemu_pci_apply_deferred(dev);
	vemu_pci_intx_sync(dev);
	return 0;
}

int
virtio_emu_pci_stats_get(const struct virtio_emu_pci *dev, struct virtio_emu_pci_stats *stats)
{
	if (dev == NULL || stats == NULL)
		return -EINVAL;
	*stats = dev->stats;
	return 0;
}

uint8_t
virtio_emu_pci_cfgcap_offset(const struct virtio_emu_pci *dev)
{
	return dev != NULL ? dev->cfgcap_off : 0;
}

/*
 * PCI configuration access window. The bar/offset/length fields are plain
 * writable config bytes; only accesses touching pci_cfg_data go to BAR 0.
 */
int
virtio_emu_pci_cfgcap_access(struct virtio_emu_pci *dev, uint16_t reg, uint8_t be, bool write,
			     uint8_t data[4])
{
	struct virtio_pci_cfg_cap cap;
	const struct pcifn_region_ops *ops;
	uint16_t data_reg;
	uint32_t off, len;
	uint64_t start;

	if (dev == NULL || data == NULL || dev->cfgcap_off == 0)
		return -EINVAL;
	data_reg = (uint16_t)(dev->cfgcap_off + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data));
	if ((reg & ~3u) != data_reg)
		return -ENOENT;
	if (pcifn_config_read(dev->fn, dev->cfgcap_off, &cap, sizeof(cap)) != 0)
		return -EINVAL;
	off = rte_le_to_cpu_32(cap.cap.offset);
	len = rte_le_to_cpu_32(cap.cap.length);
	/*
	 * Hostile-input item 9: only BAR 0, 1/2/4 bytes, naturally aligned,
	 * inside the BAR and inside one of our structures' regions. A write's
	 * byte enables must cover exactly the first len bytes (0xff: a read of
	 * the whole DW).
	 */
	if (cap.cap.bar != VIRTIO_EMU_BAR || (len != 1 && len != 2 && len != 4) ||
	    (off & (len - 1)) != 0 || (uint64_t)off + len > dev->bar_size ||
	    (be != 0xff && be != (uint8_t)((1u << len) - 1))) {
		dev->stats.cfgcap_ignored++;
		if (!write)
			memset(data, 0, 4);
		return 0;
	}
	/* Route to the structure the offset falls in (MSI-X table stays unreachable). */
	if (off + len <= VIRTIO_EMU_COMMON_OFF + VEMU_COMMON_LEN) {
		ops = &vemu_common_ops;
		start = VIRTIO_EMU_COMMON_OFF;
	} else if (off >= VIRTIO_EMU_ISR_OFF && off + len <= VIRTIO_EMU_ISR_OFF + VEMU_ISR_LEN) {
		ops = &vemu_isr_ops;
		start = VIRTIO_EMU_ISR_OFF;
	} else if (dev->devcfg_len > 0 && off >= VIRTIO_EMU_DEVCFG_OFF &&
		   off + len <= VIRTIO_EMU_DEVCFG_OFF + dev->devcfg_len) {
		ops = &vemu_devcfg_ops;
		start = VIRTIO_EMU_DEVCFG_OFF;
	} else if (off >= VIRTIO_EMU_NOTIFY_OFF &&
		   off + len <= VIRTIO_EMU_NOTIFY_OFF + dev->notify_len && len >= 2) {
		ops = &vemu_notify_ops;
		start = VIRTIO_EMU_NOTIFY_OFF;
	} else {
		dev->stats.cfgcap_ignored++;
		if (!write)
			memset(data, 0, 4);
		return 0;
	}
	if (write) {
		if (ops->write != NULL)
			ops->write(dev, off - start, data, len);
		return 0;
	}
	memset(data, 0, 4);
	if (ops->read == NULL || ops->read(dev, off - start, data, len) != 0)
		memset(data, 0, 4);
	return 0;
}
