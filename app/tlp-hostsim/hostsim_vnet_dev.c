/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Modern virtio-pci transport, driver side: the virtio capabilities, the
 * common configuration (reset, features, queues, vectors, status), the ISR,
 * notifications and the virtio-net device configuration.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostsim_vnet.h"

uint64_t
hostsim_vnet_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
hostsim_vnet_errf(struct hostsim_vnet *d, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
hostsim_vnet_errf(struct hostsim_vnet *d, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return ret;
}

void
hostsim_vnet_init(struct hostsim_vnet *d, const struct hostsim_vnet_bus *bus,
		  const struct hostsim_vnet_mem *mem)
{
	memset(d, 0, sizeof(*d));
	d->bus = *bus;
	d->mem = *mem;
	d->ctrl_timeout_ms = 1000;
	d->reset_timeout_ms = 1000;
	d->config_vector = HOSTSIM_VIRTIO_NO_VECTOR;
}

/* Check one virtio capability at @p off; fill @p r. NULL, or why it is unusable. */
static const char *
hostsim_vnet_cap_region(const struct hostsim_fn *f, uint16_t off, uint8_t cap_len,
			uint32_t min_len, struct hostsim_vnet_region *r)
{
	uint8_t bar = f->cfg[off + HOSTSIM_VCAP_BAR];
	uint32_t boff = hostsim_fn_cfg32(f, off + HOSTSIM_VCAP_OFFSET);
	uint32_t blen = hostsim_fn_cfg32(f, off + HOSTSIM_VCAP_LENGTH);
	const struct hostsim_bar *b;

	if (cap_len < HOSTSIM_VCAP_MIN_LEN || off + (unsigned int)cap_len > 256)
		return "cap_len too short or beyond config space";
	if (bar >= HOSTSIM_NB_BARS)
		return "reserved BAR number";
	b = &f->bar[bar];
	if (!b->assigned || (b->kind != HOSTSIM_BAR_MEM32 && b->kind != HOSTSIM_BAR_MEM64))
		return "BAR not an assigned memory BAR";
	if (blen < min_len)
		return "structure too short";
	/* 64-bit arithmetic: offset + length cannot wrap. */
	if ((uint64_t)boff + blen > b->size)
		return "structure beyond its BAR";
	r->addr = b->addr + boff;
	r->len = blen;
	r->bar = bar;
	r->off = boff;
	return NULL;
}

int
hostsim_vnet_caps_parse(const struct hostsim_fn *f, struct hostsim_vnet_caps *c)
{
	struct hostsim_vnet_region r, *dst;
	const char *why;
	unsigned int i;
	uint32_t min_len, mult = 0;
	uint16_t off;
	uint8_t type, cap_len;

	memset(c, 0, sizeof(*c));
	/* The walk of the snapshot is bounded and loop-free (hostsim_caps.c). */
	for (i = 0; i < f->nb_caps; i++) {
		if (f->caps[i].id != HOSTSIM_CAP_VNDR)
			continue;
		off = f->caps[i].off;
		if (off + HOSTSIM_VCAP_MIN_LEN > 256)
			continue;
		c->seen++;
		cap_len = f->cfg[off + HOSTSIM_VCAP_LEN];
		type = f->cfg[off + HOSTSIM_VCAP_TYPE];
		switch (type) {
		case HOSTSIM_VCAP_COMMON:
			dst = &c->common;
			min_len = HOSTSIM_VCC_MIN_LEN;
			break;
		case HOSTSIM_VCAP_NOTIFY:
			dst = &c->notify;
			min_len = 2;
			break;
		case HOSTSIM_VCAP_ISR:
			dst = &c->isr;
			min_len = 1;
			break;
		case HOSTSIM_VCAP_DEVICE:
			dst = &c->device;
			min_len = 1;
			break;
		default:
			continue;	/* PCI cfg access, shared memory, vendor, reserved */
		}
		if (dst->len != 0)
			continue;	/* the first usable one of a type wins */
		why = hostsim_vnet_cap_region(f, off, cap_len, min_len, &r);
		if (why == NULL && type == HOSTSIM_VCAP_COMMON && (r.addr & 3) != 0)
			why = "common configuration not 4-byte aligned";
		if (why == NULL && type == HOSTSIM_VCAP_NOTIFY) {
			if (cap_len < HOSTSIM_VCAP_NOTIFY_MIN_LEN) {
				why = "notify capability too short";
			} else {
				mult = hostsim_fn_cfg32(f, off + HOSTSIM_VCAP_NOTIFY_MULT);
				/* 0, or an even power of 2. */
				if (mult != 0 && (mult == 1 || (mult & (mult - 1)) != 0))
					why = "notify_off_multiplier not 0 or an even power of 2";
			}
		}
		if (why != NULL) {
			c->ignored++;
			snprintf(c->why, sizeof(c->why), "capability [%02x] type %u: %s", off,
				 type, why);
			continue;
		}
		*dst = r;
		if (type == HOSTSIM_VCAP_NOTIFY)
			c->notify_mult = mult;
	}
	if (c->common.len == 0 || c->notify.len == 0 || c->isr.len == 0) {
		if (c->why[0] == '\0')
			snprintf(c->why, sizeof(c->why), "no usable %s configuration capability",
				 c->common.len == 0 ? "common" :
				 c->notify.len == 0 ? "notify" : "ISR");
		return -ENODEV;
	}
	return 0;
}

/* Common configuration accessors. */
static int
hostsim_vcc_rd(struct hostsim_vnet *d, uint32_t off, uint32_t len, uint32_t *v)
{
	uint32_t val = 0;
	int ret;

	ret = d->bus.read(d->bus.ctx, d->caps.common.addr + off, &val, len);
	if (ret != 0)
		return hostsim_vnet_errf(d, ret, "common config read at +%u failed: %s", off,
					 strerror(-ret));
	*v = val;
	return 0;
}

static int
hostsim_vcc_wr(struct hostsim_vnet *d, uint32_t off, uint32_t len, uint32_t v)
{
	int ret;

	ret = d->bus.write(d->bus.ctx, d->caps.common.addr + off, &v, len);
	if (ret != 0)
		return hostsim_vnet_errf(d, ret, "common config write at +%u failed: %s", off,
					 strerror(-ret));
	return 0;
}

static int
hostsim_vcc_wr64(struct hostsim_vnet *d, uint32_t off, uint64_t v)
{
	int ret = hostsim_vcc_wr(d, off, 4, (uint32_t)v);

	return ret != 0 ? ret : hostsim_vcc_wr(d, off + 4, 4, (uint32_t)(v >> 32));
}

int
hostsim_vnet_status(struct hostsim_vnet *d, uint8_t *st)
{
	uint32_t v = 0;
	int ret = hostsim_vcc_rd(d, HOSTSIM_VCC_STATUS, 1, &v);

	if (ret == 0) {
		d->status = (uint8_t)v;
		*st = (uint8_t)v;
	}
	return ret;
}

static int
hostsim_vnet_status_set(struct hostsim_vnet *d, uint8_t st)
{
	int ret = hostsim_vcc_wr(d, HOSTSIM_VCC_STATUS, 1, st);

	if (ret == 0)
		d->status = st;
	return ret;
}

void
hostsim_vnet_fail(struct hostsim_vnet *d)
{
	char keep[sizeof(d->err)];

	/* Best effort: keep the reason that made us give up. */
	memcpy(keep, d->err, sizeof(keep));
	hostsim_vnet_status_set(d, (uint8_t)(d->status | HOSTSIM_VSTAT_FAILED));
	memcpy(d->err, keep, sizeof(keep));
}

int
hostsim_vnet_reset(struct hostsim_vnet *d)
{
	uint64_t deadline = hostsim_vnet_now_ns() + (uint64_t)d->reset_timeout_ms * 1000000u;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000 };
	uint8_t st;
	int ret;

	ret = hostsim_vnet_status_set(d, 0);
	if (ret != 0)
		return ret;
	for (;;) {
		ret = hostsim_vnet_status(d, &st);
		/* A device busy resetting may miss a completion: poll on until the deadline. */
		if (ret == -ETIMEDOUT && hostsim_vnet_now_ns() <= deadline)
			continue;
		if (ret != 0)
			return ret;
		if (st == 0)
			return 0;
		if (hostsim_vnet_now_ns() > deadline)
			return hostsim_vnet_errf(d, -ETIMEDOUT, "reset: status still 0x%02x after "
						 "%u ms", st, d->reset_timeout_ms);
		nanosleep(&ts, NULL);
	}
}

int
hostsim_vnet_negotiate(struct hostsim_vnet *d, uint64_t want)
{
	uint32_t lo, hi;
	uint8_t st;
	int ret;

	ret = hostsim_vnet_status_set(d, HOSTSIM_VSTAT_ACK);
	if (ret == 0)
		ret = hostsim_vnet_status_set(d, HOSTSIM_VSTAT_ACK | HOSTSIM_VSTAT_DRIVER);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_DFSELECT, 4, 0);
	if (ret == 0)
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_DF, 4, &lo);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_DFSELECT, 4, 1);
	if (ret == 0)
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_DF, 4, &hi);
	if (ret != 0)
		goto fail;
	d->dev_features = (uint64_t)hi << 32 | lo;
	if (!(d->dev_features & HOSTSIM_VF(HOSTSIM_VF_VERSION_1))) {
		ret = hostsim_vnet_errf(d, -ENOTSUP, "device does not offer VERSION_1 "
					"(legacy devices are not supported)");
		goto fail;
	}
	d->features = want & d->dev_features & hostsim_vnet_features_supported;
	hostsim_vnet_features_fixup(&d->features);
	ret = hostsim_vcc_wr(d, HOSTSIM_VCC_GFSELECT, 4, 0);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_GF, 4, (uint32_t)d->features);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_GFSELECT, 4, 1);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_GF, 4, (uint32_t)(d->features >> 32));
	if (ret == 0)
		ret = hostsim_vnet_status_set(d, HOSTSIM_VSTAT_ACK | HOSTSIM_VSTAT_DRIVER |
					      HOSTSIM_VSTAT_FEATURES_OK);
	if (ret == 0)
		ret = hostsim_vnet_status(d, &st);
	if (ret != 0)
		goto fail;
	if (!(st & HOSTSIM_VSTAT_FEATURES_OK)) {
		ret = hostsim_vnet_errf(d, -EPROTO, "device refused FEATURES_OK for 0x%" PRIx64
					" (status 0x%02x)", d->features, st);
		goto fail;
	}
	return 0;
fail:
	hostsim_vnet_fail(d);
	return ret;
}

/* Device configuration bytes [off, off + len), len 1, 2 or 4. */
static int
hostsim_vnet_cfg_rd(struct hostsim_vnet *d, uint32_t off, uint32_t len, uint32_t *v)
{
	uint32_t val = 0;
	int ret;

	if (off + len > d->caps.device.len)
		return hostsim_vnet_errf(d, -ERANGE, "device configuration has %u bytes, "
					 "field at %u+%u", d->caps.device.len, off, len);
	ret = d->bus.read(d->bus.ctx, d->caps.device.addr + off, &val, len);
	if (ret != 0)
		return hostsim_vnet_errf(d, ret, "device config read at +%u failed: %s", off,
					 strerror(-ret));
	*v = val;
	return 0;
}

static int
hostsim_vnet_read_config_once(struct hostsim_vnet *d)
{
	uint32_t v;
	unsigned int i;
	int ret;

	if (hostsim_vnet_has(d, HOSTSIM_VF_MAC))
		for (i = 0; i < 6; i++) {
			ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_MAC + i, 1, &v);
			if (ret != 0)
				return ret;
			d->mac[i] = (uint8_t)v;
		}
	d->net_status = HOSTSIM_VNET_S_LINK_UP;
	if (hostsim_vnet_has(d, HOSTSIM_VF_STATUS)) {
		ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_STATUS, 2, &v);
		if (ret != 0)
			return ret;
		d->net_status = (uint16_t)v;
	}
	d->max_pairs = 1;
	if (hostsim_vnet_has(d, HOSTSIM_VF_MQ)) {
		ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_MAX_PAIRS, 2, &v);
		if (ret != 0)
			return ret;
		d->max_pairs = (uint16_t)v;
	}
	if (hostsim_vnet_has(d, HOSTSIM_VF_MTU)) {
		ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_MTU, 2, &v);
		if (ret != 0)
			return ret;
		d->mtu = (uint16_t)v;
	}
	if (hostsim_vnet_has(d, HOSTSIM_VF_SPEED_DUPLEX)) {
		ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_SPEED, 4, &v);
		if (ret == 0) {
			d->speed = v;
			ret = hostsim_vnet_cfg_rd(d, HOSTSIM_VNCFG_DUPLEX, 1, &v);
		}
		if (ret != 0)
			return ret;
		d->duplex = (uint8_t)v;
	}
	return 0;
}

int
hostsim_vnet_read_config(struct hostsim_vnet *d)
{
	uint32_t g0, g1;
	unsigned int tries;
	int ret;

	if (d->caps.device.len == 0)
		return hostsim_vnet_errf(d, -ENODEV, "no device configuration capability");
	/* Until the generation is the same before and after: a consistent view. */
	for (tries = 0; tries < 16; tries++) {
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_CFGGEN, 1, &g0);
		if (ret == 0)
			ret = hostsim_vnet_read_config_once(d);
		if (ret == 0)
			ret = hostsim_vcc_rd(d, HOSTSIM_VCC_CFGGEN, 1, &g1);
		if (ret != 0)
			return ret;
		if (g0 == g1)
			break;
	}
	if (tries == 16)
		return hostsim_vnet_errf(d, -EAGAIN, "config_generation keeps changing");
	if (hostsim_vnet_has(d, HOSTSIM_VF_MQ) &&
	    (d->max_pairs == 0 || d->max_pairs > HOSTSIM_VNET_PAIRS_MAX))
		return hostsim_vnet_errf(d, -EPROTO, "max_virtqueue_pairs %u out of 1..%u",
					 d->max_pairs, HOSTSIM_VNET_PAIRS_MAX);
	return 0;
}

/* Largest power of 2 not above @p v (v > 0). */
static uint16_t
hostsim_vnet_pow2_floor(uint16_t v)
{
	uint16_t p = 1;

	while (p <= v / 2)
		p = (uint16_t)(p * 2);
	return p;
}

static int
hostsim_vnet_queue_setup(struct hostsim_vnet *d, struct hostsim_vq *vq, uint16_t index,
			 uint16_t want, uint16_t max_segs, uint16_t vector,
			 struct hostsim_vnet_mem *m)
{
	uint64_t at = m->used;
	int packed = hostsim_vnet_has(d, HOSTSIM_VF_RING_PACKED);
	uint32_t max, noff, v;
	uint64_t noff_bytes;
	uint16_t size;
	int ret;

	ret = hostsim_vcc_wr(d, HOSTSIM_VCC_Q_SELECT, 2, index);
	if (ret == 0)
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_Q_SIZE, 2, &max);
	if (ret != 0)
		return ret;
	if (max == 0)
		return hostsim_vnet_errf(d, -ENODEV, "queue %u: not available (size 0)", index);
	if (max > HOSTSIM_VQ_SIZE_MAX)
		return hostsim_vnet_errf(d, -EPROTO, "queue %u: maximum size %u above %u", index,
					 max, HOSTSIM_VQ_SIZE_MAX);
	size = want < max ? want : (uint16_t)max;
	if (!packed)
		size = hostsim_vnet_pow2_floor(size);
	ret = hostsim_vq_init(vq, m, index, size, packed,
			      hostsim_vnet_has(d, HOSTSIM_VF_EVENT_IDX),
			      hostsim_vnet_has(d, HOSTSIM_VF_INDIRECT_DESC), max_segs);
	if (ret != 0)
		return hostsim_vnet_errf(d, ret, "queue %u: cannot allocate %u entries in host "
					 "memory: %s", index, size, strerror(-ret));
	vq->mem_at = at;
	ret = hostsim_vcc_wr(d, HOSTSIM_VCC_Q_SIZE, 2, size);
	if (ret == 0)
		ret = hostsim_vcc_wr64(d, HOSTSIM_VCC_Q_DESC, vq->desc_iova);
	if (ret == 0)
		ret = hostsim_vcc_wr64(d, HOSTSIM_VCC_Q_DRIVER, vq->driver_iova);
	if (ret == 0)
		ret = hostsim_vcc_wr64(d, HOSTSIM_VCC_Q_DEVICE, vq->device_iova);
	if (ret == 0 && vector != HOSTSIM_VIRTIO_NO_VECTOR) {
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_Q_MSIX, 2, vector);
		if (ret == 0)
			ret = hostsim_vcc_rd(d, HOSTSIM_VCC_Q_MSIX, 2, &v);
		/* The device may refuse a vector (reads back NO_VECTOR): poll that queue. */
		if (ret == 0)
			vq->vector = v == vector ? vector : HOSTSIM_VIRTIO_NO_VECTOR;
	}
	if (ret == 0)
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_Q_NOFF, 2, &noff);
	if (ret != 0)
		return ret;
	noff_bytes = (uint64_t)noff * d->caps.notify_mult;
	if (noff_bytes > d->caps.notify.len || d->caps.notify.len - noff_bytes < 2)
		return hostsim_vnet_errf(d, -EPROTO, "queue %u: notify offset %u x %u beyond "
					 "the notify structure (%u bytes)", index, noff,
					 d->caps.notify_mult, d->caps.notify.len);
	vq->notify_addr = d->caps.notify.addr + noff_bytes;
	return hostsim_vcc_wr(d, HOSTSIM_VCC_Q_ENABLE, 2, 1);
}

int
hostsim_vnet_setup_queues(struct hostsim_vnet *d, const struct hostsim_vnet_qconf *qc)
{
	int ctrl = hostsim_vnet_has(d, HOSTSIM_VF_CTRL_VQ);
	uint16_t nb, i, index, vec, need, max_pairs = d->max_pairs;
	uint32_t v, numq;
	int ret;

	if (qc->pairs == 0 || qc->pairs > max_pairs)
		return hostsim_vnet_errf(d, -EINVAL, "%u queue pairs asked for, the device has "
					 "%u%s", qc->pairs, max_pairs,
					 hostsim_vnet_has(d, HOSTSIM_VF_MQ) ? "" :
					 " (MQ not negotiated)");
	ret = hostsim_vcc_rd(d, HOSTSIM_VCC_NUMQ, 2, &numq);
	if (ret != 0)
		return ret;
	d->num_queues = (uint16_t)numq;
	/* The control queue follows the receive and transmit queues of every pair. */
	need = (uint16_t)(2 * max_pairs + ctrl);
	if (numq < need)
		return hostsim_vnet_errf(d, -EPROTO, "num_queues %u, %u expected for %u pairs%s",
					 numq, need, max_pairs, ctrl ? " and a control queue" : "");
	nb = (uint16_t)(2 * qc->pairs + ctrl);
	if (!d->mem_marked) {
		/* Where a re-initialisation starts handing out host memory again. */
		d->mem_mark = d->mem.used;
		d->mem_marked = 1;
	}
	d->vq = calloc(nb, sizeof(*d->vq));
	if (d->vq == NULL)
		return hostsim_vnet_errf(d, -ENOMEM, "out of memory");
	d->nb_vqs = nb;
	d->pairs = qc->pairs;
	/* Vector 0: configuration changes; then one per queue, or one for all. */
	if (qc->vectors >= 1) {
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_MSIX, 2, 0);
		if (ret == 0)
			ret = hostsim_vcc_rd(d, HOSTSIM_VCC_MSIX, 2, &v);
		if (ret != 0)
			return ret;
		d->config_vector = v == 0 ? 0 : HOSTSIM_VIRTIO_NO_VECTOR;
	}
	for (i = 0; i < nb; i++) {
		index = ctrl && i == nb - 1 ? (uint16_t)(2 * max_pairs) : i;
		if (qc->vectors >= 1u + nb)
			vec = (uint16_t)(1 + i);
		else if (qc->vectors >= 2)
			vec = 1;
		else
			vec = HOSTSIM_VIRTIO_NO_VECTOR;
		ret = hostsim_vnet_queue_setup(d, &d->vq[i], index, qc->queue_size,
					       qc->max_segs, vec, &d->mem);
		if (ret != 0)
			return ret;
	}
	if (ctrl) {
		d->ctrlq = &d->vq[nb - 1];
		d->ctrl_buf = hostsim_vnet_mem_alloc(&d->mem, HOSTSIM_VNET_CTRL_BUF, 64,
						     &d->ctrl_iova);
		if (d->ctrl_buf == NULL)
			return hostsim_vnet_errf(d, -ENOMEM, "no host memory for the control "
						 "queue buffer");
	}
	return 0;
}

int
hostsim_vnet_driver_ok(struct hostsim_vnet *d)
{
	uint8_t st;
	int ret;

	ret = hostsim_vnet_status_set(d, HOSTSIM_VSTAT_ACK | HOSTSIM_VSTAT_DRIVER |
				      HOSTSIM_VSTAT_FEATURES_OK | HOSTSIM_VSTAT_DRIVER_OK);
	if (ret == 0)
		ret = hostsim_vnet_status(d, &st);
	if (ret != 0)
		return ret;
	if (st & HOSTSIM_VSTAT_NEEDS_RESET)
		return hostsim_vnet_errf(d, -EPROTO, "DEVICE_NEEDS_RESET right after DRIVER_OK "
					 "(status 0x%02x)", st);
	if (!(st & HOSTSIM_VSTAT_DRIVER_OK))
		return hostsim_vnet_errf(d, -EPROTO, "DRIVER_OK did not stick (status 0x%02x)",
					 st);
	return 0;
}

int
hostsim_vnet_isr(struct hostsim_vnet *d, uint8_t *isr)
{
	uint32_t v = 0;
	int ret;

	ret = d->bus.read(d->bus.ctx, d->caps.isr.addr, &v, 1);
	if (ret != 0)
		return hostsim_vnet_errf(d, ret, "ISR read failed: %s", strerror(-ret));
	*isr = (uint8_t)v;
	return 0;
}

int
hostsim_vnet_notify(struct hostsim_vnet *d, struct hostsim_vq *vq)
{
	uint16_t v = vq->index;
	int ret;

	if (d->bus.notify != NULL)
		ret = d->bus.notify(d->bus.ctx, vq->index, vq->notify_addr, &v, sizeof(v));
	else
		ret = d->bus.write(d->bus.ctx, vq->notify_addr, &v, sizeof(v));
	if (ret != 0)
		d->notify_errors++;
	return ret;
}

void
hostsim_vnet_fini(struct hostsim_vnet *d)
{
	uint16_t i;

	for (i = 0; d->vq != NULL && i < d->nb_vqs; i++)
		hostsim_vq_fini(&d->vq[i]);
	free(d->vq);
	d->vq = NULL;
	d->nb_vqs = 0;
	d->ctrlq = NULL;
}

int
hostsim_vnet_reinit(struct hostsim_vnet *d, uint64_t want, const struct hostsim_vnet_qconf *qc)
{
	uint64_t need_cfg = HOSTSIM_VF(HOSTSIM_VF_MAC) | HOSTSIM_VF(HOSTSIM_VF_STATUS) |
		HOSTSIM_VF(HOSTSIM_VF_MQ) | HOSTSIM_VF(HOSTSIM_VF_MTU) |
		HOSTSIM_VF(HOSTSIM_VF_SPEED_DUPLEX);
	int ret;

	ret = hostsim_vnet_reset(d);
	if (ret != 0)
		return ret;
	hostsim_vnet_fini(d);
	if (d->mem_marked)
		d->mem.used = d->mem_mark;
	ret = hostsim_vnet_negotiate(d, want);
	if (ret != 0)
		return ret;
	if ((d->features & need_cfg) != 0 || d->caps.device.len != 0) {
		ret = hostsim_vnet_read_config(d);
		if (ret != 0)
			goto fail;
	} else {
		d->max_pairs = 1;
		d->net_status = HOSTSIM_VNET_S_LINK_UP;
	}
	ret = hostsim_vnet_setup_queues(d, qc);
	if (ret == 0)
		ret = hostsim_vnet_driver_ok(d);
	if (ret == 0)
		return 0;
fail:
	hostsim_vnet_fail(d);
	return ret;
}

int
hostsim_vnet_queue_reset(struct hostsim_vnet *d, struct hostsim_vq *vq)
{
	uint64_t deadline = hostsim_vnet_now_ns() + (uint64_t)d->reset_timeout_ms * 1000000u;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000 };
	struct hostsim_vnet_mem m = d->mem;
	uint16_t index = vq->index, size = vq->size, segs = vq->max_segs, vec = vq->vector;
	uint32_t v = 0;
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_RING_RESET))
		return hostsim_vnet_errf(d, -ENOTSUP, "queue reset: RING_RESET not negotiated");
	ret = hostsim_vcc_wr(d, HOSTSIM_VCC_Q_SELECT, 2, index);
	if (ret == 0)
		ret = hostsim_vcc_wr(d, HOSTSIM_VCC_Q_RESET, 2, 1);
	while (ret == 0) {
		ret = hostsim_vcc_rd(d, HOSTSIM_VCC_Q_RESET, 2, &v);
		if (ret != 0 || v == 1)
			break;
		if (hostsim_vnet_now_ns() > deadline)
			return hostsim_vnet_errf(d, -ETIMEDOUT, "queue %u: reset not done after "
						 "%u ms", index, d->reset_timeout_ms);
		nanosleep(&ts, NULL);
	}
	if (ret != 0)
		return ret;
	/* The same pieces of host memory again: same sizes, same order. */
	m.used = vq->mem_at;
	hostsim_vq_fini(vq);
	return hostsim_vnet_queue_setup(d, vq, index, size, segs, vec, &m);
}
