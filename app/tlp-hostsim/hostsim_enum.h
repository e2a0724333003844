/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_ENUM_H
#define HOSTSIM_ENUM_H

/*
 * Enumeration of the link, as an OS does it: find the functions of device 0
 * on the link's bus (CRS answered by retrying with backoff), size every BAR
 * and place the memory BARs in the host's MMIO windows, enable memory
 * decoding and bus mastering, walk the capability lists (bounded, loops and
 * bad pointers reported) and set up MSI-X. What is found is kept in a
 * snapshot of each function's config space, read after the set-up.
 *
 * Used by the lspci and flr subcommands; the host driver subcommands build on
 * it too. Config accessors work on any naturally aligned 1, 2 or 4 bytes.
 */

#include <stdint.h>

#include "hostsim.h"

/* Functions of a device (no ARI). */
#define HOSTSIM_MAX_FNS 8
#define HOSTSIM_NB_BARS 6
/* Most capabilities walked: the 48 DWs from 0x40 to 0xff. */
#define HOSTSIM_CAP_WALK_MAX 48
/* Most extended capabilities walked: one per 8 bytes of 0x100..0xfff. */
#define HOSTSIM_EXT_CAP_WALK_MAX 480
/* Defaults of the MMIO windows BARs are placed in. */
#define HOSTSIM_MMIO32_BASE_DEFAULT 0xe0000000ull
#define HOSTSIM_MMIO32_END 0xfee00000ull	/* the MSI window starts here */
#define HOSTSIM_MMIO64_BASE_DEFAULT 0x8000000000ull
#define HOSTSIM_MMIO64_SIZE (1ull << 39)
/* How long a function may answer CRS during enumeration. */
#define HOSTSIM_CRS_TIMEOUT_MS_DEFAULT 1000u
/* Address and data of the MSI-X vectors programmed (data: + vector number). */
#define HOSTSIM_MSIX_ADDR 0xfee00000ull
#define HOSTSIM_MSIX_DATA 0x4000u

/* Config space registers and bits the host uses (PCI / PCIe Base Spec). */
#define HOSTSIM_CFG_VENDOR 0x00
#define HOSTSIM_CFG_COMMAND 0x04
#define HOSTSIM_CFG_STATUS 0x06
#define HOSTSIM_CFG_REVISION 0x08
#define HOSTSIM_CFG_CLASS 0x09
#define HOSTSIM_CFG_HDR_TYPE 0x0e
#define HOSTSIM_CFG_BAR0 0x10
#define HOSTSIM_CFG_SUBSYS 0x2c
#define HOSTSIM_CFG_CAP_PTR 0x34
#define HOSTSIM_CFG_INTR_PIN 0x3d
#define HOSTSIM_CMD_IO 0x0001u
#define HOSTSIM_CMD_MEM 0x0002u
#define HOSTSIM_CMD_BME 0x0004u
#define HOSTSIM_CMD_PERR 0x0040u
#define HOSTSIM_CMD_SERR 0x0100u
#define HOSTSIM_CMD_INTX_DIS 0x0400u
#define HOSTSIM_STS_INTX 0x0008u
#define HOSTSIM_STS_CAP 0x0010u
#define HOSTSIM_HDR_MF 0x80u
#define HOSTSIM_CAP_PM 0x01
#define HOSTSIM_CAP_MSI 0x05
#define HOSTSIM_CAP_VNDR 0x09
#define HOSTSIM_CAP_EXP 0x10
#define HOSTSIM_CAP_MSIX 0x11
#define HOSTSIM_EXP_DEVCAP 0x04
#define HOSTSIM_EXP_DEVCTL 0x08
#define HOSTSIM_EXP_DEVSTA 0x0a
#define HOSTSIM_EXP_LNKCAP 0x0c
#define HOSTSIM_EXP_LNKSTA 0x12
#define HOSTSIM_EXP_DEVCAP_FLR (1u << 28)
#define HOSTSIM_EXP_DEVCTL_FLR (1u << 15)
#define HOSTSIM_EXP_DEVSTA_TRPND (1u << 5)
#define HOSTSIM_MSIX_CTRL 0x02
#define HOSTSIM_MSIX_TABLE 0x04
#define HOSTSIM_MSIX_PBA 0x08
#define HOSTSIM_MSIX_ENABLE 0x8000u
#define HOSTSIM_MSIX_MASKALL 0x4000u
#define HOSTSIM_MSIX_QSIZE 0x07ffu

/* BAR kinds. */
enum hostsim_bar_kind {
	HOSTSIM_BAR_NONE = 0,	/* not implemented (or the upper half of a 64-bit BAR) */
	HOSTSIM_BAR_MEM32,
	HOSTSIM_BAR_MEM64,
	HOSTSIM_BAR_IO,		/* sized and reported, never assigned */
	HOSTSIM_BAR_BAD,	/* reserved type, or a 64-bit BAR in the last slot */
};

struct hostsim_bar {
	uint64_t addr;		/* bus address assigned, valid when assigned */
	uint64_t size;
	uint8_t kind;		/* enum hostsim_bar_kind */
	uint8_t prefetch;
	uint8_t assigned;
};

/* One capability found by a walk. */
struct hostsim_cap {
	uint16_t off;
	uint16_t id;
	uint8_t ver;		/* extended capabilities: version */
};

struct hostsim_fn {
	uint16_t bdf;
	uint16_t cfg_size;	/* 256, or 4096 when extended config space answers */
	uint8_t cfg[4096];	/* snapshot, taken after the set-up */
	struct hostsim_bar bar[HOSTSIM_NB_BARS];
	unsigned int nb_caps;
	struct hostsim_cap caps[HOSTSIM_CAP_WALK_MAX];
	unsigned int nb_ext_caps;
	struct hostsim_cap ext_caps[HOSTSIM_EXT_CAP_WALK_MAX];
	char cap_err[96];	/* why the capability walk stopped early ("" if it did not) */
	char ext_cap_err[96];
	char msix_err[96];	/* why MSI-X could not be set up */
	uint16_t msix_programmed;	/* vectors programmed and unmasked */
	unsigned int problems;	/* rules the function breaks */
	unsigned int crs_retries;	/* CRS answers to its first config read */
};

/* Enumeration parameters; start from hostsim_enum_conf_init(). */
struct hostsim_enum_conf {
	uint8_t bus;			/* the link's bus number (--bus) */
	uint64_t mmio32_base;		/* --mmio-base: 32-bit and non-prefetchable BARs */
	uint64_t mmio64_base;		/* --mmio64-base: 64-bit prefetchable BARs */
	uint32_t crs_timeout_ms;
	uint8_t msix_enable;		/* enable MSI-X (--no-msix clears it) */
	uint16_t msix_vectors;		/* vectors to program and unmask (--msix N) */
};

struct hostsim_enum {
	struct tlpsim_host *host;
	uint16_t qid;
	struct hostsim_enum_conf conf;
	uint64_t next32, end32;		/* free part of the 32-bit window */
	uint64_t next64, end64;		/* and of the 64-bit one */
	uint8_t present[HOSTSIM_MAX_FNS];
	struct hostsim_fn fn[HOSTSIM_MAX_FNS];
};

/* getopt_long codes of the enumeration options, after the common ones. */
enum {
	HOSTSIM_OPT_BUS = 384,
	HOSTSIM_OPT_MMIO_BASE,
	HOSTSIM_OPT_MMIO64_BASE,
	HOSTSIM_OPT_MSIX,
	HOSTSIM_OPT_NO_MSIX,
};

#define HOSTSIM_ENUM_LONGOPTS \
	{ "bus", required_argument, NULL, HOSTSIM_OPT_BUS }, \
	{ "mmio-base", required_argument, NULL, HOSTSIM_OPT_MMIO_BASE }, \
	{ "mmio64-base", required_argument, NULL, HOSTSIM_OPT_MMIO64_BASE }, \
	{ "msix", required_argument, NULL, HOSTSIM_OPT_MSIX }, \
	{ "no-msix", no_argument, NULL, HOSTSIM_OPT_NO_MSIX }

void hostsim_enum_conf_init(struct hostsim_enum_conf *conf);

/* Handle one enumeration option: 1 handled, 0 not one, -1 bad value (printed). */
int hostsim_enum_opt(int c, const char *arg, struct hostsim_enum_conf *conf);

/* Check the windows against host memory and the MSI window. 0 or -1 (printed). */
int hostsim_enum_conf_check(const struct hostsim_enum_conf *conf,
			    const struct hostsim_opts *o);

/* Print the enumeration options. */
void hostsim_enum_usage(FILE *f);

/*
 * Config read / write of @p len (1, 2 or 4) bytes at @p off, naturally
 * aligned. Return 0 or a status as tlpsim_host_cfg_read() (-EAGAIN: CRS).
 */
int hostsim_cfg_read(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t off,
		     unsigned int len, uint32_t *val);
int hostsim_cfg_write(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t off,
		      unsigned int len, uint32_t val);

/*
 * Enumerate: create @p *ep, find the functions and set each up. Messages about
 * what fails go to stderr.
 * @return 0 (at least one function), -ENODEV (none), or a negative errno of
 * the link (the enumeration is kept and freed by the caller either way).
 */
int hostsim_enum_run(struct tlpsim_host *h, uint16_t qid, const struct hostsim_enum_conf *conf,
		     struct hostsim_enum **ep);

void hostsim_enum_free(struct hostsim_enum *e);

/*
 * Set function @p f up again after a reset cleared its config space (FLR):
 * BARs sized and placed anew (new addresses), decoding, bus mastering and
 * MSI-X as in the enumeration, snapshot refreshed. 0 or a negative errno.
 */
int hostsim_fn_resetup(struct hostsim_enum *e, struct hostsim_fn *f);

/* Walk the capability lists of the snapshot again (pure: no config access). */
void hostsim_cap_walk(struct hostsim_fn *f);

/* Re-read the function's config space into its snapshot. 0 or a negative errno. */
int hostsim_fn_snapshot(struct hostsim_enum *e, struct hostsim_fn *f);

/* Offset of the first capability @p id in the walk, 0 if absent. */
uint16_t hostsim_cap_find(const struct hostsim_fn *f, uint16_t id);

/* Little-endian fields of the snapshot. */
static inline uint16_t
hostsim_fn_cfg16(const struct hostsim_fn *f, uint16_t off)
{
	return (uint16_t)(f->cfg[off] | f->cfg[off + 1] << 8);
}

static inline uint32_t
hostsim_fn_cfg32(const struct hostsim_fn *f, uint16_t off)
{
	return (uint32_t)hostsim_fn_cfg16(f, off) | (uint32_t)hostsim_fn_cfg16(f, off + 2) << 16;
}

#endif /* HOSTSIM_ENUM_H */
