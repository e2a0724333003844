/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_PCIFN_COMMON_H
#define TEST_PCIFN_COMMON_H

/*
 * Fixture shared by the pcifn tests: a test tlpdev, a group serving it and
 * functions with a standard set of resources, and a logging register file
 * to hang on BAR ranges.
 *
 * Standard function:
 *   BAR0    32-bit, 16 KiB, registers (a logging region at 0x0000-0x0fff,
 *           another at 0x2000-0x2fff; 0x1000-0x1fff and 0x3000- are holes)
 *   BAR2/3  64-bit prefetchable, 1 MiB, plain memory (a 1 MiB region)
 *   BAR4/5  64-bit, 16 KiB: MSI-X table (8 vectors) at 0, PBA at 0x2000
 *   INTA, FLR capable, Max_Payload_Size Supported 512.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <pcifn.h>
#include <pcifn_regs.h>

#include "tlpemu_test.h"
#include "tlpemu_test_tlpdev.h"

#define TP_BAR0 0xfe000000ull
#define TP_BAR2 0x800000000ull
#define TP_BAR4 0xf0000000ull
#define TP_MEM_SIZE (1u << 20)
#define TP_LOG_MAX 256

/* A register file that records every access it gets. */
struct tp_regs {
	uint8_t mem[TP_MEM_SIZE];
	struct {
		uint64_t off;
		uint32_t len;
		uint8_t write;
	} log[TP_LOG_MAX];
	unsigned int nb_log;
	int fail;		/* handlers return -EIO */
};

static inline int
tp_regs_read(void *ctx, uint64_t offset, void *buf, uint32_t len)
{
	struct tp_regs *r = ctx;

	if (r->nb_log < TP_LOG_MAX) {
		r->log[r->nb_log].off = offset;
		r->log[r->nb_log].len = len;
		r->log[r->nb_log++].write = 0;
	}
	if (r->fail)
		return -EIO;
	memcpy(buf, &r->mem[offset], len);
	return 0;
}

static inline int
tp_regs_write(void *ctx, uint64_t offset, const void *buf, uint32_t len)
{
	struct tp_regs *r = ctx;

	if (r->nb_log < TP_LOG_MAX) {
		r->log[r->nb_log].off = offset;
		r->log[r->nb_log].len = len;
		r->log[r->nb_log++].write = 1;
	}
	if (r->fail)
		return -EIO;
	memcpy(&r->mem[offset], buf, len);
	return 0;
}

static const struct pcifn_region_ops tp_regs_ops = {
	.read = tp_regs_read,
	.write = tp_regs_write,
};

/* Owner callbacks that record what they are told. */
struct tp_owner {
	unsigned int resets;
	enum pcifn_reset_kind last_kind;
	int reset_ret;			/* what reset returns (-EINPROGRESS: async) */
	unsigned int bme_calls;
	bool bme;
	unsigned int bar_calls;
	unsigned int msix_calls;
	int notify_in_reset;		/* pcifn_msix_notify() result from within reset */
	struct pcifn *fn;
};

static inline int
tp_owner_reset(struct pcifn *fn, enum pcifn_reset_kind kind, void *ctx)
{
	struct tp_owner *o = ctx;

	o->resets++;
	o->last_kind = kind;
	o->notify_in_reset = pcifn_msix_notify(fn, 0, 0);
	return o->reset_ret;
}

static inline void
tp_owner_bme(struct pcifn *fn __rte_unused, bool enabled, void *ctx)
{
	struct tp_owner *o = ctx;

	o->bme_calls++;
	o->bme = enabled;
}

static inline void
tp_owner_bar(struct pcifn *fn __rte_unused, void *ctx)
{
	((struct tp_owner *)ctx)->bar_calls++;
}

static inline void
tp_owner_msix(struct pcifn *fn __rte_unused, void *ctx)
{
	((struct tp_owner *)ctx)->msix_calls++;
}

static const struct pcifn_ops tp_owner_ops = {
	.reset = tp_owner_reset,
	.bme_change = tp_owner_bme,
	.bar_change = tp_owner_bar,
	.msix_change = tp_owner_msix,
};

struct tp_fix {
	struct tlpemu_test_tlpdev *t;
	struct pcifn_group *grp;
	struct pcifn *fn[PCIFN_GROUP_MAX_FNS];
	struct tp_regs *regs[PCIFN_GROUP_MAX_FNS];
	struct tp_owner owner[PCIFN_GROUP_MAX_FNS];
	unsigned int nb_fns;
};

static inline void
tp_service(void *arg)
{
	pcifn_service(arg, 0, 4096);
}

static inline struct pcifn_params
tp_params(void)
{
	struct pcifn_params p = {
		.vendor_id = 0x1af4,
		.device_id = 0x1041,
		.subsys_vendor_id = 0x1af4,
		.subsys_id = 0x0001,
		.revision = 0x01,
		.class_code = 0x020000,
		.msix_vectors = 8,
		.msix_bar = 4,
		.msix_table_offset = 0,
		.msix_pba_offset = 0x2000,
		.intx_pin = 1,
		.flr = 1,
		.max_payload_supported = 512,
	};

	p.bars[0].size = 16384;
	p.bars[2].size = TP_MEM_SIZE;
	p.bars[2].flags = PCIFN_BAR_64 | PCIFN_BAR_PREFETCH;
	p.bars[4].size = 16384;
	p.bars[4].flags = PCIFN_BAR_64;
	return p;
}

/* Create a standard function with its regions (not in a group). */
static inline struct pcifn *
tp_fn_create(struct tp_fix *f, unsigned int i, const struct pcifn_params *p)
{
	struct pcifn_region r = {
		.bar = 0, .offset = 0, .size = 0x1000, .min_access = 1, .max_access = 8,
		.ops = &tp_regs_ops,
	};
	struct pcifn *fn;

	f->regs[i] = calloc(1, sizeof(struct tp_regs));
	if (f->regs[i] == NULL)
		return NULL;
	f->owner[i].reset_ret = 0;
	fn = pcifn_create(p, &tp_owner_ops, &f->owner[i]);
	if (fn == NULL)
		return NULL;
	f->owner[i].fn = fn;
	r.ctx = f->regs[i];
	if (pcifn_region_add(fn, &r) != 0)
		return NULL;
	r.offset = 0x2000;
	if (pcifn_region_add(fn, &r) != 0)
		return NULL;
	r.bar = 2;
	r.offset = 0;
	r.size = TP_MEM_SIZE;
	if (pcifn_region_add(fn, &r) != 0)
		return NULL;
	f->fn[i] = fn;
	return fn;
}

/* Test tlpdev + group + @p nb standard functions (numbers 0..nb-1). */
static inline int
tp_setup(struct tp_fix *f, const char *name, unsigned int nb)
{
	struct pcifn_params p = tp_params();
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->t = tlpemu_test_tlpdev_create(name, NULL);
	if (f->t == NULL)
		return -1;
	f->grp = pcifn_group_create(tlpemu_test_tlpdev_id(f->t));
	if (f->grp == NULL)
		return -1;
	for (i = 0; i < nb; i++) {
		if (tp_fn_create(f, i, &p) == NULL)
			return -1;
		if (pcifn_group_add(f->grp, f->fn[i], (uint8_t)i) != 0)
			return -1;
	}
	f->nb_fns = nb;
	tlpemu_test_tlpdev_set_service(f->t, tp_service, f->grp);
	tlpemu_test_tlpdev_service(f->t);	/* take the LINK_UP event */
	return 0;
}

static inline void
tp_teardown(struct tp_fix *f)
{
	unsigned int i;

	pcifn_group_free(f->grp);
	for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++) {
		pcifn_free(f->fn[i]);
		free(f->regs[i]);
	}
	tlpemu_test_tlpdev_destroy(f->t);
	memset(f, 0, sizeof(*f));
}

/* Assign the standard BARs of function @p i (offset by i MiB) and enable memory and BME. */
static inline int
tp_enable(struct tp_fix *f, unsigned int i)
{
	uint64_t shift = (uint64_t)i << 24;
	int ret = 0;

	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0, 0xf,
				     (uint32_t)(TP_BAR0 + shift));
	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 8, 0xf,
				     (uint32_t)(TP_BAR2 + (shift << 8)));
	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 12, 0xf,
				     (uint32_t)((TP_BAR2 + (shift << 8)) >> 32));
	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 16, 0xf,
				     (uint32_t)(TP_BAR4 + shift));
	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 20, 0xf, 0);
	ret |= tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_COMMAND, 0x3,
				     PCIFN_CMD_MEM | PCIFN_CMD_BME);
	return ret == 0 ? 0 : -1;
}

/* Offset of the first capability with ID @p id (bounded walk), 0 if none. */
static inline uint8_t
tp_cap_find(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint8_t id)
{
	uint32_t v;
	uint8_t off;
	unsigned int n;

	if (tlpemu_test_cfg_read(t, fn_num, PCIFN_CFG_CAP_PTR, 0x1, &v) != TLP_CPL_SC)
		return 0;
	off = (uint8_t)v;
	for (n = 0; n < 48 && off != 0; n++) {
		if (tlpemu_test_cfg_read(t, fn_num, off & 0xfc, 0xf, &v) != TLP_CPL_SC)
			return 0;
		if ((uint8_t)v == id)
			return off;
		off = (uint8_t)(v >> 8);
	}
	return 0;
}

/* Read @p size bytes (1, 2, 4) of config register @p reg via DW reads. */
static inline int
tp_cfg_get(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, unsigned int size,
	   uint32_t *val)
{
	uint32_t v;
	int ret;

	ret = tlpemu_test_cfg_read(t, fn_num, reg & ~3u, 0xf, &v);
	if (ret != TLP_CPL_SC)
		return ret;
	v >>= 8 * (reg & 3);
	*val = size == 4 ? v : v & ((1u << (8 * size)) - 1);
	return 0;
}

/* Write @p size bytes at @p reg with the matching byte enables. */
static inline int
tp_cfg_set(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint16_t reg, unsigned int size,
	   uint32_t val)
{
	uint8_t be = (uint8_t)(((1u << size) - 1) << (reg & 3));

	return tlpemu_test_cfg_write(t, fn_num, reg & ~3u, be, val << (8 * (reg & 3)));
}

#endif /* TEST_PCIFN_COMMON_H */
