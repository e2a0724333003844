/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_H
#define VIRTIO_EMU_H

/**
 * @file
 * Modern virtio-pci transport, device side.
 *
 * A virtio_emu_pci is one virtio 1.x PCI function built on a pcifn: vendor
 * 0x1af4, device 0x1040 + type, revision 1, with every virtio structure in
 * BAR 0 (64-bit by default, optionally 32-bit non-prefetchable) behind
 * vendor capabilities: common configuration, notifications, ISR, device
 * configuration and the PCI configuration access window; the MSI-X table and
 * PBA live in BAR 0 too.
 *
 * The transport owns the register file and its rules (feature windows and
 * negotiation, queue registers frozen once enabled, the device status state
 * machine, resets). What a device type adds — its configuration, feature
 * dependencies, what to do when a queue is enabled, reset or notified — it
 * supplies through struct virtio_emu_dev_ops (lib/virtio_emu's virtio-net
 * model is one such device).
 *
 * BAR 0 layout (offsets fixed by this library, published in the capabilities):
 *   0x0000 common configuration (64 bytes)
 *   0x1000 ISR status (4 bytes)
 *   0x2000 device configuration (up to 4 KiB)
 *   0x3000 notifications (num_queues * notify_off_multiplier bytes)
 *   then MSI-X table and PBA, each 4 KiB aligned.
 *
 * Threading: everything runs on the control thread (the one calling
 * pcifn_service() for the function's group) except
 * virtio_emu_queue_interrupt() and virtio_emu_set_needs_reset(), which any
 * thread may call (the interrupt on its own tlpdev queue id).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcifn.h>

#include "virtio_emu_pci_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

struct virtio_emu_pci;

/** Most virtqueues of one function. */
#define VIRTIO_EMU_MAX_QUEUES		1024
/** Largest device configuration structure. */
#define VIRTIO_EMU_DEV_CFG_MAX		4096

/** Fixed BAR 0 offsets. */
#define VIRTIO_EMU_BAR			0
#define VIRTIO_EMU_COMMON_OFF		0x0000
#define VIRTIO_EMU_ISR_OFF		0x1000
#define VIRTIO_EMU_DEVCFG_OFF		0x2000
#define VIRTIO_EMU_NOTIFY_OFF		0x3000

/** A virtqueue as the driver configured it, handed over at queue_enable. */
struct virtio_emu_queue_cfg {
	uint16_t index;		/**< queue index */
	uint16_t size;		/**< entries (power of 2 for split rings) */
	uint16_t msix_vector;	/**< VIRTIO_MSI_NO_VECTOR: none */
	bool packed;		/**< VIRTIO_F_RING_PACKED negotiated */
	uint64_t desc;		/**< descriptor area (bus address) */
	uint64_t driver;	/**< driver area: avail ring / driver event suppression */
	uint64_t device;	/**< device area: used ring / device event suppression */
	uint64_t features;	/**< negotiated features */
};

/**
 * Callbacks of a device type. All run on the control thread. Mandatory:
 * cfg_read. The others are optional.
 */
struct virtio_emu_dev_ops {
	/**
	 * Device-specific check of the driver's features at FEATURES_OK (the
	 * transport has already refused unoffered bits, a missing VERSION_1
	 * and broken transport dependencies). Return 0 to accept, a negative
	 * errno to refuse (FEATURES_OK stays clear).
	 */
	int (*features_check)(void *ctx, uint64_t features);
	/**
	 * Read @p len (1..4) bytes of device configuration at @p off. Bytes
	 * beyond the structure are never asked for (they read 0).
	 */
	int (*cfg_read)(void *ctx, uint32_t off, void *buf, uint32_t len);
	/** Write of device configuration (most fields are read-only: ignore). */
	int (*cfg_write)(void *ctx, uint32_t off, const void *buf, uint32_t len);
	/**
	 * The driver enabled a queue (queue_enable = 1 with a valid
	 * configuration). Return 0, or a negative errno to refuse: the queue
	 * stays disabled.
	 */
	int (*queue_enable)(void *ctx, const struct virtio_emu_queue_cfg *cfg);
	/**
	 * The queue must stop (per-queue reset, or a device reset on the way):
	 * no more ring accesses, used buffers or interrupts for it. Return 0
	 * when it is quiet, or -EINPROGRESS and call
	 * virtio_emu_queue_reset_done() later.
	 */
	int (*queue_stop)(void *ctx, uint16_t index);
	/**
	 * Available buffer notification for queue @p index. @p data is the
	 * notification data (VIRTIO_F_NOTIFICATION_DATA) or the value written.
	 * Only called for an enabled queue while DRIVER_OK is set.
	 */
	void (*notify)(void *ctx, uint16_t index, uint32_t data);
	/** device_status changed from @p old to @p status (not called for reset). */
	void (*status_change)(void *ctx, uint8_t old, uint8_t status);
	/**
	 * Device reset (status 0 written, FLR, hot reset, link down) after
	 * every enabled queue is quiet: drop device-type state. Return 0.
	 */
	int (*reset)(void *ctx);
};

/** Transport parameters. Zero fields take the defaults shown. */
struct virtio_emu_pci_params {
	uint16_t device_type;		/**< virtio device type (1: net); required */
	uint16_t subsys_id;		/**< 0x0040 + device_type */
	uint32_t class_code;		/**< required (net: 0x020000) */
	uint64_t features;		/**< device features offered; VERSION_1 required */
	uint16_t num_queues;		/**< 1..VIRTIO_EMU_MAX_QUEUES; required */
	uint16_t queue_size_max;	/**< 256; 2..32768, power of 2 */
	uint32_t dev_cfg_len;		/**< bytes of device configuration (<= 4096) */
	uint16_t msix_vectors;		/**< num_queues + 1; capped at 2048 */
	bool no_msix;			/**< no MSI-X capability (INTx only) */
	bool bar32;			/**< BAR 0 32-bit non-prefetchable (QEMU proxy) */
	bool no_flr;			/**< do not advertise FLR */
	uint32_t notify_off_multiplier;	/**< 4; 0 or a power of 2 >= 4 */
	bool notify_shared;		/**< multiplier 0: all queues one address */
};

/**
 * Create a virtio-pci function. The pcifn is created and owned by the
 * transport; put it in a group with virtio_emu_pci_fn() + pcifn_group_add().
 * @return the transport, or NULL with rte_errno: EINVAL (bad parameters,
 * logged), ENOMEM, or what pcifn_create() reports.
 */
struct virtio_emu_pci *virtio_emu_pci_create(const struct virtio_emu_pci_params *params,
					     const struct virtio_emu_dev_ops *ops, void *ctx);

/** Free a transport and its pcifn (which must not be in a group). NULL: no-op. */
void virtio_emu_pci_free(struct virtio_emu_pci *dev);

/** The emulated PCI function. */
struct pcifn *virtio_emu_pci_fn(struct virtio_emu_pci *dev);

/** Current device_status (what the driver reads). */
uint8_t virtio_emu_status(const struct virtio_emu_pci *dev);

/** Features negotiated (valid once FEATURES_OK is set; 0 before). */
uint64_t virtio_emu_features(const struct virtio_emu_pci *dev);

/** Features the device offers. */
uint64_t virtio_emu_features_offered(const struct virtio_emu_pci *dev);

/** Whether @p bit was negotiated. */
static inline bool
virtio_emu_has_feature(const struct virtio_emu_pci *dev, unsigned int bit)
{
	return bit < 64 && (virtio_emu_features(dev) & (UINT64_C(1) << bit)) != 0;
}

/** Number of queues of the function. */
uint16_t virtio_emu_num_queues(const struct virtio_emu_pci *dev);

/**
 * The configuration of queue @p index as the driver set it (enabled or not).
 * @return 0, -EINVAL (no such queue), -ENOENT (queue not enabled).
 */
int virtio_emu_queue_get(const struct virtio_emu_pci *dev, uint16_t index,
			 struct virtio_emu_queue_cfg *cfg);

/** Whether queue @p index is enabled (and not being reset). */
bool virtio_emu_queue_enabled(const struct virtio_emu_pci *dev, uint16_t index);

/**
 * Complete a queue_stop() that returned -EINPROGRESS. A pending per-queue
 * reset or device reset completes once every queue it waits on is done.
 * Control thread only. @return 0, -EINVAL, -EALREADY (nothing pending).
 */
int virtio_emu_queue_reset_done(struct virtio_emu_pci *dev, uint16_t index);

/**
 * Signal a used buffer notification for queue @p index: its MSI-X vector
 * (sent on tlpdev queue @p qid) when MSI-X is enabled, otherwise ISR bit 0
 * and INTx (the level is raised by the next virtio_emu_pci_service()).
 * Any thread. @return 0, -EINVAL, -EPERM (not DRIVER_OK, or bus mastering
 * off), or pcifn_msix_notify()'s errors.
 */
int virtio_emu_queue_interrupt(struct virtio_emu_pci *dev, uint16_t index, uint16_t qid);

/**
 * Device configuration changed: bump config_generation and send a
 * configuration change interrupt (msix_config vector, or ISR bit 1 + INTx).
 * Control thread. @return 0, -EINVAL.
 */
int virtio_emu_config_changed(struct virtio_emu_pci *dev);

/**
 * The device gives up on the driver (broken ring...): set
 * DEVICE_NEEDS_RESET and send a configuration change interrupt. Any thread;
 * the bit and interrupt are applied by the next virtio_emu_pci_service().
 * Ignored unless DRIVER_OK or FEATURES_OK is set. @p reason is logged.
 */
void virtio_emu_set_needs_reset(struct virtio_emu_pci *dev, const char *reason);

/**
 * Control-thread housekeeping: apply deferred NEEDS_RESET requests, drive
 * INTx from the ISR, finish resets whose queues are quiet. Call it from the
 * same loop as pcifn_service(). @return 0, -EINVAL.
 */
int virtio_emu_pci_service(struct virtio_emu_pci *dev);

/** Transport counters. */
struct virtio_emu_pci_stats {
	uint64_t resets;		/**< device resets completed */
	uint64_t resets_pending;	/**< resets that had to wait for queues */
	uint64_t queue_resets;		/**< per-queue resets completed */
	uint64_t features_refused;	/**< FEATURES_OK refused */
	uint64_t status_ignored;	/**< device_status writes ignored (rules) */
	uint64_t reg_ignored;		/**< common config writes ignored */
	uint64_t width_refused;		/**< accesses of the wrong width */
	uint64_t notifies;		/**< notifications dispatched */
	uint64_t notify_ignored;	/**< notifications of invalid/disabled queues */
	uint64_t needs_reset;		/**< DEVICE_NEEDS_RESET raised */
	uint64_t config_irqs;		/**< configuration change interrupts */
	uint64_t cfgcap_ignored;	/**< PCI cfg window accesses ignored */
	uint64_t own_bar;		/**< rings refused / NEEDS_RESET: inside our own BAR */
};

/** Read the counters. @return 0, -EINVAL. */
int virtio_emu_pci_stats_get(const struct virtio_emu_pci *dev,
			     struct virtio_emu_pci_stats *stats);

/**
 * The PCI configuration access window (the transport hooks it into pcifn:
 * host config reads and writes of pci_cfg_data arrive here; tests may call
 * it directly). Serve the config access of DW @p reg: a read (@p be 0xff)
 * fills @p data (4 bytes) from BAR 0; a write with byte enables @p be of
 * pci_cfg_data is applied to BAR 0. The bar/offset/length fields are
 * checked (BAR 0, length 1, 2 or 4, offset aligned to length, inside one of
 * the virtio structures, write byte enables covering exactly the first
 * length bytes): otherwise the access is ignored (reads 0) and counted.
 * @return 0, -EINVAL, -ENOENT (@p reg is not the pci_cfg_data DW).
 */
int virtio_emu_pci_cfgcap_access(struct virtio_emu_pci *dev, uint16_t reg, uint8_t be,
				 bool write, uint8_t data[4]);

/** Config offset of the PCI configuration access capability. */
uint8_t virtio_emu_pci_cfgcap_offset(const struct virtio_emu_pci *dev);

/*
 * Persisted transport state (virtio_emu_pci_state.c): survive a crash of the
 * device process. What the host programmed (the PCI function, see
 * pcifn_state_save(), and the virtio registers) is saved on every control
 * change; a restarted process loads it, so the host's BAR addresses and
 * MSI-X set-up stay valid, and answers with DEVICE_NEEDS_RESET: the rings'
 * progress (avail/used indexes, buffers in flight) is not persisted, so the
 * queues are not resumed and read queue_enable 0 until the driver resets the
 * device and sets it up again.
 */

/** Version of the virtio_emu_pci_state_save() format. */
#define VIRTIO_EMU_STATE_VERSION 1
/** Largest state virtio_emu_pci_state_load_file() reads. */
#define VIRTIO_EMU_STATE_MAX_LEN (1u << 20)

/**
 * Serialise the transport's register state (offered, driver and negotiated
 * features, device_status, msix_config, selectors, every queue's size,
 * vector, enable and addresses) and its PCI function, with a CRC.
 * Control thread.
 * @param buf destination, or NULL to learn the size.
 * @return the size in bytes (written when @p len allows), -EINVAL, -ENOSPC.
 */
int virtio_emu_pci_state_save(const struct virtio_emu_pci *dev, void *buf, size_t len);

/**
 * Load a state made by virtio_emu_pci_state_save() into a transport that has
 * not served any request yet (its function in its group, as when it was
 * saved). Everything is checked before anything changes: version, sizes,
 * CRC, device type, queue count and maximum size, vector count, offered
 * features (must be identical), driver features (a subset, with VERSION_1
 * and the device's own check once FEATURES_OK is set), status bits and their
 * order, msix_config and queue vectors, queue sizes, ring alignment, and the
 * PCI function's state (pcifn_state_restore()). A refused state is logged
 * and leaves the transport at power-on state.
 *
 * On success the registers read as the host left them, except that the
 * queues are disabled and, when device_status was not 0, DEVICE_NEEDS_RESET
 * is set: call virtio_emu_pci_state_notify() once the host is connected.
 * @return 0 (restored, status 0: nothing to tell), 1 (restored with
 * DEVICE_NEEDS_RESET), -EINVAL (refused), -EBUSY (requests already served).
 */
int virtio_emu_pci_state_restore(struct virtio_emu_pci *dev, const void *buf, size_t len);

/**
 * Send the configuration change interrupt announcing a restored
 * DEVICE_NEEDS_RESET (msix_config vector, or ISR bit 1 and INTx). Control
 * thread, with the link up. @return 0, -EINVAL.
 */
int virtio_emu_pci_state_notify(struct virtio_emu_pci *dev);

/**
 * A counter that moves whenever state that virtio_emu_pci_state_save()
 * records may have changed (transport registers, the function's config
 * space and MSI-X table); notifications and the data path do not move it.
 * Save when it differs from its value at the last save. Any thread.
 */
uint64_t virtio_emu_pci_state_gen(const struct virtio_emu_pci *dev);

/**
 * Save the state to @p path atomically: written to "<path>.tmp", then
 * renamed over @p path (a crash leaves the old or the new file, whole).
 * @return 0, -EINVAL, -ENAMETOOLONG, or the errno of the file operations.
 */
int virtio_emu_pci_state_save_file(const struct virtio_emu_pci *dev, const char *path);

/**
 * Read @p path and virtio_emu_pci_state_restore() it.
 * @return as virtio_emu_pci_state_restore(), or -ENOENT (no file), -EFBIG
 * (larger than VIRTIO_EMU_STATE_MAX_LEN), or the errno of reading.
 */
int virtio_emu_pci_state_load_file(struct virtio_emu_pci *dev, const char *path);

/**
 * Invalidate the state at @p path (a clean exit): remove it and any
 * leftover "<path>.tmp". @return 0 (also when there was none), -EINVAL, or
 * the errno of unlink().
 */
int virtio_emu_pci_state_remove(const char *path);

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_H */
