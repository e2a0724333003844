/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Reconnect to a restarted device process and read what it says. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hostsim_vnet.h"
#include "hostsim_vnet_regs.h"
#include "hostsim_vnet_restart.h"

#define RESTART_IRQ_WAIT_NS 100000000ull

/* Interrupts recorded on the old link mean nothing on the new one. */
static void
restart_irqs_clear(struct hostsim_vnet_link *l)
{
	memset(l->pending, 0, sizeof(l->pending));
	l->any_pending = 0;
	l->intx_level = 0;
}

int
hostsim_vnet_restart_wait(struct hostsim_vnet_link *l, const struct hostsim_fn *f,
			  uint32_t timeout_ms, struct hostsim_restart_stats *rs, uint8_t *st)
{
	uint64_t t0 = hostsim_vnet_now_ns(), deadline = t0 + (uint64_t)timeout_ms * 1000000u;
	uint64_t now, irq_end, msi0 = l->msi, intx0 = l->intx;
	struct hostsim_vnet_caps caps;
	int ret;

	if (hostsim_vnet_caps_parse(f, &caps) != 0) {
		fprintf(stderr, "restart: virtio capabilities: %s\n", caps.why);
		return -ENODEV;
	}
	for (;;) {
		now = hostsim_vnet_now_ns();
		if (now >= deadline) {
			fprintf(stderr, "restart: no device came back within %u ms\n", timeout_ms);
			return -ETIMEDOUT;
		}
		if (!tlpsim_host_link_up(l->host)) {
			ret = tlpsim_host_connect(l->host,
						  (unsigned int)((deadline - now) / 1000000u) + 1);
			if (ret != 0)
				continue;	/* the deadline decides */
			restart_irqs_clear(l);
			msi0 = l->msi;
			intx0 = l->intx;
		}
		*st = 0xff;
		ret = tlpsim_host_mmio_read(l->host, 0, caps.common.addr + HOSTSIM_VCC_STATUS,
					    st, 1);
		/*
		 * A device still starting answers late: read again on the same link
		 * (a new link would reset the function). Died again: reconnect.
		 * Unsupported Request: nothing decodes the BAR any more.
		 */
		if (ret != 0 && ret != -EIO) {
			/* Let a flushed or late request of the old link clear. */
			hostsim_vnet_link_service(l);
			continue;
		}
		if (ret != 0) {
			fprintf(stderr, "restart: device_status not readable (%s): the device "
				"came back without the host's BARs\n", strerror(-ret));
			return -EIO;
		}
		break;
	}
	rs->restarts++;
	if (*st & HOSTSIM_VSTAT_NEEDS_RESET)
		rs->needs_reset++;
	else if (*st == 0)
		rs->clean++;
	/* The device announces NEEDS_RESET with a configuration interrupt. */
	irq_end = hostsim_vnet_now_ns() + RESTART_IRQ_WAIT_NS;
	while ((*st & HOSTSIM_VSTAT_NEEDS_RESET) && l->msi == msi0 && l->intx == intx0 &&
	       tlpsim_host_link_up(l->host) && hostsim_vnet_now_ns() < irq_end)
		hostsim_vnet_link_service(l);
	if (l->msi != msi0 || l->intx != intx0)
		rs->config_irqs++;
	restart_irqs_clear(l);
	now = hostsim_vnet_now_ns();
	if (now - t0 > rs->wait_ns_max)
		rs->wait_ns_max = now - t0;
	fprintf(stderr, "restart: device back after %.1f ms, device_status=0x%02x%s\n",
		(double)(now - t0) / 1e6, *st,
		(*st & HOSTSIM_VSTAT_NEEDS_RESET) ? " (DEVICE_NEEDS_RESET)" : "");
	return 0;
}

void
hostsim_vnet_restart_summary(const struct hostsim_restart_stats *rs)
{
	printf("restarts=%" PRIu64 "\n", rs->restarts);
	printf("restart_needs_reset=%" PRIu64 "\n", rs->needs_reset);
	printf("restart_clean=%" PRIu64 "\n", rs->clean);
	printf("restart_config_irqs=%" PRIu64 "\n", rs->config_irqs);
	printf("lost_restart=%" PRIu64 "\n", rs->lost_in_flight);
	printf("restart_epochs_verified=%" PRIu64 "\n", rs->epochs_verified);
	printf("restart_wait_ms_max=%.1f\n", (double)rs->wait_ns_max / 1e6);
}
