/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * libFuzzer target for lib/pcifn: arbitrary request streams against a group
 * of two functions behind the test tlpdev.
 *
 * An input is a sequence of operations, each an opcode byte and its
 * operands (missing operand bytes read as 0):
 *   op & 7 = 0..2  raw TLP: length byte (plus 256 * (next byte & 15) when
 *                  op & 8), then that many wire bytes through tlp_decode()
 *            3, 4  config write / read: function, register (2), BE, value (4)
 *            5     memory access: function, BAR, offset (2), length, data;
 *                  op & 8: write
 *            6     interrupt: function, vector; op & 8: INTx level, else MSI-X
 *            7     event: hot reset, link down and up, FLR, link full toggle
 * Each operation is served at once and the invariants checked; any broken
 * one aborts:
 *   - every non-posted request got exactly one answer (a completion, or the
 *     set of completions of a split read, with consistent byte counts and
 *     lower addresses), status SC/UR/CA, CRS only for config requests;
 *     posted requests and messages none;
 *   - no MSI went out from a group where no function may master the bus;
 *   - both capability chains are well formed and unchanged, bounded walks;
 *   - API calls return only the values they document.
 * Every input starts from a hot reset of the group.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

#include "test_pcifn_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tp_fix fz;
static struct tlpemu_test_rsp fz_rsp;
static uint8_t fz_ids[2][8];
static int fz_nb_ids[2];
static uint16_t fz_tag;

static void
fz_fail(const char *what, long v)
{
	fprintf(stderr, "fuzz_pcifn: %s (%ld)\n", what, v);
	abort();
}

/* Bounded walk of a config image; number of capabilities or -1. */
static int
fz_walk(const uint8_t *cfg, uint8_t *ids, unsigned int max)
{
	unsigned int n = 0;
	uint8_t off = cfg[PCIFN_CFG_CAP_PTR];

	while (off != 0) {
		if (n >= 48 || off < 0x40 || (off & 3) != 0)
			return -1;
		if (n < max)
			ids[n] = cfg[off];
		n++;
		off = cfg[off + 1];
	}
	return (int)n;
}

static void
fz_check_chains(void)
{
	static uint8_t cfg[4096];
	uint8_t ids[8];
	unsigned int i;
	int n;

	for (i = 0; i < 2; i++) {
		if (pcifn_config_read(fz.fn[i], 0, cfg, sizeof(cfg)) != 0)
			fz_fail("config read", i);
		n = fz_walk(cfg, ids, RTE_DIM(ids));
		if (n != fz_nb_ids[i] || memcmp(ids, fz_ids[i], (size_t)n) != 0)
			fz_fail("capability chain changed", n);
		if (cfg[0x100] != 0 || cfg[0x101] != 0 || cfg[0x102] != 0 || cfg[0x103] != 0)
			fz_fail("extended header changed", cfg[0x100]);
	}
}

/* After an operation: no completion left unclaimed; MSI only with a bus master. */
static void
fz_check_upstream(void)
{
	const struct tlpemu_test_up *u;
	bool master = pcifn_dma_allowed(fz.fn[0]) || pcifn_dma_allowed(fz.fn[1]);
	unsigned int i;

	for (i = 0; i < tlpemu_test_tlpdev_up_count(fz.t); i++) {
		u = tlpemu_test_tlpdev_up_peek(fz.t, i);
		if (u->kind == TLPEMU_TEST_UP_CPL)
			fz_fail("completion nobody asked for", u->hdr.tag);
		if (u->kind == TLPEMU_TEST_UP_MSI && !master)
			fz_fail("MSI without bus master", u->msi_data);
	}
	tlpemu_test_tlpdev_up_clear(fz.t);
}

/* Check the answer to one request. */
static void
fz_check_answer(const struct tlp_hdr *h, int ret)
{
	bool np = tlp_kind_is_nonposted(h->kind);

	if (!np) {
		if (ret != -ETIMEDOUT)
			fz_fail("posted request answered", ret);
		return;
	}
	if (ret < 0)
		fz_fail("non-posted request without exactly one right answer", ret);
	if (ret == TLP_CPL_CRS && h->kind != TLP_KIND_CFGRD0 && h->kind != TLP_KIND_CFGWR0)
		fz_fail("CRS for a request other than a Type 0 config request", h->kind);
	if (ret != TLP_CPL_SC && ret != TLP_CPL_UR && ret != TLP_CPL_CA && ret != TLP_CPL_CRS)
		fz_fail("bad completion status", ret);
}

static size_t
fz_take(const uint8_t **p, size_t *left, void *out, size_t n)
{
	size_t k = n < *left ? n : *left;

	memset(out, 0, n);
	memcpy(out, *p, k);
	*p += k;
	*left -= k;
	return k;
}

static uint8_t
fz_u8(const uint8_t **p, size_t *left)
{
	uint8_t v;

	fz_take(p, left, &v, 1);
	return v;
}

static void
fz_raw(uint8_t op, const uint8_t **p, size_t *left)
{
	static uint8_t buf[TLP_MAX_BYTES];
	const void *payload = NULL;
	struct tlp_hdr h;
	size_t len = fz_u8(p, left);
	int ret;

	if (op & 8)
		len += 256u * (fz_u8(p, left) & 0xf);
	len = fz_take(p, left, buf, len);
	if (tlp_decode(buf, len, &h, &payload) != 0 || tlp_kind_is_cpl(h.kind))
		return;
	/* Unique tags so that answers can be matched. */
	h.tag = (uint16_t)(fz_tag++ & 0x3ff);
	h.req_id = 0;
	if (tlpemu_test_tlpdev_inject(fz.t, 0, &h, payload) != 0)
		fz_fail("inject", 0);
	tlpemu_test_tlpdev_service(fz.t);
	ret = tlpemu_test_collect(fz.t, &h, &fz_rsp);
	fz_check_answer(&h, ret);
}

static void
fz_cfg(uint8_t op, const uint8_t **p, size_t *left)
{
	uint8_t fn = fz_u8(p, left) & 7, be;
	uint16_t reg;
	uint32_t v;
	int ret;

	fz_take(p, left, &reg, 2);
	be = fz_u8(p, left) & 0xf;
	fz_take(p, left, &v, 4);
	if ((op & 7) == 3)
		ret = tlpemu_test_cfg_write(fz.t, fn, reg & 0xffc, be, v);
	else
		ret = tlpemu_test_cfg_read(fz.t, fn, reg & 0xffc, be, &v);
	if (ret != TLP_CPL_SC && ret != TLP_CPL_UR && ret != TLP_CPL_CRS)
		fz_fail("config request", ret);
	if (fn >= 2 && ret != TLP_CPL_UR)
		fz_fail("absent function answered", ret);
}

static void
fz_mem(uint8_t op, const uint8_t **p, size_t *left)
{
	static const unsigned int bars[] = { 0, 2, 4 };
	static const uint64_t sizes[] = { 16384, TP_MEM_SIZE, 16384 };
	static uint8_t buf[256];
	uint8_t fn = fz_u8(p, left) & 1, b = fz_u8(p, left) % 3, len;
	uint64_t addr;
	uint16_t off;
	int ret;

	fz_take(p, left, &off, 2);
	len = fz_u8(p, left);
	addr = pcifn_bar_addr(fz.fn[fn], bars[b]);
	if (addr == 0)
		addr = b == 0 ? TP_BAR0 : b == 1 ? TP_BAR2 : TP_BAR4;
	addr += off % sizes[b];
	if ((addr & 0xfff) + len + 1u > 4096)
		addr -= len + 1u;
	if (op & 8) {
		fz_take(p, left, buf, len + 1u);
		ret = tlpemu_test_mem_write(fz.t, addr, len + 1u, buf);
		if (ret != 0)
			fz_fail("memory write answered", ret);
	} else {
		ret = tlpemu_test_mem_read(fz.t, addr, len + 1u, &fz_rsp);
		if (ret != TLP_CPL_SC && ret != TLP_CPL_UR && ret != TLP_CPL_CA)
			fz_fail("memory read", ret);
	}
}

static void
fz_irq(uint8_t op, const uint8_t **p, size_t *left)
{
	uint8_t fn = fz_u8(p, left) & 1, vec = fz_u8(p, left);
	int ret;

	if (op & 8) {
		if (pcifn_intx_set(fz.fn[fn], vec & 1) != 0)
			fz_fail("intx_set", fn);
		return;
	}
	ret = pcifn_msix_notify(fz.fn[fn], 0, vec % 10);
	if (ret != 0 && ret != -EINVAL && ret != -EPERM && ret != -ENOBUFS)
		fz_fail("msix_notify", ret);
	if (ret == -EINVAL && vec % 10 < 8)
		fz_fail("msix_notify: vector in range refused", vec);
	if (ret == 0 && !pcifn_dma_allowed(fz.fn[fn]))
		fz_fail("msix_notify accepted without bus master", ret);
}

static void
fz_event(const uint8_t **p, size_t *left)
{
	uint8_t e = fz_u8(p, left);

	switch (e % 4) {
	case 0:
		tlpemu_test_tlpdev_hot_reset(fz.t);
		tlpemu_test_tlpdev_service(fz.t);
		break;
	case 1:
		tlpemu_test_tlpdev_link_set(fz.t, false);
		tlpemu_test_tlpdev_service(fz.t);
		tlpemu_test_tlpdev_link_set(fz.t, true);
		tlpemu_test_tlpdev_service(fz.t);
		break;
	case 2:
		if (tlpemu_test_cfg_write(fz.t, (e >> 2) & 1, 0x48 + 8, 0x2, 0x8000) < 0)
			fz_fail("FLR write", e);
		break;
	default:
		tlpemu_test_tlpdev_set_tx_limit(fz.t, (e & 4) ? 1 : -1);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;
	unsigned int ops = 0;
	uint8_t op;

	tlpemu_test_tlpdev_set_tx_limit(fz.t, -1);
	tlpemu_test_tlpdev_hot_reset(fz.t);
	tlpemu_test_tlpdev_service(fz.t);
	tlpemu_test_tlpdev_up_clear(fz.t);
	while (left > 0 && ops++ < 256) {
		op = fz_u8(&p, &left);
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			fz_raw(op, &p, &left);
			break;
		case 3:
		case 4:
			fz_cfg(op, &p, &left);
			break;
		case 5:
			fz_mem(op, &p, &left);
			break;
		case 6:
			fz_irq(op, &p, &left);
			break;
		default:
			fz_event(&p, &left);
			break;
		}
		fz_check_upstream();
		fz_check_chains();
	}
	return 0;
}

static void
fz_eal_cleanup(void)
{
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	static char prefix[64];
	char *eal_argv[] = {
		(char *)(uintptr_t)"fuzz_pcifn", (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
		(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
		(char *)(uintptr_t)"--no-telemetry", (char *)(uintptr_t)"--log-level=*:error",
		prefix, NULL,
	};
	static uint8_t cfg[4096];
	unsigned int i;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz-pcifn-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0)
		fz_fail("rte_eal_init", 0);
	/* Nothing lives in EAL's runtime directory (no shconf, no telemetry). */
	rmdir(rte_eal_get_runtime_dir());
	atexit(fz_eal_cleanup);
	if (tp_setup(&fz, "fuzz_pcifn", 2) != 0)
		fz_fail("setup", 0);
	for (i = 0; i < 2; i++) {
		pcifn_config_read(fz.fn[i], 0, cfg, sizeof(cfg));
		fz_nb_ids[i] = fz_walk(cfg, fz_ids[i], RTE_DIM(fz_ids[i]));
		if (fz_nb_ids[i] != 3)
			fz_fail("initial chain", fz_nb_ids[i]);
	}
	return 0;
}
