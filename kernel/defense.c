// SPDX-License-Identifier: GPL-2.0
/*
 * ip_vs's defences against memory pressure, per namespace, with ip_vs's
 * semantics (Documentation/networking/ipvs-sysctl.rst):
 *
 *   drop_entry, drop_packet, secure_tcp: 0 off; 1 and 2 automatic, where a
 *   check once a second turns the defence on (and the knob to 2) while
 *   available memory (free + buffers, in pages) is below amemthresh, and
 *   off (the knob back to 1) when it is not; 3 always on.
 *   drop_entry   drops entries that look like a flood's: half-open ones,
 *                probation ones, idle templates, and some idle ones.
 *   drop_packet  drops 1 in rate new flows' first packets, where rate is
 *                amemthresh / (amemthresh - available), or am_droprate
 *                at 3.
 *   secure_tcp   the stricter TCP state table (proto_state.c).
 *
 * /proc/net/aavs_defense shows the entries, conn_max and what was refused.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "conn.h"
#include "defense.h"
#include "pernet.h"
#include "proto_state.h"

#define AAVS_DEFENSE_PERIOD	HZ
/* drop_entry spares conns that saw a packet in the last minute (ip_vs). */
#define AAVS_DROP_IDLE		(60 * HZ)

bool aavs_defense_drop_packet(struct aavs_net *an)
{
	struct aavs_defense *d = &an->defense;
	int rate = READ_ONCE(d->drop_rate);

	if (!rate)
		return false;
	if (atomic_dec_return(&d->drop_counter) > 0)
		return false;
	atomic_set(&d->drop_counter, rate);
	atomic_long_inc(&d->packet_drops);
	return true;
}

/*
 * An automatic mode follows memory: 1 becomes 2 while memory is short, 2
 * becomes 1 when it is not.  cmpxchg: an administrator's write in between
 * wins.  Returns whether the defence is on.
 */
static bool aavs_defense_mode(int *knob, bool nomem)
{
	switch (READ_ONCE(*knob)) {
	case 1:
		if (nomem)
			cmpxchg(knob, 1, 2);
		return nomem;
	case 2:
		if (!nomem)
			cmpxchg(knob, 2, 1);
		return nomem;
	case 3:
		return true;
	default:
		return false;
	}
}

static bool aavs_defense_idle(const struct aavs_conn *cp)
{
	long left = (long)(READ_ONCE(cp->expires) - jiffies);

	return (long)READ_ONCE(cp->timeout) - left >= AAVS_DROP_IDLE;
}

/*
 * What drop_entry takes, after ip_vs: templates that control nothing,
 * half-open TCP and SCTP conns, and some idle established or UDP ones.
 * ip_vs picks the idle ones by their count of incoming packets, which aavs
 * does not keep: it takes one in four.  Probation conns go first: nothing
 * but their first packet was seen.
 */
static bool aavs_defense_todrop(struct aavs_net *an,
				const struct aavs_conn *cp)
{
	u8 state = READ_ONCE(cp->state);

	if (cp->flags & IP_VS_CONN_F_TEMPLATE)
		return atomic_read(&cp->n_control) <= 1;
	if (READ_ONCE(cp->flags) & AAVS_CONN_F_PROBATION)
		return true;
	switch (cp->protocol) {
	case IPPROTO_TCP:
		if (state == AAVS_TCP_S_SYN_RECV || state == AAVS_TCP_S_SYNACK)
			return true;
		if (state != AAVS_TCP_S_ESTABLISHED)
			return false;
		break;
	case IPPROTO_SCTP:
		if (state == AAVS_SCTP_S_INIT1 || state == AAVS_SCTP_S_INIT)
			return true;
		if (state != AAVS_SCTP_S_ESTABLISHED)
			return false;
		break;
	}
	return aavs_defense_idle(cp) && !(++an->defense.entry_turn & 3);
}

static void aavs_defense_check(struct aavs_net *an)
{
	struct aavs_sysctl *s = &an->sysctl;
	struct aavs_defense *d = &an->defense;
	int thresh = READ_ONCE(s->amemthresh);
	struct sysinfo i;
	long avail;
	bool nomem;
	int rate = 0;

	si_meminfo(&i);
	avail = i.freeram + i.bufferram;
	nomem = avail < thresh;

	if (aavs_defense_mode(&s->drop_entry, nomem))
		atomic_long_add(aavs_conn_drop_random(an->net,
						      aavs_defense_todrop),
				&d->entry_drops);

	if (aavs_defense_mode(&s->drop_packet, nomem)) {
		if (READ_ONCE(s->drop_packet) == 3)
			rate = READ_ONCE(s->am_droprate);
		else if (nomem)
			rate = thresh / (thresh - avail);
	}
	if (rate != READ_ONCE(d->drop_rate)) {
		atomic_set(&d->drop_counter, rate);
		WRITE_ONCE(d->drop_rate, max(rate, 0));
	}

	WRITE_ONCE(d->secure, aavs_defense_mode(&s->secure_tcp, nomem));
}

static void aavs_defense_work(struct work_struct *work)
{
	struct aavs_net *an = container_of(to_delayed_work(work),
					   struct aavs_net, defense.work);

	aavs_defense_check(an);
	queue_delayed_work(system_long_wq, &an->defense.work,
			   AAVS_DEFENSE_PERIOD);
}

static int aavs_defense_show(struct seq_file *seq, void *v)
{
	struct aavs_net *an = aavs_net(seq_file_single_net(seq));
	struct aavs_defense *d = &an->defense;

	seq_printf(seq, "entries %d\n", atomic_read(&an->conn_count));
	seq_printf(seq, "conn_max %d\n", READ_ONCE(an->sysctl.conn_max));
	seq_printf(seq, "conn_max_drops %ld\n",
		   atomic_long_read(&d->conn_max_drops));
	seq_printf(seq, "drop_packet_drops %ld\n",
		   atomic_long_read(&d->packet_drops));
	seq_printf(seq, "drop_entry_drops %ld\n",
		   atomic_long_read(&d->entry_drops));
	seq_printf(seq, "secure_tcp_table %d\n", aavs_defense_secure_tcp(an));
	return 0;
}

int aavs_defense_net_init(struct aavs_net *an)
{
	struct aavs_defense *d = &an->defense;

	if (!proc_create_net_single("aavs_defense", 0444, an->net->proc_net,
				    aavs_defense_show, NULL))
		return -ENOMEM;
	INIT_DELAYED_WORK(&d->work, aavs_defense_work);
	queue_delayed_work(system_long_wq, &d->work, AAVS_DEFENSE_PERIOD);
	return 0;
}

void aavs_defense_net_exit(struct aavs_net *an)
{
	cancel_delayed_work_sync(&an->defense.work);
	remove_proc_entry("aavs_defense", an->net->proc_net);
}
