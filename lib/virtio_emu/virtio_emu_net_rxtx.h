/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_NET_RXTX_H
#define VIRTIO_EMU_NET_RXTX_H

/**
 * @file
 * virtio-net data path, device side, on the virtqueue engine.
 *
 * virtio_emu_net_dequeue_burst(): frames the host transmitted (its TX
 * queue) become mbufs; the virtio_net_hdr (12 bytes, VERSION_1) is copied
 * once, validated and mapped to mbuf offload flags (never trusted).
 * virtio_emu_net_enqueue_burst(): mbufs are copied into the host's receive
 * buffers (its RX queue), merged over several chains with MRG_RXBUF.
 * Each call updates the used ring once and decides the notification once;
 * when one is due, the queue's notify callback runs (e.g. it calls
 * virtio_emu_queue_interrupt()).
 *
 * Offloads, dequeue (host TX): NEEDS_CSUM (with F_CSUM) sets
 * RTE_MBUF_F_RX_L4_CKSUM_NONE and l2_len + l3_len = csum_start; GSO (with
 * HOST_TSO4/6) sets RTE_MBUF_F_RX_LRO and tso_segsz = gso_size.
 * Enqueue (host RX): RTE_MBUF_F_TX_TCP_CKSUM / UDP_CKSUM become NEEDS_CSUM
 * (GUEST_CSUM; the L4 checksum field holds the pseudo-header sum as for any
 * DPDK TX offload), RTE_MBUF_F_TX_TCP_SEG becomes GSO_TCPV4/6 (GUEST_TSO4/6),
 * RTE_MBUF_F_RX_L4_CKSUM_GOOD becomes DATA_VALID (GUEST_CSUM).
 *
 * Threading: one thread per queue, as the vq.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "virtio_emu_vq.h"

#ifdef __cplusplus
extern "C" {
#endif

struct virtio_emu_net_q;

/** Reasons a packet is dropped by the data path (xstats names below). */
enum virtio_emu_net_drop {
	VIRTIO_EMU_NET_DROP_HDR_SHORT = 0,	/**< TX: chain shorter than the header */
	VIRTIO_EMU_NET_DROP_RUNT,		/**< TX: frame shorter than an Ethernet header */
	VIRTIO_EMU_NET_DROP_TOO_BIG,		/**< TX: frame above MTU + 18 without GSO */
	VIRTIO_EMU_NET_DROP_NUM_BUFFERS,	/**< TX: num_buffers != 0 */
	VIRTIO_EMU_NET_DROP_HDR_FLAGS,		/**< TX: unknown header flags */
	VIRTIO_EMU_NET_DROP_CSUM_FEATURE,	/**< TX: NEEDS_CSUM without F_CSUM */
	VIRTIO_EMU_NET_DROP_CSUM_RANGE,		/**< TX: csum_start/offset outside the frame */
	VIRTIO_EMU_NET_DROP_GSO_FEATURE,	/**< GSO type not negotiated */
	VIRTIO_EMU_NET_DROP_GSO_TYPE,		/**< TX: unknown / unsupported gso_type */
	VIRTIO_EMU_NET_DROP_GSO_SIZE,		/**< TX: gso_size 0 or GSO without NEEDS_CSUM */
	VIRTIO_EMU_NET_DROP_NOMBUF,		/**< TX: mempool empty */
	VIRTIO_EMU_NET_DROP_COPY,		/**< copy from/to host memory failed */
	VIRTIO_EMU_NET_DROP_BUF_SMALL,		/**< RX: chain too small (no MRG_RXBUF) */
	VIRTIO_EMU_NET_DROP_MAX,
};

/** Parameters of virtio_emu_net_q_create(). */
struct virtio_emu_net_q_conf {
	struct virtio_emu_vq *vq;	/**< the virtqueue (the queue does not own it) */
	uint64_t features;		/**< negotiated features */
	uint16_t mtu;			/**< 0: 1500; frames up to mtu + 18 bytes */
	struct rte_mempool *mp;		/**< mbufs for dequeue; NULL for an RX queue */
	/** Called once per burst when the driver wants a used buffer notification. */
	void (*notify)(void *arg);
	void *notify_arg;		/**< argument of notify */
};

/** Counters of one data path queue. */
struct virtio_emu_net_q_stats {
	uint64_t packets;	/**< packets dequeued / enqueued */
	uint64_t bytes;		/**< their frame bytes (header excluded) */
	uint64_t dropped;	/**< sum of drops[] */
	uint64_t drops[VIRTIO_EMU_NET_DROP_MAX]; /**< by reason */
	uint64_t offload_csum;	/**< packets with a partial checksum */
	uint64_t offload_gso;	/**< packets with GSO */
	uint64_t notifies;	/**< notify callback calls */
};

/**
 * Create a data path queue over a vq.
 * @return the queue, or NULL with rte_errno EINVAL or ENOMEM.
 */
struct virtio_emu_net_q *virtio_emu_net_q_create(const struct virtio_emu_net_q_conf *conf);

/**
 * Free a queue; chains it held for merging are returned used (length 0).
 * The vq is not freed. NULL: no-op.
 */
void virtio_emu_net_q_free(struct virtio_emu_net_q *q);

/**
 * Dequeue up to @p n packets the host transmitted. Bad packets are dropped
 * (chain returned with length 0, counted).
 * @return packets stored in @p pkts.
 */
uint16_t virtio_emu_net_dequeue_burst(struct virtio_emu_net_q *q, struct rte_mbuf **pkts,
				      uint16_t n);

/**
 * Enqueue up to @p n packets into the host's receive buffers. Packets taken
 * are freed (sent or dropped and counted); when the host has no room, fewer
 * are taken and the rest stay the caller's.
 * @return packets taken from @p pkts (the first ones).
 */
uint16_t virtio_emu_net_enqueue_burst(struct virtio_emu_net_q *q, struct rte_mbuf **pkts,
				      uint16_t n);

/** Read the counters. @return 0, -EINVAL. */
int virtio_emu_net_q_stats_get(const struct virtio_emu_net_q *q,
			       struct virtio_emu_net_q_stats *stats);

/** Reset the counters. */
void virtio_emu_net_q_stats_reset(struct virtio_emu_net_q *q);

/** Name of a drop reason (xstats), "unknown" when out of range. */
const char *virtio_emu_net_drop_name(unsigned int reason);

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_NET_RXTX_H */
