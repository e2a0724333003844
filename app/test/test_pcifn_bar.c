/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * pcifn BAR accesses and request service: decoding, byte enables and
 * multi-DW accesses against region handlers, access widths and alignment,
 * holes, UR/CA answers, request kinds, poisoned requests, read splitting at
 * RCB/MPS, several functions, link full and link down.
 */

#include <errno.h>

#include <rte_cycles.h>

#include "test_pcifn_common.h"
#include "tlpemu_test_eal.h"

static struct tlpemu_test_rsp rsp;

static int
test_decode(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t v;

	TEST_ASSERT(tp_setup(&f, "tb_decode", 1) == 0, "setup");
	memset(f.regs[0]->mem, 0xab, 64);
	/* Unassigned BAR: nothing decodes. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_UR, "unassigned");
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(f.fn[0], 0), TP_BAR0, "BAR0");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(f.fn[0], 2), TP_BAR2, "BAR2 (64-bit)");
	TEST_ASSERT_EQUAL(f.owner[0].bar_calls > 0, 1, "bar_change told");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_SC, "read");
	TEST_ASSERT_EQUAL(v, 0xabababab, "data");
	/* Memory Space Enable off: UR for reads, writes dropped. */
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x3, PCIFN_CMD_BME);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_UR, "MSE off");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR0, 4, 0x11223344), 0, "write");
	TEST_ASSERT_EQUAL(f.regs[0]->mem[0], 0xab, "write applied while MSE off");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.wr_dropped, 1, "dropped write counted");
	TEST_ASSERT_EQUAL(st.cpl_ur, 2, "URs counted");
	/* D3hot: no memory decoding either. */
	tlpemu_test_cfg_write(f.t, 0, PCIFN_CFG_COMMAND, 0x3, PCIFN_CMD_MEM);
	tp_cfg_set(f.t, 0, 0x44, 2, PCIFN_PM_STATE_D3HOT);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_UR, "D3hot");
	tp_cfg_set(f.t, 0, 0x44, 2, 0x1);	/* D1 does not exist: stays D3hot */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_UR, "D1");
	tp_cfg_set(f.t, 0, 0x44, 2, PCIFN_PM_STATE_D0);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_SC, "D0");
	/* Outside every BAR, and beyond the end of one. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 16384, 4, &v), TLP_CPL_UR,
			  "past BAR0");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 - 4, 4, &v), TLP_CPL_UR,
			  "before BAR0");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Every access a request turns into, for one request at BAR0 + @p off of @p len bytes. */
static int
check_split(struct tp_fix *f, bool write, uint64_t off, uint32_t len,
	    const uint32_t *want_off, const uint32_t *want_len, unsigned int nb)
{
	uint8_t buf[64];
	unsigned int i;
	int ret;

	memset(buf, 0x5a, sizeof(buf));
	f->regs[0]->nb_log = 0;
	if (write)
		ret = tlpemu_test_mem_write(f->t, TP_BAR0 + off, len, buf);
	else
		ret = tlpemu_test_mem_read(f->t, TP_BAR0 + off, len, &rsp);
	TEST_ASSERT_EQUAL(ret, write ? 0 : TLP_CPL_SC, "%u bytes at 0x%" PRIx64, len, off);
	TEST_ASSERT_EQUAL(f->regs[0]->nb_log, nb, "%u bytes at 0x%" PRIx64 ": accesses", len, off);
	for (i = 0; i < nb; i++) {
		TEST_ASSERT_EQUAL(f->regs[0]->log[i].off, want_off[i], "access %u offset", i);
		TEST_ASSERT_EQUAL(f->regs[0]->log[i].len, want_len[i], "access %u length", i);
		TEST_ASSERT_EQUAL(f->regs[0]->log[i].write, write, "access %u direction", i);
	}
	return TEST_SUCCESS;
}

static int
test_byte_enables(void)
{
	struct tlp_hdr h;
	struct tp_fix f;
	unsigned int i;
	uint64_t v;

	TEST_ASSERT(tp_setup(&f, "tb_be", 1) == 0, "setup");
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	for (i = 0; i < 0x1000; i++)
		f.regs[0]->mem[i] = (uint8_t)i;
	/* Natural sizes, aligned: one access each. */
	TEST_ASSERT(check_split(&f, false, 0x10, 1, (uint32_t[]){ 0x10 }, (uint32_t[]){ 1 }, 1)
		    == 0, "1");
	TEST_ASSERT(check_split(&f, false, 0x12, 2, (uint32_t[]){ 0x12 }, (uint32_t[]){ 2 }, 1)
		    == 0, "2");
	TEST_ASSERT(check_split(&f, false, 0x14, 4, (uint32_t[]){ 0x14 }, (uint32_t[]){ 4 }, 1)
		    == 0, "4");
	TEST_ASSERT(check_split(&f, false, 0x18, 8, (uint32_t[]){ 0x18 }, (uint32_t[]){ 8 }, 1)
		    == 0, "8");
	/* Unaligned: cut into aligned pieces. */
	TEST_ASSERT(check_split(&f, false, 0x11, 4, (uint32_t[]){ 0x11, 0x12, 0x14 },
				(uint32_t[]){ 1, 2, 1 }, 3) == 0, "4 at +1");
	TEST_ASSERT(check_split(&f, true, 0x13, 3, (uint32_t[]){ 0x13, 0x14 },
				(uint32_t[]){ 1, 2 }, 2) == 0, "3 at +3 (write)");
	TEST_ASSERT(check_split(&f, false, 0x1c, 8, (uint32_t[]){ 0x1c, 0x20 },
				(uint32_t[]){ 4, 4 }, 2) == 0, "8 at +4");
	TEST_ASSERT(check_split(&f, false, 0x20, 24, (uint32_t[]){ 0x20, 0x28, 0x30 },
				(uint32_t[]){ 8, 8, 8 }, 3) == 0, "24");
	TEST_ASSERT(check_split(&f, true, 0x2e, 7, (uint32_t[]){ 0x2e, 0x30, 0x34 },
				(uint32_t[]){ 2, 4, 1 }, 3) == 0, "7 at +2 (write)");
	/* Data reassembled from the right bytes. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0 + 0x41, 5, &rsp), TLP_CPL_SC, "read");
	TEST_ASSERT_EQUAL(rsp.len, 5, "length");
	TEST_ASSERT_MEM_EQ(rsp.data, &f.regs[0]->mem[0x41], 5, "data");
	/*
	 * 1 DW with First BE 0110b: bytes 1-2. This region wants naturally
	 * aligned accesses, so two bytes (an unaligned region gets one 2-byte
	 * access at +1: test_region_rules).
	 */
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_MRD;
	h.addr = TP_BAR0 + 0x50;
	h.len_dw = 1;
	h.first_be = 0x6;
	h.tag = 7;
	f.regs[0]->nb_log = 0;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_SC, "BE 0110b");
	TEST_ASSERT_EQUAL(f.regs[0]->nb_log, 2, "two accesses");
	TEST_ASSERT(f.regs[0]->log[0].off == 0x51 && f.regs[0]->log[0].len == 1 &&
		    f.regs[0]->log[1].off == 0x52 && f.regs[0]->log[1].len == 1, "bytes 1, 2");
	TEST_ASSERT_EQUAL(rsp.data[0], 0x51, "byte 1 data");
	TEST_ASSERT_EQUAL(rsp.data[1], 0x52, "byte 2 data");
	TEST_ASSERT_EQUAL(rsp.cpl[0].byte_count, 2, "byte count");
	TEST_ASSERT_EQUAL(rsp.cpl[0].lower_addr, 0x51, "lower address");
	/* Non-contiguous First BE 1001b: two 1-byte accesses, bytes 1-2 not touched. */
	h.first_be = 0x9;
	h.tag = 8;
	f.regs[0]->nb_log = 0;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_SC, "BE 1001b");
	TEST_ASSERT_EQUAL(f.regs[0]->nb_log, 2, "two accesses");
	TEST_ASSERT(f.regs[0]->log[0].off == 0x50 && f.regs[0]->log[1].off == 0x53, "bytes 0, 3");
	TEST_ASSERT_EQUAL(rsp.data[0], 0x50, "byte 0");
	TEST_ASSERT_EQUAL(rsp.data[1], 0, "disabled byte 1 reads 0");
	TEST_ASSERT_EQUAL(rsp.data[3], 0x53, "byte 3");
	/* A write with a zero-length read: no access at all. */
	h.first_be = 0;
	h.tag = 9;
	f.regs[0]->nb_log = 0;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_SC, "zero-length read");
	TEST_ASSERT_EQUAL(f.regs[0]->nb_log, 0, "zero-length read touched a register");
	/* Round trip of a value. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR0 + 0x100, 8, 0x1122334455667788),
			  0, "write 8");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x100, 8, &v), TLP_CPL_SC, "rd");
	TEST_ASSERT_EQUAL(v, 0x1122334455667788, "8-byte round trip");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Regions with width and alignment rules; refusals; holes; failing handlers. */
static int
test_region_rules(void)
{
	struct pcifn_params p = tp_params();
	struct pcifn_region r = { .bar = 0, .ops = &tp_regs_ops };
	struct tp_regs *dw, *ua, *strict;
	struct pcifn_stats st;
	struct tlp_hdr h;
	struct tp_fix f;
	struct pcifn *fn;
	uint64_t v;

	memset(&f, 0, sizeof(f));
	f.t = tlpemu_test_tlpdev_create("tb_rules", NULL);
	f.grp = pcifn_group_create(tlpemu_test_tlpdev_id(f.t));
	tlpemu_test_tlpdev_set_service(f.t, tp_service, f.grp);
	dw = calloc(1, sizeof(*dw));
	ua = calloc(1, sizeof(*ua));
	strict = calloc(1, sizeof(*strict));
	fn = pcifn_create(&p, NULL, NULL);
	TEST_ASSERT(fn != NULL && dw != NULL && ua != NULL && strict != NULL, "alloc");
	/* 0x000: DW registers (4 only); 0x100: bytes, unaligned up to 4; 0x200: 4/8, no split. */
	r.offset = 0;
	r.size = 0x100;
	r.min_access = 4;
	r.max_access = 4;
	r.ctx = dw;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), 0, "dw region");
	r.offset = 0x100;
	r.min_access = 1;
	r.flags = PCIFN_REGION_UNALIGNED;
	r.ctx = ua;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), 0, "unaligned region");
	r.offset = 0x200;
	r.min_access = 4;
	r.max_access = 8;
	r.flags = PCIFN_REGION_REFUSE_SPLIT;
	r.ctx = strict;
	TEST_ASSERT_EQUAL(pcifn_region_add(fn, &r), 0, "strict region");
	pcifn_group_add(f.grp, fn, 0);
	f.fn[0] = fn;
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");

	/* DW region: 8 bytes become two DWs; a byte read is refused with CA. */
	dw->nb_log = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 8, 8, &v), TLP_CPL_SC, "8");
	TEST_ASSERT_EQUAL(dw->nb_log, 2, "two DW accesses");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 9, 1, &v), TLP_CPL_CA, "byte");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 10, 4, &v), TLP_CPL_CA,
			  "unaligned DW");
	dw->nb_log = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR0 + 9, 1, 0xff), 0, "byte write");
	TEST_ASSERT_EQUAL(dw->nb_log, 0, "refused write reached the handler");
	pcifn_stats_get(fn, &st);
	TEST_ASSERT_EQUAL(st.refused, 3, "refusals counted");
	TEST_ASSERT_EQUAL(st.cpl_ca, 2, "CAs counted");
	TEST_ASSERT_EQUAL(st.wr_dropped, 1, "refused write counted as dropped");

	/* Unaligned region: First BE 0110b is one 2-byte access at +1. */
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_MRD;
	h.addr = TP_BAR0 + 0x100;
	h.len_dw = 1;
	h.first_be = 0x6;
	h.tag = 77;
	ua->nb_log = 0;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_SC, "BE 0110b");
	TEST_ASSERT_EQUAL(ua->nb_log, 1, "one access");
	TEST_ASSERT(ua->log[0].off == 1 && ua->log[0].len == 2, "2 bytes at +1");
	/* Unaligned region: a 3-byte access at +1 arrives whole. */
	ua->nb_log = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x101, 3, &v), TLP_CPL_SC, "3");
	TEST_ASSERT_EQUAL(ua->nb_log, 1, "one access");
	TEST_ASSERT(ua->log[0].off == 1 && ua->log[0].len == 3, "3 bytes at +1");
	ua->nb_log = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0 + 0x102, 10, &rsp), TLP_CPL_SC, "10");
	TEST_ASSERT_EQUAL(ua->nb_log, 3, "4 + 4 + 2");
	TEST_ASSERT(ua->log[2].off == 10 && ua->log[2].len == 2, "last piece");

	/* Strict region: one access or CA. */
	strict->nb_log = 0;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x208, 8, &v), TLP_CPL_SC, "8");
	TEST_ASSERT_EQUAL(strict->nb_log, 1, "one 8-byte access");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0 + 0x200, 16, &rsp), TLP_CPL_CA,
			  "16 bytes would need a split");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x204, 8, &v), TLP_CPL_CA,
			  "misaligned QW");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x200, 2, &v), TLP_CPL_CA,
			  "below min");

	/* A request spanning region, hole and region is split per piece. */
	dw->nb_log = ua->nb_log = 0;
	memset(dw->mem, 0x11, 0x100);
	memset(ua->mem, 0x22, 0x100);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0 + 0xf8, 16, &rsp), TLP_CPL_SC, "span");
	TEST_ASSERT(rsp.data[0] == 0x11 && rsp.data[7] == 0x11 && rsp.data[8] == 0x22 &&
		    rsp.data[15] == 0x22, "data from both regions");
	TEST_ASSERT(dw->nb_log == 2 && ua->nb_log == 2, "pieces %u %u", dw->nb_log, ua->nb_log);
	/* Holes read zeros, writes to them are dropped and counted. */
	pcifn_stats_reset(fn);
	memset(strict->mem, 0x33, 0x100);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0 + 0x2f8, 16, &rsp), TLP_CPL_SC,
			  "region then hole");
	TEST_ASSERT_EQUAL(rsp.data[7], 0x33, "region byte");
	TEST_ASSERT_EQUAL(rsp.data[12], 0, "hole byte");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + 0x3000, 4, &v), TLP_CPL_SC,
			  "hole");
	TEST_ASSERT_EQUAL(v, 0, "hole reads 0");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR0 + 0x3000, 4, 1), 0, "hole wr");
	pcifn_stats_get(fn, &st);
	TEST_ASSERT_EQUAL(st.hole_rd, 2, "hole reads counted");
	TEST_ASSERT_EQUAL(st.wr_dropped, 1, "hole write counted");
	/* A handler error: CA for a read, counted for a write. */
	dw->fail = 1;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 4, &v), TLP_CPL_CA, "error");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR0, 4, 1), 0, "error write");
	pcifn_stats_get(fn, &st);
	TEST_ASSERT_EQUAL(st.refused, 2, "handler errors counted");
	tp_teardown(&f);
	free(dw);
	free(ua);
	free(strict);
	return TEST_SUCCESS;
}

/* Request kinds that get UR, messages, poisoned requests, malformed wire TLPs. */
static int
test_request_kinds(void)
{
	static const uint8_t kinds[] = { TLP_KIND_IORD, TLP_KIND_IOWR, TLP_KIND_MRDLK,
					 TLP_KIND_FETCHADD, TLP_KIND_SWAP, TLP_KIND_CAS };
	struct tlpdev_stats ds;
	struct pcifn_stats st;
	struct tlp_hdr h;
	struct tp_fix f;
	uint8_t data[16] = { 0 }, raw[64];
	unsigned int i;
	uint32_t v32;
	int len;

	TEST_ASSERT(tp_setup(&f, "tb_kinds", 1) == 0, "setup");
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	for (i = 0; i < RTE_DIM(kinds); i++) {
		memset(&h, 0, sizeof(h));
		h.kind = kinds[i];
		h.addr = TP_BAR0;
		h.len_dw = kinds[i] == TLP_KIND_CAS ? 2 : 1;
		h.first_be = kinds[i] >= TLP_KIND_FETCHADD ? 0 : 0xf;
		h.tag = (uint16_t)(100 + i);
		tlpemu_test_tlpdev_inject(f.t, 0, &h, data);
		tlpemu_test_tlpdev_service(f.t);
		TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_UR, "%s",
				  tlp_kind_name(kinds[i]));
		TEST_ASSERT_EQUAL(rsp.nb_cpl, 1, "one answer");
	}
	/* Messages: consumed, never answered. */
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_MSG;
	h.msg_code = 0x7e;
	h.msg_route = TLP_MSG_ROUTE_LOCAL;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "message answered");
	/* Poisoned write: dropped; poisoned read: UR; Detected Parity Error. */
	TEST_ASSERT_EQUAL(tlpemu_test_mem_hdr(&h, true, TP_BAR0, 4, 0, 0), 0, "hdr");
	h.ep = 1;
	f.regs[0]->mem[0] = 0x77;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, data);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(f.regs[0]->mem[0], 0x77, "poisoned write applied");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_hdr(&h, false, TP_BAR0, 4, 0, 200), 0, "hdr");
	h.ep = 1;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_UR, "poisoned read");
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_CFGWR0;
	h.len_dw = 1;
	h.first_be = 0x1;
	h.cfg_id = tlp_rid(1, 0, 0);
	h.cfg_reg = PCIFN_CFG_INTR_LINE;
	h.ep = 1;
	h.tag = 201;
	data[0] = 0x42;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, data);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_collect(f.t, &h, &rsp), TLP_CPL_UR, "poisoned CfgWr");
	TEST_ASSERT_EQUAL(tlpemu_test_cfg_read(f.t, 0, PCIFN_CFG_INTR_LINE, 0xf, &v32),
			  TLP_CPL_SC, "read");
	TEST_ASSERT_EQUAL(v32 & 0xff, 0, "poisoned CfgWr applied");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.poisoned, 3, "poisoned counted");
	TEST_ASSERT_EQUAL(st.msgs, 1, "message counted");
	/* Malformed wire TLPs never reach the function. */
	h = (struct tlp_hdr){ .kind = TLP_KIND_MRD, .addr = TP_BAR0, .len_dw = 2,
			      .first_be = 0xf, .last_be = 0 };
	len = tlp_encode(&h, NULL, raw, sizeof(raw));
	TEST_ASSERT(len < 0, "encoder accepted a zero Last BE");
	h.last_be = 0xf;
	len = tlp_encode(&h, NULL, raw, sizeof(raw));
	TEST_ASSERT(len == 12, "encode");
	raw[7] &= 0x0f;		/* Last DW BE 0 with Length 2 */
	TEST_ASSERT(tlpemu_test_tlpdev_inject_raw(f.t, 0, raw, (size_t)len) < 0, "decoded");
	TEST_ASSERT(tlpemu_test_tlpdev_inject_raw(f.t, 0, raw, 5) < 0, "truncated decoded");
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 0, "malformed answered");
	tlpdev_stats_get(tlpemu_test_tlpdev_id(f.t), &ds);
	TEST_ASSERT_EQUAL(ds.rx_malformed[TLP_ERR_BE_ZERO] + ds.rx_malformed[TLP_ERR_TRUNCATED],
			  2, "malformed counted");
	/* Injected headers no decoder would pass: still one sane answer. */
	memset(&h, 0, sizeof(h));
	h.kind = TLP_KIND_MRD;
	h.addr = TP_BAR0 + 2;	/* not DW aligned */
	h.len_dw = 1;
	h.first_be = 0xf;
	h.tag = 300;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	h.tag = 301;
	h.addr = TP_BAR0;
	h.len_dw = 0;
	tlpemu_test_tlpdev_inject(f.t, 0, &h, NULL);
	tlpemu_test_tlpdev_service(f.t);
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_count(f.t), 2, "two answers");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_peek(f.t, 0)->hdr.cpl_status, TLP_CPL_UR, "UR");
	TEST_ASSERT_EQUAL(tlpemu_test_tlpdev_up_peek(f.t, 1)->hdr.cpl_status, TLP_CPL_UR, "UR");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Reads cut at RCB and MPS, with the right Byte Count and Lower Address. */
static int
test_read_split(void)
{
	static const uint16_t mps_enc[] = { 0, 1, 2 };	/* 128, 256, 512 */
	static const uint32_t offs[] = { 0, 4, 0x3c, 0x40, 0x7c, 0x81, 0xf00 };
	static const uint32_t lens[] = { 4096, 1000, 129, 64, 3 };
	struct tp_fix f;
	unsigned int m, rcb, o, l, i;
	uint32_t mps, bytes, exp_dw;
	uint64_t addr, a;
	uint8_t exp;

	TEST_ASSERT(tp_setup(&f, "tb_split", 1) == 0, "setup");
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	for (i = 0; i < TP_MEM_SIZE; i++)
		f.regs[0]->mem[i] = (uint8_t)(i * 7 + (i >> 8));
	exp = tp_cap_find(f.t, 0, PCIFN_CAP_ID_EXP);
	for (m = 0; m < RTE_DIM(mps_enc); m++) {
		mps = 128u << mps_enc[m];
		for (rcb = 0; rcb < 2; rcb++) {
			tp_cfg_set(f.t, 0, exp + 8, 2, 0x2810 | mps_enc[m] << 5);
			tp_cfg_set(f.t, 0, exp + 0x10, 2, rcb ? PCIFN_EXP_LNKCTL_RCB : 0);
			for (o = 0; o < RTE_DIM(offs); o++) {
				for (l = 0; l < RTE_DIM(lens); l++) {
					addr = TP_BAR2 + 0x1000 * (o + 1) + offs[o];
					if ((addr & 0xfff) + lens[l] > 4096)
						continue;
					TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, addr, lens[l],
									       &rsp),
							  TLP_CPL_SC, "read %u at 0x%" PRIx64,
							  lens[l], addr);
					TEST_ASSERT_MEM_EQ(rsp.data,
							   &f.regs[0]->mem[addr - TP_BAR2],
							   lens[l], "data");
					/* Pieces: <= MPS; all but the last end on RCB. */
					a = addr;
					for (i = 0; i < rsp.nb_cpl; i++) {
						TEST_ASSERT(rsp.cpl[i].len_dw * 4u <= mps,
							    "piece %u above MPS %u", i, mps);
						bytes = RTE_MIN(rsp.cpl[i].len_dw * 4u - (a & 3),
								rsp.cpl[i].byte_count);
						if (i + 1 < rsp.nb_cpl)
							TEST_ASSERT(((a + bytes) &
								     ((rcb ? 128u : 64u) - 1)) == 0,
								    "piece %u ends off RCB", i);
						a += bytes;
					}
					exp_dw = ((uint32_t)(addr & 3) + lens[l] + 3) / 4;
					if (exp_dw * 4 <= mps)
						TEST_ASSERT_EQUAL(rsp.nb_cpl, 1, "one completion");
					else
						TEST_ASSERT(rsp.nb_cpl >= (exp_dw * 4 + mps - 1) /
							    mps, "too few pieces");
				}
			}
		}
	}
	/* MPS programmed above what the function supports: capped at 512. */
	tp_cfg_set(f.t, 0, exp + 8, 2, 0x2810 | 5u << 5);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR2, 4096, &rsp), TLP_CPL_SC, "read");
	TEST_ASSERT_EQUAL(rsp.nb_cpl, 8, "4096 / 512");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Two functions: routing by BAR address and function number, separate counters. */
static int
test_multi_function(void)
{
	struct pcifn_stats st0, st1;
	struct tp_fix f;
	uint64_t v;

	TEST_ASSERT(tp_setup(&f, "tb_multi", 2) == 0, "setup");
	TEST_ASSERT(tp_enable(&f, 0) == 0 && tp_enable(&f, 1) == 0, "enable");
	f.regs[0]->mem[0] = 0xa0;
	f.regs[1]->mem[0] = 0xa1;
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0, 1, &v), TLP_CPL_SC, "fn 0");
	TEST_ASSERT_EQUAL(v, 0xa0, "fn 0 data");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, TP_BAR0 + (1u << 24), 1, &v), TLP_CPL_SC,
			  "fn 1");
	TEST_ASSERT_EQUAL(v, 0xa1, "fn 1 data");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_write_val(f.t, TP_BAR2 + (1ull << 32) + 8, 4, 0xbeef),
			  0, "fn 1 64-bit BAR write");
	TEST_ASSERT_EQUAL(f.regs[1]->mem[8], 0xef, "write reached fn 1");
	TEST_ASSERT_EQUAL(f.regs[0]->mem[8], 0, "write reached fn 0");
	/* Completer IDs: the routing ID of the function that answered. */
	tlpemu_test_mem_read(f.t, TP_BAR0 + (1u << 24), 4, &rsp);
	TEST_ASSERT_EQUAL(rsp.cpl[0].cpl_id, tlp_rid(1, 0, 1), "completer ID");
	pcifn_stats_get(f.fn[0], &st0);
	pcifn_stats_get(f.fn[1], &st1);
	TEST_ASSERT_EQUAL(st0.mem_rd, 1, "fn 0 reads");
	TEST_ASSERT_EQUAL(st1.mem_rd, 2, "fn 1 reads");
	TEST_ASSERT_EQUAL(st1.mem_wr, 1, "fn 1 writes");
	/* A 64-bit BAR at the top of the address space: no overflow. */
	tlpemu_test_cfg_write(f.t, 1, PCIFN_CFG_BAR0 + 8, 0xf, 0xfff00000);
	tlpemu_test_cfg_write(f.t, 1, PCIFN_CFG_BAR0 + 12, 0xf, 0xffffffff);
	TEST_ASSERT_EQUAL(pcifn_bar_addr(f.fn[1], 2), 0xfffffffffff00000ull, "top BAR");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, 0xfffffffffffffffcull, 4, &v), TLP_CPL_SC,
			  "last DW of the address space");
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read_val(f.t, 0xffffffffffeffffcull, 4, &v), TLP_CPL_UR,
			  "just below");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

/* Link full: completions retried until taken. Link down: dropped and counted. */
static int
test_link_full_down(void)
{
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t t0, ms;

	TEST_ASSERT(tp_setup(&f, "tb_link", 1) == 0, "setup");
	TEST_ASSERT(tp_enable(&f, 0) == 0, "enable");
	tlpemu_test_tlpdev_set_tx_limit(f.t, 1);
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR2, 4096, &rsp), TLP_CPL_SC, "read");
	TEST_ASSERT_EQUAL(rsp.nb_cpl, 32, "every piece arrived (MPS 128)");
	TEST_ASSERT(tlpemu_test_tlpdev_tx_short(f.t) > 0, "the link never pushed back");
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT(st.tx_retries > 0, "retries not counted");
	TEST_ASSERT_EQUAL(st.cpl_dropped, 0, "dropped while the link was up");
	/* Full for good while up: given up after the completion timeout. */
	tlpemu_test_tlpdev_set_tx_limit(f.t, 0);
	t0 = rte_get_timer_cycles();
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR0, 4, &rsp), -ETIMEDOUT, "answered");
	ms = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	TEST_ASSERT(ms >= 40 && ms < 1000, "gave up after %" PRIu64 " ms", ms);
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.cpl_dropped, 1, "timed-out completion counted");
	/* The link goes down while completions wait: dropped at once, counted. */
	pcifn_stats_reset(f.fn[0]);
	tlpemu_test_tlpdev_set_link_fail_after(f.t, 3);
	t0 = rte_get_timer_cycles();
	TEST_ASSERT_EQUAL(tlpemu_test_mem_read(f.t, TP_BAR2, 1024, &rsp), -ETIMEDOUT, "answered");
	ms = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	TEST_ASSERT(ms < 40, "link down noticed after %" PRIu64 " ms", ms);
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.cpl_dropped, 8, "1024 bytes at MPS 128: 8 completions dropped");
	/* The link-down event resets the function. */
	tlpemu_test_tlpdev_service(f.t);
	pcifn_stats_get(f.fn[0], &st);
	TEST_ASSERT_EQUAL(st.resets, 1, "link down reset");
	TEST_ASSERT_EQUAL(f.owner[0].last_kind, PCIFN_RESET_LINK_DOWN, "reset kind");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(f.fn[0], 0), 0, "BAR kept across link down");
	tp_teardown(&f);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_decode),
	TEST_CASE(test_byte_enables),
	TEST_CASE(test_region_rules),
	TEST_CASE(test_request_kinds),
	TEST_CASE(test_read_split),
	TEST_CASE(test_multi_function),
	TEST_CASE(test_link_full_down),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int ret;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	ret = tlpemu_test_run("pcifn_bar", cases, argc, argv);
	rte_eal_cleanup();
	return ret;
}
