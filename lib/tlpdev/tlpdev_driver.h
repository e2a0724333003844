/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPDEV_DRIVER_H
#define TLPDEV_DRIVER_H

/**
 * @file
 * TLP-device class: driver API.
 *
 * A driver allocates a device with tlpdev_allocate() and a const ops table.
 * The library checks the mandatory ops once, at allocation, validates the
 * application's arguments (device id, queue id, NULL pointers) before calling
 * an op, and answers -ENOTSUP for an absent optional op; drivers do not
 * re-check any of it.
 */

#include <stdint.h>

#include <rte_common.h>

#include "tlpdev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tlpdev;

/** Driver operations. */
struct tlpdev_ops {
	/* Mandatory. */
	/** Fill @p info (driver_name and nb_queues at least). */
	void (*info_get)(struct tlpdev *dev, struct tlpdev_info *info);
	/** Start accepting a host. 0 or negative errno. */
	int (*start)(struct tlpdev *dev);
	/** Stop: drop the host, fail outstanding DMA. 0 or negative errno. */
	int (*stop)(struct tlpdev *dev);
	/** Release everything the driver holds; the device is stopped. */
	int (*close)(struct tlpdev *dev);
	/** 1 when a host is attached. */
	int (*link_get)(struct tlpdev *dev);
	/** Receive requests, as tlpdev_rx_burst(). */
	uint16_t (*rx_burst)(struct tlpdev *dev, uint16_t qid, struct tlp_req **reqs,
			     uint16_t n);
	/** Send completions, as tlpdev_tx_burst(). */
	uint16_t (*tx_burst)(struct tlpdev *dev, uint16_t qid, struct tlp_cpl **cpls,
			     uint16_t n);
	/** Submit DMA, as tlpdev_dma_submit(). */
	uint16_t (*dma_submit)(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
			       uint16_t n);
	/** Collect DMA, as tlpdev_dma_complete(). */
	uint16_t (*dma_complete)(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops,
				 uint16_t n);
	/** Send an MSI, as tlpdev_msi_send(). */
	int (*msi_send)(struct tlpdev *dev, uint16_t qid, uint64_t addr, uint32_t data);

	/* Optional. */
	/** Direct host memory mappings, as tlpdev_host_mem_map(). */
	int (*host_mem_map)(struct tlpdev *dev, struct tlpdev_mem_region *regions,
			    unsigned int max);
	/** Send a message TLP, as tlpdev_msg_send(); @p msg is a Msg header. */
	int (*msg_send)(struct tlpdev *dev, uint16_t qid, const struct tlp_hdr *msg);
	/**
	 * Notice link and reset changes and post them with tlpdev_event_post().
	 * Called from the control path (tlpdev_event_dequeue()), never from a burst.
	 */
	void (*event_poll)(struct tlpdev *dev);
};

/** Per-queue counters, written only by the thread that owns the queue. */
struct tlpdev_queue_stats {
	uint64_t rx_tlps[TLP_KIND_MAX];
	uint64_t tx_tlps[TLP_KIND_MAX];
	uint64_t rx_malformed[TLP_ERR_MAX];
	uint64_t errors[TLPDEV_ERR_MAX];
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t dma_read_ops;
	uint64_t dma_write_ops;
	uint64_t dma_read_bytes;
	uint64_t dma_write_bytes;
	uint64_t msi_sent;
	uint64_t dma_inflight;	/**< submitted and not yet completed (not a counter) */
} __rte_cache_aligned;

/** Capacity of a device's event queue. */
#define TLPDEV_EVENT_QUEUE_SIZE 64

/** One device, as the library and its driver see it. */
struct tlpdev {
	char name[TLPDEV_NAME_LEN];	/**< unique name */
	uint16_t id;			/**< index in the device table */
	uint16_t nb_queues;		/**< fixed at allocation */
	uint8_t started;		/**< between start and stop */
	const struct tlpdev_ops *ops;	/**< driver ops */
	void *priv;			/**< driver private data, zeroed */
	struct tlpdev_queue_stats *qstats; /**< nb_queues + 1 entries; the last for control */
	/* Event queue (control path only). */
	struct tlpdev_event events[TLPDEV_EVENT_QUEUE_SIZE];
	uint32_t ev_head;		/**< next to dequeue */
	uint32_t ev_count;		/**< queued events */
	uint64_t ev_seq;		/**< last sequence number given */
};

/**
 * Allocate and register a device.
 *
 * @param name
 *   Unique name.
 * @param ops
 *   Const ops table; every mandatory op must be set.
 * @param priv_size
 *   Size of the zeroed, cache-aligned private area (dev->priv).
 * @param nb_queues
 *   1..TLPDEV_MAX_QUEUES.
 * @return
 *   The device, or NULL with rte_errno set: EINVAL (missing mandatory op,
 *   bad argument), EEXIST (name taken), ENOSPC (table full), ENOMEM.
 */
struct tlpdev *tlpdev_allocate(const char *name, const struct tlpdev_ops *ops,
			       size_t priv_size, uint16_t nb_queues);

/**
 * Unregister and free a device allocated by tlpdev_allocate(). Does not call
 * any op.
 */
void tlpdev_release(struct tlpdev *dev);

/** Look a device up by name, for drivers' remove paths. NULL if none. */
struct tlpdev *tlpdev_find(const char *name);

/**
 * Queue an event for the application. When the queue is full the oldest
 * event is dropped and counted (TLPDEV_ERR_EVENT_OVERFLOW).
 */
void tlpdev_event_post(struct tlpdev *dev, enum tlpdev_event_type type, uint16_t rid,
		       uint32_t value);

/** Count a malformed TLP dropped on queue @p qid (negative or positive tlp_err). */
static inline void
tlpdev_drv_count_malformed(struct tlpdev *dev, uint16_t qid, int err)
{
	unsigned int e = (unsigned int)(err < 0 ? -err : err);

	if (e >= TLP_ERR_MAX)
		e = TLP_ERR_INVAL;
	dev->qstats[qid].rx_malformed[e]++;
}

/** Count an error on queue @p qid (qid == nb_queues for the control path). */
static inline void
tlpdev_drv_count_err(struct tlpdev *dev, uint16_t qid, enum tlpdev_err err)
{
	dev->qstats[qid].errors[err]++;
}

#ifdef __cplusplus
}
#endif

#endif /* TLPDEV_DRIVER_H */
