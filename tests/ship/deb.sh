#!/bin/bash
# deb.sh: the Debian package, end to end, on this machine.
#
#   1. build: `dpkg-buildpackage -us -uc -b` in a clean clone of this tree's
#      HEAD (committed work only); the .deb is cebgp_<version>_<arch>.deb
#      with version.sh's version; lintian reports no error and no warning.
#   2. install: `dpkg -i`; the files, the conffile, the cebgp user, the run
#      directory; `cebgpd -V`; the installed `cebgpd --check` refuses the
#      shipped placeholder and accepts the operator's edit; the unit passes
#      `systemd-analyze verify`.
#   3. run: the installed binaries in a fresh lab (tests/interop/lib.sh)
#      against BIRD, started as the unit does (ExecStartPre= check, then
#      cebgpd -d as the cebgp user); cebgpctl and the metrics show the version.
#   4. upgrade: `dpkg -i` of the same package with a bumped version while
#      cebgpd runs. There is no systemd PID 1 here, so dpkg runs in a mount
#      namespace that has /run/systemd/system and a stand-in systemctl and
#      deb-systemd-invoke (the restart: TERM, wait, ExecStartPre=, start):
#      the package's own postinst restarts the daemon. The operator's config
#      stays, the kernel routes are never deleted (ip monitor), the new
#      process adopts them and sweeps an unclaimed one.
#   5. remove (prerm stops the daemon: its routes go), then purge: nothing
#      of the package is left; the cebgp user stays (Debian's convention).
#
# Root only (dpkg -i, namespaces); it refuses to touch a machine where cebgp
# is installed already. Build time about a minute (no sanitizers, nocheck).
set -u
LAB_TEST=deb
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/interop/lib.sh
. "$top_srcdir/tests/interop/lib.sh"

[ "$(id -u)" -eq 0 ] || lab_skip "needs root (dpkg -i, network namespaces)"
for t in git dpkg-buildpackage dh lintian fakeroot systemd-analyze systemd-sysusers unshare \
	curl; do
	command -v "$t" >/dev/null 2>&1 || lab_skip "$t not installed (tests/run installs it)"
done
git -C "$top_srcdir" rev-parse --verify -q HEAD >/dev/null ||
	lab_skip "$top_srcdir is not a git checkout: the package is built from a clone"
if dpkg-query -W -f='${Status}' cebgp 2>/dev/null | grep -q 'installed\|config-files'; then
	lab_skip "a cebgp package is installed here already: this test will not touch it"
fi
[ -e /etc/cebgp ] && lab_skip "/etc/cebgp exists: this test will not touch it"
lab_require

W=$(mktemp -d /tmp/cebgp-deb.XXXXXX)
CONF=/etc/cebgp/cebgpd.yaml
SOCK=/run/cebgp/cebgpd.sock
installed=0
made_run_systemd=0
cleanup_deb() {
	[ -s "$W/sd/pid" ] && kill -9 "$(cat "$W/sd/pid")" 2>/dev/null
	if [ "$installed" = 1 ]; then
		dpkg --purge cebgp >"$W/cleanup-purge.log" 2>&1 ||
			echo "deb.sh: dpkg --purge cebgp failed: $(tail -3 "$W/cleanup-purge.log")"
	fi
	[ "$made_run_systemd" = 1 ] && rmdir /run/systemd 2>/dev/null
	rm -rf "$W"
}
lab_on_cleanup cleanup_deb
# done: the summary, with the logs when something failed (the cleanup's
# output goes nowhere).
done_deb() {
	if [ "$FAILED" -gt 0 ]; then
		for f in "$W"/*.log "$W"/sd/*.log; do
			[ -f "$f" ] && { echo "--- $f (tail)"; tail -n 25 "$f"; }
		done
	fi
	finish
	exit $?
}
lab_create "cd$$" || {
	fail "lab_create"
	done_deb
}
CE=$(lab_ns ce)

# ---- 1. build from a clean clone, lintian ----

git clone -q "$top_srcdir" "$W/src" && pass "clean clone of HEAD" || fail "git clone"
version=$("$W/src/version.sh")
arch=$(dpkg --print-architecture)
deb=$W/cebgp_${version}_${arch}.deb
(cd "$W/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
	>"$W/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b" test $? -eq 0
check "built cebgp_${version}_${arch}.deb (version from git describe)" test -f "$deb"
[ -f "$deb" ] || done_deb
changes=$(ls "$W"/cebgp_*_"$arch".changes 2>/dev/null | head -1)
lintian --fail-on error,warning "$changes" >"$W/lintian.log" 2>&1
check "lintian: no error, no warning" eval "[ $? -eq 0 ] && ! grep -q '^[EW]:' '$W/lintian.log'"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' >"$W/contents.txt"
for f in /usr/sbin/cebgpd /usr/sbin/cebgpctl /usr/share/man/man8/cebgpd.8.gz \
	/usr/share/man/man8/cebgpctl.8.gz /usr/share/man/man5/cebgpd.yaml.5.gz \
	/lib/systemd/system/cebgpd.service /usr/lib/sysusers.d/cebgp.conf \
	/usr/lib/tmpfiles.d/cebgp.conf /usr/share/doc/cebgp/examples/cebgpd.yaml \
	/usr/share/doc/cebgp/examples/cebgpd-two-router-primary.yaml \
	/usr/share/doc/cebgp/examples/cebgpd-two-router-secondary.yaml \
	/usr/share/doc/cebgp/examples/cebgpd-expressroute.yaml \
	/usr/share/doc/cebgp/copyright $CONF; do
	check "package has $f" grep -qx "$f" "$W/contents.txt"
done

# ---- 2. install ----

installed=1
dpkg -i "$deb" >"$W/install.log" 2>&1
check "dpkg -i" test $? -eq 0
check "dpkg: cebgp $version installed" \
	eval "[ \"\$(dpkg-query -W -f='\${Status} \${Version}' cebgp)\" = 'install ok installed $version' ]"
check "$CONF is a conffile" eval "dpkg-query -W -f='\${Conffiles}' cebgp | grep -q ' $CONF '"
check "$CONF is the guide's example" cmp -s $CONF /usr/share/doc/cebgp/examples/cebgpd.yaml
check "user cebgp exists, no login" eval "getent passwd cebgp | grep -q ':/usr/sbin/nologin\$'"
check "$CONF: 0640 root:cebgp (MD5 keys)" eval "[ \"\$(stat -c '%a %U:%G' $CONF)\" = '640 root:cebgp' ]"
check "/run/cebgp: 0750 cebgp:cebgp (tmpfiles.d)" \
	eval "[ \"\$(stat -c '%a %U:%G' /run/cebgp)\" = '750 cebgp:cebgp' ]"
check "cebgpd -V: cebgpd $version" eval "[ \"\$(/usr/sbin/cebgpd -V)\" = 'cebgpd $version' ]"
check "cebgpctl -V: cebgpctl $version" eval "[ \"\$(/usr/sbin/cebgpctl -V)\" = 'cebgpctl $version' ]"
command -v man >/dev/null && check "man cebgpd finds the page" eval "man -w cebgpd | grep -q '/usr/share/man/man8/cebgpd.8.gz'"

/usr/sbin/cebgpd --check -f $CONF >"$W/check0.out" 2>"$W/check0.err"
check "installed cebgpd --check refuses the shipped placeholder" test $? -ne 0
check "... with one line saying what to change" \
	grep -q "^$CONF:21:18: error: service-key: circuit 1GbpsCircuit still has the example's placeholder (all zeros): write this circuit's own service key" "$W/check0.err"

unit=/lib/systemd/system/cebgpd.service
out=$(systemd-analyze verify "$unit" 2>&1)
check "systemd-analyze verify $unit: clean" eval "[ -z \"\$out\" ] || { echo \"\$out\"; false; }"
check "unit: ExecStartPre= is the installed --check" \
	grep -qx "ExecStartPre=/usr/sbin/cebgpd --check -f $CONF" "$unit"
check "unit installed, not enabled" eval "[ ! -e /etc/systemd/system/multi-user.target.wants/cebgpd.service ]"

# The operator makes it theirs: the circuit's service key (the lab's links,
# subnets and MD5 key are the example's), metrics on.
sed -i 's/^    service-key: 00000000-0000-0000-0000-000000000000$/    service-key: 5ec12e70-1b2c-4d5e-8f90-a1b2c3d4e5f6/' $CONF
printf 'timers: { hold: 9, keepalive: 3, connect-retry: 2, idle-hold: 1, idle-hold-max: 2 }\nmetrics: { listen: 127.0.0.1:9179 }\n' >>$CONF
cp -p $CONF "$W/operator.yaml"
/usr/sbin/cebgpd --check -f $CONF >"$W/check1.out" 2>&1
check "installed cebgpd --check accepts the operator's config" test $? -eq 0

# ---- 3. run the installed binaries in the lab ----

# A stand-in for systemd, used here and by the maintainer scripts in step 4:
# `start` does what the unit does (ExecStartPre=, then cebgpd -d as the
# cebgp user, in the lab's ce namespace), `stop` sends SIGTERM and waits,
# `restart` is both; `systemctl show -p MainPID` answers from the pid file.
mkdir -p "$W/sd/bin"
cat >"$W/sd/bin/deb-systemd-invoke" <<EOF
#!/bin/bash
sd=$W/sd
echo "deb-systemd-invoke \$*" >>\$sd/calls.log
stop() {
	local pid
	pid=\$(cat \$sd/pid 2>/dev/null) || return 0
	kill -TERM "\$pid" 2>/dev/null
	for _ in \$(seq 1 350); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "\$pid" 2>/dev/null && return 1
	rm -f \$sd/pid
	ip -n $CE route show proto 186 >\$sd/routes-between.txt
}
start() {
	/usr/sbin/cebgpd --check -f $CONF >>\$sd/check.log 2>&1 || return 1
	n=\$(ls \$sd/cebgpd-*.log 2>/dev/null | wc -l)
	ip netns exec $CE /usr/sbin/cebgpd -d -u cebgp -f $CONF >\$sd/cebgpd-\$n.log 2>&1 </dev/null &
	echo \$! >\$sd/pid
}
case "\$1" in
start) start ;;
stop) stop ;;
restart) stop && start ;;
*) exit 0 ;;
esac
EOF
cat >"$W/sd/bin/systemctl" <<EOF
#!/bin/bash
echo "systemctl \$*" >>$W/sd/calls.log
case "\$*" in
*MainPID*) cat $W/sd/pid 2>/dev/null || echo 0 ;;
esac
exit 0
EOF
chmod +x "$W/sd/bin/deb-systemd-invoke" "$W/sd/bin/systemctl"

lab_bird_start msee1
lab_bird_start msee2
"$W/sd/bin/deb-systemd-invoke" start
check "the installed cebgpd starts as the unit would" lab_wait_for 5 test -s "$W/sd/pid"
PID1=$(cat "$W/sd/pid" 2>/dev/null)
LAB_PIDS+=("$PID1")
for r in msee1 msee2; do
	for s in priv pub; do
		check "$r $s Established with the installed cebgpd" lab_wait_bird_established "$r" "$s" 40
	done
done
check "runs as user cebgp" eval "[ \"\$(ps -o user= -p $PID1)\" = cebgp ]"
ecmp() { [ "$(ip -n "$CE" route show "$1" proto 186 | grep -c nexthop)" -eq 2 ]; }
check "10.1.0.0/16 in the kernel over both legs" lab_wait_for 30 ecmp 10.1.0.0/16
check "cebgpctl (installed) reaches $SOCK" lab_wait_for 10 /usr/sbin/cebgpctl show bgp summary
check "cebgpctl show version: $version" \
	eval "/usr/sbin/cebgpctl -j show version | grep -q '\"version\": *\"$version\"'"
check "metrics: cebgp_build_info{version=\"$version\"} 1" \
	eval "ip netns exec $CE curl -s http://127.0.0.1:9179/metrics | grep -qx 'cebgp_build_info{version=\"$version\"} 1'"

# ---- 4. upgrade while it runs ----

# The same files with a higher version: a real upgrade for dpkg.
new_version="$version+up1"
dpkg-deb -R "$deb" "$W/up" &&
	sed -i "s/^Version: .*/Version: $new_version/" "$W/up/DEBIAN/control" &&
	dpkg-deb -b "$W/up" "$W/cebgp_${new_version}_${arch}.deb" >/dev/null
check "repacked as $new_version" test -f "$W/cebgp_${new_version}_${arch}.deb"

# A route of our protocol no session claims: the new process sweeps it.
STALE=10.99.0.0/16
ip -n "$CE" route add $STALE via 172.16.1.2 dev eth0.555 proto 186
ip -n "$CE" monitor route >"$W/monitor.log" 2>&1 &
MON=$!
LAB_PIDS+=("$MON")
sleep 0.3

# dpkg with /run/systemd/system (a tmpfs in a private mount namespace) and
# the stand-ins first in PATH: the package's postinst finds a running unit.
[ -d /run/systemd ] || { mkdir /run/systemd && made_run_systemd=1; }
unshare --mount --propagation private bash -c "
	mount -t tmpfs cebgp-deb-test /run/systemd && mkdir /run/systemd/system &&
	PATH='$W/sd/bin':\$PATH dpkg -i '$W/cebgp_${new_version}_${arch}.deb'" >"$W/upgrade.log" 2>&1
check "dpkg -i $new_version (upgrade) while cebgpd runs" test $? -eq 0
check "dpkg: $new_version installed" \
	eval "[ \"\$(dpkg-query -W -f='\${Version}' cebgp)\" = '$new_version' ]"
check "postinst asked for the restart" grep -qx "deb-systemd-invoke restart cebgpd.service" "$W/sd/calls.log"
check "the old process got SIGUSR2 and left its routes" \
	grep -q "SIGUSR2: the kernel routes stay in place" "$W/sd/cebgpd-0.log"
check "the old process exited" eval "! kill -0 $PID1 2>/dev/null"
check "routes in the kernel between the two processes" \
	grep -q "^10.1.0.0/16 " "$W/sd/routes-between.txt"
PID2=$(cat "$W/sd/pid" 2>/dev/null)
LAB_PIDS+=("$PID2")
check "a new cebgpd runs the new package's binary" \
	eval "[ -n '$PID2' ] && [ '$PID2' != '$PID1' ] && [ \"\$(readlink /proc/$PID2/exe)\" = /usr/sbin/cebgpd ]"
check "the new process adopted the routes" \
	lab_wait_for 10 grep -q "kernel: adopted [1-9][0-9]* route(s) of a previous run" "$W/sd/cebgpd-1.log"
check "the operator's config is kept" cmp -s $CONF "$W/operator.yaml"
check "no .dpkg-dist/.dpkg-new beside it" eval "! ls /etc/cebgp/*.dpkg-* 2>/dev/null"
for r in msee1 msee2; do
	check "$r: sessions back with the new process" lab_wait_bird_established "$r" priv 40
done
check "the unclaimed $STALE is swept" \
	lab_wait_for 60 eval "[ -z \"\$(ip -n $CE route show $STALE proto 186)\" ]"
check "ECMP right after the upgrade" lab_wait_for 10 ecmp 10.1.0.0/16
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
check "ip monitor saw the sweep (it records deletions)" grep -q "^Deleted $STALE " "$W/monitor.log"
check "no provider route deleted from the kernel during the upgrade (ip monitor)" \
	eval "! grep -E '^Deleted (10\\.[123]\\.|13\\.64|23\\.96|40\\.64)' '$W/monitor.log'"

# ---- 5. remove, purge ----

unshare --mount --propagation private bash -c "
	mount -t tmpfs cebgp-deb-test /run/systemd && mkdir /run/systemd/system &&
	PATH='$W/sd/bin':\$PATH dpkg -r cebgp" >"$W/remove.log" 2>&1
check "dpkg -r" test $? -eq 0
check "prerm stopped cebgpd" eval "grep -qx 'deb-systemd-invoke stop cebgpd.service' '$W/sd/calls.log' && ! kill -0 $PID2 2>/dev/null"
check "its routes are gone (SIGTERM, keep-routes-on-exit off)" \
	lab_wait_for 10 eval "[ -z \"\$(ip -n $CE route show proto 186 | grep -v blackhole)\" ]"
check "removed: the programs are gone" eval "[ ! -e /usr/sbin/cebgpd ] && [ ! -e /usr/sbin/cebgpctl ]"
check "removed, not purged: the config stays" cmp -s $CONF "$W/operator.yaml"
dpkg --purge cebgp >"$W/purge.log" 2>&1
check "dpkg --purge" test $? -eq 0
installed=0
check "dpkg knows no cebgp any more" eval "! dpkg-query -W -f='\${Status}' cebgp 2>/dev/null | grep -q 'installed\|config-files'"
left=()
while read -r f; do
	# Directories the package shares with the system stay.
	[ -d "$f" ] && [ "$f" != /etc/cebgp ] && [ "$f" != /usr/share/doc/cebgp ] &&
		[ "$f" != /usr/share/doc/cebgp/examples ] && continue
	[ -e "$f" ] && left+=("$f")
done <"$W/contents.txt"
check "purge left none of the package's files (${left[*]:-})" test ${#left[@]} -eq 0
check "purge removed /etc/cebgp and /run/cebgp" eval "[ ! -e /etc/cebgp ] && [ ! -e /run/cebgp ]"
check "purge removed the stat override" eval "! dpkg-statoverride --list $CONF"
check "purge removed the unit's deb-systemd-helper state" \
	eval "! ls /var/lib/systemd/deb-systemd-helper-*/cebgpd.service* 2>/dev/null"
check "the cebgp system user stays (Debian's convention)" eval "getent passwd cebgp >/dev/null"

done_deb
