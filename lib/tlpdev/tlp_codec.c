/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * TLP header encoder and decoder (Non-Flit Mode header layouts of the PCIe
 * Base Specification, chapter 2).
 *
 * The decoder is a strict checker. It accepts a buffer only when re-encoding
 * the decoded header gives back the same bytes (the digest DW aside, whose
 * value is not checked), so every TLP has exactly one valid encoding and every
 * deviation has an error code. The choices made where the spec leaves room:
 *
 * - Reserved bits. The spec asks receivers to ignore reserved fields; this
 *   codec rejects them instead (TLP_ERR_RESERVED), because its peers are
 *   software under test and a set reserved bit there is a bug worth counting.
 *   Covered: byte 1 bit 1 (formerly LN, now reserved), Tag[9:8] of MWr,
 *   address bits 1:0 when TH is clear, the byte enable byte of an AtomicOp
 *   without TH, config bytes 10 bits 7:4 and 11 bits 1:0, completion byte 11
 *   bit 7, TH in completions and messages, AT in completions (the spec says it
 *   must be 00b) and the Length field of Cpl, CplLk and Msg, which carry no
 *   data.
 * - IDO (Attr[2]) is reserved for I/O and config requests, but the spec says
 *   its value must never make a TLP malformed: it is kept in attr for every
 *   kind and never rejected.
 * - Tag[9:8] (T9, T8) are decoded for every request and completion. Messages
 *   keep all 10 bits (vendor-defined messages may use them); MWr must have
 *   them clear, Tag[7:0] of an MWr without TH is passed through as it is.
 * - TH: allowed on MRd, MRdLk, MWr and the AtomicOps. PH comes from address
 *   bits 1:0; ST[7:0] from byte 7 (reads, AtomicOps) or byte 6 (MWr); the
 *   byte enables of a read take the values the spec implies.
 * - AtomicOps: Length must be an architected operand size (FetchAdd, Swap:
 *   1 or 2 DW; CAS: 2, 4 or 8 DW) and the address naturally aligned to one
 *   operand (half the payload for CAS), which also keeps them inside 4 KiB.
 * - 4K boundary crossing is checked for MRd, MRdLk and MWr.
 * - I/O and config requests: Length 1, TC 0, Attr[1:0] 0, AT 0, TH 0 and
 *   Last DW BE 0 are required (TLP_ERR_IO_CFG_FIELDS); any First DW BE is
 *   accepted. I/O requests exist only with a 3 DW header.
 * - The digest is not verified: ECRC belongs to the link, not to the header.
 * - Message routing 110b and 111b gives TLP_ERR_MSG_ROUTE; a message type
 *   with a 3 DW Fmt gives TLP_ERR_FMT_TYPE, as does every Fmt/Type pair not
 *   listed in the kind table (TCfgRd/DMWr, 4 DW I/O or config, ...).
 *
 * Hot path: one table lookup for Fmt/Type, a switch per header class, byte
 * loads and stores of the big-endian fields, no loops and no library call but
 * the payload copy in the encoder.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tlp.h"

/* Header layout classes. */
enum tlp_class {
	TLP_CLASS_MEM,		/* MRd, MRdLk, MWr */
	TLP_CLASS_ATOMIC,	/* FetchAdd, Swap, CAS */
	TLP_CLASS_IO,		/* IORd, IOWr */
	TLP_CLASS_CFG,		/* CfgRd0/1, CfgWr0/1 */
	TLP_CLASS_CPL,		/* Cpl, CplD, CplLk, CplDLk */
	TLP_CLASS_MSG,		/* Msg, MsgD */
};

/* Kind flags. */
#define KF_DATA		0x01u	/* carries a payload */
#define KF_NP		0x02u	/* non-posted request */
#define KF_CPL		0x04u	/* completion */
#define KF_POSTED	0x08u	/* posted request (MWr, messages) */

struct tlp_kind_info {
	uint8_t fmt_type;	/* byte 0, 3 DW form (messages: 4 DW, route 0) */
	uint8_t cls;		/* enum tlp_class */
	uint8_t flags;		/* KF_* */
	const char *name;
};

static const struct tlp_kind_info tlp_kinds[TLP_KIND_MAX] = {
	[TLP_KIND_MRD] = { 0x00, TLP_CLASS_MEM, KF_NP, "MRd" },
	[TLP_KIND_MRDLK] = { 0x01, TLP_CLASS_MEM, KF_NP, "MRdLk" },
	[TLP_KIND_MWR] = { 0x40, TLP_CLASS_MEM, KF_DATA | KF_POSTED, "MWr" },
	[TLP_KIND_IORD] = { 0x02, TLP_CLASS_IO, KF_NP, "IORd" },
	[TLP_KIND_IOWR] = { 0x42, TLP_CLASS_IO, KF_DATA | KF_NP, "IOWr" },
	[TLP_KIND_CFGRD0] = { 0x04, TLP_CLASS_CFG, KF_NP, "CfgRd0" },
	[TLP_KIND_CFGWR0] = { 0x44, TLP_CLASS_CFG, KF_DATA | KF_NP, "CfgWr0" },
	[TLP_KIND_CFGRD1] = { 0x05, TLP_CLASS_CFG, KF_NP, "CfgRd1" },
	[TLP_KIND_CFGWR1] = { 0x45, TLP_CLASS_CFG, KF_DATA | KF_NP, "CfgWr1" },
	[TLP_KIND_MSG] = { 0x30, TLP_CLASS_MSG, KF_POSTED, "Msg" },
	[TLP_KIND_MSGD] = { 0x70, TLP_CLASS_MSG, KF_DATA | KF_POSTED, "MsgD" },
	[TLP_KIND_CPL] = { 0x0a, TLP_CLASS_CPL, KF_CPL, "Cpl" },
	[TLP_KIND_CPLD] = { 0x4a, TLP_CLASS_CPL, KF_DATA | KF_CPL, "CplD" },
	[TLP_KIND_CPLLK] = { 0x0b, TLP_CLASS_CPL, KF_CPL, "CplLk" },
	[TLP_KIND_CPLDLK] = { 0x4b, TLP_CLASS_CPL, KF_DATA | KF_CPL, "CplDLk" },
	[TLP_KIND_FETCHADD] = { 0x4c, TLP_CLASS_ATOMIC, KF_DATA | KF_NP, "FetchAdd" },
	[TLP_KIND_SWAP] = { 0x4d, TLP_CLASS_ATOMIC, KF_DATA | KF_NP, "Swap" },
	[TLP_KIND_CAS] = { 0x4e, TLP_CLASS_ATOMIC, KF_DATA | KF_NP, "CAS" },
};

/*
 * Byte 0 (Fmt and Type) to kind + 1; 0 for reserved combinations and
 * B0_BAD_ROUTE for messages with a reserved routing subfield.
 */
#define B0_BAD_ROUTE 0xffu
#define B0K(k) ((uint8_t)((k) + 1))

static const uint8_t tlp_b0_kind[256] = {
	[0x00] = B0K(TLP_KIND_MRD), [0x20] = B0K(TLP_KIND_MRD),
	[0x01] = B0K(TLP_KIND_MRDLK), [0x21] = B0K(TLP_KIND_MRDLK),
	[0x40] = B0K(TLP_KIND_MWR), [0x60] = B0K(TLP_KIND_MWR),
	[0x02] = B0K(TLP_KIND_IORD),
	[0x42] = B0K(TLP_KIND_IOWR),
	[0x04] = B0K(TLP_KIND_CFGRD0),
	[0x44] = B0K(TLP_KIND_CFGWR0),
	[0x05] = B0K(TLP_KIND_CFGRD1),
	[0x45] = B0K(TLP_KIND_CFGWR1),
	[0x0a] = B0K(TLP_KIND_CPL),
	[0x4a] = B0K(TLP_KIND_CPLD),
	[0x0b] = B0K(TLP_KIND_CPLLK),
	[0x4b] = B0K(TLP_KIND_CPLDLK),
	[0x4c] = B0K(TLP_KIND_FETCHADD), [0x6c] = B0K(TLP_KIND_FETCHADD),
	[0x4d] = B0K(TLP_KIND_SWAP), [0x6d] = B0K(TLP_KIND_SWAP),
	[0x4e] = B0K(TLP_KIND_CAS), [0x6e] = B0K(TLP_KIND_CAS),
	[0x30] = B0K(TLP_KIND_MSG), [0x31] = B0K(TLP_KIND_MSG),
	[0x32] = B0K(TLP_KIND_MSG), [0x33] = B0K(TLP_KIND_MSG),
	[0x34] = B0K(TLP_KIND_MSG), [0x35] = B0K(TLP_KIND_MSG),
	[0x36] = B0_BAD_ROUTE, [0x37] = B0_BAD_ROUTE,
	[0x70] = B0K(TLP_KIND_MSGD), [0x71] = B0K(TLP_KIND_MSGD),
	[0x72] = B0K(TLP_KIND_MSGD), [0x73] = B0K(TLP_KIND_MSGD),
	[0x74] = B0K(TLP_KIND_MSGD), [0x75] = B0K(TLP_KIND_MSGD),
	[0x76] = B0_BAD_ROUTE, [0x77] = B0_BAD_ROUTE,
};

/*
 * Byte enable patterns allowed in a request of 3 DW or more (or 2 DW not QW
 * aligned), as bit masks indexed by the 4-bit value: the First DW must be
 * enabled up to its last byte (1000b, 1100b, 1110b, 1111b), the Last DW from
 * its first byte (0001b, 0011b, 0111b, 1111b).
 */
#define FIRST_BE_CONTIG ((1u << 0x8) | (1u << 0xc) | (1u << 0xe) | (1u << 0xf))
#define LAST_BE_CONTIG ((1u << 0x1) | (1u << 0x3) | (1u << 0x7) | (1u << 0xf))

/* Completion status values the spec defines (bit mask over status 0..7). */
#define CPL_STATUS_VALID ((1u << TLP_CPL_SC) | (1u << TLP_CPL_UR) | \
			  (1u << TLP_CPL_CRS) | (1u << TLP_CPL_CA))

/* Operand sizes allowed per AtomicOp, bit n set for a Length of n DW. */
#define ATOMIC_LEN_FA_SWAP ((1u << 1) | (1u << 2))
#define ATOMIC_LEN_CAS ((1u << 2) | (1u << 4) | (1u << 8))

/* Big-endian helpers: byte accesses that compilers merge into one load. */
static inline uint16_t
tlp_ld_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
tlp_ld_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
		((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint64_t
tlp_ld_be64(const uint8_t *p)
{
	return ((uint64_t)tlp_ld_be32(p) << 32) | tlp_ld_be32(p + 4);
}

static inline void
tlp_st_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
tlp_st_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
tlp_st_be64(uint8_t *p, uint64_t v)
{
	tlp_st_be32(p, (uint32_t)(v >> 32));
	tlp_st_be32(p + 4, (uint32_t)v);
}

/*
 * Payload copy that tolerates overlap. Register-sized payloads (1 and 2 DW,
 * the common case of config and BAR accesses) are loaded whole before being
 * stored, which compilers turn into one load and one store.
 */
static inline void
tlp_copy_payload(uint8_t *dst, const void *src, size_t len)
{
	uint64_t q;
	uint32_t d;

	if (len == 4) {
		memcpy(&d, src, 4);
		memcpy(dst, &d, 4);
	} else if (len == 8) {
		memcpy(&q, src, 8);
		memcpy(dst, &q, 8);
	} else {
		memmove(dst, src, len);
	}
}

/* Byte enables the spec implies for a read request with TH set. */
static inline uint8_t
tlp_th_implied_last_be(unsigned int len_dw)
{
	return len_dw > 1 ? 0xf : 0x0;
}

/*
 * Semantic checks on decoded fields, shared by the decoder and the encoder.
 * Each returns 0 or a positive enum tlp_err.
 */

/* Byte enable and 4 KiB rules of MRd, MRdLk and MWr. */
static inline int
tlp_check_mem(const struct tlp_hdr *h)
{
	unsigned int len = h->len_dw;
	unsigned int fbe = h->first_be, lbe = h->last_be;

	if (len == 1) {
		if (lbe != 0)
			return TLP_ERR_BE_LAST_1DW;
	} else {
		if (fbe == 0 || lbe == 0)
			return TLP_ERR_BE_ZERO;
		/* Any pattern is fine for one QW-aligned QW. */
		if ((len != 2 || (h->addr & 7) != 0) &&
		    (!((FIRST_BE_CONTIG >> fbe) & 1) || !((LAST_BE_CONTIG >> lbe) & 1)))
			return TLP_ERR_BE_NONCONTIG;
	}
	if ((h->addr & 0xfff) + (uint64_t)len * TLP_DW_BYTES > 0x1000)
		return TLP_ERR_4K_CROSS;
	return 0;
}

/* Operand size and alignment of an AtomicOp. */
static inline int
tlp_check_atomic(const struct tlp_hdr *h)
{
	unsigned int len = h->len_dw;
	unsigned int allowed, op_bytes;

	allowed = h->kind == TLP_KIND_CAS ? ATOMIC_LEN_CAS : ATOMIC_LEN_FA_SWAP;
	if (len > 8 || !((allowed >> len) & 1))
		return TLP_ERR_ATOMIC_LEN;
	op_bytes = len * TLP_DW_BYTES;
	if (h->kind == TLP_KIND_CAS)
		op_bytes /= 2;
	if ((h->addr & (op_bytes - 1)) != 0)
		return TLP_ERR_ATOMIC_ALIGN;
	return 0;
}

/* Fixed fields of I/O and config requests. */
static inline int
tlp_check_io_cfg(const struct tlp_hdr *h)
{
	if (h->len_dw != 1 || h->tc != 0 || (h->attr & (TLP_ATTR_RO | TLP_ATTR_NS)) != 0 ||
	    h->at != 0 || h->th != 0 || h->last_be != 0)
		return TLP_ERR_IO_CFG_FIELDS;
	return 0;
}

/* Status rules of completions. */
static inline int
tlp_check_cpl(const struct tlp_hdr *h)
{
	if (h->cpl_status > 7 || !((CPL_STATUS_VALID >> h->cpl_status) & 1))
		return TLP_ERR_CPL_STATUS;
	if ((tlp_kinds[h->kind].flags & KF_DATA) && h->cpl_status != TLP_CPL_SC)
		return TLP_ERR_CPL_DATA_STATUS;
	return 0;
}

/*
 * Memory and AtomicOp address: DW2 (3 DW) or DW2..DW3 (4 DW), with PH or
 * reserved bits in bits 1:0. Returns 0 or a positive error.
 */
static inline int
tlp_decode_addr(const uint8_t *p, unsigned int is4dw, struct tlp_hdr *h, unsigned int *rsvd)
{
	uint32_t hi = 0, lo;

	if (is4dw) {
		hi = tlp_ld_be32(p + 8);
		lo = tlp_ld_be32(p + 12);
	} else {
		lo = tlp_ld_be32(p + 8);
	}
	h->addr = ((uint64_t)hi << 32) | (lo & ~(uint32_t)3);
	if (h->th)
		h->ph = lo & 3;
	else
		*rsvd |= lo & 3;
	if (is4dw && hi == 0)
		return TLP_ERR_4DW_LOW_ADDR;
	return 0;
}

int
tlp_decode(const void *buf, size_t len, struct tlp_hdr *h, const void **data)
{
	const uint8_t *p = buf;
	const struct tlp_kind_info *ki;
	unsigned int b0, b1, b2, k, hlen, ldw, is4dw, tag10;
	unsigned int rsvd;
	size_t total;
	int rc;

	if (data != NULL)
		*data = NULL;
	if (len == 0)
		return -TLP_ERR_TRUNCATED;
	b0 = p[0];
	k = tlp_b0_kind[b0];
	if (k == 0) {
		if ((b0 >> 5) == TLP_FMT_PREFIX)
			return -TLP_ERR_PREFIX;
		return -TLP_ERR_FMT_TYPE;
	}
	if (k == B0_BAD_ROUTE)
		return -TLP_ERR_MSG_ROUTE;
	k--;
	ki = &tlp_kinds[k];
	is4dw = (b0 >> 5) & 1;
	hlen = is4dw ? 16 : 12;
	if (len < hlen)
		return -TLP_ERR_TRUNCATED;

	b1 = p[1];
	b2 = p[2];
	ldw = ((b2 & 3u) << 8) | p[3];
	total = hlen + ((b2 & 0x80) ? TLP_DW_BYTES : 0);
	if (ki->flags & KF_DATA)
		total += (size_t)(ldw != 0 ? ldw : 1024) * TLP_DW_BYTES;
	if (len != total)
		return -TLP_ERR_LEN_MISMATCH;

	*h = (struct tlp_hdr){
		.kind = (uint8_t)k,
		.tc = (b1 >> 4) & 7,
		.attr = (uint8_t)(((b2 >> 4) & 3) | (b1 & 4)),
		.th = b1 & 1,
		.td = b2 >> 7,
		.ep = (b2 >> 6) & 1,
		.at = (b2 >> 2) & 3,
	};
	/* Byte 1 bit 1 (LN in older revisions) is reserved. */
	rsvd = b1 & 2;
	tag10 = ((b1 & 0x80) << 2) | ((b1 & 0x08) << 5);
	/* Length, for the kinds where it is meaningful. */
	ldw = ldw != 0 ? ldw : 1024;

	switch (ki->cls) {
	case TLP_CLASS_MEM:
		h->len_dw = (uint16_t)ldw;
		h->req_id = tlp_ld_be16(p + 4);
		if (k == TLP_KIND_MWR) {
			/* Posted: Tag[9:8] reserved; ST in the tag byte with TH. */
			rsvd |= tag10;
			if (h->th)
				h->st = p[6];
			else
				h->tag = p[6];
			h->first_be = p[7] & 0xf;
			h->last_be = p[7] >> 4;
		} else {
			h->tag = (uint16_t)(tag10 | p[6]);
			if (h->th) {
				h->st = p[7];
				h->first_be = 0xf;
				h->last_be = tlp_th_implied_last_be(ldw);
			} else {
				h->first_be = p[7] & 0xf;
				h->last_be = p[7] >> 4;
			}
		}
		rc = tlp_decode_addr(p, is4dw, h, &rsvd);
		if (rc == 0)
			rc = tlp_check_mem(h);
		break;
	case TLP_CLASS_ATOMIC:
		h->len_dw = (uint16_t)ldw;
		h->req_id = tlp_ld_be16(p + 4);
		h->tag = (uint16_t)(tag10 | p[6]);
		/* Byte enables are reserved; with TH the byte holds ST. */
		if (h->th)
			h->st = p[7];
		else
			rsvd |= p[7];
		rc = tlp_decode_addr(p, is4dw, h, &rsvd);
		if (rc == 0)
			rc = tlp_check_atomic(h);
		break;
	case TLP_CLASS_IO:
		h->len_dw = (uint16_t)ldw;
		h->req_id = tlp_ld_be16(p + 4);
		h->tag = (uint16_t)(tag10 | p[6]);
		h->first_be = p[7] & 0xf;
		h->last_be = p[7] >> 4;
		h->addr = tlp_ld_be32(p + 8) & ~(uint32_t)3;
		rsvd |= p[11] & 3;
		rc = tlp_check_io_cfg(h);
		break;
	case TLP_CLASS_CFG:
		h->len_dw = (uint16_t)ldw;
		h->req_id = tlp_ld_be16(p + 4);
		h->tag = (uint16_t)(tag10 | p[6]);
		h->first_be = p[7] & 0xf;
		h->last_be = p[7] >> 4;
		h->cfg_id = tlp_ld_be16(p + 8);
		h->cfg_reg = (uint16_t)(((p[10] & 0xfu) << 8) | (p[11] & 0xfcu));
		rsvd |= (p[10] & 0xf0u) | (p[11] & 3u);
		rc = tlp_check_io_cfg(h);
		break;
	case TLP_CLASS_CPL:
		if (ki->flags & KF_DATA)
			h->len_dw = (uint16_t)ldw;
		else
			rsvd |= (b2 & 3u) | p[3];
		h->cpl_id = tlp_ld_be16(p + 4);
		h->cpl_status = p[6] >> 5;
		h->bcm = (p[6] >> 4) & 1;
		h->byte_count = (uint16_t)(((p[6] & 0xfu) << 8) | p[7]);
		if (h->byte_count == 0)
			h->byte_count = 4096;
		h->req_id = tlp_ld_be16(p + 8);
		h->tag = (uint16_t)(tag10 | p[10]);
		h->lower_addr = p[11] & 0x7f;
		/* TH and AT are not defined for completions. */
		rsvd |= (p[11] & 0x80u) | h->th | h->at;
		h->th = 0;
		h->at = 0;
		rc = tlp_check_cpl(h);
		break;
	default: /* TLP_CLASS_MSG */
		if (ki->flags & KF_DATA)
			h->len_dw = (uint16_t)ldw;
		else
			rsvd |= (b2 & 3u) | p[3];
		h->req_id = tlp_ld_be16(p + 4);
		h->tag = (uint16_t)(tag10 | p[6]);
		h->msg_code = p[7];
		h->msg_route = b0 & 7;
		h->msg_data = tlp_ld_be64(p + 8);
		rsvd |= h->th;
		h->th = 0;
		rc = 0;
		break;
	}
	if (rc != 0)
		return -rc;
	if (rsvd != 0)
		return -TLP_ERR_RESERVED;
	if (data != NULL && (ki->flags & KF_DATA))
		*data = p + hlen;
	return 0;
}

size_t
tlp_hdr_size(const struct tlp_hdr *h)
{
	if (h->kind >= TLP_KIND_MAX)
		return 0;
	switch (tlp_kinds[h->kind].cls) {
	case TLP_CLASS_MEM:
	case TLP_CLASS_ATOMIC:
		return h->addr > UINT32_MAX ? 16 : 12;
	case TLP_CLASS_MSG:
		return 16;
	default:
		return 12;
	}
}

/* Range and consistency checks of the encoder; 0 or a positive error. */
static int
tlp_encode_check(const struct tlp_hdr *h, const struct tlp_kind_info *ki)
{
	if (h->tc > 7 || h->attr > 7 || h->th > 1 || h->td > 1 || h->ep > 1 ||
	    h->at > 3 || h->tag > 0x3ff)
		return TLP_ERR_INVAL;

	switch (ki->cls) {
	case TLP_CLASS_MEM:
		if (h->len_dw == 0 || h->len_dw > 1024 || (h->addr & 3) != 0 || h->ph > 3)
			return TLP_ERR_INVAL;
		if (!h->th && (h->ph != 0 || h->st != 0))
			return TLP_ERR_INVAL;
		if (h->kind == TLP_KIND_MWR) {
			/* Tag[9:8] reserved; with TH the tag byte holds ST. */
			if (h->tag > 0xff || (h->th && h->tag != 0))
				return TLP_ERR_INVAL;
		} else if (h->th && (h->first_be != 0xf ||
				     h->last_be != tlp_th_implied_last_be(h->len_dw))) {
			return TLP_ERR_INVAL;
		}
		if (h->first_be > 0xf || h->last_be > 0xf)
			return TLP_ERR_INVAL;
		return tlp_check_mem(h) != 0 ? TLP_ERR_INVAL : 0;
	case TLP_CLASS_ATOMIC:
		if ((h->addr & 3) != 0 || h->ph > 3 || h->first_be != 0 || h->last_be != 0)
			return TLP_ERR_INVAL;
		if (!h->th && (h->ph != 0 || h->st != 0))
			return TLP_ERR_INVAL;
		return tlp_check_atomic(h) != 0 ? TLP_ERR_INVAL : 0;
	case TLP_CLASS_IO:
		if (h->addr > UINT32_MAX || (h->addr & 3) != 0 || h->first_be > 0xf)
			return TLP_ERR_INVAL;
		return tlp_check_io_cfg(h) != 0 ? TLP_ERR_INVAL : 0;
	case TLP_CLASS_CFG:
		if (h->cfg_reg > TLP_CFG_SPACE_SIZE - 4 || (h->cfg_reg & 3) != 0 ||
		    h->first_be > 0xf)
			return TLP_ERR_INVAL;
		return tlp_check_io_cfg(h) != 0 ? TLP_ERR_INVAL : 0;
	case TLP_CLASS_CPL:
		if (h->th || h->at || h->bcm > 1 || h->lower_addr > 0x7f ||
		    h->byte_count == 0 || h->byte_count > 4096)
			return TLP_ERR_INVAL;
		if ((ki->flags & KF_DATA) && (h->len_dw == 0 || h->len_dw > 1024))
			return TLP_ERR_INVAL;
		return tlp_check_cpl(h) != 0 ? TLP_ERR_INVAL : 0;
	default: /* TLP_CLASS_MSG */
		if (h->th || h->msg_route > TLP_MSG_ROUTE_GATHER)
			return TLP_ERR_INVAL;
		if ((ki->flags & KF_DATA) && (h->len_dw == 0 || h->len_dw > 1024))
			return TLP_ERR_INVAL;
		return 0;
	}
}

int
tlp_encode(const struct tlp_hdr *h, const void *data, void *buf, size_t size)
{
	const struct tlp_kind_info *ki;
	uint8_t *p = buf;
	unsigned int b0, b1, b2, ldw, is4dw, hlen, plen, total;
	uint32_t lo;
	int rc;

	if (h->kind >= TLP_KIND_MAX)
		return -TLP_ERR_INVAL;
	ki = &tlp_kinds[h->kind];
	rc = tlp_encode_check(h, ki);
	if (rc != 0)
		return -rc;

	b0 = ki->fmt_type;
	is4dw = 0;
	switch (ki->cls) {
	case TLP_CLASS_MEM:
	case TLP_CLASS_ATOMIC:
		is4dw = h->addr > UINT32_MAX;
		break;
	case TLP_CLASS_MSG:
		is4dw = 1;
		b0 |= h->msg_route;
		break;
	default:
		break;
	}
	b0 |= is4dw << 5;
	hlen = is4dw ? 16 : 12;
	plen = (ki->flags & KF_DATA) ? h->len_dw * TLP_DW_BYTES : 0;
	total = hlen + plen + (h->td ? TLP_DW_BYTES : 0);
	if (size < total)
		return -TLP_ERR_NOSPC;

	/*
	 * The payload first: it may already sit in place, or overlap the
	 * output, header included.
	 */
	if (plen != 0 && data != NULL && data != p + hlen)
		tlp_copy_payload(p + hlen, data, plen);

	/* Length field: zero for kinds without data other than requests. */
	ldw = 0;
	if (ki->cls != TLP_CLASS_CPL && ki->cls != TLP_CLASS_MSG)
		ldw = h->len_dw & 0x3ff;
	else if (ki->flags & KF_DATA)
		ldw = h->len_dw & 0x3ff;

	b1 = ((h->tag >> 2) & 0x80u) | (unsigned int)h->tc << 4 | ((h->tag >> 5) & 0x08u) |
		(h->attr & TLP_ATTR_IDO) | h->th;
	b2 = (unsigned int)h->td << 7 | (unsigned int)h->ep << 6 |
		(h->attr & 3u) << 4 | (unsigned int)h->at << 2 | (ldw >> 8);
	p[0] = (uint8_t)b0;
	p[1] = (uint8_t)b1;
	p[2] = (uint8_t)b2;
	p[3] = (uint8_t)ldw;

	switch (ki->cls) {
	case TLP_CLASS_MEM:
	case TLP_CLASS_ATOMIC:
		tlp_st_be16(p + 4, h->req_id);
		if (h->kind == TLP_KIND_MWR) {
			p[6] = h->th ? h->st : (uint8_t)h->tag;
			p[7] = (uint8_t)(h->last_be << 4 | h->first_be);
		} else {
			p[6] = (uint8_t)h->tag;
			if (h->th)
				p[7] = h->st;
			else
				p[7] = (uint8_t)(h->last_be << 4 | h->first_be);
		}
		lo = (uint32_t)h->addr | (h->th ? h->ph : 0);
		if (is4dw) {
			tlp_st_be32(p + 8, (uint32_t)(h->addr >> 32));
			tlp_st_be32(p + 12, lo);
		} else {
			tlp_st_be32(p + 8, lo);
		}
		break;
	case TLP_CLASS_IO:
		tlp_st_be16(p + 4, h->req_id);
		p[6] = (uint8_t)h->tag;
		p[7] = (uint8_t)(h->last_be << 4 | h->first_be);
		tlp_st_be32(p + 8, (uint32_t)h->addr);
		break;
	case TLP_CLASS_CFG:
		tlp_st_be16(p + 4, h->req_id);
		p[6] = (uint8_t)h->tag;
		p[7] = (uint8_t)(h->last_be << 4 | h->first_be);
		tlp_st_be16(p + 8, h->cfg_id);
		p[10] = (uint8_t)(h->cfg_reg >> 8);
		p[11] = (uint8_t)(h->cfg_reg & 0xfc);
		break;
	case TLP_CLASS_CPL:
		tlp_st_be16(p + 4, h->cpl_id);
		p[6] = (uint8_t)(h->cpl_status << 5 | h->bcm << 4 | ((h->byte_count >> 8) & 0xf));
		p[7] = (uint8_t)h->byte_count;
		tlp_st_be16(p + 8, h->req_id);
		p[10] = (uint8_t)h->tag;
		p[11] = h->lower_addr;
		break;
	default: /* TLP_CLASS_MSG */
		tlp_st_be16(p + 4, h->req_id);
		p[6] = (uint8_t)h->tag;
		p[7] = h->msg_code;
		tlp_st_be64(p + 8, h->msg_data);
		break;
	}
	if (h->td)
		tlp_st_be32(p + hlen + plen, 0);
	return (int)total;
}

int
tlp_kind_has_data(enum tlp_kind kind)
{
	return (unsigned int)kind < TLP_KIND_MAX && (tlp_kinds[kind].flags & KF_DATA) != 0;
}

int
tlp_kind_is_nonposted(enum tlp_kind kind)
{
	return (unsigned int)kind < TLP_KIND_MAX && (tlp_kinds[kind].flags & KF_NP) != 0;
}

int
tlp_kind_is_cpl(enum tlp_kind kind)
{
	return (unsigned int)kind < TLP_KIND_MAX && (tlp_kinds[kind].flags & KF_CPL) != 0;
}

const char *
tlp_kind_name(enum tlp_kind kind)
{
	if ((unsigned int)kind >= TLP_KIND_MAX)
		return "?";
	return tlp_kinds[kind].name;
}

struct tlp_err_text {
	const char *name;
	const char *desc;
};

static const struct tlp_err_text tlp_errs[TLP_ERR_MAX] = {
	[TLP_OK] = { "ok", "success" },
	[TLP_ERR_TRUNCATED] = { "truncated", "buffer shorter than the TLP header" },
	[TLP_ERR_PREFIX] = { "prefix", "TLP prefix not supported" },
	[TLP_ERR_FMT_TYPE] = { "fmt_type", "reserved Fmt/Type combination" },
	[TLP_ERR_LEN_MISMATCH] = { "len_mismatch",
		"TLP length differs from header, payload and digest" },
	[TLP_ERR_4DW_LOW_ADDR] = { "4dw_low_addr", "64-bit address header below 4 GiB" },
	[TLP_ERR_BE_LAST_1DW] = { "be_last_1dw", "Last DW BE not zero in a 1 DW request" },
	[TLP_ERR_BE_ZERO] = { "be_zero", "zero First or Last DW BE in a multi-DW request" },
	[TLP_ERR_BE_NONCONTIG] = { "be_noncontig", "non-contiguous byte enables" },
	[TLP_ERR_4K_CROSS] = { "4k_cross", "memory request crosses a 4 KiB boundary" },
	[TLP_ERR_IO_CFG_FIELDS] = { "io_cfg_fields",
		"I/O or config request with Length, TC, Attr, AT, TH or Last BE not allowed" },
	[TLP_ERR_CPL_STATUS] = { "cpl_status", "reserved completion status" },
	[TLP_ERR_CPL_DATA_STATUS] = { "cpl_data_status",
		"completion with data and a status other than SC" },
	[TLP_ERR_MSG_ROUTE] = { "msg_route", "reserved message routing" },
	[TLP_ERR_ATOMIC_LEN] = { "atomic_len", "AtomicOp operand size not allowed" },
	[TLP_ERR_ATOMIC_ALIGN] = { "atomic_align", "AtomicOp address not naturally aligned" },
	[TLP_ERR_RESERVED] = { "reserved", "reserved field not zero" },
	[TLP_ERR_INVAL] = { "inval", "invalid header field value" },
	[TLP_ERR_NOSPC] = { "nospc", "output buffer too small" },
};

static const struct tlp_err_text *
tlp_err_lookup(int err)
{
	unsigned int e = err < 0 ? (unsigned int)-(long)err : (unsigned int)err;

	if (e >= TLP_ERR_MAX)
		return NULL;
	return &tlp_errs[e];
}

const char *
tlp_strerror(int err)
{
	const struct tlp_err_text *t = tlp_err_lookup(err);

	return t != NULL ? t->desc : "unknown TLP error";
}

const char *
tlp_err_name(int err)
{
	const struct tlp_err_text *t = tlp_err_lookup(err);

	return t != NULL ? t->name : "unknown";
}
