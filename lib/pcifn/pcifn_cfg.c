/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Config space: the type 0 header, per-bit register semantics and the side
 * effects of config writes.
 *
 * Every byte of the 4 KiB space has a current value, a reset value and three
 * masks: bits the host may write (wmask), bits it clears by writing 1
 * (w1cmask) and bits that survive FLR and hot reset (sticky). Everything
 * else is read-only. A write touches only the bytes its byte enables select;
 * derived state (BAR decoding, bus mastering, MSI-X, INTx, MPS/RCB) is then
 * recomputed from the new image and the owner told what changed.
 */

#include <errno.h>
#include <string.h>

#include "pcifn_private.h"

void
pcifn_cfg_def16(struct pcifn *fn, unsigned int off, uint16_t val, uint16_t wmask, uint16_t w1c)
{
	pcifn_put_le16(&fn->cfg_reset[off], val);
	pcifn_put_le16(&fn->wmask[off], wmask);
	pcifn_put_le16(&fn->w1cmask[off], w1c);
}

void
pcifn_cfg_def32(struct pcifn *fn, unsigned int off, uint32_t val, uint32_t wmask, uint32_t w1c)
{
	pcifn_put_le32(&fn->cfg_reset[off], val);
	pcifn_put_le32(&fn->wmask[off], wmask);
	pcifn_put_le32(&fn->w1cmask[off], w1c);
}

/* The type 0 header; BARs and capabilities are set up by their own files. */
void
pcifn_cfg_init(struct pcifn *fn)
{
	const struct pcifn_params *p = &fn->params;

	pcifn_cfg_def16(fn, PCIFN_CFG_VENDOR_ID, p->vendor_id, 0, 0);
	pcifn_cfg_def16(fn, PCIFN_CFG_DEVICE_ID, p->device_id, 0, 0);
	/* I/O Space Enable stays 0: the function has no I/O BAR. */
	pcifn_cfg_def16(fn, PCIFN_CFG_COMMAND, 0,
			PCIFN_CMD_MEM | PCIFN_CMD_BME | PCIFN_CMD_PERR | PCIFN_CMD_SERR |
			PCIFN_CMD_INTX_DIS, 0);
	pcifn_cfg_def16(fn, PCIFN_CFG_STATUS, PCIFN_STS_CAP_LIST, 0, PCIFN_STS_RW1C);
	fn->cfg_reset[PCIFN_CFG_REVISION] = p->revision;
	fn->cfg_reset[PCIFN_CFG_CLASS] = (uint8_t)p->class_code;
	fn->cfg_reset[PCIFN_CFG_CLASS + 1] = (uint8_t)(p->class_code >> 8);
	fn->cfg_reset[PCIFN_CFG_CLASS + 2] = (uint8_t)(p->class_code >> 16);
	/* Cache Line Size: read-write, no effect on PCI Express. */
	fn->wmask[PCIFN_CFG_CACHE_LINE] = 0xff;
	pcifn_cfg_def16(fn, PCIFN_CFG_SUBSYS_VID, p->subsys_vendor_id, 0, 0);
	pcifn_cfg_def16(fn, PCIFN_CFG_SUBSYS_ID, p->subsys_id, 0, 0);
	/* Expansion ROM BAR: not implemented, reads 0. */
	fn->wmask[PCIFN_CFG_INTR_LINE] = 0xff;
	fn->cfg_reset[PCIFN_CFG_INTR_PIN] = p->intx_pin;
}

/*
 * Back to the reset image. With @p keep_sticky the sticky bits keep their
 * current value (FLR, hot reset).
 */
void
pcifn_cfg_restore(struct pcifn *fn, bool keep_sticky)
{
	unsigned int i;

	if (!keep_sticky) {
		memcpy(fn->cfg, fn->cfg_reset, sizeof(fn->cfg));
		return;
	}
	for (i = 0; i < PCIFN_CFG_SIZE; i++)
		fn->cfg[i] = (uint8_t)((fn->cfg_reset[i] & ~fn->sticky[i]) |
				       (fn->cfg[i] & fn->sticky[i]));
}

/* Set Status bits (error reporting by the function itself). */
void
pcifn_cfg_set_status(struct pcifn *fn, uint16_t bits)
{
	pcifn_put_le16(&fn->cfg[PCIFN_CFG_STATUS], pcifn_cfg16(fn, PCIFN_CFG_STATUS) | bits);
}

/* Set PCI Express Device Status bits. */
void
pcifn_cfg_set_devsta(struct pcifn *fn, uint16_t bits)
{
	unsigned int off;

	if (fn->cap_exp == 0)
		return;
	off = fn->cap_exp + offsetof(struct pcifn_cap_exp, devsta);
	pcifn_put_le16(&fn->cfg[off], pcifn_cfg16(fn, off) | bits);
}

/* Payload size in bytes of a 3-bit size encoding (128 << n, reserved -> 4096). */
static uint16_t
pcifn_size_decode(unsigned int enc)
{
	return (uint16_t)(128u << (enc > 5 ? 5 : enc));
}

/*
 * Recompute what the function derives from its config image, and with
 * @p notify tell the owner what changed. Pended MSI-X messages of vectors
 * that became unmasked and owed INTx messages go out on queue @p qid.
 */
void
pcifn_cfg_refresh(struct pcifn *fn, bool notify, uint16_t qid)
{
	uint16_t cmd = pcifn_cfg16(fn, PCIFN_CFG_COMMAND);
	uint64_t old_base[PCIFN_NB_BARS];
	bool old_decode = fn->decode, bar_changed = false, bme, d0 = true;
	uint8_t en = 0, fmask = 0, old_en, old_fmask;
	unsigned int i;

	if (fn->cap_pm != 0)
		d0 = (pcifn_cfg16(fn, fn->cap_pm + offsetof(struct pcifn_cap_pm, pmcsr)) &
		      PCIFN_PM_PMCSR_STATE) == PCIFN_PM_STATE_D0;
	/* A function in D3hot answers config requests only. */
	fn->decode = (cmd & PCIFN_CMD_MEM) != 0 && d0;
	for (i = 0; i < PCIFN_NB_BARS; i++)
		old_base[i] = fn->bars[i].base;
	pcifn_bar_decode(fn);
	for (i = 0; i < PCIFN_NB_BARS; i++)
		if (old_base[i] != fn->bars[i].base)
			bar_changed = true;

	if (fn->cap_exp != 0) {
		uint16_t devctl = pcifn_cfg16(fn, fn->cap_exp +
					      offsetof(struct pcifn_cap_exp, devctl));
		uint16_t lnkctl = pcifn_cfg16(fn, fn->cap_exp +
					      offsetof(struct pcifn_cap_exp, lnkctl));

		fn->mps = RTE_MIN(pcifn_size_decode((devctl & PCIFN_EXP_DEVCTL_MPS) >>
						    PCIFN_EXP_DEVCTL_MPS_SHIFT),
				  fn->params.max_payload_supported);
		fn->rcb = (lnkctl & PCIFN_EXP_LNKCTL_RCB) != 0 ? 128 : 64;
	} else {
		fn->mps = 128;
		fn->rcb = 64;
	}

	old_en = fn->msix_enabled;
	old_fmask = fn->msix_fmask;
	if (fn->cap_msix != 0) {
		uint16_t ctrl = pcifn_cfg16(fn, fn->cap_msix + offsetof(struct pcifn_cap_msix,
									 ctrl));

		en = (ctrl & PCIFN_MSIX_CTRL_ENABLE) != 0;
		fmask = (ctrl & PCIFN_MSIX_CTRL_MASK) != 0;
	}
	/* Data-path threads read these in pcifn_msix_notify(). */
	__atomic_store_n(&fn->msix_enabled, en, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fn->msix_fmask, fmask, __ATOMIC_SEQ_CST);

	bme = (cmd & PCIFN_CMD_BME) != 0;
	if (notify && bme != fn->bme && fn->ops->bme_change != NULL)
		fn->ops->bme_change(fn, bme, fn->ctx);
	__atomic_store_n(&fn->bme, bme, __ATOMIC_SEQ_CST);
	if (bme && notify)
		pcifn_msix_flush(fn, qid);	/* messages pended while mastering was off */
	if (notify && (bar_changed || old_decode != fn->decode) && fn->ops->bar_change != NULL)
		fn->ops->bar_change(fn, fn->ctx);
	if (notify && (old_en != en || old_fmask != fmask) && fn->ops->msix_change != NULL)
		fn->ops->msix_change(fn, fn->ctx);
	if (en && !fmask && (!old_en || old_fmask))
		pcifn_msix_flush(fn, qid);	/* unmasked: pended messages go out */

	/* Interrupt Status follows the level; Interrupt Disable gates the wire. */
	if (fn->intx_level)
		fn->cfg[PCIFN_CFG_STATUS] |= PCIFN_STS_INTX;
	else
		fn->cfg[PCIFN_CFG_STATUS] &= (uint8_t)~PCIFN_STS_INTX;
	pcifn_intx_sync(fn, qid);
}

/*
 * Apply a Type 0 config write of the DW at @p reg under byte enables @p be.
 * Returns true when the write initiates a Function Level Reset: the caller
 * completes the request, then starts the reset.
 */
bool
pcifn_cfg_write(struct pcifn *fn, uint16_t reg, uint8_t be, const uint8_t *data, uint16_t qid)
{
	uint16_t pmcsr_off = 0, old_pmcsr = 0, state;
	bool flr = false;
	unsigned int b, off;
	uint8_t v;

	reg &= (uint16_t)(PCIFN_CFG_SIZE - 4) & ~3u;
	if (fn->cap_pm != 0) {
		pmcsr_off = (uint16_t)(fn->cap_pm + offsetof(struct pcifn_cap_pm, pmcsr));
		old_pmcsr = pcifn_cfg16(fn, pmcsr_off);
	}
	for (b = 0; b < 4; b++) {
		if ((be & (1u << b)) == 0)
			continue;
		off = reg + b;
		v = data[b];
		fn->cfg[off] = (uint8_t)((fn->cfg[off] & ~fn->wmask[off]) | (v & fn->wmask[off]));
		fn->cfg[off] &= (uint8_t)~(v & fn->w1cmask[off]);
	}
	/* Initiate FLR: a write-only bit that always reads 0. */
	if (fn->cap_exp != 0 && fn->params.flr) {
		off = fn->cap_exp + offsetof(struct pcifn_cap_exp, devctl) + 1;
		if (off >= reg && off < reg + 4u && (be & (1u << (off - reg))) != 0 &&
		    (data[off - reg] & (PCIFN_EXP_DEVCTL_FLR >> 8)) != 0)
			flr = true;
	}
	/* PowerState: only D0 and D3hot exist; other values leave it unchanged. */
	if (pmcsr_off != 0) {
		state = pcifn_cfg16(fn, pmcsr_off) & PCIFN_PM_PMCSR_STATE;
		if (state != PCIFN_PM_STATE_D0 && state != PCIFN_PM_STATE_D3HOT)
			pcifn_put_le16(&fn->cfg[pmcsr_off],
				       (uint16_t)((pcifn_cfg16(fn, pmcsr_off) &
						   ~PCIFN_PM_PMCSR_STATE) |
						  (old_pmcsr & PCIFN_PM_PMCSR_STATE)));
	}
	pcifn_state_touch(fn);
	pcifn_cfg_refresh(fn, true, qid);
	for (b = 0; b < fn->nb_cfg_hooks; b++) {
		if (reg + 4u > fn->cfg_hooks[b].start && reg < fn->cfg_hooks[b].end &&
		    fn->cfg_hooks[b].ops->write != NULL)
			fn->cfg_hooks[b].ops->write(fn, reg, be, data, fn->cfg_hooks[b].ctx);
	}
	return flr;
}

/* The DW at @p reg (DW aligned) as the host reads it: the image, then hooks. */
uint32_t
pcifn_cfg_host_read(struct pcifn *fn, uint16_t reg)
{
	uint32_t val = pcifn_le32(&fn->cfg[reg]);
	unsigned int i;

	for (i = 0; i < fn->nb_cfg_hooks; i++) {
		if (reg + 4u > fn->cfg_hooks[i].start && reg < fn->cfg_hooks[i].end &&
		    fn->cfg_hooks[i].ops->read != NULL)
			fn->cfg_hooks[i].ops->read(fn, reg, &val, fn->cfg_hooks[i].ctx);
	}
	return val;
}

int
pcifn_cfg_hook_add(struct pcifn *fn, uint16_t offset, uint16_t len,
		   const struct pcifn_cfg_hook_ops *ops, void *ctx)
{
	unsigned int i, start, end;

	if (fn == NULL || ops == NULL || (ops->read == NULL && ops->write == NULL) ||
	    len == 0 || offset < sizeof(struct pcifn_hdr0) || offset >= PCIFN_CFG_SIZE ||
	    len > PCIFN_CFG_SIZE - offset)
		return -EINVAL;
	if (fn->nb_cfg_hooks == PCIFN_MAX_CFG_HOOKS)
		return -ENOSPC;
	start = offset & ~3u;
	end = RTE_ALIGN_CEIL((unsigned int)offset + len, 4u);
	for (i = 0; i < fn->nb_cfg_hooks; i++)
		if (start < fn->cfg_hooks[i].end && fn->cfg_hooks[i].start < end)
			return -EEXIST;
	fn->cfg_hooks[i].start = (uint16_t)start;
	fn->cfg_hooks[i].end = (uint16_t)end;
	fn->cfg_hooks[i].ops = ops;
	fn->cfg_hooks[i].ctx = ctx;
	fn->nb_cfg_hooks++;
	return 0;
}

int
pcifn_config_write(struct pcifn *fn, uint16_t offset, const void *buf, uint16_t len)
{
	if (fn == NULL || buf == NULL || offset < sizeof(struct pcifn_hdr0) ||
	    offset >= PCIFN_CFG_SIZE || len > PCIFN_CFG_SIZE - offset)
		return -EINVAL;
	memcpy(&fn->cfg[offset], buf, len);
	return 0;
}

int
pcifn_config_read(const struct pcifn *fn, uint16_t offset, void *buf, uint16_t len)
{
	if (fn == NULL || buf == NULL || offset >= PCIFN_CFG_SIZE ||
	    len > PCIFN_CFG_SIZE - offset)
		return -EINVAL;
	memcpy(buf, &fn->cfg[offset], len);
	return 0;
}
