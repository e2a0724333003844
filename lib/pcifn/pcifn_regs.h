/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef PCIFN_REGS_H
#define PCIFN_REGS_H

/**
 * @file
 * Register layouts of the configuration space that lib/pcifn emulates: the
 * type 0 header and the capabilities it builds (power management, PCI
 * Express, MSI-X, vendor-specific) with their bit fields. Layouts are packed
 * structures whose offsets are pinned by static assertions; the config space
 * itself is little-endian, as on PCI.
 *
 * Useful to hosts (tlp-hostsim enumerates with it) and to tests.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Type 0 configuration header (the first 64 bytes). */
struct pcifn_hdr0 {
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t command;
	uint16_t status;
	uint8_t revision;
	uint8_t class_code[3];	/**< prog-if, subclass, base class */
	uint8_t cache_line_size;
	uint8_t latency_timer;
	uint8_t header_type;
	uint8_t bist;
	uint32_t bar[6];
	uint32_t cardbus_cis;
	uint16_t subsys_vendor_id;
	uint16_t subsys_id;
	uint32_t rom_bar;
	uint8_t cap_ptr;
	uint8_t rsvd[7];
	uint8_t intr_line;
	uint8_t intr_pin;
	uint8_t min_gnt;
	uint8_t max_lat;
} __attribute__((packed));

_Static_assert(sizeof(struct pcifn_hdr0) == 64, "type 0 header size");
_Static_assert(offsetof(struct pcifn_hdr0, command) == 0x04, "command");
_Static_assert(offsetof(struct pcifn_hdr0, status) == 0x06, "status");
_Static_assert(offsetof(struct pcifn_hdr0, cache_line_size) == 0x0c, "cache line size");
_Static_assert(offsetof(struct pcifn_hdr0, header_type) == 0x0e, "header type");
_Static_assert(offsetof(struct pcifn_hdr0, bar) == 0x10, "BARs");
_Static_assert(offsetof(struct pcifn_hdr0, subsys_vendor_id) == 0x2c, "subsystem vendor");
_Static_assert(offsetof(struct pcifn_hdr0, rom_bar) == 0x30, "expansion ROM");
_Static_assert(offsetof(struct pcifn_hdr0, cap_ptr) == 0x34, "capabilities pointer");
_Static_assert(offsetof(struct pcifn_hdr0, intr_line) == 0x3c, "interrupt line");

/** Header register offsets. */
#define PCIFN_CFG_VENDOR_ID	offsetof(struct pcifn_hdr0, vendor_id)
#define PCIFN_CFG_DEVICE_ID	offsetof(struct pcifn_hdr0, device_id)
#define PCIFN_CFG_COMMAND	offsetof(struct pcifn_hdr0, command)
#define PCIFN_CFG_STATUS	offsetof(struct pcifn_hdr0, status)
#define PCIFN_CFG_REVISION	offsetof(struct pcifn_hdr0, revision)
#define PCIFN_CFG_CLASS		offsetof(struct pcifn_hdr0, class_code)
#define PCIFN_CFG_CACHE_LINE	offsetof(struct pcifn_hdr0, cache_line_size)
#define PCIFN_CFG_HEADER_TYPE	offsetof(struct pcifn_hdr0, header_type)
#define PCIFN_CFG_BAR0		offsetof(struct pcifn_hdr0, bar)
#define PCIFN_CFG_SUBSYS_VID	offsetof(struct pcifn_hdr0, subsys_vendor_id)
#define PCIFN_CFG_SUBSYS_ID	offsetof(struct pcifn_hdr0, subsys_id)
#define PCIFN_CFG_ROM_BAR	offsetof(struct pcifn_hdr0, rom_bar)
#define PCIFN_CFG_CAP_PTR	offsetof(struct pcifn_hdr0, cap_ptr)
#define PCIFN_CFG_INTR_LINE	offsetof(struct pcifn_hdr0, intr_line)
#define PCIFN_CFG_INTR_PIN	offsetof(struct pcifn_hdr0, intr_pin)

/** Command register bits. */
#define PCIFN_CMD_IO		(1u << 0)	/**< I/O Space Enable (RO 0: no I/O BARs) */
#define PCIFN_CMD_MEM		(1u << 1)	/**< Memory Space Enable */
#define PCIFN_CMD_BME		(1u << 2)	/**< Bus Master Enable */
#define PCIFN_CMD_PERR		(1u << 6)	/**< Parity Error Response */
#define PCIFN_CMD_SERR		(1u << 8)	/**< SERR# Enable */
#define PCIFN_CMD_INTX_DIS	(1u << 10)	/**< Interrupt Disable */

/** Status register bits. */
#define PCIFN_STS_INTX		(1u << 3)	/**< Interrupt Status (RO) */
#define PCIFN_STS_CAP_LIST	(1u << 4)	/**< Capabilities List (RO 1) */
#define PCIFN_STS_MDPE		(1u << 8)	/**< Master Data Parity Error (RW1C) */
#define PCIFN_STS_STA		(1u << 11)	/**< Signaled Target Abort (RW1C) */
#define PCIFN_STS_RTA		(1u << 12)	/**< Received Target Abort (RW1C) */
#define PCIFN_STS_RMA		(1u << 13)	/**< Received Master Abort (RW1C) */
#define PCIFN_STS_SSE		(1u << 14)	/**< Signaled System Error (RW1C) */
#define PCIFN_STS_DPE		(1u << 15)	/**< Detected Parity Error (RW1C) */
/** Status bits the host clears by writing 1. */
#define PCIFN_STS_RW1C (PCIFN_STS_MDPE | PCIFN_STS_STA | PCIFN_STS_RTA | PCIFN_STS_RMA | \
			PCIFN_STS_SSE | PCIFN_STS_DPE)

/** Header Type: multi-function device. */
#define PCIFN_HDR_TYPE_MF	0x80u

/** Memory BAR low bits. */
#define PCIFN_BAR_MEM_64	0x4u	/**< type 10b: 64-bit */
#define PCIFN_BAR_MEM_PREFETCH	0x8u	/**< prefetchable */
#define PCIFN_BAR_MEM_FLAGS	0xfu	/**< the read-only type bits */

/** Capability IDs. */
#define PCIFN_CAP_ID_PM		0x01
#define PCIFN_CAP_ID_VNDR	0x09
#define PCIFN_CAP_ID_EXP	0x10
#define PCIFN_CAP_ID_MSIX	0x11

/** Power Management capability (PCI PM 1.2). */
struct pcifn_cap_pm {
	uint8_t id;
	uint8_t next;
	uint16_t pmc;		/**< PM Capabilities */
	uint16_t pmcsr;		/**< PM Control/Status */
	uint8_t bse;		/**< bridge extensions (0) */
	uint8_t data;		/**< data register (0) */
} __attribute__((packed));
_Static_assert(sizeof(struct pcifn_cap_pm) == 8, "PM capability size");
_Static_assert(offsetof(struct pcifn_cap_pm, pmcsr) == 4, "PMCSR");

#define PCIFN_PM_PMC_VERSION	0x3u		/**< PMC: version 3 (PCI PM 1.2) */
#define PCIFN_PM_PMCSR_STATE	0x3u		/**< PowerState field */
#define PCIFN_PM_STATE_D0	0x0u
#define PCIFN_PM_STATE_D3HOT	0x3u
#define PCIFN_PM_PMCSR_NSR	(1u << 3)	/**< No_Soft_Reset (RO 1) */

/** PCI Express capability, version 2, endpoint layout. */
struct pcifn_cap_exp {
	uint8_t id;
	uint8_t next;
	uint16_t flags;		/**< PCI Express Capabilities register */
	uint32_t devcap;
	uint16_t devctl;
	uint16_t devsta;
	uint32_t lnkcap;
	uint16_t lnkctl;
	uint16_t lnksta;
	uint32_t sltcap;
	uint16_t sltctl;
	uint16_t sltsta;
	uint16_t rtctl;
	uint16_t rtcap;
	uint32_t rtsta;
	uint32_t devcap2;
	uint16_t devctl2;
	uint16_t devsta2;
	uint32_t lnkcap2;
	uint16_t lnkctl2;
	uint16_t lnksta2;
	uint32_t sltcap2;
	uint16_t sltctl2;
	uint16_t sltsta2;
} __attribute__((packed));
_Static_assert(sizeof(struct pcifn_cap_exp) == 0x3c, "PCIe capability size");
_Static_assert(offsetof(struct pcifn_cap_exp, devcap) == 0x04, "Device Capabilities");
_Static_assert(offsetof(struct pcifn_cap_exp, devctl) == 0x08, "Device Control");
_Static_assert(offsetof(struct pcifn_cap_exp, devsta) == 0x0a, "Device Status");
_Static_assert(offsetof(struct pcifn_cap_exp, lnkcap) == 0x0c, "Link Capabilities");
_Static_assert(offsetof(struct pcifn_cap_exp, lnkctl) == 0x10, "Link Control");
_Static_assert(offsetof(struct pcifn_cap_exp, lnksta) == 0x12, "Link Status");
_Static_assert(offsetof(struct pcifn_cap_exp, devcap2) == 0x24, "Device Capabilities 2");
_Static_assert(offsetof(struct pcifn_cap_exp, devctl2) == 0x28, "Device Control 2");
_Static_assert(offsetof(struct pcifn_cap_exp, lnkcap2) == 0x2c, "Link Capabilities 2");
_Static_assert(offsetof(struct pcifn_cap_exp, lnkctl2) == 0x30, "Link Control 2");

/** PCI Express Capabilities register: version 2, Endpoint. */
#define PCIFN_EXP_FLAGS_V2_EP	0x0002u
/** Device Capabilities. */
#define PCIFN_EXP_DEVCAP_MPS	0x7u		/**< Max_Payload_Size Supported */
#define PCIFN_EXP_DEVCAP_EXT_TAG (1u << 5)	/**< Extended Tag Field Supported */
#define PCIFN_EXP_DEVCAP_RBER	(1u << 15)	/**< Role-Based Error Reporting */
#define PCIFN_EXP_DEVCAP_FLR	(1u << 28)	/**< Function Level Reset Capability */
/** Device Control. */
#define PCIFN_EXP_DEVCTL_CERE	(1u << 0)	/**< Correctable Error Reporting Enable */
#define PCIFN_EXP_DEVCTL_NFERE	(1u << 1)	/**< Non-Fatal Error Reporting Enable */
#define PCIFN_EXP_DEVCTL_FERE	(1u << 2)	/**< Fatal Error Reporting Enable */
#define PCIFN_EXP_DEVCTL_URRE	(1u << 3)	/**< UR Reporting Enable */
#define PCIFN_EXP_DEVCTL_RO	(1u << 4)	/**< Enable Relaxed Ordering */
#define PCIFN_EXP_DEVCTL_MPS	(7u << 5)	/**< Max_Payload_Size */
#define PCIFN_EXP_DEVCTL_MPS_SHIFT 5
#define PCIFN_EXP_DEVCTL_EXT_TAG (1u << 8)	/**< Extended Tag Field Enable */
#define PCIFN_EXP_DEVCTL_NS	(1u << 11)	/**< Enable No Snoop */
#define PCIFN_EXP_DEVCTL_MRRS	(7u << 12)	/**< Max_Read_Request_Size */
#define PCIFN_EXP_DEVCTL_MRRS_SHIFT 12
#define PCIFN_EXP_DEVCTL_FLR	(1u << 15)	/**< Initiate Function Level Reset (reads 0) */
/** Device Status (RW1C error bits). */
#define PCIFN_EXP_DEVSTA_CED	(1u << 0)	/**< Correctable Error Detected */
#define PCIFN_EXP_DEVSTA_NFED	(1u << 1)	/**< Non-Fatal Error Detected */
#define PCIFN_EXP_DEVSTA_FED	(1u << 2)	/**< Fatal Error Detected */
#define PCIFN_EXP_DEVSTA_URD	(1u << 3)	/**< Unsupported Request Detected */
#define PCIFN_EXP_DEVSTA_TRPND	(1u << 5)	/**< Transactions Pending (RO) */
/** Link: the function reports an 8.0 GT/s x1 link. */
#define PCIFN_EXP_LNK_SPEED	3u		/**< Max/Current Link Speed: vector bit 3 */
#define PCIFN_EXP_LNK_WIDTH	1u		/**< Max/Negotiated Link Width */
#define PCIFN_EXP_LNKCTL_ASPM	0x3u		/**< ASPM Control */
#define PCIFN_EXP_LNKCTL_RCB	(1u << 3)	/**< Read Completion Boundary: 128 bytes */
#define PCIFN_EXP_LNKCTL_CCC	(1u << 6)	/**< Common Clock Configuration */
#define PCIFN_EXP_LNKCTL_ES	(1u << 7)	/**< Extended Synch */
#define PCIFN_EXP_LNKSTA_SCC	(1u << 12)	/**< Slot Clock Configuration */
#define PCIFN_EXP_LNKCAP2_SPEEDS 0x0eu		/**< 2.5, 5.0 and 8.0 GT/s supported */
/** Device Capabilities 2 / Control 2. */
#define PCIFN_EXP_DEVCAP2_CTO_RANGES 0xfu	/**< Completion Timeout Ranges: A-D */
#define PCIFN_EXP_DEVCAP2_CTO_DIS (1u << 4)	/**< Completion Timeout Disable Supported */
#define PCIFN_EXP_DEVCAP2_TAG10_CPL (1u << 16)	/**< 10-Bit Tag Completer Supported */
#define PCIFN_EXP_DEVCTL2_CTO_VAL 0xfu		/**< Completion Timeout Value */
#define PCIFN_EXP_DEVCTL2_CTO_DIS (1u << 4)	/**< Completion Timeout Disable */

/** MSI-X capability. */
struct pcifn_cap_msix {
	uint8_t id;
	uint8_t next;
	uint16_t ctrl;		/**< Message Control */
	uint32_t table;		/**< Table Offset / BIR */
	uint32_t pba;		/**< PBA Offset / BIR */
} __attribute__((packed));
_Static_assert(sizeof(struct pcifn_cap_msix) == 12, "MSI-X capability size");

#define PCIFN_MSIX_CTRL_SIZE	0x07ffu		/**< Table Size - 1 */
#define PCIFN_MSIX_CTRL_MASK	(1u << 14)	/**< Function Mask */
#define PCIFN_MSIX_CTRL_ENABLE	(1u << 15)	/**< MSI-X Enable */
#define PCIFN_MSIX_BIR_MASK	0x7u

/** One MSI-X table entry, in the BAR. */
struct pcifn_msix_entry {
	uint32_t addr_lo;	/**< bits 1:0 read 0 */
	uint32_t addr_hi;
	uint32_t data;
	uint32_t ctrl;		/**< Vector Control */
} __attribute__((packed));
_Static_assert(sizeof(struct pcifn_msix_entry) == 16, "MSI-X entry size");

#define PCIFN_MSIX_ENTRY_MASKED	(1u << 0)	/**< Vector Control: Mask Bit */

/** Vendor-specific capability header; the body follows the length byte. */
struct pcifn_cap_vndr {
	uint8_t id;
	uint8_t next;
	uint8_t len;		/**< whole capability, header included */
} __attribute__((packed));
_Static_assert(sizeof(struct pcifn_cap_vndr) == 3, "vendor capability header size");

/** Extended capability header: ID 15:0, version 19:16, next offset 31:20. */
#define PCIFN_EXT_CAP_START	0x100u
#define PCIFN_EXT_CAP_ID(h)	((h) & 0xffffu)
#define PCIFN_EXT_CAP_VER(h)	(((h) >> 16) & 0xfu)
#define PCIFN_EXT_CAP_NEXT(h)	(((h) >> 20) & 0xffcu)

#ifdef __cplusplus
}
#endif

#endif /* PCIFN_REGS_H */
