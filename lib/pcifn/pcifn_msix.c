/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * MSI-X: the table and the Pending Bit Array as built-in BAR regions, and
 * message delivery.
 *
 * A message may be signalled by data-path threads while the control thread
 * changes masks. The pending bit is the hand-off: whoever clears a set bit
 * (an atomic fetch-and) sends the message, so it goes out exactly once. A
 * signaller that pends a message re-checks the masks afterwards, and the
 * control thread checks the pending bits after every unmask; with the
 * sequentially consistent accesses on both sides, one of them sees the other.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "pcifn_private.h"

#define PCIFN_MSIX_DW(fn, v, i) (&((uint8_t *)(fn)->msix_table)[(v) * 16u + (i) * 4u])

static uint32_t
pcifn_msix_get(const struct pcifn *fn, unsigned int v, unsigned int dw)
{
	return __atomic_load_n((const uint32_t *)(const void *)PCIFN_MSIX_DW(fn, v, dw),
			       __ATOMIC_SEQ_CST);
}

static void
pcifn_msix_set(struct pcifn *fn, unsigned int v, unsigned int dw, uint32_t val)
{
	__atomic_store_n((uint32_t *)(void *)PCIFN_MSIX_DW(fn, v, dw), val, __ATOMIC_SEQ_CST);
}

/* Whether vector @p v may be delivered now (masks and enable only). */
static bool
pcifn_msix_open(const struct pcifn *fn, unsigned int v)
{
	return __atomic_load_n(&fn->msix_enabled, __ATOMIC_SEQ_CST) &&
		!__atomic_load_n(&fn->msix_fmask, __ATOMIC_SEQ_CST) &&
		(rte_le_to_cpu_32(pcifn_msix_get(fn, v, 3)) & PCIFN_MSIX_ENTRY_MASKED) == 0;
}

static void
pcifn_msix_pend(struct pcifn *fn, unsigned int v)
{
	__atomic_fetch_or(&fn->msix_pba[v / 64], 1ull << (v % 64), __ATOMIC_SEQ_CST);
}

/* Clear the pending bit of @p v; whether it was set. */
static bool
pcifn_msix_claim(struct pcifn *fn, unsigned int v)
{
	uint64_t bit = 1ull << (v % 64);

	return (__atomic_fetch_and(&fn->msix_pba[v / 64], ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

/* Send the message of vector @p v on queue @p qid (the caller owns the claim). */
static int
pcifn_msix_send(struct pcifn *fn, uint16_t qid, unsigned int v)
{
	uint64_t addr;
	uint32_t data;
	int ret;

	addr = rte_le_to_cpu_32(pcifn_msix_get(fn, v, 0)) |
		(uint64_t)rte_le_to_cpu_32(pcifn_msix_get(fn, v, 1)) << 32;
	data = rte_le_to_cpu_32(pcifn_msix_get(fn, v, 2));
	ret = tlpdev_msi_send(fn->grp->dev_id, qid, addr, data);
	if (likely(ret == 0)) {
		pcifn_stat_add(&fn->stats.msix_sent, 1);
		return 0;
	}
	if (ret == -ENOBUFS) {
		/* Link full: pended, pcifn_service() retries it. */
		pcifn_msix_pend(fn, v);
		__atomic_store_n(&fn->msix_retry, true, __ATOMIC_RELEASE);
		pcifn_stat_add(&fn->stats.msix_pended, 1);
		return ret;
	}
	pcifn_stat_add(&fn->stats.msix_dropped, 1);
	return ret;
}

int
pcifn_msix_notify(struct pcifn *fn, uint16_t qid, uint16_t vector)
{
	if (unlikely(fn == NULL || vector >= fn->params.msix_vectors))
		return -EINVAL;
	if (unlikely(!__atomic_load_n(&fn->msix_enabled, __ATOMIC_SEQ_CST) ||
		     !pcifn_dma_allowed(fn) || fn->grp == NULL))
		return -EPERM;
	if (likely(pcifn_msix_open(fn, vector)))
		return pcifn_msix_send(fn, qid, vector);
	pcifn_msix_pend(fn, vector);
	pcifn_stat_add(&fn->stats.msix_pended, 1);
	/* The vector may have been unmasked meanwhile, its pending bits checked. */
	if (pcifn_msix_open(fn, vector) && pcifn_dma_allowed(fn) && pcifn_msix_claim(fn, vector))
		return pcifn_msix_send(fn, qid, vector);
	return 0;
}

bool
pcifn_msix_enabled(const struct pcifn *fn)
{
	return fn != NULL && __atomic_load_n(&fn->msix_enabled, __ATOMIC_SEQ_CST);
}

/* Send the pended messages of open vectors (control thread). */
void
pcifn_msix_flush(struct pcifn *fn, uint16_t qid)
{
	unsigned int w, v, nb_words;
	uint64_t bits;

	if (fn->params.msix_vectors == 0 || fn->grp == NULL || !pcifn_dma_allowed(fn) ||
	    !__atomic_load_n(&fn->msix_enabled, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&fn->msix_retry, false, __ATOMIC_RELEASE);
	nb_words = (fn->params.msix_vectors + 63u) / 64;
	for (w = 0; w < nb_words; w++) {
		bits = __atomic_load_n(&fn->msix_pba[w], __ATOMIC_SEQ_CST);
		while (bits != 0) {
			v = w * 64 + (unsigned int)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (pcifn_msix_open(fn, v) && pcifn_msix_claim(fn, v) &&
			    pcifn_msix_send(fn, qid, v) == -ENOBUFS)
				return;	/* link full: the rest waits for the retry */
		}
	}
}

/* Table and PBA back to their reset state: every vector masked, none pending. */
void
pcifn_msix_reset(struct pcifn *fn)
{
	unsigned int v;

	if (fn->params.msix_vectors == 0)
		return;
	for (v = 0; v < fn->params.msix_vectors; v++) {
		pcifn_msix_set(fn, v, 0, 0);
		pcifn_msix_set(fn, v, 1, 0);
		pcifn_msix_set(fn, v, 2, 0);
		pcifn_msix_set(fn, v, 3, rte_cpu_to_le_32(PCIFN_MSIX_ENTRY_MASKED));
	}
	for (v = 0; v < (fn->params.msix_vectors + 63u) / 64; v++)
		__atomic_store_n(&fn->msix_pba[v], 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fn->msix_retry, false, __ATOMIC_RELEASE);
}

/* Table reads: DW or QW, aligned (the region guarantees it). */
static int
pcifn_msix_table_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct pcifn *fn = ctx;
	uint32_t i, val;

	for (i = 0; i < len; i += 4) {
		val = pcifn_msix_get(fn, (unsigned int)((offset + i) / 16),
				     (unsigned int)((offset + i) % 16) / 4);
		memcpy((uint8_t *)buf + i, &val, 4);
	}
	return 0;
}

static int
pcifn_msix_table_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct pcifn *fn = ctx;
	unsigned int v, dw;
	uint32_t i, val, old;

	pcifn_state_touch(fn);
	for (i = 0; i < len; i += 4) {
		v = (unsigned int)((offset + i) / 16);
		dw = (unsigned int)((offset + i) % 16) / 4;
		memcpy(&val, (const uint8_t *)buf + i, 4);
		val = rte_le_to_cpu_32(val);
		if (dw == 0) {
			val &= ~3u;	/* Message Address is DW aligned */
		} else if (dw == 3) {
			/* Vector Control: only the mask bit exists. */
			old = rte_le_to_cpu_32(pcifn_msix_get(fn, v, 3));
			val &= PCIFN_MSIX_ENTRY_MASKED;
			pcifn_msix_set(fn, v, 3, rte_cpu_to_le_32(val));
			if ((old & PCIFN_MSIX_ENTRY_MASKED) && !(val & PCIFN_MSIX_ENTRY_MASKED) &&
			    pcifn_msix_open(fn, v) && pcifn_dma_allowed(fn) &&
			    pcifn_msix_claim(fn, v))
				pcifn_msix_send(fn, fn->cur_qid, v);
			continue;
		}
		pcifn_msix_set(fn, v, dw, rte_cpu_to_le_32(val));
	}
	return 0;
}

static int
pcifn_msix_pba_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct pcifn *fn = ctx;
	uint64_t word;
	uint32_t i;

	for (i = 0; i < len; i++) {
		word = __atomic_load_n(&fn->msix_pba[(offset + i) / 8], __ATOMIC_SEQ_CST);
		((uint8_t *)buf)[i] = (uint8_t)(word >> (8 * ((offset + i) % 8)));
	}
	return 0;
}

/* The PBA is read-only: writes are refused (dropped and counted). */
static int
pcifn_msix_pba_write(void *ctx __rte_unused, uint64_t offset __rte_unused,
		     const void *buf __rte_unused, uint32_t len __rte_unused)
{
	return -EPERM;
}

const struct pcifn_region_ops pcifn_msix_table_ops = {
	.read = pcifn_msix_table_read,
	.write = pcifn_msix_table_write,
};

const struct pcifn_region_ops pcifn_msix_pba_ops = {
	.read = pcifn_msix_pba_read,
	.write = pcifn_msix_pba_write,
};

int
pcifn_msix_init(struct pcifn *fn)
{
	const struct pcifn_params *p = &fn->params;
	struct pcifn_region r = {
		.bar = p->msix_bar,
		.min_access = 4,
		.max_access = 8,
		.ctx = fn,
	};
	int ret;

	if (p->msix_vectors == 0)
		return 0;
	fn->msix_table = rte_zmalloc("pcifn_msix", p->msix_vectors * 16u, RTE_CACHE_LINE_SIZE);
	fn->msix_pba = rte_zmalloc("pcifn_pba", (p->msix_vectors + 63u) / 64 * 8u,
				   RTE_CACHE_LINE_SIZE);
	if (fn->msix_table == NULL || fn->msix_pba == NULL)
		return -ENOMEM;
	r.offset = p->msix_table_offset;
	r.size = p->msix_vectors * 16u;
	r.ops = &pcifn_msix_table_ops;
	ret = pcifn_region_insert(fn, &r);
	if (ret != 0)
		return ret;
	r.offset = p->msix_pba_offset;
	r.size = (p->msix_vectors + 63u) / 64 * 8u;
	r.ops = &pcifn_msix_pba_ops;
	ret = pcifn_region_insert(fn, &r);
	if (ret != 0)
		return ret;
	pcifn_msix_reset(fn);
	return 0;
}

void
pcifn_msix_fini(struct pcifn *fn)
{
	rte_free(fn->msix_table);
	rte_free(fn->msix_pba);
	fn->msix_table = NULL;
	fn->msix_pba = NULL;
}
