/*
 * priv: root -> cebgp with CAP_NET_BIND_SERVICE and CAP_NET_ADMIN.
 *
 * Order matters (capabilities(7)):
 *   1. shrink the bounding set while we still have CAP_SETPCAP;
 *   2. PR_SET_KEEPCAPS so setuid() away from 0 keeps the permitted set;
 *   3. initgroups, setresgid, setresuid (groups first: needs CAP_SETGID);
 *   4. capset: effective = permitted = inheritable = the two capabilities
 *      (setuid cleared the effective set);
 *   5. raise them as ambient (so a helper we might exec keeps them, as
 *      under systemd's AmbientCapabilities=), clear KEEPCAPS;
 *   6. check that setuid(0) now fails.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "priv.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT       47
#define PR_CAP_AMBIENT_RAISE 2
#endif

static const int keep[] = {CAP_NET_BIND_SERVICE, CAP_NET_ADMIN};

static enum priv_result
fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return PRIV_FAILED;
}

static bool
keep_cap(int cap)
{
	return cap == CAP_NET_BIND_SERVICE || cap == CAP_NET_ADMIN;
}

static int
last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &v) != 1 || v < 0 || v > 63)
			v = CAP_LAST_CAP;
		fclose(f);
	}
	return v;
}

static int
cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};

	return (int)syscall(SYS_capget, &hdr, data);
}

bool
priv_has_cap(int cap)
{
	struct __user_cap_data_struct data[2];

	if (cap < 0 || cap > 63 || cap_get(data) < 0)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static int
cap_set_keep(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		uint32_t bit = 1u << (keep[i] % 32);

		data[keep[i] / 32].effective |= bit;
		data[keep[i] / 32].permitted |= bit;
		data[keep[i] / 32].inheritable |= bit;
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

static enum priv_result
prepare_rundir(const char *dir, const struct passwd *pw, char *err, size_t errsize)
{
	struct stat st;

	/* 0750 as tmpfiles.d and RuntimeDirectoryMode= make it. */
	if (mkdir(dir, 0750) == 0)
		chmod(dir, 0750); /* whatever the umask */
	else if (errno != EEXIST)
		return fail(err, errsize, "cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return fail(err, errsize, "%s is not a directory", dir);
	if (st.st_uid != pw->pw_uid && chown(dir, pw->pw_uid, pw->pw_gid) < 0)
		return fail(err, errsize, "cannot give %s to %s: %s", dir, pw->pw_name,
		            strerror(errno));
	return PRIV_DROPPED;
}

enum priv_result
priv_make_rundir(const char *dir, const char *user, char *err, size_t errsize)
{
	struct stat st;
	struct passwd *pw;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? PRIV_SKIPPED
		                           : fail(err, errsize, "%s is not a directory", dir);
	if (errno != ENOENT)
		return fail(err, errsize, "%s: %s", dir, strerror(errno));
	pw = getpwnam(user);
	if (pw)
		return prepare_rundir(dir, pw, err, errsize);
	/* No service user (make install without sysusers): root keeps it. */
	if (mkdir(dir, 0750) < 0)
		return fail(err, errsize, "cannot create %s: %s", dir, strerror(errno));
	chmod(dir, 0750);
	return PRIV_DROPPED;
}

enum priv_result
priv_drop(const char *user, const char *rundir, char *err, size_t errsize)
{
	struct passwd *pw;
	gid_t gid;
	uid_t uid;

	if (geteuid() != 0)
		return PRIV_SKIPPED;
	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return fail(err, errsize,
		            "user %s does not exist: create it (systemd-sysusers, or "
		            "useradd --system --no-create-home --shell /usr/sbin/nologin %s) "
		            "or start cebgpd from its systemd unit",
		            user, user);
	if (pw->pw_uid == 0)
		return fail(err, errsize, "user %s is root: refusing to run as root", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (rundir && prepare_rundir(rundir, pw, err, errsize) == PRIV_FAILED)
		return PRIV_FAILED;

	for (int cap = 0; cap <= last_cap(); cap++)
		if (!keep_cap(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return fail(err, errsize,
			            "cannot drop capability %d from the bounding set: %s", cap,
			            strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(err, errsize, "PR_SET_KEEPCAPS: %s", strerror(errno));
	/* The user's own groups (e.g. control.group), as systemd's User= gives them. */
	if (initgroups(pw->pw_name, gid) < 0)
		return fail(err, errsize, "initgroups(%s): %s", pw->pw_name, strerror(errno));
	if (setresgid(gid, gid, gid) < 0)
		return fail(err, errsize, "setresgid(%u): %s", (unsigned)gid, strerror(errno));
	if (setresuid(uid, uid, uid) < 0)
		return fail(err, errsize, "setresuid(%u): %s", (unsigned)uid, strerror(errno));
	if (cap_set_keep() < 0)
		return fail(err, errsize, "capset: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep[i], 0, 0) < 0)
			return fail(err, errsize, "ambient capability %d: %s", keep[i],
			            strerror(errno));
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* Paranoia: root must be gone for good. */
	if (setuid(0) == 0 || geteuid() == 0)
		return fail(err, errsize, "still able to become root after dropping to %s", user);
	return PRIV_DROPPED;
}
