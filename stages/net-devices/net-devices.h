/*
 * net-devices: linux.netDevices, host interfaces moved into the container's
 * network namespace. This header is what its files share.
 */
#ifndef NET_DEVICES_H
#define NET_DEVICES_H

#include "error.h"
#include "strbuf.h"

/*
 * Move interface host_name of our network namespace into the one of netns_fd,
 * named new_name there: one RTM_NEWLINK with IFLA_NET_NS_FD and IFLA_IFNAME,
 * so that the rename happens in the target namespace as part of the move
 * (the name may be taken on our side).
 */
int move_link(int netns_fd, unsigned index, const char *host_name, const char *new_name,
	      struct stage_error *err);
/* The index of interface host_name of our network namespace. */
int link_index(const char *host_name, unsigned *index, struct stage_error *err);

/* link.c: the kernel's ack of a request about linux.netDevices.NAME */
int read_ack(int sock, const char *host_name, struct stage_error *err);

/*
 * addresses.c: moving an interface drops its addresses; as runc and crun do,
 * its global ones are read before the move and added again in the container.
 */
/* Append to saved an RTM_NEWADDR request for each global address of index. */
int save_addresses(unsigned index, const char *host_name, struct strbuf *saved,
		   struct stage_error *err);
/* In the container's network namespace (we are in it): send them for new_name. */
int restore_addresses(const struct strbuf *saved, const char *host_name, const char *new_name,
		      struct stage_error *err);

#endif
