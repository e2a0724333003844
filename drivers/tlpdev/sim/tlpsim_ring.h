/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_RING_H
#define TLPSIM_RING_H

/**
 * @file
 * Single-producer single-consumer ring of TLP records in shared memory.
 *
 * The ring is an array of 64-byte slots preceded by a header holding the
 * producer and consumer indices, each on a cache-line pair of its own. A record
 * is a 4-byte record header followed by one encoded TLP, and occupies 1 or more
 * contiguous slots. A record never wraps: when it does not fit before the end of
 * the array, the producer first writes a pad record covering the rest of the
 * array. Indices are free-running 32-bit slot counters.
 *
 * Either side may be hostile (the peer process is untrusted): the consumer
 * validates the producer index and every record header against the slots
 * actually published, and never reads outside the slot array; the producer
 * never reads the slots and treats an impossible consumer index as "full".
 * Each side keeps its own copy of the opposite index and re-reads the shared
 * one only when the copy says the ring is full (producer) or empty (consumer).
 *
 * This code needs no EAL: both the device (DPDK) and host (plain C) sides use
 * it. Indices are published once per burst, not per record.
 */

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "tlp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Branch hint for the exceptional paths (no EAL header here). */
#define tlpsim_unlikely(x) __builtin_expect(!!(x), 0)

/** Slot size, one cache line. */
#define TLPSIM_SLOT_SIZE 64u
/** Record header size. */
#define TLPSIM_REC_HDR_SIZE 4u
/** Largest TLP a record carries. */
#define TLPSIM_REC_MAX_LEN TLP_MAX_BYTES
/** Most slots one record takes. */
#define TLPSIM_REC_MAX_SLOTS \
	((TLPSIM_REC_HDR_SIZE + TLPSIM_REC_MAX_LEN + TLPSIM_SLOT_SIZE - 1) / TLPSIM_SLOT_SIZE)
/** Smallest ring, in slots (room for a maximum record after a maximum pad). */
#define TLPSIM_RING_SLOTS_MIN 256u
/** Largest ring, in slots. */
#define TLPSIM_RING_SLOTS_MAX 65536u
/** Default ring size, in slots. */
#define TLPSIM_RING_SLOTS_DEFAULT 1024u

/** Record types (struct tlpsim_rec_hdr::type). */
#define TLPSIM_REC_TLP 0x5401u	/**< one TLP of @c len bytes */
#define TLPSIM_REC_PAD 0x5402u	/**< skip to the start of the slot array */

/** Record header, at the start of the record's first slot. */
struct tlpsim_rec_hdr {
	uint16_t len;		/**< TLP bytes (TLPSIM_REC_TLP), 0 for a pad */
	uint16_t type;		/**< TLPSIM_REC_* */
};

/** Shared ring header; the slots follow at TLPSIM_RING_HDR_SIZE. */
struct tlpsim_ring_shared {
	/** Slots published by the producer; written by the producer only. */
	alignas(128) uint32_t prod;
	/** Slots released by the consumer; written by the consumer only. */
	alignas(128) uint32_t cons;
};

/** Size of the shared ring header. */
#define TLPSIM_RING_HDR_SIZE 256u

_Static_assert(sizeof(struct tlpsim_rec_hdr) == TLPSIM_REC_HDR_SIZE, "record header size");
_Static_assert(sizeof(struct tlpsim_ring_shared) == TLPSIM_RING_HDR_SIZE, "ring header size");
_Static_assert(offsetof(struct tlpsim_ring_shared, cons) == 128, "cons offset");
_Static_assert(TLPSIM_REC_MAX_SLOTS * 2 <= TLPSIM_RING_SLOTS_MIN, "ring too small");
_Static_assert(TLPSIM_REC_MAX_LEN <= UINT16_MAX, "record length field");

/** Bytes of shared memory a ring of @p slots slots takes. */
static inline uint64_t
tlpsim_ring_mem_size(uint32_t slots)
{
	return TLPSIM_RING_HDR_SIZE + (uint64_t)slots * TLPSIM_SLOT_SIZE;
}

/** Whether @p slots is a valid ring size. */
static inline int
tlpsim_ring_slots_valid(uint64_t slots)
{
	return slots >= TLPSIM_RING_SLOTS_MIN && slots <= TLPSIM_RING_SLOTS_MAX &&
		(slots & (slots - 1)) == 0;
}

/**
 * One side's view of a ring: the shared memory plus private state. A
 * producer and a consumer each have their own struct tlpsim_ring for the same
 * shared ring.
 */
struct tlpsim_ring {
	struct tlpsim_ring_shared *sh;	/**< shared header */
	uint8_t *slots;			/**< shared slot array */
	uint32_t size;			/**< slots, a power of two */
	uint32_t mask;			/**< size - 1 */
	uint32_t head;			/**< producer: next slot to write; consumer: to read */
	uint32_t cache;			/**< copy of the opposite index */
	uint32_t published;		/**< last value stored to our shared index */
	uint32_t peeked;		/**< consumer: slots of the record last peeked */
};

/**
 * Attach to a ring in shared memory. Starts from index 0: both sides must
 * attach to a zeroed ring (a fresh memfd) or to one they agreed upon.
 */
void tlpsim_ring_attach(struct tlpsim_ring *r, void *mem, uint32_t slots);

/** Zero the shared header (the creator does this before publishing the ring). */
void tlpsim_ring_shared_init(void *mem);

/** Slots a record carrying a TLP of @p len bytes takes. */
static inline uint32_t
tlpsim_rec_slots(uint32_t len)
{
	return (TLPSIM_REC_HDR_SIZE + len + TLPSIM_SLOT_SIZE - 1) / TLPSIM_SLOT_SIZE;
}

static inline void
tlpsim_rec_hdr_store(uint8_t *slot, uint16_t len, uint16_t type)
{
	uint32_t v;

	/* One 32-bit store, so that a consumer reading it once sees both fields. */
	struct tlpsim_rec_hdr h = { .len = len, .type = type };

	__builtin_memcpy(&v, &h, sizeof(v));
	__atomic_store_n((uint32_t *)(void *)slot, v, __ATOMIC_RELAXED);
}

/**
 * Producer: reserve room for a record carrying up to @p len TLP bytes.
 *
 * @return
 *   Where to write the TLP (contiguous, 4-byte aligned), or NULL when the
 *   ring has no room. Follow with tlpsim_ring_commit().
 */
static inline uint8_t *
tlpsim_ring_reserve(struct tlpsim_ring *r, uint32_t len)
{
	uint32_t slots = tlpsim_rec_slots(len);
	uint32_t pos = r->head & r->mask;
	uint32_t to_end = r->size - pos;
	uint32_t need = slots > to_end ? to_end + slots : slots;
	uint32_t used = r->head - r->cache;

	if (tlpsim_unlikely(used > r->size || r->size - used < need)) {
		/*
		 * Acquire: the consumer's release of @c cons ordered its reads of
		 * the slots it gave back before it; our writes to those slots
		 * come after this load.
		 */
		r->cache = __atomic_load_n(&r->sh->cons, __ATOMIC_ACQUIRE);
		used = r->head - r->cache;
		/* A consumer index ahead of ours is garbage: treat as full. */
		if (used > r->size || r->size - used < need)
			return NULL;
	}
	if (slots > to_end) {
		tlpsim_rec_hdr_store(r->slots + (size_t)pos * TLPSIM_SLOT_SIZE, 0,
				     TLPSIM_REC_PAD);
		r->head += to_end;
		pos = 0;
	}
	return r->slots + (size_t)pos * TLPSIM_SLOT_SIZE + TLPSIM_REC_HDR_SIZE;
}

/**
 * Producer: whether @p slots slots are free (records and pads included),
 * re-reading the consumer index only when the cached copy says no.
 */
static inline int
tlpsim_ring_room(struct tlpsim_ring *r, uint32_t slots)
{
	uint32_t used = r->head - r->cache;

	if (used <= r->size && r->size - used >= slots)
		return 1;
	/* Acquire: pairs with the consumer's release of @c cons (see reserve). */
	r->cache = __atomic_load_n(&r->sh->cons, __ATOMIC_ACQUIRE);
	used = r->head - r->cache;
	return used <= r->size && r->size - used >= slots;
}

/**
 * Producer: complete the record last reserved, @p len (at most the reserved
 * length) TLP bytes long. It becomes visible at the next publish.
 */
static inline void
tlpsim_ring_commit(struct tlpsim_ring *r, uint32_t len)
{
	tlpsim_rec_hdr_store(r->slots + (size_t)(r->head & r->mask) * TLPSIM_SLOT_SIZE,
			     (uint16_t)len, TLPSIM_REC_TLP);
	r->head += tlpsim_rec_slots(len);
}

/** Producer: make every committed record visible to the consumer. */
static inline void
tlpsim_ring_publish(struct tlpsim_ring *r)
{
	if (r->head == r->published)
		return;
	/* Release: the record writes above happen before the consumer sees @c prod. */
	__atomic_store_n(&r->sh->prod, r->head, __ATOMIC_RELEASE);
	r->published = r->head;
}

/* Consumer: start loading the first slots just published (at most 16 lines). */
static inline void
tlpsim_ring_prefetch(const struct tlpsim_ring *r, uint32_t avail)
{
	uint32_t i, n = avail < 16 ? avail : 16;

	for (i = 0; i < n; i++)
		__builtin_prefetch(r->slots + (size_t)((r->head + i) & r->mask) * TLPSIM_SLOT_SIZE);
}

/**
 * Within a burst, the producer publishes every this many slots, so that the
 * consumer starts on the first records while the rest are being written.
 */
#define TLPSIM_RING_PUBLISH_SLOTS 8u

/** Producer: publish if enough slots were committed since the last publish. */
static inline void
tlpsim_ring_publish_some(struct tlpsim_ring *r)
{
	if (r->head - r->published >= TLPSIM_RING_PUBLISH_SLOTS)
		tlpsim_ring_publish(r);
}

/** Consumer result codes besides 0 and 1. */
#define TLPSIM_RING_BROKEN (-1)	/**< bad index or record header: skipped what was there */

/**
 * Consumer: look at the next record without consuming it.
 *
 * @param tlp
 *   Set to the TLP bytes, in shared memory (the peer may still write them).
 * @param len
 *   Set to their length, 1..TLPSIM_REC_MAX_LEN.
 * @return
 *   1 with a record, 0 when the ring is empty, TLPSIM_RING_BROKEN when the
 *   producer published an impossible index or record (everything published
 *   is then dropped; the caller counts it). Follow a 1 with
 *   tlpsim_ring_next() to consume the record.
 */
static inline int
tlpsim_ring_peek(struct tlpsim_ring *r, const uint8_t **tlp, uint32_t *len)
{
	struct tlpsim_rec_hdr h;
	uint32_t avail, pos, to_end, slots, v;
	const uint8_t *slot;
	unsigned int pads = 0;

	for (;;) {
		avail = r->cache - r->head;
		if (avail == 0) {
			/*
			 * Acquire: the producer's release of @c prod ordered its
			 * writes of the records before it; our reads of them come
			 * after this load.
			 */
			r->cache = __atomic_load_n(&r->sh->prod, __ATOMIC_ACQUIRE);
			avail = r->cache - r->head;
			if (avail == 0)
				return 0;
			tlpsim_ring_prefetch(r, avail);
		}
		if (tlpsim_unlikely(avail > r->size))
			goto broken;
		pos = r->head & r->mask;
		slot = r->slots + (size_t)pos * TLPSIM_SLOT_SIZE;
		/* Read the header once; the peer may rewrite it at any time. */
		v = __atomic_load_n((const uint32_t *)(const void *)slot, __ATOMIC_RELAXED);
		__builtin_memcpy(&h, &v, sizeof(h));
		to_end = r->size - pos;
		if (h.type == TLPSIM_REC_PAD) {
			/* A pad runs to the end of the array; at most one per wrap. */
			if (tlpsim_unlikely(to_end > avail || ++pads > 1))
				goto broken;
			r->head += to_end;
			continue;
		}
		if (tlpsim_unlikely(h.type != TLPSIM_REC_TLP || h.len == 0 ||
			     h.len > TLPSIM_REC_MAX_LEN))
			goto broken;
		slots = tlpsim_rec_slots(h.len);
		if (tlpsim_unlikely(slots > to_end || slots > avail))
			goto broken;
		r->peeked = slots;
		*tlp = slot + TLPSIM_REC_HDR_SIZE;
		*len = h.len;
		return 1;
	}
broken:
	/* Resynchronise on what the producer published: drop all of it. */
	r->head = r->cache;
	r->peeked = 0;
	return TLPSIM_RING_BROKEN;
}

/** Consumer: consume the record returned by the last successful peek. */
static inline void
tlpsim_ring_next(struct tlpsim_ring *r)
{
	r->head += r->peeked;
	r->peeked = 0;
}

/** Consumer: give the consumed slots back to the producer. */
static inline void
tlpsim_ring_release(struct tlpsim_ring *r)
{
	if (r->head == r->published)
		return;
	/* Release: our reads of the consumed records happen before the producer reuses them. */
	__atomic_store_n(&r->sh->cons, r->head, __ATOMIC_RELEASE);
	r->published = r->head;
}

/** Consumer: slots published and not yet consumed (re-reads the producer index). */
uint32_t tlpsim_ring_count(struct tlpsim_ring *r);

/** Producer: free slots (re-reads the consumer index). */
uint32_t tlpsim_ring_free(struct tlpsim_ring *r);

/**
 * Producer: copy up to @p n records (raw bytes, each 1..TLPSIM_REC_MAX_LEN
 * long) into the ring and publish them once.
 *
 * @return Number of records enqueued.
 */
unsigned int tlpsim_ring_enqueue_burst(struct tlpsim_ring *r, const void *const *recs,
				       const uint32_t *lens, unsigned int n);

/**
 * Consumer: take up to @p n records, returning pointers into the ring. The
 * records stay valid until tlpsim_ring_release().
 *
 * @param nb_broken
 *   If not NULL, incremented for each TLPSIM_RING_BROKEN met.
 * @return Number of records taken.
 */
unsigned int tlpsim_ring_dequeue_burst(struct tlpsim_ring *r, const uint8_t **recs,
				       uint32_t *lens, unsigned int n, unsigned int *nb_broken);

#ifdef __cplusplus
}
#endif

#endif /* TLPSIM_RING_H */
