/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Shared harness of the virtqueue engine fuzzers: the input is host memory
 * (rings, indirect tables, buffers) plus a short script of driver moves.
 *
 * Input: byte 0 queue size selector, byte 1 feature bits, byte 2 memory
 * path (bit 0: caller path instead of the direct mapping) and number of
 * rounds, then up to FV_MEM bytes of host memory image, then the script:
 * per round a 4-byte patch (offset, value) the driver applies between
 * device calls. Every round pops, reads and writes each chain, pushes all
 * and asks for a notification. Invariants checked: nothing held after a
 * push unless broken, lengths consistent, no access outside the memory.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include <virtio_emu_ring.h>
#include <virtio_emu_vq.h>

int fuzz_vemu_run(int mode, const uint8_t *data, size_t size);

#define FV_MEM		0x10000u	/* bytes of host memory */
#define FV_BASE		0x40000000ull	/* its bus address */
#define FV_DESC		0x0000u
#define FV_DRIVER	0x4000u
#define FV_DEVICE	0x6000u

static uint8_t *fv_mem;

static int
fv_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	(void)ctx;
	if (addr < FV_BASE || addr - FV_BASE > FV_MEM || len > FV_MEM - (addr - FV_BASE))
		return -14;
	memcpy(buf, fv_mem + (addr - FV_BASE), len);
	return 0;
}

static int
fv_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	(void)ctx;
	if (addr < FV_BASE || addr - FV_BASE > FV_MEM || len > FV_MEM - (addr - FV_BASE))
		return -14;
	memcpy(fv_mem + (addr - FV_BASE), buf, len);
	return 0;
}

static const struct virtio_emu_vq_mem_ops fv_ops = { fv_read, fv_write };

/* mode 0: split, 1: packed, 2: indirect-heavy (either layout, INDIRECT always). */
int
fuzz_vemu_run(int mode, const uint8_t *data, size_t size)
{
	static uint8_t scratch[65536];
	struct virtio_emu_vq_chain c[64];
	struct virtio_emu_vq_used u[64];
	struct tlpdev_mem_region r;
	struct virtio_emu_vq_conf conf;
	struct virtio_emu_vq *vq;
	unsigned int rounds, i, k, n;
	bool packed;
	size_t img;

	if (size < 3)
		return 0;
	if (fv_mem == NULL) {
		fv_mem = malloc(FV_MEM);
		rte_log_set_global_level(RTE_LOG_CRIT);
	}
	memset(fv_mem, 0, FV_MEM);
	packed = mode == 1 || (mode == 2 && (data[1] & 0x80));
	memset(&conf, 0, sizeof(conf));
	conf.size = packed ? (uint16_t)(1 + data[0] % 255) : (uint16_t)(1u << (data[0] % 9));
	conf.features = ((uint64_t)(data[1] & 1) << 28) | ((uint64_t)(data[1] & 2) << 28) |
		((uint64_t)(data[1] & 4) << 33) | (packed ? UINT64_C(1) << 34 : 0) |
		(mode == 2 ? UINT64_C(1) << 28 : 0);
	conf.desc_addr = FV_BASE + FV_DESC;
	conf.driver_addr = FV_BASE + FV_DRIVER;
	conf.device_addr = FV_BASE + FV_DEVICE;
	conf.max_chain_descs = (uint16_t)(data[1] & 8 ? 4 : 0);
	if (data[2] & 1) {
		conf.mem_ops = &fv_ops;
	} else {
		r = (struct tlpdev_mem_region){ FV_BASE, FV_MEM, fv_mem };
		conf.regions = &r;
		conf.nb_regions = 1;
	}
	rounds = 1 + (data[2] >> 1) % 8;
	data += 3;
	size -= 3;
	img = size < FV_MEM ? size : FV_MEM;
	/* The image is laid out from the descriptor area; short inputs leave zeros. */
	memcpy(fv_mem, data, img);
	data += img;
	size -= img;

	vq = virtio_emu_vq_create(&conf);
	if (vq == NULL)
		return 0;
	virtio_emu_vq_notify_enable(vq, data[-1] & 1);
	for (k = 0; k < rounds; k++) {
		n = virtio_emu_vq_pop(vq, c, 64);
		for (i = 0; i < n; i++) {
			uint32_t rl = c[i].rd_len < sizeof(scratch) ? c[i].rd_len : sizeof(scratch);
			uint32_t wl = c[i].wr_len < sizeof(scratch) ? c[i].wr_len : sizeof(scratch);

			if (c[i].nb_rd + c[i].nb_wr == 0 || (c[i].nb_rd != 0) != (c[i].rd_len != 0))
				abort();
			virtio_emu_vq_chain_read(vq, &c[i], 0, scratch, rl);
			virtio_emu_vq_chain_write(vq, &c[i], 0, scratch, wl);
			virtio_emu_vq_chain_read(vq, &c[i], rl, scratch, 1);	/* past the end */
			u[i] = (struct virtio_emu_vq_used){ c[i].id, wl };
		}
		virtio_emu_vq_push(vq, u, (uint16_t)n);
		if (!virtio_emu_vq_broken(vq) && virtio_emu_vq_inflight(vq) != 0)
			abort();
		(void)virtio_emu_vq_should_notify(vq);
		/* The driver moves: patch 2 bytes of ring memory. */
		if (size >= 4) {
			uint16_t off = (uint16_t)(data[0] | data[1] << 8);

			fv_mem[off % FV_MEM] = data[2];
			fv_mem[(off + 1u) % FV_MEM] = data[3];
			data += 4;
			size -= 4;
		}
	}
	virtio_emu_vq_free(vq);
	return 0;
}
