/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_PCI_PRIVATE_H
#define VIRTIO_EMU_PCI_PRIVATE_H

/* Internal to lib/virtio_emu's transport; never installed. */

#include <stdbool.h>
#include <stdint.h>

#include <inttypes.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_log.h>

#include "virtio_emu.h"
#include "virtio_emu_forbid.h"

extern int vemu_pci_logtype;
#define VEMU_PCI_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vemu_pci_logtype, "virtio_emu.pci: " fmt "\n", ##__VA_ARGS__)

/* Sizes of the fixed BAR 0 structures. */
#define VEMU_COMMON_LEN		sizeof(struct virtio_pci_common_cfg)
#define VEMU_ISR_LEN		4u
#define VEMU_BLOCK		0x1000u

/* Per-queue register state. */
struct vemu_queue {
	uint16_t size;		/* queue_size as set (max at reset) */
	uint16_t msix_vector;
	uint64_t desc;
	uint64_t driver;
	uint64_t device;
	uint8_t enabled;	/* queue_enable reads 1 */
	uint8_t stopping;	/* queue_stop() in progress */
	uint8_t reset_done;	/* queue_reset reads 1 (reset completed, not re-enabled) */
	uint8_t qreset;		/* the stop is a per-queue reset (not a device reset) */
};

struct virtio_emu_pci {
	struct virtio_emu_pci_params p;
	const struct virtio_emu_dev_ops *ops;
	void *ctx;
	struct pcifn *fn;
	uint64_t bar_size;
	uint32_t notify_mult;
	uint32_t notify_len;
	uint32_t devcfg_len;	/* region length (dev_cfg_len rounded to 4) */
	uint8_t cfgcap_off;

	/* Common configuration. */
	uint64_t offered;
	uint64_t driver_features;	/* as written by the driver */
	uint64_t negotiated;		/* valid with FEATURES_OK */
	uint32_t dfselect;
	uint32_t gfselect;
	uint16_t msix_config;
	uint16_t queue_select;
	uint8_t status;
	uint8_t generation;
	struct vemu_queue *queues;

	/* Touched by any thread: accessed atomically. */
	uint8_t isr;
	uint32_t needs_reset_req;

	/* Reset in progress: status 0 written (or pcifn reset) and queues stopping. */
	bool reset_pending;
	bool pcifn_reset;		/* pcifn is waiting for pcifn_reset_done() */
	unsigned int nb_stopping;

	struct virtio_emu_pci_stats stats;
	/* Our own BARs as programmed, for the engine's DMA checks (virtio_emu_forbid.h). */
	struct vemu_forbid forbid;
	/* Register state changed (virtio_emu_pci_state_gen()); atomic. */
	uint32_t state_gen;
};

/* virtio_emu_pci_common.c */
extern const struct pcifn_region_ops vemu_common_ops;
void vemu_pci_queue_defaults(struct virtio_emu_pci *dev, struct vemu_queue *q);
/* Start a device reset; returns true when it completed at once. */
bool vemu_pci_reset_start(struct virtio_emu_pci *dev);
/* Apply what other threads asked for (NEEDS_RESET). */
void vemu_pci_apply_deferred(struct virtio_emu_pci *dev);
/* A stopping queue became quiet. */
void vemu_pci_queue_quiet(struct virtio_emu_pci *dev, uint16_t index);
/* Send a configuration change interrupt. */
void vemu_pci_config_irq(struct virtio_emu_pci *dev);

/* Register state changed: persisted state is stale (virtio_emu_pci_state.c). */
static inline void
vemu_pci_state_touch(struct virtio_emu_pci *dev)
{
	__atomic_fetch_add(&dev->state_gen, 1, __ATOMIC_RELEASE);
}

/* virtio_emu_pci.c */
/* Re-read our BARs (base, Memory Space Enable) and republish dev->forbid. */
void vemu_pci_forbid_refresh(struct virtio_emu_pci *dev);
/* Whether a ring area of @p q overlaps our own BARs. */
bool vemu_pci_ring_forbidden(const struct virtio_emu_pci *dev, const struct vemu_queue *q);

/* virtio_emu_pci_notify.c */
extern const struct pcifn_region_ops vemu_notify_ops;
extern const struct pcifn_region_ops vemu_isr_ops;
extern const struct pcifn_region_ops vemu_devcfg_ops;
/* Raise/lower INTx from the ISR value (control thread). */
void vemu_pci_intx_sync(struct virtio_emu_pci *dev);

/* Little-endian helpers. */
static inline uint64_t
vemu_get_le(const void *buf, uint32_t len)
{
	const uint8_t *b = buf;
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static inline void
vemu_put_le(void *buf, uint64_t v, uint32_t len)
{
	uint8_t *b = buf;
	uint32_t i;

	for (i = 0; i < len && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

#endif /* VIRTIO_EMU_PCI_PRIVATE_H */
