/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * TLP codec tests: hand-written wire vectors for every kind (written from the
 * header layouts of the PCIe Base Specification), malformed headers with
 * their error codes, encoder checks, random round trips, and the completion
 * helpers (byte count, lower address, tlp_cpl_for_req).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlp.h"
#include "tlpemu_test.h"

static uint8_t big_buf[TLP_MAX_BYTES + 16];
static uint8_t enc_buf[TLP_MAX_BYTES + 16];

/* Compare two headers field by field; print the first difference. */
static int
hdr_diff(const struct tlp_hdr *a, const struct tlp_hdr *b)
{
#define HDR_FIELD(f) do { \
	if ((uint64_t)a->f != (uint64_t)b->f) { \
		fprintf(stderr, "field %s: 0x%" PRIx64 " != 0x%" PRIx64 "\n", #f, \
			(uint64_t)a->f, (uint64_t)b->f); \
		return 1; \
	} \
} while (0)
	HDR_FIELD(kind);
	HDR_FIELD(tc);
	HDR_FIELD(attr);
	HDR_FIELD(th);
	HDR_FIELD(td);
	HDR_FIELD(ep);
	HDR_FIELD(at);
	HDR_FIELD(ph);
	HDR_FIELD(st);
	HDR_FIELD(len_dw);
	HDR_FIELD(req_id);
	HDR_FIELD(tag);
	HDR_FIELD(first_be);
	HDR_FIELD(last_be);
	HDR_FIELD(addr);
	HDR_FIELD(cfg_id);
	HDR_FIELD(cfg_reg);
	HDR_FIELD(cpl_id);
	HDR_FIELD(cpl_status);
	HDR_FIELD(bcm);
	HDR_FIELD(byte_count);
	HDR_FIELD(lower_addr);
	HDR_FIELD(msg_code);
	HDR_FIELD(msg_route);
	HDR_FIELD(msg_data);
#undef HDR_FIELD
	return 0;
}

/*
 * A valid vector: decode gives @p exp, the payload pointer is right,
 * encoding gives back the bytes (vectors carry a zero digest), and every
 * shorter buffer than the header is reported truncated.
 */
static int
check_good(const char *name, const uint8_t *bytes, size_t len, const struct tlp_hdr *exp)
{
	struct tlp_hdr h;
	const void *data = (const void *)&h;
	size_t hlen = (bytes[0] & 0x20) ? 16 : 12;
	size_t n;
	int rc;

	rc = tlp_decode(bytes, len, &h, &data);
	TEST_ASSERT_EQUAL(rc, 0, "%s: decode: %s", name, tlp_strerror(rc));
	TEST_ASSERT(hdr_diff(&h, exp) == 0, "%s: decoded header differs", name);
	if (tlp_kind_has_data(h.kind))
		TEST_ASSERT(data == bytes + hlen, "%s: payload pointer", name);
	else
		TEST_ASSERT(data == NULL, "%s: payload pointer not NULL", name);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), hlen, "%s: header size", name);

	memset(enc_buf, 0xa5, sizeof(enc_buf));
	rc = tlp_encode(&h, data, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, (long long)len, "%s: encode length (%s)", name,
			  rc < 0 ? tlp_strerror(rc) : "");
	TEST_ASSERT_MEM_EQ(enc_buf, bytes, len, "%s: encoded bytes", name);
	TEST_ASSERT_EQUAL(enc_buf[len], 0xa5, "%s: encoder wrote past its TLP", name);

	/* Encoding from the expected header (not the decoded one) too. */
	rc = tlp_encode(exp, data, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, (long long)len, "%s: encode expected", name);
	TEST_ASSERT_MEM_EQ(enc_buf, bytes, len, "%s: encoded bytes of expected", name);

	for (n = 0; n < hlen; n++) {
		rc = tlp_decode(bytes, n, &h, NULL);
		TEST_ASSERT_EQUAL(rc, -TLP_ERR_TRUNCATED, "%s: truncated at %zu", name, n);
	}
	return TEST_SUCCESS;
}

#define GOOD(name, exp, ...) do { \
	static const uint8_t v_[] = { __VA_ARGS__ }; \
	const struct tlp_hdr e_ = exp; \
	if (check_good(name, v_, sizeof(v_), &e_) != TEST_SUCCESS) \
		return TEST_FAILED; \
} while (0)

/* A malformed vector: decode fails with exactly @p err. */
static int
check_bad(const char *name, const uint8_t *bytes, size_t len, int err)
{
	struct tlp_hdr h;
	const void *data = (const void *)bytes;
	int rc;

	rc = tlp_decode(bytes, len, &h, &data);
	TEST_ASSERT_EQUAL(rc, -err, "%s: got %s, want %s", name, tlp_err_name(rc),
			  tlp_err_name(err));
	TEST_ASSERT(data == NULL, "%s: payload pointer set on error", name);
	return TEST_SUCCESS;
}

#define BAD(name, err, ...) do { \
	static const uint8_t v_[] = { __VA_ARGS__ }; \
	if (check_bad(name, v_, sizeof(v_), err) != TEST_SUCCESS) \
		return TEST_FAILED; \
} while (0)

#define HDR(...) ((struct tlp_hdr){ __VA_ARGS__ })

static int
test_vec_mem_read(void)
{
	/* MRd, 3 DW header: 1 DW at 0xfedcba98, RID 01:00.0, tag 0x2a, BE 0/f. */
	GOOD("mrd3", HDR(.kind = TLP_KIND_MRD, .len_dw = 1, .req_id = 0x0100, .tag = 0x2a,
			 .first_be = 0xf, .addr = 0xfedcba98),
	     0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	/* MRd, 4 DW header: TC 3, RO+NS, 16 DW at 0x1_2345_6780. */
	GOOD("mrd4", HDR(.kind = TLP_KIND_MRD, .tc = 3, .attr = TLP_ATTR_RO | TLP_ATTR_NS,
			 .len_dw = 16, .req_id = 0x1234, .tag = 0x05, .first_be = 0xf,
			 .last_be = 0xf, .addr = 0x123456780ull),
	     0x20, 0x30, 0x30, 0x10, 0x12, 0x34, 0x05, 0xff,
	     0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x80);
	/*
	 * MRd with every DW0 bit: 10-bit tag 0x3a5 (T9 T8 set), TC 7, IDO, TH
	 * with PH 2 and ST 0x5c (byte 7, byte enables implied 1111b/1111b),
	 * TD (zero digest follows), EP, AT 10b, 2 DW at 0x10000008.
	 */
	GOOD("mrd_allbits", HDR(.kind = TLP_KIND_MRD, .tc = 7, .attr = TLP_ATTR_IDO, .th = 1,
				.td = 1, .ep = 1, .at = 2, .ph = 2, .st = 0x5c, .len_dw = 2,
				.req_id = 0xabcd, .tag = 0x3a5, .first_be = 0xf,
				.last_be = 0xf, .addr = 0x10000008),
	     0x00, 0xfd, 0xc8, 0x02, 0xab, 0xcd, 0xa5, 0x5c,
	     0x10, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00);
	/* TH on a 1 DW read: implied byte enables 1111b/0000b. */
	GOOD("mrd_th_1dw", HDR(.kind = TLP_KIND_MRD, .th = 1, .ph = 0, .st = 0xff, .len_dw = 1,
			       .req_id = 0x0001, .tag = 0x01, .first_be = 0xf,
			       .addr = 0x2000),
	     0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0xff, 0x00, 0x00, 0x20, 0x00);
	/* Length 0 encodes 1024 DW: a whole 4 KiB page. */
	GOOD("mrd_1024", HDR(.kind = TLP_KIND_MRD, .len_dw = 1024, .req_id = 0x0008, .tag = 1,
			     .first_be = 0xf, .last_be = 0xf, .addr = 0x40000000),
	     0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0xff, 0x40, 0x00, 0x00, 0x00);
	/* Length 0x3ff: Length[9:8] in byte 2. */
	GOOD("mrd_1023", HDR(.kind = TLP_KIND_MRD, .len_dw = 1023, .req_id = 0x0008, .tag = 2,
			     .first_be = 0xf, .last_be = 0xf, .addr = 0x40000004),
	     0x00, 0x00, 0x03, 0xff, 0x00, 0x08, 0x02, 0xff, 0x40, 0x00, 0x00, 0x04);
	/* Zero-length read (flush): 1 DW, no byte enabled. */
	GOOD("mrd_zero_len", HDR(.kind = TLP_KIND_MRD, .len_dw = 1, .req_id = 0x0100,
				 .tag = 3, .addr = 0x1000),
	     0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00);
	/* MRdLk, 3 DW and 4 DW. */
	GOOD("mrdlk3", HDR(.kind = TLP_KIND_MRDLK, .len_dw = 1, .req_id = 0x0010, .tag = 7,
			   .first_be = 0x3, .addr = 0x1004),
	     0x01, 0x00, 0x00, 0x01, 0x00, 0x10, 0x07, 0x03, 0x00, 0x00, 0x10, 0x04);
	GOOD("mrdlk4", HDR(.kind = TLP_KIND_MRDLK, .len_dw = 2, .req_id = 0x0010, .tag = 8,
			   .first_be = 0xf, .last_be = 0xf, .addr = 0x8000000000001ff8ull),
	     0x21, 0x00, 0x00, 0x02, 0x00, 0x10, 0x08, 0xff,
	     0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0xf8);
	return TEST_SUCCESS;
}

static int
test_vec_mem_write(void)
{
	/* MWr 3 DW, 1 DW payload, bytes 2-3 enabled; posted tag passed through. */
	GOOD("mwr3", HDR(.kind = TLP_KIND_MWR, .len_dw = 1, .req_id = 0x0200, .tag = 0x11,
			 .first_be = 0xc, .addr = 0x2000),
	     0x40, 0x00, 0x00, 0x01, 0x02, 0x00, 0x11, 0x0c, 0x00, 0x00, 0x20, 0x00,
	     0xde, 0xad, 0xbe, 0xef);
	/* MWr 4 DW, QW aligned 2 DW with non-contiguous byte enables 0101b/1010b. */
	GOOD("mwr4", HDR(.kind = TLP_KIND_MWR, .len_dw = 2, .req_id = 0x0001, .first_be = 0x5,
			 .last_be = 0xa, .addr = 0xfffffff000ull),
	     0x60, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0xa5,
	     0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xf0, 0x00,
	     0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
	/* MWr with TH: ST 0x77 in the tag byte, PH 01b, TD with zero digest. */
	GOOD("mwr_th", HDR(.kind = TLP_KIND_MWR, .th = 1, .td = 1, .ph = 1, .st = 0x77,
			   .len_dw = 1, .req_id = 0x0300, .first_be = 0xf, .addr = 0x3000),
	     0x40, 0x01, 0x80, 0x01, 0x03, 0x00, 0x77, 0x0f, 0x00, 0x00, 0x30, 0x01,
	     0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00);
	/* MWr, 3 DW contiguous: first 1000b, last 0001b, ends at the page end. */
	GOOD("mwr3_contig", HDR(.kind = TLP_KIND_MWR, .ep = 1, .len_dw = 3, .req_id = 0x0200,
				.first_be = 0x8, .last_be = 0x1, .addr = 0x2ff4),
	     0x40, 0x00, 0x40, 0x03, 0x02, 0x00, 0x00, 0x18, 0x00, 0x00, 0x2f, 0xf4,
	     1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
	return TEST_SUCCESS;
}

static int
test_vec_io_cfg(void)
{
	GOOD("iord", HDR(.kind = TLP_KIND_IORD, .len_dw = 1, .tag = 9, .first_be = 0xf,
			 .addr = 0xcf8),
	     0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x09, 0x0f, 0x00, 0x00, 0x0c, 0xf8);
	GOOD("iowr", HDR(.kind = TLP_KIND_IOWR, .len_dw = 1, .req_id = 0x0018, .tag = 0x0a,
			 .first_be = 0x1, .addr = 0xcfc),
	     0x42, 0x00, 0x00, 0x01, 0x00, 0x18, 0x0a, 0x01, 0x00, 0x00, 0x0c, 0xfc,
	     0x80, 0x00, 0x00, 0x00);
	/* IDO is reserved for I/O and config but never makes a TLP malformed. */
	GOOD("iord_ido", HDR(.kind = TLP_KIND_IORD, .attr = TLP_ATTR_IDO, .len_dw = 1,
			     .tag = 9, .first_be = 0x6, .addr = 0x80),
	     0x02, 0x04, 0x00, 0x01, 0x00, 0x00, 0x09, 0x06, 0x00, 0x00, 0x00, 0x80);
	/* CfgRd0 of 01:02.3 register 0x10. */
	GOOD("cfgrd0", HDR(.kind = TLP_KIND_CFGRD0, .len_dw = 1, .tag = 1, .first_be = 0xf,
			   .cfg_id = 0x0113, .cfg_reg = 0x10),
	     0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10);
	/* CfgWr0 to extended register 0x104 (extended number 1, number 1). */
	GOOD("cfgwr0_ext", HDR(.kind = TLP_KIND_CFGWR0, .len_dw = 1, .tag = 2, .first_be = 0x3,
			       .cfg_id = 0x0113, .cfg_reg = 0x104),
	     0x44, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x03, 0x01, 0x13, 0x01, 0x04,
	     0x78, 0x56, 0x00, 0x00);
	/* CfgRd1 of 05:1f.7 register 0xffc, 10-bit tag 0x200, TD. */
	GOOD("cfgrd1", HDR(.kind = TLP_KIND_CFGRD1, .td = 1, .len_dw = 1, .req_id = 0x0100,
			   .tag = 0x203, .first_be = 0xf, .cfg_id = 0x05ff, .cfg_reg = 0xffc),
	     0x05, 0x80, 0x80, 0x01, 0x01, 0x00, 0x03, 0x0f, 0x05, 0xff, 0x0f, 0xfc,
	     0x00, 0x00, 0x00, 0x00);
	GOOD("cfgwr1", HDR(.kind = TLP_KIND_CFGWR1, .ep = 1, .len_dw = 1, .tag = 4,
			   .first_be = 0xf, .cfg_id = 0x0208, .cfg_reg = 0),
	     0x45, 0x00, 0x40, 0x01, 0x00, 0x00, 0x04, 0x0f, 0x02, 0x08, 0x00, 0x00,
	     0x01, 0x02, 0x03, 0x04);
	return TEST_SUCCESS;
}

static int
test_vec_cpl(void)
{
	static uint8_t big[12 + TLP_MAX_DATA];
	unsigned int i;

	/* Cpl UR from 01:00.0 to 00:00.0 tag 0x10, byte count 4. */
	GOOD("cpl_ur", HDR(.kind = TLP_KIND_CPL, .cpl_id = 0x0100, .cpl_status = TLP_CPL_UR,
			   .byte_count = 4, .tag = 0x10),
	     0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x00);
	/* Cpl CRS with BCM. */
	GOOD("cpl_crs_bcm", HDR(.kind = TLP_KIND_CPL, .cpl_id = 0x0100,
				.cpl_status = TLP_CPL_CRS, .bcm = 1, .byte_count = 4,
				.req_id = 0x0001, .tag = 0x11),
	     0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x50, 0x04, 0x00, 0x01, 0x11, 0x00);
	/* Cpl CA, byte count 0xabc. */
	GOOD("cpl_ca", HDR(.kind = TLP_KIND_CPL, .cpl_id = 0xffff, .cpl_status = TLP_CPL_CA,
			   .byte_count = 0xabc, .req_id = 0x0001, .tag = 0x12, .lower_addr = 0x7f),
	     0x0a, 0x00, 0x00, 0x00, 0xff, 0xff, 0x8a, 0xbc, 0x00, 0x01, 0x12, 0x7f);
	/* CplD, 10-bit tag 0x3ff, lower address 0x14, TC 2, RO. */
	GOOD("cpld", HDR(.kind = TLP_KIND_CPLD, .tc = 2, .attr = TLP_ATTR_RO, .len_dw = 1,
			 .cpl_id = 0x0300, .byte_count = 4, .tag = 0x3ff, .lower_addr = 0x14),
	     0x4a, 0xa8, 0x20, 0x01, 0x03, 0x00, 0x00, 0x04, 0x00, 0x00, 0xff, 0x14,
	     0x01, 0x02, 0x03, 0x04);
	GOOD("cpllk", HDR(.kind = TLP_KIND_CPLLK, .cpl_id = 0x0100, .cpl_status = TLP_CPL_UR,
			  .byte_count = 8, .req_id = 0x0020, .tag = 7, .lower_addr = 0x40),
	     0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x08, 0x00, 0x20, 0x07, 0x40);
	GOOD("cpldlk", HDR(.kind = TLP_KIND_CPLDLK, .len_dw = 2, .cpl_id = 0x0100,
			   .byte_count = 8, .req_id = 0x0020, .tag = 7, .lower_addr = 0x40),
	     0x4b, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x08, 0x00, 0x20, 0x07, 0x40,
	     1, 2, 3, 4, 5, 6, 7, 8);

	/* CplD of 1024 DW (Length 0) with byte count 4096 (encoded 0). */
	memset(big, 0, sizeof(big));
	big[0] = 0x4a;
	big[4] = 0x03;
	big[10] = 0x05;
	for (i = 12; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	if (check_good("cpld_4096", big, sizeof(big),
		       &HDR(.kind = TLP_KIND_CPLD, .len_dw = 1024, .cpl_id = 0x0300,
			    .byte_count = 4096, .tag = 5)) != TEST_SUCCESS)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

static int
test_vec_msg(void)
{
	/* One message per routing subfield, each with a realistic code. */
	GOOD("msg_rc_err_cor", HDR(.kind = TLP_KIND_MSG, .req_id = 0x0100, .msg_code = 0x30,
				   .msg_route = TLP_MSG_ROUTE_RC),
	     0x30, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x30, 0, 0, 0, 0, 0, 0, 0, 0);
	GOOD("msg_addr", HDR(.kind = TLP_KIND_MSG, .req_id = 0x0100, .tag = 0x42,
			     .msg_code = 0x7e, .msg_route = TLP_MSG_ROUTE_ADDR,
			     .msg_data = 0x0000000100000000ull),
	     0x31, 0x00, 0x00, 0x00, 0x01, 0x00, 0x42, 0x7e, 0, 0, 0, 1, 0, 0, 0, 0);
	/* Vendor_Defined Type 1 routed by ID to 02:00.0, vendor 0x1af4. */
	GOOD("msg_id_vdm", HDR(.kind = TLP_KIND_MSG, .req_id = 0x0100, .tag = 0x2ff,
			       .msg_code = 0x7f, .msg_route = TLP_MSG_ROUTE_ID,
			       .msg_data = 0x02001af400000001ull),
	     0x32, 0x80, 0x00, 0x00, 0x01, 0x00, 0xff, 0x7f,
	     0x02, 0x00, 0x1a, 0xf4, 0x00, 0x00, 0x00, 0x01);
	/* PME_Turn_Off, broadcast from the RC. */
	GOOD("msg_bcast", HDR(.kind = TLP_KIND_MSG, .msg_code = 0x19,
			      .msg_route = TLP_MSG_ROUTE_BCAST),
	     0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, 0, 0, 0, 0, 0, 0, 0, 0);
	/* Assert_INTA, local. */
	GOOD("msg_local", HDR(.kind = TLP_KIND_MSG, .req_id = 0x0100, .msg_code = 0x20,
			      .msg_route = TLP_MSG_ROUTE_LOCAL),
	     0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
	/* PME_TO_Ack, gathered to the RC. */
	GOOD("msg_gather", HDR(.kind = TLP_KIND_MSG, .req_id = 0x0100, .msg_code = 0x1b,
			       .msg_route = TLP_MSG_ROUTE_GATHER),
	     0x35, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x1b, 0, 0, 0, 0, 0, 0, 0, 0);
	/* MsgD: Set_Slot_Power_Limit (local) with 1 DW, and a VDM by ID with 2 DW. */
	GOOD("msgd_local", HDR(.kind = TLP_KIND_MSGD, .len_dw = 1, .msg_code = 0x50,
			       .msg_route = TLP_MSG_ROUTE_LOCAL),
	     0x74, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x50, 0, 0, 0, 0, 0, 0, 0, 0,
	     0x00, 0x00, 0x00, 0x19);
	GOOD("msgd_id", HDR(.kind = TLP_KIND_MSGD, .tc = 1, .at = 1, .len_dw = 2, .req_id = 0x0300,
			    .tag = 1, .msg_code = 0x7e, .msg_route = TLP_MSG_ROUTE_ID,
			    .msg_data = 0x0100abcd00000000ull),
	     0x72, 0x10, 0x04, 0x02, 0x03, 0x00, 0x01, 0x7e,
	     0x01, 0x00, 0xab, 0xcd, 0x00, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8);
	GOOD("msgd_rc", HDR(.kind = TLP_KIND_MSGD, .len_dw = 1, .msg_code = 0x7f,
			    .msg_route = TLP_MSG_ROUTE_RC),
	     0x70, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9);
	GOOD("msgd_addr", HDR(.kind = TLP_KIND_MSGD, .len_dw = 1, .msg_code = 0x7f,
			      .msg_route = TLP_MSG_ROUTE_ADDR, .msg_data = 0x1000),
	     0x71, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0x10, 0,
	     9, 9, 9, 9);
	GOOD("msgd_bcast", HDR(.kind = TLP_KIND_MSGD, .len_dw = 1, .msg_code = 0x7f,
			       .msg_route = TLP_MSG_ROUTE_BCAST),
	     0x73, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9);
	GOOD("msgd_gather", HDR(.kind = TLP_KIND_MSGD, .len_dw = 1, .msg_code = 0x7f,
				.msg_route = TLP_MSG_ROUTE_GATHER),
	     0x75, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9);
	return TEST_SUCCESS;
}

static int
test_vec_atomic(void)
{
	GOOD("fetchadd32", HDR(.kind = TLP_KIND_FETCHADD, .len_dw = 1, .req_id = 0x0100,
			       .tag = 0x20, .addr = 0x4004),
	     0x4c, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x04,
	     0x00, 0x00, 0x00, 0x01);
	GOOD("fetchadd64_4dw", HDR(.kind = TLP_KIND_FETCHADD, .len_dw = 2, .req_id = 0x0100,
				   .tag = 0x21, .addr = 0x200000008ull),
	     0x6c, 0x00, 0x00, 0x02, 0x01, 0x00, 0x21, 0x00,
	     0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 1);
	GOOD("swap32", HDR(.kind = TLP_KIND_SWAP, .len_dw = 1, .req_id = 0x0100, .tag = 0x22,
			   .addr = 0x100),
	     0x4d, 0x00, 0x00, 0x01, 0x01, 0x00, 0x22, 0x00, 0x00, 0x00, 0x01, 0x00,
	     0xca, 0xfe, 0xba, 0xbe);
	GOOD("swap64_4dw", HDR(.kind = TLP_KIND_SWAP, .len_dw = 2, .req_id = 0x0100, .tag = 0x23,
			       .addr = 0xffffffff00000ff8ull),
	     0x6d, 0x00, 0x00, 0x02, 0x01, 0x00, 0x23, 0x00,
	     0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x0f, 0xf8, 1, 2, 3, 4, 5, 6, 7, 8);
	GOOD("cas32", HDR(.kind = TLP_KIND_CAS, .len_dw = 2, .req_id = 0x0100, .tag = 0x24,
			  .addr = 0x5004),
	     0x4e, 0x00, 0x00, 0x02, 0x01, 0x00, 0x24, 0x00, 0x00, 0x00, 0x50, 0x04,
	     0, 0, 0, 1, 0, 0, 0, 2);
	/* CAS with 128-bit operands: 8 DW, address aligned to 16 bytes. */
	GOOD("cas128", HDR(.kind = TLP_KIND_CAS, .len_dw = 8, .req_id = 0x0100, .tag = 0x25,
			   .addr = 0x5010),
	     0x4e, 0x00, 0x00, 0x08, 0x01, 0x00, 0x25, 0x00, 0x00, 0x00, 0x50, 0x10,
	     1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32);
	/* CAS 64-bit, 4 DW header, TC 1, NS. */
	GOOD("cas64_4dw", HDR(.kind = TLP_KIND_CAS, .tc = 1, .attr = TLP_ATTR_NS, .len_dw = 4,
			      .req_id = 0x0100, .tag = 0x26, .addr = 0x100000008ull),
	     0x6e, 0x10, 0x10, 0x04, 0x01, 0x00, 0x26, 0x00,
	     0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	     1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
	/* FetchAdd with TH: ST in the byte-enable byte, PH 11b. */
	GOOD("fetchadd_th", HDR(.kind = TLP_KIND_FETCHADD, .th = 1, .ph = 3, .st = 0x99,
				.len_dw = 1, .req_id = 0x0100, .tag = 0x27, .addr = 0x4004),
	     0x4c, 0x01, 0x00, 0x01, 0x01, 0x00, 0x27, 0x99, 0x00, 0x00, 0x40, 0x07,
	     0x00, 0x00, 0x00, 0x01);
	return TEST_SUCCESS;
}

static int
test_bad_format(void)
{
	BAD("empty", TLP_ERR_TRUNCATED);
	BAD("one byte", TLP_ERR_TRUNCATED, 0x00);
	BAD("4dw header in 12 bytes", TLP_ERR_TRUNCATED,
	    0x20, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0x00, 0x00, 0x00, 0x01);
	BAD("local prefix", TLP_ERR_PREFIX,
	    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f,
	    0xfe, 0xdc, 0xba, 0x98);
	BAD("end-end prefix", TLP_ERR_PREFIX, 0x90, 0x00, 0x00, 0x00);
	BAD("fmt 101", TLP_ERR_FMT_TYPE,
	    0xa0, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	BAD("fmt 111", TLP_ERR_FMT_TYPE,
	    0xe0, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	BAD("TCfgRd", TLP_ERR_FMT_TYPE,
	    0x1b, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	BAD("DMWr", TLP_ERR_FMT_TYPE,
	    0x5b, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98, 0, 0, 0, 0);
	BAD("4dw IORd", TLP_ERR_FMT_TYPE,
	    0x22, 0x00, 0x00, 0x01, 0x00, 0x00, 0x09, 0x0f, 0, 0, 0, 1, 0, 0, 0x0c, 0xf8);
	BAD("4dw CfgRd0", TLP_ERR_FMT_TYPE,
	    0x24, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10, 0, 0, 0, 0);
	BAD("3dw message", TLP_ERR_FMT_TYPE,
	    0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0);
	BAD("FetchAdd without data", TLP_ERR_FMT_TYPE,
	    0x0c, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x04);
	BAD("4dw Cpl", TLP_ERR_FMT_TYPE,
	    0x2a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0);
	BAD("type 00011", TLP_ERR_FMT_TYPE,
	    0x03, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	return TEST_SUCCESS;
}

static int
test_bad_length(void)
{
	BAD("MWr payload missing", TLP_ERR_LEN_MISMATCH,
	    0x40, 0x00, 0x00, 0x01, 0x02, 0x00, 0x11, 0x0c, 0x00, 0x00, 0x20, 0x00);
	BAD("MWr payload short", TLP_ERR_LEN_MISMATCH,
	    0x40, 0x00, 0x00, 0x02, 0x02, 0x00, 0x11, 0xff, 0x00, 0x00, 0x20, 0x00, 1, 2, 3, 4);
	BAD("MWr extra byte", TLP_ERR_LEN_MISMATCH,
	    0x40, 0x00, 0x00, 0x01, 0x02, 0x00, 0x11, 0x0c, 0x00, 0x00, 0x20, 0x00, 1, 2, 3, 4, 5);
	BAD("MRd with bytes after the header", TLP_ERR_LEN_MISMATCH,
	    0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98, 0, 0, 0, 0);
	BAD("MRd TD without digest", TLP_ERR_LEN_MISMATCH,
	    0x00, 0x00, 0x80, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	BAD("CplD TD digest missing", TLP_ERR_LEN_MISMATCH,
	    0x4a, 0x00, 0x80, 0x01, 0x03, 0x00, 0x00, 0x04, 0x00, 0x00, 0xff, 0x14, 1, 2, 3, 4);
	BAD("4dw MRd, 64-bit address below 4 GiB", TLP_ERR_4DW_LOW_ADDR,
	    0x20, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f,
	    0x00, 0x00, 0x00, 0x00, 0xfe, 0xdc, 0xba, 0x98);
	BAD("4dw MWr below 4 GiB", TLP_ERR_4DW_LOW_ADDR,
	    0x60, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0f,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 1, 2, 3, 4);
	BAD("4dw FetchAdd below 4 GiB", TLP_ERR_4DW_LOW_ADDR,
	    0x6c, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x04, 0, 0, 0, 1);
	return TEST_SUCCESS;
}

static int
test_bad_byte_enables(void)
{
	BAD("1 DW with Last BE", TLP_ERR_BE_LAST_1DW,
	    0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0xff, 0x00, 0x00, 0x10, 0x00);
	BAD("MWr 1 DW with Last BE", TLP_ERR_BE_LAST_1DW,
	    0x40, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x1f, 0x00, 0x00, 0x10, 0x00, 1, 2, 3, 4);
	BAD("2 DW, First BE 0", TLP_ERR_BE_ZERO,
	    0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x2a, 0xf0, 0x00, 0x00, 0x10, 0x00);
	BAD("3 DW, Last BE 0", TLP_ERR_BE_ZERO,
	    0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x2a, 0x0f, 0x00, 0x00, 0x10, 0x00);
	BAD("3 DW, First BE 0101b", TLP_ERR_BE_NONCONTIG,
	    0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x2a, 0xf5, 0x00, 0x00, 0x10, 0x00);
	BAD("3 DW, First BE 0111b (does not reach byte 3)", TLP_ERR_BE_NONCONTIG,
	    0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x2a, 0xf7, 0x00, 0x00, 0x10, 0x00);
	BAD("3 DW, Last BE 1110b (does not start at byte 0)", TLP_ERR_BE_NONCONTIG,
	    0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x2a, 0xef, 0x00, 0x00, 0x10, 0x00);
	BAD("2 DW not QW aligned, First BE 0101b", TLP_ERR_BE_NONCONTIG,
	    0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x2a, 0xf5, 0x00, 0x00, 0x10, 0x04);
	BAD("2 DW not QW aligned, Last BE 0010b", TLP_ERR_BE_NONCONTIG,
	    0x40, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x10, 0x04,
	    1, 2, 3, 4, 5, 6, 7, 8);
	/* The same pattern is fine when QW aligned. */
	GOOD("2 DW QW aligned, 0101b/0010b", HDR(.kind = TLP_KIND_MRD, .len_dw = 2,
						 .req_id = 0x0100, .tag = 0x2a, .first_be = 0x5,
						 .last_be = 0x2, .addr = 0x1008),
	     0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x2a, 0x25, 0x00, 0x00, 0x10, 0x08);
	BAD("MRd crossing 4 KiB", TLP_ERR_4K_CROSS,
	    0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x2a, 0xff, 0x00, 0x00, 0x0f, 0xfc);
	BAD("MRd 1024 DW not page aligned", TLP_ERR_4K_CROSS,
	    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x2a, 0xff, 0x00, 0x00, 0x10, 0x04);
	BAD("4dw MWr crossing 4 KiB", TLP_ERR_4K_CROSS,
	    0x60, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0xff,
	    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x1f, 0xfc, 1, 2, 3, 4, 5, 6, 7, 8);
	return TEST_SUCCESS;
}

static int
test_bad_io_cfg(void)
{
	BAD("CfgRd0 Length 2", TLP_ERR_IO_CFG_FIELDS,
	    0x04, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0xff, 0x01, 0x13, 0x00, 0x10);
	BAD("CfgWr0 Length 2", TLP_ERR_IO_CFG_FIELDS,
	    0x44, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0xff, 0x01, 0x13, 0x00, 0x10,
	    1, 2, 3, 4, 5, 6, 7, 8);
	BAD("CfgRd0 TC 1", TLP_ERR_IO_CFG_FIELDS,
	    0x04, 0x10, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10);
	BAD("CfgRd1 RO", TLP_ERR_IO_CFG_FIELDS,
	    0x05, 0x00, 0x20, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10);
	BAD("CfgWr1 NS", TLP_ERR_IO_CFG_FIELDS,
	    0x45, 0x00, 0x10, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10, 1, 2, 3, 4);
	BAD("CfgRd0 AT", TLP_ERR_IO_CFG_FIELDS,
	    0x04, 0x00, 0x04, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10);
	BAD("CfgRd0 TH", TLP_ERR_IO_CFG_FIELDS,
	    0x04, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x10);
	BAD("CfgRd0 Last BE", TLP_ERR_IO_CFG_FIELDS,
	    0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x1f, 0x01, 0x13, 0x00, 0x10);
	BAD("IORd Last BE", TLP_ERR_IO_CFG_FIELDS,
	    0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x09, 0xff, 0x00, 0x00, 0x0c, 0xf8);
	BAD("IOWr TC 7", TLP_ERR_IO_CFG_FIELDS,
	    0x42, 0x70, 0x00, 0x01, 0x00, 0x00, 0x09, 0x0f, 0x00, 0x00, 0x0c, 0xf8, 1, 2, 3, 4);
	BAD("IORd Length 0 (1024)", TLP_ERR_IO_CFG_FIELDS,
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x0f, 0x00, 0x00, 0x0c, 0xf8);
	return TEST_SUCCESS;
}

static int
test_bad_cpl_msg_atomic(void)
{
	BAD("Cpl status 011b", TLP_ERR_CPL_STATUS,
	    0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x60, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("Cpl status 101b", TLP_ERR_CPL_STATUS,
	    0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0xa0, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("CplLk status 111b", TLP_ERR_CPL_STATUS,
	    0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0xe0, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("CplD status UR", TLP_ERR_CPL_DATA_STATUS,
	    0x4a, 0x00, 0x00, 0x01, 0x03, 0x00, 0x20, 0x04, 0x00, 0x00, 0xff, 0x14, 1, 2, 3, 4);
	BAD("CplDLk status CA", TLP_ERR_CPL_DATA_STATUS,
	    0x4b, 0x00, 0x00, 0x01, 0x03, 0x00, 0x80, 0x04, 0x00, 0x00, 0xff, 0x14, 1, 2, 3, 4);
	BAD("Msg route 110b", TLP_ERR_MSG_ROUTE,
	    0x36, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
	BAD("Msg route 111b", TLP_ERR_MSG_ROUTE,
	    0x37, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
	BAD("MsgD route 110b", TLP_ERR_MSG_ROUTE,
	    0x76, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4);
	BAD("MsgD route 111b", TLP_ERR_MSG_ROUTE,
	    0x77, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4);
	BAD("FetchAdd 3 DW", TLP_ERR_ATOMIC_LEN,
	    0x4c, 0x00, 0x00, 0x03, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x00,
	    0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
	BAD("Swap 4 DW", TLP_ERR_ATOMIC_LEN,
	    0x4d, 0x00, 0x00, 0x04, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x00,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
	BAD("CAS 1 DW", TLP_ERR_ATOMIC_LEN,
	    0x4e, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x00, 0, 0, 0, 1);
	BAD("CAS 6 DW", TLP_ERR_ATOMIC_LEN,
	    0x4e, 0x00, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x00,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24);
	BAD("FetchAdd 64-bit at 4-byte alignment", TLP_ERR_ATOMIC_ALIGN,
	    0x4c, 0x00, 0x00, 0x02, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x04,
	    0, 0, 0, 0, 0, 0, 0, 1);
	BAD("CAS 128-bit at 8-byte alignment", TLP_ERR_ATOMIC_ALIGN,
	    0x4e, 0x00, 0x00, 0x08, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x40, 0x08,
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32);
	return TEST_SUCCESS;
}

static int
test_bad_reserved(void)
{
	BAD("MRd LN bit", TLP_ERR_RESERVED,
	    0x00, 0x02, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x98);
	BAD("MRd address bit 0 without TH", TLP_ERR_RESERVED,
	    0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x2a, 0x0f, 0xfe, 0xdc, 0xba, 0x99);
	BAD("4dw MWr address bit 1 without TH", TLP_ERR_RESERVED,
	    0x60, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0f,
	    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, 0x02, 1, 2, 3, 4);
	BAD("MWr Tag[9]", TLP_ERR_RESERVED,
	    0x40, 0x80, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x10, 0x00, 1, 2, 3, 4);
	BAD("MWr Tag[8]", TLP_ERR_RESERVED,
	    0x40, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x10, 0x00, 1, 2, 3, 4);
	BAD("IORd address bit 1", TLP_ERR_RESERVED,
	    0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x09, 0x0f, 0x00, 0x00, 0x0c, 0xfa);
	BAD("CfgRd0 byte 10 bits 7:4", TLP_ERR_RESERVED,
	    0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x10, 0x10);
	BAD("CfgRd0 byte 11 bits 1:0", TLP_ERR_RESERVED,
	    0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x0f, 0x01, 0x13, 0x00, 0x11);
	BAD("Cpl lower address bit 7", TLP_ERR_RESERVED,
	    0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x80);
	BAD("Cpl TH", TLP_ERR_RESERVED,
	    0x0a, 0x01, 0x00, 0x00, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("CplD AT", TLP_ERR_RESERVED,
	    0x4a, 0x00, 0x08, 0x01, 0x03, 0x00, 0x00, 0x04, 0x00, 0x00, 0xff, 0x14, 1, 2, 3, 4);
	BAD("Cpl Length", TLP_ERR_RESERVED,
	    0x0a, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("CplLk Length[9:8]", TLP_ERR_RESERVED,
	    0x0b, 0x00, 0x01, 0x00, 0x01, 0x00, 0x20, 0x04, 0x00, 0x00, 0x10, 0x00);
	BAD("Msg Length", TLP_ERR_RESERVED,
	    0x34, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
	BAD("Msg TH", TLP_ERR_RESERVED,
	    0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
	BAD("FetchAdd byte enables without TH", TLP_ERR_RESERVED,
	    0x4c, 0x00, 0x00, 0x01, 0x01, 0x00, 0x20, 0x0f, 0x00, 0x00, 0x40, 0x04, 0, 0, 0, 1);
	return TEST_SUCCESS;
}

/* Every error code is produced by at least one vector above; names are distinct. */
static int
test_err_names(void)
{
	int i, j;

	for (i = 0; i < TLP_ERR_MAX; i++) {
		TEST_ASSERT(tlp_err_name(i) != NULL && tlp_err_name(i)[0] != '\0', "name %d", i);
		TEST_ASSERT(strcmp(tlp_strerror(i), "unknown TLP error") != 0, "desc %d", i);
		TEST_ASSERT(strcmp(tlp_err_name(-i), tlp_err_name(i)) == 0, "negated %d", i);
		for (j = 0; j < i; j++)
			TEST_ASSERT(strcmp(tlp_err_name(i), tlp_err_name(j)) != 0,
				    "names %d and %d equal", i, j);
	}
	TEST_ASSERT(strcmp(tlp_err_name(TLP_ERR_MAX), "unknown") == 0, "out of range");
	TEST_ASSERT(strcmp(tlp_err_name(-1000), "unknown") == 0, "out of range");
	TEST_ASSERT(strcmp(tlp_strerror(TLP_ERR_MAX), "unknown TLP error") == 0, "oor desc");
	TEST_ASSERT(strcmp(tlp_err_name(-TLP_ERR_BE_ZERO), "be_zero") == 0, "be_zero");
	TEST_ASSERT(strcmp(tlp_err_name(TLP_ERR_4K_CROSS), "4k_cross") == 0, "4k_cross");
	return TEST_SUCCESS;
}

static int
test_kind_helpers(void)
{
	static const struct {
		enum tlp_kind kind;
		const char *name;
		int data, np, cpl;
	} t[] = {
		{ TLP_KIND_MRD, "MRd", 0, 1, 0 },
		{ TLP_KIND_MRDLK, "MRdLk", 0, 1, 0 },
		{ TLP_KIND_MWR, "MWr", 1, 0, 0 },
		{ TLP_KIND_IORD, "IORd", 0, 1, 0 },
		{ TLP_KIND_IOWR, "IOWr", 1, 1, 0 },
		{ TLP_KIND_CFGRD0, "CfgRd0", 0, 1, 0 },
		{ TLP_KIND_CFGWR0, "CfgWr0", 1, 1, 0 },
		{ TLP_KIND_CFGRD1, "CfgRd1", 0, 1, 0 },
		{ TLP_KIND_CFGWR1, "CfgWr1", 1, 1, 0 },
		{ TLP_KIND_MSG, "Msg", 0, 0, 0 },
		{ TLP_KIND_MSGD, "MsgD", 1, 0, 0 },
		{ TLP_KIND_CPL, "Cpl", 0, 0, 1 },
		{ TLP_KIND_CPLD, "CplD", 1, 0, 1 },
		{ TLP_KIND_CPLLK, "CplLk", 0, 0, 1 },
		{ TLP_KIND_CPLDLK, "CplDLk", 1, 0, 1 },
		{ TLP_KIND_FETCHADD, "FetchAdd", 1, 1, 0 },
		{ TLP_KIND_SWAP, "Swap", 1, 1, 0 },
		{ TLP_KIND_CAS, "CAS", 1, 1, 0 },
	};
	struct tlp_hdr h;
	unsigned int i;

	TEST_ASSERT_EQUAL(sizeof(t) / sizeof(t[0]), TLP_KIND_MAX, "table covers every kind");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		TEST_ASSERT(strcmp(tlp_kind_name(t[i].kind), t[i].name) == 0, "name %u", i);
		TEST_ASSERT_EQUAL(!!tlp_kind_has_data(t[i].kind), t[i].data, "data %s", t[i].name);
		TEST_ASSERT_EQUAL(!!tlp_kind_is_nonposted(t[i].kind), t[i].np, "np %s", t[i].name);
		TEST_ASSERT_EQUAL(!!tlp_kind_is_cpl(t[i].kind), t[i].cpl, "cpl %s", t[i].name);
	}
	TEST_ASSERT(strcmp(tlp_kind_name(TLP_KIND_MAX), "?") == 0, "name out of range");
	TEST_ASSERT_EQUAL(tlp_kind_has_data(TLP_KIND_MAX), 0, "data out of range");
	TEST_ASSERT_EQUAL(tlp_kind_is_nonposted((enum tlp_kind)200), 0, "np out of range");
	TEST_ASSERT_EQUAL(tlp_kind_is_cpl((enum tlp_kind)-1), 0, "cpl out of range");

	h = HDR(.kind = TLP_KIND_MRD, .addr = 0xfffffffcull);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 12, "32-bit MRd");
	h.addr = 0x100000000ull;
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 16, "64-bit MRd");
	h = HDR(.kind = TLP_KIND_CAS, .addr = 0x100000000ull);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 16, "64-bit CAS");
	h = HDR(.kind = TLP_KIND_MSG);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 16, "message");
	h = HDR(.kind = TLP_KIND_CPLD);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 12, "completion");
	h = HDR(.kind = TLP_KIND_CFGWR1);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 12, "config");
	h = HDR(.kind = TLP_KIND_MAX);
	TEST_ASSERT_EQUAL(tlp_hdr_size(&h), 0, "bad kind");
	return TEST_SUCCESS;
}

static int
expect_inval(const char *name, const struct tlp_hdr *h)
{
	int rc = tlp_encode(h, NULL, enc_buf, sizeof(enc_buf));

	TEST_ASSERT_EQUAL(rc, -TLP_ERR_INVAL, "%s: got %d", name, rc);
	return TEST_SUCCESS;
}

#define INVAL(name, ...) do { \
	const struct tlp_hdr h_ = HDR(__VA_ARGS__); \
	if (expect_inval(name, &h_) != TEST_SUCCESS) \
		return TEST_FAILED; \
} while (0)

#define MRD1 .kind = TLP_KIND_MRD, .len_dw = 1, .first_be = 0xf, .addr = 0x1000

static int
test_encode_checks(void)
{
	static const uint8_t payload[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tlp_hdr h;
	int rc;

	INVAL("kind", .kind = TLP_KIND_MAX);
	INVAL("tc", MRD1, .tc = 8);
	INVAL("attr", MRD1, .attr = 8);
	INVAL("th", MRD1, .th = 2);
	INVAL("td", MRD1, .td = 2);
	INVAL("ep", MRD1, .ep = 2);
	INVAL("at", MRD1, .at = 4);
	INVAL("tag", MRD1, .tag = 0x400);
	INVAL("len 0", .kind = TLP_KIND_MRD, .first_be = 0xf, .addr = 0x1000);
	INVAL("len 1025", .kind = TLP_KIND_MRD, .len_dw = 1025, .first_be = 0xf,
	      .last_be = 0xf, .addr = 0x1000);
	INVAL("addr unaligned", .kind = TLP_KIND_MRD, .len_dw = 1, .first_be = 0xf, .addr = 0x1002);
	INVAL("first_be > 0xf", .kind = TLP_KIND_MWR, .len_dw = 1, .first_be = 0x1f,
	      .addr = 0x1000);
	INVAL("ph without th", MRD1, .ph = 1);
	INVAL("st without th", MRD1, .st = 1);
	INVAL("ph > 3", MRD1, .th = 1, .ph = 4);
	INVAL("th with explicit BE", .kind = TLP_KIND_MRD, .len_dw = 1, .first_be = 0x3,
	      .addr = 0x1000, .th = 1);
	INVAL("MWr 10-bit tag", .kind = TLP_KIND_MWR, .len_dw = 1, .first_be = 0xf,
	      .addr = 0x1000, .tag = 0x100);
	INVAL("MWr th with tag", .kind = TLP_KIND_MWR, .len_dw = 1, .first_be = 0xf,
	      .addr = 0x1000, .th = 1, .tag = 1);
	INVAL("BE last 1dw", MRD1, .last_be = 1);
	INVAL("BE zero", .kind = TLP_KIND_MRD, .len_dw = 2, .first_be = 0xf, .addr = 0x1000);
	INVAL("BE noncontig", .kind = TLP_KIND_MRD, .len_dw = 3, .first_be = 0x5,
	      .last_be = 0xf, .addr = 0x1000);
	INVAL("4K cross", .kind = TLP_KIND_MRD, .len_dw = 2, .first_be = 0xf, .last_be = 0xf,
	      .addr = 0x1ffc);
	INVAL("IO addr > 4G", .kind = TLP_KIND_IORD, .len_dw = 1, .first_be = 0xf,
	      .addr = 0x100000000ull);
	INVAL("IO TC", .kind = TLP_KIND_IORD, .len_dw = 1, .first_be = 0xf, .tc = 1);
	INVAL("IO len 2", .kind = TLP_KIND_IOWR, .len_dw = 2, .first_be = 0xf);
	INVAL("cfg_reg 4096", .kind = TLP_KIND_CFGRD0, .len_dw = 1, .first_be = 0xf,
	      .cfg_reg = 4096);
	INVAL("cfg_reg unaligned", .kind = TLP_KIND_CFGRD0, .len_dw = 1, .first_be = 0xf,
	      .cfg_reg = 2);
	INVAL("cfg RO", .kind = TLP_KIND_CFGRD0, .len_dw = 1, .first_be = 0xf,
	      .attr = TLP_ATTR_RO);
	INVAL("byte_count 0", .kind = TLP_KIND_CPL, .cpl_status = TLP_CPL_UR);
	INVAL("byte_count 4097", .kind = TLP_KIND_CPL, .byte_count = 4097);
	INVAL("lower_addr 0x80", .kind = TLP_KIND_CPL, .byte_count = 4, .lower_addr = 0x80);
	INVAL("bcm 2", .kind = TLP_KIND_CPL, .byte_count = 4, .bcm = 2);
	INVAL("cpl status 3", .kind = TLP_KIND_CPL, .byte_count = 4, .cpl_status = 3);
	INVAL("cpl status 8", .kind = TLP_KIND_CPL, .byte_count = 4, .cpl_status = 8);
	INVAL("CplD status UR", .kind = TLP_KIND_CPLD, .len_dw = 1, .byte_count = 4,
	      .cpl_status = TLP_CPL_UR);
	INVAL("CplD len 0", .kind = TLP_KIND_CPLD, .byte_count = 4);
	INVAL("Cpl th", .kind = TLP_KIND_CPL, .byte_count = 4, .th = 1);
	INVAL("Cpl at", .kind = TLP_KIND_CPL, .byte_count = 4, .at = 1);
	INVAL("msg route 6", .kind = TLP_KIND_MSG, .msg_route = 6);
	INVAL("msg th", .kind = TLP_KIND_MSG, .th = 1);
	INVAL("MsgD len 0", .kind = TLP_KIND_MSGD);
	INVAL("FetchAdd len 3", .kind = TLP_KIND_FETCHADD, .len_dw = 3, .addr = 0x1000);
	INVAL("CAS align", .kind = TLP_KIND_CAS, .len_dw = 4, .addr = 0x1004);
	INVAL("atomic BE", .kind = TLP_KIND_SWAP, .len_dw = 1, .addr = 0x1000, .first_be = 0xf);

	/* Buffer size: exact fits, one byte less does not. */
	h = HDR(.kind = TLP_KIND_MWR, .td = 1, .len_dw = 2, .first_be = 0xf, .last_be = 0xf,
		.addr = 0x100000000ull);
	rc = tlp_encode(&h, payload, enc_buf, 16 + 8 + 4 - 1);
	TEST_ASSERT_EQUAL(rc, -TLP_ERR_NOSPC, "one byte short");
	rc = tlp_encode(&h, payload, enc_buf, 0);
	TEST_ASSERT_EQUAL(rc, -TLP_ERR_NOSPC, "size 0");
	memset(enc_buf, 0xee, sizeof(enc_buf));
	rc = tlp_encode(&h, payload, enc_buf, 16 + 8 + 4);
	TEST_ASSERT_EQUAL(rc, 28, "exact size");
	TEST_ASSERT_MEM_EQ(enc_buf + 16, payload, 8, "payload");
	TEST_ASSERT(enc_buf[24] == 0 && enc_buf[25] == 0 && enc_buf[26] == 0 &&
		    enc_buf[27] == 0, "zero digest");
	TEST_ASSERT_EQUAL(enc_buf[28], 0xee, "nothing written past the TLP");

	/* NULL data: payload bytes left for the caller. */
	memset(enc_buf, 0xee, sizeof(enc_buf));
	h.td = 0;
	rc = tlp_encode(&h, NULL, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, 24, "NULL data");
	TEST_ASSERT_EQUAL(enc_buf[16], 0xee, "payload untouched");
	TEST_ASSERT_EQUAL(enc_buf[0], 0x60, "header written");

	/* Payload already in place, and payload overlapping the header. */
	h = HDR(.kind = TLP_KIND_MWR, .len_dw = 2, .first_be = 0xf, .last_be = 0xf,
		.addr = 0x1000);
	memcpy(enc_buf + 12, payload, 8);
	rc = tlp_encode(&h, enc_buf + 12, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, 20, "in place");
	TEST_ASSERT_MEM_EQ(enc_buf + 12, payload, 8, "in-place payload kept");
	memcpy(enc_buf + 4, payload, 8);
	rc = tlp_encode(&h, enc_buf + 4, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, 20, "overlapping");
	TEST_ASSERT_MEM_EQ(enc_buf + 12, payload, 8, "overlapping payload moved");
	TEST_ASSERT_EQUAL(enc_buf[0], 0x40, "header after overlapping payload");

	/* Fields unused by a kind are ignored by the encoder. */
	h = HDR(.kind = TLP_KIND_CPL, .byte_count = 4, .len_dw = 7, .first_be = 0xf,
		.addr = 0x1234, .cfg_reg = 8, .msg_code = 3);
	rc = tlp_encode(&h, NULL, enc_buf, sizeof(enc_buf));
	TEST_ASSERT_EQUAL(rc, 12, "Cpl with stray fields");
	TEST_ASSERT_EQUAL(enc_buf[3], 0, "Cpl Length stays 0");
	return TEST_SUCCESS;
}

/* Small deterministic PRNG (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int
rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static uint16_t
rnd_len(unsigned int max)
{
	/* Mostly small lengths, sometimes anything up to max. */
	if (rnd_below(4) != 0)
		return (uint16_t)(1 + rnd_below(max < 16 ? max : 16));
	return (uint16_t)(1 + rnd_below(max));
}

static const uint8_t first_contig[] = { 0x8, 0xc, 0xe, 0xf };
static const uint8_t last_contig[] = { 0x1, 0x3, 0x7, 0xf };

/* A random address for @p bytes that stays inside one 4 KiB page. */
static uint64_t
rnd_addr(unsigned int bytes, unsigned int align, int wide)
{
	uint64_t page, off;

	/* Sometimes a single bit above 4 GiB, so that one flip can clear it. */
	if (wide && rnd_below(4) == 0)
		page = (1ull << (32 + rnd_below(32))) | (rnd() & 0xfffff000ull);
	else if (wide)
		page = (rnd() | 0x100000000ull) & ~0xfffull;
	else
		page = rnd() & 0xfffff000ull;
	off = rnd_below(4096 - bytes + 1) & ~(uint64_t)(align - 1);
	return page | off;
}

static void
rnd_valid_hdr(struct tlp_hdr *h)
{
	unsigned int kind = rnd_below(TLP_KIND_MAX);
	unsigned int ops;

	*h = HDR(.kind = (uint8_t)kind);
	h->td = rnd_below(2);
	h->ep = rnd_below(2);
	h->req_id = (uint16_t)rnd();
	h->tag = (uint16_t)(rnd() & 0x3ff);
	switch (kind) {
	case TLP_KIND_MRD:
	case TLP_KIND_MRDLK:
	case TLP_KIND_MWR:
		h->tc = rnd_below(8);
		h->attr = rnd_below(8);
		h->at = rnd_below(4);
		h->len_dw = rnd_len(1024);
		h->addr = rnd_addr(h->len_dw * 4u, 4, rnd_below(2));
		if (rnd_below(8) == 0)
			h->addr &= ~7ull;
		if (h->len_dw == 1) {
			h->first_be = rnd_below(16);
		} else if (h->len_dw == 2 && (h->addr & 7) == 0) {
			h->first_be = 1 + rnd_below(15);
			h->last_be = 1 + rnd_below(15);
		} else {
			h->first_be = first_contig[rnd_below(4)];
			h->last_be = last_contig[rnd_below(4)];
		}
		h->th = rnd_below(4) == 0;
		if (h->th) {
			h->ph = rnd_below(4);
			h->st = (uint8_t)rnd();
		}
		if (kind == TLP_KIND_MWR) {
			h->tag &= 0xff;
			if (h->th)
				h->tag = 0;
		} else if (h->th) {
			h->first_be = 0xf;
			h->last_be = h->len_dw > 1 ? 0xf : 0;
		}
		break;
	case TLP_KIND_FETCHADD:
	case TLP_KIND_SWAP:
	case TLP_KIND_CAS:
		h->tc = rnd_below(8);
		h->attr = rnd_below(8);
		h->at = rnd_below(4);
		if (kind == TLP_KIND_CAS)
			h->len_dw = (uint16_t)(2u << rnd_below(3));
		else
			h->len_dw = (uint16_t)(1 + rnd_below(2));
		ops = h->len_dw * 4u / (kind == TLP_KIND_CAS ? 2 : 1);
		h->addr = rnd_addr(ops, ops, rnd_below(2));
		h->th = rnd_below(4) == 0;
		if (h->th) {
			h->ph = rnd_below(4);
			h->st = (uint8_t)rnd();
		}
		break;
	case TLP_KIND_IORD:
	case TLP_KIND_IOWR:
		h->attr = rnd_below(2) ? TLP_ATTR_IDO : 0;
		h->len_dw = 1;
		h->first_be = rnd_below(16);
		h->addr = rnd() & 0xfffffffcull;
		break;
	case TLP_KIND_CFGRD0:
	case TLP_KIND_CFGWR0:
	case TLP_KIND_CFGRD1:
	case TLP_KIND_CFGWR1:
		h->attr = rnd_below(2) ? TLP_ATTR_IDO : 0;
		h->len_dw = 1;
		h->first_be = rnd_below(16);
		h->cfg_id = (uint16_t)rnd();
		h->cfg_reg = (uint16_t)(rnd() & 0xffc);
		break;
	case TLP_KIND_CPL:
	case TLP_KIND_CPLLK:
	case TLP_KIND_CPLD:
	case TLP_KIND_CPLDLK:
		h->tc = rnd_below(8);
		h->attr = rnd_below(8);
		h->cpl_id = (uint16_t)rnd();
		if (tlp_kind_has_data(kind)) {
			h->len_dw = rnd_len(1024);
		} else {
			static const uint8_t st[] = { TLP_CPL_SC, TLP_CPL_UR, TLP_CPL_CRS,
						      TLP_CPL_CA };
			h->cpl_status = st[rnd_below(4)];
		}
		h->bcm = rnd_below(2);
		h->byte_count = (uint16_t)(1 + rnd_below(4096));
		h->lower_addr = rnd_below(128);
		break;
	default: /* messages */
		h->tc = rnd_below(8);
		h->attr = rnd_below(8);
		h->at = rnd_below(4);
		h->msg_route = rnd_below(6);
		h->msg_code = (uint8_t)rnd();
		h->msg_data = rnd();
		if (kind == TLP_KIND_MSGD)
			h->len_dw = rnd_len(1024);
		break;
	}
}

static int
test_round_trip_random(void)
{
	static uint8_t payload[TLP_MAX_DATA];
	unsigned int i, seen[TLP_KIND_MAX] = { 0 };
	struct tlp_hdr h, d;
	const void *data;
	int rc, rc2;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)rnd();
	for (i = 0; i < 200000; i++) {
		rnd_valid_hdr(&h);
		rc = tlp_encode(&h, payload, big_buf, sizeof(big_buf));
		TEST_ASSERT(rc > 0, "iteration %u: encode %s of kind %s", i, tlp_err_name(rc),
			    tlp_kind_name(h.kind));
		TEST_ASSERT_EQUAL((size_t)rc, tlp_hdr_size(&h) + h.td * 4u +
				  (tlp_kind_has_data(h.kind) ? h.len_dw * 4u : 0), "size %u", i);
		rc2 = tlp_decode(big_buf, (size_t)rc, &d, &data);
		TEST_ASSERT_EQUAL(rc2, 0, "iteration %u: decode %s of kind %s", i,
				  tlp_err_name(rc2), tlp_kind_name(h.kind));
		TEST_ASSERT(hdr_diff(&d, &h) == 0, "iteration %u: kind %s differs", i,
			    tlp_kind_name(h.kind));
		if (tlp_kind_has_data(h.kind))
			TEST_ASSERT_MEM_EQ(data, payload, h.len_dw * 4u, "payload %u", i);
		rc2 = tlp_encode(&d, data, enc_buf, sizeof(enc_buf));
		TEST_ASSERT_EQUAL(rc2, rc, "re-encode %u", i);
		TEST_ASSERT_MEM_EQ(enc_buf, big_buf, (size_t)rc, "re-encoded bytes %u", i);
		seen[h.kind]++;
	}
	for (i = 0; i < TLP_KIND_MAX; i++)
		TEST_ASSERT(seen[i] > 1000, "kind %s generated %u times", tlp_kind_name(i),
			    seen[i]);
	return TEST_SUCCESS;
}

/*
 * Canonical form: flip random bits of valid TLPs; whenever the result still
 * decodes, encoding the decoded header must give back the very same bytes
 * (digest aside). This catches any header bit the decoder silently drops.
 */
static int
test_mutation_canonical(void)
{
	static uint8_t payload[TLP_MAX_DATA];
	unsigned int i, j, nflip, bit, accepted = 0, rejected = 0;
	unsigned int by_err[TLP_ERR_MAX] = { 0 };
	struct tlp_hdr h, d;
	const void *data;
	size_t hlen;
	int len, rc;

	for (i = 0; i < 200000; i++) {
		rnd_valid_hdr(&h);
		if (tlp_kind_has_data(h.kind) && h.len_dw > 16)
			h.len_dw = 16;
		len = tlp_encode(&h, payload, big_buf, sizeof(big_buf));
		TEST_ASSERT(len > 0, "encode %u: %s", i, tlp_err_name(len));
		hlen = tlp_hdr_size(&h);
		nflip = 1 + rnd_below(3);
		for (j = 0; j < nflip; j++) {
			bit = rnd_below((unsigned int)hlen * 8);
			big_buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		rc = tlp_decode(big_buf, (size_t)len, &d, &data);
		if (rc < 0) {
			rejected++;
			TEST_ASSERT(-rc > 0 && -rc < TLP_ERR_INVAL, "decode error %d", rc);
			by_err[-rc]++;
			continue;
		}
		accepted++;
		hlen = tlp_hdr_size(&d);
		rc = tlp_encode(&d, data, enc_buf, sizeof(enc_buf));
		TEST_ASSERT_EQUAL(rc, len, "re-encode length %u", i);
		TEST_ASSERT_MEM_EQ(enc_buf, big_buf, hlen, "iteration %u: header not canonical", i);
	}
	TEST_ASSERT(accepted > 1000 && rejected > 1000, "accepted %u rejected %u", accepted,
		    rejected);
	/* Random flips reach most decode errors. */
	for (i = TLP_ERR_PREFIX; i < TLP_ERR_INVAL; i++)
		if (i != TLP_ERR_TRUNCATED && i != TLP_ERR_LEN_MISMATCH)
			TEST_ASSERT(by_err[i] > 0, "no mutation gave %s", tlp_err_name((int)i));
	return TEST_SUCCESS;
}

/* Random bytes and lengths: decode never fails in an unexpected way. */
static int
test_random_bytes(void)
{
	struct tlp_hdr h;
	unsigned int i, j, len;
	int rc;

	for (i = 0; i < 100000; i++) {
		len = rnd_below(40);
		for (j = 0; j < len; j++)
			big_buf[j] = (uint8_t)rnd();
		rc = tlp_decode(big_buf, len, &h, NULL);
		TEST_ASSERT(rc <= 0 && rc > -TLP_ERR_INVAL, "decode returned %d", rc);
		if (rc == 0) {
			rc = tlp_encode(&h, big_buf + tlp_hdr_size(&h), enc_buf, sizeof(enc_buf));
			TEST_ASSERT_EQUAL(rc, (long long)len, "re-encode");
			TEST_ASSERT_MEM_EQ(enc_buf, big_buf, tlp_hdr_size(&h), "canonical");
		}
	}
	return TEST_SUCCESS;
}

/* Byte count and first byte offset for every First DW BE of a 1 DW request. */
static int
test_byte_count_1dw(void)
{
	/*
	 * From the spec's byte count table for 1 DW requests:
	 * 1xx1 -> 4; 01x1, 1x10 -> 3; 0011, 0110, 1100 -> 2; others -> 1.
	 */
	static const uint8_t count[16] = {
		[0x0] = 1, [0x1] = 1, [0x2] = 1, [0x3] = 2, [0x4] = 1, [0x5] = 3,
		[0x6] = 2, [0x7] = 3, [0x8] = 1, [0x9] = 4, [0xa] = 3, [0xb] = 4,
		[0xc] = 2, [0xd] = 4, [0xe] = 3, [0xf] = 4,
	};
	/* Offset of the first enabled byte (0 when none is enabled). */
	static const uint8_t off[16] = {
		[0x0] = 0, [0x1] = 0, [0x2] = 1, [0x3] = 0, [0x4] = 2, [0x5] = 0,
		[0x6] = 1, [0x7] = 0, [0x8] = 3, [0x9] = 0, [0xa] = 1, [0xb] = 0,
		[0xc] = 2, [0xd] = 0, [0xe] = 1, [0xf] = 0,
	};
	struct tlp_hdr r, c;
	unsigned int be;

	for (be = 0; be < 16; be++) {
		r = HDR(.kind = TLP_KIND_MRD, .len_dw = 1, .first_be = (uint8_t)be,
			.addr = 0xabcd0e54, .req_id = 0x0100, .tag = 0x155);
		TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), count[be], "BE %x", be);
		TEST_ASSERT_EQUAL(tlp_req_byte_addr(&r), 0xabcd0e54ull + off[be], "BE %x", be);
		TEST_ASSERT_EQUAL(tlp_cpl_for_req(&r, 0x0300, TLP_CPL_SC, &c), 0, "cpl");
		TEST_ASSERT_EQUAL(c.byte_count, count[be], "cpl BE %x", be);
		TEST_ASSERT_EQUAL(c.lower_addr, 0x54 + off[be], "lower address BE %x", be);
		/* The same byte enables on a write count the same. */
		r.kind = TLP_KIND_MWR;
		TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), count[be], "MWr BE %x", be);
	}
	return TEST_SUCCESS;
}

static int
test_byte_count_multi(void)
{
	static const struct {
		uint16_t len;
		uint8_t fbe, lbe;
		uint64_t addr;
		uint32_t count;
		uint8_t la;
	} t[] = {
		{ 2, 0xf, 0xf, 0x1000, 8, 0x00 },
		{ 2, 0xe, 0x1, 0x1004, 4, 0x05 },	/* 8 - 1 - 3 */
		{ 2, 0x5, 0x5, 0x1008, 7, 0x08 },	/* QW aligned, span bytes 0..6 */
		{ 2, 0x5, 0xa, 0x1008, 8, 0x08 },	/* QW aligned, span bytes 0..7 */
		{ 3, 0x8, 0x1, 0x107c, 6, 0x7f },	/* 12 - 3 - 3, LA wraps at 7 bits */
		{ 4, 0xc, 0x7, 0x2040, 13, 0x42 },	/* 16 - 2 - 1 */
		{ 16, 0xf, 0x3, 0x3000, 62, 0x00 },
		{ 1024, 0xf, 0xf, 0x4000, 4096, 0x00 },
		{ 1024, 0x8, 0x1, 0x10000, 4090, 0x03 },
	};
	struct tlp_hdr r, c;
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = HDR(.kind = TLP_KIND_MRD, .len_dw = t[i].len, .first_be = t[i].fbe,
			.last_be = t[i].lbe, .addr = t[i].addr);
		TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), t[i].count, "case %u", i);
		TEST_ASSERT_EQUAL(tlp_cpl_for_req(&r, 0, TLP_CPL_SC, &c), 0, "case %u", i);
		TEST_ASSERT_EQUAL(c.byte_count, t[i].count, "case %u", i);
		TEST_ASSERT_EQUAL(c.lower_addr, t[i].la, "case %u", i);
		TEST_ASSERT_EQUAL(c.len_dw, t[i].len, "case %u", i);
	}
	/* TH read: implied byte enables give the full span. */
	r = HDR(.kind = TLP_KIND_MRD, .th = 1, .st = 0x12, .len_dw = 3, .first_be = 0xf,
		.last_be = 0xf, .addr = 0x100000000ull);
	TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), 12, "TH read");
	/* 64-bit address: lower address from the low bits only. */
	r = HDR(.kind = TLP_KIND_MRD, .len_dw = 1, .first_be = 0xe, .addr = 0x10000007cull);
	TEST_ASSERT_EQUAL(tlp_req_byte_addr(&r), 0x10000007dull, "64-bit byte address");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&r, 0, TLP_CPL_SC, &c), 0, "64-bit");
	TEST_ASSERT_EQUAL(c.lower_addr, 0x7d, "64-bit lower address");
	/* Kinds without byte enables. */
	r = HDR(.kind = TLP_KIND_CPLD, .len_dw = 4);
	TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), 0, "completion");
	r = HDR(.kind = TLP_KIND_MSGD, .len_dw = 4);
	TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), 0, "message");
	TEST_ASSERT_EQUAL(tlp_req_byte_addr(&r), 0, "message address");
	r = HDR(.kind = TLP_KIND_CFGRD0, .len_dw = 1, .first_be = 0xc, .cfg_reg = 0x44);
	TEST_ASSERT_EQUAL(tlp_req_byte_addr(&r), 0x46, "config byte offset");
	TEST_ASSERT_EQUAL(tlp_req_byte_count(&r), 2, "config byte count");
	return TEST_SUCCESS;
}

static int
check_cpl(const char *name, const struct tlp_hdr *req, enum tlp_cpl_status st,
	  const struct tlp_hdr *exp)
{
	struct tlp_hdr c, d;
	int rc;

	memset(&c, 0x5a, sizeof(c));
	rc = tlp_cpl_for_req(req, 0x0300, st, &c);
	TEST_ASSERT_EQUAL(rc, 0, "%s", name);
	TEST_ASSERT(hdr_diff(&c, exp) == 0, "%s: completion differs", name);
	/* Every completion built must encode and decode back. */
	rc = tlp_encode(&c, NULL, enc_buf, sizeof(enc_buf));
	TEST_ASSERT(rc > 0, "%s: encode %s", name, tlp_err_name(rc));
	rc = tlp_decode(enc_buf, (size_t)rc, &d, NULL);
	TEST_ASSERT_EQUAL(rc, 0, "%s: decode %s", name, tlp_err_name(rc));
	TEST_ASSERT(hdr_diff(&d, &c) == 0, "%s: round trip", name);
	return TEST_SUCCESS;
}

#define CPL(name, req, st, ...) do { \
	const struct tlp_hdr r_ = req, e_ = HDR(__VA_ARGS__); \
	if (check_cpl(name, &r_, st, &e_) != TEST_SUCCESS) \
		return TEST_FAILED; \
} while (0)

static int
test_cpl_for_req(void)
{
	struct tlp_hdr c;
	const struct tlp_hdr mrd = HDR(.kind = TLP_KIND_MRD, .tc = 5,
		.attr = TLP_ATTR_RO | TLP_ATTR_NS | TLP_ATTR_IDO, .td = 1, .ep = 1, .at = 2,
		.len_dw = 4, .req_id = 0x0100, .tag = 0x2c1, .first_be = 0xe, .last_be = 0x3,
		.addr = 0x123456784ull);

	CPL("MRd SC", mrd, TLP_CPL_SC, .kind = TLP_KIND_CPLD, .tc = 5, .attr = 7, .len_dw = 4,
	    .req_id = 0x0100, .tag = 0x2c1, .cpl_id = 0x0300, .byte_count = 13,
	    .lower_addr = 0x05);
	CPL("MRd UR", mrd, TLP_CPL_UR, .kind = TLP_KIND_CPL, .tc = 5, .attr = 7,
	    .req_id = 0x0100, .tag = 0x2c1, .cpl_id = 0x0300, .cpl_status = TLP_CPL_UR,
	    .byte_count = 13, .lower_addr = 0x05);
	CPL("MRdLk SC", HDR(.kind = TLP_KIND_MRDLK, .len_dw = 1, .req_id = 1, .tag = 2,
			    .first_be = 0xf, .addr = 0x1040),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLDLK, .len_dw = 1, .req_id = 1, .tag = 2,
	    .cpl_id = 0x0300, .byte_count = 4, .lower_addr = 0x40);
	CPL("MRdLk CA", HDR(.kind = TLP_KIND_MRDLK, .len_dw = 1, .req_id = 1, .tag = 2,
			    .first_be = 0xf, .addr = 0x1040),
	    TLP_CPL_CA, .kind = TLP_KIND_CPLLK, .req_id = 1, .tag = 2, .cpl_id = 0x0300,
	    .cpl_status = TLP_CPL_CA, .byte_count = 4, .lower_addr = 0x40);
	CPL("IORd SC", HDR(.kind = TLP_KIND_IORD, .len_dw = 1, .req_id = 0x10, .tag = 3,
			   .first_be = 0x4, .addr = 0xcfc),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLD, .len_dw = 1, .req_id = 0x10, .tag = 3,
	    .cpl_id = 0x0300, .byte_count = 4);
	CPL("IOWr SC", HDR(.kind = TLP_KIND_IOWR, .len_dw = 1, .req_id = 0x10, .tag = 4,
			   .first_be = 0x4, .addr = 0xcfc),
	    TLP_CPL_SC, .kind = TLP_KIND_CPL, .req_id = 0x10, .tag = 4, .cpl_id = 0x0300,
	    .byte_count = 4);
	CPL("CfgRd0 SC", HDR(.kind = TLP_KIND_CFGRD0, .len_dw = 1, .tag = 0x3ff,
			     .first_be = 0x8, .cfg_id = 0x0300, .cfg_reg = 0x3c),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLD, .len_dw = 1, .tag = 0x3ff, .cpl_id = 0x0300,
	    .byte_count = 4);
	CPL("CfgRd0 CRS", HDR(.kind = TLP_KIND_CFGRD0, .len_dw = 1, .tag = 5, .first_be = 0xf),
	    TLP_CPL_CRS, .kind = TLP_KIND_CPL, .tag = 5, .cpl_id = 0x0300,
	    .cpl_status = TLP_CPL_CRS, .byte_count = 4);
	CPL("CfgWr0 SC", HDR(.kind = TLP_KIND_CFGWR0, .len_dw = 1, .tag = 6, .first_be = 0xf,
			     .cfg_reg = 0x10),
	    TLP_CPL_SC, .kind = TLP_KIND_CPL, .tag = 6, .cpl_id = 0x0300, .byte_count = 4);
	CPL("CfgRd1 UR", HDR(.kind = TLP_KIND_CFGRD1, .len_dw = 1, .tag = 7, .first_be = 0xf),
	    TLP_CPL_UR, .kind = TLP_KIND_CPL, .tag = 7, .cpl_id = 0x0300,
	    .cpl_status = TLP_CPL_UR, .byte_count = 4);
	CPL("CfgWr1 SC", HDR(.kind = TLP_KIND_CFGWR1, .len_dw = 1, .tag = 8, .first_be = 0xf),
	    TLP_CPL_SC, .kind = TLP_KIND_CPL, .tag = 8, .cpl_id = 0x0300, .byte_count = 4);
	CPL("FetchAdd 64", HDR(.kind = TLP_KIND_FETCHADD, .len_dw = 2, .req_id = 9, .tag = 9,
			       .addr = 0x100000008ull),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLD, .len_dw = 2, .req_id = 9, .tag = 9,
	    .cpl_id = 0x0300, .byte_count = 8);
	CPL("Swap 32", HDR(.kind = TLP_KIND_SWAP, .len_dw = 1, .req_id = 9, .tag = 10,
			   .addr = 0x1004),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLD, .len_dw = 1, .req_id = 9, .tag = 10,
	    .cpl_id = 0x0300, .byte_count = 4);
	CPL("CAS 128", HDR(.kind = TLP_KIND_CAS, .len_dw = 8, .req_id = 9, .tag = 11,
			   .addr = 0x1010),
	    TLP_CPL_SC, .kind = TLP_KIND_CPLD, .len_dw = 4, .req_id = 9, .tag = 11,
	    .cpl_id = 0x0300, .byte_count = 16);
	CPL("CAS 32 UR", HDR(.kind = TLP_KIND_CAS, .len_dw = 2, .req_id = 9, .tag = 12,
			     .addr = 0x1004),
	    TLP_CPL_UR, .kind = TLP_KIND_CPL, .req_id = 9, .tag = 12, .cpl_id = 0x0300,
	    .cpl_status = TLP_CPL_UR, .byte_count = 4);

	/* Refusals. */
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&HDR(.kind = TLP_KIND_MWR, .len_dw = 1), 0,
					  TLP_CPL_SC, &c), -TLP_ERR_INVAL, "MWr is posted");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&HDR(.kind = TLP_KIND_MSG), 0, TLP_CPL_SC, &c),
			  -TLP_ERR_INVAL, "Msg");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&HDR(.kind = TLP_KIND_CPLD, .len_dw = 1), 0,
					  TLP_CPL_SC, &c), -TLP_ERR_INVAL, "completion");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&HDR(.kind = TLP_KIND_MAX), 0, TLP_CPL_SC, &c),
			  -TLP_ERR_INVAL, "bad kind");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&mrd, 0, (enum tlp_cpl_status)3, &c),
			  -TLP_ERR_INVAL, "reserved status");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&mrd, 0, TLP_CPL_CRS, &c), -TLP_ERR_INVAL,
			  "CRS for memory read");
	TEST_ASSERT_EQUAL(tlp_cpl_for_req(&HDR(.kind = TLP_KIND_IORD, .len_dw = 1), 0,
					  TLP_CPL_CRS, &c), -TLP_ERR_INVAL, "CRS for I/O");
	return TEST_SUCCESS;
}

/* Completions built from random valid requests always encode and decode. */
static int
test_cpl_random(void)
{
	static const enum tlp_cpl_status sts[] = { TLP_CPL_SC, TLP_CPL_UR, TLP_CPL_CRS,
						   TLP_CPL_CA };
	enum tlp_cpl_status st;
	struct tlp_hdr r, c, d;
	unsigned int i, n = 0;
	int rc;

	for (i = 0; i < 100000; i++) {
		rnd_valid_hdr(&r);
		st = sts[rnd_below(4)];

		rc = tlp_cpl_for_req(&r, 0x1234, st, &c);
		if (!tlp_kind_is_nonposted(r.kind) ||
		    (st == TLP_CPL_CRS && r.kind != TLP_KIND_CFGRD0 && r.kind != TLP_KIND_CFGRD1 &&
		     r.kind != TLP_KIND_CFGWR0 && r.kind != TLP_KIND_CFGWR1)) {
			TEST_ASSERT_EQUAL(rc, -TLP_ERR_INVAL, "kind %s", tlp_kind_name(r.kind));
			continue;
		}
		TEST_ASSERT_EQUAL(rc, 0, "kind %s", tlp_kind_name(r.kind));
		TEST_ASSERT(c.byte_count >= 1 && c.byte_count <= 4096, "byte count");
		TEST_ASSERT(c.req_id == r.req_id && c.tag == r.tag && c.tc == r.tc &&
			    c.attr == r.attr, "transaction descriptor copied");
		rc = tlp_encode(&c, NULL, big_buf, sizeof(big_buf));
		TEST_ASSERT(rc > 0, "encode %s", tlp_err_name(rc));
		rc = tlp_decode(big_buf, (size_t)rc, &d, NULL);
		TEST_ASSERT_EQUAL(rc, 0, "decode %s", tlp_err_name(rc));
		TEST_ASSERT(hdr_diff(&c, &d) == 0, "round trip");
		n++;
	}
	TEST_ASSERT(n > 30000, "only %u completions", n);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case tlp_codec_cases[] = {
	TEST_CASE(test_vec_mem_read),
	TEST_CASE(test_vec_mem_write),
	TEST_CASE(test_vec_io_cfg),
	TEST_CASE(test_vec_cpl),
	TEST_CASE(test_vec_msg),
	TEST_CASE(test_vec_atomic),
	TEST_CASE(test_bad_format),
	TEST_CASE(test_bad_length),
	TEST_CASE(test_bad_byte_enables),
	TEST_CASE(test_bad_io_cfg),
	TEST_CASE(test_bad_cpl_msg_atomic),
	TEST_CASE(test_bad_reserved),
	TEST_CASE(test_err_names),
	TEST_CASE(test_kind_helpers),
	TEST_CASE(test_encode_checks),
	TEST_CASE(test_round_trip_random),
	TEST_CASE(test_mutation_canonical),
	TEST_CASE(test_random_bytes),
	TEST_CASE(test_byte_count_1dw),
	TEST_CASE(test_byte_count_multi),
	TEST_CASE(test_cpl_for_req),
	TEST_CASE(test_cpl_random),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("tlp_codec", tlp_codec_cases, argc, argv);
}
