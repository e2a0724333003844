/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_NET_H
#define VIRTIO_EMU_NET_H

/**
 * @file
 * virtio-net device model on the virtio-pci transport.
 *
 * A virtio_emu_net is one virtio-net PCI function: it offers a configurable
 * feature set, checks the driver's choice against the feature dependencies
 * of the specification, serves the device configuration (mac, status,
 * max_virtqueue_pairs, mtu, speed, duplex), runs the control virtqueue (rx
 * mode, MAC table, MAC address, VLAN filter, multiqueue pairs, announce
 * acknowledgement) and keeps the resulting filter state for the ethdev PMD.
 *
 * Queues: receive queue of pair i is 2i, transmit queue 2i+1, the control
 * queue (with CTRL_VQ offered) is 2N where N = max_queue_pairs.
 *
 * Threading: every function runs on the control thread (the one that calls
 * pcifn_service() and virtio_emu_net_service()), except the data-path
 * handshake virtio_emu_qsync_poll(), which the lcore polling a queue calls
 * at the start of each burst.
 *
 * Quiesce handshake (device reset, per-queue reset): a data queue may only
 * be stopped once the lcore polling it has finished its current burst. Each
 * queue has a struct virtio_emu_qsync. The control thread moves its request
 * generation to "stopped" (odd) and waits until the data path echoes it
 * (virtio_emu_qsync_poll() at the next burst start, which then returns false
 * and leaves the ring alone); a queue with no lcore attached
 * (virtio_emu_net_queue_attach()) is quiet at once. virtio_emu_net_service()
 * finishes the resets whose queues have all answered. When the queue is
 * enabled again the generation moves to "running" (even).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "virtio_emu.h"
#include "virtio_emu_net_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

struct virtio_emu_net;
struct virtio_emu_vq;

/** Most MAC filter entries per table (unicast, multicast). */
#define VIRTIO_EMU_NET_MAC_TABLE_MAX	64
/** Most queue pairs. */
#define VIRTIO_EMU_NET_MAX_PAIRS	((VIRTIO_EMU_MAX_QUEUES - 1) / 2)

/** Device features offered by default (the ones this library implements). */
#define VIRTIO_EMU_NET_FEATURES_DEFAULT ( \
	VIRTIO_EMU_F(VIRTIO_F_VERSION_1) | VIRTIO_EMU_F(VIRTIO_F_ACCESS_PLATFORM) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_MAC) | VIRTIO_EMU_F(VIRTIO_NET_F_STATUS) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_MTU) | VIRTIO_EMU_F(VIRTIO_NET_F_SPEED_DUPLEX) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_EMU_F(VIRTIO_NET_F_CSUM) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_CSUM) | VIRTIO_EMU_F(VIRTIO_NET_F_HOST_TSO4) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_HOST_TSO6) | VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_TSO4) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_TSO6) | VIRTIO_EMU_F(VIRTIO_NET_F_MQ) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VLAN) | VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_MAC_ADDR) | \
	VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_ANNOUNCE) | VIRTIO_EMU_F(VIRTIO_F_RING_PACKED) | \
	VIRTIO_EMU_F(VIRTIO_F_EVENT_IDX) | VIRTIO_EMU_F(VIRTIO_F_INDIRECT_DESC) | \
	VIRTIO_EMU_F(VIRTIO_F_IN_ORDER) | VIRTIO_EMU_F(VIRTIO_F_RING_RESET))

/** Every feature this library can offer (a superset of the default). */
#define VIRTIO_EMU_NET_FEATURES_SUPPORTED (VIRTIO_EMU_NET_FEATURES_DEFAULT | \
	VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX_EXTRA) | \
	VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA))

/** Creation parameters. Zero fields take the defaults shown. */
struct virtio_emu_net_params {
	uint64_t features;		/**< offered; 0: VIRTIO_EMU_NET_FEATURES_DEFAULT.
					 *   Bits outside _SUPPORTED are refused (EINVAL).
					 *   MQ is dropped when max_queue_pairs is 1. */
	uint8_t mac[VIRTIO_NET_MAC_LEN]; /**< all zero: 02:00:00:00:00:01 */
	uint16_t max_queue_pairs;	/**< 1 */
	uint16_t mtu;			/**< 1500 (68..65535) */
	uint32_t speed;			/**< Mbit/s; 0: VIRTIO_NET_SPEED_UNKNOWN */
	uint8_t duplex;			/**< VIRTIO_NET_DUPLEX_*; 0 means half */
	bool duplex_unknown;		/**< report VIRTIO_NET_DUPLEX_UNKNOWN */
	bool link_down;			/**< start with the link down */
	uint16_t queue_size_max;	/**< 256 */
	uint16_t mac_table_max;		/**< VIRTIO_EMU_NET_MAC_TABLE_MAX (1..64) */
	bool bar32;			/**< 32-bit non-prefetchable BAR 0 */
	bool no_msix;			/**< INTx only */
	uint16_t dma_qid;		/**< tlpdev queue for control-path DMA and the
					 *   default for data queues (0) */
	bool dma_copy;			/**< engine queues use the tlpdev DMA ops even
					 *   when host memory can be mapped */
};

/** Filter and link state the PMD applies (snapshot). */
struct virtio_emu_net_state {
	uint64_t features;		/**< negotiated (0 before FEATURES_OK) */
	bool driver_ok;			/**< DRIVER_OK set and no NEEDS_RESET */
	bool link_up;
	bool promisc;			/**< CTRL_RX: all packets */
	bool allmulti;			/**< CTRL_RX: all multicast */
	bool alluni;			/**< CTRL_RX_EXTRA */
	bool nomulti;
	bool nouni;
	bool nobcast;
	uint8_t mac[VIRTIO_NET_MAC_LEN]; /**< current station address */
	uint16_t active_pairs;		/**< queue pairs in use (1 until VQ_PAIRS_SET) */
	uint32_t nb_uc;			/**< unicast filter entries */
	uint32_t nb_mc;			/**< multicast filter entries */
	uint8_t uc[VIRTIO_EMU_NET_MAC_TABLE_MAX][VIRTIO_NET_MAC_LEN];
	uint8_t mc[VIRTIO_EMU_NET_MAC_TABLE_MAX][VIRTIO_NET_MAC_LEN];
	bool vlan_filter;		/**< CTRL_VLAN negotiated: drop untagged-in-table */
	uint64_t vlan[VIRTIO_NET_VLAN_ID_COUNT / 64]; /**< bit set: VLAN id allowed */
};

/** What changed (event callback). */
enum virtio_emu_net_event {
	VIRTIO_EMU_NET_EV_DRIVER_OK = 1, /**< driver started: queues usable */
	VIRTIO_EMU_NET_EV_RESET,	/**< device reset completed: all state dropped */
	VIRTIO_EMU_NET_EV_NEEDS_RESET,	/**< the device gave up (NEEDS_RESET set) */
	VIRTIO_EMU_NET_EV_QUEUE_ENABLE,	/**< a data queue was enabled (arg: index) */
	VIRTIO_EMU_NET_EV_QUEUE_STOP,	/**< a data queue is stopping (arg: index) */
	VIRTIO_EMU_NET_EV_RX_MODE,	/**< promisc/allmulti/... changed */
	VIRTIO_EMU_NET_EV_MAC_TABLE,	/**< MAC filter tables replaced */
	VIRTIO_EMU_NET_EV_MAC_ADDR,	/**< station address changed */
	VIRTIO_EMU_NET_EV_VLAN,		/**< VLAN filter changed (arg: VLAN id) */
	VIRTIO_EMU_NET_EV_MQ,		/**< active pairs changed (arg: pairs) */
	VIRTIO_EMU_NET_EV_ANNOUNCE_ACK,	/**< driver acknowledged an announce */
	/**
	 * The engine queue of data queue @p arg is about to be freed (stop,
	 * reset, free). The data path has left it (handshake answered, or no
	 * lcore attached): drop every object built on it now (an ethdev PMD
	 * frees its virtio_emu_net_q here, which returns held chains to it).
	 * After this event virtio_emu_net_vq() returns NULL for the queue.
	 */
	VIRTIO_EMU_NET_EV_QUEUE_RELEASE,
};

/** Event callback; runs on the control thread. */
typedef void (*virtio_emu_net_event_cb)(struct virtio_emu_net *net,
					 enum virtio_emu_net_event ev, uint32_t arg,
					 void *cb_arg);

/**
 * Create a virtio-net function (not yet in a pcifn group).
 * @return the device, or NULL with rte_errno: EINVAL (bad parameters,
 * logged), ENOMEM.
 */
struct virtio_emu_net *virtio_emu_net_create(const struct virtio_emu_net_params *params,
					     virtio_emu_net_event_cb cb, void *cb_arg);

/** Free it (its pcifn must have been removed from its group). NULL: no-op. */
void virtio_emu_net_free(struct virtio_emu_net *net);

/** The transport. */
struct virtio_emu_pci *virtio_emu_net_pci(struct virtio_emu_net *net);

/** The PCI function, to add to a pcifn group. */
struct pcifn *virtio_emu_net_fn(struct virtio_emu_net *net);

/**
 * Control-thread work: transport housekeeping, control queue commands,
 * completion of resets whose queues have become quiet. Call it in the loop
 * that calls pcifn_service(). @return 0, -EINVAL.
 */
int virtio_emu_net_service(struct virtio_emu_net *net);

/** Snapshot of the filter/link state. @return 0, -EINVAL. */
int virtio_emu_net_state_get(const struct virtio_emu_net *net,
			     struct virtio_emu_net_state *state);

/**
 * Set the link state (config status LINK_UP); with STATUS negotiated the
 * driver gets a configuration change. @return 0, -EINVAL.
 */
int virtio_emu_net_link_set(struct virtio_emu_net *net, bool up);

/**
 * Ask the driver to announce itself (status ANNOUNCE + configuration
 * change). @return 0, -EINVAL, -ENOTSUP (GUEST_ANNOUNCE and CTRL_VQ not
 * negotiated), -EAGAIN (driver not running).
 */
int virtio_emu_net_announce(struct virtio_emu_net *net);

/**
 * Change the MAC address in the device configuration (device side, e.g.
 * from the PMD's mac_addr_set). @return 0, -EINVAL.
 */
int virtio_emu_net_mac_set(struct virtio_emu_net *net, const uint8_t mac[VIRTIO_NET_MAC_LEN]);

/**
 * Change the MTU in the device configuration (VIRTIO_NET_F_MTU): the
 * configuration generation moves and, with DRIVER_OK, the driver gets a
 * configuration change interrupt.
 * @return 0, -EINVAL (below 68), -ENOTSUP (MTU not offered, or the driver
 * accepted its features without MTU: it would never read the field).
 */
int virtio_emu_net_mtu_set(struct virtio_emu_net *net, uint16_t mtu);

/** Counters of the device model. */
struct virtio_emu_net_stats {
	uint64_t ctrl_ok;		/**< control commands answered OK */
	uint64_t ctrl_err;		/**< answered ERR (unknown, malformed, refused) */
	uint64_t ctrl_bad_chain;	/**< chains without a valid header or ack */
	uint64_t ctrl_dma_err;		/**< host memory access failures */
	uint64_t features_refused;	/**< FEATURES_OK refused by the net rules */
};

/** Read the counters. @return 0, -EINVAL. */
int virtio_emu_net_stats_get(const struct virtio_emu_net *net,
			     struct virtio_emu_net_stats *stats);

/**
 * The ring engine queue of queue @p index, created by the device when the
 * driver enabled the queue (direct path when the tlpdev maps host memory
 * and dma_copy is off, DMA path otherwise). Valid from the
 * VIRTIO_EMU_NET_EV_QUEUE_ENABLE event until the queue's stop completed (the
 * data path must check virtio_emu_qsync_poll() before each burst). NULL for
 * a disabled queue and for the control queue (served by the device).
 */
struct virtio_emu_vq *virtio_emu_net_vq(struct virtio_emu_net *net, uint16_t index);

/**
 * Choose the tlpdev queue whose DMA the engine queue of data queue @p index
 * uses (the queue of the lcore that polls it); applies from its next enable.
 * @return 0, -EINVAL.
 */
int virtio_emu_net_queue_dma_qid_set(struct virtio_emu_net *net, uint16_t index, uint16_t qid);

/* ---- data-path quiesce handshake ---- */

/** One queue's stop/run handshake (one cache line). */
struct virtio_emu_qsync {
	uint32_t req;		/**< written by control: odd = stopped */
	uint32_t ack;		/**< written by the data path: last req seen */
	uint8_t attached;	/**< an lcore polls this queue */
} __rte_cache_aligned;

/**
 * The handshake of queue @p index, or NULL (no such queue). Valid for the
 * device's lifetime.
 */
struct virtio_emu_qsync *virtio_emu_net_qsync(struct virtio_emu_net *net, uint16_t index);

/**
 * Declare whether an lcore polls queue @p index (control thread, before the
 * lcore starts / after it stopped polling). A detached queue is quiet at
 * once. @return 0, -EINVAL.
 */
int virtio_emu_net_queue_attach(struct virtio_emu_net *net, uint16_t index, bool attached);

/**
 * Data path: call at the start of every burst on the queue. Returns true
 * when the queue may be used in this burst, false when it must not be
 * touched (stopped or being reset). Echoes a new request to the control
 * thread: the previous burst is over.
 */
static inline bool
virtio_emu_qsync_poll(struct virtio_emu_qsync *s, uint32_t *seen)
{
	/* Acquire: the queue state the control thread set up before moving req. */
	uint32_t req = __atomic_load_n(&s->req, __ATOMIC_ACQUIRE);

	if (unlikely(req != *seen)) {
		*seen = req;
		/* Release: every ring access of the previous burst is done. */
		__atomic_store_n(&s->ack, req, __ATOMIC_RELEASE);
	}
	return (req & 1) == 0;
}

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_NET_H */
