/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPEMU_TEST_EAL_H
#define TLPEMU_TEST_EAL_H

/**
 * @file
 * EAL set-up for tests: no hugepages, no PCI bus, no shared runtime files, a
 * file prefix of its own, and any extra arguments (e.g. --vdev) the test needs.
 */

#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

#define TLPEMU_TEST_EAL_MAX_ARGS 32

/**
 * Initialise EAL for a test process.
 * @param extra
 *   NULL-terminated list of extra EAL arguments, or NULL.
 * @return 0 or -1.
 */
static inline int
tlpemu_test_eal_init(const char *const *extra)
{
	static char prefix[64];
	char *argv[TLPEMU_TEST_EAL_MAX_ARGS + 1];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=tlpemu-test-%d", (int)getpid());
	argv[argc++] = (char *)(uintptr_t)"tlpemu-test";
	argv[argc++] = (char *)(uintptr_t)"--no-huge";
	argv[argc++] = (char *)(uintptr_t)"-m";
	argv[argc++] = (char *)(uintptr_t)"128";
	argv[argc++] = (char *)(uintptr_t)"--no-pci";
	argv[argc++] = (char *)(uintptr_t)"--no-shconf";
	argv[argc++] = (char *)(uintptr_t)"--no-telemetry";
	argv[argc++] = (char *)(uintptr_t)"--log-level=lib.eal:error";
	argv[argc++] = prefix;
	while (extra != NULL && *extra != NULL) {
		if (argc == TLPEMU_TEST_EAL_MAX_ARGS) {
			fprintf(stderr, "tlpemu_test_eal_init: more than %d arguments\n",
				TLPEMU_TEST_EAL_MAX_ARGS);
			return -1;
		}
		argv[argc++] = (char *)(uintptr_t)*extra++;
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return -1;
	}
	/*
	 * With --no-shconf and --no-telemetry nothing lives in EAL's runtime
	 * directory after init: remove it now, so that no test (forked children
	 * that _exit() included) leaves one behind.
	 */
	rmdir(rte_eal_get_runtime_dir());
	return 0;
}

#endif /* TLPEMU_TEST_EAL_H */
