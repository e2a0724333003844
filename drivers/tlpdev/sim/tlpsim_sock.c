/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tlpsim_proto.h"

/* Room for the most descriptors a message carries: the rings and every region. */
#define TLPSIM_MAX_FDS (1u + TLPSIM_MAX_REGIONS)

int
tlpsim_msg_send(int sock, const void *msg, size_t len, const int *fds, unsigned int nb_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * TLPSIM_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)msg, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (nb_fds > TLPSIM_MAX_FDS)
		return -EINVAL;
	if (nb_fds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nb_fds);
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

ssize_t
tlpsim_msg_recv(int sock, void *msg, size_t cap, int *fds, unsigned int max_fds,
		unsigned int *nb_fds, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * TLPSIM_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = cap };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	unsigned int i, n_in, kept = 0;
	int in[TLPSIM_MAX_FDS];
	ssize_t n;
	int trunc;

	*nb_fds = 0;
	do {
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	trunc = (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n_in = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (n_in > TLPSIM_MAX_FDS)
			n_in = TLPSIM_MAX_FDS;
		memcpy(in, CMSG_DATA(c), sizeof(int) * n_in);
		for (i = 0; i < n_in; i++) {
			/* Keep what fits, close everything else: no descriptor leaks. */
			if (!trunc && kept < max_fds)
				fds[kept++] = in[i];
			else {
				close(in[i]);
				trunc = 1;
			}
		}
	}
	if (trunc) {
		for (i = 0; i < kept; i++)
			close(fds[i]);
		return -EMSGSIZE;
	}
	*nb_fds = kept;
	return n;
}
