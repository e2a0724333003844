/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * test_tlpdev: an in-process tlpdev driver that a test drives as the host.
 * See tlpemu_test_tlpdev.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <tlpdev_driver.h>

#include "tlpemu_test_tlpdev.h"

#define TT_DMA_DEPTH 64u

/* One injected request. */
struct tt_rec {
	struct tlp_hdr hdr;
	uint32_t data_len;
	uint8_t data[TLP_MAX_DATA];
};

struct tt_rxq {
	struct tt_rec *recs;	/* rx_depth entries */
	unsigned int head;
	unsigned int count;
};

struct tlpemu_test_tlpdev {
	struct tlpdev *dev;
	struct tlpemu_test_tlpdev_conf conf;
	struct tt_rxq rxq[TLPDEV_MAX_QUEUES];
	/* Upstream capture, oldest first. */
	struct tlpemu_test_up **up;
	unsigned int up_count;
	uint64_t up_total;
	uint64_t up_overflow;
	bool discard;
	int tx_limit;
	uint64_t tx_short;
	unsigned int link_fail_after;
	bool link_up;
	/* Host memory and DMA. */
	uint8_t *mem;
	struct tlpdev_dma_op *dma[TLPDEV_MAX_QUEUES][TT_DMA_DEPTH];
	unsigned int dma_head[TLPDEV_MAX_QUEUES];
	unsigned int dma_n[TLPDEV_MAX_QUEUES];
	uint64_t dma_count;
	/* Host helpers. */
	void (*service)(void *arg);
	void *service_arg;
	uint16_t host_rid;
	uint8_t host_bus;
	uint16_t tag;
};

static struct tlpemu_test_tlpdev *
tt_of(struct tlpdev *dev)
{
	return *(struct tlpemu_test_tlpdev **)dev->priv;
}

/* Capture one upstream TLP; NULL when the list is full (counted). */
static struct tlpemu_test_up *
tt_up_new(struct tlpemu_test_tlpdev *t, uint8_t kind, uint16_t qid)
{
	struct tlpemu_test_up *u;

	t->up_total++;
	if (t->discard)
		return NULL;
	if (t->up_count >= t->conf.up_depth) {
		t->up_overflow++;
		return NULL;
	}
	u = malloc(sizeof(*u));
	if (u == NULL) {
		t->up_overflow++;
		return NULL;
	}
	u->kind = kind;
	u->qid = qid;
	u->msi_data = 0;
	t->up[t->up_count++] = u;
	return u;
}

static void
tt_info_get(struct tlpdev *dev, struct tlpdev_info *info)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);

	info->driver_name = "test_tlpdev";
	info->max_payload = t->conf.max_payload;
	info->max_read_req = 512;
	info->rcb = t->conf.rcb;
	info->caps = TLPDEV_CAP_HOST_MAP | TLPDEV_CAP_CFG_TLPS;
}

static int
tt_start(struct tlpdev *dev __rte_unused)
{
	return 0;
}

static int
tt_stop(struct tlpdev *dev)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	unsigned int q;

	/* Outstanding DMA fails at stop. */
	for (q = 0; q < TLPDEV_MAX_QUEUES; q++) {
		unsigned int i;

		for (i = 0; i < t->dma_n[q]; i++)
			t->dma[q][(t->dma_head[q] + i) % TT_DMA_DEPTH]->status = -ENOTCONN;
	}
	return 0;
}

static int
tt_close(struct tlpdev *dev __rte_unused)
{
	return 0;
}

static int
tt_link_get(struct tlpdev *dev)
{
	return tt_of(dev)->link_up ? 1 : 0;
}

static uint16_t
tt_rx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_req **reqs, uint16_t n)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	struct tt_rxq *q = &t->rxq[qid];
	struct tt_rec *r;
	uint16_t i;

	if (!t->link_up)
		return 0;
	for (i = 0; i < n && q->count > 0; i++) {
		r = &q->recs[q->head];
		reqs[i]->hdr = r->hdr;
		reqs[i]->data_len = r->data_len;
		memcpy(reqs[i]->data, r->data, r->data_len);
		q->head = (q->head + 1) % t->conf.rx_depth;
		q->count--;
	}
	return i;
}

static uint16_t
tt_tx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_cpl **cpls, uint16_t n)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	struct tlpemu_test_up *u;
	uint16_t i, nb = n;

	if (!t->link_up)
		return 0;
	if (t->tx_limit >= 0 && nb > t->tx_limit)
		nb = (uint16_t)t->tx_limit;
	if (nb < n) {
		t->tx_short++;
		if (t->link_fail_after > 0 && --t->link_fail_after == 0)
			tlpemu_test_tlpdev_link_set(t, false);
	}
	for (i = 0; i < nb; i++) {
		u = tt_up_new(t, TLPEMU_TEST_UP_CPL, qid);
		if (u == NULL)
			continue;
		u->hdr = cpls[i]->hdr;
		if (tlp_kind_has_data(cpls[i]->hdr.kind))
			memcpy(u->data, cpls[i]->data,
			       RTE_MIN((uint32_t)cpls[i]->hdr.len_dw * 4u, TLP_MAX_DATA));
	}
	return nb;
}

/* Whether [addr, addr + len) lies in host memory (overflow-safe). */
static uint8_t *
tt_mem_at(struct tlpemu_test_tlpdev *t, uint64_t addr, uint64_t len)
{
	uint64_t base = t->conf.host_mem_base, size = t->conf.host_mem_size;

	if (addr < base || addr - base > size || len > size - (addr - base))
		return NULL;
	return t->mem + (addr - base);
}

static uint16_t
tt_dma_submit(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops, uint16_t n)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	struct tlpdev_dma_op *op;
	uint8_t *p;
	uint16_t i;

	for (i = 0; i < n && t->dma_n[qid] < TT_DMA_DEPTH; i++) {
		op = ops[i];
		p = t->link_up ? tt_mem_at(t, op->host_addr, op->len) : NULL;
		if (!t->link_up)
			op->status = -ENOTCONN;
		else if (p == NULL)
			op->status = -EFAULT;
		else {
			op->status = 0;
			if (op->dir == TLPDEV_DMA_WRITE)
				memcpy(p, op->buf, op->len);
			else
				memcpy(op->buf, p, op->len);
		}
		t->dma[qid][(t->dma_head[qid] + t->dma_n[qid]) % TT_DMA_DEPTH] = op;
		t->dma_n[qid]++;
		t->dma_count++;
	}
	return i;
}

static uint16_t
tt_dma_complete(struct tlpdev *dev, uint16_t qid, struct tlpdev_dma_op **ops, uint16_t n)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	uint16_t i;

	for (i = 0; i < n && t->dma_n[qid] > 0; i++) {
		ops[i] = t->dma[qid][t->dma_head[qid]];
		t->dma_head[qid] = (t->dma_head[qid] + 1) % TT_DMA_DEPTH;
		t->dma_n[qid]--;
	}
	return i;
}

static int
tt_msi_send(struct tlpdev *dev, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	struct tlpemu_test_up *u;

	if (!t->link_up)
		return -ENOTCONN;
	if (t->tx_limit == 0)
		return -ENOBUFS;
	u = tt_up_new(t, TLPEMU_TEST_UP_MSI, qid);
	if (u != NULL) {
		memset(&u->hdr, 0, sizeof(u->hdr));
		u->hdr.kind = TLP_KIND_MWR;
		u->hdr.addr = addr;
		u->hdr.len_dw = 1;
		u->hdr.first_be = 0xf;
		u->msi_data = data;
		memcpy(u->data, &data, 4);
	}
	return 0;
}

static int
tt_msg_send(struct tlpdev *dev, uint16_t qid, const struct tlp_hdr *msg)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);
	struct tlpemu_test_up *u;

	if (!t->link_up)
		return -ENOTCONN;
	if (t->tx_limit == 0)
		return -ENOBUFS;
	u = tt_up_new(t, TLPEMU_TEST_UP_MSG, qid);
	if (u != NULL)
		u->hdr = *msg;
	return 0;
}

static int
tt_host_mem_map(struct tlpdev *dev, struct tlpdev_mem_region *regions, unsigned int max)
{
	struct tlpemu_test_tlpdev *t = tt_of(dev);

	if (!t->link_up)
		return -ENOTCONN;
	if (max == 0)
		return 0;
	regions[0].host_addr = t->conf.host_mem_base;
	regions[0].len = t->conf.host_mem_size;
	regions[0].va = t->mem;
	return 1;
}

static const struct tlpdev_ops tt_ops = {
	.info_get = tt_info_get,
	.start = tt_start,
	.stop = tt_stop,
	.close = tt_close,
	.link_get = tt_link_get,
	.rx_burst = tt_rx_burst,
	.tx_burst = tt_tx_burst,
	.dma_submit = tt_dma_submit,
	.dma_complete = tt_dma_complete,
	.msi_send = tt_msi_send,
	.host_mem_map = tt_host_mem_map,
	.msg_send = tt_msg_send,
};

static const struct tlpdev_ops tt_ops_no_msg = {
	.info_get = tt_info_get,
	.start = tt_start,
	.stop = tt_stop,
	.close = tt_close,
	.link_get = tt_link_get,
	.rx_burst = tt_rx_burst,
	.tx_burst = tt_tx_burst,
	.dma_submit = tt_dma_submit,
	.dma_complete = tt_dma_complete,
	.msi_send = tt_msi_send,
	.host_mem_map = tt_host_mem_map,
};

static void
tt_free(struct tlpemu_test_tlpdev *t)
{
	unsigned int q;

	tlpemu_test_tlpdev_up_clear(t);
	for (q = 0; q < TLPDEV_MAX_QUEUES; q++)
		free(t->rxq[q].recs);
	free(t->up);
	free(t->mem);
	free(t);
}

struct tlpemu_test_tlpdev *
tlpemu_test_tlpdev_create(const char *name, const struct tlpemu_test_tlpdev_conf *conf)
{
	struct tlpemu_test_tlpdev *t;
	unsigned int q;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	if (conf != NULL)
		t->conf = *conf;
	if (t->conf.nb_queues == 0)
		t->conf.nb_queues = 1;
	if (t->conf.max_payload == 0)
		t->conf.max_payload = 256;
	if (t->conf.rcb == 0)
		t->conf.rcb = 64;
	if (t->conf.host_mem_base == 0)
		t->conf.host_mem_base = 0x100000000ull;
	if (t->conf.host_mem_size == 0)
		t->conf.host_mem_size = 1u << 20;
	if (t->conf.rx_depth == 0)
		t->conf.rx_depth = 256;
	if (t->conf.up_depth == 0)
		t->conf.up_depth = 1024;
	t->tx_limit = -1;
	t->link_up = true;
	t->host_bus = 1;
	t->mem = calloc(1, t->conf.host_mem_size);
	t->up = calloc(t->conf.up_depth, sizeof(*t->up));
	if (t->mem == NULL || t->up == NULL || t->conf.nb_queues > TLPDEV_MAX_QUEUES)
		goto free_t;
	for (q = 0; q < t->conf.nb_queues; q++) {
		t->rxq[q].recs = calloc(t->conf.rx_depth, sizeof(struct tt_rec));
		if (t->rxq[q].recs == NULL)
			goto free_t;
	}
	t->dev = tlpdev_allocate(name, t->conf.no_msg ? &tt_ops_no_msg : &tt_ops,
				 sizeof(t), t->conf.nb_queues);
	if (t->dev == NULL)
		goto free_t;
	*(struct tlpemu_test_tlpdev **)t->dev->priv = t;
	if (tlpdev_start(t->dev->id) != 0) {
		tlpdev_release(t->dev);
		goto free_t;
	}
	tlpdev_event_post(t->dev, TLPDEV_EVENT_LINK_UP, 0, 0);
	return t;

free_t:
	tt_free(t);
	return NULL;
}

void
tlpemu_test_tlpdev_destroy(struct tlpemu_test_tlpdev *t)
{
	if (t == NULL)
		return;
	tlpdev_close(t->dev->id);
	tt_free(t);
}

uint16_t
tlpemu_test_tlpdev_id(const struct tlpemu_test_tlpdev *t)
{
	return t->dev->id;
}

int
tlpemu_test_tlpdev_inject(struct tlpemu_test_tlpdev *t, uint16_t qid, const struct tlp_hdr *h,
			  const void *data)
{
	struct tt_rxq *q;
	struct tt_rec *r;
	uint32_t len = 0;

	if (t == NULL || h == NULL || qid >= t->conf.nb_queues)
		return -EINVAL;
	q = &t->rxq[qid];
	if (q->count >= t->conf.rx_depth)
		return -ENOBUFS;
	if (h->kind < TLP_KIND_MAX && tlp_kind_has_data(h->kind))
		len = RTE_MIN((uint32_t)(h->len_dw == 0 ? 1024 : h->len_dw) * 4u, TLP_MAX_DATA);
	r = &q->recs[(q->head + q->count) % t->conf.rx_depth];
	r->hdr = *h;
	r->data_len = len;
	if (data != NULL)
		memcpy(r->data, data, len);
	else
		memset(r->data, 0, len);
	q->count++;
	return 0;
}

int
tlpemu_test_tlpdev_inject_raw(struct tlpemu_test_tlpdev *t, uint16_t qid, const void *buf,
			      size_t len)
{
	const void *data = NULL;
	struct tlp_hdr h;
	int ret;

	if (t == NULL || buf == NULL || qid >= t->conf.nb_queues)
		return -EINVAL;
	ret = tlp_decode(buf, len, &h, &data);
	if (ret != 0) {
		tlpdev_drv_count_malformed(t->dev, qid, ret);
		return ret;
	}
	if (tlp_kind_is_cpl(h.kind))
		return 0;	/* a DMA engine would consume it; nothing is outstanding */
	return tlpemu_test_tlpdev_inject(t, qid, &h, data);
}

unsigned int
tlpemu_test_tlpdev_rx_pending(const struct tlpemu_test_tlpdev *t, uint16_t qid)
{
	return qid < TLPDEV_MAX_QUEUES ? t->rxq[qid].count : 0;
}

unsigned int
tlpemu_test_tlpdev_up_count(const struct tlpemu_test_tlpdev *t)
{
	return t->up_count;
}

const struct tlpemu_test_up *
tlpemu_test_tlpdev_up_peek(const struct tlpemu_test_tlpdev *t, unsigned int i)
{
	return i < t->up_count ? t->up[i] : NULL;
}

/* Remove entry @p i of the capture list. */
static void
tt_up_remove(struct tlpemu_test_tlpdev *t, unsigned int i, struct tlpemu_test_up *out)
{
	if (out != NULL)
		memcpy(out, t->up[i], sizeof(*out));
	free(t->up[i]);
	memmove(&t->up[i], &t->up[i + 1], (t->up_count - i - 1) * sizeof(t->up[0]));
	t->up_count--;
}

int
tlpemu_test_tlpdev_up_pop(struct tlpemu_test_tlpdev *t, struct tlpemu_test_up *out)
{
	if (t->up_count == 0)
		return 0;
	tt_up_remove(t, 0, out);
	return 1;
}

void
tlpemu_test_tlpdev_up_clear(struct tlpemu_test_tlpdev *t)
{
	unsigned int i;

	for (i = 0; i < t->up_count; i++)
		free(t->up[i]);
	t->up_count = 0;
}

unsigned int
tlpemu_test_tlpdev_up_count_kind(const struct tlpemu_test_tlpdev *t,
				 enum tlpemu_test_up_kind kind)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->up_count; i++)
		if (t->up[i]->kind == kind)
			n++;
	return n;
}

void
tlpemu_test_tlpdev_set_discard(struct tlpemu_test_tlpdev *t, bool discard)
{
	t->discard = discard;
}

uint64_t
tlpemu_test_tlpdev_up_total(const struct tlpemu_test_tlpdev *t)
{
	return t->up_total;
}

void
tlpemu_test_tlpdev_set_tx_limit(struct tlpemu_test_tlpdev *t, int per_call)
{
	t->tx_limit = per_call;
}

void
tlpemu_test_tlpdev_set_link_fail_after(struct tlpemu_test_tlpdev *t, unsigned int short_calls)
{
	t->link_fail_after = short_calls;
}

uint64_t
tlpemu_test_tlpdev_tx_short(const struct tlpemu_test_tlpdev *t)
{
	return t->tx_short;
}

void
tlpemu_test_tlpdev_link_set(struct tlpemu_test_tlpdev *t, bool up)
{
	if (t->link_up == up)
		return;
	t->link_up = up;
	tlpdev_event_post(t->dev, up ? TLPDEV_EVENT_LINK_UP : TLPDEV_EVENT_LINK_DOWN, 0, 0);
}

void
tlpemu_test_tlpdev_hot_reset(struct tlpemu_test_tlpdev *t)
{
	tlpdev_event_post(t->dev, TLPDEV_EVENT_HOT_RESET, 0, 0);
}

void *
tlpemu_test_tlpdev_host_mem(struct tlpemu_test_tlpdev *t, uint64_t *base, size_t *size)
{
	if (base != NULL)
		*base = t->conf.host_mem_base;
	if (size != NULL)
		*size = t->conf.host_mem_size;
	return t->mem;
}

uint64_t
tlpemu_test_tlpdev_dma_count(const struct tlpemu_test_tlpdev *t)
{
	return t->dma_count;
}

void
tlpemu_test_tlpdev_set_service(struct tlpemu_test_tlpdev *t, void (*service)(void *arg),
			       void *arg)
{
	t->service = service;
	t->service_arg = arg;
}

void
tlpemu_test_tlpdev_service(struct tlpemu_test_tlpdev *t)
{
	if (t->service != NULL)
		t->service(t->service_arg);
}

void
tlpemu_test_tlpdev_set_host(struct tlpemu_test_tlpdev *t, uint16_t req_id, uint8_t bus)
{
	t->host_rid = req_id;
	t->host_bus = bus;
}

int
tlpemu_test_collect(struct tlpemu_test_tlpdev *t, const struct tlp_hdr *req,
		    struct tlpemu_test_rsp *rsp)
{
	struct tlpemu_test_up *u;
	uint32_t remaining, bytes, payload, lead;
	uint64_t addr, start;
	unsigned int i = 0;
	int ret = 0;

	memset(rsp, 0, offsetof(struct tlpemu_test_rsp, data));
	rsp->status = -1;
	remaining = tlp_req_byte_count(req);
	start = tlp_req_byte_addr(req);
	addr = start;
	while (i < t->up_count) {
		u = t->up[i];
		if (u->kind != TLPEMU_TEST_UP_CPL || u->hdr.req_id != req->req_id ||
		    u->hdr.tag != req->tag) {
			i++;
			continue;
		}
		if (rsp->nb_cpl < RTE_DIM(rsp->cpl))
			rsp->cpl[rsp->nb_cpl] = u->hdr;
		rsp->nb_cpl++;
		if (rsp->nb_cpl == 1)
			rsp->status = u->hdr.cpl_status;
		if (u->hdr.tc != req->tc)
			ret = -EPROTO;
		if (u->hdr.cpl_status != TLP_CPL_SC || req->kind != TLP_KIND_MRD) {
			/* One completion, whole: config, UR, CA, CRS. */
			if (rsp->nb_cpl > 1)
				ret = -EPROTO;
			if (u->hdr.cpl_status == TLP_CPL_SC && u->hdr.kind == TLP_KIND_CPLD) {
				if (u->hdr.len_dw != 1 || u->hdr.byte_count != 4)
					ret = -EPROTO;
				memcpy(rsp->data, u->data, 4);
				rsp->len = 4;
			} else if (u->hdr.kind != TLP_KIND_CPL && u->hdr.kind != TLP_KIND_CPLLK) {
				ret = -EPROTO;
			}
			tt_up_remove(t, i, NULL);
			continue;
		}
		/* A piece of a memory read. */
		lead = (uint32_t)(addr & 3);
		payload = (uint32_t)u->hdr.len_dw * 4;
		if (u->hdr.kind != TLP_KIND_CPLD || u->hdr.byte_count != remaining ||
		    u->hdr.lower_addr != (addr & 0x7f) || payload <= lead || remaining == 0) {
			ret = -EPROTO;
			tt_up_remove(t, i, NULL);
			continue;
		}
		bytes = RTE_MIN(payload - lead, remaining);
		/* Every piece but the last ends with a full DW of data. */
		if (bytes < remaining && bytes != payload - lead)
			ret = -EPROTO;
		if (addr - start + bytes <= sizeof(rsp->data))
			memcpy(&rsp->data[addr - start], &u->data[lead], bytes);
		addr += bytes;
		remaining -= bytes;
		rsp->len += bytes;
		tt_up_remove(t, i, NULL);
	}
	if (rsp->nb_cpl == 0)
		return -ETIMEDOUT;
	if (ret != 0)
		return ret;
	if (rsp->status == TLP_CPL_SC && req->kind == TLP_KIND_MRD && remaining != 0)
		return -EPROTO;
	return rsp->status;
}

int
tlpemu_test_cfg_rw(struct tlpemu_test_tlpdev *t, uint16_t cfg_id, bool type1, bool write,
		   uint16_t reg, uint8_t be, uint32_t *value)
{
	struct tlpemu_test_rsp *rsp;
	struct tlp_hdr h = {
		.len_dw = 1,
		.first_be = be,
		.cfg_id = cfg_id,
		.cfg_reg = (uint16_t)(reg & 0xffc),
	};
	uint8_t data[4] = { 0 };
	int ret;

	h.kind = type1 ? (write ? TLP_KIND_CFGWR1 : TLP_KIND_CFGRD1) :
		(write ? TLP_KIND_CFGWR0 : TLP_KIND_CFGRD0);
	h.req_id = t->host_rid;
	h.tag = (uint16_t)(t->tag++ & 0x3ff);
	if (write && value != NULL) {
		data[0] = (uint8_t)*value;
		data[1] = (uint8_t)(*value >> 8);
		data[2] = (uint8_t)(*value >> 16);
		data[3] = (uint8_t)(*value >> 24);
	}
	ret = tlpemu_test_tlpdev_inject(t, 0, &h, data);
	if (ret != 0)
		return ret;
	tlpemu_test_tlpdev_service(t);
	rsp = malloc(sizeof(*rsp));
	if (rsp == NULL)
		return -ENOMEM;
	ret = tlpemu_test_collect(t, &h, rsp);
	if (ret == TLP_CPL_SC && !write && value != NULL)
		*value = (uint32_t)rsp->data[0] | (uint32_t)rsp->data[1] << 8 |
			(uint32_t)rsp->data[2] << 16 | (uint32_t)rsp->data[3] << 24;
	free(rsp);
	return ret;
}

int
tlpemu_test_cfg_read(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, uint8_t be,
		     uint32_t *value)
{
	return tlpemu_test_cfg_rw(t, tlp_rid(t->host_bus, 0, fn_num), false, false, reg, be,
				  value);
}

int
tlpemu_test_cfg_write(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, uint8_t be,
		      uint32_t value)
{
	return tlpemu_test_cfg_rw(t, tlp_rid(t->host_bus, 0, fn_num), false, true, reg, be,
				  &value);
}

int
tlpemu_test_mem_hdr(struct tlp_hdr *h, bool write, uint64_t addr, uint32_t len,
		    uint16_t req_id, uint16_t tag)
{
	uint32_t first = (uint32_t)(addr & 3), dws, last;

	if (len == 0 || len > TLP_MAX_DATA || (addr & 0xfff) + len > 4096)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	dws = (first + len + 3) / 4;
	h->kind = write ? TLP_KIND_MWR : TLP_KIND_MRD;
	h->addr = addr & ~3ull;
	h->len_dw = (uint16_t)dws;
	h->req_id = req_id;
	h->tag = write ? 0 : tag;
	if (dws == 1) {
		h->first_be = (uint8_t)(((1u << len) - 1) << first);
	} else {
		h->first_be = (uint8_t)((0xfu << first) & 0xf);
		last = (first + len) & 3;
		h->last_be = (uint8_t)(last == 0 ? 0xf : (1u << last) - 1);
	}
	return 0;
}

int
tlpemu_test_mem_read(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
		     struct tlpemu_test_rsp *rsp)
{
	struct tlp_hdr h;
	int ret;

	ret = tlpemu_test_mem_hdr(&h, false, addr, len, t->host_rid,
				  (uint16_t)(t->tag++ & 0x3ff));
	if (ret != 0)
		return ret;
	ret = tlpemu_test_tlpdev_inject(t, 0, &h, NULL);
	if (ret != 0)
		return ret;
	tlpemu_test_tlpdev_service(t);
	return tlpemu_test_collect(t, &h, rsp);
}

int
tlpemu_test_mem_write(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
		      const void *buf)
{
	static uint8_t payload[TLP_MAX_DATA + 4];
	unsigned int i, before;
	struct tlp_hdr h;
	int ret;

	ret = tlpemu_test_mem_hdr(&h, true, addr, len, t->host_rid, 0);
	if (ret != 0)
		return ret;
	memset(payload, 0, sizeof(payload));
	memcpy(&payload[addr & 3], buf, len);
	ret = tlpemu_test_tlpdev_inject(t, 0, &h, payload);
	if (ret != 0)
		return ret;
	before = t->up_count;
	tlpemu_test_tlpdev_service(t);
	/* Posted: nothing may answer it (MSI-X or messages may appear). */
	for (i = before; i < t->up_count; i++)
		if (t->up[i]->kind == TLPEMU_TEST_UP_CPL)
			return -EPROTO;
	return 0;
}

int
tlpemu_test_mem_read_val(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			 uint64_t *value)
{
	struct tlpemu_test_rsp *rsp;
	unsigned int i;
	int ret;

	if (len == 0 || len > 8)
		return -EINVAL;
	rsp = malloc(sizeof(*rsp));
	if (rsp == NULL)
		return -ENOMEM;
	ret = tlpemu_test_mem_read(t, addr, len, rsp);
	if (ret == TLP_CPL_SC && value != NULL) {
		*value = 0;
		for (i = 0; i < len; i++)
			*value |= (uint64_t)rsp->data[i] << (8 * i);
	}
	free(rsp);
	return ret;
}

int
tlpemu_test_mem_write_val(struct tlpemu_test_tlpdev *t, uint64_t addr, uint32_t len,
			  uint64_t value)
{
	uint8_t buf[8];
	unsigned int i;

	if (len == 0 || len > 8)
		return -EINVAL;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	return tlpemu_test_mem_write(t, addr, len, buf);
}
