/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Data path of the traffic command: transmit and receive bursts of one pair. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim_vnet_io.h"

#define HOSTSIM_IO_HDR_LEN ((uint32_t)sizeof(struct hostsim_vnet_hdr))
#define HOSTSIM_IO_FIRST_ERRORS 8

int
hostsim_vnet_verifier_init(struct hostsim_vnet_verifier *v, uint16_t nb_queues,
			   const uint8_t dst[6], const uint8_t src[6])
{
	uint16_t i;

	memset(v, 0, sizeof(*v));
	v->nb_queues = nb_queues;
	v->track = calloc(nb_queues, sizeof(*v->track));
	if (v->track == NULL || hostsim_frame_gen_init(&v->gen, dst, src) != 0)
		goto nomem;
	for (i = 0; i < nb_queues; i++)
		if (hostsim_seq_track_init(&v->track[i]) != 0)
			goto nomem;
	return 0;
nomem:
	hostsim_vnet_verifier_fini(v);
	return -ENOMEM;
}

void
hostsim_vnet_verifier_fini(struct hostsim_vnet_verifier *v)
{
	uint16_t i;

	for (i = 0; v->track != NULL && i < v->nb_queues; i++)
		hostsim_seq_track_fini(&v->track[i]);
	free(v->track);
	v->track = NULL;
	hostsim_frame_gen_fini(&v->gen);
}

uint32_t
hostsim_vnet_rx_frame_max(const struct hostsim_vnet_io_conf *c, int mrg, uint16_t queue_size)
{
	uint64_t m;

	if (c->rx_buf_len <= HOSTSIM_IO_HDR_LEN)
		return 0;
	m = c->rx_buf_len - HOSTSIM_IO_HDR_LEN;
	if (mrg)
		m += (uint64_t)(queue_size - 1) * c->rx_buf_len;
	return m > HOSTSIM_FRAME_MAX ? HOSTSIM_FRAME_MAX : (uint32_t)m;
}

/* Buffers of a queue: one per ring entry, in host memory, and a free stack. */
static int
hostsim_vnet_bufs_init(struct hostsim_vnet *d, uint16_t n, uint32_t stride, uint8_t **buf,
		       uint64_t *iova, uint16_t **free_idx, uint16_t *nb_free)
{
	uint16_t i;

	*buf = hostsim_vnet_mem_alloc(&d->mem, (uint64_t)n * stride, 64, iova);
	if (*buf == NULL)
		return -ENOMEM;
	*free_idx = malloc(n * sizeof(**free_idx));
	if (*free_idx == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		(*free_idx)[i] = (uint16_t)(n - 1 - i);
	*nb_free = n;
	return 0;
}

int
hostsim_vnet_txq_init(struct hostsim_vnet_txq *t, struct hostsim_vnet *d, uint16_t pair,
		      const struct hostsim_vnet_io_conf *c)
{
	memset(t, 0, sizeof(*t));
	t->dev = d;
	t->vq = hostsim_vnet_txq(d, pair);
	t->qid = pair;
	t->conf = c;
	t->limit = UINT64_MAX;
	t->stride = (HOSTSIM_IO_HDR_LEN + c->size_max + 63) & ~63u;
	return hostsim_vnet_bufs_init(d, t->vq->size, t->stride, &t->buf, &t->iova,
				      &t->free_idx, &t->nb_free);
}

int
hostsim_vnet_rxq_init(struct hostsim_vnet_rxq *r, struct hostsim_vnet *d, uint16_t pair,
		      const struct hostsim_vnet_io_conf *c)
{
	memset(r, 0, sizeof(*r));
	r->dev = d;
	r->vq = hostsim_vnet_rxq(d, pair);
	r->qid = pair;
	r->conf = c;
	r->stride = c->rx_buf_len;
	r->mrg = hostsim_vnet_has(d, HOSTSIM_VF_MRG_RXBUF);
	if (r->mrg) {
		r->scratch_len = hostsim_vnet_rx_frame_max(c, 1, r->vq->size);
		r->scratch = malloc(r->scratch_len);
		if (r->scratch == NULL)
			return -ENOMEM;
	}
	return hostsim_vnet_bufs_init(d, r->vq->size, r->stride, &r->buf, &r->iova,
				      &r->free_idx, &r->nb_free);
}

void
hostsim_vnet_txq_fini(struct hostsim_vnet_txq *t)
{
	free(t->free_idx);
	t->free_idx = NULL;
}

void
hostsim_vnet_rxq_fini(struct hostsim_vnet_rxq *r)
{
	free(r->free_idx);
	free(r->scratch);
	r->free_idx = NULL;
	r->scratch = NULL;
}

static void
hostsim_vnet_free_all(uint16_t *free_idx, uint16_t n, uint16_t *nb_free)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		free_idx[i] = (uint16_t)(n - 1 - i);
	*nb_free = n;
}

void
hostsim_vnet_txq_restart(struct hostsim_vnet_txq *t)
{
	hostsim_vnet_free_all(t->free_idx, t->vq->size, &t->nb_free);
}

void
hostsim_vnet_rxq_restart(struct hostsim_vnet_rxq *r)
{
	hostsim_vnet_free_all(r->free_idx, r->vq->size, &r->nb_free);
	r->got = 0;
	r->left = 0;
	r->skip = 0;
}

/* Cookies are buffer index + 1, so that none is NULL. */
static inline uint16_t
hostsim_vnet_cookie_idx(void *cookie)
{
	return (uint16_t)((uintptr_t)cookie - 1);
}

static inline void *
hostsim_vnet_idx_cookie(uint16_t idx)
{
	return (void *)((uintptr_t)idx + 1);
}

uint16_t
hostsim_vnet_tx_burst(struct hostsim_vnet_txq *t, struct hostsim_vnet_verifier *v,
		      struct hostsim_vnet_io_stats *st)
{
	struct hostsim_vq_used u[HOSTSIM_IO_BURST_MAX];
	struct hostsim_vq_seg segs[16];
	const struct hostsim_vnet_io_conf *c = t->conf;
	struct hostsim_vnet_hdr *hdr;
	uint16_t n, i, k, idx, nseg;
	uint64_t inflight, allowed;
	uint32_t len, piece, off;
	uint8_t *p;

	n = hostsim_vq_get_used(t->vq, u, HOSTSIM_IO_BURST_MAX);
	for (i = 0; i < n; i++)
		t->free_idx[t->nb_free++] = hostsim_vnet_cookie_idx(u[i].cookie);
	n = c->burst;
	if (t->limit - t->seq < n)
		n = (uint16_t)(t->limit - t->seq);
	/* Frames in flight: sent, minus those seen back or known to be missing. */
	inflight = t->seq - v->track[t->qid].next;
	allowed = inflight >= c->window ? 0 : c->window - inflight;
	if (allowed < n) {
		n = (uint16_t)allowed;
		st->tx_window_full++;
	}
	for (k = 0; k < n; k++) {
		if (t->nb_free == 0)
			break;
		idx = t->free_idx[t->nb_free - 1];
		p = t->buf + (size_t)idx * t->stride;
		len = hostsim_vnet_frame_len(c, t->seq);
		hdr = (struct hostsim_vnet_hdr *)p;
		memset(hdr, 0, sizeof(*hdr));
		hostsim_frame_build(&v->gen, p + HOSTSIM_IO_HDR_LEN, len, t->qid, t->seq);
		segs[0].addr = t->iova + (uint64_t)idx * t->stride;
		segs[0].write = 0;
		if (c->tx_segs <= 1) {
			segs[0].len = HOSTSIM_IO_HDR_LEN + len;
			nseg = 1;
		} else {
			/* Header alone, then the frame in tx_segs - 1 pieces. */
			segs[0].len = HOSTSIM_IO_HDR_LEN;
			piece = (len + c->tx_segs - 2) / (c->tx_segs - 1);
			for (nseg = 1, off = 0; off < len && nseg < 16; nseg++, off += piece) {
				segs[nseg].addr = segs[0].addr + HOSTSIM_IO_HDR_LEN + off;
				segs[nseg].len = len - off < piece ? len - off : piece;
				segs[nseg].write = 0;
			}
		}
		if (hostsim_vq_add(t->vq, segs, nseg, hostsim_vnet_idx_cookie(idx)) != 0) {
			st->tx_ring_full++;
			break;
		}
		t->nb_free--;
		t->seq++;
		st->tx_bytes += len;
	}
	st->tx_frames += k;
	if (k > 0)
		hostsim_vnet_kick(t->dev, t->vq);
	return k;
}

uint16_t
hostsim_vnet_rx_refill(struct hostsim_vnet_rxq *r)
{
	struct hostsim_vq_seg seg;
	uint16_t idx, k = 0;

	seg.len = r->stride;
	seg.write = 1;
	while (r->nb_free > 0) {
		idx = r->free_idx[r->nb_free - 1];
		seg.addr = r->iova + (uint64_t)idx * r->stride;
		if (hostsim_vq_add(r->vq, &seg, 1, hostsim_vnet_idx_cookie(idx)) != 0)
			break;
		r->nb_free--;
		k++;
	}
	if (k > 0)
		hostsim_vnet_kick(r->dev, r->vq);
	return k;
}

/* Check one whole frame and track its sequence number. */
static void
hostsim_vnet_rx_frame(struct hostsim_vnet_rxq *r, struct hostsim_vnet_verifier *v,
		      struct hostsim_vnet_io_stats *st, const uint8_t *f, uint32_t len)
{
	enum hostsim_frame_verdict fv;
	uint16_t q = 0;
	uint64_t seq = 0;

	st->rx_frames++;
	st->rx_bytes += len;
	fv = hostsim_frame_check(&v->gen, f, len, v->nb_queues, &q, &seq);
	if (fv != HOSTSIM_FRAME_OK) {
		st->corrupt++;
		st->corrupt_by[fv]++;
		if (v->first_errors++ < HOSTSIM_IO_FIRST_ERRORS)
			fprintf(stderr, "traffic: rx queue %u: corrupt frame (%s), len %u, "
				"queue %u, seq %" PRIu64 "\n", r->qid,
				hostsim_frame_verdict_str(fv), len, q, seq);
		return;
	}
	switch (hostsim_seq_track_add(&v->track[q], seq)) {
	case HOSTSIM_SEQ_NEXT:
	case HOSTSIM_SEQ_GAP:
		st->verified++;
		break;
	case HOSTSIM_SEQ_LATE:
		st->verified++;
		st->reordered++;
		break;
	case HOSTSIM_SEQ_DUP:
		st->duplicate++;
		break;
	case HOSTSIM_SEQ_OLD:
		st->reordered++;
		break;
	}
}

/* One used receive buffer: a frame, its first part, or a later part. */
static void
hostsim_vnet_rx_one(struct hostsim_vnet_rxq *r, struct hostsim_vnet_verifier *v,
		    struct hostsim_vnet_io_stats *st, const uint8_t *p, uint32_t len)
{
	const struct hostsim_vnet_hdr *hdr = (const void *)p;
	uint16_t nb;

	if (r->left > 0) {
		r->left--;
		if (r->skip || len > r->scratch_len - r->got) {
			if (!r->skip)
				st->rx_bad_len++;
			r->skip = 1;
			return;
		}
		memcpy(r->scratch + r->got, p, len);
		r->got += len;
		if (r->left == 0)
			hostsim_vnet_rx_frame(r, v, st, r->scratch, r->got);
		return;
	}
	if (len < HOSTSIM_IO_HDR_LEN) {
		st->rx_bad_len++;
		return;
	}
	if ((hdr->flags & HOSTSIM_VNET_HDR_F_NEEDS_CSUM &&
	     !hostsim_vnet_has(r->dev, HOSTSIM_VF_GUEST_CSUM)) ||
	    (hdr->gso_type != HOSTSIM_VNET_HDR_GSO_NONE &&
	     !hostsim_vnet_has(r->dev, HOSTSIM_VF_GUEST_TSO4) &&
	     !hostsim_vnet_has(r->dev, HOSTSIM_VF_GUEST_TSO6)))
		st->rx_bad_hdr++;
	nb = r->mrg ? hdr->num_buffers : 1;
	if (nb == 0 || nb > r->vq->size) {
		st->rx_bad_num_buffers++;
		return;
	}
	len -= HOSTSIM_IO_HDR_LEN;
	if (nb == 1) {
		hostsim_vnet_rx_frame(r, v, st, p + HOSTSIM_IO_HDR_LEN, len);
		return;
	}
	st->rx_merged++;
	r->skip = 0;
	r->left = (uint16_t)(nb - 1);
	r->got = 0;
	if (len > r->scratch_len) {
		st->rx_bad_len++;
		r->skip = 1;
		return;
	}
	memcpy(r->scratch, p + HOSTSIM_IO_HDR_LEN, len);
	r->got = len;
}

uint16_t
hostsim_vnet_rx_burst(struct hostsim_vnet_rxq *r, struct hostsim_vnet_verifier *v,
		      struct hostsim_vnet_io_stats *st)
{
	struct hostsim_vq_used u[HOSTSIM_IO_BURST_MAX];
	uint16_t n, i, idx, want = r->conf->burst;

	n = hostsim_vq_get_used(r->vq, u, want);
	for (i = 0; i < n; i++) {
		idx = hostsim_vnet_cookie_idx(u[i].cookie);
		/* The length was checked against the buffer by the ring. */
		hostsim_vnet_rx_one(r, v, st, r->buf + (size_t)idx * r->stride, u[i].len);
		r->free_idx[r->nb_free++] = idx;
	}
	if (n > 0)
		hostsim_vnet_rx_refill(r);
	return n;
}
