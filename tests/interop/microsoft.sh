# shellcheck shell=bash
# tests/interop/microsoft.sh: Microsoft peering in the lab, and provider
# sessions a test configures itself. Source it after tests/interop/lib.sh.
#
#     lab_create "ms$$"
#     lab_ms_links                            # VLAN 557, public /30s
#     : >"$x"
#     lab_ms_bird_static "$x" "20.38.0.0/19+12076:51004 52.96.0.0/14+12076:5010"
#     lab_ms_bird_session "$x" msee1 microsoft
#     lab_bird_start msee1 --disabled on --extra "$x"
#     lab_bird_routes msee1 microsoft         # what msee1 received from the CE
#
# Microsoft peering runs on VLAN 557 over public link subnets the customer
# owns (the provider refuses private ones there), inside the lab's
# namespaces only:
#
#     ${P}-ce                                      ${P}-msee1
#       eth0.557 45.60.1.1/30  <-- microsoft -->   eth0.557 45.60.1.2/30
#                                                  ${P}-msee2
#       eth1.557 45.60.2.1/30  <-- microsoft -->   eth1.557 45.60.2.2/30
#
# BIRD session names: "microsoft", "cpriv", "cpub" (private and
# public peering, for a test that needs its own options there: start BIRD
# with --disabled on so lib.sh's own "priv" and "pub" stay out of the way).

# lab_ms_links: the two Microsoft peering links of the picture above.
lab_ms_links()
{
	lab_link "$LAB_PREFIX-ce" eth0.557 45.60.1.1/30 "$LAB_PREFIX-msee1" eth0.557 45.60.1.2/30 &&
		lab_link "$LAB_PREFIX-ce" eth1.557 45.60.2.1/30 "$LAB_PREFIX-msee2" eth1.557 45.60.2.2/30
}

# _lab_ms_addrs ROUTER PEERING: "local peer" addresses of the session.
_lab_ms_addrs()
{
	local leg
	case "$1" in
	msee1) leg=1 ;;
	msee2) leg=2 ;;
	*) return 1 ;;
	esac
	case "$2" in
	private) echo "172.16.$leg.2 172.16.$leg.1" ;;
	public) echo "172.16.$leg.6 172.16.$leg.5" ;;
	microsoft) echo "45.60.$leg.2 45.60.$leg.1" ;;
	*) return 1 ;;
	esac
}

# lab_ms_bird_static FILE "P..." [NAME]: append a BIRD static protocol NAME
# (default static_microsoft) with the prefixes; P+ASN:VALUE tags P with that
# community (lib.sh's _lab_routes), as the provider tags its routes.
lab_ms_bird_static()
{
	local file=$1 name=${3:-static_microsoft}
	{
		printf 'protocol static %s {\n\tipv4;\n' "$name"
		_lab_routes "$2"
		printf '}\n'
	} >>"$file"
}

# lab_ms_bird_session FILE ROUTER PEERING [OPTIONS]: append a provider
# session of ROUTER (msee1, msee2) on PEERING (private, public, microsoft)
# to the CE, named cpriv, cpub or microsoft. It keeps everything it receives
# (import all, keep filtered) and exports static_microsoft on Microsoft
# peering, nothing elsewhere.
#   --limit N   receive limit N, action disable: like the provider, a session
#               over the cap goes down, and here it stays down, so a test
#               sees the breach even if the count came back under
#   --key KEY   TCP-MD5 password (default none)
lab_ms_bird_session()
{
	local file=$1 router=$2 peering=$3 limit='' key='' name lip pip export=none
	shift 3
	while [ $# -gt 0 ]; do
		case "$1" in
		--limit) limit=$2 ;;
		--key) key=$2 ;;
		*)
			echo "lab_ms_bird_session: unknown option $1" >&2
			return 1
			;;
		esac
		shift 2
	done
	read -r lip pip <<<"$(_lab_ms_addrs "$router" "$peering")" || return 1
	[ -n "$lip" ] || {
		echo "lab_ms_bird_session: unknown router or peering $router $peering" >&2
		return 1
	}
	case "$peering" in
	private) name=cpriv ;;
	public) name=cpub ;;
	microsoft)
		name=microsoft
		export='where proto = "static_microsoft"'
		;;
	esac
	{
		printf 'protocol bgp %s {\n' "$name"
		printf '\tdescription "%s peering of %s";\n' "$peering" "$router"
		printf '\tlocal %s as %s;\n\tneighbor %s as %s;\n\tdirect;\n' \
			"$lip" "$LAB_PROVIDER_AS" "$pip" "$LAB_CUSTOMER_AS"
		[ -n "$key" ] && [ "$key" != none ] && printf '\tpassword "%s";\n' "$key"
		printf '\thold time %s;\n\tkeepalive time %s;\n' "$LAB_HOLD" "$LAB_KEEPALIVE"
		printf '\tconnect delay time 1;\n\tconnect retry time 2;\n'
		printf '\terror wait time 1, 4;\n\terror forget time 10;\n'
		printf '\tipv4 {\n\t\timport all;\n\t\timport keep filtered on;\n'
		[ -n "$limit" ] && printf '\t\treceive limit %s action disable;\n' "$limit"
		printf '\t\texport %s;\n\t};\n}\n' "$export"
	} >>"$file"
}
