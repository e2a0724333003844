/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * pcifn config space: a conformance table of every header and capability
 * register (reset value, write mask, RW1C), BAR sizing for every BAR kind,
 * capability walks after hostile writes, vendor and extended capabilities,
 * config routing and the multi-function bit, parameter checks.
 */

#include <errno.h>

#include <rte_errno.h>

#include "test_pcifn_common.h"
#include "tlpemu_test_eal.h"

/* Where a register lives: the header or a capability found by walking. */
enum { IN_HDR = 0, IN_PM = PCIFN_CAP_ID_PM, IN_EXP = PCIFN_CAP_ID_EXP,
	IN_MSIX = PCIFN_CAP_ID_MSIX };

struct reg_case {
	const char *name;
	uint8_t where;
	uint16_t off;		/* from the header or the capability start */
	uint8_t size;		/* 1, 2 or 4 */
	uint32_t reset;
	uint32_t wmask;		/* bits the host may write */
	uint32_t w1c;		/* bits cleared by writing 1 */
	uint32_t no_ones;	/* bits the all-ones write leaves out (side effects) */
};

/* The standard function of test_pcifn_common.h, alone in its group. */
static const struct reg_case reg_cases[] = {
	{ "vendor_id", IN_HDR, 0x00, 2, 0x1af4, 0, 0, 0 },
	{ "device_id", IN_HDR, 0x02, 2, 0x1041, 0, 0, 0 },
	{ "command", IN_HDR, 0x04, 2, 0, 0x0546, 0, 0 },
	{ "status", IN_HDR, 0x06, 2, 0x0010, 0, 0xf900, 0 },
	{ "revision", IN_HDR, 0x08, 1, 0x01, 0, 0, 0 },
	{ "prog_if", IN_HDR, 0x09, 1, 0x00, 0, 0, 0 },
	{ "subclass", IN_HDR, 0x0a, 1, 0x00, 0, 0, 0 },
	{ "base_class", IN_HDR, 0x0b, 1, 0x02, 0, 0, 0 },
	{ "cache_line_size", IN_HDR, 0x0c, 1, 0, 0xff, 0, 0 },
	{ "latency_timer", IN_HDR, 0x0d, 1, 0, 0, 0, 0 },
	{ "header_type", IN_HDR, 0x0e, 1, 0, 0, 0, 0 },
	{ "bist", IN_HDR, 0x0f, 1, 0, 0, 0, 0 },
	{ "cardbus_cis", IN_HDR, 0x28, 4, 0, 0, 0, 0 },
	{ "subsys_vendor_id", IN_HDR, 0x2c, 2, 0x1af4, 0, 0, 0 },
	{ "subsys_id", IN_HDR, 0x2e, 2, 0x0001, 0, 0, 0 },
	{ "expansion_rom", IN_HDR, 0x30, 4, 0, 0, 0, 0 },
	{ "cap_ptr", IN_HDR, 0x34, 1, 0x40, 0, 0, 0 },
	{ "reserved_35", IN_HDR, 0x35, 1, 0, 0, 0, 0 },
	{ "reserved_36", IN_HDR, 0x36, 2, 0, 0, 0, 0 },
	{ "reserved_38", IN_HDR, 0x38, 4, 0, 0, 0, 0 },
	{ "interrupt_line", IN_HDR, 0x3c, 1, 0, 0xff, 0, 0 },
	{ "interrupt_pin", IN_HDR, 0x3d, 1, 0x01, 0, 0, 0 },
	{ "min_gnt", IN_HDR, 0x3e, 1, 0, 0, 0, 0 },
	{ "max_lat", IN_HDR, 0x3f, 1, 0, 0, 0, 0 },
	{ "pm_id_next", IN_PM, 0x00, 2, 0x4801, 0, 0, 0 },
	{ "pm_pmc", IN_PM, 0x02, 2, 0x0003, 0, 0, 0 },
	{ "pm_pmcsr", IN_PM, 0x04, 2, 0x0008, 0x0003, 0, 0 },
	{ "pm_data", IN_PM, 0x06, 2, 0, 0, 0, 0 },
	{ "exp_id_next", IN_EXP, 0x00, 2, 0x8410, 0, 0, 0 },
	{ "exp_flags", IN_EXP, 0x02, 2, 0x0002, 0, 0, 0 },
	{ "exp_devcap", IN_EXP, 0x04, 4, 0x10008022, 0, 0, 0 },
	{ "exp_devctl", IN_EXP, 0x08, 2, 0x2810, 0x79ff, 0, 0x8000 },
	{ "exp_devsta", IN_EXP, 0x0a, 2, 0, 0, 0x000f, 0 },
	{ "exp_lnkcap", IN_EXP, 0x0c, 4, 0x00000013, 0, 0, 0 },
	{ "exp_lnkctl", IN_EXP, 0x10, 2, 0, 0x00cb, 0, 0 },
	{ "exp_lnksta", IN_EXP, 0x12, 2, 0x1013, 0, 0, 0 },
	{ "exp_sltcap", IN_EXP, 0x14, 4, 0, 0, 0, 0 },
	{ "exp_sltctl", IN_EXP, 0x18, 4, 0, 0, 0, 0 },
	{ "exp_rtctl", IN_EXP, 0x1c, 4, 0, 0, 0, 0 },
	{ "exp_rtsta", IN_EXP, 0x20, 4, 0, 0, 0, 0 },
	{ "exp_devcap2", IN_EXP, 0x24, 4, 0x0001001f, 0, 0, 0 },
	{ "exp_devctl2", IN_EXP, 0x28, 2, 0, 0x001f, 0, 0 },
	{ "exp_devsta2", IN_EXP, 0x2a, 2, 0, 0, 0, 0 },
	{ "exp_lnkcap2", IN_EXP, 0x2c, 4, 0x0000000e, 0, 0, 0 },
	{ "exp_lnkctl2", IN_EXP, 0x30, 2, 0x0003, 0x000f, 0, 0 },
	{ "exp_lnksta2", IN_EXP, 0x32, 2, 0, 0, 0, 0 },
	{ "exp_sltcap2", IN_EXP, 0x34, 4, 0, 0, 0, 0 },
	{ "exp_sltctl2", IN_EXP, 0x38, 4, 0, 0, 0, 0 },
	{ "msix_id_next", IN_MSIX, 0x00, 2, 0x0011, 0, 0, 0 },
	{ "msix_ctrl", IN_MSIX, 0x02, 2, 0x0007, 0xc000, 0, 0 },
	{ "msix_table", IN_MSIX, 0x04, 4, 0x00000004, 0, 0, 0 },
	{ "msix_pba", IN_MSIX, 0x08, 4, 0x00002004, 0, 0, 0 },
};

static uint32_t
size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static int
test_conformance_table(void)
{
	struct tp_fix f;
	const struct reg_case *c;
	uint32_t v, ones, want, mask;
	unsigned int i;
	uint16_t reg;
	uint8_t base;

	TEST_ASSERT(tp_setup(&f, "tc_table", 1) == 0, "setup");
	for (i = 0; i < RTE_DIM(reg_cases); i++) {
		c = &reg_cases[i];
		base = 0;
		if (c->where != IN_HDR) {
			base = tp_cap_find(f.t, 0, c->where);
			TEST_ASSERT(base != 0, "%s: capability 0x%x not found", c->name, c->where);
		}
		reg = (uint16_t)(base + c->off);
		mask = size_mask(c->size);
		TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, reg, c->size, &v), 0, "%s read", c->name);
		TEST_ASSERT_EQUAL(v, c->reset, "%s: reset value", c->name);
		/* All ones: writable bits set, RW1C bits cleared, RO bits unchanged. */
		ones = mask & ~c->no_ones;
		TEST_ASSERT_EQUAL(tp_cfg_set(f.t, 0, reg, c->size, ones), TLP_CPL_SC,
				  "%s write ones", c->name);
		TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, reg, c->size, &v), 0, "%s read", c->name);
		want = (c->reset & ~c->wmask & ~c->w1c) | (ones & c->wmask);
		TEST_ASSERT_EQUAL(v, want, "%s: after writing ones", c->name);
		/* All zeros: writable bits clear, others unchanged. */
		TEST_ASSERT_EQUAL(tp_cfg_set(f.t, 0, reg, c->size, 0), TLP_CPL_SC,
				  "%s write zeros", c->name);
		TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, reg, c->size, &v), 0, "%s read", c->name);
		TEST_ASSERT_EQUAL(v, c->reset & ~c->wmask & ~c->w1c, "%s: after zeros", c->name);
		/* Back to the reset value. */
		tp_cfg_set(f.t, 0, reg, c->size, c->reset & c->wmask);
		TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, reg, c->size, &v), 0, "%s read", c->name);
		TEST_ASSERT_EQUAL(v, c->reset & ~c->w1c, "%s: restored", c->name);
	}
	/* Nothing in the extended space: an empty terminating header, read-only. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, 0x100, 0xf, &v), TLP_CPL_SC, "ext read");
	TEST_ASSERT_EQUAL(v, 0, "extended header");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(f.t, 0, 0x100, 0xf, 0xffffffff), TLP_CPL_SC,
			  "ext write");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, 0x100, 0xf, &v), TLP_CPL_SC, "ext read");
	TEST_ASSERT_EQUAL(v, 0, "extended header after a write");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, 0xffc, 0xf, &v), TLP_CPL_SC, "last DW");
	TEST_ASSERT_EQUAL(v, 0, "last DW");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Status and Device Status error bits: set by the function, cleared by writing 1. */
static int
test_rw1c(void)
{
	struct tlp_hdr h = { .kind = TLP_KIND_CFGRD0, .len_dw = 1, .first_be = 0xf, .ep = 1 };
	struct tp_fix f;
	uint32_t v;
	uint8_t exp;

	TEST_ASSERT(tp_setup(&f, "tc_rw1c", 1) == 0, "setup");
	exp = tp_cap_find(f.t, 0, PCIFN_CAP_ID_EXP);
	/* A poisoned request: Detected Parity Error; its UR: UR Detected. */
	h.cfg_id = tlp_rid(1, 0, 0);
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	tlpemu_test_tlpdev_up_clear(f.t);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(v & PCIFN_STS_DPE, "Detected Parity Error not set: 0x%x", v);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, exp + 0x0a, 2, &v), 0, "devsta");
	TEST_ASSERT(v & PCIFN_EXP_DEVSTA_URD, "UR Detected not set: 0x%x", v);
	/* Writing 0 keeps them, writing 1 clears them, other bits untouched. */
	tp_cfg_set(f.t, 0, PCIFN_CFG_STATUS, 2, 0);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(v & PCIFN_STS_DPE, "cleared by writing 0");
	tp_cfg_set(f.t, 0, PCIFN_CFG_STATUS, 2, PCIFN_STS_DPE);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT_EQUAL(v, PCIFN_STS_CAP_LIST, "after clearing");
	tp_cfg_set(f.t, 0, exp + 0x0a, 2, PCIFN_EXP_DEVSTA_URD);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, exp + 0x0a, 2, &v), 0, "devsta");
	TEST_ASSERT_EQUAL(v, 0, "devsta after clearing");
	/* A Completer Abort sets Signaled Target Abort. */
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	f.regs[0]->fail = 1;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, NULL), TLP_CPL_CA, "CA");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(v & PCIFN_STS_STA, "Signaled Target Abort not set: 0x%x", v);
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Sizing: all-ones reads back the size mask with the type bits. */
static int
test_bar_sizing(void)
{
	static const struct {
		uint64_t size;
		uint32_t flags;
	} kinds[] = {
		{ 4096, 0 }, { 1u << 20, PCIFN_BAR_PREFETCH }, { 1u << 31, 0 },
		{ 8192, PCIFN_BAR_64 }, { 1ull << 32, PCIFN_BAR_64 | PCIFN_BAR_PREFETCH },
		{ 1ull << 40, PCIFN_BAR_64 },
	};
	struct pcifn_params p = tp_params();
	struct tlpemu_test_tlpdev *t;
	struct pcifn_group *grp;
	struct pcifn *fn;
	uint32_t lo, hi, type;
	uint64_t mask;
	unsigned int k, b;

	t = tlpemu_test_tlpdev_create("tc_sizing", NULL);
	TEST_ASSERT(t != NULL, "tlpdev");
	grp = pcifn_group_create(tlpemu_test_tlpdev_id(t));
	tlpemu_test_tlpdev_set_service(t, tp_service, grp);
	for (k = 0; k < RTE_DIM(kinds); k++) {
		memset(p.bars, 0, sizeof(p.bars));
		p.msix_vectors = 0;
		/* The BAR under test at slot 1, BARs 0 (and 3..5) unimplemented. */
		p.bars[1].size = kinds[k].size;
		p.bars[1].flags = kinds[k].flags;
		fn = pcifn_create(&p, NULL, NULL);
		TEST_ASSERT(fn != NULL, "create kind %u", k);
		TEST_ASSERT_EQUAL(pcifn_group_add(grp, fn, 0), 0, "add");
		for (b = 0; b < PCIFN_NB_BARS; b++)
			tlpemu_test_cfg_write(t, 0, PCIFN_CFG_BAR0 + 4 * b, 0xf, 0xffffffff);
		type = (kinds[k].flags & PCIFN_BAR_PREFETCH ? 0x8 : 0) |
			(kinds[k].flags & PCIFN_BAR_64 ? 0x4 : 0);
		mask = ~(kinds[k].size - 1);
		tlpemu_test_cfg_read(t, 0, PCIFN_CFG_BAR0 + 4, 0xf, &lo);
		TEST_ASSERT_EQUAL(lo, ((uint32_t)mask & ~0xfu) | type, "kind %u low", k);
		tlpemu_test_cfg_read(t, 0, PCIFN_CFG_BAR0 + 8, 0xf, &hi);
		TEST_ASSERT_EQUAL(hi, kinds[k].flags & PCIFN_BAR_64 ? (uint32_t)(mask >> 32) : 0,
				  "kind %u high / next BAR", k);
		/* Unimplemented BARs read 0 whatever is written. */
		for (b = 0; b < PCIFN_NB_BARS; b++) {
			uint32_t v;

			if (b == 1 || (b == 2 && (kinds[k].flags & PCIFN_BAR_64)))
				continue;
			tlpemu_test_cfg_read(t, 0, PCIFN_CFG_BAR0 + 4 * b, 0xf, &v);
			TEST_ASSERT_EQUAL(v, 0, "kind %u: BAR %u", k, b);
		}
		/* An address: type bits stay, low bits below the size drop. */
		tlpemu_test_cfg_write(t, 0, PCIFN_CFG_BAR0 + 4, 0xf, 0x12345fff);
		tlpemu_test_cfg_read(t, 0, PCIFN_CFG_BAR0 + 4, 0xf, &lo);
		TEST_ASSERT_EQUAL(lo, (0x12345fffu & (uint32_t)mask & ~0xfu) | type, "kind %u", k);
		TEST_ASSERT_EQUAL(pcifn_bar_addr(fn, 1) & 0xffffffffu,
				  0x12345fffu & (uint32_t)mask & ~0xfu, "pcifn_bar_addr");
		pcifn_group_remove(grp, fn);
		pcifn_free(fn);
	}
	/* Byte-wise sizing (byte enables) works the same. */
	memset(p.bars, 0, sizeof(p.bars));
	p.bars[0].size = 65536;
	fn = pcifn_create(&p, NULL, NULL);
	pcifn_group_add(grp, fn, 0);
	for (b = 0; b < 4; b++)
		tlpemu_test_cfg_write(t, 0, PCIFN_CFG_BAR0, (uint8_t)(1u << b), 0xffffffff);
	tlpemu_test_cfg_read(t, 0, PCIFN_CFG_BAR0, 0xf, &lo);
	TEST_ASSERT_EQUAL(lo, 0xffff0000u, "byte-wise sizing");
	pcifn_group_remove(grp, fn);
	pcifn_free(fn);
	pcifn_group_free(grp);
	tlpemu_test_tlpdev_destroy(t);
	return TEST_SUCCESS;
}

/* Walk the chain through config reads; returns the IDs count or a negative error. */
static int
walk_chain(struct tlpemu_test_tlpdev *t, uint8_t fn_num, uint8_t *ids, uint8_t *offs)
{
	uint32_t v;
	uint8_t off;
	int n = 0;

	if (tlpemu_test_cfg_read(t, fn_num, PCIFN_CFG_CAP_PTR, 0xf, &v) != TLP_CPL_SC)
		return -EIO;
	off = (uint8_t)v;
	while (off != 0) {
		if (n >= 48)
			return -ELOOP;
		if (off < 0x40 || (off & 3) != 0)
			return -ERANGE;
		if (tlpemu_test_cfg_read(t, fn_num, off, 0xf, &v) != TLP_CPL_SC)
			return -EIO;
		ids[n] = (uint8_t)v;
		offs[n++] = off;
		off = (uint8_t)(v >> 8);
	}
	return n;
}

static int
test_hostile_writes(void)
{
	static const uint32_t vals[] = { 0xffffffff, 0, 0xa5a55a5a, 0x40404040 };
	static const uint8_t bes[] = { 0xf, 0x1, 0x2, 0x4, 0x8, 0x6, 0x9, 0x0 };
	uint8_t ids0[48], offs0[48], ids[48], offs[48];
	uint32_t hdr0[16], v;
	struct tp_fix f;
	unsigned int reg, k, b, rounds = 0;
	int n0, n, ret;

	TEST_ASSERT(tp_setup(&f, "tc_hostile", 1) == 0, "setup");
	n0 = walk_chain(f.t, 0, ids0, offs0);
	TEST_ASSERT_EQUAL(n0, 3, "PM, PCIe, MSI-X");
	TEST_ASSERT(ids0[0] == PCIFN_CAP_ID_PM && ids0[1] == PCIFN_CAP_ID_EXP &&
		    ids0[2] == PCIFN_CAP_ID_MSIX, "chain order");
	for (reg = 0; reg < 64; reg += 4)
		tlpemu_test_cfg_read(f.t, 0, (uint16_t)reg, 0xf, &hdr0[reg / 4]);
	for (k = 0; k < RTE_DIM(vals); k++) {
		for (b = 0; b < RTE_DIM(bes); b++) {
			for (reg = 0; reg < 4096; reg += 4) {
				ret = tlpemu_test_cfg_write(f.t, 0, (uint16_t)reg, bes[b],
							    vals[k] ^ reg);
				/* SC, or CRS right after an FLR the write itself started. */
				TEST_ASSERT(ret == TLP_CPL_SC || ret == TLP_CPL_CRS,
					    "write 0x%x: %d", reg, ret);
			}
			n = walk_chain(f.t, 0, ids, offs);
			TEST_ASSERT_EQUAL(n, n0, "chain length after round %u", rounds);
			TEST_ASSERT_MEM_EQ(ids, ids0, (size_t)n0, "IDs after round %u", rounds);
			TEST_ASSERT_MEM_EQ(offs, offs0, (size_t)n0, "offsets, round %u", rounds);
			rounds++;
		}
	}
	/* Identity registers never moved. */
	tlpemu_test_cfg_read(f.t, 0, 0, 0xf, &v);
	TEST_ASSERT_EQUAL(v, hdr0[0], "IDs");
	tlpemu_test_cfg_read(f.t, 0, 8, 0xf, &v);
	TEST_ASSERT_EQUAL(v, hdr0[2], "class/revision");
	tlpemu_test_cfg_read(f.t, 0, 0x2c, 0xf, &v);
	TEST_ASSERT_EQUAL(v, hdr0[11], "subsystem");
	tlpemu_test_cfg_read(f.t, 0, 0x100, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0, "extended header");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static int
test_vendor_ext_caps(void)
{
	uint8_t body[14] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	uint8_t wmask[14] = { 0 };
	uint8_t ext_body[8] = { 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0 };
	uint8_t ext_w[8] = { 0, 0, 0, 0, 0xff, 0xff, 0, 0 };
	uint8_t ids[48], offs[48];
	struct tlpemu_test_tlpdev *t;
	struct pcifn_group *grp;
	struct pcifn_params p = tp_params();
	struct pcifn *fn;
	int off1, off2, ext1, ext2, n, i;
	uint32_t v;

	t = tlpemu_test_tlpdev_create("tc_vcaps", NULL);
	grp = pcifn_group_create(tlpemu_test_tlpdev_id(t));
	tlpemu_test_tlpdev_set_service(t, tp_service, grp);
	fn = pcifn_create(&p, NULL, NULL);
	TEST_ASSERT(fn != NULL, "create");
	wmask[5] = 0xf0;	/* body byte 5 (config offset +7): high nibble writable */
	off1 = pcifn_cap_add_vendor(fn, body, wmask, sizeof(body));
	TEST_ASSERT(off1 >= 0x40 && (off1 & 3) == 0, "vendor cap at %d", off1);
	off2 = pcifn_cap_add_vendor(fn, body, NULL, 2);
	TEST_ASSERT(off2 > off1 && (off2 & 3) == 0, "second vendor cap at %d", off2);
	TEST_ASSERT_EQUAL(pcifn_cap_add_vendor(fn, body, NULL, 0), -EINVAL, "len 0");
	TEST_ASSERT_EQUAL(pcifn_cap_add_vendor(fn, body, NULL, 253), -EINVAL, "len 253");
	/* Fill the space below 0x100: eventually -ENOSPC, never an overflow. */
	for (i = 0; i < 64; i++)
		if (pcifn_cap_add_vendor(fn, body, NULL, 14) < 0)
			break;
	TEST_ASSERT(i < 64, "no limit");
	TEST_ASSERT(pcifn_cap_add_vendor(fn, body, NULL, 14) == -ENOSPC, "ENOSPC");
	ext1 = pcifn_ext_cap_add(fn, 0x0003, 1, ext_body, ext_w, NULL, sizeof(ext_body));
	TEST_ASSERT_EQUAL(ext1, 0x100, "first extended cap");
	ext2 = pcifn_ext_cap_add(fn, 0x000b, 1, ext_body, NULL, NULL, 4);
	TEST_ASSERT_EQUAL(ext2, 0x10c, "second extended cap");
	TEST_ASSERT_EQUAL(pcifn_ext_cap_add(fn, 0x0b, 1, ext_body, NULL, NULL, 3), -EINVAL,
			  "unaligned length");
	TEST_ASSERT_EQUAL(pcifn_group_add(grp, fn, 0), 0, "add");
	TEST_ASSERT_EQUAL(pcifn_cap_add_vendor(fn, body, NULL, 2), -EBUSY, "in a group");

	n = walk_chain(t, 0, ids, offs);
	TEST_ASSERT(n >= 5 && n <= 48, "chain of %d", n);
	TEST_ASSERT_EQUAL(offs[3], off1, "first vendor cap in the chain");
	TEST_ASSERT_EQUAL(ids[3], PCIFN_CAP_ID_VNDR, "vendor ID");
	tlpemu_test_cfg_read(t, 0, (uint16_t)off1, 0xf, &v);
	TEST_ASSERT_EQUAL(v >> 16 & 0xff, 16, "length byte");
	TEST_ASSERT_EQUAL(v >> 24, 1, "body byte 1");
	tlpemu_test_cfg_write(t, 0, (uint16_t)(off1 + 4), 0xf, 0xffffffff);
	tlpemu_test_cfg_read(t, 0, (uint16_t)(off1 + 4), 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0xf5040302u, "only the write mask bits changed: 0x%x", v);
	/* Extended chain: header, next pointer, write mask. */
	tlpemu_test_cfg_read(t, 0, 0x100, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x10c10003u, "ext header 1");
	tlpemu_test_cfg_read(t, 0, 0x10c, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x0001000bu, "ext header 2 (last)");
	tlpemu_test_cfg_write(t, 0, 0x100, 0xf, 0);
	tlpemu_test_cfg_read(t, 0, 0x100, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x10c10003u, "ext header read-only");
	tlpemu_test_cfg_write(t, 0, 0x108, 0xf, 0xabcdef12);
	tlpemu_test_cfg_read(t, 0, 0x108, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0xef12u, "ext body write mask");
	pcifn_group_free(grp);
	pcifn_free(fn);
	tlpemu_test_tlpdev_destroy(t);
	return TEST_SUCCESS;
}

/* Owner hooks on config DWs, owner config writes, and BAR windows. */
struct hook_log {
	unsigned int reads, writes;
	uint16_t reg;
	uint8_t be;
	uint8_t data[4];
};

static void
hook_read(struct pcifn *fn __rte_unused, uint16_t reg, uint32_t *val, void *ctx)
{
	struct hook_log *l = ctx;

	l->reads++;
	l->reg = reg;
	*val ^= 0xa5a5a5a5u;
}

static void
hook_write(struct pcifn *fn __rte_unused, uint16_t reg, uint8_t be, const uint8_t *data,
	   void *ctx)
{
	struct hook_log *l = ctx;

	l->writes++;
	l->reg = reg;
	l->be = be;
	memcpy(l->data, data, 4);
}

static const struct pcifn_cfg_hook_ops hook_ops = {
	.read = hook_read,
	.write = hook_write,
};

static int
test_cfg_hooks(void)
{
	uint8_t body[10] = { 0 }, wmask[10] = { 0 };
	struct hook_log log = { 0 };
	struct tlpemu_test_tlpdev *t;
	struct pcifn_group *grp;
	struct pcifn_params p = tp_params();
	struct tp_regs *regs = calloc(1, sizeof(*regs));
	struct pcifn_region r = {
		.bar = 0, .offset = 0, .size = 0x1000, .min_access = 1, .max_access = 8,
		.ops = &tp_regs_ops, .ctx = regs,
	};
	uint32_t v, w = 0x11223344;
	uint16_t hreg;
	struct pcifn *fn;
	int off;

	TEST_ASSERT(regs != NULL, "calloc");
	t = tlpemu_test_tlpdev_create("tc_hooks", NULL);
	grp = pcifn_group_create(tlpemu_test_tlpdev_id(t));
	tlpemu_test_tlpdev_set_service(t, tp_service, grp);
	fn = pcifn_create(&p, NULL, NULL);
	TEST_ASSERT(fn != NULL, "create");
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), 0, "region");
	memset(&wmask[6], 0xff, 4);	/* config offset +8..+11 writable */
	off = pcifn_cap_add_vendor(fn, body, wmask, sizeof(body));
	TEST_ASSERT(off > 0, "vendor cap");
	hreg = (uint16_t)(off + 8);
	TEST_ASSERT_EQUAL(pcifn_cfg_hook_add(fn, 0x3c, 4, &hook_ops, &log), -EINVAL,
			  "hook in the header");
	TEST_ASSERT_EQUAL(pcifn_cfg_hook_add(fn, hreg, 0, &hook_ops, &log), -EINVAL, "empty");
	TEST_ASSERT_EQUAL(pcifn_cfg_hook_add(fn, 0xffe, 4, &hook_ops, &log), -EINVAL,
			  "beyond 4 KiB");
	TEST_ASSERT_EQUAL(pcifn_cfg_hook_add(fn, hreg, 4, &hook_ops, &log), 0, "hook");
	TEST_ASSERT_EQUAL(pcifn_cfg_hook_add(fn, (uint16_t)(hreg + 2), 1, &hook_ops, &log),
			  -EEXIST, "overlap");
	TEST_ASSERT_EQUAL(pcifn_config_write(fn, (uint16_t)(off + 4), &w, 4), 0, "owner write");
	TEST_ASSERT_EQUAL(pcifn_config_write(fn, 0x10, &w, 4), -EINVAL, "owner write to header");
	TEST_ASSERT_EQUAL(pcifn_group_add(grp, fn, 0), 0, "add");

	/* Owner write bypasses the masks; a host write to the same DW does not. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(t, 0, (uint16_t)(off + 4), 0xf, &v), TLP_CPL_SC,
			  "read");
	TEST_ASSERT_EQUAL(v, 0x11223344u, "owner wrote a read-only field");
	tlpemu_test_cfg_write(t, 0, (uint16_t)(off + 4), 0xf, 0);
	tlpemu_test_cfg_read(t, 0, (uint16_t)(off + 4), 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x11223344u, "host cannot write it");
	TEST_ASSERT_EQUAL(log.reads + log.writes, 0, "unhooked DW: no hook call");

	/* The hooked DW: writes land under the masks, then the hook sees them. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(t, 0, hreg, 0x6, 0xdeadbeef), TLP_CPL_SC,
			  "hooked write");
	TEST_ASSERT_EQUAL(log.writes, 1, "write hook called once");
	TEST_ASSERT_EQUAL(log.reg, hreg, "write hook register");
	TEST_ASSERT_EQUAL(log.be, 0x6, "byte enables passed");
	TEST_ASSERT_EQUAL(log.data[1], 0xbe, "data passed");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(t, 0, hreg, 0xf, &v), TLP_CPL_SC, "hooked read");
	TEST_ASSERT_EQUAL(log.reads, 1, "read hook called once");
	TEST_ASSERT_EQUAL(v, 0x00adbe00u ^ 0xa5a5a5a5u, "read hook value over the image: 0x%x",
			  v);

	/* BAR windows: through the region handlers, holes read as zeros. */
	w = 0xcafef00d;
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 0x10, &w, 4, true), 0, "window write");
	TEST_ASSERT_EQUAL(memcmp(&regs->mem[0x10], &w, 4), 0, "reached the region");
	v = 0;
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 0x11, &v, 2, false), 0, "window read");
	TEST_ASSERT_EQUAL(v, (w >> 8) & 0xffff, "2 bytes at +1: 0x%x", v);
	v = 0xffffffff;
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 0x1800, &v, 4, false), 0, "hole read");
	TEST_ASSERT_EQUAL(v, 0, "hole reads zero");
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 0x13, &v, 2, false), -EINVAL, "crosses a DW");
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 0x10, &v, 3, false), -EINVAL, "3 bytes");
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 1, 0, &v, 4, false), -EINVAL, "no BAR 1");
	TEST_ASSERT_EQUAL(pcifn_bar_access(fn, 0, 16384, &v, 4, false), -EINVAL,
			  "beyond the BAR");
	pcifn_group_free(grp);
	pcifn_free(fn);
	tlpemu_test_tlpdev_destroy(t);
	free(regs);
	return TEST_SUCCESS;
}

/* Routing of config requests, routing ID capture, the multi-function bit. */
static int
test_cfg_routing(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tc_route", 2) == 0, "setup");
	tlpemu_test_cfg_read(f.t, 0, PCIFN_CFG_HEADER_TYPE & ~3u, 0xf, &v);
	TEST_ASSERT_EQUAL((v >> 16) & 0xff, PCIFN_HDR_TYPE_MF, "fn 0 multi-function");
	tlpemu_test_cfg_read(f.t, 1, PCIFN_CFG_HEADER_TYPE & ~3u, 0xf, &v);
	TEST_ASSERT_EQUAL((v >> 16) & 0xff, PCIFN_HDR_TYPE_MF, "fn 1 multi-function");
	/* Absent function, other device number, Type 1: UR. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 2, 0, 0xf, &v), TLP_CPL_UR, "fn 2");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_rw(f.t, tlp_rid(1, 1, 0), false, false, 0, 0xf, &v),
			  TLP_CPL_UR, "device 1");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_rw(f.t, tlp_rid(1, 0, 0), true, false, 0, 0xf, &v),
			  TLP_CPL_UR, "Type 1 read");
	v = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_rw(f.t, tlp_rid(1, 0, 0), true, true, 0x3c, 0xf, &v),
			  TLP_CPL_UR, "Type 1 write");
	/* Routing ID capture: completer ID carries the bus of the last write. */
	tlpemu_test_tlpdev_set_host(f.t, 0x0000, 7);
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(f.t, 1, 0x3c, 0x1, 0x55), TLP_CPL_SC, "write");
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[1]), tlp_rid(7, 0, 1), "captured RID");
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[0]), tlp_rid(0, 0, 0), "fn 0 not captured yet");
	tlpemu_test_cfg_read(f.t, 1, 0x3c, 0xf, &v);
	TEST_ASSERT_EQUAL(v & 0xff, 0x55, "fn 1 interrupt line");
	tlpemu_test_cfg_read(f.t, 0, 0x3c, 0xf, &v);
	TEST_ASSERT_EQUAL(v & 0xff, 0, "fn 0 untouched");
	/* Zero byte enables: completes, changes nothing. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(f.t, 1, 0x3c, 0x0, 0x66), TLP_CPL_SC, "BE 0");
	tlpemu_test_cfg_read(f.t, 1, 0x3c, 0xf, &v);
	TEST_ASSERT_EQUAL(v & 0xff, 0x55, "BE 0 wrote");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.cpl_ur, 4, "URs counted in function 0");
	/* Removing function 1 clears the multi-function bit. */
	pcifn_group_remove(f.grp, f.fn[1]);
	tlpemu_test_cfg_read(f.t, 0, PCIFN_CFG_HEADER_TYPE & ~3u, 0xf, &v);
	TEST_ASSERT_EQUAL((v >> 16) & 0xff, 0, "single function again");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 1, 0, 0xf, &v), TLP_CPL_UR, "removed fn");
	/* Without function 0 nothing answers. */
	pcifn_group_remove(f.grp, f.fn[0]);
	pcifn_group_add(f.grp, f.fn[1], 1);
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 1, 0, 0xf, &v), TLP_CPL_UR, "no fn 0");
	TEST_ASSERT_EQUAL(pcifn_group_add(f.grp, f.fn[0], 1), -EEXIST, "number taken");
	TEST_ASSERT_EQUAL(pcifn_group_add(f.grp, f.fn[1], 2), -EBUSY, "already in a group");
	TEST_ASSERT_EQUAL(pcifn_group_add(f.grp, f.fn[0], 8), -EINVAL, "number 8");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static int
test_params(void)
{
	struct pcifn_params p;
	struct pcifn_region r = { .bar = 0, .size = 16, .min_access = 4, .max_access = 4,
				  .ops = &tp_regs_ops };
	struct pcifn *fn;

#define BAD(what) do { \
	fn = pcifn_create(&p, NULL, NULL); \
	TEST_ASSERT(fn == NULL && rte_errno == EINVAL, "accepted: %s", what); \
	p = tp_params(); \
} while (0)
	p = tp_params();
	p.bars[0].flags = 1u << 7;
	BAD("an I/O BAR");
	p.bars[0].size = 12288;
	BAD("a size not a power of two");
	p.bars[0].size = 2048;
	BAD("a BAR below 4 KiB");
	p.bars[0].size = 1ull << 32;
	BAD("a 32-bit BAR of 4 GiB");
	p.bars[5].size = 4096;
	p.bars[5].flags = PCIFN_BAR_64;
	BAD("a 64-bit BAR in slot 5");
	p.bars[3].size = 4096;
	BAD("a 64-bit BAR whose upper slot is used");
	p.msix_table_offset = 0x3ff8;
	BAD("an MSI-X table beyond its BAR");
	p.msix_pba_offset = 0x40;
	BAD("an MSI-X PBA overlapping the table");
	p.msix_bar = 5;
	BAD("MSI-X in the upper half of a 64-bit BAR");
	p.msix_vectors = PCIFN_MSIX_MAX_VECTORS + 1;
	BAD("too many vectors");
	p.intx_pin = 5;
	BAD("interrupt pin 5");
	p.max_payload_supported = 300;
	BAD("MPS 300");
	p.vendor_id = 0xffff;
	BAD("vendor 0xffff");
#undef BAD
	fn = pcifn_create(&p, NULL, NULL);
	TEST_ASSERT(fn != NULL, "good parameters refused");
	r.ctx = NULL;
	r.bar = 1;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "unimplemented BAR");
	r.bar = 3;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "upper half of a 64-bit BAR");
	r.bar = 0;
	r.offset = 16384 - 8;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "beyond the BAR");
	r.offset = UINT64_MAX - 4;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "offset overflow");
	r.offset = 0;
	r.min_access = 3;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "access size 3");
	r.min_access = 8;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EINVAL, "min above max");
	r.min_access = 4;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), 0, "good region");
	r.offset = 8;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EEXIST, "overlap");
	r.bar = 4;
	r.offset = 0x10;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EEXIST, "overlap with the MSI-X table");
	r.offset = 0x2000;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), -EEXIST, "overlap with the PBA");
	pcifn_free(fn);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_conformance_table),
	TEST_CASE(test_rw1c),
	TEST_CASE(test_bar_sizing),
	TEST_CASE(test_hostile_writes),
	TEST_CASE(test_vendor_ext_caps),
	TEST_CASE(test_cfg_hooks),
	TEST_CASE(test_cfg_routing),
	TEST_CASE(test_params),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int ret;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	ret = tlpemu_test_run("pcifn_cfg", cases, argc, argv);
	rte_eal_cleanup();
	return ret;
}
