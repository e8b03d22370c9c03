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
#
# Dual stack: lab_ms_links6 adds the Microsoft peering's /126s to the same
# VLAN sub-interfaces (public space, first usable address the CE's), and
# lab_dualstack_addrs (lib.sh) the private and public ones; with --ipv6 on,
# lab_ms_bird_session runs the session over them as "microsoft6", "cpriv6"
# or "cpub6", exporting static_microsoft6 (lab_ms_bird_static6):
#
#       eth0.557 2a10:ce00:7::1/126 <-- microsoft -->  eth0.557 2a10:ce00:7::2/126 (msee1)
#       eth1.557 2a10:ce00:8::1/126 <-- microsoft -->  eth1.557 2a10:ce00:8::2/126 (msee2)

# lab_ms_links: the two Microsoft peering links of the picture above.
lab_ms_links()
{
	lab_link "$LAB_PREFIX-ce" eth0.557 45.60.1.1/30 "$LAB_PREFIX-msee1" eth0.557 45.60.1.2/30 &&
		lab_link "$LAB_PREFIX-ce" eth1.557 45.60.2.1/30 "$LAB_PREFIX-msee2" eth1.557 45.60.2.2/30
}

# lab_ms_links6: the Microsoft peering's IPv6 /126s of the picture above,
# on the links lab_ms_links made (no DAD, kept while a link is down).
lab_ms_links6()
{
	local r ifname leg
	for leg in 1 2; do
		ifname=eth$((leg - 1)).557 r=msee$leg
		ip netns exec "$LAB_PREFIX-ce" sh -c \
			"echo 1 >/proc/sys/net/ipv6/conf/$ifname/keep_addr_on_down" 2>/dev/null
		ip netns exec "$LAB_PREFIX-$r" sh -c \
			"echo 1 >/proc/sys/net/ipv6/conf/$ifname/keep_addr_on_down" 2>/dev/null
		ip -n "$LAB_PREFIX-ce" -6 addr add "2a10:ce00:$((leg + 6))::1/126" dev "$ifname" \
			nodad || return 1
		ip -n "$LAB_PREFIX-$r" -6 addr add "2a10:ce00:$((leg + 6))::2/126" dev "$ifname" \
			nodad || return 1
	done
}

# _lab_ms_addrs ROUTER PEERING [ipv6]: "local peer" addresses of the
# session (IPv6: the /126s of lab_dualstack_addrs and lab_ms_links6).
_lab_ms_addrs()
{
	local leg
	case "$1" in
	msee1) leg=1 ;;
	msee2) leg=2 ;;
	*) return 1 ;;
	esac
	if [ "${3:-}" = ipv6 ]; then
		case "$2" in
		private) echo "2a10:ce00:$leg::2 2a10:ce00:$leg::1" ;;
		public) echo "2a10:ce00:$((leg + 2))::2 2a10:ce00:$((leg + 2))::1" ;;
		microsoft) echo "2a10:ce00:$((leg + 6))::2 2a10:ce00:$((leg + 6))::1" ;;
		*) return 1 ;;
		esac
		return 0
	fi
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
		printf 'protocol static %s {\n\t%s;\n' "$name" "${_LAB_MS_CHANNEL:-ipv4}"
		_lab_routes "$2"
		printf '}\n'
	} >>"$file"
}

# lab_ms_bird_static6 FILE "P..." [NAME]: the same for IPv6 prefixes,
# NAME static_microsoft6 by default (what "microsoft6" exports).
lab_ms_bird_static6()
{
	_LAB_MS_CHANNEL=ipv6 lab_ms_bird_static "$1" "$2" "${3:-static_microsoft6}"
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
#   --ipv6 on   the IPv6 session over the peering's /126s instead: named
#               cpriv6, cpub6 or microsoft6, exporting static_microsoft6
lab_ms_bird_session()
{
	local file=$1 router=$2 peering=$3 limit='' key='' name lip pip export=none
	local afi=ipv4 sfx=''
	shift 3
	while [ $# -gt 0 ]; do
		case "$1" in
		--limit) limit=$2 ;;
		--key) key=$2 ;;
		--ipv6)
			if [ "$2" = on ]; then afi=ipv6 sfx=6; else afi=ipv4 sfx=''; fi
			;;
		*)
			echo "lab_ms_bird_session: unknown option $1" >&2
			return 1
			;;
		esac
		shift 2
	done
	read -r lip pip <<<"$(_lab_ms_addrs "$router" "$peering" "$afi")" || return 1
	[ -n "$lip" ] || {
		echo "lab_ms_bird_session: unknown router or peering $router $peering" >&2
		return 1
	}
	case "$peering" in
	private) name=cpriv$sfx ;;
	public) name=cpub$sfx ;;
	microsoft)
		name=microsoft$sfx
		export="where proto = \"static_microsoft$sfx\""
		;;
	esac
	{
		printf 'protocol bgp %s {\n' "$name"
		printf '\tdescription "%s peering of %s, %s";\n' "$peering" "$router" "$afi"
		printf '\tlocal %s as %s;\n\tneighbor %s as %s;\n\tdirect;\n' \
			"$lip" "$LAB_PROVIDER_AS" "$pip" "$LAB_CUSTOMER_AS"
		[ -n "$key" ] && [ "$key" != none ] && printf '\tpassword "%s";\n' "$key"
		printf '\thold time %s;\n\tkeepalive time %s;\n' "$LAB_HOLD" "$LAB_KEEPALIVE"
		printf '\tconnect delay time 1;\n\tconnect retry time 2;\n'
		printf '\terror wait time 1, 4;\n\terror forget time 10;\n'
		printf '\t%s {\n\t\timport all;\n\t\timport keep filtered on;\n' "$afi"
		[ -n "$limit" ] && printf '\t\treceive limit %s action disable;\n' "$limit"
		printf '\t\texport %s;\n\t};\n}\n' "$export"
	} >>"$file"
}
