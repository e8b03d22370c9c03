/*
 * libFuzzer harness: the YAML configuration from memory
 * (config_parse_string), then everything the daemon and `cebgpd -n` do with
 * a loaded config: the plan, session lookups and reload comparison.
 * A config that loads must report no error; one that does not must say why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                        \
		}                                                                       \
	} while (0)

static FILE *devnull;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_diag diag;
	struct config *cfg;
	char *text;

	if (size > 65536)
		return 0;
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	CHECK(devnull != NULL);
	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	config_diag_init(&diag);
	cfg = config_parse_string(text, "fuzz.yaml", &diag);
	config_diag_print(devnull, &diag);
	if (cfg == NULL) {
		CHECK(diag.errors > 0);
	} else {
		CHECK(diag.errors == 0);
		config_plan(devnull, cfg, &diag, NULL, NULL);
		for (size_t i = 0; i < cfg->nsessions; i++) {
			const struct config_session *s = &cfg->sessions[i];

			CHECK(config_session_find(cfg, s->key) == s);
			char why[256];

			CHECK(config_session_compare(s, s, why, sizeof(why)) == CONFIG_UNCHANGED);
		}
		config_free(cfg);
	}
	config_diag_free(&diag);
	free(text);
	return 0;
}
