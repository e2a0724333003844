/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Link management on the device side (control path): the listening socket,
 * the handshake, link up and link down.
 *
 * Link memory lives at fixed address ranges reserved at probe: the rings in
 * one range, the host memory regions (map mode) packed in another. A link maps
 * the host's memfds over them; link-down maps private zeroed scratch memory
 * over the same ranges, so that an lcore still copying through an old pointer
 * neither faults nor reaches the host, and nothing leaks from link to link.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "tlpsim_dev.h"

/* How long link-up waits for queues to leave a burst of the previous link. */
#define TLPSIM_DEV_QUIESCE_US 100u

static void
tlpsim_dev_link_defaults(struct tlpsim_dev_link *l)
{
	memset(l, 0, sizeof(*l));
	l->mps = TLPSIM_DEV_MPS_DEFAULT;
	l->mrrs = TLPSIM_DEV_MRRS_DEFAULT;
	l->rcb = TLPSIM_DEV_RCB_DEFAULT;
}

/*
 * Asymmetric barrier: make every thread of the process execute a full memory
 * barrier, so that bursts need none (see tlpsim_dev_enter()). Registered at
 * probe; when the kernel lacks it, bursts fence themselves.
 */
static void
tlpsim_dev_membarrier_init(struct tlpsim_dev_priv *priv)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0) {
		TLPSIM_LOG(INFO, "%s: no membarrier(), bursts use a full fence",
			   priv->dev->name);
		priv->burst_fence = 1;
	}
}

static void
tlpsim_dev_membarrier(struct tlpsim_dev_priv *priv)
{
	if (!priv->burst_fence)
		syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

/* Bind the listening socket; a stale socket file is replaced, a live one refused. */
static int
tlpsim_dev_listen(struct tlpsim_dev_priv *priv)
{
	const char *path = priv->args.path, *name = priv->dev->name;
	struct sockaddr_un sa;
	struct stat st;
	int fd, probe, ret;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		TLPSIM_LOG(ERR, "%s: path=%s: longer than %zu bytes", name, path,
			   sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			TLPSIM_LOG(ERR, "%s: path=%s exists and is not a socket", name, path);
			return -EEXIST;
		}
		probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -errno;
		ret = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (ret == 0) {
			TLPSIM_LOG(ERR, "%s: path=%s is in use by a live listener", name, path);
			return -EADDRINUSE;
		}
		/* Nobody listens: a leftover of a dead process. */
		TLPSIM_LOG(INFO, "%s: removing stale socket %s", name, path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 8) != 0) {
		ret = -errno;
		TLPSIM_LOG(ERR, "%s: cannot listen on path=%s: %s", name, path, strerror(-ret));
		close(fd);
		return ret;
	}
	priv->listen_fd = fd;
	return 0;
}

int
tlpsim_dev_link_init(struct tlpsim_dev_priv *priv)
{
	int ret;

	tlpsim_dev_link_defaults(&priv->link);
	tlpsim_dev_membarrier_init(priv);
	priv->timeout_tsc = rte_get_tsc_hz() / 1000 * priv->args.cpl_timeout_ms;
	priv->scan_tsc = RTE_MAX(priv->timeout_tsc / 8, rte_get_tsc_hz() / 100000);
	priv->ring_len = tlpsim_layout_size(priv->args.nb_queues, priv->args.ring_slots);
	priv->ring_va = tlpsim_va_reserve(priv->ring_len);
	if (priv->ring_va == NULL)
		return -ENOMEM;
	/* Readable and writable from the start: queues may poll before any link. */
	ret = tlpsim_va_scratch(priv->ring_va, priv->ring_len);
	if (ret != 0)
		goto release;
	if (priv->args.dma_mode == TLPSIM_DMA_MAP) {
		priv->mem_len = TLPSIM_MAX_HOST_MEM;
		priv->mem_va = tlpsim_va_reserve(priv->mem_len);
		if (priv->mem_va == NULL) {
			ret = -ENOMEM;
			goto release;
		}
	}
	ret = tlpsim_dev_listen(priv);
	if (ret != 0)
		goto release;
	return 0;
release:
	tlpsim_va_release(priv->mem_va, priv->mem_len);
	tlpsim_va_release(priv->ring_va, priv->ring_len);
	priv->mem_va = NULL;
	priv->ring_va = NULL;
	return ret;
}

void
tlpsim_dev_link_fini(struct tlpsim_dev_priv *priv)
{
	if (priv->state != TLPSIM_DEV_DOWN)
		tlpsim_dev_link_down(priv, "device closed");
	if (priv->listen_fd >= 0) {
		close(priv->listen_fd);
		priv->listen_fd = -1;
		unlink(priv->args.path);
	}
	tlpsim_va_release(priv->mem_va, priv->mem_len);
	tlpsim_va_release(priv->ring_va, priv->ring_len);
	priv->mem_va = NULL;
	priv->ring_va = NULL;
}

/* Point the link memory back at scratch memory. */
static void
tlpsim_dev_unmap(struct tlpsim_dev_priv *priv)
{
	if (tlpsim_va_scratch(priv->ring_va, priv->ring_len) != 0)
		TLPSIM_LOG(ERR, "%s: cannot replace the ring memory", priv->dev->name);
	if (priv->mem_used > 0 && tlpsim_va_scratch(priv->mem_va, priv->mem_used) != 0)
		TLPSIM_LOG(ERR, "%s: cannot replace the host memory", priv->dev->name);
}

static void
tlpsim_dev_peer_close(struct tlpsim_dev_priv *priv)
{
	if (priv->peer_fd >= 0) {
		close(priv->peer_fd);
		priv->peer_fd = -1;
	}
}

void
tlpsim_dev_link_down(struct tlpsim_dev_priv *priv, const char *why)
{
	if (priv->state == TLPSIM_DEV_UP) {
		/*
		 * New generation first (sequentially consistent: pairs with the
		 * fence in tlpsim_dev_enter()), then the memory goes. Bursts that
		 * started earlier finish on scratch memory.
		 */
		__atomic_store_n(&priv->link_gen, priv->link_gen + 1, __ATOMIC_SEQ_CST);
		tlpsim_dev_unmap(priv);
		tlpdev_event_post(priv->dev, TLPDEV_EVENT_LINK_DOWN, 0, 0);
		TLPSIM_LOG(NOTICE, "%s: link down (host pid %u): %s", priv->dev->name,
			   priv->peer_pid, why);
	}
	tlpsim_dev_peer_close(priv);
	priv->state = TLPSIM_DEV_DOWN;
	/*
	 * priv->link keeps the last link's values: a queue entering a burst of
	 * the old generation may still be copying it. Only a handshake, with
	 * every queue out of its burst, writes it.
	 */
}

/* Whether no queue is in a burst (of the previous link). */
static int
tlpsim_dev_quiesced(struct tlpsim_dev_priv *priv)
{
	uint64_t end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000000 * TLPSIM_DEV_QUIESCE_US;
	unsigned int i;

	/* Pairs with the compiler barrier of tlpsim_dev_enter(): see above. */
	tlpsim_dev_membarrier(priv);

	for (i = 0; i < priv->args.nb_queues; i++) {
		/* Sequentially consistent: pairs with the fence in tlpsim_dev_enter(). */
		while (__atomic_load_n(&priv->q[i].in_burst, __ATOMIC_SEQ_CST) != 0) {
			if (rte_get_tsc_cycles() > end)
				return 0;
			rte_pause();
		}
	}
	return 1;
}

static void
tlpsim_dev_answer(struct tlpsim_dev_priv *priv, int fd, int status, const char *reason)
{
	struct tlpsim_ack ack;

	memset(&ack, 0, sizeof(ack));
	tlpsim_msg_hdr_init(&ack.hdr, TLPSIM_MSG_ACK, sizeof(ack));
	ack.status = status;
	ack.nb_queues = priv->args.nb_queues;
	ack.ring_slots = priv->args.ring_slots;
	ack.dev_pid = (uint32_t)getpid();
	snprintf(ack.reason, sizeof(ack.reason), "%s", reason);
	tlpsim_msg_send(fd, &ack, sizeof(ack), NULL, 0);
}

/* Map the link memory the host granted. Returns TLPSIM_OK or a refusal code. */
static int
tlpsim_dev_map(struct tlpsim_dev_priv *priv, const struct tlpsim_hello *m, const int *fds,
	       char *reason, size_t reason_len)
{
	struct tlpsim_ctrl ctrl;
	uint64_t off = 0;
	unsigned int i;
	int ret;

	ret = tlpsim_memfd_check(fds[0], m->ring_mem_size);
	if (ret != 0) {
		snprintf(reason, reason_len, "ring memfd: %s", ret == -EPERM ?
			 "not sealed against shrinking" : ret == -EMSGSIZE ?
			 "shorter than declared" : "not a regular file");
		return TLPSIM_REFUSE_MEMFD;
	}
	for (i = 0; i < m->nb_regions; i++) {
		ret = tlpsim_memfd_check(fds[1 + i], m->regions[i].size);
		if (ret != 0) {
			snprintf(reason, reason_len, "region %u memfd: %s", i, ret == -EPERM ?
				 "not sealed against shrinking" : ret == -EMSGSIZE ?
				 "shorter than declared" : "not a regular file");
			return TLPSIM_REFUSE_MEMFD;
		}
	}
	if (tlpsim_va_map_fd(priv->ring_va, priv->ring_len, fds[0]) != 0) {
		snprintf(reason, reason_len, "cannot map the ring memory");
		return TLPSIM_REFUSE_MAP;
	}
	/* Read the control page once; it must agree with the hello. */
	memcpy(&ctrl, priv->ring_va, sizeof(ctrl));
	if (ctrl.magic != TLPSIM_MAGIC || ctrl.version != TLPSIM_VERSION ||
	    ctrl.nb_queues != m->nb_queues || ctrl.ring_slots != m->ring_slots ||
	    ctrl.ring_mem_size != m->ring_mem_size) {
		snprintf(reason, reason_len, "control page does not match the hello");
		ret = TLPSIM_REFUSE_PROTO;
		goto unmap;
	}
	priv->link.nb_regions = 0;
	if (priv->args.dma_mode == TLPSIM_DMA_MAP) {
		for (i = 0; i < m->nb_regions; i++) {
			/* Regions are packed; the checked total fits the reserved range. */
			if (tlpsim_va_map_fd(priv->mem_va + off, m->regions[i].size,
					     fds[1 + i]) != 0) {
				snprintf(reason, reason_len, "cannot map region %u", i);
				ret = TLPSIM_REFUSE_MAP;
				goto unmap;
			}
			priv->link.regions[i].host_addr = m->regions[i].bus_addr;
			priv->link.regions[i].len = m->regions[i].size;
			priv->link.regions[i].va = priv->mem_va + off;
			off += m->regions[i].size;
			priv->mem_used = RTE_MAX(priv->mem_used, off);
		}
		priv->link.nb_regions = m->nb_regions;
	}
	return TLPSIM_OK;
unmap:
	priv->mem_used = RTE_MAX(priv->mem_used, off);
	tlpsim_dev_unmap(priv);
	return ret;
}

/* Handle the hello on the pending connection; 0 done, -EAGAIN not yet there. */
static int
tlpsim_dev_hello(struct tlpsim_dev_priv *priv)
{
	const char *name = priv->dev->name;
	struct tlpsim_expect exp = {
		.nb_queues = priv->args.nb_queues,
		.ring_slots = priv->args.ring_slots,
		.max_host_mem = TLPSIM_MAX_HOST_MEM,
	};
	union {
		struct tlpsim_hello hello;
		uint8_t raw[TLPSIM_MSG_MAX];
	} u;
	int fds[1 + TLPSIM_MAX_REGIONS];
	unsigned int nb_fds = 0, i;
	char reason[128] = "";
	ssize_t n;
	int code;

	/* Never map a new link under a burst still running on the old one. */
	if (!tlpsim_dev_quiesced(priv))
		return -EAGAIN;
	n = tlpsim_msg_recv(priv->peer_fd, &u, sizeof(u), fds, RTE_DIM(fds), &nb_fds,
			    MSG_DONTWAIT);
	if (n == -EAGAIN || n == -EWOULDBLOCK)
		return -EAGAIN;
	if (n <= 0) {
		if (n == -EMSGSIZE)
			tlpsim_dev_answer(priv, priv->peer_fd, TLPSIM_REFUSE_FDS,
					  "too many file descriptors or message too long");
		TLPSIM_LOG(NOTICE, "%s: host left before its hello (%s)", name,
			   n == 0 ? "hang-up" : strerror((int)-n));
		tlpsim_dev_link_down(priv, "no hello");
		return 0;
	}
	code = tlpsim_hello_check(&u, (size_t)n, nb_fds, &exp, reason, sizeof(reason));
	if (code == TLPSIM_OK)
		code = tlpsim_dev_map(priv, &u.hello, fds, reason, sizeof(reason));
	/* Mappings hold their own references. */
	for (i = 0; i < nb_fds; i++)
		close(fds[i]);
	if (code != TLPSIM_OK) {
		TLPSIM_LOG(NOTICE, "%s: refused a host (%s): %s", name, tlpsim_refuse_name(code),
			   reason);
		tlpsim_dev_answer(priv, priv->peer_fd, code, reason);
		tlpsim_dev_link_down(priv, "refused");
		return 0;
	}
	priv->link.mps = u.hello.mps;
	priv->link.mrrs = u.hello.mrrs;
	priv->link.rcb = u.hello.rcb;
	priv->link.host_rid = u.hello.host_rid;
	priv->link.dev_rid = u.hello.dev_rid;
	priv->link.tag10 = (u.hello.flags & TLPSIM_HELLO_F_TAG10) != 0;
	priv->peer_pid = u.hello.host_pid;
	tlpsim_dev_answer(priv, priv->peer_fd, TLPSIM_OK, "");
	priv->state = TLPSIM_DEV_UP;
	/* Release (and more): link memory and parameters are in place before queues see it. */
	__atomic_store_n(&priv->link_gen, priv->link_gen + 1, __ATOMIC_SEQ_CST);
	tlpdev_event_post(priv->dev, TLPDEV_EVENT_LINK_UP, 0, 0);
	TLPSIM_LOG(NOTICE, "%s: link up with host pid %u: %u queues, %u regions, mps %u "
		   "mrrs %u rcb %u%s", name, priv->peer_pid, u.hello.nb_queues,
		   u.hello.nb_regions, u.hello.mps, u.hello.mrrs, u.hello.rcb,
		   priv->link.tag10 ? ", 10-bit tags" : "");
	return 0;
}

/* Hang-up or bye from the host? */
static void
tlpsim_dev_peer_check(struct tlpsim_dev_priv *priv)
{
	uint8_t buf[TLPSIM_MSG_MAX];
	unsigned int nb_fds;
	ssize_t n;
	int fds[1];

	n = tlpsim_msg_recv(priv->peer_fd, buf, sizeof(buf), fds, 0, &nb_fds, MSG_DONTWAIT);
	if (n == -EAGAIN || n == -EWOULDBLOCK)
		return;
	if (n == 0)
		tlpsim_dev_link_down(priv, "host hung up");
	else if (n < 0)
		tlpsim_dev_link_down(priv, strerror((int)-n));
	else
		/* The only message a host sends on a live link is its bye. */
		tlpsim_dev_link_down(priv, "host said bye");
}

static void
tlpsim_dev_accept(struct tlpsim_dev_priv *priv)
{
	int fd;

	for (;;) {
		/* A pending host that hung up or sent its hello makes room first. */
		if (priv->state == TLPSIM_DEV_HELLO)
			tlpsim_dev_hello(priv);
		fd = accept4(priv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (priv->state != TLPSIM_DEV_DOWN || !priv->dev->started) {
			tlpsim_dev_answer(priv, fd, TLPSIM_REFUSE_BUSY,
					  priv->dev->started ? "another host is attached" :
					  "device stopped");
			close(fd);
			continue;
		}
		priv->peer_fd = fd;
		priv->state = TLPSIM_DEV_HELLO;
		priv->hello_deadline = rte_get_tsc_cycles() +
			rte_get_tsc_hz() / 1000 * TLPSIM_DEV_HELLO_TIMEOUT_MS;
	}
}

void
tlpsim_dev_event_poll(struct tlpdev *dev)
{
	struct tlpsim_dev_priv *priv = tlpsim_dev_priv(dev);
	uint64_t now = rte_get_tsc_cycles();

	/* Two or three system calls: at most once per period. */
	if (now < priv->next_poll)
		return;
	priv->next_poll = now + rte_get_tsc_hz() / 1000000 * TLPSIM_DEV_POLL_US;
	if (priv->state == TLPSIM_DEV_UP)
		tlpsim_dev_peer_check(priv);
	if (priv->state == TLPSIM_DEV_HELLO &&
	    tlpsim_dev_hello(priv) == -EAGAIN && now > priv->hello_deadline) {
		TLPSIM_LOG(NOTICE, "%s: no hello from the host in %u ms", dev->name,
			   TLPSIM_DEV_HELLO_TIMEOUT_MS);
		tlpsim_dev_link_down(priv, "hello timeout");
	}
	tlpsim_dev_accept(priv);
	/* A host that connected just now may have sent its hello already. */
	if (priv->state == TLPSIM_DEV_HELLO)
		tlpsim_dev_hello(priv);
}

int
tlpsim_dev_link_get(struct tlpdev *dev)
{
	return (__atomic_load_n(&tlpsim_dev_priv(dev)->link_gen, __ATOMIC_ACQUIRE) & 1) != 0;
}

void
tlpsim_dev_info_get(struct tlpdev *dev, struct tlpdev_info *info)
{
	struct tlpsim_dev_priv *priv = tlpsim_dev_priv(dev);

	info->driver_name = TLPSIM_DEV_DRIVER_NAME;
	info->nb_queues = priv->args.nb_queues;
	info->max_payload = priv->link.mps;
	info->max_read_req = priv->link.mrrs;
	info->rcb = priv->link.rcb;
	info->caps = TLPDEV_CAP_CFG_TLPS;
	if (priv->args.dma_mode == TLPSIM_DMA_MAP)
		info->caps |= TLPDEV_CAP_HOST_MAP;
}

int
tlpsim_dev_start(struct tlpdev *dev)
{
	struct tlpsim_dev_priv *priv = tlpsim_dev_priv(dev);

	/* Hosts are accepted by event_poll from now on. */
	priv->next_poll = 0;
	return 0;
}

int
tlpsim_dev_stop(struct tlpdev *dev)
{
	tlpsim_dev_link_down(tlpsim_dev_priv(dev), "device stopped");
	return 0;
}

int
tlpsim_dev_host_mem_map(struct tlpdev *dev, struct tlpdev_mem_region *regions,
			unsigned int max)
{
	struct tlpsim_dev_priv *priv = tlpsim_dev_priv(dev);
	unsigned int i;

	if (priv->state != TLPSIM_DEV_UP)
		return -ENOTCONN;
	for (i = 0; i < priv->link.nb_regions && i < max; i++)
		regions[i] = priv->link.regions[i];
	return (int)i;
}
