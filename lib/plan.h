/*
 * plan: a peering's outbound policy as configured (lib/config ->
 * lib/policy), and what `cebgpd --check` prints about it. The daemon
 * (bgpd/advertise.c) runs the same function, so the plan is what goes on
 * the wire (until a reload's hysteresis keeps an earlier aggregate).
 */
#ifndef CEBGP_PLAN_H
#define CEBGP_PLAN_H

#include <stdio.h>

#include "config.h"
#include "policy.h"

/*
 * Run the outbound policy of one peering as configured: its announce list
 * (with line:col), every circuit's /30s as link subnets, max-prefixes,
 * min-length-action, cap-action, max-overcoverage (a percentage is taken
 * of the announced space; absent: the peering's default bound),
 * discard-holes, and prev (NULL or the last result) for hysteresis. NULL
 * when memory ran out.
 */
struct policy_result *plan_policy(const struct config *cfg, const struct config_circuit *ci,
                                  const struct config_peering *pe,
                                  const struct policy_result *prev);

/*
 * The config_plan hook of `cebgpd --check`: the configured policy, then
 * the count against the cap, the verdict, the over-coverage, one line
 * "advertise PREFIX" per advertised prefix (lossy ones marked), the
 * discard routes and the policy's warnings.
 */
void plan_print_peering(FILE *out, const struct config *cfg, const struct config_circuit *ci,
                        const struct config_peering *pe, void *arg);

#endif
