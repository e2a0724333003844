/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Resets: Function Level Reset, hot reset and link down.
 *
 * A reset first silences the function (a Deassert_INTx if the host saw the
 * wire asserted, then no DMA, MSI or INTx until it is over), puts the config
 * space back to its reset values (sticky bits kept, except on link down),
 * masks every MSI-X vector, drops pending bits, and lets the owner stop its
 * work, synchronously or later through pcifn_reset_done(). Meanwhile config
 * requests get CRS; the BARs are unassigned, so memory requests find no
 * target (reads UR, writes dropped).
 */

#include <errno.h>

#include <rte_cycles.h>

#include "pcifn_private.h"

void
pcifn_reset_start(struct pcifn *fn, enum pcifn_reset_kind kind, uint16_t qid)
{
	int ret;

	/* The host must not be left with an asserted wire. */
	if (fn->intx_wire && fn->grp != NULL && !fn->resetting) {
		fn->intx_level = false;
		pcifn_intx_sync(fn, qid);
	}
	fn->intx_level = false;
	fn->intx_wire = false;
	fn->intx_dirty = false;
	/* From here on pcifn_dma_allowed() is false for data-path threads. */
	__atomic_store_n(&fn->resetting, 1, __ATOMIC_SEQ_CST);
	fn->reset_kind = (uint8_t)kind;
	fn->reset_start = rte_get_timer_cycles();
	fn->stats.resets++;
	if (kind == PCIFN_RESET_FLR)
		fn->stats.flr++;
	else
		fn->rid = fn->fn_num;	/* captured bus/device numbers are lost */
	pcifn_cfg_restore(fn, kind != PCIFN_RESET_LINK_DOWN);
	pcifn_state_touch(fn);
	pcifn_msix_reset(fn);
	pcifn_cfg_refresh(fn, true, qid);
	ret = fn->ops->reset != NULL ? fn->ops->reset(fn, kind, fn->ctx) : 0;
	if (ret == -EINPROGRESS)
		return;
	if (ret != 0)
		PCIFN_LOG(WARNING, "function %d: owner reset failed: %d", fn->id, ret);
	pcifn_reset_done(fn);
}

void
pcifn_reset_done(struct pcifn *fn)
{
	uint64_t ns;

	if (fn == NULL || !fn->resetting)
		return;
	ns = (rte_get_timer_cycles() - fn->reset_start) * 1000000000ull / rte_get_timer_hz();
	fn->stats.reset_ns_last = ns;
	if (ns > fn->stats.reset_ns_max)
		fn->stats.reset_ns_max = ns;
	__atomic_store_n(&fn->resetting, 0, __ATOMIC_SEQ_CST);
	pcifn_cfg_refresh(fn, false, 0);
}

bool
pcifn_dma_allowed(const struct pcifn *fn)
{
	return fn != NULL && __atomic_load_n(&fn->bme, __ATOMIC_SEQ_CST) &&
		!__atomic_load_n(&fn->resetting, __ATOMIC_SEQ_CST);
}

int
pcifn_dma_sync(struct pcifn *fn, uint16_t qid, enum tlpdev_dma_dir dir, uint64_t host_addr,
	       void *buf, uint32_t len)
{
	if (fn == NULL)
		return -EINVAL;
	if (fn->grp == NULL)
		return -ENODEV;
	if (!pcifn_dma_allowed(fn))
		return -EPERM;
	return tlpdev_dma_sync(fn->grp->dev_id, qid, dir, host_addr, buf, len);
}
