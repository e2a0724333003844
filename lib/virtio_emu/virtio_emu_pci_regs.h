/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_PCI_REGS_H
#define VIRTIO_EMU_PCI_REGS_H

/**
 * @file
 * Modern virtio-pci transport layouts (virtio 1.2 section 4.1): the vendor
 * capabilities that locate the structures, the common configuration
 * structure, device status bits and the device-independent feature bits.
 * All fields little-endian; layouts pinned with static assertions.
 *
 * Useful to the device (lib/virtio_emu), to host drivers and to tests.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** PCI identity of a modern (non-transitional) virtio device. */
#define VIRTIO_PCI_VENDOR_ID		0x1af4
#define VIRTIO_PCI_MODERN_DEVICE_ID_BASE 0x1040	/**< + virtio device type */
#define VIRTIO_PCI_MODERN_REVISION	1
/** Non-transitional devices should use a subsystem device ID >= 0x40. */
#define VIRTIO_PCI_SUBSYS_ID_MIN	0x40

/**
 * @name Capability cfg_type values
 * @{
 */
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8
#define VIRTIO_PCI_CAP_VENDOR_CFG	9
/** @} */

/** Vendor-specific capability locating a virtio structure (16 bytes). */
struct virtio_pci_cap {
	uint8_t cap_vndr;	/**< 0x09 */
	uint8_t cap_next;
	uint8_t cap_len;	/**< length of this capability */
	uint8_t cfg_type;	/**< VIRTIO_PCI_CAP_* */
	uint8_t bar;		/**< 0..5 */
	uint8_t id;		/**< distinguishes capabilities of one type */
	uint8_t padding[2];
	uint32_t offset;	/**< within the BAR */
	uint32_t length;	/**< bytes of the structure */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio_pci_cap size");
_Static_assert(offsetof(struct virtio_pci_cap, bar) == 4, "bar");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8, "offset");
_Static_assert(offsetof(struct virtio_pci_cap, length) == 12, "length");

/** Notification capability: adds the per-queue notify address multiplier. */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier;	/**< 0, or a power of 2 */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "notify cap size");

/**
 * PCI configuration access capability: a window through config space to a
 * BAR. The driver sets cap.bar, cap.offset and cap.length (1, 2 or 4), then
 * reads or writes pci_cfg_data.
 */
struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap;
	uint8_t pci_cfg_data[4];
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_pci_cfg_cap) == 20, "pci cfg cap size");
_Static_assert(offsetof(struct virtio_pci_cfg_cap, pci_cfg_data) == 16, "pci_cfg_data");

/** Common configuration structure (virtio 1.2, with the 1.3 admin fields). */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;	/**< RW: 32-bit window of device_feature */
	uint32_t device_feature;	/**< RO */
	uint32_t driver_feature_select;	/**< RW */
	uint32_t driver_feature;	/**< RW */
	uint16_t config_msix_vector;	/**< RW */
	uint16_t num_queues;		/**< RO */
	uint8_t device_status;		/**< RW */
	uint8_t config_generation;	/**< RO */
	/* About a specific virtqueue. */
	uint16_t queue_select;		/**< RW */
	uint16_t queue_size;		/**< RW */
	uint16_t queue_msix_vector;	/**< RW */
	uint16_t queue_enable;		/**< RW */
	uint16_t queue_notify_off;	/**< RO */
	uint64_t queue_desc;		/**< RW */
	uint64_t queue_driver;		/**< RW */
	uint64_t queue_device;		/**< RW */
	uint16_t queue_notify_data;	/**< RO */
	uint16_t queue_reset;		/**< RW (VIRTIO_F_RING_RESET) */
	/* virtio 1.3, VIRTIO_F_ADMIN_VQ (not offered: read 0). */
	uint16_t admin_queue_index;	/**< RO */
	uint16_t admin_queue_num;	/**< RO */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_pci_common_cfg) == 64, "common cfg size");
_Static_assert(offsetof(struct virtio_pci_common_cfg, driver_feature_select) == 8, "drv sel");
_Static_assert(offsetof(struct virtio_pci_common_cfg, config_msix_vector) == 16, "msix cfg");
_Static_assert(offsetof(struct virtio_pci_common_cfg, num_queues) == 18, "num_queues");
_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 20, "status");
_Static_assert(offsetof(struct virtio_pci_common_cfg, config_generation) == 21, "generation");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 22, "queue_select");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_size) == 24, "queue_size");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_msix_vector) == 26, "q msix");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_enable) == 28, "queue_enable");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_off) == 30, "notify_off");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc) == 32, "queue_desc");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_driver) == 40, "queue_driver");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device) == 48, "queue_device");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_data) == 56, "notify data");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_reset) == 58, "queue_reset");
_Static_assert(offsetof(struct virtio_pci_common_cfg, admin_queue_index) == 60, "admin q");

/** Size of the common configuration of a virtio 1.2 device (no admin fields). */
#define VIRTIO_PCI_COMMON_CFG_LEN_1_2	60

/** Feature bit number to a 64-bit mask. */
#ifndef VIRTIO_EMU_F
#define VIRTIO_EMU_F(bit)		(UINT64_C(1) << (bit))
#endif

/** MSI-X vector value meaning "no vector". */
#define VIRTIO_MSI_NO_VECTOR		0xffff

/**
 * @name ISR status bits (read to clear)
 * @{
 */
#define VIRTIO_PCI_ISR_QUEUE		0x1
#define VIRTIO_PCI_ISR_CONFIG		0x2
/** @} */

/**
 * @name device_status bits
 * @{
 */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE	1
#define VIRTIO_CONFIG_S_DRIVER		2
#define VIRTIO_CONFIG_S_DRIVER_OK	4
#define VIRTIO_CONFIG_S_FEATURES_OK	8
#define VIRTIO_CONFIG_S_NEEDS_RESET	0x40
#define VIRTIO_CONFIG_S_FAILED		0x80
/** Bits with a meaning; writes setting any other bit are ignored. */
#define VIRTIO_CONFIG_S_DEFINED		(VIRTIO_CONFIG_S_ACKNOWLEDGE | \
					 VIRTIO_CONFIG_S_DRIVER | \
					 VIRTIO_CONFIG_S_DRIVER_OK | \
					 VIRTIO_CONFIG_S_FEATURES_OK | \
					 VIRTIO_CONFIG_S_NEEDS_RESET | \
					 VIRTIO_CONFIG_S_FAILED)
/** @} */

/**
 * @name Device-independent feature bits (bit numbers)
 * @{
 */
#ifndef VIRTIO_F_INDIRECT_DESC
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35
#define VIRTIO_F_ORDER_PLATFORM		36
#define VIRTIO_F_SR_IOV			37
#define VIRTIO_F_NOTIFICATION_DATA	38
#define VIRTIO_F_NOTIF_CONFIG_DATA	39
#define VIRTIO_F_RING_RESET		40
#endif
#define VIRTIO_F_ADMIN_VQ		41
/** @} */

/**
 * @name Notification data (VIRTIO_F_NOTIFICATION_DATA, 32-bit write)
 * Bits 0-15: queue index (or queue_notify_data with NOTIF_CONFIG_DATA);
 * bits 16-30: next avail offset (split: next_idx uses bits 16-31);
 * bit 31: packed ring wrap counter.
 * @{
 */
#define VIRTIO_NOTIFY_DATA_VQN(d)	((uint16_t)((d) & 0xffff))
#define VIRTIO_NOTIFY_DATA_SPLIT_IDX(d)	((uint16_t)((d) >> 16))
#define VIRTIO_NOTIFY_DATA_PACKED_OFF(d) ((uint16_t)(((d) >> 16) & 0x7fff))
#define VIRTIO_NOTIFY_DATA_PACKED_WRAP(d) ((uint8_t)((d) >> 31))
/** @} */

/** Largest queue size (split rings: power of 2; packed: any up to this). */
#define VIRTIO_QUEUE_SIZE_MAX		32768

/**
 * @name Ring alignments required at queue_enable (bytes)
 * @{
 */
#define VIRTIO_SPLIT_DESC_ALIGN		16
#define VIRTIO_SPLIT_AVAIL_ALIGN	2
#define VIRTIO_SPLIT_USED_ALIGN		4
#define VIRTIO_PACKED_DESC_ALIGN	16
#define VIRTIO_PACKED_EVENT_ALIGN	4
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_PCI_REGS_H */
