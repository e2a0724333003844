/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* The root complex answering what the device sends upstream. */

#include <errno.h>
#include <string.h>

#include "tlpsim_host_priv.h"

/* INTx message codes: Assert_INTA..D, then Deassert_INTA..D (PCIe Base Spec). */
#define TLPSIM_MSG_INTX_FIRST 0x20u
#define TLPSIM_MSG_INTX_LAST 0x27u

/* Encode one completion into the downstream completion ring; 0 or -EAGAIN. */
static int
tlpsim_host_cpl_out(struct tlpsim_host_queue *q, const struct tlp_hdr *c, const void *data)
{
	uint32_t size = (uint32_t)tlp_hdr_size(c) +
		(tlp_kind_has_data(c->kind) ? (uint32_t)c->len_dw * TLP_DW_BYTES : 0);
	uint8_t *p = tlpsim_ring_reserve(&q->dcpl, size);
	int ret;

	if (p == NULL)
		return -EAGAIN;
	ret = tlp_encode(c, data, p, size);
	if (ret < 0)
		return 0;	/* cannot happen for headers built here; nothing sent */
	tlpsim_ring_commit(&q->dcpl, (uint32_t)ret);
	tlpsim_ring_publish_some(&q->dcpl);
	return 0;
}

/* Slots the completions of a read of @bc bytes at @addr take, pads included. */
static uint32_t
tlpsim_host_cpl_slots(const struct tlpsim_host *h, uint64_t addr, uint32_t bc)
{
	uint32_t slots = TLPSIM_REC_MAX_SLOTS, chunk, dws;

	while (bc > 0) {
		chunk = tlpsim_cpl_chunk(addr, bc, h->conf.mps, h->conf.rcb);
		dws = ((uint32_t)(addr & 3) + chunk + 3) / 4;
		slots += tlpsim_rec_slots(12 + dws * TLP_DW_BYTES);
		addr += chunk;
		bc -= chunk;
	}
	return slots;
}

/* Answer a memory read: CplD split at RCB and MPS, or UR outside host memory. */
static int
tlpsim_host_mrd(struct tlpsim_host *h, struct tlpsim_host_queue *q, const struct tlp_hdr *req)
{
	uint64_t addr = tlp_req_byte_addr(req);
	uint32_t bc = tlp_req_byte_count(req), chunk;
	const uint8_t *mem;
	struct tlp_hdr c;

	/* The whole DW span must be host memory. */
	mem = tlpsim_host_mem(h, req->addr, (uint64_t)req->len_dw * TLP_DW_BYTES);
	if (mem == NULL) {
		if (!tlpsim_ring_room(&q->dcpl, 2 * TLPSIM_REC_MAX_SLOTS))
			return -EAGAIN;
		q->st.dma_ur++;
		tlp_cpl_for_req(req, h->conf.host_rid, TLP_CPL_UR, &c);
		return tlpsim_host_cpl_out(q, &c, NULL);
	}
	/* All pieces or none: check the room first. */
	if (!tlpsim_ring_room(&q->dcpl, tlpsim_host_cpl_slots(h, addr, bc)))
		return -EAGAIN;
	tlp_cpl_for_req(req, h->conf.host_rid, TLP_CPL_SC, &c);
	mem -= req->addr;	/* index by bus address from here on */
	while (bc > 0) {
		chunk = tlpsim_cpl_chunk(addr, bc, h->conf.mps, h->conf.rcb);
		c.len_dw = (uint16_t)(((uint32_t)(addr & 3) + chunk + 3) / 4);
		c.byte_count = (uint16_t)bc;
		c.lower_addr = (uint8_t)(addr & 0x7f);
		tlpsim_host_cpl_out(q, &c, mem + (addr & ~3ull));
		addr += chunk;
		bc -= chunk;
	}
	q->st.dma_reads++;
	q->st.dma_read_bytes += tlp_req_byte_count(req);
	return 0;
}

/* Apply a memory write honouring its byte enables, or deliver an interrupt. */
static void
tlpsim_host_mwr(struct tlpsim_host *h, struct tlpsim_host_queue *q, const struct tlp_hdr *req,
		const uint8_t *data)
{
	uint32_t len = (uint32_t)req->len_dw * TLP_DW_BYTES, i, v;
	uint8_t be, *mem;

	if (req->addr >= TLPSIM_MSI_BASE && req->addr < TLPSIM_MSI_BASE + TLPSIM_MSI_SIZE) {
		if (req->len_dw != 1 || req->first_be != 0xf) {
			q->st.dma_ur++;
			return;
		}
		memcpy(&v, data, 4);
		q->st.msi++;
		if (h->conf.msi != NULL)
			h->conf.msi(h->conf.msi_arg, q->qid, req->addr, v);
		return;
	}
	mem = tlpsim_host_mem(h, req->addr, len);
	if (mem == NULL) {
		/* A posted request outside memory is dropped (and would be logged as UR). */
		q->st.dma_ur++;
		return;
	}
	if (req->first_be == 0xf && (req->len_dw == 1 || req->last_be == 0xf)) {
		memcpy(mem, data, len);
	} else {
		for (i = 0; i < len; i++) {
			be = i < 4 ? req->first_be : (i >= len - 4 ? req->last_be : 0xf);
			if (be & (1u << (i & 3)))
				mem[i] = data[i];
		}
	}
	q->st.dma_writes++;
	q->st.dma_write_bytes += req->first_be == 0 ? 0 : tlp_req_byte_count(req);
}

/*
 * A message: Assert_INTx / Deassert_INTx (routed Local, as the spec requires;
 * any other routing makes it malformed) drive the requester's virtual wire;
 * the rest is counted and dropped.
 */
static void
tlpsim_host_msg(struct tlpsim_host *h, struct tlpsim_host_queue *q, const struct tlp_hdr *msg)
{
	uint8_t code = msg->msg_code, pin, bit, level;

	if (msg->kind != TLP_KIND_MSG || code < TLPSIM_MSG_INTX_FIRST ||
	    code > TLPSIM_MSG_INTX_LAST) {
		q->st.msgs_other++;
		return;
	}
	if (msg->msg_route != TLP_MSG_ROUTE_LOCAL) {
		q->st.up_malformed++;
		return;
	}
	pin = (uint8_t)((code - TLPSIM_MSG_INTX_FIRST) & 3);
	bit = (uint8_t)(1u << pin);
	level = code < TLPSIM_MSG_INTX_FIRST + TLPSIM_INTX_PINS;
	if (level) {
		__atomic_fetch_or(&h->intx[msg->req_id], bit, __ATOMIC_RELEASE);
		q->st.intx_assert++;
	} else {
		__atomic_fetch_and(&h->intx[msg->req_id], (uint8_t)~bit, __ATOMIC_RELEASE);
		q->st.intx_deassert++;
	}
	if (h->conf.intx != NULL)
		h->conf.intx(h->conf.intx_arg, q->qid, msg->req_id, pin, level);
}

int
tlpsim_host_serve(struct tlpsim_host *h, struct tlpsim_host_queue *q, const struct tlp_hdr *req,
		  const void *data)
{
	struct tlp_hdr c;

	switch (req->kind) {
	case TLP_KIND_MRD:
		return tlpsim_host_mrd(h, q, req);
	case TLP_KIND_MWR:
		tlpsim_host_mwr(h, q, req, data);
		return 0;
	case TLP_KIND_MSG:
	case TLP_KIND_MSGD:
		tlpsim_host_msg(h, q, req);
		return 0;
	default:
		break;
	}
	q->st.dma_ur++;
	if (!tlp_kind_is_nonposted(req->kind))
		return 0;
	/* Anything else non-posted from the device: Unsupported Request. */
	if (!tlpsim_ring_room(&q->dcpl, 2 * TLPSIM_REC_MAX_SLOTS))
		return -EAGAIN;
	if (tlp_cpl_for_req(req, h->conf.host_rid, TLP_CPL_UR, &c) != 0)
		return 0;
	return tlpsim_host_cpl_out(q, &c, NULL);
}
