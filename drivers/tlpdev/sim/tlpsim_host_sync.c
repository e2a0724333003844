/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Synchronous convenience calls: one request, wait for its outcome. */

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "tlpsim_host_priv.h"

/* Cookie of synchronous requests. */
#define TLPSIM_SYNC_COOKIE 0x73796e6373796e63ull
/* Spin this long before yielding the CPU between polls (the peer may need it). */
#define TLPSIM_SYNC_SPIN_US 20u

/* Between two polls of a wait: spin at first, then let other threads run. */
static inline void
tlpsim_host_sync_pause(uint64_t start, uint64_t spin)
{
	if (tlpsim_host_clock() - start > spin)
		sched_yield();
}

/*
 * Send @req and wait for its outcome. The wait is bounded: the completion
 * timeout reports a missing completion, and the link check a dead peer.
 */
static int
tlpsim_host_sync(struct tlpsim_host *h, uint16_t qid, struct tlpsim_host_req *req)
{
	struct tlpsim_host_cpl cpl;
	uint64_t start, limit, spin;
	int ret;

	if (qid >= h->conf.nb_queues)
		return -EINVAL;
	if (tlpsim_host_outstanding(h, qid) != 0)
		return -EBUSY;
	req->cookie = TLPSIM_SYNC_COOKIE;
	start = tlpsim_host_clock();
	/* Safety net beyond the completion timeout and its scan period. */
	limit = 2 * h->timeout_ticks + tlpsim_host_clock_hz() / 10;
	spin = tlpsim_host_clock_hz() / 1000000 * TLPSIM_SYNC_SPIN_US;
	for (;;) {
		ret = tlpsim_host_submit(h, qid, req, 1);
		if (ret < 0)
			return ret;
		if (ret == 1)
			break;
		/* Ring full: let the device drain it. */
		tlpsim_host_poll(h, qid, &cpl, 1);
		if (h->conf.sync_serves_all)
			tlpsim_host_serve_others(h, qid);
		if (tlpsim_host_clock() - start > limit)
			return -ETIMEDOUT;
		tlpsim_host_sync_pause(start, spin);
	}
	if (!tlp_kind_is_nonposted(req->hdr.kind))
		return 0;
	for (;;) {
		if (tlpsim_host_poll(h, qid, &cpl, 1) == 1 && cpl.cookie == TLPSIM_SYNC_COOKIE)
			return cpl.status;
		if (h->conf.sync_serves_all)
			tlpsim_host_serve_others(h, qid);
		if (tlpsim_host_clock() - start > limit)
			return -ETIMEDOUT;
		tlpsim_host_sync_pause(start, spin);
	}
}

int
tlpsim_host_cfg_read(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t reg,
		     uint32_t *val)
{
	struct tlpsim_host_req req;

	if ((reg & 3) != 0 || reg >= TLP_CFG_SPACE_SIZE || val == NULL)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.hdr.kind = TLP_KIND_CFGRD0;
	req.hdr.len_dw = 1;
	req.hdr.first_be = 0xf;
	req.hdr.cfg_id = bdf;
	req.hdr.cfg_reg = reg;
	req.buf = val;
	req.buf_len = sizeof(*val);
	return tlpsim_host_sync(h, qid, &req);
}

int
tlpsim_host_cfg_write(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t reg,
		      uint8_t be, uint32_t val)
{
	struct tlpsim_host_req req;

	if ((reg & 3) != 0 || reg >= TLP_CFG_SPACE_SIZE || (be & ~0xfu) != 0)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.hdr.kind = TLP_KIND_CFGWR0;
	req.hdr.len_dw = 1;
	req.hdr.first_be = be;
	req.hdr.cfg_id = bdf;
	req.hdr.cfg_reg = reg;
	req.data = &val;
	return tlpsim_host_sync(h, qid, &req);
}

static int
tlpsim_host_mem_range_ok(uint64_t addr, uint32_t len)
{
	return len >= 1 && len <= 4096 && 4096 - (addr & 4095) >= len;
}

int
tlpsim_host_mmio_read(struct tlpsim_host *h, uint16_t qid, uint64_t addr, void *buf,
		      uint32_t len)
{
	struct tlpsim_host_req req;

	if (buf == NULL || !tlpsim_host_mem_range_ok(addr, len))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.hdr.kind = TLP_KIND_MRD;
	tlpsim_mem_req_fill(&req.hdr, addr, len);
	req.buf = buf;
	req.buf_len = len;
	return tlpsim_host_sync(h, qid, &req);
}

int
tlpsim_host_mmio_write(struct tlpsim_host *h, uint16_t qid, uint64_t addr, const void *buf,
		       uint32_t len)
{
	uint8_t data[4096 + 8];
	struct tlpsim_host_req req;

	if (buf == NULL || !tlpsim_host_mem_range_ok(addr, len))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.hdr.kind = TLP_KIND_MWR;
	tlpsim_mem_req_fill(&req.hdr, addr, len);
	/* The payload covers whole DWs; disabled bytes are zero. */
	memset(data, 0, (size_t)req.hdr.len_dw * 4);
	memcpy(data + (addr & 3), buf, len);
	req.data = data;
	return tlpsim_host_sync(h, qid, &req);
}
