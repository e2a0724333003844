/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The handshake against hostile hosts: this process runs the device side
 * (EAL, tlp_sim0 with queues=2,ring_size=512) and plays hosts that break the
 * protocol on its socket: bad magic, version, sizes and counts, regions that
 * overlap or wrap, descriptors missing or extra, memfds that are short,
 * unsealed or not memfds, a wrong control page, silence, a second host. The
 * device must refuse each with the right reason, leak nothing and keep
 * listening: after each, a well-behaved host gets the link.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_eal.h>

#include <tlpdev.h>
#include <tlpsim_proto.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"
#include "tlpemu_test_eal.h"

#define QUEUES 2
#define SLOTS 512u
#define REGION_SIZE (1u << 20)

static struct tst_dir dir;
static uint16_t dev_id;
static unsigned int ups, downs;

/* Process the device's events (and count link changes). */
static void
pump_events(void)
{
	struct tlpdev_event ev;

	while (tlpdev_event_dequeue(dev_id, &ev) == 1) {
		if (ev.type == TLPDEV_EVENT_LINK_UP)
			ups++;
		else if (ev.type == TLPDEV_EVENT_LINK_DOWN)
			downs++;
	}
}

static int
hs_connect(void)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", dir.sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait for the device's answer on @p fd, running the device meanwhile.
 * Returns the ack status, -ECONNRESET when it closed without one, -ETIMEDOUT.
 */
static int
hs_answer(int fd, struct tlpsim_ack *ack, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;
	ssize_t n;

	while (tst_now_ms() < end) {
		pump_events();
		n = recv(fd, ack, sizeof(*ack), MSG_DONTWAIT);
		if (n == (ssize_t)sizeof(*ack))
			return ack->status;
		if (n == 0)
			return -ECONNRESET;
		if (n > 0)
			return -EPROTO;
		usleep(200);
	}
	return -ETIMEDOUT;
}

/* Whether the device closed @p fd (hang-up), running the device meanwhile. */
static int
hs_closed(int fd, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;
	char b[256];

	while (tst_now_ms() < end) {
		pump_events();
		if (recv(fd, b, sizeof(b), MSG_DONTWAIT) == 0)
			return 1;
		usleep(200);
	}
	return 0;
}

/* A host's link memory and hello, ready to spoil. */
struct hs_host {
	struct tlpsim_hello m;
	int fds[1 + TLPSIM_MAX_REGIONS + 4];
	unsigned int nb_fds;
};

static int
hs_ring_fd(uint64_t size, int ctrl_ok)
{
	struct tlpsim_ctrl ctrl = {
		.magic = TLPSIM_MAGIC,
		.version = TLPSIM_VERSION,
		.nb_queues = QUEUES,
		.ring_slots = SLOTS,
		.ring_mem_size = tlpsim_layout_size(QUEUES, SLOTS),
	};
	int fd = tlpsim_memfd_create("hs-ring", size);

	if (fd >= 0 && ctrl_ok && pwrite(fd, &ctrl, sizeof(ctrl), 0) != sizeof(ctrl)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
hs_host_init(struct hs_host *hh)
{
	memset(hh, 0, sizeof(*hh));
	tlpsim_msg_hdr_init(&hh->m.hdr, TLPSIM_MSG_HELLO, sizeof(hh->m));
	hh->m.nb_queues = QUEUES;
	hh->m.nb_regions = 1;
	hh->m.ring_slots = SLOTS;
	hh->m.ring_mem_size = tlpsim_layout_size(QUEUES, SLOTS);
	hh->m.mps = 256;
	hh->m.mrrs = 512;
	hh->m.rcb = 64;
	hh->m.dev_rid = tlp_rid(1, 0, 0);
	hh->m.regions[0].bus_addr = TLPSIM_HOST_MEM_BASE_DEFAULT;
	hh->m.regions[0].size = REGION_SIZE;
	hh->fds[0] = hs_ring_fd(hh->m.ring_mem_size, 1);
	hh->fds[1] = tlpsim_memfd_create("hs-mem", REGION_SIZE);
	hh->nb_fds = 2;
}

static void
hs_host_fini(struct hs_host *hh)
{
	unsigned int i;

	for (i = 0; i < hh->nb_fds; i++)
		if (hh->fds[i] >= 0)
			close(hh->fds[i]);
}

/* Send the hello; returns the answer, and the connected socket in @p sock. */
static int
hs_try(struct hs_host *hh, size_t len, int *sock)
{
	struct tlpsim_ack ack;
	int fd, ret;

	*sock = -1;
	fd = hs_connect();
	if (fd < 0)
		return -errno;
	ret = tlpsim_msg_send(fd, &hh->m, len, hh->fds, hh->nb_fds);
	if (ret == 0)
		ret = hs_answer(fd, &ack, 5000);
	*sock = fd;
	return ret;
}

/* A good host gets the link, then leaves: the device still listens. */
static int
good_host_ok(void)
{
	struct hs_host hh;
	unsigned int u = ups, d = downs;
	uint64_t end;
	int sock, ret;

	hs_host_init(&hh);
	ret = hs_try(&hh, sizeof(hh.m), &sock);
	hs_host_fini(&hh);
	if (ret != TLPSIM_OK) {
		fprintf(stderr, "good host: %d\n", ret);
		if (sock >= 0)
			close(sock);
		return 0;
	}
	pump_events();
	if (ups != u + 1 || tlpdev_link_get(dev_id) != 1) {
		fprintf(stderr, "good host: no link-up (%u -> %u)\n", u, ups);
		close(sock);
		return 0;
	}
	close(sock);
	/* The device notices the hang-up. */
	end = tst_now_ms() + 5000;
	while (downs == d && tst_now_ms() < end) {
		usleep(200);
		pump_events();
	}
	return downs == d + 1 && tlpdev_link_get(dev_id) == 0;
}

typedef void (*hs_spoil_t)(struct hs_host *hh, size_t *len);

#define SPOIL(n, body) \
	static void n(struct hs_host *hh, size_t *len) { (void)hh; (void)len; body; }
SPOIL(sp_magic, hh->m.hdr.magic = 0xdeadbeef)
SPOIL(sp_version, hh->m.hdr.version = 9)
SPOIL(sp_short_msg, *len = 10)
SPOIL(sp_long_msg, *len = sizeof(hh->m) + 0; hh->m.hdr.size = 999)
SPOIL(sp_queues, hh->m.nb_queues = 1)
SPOIL(sp_slots, hh->m.ring_slots = 1024)
SPOIL(sp_ring_size, hh->m.ring_mem_size = 4096)
SPOIL(sp_mps, hh->m.mps = 3)
SPOIL(sp_no_regions, hh->m.nb_regions = 0)
SPOIL(sp_overlap, hh->m.nb_regions = 2; hh->m.regions[1] = hh->m.regions[0];
      hh->fds[hh->nb_fds++] = tlpsim_memfd_create("hs", REGION_SIZE))
SPOIL(sp_wrap, hh->m.regions[0].bus_addr = 0xfffffffffff00000ull;
      hh->m.regions[0].size = 0x200000)
SPOIL(sp_msi, hh->m.regions[0].bus_addr = 0xfee00000ull)
SPOIL(sp_huge, hh->m.regions[0].size = 1ull << 40)
SPOIL(sp_fd_missing, close(hh->fds[1]); hh->nb_fds = 1)
SPOIL(sp_fd_extra, hh->fds[hh->nb_fds++] = tlpsim_memfd_create("hs", 4096))
SPOIL(sp_fd_flood, while (hh->nb_fds < 9) hh->fds[hh->nb_fds++] = tlpsim_memfd_create("x", 4096))
SPOIL(sp_region_short, close(hh->fds[1]); hh->fds[1] = tlpsim_memfd_create("hs", 4096))
SPOIL(sp_ring_short, close(hh->fds[0]); hh->fds[0] = hs_ring_fd(8192, 0))
SPOIL(sp_unsealed, close(hh->fds[1]); hh->fds[1] = memfd_create("hs", MFD_CLOEXEC);
      if (ftruncate(hh->fds[1], REGION_SIZE) != 0) hh->fds[1] = -1)
SPOIL(sp_pipe, int p[2]; close(hh->fds[1]); if (pipe(p) == 0) { hh->fds[1] = p[0];
      hh->fds[hh->nb_fds++] = p[1]; hh->m.nb_regions = 2;
      hh->m.regions[1].bus_addr = 0x200000000ull; hh->m.regions[1].size = 4096; })
SPOIL(sp_ctrl_page, close(hh->fds[0]); hh->fds[0] = hs_ring_fd(hh->m.ring_mem_size, 0))

static const struct {
	const char *name;
	hs_spoil_t spoil;
	int code;
} hostile[] = {
	{ "bad magic", sp_magic, TLPSIM_REFUSE_PROTO },
	{ "bad version", sp_version, TLPSIM_REFUSE_VERSION },
	{ "short message", sp_short_msg, TLPSIM_REFUSE_PROTO },
	{ "size field lies", sp_long_msg, TLPSIM_REFUSE_PROTO },
	{ "queue count", sp_queues, TLPSIM_REFUSE_QUEUES },
	{ "ring size", sp_slots, TLPSIM_REFUSE_RING },
	{ "ring memory size", sp_ring_size, TLPSIM_REFUSE_RING },
	{ "absurd MPS", sp_mps, TLPSIM_REFUSE_LINK_PARAM },
	{ "no regions", sp_no_regions, TLPSIM_REFUSE_REGIONS },
	{ "overlapping regions", sp_overlap, TLPSIM_REFUSE_REGIONS },
	{ "region wrapping 2^64", sp_wrap, TLPSIM_REFUSE_REGIONS },
	{ "region on the MSI window", sp_msi, TLPSIM_REFUSE_REGIONS },
	{ "1 TiB of memory", sp_huge, TLPSIM_REFUSE_REGIONS },
	{ "descriptor missing", sp_fd_missing, TLPSIM_REFUSE_FDS },
	{ "descriptor extra", sp_fd_extra, TLPSIM_REFUSE_FDS },
	{ "descriptor flood", sp_fd_flood, TLPSIM_REFUSE_FDS },
	{ "region memfd short", sp_region_short, TLPSIM_REFUSE_MEMFD },
	{ "ring memfd short", sp_ring_short, TLPSIM_REFUSE_MEMFD },
	{ "unsealed memfd", sp_unsealed, TLPSIM_REFUSE_MEMFD },
	{ "a pipe for memory", sp_pipe, TLPSIM_REFUSE_MEMFD },
	{ "bad control page", sp_ctrl_page, TLPSIM_REFUSE_PROTO },
};

static int
test_hs_hostile_hellos(void)
{
	struct hs_host hh;
	unsigned int i;
	size_t len;
	int fds, maps, ret, sock;

	TEST_ASSERT(good_host_ok(), "a good host first");
	fds = tst_count_fds();
	maps = tst_count_maps();
	for (i = 0; i < RTE_DIM(hostile); i++) {
		hs_host_init(&hh);
		len = sizeof(hh.m);
		hostile[i].spoil(&hh, &len);
		ret = hs_try(&hh, len, &sock);
		hs_host_fini(&hh);
		TEST_ASSERT_EQUAL(ret, hostile[i].code, "%s: refused with the right reason",
				  hostile[i].name);
		TEST_ASSERT(hs_closed(sock, 2000), "%s: connection closed", hostile[i].name);
		close(sock);
		TEST_ASSERT_EQUAL(tlpdev_link_get(dev_id), 0, "%s: no link", hostile[i].name);
		TEST_ASSERT(good_host_ok(), "%s: the device still listens", hostile[i].name);
	}
	pump_events();
	TEST_ASSERT_EQUAL(tst_count_fds(), fds, "no descriptor leaked by the device");
	TEST_ASSERT(tst_count_maps() <= maps + 2, "no mapping leaked (%d -> %d)", maps,
		    tst_count_maps());
	return TEST_SUCCESS;
}

static int
test_hs_silent_host(void)
{
	int fd;

	/* Connects and says nothing: dropped after the hello timeout. */
	fd = hs_connect();
	TEST_ASSERT(fd >= 0, "connect");
	TEST_ASSERT(hs_closed(fd, 5000), "silent host dropped");
	close(fd);
	/* Connects and leaves at once. */
	fd = hs_connect();
	TEST_ASSERT(fd >= 0, "connect");
	close(fd);
	TEST_ASSERT(good_host_ok(), "device still listens");
	return TEST_SUCCESS;
}

static int
test_hs_second_host(void)
{
	struct hs_host hh;
	int first, second, ret;
	char junk[32] = "not a bye";

	hs_host_init(&hh);
	TEST_ASSERT_EQUAL(hs_try(&hh, sizeof(hh.m), &first), TLPSIM_OK, "first host");
	hs_host_fini(&hh);
	pump_events();
	TEST_ASSERT_EQUAL(tlpdev_link_get(dev_id), 1, "link up");
	hs_host_init(&hh);
	ret = hs_try(&hh, sizeof(hh.m), &second);
	hs_host_fini(&hh);
	TEST_ASSERT_EQUAL(ret, TLPSIM_REFUSE_BUSY, "second host refused: busy");
	close(second);
	TEST_ASSERT_EQUAL(tlpdev_link_get(dev_id), 1, "first link unharmed");
	/* Garbage on a live link: taken as the host leaving. */
	TEST_ASSERT(send(first, junk, sizeof(junk), 0) == sizeof(junk), "send");
	TEST_ASSERT(hs_closed(first, 2000), "device dropped the link");
	TEST_ASSERT_EQUAL(tlpdev_link_get(dev_id), 0, "link down");
	close(first);
	TEST_ASSERT(good_host_ok(), "device still listens");
	return TEST_SUCCESS;
}

static int
test_hs_path_in_use(void)
{
	char vdev[256];
	int ret;

	/* A second device on the live socket's path must refuse to probe. */
	snprintf(vdev, sizeof(vdev), "tlp_sim9,path=%s", dir.sock);
	ret = rte_vdev_init("tlp_sim9", vdev + strlen("tlp_sim9,"));
	TEST_ASSERT(ret < 0, "probe on a live listener's path refused");
	TEST_ASSERT(tlpdev_get_by_name("tlp_sim9") < 0, "no device");
	TEST_ASSERT(good_host_ok(), "the first device still listens");
	return TEST_SUCCESS;
}

static int
test_hs_bad_devargs(void)
{
	const char *bad[] = {
		"", "queues=2", "path=/tmp/x,queues=0", "path=/tmp/x,queues=17",
		"path=/tmp/x,queues=two", "path=/tmp/x,dma=copy", "path=/tmp/x,ring_size=1000",
		"path=/tmp/x,ring_size=128", "path=/tmp/x,cpl_timeout_ms=0",
		"path=/tmp/x,bogus=1", "path=/tmp/x,path=/tmp/y", NULL,
	};
	char long_path[200];
	unsigned int i;

	/* A path longer than a UNIX socket address holds. */
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	memcpy(long_path, "path=/tmp/", 10);
	bad[RTE_DIM(bad) - 1] = long_path;

	for (i = 0; i < RTE_DIM(bad); i++) {
		TEST_ASSERT(rte_vdev_init("tlp_sim8", bad[i]) < 0, "devargs '%s' refused", bad[i]);
		TEST_ASSERT(tlpdev_get_by_name("tlp_sim8") < 0, "no device for '%s'", bad[i]);
	}
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_hs_hostile_hellos),
	TEST_CASE(test_hs_silent_host),
	TEST_CASE(test_hs_second_host),
	TEST_CASE(test_hs_path_in_use),
	TEST_CASE(test_hs_bad_devargs),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	char vdev[256];
	const char *args[] = {
		"--vdev", vdev, "-l", "0", "--log-level=pmd.tlpdev.sim:warning", NULL,
	};
	int ret, id;

	signal(SIGPIPE, SIG_IGN);
	if (tst_dir_make(&dir) != 0)
		return 1;
	snprintf(vdev, sizeof(vdev), "tlp_sim0,path=%s,queues=%d,ring_size=%u", dir.sock, QUEUES,
		 SLOTS);
	if (tlpemu_test_eal_init(args) != 0)
		return 1;
	id = tlpdev_get_by_name("tlp_sim0");
	if (id < 0 || tlpdev_start((uint16_t)id) != 0)
		return 1;
	dev_id = (uint16_t)id;
	ret = tlpemu_test_run("tlpsim_handshake", cases, argc, argv);
	tlpdev_close(dev_id);
	rte_eal_cleanup();
	tst_dir_remove(&dir);
	return ret;
}
