/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Completion helpers: the Byte Count and Lower Address a completer returns
 * for a request, computed from its byte enables the way the PCIe Base
 * Specification defines them (Completion Rules and the Byte Count / Lower
 * Address rules for memory read completions), and a builder for the
 * completion header answering a non-posted request.
 *
 * All table driven: no loops, no library calls.
 */

#include <stdint.h>

#include "tlp.h"

/*
 * Byte count of a 1 DW request from its First DW BE: the span from the
 * lowest to the highest enabled byte, 1 when no byte is enabled.
 *   1xx1 -> 4, 01x1 and 1x10 -> 3, 0011 0110 1100 -> 2, one bit or 0000 -> 1.
 */
static const uint8_t tlp_be_span_1dw[16] = {
	1, 1, 1, 2, 1, 3, 2, 3, 1, 4, 3, 4, 2, 4, 3, 4,
};

/* Disabled bytes before the first enabled byte of the First DW (0 for 0000). */
static const uint8_t tlp_be_lead_off[16] = {
	0, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0,
};

/* Disabled bytes after the last enabled byte of the Last DW (0 for 0000). */
static const uint8_t tlp_be_trail_off[16] = {
	0, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Operand size in bytes of an AtomicOp request (CAS carries two operands). */
static inline uint32_t
tlp_atomic_operand_bytes(const struct tlp_hdr *req)
{
	uint32_t bytes = (uint32_t)req->len_dw * TLP_DW_BYTES;

	return req->kind == TLP_KIND_CAS ? bytes / 2 : bytes;
}

/* Byte count from the byte enables of a memory, I/O or config request. */
static inline uint32_t
tlp_be_byte_count(const struct tlp_hdr *req)
{
	if (req->len_dw <= 1)
		return tlp_be_span_1dw[req->first_be & 0xf];
	return (uint32_t)req->len_dw * TLP_DW_BYTES - tlp_be_lead_off[req->first_be & 0xf] -
		tlp_be_trail_off[req->last_be & 0xf];
}

uint32_t
tlp_req_byte_count(const struct tlp_hdr *req)
{
	switch (req->kind) {
	case TLP_KIND_MRD:
	case TLP_KIND_MRDLK:
	case TLP_KIND_MWR:
	case TLP_KIND_IORD:
	case TLP_KIND_IOWR:
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGRD1:
	case TLP_KIND_CFGWR1:
		return tlp_be_byte_count(req);
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		return tlp_atomic_operand_bytes(req);
	default:
		return 0;
	}
}

uint64_t
tlp_req_byte_addr(const struct tlp_hdr *req)
{
	switch (req->kind) {
	case TLP_KIND_MRD:
	case TLP_KIND_MRDLK:
	case TLP_KIND_MWR:
	case TLP_KIND_IORD:
	case TLP_KIND_IOWR:
		return req->addr + tlp_be_lead_off[req->first_be & 0xf];
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGRD1:
	case TLP_KIND_CFGWR1:
		return (uint64_t)req->cfg_reg + tlp_be_lead_off[req->first_be & 0xf];
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		return req->addr;
	default:
		return 0;
	}
}

/*
 * Completion rules applied here:
 * - Requester ID, tag, TC and every attribute bit are copied from the request
 *   (the spec lets a completer differ only in IDO, which the caller may clear).
 * - Memory reads: Byte Count is the enabled span of the request, Lower
 *   Address the low 7 bits of the address of its first enabled byte. The same
 *   values are used when the status is not SC (the whole request remains).
 * - I/O and config requests: Byte Count 4, Lower Address 0.
 * - AtomicOps: Byte Count is the operand size (the completion returns the
 *   original value of one operand); Lower Address is reserved, hence 0.
 * - CplD/CplDLk only with SC for reads and AtomicOps; I/O and config writes
 *   always get Cpl. CRS is only defined for config requests.
 */
int
tlp_cpl_for_req(const struct tlp_hdr *req, uint16_t completer_id,
		enum tlp_cpl_status status, struct tlp_hdr *cpl)
{
	unsigned int sc = status == TLP_CPL_SC;
	uint16_t len_dw = 0;
	uint8_t kind;
	uint32_t bc;
	uint8_t la = 0;

	if (status != TLP_CPL_SC && status != TLP_CPL_UR && status != TLP_CPL_CRS &&
	    status != TLP_CPL_CA)
		return -TLP_ERR_INVAL;

	switch (req->kind) {
	case TLP_KIND_MRD:
	case TLP_KIND_MRDLK:
		if (status == TLP_CPL_CRS)
			return -TLP_ERR_INVAL;
		if (req->kind == TLP_KIND_MRDLK)
			kind = sc ? TLP_KIND_CPLDLK : TLP_KIND_CPLLK;
		else
			kind = sc ? TLP_KIND_CPLD : TLP_KIND_CPL;
		len_dw = sc ? req->len_dw : 0;
		bc = tlp_be_byte_count(req);
		la = (uint8_t)(tlp_req_byte_addr(req) & 0x7f);
		break;
	case TLP_KIND_IORD:
	case TLP_KIND_IOWR:
		if (status == TLP_CPL_CRS)
			return -TLP_ERR_INVAL;
		/* fall through */
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGRD1:
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGWR1:
		sc = sc && (req->kind == TLP_KIND_IORD || req->kind == TLP_KIND_CFGRD0 ||
			    req->kind == TLP_KIND_CFGRD1);
		kind = sc ? TLP_KIND_CPLD : TLP_KIND_CPL;
		len_dw = sc ? 1 : 0;
		bc = 4;
		break;
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		if (status == TLP_CPL_CRS)
			return -TLP_ERR_INVAL;
		bc = tlp_atomic_operand_bytes(req);
		kind = sc ? TLP_KIND_CPLD : TLP_KIND_CPL;
		len_dw = sc ? (uint16_t)(bc / TLP_DW_BYTES) : 0;
		break;
	default:
		return -TLP_ERR_INVAL;
	}

	*cpl = (struct tlp_hdr){
		.kind = kind,
		.tc = req->tc,
		.attr = req->attr,
		.len_dw = len_dw,
		.req_id = req->req_id,
		.tag = req->tag,
		.cpl_id = completer_id,
		.cpl_status = (uint8_t)status,
		.byte_count = (uint16_t)bc,
		.lower_addr = la,
	};
	return 0;
}
