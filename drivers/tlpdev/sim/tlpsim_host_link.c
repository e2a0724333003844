/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tlpsim_host_priv.h"

/* Retry period while nobody listens on the socket. */
#define TLPSIM_HOST_RETRY_MS 5
/* Link check period in poll. */
#define TLPSIM_HOST_CHECK_US 1000

void
tlpsim_host_log(const struct tlpsim_host *h, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (h->conf.log == NULL || level > h->conf.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	h->conf.log(h->conf.log_arg, level, msg);
}

void
tlpsim_host_conf_init(struct tlpsim_host_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->nb_queues = 1;
	conf->ring_slots = TLPSIM_RING_SLOTS_DEFAULT;
	conf->nb_regions = 1;
	conf->regions[0].bus_addr = TLPSIM_HOST_MEM_BASE_DEFAULT;
	conf->regions[0].size = 64ull << 20;
	conf->mps = 256;
	conf->mrrs = 512;
	conf->rcb = 64;
	conf->host_rid = tlp_rid(0, 0, 0);
	conf->dev_rid = tlp_rid(1, 0, 0);
	conf->cpl_timeout_ms = TLPSIM_HOST_CPL_TIMEOUT_MS_DEFAULT;
	conf->log_level = TLPSIM_LOG_NOTICE;
}

/* Report a configuration error through the log callback of @p c. */
static int
tlpsim_host_conf_err(const struct tlpsim_host_conf *c, const char *what)
{
	if (c->log != NULL && c->log_level >= TLPSIM_LOG_ERR)
		c->log(c->log_arg, TLPSIM_LOG_ERR, what);
	return -EINVAL;
}

/* Validate the configuration the way the device side will, to fail early. */
static int
tlpsim_host_conf_check(const struct tlpsim_host_conf *c)
{
	struct tlpsim_hello m;
	struct tlpsim_expect exp = {
		.nb_queues = c->nb_queues,
		.ring_slots = c->ring_slots,
		.max_host_mem = TLPSIM_MAX_HOST_MEM,
	};
	struct sockaddr_un sa;
	char reason[128];

	if (c->socket_path == NULL || strlen(c->socket_path) >= sizeof(sa.sun_path))
		return tlpsim_host_conf_err(c, "socket path missing or too long");
	if (c->nb_queues == 0 || c->nb_queues > TLPSIM_MAX_QUEUES)
		return tlpsim_host_conf_err(c, "queue count not in 1..16");
	if (c->cpl_timeout_ms == 0)
		return tlpsim_host_conf_err(c, "completion timeout of 0 ms");
	if (c->nb_regions == 0 || c->nb_regions > TLPSIM_MAX_REGIONS)
		return tlpsim_host_conf_err(c, "region count not in 1..8");
	memset(&m, 0, sizeof(m));
	tlpsim_msg_hdr_init(&m.hdr, TLPSIM_MSG_HELLO, sizeof(m));
	m.nb_queues = c->nb_queues;
	m.nb_regions = (uint16_t)c->nb_regions;
	m.ring_slots = c->ring_slots;
	m.ring_mem_size = tlpsim_ring_slots_valid(c->ring_slots) ?
		tlpsim_layout_size(c->nb_queues, c->ring_slots) : 0;
	m.mps = c->mps;
	m.mrrs = c->mrrs;
	m.rcb = c->rcb;
	m.flags = c->tag10 ? TLPSIM_HELLO_F_TAG10 : 0;
	memcpy(m.regions, c->regions, sizeof(m.regions[0]) * c->nb_regions);
	/* The device side will check the same, and say so less directly. */
	if (tlpsim_hello_check(&m, sizeof(m), 1 + c->nb_regions, &exp, reason,
			       sizeof(reason)) != TLPSIM_OK)
		return tlpsim_host_conf_err(c, reason);
	if (c->rcb > c->mps)
		return tlpsim_host_conf_err(c, "read completion boundary above MPS");
	return 0;
}

static void
tlpsim_host_queue_init(struct tlpsim_host *h, struct tlpsim_host_queue *q, uint16_t qid)
{
	unsigned int t, lo = h->conf.tag10 ? 256 : 0, hi = h->conf.tag10 ? 1024 : 256;

	memset(q, 0, sizeof(*q));
	q->qid = qid;
	/* The stack pops the lowest tags first. */
	for (t = hi; t > lo; t--)
		q->free_tags[q->nb_free++] = (uint16_t)(t - 1);
}

int
tlpsim_host_create(const struct tlpsim_host_conf *conf, struct tlpsim_host **hostp)
{
	struct tlpsim_host *h;
	struct tlpsim_host_region *r;
	unsigned int i;
	uint64_t hz;
	char name[32];
	int ret;

	*hostp = NULL;
	ret = tlpsim_host_conf_check(conf);
	if (ret != 0)
		return ret;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->conf = *conf;
	snprintf(h->path, sizeof(h->path), "%s", conf->socket_path);
	h->conf.socket_path = h->path;
	h->sock = -1;
	for (i = 0; i < TLPSIM_MAX_REGIONS; i++)
		h->mem[i].fd = -1;
	ret = posix_memalign((void **)&h->q, 64, sizeof(*h->q) * conf->nb_queues);
	if (ret != 0) {
		h->q = NULL;
		ret = -ret;
		goto fail;
	}
	for (i = 0; i < conf->nb_queues; i++)
		tlpsim_host_queue_init(h, &h->q[i], (uint16_t)i);

	for (i = 0; i < conf->nb_regions; i++) {
		r = &h->mem[i];
		r->bus_addr = conf->regions[i].bus_addr;
		r->size = conf->regions[i].size;
		snprintf(name, sizeof(name), "tlpsim-hostmem%u", i);
		r->fd = tlpsim_memfd_create(name, r->size);
		if (r->fd < 0) {
			ret = r->fd;
			goto fail;
		}
		r->va = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
		if (r->va == MAP_FAILED) {
			r->va = NULL;
			ret = -errno;
			goto fail;
		}
		h->nb_mem++;
	}
	h->ring_len = tlpsim_layout_size(conf->nb_queues, conf->ring_slots);
	h->ring_va = tlpsim_va_reserve(h->ring_len);
	if (h->ring_va == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	hz = tlpsim_host_clock_hz();
	h->timeout_ticks = (uint64_t)((double)hz * conf->cpl_timeout_ms / 1e3);
	h->ns_per_tick = 1e9 / (double)hz;
	h->scan_ticks = h->timeout_ticks / 8;
	if (h->scan_ticks < hz / 10000)
		h->scan_ticks = hz / 10000;
	h->check_ticks = hz / 1000000 * TLPSIM_HOST_CHECK_US;
	*hostp = h;
	return 0;
fail:
	tlpsim_host_destroy(h);
	return ret;
}

void
tlpsim_host_destroy(struct tlpsim_host *h)
{
	unsigned int i;

	if (h == NULL)
		return;
	tlpsim_host_disconnect(h);
	for (i = 0; i < TLPSIM_MAX_REGIONS; i++) {
		if (h->mem[i].va != NULL)
			munmap(h->mem[i].va, h->mem[i].size);
		if (h->mem[i].fd >= 0)
			close(h->mem[i].fd);
	}
	tlpsim_va_release(h->ring_va, h->ring_len);
	free(h->q);
	free(h);
}

void
tlpsim_host_link_lost(struct tlpsim_host *h)
{
	uint32_t g = __atomic_load_n(&h->gen, __ATOMIC_ACQUIRE);

	/* Only the first to notice moves the generation on. */
	if ((g & 1) != 0 &&
	    __atomic_compare_exchange_n(&h->gen, &g, g + 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&h->link_downs, 1, __ATOMIC_RELAXED);
		tlpsim_host_log(h, TLPSIM_LOG_NOTICE, "link down");
	}
}

void
tlpsim_host_disconnect(struct tlpsim_host *h)
{
	struct tlpsim_bye bye;

	if (h->sock < 0)
		return;
	if (tlpsim_host_link_up(h)) {
		tlpsim_msg_hdr_init(&bye.hdr, TLPSIM_MSG_BYE, sizeof(bye));
		tlpsim_msg_send(h->sock, &bye, sizeof(bye), NULL, 0);
	}
	tlpsim_host_link_lost(h);
	close(h->sock);
	h->sock = -1;
}

int
tlpsim_host_link_up(const struct tlpsim_host *h)
{
	return (__atomic_load_n(&h->gen, __ATOMIC_ACQUIRE) & 1) != 0;
}

int
tlpsim_host_link_check(struct tlpsim_host *h)
{
	char b;
	ssize_t n;

	if (!tlpsim_host_link_up(h) || h->sock < 0)
		return 0;
	n = recv(h->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	/* Hang-up (0), a bye or any message (> 0), or an error: the link is gone. */
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		tlpsim_host_link_lost(h);
		return 0;
	}
	return 1;
}

const char *
tlpsim_host_refusal(const struct tlpsim_host *h, int *code)
{
	if (code != NULL)
		*code = h->refusal_code;
	return h->refusal;
}

void *
tlpsim_host_mem(struct tlpsim_host *h, uint64_t bus_addr, uint64_t len)
{
	const struct tlpsim_host_region *r;
	unsigned int i;

	for (i = 0; i < h->nb_mem; i++) {
		r = &h->mem[i];
		if (bus_addr >= r->bus_addr && bus_addr - r->bus_addr <= r->size &&
		    len <= r->size - (bus_addr - r->bus_addr))
			return r->va + (bus_addr - r->bus_addr);
	}
	return NULL;
}

static uint64_t
tlpsim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Connect the socket, retrying while nobody listens. */
static int
tlpsim_host_sock_connect(struct tlpsim_host *h, uint64_t deadline)
{
	struct sockaddr_un sa;
	int fd, err;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", h->path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		err = errno;
		close(fd);
		if (err != ENOENT && err != ECONNREFUSED && err != EAGAIN && err != EINTR)
			return -err;
		if (tlpsim_now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(TLPSIM_HOST_RETRY_MS * 1000);
	}
}

/* Fresh link memory: a new memfd mapped over the fixed range, rings zeroed. */
static int
tlpsim_host_ring_setup(struct tlpsim_host *h)
{
	struct tlpsim_ctrl *ctrl;
	int fd, ret;

	fd = tlpsim_memfd_create("tlpsim-rings", h->ring_len);
	if (fd < 0)
		return fd;
	ret = tlpsim_va_map_fd(h->ring_va, h->ring_len, fd);
	if (ret != 0) {
		close(fd);
		return ret;
	}
	ctrl = (struct tlpsim_ctrl *)(void *)h->ring_va;
	ctrl->magic = TLPSIM_MAGIC;
	ctrl->version = TLPSIM_VERSION;
	ctrl->nb_queues = h->conf.nb_queues;
	ctrl->ring_slots = h->conf.ring_slots;
	ctrl->ring_mem_size = h->ring_len;
	return fd;
}

static int
tlpsim_host_hello(struct tlpsim_host *h, int sock, int ring_fd)
{
	int fds[1 + TLPSIM_MAX_REGIONS];
	struct tlpsim_hello m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	tlpsim_msg_hdr_init(&m.hdr, TLPSIM_MSG_HELLO, sizeof(m));
	m.nb_queues = h->conf.nb_queues;
	m.nb_regions = (uint16_t)h->nb_mem;
	m.ring_slots = h->conf.ring_slots;
	m.ring_mem_size = h->ring_len;
	m.mps = h->conf.mps;
	m.mrrs = h->conf.mrrs;
	m.rcb = h->conf.rcb;
	m.flags = h->conf.tag10 ? TLPSIM_HELLO_F_TAG10 : 0;
	m.host_rid = h->conf.host_rid;
	m.dev_rid = h->conf.dev_rid;
	m.host_pid = (uint32_t)getpid();
	fds[0] = ring_fd;
	for (i = 0; i < h->nb_mem; i++) {
		m.regions[i].bus_addr = h->mem[i].bus_addr;
		m.regions[i].size = h->mem[i].size;
		fds[1 + i] = h->mem[i].fd;
	}
	return tlpsim_msg_send(sock, &m, sizeof(m), fds, 1 + h->nb_mem);
}

/*
 * Wait for the answer to the hello. Returns 0 (accepted), -ECONNREFUSED,
 * -EPROTO, -ETIMEDOUT, or -ECONNRESET when the device closed without
 * answering (worth a retry).
 */
static int
tlpsim_host_wait_ack(struct tlpsim_host *h, int sock, uint64_t deadline)
{
	union {
		struct tlpsim_ack ack;
		uint8_t raw[TLPSIM_MSG_MAX];
	} u;
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	unsigned int nb_fds;
	int fds[1];
	uint64_t now;
	ssize_t n;
	int ret;

	for (;;) {
		now = tlpsim_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, (int)(deadline - now));
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret > 0)
			break;
	}
	n = tlpsim_msg_recv(sock, &u, sizeof(u), fds, 0, &nb_fds, MSG_DONTWAIT);
	if (n == 0 || n == -ECONNRESET)
		return -ECONNRESET;
	if (n < 0)
		return (int)n;
	if ((size_t)n != sizeof(u.ack) || u.ack.hdr.magic != TLPSIM_MAGIC ||
	    u.ack.hdr.version != TLPSIM_VERSION || u.ack.hdr.type != TLPSIM_MSG_ACK ||
	    u.ack.hdr.size != sizeof(u.ack)) {
		tlpsim_host_log(h, TLPSIM_LOG_ERR, "bad answer to hello (%zd bytes)", n);
		return -EPROTO;
	}
	if (u.ack.status != TLPSIM_OK) {
		u.ack.reason[sizeof(u.ack.reason) - 1] = '\0';
		h->refusal_code = u.ack.status;
		snprintf(h->refusal, sizeof(h->refusal), "%s", u.ack.reason);
		tlpsim_host_log(h, TLPSIM_LOG_ERR, "device refused the link (%s): %s",
				tlpsim_refuse_name(u.ack.status), h->refusal);
		return -ECONNREFUSED;
	}
	return 0;
}

int
tlpsim_host_connect(struct tlpsim_host *h, unsigned int timeout_ms)
{
	uint64_t deadline = tlpsim_now_ms() + timeout_ms;
	int sock, ring_fd, ret;

	tlpsim_host_disconnect(h);
	/* A new link starts with every INTx wire deasserted. */
	memset(h->intx, 0, sizeof(h->intx));
	h->refusal_code = 0;
	h->refusal[0] = '\0';
	for (;;) {
		sock = tlpsim_host_sock_connect(h, deadline);
		if (sock < 0)
			return sock;
		ring_fd = tlpsim_host_ring_setup(h);
		if (ring_fd < 0) {
			close(sock);
			return ring_fd;
		}
		ret = tlpsim_host_hello(h, sock, ring_fd);
		/* The device holds its own references now (or never will). */
		close(ring_fd);
		if (ret == 0)
			ret = tlpsim_host_wait_ack(h, sock, deadline);
		if (ret == 0)
			break;
		close(sock);
		/* The device went away mid-handshake: try again until the deadline. */
		if ((ret != -ECONNRESET && ret != -EPIPE) || tlpsim_now_ms() >= deadline)
			return ret == -ECONNRESET || ret == -EPIPE ? -ETIMEDOUT : ret;
		usleep(TLPSIM_HOST_RETRY_MS * 1000);
	}
	h->sock = sock;
	h->next_check = tlpsim_host_clock() + h->check_ticks;
	h->link_ups++;
	/* Release: the fresh ring memory is set up before any queue sees the new link. */
	__atomic_store_n(&h->gen, (h->gen | 1) + ((h->gen & 1) ? 2 : 0), __ATOMIC_RELEASE);
	tlpsim_host_log(h, TLPSIM_LOG_NOTICE, "link up: %u queues, %u slots per ring",
			h->conf.nb_queues, h->conf.ring_slots);
	return 0;
}

void
tlpsim_host_stats_get(const struct tlpsim_host *h, struct tlpsim_host_stats *s)
{
	const struct tlpsim_host_qstats *q;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < h->conf.nb_queues; i++) {
		q = &h->q[i].st;
		s->requests += q->requests;
		s->completed += q->completed;
		s->cpl_errors += q->cpl_errors;
		s->cpl_timeouts += q->cpl_timeouts;
		s->cpl_malformed += q->cpl_malformed;
		s->cpl_unexpected += q->cpl_unexpected;
		s->cpl_late += q->cpl_late;
		s->aborted += q->aborted;
		s->up_malformed += q->up_malformed;
		s->dma_reads += q->dma_reads;
		s->dma_read_bytes += q->dma_read_bytes;
		s->dma_writes += q->dma_writes;
		s->dma_write_bytes += q->dma_write_bytes;
		s->dma_ur += q->dma_ur;
		s->msi += q->msi;
		s->intx_assert += q->intx_assert;
		s->intx_deassert += q->intx_deassert;
		s->msgs_other += q->msgs_other;
	}
	s->link_ups = h->link_ups;
	s->link_downs = __atomic_load_n(&h->link_downs, __ATOMIC_RELAXED);
}

unsigned int
tlpsim_host_outstanding(const struct tlpsim_host *h, uint16_t qid)
{
	if (qid >= h->conf.nb_queues)
		return 0;
	/* Outcomes kept for the next poll are not reported yet either. */
	return (unsigned int)h->q[qid].nb_busy + h->q[qid].stash_nb;
}

uint8_t
tlpsim_host_intx_get(const struct tlpsim_host *h, uint16_t rid)
{
	return __atomic_load_n(&h->intx[rid], __ATOMIC_ACQUIRE);
}
