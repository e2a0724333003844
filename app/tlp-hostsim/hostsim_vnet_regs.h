/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_REGS_H
#define HOSTSIM_VNET_REGS_H

/*
 * What the host virtio-net driver knows of the virtio 1.2 specification:
 * the modern virtio-pci structures, device status and feature bits, the two
 * ring layouts seen from the driver, the virtio-net header, configuration
 * and control commands. The driver's own definitions (written from the
 * specification), so that it does not depend on the device it tests.
 * Everything in host memory and in the BAR is little-endian; the host is too.
 */

#include <stddef.h>
#include <stdint.h>

/* PCI identity of a modern virtio-net function. */
#define HOSTSIM_VNET_VENDOR 0x1af4
#define HOSTSIM_VNET_DEVICE 0x1041

/* Vendor capability layout (offsets within the capability). */
#define HOSTSIM_VCAP_LEN 2
#define HOSTSIM_VCAP_TYPE 3
#define HOSTSIM_VCAP_BAR 4
#define HOSTSIM_VCAP_OFFSET 8
#define HOSTSIM_VCAP_LENGTH 12
#define HOSTSIM_VCAP_NOTIFY_MULT 16
#define HOSTSIM_VCAP_MIN_LEN 16
#define HOSTSIM_VCAP_NOTIFY_MIN_LEN 20

/* cfg_type values. */
#define HOSTSIM_VCAP_COMMON 1
#define HOSTSIM_VCAP_NOTIFY 2
#define HOSTSIM_VCAP_ISR 3
#define HOSTSIM_VCAP_DEVICE 4
#define HOSTSIM_VCAP_PCI_CFG 5

/* Common configuration registers (offsets). */
#define HOSTSIM_VCC_DFSELECT 0
#define HOSTSIM_VCC_DF 4
#define HOSTSIM_VCC_GFSELECT 8
#define HOSTSIM_VCC_GF 12
#define HOSTSIM_VCC_MSIX 16
#define HOSTSIM_VCC_NUMQ 18
#define HOSTSIM_VCC_STATUS 20
#define HOSTSIM_VCC_CFGGEN 21
#define HOSTSIM_VCC_Q_SELECT 22
#define HOSTSIM_VCC_Q_SIZE 24
#define HOSTSIM_VCC_Q_MSIX 26
#define HOSTSIM_VCC_Q_ENABLE 28
#define HOSTSIM_VCC_Q_NOFF 30
#define HOSTSIM_VCC_Q_DESC 32
#define HOSTSIM_VCC_Q_DRIVER 40
#define HOSTSIM_VCC_Q_DEVICE 48
#define HOSTSIM_VCC_Q_NDATA 56
#define HOSTSIM_VCC_Q_RESET 58
/* A virtio 1.0 common configuration ends after queue_device. */
#define HOSTSIM_VCC_MIN_LEN 56

#define HOSTSIM_VIRTIO_NO_VECTOR 0xffff

/* ISR status bits. */
#define HOSTSIM_VISR_QUEUE 0x1
#define HOSTSIM_VISR_CONFIG 0x2

/* Device status bits. */
#define HOSTSIM_VSTAT_ACK 0x01
#define HOSTSIM_VSTAT_DRIVER 0x02
#define HOSTSIM_VSTAT_DRIVER_OK 0x04
#define HOSTSIM_VSTAT_FEATURES_OK 0x08
#define HOSTSIM_VSTAT_NEEDS_RESET 0x40
#define HOSTSIM_VSTAT_FAILED 0x80

/* Feature bits (numbers). */
#define HOSTSIM_VF_CSUM 0
#define HOSTSIM_VF_GUEST_CSUM 1
#define HOSTSIM_VF_CTRL_GUEST_OFFLOADS 2
#define HOSTSIM_VF_MTU 3
#define HOSTSIM_VF_MAC 5
#define HOSTSIM_VF_GUEST_TSO4 7
#define HOSTSIM_VF_GUEST_TSO6 8
#define HOSTSIM_VF_GUEST_ECN 9
#define HOSTSIM_VF_GUEST_UFO 10
#define HOSTSIM_VF_HOST_TSO4 11
#define HOSTSIM_VF_HOST_TSO6 12
#define HOSTSIM_VF_HOST_ECN 13
#define HOSTSIM_VF_HOST_UFO 14
#define HOSTSIM_VF_MRG_RXBUF 15
#define HOSTSIM_VF_STATUS 16
#define HOSTSIM_VF_CTRL_VQ 17
#define HOSTSIM_VF_CTRL_RX 18
#define HOSTSIM_VF_CTRL_VLAN 19
#define HOSTSIM_VF_CTRL_RX_EXTRA 20
#define HOSTSIM_VF_GUEST_ANNOUNCE 21
#define HOSTSIM_VF_MQ 22
#define HOSTSIM_VF_CTRL_MAC_ADDR 23
#define HOSTSIM_VF_INDIRECT_DESC 28
#define HOSTSIM_VF_EVENT_IDX 29
#define HOSTSIM_VF_VERSION_1 32
#define HOSTSIM_VF_ACCESS_PLATFORM 33
#define HOSTSIM_VF_RING_PACKED 34
#define HOSTSIM_VF_IN_ORDER 35
#define HOSTSIM_VF_ORDER_PLATFORM 36
#define HOSTSIM_VF_SR_IOV 37
#define HOSTSIM_VF_NOTIFICATION_DATA 38
#define HOSTSIM_VF_RING_RESET 40
#define HOSTSIM_VF_SPEED_DUPLEX 63

#define HOSTSIM_VF(bit) (UINT64_C(1) << (bit))

/* virtio-net device configuration (offsets). */
#define HOSTSIM_VNCFG_MAC 0
#define HOSTSIM_VNCFG_STATUS 6
#define HOSTSIM_VNCFG_MAX_PAIRS 8
#define HOSTSIM_VNCFG_MTU 10
#define HOSTSIM_VNCFG_SPEED 12
#define HOSTSIM_VNCFG_DUPLEX 16
#define HOSTSIM_VNCFG_LEN 17

#define HOSTSIM_VNET_S_LINK_UP 0x1
#define HOSTSIM_VNET_S_ANNOUNCE 0x2

/* Queue pairs a device may have (VQ_PAIRS_SET range). */
#define HOSTSIM_VNET_PAIRS_MAX 0x8000
/* Largest queue size of either layout. */
#define HOSTSIM_VQ_SIZE_MAX 32768

/* Split ring. */
struct hostsim_vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

_Static_assert(sizeof(struct hostsim_vring_desc) == 16, "split descriptor size");

#define HOSTSIM_VRING_DESC_F_NEXT 0x1
#define HOSTSIM_VRING_DESC_F_WRITE 0x2
#define HOSTSIM_VRING_DESC_F_INDIRECT 0x4

/* Driver area: flags, idx, ring[size], used_event. */
struct hostsim_vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

_Static_assert(offsetof(struct hostsim_vring_avail, ring) == 4, "avail ring");

#define HOSTSIM_VRING_AVAIL_F_NO_INTERRUPT 0x1

struct hostsim_vring_used_elem {
	uint32_t id;
	uint32_t len;
};

/* Device area: flags, idx, ring[size], avail_event. */
struct hostsim_vring_used {
	uint16_t flags;
	uint16_t idx;
	struct hostsim_vring_used_elem ring[];
};

_Static_assert(offsetof(struct hostsim_vring_used, ring) == 4, "used ring");

#define HOSTSIM_VRING_USED_F_NO_NOTIFY 0x1

/* Packed ring. */
struct hostsim_vring_pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};

_Static_assert(sizeof(struct hostsim_vring_pdesc) == 16, "packed descriptor size");
_Static_assert(offsetof(struct hostsim_vring_pdesc, flags) == 14, "packed flags");

#define HOSTSIM_VRING_PDESC_F_AVAIL (1u << 7)
#define HOSTSIM_VRING_PDESC_F_USED (1u << 15)

/* Event suppression structure (driver area and device area of a packed ring). */
struct hostsim_vring_pevent {
	uint16_t off_wrap;	/* descriptor offset, bit 15: wrap counter */
	uint16_t flags;
};

_Static_assert(sizeof(struct hostsim_vring_pevent) == 4, "event suppression size");

#define HOSTSIM_VRING_PEVENT_ENABLE 0x0
#define HOSTSIM_VRING_PEVENT_DISABLE 0x1
#define HOSTSIM_VRING_PEVENT_DESC 0x2

/* virtio-net header as VERSION_1 has it (num_buffers always present). */
struct hostsim_vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

_Static_assert(sizeof(struct hostsim_vnet_hdr) == 12, "virtio-net header size");

#define HOSTSIM_VNET_HDR_F_NEEDS_CSUM 0x1
#define HOSTSIM_VNET_HDR_F_DATA_VALID 0x2
#define HOSTSIM_VNET_HDR_GSO_NONE 0

/* Control queue: classes, commands, acknowledgements. */
#define HOSTSIM_VNET_CTRL_RX 0
#define HOSTSIM_VNET_CTRL_RX_PROMISC 0
#define HOSTSIM_VNET_CTRL_RX_ALLMULTI 1
#define HOSTSIM_VNET_CTRL_RX_ALLUNI 2
#define HOSTSIM_VNET_CTRL_RX_NOMULTI 3
#define HOSTSIM_VNET_CTRL_RX_NOUNI 4
#define HOSTSIM_VNET_CTRL_RX_NOBCAST 5
#define HOSTSIM_VNET_CTRL_MAC 1
#define HOSTSIM_VNET_CTRL_MAC_TABLE_SET 0
#define HOSTSIM_VNET_CTRL_MAC_ADDR_SET 1
#define HOSTSIM_VNET_CTRL_VLAN 2
#define HOSTSIM_VNET_CTRL_VLAN_ADD 0
#define HOSTSIM_VNET_CTRL_VLAN_DEL 1
#define HOSTSIM_VNET_CTRL_ANNOUNCE 3
#define HOSTSIM_VNET_CTRL_ANNOUNCE_ACK 0
#define HOSTSIM_VNET_CTRL_MQ 4
#define HOSTSIM_VNET_CTRL_MQ_VQ_PAIRS_SET 0
#define HOSTSIM_VNET_OK 0
#define HOSTSIM_VNET_ERR 1

#endif /* HOSTSIM_VNET_REGS_H */
