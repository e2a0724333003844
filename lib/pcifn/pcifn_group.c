/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Groups: the functions sharing one tlpdev, by function number, and the
 * per-queue buffers that pcifn_service() answers from.
 */

#include <errno.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "pcifn_private.h"

struct pcifn_group *
pcifn_group_create(uint16_t dev_id)
{
	struct tlpdev_info info;
	struct pcifn_group *grp;

	if (!tlpdev_is_valid(dev_id)) {
		rte_errno = ENODEV;
		return NULL;
	}
	grp = rte_zmalloc("pcifn_group", sizeof(*grp), RTE_CACHE_LINE_SIZE);
	if (grp == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	grp->dev_id = dev_id;
	grp->nb_queues = tlpdev_info_get(dev_id, &info) == 0 ? info.nb_queues : 1;
	grp->link_up = tlpdev_link_get(dev_id) == 1;
	return grp;
}

/* The multi-function bit of every member follows the member count. */
static void
pcifn_group_mf_update(struct pcifn_group *grp)
{
	struct pcifn *fn;
	unsigned int i;

	for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++) {
		fn = grp->fns[i];
		if (fn == NULL)
			continue;
		if (grp->nb_fns > 1) {
			fn->cfg_reset[PCIFN_CFG_HEADER_TYPE] |= PCIFN_HDR_TYPE_MF;
			fn->cfg[PCIFN_CFG_HEADER_TYPE] |= PCIFN_HDR_TYPE_MF;
		} else {
			fn->cfg_reset[PCIFN_CFG_HEADER_TYPE] &= (uint8_t)~PCIFN_HDR_TYPE_MF;
			fn->cfg[PCIFN_CFG_HEADER_TYPE] &= (uint8_t)~PCIFN_HDR_TYPE_MF;
		}
	}
}

int
pcifn_group_add(struct pcifn_group *grp, struct pcifn *fn, uint8_t fn_num)
{
	if (grp == NULL || fn == NULL || fn_num >= PCIFN_GROUP_MAX_FNS)
		return -EINVAL;
	if (fn->grp != NULL)
		return -EBUSY;
	if (grp->fns[fn_num] != NULL)
		return -EEXIST;
	grp->fns[fn_num] = fn;
	grp->nb_fns++;
	fn->grp = grp;
	fn->fn_num = fn_num;
	fn->rid = fn_num;
	pcifn_group_mf_update(grp);
	pcifn_cfg_refresh(fn, false, 0);
	return 0;
}

int
pcifn_group_remove(struct pcifn_group *grp, struct pcifn *fn)
{
	if (grp == NULL || fn == NULL || fn->grp != grp || grp->fns[fn->fn_num] != fn)
		return -EINVAL;
	grp->fns[fn->fn_num] = NULL;
	grp->nb_fns--;
	fn->grp = NULL;
	fn->cfg_reset[PCIFN_CFG_HEADER_TYPE] &= (uint8_t)~PCIFN_HDR_TYPE_MF;
	fn->cfg[PCIFN_CFG_HEADER_TYPE] &= (uint8_t)~PCIFN_HDR_TYPE_MF;
	pcifn_group_mf_update(grp);
	return 0;
}

static void
pcifn_queue_free(struct pcifn_queue *q)
{
	unsigned int i;

	if (q == NULL)
		return;
	for (i = 0; i < PCIFN_BURST; i++)
		rte_free(q->reqs[i]);
	for (i = 0; i < PCIFN_CPL_SLOTS; i++)
		rte_free(q->cpls[i]);
	rte_free(q);
}

/* Buffers of queue @p qid, allocated on first use. */
struct pcifn_queue *
pcifn_group_queue(struct pcifn_group *grp, uint16_t qid)
{
	struct pcifn_queue *q = grp->queues[qid];
	unsigned int i;

	if (likely(q != NULL))
		return q;
	q = rte_zmalloc("pcifn_queue", sizeof(*q), RTE_CACHE_LINE_SIZE);
	if (q == NULL)
		return NULL;
	for (i = 0; i < PCIFN_BURST; i++) {
		q->reqs[i] = rte_malloc("pcifn_req", sizeof(struct tlp_req), RTE_CACHE_LINE_SIZE);
		if (q->reqs[i] == NULL)
			goto free_queue;
	}
	for (i = 0; i < PCIFN_CPL_SLOTS; i++) {
		q->cpls[i] = rte_malloc("pcifn_cpl", sizeof(struct tlp_cpl), RTE_CACHE_LINE_SIZE);
		if (q->cpls[i] == NULL)
			goto free_queue;
	}
	grp->queues[qid] = q;
	return q;

free_queue:
	pcifn_queue_free(q);
	return NULL;
}

void
pcifn_group_free(struct pcifn_group *grp)
{
	unsigned int i;

	if (grp == NULL)
		return;
	for (i = 0; i < PCIFN_GROUP_MAX_FNS; i++)
		if (grp->fns[i] != NULL)
			pcifn_group_remove(grp, grp->fns[i]);
	for (i = 0; i < TLPDEV_MAX_QUEUES; i++)
		pcifn_queue_free(grp->queues[i]);
	rte_free(grp);
}
