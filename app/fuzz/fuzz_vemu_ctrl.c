/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * libFuzzer target for the virtio-net control virtqueue over
 * fuzzer-controlled host memory.
 *
 * A virtio-net device sits behind the test tlpdev; a host driver in
 * miniature resets it, negotiates features chosen by the input, enables the
 * control queue (split or packed) on a 64 KiB window of host memory whose
 * contents the input supplies (rings, descriptors, indirect tables,
 * commands), sets DRIVER_OK and kicks. The device reads that memory through
 * the engine's caller-supplied memory path, so every byte it sees comes from
 * the input.
 *
 * Input: byte 0 feature selector, byte 1 log2 of the queue size, byte 2
 * number of kicks, then the memory image (zero-filled to 64 KiB). The rest
 * of the bytes of a long input are also executed directly as one command
 * (vemu_net_ctrl_exec()).
 *
 * Invariants, checked after every input (abort when broken):
 *   - nothing is written outside the window (the memory ops refuse it, and
 *     count it);
 *   - every chain the engine handed out was pushed back (inflight 0), or
 *     the ring broke and DEVICE_NEEDS_RESET is set;
 *   - each answered command wrote one ack byte, VIRTIO_NET_OK or _ERR;
 *   - the filter state stays in range (tables within mac_table_max, active
 *     pairs within 1..max_queue_pairs);
 *   - the device still answers a reset: status reads 0 afterwards.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "test_vemu_host.h"
#include "virtio_emu_net_private.h"
#include "virtio_emu_ring.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_BASE 0x10000ull
#define FZ_SIZE 0x10000u
#define FZ_PAIRS 4
#define FZ_MAC_MAX 8

static struct vh fz;
static uint8_t fz_mem[FZ_SIZE];
static uint64_t fz_writes, fz_oob;

static void
fz_fail(const char *what, long v)
{
	fprintf(stderr, "fuzz_vemu_ctrl: %s (%ld)\n", what, v);
	abort();
}

static int
fz_read(void *ctx __rte_unused, uint64_t addr, void *buf, uint32_t len)
{
	if (addr < FZ_BASE || addr - FZ_BASE > FZ_SIZE || len > FZ_SIZE - (addr - FZ_BASE)) {
		fz_oob++;
		return -EFAULT;
	}
	memcpy(buf, &fz_mem[addr - FZ_BASE], len);
	return 0;
}

static int
fz_write(void *ctx __rte_unused, uint64_t addr, const void *buf, uint32_t len)
{
	if (addr < FZ_BASE || addr - FZ_BASE > FZ_SIZE || len > FZ_SIZE - (addr - FZ_BASE)) {
		fz_oob++;
		return -EFAULT;
	}
	memcpy(&fz_mem[addr - FZ_BASE], buf, len);
	fz_writes++;
	return 0;
}

static const struct vemu_net_mem_ops fz_mem_ops = {
	.read = fz_read,
	.write = fz_write,
};

static void
fz_eal_cleanup(void)
{
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	static char arg0[] = "fuzz_vemu_ctrl", a1[] = "--no-huge", a2[] = "-m", a3[] = "256",
		a4[] = "--no-pci", a5[] = "--no-shconf", a6[] = "--no-telemetry",
		a7[] = "--log-level=*:crit", a8[64];
	char *eal_argv[] = { arg0, a1, a2, a3, a4, a5, a6, a7, a8, NULL };
	struct virtio_emu_net_params p = {
		.max_queue_pairs = FZ_PAIRS,
		.features = VIRTIO_EMU_NET_FEATURES_SUPPORTED,
		.mac_table_max = FZ_MAC_MAX,
	};

	snprintf(a8, sizeof(a8), "--file-prefix=fuzz-vemu-ctrl-%d", (int)getpid());
	if (rte_eal_init(9, eal_argv) < 0)
		fz_fail("rte_eal_init", 0);
	/* Nothing lives in EAL's runtime directory (no shconf, no telemetry). */
	rmdir(rte_eal_get_runtime_dir());
	atexit(fz_eal_cleanup);
	if (vh_setup_net(&fz, &p, NULL, NULL) != 0)
		fz_fail("setup", 0);
	vemu_net_set_mem_ops(fz.net, &fz_mem_ops, NULL);
	return 0;
}

static uint64_t
fz_features(uint8_t sel)
{
	uint64_t f = VIRTIO_EMU_F(VIRTIO_F_VERSION_1) | VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ) |
		VIRTIO_EMU_F(VIRTIO_NET_F_STATUS);

	if (sel & 0x01)
		f |= VIRTIO_EMU_F(VIRTIO_F_RING_PACKED);
	if (sel & 0x02)
		f |= VIRTIO_EMU_F(VIRTIO_F_EVENT_IDX);
	if (sel & 0x04)
		f |= VIRTIO_EMU_F(VIRTIO_F_INDIRECT_DESC);
	if (sel & 0x08)
		f |= VIRTIO_EMU_F(VIRTIO_F_IN_ORDER);
	if (sel & 0x10)
		f |= VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX) | VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX_EXTRA);
	if (sel & 0x20)
		f |= VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VLAN) | VIRTIO_EMU_F(VIRTIO_NET_F_MQ);
	if (sel & 0x40)
		f |= VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_MAC_ADDR) |
			VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_ANNOUNCE);
	return f;
}

static void
fz_check_state(void)
{
	struct virtio_emu_net_state st;

	virtio_emu_net_state_get(fz.net, &st);
	if (st.nb_uc > FZ_MAC_MAX || st.nb_mc > FZ_MAC_MAX)
		fz_fail("MAC table over its bound", (long)(st.nb_uc + st.nb_mc));
	if (st.active_pairs < 1 || st.active_pairs > FZ_PAIRS)
		fz_fail("active pairs out of range", st.active_pairs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t qsize, ctrl = 2 * FZ_PAIRS;
	struct virtio_emu_net_stats s0, s1;
	unsigned int kicks, i;
	uint64_t f;
	size_t n;

	if (size < 3)
		return 0;
	f = fz_features(data[0]);
	qsize = (uint16_t)(1u << (data[1] % 9));	/* 1..256 */
	if (!(f & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) && qsize < 2)
		qsize = 2;
	kicks = 1 + data[2] % 4;
	memset(fz_mem, 0, sizeof(fz_mem));
	n = RTE_MIN(size - 3, sizeof(fz_mem));
	memcpy(fz_mem, data + 3, n);

	/* Fresh device, then the driver's set-up; interrupt messages of the last input go. */
	tlpemu_test_tlpdev_up_clear(fz.t);
	vh_set_status(&fz, 0);
	if (vh_status(&fz) != 0)
		fz_fail("reset did not complete", vh_status(&fz));
	if (!(vh_negotiate(&fz, f) & VIRTIO_CONFIG_S_FEATURES_OK))
		fz_fail("features refused", (long)data[0]);
	vh_cc_wr(&fz, CC(queue_select), 2, ctrl);
	vh_cc_wr(&fz, CC(queue_size), 2, qsize);
	vh_cc_wr(&fz, CC(queue_desc), 8, FZ_BASE);
	vh_cc_wr(&fz, CC(queue_driver), 8, FZ_BASE + 0x4000);
	vh_cc_wr(&fz, CC(queue_device), 8, FZ_BASE + 0x6000);
	vh_cc_wr(&fz, CC(queue_enable), 2, 1);
	vh_set_status(&fz, VH_S_RUN);
	virtio_emu_net_stats_get(fz.net, &s0);
	for (i = 0; i < kicks; i++) {
		vh_notify(&fz, ctrl, 2, ctrl);
		tlpemu_test_tlpdev_service(fz.t);
	}
	virtio_emu_net_stats_get(fz.net, &s1);
	/* Liveness: every chain handed out came back, unless the ring broke (NEEDS_RESET). */
	if (fz.net->ctrl_vq != NULL && virtio_emu_vq_inflight(fz.net->ctrl_vq) != 0 &&
	    virtio_emu_vq_broken(fz.net->ctrl_vq) == VIRTIO_EMU_VQ_OK)
		fz_fail("chains left in flight", virtio_emu_vq_inflight(fz.net->ctrl_vq));
	if (fz.net->ctrl_vq != NULL && virtio_emu_vq_broken(fz.net->ctrl_vq) != VIRTIO_EMU_VQ_OK &&
	    !(vh_status(&fz) & VIRTIO_CONFIG_S_NEEDS_RESET))
		fz_fail("broken ring without NEEDS_RESET", virtio_emu_vq_broken(fz.net->ctrl_vq));
	if (s1.ctrl_ok < s0.ctrl_ok || s1.ctrl_err < s0.ctrl_err)
		fz_fail("counters went backwards", 0);
	fz_check_state();

	/* The tail as one raw command, executed directly. */
	if (size > 3 + sizeof(fz_mem)) {
		uint8_t r = vemu_net_ctrl_exec(fz.net, data + 3 + sizeof(fz_mem),
					       (uint32_t)RTE_MIN(size - 3 - sizeof(fz_mem),
								 (size_t)VEMU_NET_CTRL_IN_MAX));

		if (r != VIRTIO_NET_OK && r != VIRTIO_NET_ERR)
			fz_fail("ack value", r);
		fz_check_state();
	}
	/* The device still answers a reset, and holds nothing afterwards. */
	vh_set_status(&fz, 0);
	if (vh_status(&fz) != 0 || fz.net->ctrl_vq != NULL)
		fz_fail("reset after the input", vh_status(&fz));
	return 0;
}
