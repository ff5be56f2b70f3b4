// SPDX-License-Identifier: GPL-2.0
/*
 * Routes to real servers, cached per CPU.
 *
 * A DR route must name the real server as next hop (FLOWI_FLAG_KNOWN_NH),
 * which makes the FIB hand out a fresh, uncached dst on every lookup: far
 * too slow per packet.  Each CPU keeps a small direct-mapped cache keyed by
 * (namespace, address); dst_check() drops entries the routing code has
 * invalidated (route or device changes), so a hit is always current.
 */
#include <linux/hash.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <net/addrconf.h>
#include <net/dst.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/netns/hash.h>
#include <net/route.h>

#include "xmit_route.h"

#define AAVS_ROUTE_BITS 6
#define AAVS_ROUTE_SLOTS BIT(AAVS_ROUTE_BITS)

struct aavs_route_slot {
	struct dst_entry *dst;		/* holds a reference; xchg() only */
	const struct net *net;
	union nf_inet_addr daddr;
	union nf_inet_addr saddr;
	u32 cookie;			/* IPv6 route validity */
	u16 af;
	bool local;
};

static DEFINE_PER_CPU(struct aavs_route_slot[AAVS_ROUTE_SLOTS],
		      aavs_route_cache);

/*
 * KNOWN_NH: the real server's address is the next hop even on a connected
 * route; otherwise neighbour resolution would ask for the packet's own
 * destination, the VIP, which real servers never answer for (DR).
 */
static int aavs_route_lookup(struct net *net, u16 af,
			     const union nf_inet_addr *daddr,
			     struct aavs_route_slot *s)
{
	if (af == AF_INET6) {
		struct flowi6 fl6 = {
			.daddr = daddr->in6,
			.flowi6_flags = FLOWI_FLAG_KNOWN_NH,
		};
		struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);

		if (dst->error) {
			dst_release(dst);
			return -EHOSTUNREACH;
		}
		s->local = dst->dev->flags & IFF_LOOPBACK;
		if (ipv6_dev_get_saddr(net, dst->dev, &daddr->in6, 0,
				       &s->saddr.in6)) {
			dst_release(dst);
			return -EADDRNOTAVAIL;
		}
		s->cookie = rt6_get_cookie(dst_rt6_info(dst));
		s->dst = dst;
	} else {
		struct flowi4 fl4 = {
			.daddr = daddr->ip,
			.flowi4_flags = FLOWI_FLAG_KNOWN_NH,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return PTR_ERR(rt);
		s->local = rt->rt_flags & RTCF_LOCAL;
		memset(&s->saddr, 0, sizeof(s->saddr));
		s->saddr.ip = fl4.saddr;
		s->cookie = 0;
		s->dst = &rt->dst;
	}
	return 0;
}

static bool aavs_slot_matches(const struct aavs_route_slot *s,
			      const struct net *net, u16 af,
			      const union nf_inet_addr *daddr)
{
	if (s->net != net || s->af != af)
		return false;
	if (af == AF_INET6)
		return ipv6_addr_equal(&s->daddr.in6, &daddr->in6);
	return s->daddr.ip == daddr->ip;
}

/* A miss: look the route up and put it in @s, the slot it hashes to. */
static noinline int aavs_route_fill(struct net *net, u16 af,
				    const union nf_inet_addr *daddr,
				    struct aavs_route_slot *s)
{
	struct aavs_route_slot fresh;
	int ret;

	ret = aavs_route_lookup(net, af, daddr, &fresh);
	if (ret)
		return ret;
	/* Invalidate first: a concurrent flush must never pair old keys. */
	dst_release(xchg(&s->dst, NULL));
	s->net = net;
	s->af = af;
	s->daddr = *daddr;
	s->saddr = fresh.saddr;
	s->cookie = fresh.cookie;
	s->local = fresh.local;
	WRITE_ONCE(s->dst, fresh.dst);
	return 0;
}

/*
 * IPv6 routes to a real server are not cached: their uncached dst pins the
 * FIB entry and with it the device, past our netdev notifier.
 */
static noinline int aavs_route_uncached(struct net *net, u16 af,
					const union nf_inet_addr *daddr,
					struct aavs_route *r)
{
	struct aavs_route_slot fresh;
	int ret;

	ret = aavs_route_lookup(net, af, daddr, &fresh);
	if (ret)
		return ret;
	r->dst = fresh.dst;
	r->saddr = fresh.saddr;
	r->local = fresh.local;
	r->owned = true;
	return 0;
}

int aavs_route_get(struct net *net, u16 af, const union nf_inet_addr *daddr,
		   struct aavs_route *r)
{
	struct aavs_route_slot *s;
	struct dst_entry *dst;
	int ret;

	if (af == AF_INET6)
		return aavs_route_uncached(net, af, daddr, r);
	/* Softirqs are off on every datapath: no one else uses our slots. */
	lockdep_assert_in_softirq();
	/* Real servers' addresses are the operator's: no need for jhash. */
	s = &this_cpu_ptr(aavs_route_cache)[hash_32((__force u32)daddr->ip ^
						    net_hash_mix(net),
						    AAVS_ROUTE_BITS)];
	dst = READ_ONCE(s->dst);
	if (!dst || !aavs_slot_matches(s, net, af, daddr) ||
	    !dst_check(dst, s->cookie)) {
		ret = aavs_route_fill(net, af, daddr, s);
		if (ret)
			return ret;
		dst = s->dst;
	}
	/* Released references are freed after RCU: borrowing is safe. */
	r->dst = dst;
	r->saddr = s->saddr;
	r->local = s->local;
	r->owned = false;
	return 0;
}

void aavs_route_flush_net(struct net *net)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct aavs_route_slot *s = per_cpu(aavs_route_cache, cpu);

		for (i = 0; i < AAVS_ROUTE_SLOTS; i++) {
			if (READ_ONCE(s[i].net) != net)
				continue;
			dst_release(xchg(&s[i].dst, NULL));
		}
	}
}

/*
 * A device going away must not wait for our cached routes: IPv6's uncached
 * routes still pin it (namespace deletion would hang in netdev_run_todo),
 * and a down device's routes are useless anyway.
 *
 * Another CPU's slot may be refilled under us: its old dst is released
 * there and freed a grace period later, so reading dst->dev of a slot we
 * do not own needs rcu_read_lock().  Whatever xchg() hands back, ours or
 * a newer route, was the slot's reference and is ours to drop.
 */
static int aavs_route_netdev_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	int cpu, i;

	if (event != NETDEV_DOWN && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		struct aavs_route_slot *s = per_cpu(aavs_route_cache, cpu);

		for (i = 0; i < AAVS_ROUTE_SLOTS; i++) {
			struct dst_entry *dst = READ_ONCE(s[i].dst);

			if (dst && dst->dev == dev)
				dst_release(xchg(&s[i].dst, NULL));
		}
	}
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block aavs_route_nb = {
	.notifier_call = aavs_route_netdev_event,
};

int aavs_route_init(void)
{
	return register_netdevice_notifier(&aavs_route_nb);
}

void aavs_route_exit(void)
{
	int cpu, i;

	unregister_netdevice_notifier(&aavs_route_nb);
	/* Every namespace flushed its own; this is only a safety net. */
	for_each_possible_cpu(cpu) {
		struct aavs_route_slot *s = per_cpu(aavs_route_cache, cpu);

		for (i = 0; i < AAVS_ROUTE_SLOTS; i++)
			dst_release(xchg(&s[i].dst, NULL));
	}
}
