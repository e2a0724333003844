/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_HOST_PRIV_H
#define TLPSIM_HOST_PRIV_H

/* Internal to the host library; never installed. */

#include <stdalign.h>
#include <stdint.h>

#include "tlpsim_host.h"
#include "tlpsim_xfer.h"

/* Tag space: 8-bit tags 0..255; 10-bit tags 256..1023 (Tag[9:8] != 0). */
#define TLPSIM_HOST_TAGS 1024u

enum tlpsim_host_tag_state {
	TLPSIM_TAG_FREE = 0,
	TLPSIM_TAG_BUSY,	/* waiting for completion */
	TLPSIM_TAG_EXPIRED,	/* timed out, reported; kept out of use for a while */
};

/* One outstanding non-posted request. */
struct tlpsim_host_tag {
	uint64_t cookie;
	uint64_t t_submit;	/* host clock at submission (expiry time when EXPIRED) */
	struct tlpsim_rd rd;
	uint32_t bytes;		/* bytes received so far */
	uint8_t state;
	uint8_t kind;
};

/* Per-queue counters, written by the queue's thread only. */
struct tlpsim_host_qstats {
	uint64_t requests;
	uint64_t completed;
	uint64_t cpl_errors;
	uint64_t cpl_timeouts;
	uint64_t cpl_malformed;
	uint64_t cpl_unexpected;
	uint64_t cpl_late;
	uint64_t aborted;
	uint64_t up_malformed;
	uint64_t dma_reads;
	uint64_t dma_read_bytes;
	uint64_t dma_writes;
	uint64_t dma_write_bytes;
	uint64_t dma_ur;
	uint64_t msi;
	uint64_t intx_assert;
	uint64_t intx_deassert;
	uint64_t msgs_other;
};

struct tlpsim_host_queue {
	/* Fast path: touched by the queue's thread only. */
	alignas(64) struct tlpsim_ring req;	/* producer: downstream requests */
	struct tlpsim_ring dcpl;		/* producer: completions of device reads */
	struct tlpsim_ring up;			/* consumer: upstream */
	uint32_t gen;			/* link generation the rings belong to */
	uint16_t qid;
	uint8_t flush;			/* requests of a lost link still to report */
	uint16_t nb_free;		/* entries in free_tags */
	uint16_t nb_busy;		/* BUSY tags */
	uint16_t nb_expired;		/* EXPIRED tags */
	uint64_t next_scan;		/* clock of the next timeout scan */
	uint32_t idle;			/* polls that found nothing, for lazy clock reads */
	uint16_t free_tags[TLPSIM_HOST_TAGS]; /* stack of free tags */
	struct tlpsim_host_qstats st;
	struct tlpsim_host_tag tags[TLPSIM_HOST_TAGS];
	/* Outcomes met while serving for a synchronous access (sync_serves_all). */
	uint16_t stash_head;
	uint16_t stash_nb;
	struct tlpsim_host_cpl stash[TLPSIM_HOST_TAGS];
};

/* One host memory region, mapped here. */
struct tlpsim_host_region {
	uint64_t bus_addr;
	uint64_t size;
	uint8_t *va;
	int fd;
};

struct tlpsim_host {
	struct tlpsim_host_conf conf;
	char path[108];
	struct tlpsim_host_region mem[TLPSIM_MAX_REGIONS];
	unsigned int nb_mem;
	/* Link memory: a fixed address range, remapped for each link. */
	uint8_t *ring_va;
	uint64_t ring_len;
	int sock;			/* connected socket, -1 when none */
	/* Odd while the link is up; bumped by control calls and the link check. */
	uint32_t gen;
	uint64_t timeout_ticks;		/* completion timeout in clock units */
	double ns_per_tick;		/* clock conversion */
	uint64_t scan_ticks;		/* timeout scan period */
	uint64_t check_ticks;		/* link check period */
	uint64_t next_check;		/* clock of the next link check */
	uint64_t link_ups;
	uint64_t link_downs;
	int refusal_code;
	char refusal[128];
	struct tlpsim_host_queue *q;	/* nb_queues entries */
	/* INTx wires by requester ID (bit i: pin i asserted); atomics, any queue. */
	uint8_t intx[1u << 16];
};

void tlpsim_host_log(const struct tlpsim_host *h, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Mark the link down (control path or rate-limited check in poll). */
void tlpsim_host_link_lost(struct tlpsim_host *h);

/* Service one upstream request TLP; returns 0, or -EAGAIN to retry it later. */
/* Answer the device's requests on every queue but @p qid (sync_serves_all). */
void tlpsim_host_serve_others(struct tlpsim_host *h, uint16_t qid);

int tlpsim_host_serve(struct tlpsim_host *h, struct tlpsim_host_queue *q,
		      const struct tlp_hdr *req, const void *data);

/* Make queue state follow the link generation (rings of the new link, flush). */
void tlpsim_host_queue_relink(struct tlpsim_host *h, struct tlpsim_host_queue *q, uint32_t gen);

#endif /* TLPSIM_HOST_PRIV_H */
