/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Request service: receive request TLPs in bursts, route each to a function
 * and build exactly one answer for every non-posted request.
 *
 * Answers by request kind:
 *   CfgRd0/CfgWr0  by function number (device number 0 only): CplD/Cpl; CRS
 *                  while the function resets; UR for absent functions,
 *                  other device numbers and poisoned requests.
 *   CfgRd1/CfgWr1  UR: an endpoint has no secondary bus.
 *   MRd            by BAR address across the group: CplD(s) cut at RCB and
 *                  MPS; CA when a region refuses; UR when no BAR decodes it
 *                  or the request is poisoned.
 *   MWr            by BAR address; never answered; dropped and counted when
 *                  no BAR decodes it or it is poisoned.
 *   Msg/MsgD       consumed and counted.
 *   IORd/IOWr, MRdLk, AtomicOps and any other non-posted request: UR.
 * Completions (which the tlpdev consumes itself) are ignored.
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "pcifn_private.h"

#define PCIFN_NO_FN 0xff
#define PCIFN_EVENTS_PER_CALL 16

/* Function 0 of the group, which counts what no function claims; may be NULL. */
static inline struct pcifn *
pcifn_group_fn0(const struct pcifn_group *grp)
{
	return grp->fns[0];
}

/* Send the completions built so far, retrying while the link is up. */
static void
pcifn_flush(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid)
{
	unsigned int nb = q->nb_cpls, sent = 0, i;
	uint64_t deadline = 0, now;
	struct pcifn *fn;

	while (sent < nb) {
		sent += tlpdev_tx_burst(grp->dev_id, qid, &q->cpls[sent], (uint16_t)(nb - sent));
		if (likely(sent == nb))
			break;
		fn = pcifn_group_fn0(grp);
		if (fn != NULL)
			fn->stats.tx_retries++;
		if (tlpdev_link_get(grp->dev_id) != 1)
			break;
		now = rte_get_timer_cycles();
		if (deadline == 0)
			deadline = now + rte_get_timer_hz() / 1000 * PCIFN_TX_TIMEOUT_MS;
		else if (now > deadline)
			break;	/* the host gave up on them by now */
		rte_pause();
	}
	for (i = sent; i < nb; i++) {
		fn = q->cpl_fn[i] != PCIFN_NO_FN ? grp->fns[q->cpl_fn[i]] : NULL;
		if (fn == NULL)
			fn = pcifn_group_fn0(grp);
		if (fn != NULL)
			fn->stats.cpl_dropped++;
	}
	q->nb_cpls = 0;
}

/* A completion slot, for function number @p fn_num, with room for @p need in all. */
static inline struct tlp_cpl *
pcifn_cpl_slot(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid, uint8_t fn_num,
	       unsigned int need)
{
	if (unlikely(q->nb_cpls + need > PCIFN_CPL_SLOTS))
		pcifn_flush(grp, q, qid);
	q->cpl_fn[q->nb_cpls] = fn_num;
	return q->cpls[q->nb_cpls++];
}

/*
 * Answer without data (UR, CA, CRS, or a config write's Cpl). Counted in
 * @p fn, or in function 0 when no function is concerned.
 */
static void
pcifn_answer(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid, struct pcifn *fn,
	     const struct tlp_hdr *h, uint16_t cpl_id, enum tlp_cpl_status status)
{
	struct pcifn *cnt = fn != NULL ? fn : pcifn_group_fn0(grp);
	struct tlp_cpl *c;

	c = pcifn_cpl_slot(grp, q, qid, fn != NULL ? fn->fn_num : PCIFN_NO_FN, 1);
	if (unlikely(tlp_cpl_for_req(h, cpl_id, status, &c->hdr) != 0)) {
		/* Not answerable (cannot happen for a request kind): take the slot back. */
		q->nb_cpls--;
		return;
	}
	c->hdr.attr &= (uint8_t)~TLP_ATTR_IDO;	/* no IDO Completion Enable */
	if (cnt == NULL)
		return;
	switch (status) {
	case TLP_CPL_UR:
		cnt->stats.cpl_ur++;
		if (fn != NULL)
			pcifn_cfg_set_devsta(fn, PCIFN_EXP_DEVSTA_URD);
		break;
	case TLP_CPL_CA:
		cnt->stats.cpl_ca++;
		if (fn != NULL)
			pcifn_cfg_set_status(fn, PCIFN_STS_STA);
		break;
	case TLP_CPL_CRS:
		cnt->stats.cpl_crs++;
		break;
	default:
		break;
	}
}

/* Completer ID for requests no function claims. */
static inline uint16_t
pcifn_group_cpl_id(const struct pcifn_group *grp)
{
	const struct pcifn *fn0 = pcifn_group_fn0(grp);

	return fn0 != NULL ? fn0->rid : 0;
}

/* A poisoned request reached @p fn: log it in Status and count it. */
static void
pcifn_poisoned(struct pcifn *fn)
{
	fn->stats.poisoned++;
	pcifn_cfg_set_status(fn, PCIFN_STS_DPE);
}

static void
pcifn_handle_cfg(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid,
		 const struct tlp_req *req)
{
	const struct tlp_hdr *h = &req->hdr;
	struct pcifn *fn = NULL;
	struct tlp_cpl *c;
	uint16_t reg = h->cfg_reg & 0xffc;
	bool flr;

	if (((h->cfg_id >> 3) & 0x1f) == 0 && pcifn_group_fn0(grp) != NULL)
		fn = grp->fns[h->cfg_id & 7];
	if (fn == NULL) {
		pcifn_answer(grp, q, qid, NULL, h, h->cfg_id, TLP_CPL_UR);
		return;
	}
	if (fn->resetting) {
		pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_CRS);
		return;
	}
	if (unlikely(h->ep)) {
		/* A poisoned config request is not applied: UR. */
		pcifn_poisoned(fn);
		pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_UR);
		return;
	}
	if (h->kind == TLP_KIND_CFGRD0) {
		c = pcifn_cpl_slot(grp, q, qid, fn->fn_num, 1);
		tlp_cpl_for_req(h, fn->rid, TLP_CPL_SC, &c->hdr);
		c->hdr.attr &= (uint8_t)~TLP_ATTR_IDO;
		/*
		 * The whole DW whatever the byte enables: reads of the image have
		 * no side effects; owner hooks see whole DWs too.
		 */
		pcifn_put_le32(c->data, fn->nb_cfg_hooks == 0 ? pcifn_le32(&fn->cfg[reg]) :
			       pcifn_cfg_host_read(fn, reg));
		fn->stats.cfg_rd++;
		return;
	}
	if (unlikely(req->data_len < 4)) {
		pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_UR);
		return;
	}
	/* The function captures its bus and device numbers from Type 0 writes. */
	fn->rid = (uint16_t)((h->cfg_id & 0xfff8) | fn->fn_num);
	flr = pcifn_cfg_write(fn, reg, h->first_be, req->data, qid);
	pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_SC);
	fn->stats.cfg_wr++;
	if (flr) {
		/* The write completes first, then the function resets. */
		pcifn_flush(grp, q, qid);
		pcifn_reset_start(fn, PCIFN_RESET_FLR, qid);
	}
}

/* The function and BAR decoding [addr, addr + len), or NULL. */
static inline struct pcifn *
pcifn_route_mem(struct pcifn_group *grp, uint64_t addr, uint64_t len, int *bar, uint64_t *off)
{
	struct pcifn *fn;
	unsigned int i;

	for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++) {
		fn = grp->fns[i];
		if (fn == NULL)
			continue;
		*bar = pcifn_bar_match(fn, addr, len, off);
		if (*bar >= 0)
			return fn;
	}
	return NULL;
}

static void
pcifn_handle_mrd(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid,
		 const struct tlp_req *req)
{
	const struct tlp_hdr *h = &req->hdr;
	uint32_t len = (uint32_t)h->len_dw * 4;
	uint32_t remaining, chunk, dws, first, pieces;
	struct tlp_hdr tmpl;
	struct tlp_cpl *c;
	struct pcifn *fn;
	uint64_t off, addr;
	int bar;

	/* Headers the decoder would have refused (injected ones) find no target. */
	fn = unlikely(len == 0 || len > TLP_MAX_DATA || (h->addr & 3) != 0) ? NULL :
		pcifn_route_mem(grp, h->addr, len, &bar, &off);
	if (fn == NULL) {
		pcifn_answer(grp, q, qid, NULL, h, pcifn_group_cpl_id(grp), TLP_CPL_UR);
		return;
	}
	if (unlikely(h->ep)) {
		pcifn_poisoned(fn);
		pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_UR);
		return;
	}
	memset(q->rbuf, 0, len);
	if (pcifn_bar_read(fn, (unsigned int)bar, off, h, q->rbuf) != 0) {
		pcifn_answer(grp, q, qid, fn, h, fn->rid, TLP_CPL_CA);
		return;
	}
	fn->stats.mem_rd++;
	tlp_cpl_for_req(h, fn->rid, TLP_CPL_SC, &tmpl);
	tmpl.attr &= (uint8_t)~TLP_ATTR_IDO;
	remaining = tmpl.byte_count;
	addr = tlp_req_byte_addr(h);
	if (likely(len <= fn->mps)) {
		/* One completion: the common case. */
		c = pcifn_cpl_slot(grp, q, qid, fn->fn_num, 1);
		c->hdr = tmpl;
		memcpy(c->data, q->rbuf, len);
		return;
	}
	/*
	 * Several completions: each but the last ends on an RCB boundary and
	 * carries at most MPS bytes; Byte Count is what remains, Lower Address
	 * the low bits of the first byte's address.
	 */
	pieces = (remaining + fn->mps - 1) / fn->mps + 1;
	if (q->nb_cpls + pieces > PCIFN_CPL_SLOTS)
		pcifn_flush(grp, q, qid);
	while (remaining > 0) {
		first = (uint32_t)(addr & 3);
		chunk = fn->mps - (uint32_t)(addr & (fn->rcb - 1u));
		if (chunk >= remaining)
			chunk = remaining;
		dws = (first + chunk + 3) / 4;
		c = pcifn_cpl_slot(grp, q, qid, fn->fn_num, 1);
		c->hdr = tmpl;
		c->hdr.len_dw = (uint16_t)dws;
		c->hdr.byte_count = (uint16_t)remaining;
		c->hdr.lower_addr = (uint8_t)(addr & 0x7f);
		memcpy(c->data, &q->rbuf[(addr & ~3ull) - h->addr], dws * 4u);
		remaining -= chunk;
		addr += chunk;
	}
}

static void
pcifn_handle_mwr(struct pcifn_group *grp, uint16_t qid, const struct tlp_req *req)
{
	const struct tlp_hdr *h = &req->hdr;
	uint32_t len = (uint32_t)h->len_dw * 4;
	struct pcifn *fn;
	uint64_t off;
	int bar;

	fn = unlikely(len == 0 || len > TLP_MAX_DATA || (h->addr & 3) != 0) ? NULL :
		pcifn_route_mem(grp, h->addr, len, &bar, &off);
	if (fn == NULL || unlikely(req->data_len < len)) {
		fn = fn != NULL ? fn : pcifn_group_fn0(grp);
		if (fn != NULL)
			fn->stats.wr_dropped++;
		return;
	}
	if (unlikely(h->ep)) {
		/* Poisoned write data is never applied. */
		pcifn_poisoned(fn);
		fn->stats.wr_dropped++;
		return;
	}
	pcifn_bar_write(fn, (unsigned int)bar, off, h, req->data, qid);
}

static void
pcifn_handle(struct pcifn_group *grp, struct pcifn_queue *q, uint16_t qid,
	     const struct tlp_req *req)
{
	const struct tlp_hdr *h = &req->hdr;
	struct pcifn *fn0;

	switch (h->kind) {
	case TLP_KIND_MRD:
		pcifn_handle_mrd(grp, q, qid, req);
		return;
	case TLP_KIND_MWR:
		pcifn_handle_mwr(grp, qid, req);
		return;
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGWR0:
		pcifn_handle_cfg(grp, q, qid, req);
		return;
	case TLP_KIND_MSG:
	case TLP_KIND_MSGD:
		fn0 = pcifn_group_fn0(grp);
		if (fn0 != NULL)
			fn0->stats.msgs++;
		return;
	default:
		/* CfgRd1/CfgWr1, I/O, locked reads, AtomicOps, anything unknown. */
		if (h->kind < TLP_KIND_MAX && tlp_kind_is_nonposted(h->kind))
			pcifn_answer(grp, q, qid, NULL, h,
				     h->kind == TLP_KIND_CFGRD1 || h->kind == TLP_KIND_CFGWR1 ?
				     h->cfg_id : pcifn_group_cpl_id(grp), TLP_CPL_UR);
		return;
	}
}

/* Link and reset events of the tlpdev (queue 0 only). */
static void
pcifn_events(struct pcifn_group *grp)
{
	struct tlpdev_event ev;
	struct pcifn *fn;
	unsigned int n, i;

	for (n = 0; n < PCIFN_EVENTS_PER_CALL; n++) {
		if (tlpdev_event_dequeue(grp->dev_id, &ev) != 1)
			return;
		switch (ev.type) {
		case TLPDEV_EVENT_LINK_UP:
			grp->link_up = 1;
			break;
		case TLPDEV_EVENT_LINK_DOWN:
		case TLPDEV_EVENT_HOT_RESET:
			if (ev.type == TLPDEV_EVENT_LINK_DOWN)
				grp->link_up = 0;
			for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++)
				if (grp->fns[i] != NULL)
					pcifn_reset_start(grp->fns[i],
							  ev.type == TLPDEV_EVENT_LINK_DOWN ?
							  PCIFN_RESET_LINK_DOWN : PCIFN_RESET_HOT,
							  0);
			break;
		case TLPDEV_EVENT_FLR:
			/* A function whose config space the hardware owns. */
			fn = grp->fns[ev.rid & 7];
			if (fn != NULL)
				pcifn_reset_start(fn, PCIFN_RESET_FLR, 0);
			break;
		default:
			break;
		}
	}
}

/* Interrupt messages the link could not take earlier (queue 0 only). */
static void
pcifn_retry(struct pcifn_group *grp)
{
	struct pcifn *fn;
	unsigned int i;

	for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++) {
		fn = grp->fns[i];
		if (fn == NULL)
			continue;
		if (unlikely(fn->intx_dirty))
			pcifn_intx_sync(fn, 0);
		if (unlikely(__atomic_load_n(&fn->msix_retry, __ATOMIC_ACQUIRE)))
			pcifn_msix_flush(fn, 0);
	}
}

unsigned int
pcifn_service(struct pcifn_group *grp, uint16_t qid, unsigned int max)
{
	struct pcifn_queue *q;
	unsigned int done = 0, i;
	uint16_t nb, want;

	if (unlikely(grp == NULL || qid >= grp->nb_queues || qid >= TLPDEV_MAX_QUEUES))
		return 0;
	q = pcifn_group_queue(grp, qid);
	if (unlikely(q == NULL))
		return 0;
	if (qid == 0) {
		pcifn_events(grp);
		pcifn_retry(grp);
	}
	while (done < max) {
		want = (uint16_t)RTE_MIN(max - done, PCIFN_BURST);
		nb = tlpdev_rx_burst(grp->dev_id, qid, q->reqs, want);
		if (nb == 0)
			break;
		for (i = 0; i < nb; i++)
			pcifn_handle(grp, q, qid, q->reqs[i]);
		if (q->nb_cpls > 0)
			pcifn_flush(grp, q, qid);
		done += nb;
		if (nb < want)
			break;
	}
	return done;
}
