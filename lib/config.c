/*
 * config: diagnostics, loading, freeing, and the reload comparison.
 * The YAML walk is in config_parse.c, the cross-field rules in
 * config_validate.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "config_int.h"

/*
 * Messages kept per load: enough for any real file, and the duplicate
 * check and the sort stay cheap. Beyond it messages are counted only.
 */
#define CONFIG_DIAG_MAX 1000

/* A config file is a page or two; anything this big is a mistake. */
#define CONFIG_MAX_FILE (4u << 20)

/* ---- diagnostics ---------------------------------------------------- */

void
config_diag_init(struct config_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
config_diag_free(struct config_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i].message);
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	free(d->msgs);
	free(d->files);
	memset(d, 0, sizeof(*d));
}

static const char *
diag_intern(struct config_diag *d, const char *file)
{
	char **nf;

	if (file == NULL)
		file = "(config)";
	for (size_t i = 0; i < d->nfiles; i++)
		if (strcmp(d->files[i], file) == 0)
			return d->files[i];
	nf = realloc(d->files, (d->nfiles + 1) * sizeof(*nf));
	if (nf == NULL)
		return NULL;
	d->files = nf;
	if ((nf[d->nfiles] = strdup(file)) == NULL)
		return NULL;
	return nf[d->nfiles++];
}

static void
diag_vadd(struct config_diag *d, const char *file, uint32_t line, uint32_t col,
          enum config_severity sev, const char *fmt, va_list ap)
{
	struct config_msg *m;
	char *text;
	va_list ap2;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0 || (text = malloc((size_t)len + 1)) == NULL)
		return;
	vsnprintf(text, (size_t)len + 1, fmt, ap);
	file = diag_intern(d, file);
	/*
	 * Settings inherited by several sessions are checked once per
	 * session; the same message at the same place is said once.
	 */
	for (size_t i = 0; i < d->n; i++) {
		m = &d->msgs[i];
		if (m->line == line && m->col == col && m->severity == sev && m->file == file &&
		    strcmp(m->message, text) == 0) {
			free(text);
			return;
		}
	}
	if (sev == CONFIG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (file == NULL || d->n > CONFIG_DIAG_MAX) {
		free(text);
		return;
	}
	if (d->n == CONFIG_DIAG_MAX) {
		/* No position: sorts last, after the messages it stands for. */
		free(text);
		text = strdup("too many problems; only the first ones are shown");
		if (text == NULL)
			return;
		line = col = 0;
		sev = CONFIG_WARNING;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct config_msg *nm = realloc(d->msgs, cap * sizeof(*nm));
		if (nm == NULL) {
			free(text);
			return;
		}
		d->msgs = nm;
		d->cap = cap;
	}
	m = &d->msgs[d->n++];
	m->file = file;
	m->line = line;
	m->col = col;
	m->severity = sev;
	m->message = text;
}

void
config_diag_add(struct config_diag *d, const char *file, uint32_t line, uint32_t col,
                enum config_severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, file, line, col, sev, fmt, ap);
	va_end(ap);
}

void
cfg_err(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c->diag, c->file, pos.line, pos.col, CONFIG_ERROR, fmt, ap);
	va_end(ap);
}

void
cfg_warn(struct cfg_ctx *c, struct config_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c->diag, c->file, pos.line, pos.col, CONFIG_WARNING, fmt, ap);
	va_end(ap);
}

static void
diag_sort(struct config_diag *d)
{
	/*
	 * By position, messages without one last. Insertion sort: stable, so
	 * messages at the same place stay in the order they were found, and
	 * the lists are short.
	 */
	for (size_t i = 1; i < d->n; i++) {
		struct config_msg m = d->msgs[i];
		size_t j = i;
		while (j > 0) {
			struct config_msg *p = &d->msgs[j - 1];
			uint64_t kp = p->line ? ((uint64_t)p->line << 32) | p->col : UINT64_MAX;
			uint64_t km = m.line ? ((uint64_t)m.line << 32) | m.col : UINT64_MAX;
			int f = strcmp(p->file, m.file);
			if (f < 0 || (f == 0 && kp <= km))
				break;
			d->msgs[j] = *p;
			j--;
		}
		d->msgs[j] = m;
	}
}

char *
config_msg_fmt(const struct config_msg *m, char *buf, size_t size)
{
	const char *sev = m->severity == CONFIG_ERROR ? "error" : "warning";

	if (m->line)
		snprintf(buf, size, "%s:%u:%u: %s: %s", m->file, m->line, m->col, sev, m->message);
	else
		snprintf(buf, size, "%s: %s: %s", m->file, sev, m->message);
	return buf;
}

void
config_diag_print(FILE *out, const struct config_diag *d)
{
	char line[1024];

	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "%s\n", config_msg_fmt(&d->msgs[i], line, sizeof(line)));
}

/* ---- names ---------------------------------------------------------- */

const char *
config_peering_name(enum config_peering_type t)
{
	static const char *const names[CONFIG_NPEERINGS] = {
	        [CONFIG_PRIVATE] = "private",
	        [CONFIG_PUBLIC] = "public",
	        [CONFIG_MICROSOFT] = "microsoft",
	};

	return (unsigned)t < CONFIG_NPEERINGS ? names[t] : "private";
}

const char *
config_role_name(enum config_role r)
{
	return r == CONFIG_SECONDARY ? "secondary" : "primary";
}

/* ---- load ----------------------------------------------------------- */

static void
config_init_defaults(struct config *cfg)
{
	cfg->log.level = LOG_INFO;
	cfg->log.facility = LOG_DAEMON;
}

static struct config *
config_parse_buffer(const char *text, size_t len, const char *name, const char *dir,
                    struct config_diag *diag)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct cfg_ctx c;
	struct config *cfg;
	size_t errors_before = diag->errors;

	memset(&c, 0, sizeof(c));
	c.diag = diag;
	c.file = name;
	c.dir = dir;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL || (cfg->file = strdup(name)) == NULL) {
		free(cfg);
		config_diag_add(diag, name, 0, 0, CONFIG_ERROR, "out of memory");
		return NULL;
	}
	config_init_defaults(cfg);
	c.cfg = cfg;

	if (!yaml_parser_initialize(&parser)) {
		config_diag_add(diag, name, 0, 0, CONFIG_ERROR, "out of memory");
		config_free(cfg);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		const char *problem = parser.problem ? parser.problem : "malformed YAML";
		char ctx[160] = "";
		if (parser.context != NULL)
			snprintf(ctx, sizeof(ctx), " %s", parser.context);
		if (parser.context != NULL &&
		    (parser.context_mark.line != parser.problem_mark.line ||
		     parser.context_mark.column != parser.problem_mark.column))
			snprintf(ctx, sizeof(ctx), " %s that starts at line %u, column %u",
			         parser.context, (unsigned)parser.context_mark.line + 1,
			         (unsigned)parser.context_mark.column + 1);
		config_diag_add(diag, name, (uint32_t)parser.problem_mark.line + 1,
		                (uint32_t)parser.problem_mark.column + 1, CONFIG_ERROR,
		                "YAML syntax: %s%s", problem, ctx);
		yaml_parser_delete(&parser);
		config_free(cfg);
		diag_sort(diag);
		return NULL;
	}
	c.doc = &doc;
	if (yaml_document_get_root_node(&doc) == NULL) {
		config_diag_add(diag, name, 0, 0, CONFIG_ERROR,
		                "the file is empty; it needs at least asn and circuits");
	} else {
		yaml_document_t extra;
		if (yaml_parser_load(&parser, &extra)) {
			if (yaml_document_get_root_node(&extra) != NULL)
				config_diag_add(
				        diag, name, (uint32_t)extra.start_mark.line + 1,
				        (uint32_t)extra.start_mark.column + 1, CONFIG_ERROR,
				        "a second YAML document; the config is one document");
			yaml_document_delete(&extra);
		}
		cfg_parse_document(&c);
		if (diag->errors == errors_before)
			cfg_validate(&c);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(c.cx);
	diag_sort(diag);
	if (diag->errors != errors_before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *
config_parse_string(const char *text, const char *name, struct config_diag *diag)
{
	return config_parse_buffer(text, strlen(text), name ? name : "(string)", NULL, diag);
}

struct config *
config_load(const char *path, struct config_diag *diag)
{
	FILE *f;
	char *text, *dir, *slash;
	size_t len;
	struct config *cfg;

	if ((f = fopen(path, "re")) == NULL) {
		config_diag_add(diag, path, 0, 0, CONFIG_ERROR, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if ((text = malloc(CONFIG_MAX_FILE + 1)) == NULL) {
		fclose(f);
		config_diag_add(diag, path, 0, 0, CONFIG_ERROR, "out of memory");
		return NULL;
	}
	len = fread(text, 1, CONFIG_MAX_FILE + 1, f);
	if (ferror(f)) {
		config_diag_add(diag, path, 0, 0, CONFIG_ERROR, "cannot read: %s", strerror(errno));
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	if (len > CONFIG_MAX_FILE) {
		config_diag_add(diag, path, 0, 0, CONFIG_ERROR,
		                "larger than %u bytes; this is not a cebgpd config",
		                CONFIG_MAX_FILE);
		free(text);
		return NULL;
	}
	text[len] = '\0';
	if ((dir = strdup(path)) == NULL) {
		free(text);
		return NULL;
	}
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	else
		strcpy(dir, ".");
	cfg = config_parse_buffer(text, len, path, dir, diag);
	free(dir);
	free(text);
	return cfg;
}

/* ---- free, find ----------------------------------------------------- */

static void
prefix_list_free(struct config_prefix_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->ncircuits; i++) {
		struct config_circuit *ci = &cfg->circuits[i];
		free(ci->name);
		if (ci->service_key) {
			explicit_bzero(ci->service_key, strlen(ci->service_key));
			free(ci->service_key);
		}
		explicit_bzero(ci->md5_key, sizeof(ci->md5_key));
		for (int t = 0; t < CONFIG_NPEERINGS; t++) {
			explicit_bzero(ci->peering[t].md5_key, sizeof(ci->peering[t].md5_key));
			prefix_list_free(&ci->peering[t].announce);
			prefix_list_free(&ci->peering[t].accept);
			free(ci->peering[t].communities);
			free(ci->peering[t].accept_communities);
		}
	}
	free(cfg->circuits);
	free(cfg->sessions);
	free(cfg->control.socket);
	free(cfg->control.readonly_socket);
	free(cfg->control.group);
	free(cfg->metrics.listen);
	free(cfg->file);
	free(cfg);
}

const struct config_session *
config_session_find(const struct config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->nsessions; i++)
		if (strcmp(cfg->sessions[i].key, key) == 0)
			return &cfg->sessions[i];
	return NULL;
}

/* ---- reload comparison ---------------------------------------------- */

static bool
prefix_list_eq(const struct config_prefix_list *a, const struct config_prefix_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!prefix_eq(&a->v[i].prefix, &b->v[i].prefix))
			return false;
	return true;
}

static bool
overcov_eq(const struct config_overcoverage *a, const struct config_overcoverage *b)
{
	return a->kind == b->kind && a->addrs == b->addrs && a->hundredths == b->hundredths;
}

static enum config_change
changed(enum config_change c, char *why, size_t whysize, const char *what)
{
	if (why != NULL && whysize > 0)
		snprintf(why, whysize, "%s changed", what);
	return c;
}

/*
 * Field by field, never memcmp over structs with padding. The transport
 * fields come first: they decide whether the session must be reset.
 */
enum config_change
config_session_compare(const struct config_session *o, const struct config_session *n, char *why,
                       size_t whysize)
{
	const struct config_opts *oo = &o->opts, *no = &n->opts;
	const struct config_peering *op = o->peering, *np = n->peering;
	const char *ok = o->md5_key ? o->md5_key : "", *nk = n->md5_key ? n->md5_key : "";

	if (why != NULL && whysize > 0)
		why[0] = '\0';
	if (o->afi != n->afi)
		return changed(CONFIG_RESET, why, whysize, "address family");
	if (strcmp(o->ifname, n->ifname) != 0)
		return changed(CONFIG_RESET, why, whysize, "interface");
	if (!addr_eq(&o->local, &n->local) || !prefix_eq(&o->subnet, &n->subnet))
		return changed(CONFIG_RESET, why, whysize, "local address");
	if (!addr_eq(&o->peer, &n->peer))
		return changed(CONFIG_RESET, why, whysize, "peer address");
	if (o->local_asn != n->local_asn)
		return changed(CONFIG_RESET, why, whysize, "local ASN");
	if (o->peer_asn != n->peer_asn)
		return changed(CONFIG_RESET, why, whysize, "peer ASN");
	if (o->router_id != n->router_id)
		return changed(CONFIG_RESET, why, whysize, "router id");
	if (strcmp(ok, nk) != 0)
		return changed(CONFIG_RESET, why, whysize, "MD5 key");
	if (oo->timers.hold != no->timers.hold || oo->timers.keepalive != no->timers.keepalive)
		return changed(CONFIG_RESET, why, whysize, "hold or keepalive timer");
	if (oo->port != no->port)
		return changed(CONFIG_RESET, why, whysize, "port");
	if (oo->ttl_security != no->ttl_security)
		return changed(CONFIG_RESET, why, whysize, "ttl-security");

	/* Timers that only matter the next time the session is down. */
	if (oo->timers.connect_retry != no->timers.connect_retry ||
	    oo->timers.idle_hold != no->timers.idle_hold ||
	    oo->timers.idle_hold_max != no->timers.idle_hold_max)
		return changed(CONFIG_SOFT, why, whysize, "connect-retry or idle-hold timer");
	if (oo->passive != no->passive)
		return changed(CONFIG_SOFT, why, whysize, "passive");
	/* BFD intervals change by a Poll Sequence (RFC 5880 6.8.3), never a reset. */
	if (!config_bfd_eq(&oo->bfd, &no->bfd))
		return changed(CONFIG_SOFT, why, whysize, "bfd");
	if (oo->prepend != no->prepend)
		return changed(CONFIG_SOFT, why, whysize, "prepend");
	if (oo->max_received != no->max_received)
		return changed(CONFIG_SOFT, why, whysize, "max-received");
	if (oo->install != no->install || oo->table != no->table || oo->metric != no->metric ||
	    oo->protocol != no->protocol)
		return changed(CONFIG_SOFT, why, whysize, "kernel route options");
	if (op == NULL || np == NULL)
		return CONFIG_UNCHANGED;
	if (!prefix_list_eq(&op->announce, &np->announce))
		return changed(CONFIG_SOFT, why, whysize, "announce");
	if (op->accept_set != np->accept_set || !prefix_list_eq(&op->accept, &np->accept))
		return changed(CONFIG_SOFT, why, whysize, "accept");
	if (op->accept_default != np->accept_default)
		return changed(CONFIG_SOFT, why, whysize, "accept-default");
	if (op->accept_communities_set != np->accept_communities_set ||
	    op->naccept_communities != np->naccept_communities ||
	    (op->naccept_communities && memcmp(op->accept_communities, np->accept_communities,
	                                       op->naccept_communities * sizeof(uint32_t)) != 0))
		return changed(CONFIG_SOFT, why, whysize, "accept-communities");
	if (op->max_prefixes != np->max_prefixes || op->max_prefixes6 != np->max_prefixes6 ||
	    op->max_len != np->max_len || op->max_len6 != np->max_len6 ||
	    op->cap_action != np->cap_action || op->min_length_action != np->min_length_action ||
	    op->discard_holes != np->discard_holes ||
	    !overcov_eq(&op->max_overcoverage, &np->max_overcoverage))
		return changed(CONFIG_SOFT, why, whysize, "outbound policy");
	if (op->ncommunities != np->ncommunities ||
	    (op->ncommunities &&
	     memcmp(op->communities, np->communities, op->ncommunities * sizeof(uint32_t)) != 0))
		return changed(CONFIG_SOFT, why, whysize, "communities");
	return CONFIG_UNCHANGED;
}
