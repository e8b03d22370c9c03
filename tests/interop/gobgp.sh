# shellcheck shell=bash
# tests/interop/gobgp.sh: GoBGP (Debian package gobgpd) as the provider
# router in the lab of tests/interop/lib.sh, the second BGP implementation
# the interop tests run against.
#
# Source it after lib.sh and lab_create:
#
#     . "$top_srcdir/tests/interop/gobgp.sh"
#     gobgp_require                                 # SKIP unless gobgpd/gobgp
#     gobgp_start msee1 priv "10.1.0.0/16 20.60.0.0/16+12076:51004"
#     gobgp_wait_established msee1 priv 30
#     gobgp_neighbor msee1 priv                     # `gobgp neighbor ADDR`
#
# One gobgpd per session: a GoBGP instance has one global RIB that it
# advertises to every neighbour, and the provider sends other routes on
# private than on public peering. Each instance listens only on its
# session's address (so two share a namespace) and answers gRPC on its own
# loopback port inside the namespace: priv 50051, pub 50052. Sessions and
# addresses are lib.sh's (_lab_sessions): AS $LAB_PROVIDER_AS, TCP-MD5
# $LAB_MD5_KEY, hold $LAB_HOLD, keepalive $LAB_KEEPALIVE. Processes are
# started with lab_spawn, so lab_teardown kills them.

# gobgp_require: skip the test (exit 77) unless gobgpd and gobgp are installed.
gobgp_require()
{
	command -v gobgpd >/dev/null 2>&1 || lab_skip "gobgpd not installed (apt-get install gobgpd)"
	command -v gobgp >/dev/null 2>&1 || lab_skip "gobgp not installed (apt-get install gobgpd)"
}

# _gobgp_port SESSION: the instance's gRPC port.
_gobgp_port()
{
	case "$1" in
	priv) echo 50051 ;;
	pub) echo 50052 ;;
	*) return 1 ;;
	esac
}

# _gobgp_session ROUTER SESSION: "local-ip peer-ip" of the session (IPv4).
_gobgp_session()
{
	_lab_sessions "$1" | awk -v s="$2" '$1 == s { print $2, $3; exit }'
}

# gobgp_cli ROUTER SESSION ARGS...: run the gobgp client against one instance.
gobgp_cli()
{
	lab_in "$1" gobgp -p "$(_gobgp_port "$2")" "${@:3}"
}

# gobgp_start ROUTER SESSION "P...": write the instance's TOML config,
# start gobgpd in ROUTER's namespace, wait (bounded) for its API and add the
# routes to its global RIB (P+ASN:VALUE adds communities, as in lib.sh).
gobgp_start()
{
	local router=$1 sess=$2 routes=$3 dir=$LAB_DIR/$1 lip pip port conf pw=''
	read -r lip pip < <(_gobgp_session "$router" "$sess")
	port=$(_gobgp_port "$sess") || return 1
	[ -n "$lip" ] || return 1
	conf=$dir/gobgp-$sess.toml
	[ -n "$LAB_MD5_KEY" ] && [ "$LAB_MD5_KEY" != none ] && pw="auth-password = \"$LAB_MD5_KEY\""
	mkdir -p "$dir"
	cat >"$conf" <<EOF
[global.config]
  as = $LAB_PROVIDER_AS
  router-id = "$lip"
  port = 179
  local-address-list = ["$lip"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$pip"
    peer-as = $LAB_CUSTOMER_AS
    $pw
  [neighbors.timers.config]
    hold-time = $LAB_HOLD
    keepalive-interval = $LAB_KEEPALIVE
    connect-retry = 2
  [neighbors.transport.config]
    local-address = "$lip"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
	lab_spawn "$router" "$dir/gobgpd-$sess.log" gobgpd -f "$conf" -p --pprof-disable \
		--api-hosts "127.0.0.1:$port" >/dev/null
	if ! lab_wait_for 10 gobgp_cli "$router" "$sess" global; then
		lab_log "gobgpd $router/$sess does not answer on port $port"
		cat "$dir/gobgpd-$sess.log" >&2
		return 1
	fi
	gobgp_add_routes "$router" "$sess" "$routes"
}

# gobgp_add_routes ROUTER SESSION "P...": add prefixes to the instance's
# global RIB (advertised to its neighbour), next hop its own address.
gobgp_add_routes()
{
	local p c lip pip comms extra
	read -r lip pip < <(_gobgp_session "$1" "$2")
	for p in $3; do
		comms=''
		while [ "${p#*+}" != "$p" ]; do
			c=${p##*+} p=${p%+*}
			comms=$c${comms:+,$comms}
		done
		extra=()
		[ -n "$comms" ] && extra=(community "$comms")
		gobgp_cli "$1" "$2" global rib add -a ipv4 "$p" nexthop "$lip" "${extra[@]}" \
			>/dev/null || return 1
	done
}

# gobgp_state ROUTER SESSION: the session's state as GoBGP names it
# (BGP_FSM_ESTABLISHED, BGP_FSM_ACTIVE, ...).
gobgp_state()
{
	local lip pip
	read -r lip pip < <(_gobgp_session "$1" "$2")
	gobgp_cli "$1" "$2" neighbor "$pip" -j 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["state"]["session_state"])' 2>/dev/null
}

gobgp_is_established()
{
	case "$(gobgp_state "$1" "$2")" in
	6 | ESTABLISHED | BGP_FSM_ESTABLISHED | established) return 0 ;;
	*) return 1 ;;
	esac
}

# gobgp_wait_established ROUTER SESSION TIMEOUT
gobgp_wait_established()
{
	lab_wait_for "$3" gobgp_is_established "$1" "$2"
}

# gobgp_neighbor ROUTER SESSION: `gobgp neighbor PEER` (state, uptime,
# message counters: OPENs and ROUTE-REFRESHes sent and received).
gobgp_neighbor()
{
	local lip pip
	read -r lip pip < <(_gobgp_session "$1" "$2")
	gobgp_cli "$1" "$2" neighbor "$pip"
}

# gobgp_counter ROUTER SESSION KIND DIRECTION: one message counter of the
# session from the JSON view, e.g. gobgp_counter msee1 priv open received.
gobgp_counter()
{
	local lip pip
	read -r lip pip < <(_gobgp_session "$1" "$2")
	gobgp_cli "$1" "$2" neighbor "$pip" -j 2>/dev/null | python3 -c '
import json, sys
kind, way = sys.argv[1], sys.argv[2]
m = json.load(sys.stdin)["state"]["messages"][way]
print(m.get(kind, 0))' "$3" "$4"
}

# gobgp_since ROUTER SESSION: when the session last reached Established
# (seconds since the epoch, as GoBGP records it).
gobgp_since()
{
	local lip pip
	read -r lip pip < <(_gobgp_session "$1" "$2")
	gobgp_cli "$1" "$2" neighbor "$pip" -j 2>/dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["timers"]["state"].get("uptime", {}).get("seconds", 0))'
}
