/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <string.h>

#include "tlpsim_xfer.h"

void
tlpsim_mem_req_fill(struct tlp_hdr *h, uint64_t addr, uint32_t nbytes)
{
	uint32_t lead = (uint32_t)(addr & 3);
	uint32_t tail = (uint32_t)((addr + nbytes) & 3);

	h->addr = addr & ~3ull;
	h->len_dw = (uint16_t)((lead + nbytes + 3) / 4);
	h->first_be = (uint8_t)((0xfu << lead) & 0xfu);
	h->last_be = (uint8_t)(tail == 0 ? 0xfu : 0xfu >> (4 - tail));
	if (h->len_dw == 1) {
		h->first_be &= h->last_be;
		h->last_be = 0;
	}
}

void
tlpsim_rd_init(struct tlpsim_rd *rd, const struct tlp_hdr *req, void *dst, uint16_t rcb)
{
	rd->dst = dst;
	rd->rcb = rcb;
	rd->addr = 0;
	rd->remaining = 4;
	switch (req->kind) {
	case TLP_KIND_MRD:
	case TLP_KIND_MRDLK:
		rd->mode = TLPSIM_RD_MEM;
		if (req->first_be == 0xf && req->last_be == (req->len_dw == 1 ? 0 : 0xf) &&
		    !req->th) {
			/* Whole DWs: the common case, without the general rules. */
			rd->addr = req->addr;
			rd->remaining = (uint32_t)req->len_dw * TLP_DW_BYTES;
		} else {
			rd->addr = tlp_req_byte_addr(req);
			rd->remaining = tlp_req_byte_count(req);
		}
		break;
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGWR1:
	case TLP_KIND_IOWR:
		rd->mode = TLPSIM_RD_WRITE;
		rd->remaining = 0;
		break;
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		rd->mode = TLPSIM_RD_ATOMIC;
		rd->remaining = tlp_req_byte_count(req);
		break;
	default:
		rd->mode = TLPSIM_RD_DW;
		break;
	}
}

int
tlpsim_rd_accept(struct tlpsim_rd *rd, const struct tlp_hdr *c, const void *data)
{
	uint32_t off, useful;

	if (c->cpl_status != TLP_CPL_SC)
		return c->cpl_status == TLP_CPL_CRS ? -EAGAIN : -EIO;
	if (c->ep)
		return -EIO;
	if (rd->mode == TLPSIM_RD_WRITE)
		/* I/O and config writes: a completion without data. */
		return c->kind == TLP_KIND_CPL && c->byte_count == 4 ? TLPSIM_RD_DONE : -EPROTO;
	if ((c->kind != TLP_KIND_CPLD && c->kind != TLP_KIND_CPLDLK) || data == NULL)
		return -EPROTO;
	if (rd->mode == TLPSIM_RD_DW) {
		/* I/O and config reads: Byte Count 4, Lower Address 0, one DW. */
		if (c->byte_count != 4 || c->lower_addr != 0 || c->len_dw != 1)
			return -EPROTO;
		if (rd->dst != NULL)
			memcpy(rd->dst, data, 4);
		rd->remaining = 0;
		return TLPSIM_RD_DONE;
	}
	if (rd->mode == TLPSIM_RD_ATOMIC) {
		/* The original value, as long as the operand. */
		if ((uint32_t)c->len_dw * 4u < rd->remaining || c->byte_count != rd->remaining)
			return -EPROTO;
		if (rd->dst != NULL)
			memcpy(rd->dst, data, rd->remaining);
		rd->remaining = 0;
		return TLPSIM_RD_DONE;
	}
	if (c->byte_count != rd->remaining || c->lower_addr != (rd->addr & 0x7f))
		return -EPROTO;
	off = (uint32_t)(rd->addr & 3);
	useful = (uint32_t)c->len_dw * 4u - off;
	if (useful >= rd->remaining) {
		/* The last completion ends in the DW holding the last byte. */
		if (useful - rd->remaining > 3)
			return -EPROTO;
		if (rd->dst != NULL)
			memcpy(rd->dst, (const uint8_t *)data + off, rd->remaining);
		rd->remaining = 0;
		return TLPSIM_RD_DONE;
	}
	/* A partial completion ends on a Read Completion Boundary. */
	if (rd->rcb != 0 && ((rd->addr + useful) & (rd->rcb - 1u)) != 0)
		return -EPROTO;
	if (rd->dst != NULL) {
		memcpy(rd->dst, (const uint8_t *)data + off, useful);
		rd->dst += useful;
	}
	rd->addr += useful;
	rd->remaining -= useful;
	return TLPSIM_RD_MORE;
}
