/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* The driver's bus over the software link, and the host's interrupt callbacks. */

#include <errno.h>
#include <string.h>

#include "hostsim_enum.h"
#include "hostsim_vnet_link.h"

#define HOSTSIM_LINK_WRITE_TRIES 1000

static void
hostsim_vnet_link_log(void *arg, int level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "hostsim: %s%s\n", level <= TLPSIM_LOG_ERR ? "error: " : "", msg);
}

/* Called from tlpsim_host_poll(): record, do not act. */
static void
hostsim_vnet_link_msi(void *arg, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct hostsim_vnet_link *l = arg;
	uint32_t vec = data - HOSTSIM_MSIX_DATA;

	(void)qid;
	if (addr != HOSTSIM_MSIX_ADDR || data < HOSTSIM_MSIX_DATA || vec >= HOSTSIM_VNET_VECTORS) {
		l->msi_other++;
		return;
	}
	l->msi++;
	l->pending[vec] = 1;
	l->any_pending = 1;
}

static void
hostsim_vnet_link_intx(void *arg, uint16_t qid, uint16_t rid, uint8_t pin, uint8_t level)
{
	struct hostsim_vnet_link *l = arg;

	(void)qid;
	(void)rid;
	(void)pin;
	l->intx_level = level;
	if (level) {
		l->intx++;
		l->any_pending = 1;
	}
}

int
hostsim_vnet_link_open(const struct hostsim_opts *o, struct hostsim_vnet_link *l)
{
	struct tlpsim_host_conf conf;

	memset(l, 0, sizeof(*l));
	/* The common configuration, plus this driver's log and interrupt callbacks. */
	if (hostsim_host_conf(o, &conf) != 0)
		return -1;
	conf.log = hostsim_vnet_link_log;
	conf.log_level = o->verbose ? TLPSIM_LOG_DEBUG : TLPSIM_LOG_WARNING;
	conf.msi = hostsim_vnet_link_msi;
	conf.msi_arg = l;
	conf.intx = hostsim_vnet_link_intx;
	conf.intx_arg = l;
	if (hostsim_host_start(o, &conf, &l->host) != 0)
		return -1;
	l->nb_lq = o->queues;
	return 0;
}

void
hostsim_vnet_link_close(struct hostsim_vnet_link *l)
{
	tlpsim_host_destroy(l->host);
	l->host = NULL;
}

void
hostsim_vnet_link_service(void *ctx)
{
	struct hostsim_vnet_link *l = ctx;
	struct tlpsim_host_cpl cpl[16];
	uint16_t q;

	/* Nothing non-posted is left outstanding: what comes back is dropped. */
	for (q = 0; q < l->nb_lq; q++)
		tlpsim_host_poll(l->host, q, cpl, 16);
}

static int
hostsim_vnet_link_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	struct hostsim_vnet_link *l = ctx;

	return tlpsim_host_mmio_read(l->host, 0, addr, buf, len);
}

static int
hostsim_vnet_link_write_q(struct hostsim_vnet_link *l, uint16_t q, uint64_t addr,
			  const void *buf, uint32_t len)
{
	unsigned int tries;
	int ret;

	for (tries = 0; tries < HOSTSIM_LINK_WRITE_TRIES; tries++) {
		ret = tlpsim_host_mmio_write(l->host, q, addr, buf, len);
		if (ret != -EAGAIN)
			return ret;
		/* The request ring is full: let the device drain it. */
		l->write_retries++;
		hostsim_vnet_link_service(l);
	}
	return -EAGAIN;
}

static int
hostsim_vnet_link_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	return hostsim_vnet_link_write_q(ctx, 0, addr, buf, len);
}

static int
hostsim_vnet_link_notify(void *ctx, uint16_t vq, uint64_t addr, const void *buf, uint32_t len)
{
	struct hostsim_vnet_link *l = ctx;

	return hostsim_vnet_link_write_q(l, (uint16_t)((vq / 2) % l->nb_lq), addr, buf, len);
}

void
hostsim_vnet_link_bus(struct hostsim_vnet_link *l, struct hostsim_vnet_bus *b)
{
	memset(b, 0, sizeof(*b));
	b->ctx = l;
	b->read = hostsim_vnet_link_read;
	b->write = hostsim_vnet_link_write;
	b->notify = hostsim_vnet_link_notify;
	b->service = hostsim_vnet_link_service;
}
