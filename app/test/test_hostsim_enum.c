/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * dpdk-tlp-hostsim lspci and flr against devices whose config space is a
 * model with real register semantics (read-only, writable masks, BAR sizing,
 * FLR answering CRS while it lasts): a well-formed multi-function device,
 * BAR layouts that exercise placement, hostile capability lists, a function
 * that answers CRS at enumeration, FLRs fast, slow and broken. The model
 * runs in the device process (the test responder with a config hook); its
 * BAR window at TST_BAR holds the MSI-X table.
 *
 * With a second argument (the path of dpdk-tlp-responder, a lib/pcifn
 * function), lspci and flr also run against it.
 *
 * usage: test_hostsim_enum <dpdk-tlp-hostsim> [<dpdk-tlp-responder>] [cases]
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"

static const char *hostsim;
static const char *responder;

/* --- the config space model (runs in the device process) ------------------ */

enum model_caps {
	CAPS_GOOD = 0,
	CAPS_LOOP,		/* 0x40 -> 0x50 -> 0x40 */
	CAPS_INTO_HEADER,	/* 0x40 -> 0x10 */
	CAPS_UNALIGNED,		/* 0x40 -> 0x52 */
	CAPS_EXT_LOOP,		/* 0x100 -> 0x140 -> 0x100 */
	CAPS_EXT_LOW,		/* 0x100 -> 0x0c0 */
	CAPS_NO_FLR,		/* PCI Express without FLR */
};

enum model_bars {
	BARS_GOOD = 0,		/* 32-bit 4K (MSI-X), 64-bit pref 16K, I/O 256 */
	BARS_MIXED,		/* 32-bit pref 1M, 32-bit 4K, 64-bit 64K, 64-bit pref 1G */
};

struct model {
	uint8_t caps;		/* enum model_caps */
	uint8_t bars;		/* enum model_bars */
	uint8_t nb_fns;		/* 1 or 2 (multi-function) */
	uint8_t flr_broken;	/* FLR does not reset the config space */
	uint32_t crs_first_ms;	/* CRS to everything for this long after the first access */
	uint32_t flr_ms;	/* CRS for this long after an FLR */
	/* State. */
	uint64_t first_ns;
	uint64_t crs_until_ns;
	uint8_t cfg[2][4096];
	uint8_t wmask[2][4096];
	uint8_t reset_cfg[2][4096];
};

static struct model the_model;

#define M_EXP 0x50
#define M_MSIX 0x70

static uint64_t
model_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
put(uint8_t *p, uint16_t off, uint32_t v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

/* A memory BAR of @p size at slot @p i: type bits RO, address bits RW. */
static void
model_bar(struct model *m, unsigned int fn, unsigned int i, uint64_t size, int is64, int pref,
	  int io)
{
	uint16_t reg = (uint16_t)(0x10 + 4 * i);
	uint64_t mask = ~(size - 1);

	if (io) {
		put(m->cfg[fn], reg, 1, 4);
		put(m->wmask[fn], reg, (uint32_t)mask & ~3u, 4);
		return;
	}
	put(m->cfg[fn], reg, (is64 ? 4u : 0u) | (pref ? 8u : 0u), 4);
	put(m->wmask[fn], reg, (uint32_t)mask & ~0xfu, 4);
	if (is64)
		put(m->wmask[fn], reg + 4, (uint32_t)(mask >> 32), 4);
}

static void
model_build(struct model *m)
{
	unsigned int fn;
	uint8_t *c, *w;

	for (fn = 0; fn < m->nb_fns; fn++) {
		c = m->cfg[fn];
		w = m->wmask[fn];
		put(c, 0x00, TST_VENDOR_ID | (TST_DEVICE_ID + fn) << 16, 4);
		put(w, 0x04, 0x0547, 2);		/* Command */
		put(c, 0x06, 0x0010, 2);		/* Status: capabilities list */
		put(c, 0x08, 0x02000001, 4);		/* Ethernet, rev 01 */
		c[0x0e] = m->nb_fns > 1 ? 0x80 : 0x00;
		put(c, 0x2c, 0x11001af4, 4);
		w[0x3c] = 0xff;
		c[0x3d] = 1;				/* INTA */
		if (m->bars == BARS_GOOD) {
			model_bar(m, fn, 0, 4096, 0, 0, 0);
			model_bar(m, fn, 2, 16384, 1, 1, 0);
			model_bar(m, fn, 4, 256, 0, 0, 1);
		} else {
			model_bar(m, fn, 0, 1u << 20, 0, 1, 0);
			model_bar(m, fn, 1, 4096, 0, 0, 0);
			model_bar(m, fn, 2, 65536, 1, 0, 0);
			model_bar(m, fn, 4, 1ull << 30, 1, 1, 0);
		}
		/* PM at 0x40, Express at 0x50, MSI-X at 0x70, vendor at 0x80. */
		c[0x34] = 0x40;
		put(c, 0x40, 0x0003 << 16 | M_EXP << 8 | 0x01, 4);
		put(c, 0x44, 0x0008, 2);		/* D0, No_Soft_Reset */
		put(w, 0x44, 0x0003, 2);
		put(c, M_EXP, 0x0002 << 16 | M_MSIX << 8 | 0x10, 4);
		put(c, M_EXP + 4, m->caps == CAPS_NO_FLR ? 0x8022u : 0x10008022u, 4);
		put(c, M_EXP + 8, 0x2830, 2);		/* MPS 256, MRRS 512 */
		put(w, M_EXP + 8, 0xffff, 2);
		put(c, M_EXP + 0xc, 0x13, 4);		/* 8 GT/s x1 */
		put(c, M_EXP + 0x12, 0x13, 2);
		put(c, M_MSIX, 0x0003 << 16 | 0x80 << 8 | 0x11, 4);	/* 4 vectors */
		put(w, M_MSIX + 2, 0xc000, 2);
		put(c, M_MSIX + 4, 0x800, 4);		/* table: BAR 0 + 0x800 */
		put(c, M_MSIX + 8, 0xc00, 4);		/* PBA: BAR 0 + 0xc00 */
		put(c, 0x80, 0x0c << 16 | 0x09, 4);	/* vendor-specific, 12 bytes, last */
		/* Extended: vendor-specific at 0x100, serial number at 0x140. */
		put(c, 0x100, 0x140u << 20 | 1u << 16 | 0x000b, 4);
		put(c, 0x104, 0x01c0abcd, 4);
		put(c, 0x140, 1u << 16 | 0x0003, 4);
		put(c, 0x144, 0x89abcdef, 4);
		put(c, 0x148, 0x01234567, 4);
		switch (m->caps) {
		case CAPS_LOOP:
			c[M_EXP + 1] = 0x40;
			break;
		case CAPS_INTO_HEADER:
			c[0x41] = 0x10;
			break;
		case CAPS_UNALIGNED:
			c[0x41] = 0x52;
			break;
		case CAPS_EXT_LOOP:
			put(c, 0x140, 0x100u << 20 | 1u << 16 | 0x0003, 4);
			break;
		case CAPS_EXT_LOW:
			put(c, 0x100, 0x0c0u << 20 | 1u << 16 | 0x000b, 4);
			break;
		default:
			break;
		}
		memcpy(m->reset_cfg[fn], c, 4096);
	}
}

static int
model_ready(struct model *m)
{
	uint64_t now = model_now_ns();

	if (m->first_ns == 0)
		m->first_ns = now;
	if (now - m->first_ns < (uint64_t)m->crs_first_ms * 1000000u)
		return 0;
	return now >= m->crs_until_ns;
}

static int
model_read(void *ctx, uint8_t fn, uint16_t reg, uint32_t *val)
{
	struct model *m = ctx;

	if (fn >= m->nb_fns)
		return TLP_CPL_UR;
	if (!model_ready(m))
		return TLP_CPL_CRS;
	memcpy(val, &m->cfg[fn][reg], 4);
	return TLP_CPL_SC;
}

static int
model_write(void *ctx, uint8_t fn, uint16_t reg, uint8_t be, uint32_t val)
{
	struct model *m = ctx;
	unsigned int b;
	uint8_t *c, *w, v;
	int flr;

	if (fn >= m->nb_fns)
		return TLP_CPL_UR;
	if (!model_ready(m))
		return TLP_CPL_CRS;
	c = m->cfg[fn];
	w = m->wmask[fn];
	for (b = 0; b < 4; b++) {
		if ((be & (1u << b)) == 0)
			continue;
		v = (uint8_t)(val >> (8 * b));
		c[reg + b] = (uint8_t)((c[reg + b] & ~w[reg + b]) | (v & w[reg + b]));
	}
	/* Initiate FLR: reset, then CRS for a while; the bit reads 0. */
	flr = reg == M_EXP + 8 && (be & 2) && (c[M_EXP + 9] & 0x80);
	if (flr) {
		c[M_EXP + 9] &= 0x7f;
		if (m->caps != CAPS_NO_FLR) {
			if (!m->flr_broken)
				memcpy(c, m->reset_cfg[fn], 4096);
			m->crs_until_ns = model_now_ns() + (uint64_t)m->flr_ms * 1000000u;
		}
	}
	return TLP_CPL_SC;
}

static const struct tst_cfg_ops model_ops = {
	.read = model_read,
	.write = model_write,
};

/* --- running the tool --------------------------------------------------- */

#define OUT_MAX 65536

/* Run hostsim with @p args; stdout into @p out, stderr discarded unless failing. */
static int
run(const char *const *args, char *out, size_t cap)
{
	return tst_run_capture(hostsim, args, out, cap);
}

/* Whether @p out has a line containing @p s. */
static int
has(const char *out, const char *s)
{
	return strstr(out, s) != NULL;
}

/* How many times @p s occurs in @p out. */
static unsigned int
count(const char *out, const char *s)
{
	unsigned int n = 0;

	while ((out = strstr(out, s)) != NULL) {
		n++;
		out++;
	}
	return n;
}

/* The value of "key=" at the start of a line, or -1. */
static double
value(const char *out, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = out; (p = strstr(p, pat)) != NULL; p++)
		if (p == out || p[-1] == '\n')
			return strtod(p + strlen(pat), NULL);
	return -1;
}

struct env {
	struct tst_dir dir;
	pid_t dev;
	char out[OUT_MAX];
};

static int
env_up(struct env *e, const struct model *m)
{
	memset(&e->dir, 0, sizeof(e->dir));
	if (tst_dir_make(&e->dir) != 0)
		return -1;
	the_model = *m;
	model_build(&the_model);
	/* The child gets its own copy of the model. */
	e->dev = tst_dev_spawn_cfg(e->dir.sock, NULL, 1, &model_ops, &the_model);
	return e->dev > 0 ? 0 : -1;
}

static void
env_down(struct env *e)
{
	tst_child_kill(e->dev, SIGKILL);
	tst_dir_remove(&e->dir);
}

#define HOSTSIM_ARGS(e) "--socket", (e)->dir.sock, "--connect-timeout-ms", "20000", \
	"--cpl-timeout-ms", "3000"

/* --- cases --------------------------------------------------------------- */

static int
test_enum_lspci(void)
{
	static struct env e;
	struct model m = { .nb_fns = 2 };
	struct tlpsim_host *h;
	uint32_t v;
	int ret;

	TEST_ASSERT(env_up(&e, &m) == 0, "device");
	{
		const char *args[] = {
			"lspci", HOSTSIM_ARGS(&e), "--mmio-base", "0xfe000000", "--msix", "2",
			"--raw", NULL,
		};

		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 0, "lspci succeeds:\n%s", e.out);
	TEST_ASSERT(has(e.out, "00:00.0 Ethernet controller [0200]: Vendor 1af4 Device 10f0 "
			"(rev 01)\n"), "header line:\n%s", e.out);
	TEST_ASSERT(has(e.out, "00:00.1 Ethernet controller [0200]: Vendor 1af4 Device 10f1"),
		    "function 1 found (multi-function):\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tSubsystem: Vendor 1af4 Device 1100\n"), "subsystem");
	TEST_ASSERT(has(e.out, "\tControl: I/O- Mem+ BusMaster+ "), "decoding on:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tInterrupt: pin A\n"), "pin");
	/* Function 0's BARs: the 4K one at the window base, the 64-bit one high. */
	TEST_ASSERT(has(e.out, "\tRegion 0: Memory at fe000000 (32-bit, non-prefetchable) "
			"[size=4K]\n"), "BAR 0:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 2: Memory at 8000000000 (64-bit, prefetchable) "
			"[size=16K]\n"), "BAR 2:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 4: I/O ports at <unassigned> [size=256]\n"), "I/O");
	/* Function 1's come next in each window. */
	TEST_ASSERT(has(e.out, "\tRegion 0: Memory at fe001000 (32-bit"), "fn 1 BAR 0");
	TEST_ASSERT(has(e.out, "\tRegion 2: Memory at 8000004000 (64-bit"), "fn 1 BAR 2");
	TEST_ASSERT(has(e.out, "\tCapabilities: [40] Power Management version 3\n"), "PM");
	TEST_ASSERT(has(e.out, "\tCapabilities: [50] Express (v2) Endpoint, MSI 00\n"), "EXP");
	TEST_ASSERT(has(e.out, "\t\tDevCap:\tMaxPayload 512 bytes"), "DevCap MPS");
	TEST_ASSERT(has(e.out, "ExtTag+ RBE+ FLReset+\n"), "FLR capable");
	TEST_ASSERT(has(e.out, "\t\t\tMaxPayload 256 bytes, MaxReadReq 512 bytes\n"), "DevCtl");
	TEST_ASSERT(has(e.out, "\t\tLnkCap:\tPort #0, Speed 8GT/s, Width x1\n"), "LnkCap");
	TEST_ASSERT(has(e.out, "\tCapabilities: [70] MSI-X: Enable+ Count=4 Masked-\n"),
		    "MSI-X enabled:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\t\tVector table: BAR=0 offset=00000800\n"), "table");
	TEST_ASSERT(has(e.out, "\t\tPBA: BAR=0 offset=00000c00\n"), "PBA");
	/* Read back from the device's BAR: the MMIO writes landed in the table. */
	TEST_ASSERT(has(e.out, "\t\tVector 1: Address 00000000fee00000 Data 00004001 Masked-\n"),
		    "vector 1 programmed:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tCapabilities: [80] Vendor Specific Information: Len=0c\n"),
		    "vendor cap");
	TEST_ASSERT(has(e.out, "\tCapabilities: [100 v1] Vendor Specific Information: ID=abcd "
			"Rev=0 Len=01c\n"), "extended vendor cap:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tCapabilities: [140 v1] Device Serial Number "
			"0123456789abcdef\n"), "serial number");
	TEST_ASSERT(!has(e.out, "walk stopped"), "clean walks");
	TEST_ASSERT(has(e.out, "\n00: f4 1a f0 10 06 00 10 00 01 00 00 02"), "raw dump:\n%s",
		    e.out);

	/* What the device kept, seen by another host afterwards. */
	TEST_ASSERT_EQUAL(tst_host_open(e.dir.sock, NULL, &h), 0, "host");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(h, 0, 0, 0x10, &v), 0, "BAR 0");
	TEST_ASSERT_EQUAL(v, 0xfe000000u, "BAR 0 address in the device");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(h, 0, 0, 0x18, &v), 0, "BAR 2");
	TEST_ASSERT_EQUAL(v, 0x0000000cu, "BAR 2 low: address bits 0, type bits kept");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(h, 0, 0, 0x1c, &v), 0, "BAR 3");
	TEST_ASSERT_EQUAL(v, 0x80u, "BAR 2 high half");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(h, 0, 0, 0x04, &v), 0, "Command");
	TEST_ASSERT_EQUAL(v & 0x7, 0x6, "Mem and BusMaster on, I/O off");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(h, 0, 0, M_MSIX, &v), 0, "MSI-X");
	TEST_ASSERT_EQUAL(v >> 30, 0x2, "MSI-X enabled, function unmasked");
	tlpsim_host_destroy(h);
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_enum_bar_placement(void)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .bars = BARS_MIXED };
	int ret;

	TEST_ASSERT(env_up(&e, &m) == 0, "device");
	{
		const char *args[] = { "lspci", HOSTSIM_ARGS(&e), "--no-msix", NULL };

		ret = run(args, e.out, sizeof(e.out));
	}
	/* MSI-X table in BAR 0 is fine; MSI-X is left off. Largest first, size-aligned. */
	TEST_ASSERT_EQUAL(ret, 0, "lspci:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 0: Memory at e0000000 (32-bit, prefetchable) "
			"[size=1M]\n"), "BAR 0:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 2: Memory at e0100000 (64-bit, non-prefetchable) "
			"[size=64K]\n"), "64-bit non-prefetchable stays below 4G:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 1: Memory at e0110000 (32-bit, non-prefetchable) "
			"[size=4K]\n"), "BAR 1");
	TEST_ASSERT(has(e.out, "\tRegion 4: Memory at 8000000000 (64-bit, prefetchable) "
			"[size=1G]\n"), "BAR 4");
	TEST_ASSERT(has(e.out, "MSI-X: Enable- Count=4"), "MSI-X left off");
	TEST_ASSERT(has(e.out, "\tControl: I/O- Mem+ BusMaster+"), "decoding on");
	{
		/* A 1 MiB window: BAR 0 fits, the others do not. */
		const char *args[] = {
			"lspci", HOSTSIM_ARGS(&e), "--mmio-base", "0xfed00000", NULL,
		};

		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 1, "unplaceable BARs fail lspci:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 0: Memory at fed00000 (32-bit, prefetchable)"), "fits");
	TEST_ASSERT(has(e.out, "\tRegion 2: Memory at <unassigned> (64-bit, non-prefetchable)"),
		    "no room:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 4: Memory at 8000000000"), "64-bit window unaffected");
	{
		/* Windows overlapping host memory are refused before anything is sent. */
		const char *args[] = {
			"lspci", HOSTSIM_ARGS(&e), "--mmio64-base", "0x100000000", NULL,
		};

		TEST_ASSERT_EQUAL(run(args, e.out, sizeof(e.out)), 2, "overlap refused");
	}
	env_down(&e);
	return TEST_SUCCESS;
}

/* A hostile capability list: the walk stops, says why, and lspci fails. */
static int
hostile_caps(enum model_caps caps, const char *want, const char *still)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .caps = (uint8_t)caps };
	uint64_t t0;
	int ret;

	TEST_ASSERT(env_up(&e, &m) == 0, "device");
	t0 = tst_now_ms();
	{
		const char *args[] = { "lspci", HOSTSIM_ARGS(&e), NULL };

		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 1, "a broken list fails lspci:\n%s", e.out);
	TEST_ASSERT(has(e.out, want), "'%s' reported:\n%s", want, e.out);
	TEST_ASSERT(has(e.out, still), "'%s' still listed:\n%s", still, e.out);
	/* Each capability before the break listed once: the walk did not go round. */
	TEST_ASSERT_EQUAL(count(e.out, "\tCapabilities: [40] "), 1, "PM once:\n%s", e.out);
	TEST_ASSERT(tst_now_ms() - t0 < 15000, "bounded");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_enum_caps_loop(void)
{
	return hostile_caps(CAPS_LOOP, "\tCapabilities: <walk stopped: loop back to [40]>\n",
			    "\tCapabilities: [50] Express");
}

static int
test_enum_caps_into_header(void)
{
	return hostile_caps(CAPS_INTO_HEADER,
			    "\tCapabilities: <walk stopped: pointer 10 into the header>\n",
			    "\tCapabilities: [40] Power Management");
}

static int
test_enum_caps_unaligned(void)
{
	return hostile_caps(CAPS_UNALIGNED,
			    "\tCapabilities: <walk stopped: unaligned pointer 52>\n",
			    "\tCapabilities: [40] Power Management");
}

static int
test_enum_ext_caps_loop(void)
{
	return hostile_caps(CAPS_EXT_LOOP,
			    "\tCapabilities: <extended walk stopped: loop back to [100]>\n",
			    "\tCapabilities: [140 v1] Device Serial Number");
}

static int
test_enum_ext_caps_low(void)
{
	return hostile_caps(CAPS_EXT_LOW, "<extended walk stopped: pointer 0c0 below the "
			    "extended space>\n", "\tCapabilities: [100 v1] Vendor Specific");
}

/* CRS at enumeration: retried for up to a second. */
static int
test_enum_crs(void)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .crs_first_ms = 150 };
	uint64_t t0;
	int ret;

	TEST_ASSERT(env_up(&e, &m) == 0, "device");
	{
		const char *args[] = { "lspci", HOSTSIM_ARGS(&e), NULL };

		t0 = tst_now_ms();
		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 0, "CRS for 150 ms is waited out:\n%s", e.out);
	TEST_ASSERT(has(e.out, "00:00.0 Ethernet controller"), "found");
	env_down(&e);

	m.crs_first_ms = 60000;
	TEST_ASSERT(env_up(&e, &m) == 0, "device");
	{
		const char *args[] = { "lspci", HOSTSIM_ARGS(&e), NULL };

		t0 = tst_now_ms();
		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 1, "a function that never gets ready is absent");
	TEST_ASSERT(tst_now_ms() - t0 >= 1000, "after the 1 s CRS timeout");
	TEST_ASSERT(tst_now_ms() - t0 < 10000, "and not much longer");
	TEST_ASSERT(!has(e.out, "00:00.0"), "nothing listed");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
flr_case(const struct model *m, const char *fn, int want_rc, struct env *e)
{
	int ret;

	TEST_ASSERT(env_up(e, m) == 0, "device");
	{
		const char *args[] = { "flr", HOSTSIM_ARGS(e), "--fn", fn, NULL };

		ret = run(args, e->out, sizeof(e->out));
	}
	TEST_ASSERT_EQUAL(ret, want_rc, "flr exit status:\n%s", e->out);
	return TEST_SUCCESS;
}

static int
test_flr_crs(void)
{
	static struct env e;
	struct model m = { .nb_fns = 2, .flr_ms = 30 };

	TEST_ASSERT_EQUAL(flr_case(&m, "1", 0, &e), TEST_SUCCESS, "flr");
	TEST_ASSERT(has(e.out, "flr_fn=00:00.1\n"), "function 1");
	TEST_ASSERT(value(e.out, "flr_us") >= 30000, "took the 30 ms of CRS:\n%s", e.out);
	TEST_ASSERT(value(e.out, "flr_us") < 100000, "under 100 ms");
	TEST_ASSERT(value(e.out, "flr_crs_retries") >= 5, "CRS answers counted:\n%s", e.out);
	TEST_ASSERT(has(e.out, "flr_state=ok\n"), "reset state:\n%s", e.out);
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_flr_slow(void)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .flr_ms = 150 };

	TEST_ASSERT_EQUAL(flr_case(&m, "0", 1, &e), TEST_SUCCESS, "flr");
	TEST_ASSERT(value(e.out, "flr_us") >= 100000, "measured:\n%s", e.out);
	TEST_ASSERT(value(e.out, "flr_crs_retries") > 0, "CRS meanwhile");
	TEST_ASSERT(has(e.out, "flr_state=ok\n"), "state fine, only too slow");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_flr_broken(void)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .flr_broken = 1 };

	TEST_ASSERT_EQUAL(flr_case(&m, "0", 1, &e), TEST_SUCCESS, "flr");
	TEST_ASSERT(has(e.out, "flr_state=mem_enabled,bus_master_enabled,bar0_not_zero,"
			"bar3_not_zero,msix_enabled\n"), "what is wrong:\n%s",
		    e.out);
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_flr_unsupported(void)
{
	static struct env e;
	struct model m = { .nb_fns = 1, .caps = CAPS_NO_FLR };

	TEST_ASSERT_EQUAL(flr_case(&m, "0", 1, &e), TEST_SUCCESS, "flr");
	TEST_ASSERT(has(e.out, "flr_supported=0\n"), "not advertised:\n%s", e.out);
	TEST_ASSERT(!has(e.out, "flr_us="), "not attempted");
	env_down(&e);
	{
		struct model m1 = { .nb_fns = 1 };

		TEST_ASSERT_EQUAL(flr_case(&m1, "3", 1, &e), TEST_SUCCESS, "absent function");
		env_down(&e);
	}
	return TEST_SUCCESS;
}

/* lspci and flr against dpdk-tlp-responder: a lib/pcifn function. */
static int
test_enum_pcifn(void)
{
	static struct env e;
	char vdev[160], prefix[64];
	pid_t parent = getpid();
	int ret;

	if (responder == NULL)
		TEST_SKIP("no dpdk-tlp-responder given");
	TEST_ASSERT(tst_dir_make(&e.dir) == 0, "dir");
	snprintf(vdev, sizeof(vdev), "tlp_sim0,path=%s", e.dir.sock);
	snprintf(prefix, sizeof(prefix), "--file-prefix=hostsim-enum-%d", (int)getpid());
	fflush(NULL);
	e.dev = fork();
	if (e.dev == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		execl(responder, responder, "-l", "1", "--no-huge", "-m", "256", "--no-pci",
		      "--no-shconf", "--no-telemetry", prefix, "--vdev", vdev, "--",
		      (char *)NULL);
		_exit(127);
	}
	TEST_ASSERT(e.dev > 0, "fork");
	tst_track_pid(e.dev);
	{
		const char *args[] = { "lspci", HOSTSIM_ARGS(&e), "--msix", "4", NULL };

		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 0, "lspci:\n%s", e.out);
	TEST_ASSERT(has(e.out, "00:00.0 ") && has(e.out, ": Vendor 1b36 Device 0005"),
		    "identity:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tRegion 0: Memory at e0000000 (64-bit, non-prefetchable) "
			"[size=16K]\n"), "BAR 0:\n%s", e.out);
	TEST_ASSERT(has(e.out, "\tControl: I/O- Mem+ BusMaster+"), "enabled");
	TEST_ASSERT(has(e.out, "Power Management version 3"), "PM");
	TEST_ASSERT(has(e.out, "Express (v2) Endpoint"), "PCIe");
	TEST_ASSERT(has(e.out, "FLReset+"), "FLR capable");
	TEST_ASSERT(has(e.out, "MSI-X: Enable+ Count=4 Masked-"), "MSI-X");
	TEST_ASSERT(has(e.out, "\t\tVector 3: Address 00000000fee00000 Data 00004003 Masked-"),
		    "vectors programmed in pcifn's table:\n%s", e.out);
	TEST_ASSERT(!has(e.out, "walk stopped"), "clean walk");
	{
		const char *args[] = { "flr", HOSTSIM_ARGS(&e), NULL };

		ret = run(args, e.out, sizeof(e.out));
	}
	TEST_ASSERT_EQUAL(ret, 0, "flr:\n%s", e.out);
	TEST_ASSERT(has(e.out, "flr_state=ok\n"), "pcifn back in its reset state:\n%s", e.out);
	TEST_ASSERT(value(e.out, "flr_us") >= 0 && value(e.out, "flr_us") < 100000, "time");
	TEST_ASSERT(value(e.out, "flr_crs_retries") >= 0, "CRS retries printed");
	tst_child_kill(e.dev, SIGTERM);
	tst_dir_remove(&e.dir);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_enum_lspci),
	TEST_CASE(test_enum_bar_placement),
	TEST_CASE(test_enum_caps_loop),
	TEST_CASE(test_enum_caps_into_header),
	TEST_CASE(test_enum_caps_unaligned),
	TEST_CASE(test_enum_ext_caps_loop),
	TEST_CASE(test_enum_ext_caps_low),
	TEST_CASE(test_enum_crs),
	TEST_CASE(test_flr_crs),
	TEST_CASE(test_flr_slow),
	TEST_CASE(test_flr_broken),
	TEST_CASE(test_flr_unsupported),
	TEST_CASE(test_enum_pcifn),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	char rundir[64];
	int ret;
	int skip = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: %s <dpdk-tlp-hostsim> [<dpdk-tlp-responder>] [cases]\n",
			argv[0]);
		return 1;
	}
	hostsim = argv[1];
	if (argc >= 3 && strncmp(argv[2], "test_", 5) != 0) {
		responder = argv[2];
		skip = 2;
	}
	argv[skip] = argv[0];
	ret = tlpemu_test_run("hostsim_enum", cases, argc - skip, argv + skip);
	/* The responder ran with --no-shconf --no-telemetry: its runtime directory is empty. */
	snprintf(rundir, sizeof(rundir), "/var/run/dpdk/hostsim-enum-%d", (int)getpid());
	rmdir(rundir);
	return ret;
}
