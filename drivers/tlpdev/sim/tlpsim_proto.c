/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlpsim_proto.h"

static const char *const tlpsim_refuse_names[TLPSIM_REFUSE_MAX] = {
	[TLPSIM_OK] = "ok",
	[TLPSIM_REFUSE_PROTO] = "protocol",
	[TLPSIM_REFUSE_VERSION] = "version",
	[TLPSIM_REFUSE_QUEUES] = "queues",
	[TLPSIM_REFUSE_RING] = "ring",
	[TLPSIM_REFUSE_LINK_PARAM] = "link_param",
	[TLPSIM_REFUSE_REGIONS] = "regions",
	[TLPSIM_REFUSE_FDS] = "fds",
	[TLPSIM_REFUSE_MEMFD] = "memfd",
	[TLPSIM_REFUSE_MAP] = "map",
	[TLPSIM_REFUSE_BUSY] = "busy",
};

const char *
tlpsim_refuse_name(int code)
{
	if (code < 0 || code >= TLPSIM_REFUSE_MAX)
		return "?";
	return tlpsim_refuse_names[code];
}

void
tlpsim_msg_hdr_init(struct tlpsim_msg_hdr *h, enum tlpsim_msg_type type, size_t size)
{
	memset(h, 0, sizeof(*h));
	h->magic = TLPSIM_MAGIC;
	h->version = TLPSIM_VERSION;
	h->type = (uint16_t)type;
	h->size = (uint32_t)size;
}

static int
tlpsim_refuse(char *reason, size_t reason_len, int code, const char *fmt, ...)
{
	va_list ap;

	if (reason != NULL && reason_len > 0) {
		va_start(ap, fmt);
		vsnprintf(reason, reason_len, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int
tlpsim_pow2_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

/* Whether [a, a + alen) and [b, b + blen) intersect; lengths > 0, no overflow. */
static int
tlpsim_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

static int
tlpsim_regions_check(const struct tlpsim_hello *m, const struct tlpsim_expect *exp,
		     char *reason, size_t reason_len)
{
	const struct tlpsim_region *r, *o;
	uint64_t total = 0;
	unsigned int i, j;

	if (m->nb_regions == 0 || m->nb_regions > TLPSIM_MAX_REGIONS)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
				     "region count %u not in 1..%u", m->nb_regions,
				     TLPSIM_MAX_REGIONS);
	for (i = m->nb_regions; i < TLPSIM_MAX_REGIONS; i++)
		if (m->regions[i].bus_addr != 0 || m->regions[i].size != 0)
			return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
					     "unused region slot %u is not zero", i);
	for (i = 0; i < m->nb_regions; i++) {
		r = &m->regions[i];
		if (r->size == 0 || r->size % TLPSIM_REGION_ALIGN != 0 ||
		    r->bus_addr % TLPSIM_REGION_ALIGN != 0)
			return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
					     "region %u (0x%" PRIx64 ", size 0x%" PRIx64
					     ") is empty or not 4 KiB aligned",
					     i, r->bus_addr, r->size);
		if (r->size - 1 > UINT64_MAX - r->bus_addr)
			return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
					     "region %u (0x%" PRIx64 ", size 0x%" PRIx64
					     ") wraps the address space", i, r->bus_addr, r->size);
		if (r->size > exp->max_host_mem - total)
			return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
					     "host memory exceeds %" PRIu64 " bytes at region %u",
					     exp->max_host_mem, i);
		total += r->size;
		if (tlpsim_overlap(r->bus_addr, r->size, TLPSIM_MSI_BASE, TLPSIM_MSI_SIZE))
			return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
					     "region %u (0x%" PRIx64 ", size 0x%" PRIx64
					     ") overlaps the MSI window", i, r->bus_addr, r->size);
		for (j = 0; j < i; j++) {
			o = &m->regions[j];
			if (tlpsim_overlap(r->bus_addr, r->size, o->bus_addr, o->size))
				return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_REGIONS,
						     "regions %u and %u overlap", j, i);
		}
	}
	return TLPSIM_OK;
}

int
tlpsim_hello_check(const void *msg, size_t len, unsigned int nb_fds,
		   const struct tlpsim_expect *exp, char *reason, size_t reason_len)
{
	struct tlpsim_hello m;
	uint64_t need;

	if (len < sizeof(struct tlpsim_msg_hdr))
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_PROTO,
				     "message of %zu bytes is too short", len);
	/* Work on a private copy: nothing is read twice from the peer's bytes. */
	memset(&m, 0, sizeof(m));
	memcpy(&m, msg, len < sizeof(m) ? len : sizeof(m));
	if (m.hdr.magic != TLPSIM_MAGIC)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_PROTO,
				     "bad magic 0x%08x", m.hdr.magic);
	if (m.hdr.version != TLPSIM_VERSION)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_VERSION,
				     "version %u not supported (want %u)", m.hdr.version,
				     TLPSIM_VERSION);
	if (m.hdr.type != TLPSIM_MSG_HELLO)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_PROTO,
				     "message type %u is not a hello", m.hdr.type);
	if (len != sizeof(m) || m.hdr.size != len || m.hdr.rsvd != 0)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_PROTO,
				     "hello of %zu bytes (header says %u), want %zu",
				     len, m.hdr.size, sizeof(m));
	if (m.nb_queues != exp->nb_queues)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_QUEUES,
				     "host proposes %u queues, device has %u", m.nb_queues,
				     exp->nb_queues);
	if (!tlpsim_ring_slots_valid(m.ring_slots) || m.ring_slots != exp->ring_slots)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_RING,
				     "host proposes rings of %u slots, device uses %u",
				     m.ring_slots, exp->ring_slots);
	need = tlpsim_layout_size(m.nb_queues, m.ring_slots);
	if (m.ring_mem_size != need)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_RING,
				     "ring memory of %" PRIu64 " bytes, layout needs %" PRIu64,
				     m.ring_mem_size, need);
	if (!tlpsim_pow2_in(m.mps, 128, 4096) || !tlpsim_pow2_in(m.mrrs, 128, 4096) ||
	    (m.rcb != 64 && m.rcb != 128) || (m.flags & ~TLPSIM_HELLO_F_ALL) != 0)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_LINK_PARAM,
				     "bad link parameters: mps %u mrrs %u rcb %u flags 0x%x",
				     m.mps, m.mrrs, m.rcb, m.flags);
	if (tlpsim_regions_check(&m, exp, reason, reason_len) != TLPSIM_OK)
		return TLPSIM_REFUSE_REGIONS;
	if (nb_fds != 1u + m.nb_regions)
		return tlpsim_refuse(reason, reason_len, TLPSIM_REFUSE_FDS,
				     "%u file descriptors for %u regions, want %u", nb_fds,
				     m.nb_regions, 1u + m.nb_regions);
	return TLPSIM_OK;
}
