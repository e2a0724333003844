/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_VQ_H
#define HOSTSIM_VNET_VQ_H

/*
 * The driver side of a virtqueue, split or packed, over host memory the
 * device reaches by bus address. No transport here: the caller notifies the
 * device when hostsim_vq_kick_prepare() says so.
 *
 * Use: hostsim_vq_add() chains (each one buffer of one or more segments),
 * hostsim_vq_publish() makes every chain added so far visible at once,
 * hostsim_vq_kick_prepare() tells whether the device asked to be notified,
 * hostsim_vq_get_used() collects used buffers.
 *
 * Everything the device writes (used ring, used descriptors, event
 * suppression) is read once and checked before use: a used id that is out of
 * range or not in flight, a length beyond the buffer, a used index that runs
 * ahead of what is in flight mark the queue broken (reason kept); a broken
 * queue accepts and returns nothing more.
 */

#include <stdint.h>

#include "hostsim_vnet_regs.h"

/* Host memory handed out in aligned pieces; never freed piecewise. */
struct hostsim_vnet_mem {
	uint8_t *va;		/* local address of iova */
	uint64_t iova;		/* bus address of the first byte */
	uint64_t size;
	uint64_t used;
};

/* A zeroed piece of @p len bytes aligned to @p align (a power of 2), or NULL. */
void *hostsim_vnet_mem_alloc(struct hostsim_vnet_mem *m, uint64_t len, uint64_t align,
			     uint64_t *iova);

/* One segment of a buffer. */
struct hostsim_vq_seg {
	uint64_t addr;
	uint32_t len;
	uint8_t write;		/* device-writable */
};

/* A buffer the device has used. */
struct hostsim_vq_used {
	void *cookie;
	uint32_t len;		/* bytes the device wrote (checked against the buffer) */
};

struct hostsim_vq_slot {
	void *cookie;
	uint32_t wlen;		/* device-writable bytes of the chain */
	uint16_t ndesc;		/* ring descriptors it takes (1 when indirect) */
	uint16_t last;		/* split: its last descriptor */
	uint8_t inflight;
};

struct hostsim_vq {
	uint16_t index;		/* virtqueue index on the device */
	uint16_t size;
	uint8_t packed;
	uint8_t event_idx;
	uint8_t indirect;	/* INDIRECT_DESC negotiated and tables allocated */
	uint8_t irq_on;		/* interrupts requested (else suppressed) */
	uint16_t max_segs;	/* segments per chain with an indirect table */
	uint16_t vector;	/* MSI-X vector, HOSTSIM_VIRTIO_NO_VECTOR if none */
	uint64_t notify_addr;	/* bus address to write the index to */
	uint64_t desc_iova, driver_iova, device_iova;
	/* Ring memory. */
	struct hostsim_vring_desc *desc;	/* split */
	struct hostsim_vring_avail *avail;
	struct hostsim_vring_used *used;
	volatile uint16_t *used_event;		/* in the avail ring */
	volatile uint16_t *avail_event;		/* in the used ring */
	struct hostsim_vring_pdesc *pdesc;	/* packed */
	struct hostsim_vring_pevent *drv_event;
	struct hostsim_vring_pevent *dev_event;
	uint8_t *ind_va;	/* indirect tables, max_segs entries per id */
	uint64_t ind_iova;
	/* Driver state. */
	uint16_t num_free;	/* free ring descriptors */
	uint16_t free_head;	/* split: free descriptor list; packed: free id list */
	uint16_t avail_idx;	/* split: shadow avail->idx; packed: next slot to fill */
	uint16_t last_used;	/* split: used entries consumed; packed: next slot to read */
	uint16_t kicked_at;	/* split: avail idx at the last kick decision */
	uint16_t since_kick;	/* packed: descriptors made available since then */
	uint16_t inflight;	/* chains the device holds */
	uint8_t avail_wrap;
	uint8_t used_wrap;
	int32_t pend_head;	/* packed: first head not yet published (-1: none) */
	uint16_t pend_flags;
	uint16_t *next;		/* shadow free-list links */
	struct hostsim_vq_slot *slot;	/* by head descriptor (split) or id (packed) */
	uint64_t mem_at;	/* host memory offset its rings start at (queue reset) */
	/* Failure: set once, never cleared. */
	int broken;
	char err[128];
	/* Counters. */
	uint64_t chains_added;
	uint64_t chains_used;
	uint64_t kicks;
	uint64_t kicks_suppressed;
};

/*
 * Set up @p vq in @p m: rings, indirect tables when @p indirect (@p max_segs
 * segments each), driver state. Split rings need a power-of-2 @p size.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int hostsim_vq_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m, uint16_t index,
		    uint16_t size, int packed, int event_idx, int indirect, uint16_t max_segs);

/* Free what init allocated outside host memory. */
void hostsim_vq_fini(struct hostsim_vq *vq);

/*
 * Add a chain of @p n segments (read-only ones first). Not visible to the
 * device before hostsim_vq_publish(). Returns 0, -ENOSPC (ring full), -EINVAL
 * (bad segments), -EIO (queue broken).
 */
int hostsim_vq_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
		   void *cookie);

/* Make the chains added so far available to the device. */
void hostsim_vq_publish(struct hostsim_vq *vq);

/*
 * After a publish: whether the device wants a notification (its flags or
 * event index). Counts kicks and suppressed kicks.
 */
int hostsim_vq_kick_prepare(struct hostsim_vq *vq);

/*
 * Collect up to @p n used buffers. Returns how many; stops early and marks
 * the queue broken at the first used entry breaking the rules.
 */
uint16_t hostsim_vq_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u, uint16_t n);

/* Whether a used buffer is waiting (no state change). */
int hostsim_vq_has_used(const struct hostsim_vq *vq);

/*
 * Ask for an interrupt at the next used buffer (@p on) or suppress them.
 * After enabling, check hostsim_vq_has_used() before sleeping.
 */
void hostsim_vq_irq(struct hostsim_vq *vq, int on);

/* Mark the queue broken with a reason (printf-like). */
void hostsim_vq_fail(struct hostsim_vq *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Layout specifics (hostsim_vnet_split.c, hostsim_vnet_packed.c). */
int hostsim_vq_split_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m);
int hostsim_vq_split_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
			 void *cookie);
void hostsim_vq_split_publish(struct hostsim_vq *vq);
int hostsim_vq_split_kick_prepare(struct hostsim_vq *vq);
uint16_t hostsim_vq_split_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u,
				   uint16_t n);
int hostsim_vq_split_has_used(const struct hostsim_vq *vq);
void hostsim_vq_split_irq(struct hostsim_vq *vq, int on);

int hostsim_vq_packed_init(struct hostsim_vq *vq, struct hostsim_vnet_mem *m);
int hostsim_vq_packed_add(struct hostsim_vq *vq, const struct hostsim_vq_seg *segs, uint16_t n,
			  void *cookie);
void hostsim_vq_packed_publish(struct hostsim_vq *vq);
int hostsim_vq_packed_kick_prepare(struct hostsim_vq *vq);
uint16_t hostsim_vq_packed_get_used(struct hostsim_vq *vq, struct hostsim_vq_used *u,
				    uint16_t n);
int hostsim_vq_packed_has_used(const struct hostsim_vq *vq);
void hostsim_vq_packed_irq(struct hostsim_vq *vq, int on);

/* Check a used entry (id, len) against the slot table; 0 or -1 (queue broken). */
int hostsim_vq_used_check(struct hostsim_vq *vq, uint32_t id, uint32_t len);

/* Write the indirect table of @p id; returns the table's bus address. */
uint64_t hostsim_vq_indirect_fill(struct hostsim_vq *vq, uint16_t id,
				  const struct hostsim_vq_seg *segs, uint16_t n);

#endif /* HOSTSIM_VNET_VQ_H */
