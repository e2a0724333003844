/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPDEV_H
#define TLPDEV_H

/**
 * @file
 * TLP-device class: application API.
 *
 * A tlpdev is one PCIe link endpoint that the DPU owns for emulation. Request
 * TLPs aimed at the emulated functions arrive on its queues
 * (tlpdev_rx_burst()); the application answers with completions
 * (tlpdev_tx_burst()), reads and writes host memory with device-initiated DMA
 * (tlpdev_dma_submit(), tlpdev_dma_complete()), raises MSI/MSI-X interrupts
 * (tlpdev_msi_send()) and learns about link and reset events
 * (tlpdev_event_dequeue()).
 *
 * Burst and DMA calls on one queue must come from one thread at a time; calls
 * on different queues may run in parallel. Control calls (start, stop, close,
 * events, stats) are not thread-safe against each other.
 */

#include <stdint.h>
#include <stdalign.h>

#include "tlp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Maximum number of tlpdevs in a process. */
#define TLPDEV_MAX_DEVS 32
/** Maximum length of a tlpdev name, terminating NUL included. */
#define TLPDEV_NAME_LEN 64
/** Maximum number of queues of one tlpdev. */
#define TLPDEV_MAX_QUEUES 16
/** Maximum number of host memory regions a driver can map. */
#define TLPDEV_MAX_MEM_REGIONS 8

/** A request TLP received from the host, in caller-provided storage. */
struct tlp_req {
	struct tlp_hdr hdr;	/**< decoded header */
	uint32_t data_len;	/**< payload bytes in @c data (hdr.len_dw * 4, or 0) */
	alignas(8) uint8_t data[TLP_MAX_DATA]; /**< payload, as on the wire */
};

/** A completion to send to the host, in caller-provided storage. */
struct tlp_cpl {
	struct tlp_hdr hdr;	/**< header; hdr.kind is a completion kind */
	alignas(8) uint8_t data[TLP_MAX_DATA]; /**< payload (hdr.len_dw * 4 bytes for CplD) */
};

/** Capability flags of struct tlpdev_info. */
#define TLPDEV_CAP_HOST_MAP (1u << 0)	/**< tlpdev_host_mem_map() is available */
#define TLPDEV_CAP_CFG_TLPS (1u << 1)	/**< config requests reach software */

/** Static information about a tlpdev. */
struct tlpdev_info {
	const char *driver_name;	/**< driver that owns the device */
	uint16_t nb_queues;		/**< number of queues */
	uint16_t max_payload;		/**< Max_Payload_Size of the link, bytes */
	uint16_t max_read_req;		/**< Max_Read_Request_Size used for DMA reads, bytes */
	uint16_t rcb;			/**< read completion boundary, bytes */
	uint32_t caps;			/**< TLPDEV_CAP_* */
};

/** Device events. */
enum tlpdev_event_type {
	TLPDEV_EVENT_LINK_UP = 1,	/**< a host is attached, TLPs may flow */
	TLPDEV_EVENT_LINK_DOWN,		/**< the host is gone; host memory mappings are stale */
	TLPDEV_EVENT_HOT_RESET,		/**< hot reset / PERST: every function resets */
	TLPDEV_EVENT_FLR,		/**< FLR requested by the host (hardware-owned config) */
	TLPDEV_EVENT_BME,		/**< bus master enable changed; value: new state */
};

/** One event. */
struct tlpdev_event {
	uint16_t type;		/**< enum tlpdev_event_type */
	uint16_t rid;		/**< routing ID of the function concerned, if any */
	uint32_t value;		/**< type-specific value */
	uint64_t seq;		/**< per-device sequence number, starting at 1 */
};

/** Direction of a DMA operation. */
enum tlpdev_dma_dir {
	TLPDEV_DMA_READ = 0,	/**< host memory to local buffer */
	TLPDEV_DMA_WRITE = 1,	/**< local buffer to host memory */
};

/**
 * One device-initiated DMA operation. Owned by the driver from
 * tlpdev_dma_submit() until tlpdev_dma_complete() returns it.
 */
struct tlpdev_dma_op {
	uint64_t host_addr;	/**< bus address in host memory */
	void *buf;		/**< local buffer */
	uint32_t len;		/**< bytes, 1..UINT32_MAX */
	uint8_t dir;		/**< enum tlpdev_dma_dir */
	int32_t status;		/**< on completion: 0 or a negative errno */
	void *cookie;		/**< for the caller, untouched by the driver */
	uint64_t drv[4];	/**< driver private */
};

/** A direct mapping of a range of host memory into this process. */
struct tlpdev_mem_region {
	uint64_t host_addr;	/**< first bus address of the range */
	uint64_t len;		/**< length in bytes */
	void *va;		/**< where it is mapped here */
};

/** Error reasons counted per device beside malformed TLPs. */
enum tlpdev_err {
	TLPDEV_ERR_DMA_BOUNDS = 0,	/**< DMA outside the memory the host granted */
	TLPDEV_ERR_DMA_TIMEOUT,		/**< DMA read completion timed out */
	TLPDEV_ERR_DMA_CPL_STATUS,	/**< DMA read answered UR/CA/CRS or poisoned */
	TLPDEV_ERR_DMA_CPL_UNEXPECTED,	/**< completion matching no outstanding read */
	TLPDEV_ERR_LINK_DOWN,		/**< work dropped because the link went down */
	TLPDEV_ERR_TX_FULL,		/**< upstream ring full, completions left to the caller */
	TLPDEV_ERR_EVENT_OVERFLOW,	/**< event queue full, oldest event lost */
	TLPDEV_ERR_MAX,
};

/** Counters of one device, summed over its queues. */
struct tlpdev_stats {
	uint64_t rx_tlps[TLP_KIND_MAX];	/**< requests received, by kind */
	uint64_t tx_tlps[TLP_KIND_MAX];	/**< TLPs sent upstream, by kind */
	uint64_t rx_malformed[TLP_ERR_MAX]; /**< malformed TLPs dropped, by reason */
	uint64_t errors[TLPDEV_ERR_MAX];	/**< other errors, by reason */
	uint64_t rx_bytes;		/**< request payload bytes received */
	uint64_t tx_bytes;		/**< completion payload bytes sent */
	uint64_t dma_read_ops;		/**< DMA reads completed successfully */
	uint64_t dma_write_ops;		/**< DMA writes completed successfully */
	uint64_t dma_read_bytes;	/**< bytes read by DMA */
	uint64_t dma_write_bytes;	/**< bytes written by DMA */
	uint64_t msi_sent;		/**< MSI/MSI-X messages sent */
};

/** Name of a tlpdev_err reason, for counters. */
const char *tlpdev_err_name(enum tlpdev_err err);

/** Number of tlpdevs currently registered. */
uint16_t tlpdev_count(void);

/**
 * Find a device by name.
 * @return its id, or -ENODEV.
 */
int tlpdev_get_by_name(const char *name);

/** Whether @p dev_id names a registered device. */
int tlpdev_is_valid(uint16_t dev_id);

/** Name of a device, NULL for an invalid id. */
const char *tlpdev_name(uint16_t dev_id);

/**
 * Get static information.
 * @return 0, -ENODEV, -EINVAL (NULL @p info).
 */
int tlpdev_info_get(uint16_t dev_id, struct tlpdev_info *info);

/**
 * Start the device: it accepts a host and TLPs flow.
 * @return 0, -ENODEV, -EALREADY, or the driver's negative errno.
 */
int tlpdev_start(uint16_t dev_id);

/**
 * Stop the device: the link goes down and queues stop.
 * @return 0, -ENODEV, or the driver's negative errno.
 */
int tlpdev_stop(uint16_t dev_id);

/**
 * Stop (if started) and release the device and its resources.
 * @return 0, -ENODEV, or the driver's negative errno.
 */
int tlpdev_close(uint16_t dev_id);

/**
 * Whether a host is attached.
 * @return 1 up, 0 down, -ENODEV.
 */
int tlpdev_link_get(uint16_t dev_id);

/**
 * Receive request TLPs.
 *
 * Malformed TLPs are dropped and counted (stats rx_malformed); completions
 * for the device's own DMA reads are consumed by the DMA engine and never
 * returned here.
 *
 * @param reqs
 *   Array of @p n pointers to caller storage; the first (return value)
 *   entries are filled.
 * @return
 *   Number of requests received (0 on an invalid device or queue).
 */
uint16_t tlpdev_rx_burst(uint16_t dev_id, uint16_t qid, struct tlp_req **reqs, uint16_t n);

/**
 * Send completions upstream. Completions are copied; the caller keeps its
 * storage.
 *
 * @return
 *   Number of completions sent; the rest were not consumed (link full or
 *   down) and remain the caller's to retry or drop.
 */
uint16_t tlpdev_tx_burst(uint16_t dev_id, uint16_t qid, struct tlp_cpl **cpls, uint16_t n);

/**
 * Submit DMA operations. Each accepted operation is returned exactly once by
 * tlpdev_dma_complete() on the same queue, with its status set; operations
 * on one queue complete in the order they were submitted. A write is
 * ordered before any later write, read or MSI of the same queue.
 *
 * @return
 *   Number of operations accepted, the first ones of @p ops.
 */
uint16_t tlpdev_dma_submit(uint16_t dev_id, uint16_t qid, struct tlpdev_dma_op **ops,
			   uint16_t n);

/**
 * Collect completed DMA operations, in submission order.
 *
 * Status: 0, -EFAULT (outside the memory the host granted), -ETIMEDOUT
 * (completion timeout), -EIO (the host answered UR/CA or poisoned data),
 * -ENOTCONN (link down).
 *
 * @return
 *   Number of operations stored in @p ops.
 */
uint16_t tlpdev_dma_complete(uint16_t dev_id, uint16_t qid, struct tlpdev_dma_op **ops,
			     uint16_t n);

/**
 * Copy to or from host memory and wait for the result. For control paths
 * and tests: the queue must have no other DMA operations outstanding. It
 * returns when the driver completes the operation, which every driver does
 * within its completion timeout.
 *
 * @return
 *   0, a DMA status as for tlpdev_dma_complete(), -ENODEV, -EINVAL, -EBUSY
 *   (operations outstanding on the queue), -ENOBUFS (not accepted).
 */
int tlpdev_dma_sync(uint16_t dev_id, uint16_t qid, enum tlpdev_dma_dir dir,
		    uint64_t host_addr, void *buf, uint32_t len);

/**
 * Send an MSI or MSI-X message: a 1 DW memory write of @p data at @p addr,
 * ordered after earlier DMA writes of the queue.
 *
 * @return 0, -ENODEV, -EINVAL, -ENOTCONN (link down), -ENOBUFS (link full).
 */
int tlpdev_msi_send(uint16_t dev_id, uint16_t qid, uint64_t addr, uint32_t data);

/** Message codes of INTx emulation (PCIe Base Spec, INTx messages). */
#define TLP_MSG_ASSERT_INTA 0x20	/**< +1..+3 for INTB..INTD */
#define TLP_MSG_DEASSERT_INTA 0x24	/**< +1..+3 for INTB..INTD */

/**
 * Send a message TLP without data upstream (e.g. INTx assert/deassert),
 * ordered after the queue's earlier DMA writes. Requester ID: @p rid.
 *
 * @return 0, -ENODEV, -EINVAL (bad routing), -ENOTSUP (the driver cannot send
 * messages), -ENOTCONN (link down), -ENOBUFS (link full).
 */
int tlpdev_msg_send(uint16_t dev_id, uint16_t qid, uint16_t rid, uint8_t code,
		    enum tlp_msg_route route);

/**
 * Get the direct mappings of host memory, when the driver offers them
 * (TLPDEV_CAP_HOST_MAP). Valid until the next LINK_DOWN event; after it the
 * addresses stay mapped (to scratch memory) so that accesses in flight do not
 * fault, but they no longer reach the host.
 *
 * @return
 *   Number of regions stored (at most @p max), -ENODEV, -ENOTSUP (no direct
 *   mapping), -ENOTCONN (link down).
 */
int tlpdev_host_mem_map(uint16_t dev_id, struct tlpdev_mem_region *regions, unsigned int max);

/**
 * Translate a host range through mappings got from tlpdev_host_mem_map().
 * Overflow-safe: the whole range [addr, addr + len) must lie in one region.
 *
 * @return the local address, or NULL.
 */
static inline void *
tlpdev_host_translate(const struct tlpdev_mem_region *regions, unsigned int nb,
		      uint64_t addr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < nb; i++) {
		const struct tlpdev_mem_region *r = &regions[i];

		if (addr >= r->host_addr && addr - r->host_addr <= r->len &&
		    len <= r->len - (addr - r->host_addr))
			return (uint8_t *)r->va + (addr - r->host_addr);
	}
	return NULL;
}

/**
 * Get the next event. Also lets the driver notice link changes.
 *
 * @return 1 with @p ev filled, 0 when there is none, -ENODEV, -EINVAL.
 */
int tlpdev_event_dequeue(uint16_t dev_id, struct tlpdev_event *ev);

/**
 * Read the counters.
 * @return 0, -ENODEV, -EINVAL.
 */
int tlpdev_stats_get(uint16_t dev_id, struct tlpdev_stats *stats);

/**
 * Reset the counters.
 * @return 0, -ENODEV.
 */
int tlpdev_stats_reset(uint16_t dev_id);

#ifdef __cplusplus
}
#endif

#endif /* TLPDEV_H */
