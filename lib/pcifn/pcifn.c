/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Function life cycle: parameter checks, creation of the config image and
 * capability chain, counters and accessors.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "pcifn_private.h"

RTE_LOG_REGISTER(pcifn_logtype, lib.pcifn, NOTICE);

static const struct pcifn_ops pcifn_no_ops;

/* Add to a counter that data-path threads may also update. */
void
pcifn_stat_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static int
pcifn_check_params(const struct pcifn_params *p)
{
	uint16_t mps = p->max_payload_supported;

	if (mps != 0 && (mps < 128 || mps > 4096 || (mps & (mps - 1)) != 0)) {
		PCIFN_LOG(ERR, "max_payload_supported %u is not a power of two in 128..4096",
			  mps);
		return -EINVAL;
	}
	if (p->intx_pin > 4) {
		PCIFN_LOG(ERR, "interrupt pin %u is not 0..4", p->intx_pin);
		return -EINVAL;
	}
	if (p->class_code > 0xffffff) {
		PCIFN_LOG(ERR, "class code 0x%x is wider than 24 bits", p->class_code);
		return -EINVAL;
	}
	if (p->vendor_id == 0xffff) {
		PCIFN_LOG(ERR, "vendor ID 0xffff means 'no function'");
		return -EINVAL;
	}
	return pcifn_bar_check_params(p);
}

struct pcifn *
pcifn_create(const struct pcifn_params *params, const struct pcifn_ops *ops, void *ctx)
{
	struct pcifn *fn;
	int ret;

	if (params == NULL || pcifn_check_params(params) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	fn = rte_zmalloc("pcifn", sizeof(*fn), RTE_CACHE_LINE_SIZE);
	if (fn == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	fn->params = *params;
	if (fn->params.max_payload_supported == 0)
		fn->params.max_payload_supported = 512;
	fn->ops = ops != NULL ? ops : &pcifn_no_ops;
	fn->ctx = ctx;
	fn->id = -1;
	pcifn_cfg_init(fn);
	pcifn_bar_init(fn);
	pcifn_cap_init(fn);
	ret = pcifn_msix_init(fn);
	if (ret != 0)
		goto free_fn;
	ret = pcifn_table_add(fn);
	if (ret != 0)
		goto free_fn;
	pcifn_cfg_restore(fn, false);
	pcifn_cfg_refresh(fn, false, 0);
	return fn;

free_fn:
	pcifn_msix_fini(fn);
	rte_free(fn);
	rte_errno = -ret;
	return NULL;
}

void
pcifn_free(struct pcifn *fn)
{
	if (fn == NULL)
		return;
	if (fn->grp != NULL) {
		PCIFN_LOG(ERR, "function %d is still in a group: not freed", fn->id);
		return;
	}
	pcifn_table_del(fn);
	pcifn_msix_fini(fn);
	rte_free(fn);
}

uint16_t
pcifn_rid(const struct pcifn *fn)
{
	return fn == NULL ? 0 : fn->rid;
}

int
pcifn_id(const struct pcifn *fn)
{
	return fn == NULL ? -EINVAL : fn->id;
}

int
pcifn_dev_id(const struct pcifn *fn)
{
	if (fn == NULL || fn->grp == NULL)
		return -ENODEV;
	return fn->grp->dev_id;
}

int
pcifn_stats_get(const struct pcifn *fn, struct pcifn_stats *stats)
{
	if (fn == NULL || stats == NULL)
		return -EINVAL;
	*stats = fn->stats;
	stats->msix_sent = __atomic_load_n(&fn->stats.msix_sent, __ATOMIC_RELAXED);
	stats->msix_pended = __atomic_load_n(&fn->stats.msix_pended, __ATOMIC_RELAXED);
	stats->msix_dropped = __atomic_load_n(&fn->stats.msix_dropped, __ATOMIC_RELAXED);
	return 0;
}

int
pcifn_stats_reset(struct pcifn *fn)
{
	if (fn == NULL)
		return -EINVAL;
	memset(&fn->stats, 0, sizeof(fn->stats));
	return 0;
}
