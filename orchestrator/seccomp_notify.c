/*
 * The seccomp receiver: where the listener of a notifying filter goes
 * (linux.seccomp.listenerPath, else the run.oci.seccomp.receiver annotation,
 * else the caller's RUN_OCI_SECCOMP_RECEIVER, as crun decides).
 *
 * final-exec installs the filter, at `start` for create with
 * noNewPrivileges, when this process is long gone. So we connect to the
 * receiver here, before anything is cloned (a missing socket fails the
 * create with nothing made), and hand the connection to final-exec with the
 * message it sends along with the listener fd: the OCI "container process
 * state" (schemas/protocol.md), written once the pid is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "pipeline_int.h"
#include "stage.h"
#include "strbuf.h"

#define PROCESS_STATE_OCI_VERSION "1.0.0"

/* The three places that can name the receiver, in crun's order; NULL: none. */
static const char *receiver_path(const struct plan *plan, const char **source)
{
	const char *path = plan_str(plan, "seccomp.listener-path", NULL);

	*source = "linux.seccomp.listenerPath";
	if (path)
		return path;
	*source = "annotation run.oci.seccomp.receiver";
	if ((path = plan_annotation(plan, "run.oci.seccomp.receiver")))
		return path;
	*source = "RUN_OCI_SECCOMP_RECEIVER";
	path = getenv("RUN_OCI_SECCOMP_RECEIVER");
	return path && *path ? path : NULL;
}

int seccomp_receiver_open(struct pipeline *p, struct stage_error *err)
{
	const char *path, *source;

	if (!plan_get(&p->plan, "seccomp.default"))
		return 0;
	path = receiver_path(&p->plan, &source);
	if (!path) {
		if (!plan_flag(&p->plan, "seccomp.notify"))
			return 0;
		/* crun would let the notified syscalls fail with ENOSYS, silently */
		return stage_fail(err, 0,
				  "linux.seccomp: SCMP_ACT_NOTIFY needs a listener: set "
				  "linux.seccomp.listenerPath, the run.oci.seccomp.receiver "
				  "annotation or RUN_OCI_SECCOMP_RECEIVER");
	}
	if (path[0] != '/')
		return stage_fail(err, 0, "%s: the seccomp receiver `%s` is not an absolute path",
				  source, path);
	stage_debug("seccomp listener goes to `%s` (%s)", path, source);
	p->seccomp_receiver = unix_connect(path, "the seccomp receiver", err);
	if (p->seccomp_receiver < 0)
		return -1;
	p->seccomp_state_fd = memfd_for_stage("baton-seccomp-state", err);
	return p->seccomp_state_fd < 0 ? -1 : 0;
}

/*
 * The message that goes with the listener fd: which fd it is, the process
 * the filter is on, listenerMetadata, and the container's state. Called once
 * the container process is cloned: from then on only it holds the connection,
 * so that the receiver sees its end as soon as the listener is sent (an
 * agent that reads to EOF would otherwise wait for us while we wait for READY).
 */
int write_seccomp_state(struct pipeline *p, struct stage_error *err)
{
	autostrbuf struct strbuf sb = {0};
	const char *meta = plan_str(&p->plan, "seccomp.listener-metadata", NULL);
	struct container c = *p->c;

	if (p->seccomp_state_fd < 0)
		return 0;
	close(p->seccomp_receiver);
	p->seccomp_receiver = -1;
	/* exec: the container's own state, the filter on the new process */
	if (p->mode != MODE_EXEC)
		c.pid = p->pid;
	strbuf_printf(&sb,
		      "{\n  \"ociVersion\": \"%s\",\n  \"fds\": [\"seccompFd\"],\n"
		      "  \"pid\": %d,\n",
		      PROCESS_STATE_OCI_VERSION, (int)p->pid);
	if (meta) {
		strbuf_puts(&sb, "  \"metadata\": ");
		strbuf_json_string(&sb, meta);
		strbuf_puts(&sb, ",\n");
	}
	strbuf_puts(&sb, "  \"state\": ");
	oci_state_json(&sb, &c, p->mode == MODE_EXEC ? "running" : "creating", &p->plan, "  ");
	strbuf_puts(&sb, "\n}\n");
	if (write(p->seccomp_state_fd, sb.data, sb.len) != (ssize_t)sb.len)
		return stage_fail(err, errno, "write the seccomp receiver's state");
	return memfd_seal(p->seccomp_state_fd, err);
}
