/*
 * rtnl: rtnetlink messages built into, and parsed from, caller buffers.
 *
 * Pure: no socket here (bgpd/kernel.c and bgpd/ifmon.c send and receive).
 * Builders use libmnl's nlmsg/attr helpers, each bounds-checked against the
 * capacity given, and return the message length, or 0 when the message does not fit
 * or the input is invalid (nothing useful is left in the buffer then).
 * Parsers walk the kernel's bytes through lib/buf.h views, so a truncated
 * or lying length can never read past a message or an attribute.
 *
 * Netlink is host byte order except addresses, which stay as on the wire.
 */
#ifndef CEBGP_RTNL_H
#define CEBGP_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "prefix.h"

#define RTNL_IFNAMSIZ 16 /* IFNAMSIZ, NUL included */

struct rtnl_nexthop {
	struct addr gw;   /* afi 0: no gateway (device route) */
	unsigned ifindex; /* 0: no RTA_OIF */
};

struct rtnl_route {
	struct prefix dst;
	uint32_t table;   /* full id: <= 255 goes in rtm_table, larger in RTA_TABLE */
	uint8_t protocol; /* rtm_protocol */
	uint8_t type;     /* RTN_UNICAST, RTN_BLACKHOLE, ... */
	uint8_t scope;    /* parsed only; builders pick it */
	uint32_t metric;  /* RTA_PRIORITY; 0 leaves it out */
	uint32_t nhid;    /* RTA_NH_ID: a kernel nexthop object (then n is 0 to build) */
	size_t n;         /* next hops: 1 plain, > 1 RTA_MULTIPATH */
	const struct rtnl_nexthop *nh;
};

/*
 * RTM_NEWROUTE with NLM_F_REQUEST|NLM_F_CREATE|NLM_F_REPLACE plus extra_flags
 * (NLM_F_ACK, say): one message replaces whatever the kernel had for the
 * same (table, prefix, metric), so ECMP -> single next hop never passes
 * through "no route". For IPv6 this holds for a multipath route as a
 * whole: the kernel keeps it as sibling entries, and a replace swaps the
 * whole sibling set. A blackhole takes no next hop; a route with nhid
 * takes no next hop either (the nexthop object holds them).
 */
size_t rtnl_route_new(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags,
                      const struct rtnl_route *r);
/* RTM_DELROUTE for (table, prefix, protocol, metric); next hops are not sent. */
size_t rtnl_route_del(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags,
                      const struct rtnl_route *r);
/*
 * Dump requests. With NETLINK_GET_STRICT_CHK on the socket the kernel
 * filters a route dump by table and protocol itself (0 = any); without
 * it the receiver must filter. afi 0 asks for every family.
 */
size_t rtnl_route_dump(void *buf, size_t cap, uint32_t seq, uint8_t afi, uint32_t table,
                       uint8_t protocol);
size_t rtnl_link_dump(void *buf, size_t cap, uint32_t seq);
size_t rtnl_addr_dump(void *buf, size_t cap, uint32_t seq, uint8_t afi);

/*
 * RTM_NEWLINK creating an 802.1Q sub-interface: IFLA_IFNAME name, IFLA_LINK
 * parent, IFLA_LINKINFO { IFLA_INFO_KIND "vlan", IFLA_INFO_DATA {
 * IFLA_VLAN_ID vlan } }, flags NLM_F_REQUEST|ACK|CREATE|EXCL; up sets
 * IFF_UP at creation.
 */
size_t rtnl_vlan_new(void *buf, size_t cap, uint32_t seq, const char *name, unsigned parent,
                     uint16_t vlan, bool up);
/* A veth pair name <-> peer (what the tests use in place of VLANs). */
size_t rtnl_veth_new(void *buf, size_t cap, uint32_t seq, const char *name, const char *peer);
/* Set IFF_UP on or off. */
size_t rtnl_link_set_up(void *buf, size_t cap, uint32_t seq, unsigned ifindex, bool up);
/* RTM_NEWADDR (CREATE|EXCL) / RTM_DELADDR: IFA_LOCAL and IFA_ADDRESS = a. */
size_t rtnl_addr_new(void *buf, size_t cap, uint32_t seq, unsigned ifindex, const struct addr *a,
                     unsigned plen);
size_t rtnl_addr_del(void *buf, size_t cap, uint32_t seq, unsigned ifindex, const struct addr *a,
                     unsigned plen);

/* One message of a received datagram. */
struct rtnl_msg {
	uint16_t type; /* RTM_*, NLMSG_ERROR, NLMSG_DONE */
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
	struct rbuf body; /* the payload after struct nlmsghdr */
};
/*
 * Next message of a datagram: 1 with *m filled, 0 at the end, -1 when the
 * framing is broken (the rest of the datagram is then useless).
 */
int rtnl_next(struct rbuf *dgram, struct rtnl_msg *m);

/* NLMSG_ERROR (an ACK when err == 0) and the end of a dump. */
struct rtnl_error {
	int err;           /* positive errno; 0 is an ACK */
	uint32_t seq;      /* of the request it answers */
	uint16_t req_type; /* of the request (RTM_NEWROUTE, ...) */
	char msg[128];     /* NETLINK_EXT_ACK's NLMSGERR_ATTR_MSG, "" if none */
};
bool rtnl_parse_error(const struct rtnl_msg *m, struct rtnl_error *e);
/* NLMSG_DONE carries the dump's final error (0, or -EINTR style). */
bool rtnl_parse_done(const struct rtnl_msg *m, int *err);

struct rtnl_link {
	unsigned ifindex;
	unsigned flags;  /* IFF_* */
	unsigned parent; /* IFLA_LINK, 0 if none */
	bool deleted;    /* RTM_DELLINK */
	char name[RTNL_IFNAMSIZ];
	char kind[RTNL_IFNAMSIZ]; /* IFLA_INFO_KIND ("vlan", "veth"), "" if none */
};
bool rtnl_parse_link(const struct rtnl_msg *m, struct rtnl_link *l);
/* Up for routing: administratively up and carrier present. */
bool rtnl_link_is_up(const struct rtnl_link *l);

struct rtnl_addr {
	unsigned ifindex;
	unsigned plen;
	unsigned flags; /* IFA_F_*, IFA_FLAGS included */
	bool deleted;   /* RTM_DELADDR */
	struct addr addr;
};
bool rtnl_parse_addr(const struct rtnl_msg *m, struct rtnl_addr *a);
/* Usable: not tentative (DAD running) and not DAD-failed. */
bool rtnl_addr_is_usable(const struct rtnl_addr *a);

/*
 * A route message; up to max next hops land in nh[] and r->nh points there.
 * False when malformed, of another family, or with more than max next hops.
 * A gateway comes as RTA_GATEWAY (the route's family) or RTA_VIA (any
 * family: an IPv4 route over an IPv6 next hop), inside RTA_MULTIPATH or
 * not. A route over a nexthop object has r->nhid set; the kernel then adds
 * the object's next hops too unless nexthop_compat_mode is 0.
 */
bool rtnl_parse_route(const struct rtnl_msg *m, struct rtnl_route *r, struct rtnl_nexthop *nh,
                      size_t max, bool *deleted);

/*
 * Kernel nexthop objects (Linux 5.3): a next hop (a gateway and an
 * interface) or a group of them, each with an id; a route points at one
 * with RTA_NH_ID. Replacing a group changes the next hops of every route
 * over it in one message. The kernel itself removes a next hop whose link
 * goes down (and a group left empty, with the routes over it).
 */
#define RTNL_NH_GROUP_MAX 16

struct rtnl_nh {
	uint32_t id;
	uint8_t protocol; /* nh_protocol: whose object it is */
	uint8_t afi;      /* of the gateway; 0 for a group */
	bool blackhole;   /* NHA_BLACKHOLE (parsed only) */
	struct addr gw;   /* afi 0: none */
	unsigned ifindex;
	size_t ngroup; /* > 0: a group of these member ids, weight 1 each */
	uint32_t group[RTNL_NH_GROUP_MAX];
};
/* RTM_NEWNEXTHOP with NLM_F_REQUEST|NLM_F_CREATE|NLM_F_REPLACE plus extra_flags. */
size_t rtnl_nh_new(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags,
                   const struct rtnl_nh *nh);
/* RTM_DELNEXTHOP for an id (a group, or a next hop: then its groups lose it). */
size_t rtnl_nh_del(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags, uint32_t id);
/* RTM_GETNEXTHOP dump of every nexthop object (every family). */
size_t rtnl_nh_dump(void *buf, size_t cap, uint32_t seq);
/* RTM_NEWNEXTHOP / RTM_DELNEXTHOP; false when malformed. */
bool rtnl_parse_nh(const struct rtnl_msg *m, struct rtnl_nh *nh, bool *deleted);

#endif
