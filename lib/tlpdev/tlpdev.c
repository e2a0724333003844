/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "tlpdev_private.h"

RTE_LOG_REGISTER(tlpdev_logtype, lib.tlpdev, NOTICE);

struct tlpdev *tlpdev_table[TLPDEV_MAX_DEVS];
static rte_spinlock_t tlpdev_table_lock = RTE_SPINLOCK_INITIALIZER;

static const char *const tlpdev_err_names[TLPDEV_ERR_MAX] = {
	[TLPDEV_ERR_DMA_BOUNDS] = "dma_bounds",
	[TLPDEV_ERR_DMA_TIMEOUT] = "dma_timeout",
	[TLPDEV_ERR_DMA_CPL_STATUS] = "dma_cpl_status",
	[TLPDEV_ERR_DMA_CPL_UNEXPECTED] = "dma_cpl_unexpected",
	[TLPDEV_ERR_LINK_DOWN] = "link_down",
	[TLPDEV_ERR_TX_FULL] = "tx_full",
	[TLPDEV_ERR_EVENT_OVERFLOW] = "event_overflow",
};

const char *
tlpdev_err_name(enum tlpdev_err err)
{
	if ((unsigned int)err >= TLPDEV_ERR_MAX)
		return "?";
	return tlpdev_err_names[err];
}

static int
tlpdev_ops_complete(const struct tlpdev_ops *ops)
{
	return ops->info_get != NULL && ops->start != NULL && ops->stop != NULL &&
		ops->close != NULL && ops->link_get != NULL && ops->rx_burst != NULL &&
		ops->tx_burst != NULL && ops->dma_submit != NULL &&
		ops->dma_complete != NULL && ops->msi_send != NULL;
}

struct tlpdev *
tlpdev_allocate(const char *name, const struct tlpdev_ops *ops, size_t priv_size,
		uint16_t nb_queues)
{
	struct tlpdev *dev = NULL;
	int slot = -1;
	size_t len;
	int i;

	if (name == NULL || ops == NULL || nb_queues == 0 || nb_queues > TLPDEV_MAX_QUEUES) {
		rte_errno = EINVAL;
		return NULL;
	}
	len = strnlen(name, TLPDEV_NAME_LEN);
	if (len == 0 || len == TLPDEV_NAME_LEN) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (!tlpdev_ops_complete(ops)) {
		TLPDEV_LOG(ERR, "%s: driver ops table lacks a mandatory op", name);
		rte_errno = EINVAL;
		return NULL;
	}

	dev = rte_zmalloc("tlpdev", sizeof(*dev), RTE_CACHE_LINE_SIZE);
	if (dev == NULL)
		goto nomem;
	/* One more queue-stats slot for errors counted on the control path. */
	dev->qstats = rte_zmalloc("tlpdev_qstats",
				  sizeof(*dev->qstats) * (nb_queues + 1u), RTE_CACHE_LINE_SIZE);
	if (dev->qstats == NULL)
		goto free_dev;
	if (priv_size > 0) {
		dev->priv = rte_zmalloc("tlpdev_priv", priv_size, RTE_CACHE_LINE_SIZE);
		if (dev->priv == NULL)
			goto free_qstats;
	}
	memcpy(dev->name, name, len + 1);
	dev->ops = ops;
	dev->nb_queues = nb_queues;

	rte_spinlock_lock(&tlpdev_table_lock);
	for (i = 0; i < TLPDEV_MAX_DEVS; i++) {
		if (tlpdev_table[i] == NULL) {
			if (slot < 0)
				slot = i;
		} else if (strcmp(tlpdev_table[i]->name, name) == 0) {
			rte_spinlock_unlock(&tlpdev_table_lock);
			rte_errno = EEXIST;
			goto free_priv;
		}
	}
	if (slot < 0) {
		rte_spinlock_unlock(&tlpdev_table_lock);
		rte_errno = ENOSPC;
		goto free_priv;
	}
	dev->id = (uint16_t)slot;
	tlpdev_table[slot] = dev;
	rte_spinlock_unlock(&tlpdev_table_lock);
	TLPDEV_LOG(DEBUG, "%s: registered as %d with %u queues", name, slot, nb_queues);
	return dev;

free_priv:
	rte_free(dev->priv);
free_qstats:
	rte_free(dev->qstats);
free_dev:
	rte_free(dev);
	return NULL;
nomem:
	rte_errno = ENOMEM;
	return NULL;
}

void
tlpdev_release(struct tlpdev *dev)
{
	if (dev == NULL)
		return;
	rte_spinlock_lock(&tlpdev_table_lock);
	if (dev->id < TLPDEV_MAX_DEVS && tlpdev_table[dev->id] == dev)
		tlpdev_table[dev->id] = NULL;
	rte_spinlock_unlock(&tlpdev_table_lock);
	rte_free(dev->priv);
	rte_free(dev->qstats);
	rte_free(dev);
}

struct tlpdev *
tlpdev_find(const char *name)
{
	int id = tlpdev_get_by_name(name);

	return id < 0 ? NULL : tlpdev_table[id];
}

uint16_t
tlpdev_count(void)
{
	uint16_t n = 0;
	int i;

	for (i = 0; i < TLPDEV_MAX_DEVS; i++)
		if (tlpdev_table[i] != NULL)
			n++;
	return n;
}

int
tlpdev_get_by_name(const char *name)
{
	int i;

	if (name == NULL)
		return -ENODEV;
	for (i = 0; i < TLPDEV_MAX_DEVS; i++) {
		if (tlpdev_table[i] != NULL &&
		    strncmp(tlpdev_table[i]->name, name, TLPDEV_NAME_LEN) == 0)
			return i;
	}
	return -ENODEV;
}

int
tlpdev_is_valid(uint16_t dev_id)
{
	return tlpdev_get(dev_id) != NULL;
}

const char *
tlpdev_name(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	return dev == NULL ? NULL : dev->name;
}

int
tlpdev_info_get(uint16_t dev_id, struct tlpdev_info *info)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	if (dev == NULL)
		return -ENODEV;
	if (info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	dev->ops->info_get(dev, info);
	info->nb_queues = dev->nb_queues;
	return 0;
}

int
tlpdev_start(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);
	int ret;

	if (dev == NULL)
		return -ENODEV;
	if (dev->started)
		return -EALREADY;
	ret = dev->ops->start(dev);
	if (ret == 0)
		dev->started = 1;
	return ret;
}

int
tlpdev_stop(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);
	int ret;

	if (dev == NULL)
		return -ENODEV;
	if (!dev->started)
		return 0;
	ret = dev->ops->stop(dev);
	if (ret == 0)
		dev->started = 0;
	return ret;
}

int
tlpdev_close(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);
	int ret;

	if (dev == NULL)
		return -ENODEV;
	ret = tlpdev_stop(dev_id);
	if (ret != 0)
		return ret;
	ret = dev->ops->close(dev);
	if (ret != 0)
		return ret;
	tlpdev_release(dev);
	return 0;
}

int
tlpdev_link_get(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	if (dev == NULL)
		return -ENODEV;
	return dev->started ? dev->ops->link_get(dev) : 0;
}

uint16_t
tlpdev_rx_burst(uint16_t dev_id, uint16_t qid, struct tlp_req **reqs, uint16_t n)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	struct tlpdev_queue_stats *qs;
	uint64_t bytes = 0;
	uint16_t nb, i;

	if (unlikely(dev == NULL || !dev->started || n == 0))
		return 0;
	nb = dev->ops->rx_burst(dev, qid, reqs, n);
	qs = &dev->qstats[qid];
	for (i = 0; i < nb; i++) {
		qs->rx_tlps[reqs[i]->hdr.kind]++;
		bytes += reqs[i]->data_len;
	}
	qs->rx_bytes += bytes;
	return nb;
}

uint16_t
tlpdev_tx_burst(uint16_t dev_id, uint16_t qid, struct tlp_cpl **cpls, uint16_t n)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	struct tlpdev_queue_stats *qs;
	uint64_t bytes = 0;
	uint16_t nb, i;
	uint8_t kind;

	if (unlikely(dev == NULL || !dev->started || n == 0))
		return 0;
	nb = dev->ops->tx_burst(dev, qid, cpls, n);
	qs = &dev->qstats[qid];
	for (i = 0; i < nb; i++) {
		kind = cpls[i]->hdr.kind;
		qs->tx_tlps[kind < TLP_KIND_MAX ? kind : TLP_KIND_CPL]++;
		if (tlp_kind_has_data(kind))
			bytes += (uint64_t)cpls[i]->hdr.len_dw * TLP_DW_BYTES;
	}
	qs->tx_bytes += bytes;
	if (unlikely(nb < n))
		qs->errors[TLPDEV_ERR_TX_FULL]++;
	return nb;
}

int
tlpdev_msi_send(uint16_t dev_id, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	int ret;

	if (dev == NULL)
		return -ENODEV;
	if ((addr & 3) != 0)
		return -EINVAL;
	if (!dev->started)
		return -ENOTCONN;
	ret = dev->ops->msi_send(dev, qid, addr, data);
	if (ret == 0) {
		dev->qstats[qid].msi_sent++;
		dev->qstats[qid].tx_tlps[TLP_KIND_MWR]++;
	}
	return ret;
}

int
tlpdev_msg_send(uint16_t dev_id, uint16_t qid, uint16_t rid, uint8_t code,
		enum tlp_msg_route route)
{
	struct tlpdev *dev = tlpdev_get_queue(dev_id, qid);
	struct tlp_hdr msg = {
		.kind = TLP_KIND_MSG,
		.req_id = rid,
		.msg_code = code,
		.msg_route = (uint8_t)route,
	};
	int ret;

	if (dev == NULL)
		return -ENODEV;
	if ((unsigned int)route > TLP_MSG_ROUTE_GATHER)
		return -EINVAL;
	if (dev->ops->msg_send == NULL)
		return -ENOTSUP;
	if (!dev->started)
		return -ENOTCONN;
	ret = dev->ops->msg_send(dev, qid, &msg);
	if (ret == 0)
		dev->qstats[qid].tx_tlps[TLP_KIND_MSG]++;
	return ret;
}

int
tlpdev_host_mem_map(uint16_t dev_id, struct tlpdev_mem_region *regions, unsigned int max)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	if (dev == NULL)
		return -ENODEV;
	if (regions == NULL && max > 0)
		return -EINVAL;
	if (dev->ops->host_mem_map == NULL)
		return -ENOTSUP;
	if (!dev->started)
		return -ENOTCONN;
	return dev->ops->host_mem_map(dev, regions, max);
}

void
tlpdev_event_post(struct tlpdev *dev, enum tlpdev_event_type type, uint16_t rid,
		  uint32_t value)
{
	struct tlpdev_event *ev;

	if (dev->ev_count == TLPDEV_EVENT_QUEUE_SIZE) {
		/* Full: the oldest event gives way to the newest. */
		dev->ev_head = (dev->ev_head + 1) % TLPDEV_EVENT_QUEUE_SIZE;
		dev->ev_count--;
		dev->qstats[dev->nb_queues].errors[TLPDEV_ERR_EVENT_OVERFLOW]++;
	}
	ev = &dev->events[(dev->ev_head + dev->ev_count) % TLPDEV_EVENT_QUEUE_SIZE];
	ev->type = (uint16_t)type;
	ev->rid = rid;
	ev->value = value;
	ev->seq = ++dev->ev_seq;
	dev->ev_count++;
}

int
tlpdev_event_dequeue(uint16_t dev_id, struct tlpdev_event *ev)
{
	struct tlpdev *dev = tlpdev_get(dev_id);

	if (dev == NULL)
		return -ENODEV;
	if (ev == NULL)
		return -EINVAL;
	if (dev->ev_count == 0 && dev->started && dev->ops->event_poll != NULL)
		dev->ops->event_poll(dev);
	if (dev->ev_count == 0)
		return 0;
	*ev = dev->events[dev->ev_head];
	dev->ev_head = (dev->ev_head + 1) % TLPDEV_EVENT_QUEUE_SIZE;
	dev->ev_count--;
	return 1;
}

int
tlpdev_stats_get(uint16_t dev_id, struct tlpdev_stats *stats)
{
	struct tlpdev *dev = tlpdev_get(dev_id);
	const struct tlpdev_queue_stats *qs;
	unsigned int q, i;

	if (dev == NULL)
		return -ENODEV;
	if (stats == NULL)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	for (q = 0; q <= dev->nb_queues; q++) {
		qs = &dev->qstats[q];
		for (i = 0; i < TLP_KIND_MAX; i++) {
			stats->rx_tlps[i] += qs->rx_tlps[i];
			stats->tx_tlps[i] += qs->tx_tlps[i];
		}
		for (i = 0; i < TLP_ERR_MAX; i++)
			stats->rx_malformed[i] += qs->rx_malformed[i];
		for (i = 0; i < TLPDEV_ERR_MAX; i++)
			stats->errors[i] += qs->errors[i];
		stats->rx_bytes += qs->rx_bytes;
		stats->tx_bytes += qs->tx_bytes;
		stats->dma_read_ops += qs->dma_read_ops;
		stats->dma_write_ops += qs->dma_write_ops;
		stats->dma_read_bytes += qs->dma_read_bytes;
		stats->dma_write_bytes += qs->dma_write_bytes;
		stats->msi_sent += qs->msi_sent;
	}
	return 0;
}

int
tlpdev_stats_reset(uint16_t dev_id)
{
	struct tlpdev *dev = tlpdev_get(dev_id);
	struct tlpdev_queue_stats *qs;
	uint64_t inflight;
	unsigned int q;

	if (dev == NULL)
		return -ENODEV;
	for (q = 0; q <= dev->nb_queues; q++) {
		qs = &dev->qstats[q];
		inflight = qs->dma_inflight;
		memset(qs, 0, sizeof(*qs));
		qs->dma_inflight = inflight;
	}
	return 0;
}
