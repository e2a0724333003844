/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_TLPSIM_HELPERS_H
#define TEST_TLPSIM_HELPERS_H

/*
 * Shared by the software-link tests: temporary directories, child processes,
 * a small device-side responder (the device of the tests), host set-up.
 *
 * The responder is a function with one BAR of registers at TST_BAR: plain
 * registers with a known pattern, and command registers that make it run
 * DMA, send MSIs and report its counters, so that a host in another process
 * can drive and check the device side.
 */

#include <stdint.h>
#include <sys/types.h>

#include <tlpdev.h>
#include <tlpsim_host.h>

/* The responder's function: config space and BAR window. */
#define TST_VENDOR_ID 0x1af4u
#define TST_DEVICE_ID 0x10f0u
#define TST_BAR 0xfe000000ull
#define TST_BAR_SIZE 4096u
/* Registers (little-endian). 0x000-0x0ff: plain, byte i reads i after reset. */
#define TST_REG_DMA_ADDR 0x100u	/* 64-bit host bus address */
#define TST_REG_DMA_LEN 0x108u	/* bytes */
#define TST_REG_DMA_DIR 0x10cu	/* 0 read host memory, 1 write it */
#define TST_REG_DMA_SEED 0x110u	/* writes: pattern seed */
#define TST_REG_DMA_GO 0x114u	/* write: run the DMA (tlpdev_dma_sync) */
#define TST_REG_DMA_STATUS 0x118u	/* int32: its status; TST_DMA_IDLE before any */
#define TST_REG_DMA_SUM 0x11cu	/* reads: checksum of the bytes read */
#define TST_REG_MSI 0x120u	/* write: MSI with this data at TST_MSI_ADDR */
/* write: a message TLP without data, code 7:0, routing 10:8, requester ID 31:16 */
#define TST_REG_MSG 0x124u
#define TST_REG_MALFORMED 0x128u	/* 64-bit: malformed TLPs the device dropped */
#define TST_REG_ERRORS 0x130u	/* 64-bit: other errors the device counted */
#define TST_REG_LINK_UPS 0x138u	/* link-up events the responder saw */
#define TST_REG_DMA_QID 0x13cu	/* the link queue DMA_GO uses (default 0) */
#define TST_DMA_IDLE 0x7fffffff
#define TST_MSI_ADDR 0xfee00010ull
/* Largest DMA the responder runs. */
#define TST_DMA_MAX (1u << 20)

/* The pattern DMA writes produce: byte i of a transfer seeded s. */
static inline uint8_t
tst_pattern(uint32_t seed, uint64_t i)
{
	return (uint8_t)(seed + i * 7 + (i >> 8));
}

/* FNV-1a over @p len bytes. */
uint32_t tst_sum(const void *buf, uint64_t len);

/* A private temporary directory holding the link socket. */
struct tst_dir {
	char path[64];
	char sock[96];
};
int tst_dir_make(struct tst_dir *d);
void tst_dir_remove(struct tst_dir *d);

/* Count this process's open file descriptors. */
int tst_count_fds(void);
/* Count this process's memory mappings. */
int tst_count_maps(void);

/*
 * Fork a device process: EAL (--no-huge, own --file-prefix, main lcore on
 * @p core) with --vdev tlp_sim0,path=<sock><extra>, then the responder until
 * killed (it also dies with its parent). Returns the pid, or -1.
 */
pid_t tst_dev_spawn(const char *sock, const char *extra_devargs, int core);

/*
 * A config space model for the responder, replacing its flat default (all
 * bytes writable, function 0 only). Each op gets one DW request of function
 * @p fn (0..7) and returns a TLP_CPL_* status: SC, UR (no such function) or
 * CRS (not ready); a read fills *@p val. Called in the device process.
 */
struct tst_cfg_ops {
	int (*read)(void *ctx, uint8_t fn, uint16_t reg, uint32_t *val);
	int (*write)(void *ctx, uint8_t fn, uint16_t reg, uint8_t be, uint32_t val);
};

/* tst_dev_spawn() with a config space model (@p ctx lives in the child's copy). */
pid_t tst_dev_spawn_cfg(const char *sock, const char *extra_devargs, int core,
			const struct tst_cfg_ops *ops, void *ctx);

/* Kill @p pid at exit if it is still alive (tst_dev_spawn() does it itself). */
void tst_track_pid(pid_t pid);

/* Send @p sig to a child and reap it. Returns its wait status, or -1. */
int tst_child_kill(pid_t pid, int sig);

/* Responder state (device side). */
struct tst_resp;
struct tst_resp *tst_resp_new(uint16_t dev_id);
void tst_resp_free(struct tst_resp *r);
/* One turn: events, a burst of requests, their completions. Returns requests served. */
unsigned int tst_resp_step(struct tst_resp *r);
/* Link-up events seen. */
unsigned int tst_resp_link_ups(const struct tst_resp *r);
unsigned int tst_resp_link_downs(const struct tst_resp *r);

/* Host side: default test configuration on @p sock (generous timeouts). */
void tst_host_conf(struct tlpsim_host_conf *conf, const char *sock);
/* Create and connect. 0 or a negative errno. */
int tst_host_open(const char *sock, struct tlpsim_host_conf *conf, struct tlpsim_host **hp);

/* Host helpers over queue 0. */
int tst_reg_read32(struct tlpsim_host *h, uint32_t reg, uint32_t *val);
int tst_reg_read64(struct tlpsim_host *h, uint32_t reg, uint64_t *val);
int tst_reg_write32(struct tlpsim_host *h, uint32_t reg, uint32_t val);
int tst_reg_write64(struct tlpsim_host *h, uint32_t reg, uint64_t val);
/*
 * Have the device run one DMA and wait for its status (the host keeps polling
 * so that DMA over TLPs is served). Returns the DMA status, or a negative
 * errno of the host side in @p host_err.
 */
int tst_dev_dma(struct tlpsim_host *h, uint64_t addr, uint32_t len, int dir, uint32_t seed,
		uint32_t *sum, int *host_err);

/* Sleep @p ms milliseconds while polling queue 0 (serving the device). */
void tst_host_serve_ms(struct tlpsim_host *h, unsigned int ms);

/* Monotonic milliseconds. */
uint64_t tst_now_ms(void);

/* Run @p prog with @p args, capturing its stdout; its exit status or -1. */
int tst_run_capture(const char *prog, const char *const *args, char *out, size_t cap);

#endif /* TEST_TLPSIM_HELPERS_H */
