/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * pcifn interrupts: the MSI-X table and PBA as the host sees them, masking
 * and pending bits, the function mask, MSI-X enable, bus mastering, vectors
 * out of range, link full; INTx messages, Interrupt Status and Interrupt
 * Disable.
 */

#include <errno.h>

#include "test_pcifn_common.h"
#include "tlpemu_test_eal.h"

#define MSIX_CTRL 0x86	/* Message Control of the standard function (cap at 0x84) */
#define PBA (TP_BAR4 + 0x2000)

static struct tlpemu_test_rsp rsp_buf;

static uint64_t
entry(unsigned int v, unsigned int dw)
{
	return TP_BAR4 + v * 16u + dw * 4u;
}

/* Program vector @p v: address 0xfee00000 + v * 4, data 0x100 + v, unmasked or not. */
static int
program(struct tp_fix *f, unsigned int v, bool masked)
{
	int ret = 0;

	ret |= tlpemu_test_mem_write_val(f->t, entry(v, 0), 8, 0xfee00000ull + v * 4);
	ret |= tlpemu_test_mem_write_val(f->t, entry(v, 2), 4, 0x100 + v);
	ret |= tlpemu_test_mem_write_val(f->t, entry(v, 3), 4, masked ? 1 : 0);
	return ret;
}

static int
msix_setup(struct tp_fix *f, const char *name)
{
	if (tp_setup(f, name, 1) != 0 || tp_enable(f, 0) != 0)
		return -1;
	tlpemu_test_tlpdev_up_clear(f->t);
	return 0;
}

/* The MSI captured first: its address and data. */
static int
pop_msi(struct tp_fix *f, uint64_t *addr, uint32_t *data)
{
	struct tlpemu_test_up *u = malloc(sizeof(*u));
	int ret = -1;

	if (u == NULL)
		return -1;
	while (tlpemu_test_tlpdev_up_pop(f->t, u) == 1) {
		if (u->kind != TLPEMU_TEST_UP_MSI)
			continue;
		*addr = u->hdr.addr;
		*data = u->msi_data;
		ret = 0;
		break;
	}
	free(u);
	return ret;
}

static int
test_msix_table(void)
{
	struct tp_fix f;
	uint64_t v;
	unsigned int i;

	TEST_ASSERT(msix_setup(&f, "ti_table") == 0, "setup");
	/* Reset state: every vector masked, address and data 0, nothing pending. */
	for (i = 0; i < 8; i++) {
		TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, entry(i, 0), 8, &v), TLP_CPL_SC,
				  "read");
		TEST_ASSERT_EQUAL(v, 0, "vector %u address", i);
		TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, entry(i, 2), 8, &v), TLP_CPL_SC,
				  "read");
		TEST_ASSERT_EQUAL(v, 1ull << 32, "vector %u data/control", i);
	}
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, PBA, 8, &v), TLP_CPL_SC, "PBA");
	TEST_ASSERT_EQUAL(v, 0, "PBA");
	/* Address bits 1:0 and reserved control bits read 0. */
	tlpemu_test_mem_write_val(f.t, entry(1, 0), 4, 0xfee00003);
	tlpemu_test_mem_read_val(f.t, entry(1, 0), 4, &v);
	TEST_ASSERT_EQUAL(v, 0xfee00000, "address low bits");
	tlpemu_test_mem_write_val(f.t, entry(1, 3), 4, 0xffffffff);
	tlpemu_test_mem_read_val(f.t, entry(1, 3), 4, &v);
	TEST_ASSERT_EQUAL(v, 1, "vector control reserved bits");
	/* 64-bit accesses cover two fields; a whole entry in one request too. */
	tlpemu_test_mem_write_val(f.t, entry(2, 0), 8, 0x00000001fee0100cull);
	tlpemu_test_mem_read_val(f.t, entry(2, 1), 4, &v);
	TEST_ASSERT_EQUAL(v, 1, "address high by QW write");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR4, 128, &rsp_buf), TLP_CPL_SC, "table");
	TEST_ASSERT_EQUAL(rsp_buf.data[2 * 16 + 4], 1, "entry 2 from a table read");
	/* 1- and 2-byte accesses are not allowed: CA, writes dropped. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, entry(2, 2), 2, &v), TLP_CPL_CA, "2");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, entry(2, 2) + 1, 1, &v), TLP_CPL_CA, "1");
	tlpemu_test_mem_write_val(f.t, entry(2, 3), 1, 0);
	tlpemu_test_mem_read_val(f.t, entry(2, 3), 4, &v);
	TEST_ASSERT_EQUAL(v, 1, "byte write unmasked the vector");
	/* The PBA is read-only. */
	tlpemu_test_mem_write_val(f.t, PBA, 8, ~0ull);
	tlpemu_test_mem_read_val(f.t, PBA, 8, &v);
	TEST_ASSERT_EQUAL(v, 0, "PBA written");
	/* Past the table: a hole of BAR4. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, entry(8, 0), 4, &v), TLP_CPL_SC, "hole");
	TEST_ASSERT_EQUAL(v, 0, "after the table");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static int
test_msix_delivery(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t addr, v;
	uint32_t data;

	TEST_ASSERT(msix_setup(&f, "ti_msix") == 0, "setup");
	TEST_ASSERT(program(&f, 3, false) == 0, "program");
	/* MSI-X disabled: refused, nothing pended. */
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), -EPERM, "MSI-X off");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent while off");
	TEST_ASSERT(!pcifn_msix_enabled(f.fn[0]), "enabled");
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE);
	TEST_ASSERT(pcifn_msix_enabled(f.fn[0]), "not enabled");
	TEST_ASSERT(f.owner[0].msix_calls > 0, "msix_change not called");
	/* Enabled, unmasked: sent at once. */
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), 0, "notify");
	TEST_ASSERT_EQUAL(pop_msi(&f, &addr, &data), 0, "no MSI");
	TEST_ASSERT_EQUAL(addr, 0xfee0000c, "MSI address");
	TEST_ASSERT_EQUAL(data, 0x103, "MSI data");
	/* Vector out of range. */
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 8), -EINVAL, "vector 8");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 0xffff), -EINVAL, "vector 0xffff");
	/* Masked vector: pending bit, sent on unmask, bit cleared. */
	TEST_ASSERT(program(&f, 5, true) == 0, "program");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 5), 0, "notify masked");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 5), 0, "again: one message");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent while masked");
	tlpemu_test_mem_read_val(f.t, PBA, 8, &v);
	TEST_ASSERT_EQUAL(v, 1u << 5, "pending bit");
	tlpemu_test_mem_write_val(f.t, entry(5, 3), 4, 0);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count_kind(f.t, TLPEMU_TEST_UP_MSI), 1,
			  "one message on unmask");
	TEST_ASSERT_EQUAL(pop_msi(&f, &addr, &data), 0, "MSI");
	TEST_ASSERT_EQUAL(data, 0x105, "vector 5 data");
	tlpemu_test_mem_read_val(f.t, PBA, 8, &v);
	TEST_ASSERT_EQUAL(v, 0, "pending bit cleared");
	/* Function mask: pends every vector; clearing it sends them. */
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE | PCIFN_MSIX_CTRL_MASK);
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), 0, "notify");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 5), 0, "notify");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent under function mask");
	tlpemu_test_mem_read_val(f.t, PBA, 8, &v);
	TEST_ASSERT_EQUAL(v, (1u << 3) | (1u << 5), "pending bits");
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count_kind(f.t, TLPEMU_TEST_UP_MSI), 2,
			  "both sent on function unmask");
	tlpemu_test_tlpdev_up_clear(f.t);
	/* A vector masked under a function mask stays pending after the function unmask. */
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE | PCIFN_MSIX_CTRL_MASK);
	pcifn_msix_notify(f.fn[0], 0, 3);
	tlpemu_test_mem_write_val(f.t, entry(3, 3), 4, 1);
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "masked vector sent");
	tlpemu_test_mem_write_val(f.t, entry(3, 3), 4, 0);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count_kind(f.t, TLPEMU_TEST_UP_MSI), 1,
			  "sent on vector unmask");
	tlpemu_test_tlpdev_up_clear(f.t);
	/* Bus Master Enable off: nothing goes out, nothing pended. */
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x3, PCIFN_CMD_MEM);
	TEST_ASSERT(!pcifn_dma_allowed(f.fn[0]), "DMA allowed without BME");
	TEST_ASSERT_EQUAL(f.owner[0].bme, false, "bme_change(false)");
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), -EPERM, "BME off");
	TEST_ASSERT_EQUAL(pcifn_dma_sync(f.fn[0], 0, TLPDEV_DMA_WRITE, 0x100000000ull, &v, 8),
			  -EPERM, "DMA without BME");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_dma_count(f.t), 0, "DMA went out");
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x3, PCIFN_CMD_MEM | PCIFN_CMD_BME);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent while BME off");
	TEST_ASSERT_EQUAL(pcifn_dma_sync(f.fn[0], 0, TLPDEV_DMA_WRITE, 0x100000000ull, &v, 8),
			  0, "DMA with BME");
	/* MSI-X enable off with a pending bit: nothing goes out. */
	tlpemu_test_mem_write_val(f.t, entry(3, 3), 4, 1);
	pcifn_msix_notify(f.fn[0], 0, 3);
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, 0);
	tlpemu_test_mem_write_val(f.t, entry(3, 3), 4, 0);
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), -EPERM, "MSI-X off");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent while MSI-X off");
	/* Link full: pended, sent by the service once the link takes it. */
	tp_cfg_set(f.t, 0, MSIX_CTRL, 2, PCIFN_MSIX_CTRL_ENABLE);
	tlpemu_test_tlpdev_up_clear(f.t);	/* the pended vector 3 went out */
	tlpemu_test_tlpdev_set_tx_limit(f.t, 0);
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), -ENOBUFS, "link full");
	tlpemu_test_tlpdev_set_tx_limit(f.t, -1);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count_kind(f.t, TLPEMU_TEST_UP_MSI), 1,
			  "retried by the service");
	/* Link down: dropped, counted. */
	tlpemu_test_tlpdev_link_set(f.t, false);
	TEST_ASSERT_EQUAL(pcifn_msix_notify(f.fn[0], 0, 3), -ENOTCONN, "link down");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT(st.msix_sent >= 6, "sent counted: %" PRIu64, st.msix_sent);
	TEST_ASSERT(st.msix_pended >= 5, "pended counted: %" PRIu64, st.msix_pended);
	TEST_ASSERT_EQUAL(st.msix_dropped, 1, "dropped counted");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* The INTx message of the last captured TLP, or -1. */
static int
last_msg(struct tp_fix *f, uint16_t *rid)
{
	unsigned int n = tlpemu_test_tlpdev_up_count(f->t);
	const struct tlpemu_test_up *u;

	if (n == 0)
		return -1;
	u = tlpemu_test_tlpdev_up_peek(f->t, n - 1);
	if (u->kind != TLPEMU_TEST_UP_MSG || u->hdr.msg_route != TLP_MSG_ROUTE_LOCAL)
		return -1;
	if (rid != NULL)
		*rid = u->hdr.req_id;
	return u->hdr.msg_code;
}

static int
test_intx(void)
{
	struct pcifn_params p = tp_params();
	struct tlpemu_test_tlpdev_conf conf = { .no_msg = true };
	struct tlpemu_test_tlpdev *t2;
	struct pcifn_group *g2;
	struct pcifn *fn2;
	struct pcifn_stats st;
	struct tp_fix f;
	uint16_t rid;
	uint32_t v;

	TEST_ASSERT(msix_setup(&f, "ti_intx") == 0, "setup");
	TEST_ASSERT_EQUAL(pcifn_intx_set(f.fn[0], true), 0, "assert");
	TEST_ASSERT_EQUAL(last_msg(&f, &rid), TLP_MSG_ASSERT_INTA, "Assert_INTA");
	TEST_ASSERT_EQUAL(rid, pcifn_rid(f.fn[0]), "requester ID");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(v & PCIFN_STS_INTX, "Interrupt Status clear while asserted");
	TEST_ASSERT_EQUAL(pcifn_intx_set(f.fn[0], true), 0, "assert again");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 1, "a second Assert");
	/* Interrupt Disable: Deassert goes out, the status still shows the level. */
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x7,
			      PCIFN_CMD_MEM | PCIFN_CMD_BME | PCIFN_CMD_INTX_DIS);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_DEASSERT_INTA, "Deassert on disable");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(v & PCIFN_STS_INTX, "Interrupt Status follows the level, not the wire");
	pcifn_intx_set(f.fn[0], false);
	pcifn_intx_set(f.fn[0], true);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 2, "messages while disabled");
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x7, PCIFN_CMD_MEM | PCIFN_CMD_BME);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_ASSERT_INTA, "Assert on enable");
	pcifn_intx_set(f.fn[0], false);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_DEASSERT_INTA, "Deassert");
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(!(v & PCIFN_STS_INTX), "Interrupt Status after deassert");
	/* The Interrupt Status bit ignores host writes. */
	tp_cfg_set(f.t, 0, PCIFN_CFG_STATUS, 2, PCIFN_STS_INTX);
	TEST_ASSERT_EQUAL(tp_cfg_get(f.t, 0, PCIFN_CFG_STATUS, 2, &v), 0, "status");
	TEST_ASSERT(!(v & PCIFN_STS_INTX), "Interrupt Status written");
	/* Link full: the message waits for the service. */
	tlpemu_test_tlpdev_up_clear(f.t);
	tlpemu_test_tlpdev_set_tx_limit(f.t, 0);
	pcifn_intx_set(f.fn[0], true);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "sent on a full link");
	tlpemu_test_tlpdev_set_tx_limit(f.t, -1);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_ASSERT_INTA, "retried");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.intx_msgs, 5, "messages counted");
	tp_teardown(&f);

	/* No pin: -ENOTSUP. Pin INTC: its own codes. No message support: no crash. */
	t2 = tlpemu_test_tlpdev_create("ti_intx2", &conf);
	g2 = pcifn_group_create(tlpemu_test_tlpdev_id(t2));
	p.intx_pin = 0;
	fn2 = pcifn_create(&p, NULL, NULL);
	TEST_ASSERT_EQUAL(pcifn_intx_set(fn2, true), -ENOTSUP, "no pin");
	pcifn_free(fn2);
	p.intx_pin = 3;
	fn2 = pcifn_create(&p, NULL, NULL);
	pcifn_group_add(g2, fn2, 0);
	TEST_ASSERT_EQUAL(pcifn_intx_set(fn2, true), 0, "no msg_send op");
	TEST_ASSERT_EQUAL(pcifn_config_read(fn2, PCIFN_CFG_STATUS, &v, 2), 0, "read");
	TEST_ASSERT(v & PCIFN_STS_INTX, "status without messages");
	pcifn_group_free(g2);
	pcifn_free(fn2);
	tlpemu_test_tlpdev_destroy(t2);

	TEST_ASSERT(tp_setup(&f, "ti_intx3", 1) == 0, "setup");
	pcifn_group_free(f.grp);
	pcifn_free(f.fn[0]);
	f.grp = pcifn_group_create(tlpemu_test_tlpdev_id(f.t));
	tlpemu_test_tlpdev_set_service(f.t, tp_service, f.grp);
	f.fn[0] = pcifn_create(&p, NULL, NULL);
	pcifn_group_add(f.grp, f.fn[0], 0);
	pcifn_intx_set(f.fn[0], true);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_ASSERT_INTA + 2, "Assert_INTC");
	pcifn_intx_set(f.fn[0], false);
	TEST_ASSERT_EQUAL(last_msg(&f, NULL), TLP_MSG_DEASSERT_INTA + 2, "Deassert_INTC");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_msix_table),
	TEST_CASE(test_msix_delivery),
	TEST_CASE(test_intx),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int ret;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	ret = tlpemu_test_run("pcifn_irq", cases, argc, argv);
	rte_eal_cleanup();
	return ret;
}
