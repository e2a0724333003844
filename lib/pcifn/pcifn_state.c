/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Persisted state: what the host programmed into a function (config image,
 * captured bus/device numbers, MSI-X table and pending bits), serialised so
 * that a device process started again after a crash can present the same
 * function to a host that never noticed the restart at the PCI level.
 *
 * Layout (little-endian, packed): a header with magic, version, sizes, a
 * CRC-32C of everything after the CRC field, the identity of the function,
 * then the 4 KiB config image, the MSI-X table (16 bytes per vector) and the
 * PBA (8 bytes per 64 vectors). Restore refuses anything that does not match
 * the function it is loaded into, before changing anything.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash_crc.h>

#include "pcifn_private.h"

#define PCIFN_STATE_MAGIC 0x54534650u	/* "PFST" */

struct pcifn_state_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_len;
	uint32_t total_len;
	uint32_t crc;		/* CRC-32C of the bytes after this field */
	/* Identity: must match the function restored into. */
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_id;
	uint32_t class_code;
	uint8_t revision;
	uint8_t msix_bar;
	uint16_t msix_vectors;
	uint32_t msix_table_offset;
	uint32_t msix_pba_offset;
	uint64_t bar_size[PCIFN_NB_BARS];
	uint32_t bar_flags[PCIFN_NB_BARS];
	uint32_t cfg_len;
	/* Runtime state outside the config image. */
	uint16_t rid;
	uint16_t rsvd;
} __attribute__((packed));

#define PCIFN_STATE_CRC_OFF (offsetof(struct pcifn_state_hdr, crc) + sizeof(uint32_t))

void
pcifn_state_touch(struct pcifn *fn)
{
	__atomic_fetch_add(&fn->state_gen, 1, __ATOMIC_RELEASE);
}

uint32_t
pcifn_state_gen(const struct pcifn *fn)
{
	return fn == NULL ? 0 : __atomic_load_n(&fn->state_gen, __ATOMIC_ACQUIRE);
}

static size_t
pcifn_state_table_len(const struct pcifn *fn)
{
	return (size_t)fn->params.msix_vectors * 16u;
}

static size_t
pcifn_state_pba_len(const struct pcifn *fn)
{
	return (size_t)(fn->params.msix_vectors + 63u) / 64u * 8u;
}

static size_t
pcifn_state_len(const struct pcifn *fn)
{
	return sizeof(struct pcifn_state_hdr) + PCIFN_CFG_SIZE + pcifn_state_table_len(fn) +
		pcifn_state_pba_len(fn);
}

static void
pcifn_state_identity(const struct pcifn *fn, struct pcifn_state_hdr *h)
{
	const struct pcifn_params *p = &fn->params;
	unsigned int i;

	h->vendor_id = p->vendor_id;
	h->device_id = p->device_id;
	h->subsys_vendor_id = p->subsys_vendor_id;
	h->subsys_id = p->subsys_id;
	h->class_code = p->class_code;
	h->revision = p->revision;
	h->msix_bar = p->msix_vectors != 0 ? p->msix_bar : 0;
	h->msix_vectors = p->msix_vectors;
	h->msix_table_offset = p->msix_vectors != 0 ? p->msix_table_offset : 0;
	h->msix_pba_offset = p->msix_vectors != 0 ? p->msix_pba_offset : 0;
	for (i = 0; i < PCIFN_NB_BARS; i++) {
		h->bar_size[i] = p->bars[i].size;
		h->bar_flags[i] = p->bars[i].size != 0 ? p->bars[i].flags : 0;
	}
	h->cfg_len = PCIFN_CFG_SIZE;
}

int
pcifn_state_save(const struct pcifn *fn, void *buf, size_t len)
{
	struct pcifn_state_hdr h;
	size_t need, off;
	uint8_t *b = buf;
	unsigned int i;
	uint64_t w;

	if (fn == NULL)
		return -EINVAL;
	need = pcifn_state_len(fn);
	if (buf == NULL)
		return (int)need;
	if (len < need)
		return -ENOSPC;
	memset(&h, 0, sizeof(h));
	h.magic = PCIFN_STATE_MAGIC;
	h.version = PCIFN_STATE_VERSION;
	h.hdr_len = sizeof(h);
	h.total_len = (uint32_t)need;
	pcifn_state_identity(fn, &h);
	h.rid = fn->rid;
	off = sizeof(h);
	memcpy(b + off, fn->cfg, PCIFN_CFG_SIZE);
	off += PCIFN_CFG_SIZE;
	/* Table words and pending bits may move under data-path threads: load each. */
	for (i = 0; i < fn->params.msix_vectors * 4u; i++) {
		uint32_t dw = __atomic_load_n(&((const uint32_t *)(const void *)fn->msix_table)[i],
					      __ATOMIC_SEQ_CST);

		memcpy(b + off + 4u * i, &dw, 4);
	}
	off += pcifn_state_table_len(fn);
	for (i = 0; i < pcifn_state_pba_len(fn) / 8u; i++) {
		w = __atomic_load_n(&fn->msix_pba[i], __ATOMIC_SEQ_CST);
		memcpy(b + off + 8u * i, &w, 8);
	}
	memcpy(b, &h, sizeof(h));
	h.crc = rte_hash_crc(b + PCIFN_STATE_CRC_OFF, need - PCIFN_STATE_CRC_OFF, 0);
	memcpy(b + offsetof(struct pcifn_state_hdr, crc), &h.crc, sizeof(h.crc));
	return (int)need;
}

#define PCIFN_STATE_REFUSE(fn, fmt, ...) do { \
	PCIFN_LOG(WARNING, "function %d: state refused: " fmt, (fn)->id, ##__VA_ARGS__); \
	return -EINVAL; \
} while (0)

/* Checks of the config image against the function's own read-only bits. */
static int
pcifn_state_check_cfg(const struct pcifn *fn, const uint8_t *cfg)
{
	uint8_t ro, mine, theirs;
	uint16_t pmcsr;
	unsigned int i;

	for (i = 0; i < PCIFN_CFG_SIZE; i++) {
		ro = (uint8_t)~(fn->wmask[i] | fn->w1cmask[i]);
		if (i == PCIFN_CFG_STATUS)
			ro &= (uint8_t)~PCIFN_STS_INTX;	/* follows the INTx level */
		mine = fn->cfg[i] & ro;
		theirs = cfg[i] & ro;
		if (mine != theirs) {
			PCIFN_LOG(WARNING, "function %d: state refused: read-only config byte "
				  "0x%03x is 0x%02x, the function has 0x%02x", fn->id, i,
				  cfg[i], fn->cfg[i]);
			return -EINVAL;
		}
	}
	if (fn->cap_pm != 0) {
		pmcsr = pcifn_le16(&cfg[fn->cap_pm + offsetof(struct pcifn_cap_pm, pmcsr)]);
		if ((pmcsr & PCIFN_PM_PMCSR_STATE) != PCIFN_PM_STATE_D0 &&
		    (pmcsr & PCIFN_PM_PMCSR_STATE) != PCIFN_PM_STATE_D3HOT)
			PCIFN_STATE_REFUSE(fn, "power state D%u",
					   pmcsr & PCIFN_PM_PMCSR_STATE);
	}
	return 0;
}

int
pcifn_state_restore(struct pcifn *fn, const void *buf, size_t len)
{
	struct pcifn_state_hdr h, mine;
	const uint8_t *b = buf;
	const uint8_t *cfg, *table, *pba;
	unsigned int i, v;
	uint32_t crc, dw;
	uint64_t w, valid;
	size_t need;

	if (fn == NULL || buf == NULL)
		return -EINVAL;
	if (fn->stats.cfg_rd + fn->stats.cfg_wr + fn->stats.mem_rd + fn->stats.mem_wr != 0) {
		PCIFN_LOG(WARNING, "function %d: state not restored: requests already served",
			  fn->id);
		return -EBUSY;
	}
	if (len < sizeof(h))
		PCIFN_STATE_REFUSE(fn, "%zu bytes, shorter than a header", len);
	memcpy(&h, b, sizeof(h));
	if (h.magic != PCIFN_STATE_MAGIC)
		PCIFN_STATE_REFUSE(fn, "bad magic 0x%08x", h.magic);
	if (h.version != PCIFN_STATE_VERSION)
		PCIFN_STATE_REFUSE(fn, "version %u, this library reads %u", h.version,
				   PCIFN_STATE_VERSION);
	need = pcifn_state_len(fn);
	if (h.hdr_len != sizeof(h) || h.total_len != need || len < need)
		PCIFN_STATE_REFUSE(fn, "sizes (header %u, total %u, have %zu, expected %zu)",
				   h.hdr_len, h.total_len, len, need);
	crc = rte_hash_crc(b + PCIFN_STATE_CRC_OFF, need - PCIFN_STATE_CRC_OFF, 0);
	if (crc != h.crc)
		PCIFN_STATE_REFUSE(fn, "CRC 0x%08x, computed 0x%08x", h.crc, crc);
	memset(&mine, 0, sizeof(mine));
	pcifn_state_identity(fn, &mine);
	if (memcmp((const uint8_t *)&h + offsetof(struct pcifn_state_hdr, vendor_id),
		   (const uint8_t *)&mine + offsetof(struct pcifn_state_hdr, vendor_id),
		   offsetof(struct pcifn_state_hdr, rid) -
		   offsetof(struct pcifn_state_hdr, vendor_id)) != 0)
		PCIFN_STATE_REFUSE(fn, "made by another function (IDs %04x:%04x, %u vectors)",
				   h.vendor_id, h.device_id, h.msix_vectors);
	if ((h.rid & 7u) != fn->fn_num)
		PCIFN_STATE_REFUSE(fn, "function number %u, this one is %u", h.rid & 7u,
				   fn->fn_num);
	cfg = b + sizeof(h);
	table = cfg + PCIFN_CFG_SIZE;
	pba = table + pcifn_state_table_len(fn);
	if (pcifn_state_check_cfg(fn, cfg) != 0)
		return -EINVAL;
	for (v = 0; v < fn->params.msix_vectors; v++) {
		memcpy(&dw, table + 16u * v, 4);
		if ((rte_le_to_cpu_32(dw) & 3u) != 0)
			PCIFN_STATE_REFUSE(fn, "MSI-X vector %u address not DW aligned", v);
		memcpy(&dw, table + 16u * v + 12u, 4);
		if ((rte_le_to_cpu_32(dw) & ~PCIFN_MSIX_ENTRY_MASKED) != 0)
			PCIFN_STATE_REFUSE(fn, "MSI-X vector %u control 0x%08x", v,
					   rte_le_to_cpu_32(dw));
	}

	/* Everything checked: apply. Read-only bits are equal, so a copy is right. */
	for (i = 0; i < PCIFN_CFG_SIZE; i++)
		if (i != PCIFN_CFG_STATUS)
			fn->cfg[i] = cfg[i];
	fn->cfg[PCIFN_CFG_STATUS] = (uint8_t)((cfg[PCIFN_CFG_STATUS] & ~PCIFN_STS_INTX) |
					      (fn->cfg[PCIFN_CFG_STATUS] & PCIFN_STS_INTX));
	fn->rid = h.rid;
	for (i = 0; i < fn->params.msix_vectors * 4u; i++) {
		memcpy(&dw, table + 4u * i, 4);
		__atomic_store_n(&((uint32_t *)(void *)fn->msix_table)[i], dw, __ATOMIC_SEQ_CST);
	}
	for (i = 0; i < pcifn_state_pba_len(fn) / 8u; i++) {
		memcpy(&w, pba + 8u * i, 8);
		/* Bits beyond the last vector do not exist. */
		v = fn->params.msix_vectors - 64u * i;
		valid = v >= 64 ? UINT64_MAX : (UINT64_C(1) << v) - 1;
		__atomic_store_n(&fn->msix_pba[i], w & valid, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&fn->msix_retry, true, __ATOMIC_RELEASE);
	pcifn_cfg_refresh(fn, false, 0);
	pcifn_state_touch(fn);
	PCIFN_LOG(INFO, "function %d: state restored (command 0x%04x, MSI-X %s)", fn->id,
		  pcifn_cfg16(fn, PCIFN_CFG_COMMAND), fn->msix_enabled ? "on" : "off");
	return 0;
}
