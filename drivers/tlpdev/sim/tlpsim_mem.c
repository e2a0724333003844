/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlpsim_proto.h"

int
tlpsim_memfd_check(int fd, uint64_t size)
{
	struct stat st;
	int seals;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -EBADF;
	/* Without F_SEAL_SHRINK the peer could truncate it under our mapping. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & F_SEAL_SHRINK) == 0)
		return -EPERM;
	if (st.st_size < 0 || (uint64_t)st.st_size < size)
		return -EMSGSIZE;
	return 0;
}

int
tlpsim_memfd_create(const char *name, uint64_t size)
{
	int fd, ret;

	if (size > (uint64_t)INT64_MAX)
		return -EINVAL;
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) != 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

void *
tlpsim_va_reserve(uint64_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int
tlpsim_va_map_fd(void *addr, uint64_t len, int fd)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int
tlpsim_va_scratch(void *addr, uint64_t len)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

void
tlpsim_va_release(void *addr, uint64_t len)
{
	if (addr != NULL)
		munmap(addr, len);
}
