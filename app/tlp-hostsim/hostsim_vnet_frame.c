/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Test frames: building and checking them (a copy from and a comparison
 * with a pattern table at an offset that depends on the frame, so both run
 * at memcpy / memcmp speed), and the per-queue sequence tracker.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim_vnet_frame.h"

#define HOSTSIM_PATTERN_LEN (256u + HOSTSIM_FRAME_MAX)

int
hostsim_frame_gen_init(struct hostsim_frame_gen *g, const uint8_t dst[6], const uint8_t src[6])
{
	uint32_t x = 0x2545f491u, i;

	memcpy(g->dst, dst, 6);
	memcpy(g->src, src, 6);
	g->hdr_only = 0;
	g->pattern = malloc(HOSTSIM_PATTERN_LEN);
	if (g->pattern == NULL)
		return -ENOMEM;
	/* xorshift: no short period, every byte value frequent. */
	for (i = 0; i < HOSTSIM_PATTERN_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		g->pattern[i] = (uint8_t)(x >> 11);
	}
	return 0;
}

void
hostsim_frame_gen_fini(struct hostsim_frame_gen *g)
{
	free(g->pattern);
	g->pattern = NULL;
}

static inline uint32_t
hostsim_frame_seed(uint16_t queue, uint64_t seq)
{
	return (uint32_t)((seq * 131u + queue * 7u) & 255u);
}

void
hostsim_frame_build(const struct hostsim_frame_gen *g, uint8_t *buf, uint32_t len,
		    uint16_t queue, uint64_t seq)
{
	uint32_t magic = HOSTSIM_FRAME_MAGIC;
	uint16_t flen = (uint16_t)len;

	memcpy(buf, g->dst, 6);
	memcpy(buf + 6, g->src, 6);
	buf[12] = HOSTSIM_FRAME_ETHERTYPE >> 8;
	buf[13] = HOSTSIM_FRAME_ETHERTYPE & 0xff;
	memcpy(buf + 14, &magic, 4);
	memcpy(buf + 18, &queue, 2);
	memcpy(buf + 20, &flen, 2);
	memset(buf + 22, 0, 2);
	memcpy(buf + 24, &seq, 8);
	if (len > HOSTSIM_FRAME_HDR_LEN && !g->hdr_only)
		memcpy(buf + HOSTSIM_FRAME_HDR_LEN, g->pattern + hostsim_frame_seed(queue, seq),
		       len - HOSTSIM_FRAME_HDR_LEN);
}

enum hostsim_frame_verdict
hostsim_frame_check(const struct hostsim_frame_gen *g, const uint8_t *buf, uint32_t len,
		    uint16_t nb_queues, uint16_t *queue, uint64_t *seq)
{
	uint32_t magic;
	uint16_t q, flen;
	uint64_t s;

	if (len < HOSTSIM_FRAME_HDR_LEN)
		return HOSTSIM_FRAME_SHORT;
	memcpy(&magic, buf + 14, 4);
	if (buf[12] != HOSTSIM_FRAME_ETHERTYPE >> 8 ||
	    buf[13] != (HOSTSIM_FRAME_ETHERTYPE & 0xff) || magic != HOSTSIM_FRAME_MAGIC)
		return HOSTSIM_FRAME_NOT_OURS;
	memcpy(&q, buf + 18, 2);
	memcpy(&flen, buf + 20, 2);
	memcpy(&s, buf + 24, 8);
	*queue = q;
	*seq = s;
	if (flen != (uint16_t)len || len > HOSTSIM_FRAME_MAX || buf[22] != 0 || buf[23] != 0)
		return HOSTSIM_FRAME_BAD_LEN;
	if (q >= nb_queues)
		return HOSTSIM_FRAME_BAD_QUEUE;
	if (len > HOSTSIM_FRAME_HDR_LEN && !g->hdr_only &&
	    memcmp(buf + HOSTSIM_FRAME_HDR_LEN, g->pattern + hostsim_frame_seed(q, s),
		   len - HOSTSIM_FRAME_HDR_LEN) != 0)
		return HOSTSIM_FRAME_BAD_DATA;
	return HOSTSIM_FRAME_OK;
}

const char *
hostsim_frame_verdict_str(enum hostsim_frame_verdict v)
{
	switch (v) {
	case HOSTSIM_FRAME_OK:
		return "ok";
	case HOSTSIM_FRAME_SHORT:
		return "short";
	case HOSTSIM_FRAME_NOT_OURS:
		return "not_ours";
	case HOSTSIM_FRAME_BAD_LEN:
		return "bad_len";
	case HOSTSIM_FRAME_BAD_QUEUE:
		return "bad_queue";
	case HOSTSIM_FRAME_BAD_DATA:
		return "bad_data";
	}
	return "?";
}

int
hostsim_seq_track_init(struct hostsim_seq_track *t)
{
	memset(t, 0, sizeof(*t));
	t->win = calloc(HOSTSIM_SEQ_WINDOW / 64, sizeof(uint64_t));
	return t->win == NULL ? -ENOMEM : 0;
}

void
hostsim_seq_track_fini(struct hostsim_seq_track *t)
{
	free(t->win);
	t->win = NULL;
}

static inline void
hostsim_seq_bit_set(struct hostsim_seq_track *t, uint64_t s)
{
	uint64_t b = s % HOSTSIM_SEQ_WINDOW;

	t->win[b / 64] |= UINT64_C(1) << (b % 64);
}

enum hostsim_seq_verdict
hostsim_seq_track_add(struct hostsim_seq_track *t, uint64_t seq)
{
	uint64_t s, b;
	enum hostsim_seq_verdict v;

	if (seq >= t->next) {
		v = seq == t->next ? HOSTSIM_SEQ_NEXT : HOSTSIM_SEQ_GAP;
		/* The window slides: the bits of [next, seq] held numbers one window older. */
		if (seq - t->next >= HOSTSIM_SEQ_WINDOW) {
			memset(t->win, 0, HOSTSIM_SEQ_WINDOW / 8);
		} else {
			for (s = t->next; s <= seq; s++) {
				b = s % HOSTSIM_SEQ_WINDOW;
				t->win[b / 64] &= ~(UINT64_C(1) << (b % 64));
			}
		}
		t->missing += seq - t->next;
		t->next = seq + 1;
		hostsim_seq_bit_set(t, seq);
		return v;
	}
	if (t->next - seq > HOSTSIM_SEQ_WINDOW)
		return HOSTSIM_SEQ_OLD;
	b = seq % HOSTSIM_SEQ_WINDOW;
	if (t->win[b / 64] & (UINT64_C(1) << (b % 64)))
		return HOSTSIM_SEQ_DUP;
	hostsim_seq_bit_set(t, seq);
	if (t->missing > 0)
		t->missing--;
	return HOSTSIM_SEQ_LATE;
}

uint64_t
hostsim_seq_track_skip(struct hostsim_seq_track *t, uint64_t upto)
{
	uint64_t n, s, b;

	if (upto <= t->next)
		return 0;
	n = upto - t->next;
	/* As hostsim_seq_track_add() slides the window, without marking them seen. */
	if (n >= HOSTSIM_SEQ_WINDOW) {
		memset(t->win, 0, HOSTSIM_SEQ_WINDOW / 8);
	} else {
		for (s = t->next; s < upto; s++) {
			b = s % HOSTSIM_SEQ_WINDOW;
			t->win[b / 64] &= ~(UINT64_C(1) << (b % 64));
		}
	}
	t->next = upto;
	return n;
}
