/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * INTx emulation: the owner sets a level; the host sees the Interrupt Status
 * bit follow it and, while Interrupt Disable is clear, one Assert_INTx or
 * Deassert_INTx message (routed Local) per change of the virtual wire.
 */

#include <errno.h>

#include "pcifn_private.h"

/* Tell the host the wire state it should see, if it does not yet (control thread). */
void
pcifn_intx_sync(struct pcifn *fn, uint16_t qid)
{
	bool want;
	uint8_t code;
	int ret;

	if (fn->params.intx_pin == 0 || fn->grp == NULL || fn->resetting)
		return;
	want = fn->intx_level &&
		(pcifn_cfg16(fn, PCIFN_CFG_COMMAND) & PCIFN_CMD_INTX_DIS) == 0;
	if (want == fn->intx_wire) {
		fn->intx_dirty = false;
		return;
	}
	code = (uint8_t)((want ? TLP_MSG_ASSERT_INTA : TLP_MSG_DEASSERT_INTA) +
			 fn->params.intx_pin - 1);
	ret = tlpdev_msg_send(fn->grp->dev_id, qid, fn->rid, code, TLP_MSG_ROUTE_LOCAL);
	if (ret == -ENOBUFS) {
		fn->intx_dirty = true;	/* retried by pcifn_service() on queue 0 */
		return;
	}
	/* Sent, or nobody to tell (link down, no message support). */
	if (ret == 0)
		fn->stats.intx_msgs++;
	fn->intx_wire = want;
	fn->intx_dirty = false;
}

int
pcifn_intx_set(struct pcifn *fn, bool level)
{
	if (fn == NULL)
		return -EINVAL;
	if (fn->params.intx_pin == 0)
		return -ENOTSUP;
	fn->intx_level = level;
	if (level)
		fn->cfg[PCIFN_CFG_STATUS] |= PCIFN_STS_INTX;
	else
		fn->cfg[PCIFN_CFG_STATUS] &= (uint8_t)~PCIFN_STS_INTX;
	pcifn_intx_sync(fn, 0);
	return 0;
}
