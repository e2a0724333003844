/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_RESTART_H
#define HOSTSIM_VNET_RESTART_H

/*
 * Surviving a restart of the device process (traffic --survive-device-restart):
 * when the link goes down, wait (bounded) for a device to listen on the same
 * socket again, reconnect (the host library sends the same host memory), and
 * read device_status through the BAR the host assigned before: a device that
 * restored its state answers with DEVICE_NEEDS_RESET (or 0 if the driver had
 * not started), and the traffic run then resets and re-initialises its driver.
 * Frames in flight when the device died are counted apart (lost_restart).
 */

#include <stdint.h>

#include "hostsim_enum.h"
#include "hostsim_vnet_link.h"

struct hostsim_restart_stats {
	uint64_t restarts;		/* reconnects to a restarted device */
	uint64_t needs_reset;		/* ... that read DEVICE_NEEDS_RESET */
	uint64_t clean;			/* ... that read status 0 */
	uint64_t config_irqs;		/* ... that sent an interrupt after reconnect */
	uint64_t lost_in_flight;	/* frames sent, not back when the device died */
	uint64_t epochs_verified;	/* runs between restarts that verified frames */
	uint64_t wait_ns_max;		/* longest link-down to status read */
};

/*
 * Reconnect within @p timeout_ms (retrying while the device comes back, even
 * if it dies again meanwhile), read device_status of function @p f into *@p st
 * and wait up to 100 ms for the configuration interrupt (counted). 0, or a
 * negative errno with the reason printed: -ETIMEDOUT (nobody came back), -EIO
 * (the device answered without the host's BAR: it did not restore its state).
 */
int hostsim_vnet_restart_wait(struct hostsim_vnet_link *l, const struct hostsim_fn *f,
			      uint32_t timeout_ms, struct hostsim_restart_stats *rs, uint8_t *st);

/* Print the counters as key=value lines. */
void hostsim_vnet_restart_summary(const struct hostsim_restart_stats *rs);

#endif /* HOSTSIM_VNET_RESTART_H */
