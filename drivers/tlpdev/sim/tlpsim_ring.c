/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <string.h>

#include "tlpsim_ring.h"

void
tlpsim_ring_shared_init(void *mem)
{
	memset(mem, 0, TLPSIM_RING_HDR_SIZE);
}

void
tlpsim_ring_attach(struct tlpsim_ring *r, void *mem, uint32_t slots)
{
	memset(r, 0, sizeof(*r));
	r->sh = mem;
	r->slots = (uint8_t *)mem + TLPSIM_RING_HDR_SIZE;
	r->size = slots;
	r->mask = slots - 1;
}

uint32_t
tlpsim_ring_count(struct tlpsim_ring *r)
{
	uint32_t n;

	/* Acquire: pairs with the producer's release of @c prod. */
	r->cache = __atomic_load_n(&r->sh->prod, __ATOMIC_ACQUIRE);
	n = r->cache - r->head;
	return n > r->size ? 0 : n;
}

uint32_t
tlpsim_ring_free(struct tlpsim_ring *r)
{
	uint32_t used;

	/* Acquire: pairs with the consumer's release of @c cons. */
	r->cache = __atomic_load_n(&r->sh->cons, __ATOMIC_ACQUIRE);
	used = r->head - r->cache;
	return used > r->size ? 0 : r->size - used;
}

unsigned int
tlpsim_ring_enqueue_burst(struct tlpsim_ring *r, const void *const *recs, const uint32_t *lens,
			  unsigned int n)
{
	unsigned int i;
	uint8_t *p;

	for (i = 0; i < n; i++) {
		if (lens[i] == 0 || lens[i] > TLPSIM_REC_MAX_LEN)
			break;
		p = tlpsim_ring_reserve(r, lens[i]);
		if (p == NULL)
			break;
		memcpy(p, recs[i], lens[i]);
		tlpsim_ring_commit(r, lens[i]);
	}
	tlpsim_ring_publish(r);
	return i;
}

unsigned int
tlpsim_ring_dequeue_burst(struct tlpsim_ring *r, const uint8_t **recs, uint32_t *lens,
			  unsigned int n, unsigned int *nb_broken)
{
	unsigned int i = 0;
	int ret;

	while (i < n) {
		ret = tlpsim_ring_peek(r, &recs[i], &lens[i]);
		if (ret == 0)
			break;
		if (ret < 0) {
			if (nb_broken != NULL)
				(*nb_broken)++;
			break;
		}
		tlpsim_ring_next(r);
		i++;
	}
	return i;
}
