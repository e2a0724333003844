/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * BARs and region dispatch.
 *
 * A BAR's size is in its write mask: the address bits below the size are
 * read-only zero, the type bits read-only, so writing all-ones reads back the
 * size mask with the type bits, as sizing software expects. A BAR decodes
 * while Memory Space Enable is set (and the function is in D0) and it has a
 * non-zero address.
 *
 * A memory request is cut into runs of enabled bytes (the byte enables of its
 * first and last DW), each run into pieces per region and hole, and each
 * piece into accesses the region accepts (widths, alignment).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "pcifn_private.h"

static bool
pcifn_is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Check the BAR and MSI-X parameters; log what is wrong. */
int
pcifn_bar_check_params(const struct pcifn_params *p)
{
	const struct pcifn_bar_params *b;
	uint64_t bar_size, tbl_end, pba_end;
	unsigned int i;

	for (i = 0; i < PCIFN_NB_BARS; i++) {
		b = &p->bars[i];
		if (b->flags & ~(PCIFN_BAR_64 | PCIFN_BAR_PREFETCH)) {
			PCIFN_LOG(ERR, "BAR %u: unknown flags 0x%x (I/O BARs are not supported)",
				  i, b->flags);
			return -EINVAL;
		}
		if (b->size == 0) {
			if (b->flags != 0) {
				PCIFN_LOG(ERR, "BAR %u: flags without a size", i);
				return -EINVAL;
			}
			continue;
		}
		if (!pcifn_is_pow2(b->size) || b->size < 4096 ||
		    (!(b->flags & PCIFN_BAR_64) && b->size > (1ull << 31)) ||
		    b->size > (1ull << 63)) {
			PCIFN_LOG(ERR, "BAR %u: bad size 0x%" PRIx64, i, b->size);
			return -EINVAL;
		}
		if (b->flags & PCIFN_BAR_64) {
			if (i == PCIFN_NB_BARS - 1 || p->bars[i + 1].size != 0 ||
			    p->bars[i + 1].flags != 0) {
				PCIFN_LOG(ERR, "BAR %u: a 64-bit BAR needs BAR %u free", i, i + 1);
				return -EINVAL;
			}
			i++;
		}
	}
	if (p->msix_vectors == 0)
		return 0;
	if (p->msix_vectors > PCIFN_MSIX_MAX_VECTORS || p->msix_bar >= PCIFN_NB_BARS ||
	    (p->msix_table_offset & 7) != 0 || (p->msix_pba_offset & 7) != 0) {
		PCIFN_LOG(ERR, "MSI-X: bad vectors %u, BAR %u or offsets", p->msix_vectors,
			  p->msix_bar);
		return -EINVAL;
	}
	bar_size = p->bars[p->msix_bar].size;
	if (p->msix_bar > 0 && (p->bars[p->msix_bar - 1].flags & PCIFN_BAR_64))
		bar_size = 0;	/* upper half of a 64-bit BAR */
	tbl_end = (uint64_t)p->msix_table_offset + p->msix_vectors * 16ull;
	pba_end = (uint64_t)p->msix_pba_offset + (p->msix_vectors + 63u) / 64 * 8ull;
	if (tbl_end > bar_size || pba_end > bar_size ||
	    (p->msix_table_offset < pba_end && p->msix_pba_offset < tbl_end)) {
		PCIFN_LOG(ERR, "MSI-X: table or PBA outside BAR %u or overlapping", p->msix_bar);
		return -EINVAL;
	}
	return 0;
}

/* BAR registers: reset values and write masks from the sizes. */
void
pcifn_bar_init(struct pcifn *fn)
{
	const struct pcifn_bar_params *b;
	unsigned int i, off;
	uint32_t type;
	uint64_t mask;

	for (i = 0; i < PCIFN_NB_BARS; i++) {
		b = &fn->params.bars[i];
		off = PCIFN_CFG_BAR0 + 4 * i;
		if (b->size == 0)
			continue;	/* unimplemented: reads 0, ignores writes */
		type = (b->flags & PCIFN_BAR_PREFETCH) ? PCIFN_BAR_MEM_PREFETCH : 0;
		mask = ~(b->size - 1);
		fn->bars[i].size = b->size;
		if (b->flags & PCIFN_BAR_64) {
			type |= PCIFN_BAR_MEM_64;
			fn->bars[i].is64 = 1;
			pcifn_cfg_def32(fn, off, type, (uint32_t)mask & ~PCIFN_BAR_MEM_FLAGS, 0);
			pcifn_cfg_def32(fn, off + 4, 0, (uint32_t)(mask >> 32), 0);
			i++;
		} else {
			pcifn_cfg_def32(fn, off, type, (uint32_t)mask & ~PCIFN_BAR_MEM_FLAGS, 0);
		}
	}
}

/* Addresses of the BARs from the config image. */
void
pcifn_bar_decode(struct pcifn *fn)
{
	struct pcifn_bar_state *bs;
	unsigned int i, off;
	uint64_t base;

	for (i = 0; i < PCIFN_NB_BARS; i++) {
		bs = &fn->bars[i];
		if (bs->size == 0)
			continue;
		off = PCIFN_CFG_BAR0 + 4 * i;
		base = pcifn_le32(&fn->cfg[off]) & ~(uint64_t)PCIFN_BAR_MEM_FLAGS;
		if (bs->is64)
			base |= (uint64_t)pcifn_le32(&fn->cfg[off + 4]) << 32;
		bs->base = base;
	}
}

uint64_t
pcifn_bar_addr(const struct pcifn *fn, unsigned int bar)
{
	if (fn == NULL || bar >= PCIFN_NB_BARS)
		return 0;
	return fn->bars[bar].base;
}

/*
 * Which BAR decodes [addr, addr + len): its index with @p off set to the
 * offset of @p addr in it, or -1. Overflow-safe: the BAR end is never
 * computed.
 */
int
pcifn_bar_match(const struct pcifn *fn, uint64_t addr, uint64_t len, uint64_t *off)
{
	const struct pcifn_bar_state *bs;
	unsigned int i;

	if (!fn->decode)
		return -1;
	for (i = 0; i < PCIFN_NB_BARS; i++) {
		bs = &fn->bars[i];
		if (bs->size == 0 || bs->base == 0)
			continue;
		if (addr >= bs->base && addr - bs->base < bs->size &&
		    len <= bs->size - (addr - bs->base)) {
			*off = addr - bs->base;
			return (int)i;
		}
	}
	return -1;
}

/* Insert a region in (bar, offset) order; the caller checked it. */
int
pcifn_region_insert(struct pcifn *fn, const struct pcifn_region *r)
{
	const struct pcifn_region *o;
	unsigned int i, pos = fn->nb_regions;

	if (fn->nb_regions >= RTE_DIM(fn->regions))
		return -ENOSPC;
	for (i = 0; i < fn->nb_regions; i++) {
		o = &fn->regions[i];
		if (o->bar == r->bar && r->offset < o->offset + o->size &&
		    o->offset < r->offset + r->size)
			return -EEXIST;
		if (pos == fn->nb_regions && (o->bar > r->bar ||
					      (o->bar == r->bar && o->offset > r->offset)))
			pos = i;
	}
	memmove(&fn->regions[pos + 1], &fn->regions[pos],
		(fn->nb_regions - pos) * sizeof(fn->regions[0]));
	fn->regions[pos] = *r;
	fn->nb_regions++;
	return 0;
}

static bool
pcifn_access_size_ok(uint8_t v)
{
	return v == 1 || v == 2 || v == 4 || v == 8;
}

int
pcifn_region_add(struct pcifn *fn, const struct pcifn_region *region)
{
	unsigned int i, user = 0;

	if (fn == NULL || region == NULL || region->ops == NULL ||
	    region->bar >= PCIFN_NB_BARS || fn->bars[region->bar].size == 0 ||
	    region->size == 0 || region->offset >= fn->bars[region->bar].size ||
	    region->size > fn->bars[region->bar].size - region->offset ||
	    !pcifn_access_size_ok(region->min_access) ||
	    !pcifn_access_size_ok(region->max_access) ||
	    region->min_access > region->max_access ||
	    (region->flags & ~(PCIFN_REGION_UNALIGNED | PCIFN_REGION_REFUSE_SPLIT)) != 0)
		return -EINVAL;
	if (fn->grp != NULL)
		return -EBUSY;
	for (i = 0; i < fn->nb_regions; i++)
		if (fn->regions[i].ops != &pcifn_msix_table_ops &&
		    fn->regions[i].ops != &pcifn_msix_pba_ops)
			user++;
	if (user >= PCIFN_MAX_REGIONS)
		return -ENOSPC;
	return pcifn_region_insert(fn, region);
}

/* The region holding BAR offset @p pos, else the next one after it (or NULL). */
static const struct pcifn_region *
pcifn_region_find(const struct pcifn *fn, unsigned int bar, uint64_t pos, bool *inside)
{
	const struct pcifn_region *r;
	unsigned int i;

	for (i = 0; i < fn->nb_regions; i++) {
		r = &fn->regions[i];
		if (r->bar < bar)
			continue;
		if (r->bar > bar)
			break;
		if (pos < r->offset) {
			*inside = false;
			return r;
		}
		if (pos - r->offset < r->size) {
			*inside = true;
			return r;
		}
	}
	*inside = false;
	return NULL;
}

/* Size of the next access at BAR offset @p a with @p n bytes left, 0: refused. */
static uint32_t
pcifn_access_size(const struct pcifn_region *r, uint64_t a, uint64_t n)
{
	uint32_t s;

	if (r->flags & PCIFN_REGION_REFUSE_SPLIT) {
		if (n < r->min_access || n > r->max_access)
			return 0;
		if (!(r->flags & PCIFN_REGION_UNALIGNED) &&
		    (!pcifn_is_pow2(n) || (a & (n - 1)) != 0))
			return 0;
		return (uint32_t)n;
	}
	if (r->flags & PCIFN_REGION_UNALIGNED) {
		s = (uint32_t)RTE_MIN(n, (uint64_t)r->max_access);
		return s < r->min_access ? 0 : s;
	}
	for (s = r->max_access; s >= r->min_access && s > 0; s >>= 1)
		if (s <= n && (a & (s - 1)) == 0)
			return s;
	return 0;
}

/*
 * Next run of enabled bytes of a request, from request byte @p *i on:
 * returns its length and sets @p *start, or 0 when there is none left.
 */
static uint32_t
pcifn_be_run(const struct tlp_hdr *h, uint32_t *i, uint32_t *start)
{
	uint32_t total = (uint32_t)h->len_dw * 4, j = *i, s;
	uint8_t last = h->len_dw > 1 ? h->last_be : 0;

#define PCIFN_BYTE_ON(k) ((k) < 4 ? (h->first_be >> (k)) & 1 : \
			  (k) >= total - 4 ? (last >> ((k) - (total - 4))) & 1 : 1)
	while (j < total && !PCIFN_BYTE_ON(j))
		j++;
	if (j >= total) {
		*i = j;
		return 0;
	}
	s = j;
	while (j < total) {
		if (j >= 4 && j < total - 4) {
			j = total - 4;	/* middle DWs are all enabled */
			continue;
		}
		if (!PCIFN_BYTE_ON(j))
			break;
		j++;
	}
#undef PCIFN_BYTE_ON
	*i = j;
	*start = s;
	return j - s;
}

/*
 * Read from BAR @p bar at offset @p off (the request's DW address) into
 * @p buf (len_dw * 4 bytes, zeroed by the caller). Returns 0, or -EACCES
 * when a region refused (the request gets Completer Abort).
 */
int
pcifn_bar_read(struct pcifn *fn, unsigned int bar, uint64_t off, const struct tlp_hdr *h,
	       uint8_t *buf)
{
	const struct pcifn_region *r;
	uint32_t i = 0, start = 0, len, s;
	uint64_t pos, end, stop;
	bool inside, hole = false;

	while ((len = pcifn_be_run(h, &i, &start)) != 0) {
		pos = off + start;
		end = pos + len;
		while (pos < end) {
			r = pcifn_region_find(fn, bar, pos, &inside);
			if (!inside) {
				/* A hole reads as zeros (already in @p buf). */
				stop = r != NULL ? RTE_MIN(end, r->offset) : end;
				hole = true;
				pos = stop;
				continue;
			}
			stop = RTE_MIN(end, r->offset + r->size);
			while (pos < stop) {
				s = pcifn_access_size(r, pos, stop - pos);
				if (s == 0 || r->ops->read == NULL ||
				    r->ops->read(r->ctx, pos - r->offset, buf + (pos - off),
						 s) != 0) {
					fn->stats.refused++;
					return -EACCES;
				}
				pos += s;
			}
		}
	}
	if (hole)
		fn->stats.hole_rd++;
	return 0;
}

/* Write to BAR @p bar at offset @p off; what cannot be applied is counted. */
void
pcifn_bar_write(struct pcifn *fn, unsigned int bar, uint64_t off, const struct tlp_hdr *h,
		const uint8_t *data, uint16_t qid)
{
	const struct pcifn_region *r;
	uint32_t i = 0, start = 0, len, s;
	uint64_t pos, end, stop;
	bool inside, dropped = false;

	fn->cur_qid = qid;
	while ((len = pcifn_be_run(h, &i, &start)) != 0) {
		pos = off + start;
		end = pos + len;
		while (pos < end) {
			r = pcifn_region_find(fn, bar, pos, &inside);
			if (!inside) {
				pos = r != NULL ? RTE_MIN(end, r->offset) : end;
				dropped = true;
				continue;
			}
			stop = RTE_MIN(end, r->offset + r->size);
			while (pos < stop) {
				s = pcifn_access_size(r, pos, stop - pos);
				if (s == 0) {
					/* Refused: the rest of this piece is dropped. */
					fn->stats.refused++;
					dropped = true;
					pos = stop;
					break;
				}
				if (r->ops->write == NULL ||
				    r->ops->write(r->ctx, pos - r->offset, data + (pos - off),
						  s) != 0) {
					fn->stats.refused++;
					dropped = true;
				}
				pos += s;
			}
		}
	}
	if (dropped)
		fn->stats.wr_dropped++;
	else
		fn->stats.mem_wr++;
}

int
pcifn_bar_access(struct pcifn *fn, unsigned int bar, uint64_t offset, void *buf, uint32_t len,
		 bool write)
{
	struct tlp_hdr h = { .len_dw = 1 };
	uint8_t dw[4] = { 0 };
	unsigned int lo;

	if (fn == NULL || buf == NULL || bar >= PCIFN_NB_BARS || fn->bars[bar].size == 0 ||
	    (len != 1 && len != 2 && len != 4) || offset >= fn->bars[bar].size ||
	    len > fn->bars[bar].size - offset)
		return -EINVAL;
	lo = (unsigned int)(offset & 3);
	if (lo + len > 4)
		return -EINVAL;
	/* The access as the request a host would send: one DW, byte enables. */
	h.first_be = (uint8_t)(((1u << len) - 1) << lo);
	if (write) {
		h.kind = TLP_KIND_MWR;
		memcpy(&dw[lo], buf, len);
		pcifn_bar_write(fn, bar, offset & ~3ull, &h, dw, 0);
		return 0;
	}
	h.kind = TLP_KIND_MRD;
	if (pcifn_bar_read(fn, bar, offset & ~3ull, &h, dw) != 0)
		return -EACCES;
	memcpy(buf, &dw[lo], len);
	return 0;
}
