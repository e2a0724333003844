/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPDEV_PRIVATE_H
#define TLPDEV_PRIVATE_H

/* Internal to lib/tlpdev; never installed. */

#include <rte_branch_prediction.h>
#include <rte_log.h>

#include "tlpdev_driver.h"

extern int tlpdev_logtype;
#define TLPDEV_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tlpdev_logtype, "tlpdev: " fmt "\n", ##__VA_ARGS__)

/* The device table; slots are written only under the table lock. */
extern struct tlpdev *tlpdev_table[TLPDEV_MAX_DEVS];

/* The device for an id, or NULL. */
static inline struct tlpdev *
tlpdev_get(uint16_t dev_id)
{
	return dev_id < TLPDEV_MAX_DEVS ? tlpdev_table[dev_id] : NULL;
}

/* The device for an id when @p qid is one of its queues, or NULL. */
static inline struct tlpdev *
tlpdev_get_queue(uint16_t dev_id, uint16_t qid)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	if (unlikely(dev == NULL || qid >= dev->nb_queues))
		return NULL;
	return dev;
}

#endif /* TLPDEV_PRIVATE_H */
