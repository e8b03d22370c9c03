/*
 * cebgpd: the BGP speaker of a customer edge router.
 *
 *   cebgpd [-d] [-v] [-f FILE] [-p PIDFILE] [--port N]   run
 *   cebgpd --check [-f FILE]                             validate, print the plan
 *   cebgpd --md5-key PASSWORD                            print the provider's key
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/config.h" /* lib/config.h by its path: never a build-tree config.h */
#include "bfd_tx.h"
#include "daemon.h"
#include "log.h"
#include "plan.h"
#include "priv.h"

#define DEFAULT_CONFIG "/etc/cebgp/cebgpd.yaml"

static void
usage(FILE *out)
{
	fprintf(out, "usage: cebgpd [-dv] [-f file] [-p pidfile] [--port port]\n"
	             "       cebgpd -n|--check [-f file]\n"
	             "       cebgpd --md5-key password\n"
	             "\n"
	             "  -f, --config FILE   configuration (default " DEFAULT_CONFIG ")\n"
	             "  -d, --debug         stay in the foreground, log to stderr\n"
	             "  -v, --verbose       log debug messages too\n"
	             "  -n, --check         validate the configuration and print the plan\n"
	             "  -p, --pidfile FILE  write the process id to FILE\n"
	             "      --port PORT     BGP port of the listener and of the peers (tests)\n"
	             "  -u, --user USER     started as root: run as USER (default " PRIV_USER ",\n"
	             "                      only CAP_NET_BIND_SERVICE and CAP_NET_ADMIN kept;\n"
	             "                      with -d only when -u is given)\n"
	             "      --md5-key PASS  print the TCP-MD5 key for md5-password PASS\n"
	             "                      (32 hex digits: the provider's -SharedKey)\n"
	             "  -V, --version       print the version\n");
}

static int
check_config(const char *path)
{
	struct config_diag diag;
	struct config *cfg;

	config_diag_init(&diag);
	cfg = config_load(path, &diag);
	if (!cfg) {
		config_diag_print(stderr, &diag);
		fprintf(stderr, "%s: %zu error%s\n", path, diag.errors,
		        diag.errors == 1 ? "" : "s");
		config_diag_free(&diag);
		return 1;
	}
	/* The shipped example's placeholder: refuse it, so the unit does not start on it. */
	if (config_check_placeholders(cfg, &diag) > 0) {
		config_diag_print(stderr, &diag);
		fprintf(stderr, "%s: %zu error%s\n", path, diag.errors,
		        diag.errors == 1 ? "" : "s");
		config_free(cfg);
		config_diag_free(&diag);
		return 1;
	}
	config_plan(stdout, cfg, &diag, plan_print_peering, NULL);
	config_free(cfg);
	config_diag_free(&diag);
	return 0;
}

static int
print_md5_key(const char *password)
{
	char key[CONFIG_MD5_KEYSIZ];

	if (!config_md5_password(password, key)) {
		fprintf(stderr, "cebgpd: cannot compute the MD5 key\n");
		return 1;
	}
	printf("%s\n", key);
	return 0;
}

/* daemon() moves to /: keep relative paths (reload re-reads the file) meaningful. */
static char *
absolute_path(const char *path)
{
	char cwd[4096];
	char *abs;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(path);
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		return NULL;
	return abs;
}

/* The directory of a control socket path into buf; NULL for none or "/". */
static const char *
socket_dir(const char *path, char *buf, size_t size)
{
	char *slash;

	if (!path || snprintf(buf, size, "%s", path) >= (int)size)
		return NULL;
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return NULL;
	*slash = '\0';
	return buf;
}

static int
write_pidfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	dprintf(fd, "%ld\n", (long)getpid());
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { OPT_PORT = 256, OPT_MD5 };
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'f'},
	        {"debug", no_argument, NULL, 'd'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"check", no_argument, NULL, 'n'},
	        {"pidfile", required_argument, NULL, 'p'},
	        {"port", required_argument, NULL, OPT_PORT},
	        {"md5-key", required_argument, NULL, OPT_MD5},
	        {"version", no_argument, NULL, 'V'},
	        {"user", required_argument, NULL, 'u'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct daemon_opts opts = {.config_path = DEFAULT_CONFIG};
	bool check = false;
	const char *md5_password = NULL, *user = NULL;
	int c, verbose = 0;

	while ((c = getopt_long(argc, argv, "c:f:dvnp:u:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': /* the spelling other daemons use */
		case 'f':
			opts.config_path = optarg;
			break;
		case 'd':
			opts.foreground = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'n':
			check = true;
			break;
		case 'p':
			opts.pidfile = optarg;
			break;
		case OPT_PORT: {
			char *end;
			long port = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || port < 1 || port > 65535) {
				fprintf(stderr, "cebgpd: --port: not a port: %s\n", optarg);
				return 2;
			}
			opts.port = (uint16_t)port;
			break;
		}
		case 'u':
			user = optarg;
			break;
		case OPT_MD5:
			md5_password = optarg;
			break;
		case 'V':
			printf("cebgpd %s\n", CEBGPD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (md5_password)
		return print_md5_key(md5_password);
	if (check)
		return check_config(opts.config_path);

	opts.log_level = verbose ? LOG_DEBUG : LOG_INFO;
	opts.log_level_forced = verbose > 0;
	log_init("cebgpd", true, opts.log_level);

	char *config_path = absolute_path(opts.config_path);
	char *pidfile = opts.pidfile ? absolute_path(opts.pidfile) : NULL;

	if (!config_path || (opts.pidfile && !pidfile)) {
		fprintf(stderr, "cebgpd: out of memory\n");
		return 1;
	}
	opts.config_path = config_path;
	opts.pidfile = pidfile;
	struct daemon *d = daemon_new(&opts);
	if (!d) {
		free(config_path);
		free(pidfile);
		return 1;
	}
	/* While still root: the BFD transmit thread may then ask for real-time priority. */
	bfd_tx_allow_realtime();
	/* Root outside systemd: become the cebgp user (priv.h). -d alone keeps root. */
	char err[512], rundir[256];
	if (!opts.foreground || user) {
		if (priv_drop(user ? user : PRIV_USER,
		              socket_dir(d->cfg->control.socket, rundir, sizeof(rundir)), err,
		              sizeof(err)) == PRIV_FAILED)
			log_fatal("%s", err);
	} else if (geteuid() == 0) {
		/* By hand after make install: no tmpfiles.d run, no /run/cebgp yet. */
		const char *socks[] = {d->cfg->control.socket, d->cfg->control.readonly_socket};

		for (size_t i = 0; i < 2; i++) {
			const char *dir = socket_dir(socks[i], rundir, sizeof(rundir));

			if (dir &&
			    priv_make_rundir(dir, PRIV_USER, err, sizeof(err)) == PRIV_FAILED)
				log_fatal("control socket directory: %s", err);
		}
	}
	if (!opts.foreground) {
		if (daemon(0, 0) < 0) {
			log_err("cannot detach: %s", strerror(errno));
			daemon_free(d);
			free(config_path);
			free(pidfile);
			return 1;
		}
		log_init_facility("cebgpd", false, log_get_level(), daemon_log_facility(d));
	}
	if (opts.pidfile && write_pidfile(opts.pidfile) < 0)
		log_warn("pidfile %s: %s", opts.pidfile, strerror(errno));
	int rc = daemon_run(d);
	daemon_free(d);
	if (pidfile)
		unlink(pidfile);
	free(config_path);
	free(pidfile);
	return rc;
}
