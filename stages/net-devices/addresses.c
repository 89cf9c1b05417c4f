/*
 * The addresses of a moved interface: the kernel drops them on the move, so
 * the global ones are read here first (RTM_GETADDR dump) and added again in
 * the container's network namespace (RTM_NEWADDR), as runc and crun do.
 * Link-local and host-scope ones the kernel makes again by itself.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "net-devices.h"
#include "stage.h"

static int open_route_socket(const char *host_name, struct stage_error *err)
{
	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (sock < 0)
		return stage_fail(err, errno, "linux.netDevices.%s: open a netlink socket",
				  host_name);
	return sock;
}

/* One address of the dump, as a request to add it again: its address
 * attributes only (no label: it names the old interface; no cache info). */
static void keep_address(const struct nlmsghdr *nh, struct strbuf *saved)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	int len = (int)IFA_PAYLOAD(nh);
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[256];
	} req = {
	    .nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
		   .nlmsg_type = RTM_NEWADDR,
		   .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL},
	    .ifa = *ifa,
	};

	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type != IFA_ADDRESS && a->rta_type != IFA_LOCAL &&
		    a->rta_type != IFA_BROADCAST && a->rta_type != IFA_FLAGS)
			continue;
		if (NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(a->rta_len) > sizeof(req))
			continue; /* cannot be: four attributes of at most 20 bytes */
		memcpy((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len), a, a->rta_len);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
	}
	strbuf_add(saved, (const char *)&req, req.nh.nlmsg_len);
}

int save_addresses(unsigned index, const char *host_name, struct strbuf *saved,
		   struct stage_error *err)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req = {
	    .nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
		   .nlmsg_type = RTM_GETADDR,
		   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
	    .ifa = {.ifa_family = AF_UNSPEC},
	};
	autoclose int sock = open_route_socket(host_name, err);
	char buf[16384];

	if (sock < 0)
		return -1;
	if (send(sock, &req, req.nh.nlmsg_len, 0) < 0)
		return stage_fail(err, errno, "linux.netDevices.%s: ask for its addresses",
				  host_name);
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);

		if (n < 0)
			return stage_fail(err, errno, "linux.netDevices.%s: read its addresses",
					  host_name);
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return stage_fail(err, -((struct nlmsgerr *)NLMSG_DATA(nh))->error,
						  "linux.netDevices.%s: read its addresses",
						  host_name);
			const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
			if (nh->nlmsg_type == RTM_NEWADDR && ifa->ifa_index == index &&
			    ifa->ifa_scope == RT_SCOPE_UNIVERSE)
				keep_address(nh, saved);
		}
	}
}

int restore_addresses(const struct strbuf *saved, const char *host_name, const char *new_name,
		      struct stage_error *err)
{
	unsigned index = if_nametoindex(new_name);
	autoclose int sock = -1;

	if (!saved->len)
		return 0;
	if (!index)
		return stage_fail(err, errno, "linux.netDevices.%s: no `%s` in the container",
				  host_name, new_name);
	sock = open_route_socket(host_name, err);
	if (sock < 0)
		return -1;
	for (size_t off = 0; off < saved->len;) {
		struct nlmsghdr *nh = (struct nlmsghdr *)(saved->data + off);

		((struct ifaddrmsg *)NLMSG_DATA(nh))->ifa_index = index;
		stage_debug("add an address of %s to %s again", host_name, new_name);
		if (send(sock, nh, nh->nlmsg_len, 0) < 0)
			return stage_fail(err, errno, "linux.netDevices.%s: add its address again",
					  host_name);
		if (read_ack(sock, host_name, err) < 0)
			return -1;
		off += NLMSG_ALIGN(nh->nlmsg_len);
	}
	return 0;
}
