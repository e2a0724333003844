/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * flr: enumerate (so that the function has something to lose: BARs assigned,
 * memory decoding and bus mastering on, MSI-X enabled), then Function Level
 * Reset one function the way an OS does: check that it advertises FLR, wait
 * for its pending transactions to drain (at most 100 ms), set Initiate FLR,
 * then read its Vendor ID until it answers with something valid, counting
 * the CRS answers. Then check that it came back in its reset state.
 *
 * Output, one key=value per line: flr_fn, flr_us, flr_crs_retries,
 * flr_state (ok, or the problems separated by commas). Exits 1 when the
 * function cannot FLR, does not come back, is not in its reset state, or took
 * 100 ms or more.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostsim_enum.h"

enum {
	FLR_OPT_FN = HOSTSIM_OPT_CMD_BASE,
	FLR_OPT_TIMEOUT,
};

/* What the PCIe Base Spec gives a function to complete an FLR. */
#define FLR_LIMIT_US 100000u

struct flr_conf {
	uint8_t fn;
	uint32_t timeout_ms;	/* give up waiting for the function after this */
};

static uint64_t
flr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
flr_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ns };

	nanosleep(&ts, NULL);
}

/* Wait for Transactions Pending to clear, at most 100 ms. 0, 1 (still set) or errno. */
static int
flr_wait_pending(struct hostsim_enum *e, uint16_t bdf, uint16_t exp)
{
	uint64_t end = flr_now_ns() + FLR_LIMIT_US * 1000ull;
	uint32_t sta;
	int ret;

	for (;;) {
		ret = hostsim_cfg_read(e->host, e->qid, bdf, exp + HOSTSIM_EXP_DEVSTA, 2, &sta);
		if (ret != 0)
			return ret;
		if ((sta & HOSTSIM_EXP_DEVSTA_TRPND) == 0)
			return 0;
		if (flr_now_ns() >= end)
			return 1;
		flr_sleep_ns(1000000);
	}
}

/*
 * Poll the Vendor ID until it reads back @p id. CRS answers are counted;
 * other failures are retried as well until @p timeout_ms. The delay between
 * reads doubles from 10 us up to 1 ms. Returns 0 with the IDs read in *@p id,
 * or -ETIMEDOUT / -ENOTCONN.
 */
static int
flr_wait_back(struct hostsim_enum *e, uint16_t bdf, uint32_t *id, uint32_t timeout_ms,
	      unsigned int *crs, unsigned int *other)
{
	uint64_t end = flr_now_ns() + (uint64_t)timeout_ms * 1000000u, delay = 10000;
	uint32_t v;
	int ret;

	for (;;) {
		ret = tlpsim_host_cfg_read(e->host, e->qid, bdf, HOSTSIM_CFG_VENDOR, &v);
		if (ret == 0 && (v & 0xffff) != 0xffff && (v & 0xffff) != 0 &&
		    (v & 0xffff) != 0x0001) {
			*id = v;
			return 0;
		}
		if (ret == -ENOTCONN)
			return ret;
		if (ret == -EAGAIN)
			(*crs)++;
		else
			(*other)++;
		if (flr_now_ns() >= end)
			return -ETIMEDOUT;
		flr_sleep_ns(delay);
		if (delay < 1000000)
			delay *= 2;
	}
}

static void
flr_problem(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n > 0 ? "," : "", what);
}

/*
 * The function after the FLR: Command decoding and bus mastering off, BARs
 * back to zero, MSI-X off, Initiate FLR reading 0. Problems go into @p buf.
 */
static int
flr_check_state(struct hostsim_enum *e, const struct hostsim_fn *f, uint16_t exp, uint16_t msix,
		char *buf, size_t len)
{
	uint32_t v, mask;
	unsigned int i;
	char what[32];
	int ret;

	buf[0] = '\0';
	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, HOSTSIM_CFG_COMMAND, 2, &v);
	if (ret != 0)
		return ret;
	if (v & HOSTSIM_CMD_MEM)
		flr_problem(buf, len, "mem_enabled");
	if (v & HOSTSIM_CMD_BME)
		flr_problem(buf, len, "bus_master_enabled");
	for (i = 0; i < HOSTSIM_NB_BARS; i++) {
		if (f->bar[i].kind == HOSTSIM_BAR_NONE && (i == 0 ||
		    f->bar[i - 1].kind != HOSTSIM_BAR_MEM64))
			continue;
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf,
					   (uint16_t)(HOSTSIM_CFG_BAR0 + 4 * i), &v);
		if (ret != 0)
			return ret;
		/* The address bits, not the read-only type bits. */
		if (f->bar[i].kind == HOSTSIM_BAR_IO)
			mask = ~3u;
		else if (f->bar[i].kind == HOSTSIM_BAR_NONE)
			mask = ~0u;	/* upper half of a 64-bit BAR */
		else
			mask = ~0xfu;
		if ((v & mask) != 0) {
			snprintf(what, sizeof(what), "bar%u_not_zero", i);
			flr_problem(buf, len, what);
		}
	}
	if (msix != 0) {
		ret = hostsim_cfg_read(e->host, e->qid, f->bdf, msix + HOSTSIM_MSIX_CTRL, 2, &v);
		if (ret != 0)
			return ret;
		if (v & HOSTSIM_MSIX_ENABLE)
			flr_problem(buf, len, "msix_enabled");
		if (v & HOSTSIM_MSIX_MASKALL)
			flr_problem(buf, len, "msix_function_masked");
	}
	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, exp + HOSTSIM_EXP_DEVCTL, 2, &v);
	if (ret != 0)
		return ret;
	if (v & HOSTSIM_EXP_DEVCTL_FLR)
		flr_problem(buf, len, "initiate_flr_reads_1");
	if (buf[0] == '\0')
		snprintf(buf, len, "ok");
	return 0;
}

static int
flr_do(struct hostsim_enum *e, const struct flr_conf *fc)
{
	const struct hostsim_fn *f = &e->fn[fc->fn];
	uint16_t exp = hostsim_cap_find(f, HOSTSIM_CAP_EXP), msix;
	unsigned int crs = 0, other = 0;
	uint32_t id = hostsim_fn_cfg32(f, HOSTSIM_CFG_VENDOR), id_after = 0, devctl;
	uint64_t t0, us;
	char state[256];
	int ret;

	printf("flr_fn=%02x:%02x.%u\n", f->bdf >> 8, (f->bdf >> 3) & 0x1f, f->bdf & 7);
	if (exp == 0 || (hostsim_fn_cfg32(f, exp + HOSTSIM_EXP_DEVCAP) &
			 HOSTSIM_EXP_DEVCAP_FLR) == 0) {
		printf("flr_supported=0\n");
		fprintf(stderr, "flr: the function does not advertise FLR (%s)\n",
			exp == 0 ? "no PCI Express capability" : "DevCap FLReset-");
		return 1;
	}
	msix = hostsim_cap_find(f, HOSTSIM_CAP_MSIX);
	ret = flr_wait_pending(e, f->bdf, exp);
	if (ret == 1)
		fprintf(stderr, "flr: transactions still pending after 100 ms, resetting anyway\n");
	else if (ret != 0)
		goto fail;
	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, exp + HOSTSIM_EXP_DEVCTL, 2, &devctl);
	if (ret != 0)
		goto fail;
	t0 = flr_now_ns();
	ret = hostsim_cfg_write(e->host, e->qid, f->bdf, exp + HOSTSIM_EXP_DEVCTL, 2,
				devctl | HOSTSIM_EXP_DEVCTL_FLR);
	if (ret == 0)
		ret = flr_wait_back(e, f->bdf, &id_after, fc->timeout_ms, &crs, &other);
	us = (flr_now_ns() - t0) / 1000;
	if (ret == -ETIMEDOUT) {
		printf("flr_us=%" PRIu64 "\nflr_crs_retries=%u\nflr_state=not_back\n", us, crs);
		fprintf(stderr, "flr: the function did not come back within %u ms\n",
			fc->timeout_ms);
		return 1;
	}
	if (ret != 0)
		goto fail;
	printf("flr_us=%" PRIu64 "\n", us);
	printf("flr_crs_retries=%u\n", crs);
	ret = flr_check_state(e, f, exp, msix, state, sizeof(state));
	if (ret != 0)
		goto fail;
	if (strcmp(state, "ok") == 0 && (other != 0 || id_after != id))
		state[0] = '\0';
	if (id_after != id)
		flr_problem(state, sizeof(state), "identity_changed");
	if (other != 0)
		flr_problem(state, sizeof(state), "bad_answers_while_resetting");
	printf("flr_state=%s\n", state);
	if (us >= FLR_LIMIT_US)
		fprintf(stderr, "flr: took %" PRIu64 " us, the limit is %u\n", us, FLR_LIMIT_US);
	return strcmp(state, "ok") != 0 || us >= FLR_LIMIT_US ? 1 : 0;
fail:
	fprintf(stderr, "flr: config access failed: %s\n", strerror(-ret));
	return 1;
}

static void
flr_usage(FILE *f)
{
	fprintf(f,
		"  --fn N            function to reset (default 0)\n"
		"  --timeout-ms N    how long to wait for it to come back (default 1000)\n");
	hostsim_enum_usage(f);
}

static int
flr_parse(int argc, char **argv, struct hostsim_opts *o, struct hostsim_enum_conf *ec,
	  struct flr_conf *fc)
{
	static const struct option longopts[] = {
		HOSTSIM_COMMON_LONGOPTS,
		HOSTSIM_ENUM_LONGOPTS,
		{ "fn", required_argument, NULL, FLR_OPT_FN },
		{ "timeout-ms", required_argument, NULL, FLR_OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = hostsim_cmd_opt(c, optarg, &hostsim_cmd_flr, o);
		if (ret == 2)
			return 1;
		if (ret == 0)
			ret = hostsim_enum_opt(c, optarg, ec);
		if (ret < 0)
			return -1;
		if (ret == 1)
			continue;
		switch (c) {
		case FLR_OPT_FN:
			if (hostsim_parse_u64("fn", optarg, 0, HOSTSIM_MAX_FNS - 1, &v) != 0)
				return -1;
			fc->fn = (uint8_t)v;
			break;
		case FLR_OPT_TIMEOUT:
			if (hostsim_parse_u64("timeout-ms", optarg, 1, 60000, &v) != 0)
				return -1;
			fc->timeout_ms = (uint32_t)v;
			break;
		default:
			hostsim_cmd_usage(stderr, &hostsim_cmd_flr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "flr: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return hostsim_enum_conf_check(ec, o);
}

static int
flr_run(int argc, char **argv, struct hostsim_opts *o)
{
	struct flr_conf fc = { .fn = 0, .timeout_ms = 1000 };
	struct hostsim_enum_conf ec;
	struct hostsim_enum *e = NULL;
	struct tlpsim_host *host;
	int ret;

	hostsim_enum_conf_init(&ec);
	ret = flr_parse(argc, argv, o, &ec, &fc);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (hostsim_pin(o->core) != 0 || hostsim_host_open(o, &host) != 0)
		return 1;
	ret = hostsim_enum_run(host, 0, &ec, &e);
	if (ret != 0 && ret != -ENODEV) {
		fprintf(stderr, "flr: enumeration failed: %s\n", strerror(-ret));
		ret = 1;
	} else if (e == NULL || !e->present[fc.fn]) {
		fprintf(stderr, "flr: no function %02x:00.%u\n", ec.bus, fc.fn);
		ret = 1;
	} else {
		ret = flr_do(e, &fc);
	}
	fflush(stdout);
	hostsim_enum_free(e);
	tlpsim_host_destroy(host);
	return ret;
}

const struct hostsim_cmd hostsim_cmd_flr = {
	.name = "flr",
	.summary = "Function Level Reset of one function, timed, and its reset state checked",
	.run = flr_run,
	.usage = flr_usage,
};
