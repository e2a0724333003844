/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Persisted state of a virtio-pci function (pcifn_state_*,
 * virtio_emu_pci_state_*): round trip through a buffer and a file into a
 * fresh transport, which then presents the host's BARs, MSI-X set-up and
 * virtio registers with DEVICE_NEEDS_RESET and a configuration interrupt;
 * corrupt, truncated, foreign, wrong-version and inconsistent states are
 * refused and leave the function at power-on state. Hostile-inputs item 37.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_hash_crc.h>

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define RING VIRTIO_EMU_F(VIRTIO_F_RING_RESET)
#define QBASE 0x100000000ull
/* Offsets in the formats (fixed by the version). */
#define ST_VERSION_OFF 4
#define ST_CRC_OFF 12
#define ST_CRC_START 16
#define VEMU_ST_STATUS_OFF 60	/* device status byte of the transport header */

static const struct virtio_emu_pci_params st_params = {
	.device_type = 1,
	.class_code = 0x020000,
	.features = V1 | RING,
	.num_queues = 3,
	.dev_cfg_len = 8,
};

/* A function driven to DRIVER_OK with MSI-X, two queues; its state in *buf. */
static int
st_make(uint8_t **buf, int *len)
{
	struct vh h;

	if (vh_setup_mock(&h, &st_params) != 0)
		return -1;
	if (!(vh_negotiate(&h, V1 | RING) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	vh_cc_wr(&h, CC(config_msix_vector), 2, 3);
	vh_cc_wr(&h, CC(queue_select), 2, 0);
	vh_cc_wr(&h, CC(queue_msix_vector), 2, 1);
	if (vh_queue_setup(&h, 0, 64, QBASE) != 0 ||
	    vh_queue_setup(&h, 1, 128, QBASE + 0x10000) != 0)
		return -1;
	vh_set_status(&h, VH_S_RUN);
	if (vh_status(&h) != VH_S_RUN || vh_msix_enable(&h, 4) != 0)
		return -1;
	*len = virtio_emu_pci_state_save(h.pci, NULL, 0);
	if (*len <= 0)
		return -1;
	*buf = malloc((size_t)*len);
	if (*buf == NULL || virtio_emu_pci_state_save(h.pci, *buf, (size_t)*len) != *len)
		return -1;
	if (virtio_emu_pci_state_save(h.pci, *buf, (size_t)*len - 1) != -ENOSPC)
		return -1;
	vh_teardown(&h);
	return 0;
}

/* A fresh transport in its group, no request served yet (a restarted process). */
static int
st_fresh(struct vh *h, const struct virtio_emu_pci_params *p)
{
	memset(h, 0, sizeof(*h));
	h->pci = virtio_emu_pci_create(p, &vh_mock_ops, &h->mock);
	if (h->pci == NULL)
		return -1;
	h->t = tlpemu_test_tlpdev_create("vemu_host", NULL);
	if (h->t == NULL)
		return -1;
	h->grp = pcifn_group_create(tlpemu_test_tlpdev_id(h->t));
	if (h->grp == NULL || pcifn_group_add(h->grp, virtio_emu_pci_fn(h->pci), 0) != 0)
		return -1;
	return 0;
}

/* Connect the host side to a fresh transport without configuring it. */
static int
st_attach(struct vh *h)
{
	tlpemu_test_tlpdev_set_service(h->t, vh_service, h);
	tlpemu_test_tlpdev_service(h->t);
	h->bar0 = VH_BAR0;
	return vh_find_caps(h);
}

static void
st_fix_crc(uint8_t *b, size_t len)
{
	uint32_t crc = rte_hash_crc(b + ST_CRC_START, len - ST_CRC_START, 0);

	memcpy(b + ST_CRC_OFF, &crc, 4);
}

static int
test_state_round_trip(void)
{
	uint32_t cmd = 0, bar = 0, ctrl = 0, tbl = 0;
	uint8_t *buf = NULL;
	struct vh h;
	int len = 0;

	TEST_ASSERT(st_make(&buf, &len) == 0, "state of a running function");
	TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh transport");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_restore(h.pci, buf, (size_t)len), 1,
			  "restored, NEEDS_RESET owed");
	TEST_ASSERT(st_attach(&h) == 0, "host attached");
	/* PCI: the host's BAR, Command and MSI-X set-up are there. */
	TEST_ASSERT_EQUAL(vh_cfg_get(&h, PCIFN_CFG_BAR0, 4, &bar), 0, "BAR read");
	TEST_ASSERT_EQUAL(bar & ~0xfu, (uint32_t)VH_BAR0, "BAR 0 low");
	TEST_ASSERT_EQUAL(vh_cfg_get(&h, PCIFN_CFG_BAR0 + 4, 4, &bar), 0, "BAR read");
	TEST_ASSERT_EQUAL(bar, (uint32_t)(VH_BAR0 >> 32), "BAR 0 high");
	vh_cfg_get(&h, PCIFN_CFG_COMMAND, 2, &cmd);
	TEST_ASSERT_EQUAL(cmd & (PCIFN_CMD_MEM | PCIFN_CMD_BME), PCIFN_CMD_MEM | PCIFN_CMD_BME,
			  "memory and bus master enabled");
	vh_cfg_get(&h, (uint16_t)(vh_msix_cap(&h) + 2), 2, &ctrl);
	TEST_ASSERT(ctrl & PCIFN_MSIX_CTRL_ENABLE, "MSI-X enabled");
	vh_cfg_get(&h, (uint16_t)(vh_msix_cap(&h) + 4), 4, &tbl);
	tbl &= ~PCIFN_MSIX_BIR_MASK;
	TEST_ASSERT_EQUAL(vh_rd(&h, tbl + 3 * 16, 4), 0xfee00000u + 12, "vector 3 address");
	TEST_ASSERT_EQUAL(vh_rd(&h, tbl + 3 * 16 + 8, 4), 3, "vector 3 data");
	/* virtio: registers back, NEEDS_RESET set, queues not running. */
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN | VIRTIO_CONFIG_S_NEEDS_RESET, "status");
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), V1 | RING, "features");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_msix_vector), 2), 3, "msix_config");
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_size), 2), 128, "queue 1 size");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_desc), 4), (uint32_t)(QBASE + 0x10000),
			  "queue 1 address");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_enable), 2), 0, "queue 1 not resumed");
	vh_cc_wr(&h, CC(queue_select), 2, 0);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_msix_vector), 2), 1, "queue 0 vector");
	TEST_ASSERT_EQUAL(h.mock.enables[0], 0, "the device was not told to start a queue");
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 0, "notification of a stopped queue ignored");
	/* The configuration interrupt on msix_config. */
	tlpemu_test_tlpdev_up_clear(h.t);
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_notify(h.pci), 0, "notify");
	TEST_ASSERT_EQUAL(vh_msi_count(&h, 3), 1, "config interrupt on vector 3");
	/* The driver resets and starts again. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "renegotiate");
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "queue 0 again");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(vh_status(&h), VH_S_RUN, "running again");
	TEST_ASSERT_EQUAL(h.mock.enables[0], 1, "queue 0 started");
	/* Loading twice: the function has served requests now. */
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_restore(h.pci, buf, (size_t)len), -EBUSY,
			  "refused on a used function");
	vh_teardown(&h);
	free(buf);
	return TEST_SUCCESS;
}

/* @p buf is refused by a fresh transport of @p p, which stays at power-on state. */
static int
st_refused(const struct virtio_emu_pci_params *p, const uint8_t *buf, size_t len,
	   const char *what)
{
	uint32_t bar = 1;
	struct vh h;
	int ret;

	TEST_ASSERT(st_fresh(&h, p) == 0, "fresh transport (%s)", what);
	ret = virtio_emu_pci_state_restore(h.pci, buf, len);
	TEST_ASSERT_EQUAL(ret, -EINVAL, "%s refused", what);
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), 0, "%s: status untouched", what);
	TEST_ASSERT_EQUAL(virtio_emu_features(h.pci), 0, "%s: no features", what);
	tlpemu_test_tlpdev_set_service(h.t, vh_service, &h);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_cfg_get(&h, PCIFN_CFG_BAR0 + 4, 4, &bar), 0, "%s: BAR", what);
	TEST_ASSERT_EQUAL(bar, 0, "%s: BAR unassigned", what);
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_state_refused(void)
{
	struct virtio_emu_pci_params other = st_params;
	uint8_t *buf = NULL, *bad;
	size_t ulen, fn_off;
	uint16_t v;
	int len = 0;

	TEST_ASSERT(st_make(&buf, &len) == 0, "state");
	ulen = (size_t)len;
	bad = malloc(ulen + 8);
	TEST_ASSERT(bad != NULL, "memory");

	/* Truncated anywhere, or with a byte more. */
	TEST_ASSERT(st_refused(&st_params, buf, 10, "10 bytes") == 0, "short");
	TEST_ASSERT(st_refused(&st_params, buf, ulen - 1, "truncated") == 0, "truncated");
	memcpy(bad, buf, ulen);
	bad[ulen] = 0;
	TEST_ASSERT(st_refused(&st_params, bad, ulen + 1, "trailing byte") == 0, "long");
	/* One flipped bit: the CRC. */
	memcpy(bad, buf, ulen);
	bad[ulen / 2] ^= 0x10;
	TEST_ASSERT(st_refused(&st_params, bad, ulen, "bit flip") == 0, "crc");
	/* Another version (CRC fixed so that only the version is wrong). */
	memcpy(bad, buf, ulen);
	v = VIRTIO_EMU_STATE_VERSION + 1;
	memcpy(bad + ST_VERSION_OFF, &v, 2);
	st_fix_crc(bad, ulen);
	TEST_ASSERT(st_refused(&st_params, bad, ulen, "version") == 0, "version");
	/* Reserved device status bits, DRIVER_OK without FEATURES_OK. */
	memcpy(bad, buf, ulen);
	bad[VEMU_ST_STATUS_OFF] = 0x20 | VH_S_RUN;
	st_fix_crc(bad, ulen);
	TEST_ASSERT(st_refused(&st_params, bad, ulen, "reserved status") == 0, "status");
	bad[VEMU_ST_STATUS_OFF] = VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_DRIVER;
	st_fix_crc(bad, ulen);
	TEST_ASSERT(st_refused(&st_params, bad, ulen, "status order") == 0, "order");
	/* Another device: other features offered, other queue count. */
	other.features = V1;
	TEST_ASSERT(st_refused(&other, buf, ulen, "offered features") == 0, "features");
	other = st_params;
	other.num_queues = 4;
	TEST_ASSERT(st_refused(&other, buf, ulen, "queue count") == 0, "queues");
	other = st_params;
	other.queue_size_max = 64;
	TEST_ASSERT(st_refused(&other, buf, ulen, "queue size max") == 0, "qsize");
	/*
	 * The function's part: a BAR address not aligned to the BAR's size
	 * (read-only bits differ). Both CRCs fixed: only the content is wrong.
	 */
	memcpy(bad, buf, ulen);
	{
		struct vh h;
		int fn_len;

		TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh");
		fn_len = pcifn_state_save(virtio_emu_pci_fn(h.pci), NULL, 0);
		vh_teardown(&h);
		TEST_ASSERT(fn_len > 0 && (size_t)fn_len < ulen, "function state size");
		fn_off = ulen - (size_t)fn_len;
		/* Config byte 0x10 (BAR 0 low byte) follows the function header. */
		bad[fn_off + (size_t)fn_len - 4096 - (size_t)(4 * 16) - 8 + 0x10] |= 0x80;
		st_fix_crc(bad + fn_off, (size_t)fn_len);
		st_fix_crc(bad, ulen);
	}
	TEST_ASSERT(st_refused(&st_params, bad, ulen, "misaligned BAR") == 0, "bar");
	free(bad);
	free(buf);
	return TEST_SUCCESS;
}

static int
test_state_file(void)
{
	char dir[] = "/tmp/vemu_state_XXXXXX", path[64], tmp[80];
	uint8_t *buf = NULL;
	struct vh h;
	FILE *f;
	int len = 0;

	TEST_ASSERT(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	TEST_ASSERT(st_make(&buf, &len) == 0, "state");
	/* Through a file: save from a restored transport, load into another. */
	TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, path), -ENOENT, "no file");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_restore(h.pci, buf, (size_t)len), 1, "restore");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_save_file(h.pci, path), 0, "saved");
	TEST_ASSERT(access(tmp, F_OK) != 0, "no temporary file left");
	vh_teardown(&h);
	TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, path), 1, "loaded");
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), VH_S_RUN | VIRTIO_CONFIG_S_NEEDS_RESET,
			  "status");
	vh_teardown(&h);
	/* Garbage, and an empty file. */
	f = fopen(path, "w");
	TEST_ASSERT(f != NULL, "open");
	fputs("not a state file\n", f);
	fclose(f);
	TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, path), -EINVAL, "garbage");
	TEST_ASSERT_EQUAL(truncate(path, 0), 0, "truncate");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, path), -EINVAL, "empty");
	TEST_ASSERT_EQUAL(truncate(path, VIRTIO_EMU_STATE_MAX_LEN + 1), 0, "grow");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, path), -EFBIG, "too big");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_load_file(h.pci, dir), -EINVAL, "a directory");
	TEST_ASSERT_EQUAL(virtio_emu_status(h.pci), 0, "still at power-on state");
	vh_teardown(&h);
	/* A clean exit removes it; removing nothing is fine. */
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_remove(path), 0, "removed");
	TEST_ASSERT(access(path, F_OK) != 0, "gone");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_remove(path), 0, "nothing to remove");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_remove(""), -EINVAL, "empty path");
	TEST_ASSERT_EQUAL(rmdir(dir), 0, "temp dir removed");
	free(buf);
	return TEST_SUCCESS;
}

/* The generation moves on control changes, not on notifications. */
static int
test_state_gen(void)
{
	uint64_t g0, g1;
	struct vh h;

	TEST_ASSERT(vh_setup_mock(&h, &st_params) == 0, "setup");
	g0 = virtio_emu_pci_state_gen(h.pci);
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "queue");
	vh_set_status(&h, VH_S_RUN);
	g1 = virtio_emu_pci_state_gen(h.pci);
	TEST_ASSERT(g1 != g0, "control writes move it");
	vh_notify(&h, 0, 2, 0);
	vh_notify(&h, 0, 2, 0);
	TEST_ASSERT_EQUAL(h.mock.notifies[0], 2, "notified");
	TEST_ASSERT_EQUAL(virtio_emu_pci_state_gen(h.pci), g1, "notifications do not");
	vh_cfg_set(&h, PCIFN_CFG_COMMAND, 2, PCIFN_CMD_MEM);
	TEST_ASSERT(virtio_emu_pci_state_gen(h.pci) != g1, "config writes do");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* The function's part alone: the config image and MSI-X table come back. */
static int
test_pcifn_state(void)
{
	uint8_t a[4096], b[4096], *buf;
	struct pcifn *fn;
	struct vh h;
	int len;

	TEST_ASSERT(vh_setup_mock(&h, &st_params) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_msix_enable(&h, 4), 0, "MSI-X on");
	fn = virtio_emu_pci_fn(h.pci);
	TEST_ASSERT_EQUAL(pcifn_state_save(NULL, NULL, 0), -EINVAL, "NULL function");
	len = pcifn_state_save(fn, NULL, 0);
	TEST_ASSERT(len > 4096, "size %d", len);
	buf = malloc((size_t)len);
	TEST_ASSERT(buf != NULL, "memory");
	TEST_ASSERT_EQUAL(pcifn_state_save(fn, buf, (size_t)len), len, "saved");
	TEST_ASSERT_EQUAL(pcifn_state_save(fn, buf, 16), -ENOSPC, "too small");
	TEST_ASSERT_EQUAL(pcifn_config_read(fn, 0, a, sizeof(a)), 0, "config");
	vh_teardown(&h);

	TEST_ASSERT(st_fresh(&h, &st_params) == 0, "fresh");
	fn = virtio_emu_pci_fn(h.pci);
	TEST_ASSERT_EQUAL(pcifn_state_restore(fn, NULL, 0), -EINVAL, "NULL state");
	TEST_ASSERT_EQUAL(pcifn_state_restore(fn, buf, (size_t)len - 8), -EINVAL, "truncated");
	TEST_ASSERT_EQUAL(pcifn_state_restore(fn, buf, (size_t)len), 0, "restored");
	TEST_ASSERT_EQUAL(pcifn_config_read(fn, 0, b, sizeof(b)), 0, "config");
	TEST_ASSERT(memcmp(a, b, sizeof(a)) == 0, "the same config image");
	TEST_ASSERT(pcifn_msix_enabled(fn), "MSI-X enabled");
	TEST_ASSERT_EQUAL(pcifn_bar_addr(fn, 0), VH_BAR0, "BAR 0 assigned");
	TEST_ASSERT(pcifn_dma_allowed(fn), "bus master");
	vh_teardown(&h);
	free(buf);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_pcifn_state),
	TEST_CASE(test_state_round_trip),
	TEST_CASE(test_state_refused),
	TEST_CASE(test_state_file),
	TEST_CASE(test_state_gen),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_pci_state", cases, argc, argv);
}
