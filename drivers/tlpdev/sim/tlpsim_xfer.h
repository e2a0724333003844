/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_XFER_H
#define TLPSIM_XFER_H

/**
 * @file
 * Splitting transfers into TLPs and reassembling read completions, as the
 * PCIe rules require. Shared by the host side (answering the device's reads,
 * collecting completions of its own reads) and the device side (DMA over
 * TLPs); needs no EAL.
 */

#include <stdint.h>

#include "tlp.h"

#ifdef __cplusplus
extern "C" {
#endif

_Static_assert(TLP_KIND_CPLD == TLP_KIND_CPL + 1 && TLP_KIND_CPLLK == TLP_KIND_CPL + 2 &&
	       TLP_KIND_CPLDLK == TLP_KIND_CPL + 3, "completion kinds are contiguous");

/** Whether @p kind is a completion (tlp_kind_is_cpl(), inline for bursts). */
static inline int
tlpsim_kind_is_cpl(unsigned int kind)
{
	return kind - TLP_KIND_CPL <= TLP_KIND_CPLDLK - TLP_KIND_CPL;
}

/** Whether @p kind carries data (tlp_kind_has_data(), inline for bursts). */
static inline int
tlpsim_kind_has_data(unsigned int kind)
{
	switch (kind) {
	case TLP_KIND_MWR:
	case TLP_KIND_IOWR:
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGWR1:
	case TLP_KIND_MSGD:
	case TLP_KIND_CPLD:
	case TLP_KIND_CPLDLK:
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		return 1;
	default:
		return 0;
	}
}

/** Whether @p kind is a non-posted request (tlp_kind_is_nonposted(), inline). */
static inline int
tlpsim_kind_is_nonposted(unsigned int kind)
{
	return kind < TLP_KIND_MAX && kind != TLP_KIND_MWR && kind != TLP_KIND_MSG &&
		kind != TLP_KIND_MSGD && !tlpsim_kind_is_cpl(kind);
}

/**
 * Room to reserve for encoding @p h: the largest header, the payload and the
 * digest. The encoder's result is the exact length.
 */
static inline uint32_t
tlpsim_tlp_room(const struct tlp_hdr *h)
{
	return TLP_HDR_MAX_BYTES + (h->td ? TLP_DW_BYTES : 0) +
		(tlpsim_kind_has_data(h->kind) ? (uint32_t)h->len_dw * TLP_DW_BYTES : 0);
}

/**
 * Bytes of the next memory request piece from byte address @p addr: at most
 * @p remaining, a DW span of at most @p max_bytes (MPS for writes, MRRS for
 * reads; a power of two), ending on a @p max_bytes boundary unless it is the
 * last piece, never crossing a 4 KiB boundary.
 */
static inline uint32_t
tlpsim_req_chunk(uint64_t addr, uint64_t remaining, uint32_t max_bytes)
{
	uint64_t n = max_bytes - (addr & (max_bytes - 1));
	uint64_t to_4k = 4096 - (addr & 4095);

	if (n > to_4k)
		n = to_4k;
	if (n > remaining)
		n = remaining;
	return (uint32_t)n;
}

/**
 * Bytes the next completion of a read carries from byte address @p addr: at
 * most @p remaining, a DW span of at most @p mps, ending on an @p rcb
 * boundary unless it is the last one.
 */
static inline uint32_t
tlpsim_cpl_chunk(uint64_t addr, uint32_t remaining, uint32_t mps, uint32_t rcb)
{
	uint32_t n = mps - (uint32_t)(addr & (rcb - 1));

	return n < remaining ? n : remaining;
}

/**
 * Set the address, length and byte enables of a memory request covering the
 * bytes [addr, addr + nbytes) (nbytes >= 1, DW span at most 4 KiB).
 */
void tlpsim_mem_req_fill(struct tlp_hdr *h, uint64_t addr, uint32_t nbytes);

/**
 * Whether the payload @p data of @p len_dw DWs lies inside the TLP record
 * [rec, rec + len). NULL data (no payload) is fine. A second line of defence
 * behind the decoder: nothing is ever copied from outside a record.
 */
static inline int
tlpsim_payload_in(const uint8_t *rec, uint32_t len, const void *data, uint16_t len_dw)
{
	const uint8_t *d = data;

	return d == NULL || (d >= rec && (size_t)(d - rec) <= len &&
			     (size_t)len_dw * TLP_DW_BYTES <= len - (size_t)(d - rec));
}

/** Reassembly of the completions answering one read request. */
struct tlpsim_rd {
	uint8_t *dst;		/**< where the next byte goes; NULL to discard */
	uint64_t addr;		/**< byte address of the next byte expected */
	uint32_t remaining;	/**< bytes still expected (the next Byte Count) */
	uint16_t rcb;		/**< check RCB boundaries of partial completions; 0: don't */
	uint8_t mode;		/**< enum tlpsim_rd_mode */
};

/** What a non-posted request expects back. */
enum tlpsim_rd_mode {
	TLPSIM_RD_MEM = 0,	/**< memory read: CplDs by byte count and lower address */
	TLPSIM_RD_DW,		/**< I/O or config read: one CplD of one DW */
	TLPSIM_RD_WRITE,	/**< I/O or config write: one Cpl without data */
	TLPSIM_RD_ATOMIC,	/**< AtomicOp: one CplD with the original value */
};

/** Result of tlpsim_rd_accept() besides negative errnos. */
#define TLPSIM_RD_MORE 0	/**< more completions expected */
#define TLPSIM_RD_DONE 1	/**< the read is complete */

/** Start reassembling the answer to read request @p req into @p dst. */
void tlpsim_rd_init(struct tlpsim_rd *rd, const struct tlp_hdr *req, void *dst, uint16_t rcb);

/**
 * Take one completion of the request (for writes: their only completion).
 *
 * @return
 *   TLPSIM_RD_DONE, TLPSIM_RD_MORE, -EIO (UR, CA or poisoned data), -EAGAIN
 *   (configuration retry status), -EPROTO (byte count, lower address, length
 *   or kind not what the read expects).
 */
int tlpsim_rd_accept(struct tlpsim_rd *rd, const struct tlp_hdr *cpl, const void *data);

#ifdef __cplusplus
}
#endif

#endif /* TLPSIM_XFER_H */
