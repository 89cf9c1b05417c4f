/* Unit tests of libstage: the plan format, records, the fd contract. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "plan.h"
#include "procfs.h"
#include "record.h"
#include "unit.h"

TEST(plan_roundtrip_escapes)
{
	struct strbuf out = {0};
	struct stage_error err;
	struct plan plan;

	plan_emit(&out, "format", PLAN_FORMAT, NULL);
	plan_emit(&out, "process.arg", "a\tb\\c\nd", NULL);
	plan_emit(&out, "process.arg", "", NULL);
	plan_emit(&out, "mount", "/x", "", "src", NULL);
	CHECK(plan_parse(&plan, out.data, out.len, &err) == 0);
	const struct plan_entry *e = plan_get(&plan, "process.arg");
	CHECK(e && e->nfields == 1);
	CHECK_STR(plan_field(e, 0), "a\tb\\c\nd");
	e = plan_next(&plan, e, "process.arg");
	CHECK(e && e->nfields == 1 && strcmp(plan_field(e, 0), "") == 0);
	e = plan_get(&plan, "mount");
	CHECK(e && e->nfields == 3);
	CHECK_STR(plan_field(e, 1), "");
	CHECK_STR(plan_field(e, 2), "src");
	CHECK_STR(plan_field(e, 7), "");
	CHECK(plan_count(&plan, "process.arg") == 2);
	plan_release(&plan);
	strbuf_release(&out);
}

TEST(plan_rejects_missing_format)
{
	struct stage_error err;
	struct plan plan;
	const char *text = "id\tx\n";

	CHECK(plan_parse(&plan, text, strlen(text), &err) < 0);
	CHECK_CONTAINS(err.msg, "first record must be");
	plan_release(&plan);
}

TEST(plan_rejects_unterminated_line)
{
	struct stage_error err;
	struct plan plan;
	const char *text = "format\tbaton-plan/1\nid\tx";

	CHECK(plan_parse(&plan, text, strlen(text), &err) < 0);
	CHECK_CONTAINS(err.msg, "line 2: not terminated");
	plan_release(&plan);
}

TEST(plan_numbers)
{
	struct stage_error err;
	autoplan struct plan plan;
	const char *text = "format\tbaton-plan/1\nn\t0x10\t-1\tabc\t022\n";
	int64_t v;
	uint64_t u;

	CHECK(plan_parse(&plan, text, strlen(text), &err) == 0);
	const struct plan_entry *e = plan_get(&plan, "n");
	CHECK(plan_field_i64(e, 0, &v, &err) == 0 && v == 16);
	CHECK(plan_field_i64(e, 1, &v, &err) == 0 && v == -1);
	CHECK(plan_field_u64(e, 1, &u, &err) < 0);
	CHECK(plan_field_i64(e, 2, &v, &err) < 0);
	CHECK_CONTAINS(err.msg, "line 2: `n` field 3 is not a number");
	CHECK(plan_field_i64(e, 3, &v, &err) == 0 && v == 022);
}

TEST(error_wrap_keeps_errno)
{
	struct stage_error err;
	char text[2048];

	stage_fail(&err, ENOENT, "open `%s`", "/x");
	stage_wrap(&err, "mount `%s`", "/y");
	stage_error_text(&err, text, sizeof(text));
	CHECK_STR(text, "mount `/y`: open `/x`: No such file or directory");
	CHECK(err.errnum == ENOENT);
}

TEST(record_carries_error_and_fd)
{
	struct stage_error err, sent;
	struct record rec;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	stage_fail(&sent, EACCES, "mount `%s`", "/proc");
	record_send_error(sv[0], &sent);
	CHECK(record_expect(sv[1], REC_READY, &rec, &err) < 0);
	CHECK(err.errnum == EACCES);
	CHECK_STR(err.msg, "mount `/proc`");

	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(record_send(sv[0], REC_FD, "console", 7, &devnull, 1, &err) == 0);
	CHECK(record_expect(sv[1], REC_FD, &rec, &err) == 0);
	CHECK(rec.nfds == 1 && rec.len == 7);
	CHECK(fcntl(rec.fds[0], F_GETFD) & FD_CLOEXEC);
	close(rec.fds[0]);
	close(devnull);

	uint32_t bogus[2] = {99, 0};
	CHECK(send(sv[0], bogus, sizeof(bogus), 0) == sizeof(bogus));
	CHECK(record_recv(sv[1], &rec, &err) < 0);
	CHECK_CONTAINS(err.msg, "unknown record tag 99");

	close(sv[0]);
	CHECK(record_recv(sv[1], &rec, &err) == 0);
	close(sv[1]);
}

static int count_open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* More fds than a record holds: an error, and none of them stays open here. */
TEST(record_refuses_extra_fds)
{
	struct stage_error err;
	struct record rec;
	int sv[2], fds[RECORD_MAX_FDS + 3], before;
	uint32_t hdr[2] = {REC_FD, 0};
	char control[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = {hdr, sizeof(hdr)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cmsg), fds, sizeof(fds));
	CHECK(sendmsg(sv[0], &msg, 0) == sizeof(hdr));
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
	before = count_open_fds();
	CHECK(record_recv(sv[1], &rec, &err) < 0);
	CHECK_CONTAINS(err.msg, "more than 8 fds (RECORD_MAX_FDS)");
	CHECK(count_open_fds() == before);
	close(sv[0]);
	close(sv[1]);
}

TEST(plan_size_is_bounded)
{
	struct strbuf out = {0};
	struct stage_error err;
	char *big = malloc(PLAN_MAX_BYTES + 1);

	memset(big, 'x', PLAN_MAX_BYTES);
	big[PLAN_MAX_BYTES] = '\0';
	plan_emit(&out, "format", PLAN_FORMAT, NULL);
	plan_emit(&out, "annotation", "k", "v", NULL);
	CHECK(plan_check_size(out.data, out.len, &err) == 0);
	plan_emit(&out, "annotation", "huge", big, NULL);
	CHECK(plan_check_size(out.data, out.len, &err) < 0);
	CHECK(err.errnum == E2BIG);
	CHECK_CONTAINS(err.msg, "over its limit of 8 MiB (the largest record: `annotation` of");
	free(big);
	strbuf_release(&out);
}

TEST(fd_contract_checks_kind)
{
	struct stage_error err;
	int sealed = memfd_sealed("t", "abc", 3, &err);
	char buf[16];

	CHECK(sealed >= 0);
	snprintf(buf, sizeof(buf), "%d", sealed);
	setenv("BATON_FD_T", buf, 1);
	CHECK(stage_fd("BATON_FD_T", FD_KIND_SEALED_MEMFD, &err) == sealed);
	CHECK(stage_fd("BATON_FD_T", FD_KIND_SOCKET, &err) < 0);
	CHECK_CONTAINS(err.msg, "is not a socket");
	CHECK(write(sealed, "x", 1) < 0 && errno == EPERM);
	unsetenv("BATON_FD_T");
	CHECK(stage_fd_opt("BATON_FD_T", FD_KIND_FILE, &err) == FD_ABSENT);
	CHECK(stage_fd("BATON_FD_T", FD_KIND_FILE, &err) < 0);
	setenv("BATON_FD_T", "12x", 1);
	CHECK(stage_fd("BATON_FD_T", FD_KIND_FILE, &err) < 0);
	CHECK_CONTAINS(err.msg, "not an fd number");
	unsetenv("BATON_FD_T");
	close(sealed);
}

TEST(proc_open_stays_on_procfs)
{
	struct stage_error err;
	int fd = proc_open("/proc/self/status", O_RDONLY, &err);

	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* magic links lead out of procfs: refused */
	CHECK(proc_open("/proc/self/root/etc/passwd", O_RDONLY, &err) < 0);
	CHECK(err.errnum == ELOOP);
	CHECK(proc_open("/proc/self/cwd", O_RDONLY, &err) < 0);
	CHECK(proc_open("/proc/../etc/passwd", O_RDONLY, &err) < 0);
	CHECK(proc_open("/etc/passwd", O_RDONLY, &err) < 0);
	CHECK(err.errnum == EINVAL);
}

int main(void)
{
	return unit_run();
}
