/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPEMU_TEST_H
#define TLPEMU_TEST_H

/**
 * @file
 * Minimal unit-test harness: each suite is one executable listing its cases;
 * meson runs the executables. A case returns TEST_SUCCESS, TEST_FAILED or
 * TEST_SKIPPED (with a reason printed by TEST_SKIP()).
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define TEST_SUCCESS 0
#define TEST_FAILED (-1)
#define TEST_SKIPPED 77

#define TEST_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: assertion failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_EQUAL(a, b, ...) do { \
	long long test_a_ = (long long)(a), test_b_ = (long long)(b); \
	if (test_a_ != test_b_) { \
		fprintf(stderr, "%s:%d: %s == %s failed (%lld != %lld): ", __FILE__, __LINE__, \
			#a, #b, test_a_, test_b_); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_MEM_EQ(a, b, n, ...) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		fprintf(stderr, "%s:%d: memory differs: %s vs %s (%zu bytes): ", __FILE__, \
			__LINE__, #a, #b, (size_t)(n)); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_SKIP(...) do { \
	fprintf(stderr, "skip: "); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	return TEST_SKIPPED; \
} while (0)

struct tlpemu_test_case {
	const char *name;
	int (*fn)(void);
};

#define TEST_CASE(f) { #f, f }

/**
 * Run the cases (all, or those named on the command line) and print one line
 * per case and a summary. Returns the process exit status: 0 when no case
 * failed and at least one passed, 77 when every case was skipped, 1 otherwise.
 */
static inline int
tlpemu_test_run(const char *suite, const struct tlpemu_test_case *cases, int argc,
		char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0;
	const struct tlpemu_test_case *c;
	int i, want, rc;

	for (c = cases; c->name != NULL; c++) {
		want = argc <= 1;
		for (i = 1; i < argc; i++)
			if (strcmp(argv[i], c->name) == 0)
				want = 1;
		if (!want)
			continue;
		fflush(stdout);
		rc = c->fn();
		if (rc == TEST_SUCCESS) {
			passed++;
			printf("%s: %s: PASS\n", suite, c->name);
		} else if (rc == TEST_SKIPPED) {
			skipped++;
			printf("%s: %s: SKIP\n", suite, c->name);
		} else {
			failed++;
			printf("%s: %s: FAIL\n", suite, c->name);
		}
	}
	printf("%s: %u passed, %u failed, %u skipped\n", suite, passed, failed, skipped);
	fflush(stdout);
	if (failed > 0)
		return 1;
	if (passed == 0)
		return skipped > 0 ? 77 : 1;
	return 0;
}

#endif /* TLPEMU_TEST_H */
