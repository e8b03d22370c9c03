/*
 * rtnl: rtnetlink message builders and parsers (see rtnl.h).
 *
 * Message layout (rtnetlink(7)): struct nlmsghdr, a family header
 * (struct rtmsg, ifinfomsg or ifaddrmsg), then type-length-value
 * attributes, each padded to 4 bytes:
 *
 *   +----------+---------+------------------+------------------+--
 *   | nlmsghdr | rtmsg   | len|type| value  | len|type| value  | ...
 *   | 16 bytes | 12 bytes| 2   2   pad4     |                  |
 *   +----------+---------+------------------+------------------+--
 */
#include <string.h>

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "rtnl.h"

#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

static int
afi_family(uint8_t afi)
{
	return afi == AFI_IP ? AF_INET : afi == AFI_IP6 ? AF_INET6 : -1;
}

static uint8_t
family_afi(int family)
{
	return family == AF_INET ? AFI_IP : family == AF_INET6 ? AFI_IP6 : 0;
}

/* A header and a family header, or NULL when cap cannot hold them. */
static struct nlmsghdr *
msg_start(void *buf, size_t cap, uint16_t type, uint16_t flags, uint32_t seq, size_t extra,
          void **fam)
{
	struct nlmsghdr *nlh;

	if (cap < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	*fam = mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

/*
 * An attribute with its padding zeroed (older libmnl leaves it as it was):
 * every byte we send is defined, and the unit tests can compare bytes.
 */
static bool
put(struct nlmsghdr *nlh, size_t cap, uint16_t type, size_t len, const void *data)
{
	size_t at = nlh->nlmsg_len;

	if (!mnl_attr_put_check(nlh, cap, type, len, data))
		return false;
	memset((uint8_t *)nlh + at + MNL_ATTR_HDRLEN + len, 0, MNL_ALIGN(len) - len);
	return true;
}

static bool
put_u16(struct nlmsghdr *nlh, size_t cap, uint16_t type, uint16_t v)
{
	return put(nlh, cap, type, sizeof(v), &v);
}

static bool
put_u32(struct nlmsghdr *nlh, size_t cap, uint16_t type, uint32_t v)
{
	return put(nlh, cap, type, sizeof(v), &v);
}

static bool
put_strz(struct nlmsghdr *nlh, size_t cap, uint16_t type, const char *s)
{
	return put(nlh, cap, type, strlen(s) + 1, s);
}

/* Raw bytes (a struct rtnexthop) appended inside a nest, bounds-checked. */
static void *
put_raw(struct nlmsghdr *nlh, size_t cap, size_t len)
{
	if (nlh->nlmsg_len + MNL_ALIGN(len) > cap)
		return NULL;
	return mnl_nlmsg_put_extra_header(nlh, len);
}

static bool
put_addr(struct nlmsghdr *nlh, size_t cap, uint16_t type, const struct addr *a)
{
	return put(nlh, cap, type, afi_bytes(a->afi), a->bytes);
}

/* rtmsg and the attributes shared by add and delete. */
static struct nlmsghdr *
route_start(void *buf, size_t cap, uint16_t type, uint16_t flags, uint32_t seq,
            const struct rtnl_route *r, uint8_t rtm_type, uint8_t scope)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int family = afi_family(r->dst.afi);

	if (family < 0 || r->dst.len > afi_bits(r->dst.afi))
		return NULL;
	nlh = msg_start(buf, cap, type, flags, seq, sizeof(*rtm), (void **)&rtm);
	if (nlh == NULL)
		return NULL;
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = scope;
	rtm->rtm_type = rtm_type;
	if (!put(nlh, cap, RTA_DST, afi_bytes(r->dst.afi), r->dst.bytes))
		return NULL;
	if (r->metric != 0 && !put_u32(nlh, cap, RTA_PRIORITY, r->metric))
		return NULL;
	if (r->table >= 256 && !put_u32(nlh, cap, RTA_TABLE, r->table))
		return NULL;
	return nlh;
}

/*
 * RTA_MULTIPATH: a list of struct rtnexthop, each followed by its own
 * attributes (RTA_GATEWAY) and carrying its length in rtnh_len.
 */
static bool
put_multipath(struct nlmsghdr *nlh, size_t cap, const struct rtnl_route *r)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, cap, RTA_MULTIPATH);

	if (nest == NULL)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		const struct rtnl_nexthop *nh = &r->nh[i];
		size_t at = nlh->nlmsg_len;
		struct rtnexthop *rtnh = put_raw(nlh, cap, sizeof(*rtnh));

		if (rtnh == NULL)
			return false;
		rtnh->rtnh_ifindex = (int)nh->ifindex;
		if (nh->gw.afi != 0 && !put_addr(nlh, cap, RTA_GATEWAY, &nh->gw))
			return false;
		/* put_addr may not move the buffer: rtnh is still valid. */
		rtnh->rtnh_len = (unsigned short)(nlh->nlmsg_len - at);
	}
	mnl_attr_nest_end(nlh, nest);
	/* An array of structs, not of attributes: no NLA_F_NESTED (as iproute2). */
	nest->nla_type = RTA_MULTIPATH;
	return true;
}

static bool
nexthops_valid(const struct rtnl_route *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->nh[i].gw.afi != 0 && r->nh[i].gw.afi != r->dst.afi)
			return false;
		if (r->nh[i].gw.afi == 0 && r->nh[i].ifindex == 0)
			return false;
	}
	return true;
}

size_t
rtnl_route_new(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags,
               const struct rtnl_route *r)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | extra_flags;
	bool blackhole = r->type == RTN_BLACKHOLE;
	struct nlmsghdr *nlh;

	if (blackhole ? r->n != 0 || r->nhid != 0
	              : (r->nhid != 0 ? r->n != 0 : (r->n == 0 || !nexthops_valid(r))))
		return 0;
	/*
	 * Scope: universe for a gateway route; link for a route straight out
	 * of an interface, as the kernel itself gives connected routes.
	 */
	uint8_t scope = RT_SCOPE_UNIVERSE;
	if (r->n == 1 && r->nh[0].gw.afi == 0)
		scope = RT_SCOPE_LINK;
	nlh = route_start(buf, cap, RTM_NEWROUTE, flags, seq, r, r->type, scope);
	if (nlh == NULL)
		return 0;
	if (r->nhid != 0) {
		if (!put_u32(nlh, cap, RTA_NH_ID, r->nhid))
			return 0;
	} else if (r->n == 1) {
		const struct rtnl_nexthop *nh = &r->nh[0];

		if (nh->gw.afi != 0 && !put_addr(nlh, cap, RTA_GATEWAY, &nh->gw))
			return 0;
		if (nh->ifindex != 0 && !put_u32(nlh, cap, RTA_OIF, nh->ifindex))
			return 0;
	} else if (r->n > 1 && !put_multipath(nlh, cap, r)) {
		return 0;
	}
	return nlh->nlmsg_len;
}

size_t
rtnl_route_del(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags,
               const struct rtnl_route *r)
{
	/* Scope NOWHERE and type UNSPEC match any scope and type (blackhole too). */
	struct nlmsghdr *nlh = route_start(buf, cap, RTM_DELROUTE, NLM_F_REQUEST | extra_flags, seq,
	                                   r, RTN_UNSPEC, RT_SCOPE_NOWHERE);

	return nlh ? nlh->nlmsg_len : 0;
}

size_t
rtnl_route_dump(void *buf, size_t cap, uint32_t seq, uint8_t afi, uint32_t table, uint8_t protocol)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = msg_start(buf, cap, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq, sizeof(*rtm),
	                (void **)&rtm);
	if (nlh == NULL)
		return 0;
	rtm->rtm_family = afi ? (uint8_t)afi_family(afi) : AF_UNSPEC;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = protocol;
	if (table >= 256 && !put_u32(nlh, cap, RTA_TABLE, table))
		return 0;
	return nlh->nlmsg_len;
}

size_t
rtnl_link_dump(void *buf, size_t cap, uint32_t seq)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = msg_start(buf, cap, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq,
	                                 sizeof(*ifi), (void **)&ifi);

	if (nlh == NULL)
		return 0;
	ifi->ifi_family = AF_UNSPEC;
	return nlh->nlmsg_len;
}

size_t
rtnl_addr_dump(void *buf, size_t cap, uint32_t seq, uint8_t afi)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = msg_start(buf, cap, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq,
	                                 sizeof(*ifa), (void **)&ifa);

	if (nlh == NULL)
		return 0;
	ifa->ifa_family = afi ? (uint8_t)afi_family(afi) : AF_UNSPEC;
	return nlh->nlmsg_len;
}

static bool
name_ok(const char *name)
{
	size_t n = name ? strnlen(name, RTNL_IFNAMSIZ) : 0;

	return n > 0 && n < RTNL_IFNAMSIZ;
}

/* RTM_NEWLINK creating an interface: the header and IFLA_IFNAME. */
static struct nlmsghdr *
newlink_start(void *buf, size_t cap, uint32_t seq, const char *name, bool up)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (!name_ok(name))
		return NULL;
	nlh = msg_start(buf, cap, RTM_NEWLINK, flags, seq, sizeof(*ifi), (void **)&ifi);
	if (nlh == NULL)
		return NULL;
	ifi->ifi_family = AF_UNSPEC;
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (!put_strz(nlh, cap, IFLA_IFNAME, name))
		return NULL;
	return nlh;
}

size_t
rtnl_vlan_new(void *buf, size_t cap, uint32_t seq, const char *name, unsigned parent, uint16_t vlan,
              bool up)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	/* 802.1Q: VLAN ids 0 and 4095 are reserved. */
	if (parent == 0 || vlan == 0 || vlan >= 4095)
		return 0;
	nlh = newlink_start(buf, cap, seq, name, up);
	if (nlh == NULL || !put_u32(nlh, cap, IFLA_LINK, parent))
		return 0;
	if ((info = mnl_attr_nest_start_check(nlh, cap, IFLA_LINKINFO)) == NULL ||
	    !put_strz(nlh, cap, IFLA_INFO_KIND, "vlan") ||
	    (data = mnl_attr_nest_start_check(nlh, cap, IFLA_INFO_DATA)) == NULL ||
	    !put_u16(nlh, cap, IFLA_VLAN_ID, vlan))
		return 0;
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh->nlmsg_len;
}

size_t
rtnl_veth_new(void *buf, size_t cap, uint32_t seq, const char *name, const char *peer)
{
	struct nlattr *info, *data, *peer_nest;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (!name_ok(peer))
		return 0;
	nlh = newlink_start(buf, cap, seq, name, false);
	if (nlh == NULL)
		return 0;
	if ((info = mnl_attr_nest_start_check(nlh, cap, IFLA_LINKINFO)) == NULL ||
	    !put_strz(nlh, cap, IFLA_INFO_KIND, "veth") ||
	    (data = mnl_attr_nest_start_check(nlh, cap, IFLA_INFO_DATA)) == NULL ||
	    (peer_nest = mnl_attr_nest_start_check(nlh, cap, VETH_INFO_PEER)) == NULL ||
	    (ifi = put_raw(nlh, cap, sizeof(*ifi))) == NULL)
		return 0;
	ifi->ifi_family = AF_UNSPEC;
	if (!put_strz(nlh, cap, IFLA_IFNAME, peer))
		return 0;
	mnl_attr_nest_end(nlh, peer_nest);
	peer_nest->nla_type = VETH_INFO_PEER; /* a struct, then attributes */
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh->nlmsg_len;
}

size_t
rtnl_link_set_up(void *buf, size_t cap, uint32_t seq, unsigned ifindex, bool up)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (ifindex == 0)
		return 0;
	nlh = msg_start(buf, cap, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, sizeof(*ifi),
	                (void **)&ifi);
	if (nlh == NULL)
		return 0;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nlh->nlmsg_len;
}

static size_t
addr_msg(void *buf, size_t cap, uint16_t type, uint16_t flags, uint32_t seq, unsigned ifindex,
         const struct addr *a, unsigned plen)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	int family = afi_family(a->afi);

	if (family < 0 || ifindex == 0 || plen > afi_bits(a->afi))
		return 0;
	nlh = msg_start(buf, cap, type, flags, seq, sizeof(*ifa), (void **)&ifa);
	if (nlh == NULL)
		return 0;
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer's on
	 * point-to-point links, the same on broadcast ones (rtnetlink(7)). */
	if (!put_addr(nlh, cap, IFA_LOCAL, a) || !put_addr(nlh, cap, IFA_ADDRESS, a))
		return 0;
	return nlh->nlmsg_len;
}

size_t
rtnl_addr_new(void *buf, size_t cap, uint32_t seq, unsigned ifindex, const struct addr *a,
              unsigned plen)
{
	return addr_msg(buf, cap, RTM_NEWADDR,
	                NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, ifindex, a,
	                plen);
}

size_t
rtnl_addr_del(void *buf, size_t cap, uint32_t seq, unsigned ifindex, const struct addr *a,
              unsigned plen)
{
	return addr_msg(buf, cap, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq, ifindex, a, plen);
}

/* ---- parsing ---- */

/* Host-order integers: netlink is not network order. */
static uint16_t
rd16(struct rbuf *r)
{
	uint16_t v = 0;

	rbuf_bytes(r, &v, sizeof(v));
	return v;
}

static uint32_t
rd32(struct rbuf *r)
{
	uint32_t v = 0;

	rbuf_bytes(r, &v, sizeof(v));
	return v;
}

static void
skip_pad(struct rbuf *r, size_t len)
{
	size_t pad = MNL_ALIGN(len) - len;

	rbuf_skip(r, MIN_SZ(pad, rbuf_left(r)));
}

int
rtnl_next(struct rbuf *dgram, struct rtnl_msg *m)
{
	uint32_t len;

	if (rbuf_left(dgram) == 0)
		return 0;
	len = rd32(dgram);
	if (!rbuf_ok(dgram) || len < MNL_NLMSG_HDRLEN || len - 4 > rbuf_left(dgram))
		return -1;
	m->type = rd16(dgram);
	m->flags = rd16(dgram);
	m->seq = rd32(dgram);
	m->pid = rd32(dgram);
	if (!rbuf_sub(dgram, &m->body, len - MNL_NLMSG_HDRLEN))
		return -1;
	skip_pad(dgram, len);
	return 1;
}

/*
 * Next attribute of a list: its type (flags stripped) and a view of its
 * value. False at the end or on a broken length (then *bad is set).
 */
static bool
attr_next(struct rbuf *r, uint16_t *type, struct rbuf *val, bool *bad)
{
	uint16_t len;

	if (rbuf_left(r) < 4)
		return false;
	len = rd16(r);
	*type = rd16(r) & NLA_TYPE_MASK;
	if (len < 4 || !rbuf_sub(r, val, len - 4u)) {
		*bad = true;
		return false;
	}
	skip_pad(r, len);
	return true;
}

static bool
get_addr(struct rbuf *v, uint8_t afi, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (rbuf_left(v) != afi_bytes(afi))
		return false;
	a->afi = afi;
	return rbuf_bytes(v, a->bytes, afi_bytes(afi));
}

static void
get_str(struct rbuf *v, char *dst, size_t size)
{
	size_t n = strnlen((const char *)rbuf_ptr(v), rbuf_left(v));

	if (n >= size)
		n = size - 1;
	memcpy(dst, rbuf_ptr(v), n);
	dst[n] = '\0';
}

bool
rtnl_parse_error(const struct rtnl_msg *m, struct rtnl_error *e)
{
	struct rbuf r = m->body, orig, attrs, v;
	bool bad = false;
	uint16_t t;
	int32_t err;

	memset(e, 0, sizeof(*e));
	if (m->type != NLMSG_ERROR)
		return false;
	err = (int32_t)rd32(&r);
	/* The request's header follows: all of the request without NETLINK_CAP_ACK. */
	if (!rbuf_sub(&r, &orig, MIN_SZ(rbuf_left(&r), MNL_NLMSG_HDRLEN)) ||
	    rbuf_left(&orig) < MNL_NLMSG_HDRLEN)
		return false;
	uint32_t olen = rd32(&orig);
	e->req_type = rd16(&orig);
	rd16(&orig);
	e->seq = rd32(&orig);
	e->err = err < 0 ? -err : err;
	if (!(m->flags & NLM_F_CAPPED) && olen > MNL_NLMSG_HDRLEN)
		rbuf_skip(&r, MIN_SZ(MNL_ALIGN(olen) - MNL_NLMSG_HDRLEN, rbuf_left(&r)));
	if (!(m->flags & NLM_F_ACK_TLVS))
		return true;
	attrs = r;
	while (attr_next(&attrs, &t, &v, &bad))
		if (t == NLMSGERR_ATTR_MSG)
			get_str(&v, e->msg, sizeof(e->msg));
	return true;
}

bool
rtnl_parse_done(const struct rtnl_msg *m, int *err)
{
	struct rbuf r = m->body;

	if (m->type != NLMSG_DONE)
		return false;
	*err = 0;
	if (rbuf_left(&r) >= 4) {
		int32_t e = (int32_t)rd32(&r);
		*err = e < 0 ? -e : e;
	}
	return true;
}

static void
parse_linkinfo(struct rbuf *v, struct rtnl_link *l, bool *bad)
{
	struct rbuf iv;
	uint16_t t;

	while (attr_next(v, &t, &iv, bad))
		if (t == IFLA_INFO_KIND)
			get_str(&iv, l->kind, sizeof(l->kind));
}

bool
rtnl_parse_link(const struct rtnl_msg *m, struct rtnl_link *l)
{
	struct rbuf r = m->body, v;
	bool bad = false;
	uint16_t t;

	memset(l, 0, sizeof(*l));
	if (m->type != RTM_NEWLINK && m->type != RTM_DELLINK)
		return false;
	if (!rbuf_skip(&r, 4)) /* family, pad, type */
		return false;
	int32_t index = (int32_t)rd32(&r);
	l->flags = rd32(&r);
	rd32(&r); /* change mask */
	if (!rbuf_ok(&r) || index <= 0)
		return false;
	l->ifindex = (unsigned)index;
	l->deleted = m->type == RTM_DELLINK;
	while (attr_next(&r, &t, &v, &bad)) {
		switch (t) {
		case IFLA_IFNAME:
			get_str(&v, l->name, sizeof(l->name));
			break;
		case IFLA_LINK:
			l->parent = rd32(&v);
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(&v, l, &bad);
			break;
		default:
			break;
		}
	}
	return !bad && l->name[0] != '\0';
}

bool
rtnl_link_is_up(const struct rtnl_link *l)
{
	return !l->deleted && (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);
}

bool
rtnl_parse_addr(const struct rtnl_msg *m, struct rtnl_addr *a)
{
	struct rbuf r = m->body, v;
	struct addr local, address;
	bool bad = false, have_local = false, have_address = false;
	uint8_t afi;
	uint16_t t;

	memset(a, 0, sizeof(*a));
	if (m->type != RTM_NEWADDR && m->type != RTM_DELADDR)
		return false;
	afi = family_afi(rbuf_u8(&r));
	a->plen = rbuf_u8(&r);
	a->flags = rbuf_u8(&r);
	rbuf_u8(&r); /* scope */
	a->ifindex = rd32(&r);
	if (!rbuf_ok(&r) || afi == 0 || a->plen > afi_bits(afi) || a->ifindex == 0)
		return false;
	a->deleted = m->type == RTM_DELADDR;
	while (attr_next(&r, &t, &v, &bad)) {
		switch (t) {
		case IFA_LOCAL:
			have_local = get_addr(&v, afi, &local);
			break;
		case IFA_ADDRESS:
			have_address = get_addr(&v, afi, &address);
			break;
		case IFA_FLAGS: /* the full 32-bit flags; ifa_flags holds only 8 */
			a->flags = rd32(&v);
			break;
		default:
			break;
		}
	}
	/* IFA_LOCAL is ours where it differs (point-to-point); IPv6 sends only IFA_ADDRESS. */
	if (have_local)
		a->addr = local;
	else if (have_address)
		a->addr = address;
	else
		return false;
	return !bad;
}

bool
rtnl_addr_is_usable(const struct rtnl_addr *a)
{
	return !(a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
}

/*
 * RTA_VIA: struct rtvia, a 16-bit address family then the address; the
 * gateway may be of another family than the route (RFC 5549).
 */
static bool
get_via(struct rbuf *v, struct addr *a)
{
	uint8_t afi = family_afi(rd16(v));

	return rbuf_ok(v) && afi != 0 && get_addr(v, afi, a);
}

/* One next hop's attributes (after struct rtnexthop, or in the route itself). */
static bool
parse_multipath(struct rbuf *v, uint8_t afi, struct rtnl_nexthop *nh, size_t max, size_t *n)
{
	while (rbuf_left(v) > 0) {
		struct rbuf one, attrs, av;
		bool bad = false;
		uint16_t t;

		uint16_t len = rd16(v);
		rbuf_u8(v); /* flags */
		rbuf_u8(v); /* hops */
		int32_t ifindex = (int32_t)rd32(v);
		if (!rbuf_ok(v) || len < 8 || !rbuf_sub(v, &one, len - 8u))
			return false;
		skip_pad(v, len);
		if (*n >= max)
			return false;
		memset(&nh[*n], 0, sizeof(nh[*n]));
		nh[*n].ifindex = ifindex > 0 ? (unsigned)ifindex : 0;
		attrs = one;
		while (attr_next(&attrs, &t, &av, &bad)) {
			if (t == RTA_GATEWAY && !get_addr(&av, afi, &nh[*n].gw))
				return false;
			if (t == RTA_VIA && !get_via(&av, &nh[*n].gw))
				return false;
		}
		if (bad)
			return false;
		(*n)++;
	}
	return true;
}

bool
rtnl_parse_route(const struct rtnl_msg *m, struct rtnl_route *r, struct rtnl_nexthop *nh,
                 size_t max, bool *deleted)
{
	struct rbuf b = m->body, v;
	struct addr gw = {0};
	unsigned oif = 0;
	bool bad = false, have_dst = false, single = false;
	size_t n = 0;
	uint8_t afi;
	uint16_t t;

	memset(r, 0, sizeof(*r));
	if (m->type != RTM_NEWROUTE && m->type != RTM_DELROUTE)
		return false;
	afi = family_afi(rbuf_u8(&b));
	uint8_t dst_len = rbuf_u8(&b);
	rbuf_u8(&b); /* src_len */
	rbuf_u8(&b); /* tos */
	r->table = rbuf_u8(&b);
	r->protocol = rbuf_u8(&b);
	r->scope = rbuf_u8(&b);
	r->type = rbuf_u8(&b);
	rd32(&b); /* rtm_flags */
	if (!rbuf_ok(&b) || afi == 0 || dst_len > afi_bits(afi))
		return false;
	r->dst.afi = afi;
	r->dst.len = dst_len;
	*deleted = m->type == RTM_DELROUTE;
	while (attr_next(&b, &t, &v, &bad)) {
		switch (t) {
		case RTA_DST:
			if (rbuf_left(&v) != afi_bytes(afi) ||
			    !rbuf_bytes(&v, r->dst.bytes, afi_bytes(afi)))
				return false;
			have_dst = true;
			break;
		case RTA_TABLE:
			r->table = rd32(&v);
			break;
		case RTA_PRIORITY:
			r->metric = rd32(&v);
			break;
		case RTA_GATEWAY:
			if (!get_addr(&v, afi, &gw))
				return false;
			single = true;
			break;
		case RTA_VIA:
			if (!get_via(&v, &gw))
				return false;
			single = true;
			break;
		case RTA_OIF:
			oif = rd32(&v);
			single = true;
			break;
		case RTA_NH_ID:
			r->nhid = rd32(&v);
			if (!rbuf_ok(&v))
				return false;
			break;
		case RTA_MULTIPATH:
			if (!parse_multipath(&v, afi, nh, max, &n))
				return false;
			break;
		default:
			break;
		}
	}
	if (bad || (dst_len > 0 && !have_dst))
		return false;
	if (single && n == 0) {
		if (max == 0)
			return false;
		memset(&nh[0], 0, sizeof(nh[0]));
		nh[0].gw = gw;
		nh[0].ifindex = oif;
		n = 1;
	}
	r->n = n;
	r->nh = nh;
	return true;
}

/* ---- nexthop objects ---- */

size_t
rtnl_nh_new(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags, const struct rtnl_nh *nh)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | extra_flags;
	struct nexthop_grp grp[RTNL_NH_GROUP_MAX];
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;
	int family;

	if (nh->id == 0 || nh->ngroup > RTNL_NH_GROUP_MAX)
		return 0;
	/* A group is AF_UNSPEC; a next hop has its gateway's family and needs an interface. */
	family = nh->ngroup > 0 ? AF_UNSPEC : afi_family(nh->gw.afi);
	if (family < 0 || (nh->ngroup == 0 && nh->ifindex == 0))
		return 0;
	nlh = msg_start(buf, cap, RTM_NEWNEXTHOP, flags, seq, sizeof(*nhm), (void **)&nhm);
	if (nlh == NULL)
		return 0;
	nhm->nh_family = (uint8_t)family;
	nhm->nh_protocol = nh->protocol;
	if (!put_u32(nlh, cap, NHA_ID, nh->id))
		return 0;
	if (nh->ngroup > 0) {
		memset(grp, 0, sizeof(grp));
		for (size_t i = 0; i < nh->ngroup; i++) {
			if (nh->group[i] == 0)
				return 0;
			grp[i].id = nh->group[i];
		}
		if (!put(nlh, cap, NHA_GROUP, nh->ngroup * sizeof(grp[0]), grp))
			return 0;
		return nlh->nlmsg_len;
	}
	if (!put_u32(nlh, cap, NHA_OIF, nh->ifindex) || !put_addr(nlh, cap, NHA_GATEWAY, &nh->gw))
		return 0;
	return nlh->nlmsg_len;
}

size_t
rtnl_nh_del(void *buf, size_t cap, uint32_t seq, uint16_t extra_flags, uint32_t id)
{
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;

	if (id == 0)
		return 0;
	nlh = msg_start(buf, cap, RTM_DELNEXTHOP, NLM_F_REQUEST | extra_flags, seq, sizeof(*nhm),
	                (void **)&nhm);
	if (nlh == NULL || !put_u32(nlh, cap, NHA_ID, id))
		return 0;
	return nlh->nlmsg_len;
}

size_t
rtnl_nh_dump(void *buf, size_t cap, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;

	nlh = msg_start(buf, cap, RTM_GETNEXTHOP, NLM_F_REQUEST | NLM_F_DUMP, seq, sizeof(*nhm),
	                (void **)&nhm);
	return nlh ? nlh->nlmsg_len : 0;
}

static bool
parse_group(struct rbuf *v, struct rtnl_nh *nh)
{
	/* struct nexthop_grp: u32 id, u8 weight, u8 weight_high, u16 resvd2. */
	if (rbuf_left(v) % 8 != 0 || rbuf_left(v) / 8 > RTNL_NH_GROUP_MAX)
		return false;
	while (rbuf_left(v) > 0) {
		nh->group[nh->ngroup++] = rd32(v);
		rd32(v);
	}
	return rbuf_ok(v);
}

bool
rtnl_parse_nh(const struct rtnl_msg *m, struct rtnl_nh *nh, bool *deleted)
{
	struct rbuf b = m->body, v;
	bool bad = false;
	uint8_t family;
	uint16_t t;

	memset(nh, 0, sizeof(*nh));
	if (m->type != RTM_NEWNEXTHOP && m->type != RTM_DELNEXTHOP)
		return false;
	family = rbuf_u8(&b);
	rbuf_u8(&b); /* scope */
	nh->protocol = rbuf_u8(&b);
	rbuf_u8(&b); /* resvd */
	rd32(&b);    /* nh_flags */
	if (!rbuf_ok(&b))
		return false;
	nh->afi = family_afi(family);
	*deleted = m->type == RTM_DELNEXTHOP;
	while (attr_next(&b, &t, &v, &bad)) {
		switch (t) {
		case NHA_ID:
			nh->id = rd32(&v);
			break;
		case NHA_GROUP:
			if (!parse_group(&v, nh))
				return false;
			break;
		case NHA_BLACKHOLE:
			nh->blackhole = true;
			break;
		case NHA_OIF:
			nh->ifindex = rd32(&v);
			break;
		case NHA_GATEWAY:
			if (nh->afi == 0 || !get_addr(&v, nh->afi, &nh->gw))
				return false;
			break;
		default:
			break;
		}
		if (!rbuf_ok(&v))
			return false;
	}
	return !bad && nh->id != 0;
}
