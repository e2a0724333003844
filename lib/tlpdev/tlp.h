/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLP_H
#define TLP_H

/**
 * @file
 * PCIe Transaction Layer Packet wire format.
 *
 * Headers are encoded and decoded exactly as they travel on the link: a
 * sequence of big-endian double words (DW), 3 DW or 4 DW long, optionally
 * followed by a data payload and a 1 DW digest (ECRC) when TD is set.
 *
 * The decoder never reads beyond the buffer it is given and rejects each class
 * of malformed header with its own error code (enum tlp_err). These functions
 * need no EAL and are safe to call from any thread.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of one double word. */
#define TLP_DW_BYTES 4u
/** Largest header (4 DW). */
#define TLP_HDR_MAX_BYTES 16u
/** Largest payload a TLP can carry (Length field 0 encodes 1024 DW). */
#define TLP_MAX_DATA 4096u
/** Largest encoded TLP: header, payload and digest. */
#define TLP_MAX_BYTES (TLP_HDR_MAX_BYTES + TLP_MAX_DATA + TLP_DW_BYTES)
/** Size of the config space of one function (extended space included). */
#define TLP_CFG_SPACE_SIZE 4096u

/** Fmt field values (byte 0, bits 7:5). */
enum tlp_fmt {
	TLP_FMT_3DW = 0,	/**< 3 DW header, no data */
	TLP_FMT_4DW = 1,	/**< 4 DW header, no data */
	TLP_FMT_3DW_DATA = 2,	/**< 3 DW header, with data */
	TLP_FMT_4DW_DATA = 3,	/**< 4 DW header, with data */
	TLP_FMT_PREFIX = 4,	/**< TLP prefix (not supported) */
};

/** Every kind of TLP the codec understands, decoded from Fmt and Type. */
enum tlp_kind {
	TLP_KIND_MRD = 0,	/**< Memory Read Request */
	TLP_KIND_MRDLK,		/**< Memory Read Request, Locked */
	TLP_KIND_MWR,		/**< Memory Write Request (posted) */
	TLP_KIND_IORD,		/**< I/O Read Request */
	TLP_KIND_IOWR,		/**< I/O Write Request */
	TLP_KIND_CFGRD0,	/**< Configuration Read, Type 0 */
	TLP_KIND_CFGWR0,	/**< Configuration Write, Type 0 */
	TLP_KIND_CFGRD1,	/**< Configuration Read, Type 1 */
	TLP_KIND_CFGWR1,	/**< Configuration Write, Type 1 */
	TLP_KIND_MSG,		/**< Message without data */
	TLP_KIND_MSGD,		/**< Message with data */
	TLP_KIND_CPL,		/**< Completion without data */
	TLP_KIND_CPLD,		/**< Completion with data */
	TLP_KIND_CPLLK,		/**< Completion for a locked read, without data */
	TLP_KIND_CPLDLK,	/**< Completion for a locked read, with data */
	TLP_KIND_FETCHADD,	/**< AtomicOp FetchAdd */
	TLP_KIND_SWAP,		/**< AtomicOp Unconditional Swap */
	TLP_KIND_CAS,		/**< AtomicOp Compare and Swap */
	TLP_KIND_MAX,		/**< Number of kinds */
};

/** Completion status (DW1 bits 15:13 of a completion). */
enum tlp_cpl_status {
	TLP_CPL_SC = 0,		/**< Successful Completion */
	TLP_CPL_UR = 1,		/**< Unsupported Request */
	TLP_CPL_CRS = 2,	/**< Configuration Request Retry Status */
	TLP_CPL_CA = 4,		/**< Completer Abort */
};

/** Message routing subfield r[2:0] of the Type field. */
enum tlp_msg_route {
	TLP_MSG_ROUTE_RC = 0,		/**< routed to the Root Complex */
	TLP_MSG_ROUTE_ADDR = 1,		/**< routed by address */
	TLP_MSG_ROUTE_ID = 2,		/**< routed by ID */
	TLP_MSG_ROUTE_BCAST = 3,	/**< broadcast from the Root Complex */
	TLP_MSG_ROUTE_LOCAL = 4,	/**< local, terminate at receiver */
	TLP_MSG_ROUTE_GATHER = 5,	/**< gathered and routed to the Root Complex */
};

/** Attribute bits as kept in struct tlp_hdr::attr. */
#define TLP_ATTR_NS  0x1u	/**< No Snoop (Attr[0]) */
#define TLP_ATTR_RO  0x2u	/**< Relaxed Ordering (Attr[1]) */
#define TLP_ATTR_IDO 0x4u	/**< ID-Based Ordering (Attr[2]) */

/**
 * Decode and encode errors. Each class of malformed header has its own code;
 * functions return them negated.
 */
enum tlp_err {
	TLP_OK = 0,
	TLP_ERR_TRUNCATED,	/**< buffer shorter than the header it announces */
	TLP_ERR_PREFIX,		/**< TLP prefix (Fmt 100b): not supported */
	TLP_ERR_FMT_TYPE,	/**< reserved or unknown Fmt/Type combination */
	TLP_ERR_LEN_MISMATCH,	/**< buffer length differs from header + Length + digest */
	TLP_ERR_4DW_LOW_ADDR,	/**< 64-bit address header carrying an address below 4 GiB */
	TLP_ERR_BE_LAST_1DW,	/**< Length 1 DW with a non-zero Last DW BE */
	TLP_ERR_BE_ZERO,	/**< Length > 1 DW with a zero First or Last DW BE */
	TLP_ERR_BE_NONCONTIG,	/**< non-contiguous byte enables where the spec forbids them */
	TLP_ERR_4K_CROSS,	/**< memory request crossing a 4 KiB boundary */
	TLP_ERR_IO_CFG_FIELDS,	/**< I/O or config request: bad Length, TC, Attr, AT or TH */
	TLP_ERR_CPL_STATUS,	/**< reserved completion status */
	TLP_ERR_CPL_DATA_STATUS, /**< completion with data and a status other than SC */
	TLP_ERR_MSG_ROUTE,	/**< reserved message routing */
	TLP_ERR_ATOMIC_LEN,	/**< AtomicOp with an operand size the spec does not allow */
	TLP_ERR_ATOMIC_ALIGN,	/**< AtomicOp address not naturally aligned to the operand size */
	TLP_ERR_RESERVED,	/**< reserved field set where the spec requires zero */
	TLP_ERR_INVAL,		/**< encode: invalid field value in struct tlp_hdr */
	TLP_ERR_NOSPC,		/**< encode: output buffer too small */
	TLP_ERR_MAX,		/**< number of error codes */
};

/**
 * A decoded TLP header. Fields not used by a kind are zero after decoding and
 * ignored by the encoder.
 *
 * With TH set, the wire carries the steering tag where the byte enables
 * (MRd, MRdLk, AtomicOps) or the tag (MWr) would be: @c st holds it, the byte
 * enables hold the values the spec implies (MRd: 1111b/0000b for 1 DW,
 * 1111b/1111b otherwise; AtomicOps: 0000b/0000b) and an MWr's tag is 0.
 */
struct tlp_hdr {
	uint8_t kind;		/**< enum tlp_kind */
	uint8_t tc;		/**< Traffic Class, 0..7 */
	uint8_t attr;		/**< TLP_ATTR_* bits */
	uint8_t th;		/**< TLP processing hints present */
	uint8_t td;		/**< digest (ECRC) present */
	uint8_t ep;		/**< poisoned */
	uint8_t at;		/**< Address Type, 0..3 */
	uint8_t ph;		/**< processing hint (memory requests with TH) */
	uint8_t st;		/**< steering tag ST[7:0] (memory requests with TH) */
	uint16_t len_dw;	/**< payload/requested length in DW, 1..1024 */
	uint16_t req_id;	/**< Requester ID (bus << 8 | dev << 3 | fn) */
	uint16_t tag;		/**< tag, 10 bits */
	uint8_t first_be;	/**< First DW byte enables (requests); implied when TH is set */
	uint8_t last_be;	/**< Last DW byte enables (requests); implied when TH is set */
	uint64_t addr;		/**< memory/I/O address, DW aligned (bits 1:0 zero) */
	/* Configuration requests. */
	uint16_t cfg_id;	/**< target bus << 8 | dev << 3 | fn */
	uint16_t cfg_reg;	/**< register byte offset, DW aligned, 0..4092 */
	/* Completions. */
	uint16_t cpl_id;	/**< Completer ID */
	uint8_t cpl_status;	/**< enum tlp_cpl_status */
	uint8_t bcm;		/**< Byte Count Modified */
	uint16_t byte_count;	/**< remaining byte count, 1..4096 */
	uint8_t lower_addr;	/**< lower address, 7 bits */
	/* Messages. */
	uint8_t msg_code;	/**< message code */
	uint8_t msg_route;	/**< enum tlp_msg_route */
	uint64_t msg_data;	/**< header bytes 8..15 of a message, big-endian value */
};

/** Make a routing ID from bus, device and function numbers. */
static inline uint16_t
tlp_rid(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return (uint16_t)((bus << 8) | ((dev & 0x1f) << 3) | (fn & 0x7));
}

/** Header size in bytes for a kind and address (12 or 16). */
size_t tlp_hdr_size(const struct tlp_hdr *h);

/** Whether this kind carries a data payload. */
int tlp_kind_has_data(enum tlp_kind kind);

/** Whether this kind is a non-posted request (expects a completion). */
int tlp_kind_is_nonposted(enum tlp_kind kind);

/** Whether this kind is a completion. */
int tlp_kind_is_cpl(enum tlp_kind kind);

/** Short name of a kind ("MRd", "CplD", ...); "?" when out of range. */
const char *tlp_kind_name(enum tlp_kind kind);

/** Short description of an error code; accepts it negated or not. */
const char *tlp_strerror(int err);

/** Short name of an error code ("truncated", ...) for counters. */
const char *tlp_err_name(int err);

/**
 * Decode one TLP.
 *
 * @param buf
 *   The TLP as on the wire.
 * @param len
 *   Exact length of the TLP in bytes: header, payload (len_dw * 4 for kinds
 *   with data) and the digest when TD is set.
 * @param h
 *   Filled with the decoded header.
 * @param data
 *   If not NULL, set to the payload inside @p buf (NULL for kinds without data).
 * @return
 *   0, or a negative enum tlp_err (then @p h is partly filled and @p data NULL).
 */
int tlp_decode(const void *buf, size_t len, struct tlp_hdr *h, const void **data);

/**
 * Encode one TLP.
 *
 * Writes the header, then @p data (h->len_dw * 4 bytes) for kinds with data,
 * then a zero digest when h->td is set. With @p data NULL the payload bytes of
 * @p buf are left as they are (the caller fills them in place); @p data may
 * also point into @p buf, at the payload position or overlapping it. Headers that
 * tlp_decode() would reject are refused with -TLP_ERR_INVAL, so
 * tlp_decode(tlp_encode(h)) gives back @p h.
 *
 * @return
 *   Number of bytes written, or a negative enum tlp_err (-TLP_ERR_INVAL for
 *   a field out of range, -TLP_ERR_NOSPC when @p size is too small).
 */
int tlp_encode(const struct tlp_hdr *h, const void *data, void *buf, size_t size);

/**
 * Bytes a read request asks for, as the completer's first Byte Count: the
 * enabled span from the first enabled byte of the first DW to the last
 * enabled byte of the last DW (1 for a zero-length read). Memory, I/O and
 * config requests use their byte enables; AtomicOps give their operand size;
 * completions and messages give 0.
 */
uint32_t tlp_req_byte_count(const struct tlp_hdr *req);

/**
 * Byte address of the first enabled byte of a memory or I/O request (the
 * register byte offset for config requests, the address for AtomicOps, 0 for
 * other kinds).
 */
uint64_t tlp_req_byte_addr(const struct tlp_hdr *req);

/**
 * Fill a completion header answering @p req.
 *
 * Copies requester ID, tag, TC and attributes (NS, RO and IDO, as the spec
 * requires; a completer without IDO Completion Enable clears TLP_ATTR_IDO); sets
 * kind (Cpl/CplD or the locked variants), status, completer ID, byte count and
 * lower address as the spec defines for the request kind: for memory reads
 * the span computed by tlp_req_byte_count() and the low 7 bits of the first
 * enabled byte's address; for I/O, config and AtomicOp requests the fixed
 * values of the spec. The completion carries data when status is SC and the
 * request is a read, with len_dw covering the whole request; a caller that
 * splits a large read adjusts len_dw, byte_count and lower_addr per piece.
 *
 * @return 0, or -TLP_ERR_INVAL when @p req is not a non-posted request, when
 *   @p status is not a defined status, or when it is CRS for a request other
 *   than a config request.
 */
int tlp_cpl_for_req(const struct tlp_hdr *req, uint16_t completer_id,
		    enum tlp_cpl_status status, struct tlp_hdr *cpl);

#ifdef __cplusplus
}
#endif

#endif /* TLP_H */
