/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_HOSTSIM_VNET_MODEL_H
#define TEST_HOSTSIM_VNET_MODEL_H

/*
 * A tiny virtio device for the unit tests of the host driver: it plays the
 * device side of split and packed rings on the same memory (the driver's
 * struct hostsim_vq only tells it where the rings are), loops frames back
 * from a transmit queue to a receive queue (mergeable buffers when asked),
 * answers control commands, and can misbehave on request.
 */

#include <stdint.h>

#include "hostsim_vnet.h"

#define TM_MEM_SIZE (32u << 20)
#define TM_IOVA 0x100000000ull
#define TM_MAX_SEGS 64

/* One chain as the device sees it. */
struct tm_chain {
	uint16_t id;		/* split: head index; packed: buffer id */
	uint16_t ndesc;		/* packed: ring descriptors */
	uint16_t nseg;
	struct hostsim_vq_seg seg[TM_MAX_SEGS];
};

/* Device side of one queue. */
struct tm_q {
	struct hostsim_vq *vq;
	uint16_t last_avail;
	uint8_t avail_wrap;
	uint16_t used_idx;
	uint8_t used_wrap;
};

/* Misbehaviour of the loopback device. */
struct tm_faults {
	uint64_t corrupt_at;	/* flip a byte of the frame with this number (+1; 0: none) */
	uint64_t drop_at;	/* drop it */
	uint64_t dup_at;	/* deliver it twice */
	uint64_t swap_at;	/* deliver it after the next one */
};

struct tm_dev {
	struct hostsim_vnet_mem mem;
	uint8_t *base;
	struct hostsim_vnet d;		/* the driver, set up without transport */
	struct tm_q q[3];		/* rx, tx, ctrl */
	int mrg;
	uint64_t notifies[3];
	uint64_t frames;		/* taken from the transmit queue */
	struct tm_faults fault;
	uint8_t pending[65536 + 64];	/* a frame waiting for receive buffers */
	uint32_t pending_len;
	uint8_t held[65536 + 64];	/* a frame held back (swap) */
	uint32_t held_len;
	/* Control queue behaviour: answer with ack (or not at all when -1). */
	int ctrl_ack;
	uint8_t last_cls, last_cmd;
	uint8_t last_data[256];
	uint32_t last_data_len;
};

/* Memory and a driver with rx, tx (and ctrl if @p ctrl) queues. 0 or -1. */
int tm_init(struct tm_dev *t, uint64_t features, uint16_t size, int ctrl, uint16_t max_segs);
void tm_fini(struct tm_dev *t);

/* Local address of [iova, iova + len), NULL if outside. */
void *tm_ptr(struct tm_dev *t, uint64_t iova, uint64_t len);

/* Device side: take the next available chain (1), none (0), or a bad one (-1). */
int tm_pop(struct tm_dev *t, struct tm_q *q, struct tm_chain *c);
/* Device side: return a chain as used with @p len bytes written. */
void tm_push(struct tm_q *q, const struct tm_chain *c, uint32_t len);
/* Raw used entry (hostile tests): split used ring / packed descriptor. */
void tm_push_raw(struct tm_q *q, uint32_t id, uint32_t len, uint16_t ndesc);

/* Device-writable bytes of a chain. */
uint32_t tm_wcap(const struct tm_chain *c);

/* Bus callbacks: loop back, answer control commands. */
void tm_service(void *ctx);

#endif /* TEST_HOSTSIM_VNET_MODEL_H */
