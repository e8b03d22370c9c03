/*
 * ctl_cmd: the control shell's command grammar, declared once.
 *
 * Every command is one row of a table (ctl_cmd.c): its syntax, help text,
 * whether the read-only socket may run it, and the handler id. Parsing with
 * unique-prefix abbreviations (`sh bgp sum`), the `?` listing of what may
 * come next, TAB completion and errors that point at the wrong word are all
 * derived from that table, so the client and the daemon can never disagree.
 *
 * Syntax of a row: words separated by spaces; each word is an element.
 *   keyword          must be typed (any unique prefix will do)
 *   a|b|ADDR         one of several alternatives (keywords and arguments)
 *   [x]              the element may be left out
 *   [kw ARG]         an optional keyword that takes an argument: both or
 *                    neither (`limit 100`)
 * Arguments: ADDR (an IPv4/IPv6 address), PREFIX (a prefix; a bare address
 * means the host prefix), PEERING (`private`, `public`, `microsoft` or
 * `CIRCUIT/private`), LEVEL (a syslog level name), N (a count), START (a
 * prefix, for paging: the last one a previous page showed), TEXT (the rest
 * of the line, free text; always last).
 *
 * Pure: no I/O, no allocation.
 */
#ifndef CEBGP_CTL_CMD_H
#define CEBGP_CTL_CMD_H

#include <stdbool.h>
#include <stddef.h>

/* Handler ids: the daemon dispatches on these, the client renders by them. */
enum ctl_cmd_id {
	CTL_SHOW_BGP_SUMMARY,
	CTL_SHOW_BGP_NEIGHBORS,
	CTL_SHOW_BGP_ROUTES,
	CTL_SHOW_POLICY,
	CTL_EXPLAIN,
	CTL_SHOW_KERNEL_ROUTES,
	CTL_SHOW_CONFIG,
	CTL_SHOW_VERSION,
	CTL_SHOW_BFD,
	CTL_CLEAR_BGP,
	CTL_NEIGHBOR_SHUTDOWN,
	CTL_NO_NEIGHBOR_SHUTDOWN,
	CTL_RELOAD,
	CTL_LOG_LEVEL,
	CTL_CMD_COUNT
};

enum ctl_arg {
	CTL_ARG_NONE,
	CTL_ARG_ADDR,
	CTL_ARG_PREFIX,
	CTL_ARG_PEERING,
	CTL_ARG_LEVEL,
	CTL_ARG_TEXT,
	CTL_ARG_NUM,   /* N: a count, 1..CTL_NUM_MAX */
	CTL_ARG_START, /* START: a prefix a page starts after */
	CTL_ARG_COUNT
};

#define CTL_NUM_MAX 1000000

struct ctl_cmd {
	enum ctl_cmd_id id;
	const char *name;   /* snake_case handler name, e.g. "show_bgp_summary" */
	const char *syntax; /* "show bgp routes [received|advertised|best] [PEERING] [PREFIX]" */
	const char *help;
	bool readonly; /* allowed on the read-only socket */
};

/* The table, CTL_CMD_COUNT rows, in enum order. */
const struct ctl_cmd *ctl_cmd_get(enum ctl_cmd_id id);
/* Lookup by name ("show_bgp_summary"); NULL if unknown. */
const struct ctl_cmd *ctl_cmd_by_name(const char *name);

#define CTL_MAX_WORDS 24
#define CTL_MAX_LINE  1024

/* A line split into words, with the byte offset of each (for the caret). */
struct ctl_words {
	size_t n;
	char buf[CTL_MAX_LINE + 1];
	const char *w[CTL_MAX_WORDS];
	size_t off[CTL_MAX_WORDS], len[CTL_MAX_WORDS];
	const char *rest[CTL_MAX_WORDS]; /* the raw line from word i on (TEXT) */
	bool trailing_space;             /* the line ends in blank: no partial word */
};

struct ctl_error {
	size_t pos, len; /* bytes in the line the error points at */
	char msg[256];
};

/* A parsed command: which row, and its arguments, normalized. */
struct ctl_parsed {
	const struct ctl_cmd *cmd;
	/* One value per argument kind (a row never has two of one kind). */
	char arg[CTL_ARG_COUNT][CTL_MAX_LINE + 1];
	bool has_arg[CTL_ARG_COUNT];
	/* Keywords chosen among alternatives or optional ones, spelled in full. */
	const char *opt[4];
	size_t nopt;
	/* The whole command spelled in full (for the log and the request). */
	char canon[CTL_MAX_LINE + 1];
};

/* Split `line` (at most CTL_MAX_LINE bytes); false with err on overflow. */
bool ctl_split(const char *line, struct ctl_words *out, struct ctl_error *err);

/*
 * Parse one command line. False with `err` pointing at the offending word:
 * unknown word, ambiguous abbreviation (the candidates listed), bad
 * argument, or incomplete command (the caret at the end of the line).
 */
bool ctl_parse(const char *line, struct ctl_parsed *out, struct ctl_error *err);

/* True when the parsed command chose keyword `kw` (e.g. "soft", "best"). */
bool ctl_parsed_has(const struct ctl_parsed *p, const char *kw);
/* The argument of kind `a`, or NULL. */
const char *ctl_parsed_arg(const struct ctl_parsed *p, enum ctl_arg a);

/* One line of `?` help or one completion candidate. */
struct ctl_item {
	const char *word; /* keyword, or "ADDR", ..., or "<cr>" */
	const char *help;
	bool is_arg;
};

#define CTL_MAX_ITEMS 32

/*
 * What may come next at the end of `line`: when the line does not end in a
 * blank, its last word is a partial word and only what it may start is
 * listed. Returns the number of items (sorted, unique), or -1 with err when
 * the words before are already wrong.
 */
int ctl_help(const char *line, struct ctl_item *items, size_t max, struct ctl_error *err);

/*
 * TAB completion of the last (partial) word of `line`: the full words it
 * may become (keywords and enumerated values such as `private`, `debug`).
 * Returns the count (<= max); `start` gets the byte offset of the partial
 * word in `line`.
 */
int ctl_complete(const char *line, const char **cands, size_t max, size_t *start);

/* The longest common prefix length of cands[0..n). */
size_t ctl_common_prefix(const char *const *cands, size_t n);

/*
 * Render an error for a terminal: the line, a caret under the wrong word,
 * then the message. `indent` is the prompt width (0 for a one-shot).
 */
int ctl_error_fmt(const char *line, const struct ctl_error *err, size_t indent, char *buf,
                  size_t size);

/* Help texts of argument kinds (ADDR ...), NULL for CTL_ARG_NONE. */
const char *ctl_arg_name(enum ctl_arg a);
const char *ctl_arg_help(enum ctl_arg a);

/* Log levels as LEVEL accepts them, in syslog order (emerg=0 .. debug=7). */
int ctl_level_value(const char *name); /* -1 if unknown; full names only */
const char *ctl_level_name(int value);

#endif
