/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Link protocol pieces without processes: hello validation, memfd checks,
 * descriptor passing, request splitting and read-completion reassembly.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tlpsim_proto.h>
#include <tlpsim_xfer.h>

#include "tlpemu_test.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const struct tlpsim_expect expect = {
	.nb_queues = 2,
	.ring_slots = 512,
	.max_host_mem = 1ull << 30,
};

static void
good_hello(struct tlpsim_hello *m)
{
	memset(m, 0, sizeof(*m));
	tlpsim_msg_hdr_init(&m->hdr, TLPSIM_MSG_HELLO, sizeof(*m));
	m->nb_queues = 2;
	m->nb_regions = 2;
	m->ring_slots = 512;
	m->ring_mem_size = tlpsim_layout_size(2, 512);
	m->mps = 256;
	m->mrrs = 512;
	m->rcb = 64;
	m->regions[0].bus_addr = 0x100000000ull;
	m->regions[0].size = 64u << 20;
	m->regions[1].bus_addr = 0x10000000ull;
	m->regions[1].size = 1u << 20;
}

/* One way to spoil a hello, and the refusal it must get. */
struct bad_hello {
	const char *name;
	void (*spoil)(struct tlpsim_hello *m);
	int code;
	const char *in_reason;	/* the reason names the bad value */
};

#define SPOIL(n, stmt) static void n(struct tlpsim_hello *m) { stmt; }
SPOIL(sp_magic, m->hdr.magic = 0x12345678)
SPOIL(sp_version, m->hdr.version = 2)
SPOIL(sp_type, m->hdr.type = TLPSIM_MSG_ACK)
SPOIL(sp_size, m->hdr.size = 12)
SPOIL(sp_rsvd, m->hdr.rsvd = 1)
SPOIL(sp_queues, m->nb_queues = 3)
SPOIL(sp_slots, m->ring_slots = 1024)
SPOIL(sp_slots_pow2, m->ring_slots = 500)
SPOIL(sp_ring_mem, m->ring_mem_size += 4096)
SPOIL(sp_mps, m->mps = 100)
SPOIL(sp_mrrs, m->mrrs = 8192)
SPOIL(sp_rcb, m->rcb = 32)
SPOIL(sp_flags, m->flags = 0x80)
SPOIL(sp_no_regions, m->nb_regions = 0)
SPOIL(sp_many_regions, m->nb_regions = 9)
SPOIL(sp_unused_region, m->regions[5].size = 4096)
SPOIL(sp_region_empty, m->regions[1].size = 0)
SPOIL(sp_region_unaligned, m->regions[1].bus_addr = 0x10000100)
SPOIL(sp_region_size_unaligned, m->regions[1].size = 5000)
SPOIL(sp_region_wrap, m->regions[1].bus_addr = 0xfffffffffffff000ull; m->regions[1].size = 0x2000)
SPOIL(sp_region_overlap, m->regions[1].bus_addr = 0x100000000ull + (1u << 20))
SPOIL(sp_region_msi, m->regions[1].bus_addr = 0xfee00000ull - 0x1000; m->regions[1].size = 0x2000)
SPOIL(sp_region_total, m->regions[0].size = 1ull << 30)
SPOIL(sp_region_huge, m->regions[0].size = 0xfffffffffffff000ull)

static const struct bad_hello bad_hellos[] = {
	{ "magic", sp_magic, TLPSIM_REFUSE_PROTO, "0x12345678" },
	{ "version", sp_version, TLPSIM_REFUSE_VERSION, "2" },
	{ "type", sp_type, TLPSIM_REFUSE_PROTO, "type" },
	{ "size", sp_size, TLPSIM_REFUSE_PROTO, "12" },
	{ "reserved", sp_rsvd, TLPSIM_REFUSE_PROTO, "hello" },
	{ "queues", sp_queues, TLPSIM_REFUSE_QUEUES, "3 queues" },
	{ "ring slots", sp_slots, TLPSIM_REFUSE_RING, "1024" },
	{ "ring slots power of two", sp_slots_pow2, TLPSIM_REFUSE_RING, "500" },
	{ "ring memory", sp_ring_mem, TLPSIM_REFUSE_RING, "ring memory" },
	{ "mps", sp_mps, TLPSIM_REFUSE_LINK_PARAM, "mps 100" },
	{ "mrrs", sp_mrrs, TLPSIM_REFUSE_LINK_PARAM, "mrrs 8192" },
	{ "rcb", sp_rcb, TLPSIM_REFUSE_LINK_PARAM, "rcb 32" },
	{ "flags", sp_flags, TLPSIM_REFUSE_LINK_PARAM, "0x80" },
	{ "no region", sp_no_regions, TLPSIM_REFUSE_REGIONS, "count 0" },
	{ "9 regions", sp_many_regions, TLPSIM_REFUSE_REGIONS, "count 9" },
	{ "unused slot", sp_unused_region, TLPSIM_REFUSE_REGIONS, "slot 5" },
	{ "empty region", sp_region_empty, TLPSIM_REFUSE_REGIONS, "region 1" },
	{ "unaligned base", sp_region_unaligned, TLPSIM_REFUSE_REGIONS, "0x10000100" },
	{ "unaligned size", sp_region_size_unaligned, TLPSIM_REFUSE_REGIONS, "0x1388" },
	{ "wrapping", sp_region_wrap, TLPSIM_REFUSE_REGIONS, "wraps" },
	{ "overlap", sp_region_overlap, TLPSIM_REFUSE_REGIONS, "overlap" },
	{ "MSI window", sp_region_msi, TLPSIM_REFUSE_REGIONS, "MSI" },
	{ "too much memory", sp_region_total, TLPSIM_REFUSE_REGIONS, "exceeds" },
	{ "huge region", sp_region_huge, TLPSIM_REFUSE_REGIONS, "region 0" },
};

static int
test_hello_check(void)
{
	struct tlpsim_hello m;
	char reason[128];
	unsigned int i;
	int code;

	good_hello(&m);
	TEST_ASSERT_EQUAL(tlpsim_hello_check(&m, sizeof(m), 3, &expect, reason, sizeof(reason)),
			  TLPSIM_OK, "valid hello: %s", reason);
	for (i = 0; i < DIM(bad_hellos); i++) {
		good_hello(&m);
		bad_hellos[i].spoil(&m);
		reason[0] = '\0';
		code = tlpsim_hello_check(&m, sizeof(m), 3, &expect, reason, sizeof(reason));
		TEST_ASSERT_EQUAL(code, bad_hellos[i].code, "%s: %s", bad_hellos[i].name, reason);
		TEST_ASSERT(strstr(reason, bad_hellos[i].in_reason) != NULL,
			    "%s: reason '%s' lacks '%s'", bad_hellos[i].name, reason,
			    bad_hellos[i].in_reason);
	}
	good_hello(&m);
	TEST_ASSERT_EQUAL(tlpsim_hello_check(&m, sizeof(m), 2, &expect, reason, sizeof(reason)),
			  TLPSIM_REFUSE_FDS, "a descriptor short");
	TEST_ASSERT_EQUAL(tlpsim_hello_check(&m, sizeof(m), 9, &expect, reason, sizeof(reason)),
			  TLPSIM_REFUSE_FDS, "descriptors too many");
	TEST_ASSERT_EQUAL(tlpsim_hello_check(&m, 10, 3, &expect, reason, sizeof(reason)),
			  TLPSIM_REFUSE_PROTO, "truncated");
	TEST_ASSERT_EQUAL(tlpsim_hello_check(&m, sizeof(m) - 8, 3, &expect, reason,
					     sizeof(reason)),
			  TLPSIM_REFUSE_PROTO, "short");
	TEST_ASSERT(strcmp(tlpsim_refuse_name(TLPSIM_REFUSE_BUSY), "busy") == 0, "name");
	TEST_ASSERT(strcmp(tlpsim_refuse_name(-1), "?") == 0, "bad code name");
	return TEST_SUCCESS;
}

static int
test_memfd_check(void)
{
	int fd, pfd[2];

	fd = tlpsim_memfd_create("t", 8192);
	TEST_ASSERT(fd >= 0, "create");
	TEST_ASSERT_EQUAL(tlpsim_memfd_check(fd, 8192), 0, "sealed, right size");
	TEST_ASSERT_EQUAL(tlpsim_memfd_check(fd, 8193), -EMSGSIZE, "shorter than declared");
	TEST_ASSERT(ftruncate(fd, 4096) != 0, "the seal holds");
	close(fd);
	fd = memfd_create("unsealed", MFD_CLOEXEC);
	TEST_ASSERT(fd >= 0 && ftruncate(fd, 8192) == 0, "create");
	TEST_ASSERT_EQUAL(tlpsim_memfd_check(fd, 8192), -EPERM, "not sealed");
	close(fd);
	TEST_ASSERT(pipe(pfd) == 0, "pipe");
	TEST_ASSERT_EQUAL(tlpsim_memfd_check(pfd[0], 0), -EBADF, "not a regular file");
	close(pfd[0]);
	close(pfd[1]);
	return TEST_SUCCESS;
}

static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int
test_fd_passing(void)
{
	int sv[2], fds[12], got[12], i, before;
	unsigned int nb;
	char msg[16] = "hello", in[64];
	ssize_t n;

	TEST_ASSERT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
	for (i = 0; i < 12; i++)
		fds[i] = tlpsim_memfd_create("t", 4096);
	before = count_fds();
	TEST_ASSERT_EQUAL(tlpsim_msg_send(sv[0], msg, sizeof(msg), fds, 9), 0, "send 9");
	n = tlpsim_msg_recv(sv[1], in, sizeof(in), got, 9, &nb, 0);
	TEST_ASSERT_EQUAL(n, sizeof(msg), "received");
	TEST_ASSERT_EQUAL(nb, 9, "9 descriptors");
	for (i = 0; i < 9; i++)
		close(got[i]);
	TEST_ASSERT_EQUAL(count_fds(), before, "nothing left open");
	/* More descriptors than the receiver takes: all closed, message refused. */
	TEST_ASSERT_EQUAL(tlpsim_msg_send(sv[0], msg, sizeof(msg), fds, 9), 0, "send 9 again");
	n = tlpsim_msg_recv(sv[1], in, sizeof(in), got, 3, &nb, 0);
	TEST_ASSERT_EQUAL(n, -EMSGSIZE, "too many descriptors");
	TEST_ASSERT_EQUAL(nb, 0, "none returned");
	TEST_ASSERT_EQUAL(count_fds(), before, "extra descriptors closed");
	/* A message longer than the buffer. */
	TEST_ASSERT_EQUAL(tlpsim_msg_send(sv[0], in, sizeof(in), fds, 2), 0, "send long");
	n = tlpsim_msg_recv(sv[1], in, 8, got, 9, &nb, 0);
	TEST_ASSERT_EQUAL(n, -EMSGSIZE, "truncated message");
	TEST_ASSERT_EQUAL(count_fds(), before, "its descriptors closed");
	TEST_ASSERT_EQUAL(tlpsim_msg_send(sv[0], msg, 1, fds, 12), -EINVAL, "12 is too many");
	n = tlpsim_msg_recv(sv[1], in, sizeof(in), got, 9, &nb, MSG_DONTWAIT);
	TEST_ASSERT_EQUAL(n, -EAGAIN, "nothing pending");
	close(sv[0]);
	n = tlpsim_msg_recv(sv[1], in, sizeof(in), got, 9, &nb, 0);
	TEST_ASSERT_EQUAL(n, 0, "hang-up");
	close(sv[1]);
	for (i = 0; i < 12; i++)
		close(fds[i]);
	return TEST_SUCCESS;
}

static int
test_req_chunk(void)
{
	static const uint32_t maxes[] = { 128, 256, 512, 1024, 4096 };
	uint64_t addr, end, a;
	uint32_t len, c, mx, span;
	unsigned int i, k;

	srand(1);
	for (i = 0; i < 20000; i++) {
		mx = maxes[i % DIM(maxes)];
		addr = ((uint64_t)rand() << 20) ^ (uint64_t)rand();
		len = 1 + (uint32_t)rand() % (i % 7 == 0 ? 70000 : 9000);
		end = addr + len;
		for (a = addr, k = 0; a < end; a += c, k++) {
			c = tlpsim_req_chunk(a, end - a, mx);
			TEST_ASSERT(c >= 1, "progress");
			span = (uint32_t)(((a + c + 3) & ~3ull) - (a & ~3ull));
			TEST_ASSERT(span <= mx, "DW span %u within %u", span, mx);
			TEST_ASSERT((a >> 12) == ((a + c - 1) >> 12), "no 4 KiB crossing");
			if (a + c < end)
				TEST_ASSERT((a + c) % mx == 0 || (a + c) % 4096 == 0,
					    "inner pieces end on a boundary");
		}
		TEST_ASSERT_EQUAL(a, end, "pieces cover the transfer");
	}
	return TEST_SUCCESS;
}

static int
test_mem_req_fill(void)
{
	struct tlp_hdr h, d;
	uint8_t buf[TLP_MAX_BYTES];
	const void *data;
	uint64_t addr;
	uint32_t len;
	int n;

	for (addr = 0x1000; addr < 0x1004; addr++) {
		for (len = 1; len <= 64; len++) {
			memset(&h, 0, sizeof(h));
			h.kind = TLP_KIND_MRD;
			tlpsim_mem_req_fill(&h, addr, len);
			TEST_ASSERT_EQUAL(tlp_req_byte_addr(&h), addr, "addr %lx len %u",
					  (unsigned long)addr, len);
			TEST_ASSERT_EQUAL(tlp_req_byte_count(&h), len, "count, addr %lx",
					  (unsigned long)addr);
			n = tlp_encode(&h, NULL, buf, sizeof(buf));
			TEST_ASSERT(n > 0, "encodes (addr %lx len %u): %d", (unsigned long)addr,
				    len, n);
			TEST_ASSERT_EQUAL(tlp_decode(buf, (size_t)n, &d, &data), 0, "decodes");
			h.kind = TLP_KIND_MWR;
			n = tlp_encode(&h, buf + 64, buf, sizeof(buf));
			TEST_ASSERT(n > 0, "write encodes (addr %lx len %u)", (unsigned long)addr,
				    len);
		}
	}
	return TEST_SUCCESS;
}

/* Completions a completer sends for @req, as the host library splits them. */
static unsigned int
split_cpls(const struct tlp_hdr *req, uint32_t mps, uint32_t rcb, struct tlp_hdr *c,
	   uint64_t *start, unsigned int max)
{
	uint64_t a = tlp_req_byte_addr(req);
	uint32_t bc = tlp_req_byte_count(req), chunk;
	unsigned int n = 0;

	while (bc > 0 && n < max) {
		tlp_cpl_for_req(req, 0x100, TLP_CPL_SC, &c[n]);
		chunk = tlpsim_cpl_chunk(a, bc, mps, rcb);
		c[n].len_dw = (uint16_t)(((a & 3) + chunk + 3) / 4);
		c[n].byte_count = (uint16_t)bc;
		c[n].lower_addr = (uint8_t)(a & 0x7f);
		start[n] = a;
		a += chunk;
		bc -= chunk;
		n++;
	}
	return n;
}

static int
test_read_reassembly(void)
{
	static uint8_t mem[8192 + 64], out[4096 + 8];
	struct tlp_hdr req, c[80], d;
	uint64_t start[80];
	struct tlpsim_rd rd;
	uint8_t enc[TLP_MAX_BYTES];
	const void *data;
	uint64_t base = 0x200000000ull, a;
	uint32_t len, mps, rcb;
	unsigned int i, k, n;
	int ret = 0, e;

	for (i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 13 + 5);
	srand(3);
	for (i = 0; i < 20000; i++) {
		mps = 128u << (i % 4);
		rcb = i & 1 ? 64 : 128;
		a = base + (uint64_t)(rand() % 4096);
		len = 1 + (uint32_t)rand() % 4096;
		len = tlpsim_req_chunk(a, len, 4096);
		memset(&req, 0, sizeof(req));
		req.kind = TLP_KIND_MRD;
		tlpsim_mem_req_fill(&req, a, len);
		n = split_cpls(&req, mps, rcb, c, start, DIM(c));
		memset(out, 0, sizeof(out));
		tlpsim_rd_init(&rd, &req, out, (uint16_t)rcb);
		for (k = 0; k < n; k++) {
			/* Through the codec, as on the link. */
			/* Payload: the DWs from the piece's first byte on. */
			e = tlp_encode(&c[k], &mem[(start[k] & ~3ull) - base], enc, sizeof(enc));
			TEST_ASSERT(e > 0, "encode completion %u", k);
			TEST_ASSERT_EQUAL(tlp_decode(enc, (size_t)e, &d, &data), 0, "decode");
			ret = tlpsim_rd_accept(&rd, &d, data);
			TEST_ASSERT(ret >= 0, "completion %u of %u accepted (%d)", k, n, ret);
			if (ret == TLPSIM_RD_DONE)
				break;
		}
		TEST_ASSERT_EQUAL(ret, TLPSIM_RD_DONE, "read done after %u completions", n);
		TEST_ASSERT_EQUAL(k + 1, n, "done at the last completion");
		TEST_ASSERT_MEM_EQ(out, &mem[tlp_req_byte_addr(&req) - base], len,
				   "data of %u bytes at 0x%lx", len,
				   (unsigned long)tlp_req_byte_addr(&req));
	}
	return TEST_SUCCESS;
}

static int
test_read_errors(void)
{
	struct tlp_hdr req, c, c2;
	struct tlpsim_rd rd;
	uint8_t out[512], data[512] = { 0 };

	memset(&req, 0, sizeof(req));
	req.kind = TLP_KIND_MRD;
	tlpsim_mem_req_fill(&req, 0x100000002ull, 200);
	tlp_cpl_for_req(&req, 0, TLP_CPL_SC, &c);
	c.len_dw = (uint16_t)((2 + 62 + 3) / 4);	/* to the first 64-byte boundary */
	c.byte_count = 200;
	c.lower_addr = 2;

#define EXPECT(setup, want, what) do { \
		tlpsim_rd_init(&rd, &req, out, 64); \
		c2 = c; \
		setup; \
		TEST_ASSERT_EQUAL(tlpsim_rd_accept(&rd, &c2, data), want, what); \
	} while (0)

	EXPECT((void)0, TLPSIM_RD_MORE, "good first piece");
	EXPECT(c2.cpl_status = TLP_CPL_UR, -EIO, "UR");
	EXPECT(c2.cpl_status = TLP_CPL_CA, -EIO, "CA");
	EXPECT(c2.cpl_status = TLP_CPL_CRS, -EAGAIN, "CRS");
	EXPECT(c2.ep = 1, -EIO, "poisoned");
	EXPECT(c2.byte_count = 199, -EPROTO, "wrong byte count");
	EXPECT(c2.lower_addr = 6, -EPROTO, "wrong lower address");
	EXPECT(c2.len_dw = 10, -EPROTO, "partial piece not on an RCB boundary");
	EXPECT(c2.len_dw = 52, -EPROTO, "a DW too many");
	EXPECT(c2.kind = TLP_KIND_CPL, -EPROTO, "successful completion without data");
	EXPECT(c2.len_dw = 51, TLPSIM_RD_DONE, "all in one");
	/* Config reads: Byte Count 4, Lower Address 0, one DW. */
	memset(&req, 0, sizeof(req));
	req.kind = TLP_KIND_CFGRD0;
	req.len_dw = 1;
	req.first_be = 0x3;
	tlp_cpl_for_req(&req, 0, TLP_CPL_SC, &c);
	EXPECT((void)0, TLPSIM_RD_DONE, "config read");
	EXPECT(c2.byte_count = 2, -EPROTO, "config byte count");
	EXPECT(c2.len_dw = 2, -EPROTO, "config length");
#undef EXPECT
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_hello_check),
	TEST_CASE(test_memfd_check),
	TEST_CASE(test_fd_passing),
	TEST_CASE(test_req_chunk),
	TEST_CASE(test_mem_req_fill),
	TEST_CASE(test_read_reassembly),
	TEST_CASE(test_read_errors),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("tlpsim_proto", cases, argc, argv);
}
