/*
 * ctl_bfd: `show bfd [ADDR]` (ctl_show.h). One entry per BGP session, from
 * bfd_io's snapshot; a session with BFD disabled says so.
 *
 * data: {"sessions": [{"neighbor", "local_address", "interface", "circuit",
 *   "peering", "role", "family" ("ipv4", "ipv6"), "enabled", "state" ("peer silent", "Up", ...,
 *   "disabled"), "rfc_state", "remote_state", "local_discriminator",
 *   "remote_discriminator", "tx_interval_ms", "rx_interval_ms",
 *   "multiplier", "remote_multiplier", "detection_time_ms",
 *   "configured_min_rx_ms", "configured_min_tx_ms", "last_diagnostic",
 *   "flaps", "state_changes", "polls", "uptime_secs", "bound",
 *   "bgp_held_down", "hold_down_secs", "packets_sent",
 *   "packets_received", "packets_discarded", "send_errors",
 *   "tx_late_max_us", "tx_gap_max_us", "tx_gap_interval_us",
 *   "loop_late_max_us", "socket"}]}
 */
#include <stdio.h>
#include <string.h>

#include "../lib/config.h" /* not autoconf's config.h, which -I. finds first */
#include "bfd_io.h"
#include "ctl_cmd.h"
#include "ctl_proto.h"
#include "ctl_show.h"
#include "context.h"
#include "session.h"

static json_t *
jaddr_of(const struct addr *a)
{
	char b[ADDR_STRLEN];

	return json_string(addr_fmt(a, b, sizeof(b)));
}

static json_t *
jms(uint64_t us)
{
	return json_real((double)us / 1000.0);
}

static void
add_bfd(json_t *o, const struct bfd_info *b)
{
	json_object_set_new(o, "state", json_string(b->state));
	json_object_set_new(o, "rfc_state", json_string(bfd_state_name(b->raw_state)));
	json_object_set_new(o, "remote_state",
	                    b->silent ? json_null() : json_string(bfd_state_name(b->remote_state)));
	json_object_set_new(o, "local_discriminator", json_integer(b->local_discr));
	json_object_set_new(o, "remote_discriminator", json_integer(b->remote_discr));
	json_object_set_new(o, "tx_interval_ms", jms(b->tx_us));
	json_object_set_new(o, "rx_interval_ms", jms(b->rx_us));
	json_object_set_new(o, "multiplier", json_integer(b->mult));
	json_object_set_new(o, "remote_multiplier", json_integer(b->remote_mult));
	json_object_set_new(o, "detection_time_ms", jms(b->detect_us));
	json_object_set_new(o, "configured_min_rx_ms", json_integer(b->cfg_min_rx_ms));
	json_object_set_new(o, "configured_min_tx_ms", json_integer(b->cfg_min_tx_ms));
	json_object_set_new(o, "last_diagnostic", json_string(bfd_diag_key(b->local_diag)));
	json_object_set_new(o, "flaps", json_integer((json_int_t)b->flaps));
	json_object_set_new(o, "state_changes", json_integer((json_int_t)b->state_changes));
	json_object_set_new(o, "polls", json_integer((json_int_t)b->polls));
	json_object_set_new(o, "uptime_secs", json_real(b->uptime_s));
	json_object_set_new(o, "bound", json_boolean(b->bound));
	json_object_set_new(o, "usable", json_boolean(b->usable));
	json_object_set_new(o, "hold_down_secs", json_real(b->hold_left_s));
	json_object_set_new(o, "packets_sent", json_integer((json_int_t)b->tx.sent));
	json_object_set_new(o, "packets_received", json_integer((json_int_t)b->rx));
	json_object_set_new(o, "packets_discarded", json_integer((json_int_t)b->rx_discarded));
	json_object_set_new(o, "send_errors", json_integer((json_int_t)b->tx.send_errors));
	json_object_set_new(o, "tx_late_max_us", json_integer((json_int_t)b->tx.late_max_us));
	json_object_set_new(o, "tx_gap_max_us", json_integer((json_int_t)b->tx.gap_max_us));
	json_object_set_new(o, "tx_gap_interval_us", json_integer((json_int_t)b->tx.interval_us));
	json_object_set_new(o, "loop_late_max_us", json_integer((json_int_t)b->loop_late_max_us));
	json_object_set_new(o, "socket", json_boolean(b->socket_ok));
}

static json_t *
jsession(struct daemon *d, const struct session *s)
{
	json_t *o = json_object();
	struct session_info si;
	struct bfd_info b;

	session_info(s, &si);
	json_object_set_new(o, "neighbor", jaddr_of(&s->cfg->peer));
	json_object_set_new(o, "local_address", jaddr_of(&s->cfg->local));
	json_object_set_new(o, "interface", json_string(s->cfg->ifname));
	json_object_set_new(o, "circuit", json_string(s->cfg->circuit_name));
	json_object_set_new(o, "peering", json_string(config_peering_name(s->cfg->type)));
	json_object_set_new(o, "role", json_string(config_role_name(s->cfg->role)));
	json_object_set_new(o, "family", json_string(session_afi(s) == AFI_IP6 ? "ipv6" : "ipv4"));
	json_object_set_new(o, "bgp_held_down", json_boolean(si.bfd_down));
	bool on = bfd_io_find(d->bfd, s->key, &b);
	json_object_set_new(o, "enabled", json_boolean(on));
	if (on)
		add_bfd(o, &b);
	else
		json_object_set_new(o, "state", json_string("disabled"));
	return o;
}

json_t *
ctl_show_bfd(struct daemon *d, const struct ctl_parsed *p)
{
	const char *addr = ctl_parsed_arg(p, CTL_ARG_ADDR);
	json_t *arr = json_array();
	struct addr a;
	bool found = false;

	if (addr && addr_parse(addr, &a) != 0) {
		json_decref(arr);
		return ctl_response_error("not an address", NULL);
	}
	for (size_t i = 0; i < d->nsessions; i++) {
		const struct session *s = d->sessions[i];

		if (addr && !addr_eq(&s->cfg->peer, &a))
			continue;
		found = true;
		json_array_append_new(arr, jsession(d, s));
	}
	if (addr && !found) {
		char msg[128];

		json_decref(arr);
		snprintf(msg, sizeof(msg), "no session with neighbor %s", addr);
		return ctl_response_error(msg, NULL);
	}
	return ctl_response_ok(p->cmd->name, json_pack("{s:o}", "sessions", arr));
}
