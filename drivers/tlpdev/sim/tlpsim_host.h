/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_HOST_H
#define TLPSIM_HOST_H

/**
 * @file
 * Host side of the software PCIe link: a root port with host memory.
 *
 * Plain C and pthreads, no EAL. A host owns its memory (one or more regions
 * at bus addresses, backed by memfds) and connects to a device side listening
 * on a UNIX socket (the tlp_sim vdev). Once the link is up it sends request
 * TLPs downstream (tlpsim_host_submit()) and collects their completions
 * (tlpsim_host_poll()); the same poll services what the device sends
 * upstream: memory reads of host memory are answered with completions split
 * at RCB and Max_Payload_Size, writes land in host memory, writes in the MSI
 * window (0xFEE00000-0xFEEFFFFF) are delivered as interrupts, anything outside
 * host memory is an Unsupported Request. Assert_INTx / Deassert_INTx messages
 * drive one virtual wire per requester and pin, delivered as INTx interrupts;
 * other messages are counted and dropped.
 *
 * Like a root port, the host times every non-posted request: a completion
 * slower than the completion timeout, or missing, is reported with
 * -ETIMEDOUT and counted.
 *
 * Threads: submit and poll of one queue from one thread at a time; different
 * queues in parallel. Control calls (connect, disconnect, destroy) must not
 * run while another thread is in submit or poll. Functions report errors by
 * return value; optional log messages go to the log callback.
 */

#include <stdint.h>

#include "tlp.h"
#include "tlpsim_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tlpsim_host;

/** Log levels of the log callback (syslog values). */
#define TLPSIM_LOG_ERR 3
#define TLPSIM_LOG_WARNING 4
#define TLPSIM_LOG_NOTICE 5
#define TLPSIM_LOG_INFO 6
#define TLPSIM_LOG_DEBUG 7

/** Log callback: one message, without a trailing newline. */
typedef void (*tlpsim_host_log_t)(void *arg, int level, const char *msg);

/** Interrupt callback: an MSI write (address, data) arrived on queue @p qid. */
typedef void (*tlpsim_host_msi_t)(void *arg, uint16_t qid, uint64_t addr, uint32_t data);

/** INTx pins: INTA..INTD are 0..3. */
#define TLPSIM_INTX_PINS 4

/**
 * INTx callback: an Assert_INTx or Deassert_INTx message of requester @p rid
 * for pin @p pin (0..3: INTA..INTD) arrived on queue @p qid; @p level is the
 * state of that virtual wire after it (1 asserted). Called for every such
 * message, in link order, also when it repeats the state the wire had.
 */
typedef void (*tlpsim_host_intx_t)(void *arg, uint16_t qid, uint16_t rid, uint8_t pin,
				   uint8_t level);

/** Default bus address of host memory: the 4 GiB boundary. */
#define TLPSIM_HOST_MEM_BASE_DEFAULT 0x100000000ull
/** Default completion timeout. */
#define TLPSIM_HOST_CPL_TIMEOUT_MS_DEFAULT 50u

/** Host configuration; start from tlpsim_host_conf_init(). */
struct tlpsim_host_conf {
	const char *socket_path;	/**< the device side's socket */
	uint16_t nb_queues;		/**< 1..TLPSIM_MAX_QUEUES, default 1 */
	uint32_t ring_slots;		/**< slots per ring, default TLPSIM_RING_SLOTS_DEFAULT */
	unsigned int nb_regions;	/**< host memory regions, 1..TLPSIM_MAX_REGIONS */
	struct tlpsim_region regions[TLPSIM_MAX_REGIONS]; /**< default: 64 MiB at 4 GiB */
	uint16_t mps;			/**< Max_Payload_Size, default 256 */
	uint16_t mrrs;			/**< Max_Read_Request_Size for the device, default 512 */
	uint16_t rcb;			/**< read completion boundary, default 64 */
	uint8_t tag10;			/**< use and complete 10-bit tags, default 0 */
	uint16_t host_rid;		/**< root port ID, default 00:00.0 */
	uint16_t dev_rid;		/**< the device's ID, default 01:00.0 */
	uint32_t cpl_timeout_ms;	/**< completion timeout, default 50 */
	tlpsim_host_log_t log;		/**< optional log callback */
	void *log_arg;			/**< its argument */
	int log_level;			/**< most verbose level passed on, default NOTICE */
	tlpsim_host_msi_t msi;		/**< optional interrupt callback */
	void *msi_arg;			/**< its argument */
	tlpsim_host_intx_t intx;	/**< optional INTx callback */
	void *intx_arg;			/**< its argument */
	/**
	 * For single-threaded hosts: while a synchronous access (configuration
	 * or MMIO read/write helpers) waits on its queue, also answer what the
	 * device sends on the other queues (its DMA), as a root complex does
	 * while a CPU stalls on a read. Outcomes of asynchronous requests met on
	 * the way are kept and returned by the next tlpsim_host_poll() of their
	 * queue. Default 0: each queue is touched by its own thread only.
	 */
	uint8_t sync_serves_all;
};

/** Fill @p conf with defaults (socket_path NULL). */
void tlpsim_host_conf_init(struct tlpsim_host_conf *conf);

/**
 * Create a host: allocate its memory (zeroed) and queues. Does not connect.
 *
 * @return
 *   0 with *@p hostp set; -EINVAL (bad configuration), -ENOMEM, or the
 *   errno of memfd creation.
 */
int tlpsim_host_create(const struct tlpsim_host_conf *conf, struct tlpsim_host **hostp);

/** Disconnect if connected and free everything. NULL is accepted. */
void tlpsim_host_destroy(struct tlpsim_host *h);

/**
 * Connect to the device side and run the handshake, retrying while nobody
 * listens, until @p timeout_ms. Any previous link is dropped first; requests
 * outstanding on it complete with -ENOTCONN. Host memory keeps its contents.
 *
 * @return
 *   0 (link up), -ETIMEDOUT (nobody answered in time), -ECONNREFUSED (the
 *   device refused the hello: reason logged and kept, see
 *   tlpsim_host_refusal()), -EPROTO (bad answer), or another negative errno.
 */
int tlpsim_host_connect(struct tlpsim_host *h, unsigned int timeout_ms);

/** Reason of the last refusal ("" if none); valid until the next connect. */
const char *tlpsim_host_refusal(const struct tlpsim_host *h, int *code);

/** Orderly disconnect (a bye message, then close). Idempotent. */
void tlpsim_host_disconnect(struct tlpsim_host *h);

/**
 * Check the socket for a hang-up of the device side (one system call; also
 * done by tlpsim_host_poll() about every millisecond).
 *
 * @return 1 link up, 0 link down.
 */
int tlpsim_host_link_check(struct tlpsim_host *h);

/** Whether the link is up, without a system call. */
int tlpsim_host_link_up(const struct tlpsim_host *h);

/**
 * Host memory at bus address @p bus_addr, when [bus_addr, bus_addr + len) lies
 * in one region. The mapping lives as long as the host.
 *
 * @return the local address, or NULL.
 */
void *tlpsim_host_mem(struct tlpsim_host *h, uint64_t bus_addr, uint64_t len);

/** One request to send. */
struct tlpsim_host_req {
	/**
	 * The request: kind, address or config target, len_dw, byte enables, TC,
	 * attributes... The requester ID is set to the host's; the tag of a
	 * non-posted request is chosen by the host and written back here.
	 */
	struct tlp_hdr hdr;
	const void *data;	/**< payload (len_dw * 4 bytes) for writes */
	void *buf;		/**< read data destination, NULL to discard */
	uint32_t buf_len;	/**< its size: at least the bytes the read asks for */
	uint64_t cookie;	/**< returned with the completion */
};

/** The outcome of one non-posted request. */
struct tlpsim_host_cpl {
	uint64_t cookie;	/**< from the request */
	/**
	 * 0 (successful completion), -EIO (UR, CA or poisoned), -EAGAIN
	 * (configuration request retry status), -ETIMEDOUT (completion timeout),
	 * -EPROTO (completion breaking the rules), -ENOTCONN (link went down).
	 */
	int32_t status;
	uint8_t cpl_status;	/**< status field of the last completion TLP */
	uint8_t kind;		/**< kind of the request */
	uint16_t tag;		/**< its tag */
	uint32_t bytes;		/**< data bytes received into the buffer */
	uint64_t rtt_ns;	/**< submission to final completion (0 if none) */
};

/**
 * Send requests on queue @p qid (burst). Non-posted requests take a tag each.
 *
 * @return
 *   Number sent (0 when the ring or the tags are exhausted: poll first),
 *   -ENOTCONN (link down), -EINVAL (the first request is invalid: the codec
 *   refused it, or its buffer is too small), -EINVAL for a bad @p qid.
 */
int tlpsim_host_submit(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_req *reqs,
		       uint16_t n);

/**
 * Send raw bytes as one record on the request ring of queue @p qid, without
 * encoding or checking (for hostile tests). No tag is reserved.
 *
 * @return 1 sent, 0 ring full, -ENOTCONN, -EINVAL (len 0 or too long).
 */
int tlpsim_host_submit_raw(struct tlpsim_host *h, uint16_t qid, const void *tlp, uint32_t len);

/**
 * Service queue @p qid: collect completions of requests (reassembling split
 * reads into their buffers), answer the device's requests, deliver
 * interrupts, report timeouts and link loss.
 *
 * @return Number of outcomes stored in @p cpls.
 */
uint16_t tlpsim_host_poll(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_cpl *cpls,
			  uint16_t n);

/** Non-posted requests of queue @p qid whose outcome tlpsim_host_poll() has not returned yet. */
unsigned int tlpsim_host_outstanding(const struct tlpsim_host *h, uint16_t qid);

/** Host counters, summed over the queues. */
struct tlpsim_host_stats {
	uint64_t requests;		/**< request TLPs sent */
	uint64_t completed;		/**< non-posted requests completed successfully */
	uint64_t cpl_errors;		/**< completed with UR, CA, CRS or poison */
	uint64_t cpl_timeouts;		/**< completion timeouts reported */
	uint64_t cpl_malformed;		/**< completions breaking the rules (-EPROTO) */
	uint64_t cpl_unexpected;	/**< completions matching no outstanding request */
	uint64_t cpl_late;		/**< completions arriving after their timeout */
	uint64_t aborted;		/**< requests lost with the link */
	uint64_t up_malformed;		/**< upstream records or TLPs that did not decode */
	uint64_t dma_reads;		/**< device memory reads answered */
	uint64_t dma_read_bytes;	/**< bytes they read */
	uint64_t dma_writes;		/**< device memory writes applied */
	uint64_t dma_write_bytes;	/**< bytes they wrote */
	uint64_t dma_ur;		/**< device requests outside host memory */
	uint64_t msi;			/**< interrupts delivered */
	uint64_t intx_assert;		/**< Assert_INTx messages received */
	uint64_t intx_deassert;		/**< Deassert_INTx messages received */
	uint64_t msgs_other;		/**< other messages (counted, dropped) */
	uint64_t link_ups;		/**< successful handshakes */
	uint64_t link_downs;		/**< links lost or closed */
};

/** Read the counters. */
void tlpsim_host_stats_get(const struct tlpsim_host *h, struct tlpsim_host_stats *stats);

/**
 * INTx wires of requester @p rid: bit i set while pin i (INTA + i) is
 * asserted. Every wire is deasserted when a link comes up.
 */
uint8_t tlpsim_host_intx_get(const struct tlpsim_host *h, uint16_t rid);

/** The host's clock: cheap and monotonic, in units of its own (TSC on x86). */
uint64_t tlpsim_host_clock(void);
/** Units of tlpsim_host_clock() per second. */
uint64_t tlpsim_host_clock_hz(void);
/** Convert a tlpsim_host_clock() difference to nanoseconds. */
uint64_t tlpsim_host_clock_ns(uint64_t ticks);

/**
 * Synchronous configuration read of register @p reg (DW aligned) of function
 * @p bdf. The queue must have no other requests outstanding.
 *
 * @return 0, or a status as in struct tlpsim_host_cpl, -ENOTCONN, -EINVAL.
 */
int tlpsim_host_cfg_read(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t reg,
			 uint32_t *val);

/**
 * Synchronous configuration write of the bytes of @p val enabled by @p be
 * (bit i: byte i) to register @p reg of function @p bdf.
 *
 * @return as tlpsim_host_cfg_read().
 */
int tlpsim_host_cfg_write(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t reg,
			  uint8_t be, uint32_t val);

/**
 * Synchronous memory read of @p len bytes (1..4096, not crossing 4 KiB) at
 * bus address @p addr.
 *
 * @return as tlpsim_host_cfg_read().
 */
int tlpsim_host_mmio_read(struct tlpsim_host *h, uint16_t qid, uint64_t addr, void *buf,
			  uint32_t len);

/**
 * Memory write of @p len bytes (1..4096, not crossing 4 KiB) at @p addr:
 * posted, returns once sent.
 *
 * @return 0, -ENOTCONN, -EINVAL, -EAGAIN (ring stayed full).
 */
int tlpsim_host_mmio_write(struct tlpsim_host *h, uint16_t qid, uint64_t addr, const void *buf,
			   uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLPSIM_HOST_H */
