/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* The tlp_sim vdev: devargs, probe and remove. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>

#include "tlpsim_dev.h"

RTE_LOG_REGISTER(tlpsim_logtype, pmd.tlpdev.sim, NOTICE);

#define TLPSIM_ARG_PATH "path"
#define TLPSIM_ARG_QUEUES "queues"
#define TLPSIM_ARG_DMA "dma"
#define TLPSIM_ARG_RING_SIZE "ring_size"
#define TLPSIM_ARG_CPL_TIMEOUT "cpl_timeout_ms"

static const char *const tlpsim_dev_valid_args[] = {
	TLPSIM_ARG_PATH,
	TLPSIM_ARG_QUEUES,
	TLPSIM_ARG_DMA,
	TLPSIM_ARG_RING_SIZE,
	TLPSIM_ARG_CPL_TIMEOUT,
	NULL,
};

static const struct tlpdev_ops tlpsim_dev_ops_map = {
	.info_get = tlpsim_dev_info_get,
	.start = tlpsim_dev_start,
	.stop = tlpsim_dev_stop,
	.close = tlpsim_dev_close,
	.link_get = tlpsim_dev_link_get,
	.rx_burst = tlpsim_dev_rx_burst,
	.tx_burst = tlpsim_dev_tx_burst,
	.dma_submit = tlpsim_dev_dma_submit_map,
	.dma_complete = tlpsim_dev_dma_complete_map,
	.msi_send = tlpsim_dev_msi_send,
	.msg_send = tlpsim_dev_msg_send,
	.host_mem_map = tlpsim_dev_host_mem_map,
	.event_poll = tlpsim_dev_event_poll,
};

/* DMA over TLPs: no direct mapping of host memory is offered. */
static const struct tlpdev_ops tlpsim_dev_ops_tlp = {
	.info_get = tlpsim_dev_info_get,
	.start = tlpsim_dev_start,
	.stop = tlpsim_dev_stop,
	.close = tlpsim_dev_close,
	.link_get = tlpsim_dev_link_get,
	.rx_burst = tlpsim_dev_rx_burst,
	.tx_burst = tlpsim_dev_tx_burst,
	.dma_submit = tlpsim_dev_dma_submit_tlp,
	.dma_complete = tlpsim_dev_dma_complete_tlp,
	.msi_send = tlpsim_dev_msi_send,
	.msg_send = tlpsim_dev_msg_send,
	.event_poll = tlpsim_dev_event_poll,
};

/* Parse an unsigned number in [lo, hi]; the whole string must be a number. */
static int
tlpsim_dev_arg_u32(const char *name, const char *key, const char *val, uint32_t lo, uint32_t hi,
		   uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(val, &end, 0);
	if (val[0] == '\0' || val[0] == '-' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		TLPSIM_LOG(ERR, "%s: %s=%s: not a number in %u..%u", name, key, val, lo, hi);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
tlpsim_dev_arg_one(const char *name, const char *key, const char *val,
		   struct tlpsim_dev_args *a)
{
	uint32_t v;
	int ret;

	if (strcmp(key, TLPSIM_ARG_PATH) == 0) {
		if (val[0] == '\0' || strlen(val) >= sizeof(a->path)) {
			TLPSIM_LOG(ERR, "%s: path=%s: empty or longer than %zu bytes", name, val,
				   sizeof(a->path) - 1);
			return -EINVAL;
		}
		strcpy(a->path, val);
	} else if (strcmp(key, TLPSIM_ARG_QUEUES) == 0) {
		ret = tlpsim_dev_arg_u32(name, key, val, 1,
					 RTE_MIN(TLPDEV_MAX_QUEUES, TLPSIM_MAX_QUEUES), &v);
		if (ret != 0)
			return ret;
		a->nb_queues = (uint16_t)v;
	} else if (strcmp(key, TLPSIM_ARG_DMA) == 0) {
		if (strcmp(val, "map") == 0) {
			a->dma_mode = TLPSIM_DMA_MAP;
		} else if (strcmp(val, "tlp") == 0) {
			a->dma_mode = TLPSIM_DMA_TLP;
		} else {
			TLPSIM_LOG(ERR, "%s: dma=%s: want map or tlp", name, val);
			return -EINVAL;
		}
	} else if (strcmp(key, TLPSIM_ARG_RING_SIZE) == 0) {
		ret = tlpsim_dev_arg_u32(name, key, val, TLPSIM_RING_SLOTS_MIN,
					 TLPSIM_RING_SLOTS_MAX, &v);
		if (ret != 0)
			return ret;
		if (!tlpsim_ring_slots_valid(v)) {
			TLPSIM_LOG(ERR, "%s: ring_size=%s: not a power of two", name, val);
			return -EINVAL;
		}
		a->ring_slots = v;
	} else if (strcmp(key, TLPSIM_ARG_CPL_TIMEOUT) == 0) {
		ret = tlpsim_dev_arg_u32(name, key, val, 1, 60000, &v);
		if (ret != 0)
			return ret;
		a->cpl_timeout_ms = v;
	}
	return 0;
}

static int
tlpsim_dev_args_parse(const char *name, const char *params, struct tlpsim_dev_args *a)
{
	struct rte_kvargs *kv;
	unsigned int i, j, k;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	a->nb_queues = 1;
	a->dma_mode = TLPSIM_DMA_MAP;
	a->ring_slots = TLPSIM_RING_SLOTS_DEFAULT;
	a->cpl_timeout_ms = TLPSIM_DEV_CPL_TIMEOUT_MS_DEFAULT;
	if (params == NULL || params[0] == '\0') {
		TLPSIM_LOG(ERR, "%s: devarg path=<socket> is required", name);
		return -EINVAL;
	}
	/* Parse without a key list so that an unknown key can be named. */
	kv = rte_kvargs_parse(params, NULL);
	if (kv == NULL) {
		TLPSIM_LOG(ERR, "%s: cannot parse devargs '%s'", name, params);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++) {
		const char *key = kv->pairs[i].key, *val = kv->pairs[i].value;

		for (k = 0; tlpsim_dev_valid_args[k] != NULL; k++)
			if (strcmp(key, tlpsim_dev_valid_args[k]) == 0)
				break;
		if (tlpsim_dev_valid_args[k] == NULL) {
			TLPSIM_LOG(ERR, "%s: unknown devarg '%s' (valid: path, queues, dma, "
				   "ring_size, cpl_timeout_ms)", name, key);
			ret = -EINVAL;
			break;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(key, kv->pairs[j].key) == 0) {
				TLPSIM_LOG(ERR, "%s: devarg '%s' given twice", name, key);
				ret = -EINVAL;
			}
		}
		if (ret == 0 && val == NULL) {
			TLPSIM_LOG(ERR, "%s: devarg '%s' needs a value", name, key);
			ret = -EINVAL;
		}
		if (ret == 0)
			ret = tlpsim_dev_arg_one(name, key, val, a);
	}
	rte_kvargs_free(kv);
	if (ret == 0 && a->path[0] == '\0') {
		TLPSIM_LOG(ERR, "%s: devarg path=<socket> is required", name);
		ret = -EINVAL;
	}
	return ret;
}

static void
tlpsim_dev_queues_free(struct tlpsim_dev_priv *priv)
{
	unsigned int i;

	if (priv->q == NULL)
		return;
	for (i = 0; i < priv->args.nb_queues; i++) {
		rte_free(priv->q[i].fifo);
		rte_free(priv->q[i].tags);
		rte_free(priv->q[i].free_tags);
	}
	rte_free(priv->q);
	priv->q = NULL;
}

static int
tlpsim_dev_queues_alloc(struct tlpsim_dev_priv *priv, int socket)
{
	struct tlpsim_dev_queue *q;
	unsigned int i;

	priv->q = rte_zmalloc_socket("tlpsim_queues", sizeof(*priv->q) * priv->args.nb_queues,
				     RTE_CACHE_LINE_SIZE, socket);
	if (priv->q == NULL)
		return -ENOMEM;
	for (i = 0; i < priv->args.nb_queues; i++) {
		q = &priv->q[i];
		q->priv = priv;
		q->dev = priv->dev;
		q->qid = (uint16_t)i;
		q->fifo = rte_zmalloc_socket("tlpsim_dma_fifo",
					     sizeof(*q->fifo) * TLPSIM_DEV_DMA_FIFO,
					     RTE_CACHE_LINE_SIZE, socket);
		if (q->fifo == NULL)
			return -ENOMEM;
		if (priv->args.dma_mode != TLPSIM_DMA_TLP)
			continue;
		q->tags = rte_zmalloc_socket("tlpsim_tags", sizeof(*q->tags) * TLPSIM_DEV_TAGS,
					     RTE_CACHE_LINE_SIZE, socket);
		q->free_tags = rte_zmalloc_socket("tlpsim_free_tags",
						  sizeof(*q->free_tags) * TLPSIM_DEV_TAGS,
						  RTE_CACHE_LINE_SIZE, socket);
		if (q->tags == NULL || q->free_tags == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* Release everything probe set up; the device is stopped. */
int
tlpsim_dev_close(struct tlpdev *dev)
{
	struct tlpsim_dev_priv *priv = tlpsim_dev_priv(dev);

	tlpsim_dev_link_fini(priv);
	tlpsim_dev_queues_free(priv);
	return 0;
}

static int
tlpsim_dev_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct tlpsim_dev_priv *priv;
	struct tlpsim_dev_args args;
	struct tlpdev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		TLPSIM_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = tlpsim_dev_args_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret != 0)
		return ret;
	dev = tlpdev_allocate(name, args.dma_mode == TLPSIM_DMA_TLP ? &tlpsim_dev_ops_tlp :
			      &tlpsim_dev_ops_map, sizeof(*priv), args.nb_queues);
	if (dev == NULL) {
		TLPSIM_LOG(ERR, "%s: cannot allocate the tlpdev: %s", name,
			   rte_strerror(rte_errno));
		return -rte_errno;
	}
	priv = tlpsim_dev_priv(dev);
	priv->dev = dev;
	priv->args = args;
	priv->listen_fd = -1;
	priv->peer_fd = -1;
	ret = tlpsim_dev_queues_alloc(priv, vdev->device.numa_node);
	if (ret != 0)
		goto free_queues;
	ret = tlpsim_dev_link_init(priv);
	if (ret != 0)
		goto free_queues;
	TLPSIM_LOG(INFO, "%s: listening on %s, %u queues, dma=%s, ring_size=%u, "
		   "cpl_timeout_ms=%u", name, args.path, args.nb_queues,
		   args.dma_mode == TLPSIM_DMA_TLP ? "tlp" : "map", args.ring_slots,
		   args.cpl_timeout_ms);
	return 0;

free_queues:
	tlpsim_dev_queues_free(priv);
	tlpdev_release(dev);
	return ret;
}

static int
tlpsim_dev_remove(struct rte_vdev_device *vdev)
{
	struct tlpdev *dev = tlpdev_find(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return -ENODEV;
	return tlpdev_close(dev->id);
}

static struct rte_vdev_driver tlpsim_dev_vdev_drv = {
	.probe = tlpsim_dev_probe,
	.remove = tlpsim_dev_remove,
};

RTE_PMD_REGISTER_VDEV(tlp_sim, tlpsim_dev_vdev_drv);
RTE_PMD_REGISTER_PARAM_STRING(tlp_sim,
	TLPSIM_ARG_PATH "=<socket path> "
	TLPSIM_ARG_QUEUES "=<1-16> "
	TLPSIM_ARG_DMA "=map|tlp "
	TLPSIM_ARG_RING_SIZE "=<256-65536, power of two> "
	TLPSIM_ARG_CPL_TIMEOUT "=<1-60000>");
