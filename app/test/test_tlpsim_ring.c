/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The link ring (tlpsim_ring.h): full/empty, wrap and pad records, records
 * of every size, bursts, 32-bit index wrap, a hostile producer and consumer
 * (the slot array sits between inaccessible guard pages: any read or write
 * outside it crashes the test), and two threads streaming records.
 */

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tlpsim_ring.h>

#include "tlpemu_test.h"

#define PAGE 4096u
#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* A ring in memory fenced by guard pages on both sides. */
struct guarded {
	uint8_t *map;
	size_t map_len;
	void *ring;
	uint32_t slots;
};

static int
guarded_new(struct guarded *g, uint32_t slots)
{
	size_t len = tlpsim_ring_mem_size(slots);
	size_t pages = (len + PAGE - 1) / PAGE;

	g->slots = slots;
	g->map_len = (pages + 2) * PAGE;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (g->map == MAP_FAILED)
		return -1;
	mprotect(g->map, PAGE, PROT_NONE);
	mprotect(g->map + (pages + 1) * PAGE, PAGE, PROT_NONE);
	/* The slot array ends exactly at the upper guard page. */
	g->ring = g->map + (pages + 1) * PAGE - len;
	tlpsim_ring_shared_init(g->ring);
	return 0;
}

static void
guarded_free(struct guarded *g)
{
	munmap(g->map, g->map_len);
}

/* Attach producer and consumer with both indices at @p start. */
static void
attach_at(struct tlpsim_ring *p, struct tlpsim_ring *c, struct guarded *g, uint32_t start)
{
	tlpsim_ring_attach(p, g->ring, g->slots);
	tlpsim_ring_attach(c, g->ring, g->slots);
	p->sh->prod = start;
	p->sh->cons = start;
	p->head = p->cache = p->published = start;
	c->head = c->cache = c->published = start;
}

static void
fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i);
}

static int
check(const uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed * 31 + i))
			return 0;
	return 1;
}

static int
put(struct tlpsim_ring *r, uint32_t len, uint32_t seed)
{
	uint8_t *p = tlpsim_ring_reserve(r, len);

	if (p == NULL)
		return 0;
	fill(p, len, seed);
	tlpsim_ring_commit(r, len);
	return 1;
}

static int
test_ring_empty_full(void)
{
	struct tlpsim_ring p, c;
	struct guarded g;
	const uint8_t *tlp;
	uint32_t len, n = 0, i;

	TEST_ASSERT(guarded_new(&g, 256) == 0, "mmap");
	attach_at(&p, &c, &g, 0);
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 0, "new ring is empty");
	while (put(&p, 60, n))	/* 4 + 60 bytes: one slot each */
		n++;
	TEST_ASSERT_EQUAL(n, 256, "a ring of 256 slots holds 256 one-slot records");
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 0, "nothing visible before publish");
	tlpsim_ring_publish(&p);
	TEST_ASSERT_EQUAL(tlpsim_ring_count(&c), 256, "count");
	TEST_ASSERT_EQUAL(tlpsim_ring_free(&p), 0, "free");
	for (i = 0; i < n; i++) {
		TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 1, "record %u", i);
		TEST_ASSERT(len == 60 && check(tlp, len, i), "record %u content", i);
		tlpsim_ring_next(&c);
	}
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 0, "drained");
	/* Space comes back only when released. */
	TEST_ASSERT(!put(&p, 1, 0), "still full before release");
	tlpsim_ring_release(&c);
	TEST_ASSERT_EQUAL(tlpsim_ring_free(&p), 256, "free after release");
	TEST_ASSERT(put(&p, 1, 0), "room again");
	/* A record of 65 slots fits an empty ring at any position. */
	tlpsim_ring_publish(&p);
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 1, "small one");
	tlpsim_ring_next(&c);
	tlpsim_ring_release(&c);
	TEST_ASSERT(put(&p, TLPSIM_REC_MAX_LEN, 7), "maximum record");
	tlpsim_ring_publish(&p);
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 1, "maximum record out");
	TEST_ASSERT(len == TLPSIM_REC_MAX_LEN && check(tlp, len, 7), "maximum record content");
	guarded_free(&g);
	return TEST_SUCCESS;
}

/* Sizes cycling through the pad cases, indices crossing 2^32. */
static int
test_ring_wrap_pad(void)
{
	static const uint32_t sizes[] = { 60, 61, 200, 4000, 1, TLPSIM_REC_MAX_LEN, 124, 2048 };
	uint32_t start = 0xffffff00u, seq_in = 0, seq_out = 0, len, pads = 0, before;
	struct tlpsim_ring p, c;
	struct guarded g;
	const uint8_t *tlp;
	unsigned int round;

	TEST_ASSERT(guarded_new(&g, 256) == 0, "mmap");
	attach_at(&p, &c, &g, start);
	for (round = 0; round < 20000; round++) {
		/* Produce until full, consume about half, repeat. */
		for (;;) {
			len = sizes[seq_in % DIM(sizes)];
			before = p.head;
			if (!put(&p, len, seq_in))
				break;
			if (p.head - before != tlpsim_rec_slots(len))
				pads++;
			seq_in++;
		}
		tlpsim_ring_publish(&p);
		while (seq_out < seq_in - (seq_in - seq_out) / 2) {
			TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &len), 1, "rec %u", seq_out);
			TEST_ASSERT_EQUAL(len, sizes[seq_out % DIM(sizes)], "len of %u", seq_out);
			TEST_ASSERT(check(tlp, len, seq_out), "content of %u", seq_out);
			tlpsim_ring_next(&c);
			seq_out++;
		}
		tlpsim_ring_release(&c);
	}
	TEST_ASSERT(pads > 1000, "pad records written (%u)", pads);
	TEST_ASSERT(c.head < start, "indices wrapped past 2^32");
	guarded_free(&g);
	return TEST_SUCCESS;
}

static int
test_ring_all_sizes(void)
{
	struct tlpsim_ring p, c;
	struct guarded g;
	const uint8_t *tlp;
	uint32_t len, got;

	TEST_ASSERT(guarded_new(&g, 1024) == 0, "mmap");
	attach_at(&p, &c, &g, 12345);
	for (len = 1; len <= TLPSIM_REC_MAX_LEN; len++) {
		TEST_ASSERT(put(&p, len, len), "put %u", len);
		tlpsim_ring_publish(&p);
		TEST_ASSERT_EQUAL(tlpsim_ring_peek(&c, &tlp, &got), 1, "peek %u", len);
		TEST_ASSERT_EQUAL(got, len, "length");
		TEST_ASSERT(check(tlp, got, len), "content of %u", len);
		TEST_ASSERT((uintptr_t)tlp % 4 == 0, "TLP 4-byte aligned");
		tlpsim_ring_next(&c);
		tlpsim_ring_release(&c);
	}
	guarded_free(&g);
	return TEST_SUCCESS;
}

static int
test_ring_bursts(void)
{
	static const unsigned int ns[] = { 1, 2, 3, 7, 16, 31, 32, 33, 64, 255, 300 };
	uint8_t buf[300][100];
	const void *recs[300];
	uint32_t lens[300];
	const uint8_t *out[300];
	uint32_t out_len[300], seq_in = 0, seq_out = 0;
	struct tlpsim_ring p, c;
	struct guarded g;
	unsigned int i, k, n, got, broken = 0;

	TEST_ASSERT(guarded_new(&g, 256) == 0, "mmap");
	attach_at(&p, &c, &g, 0);
	for (k = 0; k < 200; k++) {
		n = ns[k % DIM(ns)];
		for (i = 0; i < n; i++) {
			lens[i] = 1 + (seq_in + i) % 100;
			fill(buf[i], lens[i], seq_in + i);
			recs[i] = buf[i];
		}
		got = tlpsim_ring_enqueue_burst(&p, recs, lens, n);
		TEST_ASSERT(got <= n, "enqueue count");
		if (n > 200)
			TEST_ASSERT(got < n, "a burst beyond the ring is cut short");
		seq_in += got;
		n = ns[(k + 3) % DIM(ns)];
		got = tlpsim_ring_dequeue_burst(&c, out, out_len, n, &broken);
		for (i = 0; i < got; i++, seq_out++) {
			TEST_ASSERT_EQUAL(out_len[i], 1 + seq_out % 100, "len");
			TEST_ASSERT(check(out[i], out_len[i], seq_out), "content %u", seq_out);
		}
		tlpsim_ring_release(&c);
		TEST_ASSERT(got == n || seq_out == seq_in, "dequeue takes what there is");
	}
	TEST_ASSERT_EQUAL(broken, 0, "no broken records");
	lens[0] = 0;
	TEST_ASSERT_EQUAL(tlpsim_ring_enqueue_burst(&p, recs, lens, 1), 0, "length 0 refused");
	lens[0] = TLPSIM_REC_MAX_LEN + 1;
	TEST_ASSERT_EQUAL(tlpsim_ring_enqueue_burst(&p, recs, lens, 1), 0, "too long refused");
	guarded_free(&g);
	return TEST_SUCCESS;
}

/* Write a raw record header at slot @p pos. */
static void
raw_hdr(struct guarded *g, uint32_t pos, uint16_t len, uint16_t type)
{
	struct tlpsim_rec_hdr h = { .len = len, .type = type };

	memcpy((uint8_t *)g->ring + TLPSIM_RING_HDR_SIZE + (size_t)pos * TLPSIM_SLOT_SIZE, &h,
	       sizeof(h));
}

/* Expect one peek to report a broken ring and resynchronise on @p prod. */
static int
expect_broken(struct tlpsim_ring *c, uint32_t prod, const char *what)
{
	const uint8_t *tlp;
	uint32_t len;

	c->sh->prod = prod;
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(c, &tlp, &len), TLPSIM_RING_BROKEN, "%s", what);
	TEST_ASSERT_EQUAL(c->head, prod, "%s: resynchronised", what);
	TEST_ASSERT_EQUAL(tlpsim_ring_peek(c, &tlp, &len), 0, "%s: then empty", what);
	return TEST_SUCCESS;
}

static int
test_ring_hostile_producer(void)
{
	struct tlpsim_ring p, c;
	struct guarded g;
	const uint8_t *tlp, *lo, *hi;
	uint32_t len, i, base, sum = 0;
	int ret;

	TEST_ASSERT(guarded_new(&g, 256) == 0, "mmap");
	attach_at(&p, &c, &g, 0);
	lo = (const uint8_t *)g.ring + TLPSIM_RING_HDR_SIZE;
	hi = lo + (size_t)256 * TLPSIM_SLOT_SIZE;

	/* Index beyond the ring size. */
	TEST_ASSERT(expect_broken(&c, 257, "prod - cons > size") == 0, "case");
	TEST_ASSERT(expect_broken(&c, c.head - 1, "prod behind cons") == 0, "case");
	base = c.head;
	raw_hdr(&g, base & 255, 0, TLPSIM_REC_TLP);
	TEST_ASSERT(expect_broken(&c, base + 1, "length 0") == 0, "case");
	base = c.head;
	raw_hdr(&g, base & 255, 10, 0x1234);
	TEST_ASSERT(expect_broken(&c, base + 1, "unknown type") == 0, "case");
	base = c.head;
	raw_hdr(&g, base & 255, TLPSIM_REC_MAX_LEN + 1, TLPSIM_REC_TLP);
	TEST_ASSERT(expect_broken(&c, base + 100, "length beyond maximum") == 0, "case");
	base = c.head;
	raw_hdr(&g, base & 255, 200, TLPSIM_REC_TLP);	/* 4 slots, only 2 published */
	TEST_ASSERT(expect_broken(&c, base + 2, "record beyond what is published") == 0, "case");
	/* A record running past the end of the slot array. */
	base = (c.head | 255) + 1 - 2;		/* two slots before the end */
	c.head = c.cache = base;
	raw_hdr(&g, base & 255, 4000, TLPSIM_REC_TLP);
	TEST_ASSERT(expect_broken(&c, base + 100, "record across the end") == 0, "case");
	/* A pad covering more than was published. */
	base = (c.head | 255) + 1 - 10;
	c.head = c.cache = base;
	raw_hdr(&g, base & 255, 0, TLPSIM_REC_PAD);
	TEST_ASSERT(expect_broken(&c, base + 5, "pad beyond published") == 0, "case");
	/* Two pads in a row (a pad at slot 0 is never legal). */
	base = (c.head | 255) + 1 - 3;
	c.head = c.cache = base;
	raw_hdr(&g, base & 255, 0, TLPSIM_REC_PAD);
	raw_hdr(&g, 0, 0, TLPSIM_REC_PAD);
	TEST_ASSERT(expect_broken(&c, base + 3 + 10, "pad after pad") == 0, "case");

	/* Garbage everywhere: whatever peek returns lies inside the slot array. */
	srand(42);
	for (i = 0; i < 300000; i++) {
		uint32_t k, r = (uint32_t)rand();

		for (k = 0; k < 4; k++)
			((uint8_t *)g.ring)[TLPSIM_RING_HDR_SIZE +
					    (size_t)(rand() % (256 * TLPSIM_SLOT_SIZE))] =
				(uint8_t)rand();
		if (r % 3 == 0)
			raw_hdr(&g, c.head & 255, (uint16_t)(r >> 8), r & 1 ? TLPSIM_REC_TLP :
				TLPSIM_REC_PAD);
		c.sh->prod = r % 5 == 0 ? (uint32_t)rand() : c.head + (r >> 4) % 300;
		ret = tlpsim_ring_peek(&c, &tlp, &len);
		if (ret == 1) {
			TEST_ASSERT(tlp >= lo && tlp + len <= hi, "record inside the slots");
			for (k = 0; k < len; k++)
				sum += tlp[k];
			tlpsim_ring_next(&c);
		}
		tlpsim_ring_release(&c);
	}
	TEST_ASSERT(sum != 1, "touched every byte returned");
	guarded_free(&g);
	return TEST_SUCCESS;
}

static int
test_ring_hostile_consumer(void)
{
	struct tlpsim_ring p, c;
	struct guarded g;
	uint32_t i, n = 0;

	TEST_ASSERT(guarded_new(&g, 256) == 0, "mmap");
	attach_at(&p, &c, &g, 1000);
	/* Fill the ring: from now on the producer must re-read the consumer index. */
	while (put(&p, 10, n))
		n++;
	TEST_ASSERT_EQUAL(n, 256, "filled");
	/* A consumer index ahead of the producer: treated as full. */
	p.sh->cons = p.head + 5;
	TEST_ASSERT(tlpsim_ring_reserve(&p, 10) == NULL, "cons ahead of prod: full");
	TEST_ASSERT_EQUAL(tlpsim_ring_free(&p), 0, "no free slots");
	p.sh->cons = p.head - 257;
	TEST_ASSERT(tlpsim_ring_reserve(&p, 10) == NULL, "cons too far behind: full");
	p.sh->cons = p.head - 256;
	TEST_ASSERT(tlpsim_ring_reserve(&p, 10) == NULL, "cons says full: full");
	n = 0;
	/* Random consumer indices: the producer writes only inside the slots. */
	srand(7);
	for (i = 0; i < 100000; i++) {
		p.sh->cons = i % 4 == 0 ? (uint32_t)rand() : p.head - (uint32_t)(rand() % 300);
		n += (uint32_t)put(&p, (uint32_t)(1 + rand() % TLPSIM_REC_MAX_LEN), i);
		tlpsim_ring_publish(&p);
	}
	TEST_ASSERT(n > 0, "some records went in");
	guarded_free(&g);
	return TEST_SUCCESS;
}

/* Two threads: a producer streaming numbered records, a consumer checking them. */
#define STREAM_RECORDS 1000000u

struct stream {
	struct tlpsim_ring p, c;
	int fail;
};

static uint32_t
stream_len(uint32_t seq)
{
	return seq % 97 == 0 ? 1 + (seq * 13) % TLPSIM_REC_MAX_LEN : 8 + seq % 50;
}

static void *
stream_producer(void *arg)
{
	struct stream *s = arg;
	uint32_t seq = 0, len;
	uint8_t *p;

	while (seq < STREAM_RECORDS) {
		len = stream_len(seq);
		p = tlpsim_ring_reserve(&s->p, len);
		if (p == NULL) {
			tlpsim_ring_publish(&s->p);
			sched_yield();	/* the consumer may share our CPU */
			continue;
		}
		memcpy(p, &seq, 4);
		fill(p + 4, len > 4 ? len - 4 : 0, seq);
		tlpsim_ring_commit(&s->p, len);
		if (++seq % 16 == 0)
			tlpsim_ring_publish(&s->p);
	}
	tlpsim_ring_publish(&s->p);
	return NULL;
}

static int
test_ring_threads(void)
{
	struct stream s;
	struct guarded g;
	pthread_t t;
	const uint8_t *tlp;
	uint32_t seq = 0, len, v;
	int ret;

	TEST_ASSERT(guarded_new(&g, 512) == 0, "mmap");
	attach_at(&s.p, &s.c, &g, 0xfffff000u);
	s.fail = 0;
	TEST_ASSERT(pthread_create(&t, NULL, stream_producer, &s) == 0, "thread");
	while (seq < STREAM_RECORDS) {
		ret = tlpsim_ring_peek(&s.c, &tlp, &len);
		if (ret == 0) {
			tlpsim_ring_release(&s.c);
			sched_yield();
			continue;
		}
		if (ret < 0 || len != stream_len(seq)) {
			s.fail = 1;
			break;
		}
		if (len >= 4) {
			memcpy(&v, tlp, 4);
			if (v != seq || !check(tlp + 4, len - 4, seq)) {
				s.fail = 1;
				break;
			}
		}
		tlpsim_ring_next(&s.c);
		if (++seq % 8 == 0)
			tlpsim_ring_release(&s.c);
	}
	tlpsim_ring_release(&s.c);
	if (s.fail)
		pthread_cancel(t);
	pthread_join(t, NULL);
	TEST_ASSERT(!s.fail, "record %u out of order or damaged", seq);
	guarded_free(&g);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_ring_empty_full),
	TEST_CASE(test_ring_wrap_pad),
	TEST_CASE(test_ring_all_sizes),
	TEST_CASE(test_ring_bursts),
	TEST_CASE(test_ring_hostile_producer),
	TEST_CASE(test_ring_hostile_consumer),
	TEST_CASE(test_ring_threads),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("tlpsim_ring", cases, argc, argv);
}
