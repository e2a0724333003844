/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Device-side cost per packet of the virtio-net data path: dequeue (host TX
 * chains to mbufs, mbuf allocation included) and enqueue (mbufs to host RX
 * buffers, mbuf free included), 64 and 1518 bytes, split and packed, direct
 * and DMA paths, bursts of 32. The host side (refilling rings, reading used
 * entries) runs outside the measured calls. Prints figures, asserts nothing.
 *
 * Cycles: meson test -C build --benchmark vemu   (or run bench_vemu)
 * Instructions (repeatable), one case at a time:
 *   valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file=/tmp/cg.out \
 *     build/app/test/bench_vemu --callgrind split,direct,64,deq
 *   callgrind_annotate /tmp/cg.out | head -20
 * Only the burst calls are collected (CALLGRIND_TOGGLE_COLLECT): the
 * "PROGRAM TOTALS" Ir divided by the packets the bench prints is the
 * instruction count per packet. The DMA cases run on the in-process test
 * tlpdev (no link latency): they show the instructions of the batched
 * copies; DMA round trips per burst are the calls of tlpdev_dma_submit() in
 * the callgrind output. Figures: doc/guides/prog_guide/virtio_emu_vq.rst.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <virtio_emu_net_regs.h>
#include <virtio_emu_net_rxtx.h>

#include "test_vemu_vq_drv.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

#define BURST	32u
#define QSIZE	256u

static struct rte_mempool *bv_mp;
static struct tdrv bv_d;

struct bv_result {
	uint64_t cycles;
	uint64_t pkts;
};

static void
bv_host_tx(struct tdrv *d, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		struct tdrv_seg s = { tdrv_buf(d, i), 12 + len, false };

		tdrv_add(d, &s, 1, false);
	}
}

static void
bv_host_rx(struct tdrv *d)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		struct tdrv_seg s = { tdrv_buf(d, BURST + i), 2048, true };

		tdrv_add(d, &s, 1, false);
	}
}

static int
bv_run(bool packed, enum tdrv_path path, uint32_t len, bool deq, unsigned int iters,
       struct bv_result *r)
{
	struct virtio_emu_net_q_conf qc = { .mp = bv_mp };
	struct rte_mbuf *m[BURST];
	struct virtio_emu_net_q *q;
	struct tdrv *d = &bv_d;
	unsigned int it, i;
	uint64_t t0;
	uint16_t n;

	if (tdrv_setup(d, packed, QSIZE, 0, path, NULL) != 0)
		return -1;
	qc.vq = d->vq;
	qc.features = d->features;
	q = virtio_emu_net_q_create(&qc);
	if (q == NULL)
		return -1;
	/* Frame contents: the host writes them once. */
	for (i = 0; i < BURST; i++)
		memset(tdrv_va(d, tdrv_buf(d, i)), 0, 12 + len);
	r->cycles = 0;
	r->pkts = 0;
	for (it = 0; it < iters; it++) {
		if (deq) {
			bv_host_tx(d, len);
			t0 = rte_rdtsc_precise();
			CALLGRIND_TOGGLE_COLLECT;
			n = virtio_emu_net_dequeue_burst(q, m, BURST);
			CALLGRIND_TOGGLE_COLLECT;
			r->cycles += rte_rdtsc_precise() - t0;
			rte_pktmbuf_free_bulk(m, n);
		} else {
			bv_host_rx(d);
			if (rte_pktmbuf_alloc_bulk(bv_mp, m, BURST) != 0)
				return -1;
			for (i = 0; i < BURST; i++) {
				m[i]->data_len = (uint16_t)len;
				m[i]->pkt_len = len;
			}
			t0 = rte_rdtsc_precise();
			CALLGRIND_TOGGLE_COLLECT;
			n = virtio_emu_net_enqueue_burst(q, m, BURST);
			CALLGRIND_TOGGLE_COLLECT;
			r->cycles += rte_rdtsc_precise() - t0;
			if (n != BURST)
				rte_pktmbuf_free_bulk(m + n, BURST - n);
		}
		r->pkts += n;
		tdrv_used_drain(d);
	}
	virtio_emu_net_q_free(q);
	tdrv_teardown(d);
	return r->pkts == (uint64_t)iters * BURST ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const uint32_t lens[] = { 64, 1518 };
	struct bv_result r;
	unsigned int l, p, s, dir;

	if (tdrv_global_init() != 0)
		return 1;
	rte_log_set_level_pattern("lib.virtio_emu.*", RTE_LOG_CRIT);
	bv_mp = rte_pktmbuf_pool_create("bv_mp", 2047, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					SOCKET_ID_ANY);
	if (bv_mp == NULL)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--callgrind") == 0) {
		char lay[16], pa[16], di[16];
		unsigned int ln;

		if (sscanf(argv[2], "%15[^,],%15[^,],%u,%15s", lay, pa, &ln, di) != 4)
			return 1;
		if (bv_run(strcmp(lay, "packed") == 0, strcmp(pa, "dma") == 0 ? TDRV_DMA :
			   TDRV_DIRECT, ln, strcmp(di, "deq") == 0, 1000, &r) != 0)
			return 1;
		printf("callgrind case %s: %" PRIu64 " packets\n", argv[2], r.pkts);
		return 0;
	}
	printf("%-7s %-6s %5s %-8s %10s\n", "layout", "path", "bytes", "dir", "cycles/pkt");
	for (l = 0; l < 2; l++)
		for (p = 0; p < TDRV_PATHS; p++)
			for (s = 0; s < RTE_DIM(lens); s++)
				for (dir = 0; dir < 2; dir++) {
					if (bv_run(l, p, lens[s], dir == 0, 20000, &r) != 0) {
						printf("run failed\n");
						return 1;
					}
					printf("%-7s %-6s %5u %-8s %10.1f\n",
					       l ? "packed" : "split",
					       p == TDRV_DIRECT ? "direct" : "dma", lens[s],
					       dir == 0 ? "dequeue" : "enqueue",
					       (double)r.cycles / (double)r.pkts);
				}
	return 0;
}
