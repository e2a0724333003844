/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * devarg state=<file>: the emulated function survives a crash of the process
 * (hostile-inputs item 37). What the host programmed (config space, MSI-X,
 * virtio registers) is saved on every control-plane change, from the
 * service, never per packet; a new process with the same devargs restores it
 * before it answers the host, reports DEVICE_NEEDS_RESET and sends the
 * configuration interrupt once the link is up. dev_close removes the file:
 * only a crash leaves one behind.
 */

#include <errno.h>
#include <string.h>

#include <tlpdev.h>
#include <virtio_emu.h>

#include "vemu_eth.h"

void
vemu_eth_state_load(struct vemu_eth_port *port)
{
	struct virtio_emu_pci *pci = virtio_emu_net_pci(port->net);
	const char *path = port->args.state_path;
	int ret;

	if (path[0] == '\0')
		return;
	ret = virtio_emu_pci_state_load_file(pci, path);
	if (ret == -ENOENT)
		VEMU_ETH_LOG(INFO, "%s: state: no file %s, clean start", port->dev->data->name,
			     path);
	else if (ret < 0)
		VEMU_ETH_LOG(WARNING, "%s: state: %s ignored (%s), clean start",
			     port->dev->data->name, path, rte_strerror(-ret));
	else
		VEMU_ETH_LOG(NOTICE, "%s: state: restored from %s%s", port->dev->data->name, path,
			     ret == 1 ? ", the device needs a reset" : "");
	port->state_irq_owed = ret == 1;
	/* Saved again at the first service round, whatever the outcome. */
	port->state_gen = ~virtio_emu_pci_state_gen(pci);
}

void
vemu_eth_state_poll(struct vemu_eth_port *port)
{
	struct virtio_emu_pci *pci;
	uint64_t gen;

	if (likely(port->args.state_path[0] == '\0'))
		return;
	pci = virtio_emu_net_pci(port->net);
	gen = virtio_emu_pci_state_gen(pci);
	if (gen != port->state_gen) {
		if (virtio_emu_pci_state_save_file(pci, port->args.state_path) != 0)
			port->state_save_errors++;
		port->state_gen = gen;
	}
	if (port->state_irq_owed && tlpdev_link_get(port->link->dev_id) == 1) {
		(void)virtio_emu_pci_state_notify(pci);
		port->state_irq_owed = false;
		VEMU_ETH_LOG(NOTICE, "%s: state: configuration interrupt sent",
			     port->dev->data->name);
	}
}

void
vemu_eth_state_close(struct vemu_eth_port *port)
{
	if (port->args.state_path[0] != '\0')
		(void)virtio_emu_pci_state_remove(port->args.state_path);
}
