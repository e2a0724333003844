/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_NET_REGS_H
#define VIRTIO_EMU_NET_REGS_H

/**
 * @file
 * virtio-net wire layouts (virtio 1.2 section 5.1): feature bits, the device
 * configuration structure, the per-packet header in its three sizes, and the
 * control virtqueue classes and commands. All multi-byte fields are
 * little-endian (VIRTIO_F_VERSION_1 is mandatory for this device).
 *
 * Used by the device model, the data path, the host-side driver and tests.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** virtio device type of a network card (device ID 0x1040 + 1). */
#define VIRTIO_EMU_DEV_TYPE_NET		1

/**
 * @name virtio-net feature bits (bit numbers)
 * @{
 */
#define VIRTIO_NET_F_CSUM		0	/**< device handles partial csum */
#define VIRTIO_NET_F_GUEST_CSUM		1	/**< driver handles partial csum */
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2	/**< offload state configurable */
#define VIRTIO_NET_F_MTU		3	/**< mtu field valid */
#define VIRTIO_NET_F_MAC		5	/**< mac field valid */
#define VIRTIO_NET_F_GUEST_TSO4		7	/**< driver takes TSOv4 */
#define VIRTIO_NET_F_GUEST_TSO6		8	/**< driver takes TSOv6 */
#define VIRTIO_NET_F_GUEST_ECN		9	/**< driver takes TSO with ECN */
#define VIRTIO_NET_F_GUEST_UFO		10	/**< driver takes UFO */
#define VIRTIO_NET_F_HOST_TSO4		11	/**< device takes TSOv4 */
#define VIRTIO_NET_F_HOST_TSO6		12	/**< device takes TSOv6 */
#define VIRTIO_NET_F_HOST_ECN		13	/**< device takes TSO with ECN */
#define VIRTIO_NET_F_HOST_UFO		14	/**< device takes UFO */
#define VIRTIO_NET_F_MRG_RXBUF		15	/**< driver merges rx buffers */
#define VIRTIO_NET_F_STATUS		16	/**< status field valid */
#define VIRTIO_NET_F_CTRL_VQ		17	/**< control virtqueue */
#define VIRTIO_NET_F_CTRL_RX		18	/**< rx mode control */
#define VIRTIO_NET_F_CTRL_VLAN		19	/**< VLAN filtering */
#define VIRTIO_NET_F_CTRL_RX_EXTRA	20	/**< extra rx mode control */
#define VIRTIO_NET_F_GUEST_ANNOUNCE	21	/**< driver sends gratuitous pkts */
#define VIRTIO_NET_F_MQ			22	/**< multiqueue with auto steering */
#define VIRTIO_NET_F_CTRL_MAC_ADDR	23	/**< MAC address set via ctrl vq */
#define VIRTIO_NET_F_HASH_TUNNEL	51	/**< (not implemented) */
#define VIRTIO_NET_F_VQ_NOTF_COAL	52	/**< (not implemented) */
#define VIRTIO_NET_F_NOTF_COAL		53	/**< (not implemented) */
#define VIRTIO_NET_F_GUEST_USO4		54	/**< (not implemented) */
#define VIRTIO_NET_F_GUEST_USO6		55	/**< (not implemented) */
#define VIRTIO_NET_F_HOST_USO		56	/**< (not implemented) */
#define VIRTIO_NET_F_HASH_REPORT	57	/**< (not implemented) */
#define VIRTIO_NET_F_GUEST_HDRLEN	59	/**< (not implemented) */
#define VIRTIO_NET_F_RSS		60	/**< (not implemented) */
#define VIRTIO_NET_F_RSC_EXT		61	/**< (not implemented) */
#define VIRTIO_NET_F_STANDBY		62	/**< (not implemented) */
#define VIRTIO_NET_F_SPEED_DUPLEX	63	/**< speed/duplex fields valid */
/** @} */

/**
 * @name Device-independent (transport/ring) feature bits
 * Also defined in virtio_emu_pci_regs.h; identical values.
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
/** @} */

/** Feature bit number to mask. */
#define VIRTIO_EMU_BIT(b)		(UINT64_C(1) << (b))
#ifndef VIRTIO_EMU_F
#define VIRTIO_EMU_F(bit)		(UINT64_C(1) << (bit))
#endif

/**
 * @name Device configuration status field (virtio_net_config.status)
 * @{
 */
#define VIRTIO_NET_S_LINK_UP		1
#define VIRTIO_NET_S_ANNOUNCE		2
/** @} */

/** Duplex values of virtio_net_config.duplex. */
#define VIRTIO_NET_DUPLEX_HALF		0x00
#define VIRTIO_NET_DUPLEX_FULL		0x01
#define VIRTIO_NET_DUPLEX_UNKNOWN	0xff
/** Speed value meaning unknown (virtio_net_config.speed). */
#define VIRTIO_NET_SPEED_UNKNOWN	UINT32_C(0xffffffff)

/** Bounds of max_virtqueue_pairs (spec: 1 .. 0x8000). */
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN	1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX	0x8000

/** Ethernet address length. */
#define VIRTIO_NET_MAC_LEN		6

/**
 * Device configuration structure (device-specific region of BAR 0).
 * Only the fields up to and including speed/duplex are implemented; the
 * RSS/hash fields after them read as zero.
 */
struct virtio_net_config {
	uint8_t mac[VIRTIO_NET_MAC_LEN];	/**< valid with F_MAC */
	uint16_t status;		/**< VIRTIO_NET_S_*, valid with F_STATUS */
	uint16_t max_virtqueue_pairs;	/**< valid with F_MQ */
	uint16_t mtu;			/**< valid with F_MTU */
	uint32_t speed;			/**< Mbit/s, valid with F_SPEED_DUPLEX */
	uint8_t duplex;			/**< VIRTIO_NET_DUPLEX_* */
	uint8_t rss_max_key_size;	/**< F_RSS / F_HASH_REPORT (reads 0) */
	uint16_t rss_max_indirection_table_length; /**< F_RSS (reads 0) */
	uint32_t supported_hash_types;	/**< F_RSS / F_HASH_REPORT (reads 0) */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_config) == 24, "virtio_net_config size");
_Static_assert(offsetof(struct virtio_net_config, status) == 6, "status");
_Static_assert(offsetof(struct virtio_net_config, max_virtqueue_pairs) == 8, "max pairs");
_Static_assert(offsetof(struct virtio_net_config, mtu) == 10, "mtu");
_Static_assert(offsetof(struct virtio_net_config, speed) == 12, "speed");
_Static_assert(offsetof(struct virtio_net_config, duplex) == 16, "duplex");
_Static_assert(offsetof(struct virtio_net_config, supported_hash_types) == 20, "hash types");

/**
 * @name virtio_net_hdr.flags
 * @{
 */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1	/**< csum_start/offset valid */
#define VIRTIO_NET_HDR_F_DATA_VALID	2	/**< csum verified (device to driver) */
#define VIRTIO_NET_HDR_F_RSC_INFO	4	/**< RSC fields (not implemented) */
/** @} */

/**
 * @name virtio_net_hdr.gso_type
 * @{
 */
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_UDP		3
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#define VIRTIO_NET_HDR_GSO_ECN		0x80	/**< flag, ORed with a type */
/** @} */

/**
 * Per-packet header, legacy size without MRG_RXBUF (10 bytes). Not used by
 * a VERSION_1 device (the header is always 12 bytes), kept for hosts/tests.
 */
struct virtio_net_hdr {
	uint8_t flags;		/**< VIRTIO_NET_HDR_F_* */
	uint8_t gso_type;	/**< VIRTIO_NET_HDR_GSO_* */
	uint16_t hdr_len;	/**< Ethernet + IP + TCP/UDP header length */
	uint16_t gso_size;	/**< bytes of payload per segment */
	uint16_t csum_start;	/**< offset at which to start checksumming */
	uint16_t csum_offset;	/**< where to store the csum, from csum_start */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_hdr) == 10, "virtio_net_hdr size");
_Static_assert(offsetof(struct virtio_net_hdr, csum_offset) == 8, "csum_offset");

/** Header with num_buffers (12 bytes): MRG_RXBUF or any VERSION_1 device. */
struct virtio_net_hdr_mrg_rxbuf {
	struct virtio_net_hdr hdr;
	uint16_t num_buffers;	/**< rx buffers used by this packet (>= 1) */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_hdr_mrg_rxbuf) == 12, "mrg_rxbuf hdr size");

/**
 * The header a VERSION_1 device uses on every queue, whether MRG_RXBUF was
 * negotiated or not (virtio 1.x: num_buffers always present; set to 1
 * without MRG_RXBUF). Hash fields (HASH_REPORT) are not implemented.
 */
struct virtio_net_hdr_v1 {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12, "virtio_net_hdr_v1 size");
_Static_assert(offsetof(struct virtio_net_hdr_v1, num_buffers) == 10, "num_buffers");

/** Size of the virtio-net header used by this (VERSION_1-only) device. */
#define VIRTIO_NET_HDR_V1_LEN		sizeof(struct virtio_net_hdr_v1)

/**
 * @name Queue indices
 * Receive queue of pair i is 2*i, transmit queue is 2*i+1; the control
 * queue is 2*max_virtqueue_pairs (2 without MQ).
 * @{
 */
#define VIRTIO_NET_RXQ(pair)		((uint32_t)(pair) * 2)
#define VIRTIO_NET_TXQ(pair)		((uint32_t)(pair) * 2 + 1)
#define VIRTIO_NET_CTRLQ(max_pairs)	((uint32_t)(max_pairs) * 2)
/** @} */

/* ---- control virtqueue ---- */

/** Control command header (first 2 bytes of the device-readable part). */
struct virtio_net_ctrl_hdr {
	uint8_t class;		/**< VIRTIO_NET_CTRL_* class */
	uint8_t cmd;		/**< command within the class */
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_ctrl_hdr) == 2, "ctrl hdr size");

/** Control ack (the 1-byte device-writable part). */
typedef uint8_t virtio_net_ctrl_ack;

#define VIRTIO_NET_OK			0
#define VIRTIO_NET_ERR			1

/** Class 0: receive filtering mode (needs F_CTRL_RX / F_CTRL_RX_EXTRA). */
#define VIRTIO_NET_CTRL_RX		0
#define VIRTIO_NET_CTRL_RX_PROMISC	0	/**< 1 byte on/off, CTRL_RX */
#define VIRTIO_NET_CTRL_RX_ALLMULTI	1	/**< 1 byte on/off, CTRL_RX */
#define VIRTIO_NET_CTRL_RX_ALLUNI	2	/**< 1 byte, CTRL_RX_EXTRA */
#define VIRTIO_NET_CTRL_RX_NOMULTI	3	/**< 1 byte, CTRL_RX_EXTRA */
#define VIRTIO_NET_CTRL_RX_NOUNI	4	/**< 1 byte, CTRL_RX_EXTRA */
#define VIRTIO_NET_CTRL_RX_NOBCAST	5	/**< 1 byte, CTRL_RX_EXTRA */

/** Class 1: MAC filtering (TABLE_SET needs CTRL_RX, ADDR_SET CTRL_MAC_ADDR). */
#define VIRTIO_NET_CTRL_MAC		1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET	0	/**< two virtio_net_ctrl_mac tables */
#define VIRTIO_NET_CTRL_MAC_ADDR_SET	1	/**< 6-byte address */

/**
 * MAC table as sent by TABLE_SET (twice: unicast then multicast). Variable
 * length: entries * 6 bytes follow the 32-bit count.
 */
struct virtio_net_ctrl_mac {
	uint32_t entries;	/**< little-endian count */
	uint8_t macs[][VIRTIO_NET_MAC_LEN];
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_ctrl_mac) == 4, "ctrl mac table header");

/** Class 2: VLAN filter (needs CTRL_VLAN); payload is a le16 VLAN id. */
#define VIRTIO_NET_CTRL_VLAN		2
#define VIRTIO_NET_CTRL_VLAN_ADD	0
#define VIRTIO_NET_CTRL_VLAN_DEL	1
/** Number of VLAN ids in the filter (12-bit id space). */
#define VIRTIO_NET_VLAN_ID_COUNT	4096

/** Class 3: announce ack (needs GUEST_ANNOUNCE); no payload. */
#define VIRTIO_NET_CTRL_ANNOUNCE	3
#define VIRTIO_NET_CTRL_ANNOUNCE_ACK	0

/** Class 4: multiqueue (needs MQ for VQ_PAIRS_SET). */
#define VIRTIO_NET_CTRL_MQ		4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET	0	/**< le16 virtqueue_pairs */
#define VIRTIO_NET_CTRL_MQ_RSS_CONFIG	1	/**< (not implemented) */
#define VIRTIO_NET_CTRL_MQ_HASH_CONFIG	2	/**< (not implemented) */

/** Payload of VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET. */
struct virtio_net_ctrl_mq {
	uint16_t virtqueue_pairs;
} __attribute__((packed));

_Static_assert(sizeof(struct virtio_net_ctrl_mq) == 2, "ctrl mq size");

/** Class 5: guest offloads (needs CTRL_GUEST_OFFLOADS; not implemented). */
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS	5
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET 0

/** Class 6: notification coalescing (not implemented). */
#define VIRTIO_NET_CTRL_NOTF_COAL	6

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_NET_REGS_H */
