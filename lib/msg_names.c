/*
 * msg_names: string tables for logs and `show` output. One table per enum,
 * indexed by the wire value; a hole or an out-of-range value is "unknown".
 */
#include "compiler.h"
#include "msg.h"

#define NAME(tab, v) ((size_t)(v) < ARRAY_SIZE(tab) && (tab)[v] ? (tab)[v] : "unknown")

static const char *const type_names[] = {
        [MSG_OPEN] = "OPEN",
        [MSG_UPDATE] = "UPDATE",
        [MSG_NOTIFICATION] = "NOTIFICATION",
        [MSG_KEEPALIVE] = "KEEPALIVE",
        [MSG_ROUTE_REFRESH] = "ROUTE-REFRESH",
};

const char *
msg_type_name(uint8_t type)
{
	return NAME(type_names, type);
}

static const char *const code_names[] = {
        [ERR_HEADER] = "Message Header Error",
        [ERR_OPEN] = "OPEN Message Error",
        [ERR_UPDATE] = "UPDATE Message Error",
        [ERR_HOLD_TIMER] = "Hold Timer Expired",
        [ERR_FSM] = "Finite State Machine Error",
        [ERR_CEASE] = "Cease",
        [ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
        [ERR_SEND_HOLD_TIMER] = "Send Hold Timer Expired",
};

const char *
msg_err_code_name(uint8_t code)
{
	return NAME(code_names, code);
}

static const char *const header_sub[] = {
        [0] = "Unspecific",
        [ERR_HDR_NOT_SYNC] = "Connection Not Synchronized",
        [ERR_HDR_BAD_LENGTH] = "Bad Message Length",
        [ERR_HDR_BAD_TYPE] = "Bad Message Type",
};

static const char *const open_sub[] = {
        [0] = "Unspecific",
        [ERR_OPEN_UNSUPPORTED_VERSION] = "Unsupported Version Number",
        [ERR_OPEN_BAD_PEER_AS] = "Bad Peer AS",
        [ERR_OPEN_BAD_BGP_ID] = "Bad BGP Identifier",
        [ERR_OPEN_UNSUPPORTED_OPT_PARAM] = "Unsupported Optional Parameter",
        [5] = "Authentication Failure (deprecated)",
        [ERR_OPEN_UNACCEPTABLE_HOLD] = "Unacceptable Hold Time",
        [ERR_OPEN_UNSUPPORTED_CAPABILITY] = "Unsupported Capability",
        [ERR_OPEN_ROLE_MISMATCH] = "Role Mismatch",
};

static const char *const update_sub[] = {
        [0] = "Unspecific",
        [ERR_UPD_MALFORMED_ATTR_LIST] = "Malformed Attribute List",
        [ERR_UPD_UNRECOGNIZED_WELLKNOWN] = "Unrecognized Well-known Attribute",
        [ERR_UPD_MISSING_WELLKNOWN] = "Missing Well-known Attribute",
        [ERR_UPD_ATTR_FLAGS] = "Attribute Flags Error",
        [ERR_UPD_ATTR_LENGTH] = "Attribute Length Error",
        [ERR_UPD_INVALID_ORIGIN] = "Invalid ORIGIN Attribute",
        [7] = "AS Routing Loop (deprecated)",
        [ERR_UPD_INVALID_NEXT_HOP] = "Invalid NEXT_HOP Attribute",
        [ERR_UPD_OPTIONAL_ATTR] = "Optional Attribute Error",
        [ERR_UPD_INVALID_NETWORK] = "Invalid Network Field",
        [ERR_UPD_MALFORMED_AS_PATH] = "Malformed AS_PATH",
};

static const char *const fsm_sub[] = {
        [ERR_FSM_UNSPECIFIED] = "Unspecified Error",
        [ERR_FSM_OPENSENT] = "Unexpected Message in OpenSent State",
        [ERR_FSM_OPENCONFIRM] = "Unexpected Message in OpenConfirm State",
        [ERR_FSM_ESTABLISHED] = "Unexpected Message in Established State",
};

static const char *const cease_sub[] = {
        [0] = "Unspecific",
        [ERR_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
        [ERR_CEASE_ADMIN_SHUTDOWN] = "Administrative Shutdown",
        [ERR_CEASE_PEER_DECONFIGURED] = "Peer De-configured",
        [ERR_CEASE_ADMIN_RESET] = "Administrative Reset",
        [ERR_CEASE_CONNECTION_REJECTED] = "Connection Rejected",
        [ERR_CEASE_CONFIG_CHANGE] = "Other Configuration Change",
        [ERR_CEASE_COLLISION] = "Connection Collision Resolution",
        [ERR_CEASE_OUT_OF_RESOURCES] = "Out of Resources",
        [ERR_CEASE_HARD_RESET] = "Hard Reset",
        [ERR_CEASE_BFD_DOWN] = "BFD Down",
};

static const char *const rr_sub[] = {
        [0] = "Reserved",
        [ERR_RR_INVALID_LENGTH] = "Invalid Message Length",
};

static const char *const unspecific_sub[] = {
        [0] = "Unspecific",
};

const char *
msg_err_subcode_name(uint8_t code, uint8_t subcode)
{
	switch (code) {
	case ERR_HEADER:
		return NAME(header_sub, subcode);
	case ERR_OPEN:
		return NAME(open_sub, subcode);
	case ERR_UPDATE:
		return NAME(update_sub, subcode);
	case ERR_FSM:
		return NAME(fsm_sub, subcode);
	case ERR_CEASE:
		return NAME(cease_sub, subcode);
	case ERR_ROUTE_REFRESH:
		return NAME(rr_sub, subcode);
	default:
		return NAME(unspecific_sub, subcode);
	}
}

static const char *const cap_names[] = {
        [CAP_MP] = "multiprotocol",
        [CAP_ROUTE_REFRESH] = "route refresh",
        [CAP_EXT_NEXTHOP] = "extended next hop",
        [CAP_EXT_MESSAGE] = "extended message",
        [CAP_ROLE] = "BGP role",
        [CAP_GRACEFUL_RESTART] = "graceful restart",
        [CAP_AS4] = "4-octet AS number",
        [CAP_ADD_PATH] = "ADD-PATH",
        [CAP_ENHANCED_RR] = "enhanced route refresh",
        [CAP_LLGR] = "long-lived graceful restart",
        [CAP_FQDN] = "FQDN",
        [CAP_ROUTE_REFRESH_OLD] = "route refresh (old)",
};

const char *
msg_cap_name(uint8_t code)
{
	return NAME(cap_names, code);
}

static const char *const attr_names[] = {
        [ATTR_ORIGIN] = "ORIGIN",
        [ATTR_AS_PATH] = "AS_PATH",
        [ATTR_NEXT_HOP] = "NEXT_HOP",
        [ATTR_MED] = "MULTI_EXIT_DISC",
        [ATTR_LOCAL_PREF] = "LOCAL_PREF",
        [ATTR_ATOMIC_AGGREGATE] = "ATOMIC_AGGREGATE",
        [ATTR_AGGREGATOR] = "AGGREGATOR",
        [ATTR_COMMUNITIES] = "COMMUNITIES",
        [9] = "ORIGINATOR_ID",
        [10] = "CLUSTER_LIST",
        [ATTR_MP_REACH_NLRI] = "MP_REACH_NLRI",
        [ATTR_MP_UNREACH_NLRI] = "MP_UNREACH_NLRI",
        [ATTR_EXT_COMMUNITIES] = "EXTENDED_COMMUNITIES",
        [ATTR_AS4_PATH] = "AS4_PATH",
        [ATTR_AS4_AGGREGATOR] = "AS4_AGGREGATOR",
        [ATTR_LARGE_COMMUNITIES] = "LARGE_COMMUNITY",
        [35] = "OTC",
};

const char *
msg_attr_name(uint8_t type)
{
	return NAME(attr_names, type);
}

static const char *const action_names[] = {
        [MSG_ACT_NONE] = "none",
        [MSG_ACT_ATTR_DISCARD] = "attribute discard",
        [MSG_ACT_TREAT_AS_WITHDRAW] = "treat-as-withdraw",
        [MSG_ACT_AFISAFI_DISABLE] = "AFI/SAFI disable",
        [MSG_ACT_SESSION_RESET] = "session reset",
};

const char *
msg_action_name(enum msg_action a)
{
	return NAME(action_names, a);
}

static const char *const afi_names[] = {
        [AFI_IP] = "IPv4",
        [AFI_IP6] = "IPv6",
};

const char *
msg_afi_name(uint16_t afi)
{
	return NAME(afi_names, afi);
}

static const char *const rr_names[] = {
        [RR_NORMAL] = "request",
        [RR_BORR] = "BoRR",
        [RR_EORR] = "EoRR",
};

const char *
msg_rr_subtype_name(uint8_t subtype)
{
	return NAME(rr_names, subtype);
}
