/*
 * priv: started as root outside systemd, become the unprivileged user
 * (cebgp) keeping only CAP_NET_BIND_SERVICE (port 179) and CAP_NET_ADMIN
 * (TCP-MD5 keys, SO_BINDTODEVICE, routes over netlink).
 *
 * Under systemd the unit already starts cebgpd as User=cebgp with
 * AmbientCapabilities=, so the process is not root and priv_drop() does
 * nothing. The capabilities are set with the raw capget/capset system
 * calls (<linux/capability.h>, version 3), not libcap.
 */
#ifndef CEBGP_PRIV_H
#define CEBGP_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#define PRIV_USER "cebgp"

enum priv_result {
	PRIV_SKIPPED = 0, /* not root: nothing to do */
	PRIV_DROPPED,     /* now running as the user with the two capabilities */
	PRIV_FAILED,      /* err says why; the process must not go on as root */
};

/*
 * Drop root to user. rundir (may be NULL), e.g. /run/cebgp, is created
 * (0750) if missing and given to the user first, so the control socket
 * can be made there after the drop. After PRIV_DROPPED the process has
 * uid, gid and supplementary groups of the user, effective, permitted,
 * inheritable and ambient capabilities CAP_NET_BIND_SERVICE and
 * CAP_NET_ADMIN only, a bounding set of those two, and cannot regain root.
 */
enum priv_result priv_drop(const char *user, const char *rundir, char *err, size_t errsize);

/*
 * The control sockets' directory for a cebgpd that keeps running as root
 * (-d without -u) outside systemd: when dir is missing, create it (0750) and
 * give it to user, or keep it root's when user does not exist. PRIV_SKIPPED
 * when it exists already, PRIV_DROPPED when created, PRIV_FAILED with err.
 */
enum priv_result priv_make_rundir(const char *dir, const char *user, char *err, size_t errsize);

/* True when the effective capability set holds cap (a CAP_* number). */
bool priv_has_cap(int cap);

#endif
