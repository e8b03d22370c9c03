# shellcheck shell=bash
# tests/interop/lib.sh: a network-namespace lab of one ExpressRoute circuit.
#
# Source it from a bash test script:
#
#     . "$top_srcdir/tests/interop/lib.sh"
#     lab_require                      # exit 77 (SKIP) unless root, ip netns, bird
#     require_programs                 # FAIL unless $CEBGPD and $CEBGPCTL exist
#     lab_create "cebgp$$"             # three namespaces, four veth links, traps
#     lab_bird_start msee1             # primary provider router (AS 12076)
#     lab_bird_start msee2 --passive on  # secondary, waits for the CE to connect
#     lab_ce_config "$LAB_DIR/ce/cebgpd.yaml"   # cebgpd's config of the circuit
#     lab_ce_start "$LAB_DIR/ce/cebgpd.yaml"    # cebgpd in ce; $LAB_CE_PID
#     check "msee1 priv up" lab_wait_bird_established msee1 priv 30
#     lab_bird_routes msee1 priv       # prefixes msee1 received from the CE
#     check "cebgpd exits 0" lab_ce_stop
#     finish                           # "NAME: N passed, M failed"
#
# It sources tests/assert.sh: the counted assertions (pass, fail, check,
# same, skip, finish), $CEBGPD / $CEBGPCTL, the programs under test, and
# require_programs.
#
# Topology (the guide's example circuit; first usable address is the CE's):
#
#     ${P}-ce                                        ${P}-msee1 (primary, AS 12076)
#       eth0.555 172.16.1.1/30  <---- private ---->  eth0.555 172.16.1.2/30
#       eth0.556 172.16.1.5/30  <---- public  ---->  eth0.556 172.16.1.6/30
#                                                    ${P}-msee2 (secondary, AS 12076)
#       eth1.555 172.16.2.1/30  <---- private ---->  eth1.555 172.16.2.2/30
#       eth1.556 172.16.2.5/30  <---- public  ---->  eth1.556 172.16.2.6/30
#
# Each link also carries an IPv6 /126 (today's dual stack):
# 2001:db8:<vlan>:<leg>::1 (CE) and ::2 (provider), no DAD; BIRD runs IPv6
# sessions on them with lab_bird_start --ipv6 on. Fixed MACs
# 02:00:0v:vv:<leg>:01 (CE) / :02 (provider) keep link-local addresses
# (fe80::ff:fe..) the same on every run.
#
# BIRD session names: msee1/msee2 "priv", "pub" (and "priv_v6", "pub_v6");
# a BIRD playing the CE "priv1", "priv2", "pub1", "pub2" (and *_v6).
#
# Functions (each documented where defined): lab_require, lab_create,
# lab_teardown, lab_on_cleanup, lab_ns, lab_in, lab_spawn, lab_stop,
# lab_ce_config, lab_ce_start, lab_ce_stop, lab_ce_clean, on_exit_dump,
# lab_wait_for, lab_bird_start, lab_bird_reconfigure, lab_bird_stop,
# lab_birdc, lab_bird_state, lab_bird_is_established,
# lab_wait_bird_established, lab_bird_routes, lab_bird_exported,
# lab_bird_route_attrs, lab_bird_info, lab_bird_log; for a dual-stack lab
# over real /126s (see "dual stack" at the end): lab_dualstack_links,
# lab_dualstack_addrs, lab_bird_v6_conf.
#
# ROUTER arguments are "ce", "msee1" or "msee2"; NS arguments may be a ROUTER
# or a full namespace name. Everything the lab starts is killed and every
# namespace removed by lab_teardown, which lab_create installs as the EXIT,
# INT and TERM trap. A test that needs its own cleanup registers it with
# lab_on_cleanup instead of replacing the trap. Every wait is bounded.
#
# The library sets no shell options; it works with or without set -eu.

# Defaults a test may override before calling lab_create / lab_bird_start.
: "${LAB_PROVIDER_AS:=12076}"
: "${LAB_CUSTOMER_AS:=65520}"
: "${LAB_MD5_KEY:=0123456789abcdef0123456789abcdef}"
: "${LAB_HOLD:=9}"
: "${LAB_KEEPALIVE:=3}"
# Routes the provider BIRDs advertise: VNet prefixes on private peering,
# service prefixes on public peering.
: "${LAB_PROVIDER_PRIVATE_ROUTES:=10.1.0.0/16 10.2.0.0/16 10.3.0.0/24}"
: "${LAB_PROVIDER_PUBLIC_ROUTES:=13.64.0.0/11 23.96.0.0/13 40.64.0.0/10}"
# Routes a BIRD playing the customer (in the ce namespace) advertises.
: "${LAB_CUSTOMER_PRIVATE_ROUTES:=10.10.0.0/16 10.20.0.0/16}"
: "${LAB_CUSTOMER_PUBLIC_ROUTES:=216.221.239.232/29}"
# IPv6 (only with lab_bird_start --ipv6 on; documentation space).
: "${LAB_PROVIDER_PRIVATE_ROUTES6:=2001:db8:100::/48 2001:db8:200::/48}"
: "${LAB_PROVIDER_PUBLIC_ROUTES6:=2001:db8:f000::/36}"
: "${LAB_CUSTOMER_PRIVATE_ROUTES6:=2001:db8:ce00::/40}"
: "${LAB_CUSTOMER_PUBLIC_ROUTES6:=2001:db8:cf00::/48}"

LAB_PREFIX=
LAB_DIR=
LAB_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Counted assertions (pass, fail, check, same, skip, finish) and the paths
# of the programs under test ($CEBGPD, $CEBGPCTL).
# shellcheck source=tests/assert.sh
. "$LAB_LIBDIR/../assert.sh"
LAB_ROUTERS="ce msee1 msee2"
LAB_PIDS=()
LAB_CE_PID=
LAB_CE_LOG=
LAB_CE_LOGS=()
LAB_CLEANUPS=()
LAB_TORN_DOWN=0

# lab_log MSG...: print a line prefixed with the lab name, to stderr.
lab_log()
{
	echo "lab[${LAB_PREFIX:-?}]: $*" >&2
}

# lab_skip REASON: skip (exit 77); the older name of assert.sh's skip.
lab_skip()
{
	skip "$@"
}

# lab_require: skip the test (exit 77) unless we are root, `ip netns` works,
# and bird and birdc are installed. Call it before lab_create.
lab_require()
{
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || lab_skip "ip (iproute2) not installed"
	command -v bird >/dev/null 2>&1 || lab_skip "bird not installed (apt-get install bird2)"
	command -v birdc >/dev/null 2>&1 || lab_skip "birdc not installed (apt-get install bird2)"
	local probe="cebgpprobe$$"
	ip netns add "$probe" >/dev/null 2>&1 || lab_skip "ip netns add does not work here"
	ip netns exec "$probe" true >/dev/null 2>&1
	local rc=$?
	ip netns del "$probe" >/dev/null 2>&1
	[ $rc -eq 0 ] || lab_skip "ip netns exec does not work here"
	return 0
}

# lab_ns ROUTER: print the namespace name of ROUTER (a full name passes through).
lab_ns()
{
	case "$1" in
	ce | msee1 | msee2) echo "$LAB_PREFIX-$1" ;;
	*) echo "$1" ;;
	esac
}

# lab_in NS CMD...: run CMD inside namespace NS (a ROUTER or a full name).
lab_in()
{
	local ns
	ns=$(lab_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# lab_wait_for TIMEOUT CMD...: run CMD every 0.2 s until it succeeds; fail
# (return 1) after TIMEOUT seconds.
lab_wait_for()
{
	local timeout=$1
	shift
	local deadline=$((SECONDS + timeout))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}

# lab_on_cleanup CMD...: run CMD (one string, eval'd) at teardown, before
# processes are killed and namespaces removed. Last registered runs first.
lab_on_cleanup()
{
	LAB_CLEANUPS+=("$*")
}

# lab_teardown: kill everything the lab started (registered pids, then any
# process left in the lab's namespaces), remove the namespaces and the temp
# dir (kept when LAB_KEEP=1). Safe to call more than once. Installed as the
# EXIT/INT/TERM trap by lab_create.
lab_teardown()
{
	[ "$LAB_TORN_DOWN" = 1 ] && return 0
	LAB_TORN_DOWN=1
	[ -n "$LAB_PREFIX" ] || return 0
	local i pid r ns left
	for ((i = ${#LAB_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${LAB_CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	for r in $LAB_ROUTERS; do
		[ -f "$LAB_DIR/$r/bird.pid" ] && LAB_PIDS+=("$(cat "$LAB_DIR/$r/bird.pid" 2>/dev/null)")
	done
	for pid in "${LAB_PIDS[@]}"; do
		[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	done
	# Anything else still running inside our namespaces was started by us.
	for r in $LAB_ROUTERS; do
		ns=$(lab_ns "$r")
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
	done
	for ((i = 0; i < 25; i++)); do
		left=0
		for pid in "${LAB_PIDS[@]}"; do
			[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && left=1
		done
		for r in $LAB_ROUTERS; do
			[ -n "$(ip netns pids "$(lab_ns "$r")" 2>/dev/null)" ] && left=1
		done
		[ $left = 0 ] && break
		sleep 0.2
	done
	for pid in "${LAB_PIDS[@]}"; do
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done
	for r in $LAB_ROUTERS; do
		ns=$(lab_ns "$r")
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ]; then
		if [ "${LAB_KEEP:-0}" = 1 ]; then
			lab_log "kept $LAB_DIR"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	return 0
}

# lab_link NS_A IF_A ADDR_A NS_B IF_B ADDR_B [V6_A V6_B [MAC_A MAC_B]]: one
# veth pair created directly inside the two namespaces (names never touch
# the root namespace), addressed and up. Fixed MACs make the IPv6
# link-local addresses (and so captured next hops) the same on every run.
lab_link()
{
	local na=$1 ia=$2 aa=$3 nb=$4 ib=$5 ab=$6 va=${7:-} vb=${8:-}
	local ma=${9:-} mb=${10:-}
	if [ -n "$ma" ]; then
		ip link add "$ia" netns "$na" address "$ma" type veth \
			peer name "$ib" netns "$nb" address "$mb" || return 1
	else
		ip link add "$ia" netns "$na" type veth peer name "$ib" netns "$nb" || return 1
	fi
	ip -n "$na" addr add "$aa" dev "$ia" || return 1
	ip -n "$nb" addr add "$ab" dev "$ib" || return 1
	if [ -n "$va" ]; then
		ip -n "$na" -6 addr add "$va" dev "$ia" nodad 2>/dev/null
		ip -n "$nb" -6 addr add "$vb" dev "$ib" nodad 2>/dev/null
	fi
	ip -n "$na" link set "$ia" up || return 1
	ip -n "$nb" link set "$ib" up || return 1
}

# lab_create PREFIX: build the lab: namespaces PREFIX-ce, PREFIX-msee1
# (primary provider router), PREFIX-msee2 (secondary), lo up in each, the
# four links of the topology above; a temp dir in $LAB_DIR; the teardown
# trap. PREFIX must be unique per run (e.g. "cebgp$$") and short (the
# namespace names must stay usable as file names; keep it under 20 chars).
lab_create()
{
	LAB_PREFIX=$1
	LAB_TORN_DOWN=0
	[ -n "$LAB_PREFIX" ] || {
		echo "lab_create: PREFIX required" >&2
		return 1
	}
	trap 'lab_teardown' EXIT
	trap 'lab_teardown; trap - INT; kill -INT $$' INT
	trap 'lab_teardown; exit 143' TERM
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$LAB_PREFIX.XXXXXX") || return 1
	chmod 755 "$LAB_DIR"
	local r ns
	for r in $LAB_ROUTERS; do
		ns=$(lab_ns "$r")
		ip netns add "$ns" || {
			lab_log "cannot create namespace $ns"
			return 1
		}
		ip -n "$ns" link set lo up || return 1
		# No IPv6 duplicate address detection on the lab links: addresses
		# (link-local too) are usable at once, so BIRD never races DAD.
		ip netns exec "$ns" sh -c 'for f in all default; do
			echo 0 >/proc/sys/net/ipv6/conf/$f/accept_dad; done' 2>/dev/null
		mkdir -p "$LAB_DIR/$r"
	done
	local ce=$LAB_PREFIX-ce m1=$LAB_PREFIX-msee1 m2=$LAB_PREFIX-msee2
	lab_link "$ce" eth0.555 172.16.1.1/30 "$m1" eth0.555 172.16.1.2/30 \
		2001:db8:555:1::1/126 2001:db8:555:1::2/126 \
		02:00:05:55:01:01 02:00:05:55:01:02 || return 1
	lab_link "$ce" eth1.555 172.16.2.1/30 "$m2" eth1.555 172.16.2.2/30 \
		2001:db8:555:2::1/126 2001:db8:555:2::2/126 \
		02:00:05:55:02:01 02:00:05:55:02:02 || return 1
	lab_link "$ce" eth0.556 172.16.1.5/30 "$m1" eth0.556 172.16.1.6/30 \
		2001:db8:556:1::1/126 2001:db8:556:1::2/126 \
		02:00:05:56:01:01 02:00:05:56:01:02 || return 1
	lab_link "$ce" eth1.556 172.16.2.5/30 "$m2" eth1.556 172.16.2.6/30 \
		2001:db8:556:2::1/126 2001:db8:556:2::2/126 \
		02:00:05:56:02:01 02:00:05:56:02:02 || return 1
	return 0
}

# lab_spawn NS LOGFILE CMD...: start CMD in the background inside NS with
# stdout and stderr to LOGFILE; remember its pid (killed at teardown) and
# print it. Use it for cebgpd (in the foreground mode, so the pid is right).
lab_spawn()
{
	local ns log=$2
	ns=$(lab_ns "$1")
	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	local pid=$!
	LAB_PIDS+=("$pid")
	echo "$pid"
}

# lab_stop PID [TIMEOUT]: SIGTERM PID and wait (bounded, default 10 s) for
# it to exit, then SIGKILL. Returns the exit status when PID was our child.
lab_stop()
{
	local pid=$1 timeout=${2:-10} i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < timeout * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# lab_ce_config FILE [OPTIONS]: write cebgpd's config for the lab's circuit
# to FILE: AS $LAB_CUSTOMER_AS, router-id 192.0.2.1, circuit 1GbpsCircuit
# with TCP-MD5 key $LAB_MD5_KEY, links eth0 (primary) and eth1 (secondary),
# private peering (VLAN 555, 172.16.1.0/30 and 172.16.2.0/30) announcing
# $LAB_CUSTOMER_PRIVATE_ROUTES and public peering (VLAN 556, 172.16.1.4/30
# and 172.16.2.4/30) announcing $LAB_CUSTOMER_PUBLIC_ROUTES, timers hold
# $LAB_HOLD, keepalive $LAB_KEEPALIVE, connect-retry 2, idle-hold 1,
# idle-hold-max 2, and (inside a lab) the control sockets
# $LAB_DIR/ce/cebgpd.sock and cebgpd.ro.sock, so that tests running at the
# same time never share /run/cebgp. "asn:" is always the first line.
#
# OPTIONS (PEERING is private or public; a value "none" leaves the key out):
#   --asn N  --router-id A.B.C.D  --key KEY  --circuit NAME
#   --primary-if IF  --secondary-if IF   the links' parent interfaces
#   --peerings "private public"          which peerings, in this order
#   --subnets PEERING="PRIMARY SECONDARY"
#   --announce PEERING="P..."            the announce list ("" for none)
#   --announce-file PEERING=FILE         the announce list, one prefix a
#                                        line (for lists of thousands)
#   --peering PEERING="KEY: VALUE"       an extra line in that peering
#                                        (repeatable; a value of several
#                                        lines keeps their own indentation)
#   --hold N --keepalive N --connect-retry N --idle-hold N --idle-hold-max N
#   --control PATH                       read-write control socket (the
#                                        read-only one is PATH with .ro.sock)
#   --readonly-control PATH
#   --metrics ADDR:PORT  --port N
#   --manage-interfaces BOOL  --keep-routes-on-exit BOOL
#   --global "KEY: VALUE"                an extra top-level line (repeatable)
#   --circuit2 "NAME VLAN PRIMARY-SUBNET SECONDARY-SUBNET PRIMARY-IF SECONDARY-IF"
#                                        a second circuit after the lab's,
#                                        private peering only, same MD5 key,
#                                        announcing nothing (its links need
#                                        not exist: it lends its /30s to the
#                                        inbound link-subnet rule)
lab_ce_config()
{
	local file=$1
	shift
	local asn=$LAB_CUSTOMER_AS rid=192.0.2.1 key=$LAB_MD5_KEY circuit=1GbpsCircuit
	local pif=eth0 sif=eth1 peerings="private public" global=''
	local hold=$LAB_HOLD ka=$LAB_KEEPALIVE retry=2 idle=1 idlemax=2
	local sock='' ro='' metrics='' manage='' keep='' port=''
	[ -n "$LAB_DIR" ] && sock=$LAB_DIR/ce/cebgpd.sock
	local -A ann=([private]=$LAB_CUSTOMER_PRIVATE_ROUTES [public]=$LAB_CUSTOMER_PUBLIC_ROUTES)
	local -A subnets=([private]="172.16.1.0/30 172.16.2.0/30" [public]="172.16.1.4/30 172.16.2.4/30")
	local -A vlan=([private]=555 [public]=556) annf=() extra=()
	local c2=''
	local p v
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || {
			echo "lab_ce_config: $1 needs a value" >&2
			return 1
		}
		p=${2%%=*} v=${2#*=}
		case "$1" in
		--announce | --announce-file | --peering | --subnets)
			case "$p" in
			private | public) ;;
			*)
				echo "lab_ce_config: $1 $2: not PEERING=VALUE" >&2
				return 1
				;;
			esac
			;;
		esac
		case "$1" in
		--asn) asn=$2 ;;
		--router-id) rid=$2 ;;
		--key) key=$2 ;;
		--circuit) circuit=$2 ;;
		--primary-if) pif=$2 ;;
		--secondary-if) sif=$2 ;;
		--peerings) peerings=$2 ;;
		--subnets) subnets[$p]=$v ;;
		--announce)
			ann[$p]=$v
			unset "annf[$p]"
			;;
		--announce-file) annf[$p]=$v ;;
		--peering) extra[$p]+=$v$'\n' ;;
		--hold) hold=$2 ;;
		--keepalive) ka=$2 ;;
		--connect-retry) retry=$2 ;;
		--idle-hold) idle=$2 ;;
		--idle-hold-max) idlemax=$2 ;;
		--control) sock=$2 ;;
		--readonly-control) ro=$2 ;;
		--metrics) metrics=$2 ;;
		--port) port=$2 ;;
		--manage-interfaces) manage=$2 ;;
		--keep-routes-on-exit) keep=$2 ;;
		--global) global+=$2$'\n' ;;
		--circuit2) c2=$2 ;;
		*)
			echo "lab_ce_config: unknown option $1" >&2
			return 1
			;;
		esac
		shift 2
	done
	local timers='' t
	for t in "hold $hold" "keepalive $ka" "connect-retry $retry" "idle-hold $idle" \
		"idle-hold-max $idlemax"; do
		set -- $t
		[ -n "$2" ] && [ "$2" != none ] && timers+="${timers:+, }$1: $2"
	done
	local pri sec list
	{
		echo "asn: $asn"
		[ "$rid" != none ] && echo "router-id: $rid"
		[ -n "$port" ] && echo "port: $port"
		[ -n "$keep" ] && echo "keep-routes-on-exit: $keep"
		[ -n "$manage" ] && echo "manage-interfaces: $manage"
		[ -n "$metrics" ] && echo "metrics: { listen: $metrics }"
		[ -n "$sock" ] && [ "$sock" != none ] &&
			echo "control: { socket: $sock, readonly-socket: ${ro:-${sock%.sock}.ro.sock} }"
		printf '%s' "$global"
		[ -n "$timers" ] && echo "timers: { $timers }"
		echo "circuits:"
		echo "  - name: $circuit"
		[ "$key" != none ] && echo "    md5-key: $key"
		echo "    links:"
		[ "$pif" != none ] && echo "      primary:   { interface: $pif }"
		[ "$sif" != none ] && echo "      secondary: { interface: $sif }"
		echo "    peerings:"
		for p in $peerings; do
			read -r pri sec <<<"${subnets[$p]}"
			echo "      $p:"
			echo "        vlan: ${vlan[$p]}"
			echo "        primary-subnet: $pri"
			echo "        secondary-subnet: $sec"
			[ -n "${extra[$p]:-}" ] && printf '%s' "${extra[$p]}" | sed 's/^/        /'
			if [ -n "${annf[$p]:-}" ]; then
				echo "        announce:"
				sed -e '/^[[:space:]]*$/d' -e 's/^[[:space:]]*/          - /' "${annf[$p]}"
			elif [ -n "${ann[$p]}" ]; then
				# shellcheck disable=SC2086 # one word per prefix
				list=$(printf '%s, ' ${ann[$p]})
				echo "        announce: [${list%, }]"
			fi
		done
		if [ -n "$c2" ]; then
			local c2name c2vlan c2pri c2sec c2pif c2sif
			read -r c2name c2vlan c2pri c2sec c2pif c2sif <<<"$c2"
			echo "  - name: $c2name"
			[ "$key" != none ] && echo "    md5-key: $key"
			echo "    links:"
			echo "      primary:   { interface: $c2pif }"
			echo "      secondary: { interface: $c2sif }"
			echo "    peerings:"
			echo "      private:"
			echo "        vlan: $c2vlan"
			echo "        primary-subnet: $c2pri"
			echo "        secondary-subnet: $c2sec"
		fi
	} >"$file"
}

# lab_ce_start CONF [OPTIONS] [-- CEBGPD-ARGS...]: start `$CEBGPD -d -f CONF
# CEBGPD-ARGS` in the background in the ce namespace, stdout and stderr to
# $LAB_DIR/ce/cebgpd.log. Sets LAB_CE_PID and LAB_CE_LOG (a test running
# several daemons saves them), adds the pid to the ones teardown kills and
# the log to the ones on_exit_dump shows. The daemon is a child of the
# test's shell, so `wait "$LAB_CE_PID"` (or lab_ce_stop) reads its exit
# status: call it directly, never inside $(...).
#
# OPTIONS:
#   --log FILE       log here instead
#   --append         append to the log (a restart keeps the earlier run's)
#   --ns NS          another namespace (a ROUTER or a full name)
#   --env VAR=VALUE  in the daemon's environment (repeatable)
#   --wrap "CMD ARG..."  run cebgpd under CMD (split at white space), e.g.
#                    valgrind
lab_ce_start()
{
	local conf=$1 log=${LAB_DIR:+$LAB_DIR/ce/cebgpd.log} append=0 ns=ce
	local wrap=() envs=() f
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--log) log=$2 ;;
		--append)
			append=1
			shift
			continue
			;;
		--ns) ns=$2 ;;
		--env) envs+=("$2") ;;
		--wrap) read -r -d '' -a wrap <<<"$2" || true ;;
		--)
			shift
			break
			;;
		*)
			echo "lab_ce_start: unknown option $1" >&2
			return 1
			;;
		esac
		shift 2
	done
	[ -n "$log" ] || {
		echo "lab_ce_start: --log FILE needed outside a lab" >&2
		return 1
	}
	[ $append = 1 ] || : >"$log"
	ip netns exec "$(lab_ns "$ns")" env "${envs[@]}" "${wrap[@]}" "$CEBGPD" -d -f "$conf" "$@" \
		>>"$log" 2>&1 </dev/null &
	LAB_CE_PID=$!
	LAB_CE_LOG=$log
	LAB_PIDS+=("$LAB_CE_PID")
	for f in "${LAB_CE_LOGS[@]}"; do
		[ "$f" = "$log" ] && return 0
	done
	LAB_CE_LOGS+=("$log")
	return 0
}

# lab_ce_stop [TIMEOUT [PID]]: SIGTERM cebgpd ($LAB_CE_PID unless PID),
# wait up to TIMEOUT seconds (default 15), then SIGKILL; return its exit
# status (0 for a clean shutdown, 137 when it had to be killed).
lab_ce_stop()
{
	local timeout=${1:-15} pid=${2:-$LAB_CE_PID} i
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < timeout * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
}

# lab_ce_clean [LOG]: true if cebgpd's log ($LAB_CE_LOG unless LOG) has no
# AddressSanitizer, LeakSanitizer or UBSan report.
lab_ce_clean()
{
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "${1:-$LAB_CE_LOG}"
}

# on_exit_dump: the post-mortem of a failed test, printed by finish before
# the summary line when an assertion failed: the tail of every log
# lab_ce_start wrote and of the files in $LAB_DUMP_FILES, each BIRD's log,
# and the routes cebgpd installed in the ce namespace (protocol 186).
# LAB_DUMP_LINES (default 60) lines a file; LAB_DUMP_SKIP, an extended
# regex, leaves out matching log lines (noise such as per-prefix warnings).
on_exit_dump()
{
	local f r n=${LAB_DUMP_LINES:-60}
	# shellcheck disable=SC2086 # a list of paths
	for f in "${LAB_CE_LOGS[@]}" ${LAB_DUMP_FILES:-}; do
		[ -f "$f" ] || continue
		echo "--- $f (tail) ---"
		if [ -n "${LAB_DUMP_SKIP:-}" ]; then
			grep -Ev -- "$LAB_DUMP_SKIP" "$f" | tail -n "$n"
		else
			tail -n "$n" "$f"
		fi
	done
	[ -n "$LAB_DIR" ] || return 0
	for r in $LAB_ROUTERS; do
		[ -f "$LAB_DIR/$r/bird.log" ] || continue
		echo "--- $r bird log (tail) ---"
		tail -n 20 "$LAB_DIR/$r/bird.log"
	done
	echo "--- ce routes of protocol 186 ---"
	ip -n "$(lab_ns ce)" route show proto 186 2>/dev/null
	return 0
}

# _lab_sessions ROUTER: one line per BGP session of ROUTER:
# "name local-ip peer-ip export-from description". The *_v6 sessions run
# over the links' IPv6 /126s and exist only with --ipv6 on.
_lab_sessions()
{
	case "$1" in
	msee1)
		echo "priv 172.16.1.2 172.16.1.1 static_private primary private peering (VLAN 555)"
		echo "pub 172.16.1.6 172.16.1.5 static_public primary public peering (VLAN 556)"
		echo "priv_v6 2001:db8:555:1::2 2001:db8:555:1::1 static_private6 primary private peering, IPv6"
		echo "pub_v6 2001:db8:556:1::2 2001:db8:556:1::1 static_public6 primary public peering, IPv6"
		;;
	msee2)
		echo "priv 172.16.2.2 172.16.2.1 static_private secondary private peering (VLAN 555)"
		echo "pub 172.16.2.6 172.16.2.5 static_public secondary public peering (VLAN 556)"
		echo "priv_v6 2001:db8:555:2::2 2001:db8:555:2::1 static_private6 secondary private peering, IPv6"
		echo "pub_v6 2001:db8:556:2::2 2001:db8:556:2::1 static_public6 secondary public peering, IPv6"
		;;
	ce)
		echo "priv1 172.16.1.1 172.16.1.2 static_private primary private peering to msee1"
		echo "priv2 172.16.2.1 172.16.2.2 static_private secondary private peering to msee2"
		echo "pub1 172.16.1.5 172.16.1.6 static_public primary public peering to msee1"
		echo "pub2 172.16.2.5 172.16.2.6 static_public secondary public peering to msee2"
		echo "priv1_v6 2001:db8:555:1::1 2001:db8:555:1::2 static_private6 primary private peering to msee1, IPv6"
		echo "priv2_v6 2001:db8:555:2::1 2001:db8:555:2::2 static_private6 secondary private peering to msee2, IPv6"
		echo "pub1_v6 2001:db8:556:1::1 2001:db8:556:1::2 static_public6 primary public peering to msee1, IPv6"
		echo "pub2_v6 2001:db8:556:2::1 2001:db8:556:2::2 static_public6 secondary public peering to msee2, IPv6"
		;;
	*) return 1 ;;
	esac
}

# _lab_routes "P...": BIRD static route lines for the prefixes (the last
# newline is lost to $(...); the template line's own newline ends it).
# A prefix may carry RFC 1997 communities: 20.60.0.0/16+12076:51004+65000:1.
_lab_routes()
{
	local p c out='' attrs
	for p in $1; do
		attrs=''
		while [ "${p#*+}" != "$p" ]; do
			c=${p##*+} p=${p%+*}
			attrs=" { bgp_community.add((${c%%:*},${c#*:})); }$attrs"
		done
		attrs=${attrs//\} \{ / }
		out+=$'\troute '"$p"' blackhole'"$attrs"$';\n'
	done
	printf '%s' "$out"
}

# _lab_opt NAME SESSION DEFAULT: the value of option NAME for SESSION from
# the _lab_o_NAME array (entries "value" for every session, or
# "session=value"; the last match wins).
_lab_opt()
{
	local -n arr="_lab_o_$1"
	local v=$3 e
	for e in "${arr[@]}"; do
		case "$e" in
		"$2="*) v=${e#"$2="} ;;
		*=*)
			# Another session's value; but a bare value may contain '='
			# only if it names no session, so treat unknown prefixes as bare.
			case " $_lab_names " in
			*" ${e%%=*} "*) ;;
			*) v=$e ;;
			esac
			;;
		*) v=$e ;;
		esac
	done
	printf '%s' "$v"
}

# lab_bird_start ROUTER [OPTIONS]: write a BIRD 2 config for ROUTER into
# $LAB_DIR/ROUTER/bird.conf (from tests/interop/bird/base.conf and one
# bgp-session.conf per session) and start `bird -c conf -s sock -P pid` in
# the router's namespace; wait (bounded) until its control socket answers.
#
# msee1/msee2 play the provider (AS $LAB_PROVIDER_AS) with two sessions,
# "priv" (private peering) and "pub" (public peering; "private" is a BIRD
# keyword), to the CE's addresses; they advertise
# $LAB_PROVIDER_PRIVATE_ROUTES / $LAB_PROVIDER_PUBLIC_ROUTES.
# ce plays the customer (AS $LAB_CUSTOMER_AS; used by the self-test before
# cebgpd exists) with sessions priv1, priv2, pub1, pub2 and
# advertises $LAB_CUSTOMER_*_ROUTES.
# Everything received is imported into master4 with "import keep filtered".
#
# OPTIONS (each may be given as VALUE for every session or SESSION=VALUE
# for one; the last one wins):
#   --key KEY          TCP-MD5 password (default $LAB_MD5_KEY; "none": no MD5)
#   --passive on|off   never connect, only accept (default off: BIRD connects)
#   --disabled on|off  configure the session disabled (birdc enable later)
#   --hold N           hold time (default $LAB_HOLD)
#   --keepalive N      keepalive time (default $LAB_KEEPALIVE)
#   --connect-retry N  connect retry time (default 2)
#   --port N           local (listening) TCP port (default 179)
#   --peer-port N      the neighbour's port (default 179)
#   --local-as N       our AS   --peer-as N   the neighbour's AS
#   --limit N          receive limit N, action restart (the provider drops
#                      a session over its prefix cap, then comes back)
#   --prepend N        prepend our AS N extra times on export
#   --routes-private "P..."  --routes-public "P..."  what to advertise
#                      (P+ASN:VALUE tags P with that community, see _lab_routes)
#   --ipv6 on|off      also run the *_v6 sessions (default $LAB_IPV6, off)
#   --routes-private6 "P..."  --routes-public6 "P..."  IPv6 ones
#   --router-id A.B.C.D
#   --extra FILE       append FILE to the config (extra filters, protocols)
#   --bfd on|off       BFD on the BGP session (`bfd on`; default off, so the
#                      older labs' peers run none: cebgpd reports them as
#                      "peer silent"); the `protocol bfd` block is written
#                      when a session runs BFD, here or in the --extra file
#                      (lab_bird_v6_conf --bfd)
#   --bfd-timers "RX TX MULT"  the `protocol bfd` interval (ms) and
#                      multiplier every BFD session of this BIRD uses
#                      (default "300 300 3", the provider's)
#
# _lab_bird_conf ROUTER [OPTIONS] only writes the config (shared with
# lab_bird_reconfigure).
_lab_bird_conf()
{
	local router=$1
	shift
	local dir=$LAB_DIR/$router
	local _lab_names
	_lab_names=$(_lab_sessions "$router" | awk '{print $1}' | tr '\n' ' ') || {
		echo "lab_bird_start: unknown router $router" >&2
		return 1
	}
	local _lab_o_key=() _lab_o_passive=() _lab_o_disabled=() _lab_o_hold=()
	local _lab_o_keepalive=() _lab_o_retry=() _lab_o_port=() _lab_o_peerport=()
	local _lab_o_localas=() _lab_o_peeras=() _lab_o_limit=() _lab_o_prepend=()
	local _lab_o_bfd=() bfdtimers="300 300 3" anybfd=''
	local rpriv rpub rpriv6 rpub6 rid extra='' ipv6=${LAB_IPV6:-off}
	if [ "$router" = ce ]; then
		rpriv=$LAB_CUSTOMER_PRIVATE_ROUTES rpub=$LAB_CUSTOMER_PUBLIC_ROUTES
		rpriv6=$LAB_CUSTOMER_PRIVATE_ROUTES6 rpub6=$LAB_CUSTOMER_PUBLIC_ROUTES6
		rid=192.0.2.1
	else
		rpriv=$LAB_PROVIDER_PRIVATE_ROUTES rpub=$LAB_PROVIDER_PUBLIC_ROUTES
		rpriv6=$LAB_PROVIDER_PRIVATE_ROUTES6 rpub6=$LAB_PROVIDER_PUBLIC_ROUTES6
		[ "$router" = msee1 ] && rid=172.16.1.2 || rid=172.16.2.2
	fi
	while [ $# -gt 0 ]; do
		case "$1" in
		--key) _lab_o_key+=("$2") ;;
		--passive) _lab_o_passive+=("$2") ;;
		--disabled) _lab_o_disabled+=("$2") ;;
		--hold) _lab_o_hold+=("$2") ;;
		--keepalive) _lab_o_keepalive+=("$2") ;;
		--connect-retry) _lab_o_retry+=("$2") ;;
		--port) _lab_o_port+=("$2") ;;
		--peer-port) _lab_o_peerport+=("$2") ;;
		--local-as) _lab_o_localas+=("$2") ;;
		--peer-as) _lab_o_peeras+=("$2") ;;
		--limit) _lab_o_limit+=("$2") ;;
		--prepend) _lab_o_prepend+=("$2") ;;
		--bfd) _lab_o_bfd+=("$2") ;;
		--bfd-timers) bfdtimers=$2 ;;
		--routes-private) rpriv=$2 ;;
		--routes-public) rpub=$2 ;;
		--routes-private6) rpriv6=$2 ;;
		--routes-public6) rpub6=$2 ;;
		--ipv6) ipv6=$2 ;;
		--router-id) rid=$2 ;;
		--extra) extra=$2 ;;
		*)
			echo "lab_bird_start: unknown option $1" >&2
			return 1
			;;
		esac
		[ $# -ge 2 ] || {
			echo "lab_bird_start: $1 needs a value" >&2
			return 1
		}
		shift 2
	done
	local myas peeras
	if [ "$router" = ce ]; then
		myas=$LAB_CUSTOMER_AS peeras=$LAB_PROVIDER_AS
	else
		myas=$LAB_PROVIDER_AS peeras=$LAB_CUSTOMER_AS
	fi
	mkdir -p "$dir"
	local conf=$dir/bird.conf
	# awk, not sed: the values contain '/' and newlines.
	awk -v logf="$dir/bird.log" -v rid="$rid" -v rpriv="$(_lab_routes "$rpriv")" \
		-v rpub="$(_lab_routes "$rpub")" -v rpriv6="$(_lab_routes "$rpriv6")" \
		-v rpub6="$(_lab_routes "$rpub6")" '
		{ gsub(/@LOG@/, logf); gsub(/@ROUTER_ID@/, rid) }
		/^@PRIVATE_ROUTES@/ { printf "%s", rpriv; sub(/@PRIVATE_ROUTES@/, "") }
		/^@PUBLIC_ROUTES@/ { printf "%s", rpub; sub(/@PUBLIC_ROUTES@/, "") }
		/^@PRIVATE6_ROUTES@/ { printf "%s", rpriv6; sub(/@PRIVATE6_ROUTES@/, "") }
		/^@PUBLIC6_ROUTES@/ { printf "%s", rpub6; sub(/@PUBLIC6_ROUTES@/, "") }
		{ print }' "$LAB_LIBDIR/bird/base.conf" >"$conf" || return 1
	local name lip pip exp desc key pw passive disabled limit prepend n i channel
	while read -r name lip pip exp desc; do
		channel=ipv4
		case "$lip" in
		*:*)
			[ "$ipv6" = on ] || continue
			channel=ipv6
			;;
		esac
		key=$(_lab_opt key "$name" "$LAB_MD5_KEY")
		pw='' passive='' disabled='' limit='' prepend=''
		[ -n "$key" ] && [ "$key" != none ] && pw=$'\tpassword "'"$key"$'";\n'
		[ "$(_lab_opt passive "$name" off)" = on ] && passive=$'\tpassive on;\n'
		[ "$(_lab_opt disabled "$name" off)" = on ] && disabled=$'\tdisabled on;\n'
		if [ "$(_lab_opt bfd "$name" off)" = on ]; then
			disabled+=$'\tbfd on;\n'
			anybfd=1
		fi
		n=$(_lab_opt limit "$name" "")
		[ -n "$n" ] && limit=$'\t\treceive limit '"$n"$' action restart;\n'
		n=$(_lab_opt prepend "$name" 0)
		for ((i = 0; i < n; i++)); do
			prepend+=$'\t\t\tbgp_path.prepend('"$(_lab_opt localas "$name" "$myas")"$');\n'
		done
		awk -v name="$name" -v desc="$desc" -v lip="$lip" -v pip="$pip" \
			-v lport="$(_lab_opt port "$name" 179)" \
			-v pport="$(_lab_opt peerport "$name" 179)" \
			-v las="$(_lab_opt localas "$name" "$myas")" \
			-v pas="$(_lab_opt peeras "$name" "$peeras")" \
			-v pw="$pw" -v passive="$passive" -v disabled="$disabled" \
			-v hold="$(_lab_opt hold "$name" "$LAB_HOLD")" \
			-v ka="$(_lab_opt keepalive "$name" "$LAB_KEEPALIVE")" \
			-v retry="$(_lab_opt retry "$name" 2)" \
			-v limit="$limit" -v prepend="$prepend" -v expfrom="$exp" \
			-v channel="$channel" '
			{
				gsub(/@NAME@/, name); gsub(/@DESC@/, desc)
				gsub(/@LOCAL_IP@/, lip); gsub(/@PEER_IP@/, pip)
				gsub(/@LOCAL_PORT@/, lport); gsub(/@PEER_PORT@/, pport)
				gsub(/@LOCAL_AS@/, las); gsub(/@PEER_AS@/, pas)
				gsub(/@HOLD@/, hold); gsub(/@KEEPALIVE@/, ka)
				gsub(/@CONNECT_RETRY@/, retry); gsub(/@EXPORT_FROM@/, expfrom)
				gsub(/@CHANNEL@/, channel)
			}
			/^@PASSWORD@/ {
				printf "%s%s%s", pw, passive, disabled
				sub(/@PASSWORD@@PASSIVE@@DISABLED@/, "")
			}
			/^@LIMIT@/ { printf "%s", limit; sub(/@LIMIT@/, "") }
			/^@PREPEND@/ { printf "%s", prepend; sub(/@PREPEND@/, "") }
			{ print }' "$LAB_LIBDIR/bird/bgp-session.conf" >>"$conf" || return 1
	done < <(_lab_sessions "$router")
	# BIRD runs one `protocol bfd` for every session that asks for BFD,
	# the --extra file's included.
	[ -n "$extra" ] && grep -q '^[[:space:]]*bfd on;' "$extra" && anybfd=1
	if [ -n "$anybfd" ]; then
		local brx btx bmult
		read -r brx btx bmult <<<"$bfdtimers"
		printf 'protocol bfd {\n\tinterface "*" {\n\t\tmin rx interval %s ms;\n\t\tmin tx interval %s ms;\n\t\tmultiplier %s;\n\t};\n}\n' \
			"$brx" "$btx" "$bmult" >>"$conf" || return 1
	fi
	if [ -n "$extra" ]; then
		cat "$extra" >>"$conf" || return 1
	fi
	return 0
}

lab_bird_start()
{
	local router=$1 dir=$LAB_DIR/$1
	_lab_bird_conf "$@" || return 1
	rm -f "$dir/bird.ctl" "$dir/bird.pid"
	if ! lab_in "$router" bird -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" \
		>"$dir/bird.out" 2>&1; then
		lab_log "bird failed to start in $router:"
		cat "$dir/bird.out" >&2
		return 1
	fi
	if ! lab_wait_for 10 lab_birdc "$router" show status; then
		lab_log "bird in $router does not answer on $dir/bird.ctl"
		cat "$dir/bird.out" "$dir/bird.log" >&2 2>/dev/null
		return 1
	fi
	return 0
}

# lab_bird_reconfigure ROUTER [OPTIONS]: rewrite ROUTER's config with new
# OPTIONS (same as lab_bird_start; unspecified ones go back to defaults)
# and apply it to the running BIRD with `birdc configure`: a changed route
# list is a soft change (UPDATEs/withdrawals on the live sessions), a
# changed session option (key, timers, passive) restarts that session.
lab_bird_reconfigure()
{
	local router=$1 out
	_lab_bird_conf "$@" || return 1
	out=$(lab_birdc "$router" configure 2>&1)
	case "$out" in
	*Reconfigured* | *"Reconfiguration in progress"*) return 0 ;;
	*)
		lab_log "birdc configure in $router: $out"
		return 1
		;;
	esac
}

# lab_bird_stop ROUTER: stop ROUTER's BIRD (bounded wait).
lab_bird_stop()
{
	local pidf=$LAB_DIR/$1/bird.pid pid
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	kill -TERM "$pid" 2>/dev/null
	lab_wait_for 10 eval "! kill -0 $pid"
	kill -KILL "$pid" 2>/dev/null
	rm -f "$pidf"
	return 0
}

# lab_birdc ROUTER CMD...: run a birdc command against ROUTER's BIRD,
# e.g. lab_birdc msee1 show protocols all priv. Output on stdout.
lab_birdc()
{
	birdc -s "$LAB_DIR/$1/bird.ctl" "${@:2}"
}

# lab_bird_since ROUTER PROTO: print BIRD's "State Since" columns of PROTO
# (they change when the session goes down or comes up). A loaded machine can
# make one birdc call come back empty; retry (bounded, 5 s) so that an empty
# answer is never taken for a reset.
lab_bird_since()
{
	local i out
	for ((i = 0; i < 25; i++)); do
		out=$(lab_birdc "$1" show protocols "$2" 2>/dev/null |
			awk -v p="$2" '$1 == p { print $4, $5; exit }')
		[ -n "$out" ] && { echo "$out"; return 0; }
		sleep 0.2
	done
	return 1
}

# lab_bird_same_since OLD NEW: two lab_bird_since answers name the same
# moment. BIRD converts its clock on every `show protocols`, so the same
# state change can read a millisecond apart; a reset moves it by far more.
lab_bird_same_since()
{
	[ "$1" = "$2" ] && return 0
	python3 - "$1" "$2" <<'PY'
import sys
def ms(v):
    try:
        state, t = v.split()
        h, m, s = t.split(":")
        return state, (int(h) * 3600 + int(m) * 60) * 1000 + round(float(s) * 1000)
    except ValueError:
        return None, None
(a, x), (b, y) = ms(sys.argv[1]), ms(sys.argv[2])
sys.exit(0 if a is not None and a == b and abs(x - y) <= 20 else 1)
PY
}

# lab_bird_unchanged ROUTER PROTO OLD: PROTO's lab_bird_since is still OLD
# (lab_bird_same_since); says what it became when not.
lab_bird_unchanged()
{
	local now
	now=$(lab_bird_since "$1" "$2")
	lab_bird_same_since "$3" "$now" || {
		echo "  $1 $2: since '$3' -> '$now'"
		return 1
	}
}

# lab_bird_same_sinces OLD NEW: the same for two lists of lab_bird_since
# answers, one per line.
lab_bird_same_sinces()
{
	local -a a b
	local i
	mapfile -t a <<<"$1"
	mapfile -t b <<<"$2"
	[ ${#a[@]} -eq ${#b[@]} ] || return 1
	for ((i = 0; i < ${#a[@]}; i++)); do
		lab_bird_same_since "${a[i]}" "${b[i]}" || {
			echo "  since '${a[i]}' -> '${b[i]}'"
			return 1
		}
	done
}

# lab_bird_state ROUTER PROTO: print the BGP state of PROTO as BIRD reports
# it (Idle, Connect, Active, OpenSent, OpenConfirm, Established, or the
# protocol state such as "down" when disabled).
lab_bird_state()
{
	lab_birdc "$1" show protocols "$2" 2>/dev/null |
		awk -v p="$2" '$1 == p { if ($6 != "") print $6; else print $4; exit }'
}

# lab_wait_bird_established ROUTER PROTO TIMEOUT: wait up to TIMEOUT seconds
# for BIRD's session PROTO to be Established. Returns 0 or 1.
lab_wait_bird_established()
{
	lab_wait_for "$3" lab_bird_is_established "$1" "$2"
}

# lab_bird_is_established ROUTER PROTO: true if BIRD's session PROTO is
# Established right now (no waiting).
lab_bird_is_established()
{
	[ "$(lab_bird_state "$1" "$2")" = Established ]
}

# Older name, kept for scripts that already use it.
_lab_is_established()
{
	lab_bird_is_established "$@"
}

# lab_bird_routes ROUTER PROTO [filtered]: print, sorted, the prefixes
# ROUTER's BIRD received on session PROTO and accepted (with "filtered":
# the ones its import filter rejected, kept by "import keep filtered").
lab_bird_routes()
{
	lab_birdc "$1" show route ${3:+"$3"} protocol "$2" 2>/dev/null |
		awk '$1 ~ /^[0-9a-fA-F:.]+\/[0-9]+$/ { print $1 }' | sort -u
}

# lab_bird_exported ROUTER PROTO: print, sorted, the prefixes ROUTER's BIRD
# exports (advertises) on session PROTO.
lab_bird_exported()
{
	lab_birdc "$1" show route export "$2" 2>/dev/null |
		awk '$1 ~ /^[0-9a-fA-F:.]+\/[0-9]+$/ { print $1 }' | sort -u
}

# lab_bird_route_attrs ROUTER PROTO PREFIX: print BIRD's full view of one
# received route (show route PREFIX protocol PROTO all): BGP attributes such
# as BGP.as_path, BGP.next_hop, BGP.community, one per line.
lab_bird_route_attrs()
{
	lab_birdc "$1" show route "$3" protocol "$2" all 2>/dev/null
}

# lab_bird_info ROUTER PROTO: print BIRD's full view of session PROTO
# (show protocols all): BGP state, neighbour, hold timer, "Last error"
# (e.g. "Received: Administrative shutdown" with the message), route stats.
lab_bird_info()
{
	lab_birdc "$1" show protocols all "$2" 2>/dev/null
}

# lab_bird_log ROUTER: print ROUTER's BIRD log (useful on failure).
lab_bird_log()
{
	cat "$LAB_DIR/$1/bird.log" 2>/dev/null
}

# ---- dual stack over today's /126 link subnets ----
#
# The links above carry documentation-space IPv6 (2001:db8::/32), which
# cebgpd's config and inbound policy refuse. A dual-stack lab adds real
# /126s from 2a10:ce00::/32 to the same four links (first usable address
# the CE's, the second the provider's), runs IPv6 BGP sessions "priv6" and
# "pub6" on msee1/msee2 over them, and gives cebgpd their
# primary-subnet-v6/secondary-subnet-v6:
#
#     lab_create "cds$$"
#     lab_dualstack_addrs
#     lab_bird_v6_conf msee1 "$LAB_DIR/msee1/v6.conf"
#     lab_bird_start msee1 --routes-private6 "2a10:ce10:1::/48" \
#         --extra "$LAB_DIR/msee1/v6.conf"
#     lab_ce_config "$conf" "${LAB_CE_V6_OPTS[@]}" --announce private="10.10.0.0/16 2a10:ce10:ce00::/40"
#
#   eth0.555 2a10:ce00:1::/126  private primary    (ce ::1, msee1 ::2)
#   eth1.555 2a10:ce00:2::/126  private secondary  (ce ::1, msee2 ::2)
#   eth0.556 2a10:ce00:3::/126  public primary     (ce ::1, msee1 ::2)
#   eth1.556 2a10:ce00:4::/126  public secondary   (ce ::1, msee2 ::2)

# lab_dualstack_links: one line per link: "ROUTER IFNAME SUBNET PEERING ROLE".
lab_dualstack_links()
{
	echo "msee1 eth0.555 2a10:ce00:1:: private primary"
	echo "msee2 eth1.555 2a10:ce00:2:: private secondary"
	echo "msee1 eth0.556 2a10:ce00:3:: public primary"
	echo "msee2 eth1.556 2a10:ce00:4:: public secondary"
}

# The lab_ce_config options that give cebgpd the /126s (set by lab_dualstack_addrs).
LAB_CE_V6_OPTS=()

# lab_dualstack_addrs: add the /126 addresses above to the lab's links
# (after lab_create), without DAD, kept while a link is down (a link cut
# must not take the addresses with it: net.ipv6.conf.*.keep_addr_on_down),
# and fill LAB_CE_V6_OPTS.
lab_dualstack_addrs()
{
	local r ifname net peering role ns
	for r in $LAB_ROUTERS; do
		ns=$(lab_ns "$r")
		ip netns exec "$ns" sh -c 'for f in all default; do
			echo 1 >/proc/sys/net/ipv6/conf/$f/keep_addr_on_down; done' 2>/dev/null
		for ifname in eth0.555 eth1.555 eth0.556 eth1.556; do
			ip netns exec "$ns" sh -c \
				"echo 1 >/proc/sys/net/ipv6/conf/$ifname/keep_addr_on_down" 2>/dev/null
		done
	done
	LAB_CE_V6_OPTS=()
	while read -r r ifname net peering role; do
		ip -n "$(lab_ns ce)" -6 addr add "${net}1/126" dev "$ifname" nodad || return 1
		ip -n "$(lab_ns "$r")" -6 addr add "${net}2/126" dev "$ifname" nodad || return 1
		LAB_CE_V6_OPTS+=(--peering "$peering=$role-subnet-v6: ${net}/126")
	done < <(lab_dualstack_links)
	return 0
}

# lab_bird_v6_conf ROUTER FILE [OPTIONS]: write to FILE the IPv6 sessions of
# msee1 or msee2 over the /126s, for lab_bird_start ROUTER --extra FILE:
# "priv6" (exports static_private6, i.e. --routes-private6) and "pub6"
# (static_public6), AS $LAB_PROVIDER_AS to $LAB_CUSTOMER_AS, TCP-MD5
# $LAB_MD5_KEY, hold $LAB_HOLD, keepalive $LAB_KEEPALIVE, "direct", received
# routes into master6 with "import keep filtered". OPTIONS:
#   --key [PEERING=]KEY  TCP-MD5 password ("none": no MD5) on both
#                      sessions or on that peering's  --hold N  --keepalive N
#   --set-next-hop PREFIX=ADDR  export PREFIX with next hop ADDR (a third
#                      party's: BIRD then sends no link-local one); repeatable
#   --ttl-security PEERING=on|off  GTSM (RFC 5082: hop limit 255 out, only
#                      255 in) on that peering's session (default off: BIRD
#                      then sends with hop limit 1, as for any direct eBGP)
#   --bfd [PEERING=]on|off  BFD (RFC 5881 over IPv6) on both sessions or on
#                      that peering's (default off); lab_bird_start then
#                      adds the `protocol bfd` block (--bfd-timers)
lab_bird_v6_conf()
{
	local router=$1 file=$2 key=$LAB_MD5_KEY hold=$LAB_HOLD ka=$LAB_KEEPALIVE
	local -A gtsm=() keys=() bfd=()
	local bfdall=off
	local setnh=''
	shift 2
	while [ $# -gt 0 ]; do
		case "$1" in
		--key)
			case "$2" in
			private=* | public=*) keys[${2%%=*}]=${2#*=} ;;
			*) key=$2 ;;
			esac
			;;
		--hold) hold=$2 ;;
		--keepalive) ka=$2 ;;
		--ttl-security) gtsm[${2%%=*}]=${2#*=} ;;
		--bfd)
			case "$2" in
			private=* | public=*) bfd[${2%%=*}]=${2#*=} ;;
			*) bfdall=$2 ;;
			esac
			;;
		--set-next-hop)
			setnh+=$'\t\t\tif net = '"${2%%=*}"' then bgp_next_hop = '"${2#*=}"$';\n'
			;;
		*)
			echo "lab_bird_v6_conf: unknown option $1" >&2
			return 1
			;;
		esac
		shift 2
	done
	local r ifname net peering role name from pw k
	: >"$file" || return 1
	while read -r r ifname net peering role; do
		[ "$r" = "$router" ] || continue
		if [ "$peering" = private ]; then
			name=priv6 from=static_private6
		else
			name=pub6 from=static_public6
		fi
		pw='' k=${keys[$peering]:-$key}
		[ -n "$k" ] && [ "$k" != none ] && pw="	password \"$k\";"
		[ "${gtsm[$peering]:-off}" = on ] && pw+=$'\n\tttl security on;'
		[ "${bfd[$peering]:-$bfdall}" = on ] && pw+=$'\n\tbfd on;'
		cat >>"$file" <<EOC
protocol bgp $name {
	description "$role $peering peering, IPv6 over $ifname";
	local ${net}2 as $LAB_PROVIDER_AS;
	neighbor ${net}1 as $LAB_CUSTOMER_AS;
	direct;
$pw
	hold time $hold;
	keepalive time $ka;
	connect delay time 1;
	connect retry time 2;
	error wait time 1, 4;
	error forget time 10;
	ipv6 {
		import all;
		import keep filtered on;
		export filter {
			if proto != "$from" then reject;
$setnh			accept;
		};
	};
}
EOC
	done < <(lab_dualstack_links)
}
