/*
 * ctl_render: the daemon's JSON answers as text tables (cebgpctl).
 *
 * The daemon never formats text for the shell (style.md §6): it answers
 * JSON (ctl_proto.h) and this module renders it, one function per command
 * keyed by the response's "command". The data shapes each renderer reads
 * are listed in ctl_render.c above it; unknown keys are ignored and
 * missing ones print as "-", so a newer daemon never breaks an older shell.
 *
 * Pure: writes to the FILE it is given, reads no clock (ages come as
 * seconds from the daemon).
 */
#ifndef CEBGP_CTL_RENDER_H
#define CEBGP_CTL_RENDER_H

#include <stdio.h>

#include <jansson.h>

/*
 * Render a response (ok or error) to out. Returns 0 for an ok response, 1
 * for an error response (printed as "% message"), -1 if it is not a
 * response at all.
 */
int ctl_render(FILE *out, const json_t *resp);

/*
 * For -j: the daemon's JSON with the provider's names added where the
 * renderer would print them. Each community object of `show bgp routes`
 * ({"value": "12076:51004"}) that lib/community_names knows gains "name"
 * ("East US") and "kind" ("region"); the raw value stays as it came.
 */
void ctl_render_annotate(json_t *resp);

/* "00:01:23" below a day, "3d04h05m" below a week, "2w3d04h" after. */
char *ctl_render_age(long long secs, char *buf, size_t size);

#endif
