/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Telemetry of the emulated functions:
 *   /virtio_emu/list          ethdev port ids of the net_virtio_emu ports
 *   /virtio_emu/info,<port>   features, device status, link, queue states
 * The answers are built under the link lock (the control work does not run
 * meanwhile); ring positions of queues being polled are a snapshot.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "vemu_eth.h"

static void
vemu_eth_tel_hex(struct rte_tel_data *d, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	rte_tel_data_add_dict_string(d, name, buf);
}

static int
vemu_eth_tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
		  struct rte_tel_data *d)
{
	uint16_t pid;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	RTE_ETH_FOREACH_DEV(pid)
		if (vemu_eth_is_ours(&rte_eth_devices[pid]))
			rte_tel_data_add_array_int(d, pid);
	return 0;
}

/* One virtqueue: a dict added to @p d as "q<index>". */
static void
vemu_eth_tel_queue(struct vemu_eth_port *port, struct vemu_eth_queue *q, bool packed,
		   struct rte_tel_data *d)
{
	struct virtio_emu_vq *vq = virtio_emu_net_vq(port->net, q->index);
	struct virtio_emu_net_q_stats s;
	struct virtio_emu_vq_state vs;
	struct rte_tel_data *t, *drops;
	char name[16];
	unsigned int r;

	t = rte_tel_data_alloc();
	drops = rte_tel_data_alloc();
	if (t == NULL || drops == NULL) {
		rte_tel_data_free(t);
		rte_tel_data_free(drops);
		return;
	}
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_int(t, "index", q->index);
	rte_tel_data_add_dict_string(t, "role", q->index % 2 == 0 ?
				     "host_rx (ethdev tx)" : "host_tx (ethdev rx)");
	rte_tel_data_add_dict_int(t, "ethdev_queue", q->qid);
	rte_tel_data_add_dict_int(t, "enabled", q->enabled);
	rte_tel_data_add_dict_int(t, "running", q->nq != NULL);
	rte_tel_data_add_dict_int(t, "dma_queue", port->irq[q->index].qid);
	if (vq != NULL) {
		virtio_emu_vq_state_get(vq, &vs);
		rte_tel_data_add_dict_string(t, "layout", packed ? "packed" : "split");
		rte_tel_data_add_dict_int(t, "size", virtio_emu_vq_size(vq));
		rte_tel_data_add_dict_int(t, "avail_idx", vs.avail_idx);
		rte_tel_data_add_dict_int(t, "used_idx", vs.used_idx);
		if (packed) {
			rte_tel_data_add_dict_int(t, "avail_wrap", vs.avail_wrap);
			rte_tel_data_add_dict_int(t, "used_wrap", vs.used_wrap);
		}
		rte_tel_data_add_dict_int(t, "inflight", virtio_emu_vq_inflight(vq));
		rte_tel_data_add_dict_string(t, "broken",
					     virtio_emu_vq_broken_name(virtio_emu_vq_broken(vq)));
	}
	rte_tel_data_add_dict_u64(t, "packets", q->packets);
	rte_tel_data_add_dict_u64(t, "bytes", q->bytes);
	vemu_eth_q_drops(q, &s);
	rte_tel_data_start_dict(drops);
	for (r = 0; r < VIRTIO_EMU_NET_DROP_MAX; r++)
		rte_tel_data_add_dict_u64(drops, virtio_emu_net_drop_name(r), s.drops[r]);
	if (q->index % 2 == 0)
		rte_tel_data_add_dict_u64(drops, "full", q->drop_full);
	rte_tel_data_add_dict_container(t, "drops", drops, 0);
	snprintf(name, sizeof(name), "q%u", q->index);
	rte_tel_data_add_dict_container(d, name, t, 0);
}

static int
vemu_eth_tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct virtio_emu_net_state st;
	struct vemu_eth_port *port;
	struct rte_eth_dev *dev;
	struct virtio_emu_pci *pci;
	unsigned long pid;
	char *end;
	bool packed;
	uint16_t i;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	pid = strtoul(params, &end, 10);
	if (*end != '\0' || pid >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port((uint16_t)pid))
		return -EINVAL;
	dev = &rte_eth_devices[pid];
	if (!vemu_eth_is_ours(dev) || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -EINVAL;
	port = dev->data->dev_private;
	if (port->link == NULL || port->net == NULL)
		return -ENODEV;
	rte_spinlock_lock(&port->link->lock);
	pci = virtio_emu_net_pci(port->net);
	virtio_emu_net_state_get(port->net, &st);
	packed = (st.features & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", dev->data->name);
	rte_tel_data_add_dict_string(d, "tlpdev", port->args.tlpdev);
	rte_tel_data_add_dict_int(d, "function", port->fn_num);
	rte_tel_data_add_dict_int(d, "started", port->started);
	rte_tel_data_add_dict_int(d, "link_up", port->link_up);
	rte_tel_data_add_dict_int(d, "host_link_up", st.link_up);
	rte_tel_data_add_dict_int(d, "driver_ok", st.driver_ok);
	vemu_eth_tel_hex(d, "device_status", virtio_emu_status(pci));
	vemu_eth_tel_hex(d, "features_offered", virtio_emu_features_offered(pci));
	vemu_eth_tel_hex(d, "features_negotiated", st.features);
	rte_tel_data_add_dict_int(d, "mtu", dev->data->mtu);
	rte_tel_data_add_dict_int(d, "queue_pairs", port->pairs);
	rte_tel_data_add_dict_int(d, "active_pairs", st.active_pairs);
	rte_tel_data_add_dict_int(d, "promisc", st.promisc);
	rte_tel_data_add_dict_int(d, "tx_drop_full", port->args.tx_drop_full);
	rte_tel_data_add_dict_int(d, "service_core", vemu_eth_service_core_runs(port->link));
	for (i = 0; i < port->pairs; i++) {
		vemu_eth_tel_queue(port, &port->txq[i], packed, d);
		vemu_eth_tel_queue(port, &port->rxq[i], packed, d);
	}
	rte_spinlock_unlock(&port->link->lock);
	return 0;
}

RTE_INIT(vemu_eth_telemetry_init)
{
	rte_telemetry_register_cmd("/virtio_emu/list", vemu_eth_tel_list,
				   "net_virtio_emu ethdev ports. No parameters");
	rte_telemetry_register_cmd("/virtio_emu/info", vemu_eth_tel_info,
				   "Negotiated features, device status, link and queue states of "
				   "a net_virtio_emu port. Parameters: int port_id");
}
