/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * lspci: enumerate the link (hostsim_enum.c) and print what was found in the
 * style of "lspci -vvv": identity, Command/Status, interrupt pin, BARs and
 * decoded capabilities, optionally followed by a hex dump of config space.
 * Exits 1 when no function answers, the link fails, or a function breaks a
 * rule (a capability walk stopped early, a BAR that cannot be used, an
 * unusable MSI-X table); the dump is printed in every case it can be.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim_enum.h"

enum {
	LSPCI_OPT_RAW = HOSTSIM_OPT_CMD_BASE,
	LSPCI_OPT_RAW_EXT,
};

struct lspci_conf {
	unsigned int raw;	/* bytes of config space to dump: 0, 256 or 4096 */
};

/* Names of class codes (PCI Code and ID Assignment Specification). */
static const char *const lspci_base_class[] = {
	"Unclassified device", "Mass storage controller", "Network controller",
	"Display controller", "Multimedia controller", "Memory controller", "Bridge",
	"Communication controller", "Generic system peripheral", "Input device controller",
	"Docking station", "Processor", "Serial bus controller", "Wireless controller",
	"Intelligent controller", "Satellite communications controller",
	"Encryption controller", "Signal processing controller", "Processing accelerators",
	"Non-Essential Instrumentation",
};

static const struct {
	uint16_t cls;
	const char *name;
} lspci_sub_class[] = {
	{ 0x0100, "SCSI storage controller" },
	{ 0x0106, "SATA controller" },
	{ 0x0108, "Non-Volatile memory controller" },
	{ 0x0200, "Ethernet controller" },
	{ 0x0207, "Infiniband controller" },
	{ 0x0280, "Network controller" },
	{ 0x0300, "VGA compatible controller" },
	{ 0x0580, "Memory controller" },
	{ 0x0604, "PCI bridge" },
	{ 0x0880, "System peripheral" },
	{ 0x0c03, "USB controller" },
	{ 0x1200, "Processing accelerators" },
};

static const char *
lspci_class_name(uint16_t cls)
{
	unsigned int i;

	for (i = 0; i < sizeof(lspci_sub_class) / sizeof(lspci_sub_class[0]); i++)
		if (lspci_sub_class[i].cls == cls)
			return lspci_sub_class[i].name;
	if ((cls >> 8) < sizeof(lspci_base_class) / sizeof(lspci_base_class[0]))
		return lspci_base_class[cls >> 8];
	return (cls >> 8) == 0xff ? "Unassigned class" : "Class";
}

static char
pm(unsigned int v)
{
	return v ? '+' : '-';
}

/* A size the way lspci writes it: 4K, 16M, 2G... */
static void
lspci_size(char *buf, size_t len, uint64_t size)
{
	static const char unit[] = "KMGTPE";
	unsigned int u = 0;

	if (size < 1024 || (size & 1023) != 0) {
		snprintf(buf, len, "%" PRIu64, size);
		return;
	}
	size >>= 10;
	while (size >= 1024 && (size & 1023) == 0 && u + 1 < sizeof(unit) - 1) {
		size >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", size, unit[u]);
}

static void
lspci_header(const struct hostsim_fn *f)
{
	uint16_t cls = hostsim_fn_cfg16(f, HOSTSIM_CFG_CLASS + 1);
	uint16_t cmd = hostsim_fn_cfg16(f, HOSTSIM_CFG_COMMAND);
	uint16_t sts = hostsim_fn_cfg16(f, HOSTSIM_CFG_STATUS);
	uint8_t pin = f->cfg[HOSTSIM_CFG_INTR_PIN];

	printf("%02x:%02x.%u %s [%04x]: Vendor %04x Device %04x (rev %02x)", f->bdf >> 8,
	       (f->bdf >> 3) & 0x1f, f->bdf & 7, lspci_class_name(cls), cls,
	       hostsim_fn_cfg16(f, 0), hostsim_fn_cfg16(f, 2), f->cfg[HOSTSIM_CFG_REVISION]);
	if (f->cfg[HOSTSIM_CFG_CLASS] != 0)
		printf(" (prog-if %02x)", f->cfg[HOSTSIM_CFG_CLASS]);
	printf("\n");
	if ((f->cfg[HOSTSIM_CFG_HDR_TYPE] & 0x7f) != 0)
		printf("\tHeader type %02x: not an endpoint, not set up\n",
		       f->cfg[HOSTSIM_CFG_HDR_TYPE] & 0x7f);
	printf("\tSubsystem: Vendor %04x Device %04x\n",
	       hostsim_fn_cfg16(f, HOSTSIM_CFG_SUBSYS),
	       hostsim_fn_cfg16(f, HOSTSIM_CFG_SUBSYS + 2));
	printf("\tControl: I/O%c Mem%c BusMaster%c ParErr%c SERR%c DisINTx%c\n",
	       pm(cmd & HOSTSIM_CMD_IO), pm(cmd & HOSTSIM_CMD_MEM), pm(cmd & HOSTSIM_CMD_BME),
	       pm(cmd & HOSTSIM_CMD_PERR), pm(cmd & HOSTSIM_CMD_SERR),
	       pm(cmd & HOSTSIM_CMD_INTX_DIS));
	printf("\tStatus: Cap%c >TAbort%c <TAbort%c <MAbort%c >SERR%c <PERR%c INTx%c\n",
	       pm(sts & HOSTSIM_STS_CAP), pm(sts & (1u << 11)), pm(sts & (1u << 12)),
	       pm(sts & (1u << 13)), pm(sts & (1u << 14)), pm(sts & (1u << 15)),
	       pm(sts & HOSTSIM_STS_INTX));
	if (pin >= 1 && pin <= 4)
		printf("\tInterrupt: pin %c\n", 'A' + pin - 1);
	else if (pin != 0)
		printf("\tInterrupt: pin %02x (invalid)\n", pin);
}

static void
lspci_bars(const struct hostsim_fn *f)
{
	const struct hostsim_bar *b;
	char size[24];
	unsigned int i;

	for (i = 0; i < HOSTSIM_NB_BARS; i++) {
		b = &f->bar[i];
		lspci_size(size, sizeof(size), b->size);
		switch (b->kind) {
		case HOSTSIM_BAR_MEM32:
		case HOSTSIM_BAR_MEM64:
			printf("\tRegion %u: Memory at ", i);
			if (b->assigned)
				printf("%" PRIx64, b->addr);
			else
				printf("<unassigned>");
			printf(" (%s, %sprefetchable) [size=%s]\n",
			       b->kind == HOSTSIM_BAR_MEM64 ? "64-bit" : "32-bit",
			       b->prefetch ? "" : "non-", size);
			break;
		case HOSTSIM_BAR_IO:
			printf("\tRegion %u: I/O ports at <unassigned> [size=%s]\n", i, size);
			break;
		case HOSTSIM_BAR_BAD:
			printf("\tRegion %u: <invalid BAR %08x>\n", i,
			       hostsim_fn_cfg32(f, (uint16_t)(HOSTSIM_CFG_BAR0 + 4 * i)));
			break;
		default:
			break;
		}
	}
}

static void
lspci_cap_pm(const struct hostsim_fn *f, uint16_t c)
{
	uint16_t pmc = hostsim_fn_cfg16(f, c + 2), csr = hostsim_fn_cfg16(f, c + 4);

	printf("Power Management version %u\n", pmc & 7);
	printf("\t\tFlags: PMEClk%c DSI%c D1%c D2%c PME(D0%c,D1%c,D2%c,D3hot%c,D3cold%c)\n",
	       pm(pmc & (1u << 3)), pm(pmc & (1u << 5)), pm(pmc & (1u << 9)),
	       pm(pmc & (1u << 10)), pm(pmc & (1u << 11)), pm(pmc & (1u << 12)),
	       pm(pmc & (1u << 13)), pm(pmc & (1u << 14)), pm(pmc & (1u << 15)));
	printf("\t\tStatus: D%u NoSoftRst%c PME-Enable%c PME%c\n", csr & 3, pm(csr & (1u << 3)),
	       pm(csr & (1u << 8)), pm(csr & (1u << 15)));
}

static const char *
lspci_link_speed(unsigned int s)
{
	static const char *const speed[] = {
		"unknown", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s",
	};

	return s < sizeof(speed) / sizeof(speed[0]) ? speed[s] : "unknown";
}

static void
lspci_cap_exp(const struct hostsim_fn *f, uint16_t c)
{
	static const char *const type[16] = {
		[0] = "Endpoint", [1] = "Legacy Endpoint", [4] = "Root Port",
		[5] = "Upstream Port", [6] = "Downstream Port", [7] = "PCI-Express to PCI Bridge",
		[9] = "Root Complex Integrated Endpoint", [10] = "Root Complex Event Collector",
	};
	uint16_t flags = hostsim_fn_cfg16(f, c + 2);
	uint32_t devcap = hostsim_fn_cfg32(f, c + HOSTSIM_EXP_DEVCAP);
	uint16_t devctl = hostsim_fn_cfg16(f, c + HOSTSIM_EXP_DEVCTL);
	uint16_t devsta = hostsim_fn_cfg16(f, c + HOSTSIM_EXP_DEVSTA);
	uint32_t lnkcap = hostsim_fn_cfg32(f, c + HOSTSIM_EXP_LNKCAP);
	uint16_t lnksta = hostsim_fn_cfg16(f, c + HOSTSIM_EXP_LNKSTA);
	const char *t = type[(flags >> 4) & 0xf];

	printf("Express (v%u) %s, MSI %02x\n", flags & 0xf, t != NULL ? t : "Unknown type",
	       (flags >> 9) & 0x1f);
	printf("\t\tDevCap:\tMaxPayload %u bytes, PhantFunc %u\n", 128u << (devcap & 7),
	       (devcap >> 3) & 3);
	printf("\t\t\tExtTag%c RBE%c FLReset%c\n", pm(devcap & (1u << 5)),
	       pm(devcap & (1u << 15)), pm(devcap & HOSTSIM_EXP_DEVCAP_FLR));
	printf("\t\tDevCtl:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c\n",
	       pm(devctl & 1), pm(devctl & 2), pm(devctl & 4), pm(devctl & 8));
	printf("\t\t\tRlxdOrd%c ExtTag%c NoSnoop%c FLReset%c\n", pm(devctl & (1u << 4)),
	       pm(devctl & (1u << 8)), pm(devctl & (1u << 11)),
	       pm(devctl & HOSTSIM_EXP_DEVCTL_FLR));
	printf("\t\t\tMaxPayload %u bytes, MaxReadReq %u bytes\n", 128u << ((devctl >> 5) & 7),
	       128u << ((devctl >> 12) & 7));
	printf("\t\tDevSta:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c TransPend%c\n",
	       pm(devsta & 1), pm(devsta & 2), pm(devsta & 4), pm(devsta & 8),
	       pm(devsta & HOSTSIM_EXP_DEVSTA_TRPND));
	printf("\t\tLnkCap:\tPort #%u, Speed %s, Width x%u\n", lnkcap >> 24,
	       lspci_link_speed(lnkcap & 0xf), (lnkcap >> 4) & 0x3f);
	printf("\t\tLnkSta:\tSpeed %s, Width x%u\n", lspci_link_speed(lnksta & 0xf),
	       (lnksta >> 4) & 0x3f);
}

static void
lspci_cap_msix(const struct hostsim_fn *f, const struct hostsim_enum *e, uint16_t c)
{
	uint16_t ctrl = hostsim_fn_cfg16(f, c + HOSTSIM_MSIX_CTRL), v;
	uint32_t table = hostsim_fn_cfg32(f, c + HOSTSIM_MSIX_TABLE);
	uint32_t pba = hostsim_fn_cfg32(f, c + HOSTSIM_MSIX_PBA);
	const struct hostsim_bar *b = &f->bar[table & 7];
	uint32_t entry[4];

	printf("MSI-X: Enable%c Count=%u Masked%c\n", pm(ctrl & HOSTSIM_MSIX_ENABLE),
	       (ctrl & HOSTSIM_MSIX_QSIZE) + 1, pm(ctrl & HOSTSIM_MSIX_MASKALL));
	printf("\t\tVector table: BAR=%u offset=%08x\n", table & 7, table & ~7u);
	printf("\t\tPBA: BAR=%u offset=%08x\n", pba & 7, pba & ~7u);
	if (f->msix_err[0] != '\0')
		printf("\t\t<MSI-X not set up: %s>\n", f->msix_err);
	/* The vectors programmed, read back from the table. */
	for (v = 0; v < f->msix_programmed && (table & 7) < HOSTSIM_NB_BARS; v++) {
		if (tlpsim_host_mmio_read(e->host, e->qid, b->addr + (table & ~7u) + 16u * v,
					  entry, sizeof(entry)) != 0) {
			printf("\t\tVector %u: <read failed>\n", v);
			continue;
		}
		printf("\t\tVector %u: Address %08x%08x Data %08x Masked%c\n", v, entry[1],
		       entry[0], entry[2], pm(entry[3] & 1));
	}
}

static void
lspci_caps(const struct hostsim_fn *f, const struct hostsim_enum *e)
{
	const struct hostsim_cap *c;
	unsigned int i;

	for (i = 0; i < f->nb_caps; i++) {
		c = &f->caps[i];
		printf("\tCapabilities: [%02x] ", c->off);
		switch (c->id) {
		case HOSTSIM_CAP_PM:
			lspci_cap_pm(f, c->off);
			break;
		case HOSTSIM_CAP_EXP:
			lspci_cap_exp(f, c->off);
			break;
		case HOSTSIM_CAP_MSIX:
			lspci_cap_msix(f, e, c->off);
			break;
		case HOSTSIM_CAP_MSI:
			printf("MSI: Enable%c\n", pm(f->cfg[c->off + 2] & 1));
			break;
		case HOSTSIM_CAP_VNDR:
			printf("Vendor Specific Information: Len=%02x\n", f->cfg[c->off + 2]);
			break;
		default:
			printf("Capability ID %02x\n", c->id);
			break;
		}
	}
	if (f->cap_err[0] != '\0')
		printf("\tCapabilities: <walk stopped: %s>\n", f->cap_err);
	for (i = 0; i < f->nb_ext_caps; i++) {
		c = &f->ext_caps[i];
		printf("\tCapabilities: [%03x v%u] ", c->off, c->ver);
		if (c->id == 0x000b)
			printf("Vendor Specific Information: ID=%04x Rev=%u Len=%03x\n",
			       hostsim_fn_cfg16(f, c->off + 4), f->cfg[c->off + 6] & 0xf,
			       hostsim_fn_cfg16(f, c->off + 6) >> 4);
		else if (c->id == 0x0003)
			printf("Device Serial Number %08x%08x\n", hostsim_fn_cfg32(f, c->off + 8),
			       hostsim_fn_cfg32(f, c->off + 4));
		else
			printf("Extended Capability ID %04x\n", c->id);
	}
	if (f->ext_cap_err[0] != '\0')
		printf("\tCapabilities: <extended walk stopped: %s>\n", f->ext_cap_err);
}

static void
lspci_raw(const struct hostsim_fn *f, unsigned int len)
{
	unsigned int off, i;

	if (len > f->cfg_size)
		len = f->cfg_size;
	for (off = 0; off < len; off += 16) {
		printf(len > 256 ? "%03x:" : "%02x:", off);
		for (i = 0; i < 16; i++)
			printf(" %02x", f->cfg[off + i]);
		printf("\n");
	}
}

static void
lspci_usage(FILE *f)
{
	hostsim_enum_usage(f);
	fprintf(f,
		"  --raw             also dump the first 256 bytes of config space in hex\n"
		"  --raw-ext         dump all 4096 bytes (extended space included)\n");
}

static int
lspci_parse(int argc, char **argv, struct hostsim_opts *o, struct hostsim_enum_conf *ec,
	    struct lspci_conf *lc)
{
	static const struct option longopts[] = {
		HOSTSIM_COMMON_LONGOPTS,
		HOSTSIM_ENUM_LONGOPTS,
		{ "raw", no_argument, NULL, LSPCI_OPT_RAW },
		{ "raw-ext", no_argument, NULL, LSPCI_OPT_RAW_EXT },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = hostsim_cmd_opt(c, optarg, &hostsim_cmd_lspci, o);
		if (ret == 2)
			return 1;
		if (ret == 0)
			ret = hostsim_enum_opt(c, optarg, ec);
		if (ret < 0)
			return -1;
		if (ret == 1)
			continue;
		switch (c) {
		case LSPCI_OPT_RAW:
			lc->raw = 256;
			break;
		case LSPCI_OPT_RAW_EXT:
			lc->raw = 4096;
			break;
		default:
			hostsim_cmd_usage(stderr, &hostsim_cmd_lspci);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lspci: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return hostsim_enum_conf_check(ec, o);
}

static int
lspci_run(int argc, char **argv, struct hostsim_opts *o)
{
	struct hostsim_enum_conf ec;
	struct lspci_conf lc = { 0 };
	struct hostsim_enum *e = NULL;
	struct tlpsim_host *host;
	unsigned int fn, problems = 0, shown = 0;
	int ret;

	hostsim_enum_conf_init(&ec);
	ret = lspci_parse(argc, argv, o, &ec, &lc);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (hostsim_pin(o->core) != 0 || hostsim_host_open(o, &host) != 0)
		return 1;
	ret = hostsim_enum_run(host, 0, &ec, &e);
	for (fn = 0; e != NULL && fn < HOSTSIM_MAX_FNS; fn++) {
		if (!e->present[fn])
			continue;
		/* A function whose set-up failed has no snapshot worth showing. */
		if (ret != 0 && ret != -ENODEV && e->fn[fn].cfg_size == 0)
			continue;
		if (shown++ > 0)
			printf("\n");
		lspci_header(&e->fn[fn]);
		lspci_bars(&e->fn[fn]);
		lspci_caps(&e->fn[fn], e);
		if (lc.raw != 0)
			lspci_raw(&e->fn[fn], lc.raw);
		problems += e->fn[fn].problems;
	}
	fflush(stdout);
	if (ret == -ENODEV)
		fprintf(stderr, "lspci: no function answers on bus %02x\n", ec.bus);
	else if (ret != 0)
		fprintf(stderr, "lspci: enumeration failed: %s\n", strerror(-ret));
	else if (problems != 0)
		fprintf(stderr, "lspci: %u problem(s) found, see the dump\n", problems);
	hostsim_enum_free(e);
	tlpsim_host_destroy(host);
	return ret != 0 || problems != 0 ? 1 : 0;
}

const struct hostsim_cmd hostsim_cmd_lspci = {
	.name = "lspci",
	.summary = "enumerate the link as an OS does and dump what it found",
	.run = lspci_run,
	.usage = lspci_usage,
};
