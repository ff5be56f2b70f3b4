/*
 * fake_ipvs_preload.c - an LD_PRELOAD stand-in for the kernel's IPVS family,
 * so the stock /usr/sbin/ipvsadm and ours can be compared on a host without
 * ip_vs (the host kernel here cannot load it).
 *
 * It answers at the libnl API level: the family always resolves, GET_INFO
 * reports 1.2.1/4096, GET_CONFIG the default timeouts, every dump is empty
 * and every other request succeeds.  FAKE_IPVS_ERRNO=N makes those other
 * requests fail with errno N instead, to compare error messages.  Nothing
 * is kept between requests: this is for parse, usage and error paths only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ip_vs.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>

#define FAKE_FAMILY 0x42

static nl_recvmsg_msg_cb_t valid_cb, ack_cb, finish_cb;
static void *valid_arg, *ack_arg, *finish_arg;
static nl_recvmsg_err_cb_t err_cb;
static void *err_arg;
static int last_cmd = -1, last_dump;

int genl_connect(struct nl_sock *sk)
{
	(void)sk;
	return 0;
}

int genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	return strcmp(name, IPVS_GENL_NAME) == 0 ? FAKE_FAMILY : -NLE_OBJ_NOTFOUND;
}

int nl_socket_modify_cb(struct nl_sock *sk, enum nl_cb_type type, enum nl_cb_kind kind,
			nl_recvmsg_msg_cb_t func, void *arg)
{
	(void)sk;
	if (kind != NL_CB_CUSTOM)
		return 0;
	if (type == NL_CB_VALID) {
		valid_cb = func;
		valid_arg = arg;
	} else if (type == NL_CB_ACK) {
		ack_cb = func;
		ack_arg = arg;
	} else if (type == NL_CB_FINISH) {
		finish_cb = func;
		finish_arg = arg;
	}
	return 0;
}

int nl_socket_modify_err_cb(struct nl_sock *sk, enum nl_cb_kind kind, nl_recvmsg_err_cb_t func,
			    void *arg)
{
	(void)sk;
	if (kind == NL_CB_CUSTOM) {
		err_cb = func;
		err_arg = arg;
	}
	return 0;
}

static int remember(struct nl_msg *msg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct genlmsghdr *ghdr = nlmsg_data(hdr);

	last_cmd = ghdr->cmd;
	last_dump = (hdr->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	return (int)hdr->nlmsg_len;
}

int nl_send_auto(struct nl_sock *sk, struct nl_msg *msg)
{
	(void)sk;
	return remember(msg);
}

int nl_send_auto_complete(struct nl_sock *sk, struct nl_msg *msg)
{
	(void)sk;
	return remember(msg);
}

static void reply(int cmd, int a1, unsigned int v1, int a2, unsigned int v2, int a3,
		  unsigned int v3)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, FAKE_FAMILY, 0, 0, cmd, IPVS_GENL_VERSION);
	nla_put_u32(msg, a1, v1);
	nla_put_u32(msg, a2, v2);
	if (a3)
		nla_put_u32(msg, a3, v3);
	if (valid_cb)
		valid_cb(msg, valid_arg);
	nlmsg_free(msg);
}

int nl_recvmsgs_default(struct nl_sock *sk)
{
	const char *env = getenv("FAKE_IPVS_ERRNO");
	int fail = env ? atoi(env) : 0;

	(void)sk;
	if (last_cmd == IPVS_CMD_GET_INFO) {
		reply(IPVS_CMD_SET_INFO, IPVS_INFO_ATTR_VERSION, 0x010201,
		      IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096, 0, 0);
	} else if (last_cmd == IPVS_CMD_GET_CONFIG) {
		reply(IPVS_CMD_SET_CONFIG, IPVS_CMD_ATTR_TIMEOUT_TCP, 900,
		      IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120, IPVS_CMD_ATTR_TIMEOUT_UDP, 300);
	} else if (last_cmd == IPVS_CMD_GET_SERVICE && !last_dump) {
		fail = ESRCH;	/* the fake table is empty */
	}
	if (fail && !last_dump && last_cmd != IPVS_CMD_GET_INFO &&
	    last_cmd != IPVS_CMD_GET_CONFIG) {
		struct nlmsgerr e;

		memset(&e, 0, sizeof(e));
		e.error = -fail;
		last_cmd = -1;
		if (err_cb)
			err_cb(NULL, &e, err_arg);
		errno = fail;
		return -nl_syserr2nlerr(fail);
	}
	if (last_dump && finish_cb)
		finish_cb(NULL, finish_arg);
	else if (!last_dump && ack_cb)
		ack_cb(NULL, ack_arg);
	last_cmd = -1;
	return 0;
}
