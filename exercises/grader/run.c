/*
 * The runner: runs an exercise's graded tests one process each and writes
 * the verdicts. It is the only judge of a pass, and it never contains a
 * student's code: it execs the test binary (grade.c, linked with the
 * student's name.c) once per test and decides from what it observed.
 *
 *   grade-run [-t SECONDS] [-m MIB] [-s SLOT [-H PATH]...] -o RESULT
 *             -O OUTPUT -l TESTS -- COMMAND...
 *
 * For each line of TESTS (a test name), it runs `COMMAND... --run NAME`
 * with stdin from /dev/null, stdout and stderr to a file of its own (never
 * a pipe) whose first 64 KiB then go to OUTPUT after a "--- NAME ---"
 * line, limits on CPU time, file size, core size and (with -m)
 * address space, and two pipes: fd 3 sends the token, fd 4 brings the
 * reports (see grade.c). A test passes only when its process sends back
 * this run's random token after the body returned and then exits 0.
 *
 * Every run ends with its whole process tree dead: the runner is a
 * child subreaper, so descendants that left the process group (a setsid
 * daemon) come back to it and are killed before the next test starts.
 *
 * With -s SLOT the test runs sandboxed (root only): new PID, network,
 * mount, IPC and UTS namespaces (the network one has its own loopback
 * interface, up, and nothing else), a private /tmp and /proc, every -H PATH
 * hidden under an empty tmpfs, and the user and group 60000 + SLOT with no
 * new privileges and at most 64 processes. The namespace's first process
 * is the runner's own code: it waits for the test and passes its status
 * back, and when it exits the kernel kills whatever the test left behind.
 *
 * RESULT gets one line per test, then "end":
 *   test NAME STATUS CODE FILE LINE MESSAGE MILLISECONDS   (tab-separated)
 * STATUS is PASS, FAIL, CRASH (CODE: the signal), TIMEOUT, EXIT (CODE: the
 * status), MEMORY (status 86, the memory checkers'), ERROR or NOTRUN.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade_channel.h"

enum {
	MEMORY_STATUS = 86,
	MAX_REPORT = 16384,
	MAX_HIDDEN = 32,
	FILE_LIMIT = 16 << 20,
	KEPT_OUTPUT = 64 << 10,
	SANDBOX_UID = 60000,
	SANDBOX_PROCESSES = 64,
	STACK_SIZE = 1 << 20,
};

struct options {
	int timeout;     /* seconds per test */
	long memory_mib; /* address-space limit; 0 for none */
	int slot;        /* sandbox slot; -1 for no sandbox */
	const char *hidden[MAX_HIDDEN];
	int nhidden;
	const char *result; /* where the verdicts go */
	const char *output; /* where the tests' output goes */
	const char *tests;  /* the file of test names */
	char **command;     /* the test binary and its prefix (valgrind) */
	int ncommand;
};

/* What one test's process did, as the runner saw it. */
struct run {
	bool ready; /* it said "ready": main() started */
	bool timed_out;
	int wait_status; /* from waitpid(), or relayed by the sandbox */
	bool have_status;
	long milliseconds;
	char report[MAX_REPORT + 1];
	size_t report_len;
};

/* What the test's process needs, prepared before it is started. */
struct launch {
	const struct options *opt;
	char **argv;
	int token_pipe[2];
	int report_pipe[2];
	int status_pipe[2]; /* sandbox only: the relay's channel */
	int output_fd;      /* this test's output, a file of its own */
	int log_fd; /* OUTPUT: every test's output, cut to KEPT_OUTPUT */
	char *output_path;
	int binary_fd; /* sandbox only: the binary, opened before hiding */
};

static void die(const char *what)
{
	fprintf(stderr, "grade-run: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- the test's side: what happens between fork and exec ---------------- */

static void set_limit(int resource, rlim_t value)
{
	struct rlimit limit = {value, value};

	if (setrlimit(resource, &limit) != 0)
		die("setrlimit");
}

static void apply_limits(const struct options *opt)
{
	set_limit(RLIMIT_CPU, (rlim_t)opt->timeout + 1);
	set_limit(RLIMIT_FSIZE, FILE_LIMIT);
	set_limit(RLIMIT_CORE, 0);
	if (opt->memory_mib > 0)
		set_limit(RLIMIT_AS, (rlim_t)opt->memory_mib << 20);
	if (opt->slot >= 0)
		set_limit(RLIMIT_NPROC, SANDBOX_PROCESSES);
}

/* The fds the test gets: 0 /dev/null, 1 and 2 its output file, and the
 * channel; nothing else survives exec (every other fd is CLOEXEC). Each
 * source is first moved above 9, so no dup2() can overwrite the source
 * of a later one. */
static void wire_fds(const struct launch *l)
{
	int from[5] = {
		[STDIN_FILENO] = open("/dev/null", O_RDONLY),
		[STDOUT_FILENO] = l->output_fd,
		[STDERR_FILENO] = l->output_fd,
		[GRADE_TOKEN_FD] = l->token_pipe[0],
		[GRADE_REPORT_FD] = l->report_pipe[1],
	};

	for (int fd = 0; fd < 5; fd++) {
		if (from[fd] < 0 ||
		    (from[fd] = fcntl(from[fd], F_DUPFD, 10)) < 0)
			die("moving a descriptor");
	}
	for (int fd = 0; fd < 5; fd++) {
		if (dup2(from[fd], fd) < 0)
			die("dup2");
	}
}

static void drop_privileges(int slot)
{
	uid_t id = (uid_t)(SANDBOX_UID + slot);

	if (setgroups(0, NULL) != 0 || setresgid(id, id, id) != 0 ||
	    setresuid(id, id, id) != 0)
		die("dropping privileges");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("PR_SET_NO_NEW_PRIVS");
}

static void exec_test(const struct launch *l)
{
	wire_fds(l);
	apply_limits(l->opt);
	setenv("GRADE_CHANNEL", "1", 1);
	if (l->opt->slot >= 0) {
		/* Nothing of the grader's environment goes into the sandbox. */
		clearenv();
		setenv("PATH", "/usr/bin:/bin", 1);
		setenv("TMPDIR", "/tmp", 1);
		setenv("GRADE_CHANNEL", "1", 1);
		drop_privileges(l->opt->slot);
		fexecve(l->binary_fd, l->argv, environ);
	} else {
		execvp(l->argv[0], l->argv);
	}
	fprintf(stderr, "grade-run: cannot run %s: %s\n", l->argv[0],
	        strerror(errno));
	_exit(127);
}

/* ---- the sandbox --------------------------------------------------------- */

static void mount_or_die(const char *source, const char *target,
                         const char *type, unsigned long flags,
                         const char *data)
{
	if (mount(source, target, type, flags, data) != 0) {
		fprintf(stderr, "grade-run: mount %s: %s\n", target,
		        strerror(errno));
		_exit(126);
	}
}

/* The new network namespace has only a loopback interface, and it is
 * down: bring it up so that a test can serve and fetch on 127.0.0.1 (the
 * HTTP and Redis exercises), with no way out of the namespace. */
static void loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		_exit(126);
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		_exit(126);
	close(fd);
}

/* In the new mount namespace: nothing propagates out, the hidden paths
 * are empty, /tmp is private and /proc shows this PID namespace only. */
static void build_sandbox(const struct options *opt)
{
	mount_or_die(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	for (int i = 0; i < opt->nhidden; i++)
		mount_or_die("tmpfs", opt->hidden[i], "tmpfs",
		             MS_NOSUID | MS_NODEV | MS_NOEXEC,
		             "size=64k,mode=755");
	mount_or_die("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	             "size=64m,mode=1777");
	mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	             NULL);
	if (chdir("/tmp") != 0)
		_exit(126);
	loopback_up();
}

/* The namespace's first process: build the sandbox, start the test, wait
 * for it and relay its wait status. It is trusted code, not the test: a
 * PID namespace's init ignores the signals it has no handler for, which
 * would change how a crashing test dies. */
static int sandbox_init(void *arg)
{
	const struct launch *l = arg;
	int status = 0;

	/* The runner's ends: the test must not be able to write its own
	 * token, nor keep a pipe open through this process. */
	close(l->token_pipe[1]);
	close(l->report_pipe[0]);
	close(l->status_pipe[0]);
	build_sandbox(l->opt);
	pid_t test = fork();
	if (test < 0)
		_exit(126);
	if (test == 0)
		exec_test(l);
	while (waitpid(test, &status, 0) < 0 && errno == EINTR)
		;
	if (write(l->status_pipe[1], &status, sizeof(status)) < 0)
		_exit(126);
	_exit(0);
}

static pid_t start_sandboxed(struct launch *l)
{
	static char *stack;
	int flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC |
	            CLONE_NEWUTS | SIGCHLD;

	if (stack == NULL && (stack = malloc(STACK_SIZE)) == NULL)
		die("malloc");
	return clone(sandbox_init, stack + STACK_SIZE, flags, l);
}

static pid_t start(struct launch *l)
{
	if (l->opt->slot >= 0)
		return start_sandboxed(l);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		exec_test(l);
	}
	return pid;
}

/* ---- the runner's side --------------------------------------------------- */

/* SIGKILL every child of this process (a subreaper: orphans of the test
 * come back here). */
static void kill_children(void)
{
	char path[64], line[4096];

	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	         (int)getpid());
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(line, 1, sizeof(line) - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	line[n] = '\0';
	for (char *p = strtok(line, " \n"); p; p = strtok(NULL, " \n"))
		kill((pid_t)atol(p), SIGKILL);
}

/* Kill every process left over from a test: its process group, then every
 * child, round after round, until none is left. Never a blocking wait: a
 * process that forks as it is killed hands its child to this subreaper
 * after the kill, and the next round kills that one. Gives up after ten
 * seconds of rounds (a process stuck in the kernel cannot be killed). */
static void kill_leftovers(pid_t pid)
{
	if (pid > 0)
		kill(-pid, SIGKILL);
	for (int round = 0; round < 10000; round++) {
		kill_children();
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(1000);
	}
}

/* Read what the test sent: 1 when something came, 0 at end of file, -1
 * when nothing is there now. */
static int read_report(int fd, struct run *r)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 && errno == EAGAIN ? -1 : 0;
	size_t room = MAX_REPORT - r->report_len;
	size_t take = (size_t)n < room ? (size_t)n : room;
	memcpy(r->report + r->report_len, buf, take);
	r->report_len += take;
	r->report[r->report_len] = '\0';
	return 1;
}

/* Hand over the token once the test said "ready", and only once. */
static void answer_ready(struct run *r, struct launch *l, const char *token)
{
	if (r->ready || strncmp(r->report, "ready\n", 6) != 0)
		return;
	r->ready = true;
	/* A test that already ended cannot take it; that is not an error. */
	(void)!dprintf(l->token_pipe[1], "%s\n", token);
	close(l->token_pipe[1]);
	l->token_pipe[1] = -1;
}

/* Follow one test's process until it exits or its time is up. */
static void watch(pid_t pid, struct launch *l, const char *token, struct run *r)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	long deadline = now_ms() + l->opt->timeout * 1000L;
	bool open_report = true;

	if (pidfd < 0)
		die("pidfd_open");
	for (;;) {
		struct pollfd fds[2] = {{pidfd, POLLIN, 0},
		                        {l->report_pipe[0], POLLIN, 0}};
		long left = deadline - now_ms();
		if (left <= 0) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(fds, open_report ? 2 : 1, (int)left) < 0 &&
		    errno != EINTR)
			die("poll");
		if (open_report && fds[1].revents)
			open_report = read_report(l->report_pipe[0], r) != 0;
		answer_ready(r, l, token);
		if (fds[0].revents)
			break;
	}
	close(pidfd);
	while (waitpid(pid, &r->wait_status, 0) < 0 && errno == EINTR)
		;
	r->have_status = l->opt->slot < 0;
	while (r->report_len < MAX_REPORT &&
	       read_report(l->report_pipe[0], r) == 1)
		;
	answer_ready(r, l, token);
	if (l->opt->slot >= 0 && !r->timed_out)
		r->have_status = read(l->status_pipe[0], &r->wait_status,
		                      sizeof(r->wait_status)) ==
		                 (ssize_t)sizeof(r->wait_status);
}

/* ---- the verdict --------------------------------------------------------- */

struct verdict {
	const char *status;
	int code;
	char file[256];
	int line;
	char message[1024];
	long milliseconds;
};

/* Copy one untrusted field, at most `size - 1` bytes, without the result
 * file's separators. report.c makes it valid UTF-8 later. */
static const char *copy_field(char *to, size_t size, const char *from,
                              const char *stop)
{
	size_t n = 0;

	for (; *from != '\0' && !strchr(stop, *from); from++) {
		if (n + 1 < size)
			to[n++] = *from == '\r' ? ' ' : *from;
	}
	to[n] = '\0';
	return *from != '\0' ? from + 1 : from;
}

/* The first "fail" line of the report, if any. */
static bool parse_failure(const char *report, struct verdict *v)
{
	const char *at = strstr(report, "fail\t");
	char number[32];

	if (at == NULL || (at != report && at[-1] != '\n'))
		return false;
	at = copy_field(v->file, sizeof(v->file), at + 5, "\t\n");
	at = copy_field(number, sizeof(number), at, "\t\n");
	v->line = atoi(number);
	copy_field(v->message, sizeof(v->message), at, "\n");
	return true;
}

static bool proved_pass(const char *report, const char *token)
{
	char expected[128];

	snprintf(expected, sizeof(expected), "\npass %s", token);
	const char *at = strstr(report, expected);
	return at != NULL && at[strlen(expected)] == '\n';
}

static void judge(const struct run *r, const struct options *opt,
                  const char *token, struct verdict *v)
{
	int ws = r->wait_status;
	int sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;

	memset(v, 0, sizeof(*v));
	v->status = "EXIT";
	if (r->timed_out || sig == SIGXCPU) {
		v->status = "TIMEOUT";
		snprintf(v->message, sizeof(v->message),
		         "the test did not finish in %d s", opt->timeout);
	} else if (parse_failure(r->report, v)) {
		v->status = "FAIL";
	} else if (!r->have_status) {
		v->status = "ERROR";
		snprintf(v->message, sizeof(v->message),
		         "the sandbox did not report how the test ended");
	} else if (sig != 0) {
		v->status = "CRASH";
		v->code = sig;
		snprintf(v->message, sizeof(v->message), "%s (signal %d)",
		         sig == SIGXFSZ ? "the test wrote more than 16 MiB"
		                        : strsignal(sig),
		         sig);
	} else if (WEXITSTATUS(ws) == MEMORY_STATUS) {
		v->status = "MEMORY";
		v->code = MEMORY_STATUS;
		snprintf(v->message, sizeof(v->message),
		         "the memory checker found an error or a leak");
	} else if (WEXITSTATUS(ws) == 0 && proved_pass(r->report, token)) {
		v->status = "PASS";
	} else {
		v->code = WEXITSTATUS(ws);
		snprintf(v->message, sizeof(v->message),
		         "the test process exited (status %d) before the test "
		         "finished",
		         v->code);
	}
}

/* ---- one test, then all of them ------------------------------------------ */

static void make_token(char *token, size_t size)
{
	unsigned char bytes[16];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
		if (n < 0 && errno != EINTR)
			die("getrandom");
		got += n > 0 ? (size_t)n : 0;
	}
	for (size_t i = 0; i < sizeof(bytes) && 2 * i + 2 < size; i++)
		snprintf(token + 2 * i, 3, "%02x", bytes[i]);
}

static void open_channel(struct launch *l)
{
	if (pipe2(l->token_pipe, O_CLOEXEC) != 0 ||
	    pipe2(l->report_pipe, O_CLOEXEC) != 0 ||
	    pipe2(l->status_pipe, O_CLOEXEC) != 0)
		die("pipe2");
	fcntl(l->report_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(l->status_pipe[0], F_SETFL, O_NONBLOCK);
}

static void close_end(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_channel(struct launch *l)
{
	for (int i = 0; i < 2; i++) {
		close_end(&l->token_pipe[i]);
		close_end(&l->report_pipe[i]);
		close_end(&l->status_pipe[i]);
	}
}

/* Open `path` on a descriptor above the ones the test is given, so that
 * wiring the test's descriptors never closes it. */
static int open_high(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	int high = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 10);

	if (high < 0)
		die(path);
	close(fd);
	return high;
}

/* Append the first KEPT_OUTPUT bytes of what the test printed to the log,
 * then drop the test's own file: a test that floods its output (up to the
 * file-size limit) never takes the room of the tests after it. */
static void keep_output(struct launch *l)
{
	char buf[8192];
	size_t kept = 0;
	ssize_t n;

	lseek(l->output_fd, 0, SEEK_SET);
	while (kept < KEPT_OUTPUT &&
	       (n = read(l->output_fd, buf,
	                 KEPT_OUTPUT - kept < sizeof(buf) ? KEPT_OUTPUT - kept
	                                                  : sizeof(buf))) > 0) {
		if (write(l->log_fd, buf, (size_t)n) != n)
			break;
		kept += (size_t)n;
	}
	close(l->output_fd);
	unlink(l->output_path);
}

/* Run `name` and judge it; return whether its program started at all. */
static bool run_test(struct launch *l, const char *name, struct verdict *v)
{
	char token[40];
	struct run *r = calloc(1, sizeof(*r));

	if (r == NULL)
		die("calloc");
	make_token(token, sizeof(token));
	dprintf(l->log_fd, "--- %s ---\n", name);
	l->output_fd = open_high(l->output_path,
	                         O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC);
	l->argv[l->opt->ncommand + 1] = (char *)name;
	open_channel(l);
	long started = now_ms();
	pid_t pid = start(l);
	if (pid < 0)
		die("starting the test");
	close_end(&l->token_pipe[0]);
	close_end(&l->report_pipe[1]);
	close_end(&l->status_pipe[1]);
	watch(pid, l, token, r);
	kill_leftovers(l->opt->slot >= 0 ? 0 : pid);
	r->milliseconds = now_ms() - started;
	close_channel(l);
	keep_output(l);
	judge(r, l->opt, token, v);
	v->milliseconds = r->milliseconds;
	bool ready = r->ready;
	free(r);
	return ready;
}

static void write_verdict(FILE *out, const char *name, const struct verdict *v)
{
	fprintf(out, "test\t%s\t%s\t%d\t%s\t%d\t%s\t%ld\n", name, v->status,
	        v->code, v->file, v->line, v->message, v->milliseconds);
}

/* Every test of the list, in order. A program that does not start (it
 * hangs or dies before main() says "ready") costs one test's time: the
 * tests after it are not run, and say why. */
static void run_all(struct launch *l, FILE *tests, FILE *out)
{
	char name[256];
	bool started = true;
	struct verdict v;

	while (fgets(name, sizeof(name), tests) != NULL) {
		name[strcspn(name, "\r\n\t")] = '\0';
		if (name[0] == '\0')
			continue;
		if (!started) {
			memset(&v, 0, sizeof(v));
			v.status = "NOTRUN";
			snprintf(v.message, sizeof(v.message),
			         "not run: the test program did not start");
		} else {
			started = run_test(l, name, &v);
		}
		write_verdict(out, name, &v);
	}
	fputs("end\n", out);
}

static void usage(void)
{
	fputs("usage: grade-run [-t SECONDS] [-m MIB] [-s SLOT [-H PATH]...] "
	      "-o RESULT -O OUTPUT -l TESTS -- COMMAND...\n",
	      stderr);
	exit(2);
}

static void parse(int argc, char **argv, struct options *opt)
{
	int c;

	*opt = (struct options){.timeout = 5, .slot = -1};
	while ((c = getopt(argc, argv, "t:m:s:H:o:O:l:")) != -1) {
		switch (c) {
		case 't':
			opt->timeout = atoi(optarg);
			break;
		case 'm':
			opt->memory_mib = atol(optarg);
			break;
		case 's':
			opt->slot = atoi(optarg);
			break;
		case 'H':
			if (opt->nhidden == MAX_HIDDEN)
				usage();
			opt->hidden[opt->nhidden++] = optarg;
			break;
		case 'o':
			opt->result = optarg;
			break;
		case 'O':
			opt->output = optarg;
			break;
		case 'l':
			opt->tests = optarg;
			break;
		default:
			usage();
		}
	}
	opt->command = argv + optind;
	opt->ncommand = argc - optind;
	if (opt->timeout < 1 || opt->slot > 1000 || !opt->result ||
	    !opt->output || !opt->tests || opt->ncommand < 1)
		usage();
}

int main(int argc, char **argv)
{
	struct options opt;
	struct launch l = {.opt = &opt, .binary_fd = -1};

	parse(argc, argv, &opt);
	if (opt.slot >= 0 && geteuid() != 0) {
		fprintf(stderr, "grade-run: the sandbox needs root\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		die("PR_SET_CHILD_SUBREAPER");
	signal(SIGPIPE, SIG_IGN);
	l.argv = calloc((size_t)opt.ncommand + 3, sizeof(char *));
	if (l.argv == NULL)
		die("calloc");
	memcpy(l.argv, opt.command, (size_t)opt.ncommand * sizeof(char *));
	l.argv[opt.ncommand] = "--run";
	l.log_fd = open_high(opt.output, O_WRONLY | O_CREAT | O_TRUNC |
	                                         O_APPEND | O_CLOEXEC);
	if (asprintf(&l.output_path, "%s.test", opt.output) < 0)
		die("asprintf");
	if (opt.slot >= 0)
		l.binary_fd = open_high(opt.command[0], O_RDONLY | O_CLOEXEC);
	FILE *tests = fopen(opt.tests, "r");
	if (tests == NULL)
		die(opt.tests);
	/* The verdicts are kept in memory and written once every test's
	 * process is dead: nothing a test left running can write over them. */
	char *verdicts = NULL;
	size_t size = 0;
	FILE *memory = open_memstream(&verdicts, &size);
	if (memory == NULL)
		die("open_memstream");
	run_all(&l, tests, memory);
	fclose(memory);
	fclose(tests);
	FILE *out = fopen(opt.result, "w");
	if (out == NULL || fwrite(verdicts, 1, size, out) != size ||
	    fclose(out) != 0)
		die(opt.result);
	free(verdicts);
	return 0;
}
