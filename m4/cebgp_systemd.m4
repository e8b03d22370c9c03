# CEBGP_SYSTEMD_DIRS: where `make install` puts the systemd unit, the
# tmpfiles.d and the sysusers.d entries.
#
# Default: under $prefix ($prefix/lib/systemd/system, $prefix/lib/tmpfiles.d,
# $prefix/lib/sysusers.d), which systemd reads for /usr and /usr/local and
# which `make distcheck` (a private --prefix) can write. --with-...=auto
# asks pkg-config systemd for the distribution's directory; --with-...=no
# installs none of them.
AC_DEFUN([CEBGP_SYSTEMD_DIRS], [
  AC_REQUIRE([PKG_PROG_PKG_CONFIG])
  _CEBGP_SYSTEMD_DIR([systemdsystemunitdir], [systemdsystemunitdir],
    [systemd system unit], ['${prefix}/lib/systemd/system'])
  _CEBGP_SYSTEMD_DIR([tmpfilesdir], [tmpfilesdir],
    [tmpfiles.d], ['${prefix}/lib/tmpfiles.d'])
  _CEBGP_SYSTEMD_DIR([sysusersdir], [sysusersdir],
    [sysusers.d], ['${prefix}/lib/sysusers.d'])
])

# _CEBGP_SYSTEMD_DIR(VAR, PKG-CONFIG-VARIABLE, WHAT, DEFAULT)
AC_DEFUN([_CEBGP_SYSTEMD_DIR], [
  AC_ARG_WITH([$1],
    [AS_HELP_STRING([--with-$1=DIR], [$3 directory (default $4; auto: from pkg-config systemd; no: do not install)])],
    [], [with_$1=$4])
  AS_IF([test "x$with_$1" = xauto],
    [with_$1=`$PKG_CONFIG --variable=$2 systemd 2>/dev/null`
     AS_IF([test -z "$with_$1"],
       [AC_MSG_ERROR([--with-$1=auto: pkg-config systemd does not know $2; give a directory])])])
  AS_IF([test "x$with_$1" = xyes], [with_$1=$4])
  AC_SUBST([$1], [$with_$1])
  AM_CONDITIONAL(m4_toupper([HAVE_$1]), [test "x$with_$1" != xno])
])
