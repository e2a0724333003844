/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The process-wide table of functions and the telemetry endpoints:
 *   /pcifn/list            ids of the functions
 *   /pcifn/info,<id>       identity, group, routing ID, BARs, interrupt state
 *   /pcifn/stats,<id>      counters
 *   /pcifn/config,<id>     the first 256 bytes of config space, as 64 DWs
 * Telemetry runs on its own thread: the values are a snapshot that may be
 * torn against the control thread, which is fine for monitoring.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "pcifn_private.h"

static struct pcifn *pcifn_table[PCIFN_MAX_FNS];
static rte_spinlock_t pcifn_table_lock = RTE_SPINLOCK_INITIALIZER;

int
pcifn_table_add(struct pcifn *fn)
{
	int i;

	rte_spinlock_lock(&pcifn_table_lock);
	for (i = 0; i < PCIFN_MAX_FNS; i++) {
		if (pcifn_table[i] == NULL) {
			pcifn_table[i] = fn;
			fn->id = i;
			rte_spinlock_unlock(&pcifn_table_lock);
			return 0;
		}
	}
	rte_spinlock_unlock(&pcifn_table_lock);
	PCIFN_LOG(ERR, "too many functions (%d)", PCIFN_MAX_FNS);
	return -ENOSPC;
}

void
pcifn_table_del(struct pcifn *fn)
{
	rte_spinlock_lock(&pcifn_table_lock);
	if (fn->id >= 0 && fn->id < PCIFN_MAX_FNS && pcifn_table[fn->id] == fn)
		pcifn_table[fn->id] = NULL;
	rte_spinlock_unlock(&pcifn_table_lock);
}

/* "<id>" of an existing function, or NULL. Called under the table lock. */
static const struct pcifn *
pcifn_tel_parse(const char *params)
{
	unsigned long id;
	char *end;

	if (params == NULL || *params == '\0')
		return NULL;
	errno = 0;
	id = strtoul(params, &end, 0);
	if (errno != 0 || *end != '\0' || id >= PCIFN_MAX_FNS)
		return NULL;
	return pcifn_table[id];
}

static int
pcifn_tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
	       struct rte_tel_data *d)
{
	int i;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	rte_spinlock_lock(&pcifn_table_lock);
	for (i = 0; i < PCIFN_MAX_FNS; i++)
		if (pcifn_table[i] != NULL)
			rte_tel_data_add_array_int(d, i);
	rte_spinlock_unlock(&pcifn_table_lock);
	return 0;
}

static int
pcifn_tel_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct pcifn *fn;
	struct pcifn_stats st;

	rte_spinlock_lock(&pcifn_table_lock);
	fn = pcifn_tel_parse(params);
	if (fn == NULL || pcifn_stats_get(fn, &st) != 0) {
		rte_spinlock_unlock(&pcifn_table_lock);
		return -EINVAL;
	}
	rte_spinlock_unlock(&pcifn_table_lock);
	rte_tel_data_start_dict(d);
#define PCIFN_TEL_U64(f) rte_tel_data_add_dict_u64(d, #f, st.f)
	PCIFN_TEL_U64(cfg_rd);
	PCIFN_TEL_U64(cfg_wr);
	PCIFN_TEL_U64(mem_rd);
	PCIFN_TEL_U64(mem_wr);
	PCIFN_TEL_U64(cpl_ur);
	PCIFN_TEL_U64(cpl_ca);
	PCIFN_TEL_U64(cpl_crs);
	PCIFN_TEL_U64(wr_dropped);
	PCIFN_TEL_U64(refused);
	PCIFN_TEL_U64(msix_sent);
	PCIFN_TEL_U64(msix_pended);
	PCIFN_TEL_U64(intx_msgs);
	PCIFN_TEL_U64(flr);
	PCIFN_TEL_U64(resets);
	PCIFN_TEL_U64(cpl_dropped);
	PCIFN_TEL_U64(hole_rd);
	PCIFN_TEL_U64(msgs);
	PCIFN_TEL_U64(poisoned);
	PCIFN_TEL_U64(msix_dropped);
	PCIFN_TEL_U64(tx_retries);
	PCIFN_TEL_U64(reset_ns_last);
	PCIFN_TEL_U64(reset_ns_max);
#undef PCIFN_TEL_U64
	return 0;
}

static int
pcifn_tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct pcifn *fn;
	char key[16];
	unsigned int i;

	rte_spinlock_lock(&pcifn_table_lock);
	fn = pcifn_tel_parse(params);
	if (fn == NULL) {
		rte_spinlock_unlock(&pcifn_table_lock);
		return -EINVAL;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "vendor_id", fn->params.vendor_id);
	rte_tel_data_add_dict_int(d, "device_id", fn->params.device_id);
	rte_tel_data_add_dict_int(d, "tlpdev", fn->grp != NULL ? fn->grp->dev_id : -1);
	rte_tel_data_add_dict_int(d, "fn_num", fn->grp != NULL ? fn->fn_num : -1);
	rte_tel_data_add_dict_int(d, "rid", fn->rid);
	rte_tel_data_add_dict_int(d, "command", pcifn_cfg16(fn, PCIFN_CFG_COMMAND));
	rte_tel_data_add_dict_int(d, "status", pcifn_cfg16(fn, PCIFN_CFG_STATUS));
	for (i = 0; i < PCIFN_NB_BARS; i++) {
		if (fn->bars[i].size == 0)
			continue;
		snprintf(key, sizeof(key), "bar%u_addr", i);
		rte_tel_data_add_dict_u64(d, key, fn->bars[i].base);
		snprintf(key, sizeof(key), "bar%u_size", i);
		rte_tel_data_add_dict_u64(d, key, fn->bars[i].size);
	}
	rte_tel_data_add_dict_int(d, "mem_decode", fn->decode);
	rte_tel_data_add_dict_int(d, "bus_master", fn->bme);
	rte_tel_data_add_dict_int(d, "mps", fn->mps);
	rte_tel_data_add_dict_int(d, "rcb", fn->rcb);
	rte_tel_data_add_dict_int(d, "msix_vectors", fn->params.msix_vectors);
	rte_tel_data_add_dict_int(d, "msix_enabled", fn->msix_enabled);
	rte_tel_data_add_dict_int(d, "msix_masked", fn->msix_fmask);
	rte_tel_data_add_dict_int(d, "intx_level", fn->intx_level);
	rte_tel_data_add_dict_int(d, "resetting", fn->resetting);
	rte_spinlock_unlock(&pcifn_table_lock);
	return 0;
}

static int
pcifn_tel_config(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	const struct pcifn *fn;
	unsigned int i;

	rte_spinlock_lock(&pcifn_table_lock);
	fn = pcifn_tel_parse(params);
	if (fn == NULL) {
		rte_spinlock_unlock(&pcifn_table_lock);
		return -EINVAL;
	}
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	for (i = 0; i < 256; i += 4)
		rte_tel_data_add_array_u64(d, pcifn_le32(&fn->cfg[i]));
	rte_spinlock_unlock(&pcifn_table_lock);
	return 0;
}

RTE_INIT(pcifn_telemetry_init)
{
	rte_telemetry_register_cmd("/pcifn/list", pcifn_tel_list,
				   "Returns the ids of the emulated PCI functions.");
	rte_telemetry_register_cmd("/pcifn/info", pcifn_tel_info,
				   "Returns the state of a PCI function. Parameters: int id");
	rte_telemetry_register_cmd("/pcifn/stats", pcifn_tel_stats,
				   "Returns the counters of a PCI function. Parameters: int id");
	rte_telemetry_register_cmd("/pcifn/config", pcifn_tel_config,
				   "Returns config space 0x00-0xff as 64 DWs. Parameters: int id");
}
