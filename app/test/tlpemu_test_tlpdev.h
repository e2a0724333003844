/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPEMU_TEST_TLPDEV_H
#define TLPEMU_TEST_TLPDEV_H

/**
 * @file
 * "test_tlpdev": an in-process tlpdev driver for tests.
 *
 * The test plays the host. It injects request TLPs (decoded headers, or raw
 * wire bytes that go through tlp_decode() as in a real driver, so malformed
 * ones are dropped and counted); rx_burst returns them in order. Everything
 * the device sends upstream (completions, MSI memory writes, messages) is
 * captured in order, with the queue it left on, for the test to inspect.
 * Host memory is a malloc'ed buffer at a configurable bus address, offered
 * through host_mem_map and reached by bounds-checked DMA that completes at
 * submission. Link up/down and hot reset are injectable, and a "link full"
 * knob makes tx_burst, msi_send and msg_send take less than offered.
 *
 * The host helpers (tlpemu_test_cfg_read() ...) inject one request, run the
 * service hook the test installed (typically pcifn_service()) and return the
 * answer, checking the completion rules on the way: matching tag and
 * requester, byte counts and lower addresses consistent across split
 * completions.
 *
 * Control calls only; one thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tlpdev.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tlpemu_test_tlpdev;

/** Creation parameters; zero fields take the defaults shown. */
struct tlpemu_test_tlpdev_conf {
	uint16_t nb_queues;	/**< 1 */
	uint16_t max_payload;	/**< reported link MPS, 256 */
	uint16_t rcb;		/**< reported RCB, 64 */
	uint64_t host_mem_base;	/**< bus address of host memory, 0x100000000 */
	size_t host_mem_size;	/**< bytes, 1 MiB */
	unsigned int rx_depth;	/**< injected requests held per queue, 256 */
	unsigned int up_depth;	/**< upstream TLPs captured, 1024 */
	bool no_msg;		/**< no msg_send op (tlpdev_msg_send() gives -ENOTSUP) */
};

/** Kind of a captured upstream TLP. */
enum tlpemu_test_up_kind {
	TLPEMU_TEST_UP_CPL = 1,	/**< a completion from tx_burst */
	TLPEMU_TEST_UP_MSI,	/**< an MSI/MSI-X memory write */
	TLPEMU_TEST_UP_MSG,	/**< a message (INTx...) */
};

/** One TLP sent upstream. */
struct tlpemu_test_up {
	uint8_t kind;		/**< enum tlpemu_test_up_kind */
	uint16_t qid;		/**< queue it was sent on */
	struct tlp_hdr hdr;	/**< completion or message header; MSI: an MWr header */
	uint32_t msi_data;	/**< MSI: the data DW */
	uint8_t data[TLP_MAX_DATA]; /**< completion payload (hdr.len_dw * 4 bytes) */
};

/**
 * Create, register and start a test tlpdev named @p name; its link is up
 * (a LINK_UP event is queued).
 * @return the device, or NULL.
 */
struct tlpemu_test_tlpdev *tlpemu_test_tlpdev_create(const char *name,
						     const struct tlpemu_test_tlpdev_conf *conf);

/** Close and free it. */
void tlpemu_test_tlpdev_destroy(struct tlpemu_test_tlpdev *t);

/** Its tlpdev id. */
uint16_t tlpemu_test_tlpdev_id(const struct tlpemu_test_tlpdev *t);

/**
 * Inject a request as a decoded header and its payload (@p data: len_dw * 4
 * bytes for kinds with data, may be NULL then for zeros). The header is not
 * checked: tests may inject what no decoder would pass.
 * @return 0, -ENOBUFS (queue full), -EINVAL.
 */
int tlpemu_test_tlpdev_inject(struct tlpemu_test_tlpdev *t, uint16_t qid,
			      const struct tlp_hdr *h, const void *data);

/**
 * Inject raw wire bytes. They go through tlp_decode(): a malformed TLP is
 * dropped and counted in the device's rx_malformed stats, as a driver does.
 * @return 0, a negative enum tlp_err (dropped), -ENOBUFS, -EINVAL.
 */
int tlpemu_test_tlpdev_inject_raw(struct tlpemu_test_tlpdev *t, uint16_t qid,
				  const void *buf, size_t len);

/** Requests injected and not yet received on @p qid. */
unsigned int tlpemu_test_tlpdev_rx_pending(const struct tlpemu_test_tlpdev *t, uint16_t qid);

/** Number of captured upstream TLPs. */
unsigned int tlpemu_test_tlpdev_up_count(const struct tlpemu_test_tlpdev *t);

/** The @p i th captured upstream TLP (0: oldest), or NULL. */
const struct tlpemu_test_up *tlpemu_test_tlpdev_up_peek(const struct tlpemu_test_tlpdev *t,
							 unsigned int i);

/** Remove the oldest captured TLP into @p out (may be NULL). @return 1, or 0 if none. */
int tlpemu_test_tlpdev_up_pop(struct tlpemu_test_tlpdev *t, struct tlpemu_test_up *out);

/** Drop every captured TLP. */
void tlpemu_test_tlpdev_up_clear(struct tlpemu_test_tlpdev *t);

/** Count captured TLPs of one kind. */
unsigned int tlpemu_test_tlpdev_up_count_kind(const struct tlpemu_test_tlpdev *t,
					      enum tlpemu_test_up_kind kind);

/**
 * Discard upstream TLPs instead of capturing them (benchmarks); they are
 * still counted by tlpemu_test_tlpdev_up_total().
 */
void tlpemu_test_tlpdev_set_discard(struct tlpemu_test_tlpdev *t, bool discard);

/** Upstream TLPs accepted since creation, captured or not. */
uint64_t tlpemu_test_tlpdev_up_total(const struct tlpemu_test_tlpdev *t);

/**
 * Link full knob: each tx_burst takes at most @p per_call TLPs and each
 * msi_send/msg_send fails with -ENOBUFS when @p per_call is 0. -1: no limit.
 */
void tlpemu_test_tlpdev_set_tx_limit(struct tlpemu_test_tlpdev *t, int per_call);

/**
 * Make the link go down (LINK_DOWN event) after @p short_calls more tx_burst
 * calls that took fewer TLPs than offered; 0: never.
 */
void tlpemu_test_tlpdev_set_link_fail_after(struct tlpemu_test_tlpdev *t,
					    unsigned int short_calls);

/** tx_burst calls that took fewer TLPs than offered. */
uint64_t tlpemu_test_tlpdev_tx_short(const struct tlpemu_test_tlpdev *t);

/** Take the link down (LINK_DOWN event) or up again (LINK_UP event). */
void tlpemu_test_tlpdev_link_set(struct tlpemu_test_tlpdev *t, bool up);

/** Queue a HOT_RESET event. */
void tlpemu_test_tlpdev_hot_reset(struct tlpemu_test_tlpdev *t);

/** Host memory: its local address; @p base and @p size may be NULL. */
void *tlpemu_test_tlpdev_host_mem(struct tlpemu_test_tlpdev *t, uint64_t *base, size_t *size);

/** DMA operations submitted (accepted) since creation. */
uint64_t tlpemu_test_tlpdev_dma_count(const struct tlpemu_test_tlpdev *t);

/**
 * The hook the host helpers call after injecting a request: it should serve
 * the device's queues (e.g. call pcifn_service()).
 */
void tlpemu_test_tlpdev_set_service(struct tlpemu_test_tlpdev *t, void (*service)(void *arg),
				    void *arg);

/** Run the service hook once. */
void tlpemu_test_tlpdev_service(struct tlpemu_test_tlpdev *t);

/** Requester ID and bus the host helpers use. */
void tlpemu_test_tlpdev_set_host(struct tlpemu_test_tlpdev *t, uint16_t req_id, uint8_t bus);

/** Answer to one host request. */
struct tlpemu_test_rsp {
	int status;			/**< enum tlp_cpl_status of the (first) completion */
	unsigned int nb_cpl;		/**< completions received for the request */
	uint32_t len;			/**< data bytes reassembled */
	struct tlp_hdr cpl[64];		/**< headers of the first completions */
	uint8_t data[TLP_MAX_DATA];	/**< reassembled data, from the first byte asked */
};

/**
 * Config read of the DW at @p reg of function @p fn_num (bus from
 * set_host, device 0) with byte enables @p be.
 * @return the completion status (>= 0; the value is stored only for SC), or
 * -ETIMEDOUT (no completion), -EPROTO (more than one, or a malformed one).
 */
int tlpemu_test_cfg_read(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, uint8_t be,
			 uint32_t *value);

/** Config write; @return as tlpemu_test_cfg_read(). */
int tlpemu_test_cfg_write(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, uint8_t be,
			  uint32_t value);

/** Config read/write to an explicit routing ID (any device number), Type 0 or 1. */
int tlpemu_test_cfg_rw(struct tlpemu_test_tlpdev *t, uint16_t cfg_id, bool type1, bool write,
		       uint16_t reg, uint8_t be, uint32_t *value);

/**
 * Memory read of @p len bytes (1..4096, not crossing 4 KiB) at @p addr:
 * byte enables trim the request to exactly those bytes. @p rsp receives
 * every completion; the data is reassembled and the completion rules
 * checked (tags, byte counts, lower addresses, lengths).
 * @return the status (>= 0), -ETIMEDOUT, -EPROTO, -EINVAL.
 */
int tlpemu_test_mem_read(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			 struct tlpemu_test_rsp *rsp);

/**
 * Memory write of @p len bytes at @p addr (posted).
 * @return 0, -EPROTO (a completion came back for it), -EINVAL.
 */
int tlpemu_test_mem_write(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			  const void *buf);

/** Read and write 1, 2, 4 or 8 bytes; @return as mem_read/mem_write. */
int tlpemu_test_mem_read_val(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			     uint64_t *value);
int tlpemu_test_mem_write_val(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			      uint64_t value);

/**
 * Fill a memory request header for @p len bytes at @p addr (byte enables
 * and Length computed). @return 0, -EINVAL.
 */
int tlpemu_test_mem_hdr(struct tlp_hdr *h, bool write, uint64_t addr, uint32_t len,
			uint16_t req_id, uint16_t tag);

/**
 * Check the completions captured for one request and reassemble their data
 * (used by mem_read; exposed for tests that inject by hand). Takes the
 * completions matching @p req's requester and tag out of the capture list.
 * @return as tlpemu_test_mem_read().
 */
int tlpemu_test_collect(struct tlpemu_test_tlpdev *t, const struct tlp_hdr *req,
			struct tlpemu_test_rsp *rsp);

#ifdef __cplusplus
}
#endif

#endif /* TLPEMU_TEST_TLPDEV_H */
