/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * dpdk-tlp-hostsim as a user runs it: usage errors, --help, and bench-rtt
 * against a device process (the test responder), its key=value output and
 * its exit status when requests fail. argv[1] is the path of the binary.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"

static const char *hostsim;

/* Run hostsim with @p args (NULL-terminated); its stdout into @p out. Exit status or -1. */
static int
run(const char *const *args, char *out, size_t cap)
{
	return tst_run_capture(hostsim, args, out, cap);
}

/* The value of "key=" in @p out, or -1. */
static double
value(const char *out, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = out; (p = strstr(p, pat)) != NULL; p++)
		if (p == out || p[-1] == '\n')
			return strtod(p + strlen(pat), NULL);
	return -1;
}

static int
test_hostsim_usage(void)
{
	static char out[8192];
	const char *help[] = { "--help", NULL };
	const char *cmd_help[] = { "bench-rtt", "--help", NULL };
	const char *bad_cmd[] = { "frobnicate", NULL };
	const char *bad_opt[] = { "bench-rtt", "--socket", "/nonexistent", "--burst", "0", NULL };
	const char *no_sock[] = { "bench-rtt", NULL };

	TEST_ASSERT_EQUAL(run(help, out, sizeof(out)), 0, "--help");
	TEST_ASSERT(strstr(out, "bench-rtt") != NULL, "commands listed");
	TEST_ASSERT_EQUAL(run(cmd_help, out, sizeof(out)), 0, "bench-rtt --help");
	TEST_ASSERT(strstr(out, "--duration-ms") != NULL && strstr(out, "--socket") != NULL,
		    "command and common options listed");
	TEST_ASSERT_EQUAL(run(bad_cmd, out, sizeof(out)), 2, "unknown command");
	TEST_ASSERT_EQUAL(run(bad_opt, out, sizeof(out)), 2, "bad option value");
	TEST_ASSERT_EQUAL(run(no_sock, out, sizeof(out)), 1, "no socket");
	return TEST_SUCCESS;
}

static int
test_hostsim_bench(void)
{
	static const char *const keys[] = {
		"cfg_rtt_p50_us", "cfg_rtt_p99_us", "cfg_rtt_max_us", "cfg_tlps_per_s",
		"mem_rtt_p50_us", "mem_rtt_p99_us", "mem_rtt_max_us", "mem_tlps_per_s",
	};
	static char out[8192];
	struct tst_dir dir;
	unsigned int i;
	pid_t dev;
	int ret;

	TEST_ASSERT(tst_dir_make(&dir) == 0, "dir");
	dev = tst_dev_spawn(dir.sock, NULL, 1);
	{
		const char *args[] = {
			"bench-rtt", "--socket", dir.sock, "--count", "2000", "--warmup", "100",
			"--duration-ms", "200", "--cpl-timeout-ms", "3000",
			"--connect-timeout-ms", "20000", NULL,
		};

		ret = run(args, out, sizeof(out));
	}
	TEST_ASSERT_EQUAL(ret, 0, "bench-rtt succeeds:\n%s", out);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		TEST_ASSERT(value(out, keys[i]) > 0, "%s printed and positive", keys[i]);
	TEST_ASSERT(value(out, "cfg_rtt_p50_us") <= value(out, "cfg_rtt_p99_us") &&
		    value(out, "cfg_rtt_p99_us") <= value(out, "cfg_rtt_max_us"), "ordered");
	TEST_ASSERT_EQUAL(value(out, "cpl_timeouts"), 0, "no timeouts");
	TEST_ASSERT_EQUAL(value(out, "errors"), 0, "no errors");
	{
		/* Memory reads outside the device's BAR: every one answered UR. */
		const char *args[] = {
			"bench-rtt", "--socket", dir.sock, "--count", "100", "--warmup", "0",
			"--duration-ms", "50", "--addr", "0x10000000",
			"--connect-timeout-ms", "20000", NULL,
		};

		ret = run(args, out, sizeof(out));
	}
	TEST_ASSERT_EQUAL(ret, 1, "failed requests make it fail:\n%s", out);
	TEST_ASSERT(value(out, "errors") >= 100, "errors counted");
	tst_child_kill(dev, SIGKILL);
	tst_dir_remove(&dir);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_hostsim_usage),
	TEST_CASE(test_hostsim_bench),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <path of dpdk-tlp-hostsim> [cases]\n", argv[0]);
		return 1;
	}
	hostsim = argv[1];
	argv[1] = argv[0];
	return tlpemu_test_run("tlpsim_hostsim", cases, argc - 1, argv + 1);
}
