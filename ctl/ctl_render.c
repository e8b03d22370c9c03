/*
 * ctl_render: JSON responses to text (ctl_render.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "community_names.h"
#include "ctl_proto.h"
#include "ctl_render.h"

/* ---- helpers ---- */

char *
ctl_render_age(long long secs, char *buf, size_t size)
{
	if (secs < 0) {
		snprintf(buf, size, "never");
	} else if (secs < 86400) {
		snprintf(buf, size, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
	} else if (secs < 7 * 86400) {
		snprintf(buf, size, "%lldd%02lldh%02lldm", secs / 86400, secs / 3600 % 24,
		         secs / 60 % 60);
	} else {
		snprintf(buf, size, "%lldw%lldd%02lldh", secs / (7 * 86400), secs / 86400 % 7,
		         secs / 3600 % 24);
	}
	return buf;
}

/* A value as text: strings as they are, integers, booleans, "-" if absent. */
static const char *
val(const json_t *o, const char *key, char *buf, size_t size)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, size, "%.1f", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "-";
}

static long long
num(const json_t *o, const char *key, long long dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static const char *
str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/*
 * A text table: cells are copied, columns sized to their widest cell,
 * two blanks apart; columns flagged in `right` are right-aligned (numbers).
 */
#define TBL_MAXCOL 16

struct tbl {
	size_t ncol, nrow, cap;
	unsigned right; /* bit i: column i right-aligned */
	char **cells;   /* nrow * ncol */
	bool *span;     /* nrow: a line of its own in cell 0, outside the columns */
};

static void
tbl_init(struct tbl *t, size_t ncol, unsigned right)
{
	memset(t, 0, sizeof(*t));
	t->ncol = ncol < TBL_MAXCOL ? ncol : TBL_MAXCOL;
	t->right = right;
}

static bool
tbl_grow(struct tbl *t)
{
	if (t->nrow == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **n = realloc(t->cells, cap * t->ncol * sizeof(*n));

		if (!n)
			return false;
		t->cells = n;
		bool *sp = realloc(t->span, cap * sizeof(*sp));

		if (!sp)
			return false;
		t->span = sp;
		t->cap = cap;
	}
	return true;
}

static void
tbl_row(struct tbl *t, const char *const *cells)
{
	if (!tbl_grow(t))
		return;
	for (size_t i = 0; i < t->ncol; i++)
		t->cells[t->nrow * t->ncol + i] = strdup(cells[i] ? cells[i] : "");
	t->span[t->nrow++] = false;
}

/* A line under the previous row, as long as it needs: no column is widened. */
static void
tbl_span(struct tbl *t, const char *text)
{
	if (!tbl_grow(t))
		return;
	t->cells[t->nrow * t->ncol] = strdup(text);
	for (size_t i = 1; i < t->ncol; i++)
		t->cells[t->nrow * t->ncol + i] = NULL;
	t->span[t->nrow++] = true;
}

static void
tbl_print(FILE *out, struct tbl *t, const char *indent)
{
	size_t w[TBL_MAXCOL] = {0};

	for (size_t r = 0; r < t->nrow; r++)
		for (size_t c = 0; c < t->ncol && !t->span[r]; c++) {
			const char *s = t->cells[r * t->ncol + c];
			size_t l = s ? strlen(s) : 0;

			w[c] = l > w[c] ? l : w[c];
		}
	for (size_t r = 0; r < t->nrow; r++) {
		/* No trailing blanks: the last column is never padded. */
		size_t last = t->ncol;

		if (t->span[r]) {
			fprintf(out, "%s%s\n", indent,
			        t->cells[r * t->ncol] ? t->cells[r * t->ncol] : "");
			continue;
		}
		while (last > 0 &&
		       (!t->cells[r * t->ncol + last - 1] || !t->cells[r * t->ncol + last - 1][0]))
			last--;
		fputs(indent, out);
		for (size_t c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncol + c];
			bool right = (t->right >> c) & 1;

			if (!s)
				s = "";
			if (c + 1 == last && !right)
				fprintf(out, "%s", s);
			else
				fprintf(out, right ? "%*s" : "%-*s", (int)w[c], s);
			if (c + 1 < last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->span);
	t->cells = NULL;
	t->span = NULL;
	t->nrow = t->cap = 0;
}

/* ---- show bgp summary ----
 * data: {"router_id": "192.0.2.1", "local_asn": 65520,
 *        "sessions": [{"circuit", "peering", "role", "family": "ipv4" | "ipv6",
 *          "neighbor", "peer_asn", "state", "state_secs", "admin_shutdown",
 *          "msgs_received", "msgs_sent", "prefixes_received",
 *          "prefixes_accepted", "prefixes_advertised", "cap",
 *          "families": negotiated ["ipv4_unicast", "ipv6_unicast"]}]}
 * The Family column is the session's family, with "!" when it was not
 * negotiated on an Established session (nothing can be exchanged).
 */
static const char *
family_cell(const json_t *s, bool est, char *buf, size_t size)
{
	const char *f = str(s, "family", "ipv4");
	const json_t *got = json_object_get(s, "families"), *g;
	char want[32];
	bool ok = false;
	size_t i;

	snprintf(want, sizeof(want), "%s_unicast", f);
	json_array_foreach(got, i, g)
	{
		const char *v = json_string_value(g);

		ok = ok || (v && strcmp(v, want) == 0);
	}
	snprintf(buf, size, "%s%s", strcmp(f, "ipv6") == 0 ? "IPv6" : "IPv4",
	         est && got && !ok ? "!" : "");
	return buf;
}

static void
render_summary(FILE *out, const json_t *d)
{
	static const char *const head[] = {
	        "Circuit", "Peering", "Role",         "Neighbor", "AS",     "Family", "MsgRcvd",
	        "MsgSent", "Up/Down", "State/PfxRcd", "PfxAcc",   "PfxSnt", "Cap"};
	const json_t *ss = json_object_get(d, "sessions"), *s;
	size_t i, up = 0;
	bool unnegotiated = false;
	struct tbl t;

	fprintf(out, "BGP router identifier %s, local AS %s\n", str(d, "router_id", "-"),
	        val(d, "local_asn", (char[24]){0}, 24));
	tbl_init(&t, 13, 1u << 4 | 1u << 6 | 1u << 7 | 1u << 10 | 1u << 11);
	tbl_row(&t, head);
	json_array_foreach(ss, i, s)
	{
		char b[13][48], age[32];
		const char *state = str(s, "state", "-");
		bool est = strcmp(state, "Established") == 0;
		const char *row[13];

		up += est;
		row[0] = str(s, "circuit", "-");
		row[1] = str(s, "peering", "-");
		row[2] = str(s, "role", "-");
		row[3] = str(s, "neighbor", "-");
		row[4] = val(s, "peer_asn", b[4], sizeof(b[4]));
		row[5] = family_cell(s, est, b[5], sizeof(b[5]));
		unnegotiated = unnegotiated || strchr(row[5], '!') != NULL;
		row[6] = val(s, "msgs_received", b[6], sizeof(b[6]));
		row[7] = val(s, "msgs_sent", b[7], sizeof(b[7]));
		row[8] = json_is_integer(json_object_get(s, "state_secs"))
		                 ? ctl_render_age(num(s, "state_secs", 0), age, sizeof(age))
		                 : "never";
		if (json_is_true(json_object_get(s, "admin_shutdown")))
			row[9] = "Idle (Admin)";
		else
			row[9] = est ? val(s, "prefixes_received", b[9], sizeof(b[9])) : state;
		row[10] = est ? val(s, "prefixes_accepted", b[10], sizeof(b[10])) : "-";
		row[11] = est ? val(s, "prefixes_advertised", b[11], sizeof(b[11])) : "-";
		snprintf(b[12], sizeof(b[12]), "%lld/%s", num(s, "prefixes_advertised", 0),
		         val(s, "cap", b[0], sizeof(b[0])));
		row[12] = b[12];
		tbl_row(&t, row);
	}
	fputc('\n', out);
	tbl_print(out, &t, "");
	if (unnegotiated)
		fputs("! the session's family was not negotiated: it exchanges no routes\n", out);
	fprintf(out, "\nTotal sessions %zu, Established %zu\n", json_array_size(ss), up);
}

/* ---- show bgp neighbors ----
 * data: {"neighbors": [{"neighbor", "peer_asn", "local_asn", "circuit",
 *   "peering", "role", "family", "interface", "local_address", "state", "state_secs",
 *   "admin_shutdown", "remote_router_id", "hold_time", "keepalive",
 *   "configured_hold_time", "configured_keepalive",
 *   "families": [negotiated: "ipv4_unicast", "ipv6_unicast"],
 *   "capabilities": [negotiated names], "peer_capabilities": [names],
 *   "last_notification_sent", "last_notification_received":
 *     null | {"code", "subcode", "text", "age_secs"},
 *   "messages": {"open": {"sent", "received"}, "update", "notification",
 *     "keepalive", "route_refresh"}, "bytes_sent", "bytes_received",
 *   "established_count", "flaps", "prefixes_received",
 *   "prefixes_accepted", "prefixes_advertised", "prefix_limit"}]}
 */
static void
render_notif(FILE *out, const char *what, const json_t *n)
{
	char age[32];

	if (!json_is_object(n)) {
		fprintf(out, "  Last NOTIFICATION %s: never\n", what);
		return;
	}
	fprintf(out, "  Last NOTIFICATION %s: %s (%lld/%lld), %s ago\n", what, str(n, "text", "-"),
	        num(n, "code", 0), num(n, "subcode", 0),
	        ctl_render_age(num(n, "age_secs", -1), age, sizeof(age)));
}

/* What the peer offered that was not negotiated (we did not send it). */
static void
render_offered(FILE *out, const json_t *negotiated, const json_t *offered)
{
	const json_t *c, *x;
	size_t i, k;
	bool any = false;

	json_array_foreach(offered, i, c)
	{
		bool both = false;

		json_array_foreach(negotiated, k, x) both = both || json_equal(c, x);
		if (both)
			continue;
		fprintf(out, "%s %s", any ? "" : "  Peer also offered:", json_string_value(c));
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static void
render_neighbor(FILE *out, const json_t *n)
{
	static const char *const kinds[] = {"open", "update", "notification", "keepalive",
	                                    "route_refresh"};
	static const char *const names[] = {"Opens", "Updates", "Notifications", "Keepalives",
	                                    "Route refresh"};
	const json_t *caps = json_object_get(n, "capabilities"), *c;
	const json_t *msgs = json_object_get(n, "messages");
	char b1[32], b2[32], b3[32], age[32];
	struct tbl t;
	size_t i;

	fprintf(out, "BGP neighbor %s, remote AS %s, local AS %s\n", str(n, "neighbor", "-"),
	        val(n, "peer_asn", b1, sizeof(b1)), val(n, "local_asn", b2, sizeof(b2)));
	fprintf(out, "  %s %s %s, interface %s, local address %s\n", str(n, "circuit", "-"),
	        str(n, "peering", "-"), str(n, "role", "-"), str(n, "interface", "-"),
	        str(n, "local_address", "-"));
	fprintf(out, "  BGP state %s%s, for %s\n", str(n, "state", "-"),
	        json_is_true(json_object_get(n, "admin_shutdown")) ? " (administratively shut)"
	                                                           : "",
	        json_is_integer(json_object_get(n, "state_secs"))
	                ? ctl_render_age(num(n, "state_secs", 0), age, sizeof(age))
	                : "-");
	fprintf(out, "  Remote router ID %s\n", str(n, "remote_router_id", "-"));
	fprintf(out, "  Hold time %s s, keepalive %s s (configured %s/%s)\n",
	        val(n, "hold_time", b1, sizeof(b1)), val(n, "keepalive", b2, sizeof(b2)),
	        val(n, "configured_hold_time", b3, sizeof(b3)),
	        val(n, "configured_keepalive", age, sizeof(age)));
	fprintf(out, "  Address family %s unicast, negotiated:",
	        strcmp(str(n, "family", "ipv4"), "ipv6") == 0 ? "IPv6" : "IPv4");
	if (json_array_size(json_object_get(n, "families")) == 0)
		fputs(" -", out);
	json_array_foreach(json_object_get(n, "families"), i, c)
	{
		const char *v = json_string_value(c);

		fprintf(out, " %s",
		        v && strcmp(v, "ipv6_unicast") == 0 ? "IPv6 unicast" : "IPv4 unicast");
	}
	fputc('\n', out);
	fputs("  Capabilities:", out);
	if (json_array_size(caps) == 0)
		fputs(" -", out);
	json_array_foreach(caps, i, c) fprintf(out, " %s", json_string_value(c));
	fputc('\n', out);
	render_offered(out, caps, json_object_get(n, "peer_capabilities"));
	render_notif(out, "sent", json_object_get(n, "last_notification_sent"));
	render_notif(out, "received", json_object_get(n, "last_notification_received"));
	fprintf(out, "  Prefixes received %s, accepted %s, advertised %s, limit %s\n",
	        val(n, "prefixes_received", b1, sizeof(b1)),
	        val(n, "prefixes_accepted", b2, sizeof(b2)),
	        val(n, "prefixes_advertised", b3, sizeof(b3)),
	        val(n, "prefix_limit", age, sizeof(age)));
	fprintf(out, "  Established %s times, dropped %s times\n",
	        val(n, "established_count", b1, sizeof(b1)), val(n, "flaps", b2, sizeof(b2)));
	if (json_object_get(n, "bfd"))
		fprintf(out, "  BFD %s%s\n", str(n, "bfd", "-"),
		        json_is_true(json_object_get(n, "bfd_held_down"))
		                ? " (BGP held down until BFD is Up)"
		                : "");
	tbl_init(&t, 3, 6);
	tbl_row(&t, (const char *[]){"Message statistics:", "Sent", "Rcvd"});
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const json_t *m = json_object_get(msgs, kinds[i]);

		tbl_row(&t, (const char *[]){names[i], val(m, "sent", b1, sizeof(b1)),
		                             val(m, "received", b2, sizeof(b2))});
	}
	tbl_row(&t, (const char *[]){"Bytes", val(n, "bytes_sent", b1, sizeof(b1)),
	                             val(n, "bytes_received", b2, sizeof(b2))});
	tbl_print(out, &t, "  ");
}

static void
render_neighbors(FILE *out, const json_t *d)
{
	const json_t *ns = json_object_get(d, "neighbors"), *n;
	size_t i;

	if (json_array_size(ns) == 0)
		fputs("No such neighbor\n", out);
	json_array_foreach(ns, i, n)
	{
		if (i > 0)
			fputc('\n', out);
		render_neighbor(out, n);
	}
}

/* ---- show bgp routes ----
 * data: {"view": "received" | "advertised" | "best",
 *        "routes": [{"prefix", "family", "circuit", "peering", "neighbor",
 *          "next_hop", "next_hop_link_local" (RFC 2545, when sent),
 *          "as_path", "origin": "IGP" | "EGP" | "incomplete", "med",
 *          "local_pref", "communities": [{"value": "12076:51004"}], "best",
 *          "multipath", "accepted", "reason", "pending"}],
 *        "total", "shown", "limit", "more", "next"}
 * Status column as FRR: "*>" best, "*=" multipath, "*" valid, "x" refused
 * by inbound policy or malformed; "reason" (present only then) follows the
 * path. A route's communities go on a line of their own under it, each
 * with the provider's name when lib/community_names knows it.
 */
/*
 * A page that stopped early (paged listings: "more", "next" the last
 * prefix it holds): how to ask for the next one.
 */
static void
render_more(FILE *out, const json_t *d)
{
	if (!json_is_true(json_object_get(d, "more")))
		return;
	fprintf(out, "More: repeat the command with \"after %s\" for the next %lld\n",
	        str(d, "next", "-"), num(d, "limit", 0));
}

static const char *
origin_code(const char *o)
{
	if (strcmp(o, "IGP") == 0)
		return "i";
	if (strcmp(o, "EGP") == 0)
		return "e";
	return "?";
}

/* "12076:51004" -> the RFC 1997 value; false for anything else. */
static bool
community_parse(const char *s, uint32_t *out)
{
	unsigned long asn, v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	asn = strtoul(s, &end, 10);
	if (*end != ':' || asn > 0xffff || end[1] < '0' || end[1] > '9')
		return false;
	v = strtoul(end + 1, &end, 10);
	if (*end || v > 0xffff)
		return false;
	*out = (uint32_t)(asn << 16 | v);
	return true;
}

/* "Communities: 12076:51004 (East US), 65000:1" under a route, if it has any. */
static void
route_communities(struct tbl *t, const json_t *r)
{
	const json_t *cs = json_object_get(r, "communities"), *c;
	char line[2048], one[96];
	size_t i, len;

	if (json_array_size(cs) == 0)
		return;
	len = (size_t)snprintf(line, sizeof(line), "      Communities:");
	json_array_foreach(cs, i, c)
	{
		const char *v = str(c, "value", "-");
		uint32_t value;

		if (community_parse(v, &value))
			community_fmt(value, one, sizeof(one));
		else
			snprintf(one, sizeof(one), "%s", v);
		if (len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s",
			                        i ? "," : "", one);
	}
	/* A route may carry hundreds: say the line was cut (-j has them all). */
	if (len >= sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	tbl_span(t, line);
}

static void
render_routes(FILE *out, const json_t *d)
{
	const json_t *rs = json_object_get(d, "routes"), *r;
	struct tbl t;
	size_t i;

	fprintf(out, "View: %s\n", str(d, "view", "-"));
	fputs("Status codes: *> best, *= multipath, * valid, x refused (reason after the path)\n"
	      "Origin codes: i IGP, e EGP, ? incomplete\n\n",
	      out);
	tbl_init(&t, 8, 1u << 5 | 1u << 6);
	tbl_row(&t, (const char *[]){"", "Network", "Peering", "Neighbor", "Next Hop", "Metric",
	                             "LocPrf", "Path"});
	json_array_foreach(rs, i, r)
	{
		char b1[32], b2[32], peering[160], path[600];
		const char *status = "*", *reason = str(r, "reason", NULL);

		if (json_is_false(json_object_get(r, "accepted")))
			status = "x";
		else if (json_is_true(json_object_get(r, "best")))
			status = "*>";
		else if (json_is_true(json_object_get(r, "multipath")))
			status = "*=";
		snprintf(peering, sizeof(peering), "%s/%s", str(r, "circuit", "-"),
		         str(r, "peering", "-"));
		snprintf(path, sizeof(path), "%s%s%s%s%s", str(r, "as_path", ""),
		         str(r, "as_path", "")[0] ? " " : "", origin_code(str(r, "origin", "?")),
		         reason ? "  refused: " : "", reason ? reason : "");
		tbl_row(&t, (const char *[]){status, str(r, "prefix", "-"), peering,
		                             str(r, "neighbor", "-"), str(r, "next_hop", "-"),
		                             json_object_get(r, "med") ? val(r, "med", b1, 32) : "",
		                             json_object_get(r, "local_pref")
		                                     ? val(r, "local_pref", b2, 32)
		                                     : "",
		                             path});
		route_communities(&t, r);
	}
	tbl_print(out, &t, "");
	fprintf(out, "\nDisplayed %zu routes of %lld prefixes, %lld routes in all\n",
	        json_array_size(rs), num(d, "shown", 0), num(d, "total", 0));
	render_more(out, d);
}

/* "over-coverage 512 addresses of 1024256 announced (bound 0), 1 left out" */
static void
render_overcoverage(FILE *out, const json_t *f)
{
	const json_t *b = json_object_get(f, "overcoverage_bound");
	bool v6 = strcmp(str(f, "family", ""), "ipv6") == 0;

	if (!json_object_get(f, "overcoverage"))
		return;
	fprintf(out, "    over-coverage %lld %s of %lld announced", num(f, "overcoverage", 0),
	        v6 ? "/64s" : "addresses", num(f, "announced_space", 0));
	if (json_is_integer(b))
		fprintf(out, " (bound %lld", (long long)json_integer_value(b));
	else
		fprintf(out, " (no bound");
	if (num(f, "min_aggregate_len", 0) > 0)
		fprintf(out, ", no aggregate shorter than /%lld", num(f, "min_aggregate_len", 0));
	fprintf(out, "), %lld left out\n", num(f, "left_out", 0));
}

/* ---- show policy ----
 * data: {"peerings": [{"circuit", "peering", "families": [{"family":
 *   "ipv4" | "ipv6", "announced", "sanitized", "lossless", "min_length",
 *   "reaggregated", "advertised", "dropped", "cap", "verdict",
 *   "cap_reason", "overcoverage", "announced_space", "overcoverage_bound"
 *   (null: none), "min_aggregate_len" (0: none), "left_out"}],
 *   "warnings": [text]}]}
 */
static void
render_policy(FILE *out, const json_t *d)
{
	static const char *const stages[] = {"announced",  "sanitized",    "lossless",
	                                     "min_length", "reaggregated", "advertised"};
	static const char *const labels[] = {"Announce list",   "Sanitized",     "Lossless agg.",
	                                     "Min. length /29", "Re-aggregated", "Advertised"};
	const json_t *ps = json_object_get(d, "peerings"), *p;
	size_t i;

	if (json_array_size(ps) == 0)
		fputs("No such peering\n", out);
	json_array_foreach(ps, i, p)
	{
		const json_t *fs = json_object_get(p, "families"), *f, *w;
		size_t k;

		if (i > 0)
			fputc('\n', out);
		fprintf(out, "%s %s peering\n", str(p, "circuit", "-"), str(p, "peering", "-"));
		json_array_foreach(fs, k, f)
		{
			char b[32], c[32];
			long long cap = num(f, "cap", 0), adv = num(f, "advertised", 0);
			struct tbl t;

			fprintf(out, "  %s: %lld/%lld prefixes of the cap (%.1f%%), %s\n",
			        str(f, "family", "-"), adv, cap,
			        cap ? 100.0 * (double)adv / (double)cap : 0.0,
			        str(f, "verdict", "-"));
			tbl_init(&t, 2, 2);
			tbl_row(&t, (const char *[]){"Stage", "Prefixes"});
			for (size_t s = 0; s < sizeof(stages) / sizeof(stages[0]); s++)
				tbl_row(&t, (const char *[]){labels[s],
				                             val(f, stages[s], b, sizeof(b))});
			tbl_row(&t, (const char *[]){"Dropped entries",
			                             val(f, "dropped", c, sizeof(c))});
			tbl_print(out, &t, "    ");
			render_overcoverage(out, f);
			if (str(f, "cap_reason", "")[0])
				fprintf(out, "    %s\n", str(f, "cap_reason", ""));
		}
		json_array_foreach(json_object_get(p, "warnings"), k, w)
		        fprintf(out, "  warning: %s\n", json_string_value(w));
	}
}

/* ---- explain ----
 * data: {"prefix", "outbound": [{"circuit", "peering", "text"}],
 *        "inbound": [{"circuit", "peering", "neighbor", "text"}]}
 * `text` is the policy's own explanation, possibly several lines.
 */
static void
render_text_block(FILE *out, const char *text, const char *indent)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(out, "%s%.*s\n", indent, (int)len, p);
		p += len + (nl != NULL);
	}
}

static void
render_explain(FILE *out, const json_t *d)
{
	const json_t *e;
	size_t i;

	fprintf(out, "%s\n", str(d, "prefix", "-"));
	fputs("Outbound:\n", out);
	if (json_array_size(json_object_get(d, "outbound")) == 0)
		fputs("  no peering\n", out);
	json_array_foreach(json_object_get(d, "outbound"), i, e)
	{
		fprintf(out, "  %s %s:\n", str(e, "circuit", "-"), str(e, "peering", "-"));
		render_text_block(out, str(e, "text", "-"), "    ");
	}
	fputs("Inbound:\n", out);
	if (json_array_size(json_object_get(d, "inbound")) == 0)
		fputs("  not received from any neighbor\n", out);
	json_array_foreach(json_object_get(d, "inbound"), i, e)
	{
		fprintf(out, "  from %s (%s %s): %s\n", str(e, "neighbor", "-"),
		        str(e, "circuit", "-"), str(e, "peering", "-"), str(e, "text", "-"));
	}
}

/* ---- show kernel routes ----
 * data: {"installed", "pending", "queued", "in_flight", "failed", "stale",
 *   "nexthop_objects", "nexthop_groups", "shadow_bytes",
 *   and with a listing: "routes": [{"prefix", "discard", "stale",
 *   "pending", "error", "nexthops": [{"gateway", "interface"}]}],
 *   "shown", "limit", "more", "next"}
 */
static void
render_kernel_totals(FILE *out, const json_t *d)
{
	fprintf(out, "%lld routes installed, %lld changes pending", num(d, "installed", 0),
	        num(d, "pending", 0));
	if (json_object_get(d, "queued"))
		fprintf(out, " (%lld queued, %lld in flight, %lld failed and retrying)",
		        num(d, "queued", 0), num(d, "in_flight", 0), num(d, "failed", 0));
	if (num(d, "stale", 0) > 0)
		fprintf(out, ", %lld adopted from a previous run", num(d, "stale", 0));
	fputc('\n', out);
	if (!json_object_get(d, "nexthop_objects"))
		return;
	if (json_is_true(json_object_get(d, "nexthop_objects")))
		fprintf(out, "Next hops: %lld kernel nexthop groups", num(d, "nexthop_groups", 0));
	else
		fputs("Next hops: in each route (no kernel nexthop objects)", out);
	fprintf(out, "; %lld bytes held for the kernel's routes\n", num(d, "shadow_bytes", 0));
}

static void
render_kernel(FILE *out, const json_t *d)
{
	const json_t *rs = json_object_get(d, "routes"), *r;
	struct tbl t;
	size_t i;

	if (!rs) {
		render_kernel_totals(out, d);
		fputs("List routes with PEERING, PREFIX, \"limit N\" or \"after START\"\n", out);
		return;
	}
	tbl_init(&t, 4, 0);
	tbl_row(&t, (const char *[]){"Prefix", "Next hops", "Flags", "Error"});
	json_array_foreach(rs, i, r)
	{
		const json_t *nhs = json_object_get(r, "nexthops"), *nh;
		char hops[512] = "", flags[64] = "";
		size_t k, used = 0;

		if (json_is_true(json_object_get(r, "discard")))
			snprintf(hops, sizeof(hops), "blackhole");
		json_array_foreach(nhs, k, nh)
		{
			int n = snprintf(hops + used, sizeof(hops) - used, "%svia %s dev %s",
			                 k ? ", " : "", str(nh, "gateway", "-"),
			                 str(nh, "interface", "-"));
			if (n < 0 || (size_t)n >= sizeof(hops) - used)
				break;
			used += (size_t)n;
		}
		snprintf(flags, sizeof(flags), "%s%s%s",
		         json_is_true(json_object_get(r, "pending")) ? "pending " : "",
		         json_is_true(json_object_get(r, "stale")) ? "stale " : "",
		         json_is_true(json_object_get(r, "discard")) ? "discard" : "");
		tbl_row(&t,
		        (const char *[]){str(r, "prefix", "-"), hops, flags, str(r, "error", "")});
	}
	tbl_print(out, &t, "");
	fprintf(out, "\nDisplayed %lld routes\n", num(d, "shown", 0));
	render_more(out, d);
	render_kernel_totals(out, d);
}

/* ---- show config ----  data: {"file", "text"} (secrets already redacted) */
static void
render_config(FILE *out, const json_t *d)
{
	fprintf(out, "# %s\n", str(d, "file", "-"));
	fputs(str(d, "text", ""), out);
}

/* ---- show version ----
 * data: {"version", "pid", "uptime_secs", "config_file", "sessions",
 *        "established"}
 */
static void
render_version(FILE *out, const json_t *d)
{
	char age[32], b1[24], b2[24], b3[24];

	fprintf(out, "cebgpd %s, pid %s, up %s\n", str(d, "version", "-"),
	        val(d, "pid", b1, sizeof(b1)),
	        ctl_render_age(num(d, "uptime_secs", -1), age, sizeof(age)));
	fprintf(out, "config %s, %s sessions, %s established\n", str(d, "config_file", "-"),
	        val(d, "sessions", b2, sizeof(b2)), val(d, "established", b3, sizeof(b3)));
}

/* ---- actions ---- data: {"message", "details": [text]} */
static void
render_message(FILE *out, const json_t *d)
{
	const json_t *x;
	size_t i;

	if (json_is_string(json_object_get(d, "message")))
		fprintf(out, "%s\n", str(d, "message", ""));
	json_array_foreach(json_object_get(d, "details"), i, x)
	        fprintf(out, "  %s\n", json_string_value(x));
}

/* ---- show bfd ----
 * data: {"sessions": [...]}, the fields bgpd/ctl_bfd.c lists.
 * A table (columns as wide as their widest cell: an IPv6 neighbor widens
 * the first), then per session the details a table has no room for; an
 * IPv6 session names its family there, as its IPv4 twin shares the rest.
 */
static void
render_bfd(FILE *out, const json_t *d)
{
	static const char *const head[] = {"Neighbor",   "Interface", "State", "LocalDisc",
	                                   "RemoteDisc", "TX ms",     "RX ms", "Mult",
	                                   "Detect ms",  "Diag",      "Flaps", "Up"};
	const json_t *ss = json_object_get(d, "sessions"), *s;
	struct tbl t;
	size_t i;

	if (json_array_size(ss) == 0) {
		fputs("No BFD session\n", out);
		return;
	}
	tbl_init(&t, 12, 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 8 | 1u << 10);
	tbl_row(&t, head);
	json_array_foreach(ss, i, s)
	{
		char b[12][48], age[32];
		const char *row[12];
		bool on = json_is_true(json_object_get(s, "enabled"));
		const json_t *up = json_object_get(s, "uptime_secs");

		row[0] = str(s, "neighbor", "-");
		row[1] = str(s, "interface", "-");
		row[2] = str(s, "state", "-");
		row[3] = on ? val(s, "local_discriminator", b[3], sizeof(b[3])) : "-";
		row[4] = on ? val(s, "remote_discriminator", b[4], sizeof(b[4])) : "-";
		row[5] = on ? val(s, "tx_interval_ms", b[5], sizeof(b[5])) : "-";
		row[6] = on ? val(s, "rx_interval_ms", b[6], sizeof(b[6])) : "-";
		row[7] = on ? val(s, "multiplier", b[7], sizeof(b[7])) : "-";
		row[8] = on ? val(s, "detection_time_ms", b[8], sizeof(b[8])) : "-";
		row[9] = on ? str(s, "last_diagnostic", "-") : "-";
		row[10] = on ? val(s, "flaps", b[10], sizeof(b[10])) : "-";
		row[11] = json_is_real(up) && json_real_value(up) > 0
		                  ? ctl_render_age((long long)json_real_value(up), age, sizeof(age))
		                  : "-";
		tbl_row(&t, row);
	}
	tbl_print(out, &t, "");
	json_array_foreach(ss, i, s)
	{
		char b1[32], b2[32], b3[32];

		if (!json_is_true(json_object_get(s, "enabled")))
			continue;
		fprintf(out, "\n%s (%s %s %s%s), local %s: configured min-rx %s ms, min-tx %s ms\n",
		        str(s, "neighbor", "-"), str(s, "circuit", "-"), str(s, "peering", "-"),
		        str(s, "role", "-"),
		        strcmp(str(s, "family", ""), "ipv6") == 0 ? " ipv6" : "",
		        str(s, "local_address", "-"),
		        val(s, "configured_min_rx_ms", b1, sizeof(b1)),
		        val(s, "configured_min_tx_ms", b2, sizeof(b2)));
		fprintf(out, "  bound to BGP %s%s, state changes %s\n",
		        val(s, "bound", b1, sizeof(b1)),
		        json_is_true(json_object_get(s, "bgp_held_down")) ? " (BGP held down)" : "",
		        val(s, "state_changes", b2, sizeof(b2)));
		fprintf(out, "  packets sent %s, received %s, discarded %s\n",
		        val(s, "packets_sent", b1, sizeof(b1)),
		        val(s, "packets_received", b2, sizeof(b2)),
		        val(s, "packets_discarded", b3, sizeof(b3)));
		fprintf(out, "  worst transmit lateness %s us, largest gap %s us\n",
		        val(s, "tx_late_max_us", b1, sizeof(b1)),
		        val(s, "tx_gap_max_us", b2, sizeof(b2)));
	}
}

static const struct {
	const char *name;
	void (*fn)(FILE *, const json_t *);
} renderers[] = {
        {"show_bfd", render_bfd},
        {"show_bgp_summary", render_summary},
        {"show_bgp_neighbors", render_neighbors},
        {"show_bgp_routes", render_routes},
        {"show_policy", render_policy},
        {"explain", render_explain},
        {"show_kernel_routes", render_kernel},
        {"show_config", render_config},
        {"show_version", render_version},
};

void
ctl_render_annotate(json_t *resp)
{
	const json_t *rs, *r, *c;
	size_t i, j;

	if (strcmp(str(resp, "command", ""), "show_bgp_routes") != 0)
		return;
	rs = json_object_get(json_object_get(resp, "data"), "routes");
	json_array_foreach(rs, i, r)
	{
		json_array_foreach(json_object_get(r, "communities"), j, c)
		{
			struct community_name n;
			uint32_t value;

			if (!json_is_object(c) || !community_parse(str(c, "value", NULL), &value) ||
			    !community_lookup(value, &n))
				continue;
			json_object_set_new((json_t *)c, "name", json_string(n.name));
			json_object_set_new((json_t *)c, "kind",
			                    json_string(community_kind_name(n.kind)));
		}
	}
}

int
ctl_render(FILE *out, const json_t *resp)
{
	const char *why, *name;
	const json_t *data, *e;
	size_t i;

	if (!ctl_response_check(resp, &why)) {
		fprintf(out, "%% bad response: %s\n", why);
		return -1;
	}
	if (strcmp(str(resp, "status", ""), "error") == 0) {
		fprintf(out, "%% %s\n", str(resp, "error", ""));
		json_array_foreach(json_object_get(resp, "errors"), i, e)
		        fprintf(out, "  %s\n", json_string_value(e));
		return 1;
	}
	name = str(resp, "command", "");
	data = json_object_get(resp, "data");
	for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++) {
		if (strcmp(renderers[i].name, name) == 0) {
			renderers[i].fn(out, data);
			return 0;
		}
	}
	render_message(out, data);
	return 0;
}
