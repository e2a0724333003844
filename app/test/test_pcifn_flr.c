/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * pcifn resets: Function Level Reset (synchronous and asynchronous owner),
 * answers to requests during a reset, no MSI, INTx or DMA after it starts,
 * what the reset restores and what it keeps (sticky bits, routing ID), its
 * duration, hot reset and link down.
 */

#include <errno.h>

#include <rte_cycles.h>

#include "test_pcifn_common.h"
#include "tlpemu_test_eal.h"

#define EXP 0x48		/* PCI Express capability of the standard function */
#define DEVCTL (EXP + 8)
#define MSIX_CTRL 0x86

static struct tlpemu_test_rsp rsp;

/* Put the function in a busy state: BARs, BME, MSI-X on, a vector unmasked. */
static int
busy_state(struct tp_fix *f, unsigned int i)
{
	if (tp_enable(f, i) != 0)
		return -1;
	tp_cfg_set(f->t, (uint8_t)i, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE);
	tp_cfg_set(f->t, (uint8_t)i, DEVCTL, 2, 0x2810 | 1u << 5);	/* MPS 256 */
	tp_cfg_set(f->t, (uint8_t)i, PCIFN_CFG_CACHE_LINE, 1, 0x10);
	tp_cfg_set(f->t, (uint8_t)i, PCIFN_CFG_INTR_LINE, 1, 0x0b);
	tlpemu_test_mem_write_val(f->t, TP_BAR4 + (i << 24), 8, 0xfee00000);
	tlpemu_test_mem_write_val(f->t, TP_BAR4 + (i << 24) + 8, 8, 0x21);
	tlpemu_test_tlpdev_up_clear(f->t);
	return 0;
}

/* Whether the function is back to its reset state as the host sees it. */
static int
check_reset_state(struct tp_fix *f, unsigned int i)
{
	uint32_t v;
	uint64_t q;

	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, PCIFN_CFG_COMMAND, 2, &v), 0, "command");
	TEST_ASSERT_EQUAL(v, 0, "command after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, PCIFN_CFG_BAR0, 4, &v), 0, "BAR0");
	TEST_ASSERT_EQUAL(v, 0, "BAR0 after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 8, 4, &v), 0, "BAR2");
	TEST_ASSERT_EQUAL(v, PCIFN_BAR_MEM_64 | PCIFN_BAR_MEM_PREFETCH, "BAR2 after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, PCIFN_CFG_CACHE_LINE, 1, &v), 0, "CLS");
	TEST_ASSERT_EQUAL(v, 0, "cache line size after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, PCIFN_CFG_INTR_LINE, 1, &v), 0, "line");
	TEST_ASSERT_EQUAL(v, 0, "interrupt line after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, DEVCTL, 2, &v), 0, "devctl");
	TEST_ASSERT_EQUAL(v, 0x2810, "Device Control after reset");
	TEST_ASSERT_EQUAL(tp_cfg_get(f->t, (uint8_t)i, MSIX_CTRL, 2, &v), 0, "MSI-X ctrl");
	TEST_ASSERT_EQUAL(v, 7, "MSI-X control after reset");
	TEST_ASSERT(!pcifn_dma_allowed(f->fn[i]), "bus master after reset");
	TEST_ASSERT(!pcifn_msix_enabled(f->fn[i]), "MSI-X after reset");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(f->fn[i], 0), 0, "BAR0 decoded after reset");
	/* The MSI-X table is back to masked: assign BAR4 again and look. */
	tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 16, 0xf, (uint32_t)TP_BAR4);
	tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_COMMAND, 0x3, PCIFN_CMD_MEM);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f->t, TP_BAR4, 8, &q), TLP_CPL_SC, "table");
	TEST_ASSERT_EQUAL(q, 0, "vector 0 address after reset");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f->t, TP_BAR4 + 8, 8, &q), TLP_CPL_SC, "ctl");
	TEST_ASSERT_EQUAL(q, 1ull << 32, "vector 0 masked after reset");
	tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_COMMAND, 0x3, 0);
	tlpemu_test_cfg_write(f->t, (uint8_t)i, PCIFN_CFG_BAR0 + 16, 0xf, 0);
	return TEST_SUCCESS;
}

static int
test_flr_sync(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint16_t rid;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tf_sync", 1) == 0, "setup");
	TEST_ASSERT(busy_state(&f, 0) == 0, "busy");
	rid = pcifn_rid(f.fn[0]);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, EXP + 4, 4, &v), 0, "devcap");
	TEST_ASSERT(v & PCIFN_EXP_DEVCAP_FLR, "FLR capable");
	pcifn_intx_set(f.fn[0], true);
	tlpemu_test_tlpdev_up_clear(f.t);
	f.owner[0].bme_calls = 0;
	/* Initiate FLR: the write completes, then the function resets. */
	TEST_ASSERT_EQUAL(tp_cfg_set(f.t, 0, DEVCTL, 2, 0x2810 | PCIFN_EXP_DEVCTL_FLR),
			  TLP_CPL_SC, "FLR write");
	TEST_ASSERT_EQUAL(f.owner[0].resets, 1, "owner reset");
	TEST_ASSERT_EQUAL(f.owner[0].last_kind, PCIFN_RESET_FLR, "reset kind");
	TEST_ASSERT_EQUAL(f.owner[0].notify_in_reset, -EPERM, "MSI-X allowed in the reset");
	TEST_ASSERT_EQUAL(f.owner[0].bme_calls, 1, "bme_change");
	TEST_ASSERT_EQUAL(f.owner[0].bme, false, "bme_change(false)");
	/* Deassert_INTA went out for the asserted wire; nothing else. */
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 1, "upstream TLPs");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_peek(f.t, 0)->hdr.msg_code, TLP_MSG_DEASSERT_INTA,
			  "Deassert_INTA");
	TEST_ASSERT(check_reset_state(&f, 0) == TEST_SUCCESS, "reset state");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(!(v & PCIFN_STS_INTX), "interrupt status after FLR");
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[0]), rid, "routing ID kept across FLR");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.flr, 1, "FLR counted");
	TEST_ASSERT(st.reset_ns_last < 100000000ull, "FLR took %" PRIu64 " ns",
		    st.reset_ns_last);
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* An owner that finishes later: CRS, UR, discards meanwhile; no MSI/INTx/DMA. */
static int
test_flr_async(void)
{
	struct tlp_hdr h[4];
	uint8_t data[4] = { 0 };
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t dma0, q;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tf_async", 1) == 0, "setup");
	TEST_ASSERT(busy_state(&f, 0) == 0, "busy");
	f.owner[0].reset_ret = -EINPROGRESS;
	memset(f.regs[0]->mem, 0x5c, 64);
	dma0 = tlpemu_test_tlpdev_dma_count(f.t);
	/* One burst: FLR write, config read, memory read, memory write. */
	memset(h, 0, sizeof(h));
	h[0].kind = TLP_KIND_CFGWR0;
	h[0].len_dw = 1;
	h[0].first_be = 0x2;
	h[0].cfg_id = tlp_rid(1, 0, 0);
	h[0].cfg_reg = DEVCTL;
	h[0].tag = 1;
	data[1] = 0x80 | 0x28;
	tlpemu_test_tlpdev_inject(f.t, 0, &h[0], data);
	h[1] = h[0];
	h[1].kind = TLP_KIND_CFGRD0;
	h[1].first_be = 0xf;
	h[1].cfg_reg = 0;
	h[1].tag = 2;
	tlpemu_test_tlpdev_inject(f.t, 0, &h[1], NULL);
	tlpemu_test_mem_hdr(&h[2], false, TP_BAR0, 4, 0, 3);
	tlpemu_test_tlpdev_inject(f.t, 0, &h[2], NULL);
	tlpemu_test_mem_hdr(&h[3], true, TP_BAR0, 4, 0, 0);
	data[0] = 0x99;
	tlpemu_test_tlpdev_inject(f.t, 0, &h[3], data);
	tlpemu_test_tlpdev_service(f.t);
	/* In order: the write's Cpl first, then CRS, then UR; the MWr unanswered. */
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 3, "answers");
	TEST_ASSERT(tlpemu_test_tlpdev_up_peek(f.t, 0)->hdr.tag == 1 &&
		    tlpemu_test_tlpdev_up_peek(f.t, 0)->hdr.cpl_status == TLP_CPL_SC,
		    "FLR write completed first");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_peek(f.t, 1)->hdr.cpl_status, TLP_CPL_CRS, "CRS");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_peek(f.t, 2)->hdr.cpl_status, TLP_CPL_UR, "UR");
	tlpemu_test_tlpdev_up_clear(f.t);
	TEST_ASSERT_EQUAL(f.regs[0]->mem[0], 0x5c, "write applied during FLR");
	/* Still resetting: every config request CRS, nothing leaves the function. */
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, 0, 0xf, &v), TLP_CPL_CRS, "CRS");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x3, 6), TLP_CPL_CRS,
			  "CRS write");
	TEST_ASSERT(!pcifn_dma_allowed(f.fn[0]), "DMA allowed during FLR");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 0), -EPERM, "MSI during FLR");
	TEST_ASSERT_EQUAL(pcifn_dma_sync(f.fn[0], 0, TLPDEV_DMA_READ, 0x100000000ull, &q, 8),
			  -EPERM, "DMA during FLR");
	pcifn_intx_set(f.fn[0], true);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "INTx during FLR");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_dma_count(f.t), dma0, "DMA went out");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.cpl_crs, 3, "CRS counted");
	/* Done: config requests answered again. */
	pcifn_intx_set(f.fn[0], false);
	pcifn_reset_done(f.fn[0]);
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, 0, 0xf, &v), TLP_CPL_SC, "after FLR");
	TEST_ASSERT_EQUAL(v, 0x10411af4, "IDs");
	TEST_ASSERT(check_reset_state(&f, 0) == TEST_SUCCESS, "reset state");
	pcifn_reset_done(f.fn[0]);	/* twice: ignored */
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* FLR timing from the host's side: write, then poll until a config read succeeds. */
static int
test_flr_timing(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t t0, ns, worst = 0;
	unsigned int i, polls;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tf_timing", 1) == 0, "setup");
	for (i = 0; i < 100; i++) {
		TEST_ASSERT(busy_state(&f, 0) == 0, "busy");
		t0 = rte_get_timer_cycles();
		tp_cfg_set(f.t, 0, DEVCTL, 2, 0x2810 | PCIFN_EXP_DEVCTL_FLR);
		for (polls = 0; polls < 1000; polls++)
			if (tlpemu_test_cfg_read(f.t, 0, 0, 0xf, &v) == TLP_CPL_SC)
				break;
		ns = (rte_get_timer_cycles() - t0) * 1000000000ull / rte_get_timer_hz();
		TEST_ASSERT(polls < 1000 && v == 0x10411af4, "function back after FLR");
		if (ns > worst)
			worst = ns;
	}
	pcifn_stats_get(f.fn[0], &st);
	printf("FLR: worst host-visible %" PRIu64 " ns over 100, reset max %" PRIu64 " ns\n",
	       worst, st.reset_ns_max);
	TEST_ASSERT(worst < 100000000ull, "FLR took %" PRIu64 " ns", worst);
	TEST_ASSERT_EQUAL(st.flr, 100, "FLRs counted");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Without FLR capability the bit does nothing. */
static int
test_no_flr(void)
{
	struct pcifn_params p = tp_params();
	struct tp_fix f;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tf_noflr", 0) == 0, "setup");
	p.flr = 0;
	TEST_ASSERT(tp_fn_create(&f, 0, &p) != NULL, "create");
	pcifn_group_add(f.grp, f.fn[0], 0);
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, EXP + 4, 4, &v), 0, "devcap");
	TEST_ASSERT(!(v & PCIFN_EXP_DEVCAP_FLR), "FLR advertised");
	TEST_ASSERT_EQUAL(tp_cfg_set(f.t, 0, DEVCTL, 2, 0x2810 | PCIFN_EXP_DEVCTL_FLR),
			  TLP_CPL_SC, "write");
	TEST_ASSERT_EQUAL(f.owner[0].resets, 0, "reset without FLR capability");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_COMMAND, 2, &v), 0, "command");
	TEST_ASSERT_EQUAL(v, PCIFN_CMD_MEM | PCIFN_CMD_BME, "command kept");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Hot reset and link down reset every function; sticky bits survive only hot reset. */
static int
test_hot_reset_link_down(void)
{
	uint8_t body[8] = { 0 }, wmask[8] = { 0xff, 0xff, 0, 0, 0xff, 0, 0, 0 };
	uint8_t sticky[8] = { 0xff, 0, 0, 0, 0xff, 0, 0, 0 };
	struct pcifn_params p = tp_params();
	struct tp_fix f;
	unsigned int i;
	uint32_t v;

	TEST_ASSERT(tp_setup(&f, "tf_hot", 0) == 0, "setup");
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(tp_fn_create(&f, i, &p) != NULL, "create");
		TEST_ASSERT_EQUAL(pcifn_ext_cap_add(f.fn[i], 0x0001, 2, body, wmask, sticky, 8),
				  0x100, "ext cap");
		pcifn_group_add(f.grp, f.fn[i], (uint8_t)i);
	}
	tlpemu_test_tlpdev_set_host(f.t, 0, 3);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(busy_state(&f, i) == 0, "busy");
		tlpemu_test_cfg_write(f.t, (uint8_t)i, 0x104, 0xf, 0xffffffff);
		tlpemu_test_cfg_write(f.t, (uint8_t)i, 0x108, 0xf, 0xffffffff);
	}
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[1]), tlp_rid(3, 0, 1), "captured");
	/* FLR keeps sticky bits too. */
	tp_cfg_set(f.t, 0, DEVCTL, 2, 0x2810 | PCIFN_EXP_DEVCTL_FLR);
	tlpemu_test_cfg_read(f.t, 0, 0x104, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x000000ff, "sticky bits after FLR");
	tlpemu_test_cfg_read(f.t, 0, 0x108, 0xf, &v);
	TEST_ASSERT_EQUAL(v, 0x000000ff, "sticky bits after FLR (2)");
	tlpemu_test_cfg_write(f.t, 0, 0x104, 0xf, 0xffffffff);

	tlpemu_test_tlpdev_hot_reset(f.t);
	tlpemu_test_tlpdev_service(f.t);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_EQUAL(f.owner[i].last_kind, PCIFN_RESET_HOT, "fn %u reset kind", i);
		TEST_ASSERT(check_reset_state(&f, i) == TEST_SUCCESS, "fn %u reset state", i);
		tlpemu_test_cfg_read(f.t, (uint8_t)i, 0x104, 0xf, &v);
		TEST_ASSERT_EQUAL(v, 0x000000ff, "fn %u sticky after hot reset", i);
	}
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[1]), tlp_rid(3, 0, 1),
			  "RID captured again by the reads' writes");

	tlpemu_test_tlpdev_link_set(f.t, false);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(f.owner[1].last_kind, PCIFN_RESET_LINK_DOWN, "link down kind");
	TEST_ASSERT_EQUAL(pcifn_rid(f.fn[1]), tlp_rid(0, 0, 1), "RID cleared by link down");
	tlpemu_test_tlpdev_link_set(f.t, true);
	tlpemu_test_tlpdev_service(f.t);
	for (i = 0; i < 2; i++) {
		tlpemu_test_cfg_read(f.t, (uint8_t)i, 0x104, 0xf, &v);
		TEST_ASSERT_EQUAL(v, 0, "fn %u sticky bits survived link down", i);
		TEST_ASSERT_EQUAL(f.owner[i].resets, i == 0 ? 3 : 2, "fn %u resets", i);
	}
	/* Memory requests while reset: the BARs are unassigned, reads UR. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0, 4, &rsp), TLP_CPL_UR, "UR");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_flr_sync),
	TEST_CASE(test_flr_async),
	TEST_CASE(test_flr_timing),
	TEST_CASE(test_no_flr),
	TEST_CASE(test_hot_reset_link_down),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int ret;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	ret = tlpemu_test_run("pcifn_flr", cases, argc, argv);
	rte_eal_cleanup();
	return ret;
}
