/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Enumeration of the link: function discovery with CRS retries, BAR sizing
 * and assignment, Command set-up, MSI-X set-up and a config space snapshot.
 * The capability walks are in hostsim_caps.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostsim_enum.h"

void
hostsim_enum_conf_init(struct hostsim_enum_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->mmio32_base = HOSTSIM_MMIO32_BASE_DEFAULT;
	conf->mmio64_base = HOSTSIM_MMIO64_BASE_DEFAULT;
	conf->crs_timeout_ms = HOSTSIM_CRS_TIMEOUT_MS_DEFAULT;
	conf->msix_enable = 1;
}

int
hostsim_enum_opt(int c, const char *arg, struct hostsim_enum_conf *conf)
{
	uint64_t v;

	switch (c) {
	case HOSTSIM_OPT_BUS:
		if (hostsim_parse_u64("bus", arg, 0, 255, &v) != 0)
			return -1;
		conf->bus = (uint8_t)v;
		return 1;
	case HOSTSIM_OPT_MMIO_BASE:
		if (hostsim_parse_u64("mmio-base", arg, 0, HOSTSIM_MMIO32_END - 4096, &v) != 0)
			return -1;
		if ((v & 4095) != 0) {
			fprintf(stderr, "--mmio-base: '%s' is not 4 KiB aligned\n", arg);
			return -1;
		}
		conf->mmio32_base = v;
		return 1;
	case HOSTSIM_OPT_MMIO64_BASE:
		if (hostsim_parse_u64("mmio64-base", arg, 1ull << 32,
				      (1ull << 52) - HOSTSIM_MMIO64_SIZE, &v) != 0)
			return -1;
		if ((v & 4095) != 0) {
			fprintf(stderr, "--mmio64-base: '%s' is not 4 KiB aligned\n", arg);
			return -1;
		}
		conf->mmio64_base = v;
		return 1;
	case HOSTSIM_OPT_MSIX:
		if (hostsim_parse_u64("msix", arg, 0, 2048, &v) != 0)
			return -1;
		conf->msix_vectors = (uint16_t)v;
		conf->msix_enable = 1;
		return 1;
	case HOSTSIM_OPT_NO_MSIX:
		conf->msix_enable = 0;
		conf->msix_vectors = 0;
		return 1;
	default:
		return 0;
	}
}

static int
hostsim_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int
hostsim_enum_conf_check(const struct hostsim_enum_conf *conf, const struct hostsim_opts *o)
{
	uint64_t mem_len = o->mem_mb << 20;

	if (hostsim_ranges_overlap(conf->mmio32_base, HOSTSIM_MMIO32_END - conf->mmio32_base,
				   o->mem_base, mem_len) ||
	    hostsim_ranges_overlap(conf->mmio64_base, HOSTSIM_MMIO64_SIZE, o->mem_base,
				   mem_len)) {
		fprintf(stderr, "the MMIO windows overlap host memory (--mem-base 0x%" PRIx64
			", %" PRIu64 " MiB)\n", o->mem_base, o->mem_mb);
		return -1;
	}
	return 0;
}

void
hostsim_enum_usage(FILE *f)
{
	fprintf(f,
		"  --bus N           bus number of the link (default 0)\n"
		"  --mmio-base ADDR  32-bit MMIO window, up to 0x%llx, for 32-bit and\n"
		"                    non-prefetchable BARs (default 0x%llx)\n"
		"  --mmio64-base ADDR  64-bit window for 64-bit prefetchable BARs\n"
		"                    (default 0x%llx)\n"
		"  --msix N          program and unmask MSI-X vectors 0..N-1 (default 0)\n"
		"  --no-msix         leave MSI-X disabled\n",
		HOSTSIM_MMIO32_END, HOSTSIM_MMIO32_BASE_DEFAULT, HOSTSIM_MMIO64_BASE_DEFAULT);
}

int
hostsim_cfg_read(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t off,
		 unsigned int len, uint32_t *val)
{
	unsigned int shift = (off & 3u) * 8;
	uint32_t v;
	int ret;

	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) != 0)
		return -EINVAL;
	ret = tlpsim_host_cfg_read(h, qid, bdf, (uint16_t)(off & ~3u), &v);
	if (ret != 0)
		return ret;
	*val = len == 4 ? v : (v >> shift) & ((1u << (len * 8)) - 1);
	return 0;
}

int
hostsim_cfg_write(struct tlpsim_host *h, uint16_t qid, uint16_t bdf, uint16_t off,
		  unsigned int len, uint32_t val)
{
	unsigned int shift = (off & 3u) * 8;

	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) != 0)
		return -EINVAL;
	return tlpsim_host_cfg_write(h, qid, bdf, (uint16_t)(off & ~3u),
				     (uint8_t)(((1u << len) - 1) << (off & 3u)),
				     len == 4 ? val : val << shift);
}

static uint64_t
hostsim_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
hostsim_sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / 1000000u),
		.tv_nsec = (long)(us % 1000000u) * 1000,
	};

	nanosleep(&ts, NULL);
}

/*
 * Vendor and Device ID of a function. A function that is not ready answers
 * CRS: retry with a doubling delay (1 ms first) for up to the CRS timeout.
 * Returns 1 present, 0 absent (UR, no answer, vendor 0xffff or 0), or -ENOTCONN.
 */
static int
hostsim_fn_probe(struct hostsim_enum *e, uint16_t bdf, uint32_t *id, unsigned int *crs)
{
	uint64_t deadline = hostsim_mono_us() + (uint64_t)e->conf.crs_timeout_ms * 1000u;
	uint64_t delay = 1000, now;
	int ret;

	*crs = 0;
	for (;;) {
		ret = tlpsim_host_cfg_read(e->host, e->qid, bdf, HOSTSIM_CFG_VENDOR, id);
		if (ret != -EAGAIN)
			break;
		(*crs)++;
		now = hostsim_mono_us();
		if (now >= deadline) {
			fprintf(stderr, "%02x:%02x.%u: still not ready (CRS) after %u ms\n",
				bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, e->conf.crs_timeout_ms);
			return 0;
		}
		hostsim_sleep_us(delay < deadline - now ? delay : deadline - now);
		delay *= 2;
	}
	if (ret == -ENOTCONN)
		return ret;
	if (ret != 0)
		return 0;
	return (*id & 0xffff) != 0xffff && (*id & 0xffff) != 0;
}

/* Size BAR @p i (and its upper half): save, write all-ones, read back, restore. */
static int
hostsim_bar_size(struct hostsim_enum *e, struct hostsim_fn *f, unsigned int i)
{
	uint16_t reg = (uint16_t)(HOSTSIM_CFG_BAR0 + 4 * i);
	struct hostsim_bar *b = &f->bar[i];
	uint32_t orig, rb, orig_hi = 0, rb_hi = 0;
	uint64_t mask;
	int ret;

	ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg, &orig);
	if (ret == 0)
		ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg, 0xf, 0xffffffffu);
	if (ret == 0)
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg, &rb);
	if (ret == 0)
		ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg, 0xf, orig);
	if (ret != 0)
		return ret;
	if (rb == 0)
		return 0;	/* not implemented */
	if (rb & 1) {
		b->kind = HOSTSIM_BAR_IO;
		mask = rb & ~3u;
		/* A decoder of 16 address bits reads the upper half back as zero. */
		if ((mask >> 16) == 0)
			mask |= 0xffff0000u;
		b->size = mask == 0 ? 0 : (mask & -mask) & 0xffffffffu;
		return 0;
	}
	b->prefetch = (rb & 0x8) != 0;
	switch ((rb >> 1) & 3) {
	case 0:
		b->kind = HOSTSIM_BAR_MEM32;
		mask = rb & ~0xfu;
		break;
	case 2:
		if (i == HOSTSIM_NB_BARS - 1) {
			b->kind = HOSTSIM_BAR_BAD;
			f->problems++;
			return 0;
		}
		b->kind = HOSTSIM_BAR_MEM64;
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg + 4, &orig_hi);
		if (ret == 0)
			ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg + 4, 0xf,
						    0xffffffffu);
		if (ret == 0)
			ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg + 4, &rb_hi);
		if (ret == 0)
			ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg + 4, 0xf,
						    orig_hi);
		if (ret != 0)
			return ret;
		mask = (uint64_t)rb_hi << 32 | (rb & ~0xfu);
		break;
	default:
		/* Type 01b (below 1 MiB, obsolete) or reserved 11b. */
		b->kind = HOSTSIM_BAR_BAD;
		f->problems++;
		return 0;
	}
	b->size = mask & -mask;
	if (b->size == 0) {
		/* Memory type bits but no writable address bits. */
		b->kind = HOSTSIM_BAR_BAD;
		f->problems++;
	}
	return 0;
}

/* Place one memory BAR: 64-bit prefetchable ones high, the others below 4 GiB. */
static int
hostsim_bar_assign(struct hostsim_enum *e, struct hostsim_fn *f, unsigned int i)
{
	struct hostsim_bar *b = &f->bar[i];
	uint16_t reg = (uint16_t)(HOSTSIM_CFG_BAR0 + 4 * i);
	int high = b->kind == HOSTSIM_BAR_MEM64 && b->prefetch;
	uint64_t *next = high ? &e->next64 : &e->next32;
	uint64_t end = high ? e->end64 : e->end32;
	uint64_t addr = (*next + b->size - 1) & ~(b->size - 1);
	uint32_t lo, hi = 0;
	int ret;

	if (addr < *next || addr > end || b->size > end - addr)
		return 0;	/* does not fit: left unassigned */
	ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg, 0xf, (uint32_t)addr);
	if (ret == 0 && b->kind == HOSTSIM_BAR_MEM64)
		ret = tlpsim_host_cfg_write(e->host, e->qid, f->bdf, reg + 4, 0xf,
					    (uint32_t)(addr >> 32));
	if (ret == 0)
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg, &lo);
	if (ret == 0 && b->kind == HOSTSIM_BAR_MEM64)
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, reg + 4, &hi);
	if (ret != 0)
		return ret;
	*next = addr + b->size;
	if (((uint64_t)hi << 32 | (lo & ~0xfu)) != addr) {
		f->problems++;	/* the BAR did not keep its address */
		return 0;
	}
	b->addr = addr;
	b->assigned = 1;
	return 0;
}

/* Size every BAR, then place the memory BARs, largest first. */
static int
hostsim_bars_setup(struct hostsim_enum *e, struct hostsim_fn *f)
{
	unsigned int i, j, order[HOSTSIM_NB_BARS], n = 0, t;
	int ret;

	for (i = 0; i < HOSTSIM_NB_BARS; i++) {
		ret = hostsim_bar_size(e, f, i);
		if (ret != 0)
			return ret;
		if (f->bar[i].kind == HOSTSIM_BAR_MEM32 || f->bar[i].kind == HOSTSIM_BAR_MEM64)
			order[n++] = i;
		if (f->bar[i].kind == HOSTSIM_BAR_MEM64)
			i++;	/* the upper half */
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && f->bar[order[j]].size > f->bar[order[j - 1]].size; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		ret = hostsim_bar_assign(e, f, order[i]);
		if (ret != 0)
			return ret;
		if (f->bar[order[i]].assigned)
			continue;
		f->problems++;
		fprintf(stderr, "%02x:%02x.%u: no room for BAR %u (%" PRIu64 " bytes)\n",
			f->bdf >> 8, (f->bdf >> 3) & 0x1f, f->bdf & 7, order[i],
			f->bar[order[i]].size);
	}
	return 0;
}

int
hostsim_fn_snapshot(struct hostsim_enum *e, struct hostsim_fn *f)
{
	uint32_t v;
	uint16_t off;
	int ret;

	for (off = 0; off < 256; off += 4) {
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, off, &v);
		if (ret != 0)
			return ret;
		memcpy(&f->cfg[off], &v, 4);
	}
	memset(&f->cfg[256], 0, sizeof(f->cfg) - 256);
	f->cfg_size = 256;
	/* Extended config space: PCI Express functions only, and only if it answers. */
	hostsim_cap_walk(f);
	if (hostsim_cap_find(f, HOSTSIM_CAP_EXP) == 0)
		return 0;
	ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, 256, &v);
	if (ret == -ENOTCONN)
		return ret;
	if (ret != 0 || v == 0xffffffffu)
		return 0;
	memcpy(&f->cfg[256], &v, 4);
	for (off = 260; off < 4096; off += 4) {
		ret = tlpsim_host_cfg_read(e->host, e->qid, f->bdf, off, &v);
		if (ret == -ENOTCONN)
			return ret;
		memcpy(&f->cfg[off], &v, 4);
	}
	f->cfg_size = 4096;
	hostsim_cap_walk(f);
	return 0;
}

/* The BAR holding a table of MSI-X (BIR), or NULL with the reason in f->msix_err. */
static const struct hostsim_bar *
hostsim_msix_bar(struct hostsim_fn *f, uint32_t reg, uint64_t len, const char *what)
{
	unsigned int bir = reg & 7;
	uint64_t off = reg & ~7u;
	const struct hostsim_bar *b;

	if (bir >= HOSTSIM_NB_BARS || !f->bar[bir].assigned) {
		snprintf(f->msix_err, sizeof(f->msix_err), "%s in BAR %u, not an assigned "
			 "memory BAR", what, bir);
		return NULL;
	}
	b = &f->bar[bir];
	if (off > b->size || len > b->size - off) {
		snprintf(f->msix_err, sizeof(f->msix_err), "%s at 0x%" PRIx64 " (+%" PRIu64
			 ") beyond BAR %u (%" PRIu64 " bytes)", what, off, len, bir, b->size);
		return NULL;
	}
	return b;
}

/*
 * Enable MSI-X with the function masked, program and unmask the vectors
 * asked for, then unmask the function. The table must lie in an assigned BAR.
 */
static int
hostsim_msix_setup(struct hostsim_enum *e, struct hostsim_fn *f)
{
	uint16_t cap = hostsim_cap_find(f, HOSTSIM_CAP_MSIX), ctrl, n, v;
	const struct hostsim_bar *tb;
	uint32_t entry[4], table;
	uint64_t addr;
	int ret;

	if (cap == 0 || !e->conf.msix_enable)
		return 0;
	ctrl = hostsim_fn_cfg16(f, cap + HOSTSIM_MSIX_CTRL);
	n = (uint16_t)((ctrl & HOSTSIM_MSIX_QSIZE) + 1);
	table = hostsim_fn_cfg32(f, cap + HOSTSIM_MSIX_TABLE);
	tb = hostsim_msix_bar(f, table, (uint64_t)n * 16, "vector table");
	if (tb == NULL || hostsim_msix_bar(f, hostsim_fn_cfg32(f, cap + HOSTSIM_MSIX_PBA),
					   ((uint64_t)n + 63) / 64 * 8, "PBA") == NULL) {
		f->problems++;
		return 0;
	}
	ret = hostsim_cfg_write(e->host, e->qid, f->bdf, cap + HOSTSIM_MSIX_CTRL, 2,
				(ctrl & ~HOSTSIM_MSIX_QSIZE) | HOSTSIM_MSIX_ENABLE |
				HOSTSIM_MSIX_MASKALL);
	if (ret != 0)
		return ret;
	addr = tb->addr + (table & ~7u);
	for (v = 0; v < e->conf.msix_vectors && v < n; v++) {
		entry[0] = (uint32_t)HOSTSIM_MSIX_ADDR;
		entry[1] = (uint32_t)(HOSTSIM_MSIX_ADDR >> 32);
		entry[2] = HOSTSIM_MSIX_DATA + v;
		entry[3] = 0;	/* unmasked */
		/* Address and data first, the mask bit last, as drivers do. */
		ret = tlpsim_host_mmio_write(e->host, e->qid, addr + 16u * v, entry, 12);
		if (ret == 0)
			ret = tlpsim_host_mmio_write(e->host, e->qid, addr + 16u * v + 12,
						     &entry[3], 4);
		if (ret != 0)
			return ret;
	}
	f->msix_programmed = v;
	return hostsim_cfg_write(e->host, e->qid, f->bdf, cap + HOSTSIM_MSIX_CTRL, 2,
				 (ctrl & ~(HOSTSIM_MSIX_QSIZE | HOSTSIM_MSIX_MASKALL)) |
				 HOSTSIM_MSIX_ENABLE);
}

/* Set up one function found present. */
static int
hostsim_fn_setup(struct hostsim_enum *e, struct hostsim_fn *f)
{
	uint32_t cmd, hdr;
	unsigned int i;
	int ret, mem = 0;

	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, HOSTSIM_CFG_HDR_TYPE, 1, &hdr);
	if (ret != 0)
		return ret;
	if ((hdr & ~HOSTSIM_HDR_MF) != 0) {
		/* Not an endpoint header: shown, not set up. */
		f->problems++;
		return hostsim_fn_snapshot(e, f);
	}
	/*
	 * Decoding off while the BARs are sized. This is also the first config
	 * write the function sees: it captures its bus and device numbers.
	 */
	ret = hostsim_cfg_read(e->host, e->qid, f->bdf, HOSTSIM_CFG_COMMAND, 2, &cmd);
	if (ret == 0)
		ret = hostsim_cfg_write(e->host, e->qid, f->bdf, HOSTSIM_CFG_COMMAND, 2,
					cmd & ~(HOSTSIM_CMD_IO | HOSTSIM_CMD_MEM |
						HOSTSIM_CMD_BME));
	if (ret == 0)
		ret = hostsim_bars_setup(e, f);
	if (ret == 0)
		ret = hostsim_fn_snapshot(e, f);
	if (ret != 0)
		return ret;
	for (i = 0; i < HOSTSIM_NB_BARS; i++)
		mem |= f->bar[i].assigned;
	cmd = (cmd & ~(HOSTSIM_CMD_IO | HOSTSIM_CMD_MEM)) | HOSTSIM_CMD_BME |
		(mem ? HOSTSIM_CMD_MEM : 0);
	ret = hostsim_cfg_write(e->host, e->qid, f->bdf, HOSTSIM_CFG_COMMAND, 2, cmd);
	if (ret == 0)
		ret = hostsim_msix_setup(e, f);
	/* What the function looks like now, for the dump. */
	if (ret == 0)
		ret = hostsim_fn_snapshot(e, f);
	if (ret == 0 && (f->cap_err[0] != '\0' || f->ext_cap_err[0] != '\0'))
		f->problems++;
	return ret;
}

int
hostsim_fn_resetup(struct hostsim_enum *e, struct hostsim_fn *f)
{
	memset(f->bar, 0, sizeof(f->bar));
	f->msix_programmed = 0;
	return hostsim_fn_setup(e, f);
}

int
hostsim_enum_run(struct tlpsim_host *h, uint16_t qid, const struct hostsim_enum_conf *conf,
		 struct hostsim_enum **ep)
{
	struct hostsim_enum *e;
	struct hostsim_fn *f;
	unsigned int fn, nb_fns = 1, found = 0;
	uint32_t id, hdr;
	int ret;

	e = calloc(1, sizeof(*e));
	*ep = e;
	if (e == NULL)
		return -ENOMEM;
	e->host = h;
	e->qid = qid;
	e->conf = *conf;
	e->next32 = conf->mmio32_base;
	e->end32 = HOSTSIM_MMIO32_END;
	e->next64 = conf->mmio64_base;
	e->end64 = conf->mmio64_base + HOSTSIM_MMIO64_SIZE;
	/* Function 0 first; the others only when it says it has them. */
	for (fn = 0; fn < nb_fns; fn++) {
		f = &e->fn[fn];
		f->bdf = tlp_rid(conf->bus, 0, (uint8_t)fn);
		ret = hostsim_fn_probe(e, f->bdf, &id, &f->crs_retries);
		if (ret < 0)
			return ret;
		if (ret == 0)
			continue;
		if (fn == 0) {
			ret = hostsim_cfg_read(h, qid, f->bdf, HOSTSIM_CFG_HDR_TYPE, 1, &hdr);
			if (ret != 0)
				return ret;
			if (hdr & HOSTSIM_HDR_MF)
				nb_fns = HOSTSIM_MAX_FNS;
		}
		e->present[fn] = 1;
		found++;
		ret = hostsim_fn_setup(e, f);
		if (ret != 0) {
			fprintf(stderr, "%02x:00.%u: set-up failed: %s\n", conf->bus, fn,
				strerror(-ret));
			return ret;
		}
	}
	return found > 0 ? 0 : -ENODEV;
}

void
hostsim_enum_free(struct hostsim_enum *e)
{
	free(e);
}
