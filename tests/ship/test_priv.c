/*
 * priv_drop: as root (each test runs in its own forked child), become
 * `nobody` with exactly CAP_NET_BIND_SERVICE and CAP_NET_ADMIN; not root:
 * nothing happens.
 */
#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "../../bgpd/priv.h"

#define WANT_CAPS ((1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_NET_ADMIN))

/* A capability mask line of /proc/self/status, e.g. "CapEff". */
static unsigned long long
status_caps(const char *which)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long v = ~0ULL;
	size_t n = strlen(which);

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, which, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	fclose(f);
	return v;
}

START_TEST(missing_user)
{
	char err[512] = "";

	if (geteuid() != 0) {
		ck_assert_int_eq(priv_drop("no-such-user-cebgp", NULL, err, sizeof(err)),
		                 PRIV_SKIPPED);
		return;
	}
	ck_assert_int_eq(priv_drop("no-such-user-cebgp", NULL, err, sizeof(err)), PRIV_FAILED);
	ck_assert_msg(strstr(err, "user no-such-user-cebgp does not exist") != NULL, "%s", err);
	ck_assert_uint_eq(geteuid(), 0); /* nothing changed */
}
END_TEST

START_TEST(drop_to_nobody)
{
	char err[512] = "", dir[64];
	struct passwd *pw = getpwnam("nobody");
	struct stat st;

	if (geteuid() != 0) {
		ck_assert_int_eq(priv_drop("nobody", NULL, err, sizeof(err)), PRIV_SKIPPED);
		return;
	}
	ck_assert_ptr_nonnull(pw);
	uid_t uid = pw->pw_uid;
	snprintf(dir, sizeof(dir), "/tmp/cebgp-priv-%ld", (long)getpid());
	ck_assert_int_eq(priv_drop("nobody", dir, err, sizeof(err)), PRIV_DROPPED);
	ck_assert_uint_eq(getuid(), uid);
	ck_assert_uint_eq(geteuid(), uid);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_uid, uid);
	ck_assert_uint_eq(status_caps("CapEff"), WANT_CAPS);
	ck_assert_uint_eq(status_caps("CapPrm"), WANT_CAPS);
	ck_assert_uint_eq(status_caps("CapAmb"), WANT_CAPS);
	ck_assert_uint_eq(status_caps("CapBnd"), WANT_CAPS);
	ck_assert(priv_has_cap(CAP_NET_ADMIN));
	ck_assert(priv_has_cap(CAP_NET_BIND_SERVICE));
	ck_assert(!priv_has_cap(CAP_SYS_ADMIN));
	ck_assert_int_ne(setuid(0), 0);
	ck_assert_int_ne(chown(dir, 0, 0), 0); /* no CAP_CHOWN left */
	rmdir(dir); /* the directory is ours now; /tmp is sticky but we own it */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("priv");
	TCase *tc = tcase_create("priv");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, missing_user);
	tcase_add_test(tc, drop_to_nobody);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
