/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * libFuzzer target for the TLP decoder.
 *
 * Every input is decoded as one TLP. When it decodes, the target checks the
 * codec's promises and aborts on any broken one:
 * - encoding the decoded header gives back the input exactly (header bytes
 *   and payload; the digest is written as zero), so the decoder drops no bit;
 * - decoding that encoding gives back the same header;
 * - for requests, the completion helpers give in-range values and every
 *   completion they build encodes and decodes back to itself.
 * ASan catches any read beyond the input, UBSan any undefined arithmetic.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fuzz_out[TLP_MAX_BYTES];

static void
fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_tlp_decode: %s\n", what);
	abort();
}

static int
fuzz_hdr_equal(const struct tlp_hdr *a, const struct tlp_hdr *b)
{
	return a->kind == b->kind && a->tc == b->tc && a->attr == b->attr && a->th == b->th &&
		a->td == b->td && a->ep == b->ep && a->at == b->at && a->ph == b->ph &&
		a->st == b->st && a->len_dw == b->len_dw && a->req_id == b->req_id &&
		a->tag == b->tag && a->first_be == b->first_be && a->last_be == b->last_be &&
		a->addr == b->addr && a->cfg_id == b->cfg_id && a->cfg_reg == b->cfg_reg &&
		a->cpl_id == b->cpl_id && a->cpl_status == b->cpl_status && a->bcm == b->bcm &&
		a->byte_count == b->byte_count && a->lower_addr == b->lower_addr &&
		a->msg_code == b->msg_code && a->msg_route == b->msg_route &&
		a->msg_data == b->msg_data;
}

static void
fuzz_completions(const struct tlp_hdr *req)
{
	static const enum tlp_cpl_status sts[] = { TLP_CPL_SC, TLP_CPL_UR, TLP_CPL_CRS,
						   TLP_CPL_CA };
	struct tlp_hdr cpl, back;
	uint32_t bc;
	unsigned int i;
	int rc;

	bc = tlp_req_byte_count(req);
	if (bc < 1 || bc > TLP_MAX_DATA)
		fuzz_fail("request byte count out of range");
	if (tlp_req_byte_count(req) > (uint32_t)req->len_dw * TLP_DW_BYTES)
		fuzz_fail("byte count larger than the request");
	(void)tlp_req_byte_addr(req);

	for (i = 0; i < sizeof(sts) / sizeof(sts[0]); i++) {
		rc = tlp_cpl_for_req(req, 0x0100, sts[i], &cpl);
		if (rc != 0) {
			if (sts[i] != TLP_CPL_CRS)
				fuzz_fail("no completion for a non-posted request");
			continue;
		}
		if (!tlp_kind_is_cpl(cpl.kind) || cpl.req_id != req->req_id ||
		    cpl.tag != req->tag)
			fuzz_fail("completion does not answer the request");
		rc = tlp_encode(&cpl, NULL, fuzz_out, sizeof(fuzz_out));
		if (rc < 0)
			fuzz_fail("completion does not encode");
		rc = tlp_decode(fuzz_out, (size_t)rc, &back, NULL);
		if (rc != 0 || !fuzz_hdr_equal(&cpl, &back))
			fuzz_fail("completion round trip differs");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlp_hdr h, h2;
	const void *payload = NULL;
	const void *payload2 = NULL;
	size_t hlen, plen;
	int rc;

	rc = tlp_decode(data, size, &h, &payload);
	if (rc != 0) {
		if (rc >= 0 || rc <= -TLP_ERR_INVAL || payload != NULL)
			fuzz_fail("decode failed with a code it must not return");
		return 0;
	}

	hlen = tlp_hdr_size(&h);
	plen = tlp_kind_has_data(h.kind) ? (size_t)h.len_dw * TLP_DW_BYTES : 0;
	if (hlen + plen + (h.td ? TLP_DW_BYTES : 0) != size)
		fuzz_fail("decoded sizes do not add up to the input");
	if ((plen != 0) != (payload != NULL) || (payload != NULL && payload != data + hlen))
		fuzz_fail("payload pointer wrong");

	rc = tlp_encode(&h, payload, fuzz_out, sizeof(fuzz_out));
	if (rc < 0 || (size_t)rc != size)
		fuzz_fail("decoded header does not re-encode to the same size");
	if (memcmp(fuzz_out, data, hlen + plen) != 0)
		fuzz_fail("re-encoded bytes differ from the input");
	if (tlp_encode(&h, payload, fuzz_out, size - 1) != -TLP_ERR_NOSPC)
		fuzz_fail("encode into a short buffer did not fail");

	rc = tlp_decode(fuzz_out, size, &h2, &payload2);
	if (rc != 0 || !fuzz_hdr_equal(&h, &h2))
		fuzz_fail("second decode differs");
	if (plen != 0 && memcmp(payload2, payload, plen) != 0)
		fuzz_fail("payload differs");

	if (tlp_kind_is_nonposted(h.kind))
		fuzz_completions(&h);
	else if (tlp_cpl_for_req(&h, 0, TLP_CPL_SC, &h2) != -TLP_ERR_INVAL)
		fuzz_fail("completion built for a posted TLP or a completion");
	return 0;
}
