/*
 * config_fixture: what the config tests share (test_config, test_config_v6,
 * test_profile, test_config_communities): a config text edited from a base,
 * a load from memory, and the diagnostics as config_diag_print() writes
 * them. Header-only, static: each test program includes it once.
 */
#ifndef CEBGP_TEST_CONFIG_FIXTURE_H
#define CEBGP_TEST_CONFIG_FIXTURE_H
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/config.h" /* not autoconf's config.h */

/* base with its first `from` replaced by `to` ("" from: nothing replaced), then append. */
static inline char *
fixture_edit(const char *base, const char *from, const char *to, const char *append)
{
	const char *at = from[0] ? strstr(base, from) : base + strlen(base);
	char *out;

	ck_assert_msg(at != NULL, "'%s' is not in the base", from);
	out = calloc(1, strlen(base) + strlen(to) + strlen(append) + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, base, (size_t)(at - base));
	strcat(out, to);
	strcat(out, at + strlen(from));
	strcat(out, append);
	return out;
}

/* Parse text as the file "t.yaml"; d is initialised here. */
static inline struct config *
fixture_load(const char *text, struct config_diag *d)
{
	config_diag_init(d);
	return config_parse_string(text, "t.yaml", d);
}

/* The diagnostics as config_diag_print() writes them (caller frees). */
static inline char *
fixture_diag_text(const struct config_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	config_diag_print(f, d);
	fclose(f);
	return buf;
}

#endif
