/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * pcifn benchmark: the cost of answering requests in pcifn_service() with
 * the test tlpdev (bursts of 32), without any link in between:
 *   - BAR register reads (1 DW MRd to a DW register region) per second;
 *   - config reads (CfgRd0) in ns per request;
 *   - 4 KiB reads split at MPS 512 in MB/s.
 * Only the pcifn_service() calls are timed (the test driver's rx copy is
 * inside them, the injection is not). Prints figures, asserts nothing about
 * time.
 */

#include <inttypes.h>
#include <stdio.h>

#include <rte_cycles.h>

#include "test_pcifn_common.h"
#include "tlpemu_test_eal.h"

#define BENCH_BURST 32

static uint32_t bench_reg;

static int
bench_reg_read(void *ctx __rte_unused, uint64_t offset, void *buf, uint32_t len)
{
	uint32_t v = bench_reg + (uint32_t)offset;

	memcpy(buf, &v, len);
	return 0;
}

static int
bench_reg_write(void *ctx __rte_unused, uint64_t offset __rte_unused, const void *buf,
		uint32_t len __rte_unused)
{
	memcpy(&bench_reg, buf, 4);
	return 0;
}

static const struct pcifn_region_ops bench_ops = {
	.read = bench_reg_read,
	.write = bench_reg_write,
};

/* Time @p rounds bursts of the requests in @p h; returns cycles spent in service. */
static uint64_t
bench_run(struct tp_fix *f, const struct tlp_hdr *h, unsigned int rounds)
{
	uint64_t cycles = 0, t0;
	unsigned int r, i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < BENCH_BURST; i++)
			tlpemu_test_tlpdev_inject(f->t, 0, &h[i], NULL);
		t0 = rte_rdtsc_precise();
		pcifn_service(f->grp, 0, BENCH_BURST);
		cycles += rte_rdtsc_precise() - t0;
	}
	return cycles;
}

int
main(void)
{
	struct pcifn_region r = { .bar = 0, .offset = 0x1000, .size = 0x1000, .min_access = 4,
				  .max_access = 4, .ops = &bench_ops };
	struct pcifn_params p = tp_params();
	struct tlp_hdr h[BENCH_BURST];
	struct pcifn_stats st;
	struct tp_fix f;
	uint64_t hz, cycles, before;
	unsigned int i, rounds = 100000;
	double secs;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	hz = rte_get_tsc_hz();
	if (tp_setup(&f, "bench_pcifn", 0) != 0)
		return 1;
	/* Registers at BAR0 + 0x1000 (the standard regions leave it a hole). */
	if (tp_fn_create(&f, 0, &p) == NULL || pcifn_region_add(f.fn[0], &r) != 0 ||
	    pcifn_group_add(f.grp, f.fn[0], 0) != 0 || tp_enable(&f, 0) != 0)
		return 1;
	tp_cfg_set(f.t, 0, 0x48 + 8, 2, 0x2810 | 2u << 5);	/* MPS 512 */
	tlpemu_test_tlpdev_up_clear(f.t);
	tlpemu_test_tlpdev_set_discard(f.t, true);

	for (i = 0; i < BENCH_BURST; i++)
		tlpemu_test_mem_hdr(&h[i], false, TP_BAR0 + 0x1000 + 4 * i, 4, 0, (uint16_t)i);
	bench_run(&f, h, 1000);	/* warm up */
	before = tlpemu_test_tlpdev_up_total(f.t);
	cycles = bench_run(&f, h, rounds);
	secs = (double)cycles / (double)hz;
	printf("bench_pcifn: BAR register reads: %.2f M/s per core (%.1f ns each, %" PRIu64
	       " completions)\n", rounds * (double)BENCH_BURST / secs / 1e6,
	       secs * 1e9 / (rounds * (double)BENCH_BURST),
	       tlpemu_test_tlpdev_up_total(f.t) - before);

	for (i = 0; i < BENCH_BURST; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		h[i].kind = TLP_KIND_CFGRD0;
		h[i].len_dw = 1;
		h[i].first_be = 0xf;
		h[i].cfg_id = tlp_rid(1, 0, 0);
		h[i].cfg_reg = (uint16_t)(4 * (i % 16));
		h[i].tag = (uint16_t)i;
	}
	cycles = bench_run(&f, h, rounds);
	secs = (double)cycles / (double)hz;
	printf("bench_pcifn: config reads: %.1f ns per request (%.2f M/s)\n",
	       secs * 1e9 / (rounds * (double)BENCH_BURST),
	       rounds * (double)BENCH_BURST / secs / 1e6);

	for (i = 0; i < BENCH_BURST; i++)
		tlpemu_test_mem_hdr(&h[i], false, TP_BAR2 + 4096ull * i, 4096, 0, (uint16_t)i);
	cycles = bench_run(&f, h, rounds / 20);
	secs = (double)cycles / (double)hz;
	printf("bench_pcifn: 4 KiB reads (8 CplDs each at MPS 512): %.0f MB/s, %.0f ns each\n",
	       rounds / 20 * (double)BENCH_BURST * 4096 / secs / 1e6,
	       secs * 1e9 / (rounds / 20 * (double)BENCH_BURST));

	pcifn_stats_get(f.fn[0], &st);
	printf("bench_pcifn: mem_rd=%" PRIu64 " cfg_rd=%" PRIu64 " ur=%" PRIu64 " ca=%" PRIu64
	       " dropped=%" PRIu64 "\n", st.mem_rd, st.cfg_rd, st.cpl_ur, st.cpl_ca,
	       st.cpl_dropped);
	tp_teardown(&f);
	rte_eal_cleanup();
	return st.cpl_ur == 0 && st.cpl_ca == 0 ? 0 : 1;
}
