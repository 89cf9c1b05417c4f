/*
 * net-devices: linux.netDevices, host interfaces moved into the container's
 * network namespace. This header is what its files share.
 */
#ifndef NET_DEVICES_H
#define NET_DEVICES_H

#include "error.h"

/*
 * Move interface host_name of our network namespace into the one of netns_fd,
 * named new_name there: one RTM_NEWLINK with IFLA_NET_NS_FD and IFLA_IFNAME,
 * so that the rename happens in the target namespace as part of the move
 * (the name may be taken on our side).
 */
int move_link(int netns_fd, const char *host_name, const char *new_name, struct stage_error *err);

#endif
