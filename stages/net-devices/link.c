/*
 * One rtnetlink request, written by hand (the stage is static musl, no
 * libmnl): RTM_NEWLINK on an existing interface, answered by an ack.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "net-devices.h"
#include "stage.h"

struct link_request {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64]; /* an fd and a name of at most IFNAMSIZ bytes */
};

static void add_attr(struct link_request *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* The kernel's answer: an nlmsgerr, error 0 for the ack. */
int read_ack(int sock, const char *host_name, struct stage_error *err)
{
	char buf[4096];
	ssize_t n = recv(sock, buf, sizeof(buf), 0);
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;

	if (n < 0)
		return stage_fail(err, errno, "linux.netDevices.%s: read the kernel's answer",
				  host_name);
	if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != NLMSG_ERROR)
		return stage_fail(err, EPROTO, "linux.netDevices.%s: unexpected netlink answer",
				  host_name);
	int code = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	if (code)
		return stage_fail(
		    err, code, "linux.netDevices.%s: move into the container's network namespace",
		    host_name);
	return 0;
}

int link_index(const char *host_name, unsigned *index, struct stage_error *err)
{
	*index = if_nametoindex(host_name);
	if (!*index)
		return stage_fail(err, errno == ENXIO ? ENODEV : errno,
				  "linux.netDevices.%s: no interface `%s` in the runtime's network "
				  "namespace",
				  host_name, host_name);
	return 0;
}

int move_link(int netns_fd, unsigned index, const char *host_name, const char *new_name,
	      struct stage_error *err)
{
	struct link_request req = {
	    .nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		   .nlmsg_type = RTM_NEWLINK,
		   .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		   .nlmsg_seq = 1},
	    .ifi = {.ifi_family = AF_UNSPEC},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	autoclose int sock = -1;
	__u32 fd = (__u32)netns_fd;

	req.ifi.ifi_index = (int)index;
	add_attr(&req, IFLA_NET_NS_FD, &fd, sizeof(fd));
	add_attr(&req, IFLA_IFNAME, new_name, strlen(new_name) + 1);
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return stage_fail(err, errno, "linux.netDevices: open a netlink socket");
	stage_debug("move interface %s (index %u) into the container as %s", host_name, index,
		    new_name);
	if (sendto(sock, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return stage_fail(err, errno, "linux.netDevices.%s: send the netlink request",
				  host_name);
	return read_ack(sock, host_name, err);
}
