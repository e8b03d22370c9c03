/*
 * ctl_cmd: the command table and everything derived from it (ctl_cmd.h).
 *
 * A row's syntax is compiled on the fly into elements (a few dozen bytes on
 * the stack): nothing is allocated, and the table stays the only place a
 * command is spelled. Matching runs all rows side by side, like a parser
 * for a small regular language: a cursor is (row, element); each word
 * advances every cursor it fits. Keywords win over arguments, an exact
 * keyword wins over abbreviations, and two different keywords that a word
 * abbreviates make it ambiguous (OpenBGPD's bgpctl does the same), except
 * that "bgp" wins over "bfd" (kw_preferred).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "ctl_cmd.h"
#include "prefix.h"

static const struct ctl_cmd ctl_cmds[CTL_CMD_COUNT] = {
        {CTL_SHOW_BGP_SUMMARY, "show_bgp_summary", "show bgp summary",
         "One line per session: state, uptime, prefixes received/accepted/advertised", true},
        {CTL_SHOW_BGP_NEIGHBORS, "show_bgp_neighbors", "show bgp neighbors [ADDR]",
         "Session details: timers, capabilities, last NOTIFICATIONs, counters", true},
        {CTL_SHOW_BGP_ROUTES, "show_bgp_routes",
         "show bgp routes [received|advertised|best] [PEERING] [PREFIX] [limit N] [after START]",
         "Routes received, advertised, or selected as best (a page at a time)", true},
        {CTL_SHOW_POLICY, "show_policy", "show policy [PEERING]",
         "Outbound policy: prefixes after each stage, cap usage", true},
        {CTL_EXPLAIN, "explain", "explain PREFIX", "Why a prefix is (not) advertised or accepted",
         true},
        {CTL_SHOW_KERNEL_ROUTES, "show_kernel_routes",
         "show kernel routes [PEERING] [PREFIX] [limit N] [after START]",
         "Kernel FIB totals; with arguments, a page of its routes", true},
        {CTL_SHOW_CONFIG, "show_config", "show config",
         "The running configuration, secrets redacted", true},
        {CTL_SHOW_VERSION, "show_version", "show version", "Version and uptime", true},
        {CTL_SHOW_BFD, "show_bfd", "show bfd [ADDR]",
         "BFD sessions: state, discriminators, negotiated intervals, flaps", true},
        {CTL_CLEAR_BGP, "clear_bgp", "clear bgp ADDR|all [soft]",
         "Reset sessions, or with soft: refresh routes in and re-send out", false},
        {CTL_NEIGHBOR_SHUTDOWN, "neighbor_shutdown", "neighbor ADDR shutdown [TEXT]",
         "Administratively shut a session down (RFC 9003 message)", false},
        {CTL_NO_NEIGHBOR_SHUTDOWN, "no_neighbor_shutdown", "no neighbor ADDR shutdown",
         "Bring an administratively shut session back", false},
        {CTL_RELOAD, "reload", "reload",
         "Re-read the configuration; only changed sessions are reset", false},
        {CTL_LOG_LEVEL, "log_level", "log level LEVEL", "Set the daemon's log level", false},
};

/* Every keyword, once, with its help: `?` prints these. */
static const struct {
	const char *word, *help;
} ctl_keywords[] = {
        {"advertised", "Routes we advertise to the peer (Adj-RIB-Out)"},
        {"after", "Start the page after this prefix (the last one shown)"},
        {"all", "Every session"},
        {"best", "Best routes (Loc-RIB), as installed"},
        {"bfd", "BFD sessions (RFC 5880)"},
        {"bgp", "BGP sessions and routes"},
        {"clear", "Reset or refresh sessions"},
        {"config", "Running configuration (secrets redacted)"},
        {"explain", "Why a prefix is (not) advertised or accepted"},
        {"kernel", "Kernel forwarding table"},
        {"level", "Log level"},
        {"limit", "At most this many routes in the answer"},
        {"log", "Logging"},
        {"neighbor", "One BGP session, by its neighbor address"},
        {"neighbors", "Session details"},
        {"no", "Undo a setting"},
        {"policy", "Outbound policy pipeline"},
        {"received", "Routes received from the peer (Adj-RIB-In)"},
        {"reload", "Re-read the configuration file"},
        {"routes", "Routes"},
        {"show", "Show running state"},
        {"shutdown", "Administrative shutdown (RFC 9003)"},
        {"soft", "Soft reset: ROUTE-REFRESH in, re-send out"},
        {"summary", "One line per session"},
        {"version", "Version and uptime"},
};

static const char *const ctl_arg_names[CTL_ARG_COUNT] = {
        NULL, "ADDR", "PREFIX", "PEERING", "LEVEL", "TEXT", "N", "START",
};
static const char *const ctl_arg_helps[CTL_ARG_COUNT] = {
        NULL,
        "Neighbor address (IPv4 or IPv6)",
        "Prefix, e.g. 10.1.0.0/16 (an address means the host prefix)",
        "Peering: private, public, microsoft, or CIRCUIT/private",
        "Log level: err, warning, notice, info, debug",
        "Free text (shutdown message, up to 255 bytes)",
        "A count, 1 to 1000000",
        "A prefix: the page starts after it (the last prefix of the previous page)",
};

static const char *const ctl_levels[] = {
        "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
#define NLEVELS (sizeof(ctl_levels) / sizeof(ctl_levels[0]))
/* The peerings as config_peering_name() spells them. */
static const char *const ctl_peerings[] = {"private", "public", "microsoft"};
#define CTL_NPEERINGS (sizeof(ctl_peerings) / sizeof(ctl_peerings[0]))

/* RFC 9003 §2: the shutdown communication is at most 255 octets. */
#define CTL_TEXT_MAX 255

const struct ctl_cmd *
ctl_cmd_get(enum ctl_cmd_id id)
{
	return (unsigned)id < CTL_CMD_COUNT ? &ctl_cmds[id] : NULL;
}

const struct ctl_cmd *
ctl_cmd_by_name(const char *name)
{
	for (size_t i = 0; i < CTL_CMD_COUNT; i++)
		if (strcmp(ctl_cmds[i].name, name) == 0)
			return &ctl_cmds[i];
	return NULL;
}

const char *
ctl_arg_name(enum ctl_arg a)
{
	return (unsigned)a < CTL_ARG_COUNT ? ctl_arg_names[a] : NULL;
}

const char *
ctl_arg_help(enum ctl_arg a)
{
	return (unsigned)a < CTL_ARG_COUNT ? ctl_arg_helps[a] : NULL;
}

int
ctl_level_value(const char *name)
{
	for (size_t i = 0; i < NLEVELS; i++)
		if (strcmp(name, ctl_levels[i]) == 0)
			return (int)i;
	return -1;
}

const char *
ctl_level_name(int value)
{
	return value >= 0 && (size_t)value < NLEVELS ? ctl_levels[value] : NULL;
}

/* ---- syntax compilation ---- */

#define MAX_ALTS  4
#define MAX_ELEMS 12

struct alt {
	enum ctl_arg arg; /* CTL_ARG_NONE: keyword */
	const char *kw;   /* into ctl_keywords */
};

struct elem {
	bool opt;
	bool bound; /* the argument of the keyword before it ([kw=ARG]): both or neither */
	size_t nalt;
	struct alt alt[MAX_ALTS];
};

struct spec {
	size_t n;
	struct elem e[MAX_ELEMS];
};

static const char *
keyword_lookup(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(ctl_keywords) / sizeof(ctl_keywords[0]); i++)
		if (strlen(ctl_keywords[i].word) == len &&
		    memcmp(ctl_keywords[i].word, s, len) == 0)
			return ctl_keywords[i].word;
	return NULL;
}

static const char *
keyword_help(const char *kw)
{
	for (size_t i = 0; i < sizeof(ctl_keywords) / sizeof(ctl_keywords[0]); i++)
		if (strcmp(ctl_keywords[i].word, kw) == 0)
			return ctl_keywords[i].help;
	return "";
}

static enum ctl_arg
arg_lookup(const char *s, size_t len)
{
	for (int a = 1; a < CTL_ARG_COUNT; a++)
		if (strlen(ctl_arg_names[a]) == len && memcmp(ctl_arg_names[a], s, len) == 0)
			return (enum ctl_arg)a;
	return CTL_ARG_NONE;
}

/*
 * The table is ours and tested (every word of every row compiles), so a
 * malformed row is a programming error: it compiles to fewer elements and
 * the unit test catches it.
 */
static void
spec_compile(const char *syntax, struct spec *sp)
{
	const char *p = syntax;

	sp->n = 0;
	while (*p && sp->n < MAX_ELEMS) {
		struct elem *e = &sp->e[sp->n];
		const char *end;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = p;
		while (*end && *end != ' ')
			end++;
		e->opt = *p == '[';
		e->bound = false;
		e->nalt = 0;
		const char *a = p + e->opt, *stop = end - (e->opt && end[-1] == ']');
		if (e->opt && end[-1] != ']' && sp->n + 1 < MAX_ELEMS) {
			/* "[kw ARG]": the keyword, then its argument bound to it. */
			const char *arg = end + (*end == ' '), *aend = arg;

			while (*aend && *aend != ' ' && *aend != ']')
				aend++;
			e->alt[0].arg = CTL_ARG_NONE;
			e->alt[0].kw = keyword_lookup(a, (size_t)(end - a));
			e->nalt = e->alt[0].kw != NULL;
			struct elem *b = &sp->e[++sp->n];
			b->opt = true;
			b->bound = true;
			b->alt[0].arg = arg_lookup(arg, (size_t)(aend - arg));
			b->alt[0].kw = NULL;
			b->nalt = b->alt[0].arg != CTL_ARG_NONE;
			sp->n++;
			p = aend + (*aend == ']');
			continue;
		}
		while (a < stop && e->nalt < MAX_ALTS) {
			const char *bar = a;

			while (bar < stop && *bar != '|')
				bar++;
			struct alt *al = &e->alt[e->nalt];
			al->arg = arg_lookup(a, (size_t)(bar - a));
			al->kw = al->arg == CTL_ARG_NONE ? keyword_lookup(a, (size_t)(bar - a))
			                                 : NULL;
			if (al->arg != CTL_ARG_NONE || al->kw)
				e->nalt++;
			a = bar + (bar < stop);
		}
		sp->n++;
		p = end;
	}
}

/* ---- splitting ---- */

bool
ctl_split(const char *line, struct ctl_words *out, struct ctl_error *err)
{
	size_t len = strlen(line), i = 0;

	memset(out, 0, offsetof(struct ctl_words, buf));
	if (len > CTL_MAX_LINE) {
		err->pos = CTL_MAX_LINE;
		err->len = 1;
		snprintf(err->msg, sizeof(err->msg), "line too long (more than %d bytes)",
		         CTL_MAX_LINE);
		return false;
	}
	memcpy(out->buf, line, len + 1);
	/* rest[] points into the caller's line: buf gets NULs after words. */
	while (i < len) {
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		if (i >= len)
			break;
		if (out->n == CTL_MAX_WORDS) {
			err->pos = i;
			err->len = len - i;
			snprintf(err->msg, sizeof(err->msg), "too many words (more than %d)",
			         CTL_MAX_WORDS);
			return false;
		}
		out->off[out->n] = i;
		out->rest[out->n] = line + i;
		while (i < len && !isspace((unsigned char)line[i]))
			i++;
		out->len[out->n] = i - out->off[out->n];
		out->w[out->n] = out->buf + out->off[out->n];
		out->n++;
	}
	for (size_t k = 0; k < out->n; k++)
		out->buf[out->off[k] + out->len[k]] = '\0';
	out->trailing_space = len > 0 && isspace((unsigned char)line[len - 1]);
	return true;
}

/* ---- argument checks ---- */

/* Unique prefix of one of names[]; its index, -1 none, -2 ambiguous. */
static int
unique_prefix(const char *w, size_t wlen, const char *const *names, size_t n)
{
	int found = -1;

	for (size_t i = 0; i < n; i++) {
		if (strlen(names[i]) == wlen && strncmp(w, names[i], wlen) == 0)
			return (int)i;
		if (wlen <= strlen(names[i]) && strncmp(w, names[i], wlen) == 0)
			found = found == -1 ? (int)i : -2;
	}
	return wlen == 0 ? -1 : found;
}

static bool
circuit_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Normalize `w` as an argument of kind a into out; false if it is not one. */
static bool
arg_check(enum ctl_arg a, const char *w, char *out, size_t size)
{
	struct prefix p;
	struct addr ad;
	int i;

	switch (a) {
	case CTL_ARG_ADDR:
		if (addr_parse(w, &ad) != 0)
			return false;
		addr_fmt(&ad, out, size);
		return true;
	case CTL_ARG_PREFIX:
	case CTL_ARG_START:
		if (prefix_parse(w, &p, PREFIX_PARSE_HOST) != 0)
			return false;
		prefix_fmt(&p, out, size);
		return true;
	case CTL_ARG_NUM: {
		unsigned long v = 0;

		if (!*w || strlen(w) > 7 || strspn(w, "0123456789") != strlen(w))
			return false;
		for (const char *c = w; *c; c++)
			v = v * 10 + (unsigned long)(*c - '0');
		if (v < 1 || v > CTL_NUM_MAX)
			return false;
		snprintf(out, size, "%lu", v);
		return true;
	}
	case CTL_ARG_PEERING: {
		const char *slash = strchr(w, '/');
		const char *type = slash ? slash + 1 : w;

		if (slash) {
			if (slash == w || (size_t)(slash - w) > 64)
				return false;
			for (const char *c = w; c < slash; c++)
				if (!circuit_char(*c))
					return false;
		}
		i = unique_prefix(type, strlen(type), ctl_peerings, CTL_NPEERINGS);
		if (i < 0)
			return false;
		snprintf(out, size, "%.*s%s%s", slash ? (int)(slash - w) : 0, w, slash ? "/" : "",
		         ctl_peerings[i]);
		return true;
	}
	case CTL_ARG_LEVEL:
		if (strcmp(w, "error") == 0)
			w = "err";
		i = unique_prefix(w, strlen(w), ctl_levels, NLEVELS);
		if (i < 0)
			return false;
		snprintf(out, size, "%s", ctl_levels[i]);
		return true;
	case CTL_ARG_TEXT: {
		size_t len = strlen(w);

		while (len > 0 && isspace((unsigned char)w[len - 1]))
			len--;
		/* The message may be quoted; the quotes are not part of it. */
		if (len >= 2 && w[0] == '"' && w[len - 1] == '"') {
			w++;
			len -= 2;
		}
		if (len > CTL_TEXT_MAX)
			return false;
		snprintf(out, size, "%.*s", (int)len, w);
		return true;
	}
	default:
		return false;
	}
}

/* ---- the matcher ---- */

#define MAX_CURSORS 48

struct step {
	enum ctl_arg arg;
	const char *kw;
};

struct cursor {
	size_t cmd, pos;
	bool text_done; /* a TEXT took the rest of the line */
	struct step hist[CTL_MAX_WORDS];
};

struct matcher {
	struct spec specs[CTL_CMD_COUNT];
	struct cursor cur[MAX_CURSORS];
	size_t ncur;
};

static void
matcher_init(struct matcher *m)
{
	m->ncur = 0;
	for (size_t i = 0; i < CTL_CMD_COUNT; i++) {
		spec_compile(ctl_cmds[i].syntax, &m->specs[i]);
		m->cur[m->ncur].cmd = i;
		m->cur[m->ncur].pos = 0;
		m->cur[m->ncur].text_done = false;
		m->ncur++;
	}
}

static bool
cursor_complete(const struct matcher *m, const struct cursor *c)
{
	const struct spec *sp = &m->specs[c->cmd];

	/* A keyword that takes an argument was given without it. */
	if (c->pos < sp->n && sp->e[c->pos].bound && !c->text_done)
		return false;
	for (size_t j = c->pos; j < sp->n; j++)
		if (!sp->e[j].opt)
			return false;
	return true;
}

/* Calls fn for every (element index, alt) the cursor may match next. */
struct next {
	size_t elem;
	const struct alt *alt;
};

static size_t
cursor_next(const struct matcher *m, const struct cursor *c, struct next *out, size_t max)
{
	const struct spec *sp = &m->specs[c->cmd];
	size_t n = 0;

	if (c->text_done)
		return 0;
	for (size_t j = c->pos; j < sp->n; j++) {
		/* A bound argument comes right after its keyword, and only then. */
		if (sp->e[j].bound && j != c->pos)
			continue;
		for (size_t k = 0; k < sp->e[j].nalt && n < max; k++) {
			out[n].elem = j;
			out[n].alt = &sp->e[j].alt[k];
			n++;
		}
		if (!sp->e[j].opt || sp->e[j].bound)
			break;
	}
	return n;
}

/*
 * "bgp" keeps every abbreviation it had before "bfd" joined it after
 * `show`: operators' fingers and scripts type `sh b sum`. `bf` is bfd.
 */
static bool
kw_preferred(const char *kw)
{
	return strcmp(kw, "bgp") == 0;
}

static bool
kw_matches(const char *kw, const char *w, size_t wlen)
{
	return wlen <= strlen(kw) && strncmp(kw, w, wlen) == 0;
}

/* What may come next, for messages: "summary, neighbors or ADDR". */
static void
expected_list(const struct matcher *m, char *buf, size_t size)
{
	const char *seen[CTL_MAX_ITEMS];
	size_t nseen = 0, used = 0;
	bool cr = false;

	buf[0] = '\0';
	for (size_t i = 0; i < m->ncur; i++) {
		struct next nx[MAX_ELEMS * MAX_ALTS];
		size_t n = cursor_next(m, &m->cur[i], nx, sizeof(nx) / sizeof(nx[0]));

		cr = cr || cursor_complete(m, &m->cur[i]);
		for (size_t k = 0; k < n; k++) {
			const char *w =
			        nx[k].alt->kw ? nx[k].alt->kw : ctl_arg_names[nx[k].alt->arg];
			bool dup = false;

			for (size_t s = 0; s < nseen; s++)
				dup = dup || strcmp(seen[s], w) == 0;
			if (dup || nseen == CTL_MAX_ITEMS)
				continue;
			seen[nseen++] = w;
			int r = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", w);
			if (r < 0 || (size_t)r >= size - used)
				return;
			used += (size_t)r;
		}
	}
	if (cr)
		snprintf(buf + used, size - used, "%s<end of line>", used ? " or " : "");
}

static bool seterr(struct ctl_error *err, size_t pos, size_t len, const char *fmt, ...)
        PRINTF_LIKE(4, 5);

static bool
seterr(struct ctl_error *err, size_t pos, size_t len, const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	err->len = len ? len : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Advance the cursors over word i. TEXT takes the rest of the line. On
 * error, `err` points at the word.
 */
static bool
matcher_step(struct matcher *m, const struct ctl_words *ws, size_t i, struct ctl_error *err)
{
	const char *w = ws->w[i];
	size_t wlen = ws->len[i];
	struct cursor next[MAX_CURSORS];
	size_t nnext = 0;
	const char *kwfound[CTL_MAX_ITEMS];
	size_t nkw = 0;
	const char *exact = NULL;
	char expect[200], scratch[CTL_MAX_LINE + 1];

	/* Keywords first: which distinct keywords does w abbreviate? */
	for (size_t c = 0; c < m->ncur; c++) {
		struct next nx[MAX_ELEMS * MAX_ALTS];
		size_t n = cursor_next(m, &m->cur[c], nx, sizeof(nx) / sizeof(nx[0]));

		for (size_t k = 0; k < n; k++) {
			const char *kw = nx[k].alt->kw;
			bool dup = false;

			if (!kw || !kw_matches(kw, w, wlen))
				continue;
			if (strlen(kw) == wlen)
				exact = kw;
			for (size_t s = 0; s < nkw; s++)
				dup = dup || kwfound[s] == kw;
			if (!dup && nkw < CTL_MAX_ITEMS)
				kwfound[nkw++] = kw;
		}
	}
	if (exact) {
		kwfound[0] = exact;
		nkw = 1;
	}
	for (size_t s = 0; s < nkw && nkw > 1; s++)
		if (kw_preferred(kwfound[s])) {
			kwfound[0] = kwfound[s];
			nkw = 1;
		}
	if (nkw > 1) {
		char list[200];
		size_t used = 0;

		list[0] = '\0';
		for (size_t s = 0; s < nkw; s++) {
			int r = snprintf(list + used, sizeof(list) - used, "%s%s", s ? ", " : "",
			                 kwfound[s]);
			if (r < 0 || (size_t)r >= sizeof(list) - used)
				break;
			used += (size_t)r;
		}
		return seterr(err, ws->off[i], wlen, "ambiguous \"%s\": could be %s", w, list);
	}

	for (size_t c = 0; c < m->ncur; c++) {
		struct next nx[MAX_ELEMS * MAX_ALTS];
		size_t n = cursor_next(m, &m->cur[c], nx, sizeof(nx) / sizeof(nx[0]));

		for (size_t k = 0; k < n && nnext < MAX_CURSORS; k++) {
			const struct alt *al = nx[k].alt;
			bool ok;

			if (nkw == 1)
				ok = al->kw == kwfound[0];
			else if (al->arg == CTL_ARG_TEXT)
				ok = arg_check(al->arg, ws->rest[i], scratch, sizeof(scratch));
			else
				ok = al->arg != CTL_ARG_NONE &&
				     arg_check(al->arg, w, scratch, sizeof(scratch));
			if (!ok)
				continue;
			struct cursor *nc = &next[nnext++];
			*nc = m->cur[c];
			nc->pos = nx[k].elem + 1;
			nc->hist[i].arg = al->arg;
			nc->hist[i].kw = al->kw;
			nc->text_done = al->arg == CTL_ARG_TEXT;
		}
	}
	if (nnext == 0) {
		expected_list(m, expect, sizeof(expect));
		if (expect[0] == '\0')
			return seterr(err, ws->off[i], wlen, "unexpected \"%s\"", w);
		return seterr(err, ws->off[i], wlen, "unexpected \"%s\": expected %s", w, expect);
	}
	memcpy(m->cur, next, nnext * sizeof(next[0]));
	m->ncur = nnext;
	return true;
}

/* Run the words [0, n) through the matcher; stop early after a TEXT. */
static bool
matcher_run(struct matcher *m, const struct ctl_words *ws, size_t n, struct ctl_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!matcher_step(m, ws, i, err))
			return false;
		if (m->ncur > 0 && m->cur[0].text_done) {
			/* TEXT cursors only survive if every cursor took TEXT here. */
			size_t keep = 0;

			for (size_t c = 0; c < m->ncur; c++)
				if (m->cur[c].text_done)
					m->cur[keep++] = m->cur[c];
			m->ncur = keep;
			return true;
		}
	}
	return true;
}

static void
canon_add(struct ctl_parsed *out, const char *s)
{
	size_t used = strlen(out->canon);

	snprintf(out->canon + used, sizeof(out->canon) - used, "%s%s", used ? " " : "", s);
}

bool
ctl_parse(const char *line, struct ctl_parsed *out, struct ctl_error *err)
{
	struct ctl_words ws;
	struct matcher m;
	const struct cursor *win = NULL;
	char expect[200];
	size_t nwords;

	memset(out, 0, sizeof(*out));
	if (!ctl_split(line, &ws, err))
		return false;
	if (ws.n == 0)
		return seterr(err, 0, 1, "empty command");
	matcher_init(&m);
	if (!matcher_run(&m, &ws, ws.n, err))
		return false;
	for (size_t c = 0; c < m.ncur && !win; c++)
		if (m.cur[c].text_done || cursor_complete(&m, &m.cur[c]))
			win = &m.cur[c];
	if (!win) {
		expected_list(&m, expect, sizeof(expect));
		return seterr(err, strlen(line), 1, "incomplete command: expected %s", expect);
	}
	out->cmd = &ctl_cmds[win->cmd];
	nwords = win->text_done ? 0 : ws.n;
	for (size_t i = 0; i < ws.n; i++) {
		const struct step *st = &win->hist[i];

		if (st->kw) {
			const struct spec *sp = &m.specs[win->cmd];
			bool fixed = false;

			/* Record keywords the user chose (alternatives, optionals). */
			for (size_t j = 0; j < sp->n; j++)
				if (sp->e[j].nalt == 1 && !sp->e[j].opt &&
				    sp->e[j].alt[0].kw == st->kw)
					fixed = true;
			if (!fixed && out->nopt < sizeof(out->opt) / sizeof(out->opt[0]))
				out->opt[out->nopt++] = st->kw;
			canon_add(out, st->kw);
			continue;
		}
		const char *src = st->arg == CTL_ARG_TEXT ? ws.rest[i] : ws.w[i];

		arg_check(st->arg, src, out->arg[st->arg], sizeof(out->arg[st->arg]));
		out->has_arg[st->arg] = true;
		canon_add(out, st->arg == CTL_ARG_TEXT ? src : out->arg[st->arg]);
		if (st->arg == CTL_ARG_TEXT)
			break;
	}
	(void)nwords;
	return true;
}

bool
ctl_parsed_has(const struct ctl_parsed *p, const char *kw)
{
	for (size_t i = 0; i < p->nopt; i++)
		if (strcmp(p->opt[i], kw) == 0)
			return true;
	return false;
}

const char *
ctl_parsed_arg(const struct ctl_parsed *p, enum ctl_arg a)
{
	if ((unsigned)a >= CTL_ARG_COUNT || !p->has_arg[a])
		return NULL;
	return p->arg[a];
}

/* ---- help and completion ---- */

/* The matcher after every complete word; *partial gets the last word. */
static bool
matcher_prefix(const char *line, struct matcher *m, struct ctl_words *ws, const char **partial,
               size_t *pstart, struct ctl_error *err)
{
	size_t full;

	if (!ctl_split(line, ws, err))
		return false;
	full = ws->n;
	*partial = "";
	*pstart = strlen(line);
	if (ws->n > 0 && !ws->trailing_space) {
		full--;
		*partial = ws->w[full];
		*pstart = ws->off[full];
	}
	matcher_init(m);
	return matcher_run(m, ws, full, err);
}

static bool
items_add(struct ctl_item *items, size_t max, size_t *n, const char *word, const char *help,
          bool is_arg)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(items[i].word, word) == 0)
			return true;
	if (*n == max)
		return false;
	items[*n].word = word;
	items[*n].help = help;
	items[*n].is_arg = is_arg;
	(*n)++;
	return true;
}

static int
item_rank(const struct ctl_item *it)
{
	if (strcmp(it->word, "<cr>") == 0)
		return 2;
	return it->is_arg ? 1 : 0;
}

static void
items_sort(struct ctl_item *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct ctl_item x = items[i];
		size_t j = i;

		while (j > 0 && (item_rank(&items[j - 1]) > item_rank(&x) ||
		                 (item_rank(&items[j - 1]) == item_rank(&x) &&
		                  strcmp(items[j - 1].word, x.word) > 0))) {
			items[j] = items[j - 1];
			j--;
		}
		items[j] = x;
	}
}

/* Could `partial` be the start of an argument of kind a? */
static bool
arg_may_start(enum ctl_arg a, const char *partial)
{
	char scratch[CTL_MAX_LINE + 1];
	size_t len = strlen(partial);

	if (len == 0 || a == CTL_ARG_TEXT)
		return true;
	if (arg_check(a, partial, scratch, sizeof(scratch)))
		return true;
	switch (a) {
	case CTL_ARG_ADDR:
	case CTL_ARG_PREFIX:
	case CTL_ARG_START:
		return strspn(partial, "0123456789abcdefABCDEF.:/") == len;
	case CTL_ARG_NUM:
		return strspn(partial, "0123456789") == len && len <= 7;
	case CTL_ARG_PEERING:
		for (size_t i = 0; i < CTL_NPEERINGS; i++)
			if (kw_matches(ctl_peerings[i], partial, len))
				return true;
		return strspn(partial, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                       "0123456789_-./") == len;
	case CTL_ARG_LEVEL:
		for (size_t i = 0; i < NLEVELS; i++)
			if (kw_matches(ctl_levels[i], partial, len))
				return true;
		return false;
	default:
		return false;
	}
}

int
ctl_help(const char *line, struct ctl_item *items, size_t max, struct ctl_error *err)
{
	struct ctl_words ws;
	struct matcher m;
	const char *partial;
	size_t pstart, n = 0, plen;
	bool cr = false;

	if (!matcher_prefix(line, &m, &ws, &partial, &pstart, err))
		return -1;
	plen = strlen(partial);
	for (size_t c = 0; c < m.ncur; c++) {
		struct next nx[MAX_ELEMS * MAX_ALTS];
		size_t k, cnt = cursor_next(&m, &m.cur[c], nx, sizeof(nx) / sizeof(nx[0]));

		cr = cr || m.cur[c].text_done || cursor_complete(&m, &m.cur[c]);
		for (k = 0; k < cnt; k++) {
			const struct alt *al = nx[k].alt;

			if (al->kw && kw_matches(al->kw, partial, plen))
				items_add(items, max, &n, al->kw, keyword_help(al->kw), false);
			else if (!al->kw && arg_may_start(al->arg, partial))
				items_add(items, max, &n, ctl_arg_names[al->arg],
				          ctl_arg_helps[al->arg], true);
		}
	}
	if (cr && plen == 0)
		items_add(items, max, &n, "<cr>", "Run the command", false);
	items_sort(items, n);
	return (int)n;
}

static void
cand_add(const char **cands, size_t max, size_t *n, const char *w)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(cands[i], w) == 0)
			return;
	if (*n < max)
		cands[(*n)++] = w;
}

int
ctl_complete(const char *line, const char **cands, size_t max, size_t *start)
{
	struct ctl_words ws;
	struct ctl_error err;
	struct matcher m;
	const char *partial;
	size_t n = 0, plen;

	*start = strlen(line);
	if (!matcher_prefix(line, &m, &ws, &partial, start, &err))
		return 0;
	plen = strlen(partial);
	for (size_t c = 0; c < m.ncur; c++) {
		struct next nx[MAX_ELEMS * MAX_ALTS];
		size_t cnt = cursor_next(&m, &m.cur[c], nx, sizeof(nx) / sizeof(nx[0]));

		for (size_t k = 0; k < cnt; k++) {
			const struct alt *al = nx[k].alt;

			if (al->kw && kw_matches(al->kw, partial, plen))
				cand_add(cands, max, &n, al->kw);
			if (al->arg == CTL_ARG_PEERING)
				for (size_t i = 0; i < CTL_NPEERINGS; i++)
					if (kw_matches(ctl_peerings[i], partial, plen))
						cand_add(cands, max, &n, ctl_peerings[i]);
			if (al->arg == CTL_ARG_LEVEL)
				for (size_t i = 0; i < NLEVELS; i++)
					if (kw_matches(ctl_levels[i], partial, plen))
						cand_add(cands, max, &n, ctl_levels[i]);
		}
	}
	/* Sorted, so the shell lists them in a stable order. */
	for (size_t i = 1; i < n; i++) {
		const char *x = cands[i];
		size_t j = i;

		while (j > 0 && strcmp(cands[j - 1], x) > 0) {
			cands[j] = cands[j - 1];
			j--;
		}
		cands[j] = x;
	}
	return (int)n;
}

size_t
ctl_common_prefix(const char *const *cands, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	len = strlen(cands[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && cands[i][k] == cands[0][k])
			k++;
		len = k;
	}
	return len;
}

int
ctl_error_fmt(const char *line, const struct ctl_error *err, size_t indent, char *buf, size_t size)
{
	size_t pos = err->pos, len = err->len ? err->len : 1;
	size_t linelen = strlen(line);
	size_t used = 0;
	int r;

	if (pos > linelen)
		pos = linelen;
	if (indent == 0) {
		r = snprintf(buf, size, "%s\n", line);
		if (r < 0 || (size_t)r >= size)
			return r;
		used = (size_t)r;
	}
	r = snprintf(buf + used, size - used, "%*s", (int)(indent + pos), "");
	if (r < 0 || (size_t)r >= size - used)
		return r;
	used += (size_t)r;
	for (size_t i = 0; i < len && used + 1 < size; i++)
		buf[used++] = '^';
	buf[used] = '\0';
	r = snprintf(buf + used, size - used, "\n%% %s\n", err->msg);
	if (r < 0)
		return r;
	return (int)(used + (size_t)r);
}
