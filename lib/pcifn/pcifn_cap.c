/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The capability chain: power management, PCI Express and MSI-X at
 * creation, then the owner's vendor-specific and extended capabilities.
 *
 * IDs, next pointers and the capabilities pointer are read-only and written
 * only here, so the chain stays well formed whatever the host writes; walks
 * are bounded all the same.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "pcifn_private.h"

/* Capabilities live in 0x40..0xff, DW aligned. */
#define PCIFN_CAP_FIRST 0x40u
#define PCIFN_CAP_END 0x100u

/* Append a capability of @p len bytes; return its offset or 0 when full. */
static uint8_t
pcifn_cap_append(struct pcifn *fn, uint8_t id, unsigned int len)
{
	unsigned int off = fn->cap_free;

	if (off + len > PCIFN_CAP_END)
		return 0;
	fn->cfg_reset[off] = id;
	fn->cfg_reset[off + 1] = 0;
	if (fn->cap_last == 0)
		fn->cfg_reset[PCIFN_CFG_CAP_PTR] = (uint8_t)off;
	else
		fn->cfg_reset[fn->cap_last + 1] = (uint8_t)off;
	fn->cap_last = (uint8_t)off;
	fn->cap_free = (uint8_t)RTE_MIN(RTE_ALIGN_CEIL(off + len, 4u), 0xffu);
	if (off + len >= PCIFN_CAP_END - 3)
		fn->cap_free = 0xff;	/* no room for another one */
	return (uint8_t)off;
}

static void
pcifn_cap_pm_init(struct pcifn *fn)
{
	uint8_t off = pcifn_cap_append(fn, PCIFN_CAP_ID_PM, sizeof(struct pcifn_cap_pm));

	fn->cap_pm = off;
	/* PM 1.2, no D1/D2, no PME: D0 and D3hot only, no reset on D3hot -> D0. */
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_pm, pmc), PCIFN_PM_PMC_VERSION, 0, 0);
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_pm, pmcsr), PCIFN_PM_PMCSR_NSR,
			PCIFN_PM_PMCSR_STATE, 0);
}

/* log2(bytes / 128): the 3-bit payload size encoding. */
static uint32_t
pcifn_size_encode(uint16_t bytes)
{
	uint32_t enc = 0;

	while (enc < 5 && (128u << enc) < bytes)
		enc++;
	return enc;
}

static void
pcifn_cap_exp_init(struct pcifn *fn)
{
	uint8_t off = pcifn_cap_append(fn, PCIFN_CAP_ID_EXP, sizeof(struct pcifn_cap_exp));
	uint32_t devcap, lnk;
	uint16_t devctl_w;

	fn->cap_exp = off;
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, flags), PCIFN_EXP_FLAGS_V2_EP,
			0, 0);
	devcap = pcifn_size_encode(fn->params.max_payload_supported) |
		PCIFN_EXP_DEVCAP_EXT_TAG | PCIFN_EXP_DEVCAP_RBER;
	if (fn->params.flr)
		devcap |= PCIFN_EXP_DEVCAP_FLR;
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_exp, devcap), devcap, 0, 0);
	/*
	 * Device Control: reset values of the spec (Relaxed Ordering and No Snoop
	 * enabled, MPS 128, MRRS 512). Initiate FLR is handled by the write path
	 * and reads 0, so it is not in the write mask.
	 */
	devctl_w = PCIFN_EXP_DEVCTL_CERE | PCIFN_EXP_DEVCTL_NFERE | PCIFN_EXP_DEVCTL_FERE |
		PCIFN_EXP_DEVCTL_URRE | PCIFN_EXP_DEVCTL_RO | PCIFN_EXP_DEVCTL_MPS |
		PCIFN_EXP_DEVCTL_EXT_TAG | PCIFN_EXP_DEVCTL_NS | PCIFN_EXP_DEVCTL_MRRS;
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, devctl),
			PCIFN_EXP_DEVCTL_RO | PCIFN_EXP_DEVCTL_NS |
			(2u << PCIFN_EXP_DEVCTL_MRRS_SHIFT), devctl_w, 0);
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, devsta), 0, 0,
			PCIFN_EXP_DEVSTA_CED | PCIFN_EXP_DEVSTA_NFED | PCIFN_EXP_DEVSTA_FED |
			PCIFN_EXP_DEVSTA_URD);
	/* Link: 8.0 GT/s x1, no ASPM support, port number 0. */
	lnk = PCIFN_EXP_LNK_SPEED | PCIFN_EXP_LNK_WIDTH << 4;
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_exp, lnkcap), lnk, 0, 0);
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, lnkctl), 0,
			PCIFN_EXP_LNKCTL_ASPM | PCIFN_EXP_LNKCTL_RCB | PCIFN_EXP_LNKCTL_CCC |
			PCIFN_EXP_LNKCTL_ES, 0);
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, lnksta),
			(uint16_t)(lnk | PCIFN_EXP_LNKSTA_SCC), 0, 0);
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_exp, devcap2),
			PCIFN_EXP_DEVCAP2_CTO_RANGES | PCIFN_EXP_DEVCAP2_CTO_DIS |
			PCIFN_EXP_DEVCAP2_TAG10_CPL, 0, 0);
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, devctl2), 0,
			PCIFN_EXP_DEVCTL2_CTO_VAL | PCIFN_EXP_DEVCTL2_CTO_DIS, 0);
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_exp, lnkcap2),
			PCIFN_EXP_LNKCAP2_SPEEDS, 0, 0);
	/* Target Link Speed: read-write, starts at the maximum. */
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_exp, lnkctl2), PCIFN_EXP_LNK_SPEED,
			0xf, 0);
}

static void
pcifn_cap_msix_init(struct pcifn *fn)
{
	const struct pcifn_params *p = &fn->params;
	uint8_t off = pcifn_cap_append(fn, PCIFN_CAP_ID_MSIX, sizeof(struct pcifn_cap_msix));

	fn->cap_msix = off;
	pcifn_cfg_def16(fn, off + offsetof(struct pcifn_cap_msix, ctrl),
			(uint16_t)(p->msix_vectors - 1),
			PCIFN_MSIX_CTRL_MASK | PCIFN_MSIX_CTRL_ENABLE, 0);
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_msix, table),
			p->msix_table_offset | p->msix_bar, 0, 0);
	pcifn_cfg_def32(fn, off + offsetof(struct pcifn_cap_msix, pba),
			p->msix_pba_offset | p->msix_bar, 0, 0);
}

/* Build the chain of built-in capabilities; the space always suffices. */
int
pcifn_cap_init(struct pcifn *fn)
{
	fn->cap_free = PCIFN_CAP_FIRST;
	pcifn_cap_pm_init(fn);
	pcifn_cap_exp_init(fn);
	if (fn->params.msix_vectors > 0)
		pcifn_cap_msix_init(fn);
	fn->ext_free = PCIFN_EXT_CAP_START;
	return 0;
}

int
pcifn_cap_add_vendor(struct pcifn *fn, const void *body, const void *wmask, uint8_t len)
{
	const uint8_t *b = body, *w = wmask;
	unsigned int i, total;
	uint8_t off;

	if (fn == NULL || body == NULL || len == 0 || len > 252)
		return -EINVAL;
	if (fn->grp != NULL)
		return -EBUSY;
	total = len + 2u;
	if (fn->nb_vendor_caps >= PCIFN_MAX_VENDOR_CAPS || fn->cap_free == 0xff ||
	    fn->cap_free + total > PCIFN_CAP_END)
		return -ENOSPC;
	off = pcifn_cap_append(fn, PCIFN_CAP_ID_VNDR, total);
	if (off == 0)
		return -ENOSPC;
	for (i = 0; i < len; i++) {
		fn->cfg_reset[off + 2 + i] = b[i];
		fn->wmask[off + 2 + i] = (w != NULL && i > 0) ? w[i] : 0;
	}
	fn->cfg_reset[off + 2] = (uint8_t)total;
	fn->nb_vendor_caps++;
	pcifn_cfg_restore(fn, false);
	return off;
}

int
pcifn_ext_cap_add(struct pcifn *fn, uint16_t id, uint8_t version, const void *body,
		  const void *wmask, const void *sticky, uint16_t len)
{
	const uint8_t *b = body, *w = wmask, *s = sticky;
	unsigned int off, i, hdr;

	if (fn == NULL || (body == NULL && len > 0) || (len & 3) != 0 || version > 15)
		return -EINVAL;
	if (fn->grp != NULL)
		return -EBUSY;
	off = fn->ext_free;
	if (off + 4u + len > PCIFN_CFG_SIZE)
		return -ENOSPC;
	pcifn_put_le32(&fn->cfg_reset[off], (uint32_t)id | (uint32_t)version << 16);
	if (fn->ext_last != 0) {
		hdr = pcifn_le32(&fn->cfg_reset[fn->ext_last]);
		pcifn_put_le32(&fn->cfg_reset[fn->ext_last], (hdr & 0xfffffu) | off << 20);
	}
	for (i = 0; i < len; i++) {
		fn->cfg_reset[off + 4 + i] = b[i];
		fn->wmask[off + 4 + i] = w != NULL ? w[i] : 0;
		fn->sticky[off + 4 + i] = s != NULL ? s[i] : 0;
	}
	fn->ext_last = (uint16_t)off;
	fn->ext_free = (uint16_t)(off + 4u + len);
	pcifn_cfg_restore(fn, false);
	return (int)off;
}

/*
 * Walk the capability list of a config image, at most 48 steps (the most
 * DW-aligned capabilities that fit in 0x40..0xff). Stores the IDs met and
 * returns how many, or -ELOOP / -ERANGE for a malformed chain.
 */
int
pcifn_cap_walk(const uint8_t *cfg, uint8_t *ids, unsigned int max)
{
	unsigned int n = 0, steps;
	uint8_t off = cfg[PCIFN_CFG_CAP_PTR];

	for (steps = 0; off != 0; steps++) {
		if (steps >= 48)
			return -ELOOP;
		if (off < PCIFN_CAP_FIRST || (off & 3) != 0)
			return -ERANGE;
		if (n < max)
			ids[n] = cfg[off];
		n++;
		off = cfg[off + 1];
	}
	return (int)n;
}
