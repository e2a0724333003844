/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_FRAME_H
#define HOSTSIM_VNET_FRAME_H

/*
 * Test frames of the traffic command and their verification.
 *
 * A frame: Ethernet header (destination, source, EtherType 0x88b5, local
 * experimental), then a test header (magic, sending queue, frame length,
 * sequence number; 18 bytes), then a pattern that depends on the sequence number and
 * queue, checked byte for byte. Lengths are of the frame as it travels in a
 * virtqueue: no FCS.
 *
 * The sequence tracker keeps, per sending queue, the highest sequence
 * number seen and a window of those seen below it: it tells frames in
 * order, frames after a gap, late ones (reordered), duplicates, and ones too
 * old to tell.
 */

#include <stdint.h>

#define HOSTSIM_FRAME_ETHERTYPE 0x88b5
#define HOSTSIM_FRAME_MAGIC 0x564c5054u		/* "TPLV" little-endian */
#define HOSTSIM_FRAME_ETH_LEN 14
/* Test header: magic (4), queue (2), length (2), zero (2), sequence (8). */
#define HOSTSIM_FRAME_HDR_LEN (HOSTSIM_FRAME_ETH_LEN + 18)
#define HOSTSIM_FRAME_MIN 60			/* 64 on the wire, FCS included */
#define HOSTSIM_FRAME_MAX 65535

/* Outcome of a frame check. */
enum hostsim_frame_verdict {
	HOSTSIM_FRAME_OK = 0,
	HOSTSIM_FRAME_SHORT,		/* shorter than the headers */
	HOSTSIM_FRAME_NOT_OURS,		/* EtherType or magic wrong */
	HOSTSIM_FRAME_BAD_LEN,		/* length field differs from the length received */
	HOSTSIM_FRAME_BAD_QUEUE,	/* sending queue out of range */
	HOSTSIM_FRAME_BAD_DATA,		/* pattern differs */
};

/* Pattern source: 256 + 64 KiB bytes, built once. */
struct hostsim_frame_gen {
	uint8_t dst[6];
	uint8_t src[6];
	uint8_t *pattern;
	/*
	 * Header only (--verify header): frames carry their 32-byte header and
	 * whatever the buffer held after it; only the header is checked. For
	 * benchmarks against drivers that never touch payload; payload
	 * corruption goes unseen.
	 */
	uint8_t hdr_only;
};

int hostsim_frame_gen_init(struct hostsim_frame_gen *g, const uint8_t dst[6],
			   const uint8_t src[6]);
void hostsim_frame_gen_fini(struct hostsim_frame_gen *g);

/* Write the frame (@p len bytes, at least HOSTSIM_FRAME_HDR_LEN) into @p buf. */
void hostsim_frame_build(const struct hostsim_frame_gen *g, uint8_t *buf, uint32_t len,
			 uint16_t queue, uint64_t seq);

/* Check a received frame; fills queue and seq when the headers are readable. */
enum hostsim_frame_verdict hostsim_frame_check(const struct hostsim_frame_gen *g,
					       const uint8_t *buf, uint32_t len,
					       uint16_t nb_queues, uint16_t *queue,
					       uint64_t *seq);

const char *hostsim_frame_verdict_str(enum hostsim_frame_verdict v);

/* Where a sequence number falls. */
enum hostsim_seq_verdict {
	HOSTSIM_SEQ_NEXT = 0,	/* the one expected */
	HOSTSIM_SEQ_GAP,	/* ahead: some before it are missing (so far) */
	HOSTSIM_SEQ_LATE,	/* behind the highest, not seen before: reordered */
	HOSTSIM_SEQ_DUP,	/* seen before */
	HOSTSIM_SEQ_OLD,	/* too far behind to tell */
};

#define HOSTSIM_SEQ_WINDOW 65536u

struct hostsim_seq_track {
	uint64_t next;		/* highest seen + 1 */
	uint64_t missing;	/* below next, not seen (yet) */
	uint64_t *win;		/* bit (s % WINDOW) set: s seen, for s in [next - WINDOW, next) */
};

int hostsim_seq_track_init(struct hostsim_seq_track *t);
void hostsim_seq_track_fini(struct hostsim_seq_track *t);
enum hostsim_seq_verdict hostsim_seq_track_add(struct hostsim_seq_track *t, uint64_t seq);

/*
 * Give up on every number from the highest seen up to @p upto (exclusive):
 * they were in flight when the device was reset. They are not missing; one
 * arriving later is LATE. Returns how many were given up.
 */
uint64_t hostsim_seq_track_skip(struct hostsim_seq_track *t, uint64_t upto);

#endif /* HOSTSIM_VNET_FRAME_H */
