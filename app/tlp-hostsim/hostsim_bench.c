/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * bench-rtt: round trips of config reads (CfgRd0 to 00:00.0, register 0) and
 * memory reads (MRd of 1 DW) over the link, one request at a time (latency)
 * and with a window of requests outstanding (throughput). Prints key=value
 * lines; exits 1 if any completion failed or timed out.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim.h"

/* Latency histogram: 10 ns buckets up to 1 ms, then one overflow bucket. */
#define BENCH_BUCKET_NS 10u
#define BENCH_BUCKETS 100000u
#define BENCH_MAX_BURST 256u

struct bench_conf {
	uint64_t addr;		/* MRd target */
	uint64_t count;		/* latency samples per kind */
	uint64_t warmup;	/* unmeasured requests per kind */
	uint64_t duration_ms;	/* throughput run per kind */
	uint32_t burst;		/* requests outstanding in the throughput run */
	uint16_t qid;
};

struct bench_result {
	double p50_us, p99_us, max_us;
	double tlps_per_s;
	uint64_t errors;
};

struct bench_hist {
	uint32_t *bucket;	/* BENCH_BUCKETS + 1 */
	uint64_t n;
	uint64_t max_ns;
};

enum {
	BENCH_OPT_ADDR = HOSTSIM_OPT_CMD_BASE,
	BENCH_OPT_COUNT,
	BENCH_OPT_WARMUP,
	BENCH_OPT_DURATION,
	BENCH_OPT_BURST,
	BENCH_OPT_QUEUE,
};

static void
bench_hist_add(struct bench_hist *h, uint64_t ns)
{
	uint64_t b = ns / BENCH_BUCKET_NS;

	h->bucket[b < BENCH_BUCKETS ? b : BENCH_BUCKETS]++;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->n++;
}

/* The upper edge of the bucket holding the @p q quantile, in microseconds. */
static double
bench_hist_quantile(const struct bench_hist *h, double q)
{
	uint64_t want = (uint64_t)((double)h->n * q), seen = 0;
	unsigned int b;

	if (h->n == 0)
		return 0;
	if (want >= h->n)
		want = h->n - 1;
	for (b = 0; b <= BENCH_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen > want)
			break;
	}
	if (b >= BENCH_BUCKETS)
		return (double)h->max_ns / 1e3;
	return (double)(b + 1) * BENCH_BUCKET_NS / 1e3;
}

/* One request, polled to its outcome. Returns the outcome's status. */
static int
bench_one(struct tlpsim_host *host, uint16_t qid, struct tlpsim_host_req *req,
	  struct tlpsim_host_cpl *cpl)
{
	int ret;

	/* Nothing else is outstanding: the ring and the tags have room. */
	while ((ret = tlpsim_host_submit(host, qid, req, 1)) == 0)
		tlpsim_host_poll(host, qid, cpl, 1);
	if (ret < 0)
		return ret;
	while (tlpsim_host_poll(host, qid, cpl, 1) == 0)
		;
	return cpl->status;
}

static int
bench_latency(struct tlpsim_host *host, const struct bench_conf *bc,
	      const struct tlpsim_host_req *tmpl, struct bench_result *res)
{
	struct bench_hist h = { 0 };
	struct tlpsim_host_req req;
	struct tlpsim_host_cpl cpl;
	uint64_t i;
	int ret;

	h.bucket = calloc(BENCH_BUCKETS + 1, sizeof(*h.bucket));
	if (h.bucket == NULL)
		return -ENOMEM;
	for (i = 0; i < bc->warmup + bc->count; i++) {
		req = *tmpl;
		ret = bench_one(host, bc->qid, &req, &cpl);
		if (ret == -ENOTCONN) {
			res->errors++;
			break;
		}
		if (ret != 0) {
			res->errors++;
			continue;
		}
		if (i >= bc->warmup)
			bench_hist_add(&h, cpl.rtt_ns);
	}
	res->p50_us = bench_hist_quantile(&h, 0.50);
	res->p99_us = bench_hist_quantile(&h, 0.99);
	res->max_us = (double)h.max_ns / 1e3;
	free(h.bucket);
	return 0;
}

static void
bench_throughput(struct tlpsim_host *host, const struct bench_conf *bc,
		 const struct tlpsim_host_req *tmpl, struct bench_result *res)
{
	struct tlpsim_host_req reqs[BENCH_MAX_BURST];
	struct tlpsim_host_cpl cpls[BENCH_MAX_BURST];
	uint64_t done = 0, t0, t1, end;
	unsigned int outstanding = 0, i;
	uint16_t nb;
	int ret;

	for (i = 0; i < bc->burst; i++)
		reqs[i] = *tmpl;
	t0 = tlpsim_host_clock();
	end = t0 + tlpsim_host_clock_hz() / 1000 * bc->duration_ms;
	for (;;) {
		if (outstanding < bc->burst) {
			ret = tlpsim_host_submit(host, bc->qid, reqs,
						 (uint16_t)(bc->burst - outstanding));
			if (ret < 0) {
				res->errors++;
				break;
			}
			outstanding += (unsigned int)ret;
		}
		nb = tlpsim_host_poll(host, bc->qid, cpls, BENCH_MAX_BURST);
		for (i = 0; i < nb; i++)
			if (cpls[i].status != 0)
				res->errors++;
		outstanding -= nb;
		done += nb;
		if ((done & 0xff) < nb && tlpsim_host_clock() >= end)
			break;
	}
	t1 = tlpsim_host_clock();
	res->tlps_per_s = (double)done * 1e9 / (double)tlpsim_host_clock_ns(t1 - t0);
	/* Drain: what is still outstanding completes or times out. */
	while (outstanding > 0) {
		nb = tlpsim_host_poll(host, bc->qid, cpls, BENCH_MAX_BURST);
		for (i = 0; i < nb; i++)
			if (cpls[i].status != 0)
				res->errors++;
		outstanding -= nb;
		if (!tlpsim_host_link_up(host) && tlpsim_host_outstanding(host, bc->qid) == 0)
			break;
	}
}

static void
bench_usage(FILE *f)
{
	fprintf(f,
		"  --addr ADDR       where BAR 0 of function 0 is placed and read, 1 DW at a\n"
		"                    time (default 0xfe000000)\n"
		"  --count N         latency samples per kind (default 100000)\n"
		"  --warmup N        unmeasured requests before each run (default 1000)\n"
		"  --duration-ms N   length of each throughput run (default 1000)\n"
		"  --burst N         requests outstanding in throughput runs (default 32)\n"
		"  --queue N         queue to use (default 0)\n");
}

static int
bench_parse(int argc, char **argv, struct hostsim_opts *o, struct bench_conf *bc)
{
	static const struct option longopts[] = {
		HOSTSIM_COMMON_LONGOPTS,
		{ "addr", required_argument, NULL, BENCH_OPT_ADDR },
		{ "count", required_argument, NULL, BENCH_OPT_COUNT },
		{ "warmup", required_argument, NULL, BENCH_OPT_WARMUP },
		{ "duration-ms", required_argument, NULL, BENCH_OPT_DURATION },
		{ "burst", required_argument, NULL, BENCH_OPT_BURST },
		{ "queue", required_argument, NULL, BENCH_OPT_QUEUE },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = hostsim_cmd_opt(c, optarg, &hostsim_cmd_bench_rtt, o);
		if (ret == 2)
			return 1;
		if (ret == 1)
			continue;
		if (ret < 0)
			return -1;
		switch (c) {
		case BENCH_OPT_ADDR:
			if (hostsim_parse_u64("addr", optarg, 0, UINT64_MAX - 3, &bc->addr) != 0)
				return -1;
			if ((bc->addr & 3) != 0) {
				fprintf(stderr, "--addr: '%s' is not DW aligned\n", optarg);
				return -1;
			}
			break;
		case BENCH_OPT_COUNT:
			if (hostsim_parse_u64("count", optarg, 1, UINT32_MAX, &bc->count) != 0)
				return -1;
			break;
		case BENCH_OPT_WARMUP:
			if (hostsim_parse_u64("warmup", optarg, 0, UINT32_MAX, &bc->warmup) != 0)
				return -1;
			break;
		case BENCH_OPT_DURATION:
			if (hostsim_parse_u64("duration-ms", optarg, 1, 3600000,
					      &bc->duration_ms) != 0)
				return -1;
			break;
		case BENCH_OPT_BURST:
			if (hostsim_parse_u64("burst", optarg, 1, BENCH_MAX_BURST, &v) != 0)
				return -1;
			bc->burst = (uint32_t)v;
			break;
		case BENCH_OPT_QUEUE:
			if (hostsim_parse_u64("queue", optarg, 0, TLPSIM_MAX_QUEUES - 1, &v) != 0)
				return -1;
			bc->qid = (uint16_t)v;
			break;
		default:
			hostsim_cmd_usage(stderr, &hostsim_cmd_bench_rtt);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bench-rtt: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (bc->qid >= o->queues) {
		fprintf(stderr, "--queue: %u is not below --queues %u\n", bc->qid, o->queues);
		return -1;
	}
	return 0;
}

/*
 * Place BAR 0 of function 0 at @p addr and enable memory decoding, as an OS
 * would after sizing it, so that the memory reads land in the BAR.
 */
static int
bench_setup_bar(struct tlpsim_host *host, uint16_t qid, uint64_t addr)
{
	const uint16_t bdf = tlp_rid(0, 0, 0);
	uint32_t bar0, cmd;
	int ret;

	ret = tlpsim_host_cfg_read(host, qid, bdf, 0x10, &bar0);
	if (ret == 0)
		ret = tlpsim_host_cfg_write(host, qid, bdf, 0x10, 0xf, (uint32_t)addr);
	/* A 64-bit memory BAR (type 10b) takes the upper half in BAR 1. */
	if (ret == 0 && (bar0 & 0x7) == 0x4)
		ret = tlpsim_host_cfg_write(host, qid, bdf, 0x14, 0xf, (uint32_t)(addr >> 32));
	if (ret == 0)
		ret = tlpsim_host_cfg_read(host, qid, bdf, 0x04, &cmd);
	if (ret == 0)
		ret = tlpsim_host_cfg_write(host, qid, bdf, 0x04, 0x3, (cmd & 0xffff) | 0x2);
	return ret;
}

static void
bench_print(const char *kind, const struct bench_result *r)
{
	printf("%s_rtt_p50_us=%.2f\n", kind, r->p50_us);
	printf("%s_rtt_p99_us=%.2f\n", kind, r->p99_us);
	printf("%s_rtt_max_us=%.2f\n", kind, r->max_us);
	printf("%s_tlps_per_s=%.0f\n", kind, r->tlps_per_s);
}

static int
bench_run(int argc, char **argv, struct hostsim_opts *o)
{
	struct bench_conf bc = {
		.addr = 0xfe000000ull,
		.count = 100000,
		.warmup = 1000,
		.duration_ms = 1000,
		.burst = 32,
	};
	struct bench_result cfg = { 0 }, mem = { 0 };
	struct tlpsim_host_req cfg_req, mem_req;
	struct tlpsim_host_stats st;
	struct tlpsim_host *host;
	uint64_t errors;
	int ret;

	ret = bench_parse(argc, argv, o, &bc);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (hostsim_pin(o->core) != 0 || hostsim_host_open(o, &host) != 0)
		return 1;

	memset(&cfg_req, 0, sizeof(cfg_req));
	cfg_req.hdr.kind = TLP_KIND_CFGRD0;
	cfg_req.hdr.len_dw = 1;
	cfg_req.hdr.first_be = 0xf;
	cfg_req.hdr.cfg_id = tlp_rid(0, 0, 0);
	cfg_req.hdr.cfg_reg = 0;
	memset(&mem_req, 0, sizeof(mem_req));
	mem_req.hdr.kind = TLP_KIND_MRD;
	mem_req.hdr.addr = bc.addr;
	mem_req.hdr.len_dw = 1;
	mem_req.hdr.first_be = 0xf;

	ret = bench_setup_bar(host, bc.qid, bc.addr);
	if (ret == 0)
		ret = bench_latency(host, &bc, &cfg_req, &cfg);
	if (ret == 0)
		ret = bench_latency(host, &bc, &mem_req, &mem);
	if (ret != 0) {
		fprintf(stderr, "bench-rtt: %s\n", strerror(-ret));
		tlpsim_host_destroy(host);
		return 1;
	}
	bench_throughput(host, &bc, &cfg_req, &cfg);
	bench_throughput(host, &bc, &mem_req, &mem);

	tlpsim_host_stats_get(host, &st);
	bench_print("cfg", &cfg);
	bench_print("mem", &mem);
	errors = cfg.errors + mem.errors + st.cpl_unexpected + st.cpl_malformed + st.up_malformed;
	printf("cpl_timeouts=%" PRIu64 "\n", st.cpl_timeouts);
	printf("errors=%" PRIu64 "\n", errors);
	fflush(stdout);
	tlpsim_host_destroy(host);
	return errors != 0 || st.cpl_timeouts != 0 ? 1 : 0;
}

const struct hostsim_cmd hostsim_cmd_bench_rtt = {
	.name = "bench-rtt",
	.summary = "round-trip latency and throughput of config and memory reads",
	.run = bench_run,
	.usage = bench_usage,
};
