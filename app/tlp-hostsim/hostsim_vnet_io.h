/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_IO_H
#define HOSTSIM_VNET_IO_H

/*
 * The data path of the traffic command, one queue pair at a time: transmit
 * bursts of test frames (buffers reclaimed from the used ring, chains added
 * in a batch, one publish and at most one notification per burst) and
 * receive bursts (mergeable buffers reassembled, every frame checked and
 * its sequence tracked, buffers reposted in a batch).
 */

#include <stdint.h>

#include "hostsim_vnet.h"
#include "hostsim_vnet_frame.h"

#define HOSTSIM_IO_BURST_MAX 512

struct hostsim_vnet_io_conf {
	uint32_t size_min;	/* frame lengths in the queue (no FCS) */
	uint32_t size_max;
	uint16_t burst;
	uint16_t tx_segs;	/* 1: header and frame in one descriptor */
	uint32_t rx_buf_len;	/* bytes per receive buffer, header included */
	uint32_t window;	/* frames of a queue in flight at most */
};

struct hostsim_vnet_io_stats {
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t tx_ring_full;		/* bursts cut short by a full ring */
	uint64_t tx_window_full;	/* bursts cut short by the window */
	uint64_t rx_frames;		/* frames received (checked or not) */
	uint64_t rx_bytes;
	uint64_t verified;		/* good content, first time seen */
	uint64_t corrupt;		/* content wrong (by reason below) */
	uint64_t corrupt_by[HOSTSIM_FRAME_BAD_DATA + 1];
	uint64_t duplicate;
	uint64_t reordered;		/* late, or too old to tell */
	uint64_t rx_bad_len;		/* used length below the header or above the buffer */
	uint64_t rx_bad_num_buffers;
	uint64_t rx_bad_hdr;		/* offload bits not negotiated */
	uint64_t rx_merged;		/* frames spread over several buffers */
};

/* Checking state shared by the queues: pattern and one tracker per sending queue. */
struct hostsim_vnet_verifier {
	struct hostsim_frame_gen gen;
	struct hostsim_seq_track *track;
	uint16_t nb_queues;
	uint64_t first_errors;		/* corrupt frames reported on stderr so far */
};

struct hostsim_vnet_txq {
	struct hostsim_vnet *dev;
	struct hostsim_vq *vq;
	uint16_t qid;
	const struct hostsim_vnet_io_conf *conf;
	uint8_t *buf;
	uint64_t iova;
	uint32_t stride;
	uint16_t *free_idx;
	uint16_t nb_free;
	uint64_t seq;		/* next sequence number = frames sent */
	uint64_t limit;		/* frames to send */
};

struct hostsim_vnet_rxq {
	struct hostsim_vnet *dev;
	struct hostsim_vq *vq;
	uint16_t qid;
	const struct hostsim_vnet_io_conf *conf;
	uint8_t *buf;
	uint64_t iova;
	uint32_t stride;
	uint16_t *free_idx;
	uint16_t nb_free;
	uint8_t mrg;
	uint8_t *scratch;	/* a frame spread over several buffers */
	uint32_t scratch_len;
	uint32_t got;
	uint16_t left;		/* buffers still to come for it */
	uint8_t skip;		/* drop the rest of a bad merged frame */
};

int hostsim_vnet_verifier_init(struct hostsim_vnet_verifier *v, uint16_t nb_queues,
			       const uint8_t dst[6], const uint8_t src[6]);
void hostsim_vnet_verifier_fini(struct hostsim_vnet_verifier *v);

/* Largest frame a receive buffer set-up can take. */
uint32_t hostsim_vnet_rx_frame_max(const struct hostsim_vnet_io_conf *c, int mrg,
				   uint16_t queue_size);

/* Allocate buffers in the device's host memory. 0 or negative errno. */
int hostsim_vnet_txq_init(struct hostsim_vnet_txq *t, struct hostsim_vnet *d, uint16_t pair,
			  const struct hostsim_vnet_io_conf *c);
int hostsim_vnet_rxq_init(struct hostsim_vnet_rxq *r, struct hostsim_vnet *d, uint16_t pair,
			  const struct hostsim_vnet_io_conf *c);
void hostsim_vnet_txq_fini(struct hostsim_vnet_txq *t);
void hostsim_vnet_rxq_fini(struct hostsim_vnet_rxq *r);

/* After a reset of the queue (its chains are gone): every buffer free again. */
void hostsim_vnet_txq_restart(struct hostsim_vnet_txq *t);
void hostsim_vnet_rxq_restart(struct hostsim_vnet_rxq *r);

/* Reclaim, then send up to a burst (limit and window permitting). Frames sent. */
uint16_t hostsim_vnet_tx_burst(struct hostsim_vnet_txq *t, struct hostsim_vnet_verifier *v,
			       struct hostsim_vnet_io_stats *st);

/* Post every free receive buffer. Buffers posted. */
uint16_t hostsim_vnet_rx_refill(struct hostsim_vnet_rxq *r);

/* Receive and check up to a burst of used buffers, then refill. Buffers used. */
uint16_t hostsim_vnet_rx_burst(struct hostsim_vnet_rxq *r, struct hostsim_vnet_verifier *v,
			       struct hostsim_vnet_io_stats *st);

/* Frame length of sequence number @p seq within [min, max]. */
static inline uint32_t
hostsim_vnet_frame_len(const struct hostsim_vnet_io_conf *c, uint64_t seq)
{
	uint32_t span = c->size_max - c->size_min + 1;

	return span == 1 ? c->size_min : c->size_min + (uint32_t)((seq * 7919u) % span);
}

#endif /* HOSTSIM_VNET_IO_H */
