/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Capability walks over a config space snapshot. Both lists are walked
 * defensively: every pointer is checked before it is followed (inside the
 * header, unaligned, beyond the space), each offset is visited at most once
 * (a loop stops the walk), and the number of entries is bounded. Whatever
 * stops a walk early is kept as text for the dump.
 */

#include <stdio.h>
#include <string.h>

#include "hostsim_enum.h"

static void
hostsim_cap_walk_std(struct hostsim_fn *f)
{
	uint8_t seen[256 / 4];
	uint8_t ptr;
	struct hostsim_cap *c;

	f->nb_caps = 0;
	f->cap_err[0] = '\0';
	if ((hostsim_fn_cfg16(f, HOSTSIM_CFG_STATUS) & HOSTSIM_STS_CAP) == 0)
		return;
	memset(seen, 0, sizeof(seen));
	ptr = f->cfg[HOSTSIM_CFG_CAP_PTR];
	while (ptr != 0) {
		if (ptr < 0x40) {
			snprintf(f->cap_err, sizeof(f->cap_err),
				 "pointer %02x into the header", ptr);
			return;
		}
		if ((ptr & 3) != 0) {
			snprintf(f->cap_err, sizeof(f->cap_err), "unaligned pointer %02x", ptr);
			return;
		}
		if (seen[ptr / 4]) {
			snprintf(f->cap_err, sizeof(f->cap_err), "loop back to [%02x]", ptr);
			return;
		}
		if (f->nb_caps == HOSTSIM_CAP_WALK_MAX) {
			/* Cannot happen with the loop check (48 DWs); kept as the bound. */
			snprintf(f->cap_err, sizeof(f->cap_err), "more than %u capabilities",
				 HOSTSIM_CAP_WALK_MAX);
			return;
		}
		seen[ptr / 4] = 1;
		c = &f->caps[f->nb_caps++];
		c->off = ptr;
		c->id = f->cfg[ptr];
		c->ver = 0;
		ptr = f->cfg[ptr + 1];
	}
}

static void
hostsim_cap_walk_ext(struct hostsim_fn *f)
{
	uint8_t seen[4096 / 4];
	struct hostsim_cap *c;
	uint32_t hdr;
	uint16_t off = 0x100, raw;

	f->nb_ext_caps = 0;
	f->ext_cap_err[0] = '\0';
	if (f->cfg_size < 4096)
		return;
	memset(seen, 0, sizeof(seen));
	hdr = hostsim_fn_cfg32(f, off);
	/* No extended capabilities: all zero, or all ones. */
	if (hdr == 0 || hdr == 0xffffffffu)
		return;
	for (;;) {
		if (seen[off / 4]) {
			snprintf(f->ext_cap_err, sizeof(f->ext_cap_err), "loop back to [%03x]",
				 off);
			return;
		}
		if (f->nb_ext_caps == HOSTSIM_EXT_CAP_WALK_MAX) {
			snprintf(f->ext_cap_err, sizeof(f->ext_cap_err),
				 "more than %u extended capabilities", HOSTSIM_EXT_CAP_WALK_MAX);
			return;
		}
		seen[off / 4] = 1;
		hdr = hostsim_fn_cfg32(f, off);
		c = &f->ext_caps[f->nb_ext_caps++];
		c->off = off;
		c->id = (uint16_t)(hdr & 0xffff);
		c->ver = (uint8_t)((hdr >> 16) & 0xf);
		raw = (uint16_t)(hdr >> 20);
		if (raw == 0)
			return;
		/* The low two bits of the pointer are reserved: a sane device keeps them 0. */
		if ((raw & 3) != 0) {
			snprintf(f->ext_cap_err, sizeof(f->ext_cap_err),
				 "unaligned pointer %03x", raw);
			return;
		}
		if (raw < 0x100) {
			snprintf(f->ext_cap_err, sizeof(f->ext_cap_err),
				 "pointer %03x below the extended space", raw);
			return;
		}
		off = raw;
	}
}

void
hostsim_cap_walk(struct hostsim_fn *f)
{
	hostsim_cap_walk_std(f);
	hostsim_cap_walk_ext(f);
}

uint16_t
hostsim_cap_find(const struct hostsim_fn *f, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < f->nb_caps; i++)
		if (f->caps[i].id == id)
			return f->caps[i].off;
	return 0;
}
