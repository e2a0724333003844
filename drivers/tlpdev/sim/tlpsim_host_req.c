/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <string.h>

#include "tlpsim_host_priv.h"

/* Most upstream records looked at per poll (a flooding device cannot hold us). */
#define TLPSIM_HOST_POLL_BUDGET 256u
/* ABORTED: a request of a lost link, still to be reported by poll. */
#define TLPSIM_TAG_ABORTED 3

void
tlpsim_host_queue_relink(struct tlpsim_host *h, struct tlpsim_host_queue *q, uint32_t gen)
{
	struct tlpsim_host_tag *t;
	unsigned int i;
	void *base = h->ring_va;
	uint32_t slots = h->conf.ring_slots;

	/* Whatever was outstanding belongs to the old link: report it lost. */
	for (i = 0; i < TLPSIM_HOST_TAGS; i++) {
		t = &q->tags[i];
		if (t->state == TLPSIM_TAG_BUSY) {
			t->state = TLPSIM_TAG_ABORTED;
			q->flush = 1;
		} else if (t->state == TLPSIM_TAG_EXPIRED) {
			t->state = TLPSIM_TAG_FREE;
			q->free_tags[q->nb_free++] = (uint16_t)i;
		}
	}
	q->nb_busy = 0;
	q->nb_expired = 0;
	if ((gen & 1) != 0) {
		/* Requests and completions of device reads go down, the rest comes up. */
		tlpsim_ring_attach(&q->req, tlpsim_layout_ring(base, q->qid, TLPSIM_RING_REQ,
							       slots), slots);
		tlpsim_ring_attach(&q->dcpl, tlpsim_layout_ring(base, q->qid, TLPSIM_RING_DCPL,
								slots), slots);
		tlpsim_ring_attach(&q->up, tlpsim_layout_ring(base, q->qid, TLPSIM_RING_UP,
							      slots), slots);
	}
	q->gen = gen;
}

/* The queue, following the link; NULL when the link is down. */
static inline struct tlpsim_host_queue *
tlpsim_host_queue_get(struct tlpsim_host *h, uint16_t qid)
{
	struct tlpsim_host_queue *q = &h->q[qid];
	/* Acquire: pairs with the release in connect; the ring memory is ready. */
	uint32_t g = __atomic_load_n(&h->gen, __ATOMIC_ACQUIRE);

	if (tlpsim_unlikely(g != q->gen))
		tlpsim_host_queue_relink(h, q, g);
	return (g & 1) != 0 ? q : NULL;
}

static inline void
tlpsim_host_tag_free(struct tlpsim_host_queue *q, uint16_t tag)
{
	q->tags[tag].state = TLPSIM_TAG_FREE;
	q->free_tags[q->nb_free++] = tag;
}

int
tlpsim_host_submit(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_req *reqs,
		   uint16_t n)
{
	struct tlpsim_host_queue *q;
	struct tlpsim_host_tag *t;
	struct tlp_hdr hdr;
	uint32_t size;
	uint64_t now;
	uint16_t i, tag = 0;
	uint8_t *p;
	int np, ret, err = 0;

	if (qid >= h->conf.nb_queues)
		return -EINVAL;
	q = tlpsim_host_queue_get(h, qid);
	if (q == NULL)
		return -ENOTCONN;
	now = tlpsim_host_clock();
	for (i = 0; i < n; i++) {
		hdr = reqs[i].hdr;
		hdr.req_id = h->conf.host_rid;
		np = tlpsim_kind_is_nonposted(hdr.kind);
		if (hdr.kind >= TLP_KIND_MAX) {
			err = -EINVAL;
			break;
		}
		if (np) {
			if (reqs[i].buf != NULL && reqs[i].buf_len < tlp_req_byte_count(&hdr) &&
			    (hdr.kind == TLP_KIND_MRD || hdr.kind == TLP_KIND_MRDLK)) {
				err = -EINVAL;
				break;
			}
			if (q->nb_free == 0)
				break;
			tag = q->free_tags[q->nb_free - 1];
			hdr.tag = tag;
		}
		size = tlpsim_tlp_room(&hdr);
		if (size > TLPSIM_REC_MAX_LEN) {
			err = -EINVAL;
			break;
		}
		p = tlpsim_ring_reserve(&q->req, size);
		if (p == NULL)
			break;
		ret = tlp_encode(&hdr, reqs[i].data, p, size);
		if (ret < 0) {
			err = -EINVAL;
			break;
		}
		tlpsim_ring_commit(&q->req, (uint32_t)ret);
		tlpsim_ring_publish_some(&q->req);
		if (np) {
			q->nb_free--;
			t = &q->tags[tag];
			t->cookie = reqs[i].cookie;
			t->t_submit = now;
			t->bytes = 0;
			t->kind = hdr.kind;
			t->state = TLPSIM_TAG_BUSY;
			tlpsim_rd_init(&t->rd, &hdr, reqs[i].buf, h->conf.rcb);
			q->nb_busy++;
			reqs[i].hdr.tag = tag;
		}
	}
	tlpsim_ring_publish(&q->req);
	q->st.requests += i;
	return i == 0 && err != 0 ? err : i;
}

int
tlpsim_host_submit_raw(struct tlpsim_host *h, uint16_t qid, const void *tlp, uint32_t len)
{
	struct tlpsim_host_queue *q;
	uint8_t *p;

	if (qid >= h->conf.nb_queues || len == 0 || len > TLPSIM_REC_MAX_LEN)
		return -EINVAL;
	q = tlpsim_host_queue_get(h, qid);
	if (q == NULL)
		return -ENOTCONN;
	p = tlpsim_ring_reserve(&q->req, len);
	if (p == NULL)
		return 0;
	memcpy(p, tlp, len);
	tlpsim_ring_commit(&q->req, len);
	tlpsim_ring_publish(&q->req);
	q->st.requests++;
	return 1;
}

static inline void
tlpsim_host_cpl_fill(struct tlpsim_host_cpl *c, const struct tlpsim_host_tag *t, uint16_t tag,
		     int status, uint8_t cpl_status, uint64_t rtt)
{
	c->cookie = t->cookie;
	c->status = status;
	c->cpl_status = cpl_status;
	c->kind = t->kind;
	c->tag = tag;
	c->bytes = t->bytes;
	c->rtt_ns = rtt;
}

/*
 * One completion TLP for one of our requests. Returns 1 when it produced an
 * outcome in @c, else 0.
 */
static int
tlpsim_host_cpl_in(struct tlpsim_host *h, struct tlpsim_host_queue *q, const struct tlp_hdr *c,
		   const void *data, uint64_t now, struct tlpsim_host_cpl *out)
{
	struct tlpsim_host_tag *t;
	uint32_t before;
	uint64_t rtt;
	int ret;

	if (tlpsim_unlikely(c->tag >= TLPSIM_HOST_TAGS || c->req_id != h->conf.host_rid)) {
		q->st.cpl_unexpected++;
		return 0;
	}
	t = &q->tags[c->tag];
	if (tlpsim_unlikely(t->state != TLPSIM_TAG_BUSY)) {
		if (t->state == TLPSIM_TAG_EXPIRED) {
			/* The timeout was reported already; the tag may be reused now. */
			q->st.cpl_late++;
			q->nb_expired--;
			tlpsim_host_tag_free(q, c->tag);
		} else {
			q->st.cpl_unexpected++;
		}
		return 0;
	}
	before = t->rd.remaining;
	ret = tlpsim_rd_accept(&t->rd, c, data);
	if (ret == TLPSIM_RD_MORE) {
		t->bytes += before - t->rd.remaining;
		return 0;
	}
	if (ret == TLPSIM_RD_DONE)
		t->bytes += before;
	rtt = now - t->t_submit;
	if (tlpsim_unlikely(rtt > h->timeout_ticks)) {
		/* Slower than the completion timeout: an error, as a root port reports it. */
		q->st.cpl_timeouts++;
		ret = -ETIMEDOUT;
	} else if (ret == TLPSIM_RD_DONE) {
		q->st.completed++;
		ret = 0;
	} else if (ret == -EPROTO) {
		q->st.cpl_malformed++;
	} else {
		q->st.cpl_errors++;
	}
	tlpsim_host_cpl_fill(out, t, c->tag, ret, c->cpl_status,
			     (uint64_t)((double)rtt * h->ns_per_tick));
	q->nb_busy--;
	tlpsim_host_tag_free(q, c->tag);
	return 1;
}

/* Report requests of a lost link. */
static uint16_t
tlpsim_host_flush(struct tlpsim_host_queue *q, struct tlpsim_host_cpl *cpls, uint16_t n)
{
	struct tlpsim_host_tag *t;
	uint16_t nb = 0;
	unsigned int i;

	for (i = 0; i < TLPSIM_HOST_TAGS && nb < n; i++) {
		t = &q->tags[i];
		if (t->state != TLPSIM_TAG_ABORTED)
			continue;
		tlpsim_host_cpl_fill(&cpls[nb++], t, (uint16_t)i, -ENOTCONN, 0, 0);
		q->st.aborted++;
		tlpsim_host_tag_free(q, (uint16_t)i);
	}
	if (i == TLPSIM_HOST_TAGS)
		q->flush = 0;
	return nb;
}

/* Report requests older than the completion timeout; recycle expired tags. */
static uint16_t
tlpsim_host_scan(struct tlpsim_host *h, struct tlpsim_host_queue *q, uint64_t now,
		 struct tlpsim_host_cpl *cpls, uint16_t n)
{
	struct tlpsim_host_tag *t;
	uint16_t nb = 0;
	unsigned int i;

	for (i = 0; i < TLPSIM_HOST_TAGS; i++) {
		t = &q->tags[i];
		if (t->state == TLPSIM_TAG_BUSY && now - t->t_submit > h->timeout_ticks) {
			if (nb == n)
				return nb;	/* the rest at the next scan */
			tlpsim_host_cpl_fill(&cpls[nb++], t, (uint16_t)i, -ETIMEDOUT, 0, 0);
			q->st.cpl_timeouts++;
			q->nb_busy--;
			/* Keep the tag out of use for another timeout: a late answer is not
			 * mistaken for the answer to a new request.
			 */
			t->state = TLPSIM_TAG_EXPIRED;
			t->t_submit = now;
			q->nb_expired++;
		} else if (t->state == TLPSIM_TAG_EXPIRED && now - t->t_submit > h->timeout_ticks) {
			q->nb_expired--;
			tlpsim_host_tag_free(q, (uint16_t)i);
		}
	}
	q->next_scan = now + h->scan_ticks;
	return nb;
}

/* One poll of queue @p q's rings (the stash aside); n > 0. */
static uint16_t
tlpsim_host_poll_rings(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_queue *q,
		       struct tlpsim_host_cpl *cpls, uint16_t n)
{
	unsigned int budget = TLPSIM_HOST_POLL_BUDGET;
	const uint8_t *rec;
	const void *data;
	struct tlp_hdr hdr;
	uint16_t nb = 0;
	uint64_t now, next;
	uint32_t len;
	int ret;

	/* Follow the link; flush what a lost link left. */
	tlpsim_host_queue_get(h, qid);
	if (tlpsim_unlikely(q->flush))
		nb = tlpsim_host_flush(q, cpls, n);
	if ((q->gen & 1) != 0) {
		ret = tlpsim_ring_peek(&q->up, &rec, &len);
		/*
		 * Nothing arrived: the clock (for timeouts and the link check)
		 * is read on one empty poll in 64 only.
		 */
		if (ret == 0 && (++q->idle & 63) != 0)
			return nb;
		now = tlpsim_host_clock();
		while (ret != 0 && nb < n && budget-- > 0) {
			if (tlpsim_unlikely(ret < 0)) {
				q->st.up_malformed++;
				ret = tlpsim_ring_peek(&q->up, &rec, &len);
				continue;
			}
			if (tlpsim_unlikely(tlp_decode(rec, len, &hdr, &data) != 0 ||
					    !tlpsim_payload_in(rec, len, data, hdr.len_dw))) {
				q->st.up_malformed++;
			} else if (tlpsim_kind_is_cpl(hdr.kind)) {
				nb += tlpsim_host_cpl_in(h, q, &hdr, data, now, &cpls[nb]);
			} else {
				/* No room to answer yet: leave the request for the next poll. */
				if (tlpsim_host_serve(h, q, &hdr, data) == -EAGAIN)
					break;
			}
			tlpsim_ring_next(&q->up);
			ret = tlpsim_ring_peek(&q->up, &rec, &len);
		}
		tlpsim_ring_release(&q->up);
		tlpsim_ring_publish(&q->dcpl);
	} else {
		now = tlpsim_host_clock();
	}
	if (tlpsim_unlikely(now >= q->next_scan) && (q->nb_busy != 0 || q->nb_expired != 0))
		nb += tlpsim_host_scan(h, q, now, &cpls[nb], (uint16_t)(n - nb));
	/* About every millisecond, one thread checks the socket for a hang-up. */
	next = __atomic_load_n(&h->next_check, __ATOMIC_RELAXED);
	if (tlpsim_unlikely(now >= next) && (q->gen & 1) != 0 &&
	    __atomic_compare_exchange_n(&h->next_check, &next, now + h->check_ticks, 0,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		tlpsim_host_link_check(h);
	return nb;
}

/* Hand back outcomes kept while serving for a synchronous access. */
static uint16_t
tlpsim_host_unstash(struct tlpsim_host_queue *q, struct tlpsim_host_cpl *cpls, uint16_t n)
{
	uint16_t nb = 0;

	while (q->stash_nb > 0 && nb < n) {
		cpls[nb++] = q->stash[q->stash_head];
		q->stash_head = (uint16_t)((q->stash_head + 1) % TLPSIM_HOST_TAGS);
		q->stash_nb--;
	}
	return nb;
}

uint16_t
tlpsim_host_poll(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_cpl *cpls, uint16_t n)
{
	struct tlpsim_host_queue *q;
	uint16_t nb = 0;

	if (qid >= h->conf.nb_queues || n == 0)
		return 0;
	q = &h->q[qid];
	if (tlpsim_unlikely(q->stash_nb != 0)) {
		nb = tlpsim_host_unstash(q, cpls, n);
		if (nb == n)
			return nb;
	}
	return (uint16_t)(nb + tlpsim_host_poll_rings(h, qid, q, &cpls[nb], (uint16_t)(n - nb)));
}

void
tlpsim_host_serve_others(struct tlpsim_host *h, uint16_t qid)
{
	struct tlpsim_host_cpl cpls[32];
	struct tlpsim_host_queue *q;
	uint16_t i, k, nb, room, tail;
	const uint16_t batch = (uint16_t)(sizeof(cpls) / sizeof(cpls[0]));

	for (i = 0; i < h->conf.nb_queues; i++) {
		if (i == qid)
			continue;
		q = &h->q[i];
		/*
		 * Each tag has one outcome at most before the application submits
		 * again, which it cannot do while it waits: the stash never fills.
		 */
		room = (uint16_t)(TLPSIM_HOST_TAGS - q->stash_nb);
		if (room == 0)
			continue;
		nb = tlpsim_host_poll_rings(h, i, q, cpls, room < batch ? room : batch);
		for (k = 0; k < nb; k++) {
			tail = (uint16_t)((q->stash_head + q->stash_nb) % TLPSIM_HOST_TAGS);
			q->stash[tail] = cpls[k];
			q->stash_nb++;
		}
	}
}
