/* Unit tests of final-exec: the plan reader, PATH lookup, names, the listener handover. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "creds.h"
#include "filter.h"
#include "listener.h"
#include "lookup.h"
#include "plan.h"
#include "spec.h"
#include "unit.h"

static const char base_plan[] = "format\tbaton-plan/1\n"
				"id\tc1\n"
				"process\t1\n"
				"process.cwd\t/work\n"
				"process.user\t1000\t100\n"
				"process.additional-gid\t27\n"
				"process.additional-gid\t44\n"
				"process.umask\t027\n"
				"process.arg\tsh\n"
				"process.arg\t-c\n"
				"process.arg\ttrue\n"
				"process.env\tPATH=/bin\n"
				"process.env\tA=b=c\n"
				"process.caps\t0xff\t0x1\t0x2\t0x3\t0x4\n"
				"process.rlimit\tRLIMIT_NOFILE\t7\t1024\t18446744073709551615\n"
				"process.no-new-privileges\t1\n"
				"process.oom-score-adj\t-500\n"
				"personality\tLINUX32\n"
				"seccomp.flag\tSECCOMP_FILTER_FLAG_LOG\n"
				"seccomp.flag\tSECCOMP_FILTER_FLAG_TSYNC\n";

static int load(struct plan *plan, struct process_spec *spec, const char *text,
		struct stage_error *err)
{
	if (plan_parse(plan, text, strlen(text), err) < 0)
		return -1;
	return process_spec_load(spec, plan, err);
}

TEST(spec_reads_every_field)
{
	autoplan struct plan plan;
	autospec struct process_spec spec;
	struct stage_error err;

	CHECK(load(&plan, &spec, base_plan, &err) == 0);
	CHECK_STR(spec.id, "c1");
	CHECK_STR(spec.cwd, "/work");
	CHECK(spec.uid == 1000 && spec.gid == 100);
	CHECK(spec.ngroups == 2 && spec.groups[0] == 27 && spec.groups[1] == 44);
	CHECK(spec.has_umask && spec.umask == 027);
	CHECK_STR(spec.argv[0], "sh");
	CHECK_STR(spec.argv[2], "true");
	CHECK(spec.argv[3] == NULL);
	CHECK_STR(spec.envp[1], "A=b=c");
	CHECK(spec.envp[2] == NULL);
	CHECK(spec.caps.bounding == 0xff && spec.caps.effective == 1 &&
	      spec.caps.inheritable == 2 && spec.caps.permitted == 3 && spec.caps.ambient == 4);
	CHECK(spec.nrlimits == 1 && spec.rlimits[0].resource == 7);
	CHECK(spec.rlimits[0].soft == 1024 && spec.rlimits[0].hard == UINT64_MAX);
	CHECK(spec.no_new_privileges);
	CHECK(spec.has_oom_score_adj && spec.oom_score_adj == -500);
	CHECK(spec.has_personality && spec.personality == 0x0008);
	CHECK(spec.seccomp_flags == 3);
}

TEST(spec_without_process_is_an_error)
{
	autoplan struct plan plan;
	autospec struct process_spec spec;
	struct stage_error err;
	const char *text = "format\tbaton-plan/1\nprocess\t0\n";

	CHECK(load(&plan, &spec, text, &err) < 0);
	CHECK_STR(err.msg, "no process to run");
}

TEST(spec_rejects_bad_values)
{
	struct stage_error err;
	const char *cases[][2] = {
	    {"process.umask\t027\n", "process.umask\t09\n"},
	    {"personality\tLINUX32\n", "personality\tBSD\n"},
	    {"seccomp.flag\tSECCOMP_FILTER_FLAG_LOG\n",
	     "seccomp.flag\tSECCOMP_FILTER_FLAG_NEW_LISTENER\n"},
	    {"process.user\t1000\t100\n", "process.user\tx\t100\n"},
	};
	const char *expect[] = {"not an octal mode", "unknown personality", "set by baton",
				"is not an unsigned number"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048];
		const char *at = strstr(base_plan, cases[i][0]);
		size_t head = (size_t)(at - base_plan);
		autoplan struct plan plan;
		autospec struct process_spec spec;

		snprintf(text, sizeof(text), "%.*s%s%s", (int)head, base_plan, cases[i][1],
			 at + strlen(cases[i][0]));
		CHECK(load(&plan, &spec, text, &err) < 0);
		CHECK_CONTAINS(err.msg, expect[i]);
	}
}

TEST(env_lookup_finds_first)
{
	char *envp[] = {"PATHX=1", "PATH=/a", "PATH=/b", NULL};

	CHECK_STR(env_lookup(envp, "PATH"), "/a");
	CHECK(env_lookup(envp, "HOME") == NULL);
}

/* A scratch tree: d1/tool (not executable), d2/tool (executable), d2/dir/. */
static void make_tree(char *root)
{
	char path[256];
	int fd;

	strcpy(root, "/tmp/test-final-exec.XXXXXX");
	if (!mkdtemp(root))
		abort();
	snprintf(path, sizeof(path), "%s/d1", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d2", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d2/dir", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d1/tool", root);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	close(fd);
	snprintf(path, sizeof(path), "%s/d2/tool", root);
	fd = open(path, O_CREAT | O_WRONLY, 0755);
	close(fd);
}

static void remove_tree(const char *root)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		abort();
}

TEST(lookup_skips_non_executables)
{
	char root[64], path[512], want[300];
	autofree char *found = NULL;
	struct stage_error err;

	make_tree(root);
	snprintf(path, sizeof(path), "%s/nope:%s/d1:%s/d2", root, root, root);
	snprintf(want, sizeof(want), "%s/d2/tool", root);
	CHECK(find_executable("tool", path, &found, &err) == 0);
	CHECK_STR(found, want);
	remove_tree(root);
}

TEST(lookup_reports_like_crun)
{
	char root[64], path[512], file[300];
	char *found = NULL;
	struct stage_error err;

	make_tree(root);
	snprintf(path, sizeof(path), "%s/nope:%s", root, root);
	CHECK(find_executable("tool", path, &found, &err) < 0);
	CHECK(err.errnum == ENOENT);
	CHECK_STR(err.msg, "executable file `tool` not found in $PATH");

	/* only a non-executable match (no x bit: even root gets EACCES) */
	snprintf(path, sizeof(path), "%s/d1", root);
	CHECK(find_executable("tool", path, &found, &err) < 0);
	CHECK(err.errnum == EACCES);
	CHECK_STR(err.msg, "open executable `tool`");
	snprintf(path, sizeof(path), "%s/d2", root);
	CHECK(find_executable("dir", path, &found, &err) < 0);
	CHECK(err.errnum == EACCES);

	snprintf(file, sizeof(file), "%s/d2/tool", root);
	CHECK(find_executable(file, "/nonexistent", &found, &err) == 0);
	CHECK_STR(found, file);
	free(found);
	snprintf(file, sizeof(file), "%s/d2/none", root);
	CHECK(find_executable(file, NULL, &found, &err) < 0);
	CHECK(err.errnum == ENOENT);
	CHECK_CONTAINS(err.msg, "not found in $PATH");
	remove_tree(root);
}

TEST(lookup_default_path)
{
	autofree char *found = NULL;
	struct stage_error err;

	CHECK(find_executable("sh", NULL, &found, &err) == 0);
	CHECK(found && found[0] == '/');
}

TEST(cap_names)
{
	CHECK_STR(cap_name(0), "CAP_CHOWN");
	CHECK_STR(cap_name(21), "CAP_SYS_ADMIN");
	CHECK_STR(cap_name(40), "CAP_CHECKPOINT_RESTORE");
	CHECK(cap_name(41) == NULL);
}

TEST(bpf_size_is_checked)
{
	struct bpf_filter filter;
	struct stage_error err;
	char path[] = "/tmp/test-final-exec-bpf.XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(write(fd, "1234567", 7) == 7);
	CHECK(bpf_filter_load_fd(&filter, fd, "t", &err) < 0);
	CHECK_CONTAINS(err.msg, "is not a BPF program");
	CHECK(write(fd, "8", 1) == 1);
	CHECK(bpf_filter_load_fd(&filter, fd, "t", &err) == 0);
	CHECK(filter.len == 1 && bpf_filter_present(&filter));
	bpf_filter_release(&filter);
	close(fd);
	unlink(path);
}

/*
 * A filter that notifies on getppid, installed in a child: the listener and
 * the message reach the receiver, and the receiver's answer reaches the
 * caller, although the handover itself makes no syscall under the filter.
 */
TEST(listener_reaches_the_receiver)
{
	struct sock_filter insns[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct bpf_filter filter = {.insns = insns, .len = 4};
	char message[] = "{\"fds\": [\"seccompFd\"]}", got[64] = "";
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = got, .iov_len = sizeof(got) - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int sv[2], listener = -1, status;
	pid_t child;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	child = fork();
	if (child == 0) {
		struct listener_receiver r = {
		    .sock = sv[1], .state = message, .len = strlen(message)};
		struct stage_error err;

		close(sv[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    listener_install(&filter, 0, &r, &err) < 0)
			syscall(SYS_exit_group, 2);
		/* exit_group directly: ASan's exit path would make notified calls of its own */
		syscall(SYS_exit_group, syscall(SYS_getppid) == 4242 && r.sock == -1 ? 0 : 3);
	}
	close(sv[1]);
	CHECK(recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == (ssize_t)strlen(message));
	CHECK_STR(got, message);
	CHECK(CMSG_FIRSTHDR(&msg) && CMSG_FIRSTHDR(&msg)->cmsg_type == SCM_RIGHTS);
	memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	/* the message ends the connection */
	CHECK(read(sv[0], got, sizeof(got)) == 0);
	memset(&req, 0, sizeof(req));
	CHECK(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0);
	CHECK(req.data.nr == SYS_getppid && (pid_t)req.pid == child);
	resp = (struct seccomp_notif_resp){.id = req.id, .val = 4242};
	CHECK(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0);
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(listener);
	close(sv[0]);
}

int main(void)
{
	return unit_run();
}
