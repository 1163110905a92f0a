/*
 * A price check that asks six slow backends, each a child process that
 * answers through a pipe after 50 ms: first one after another with
 * blocking reads, the way a naive program does it, then all at once with
 * a reactor, where the waits overlap. A deadline timer guards the
 * concurrent round and is cancelled when the last answer is in.
 *
 * The output shows answers and counts only, never times, so it is the
 * same on every machine; `make bench` measures the times.
 */
#include "reactor/reactor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { BACKENDS = 6, DELAY_MS = 50, DEADLINE_MS = 5000 };

/* One backend seen from the parent: its pipe, its pid, its answer. */
struct backend {
	struct dp_io_handler io; /* Observes the read end of the pipe. */
	struct round *round;
	int index;
	pid_t pid;
	char answer[64];
	size_t length;
};

/* The state of the concurrent round, shared by every handler. */
struct round {
	struct dp_timer deadline;
	int pending;
	bool timed_out;
};

/* Runs in the child: think for DELAY_MS, answer, exit. */
static void serve(int fd, int index)
{
	struct timespec delay = {0, DELAY_MS * 1000000L};
	nanosleep(&delay, NULL);
	char line[64];
	int length = snprintf(line, sizeof(line), "%d.%02d EUR",
	                      100 + 7 * index, (index * 13) % 100);
	ssize_t written = write(fd, line, (size_t)length);
	_exit(written == length ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* Fork a backend; returns the read end of its pipe, or -1. */
static int spawn(struct backend *backend)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	/* The child would inherit unwritten output; some runtimes flush it
	 * even on _exit(), printing it twice. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		serve(fds[1], backend->index);
	}
	close(fds[1]);
	backend->pid = pid;
	backend->length = 0;
	return fds[0];
}

/* Reads what is there; end of file means the backend has answered. */
static bool read_some(struct backend *backend, int fd)
{
	size_t room = sizeof(backend->answer) - 1 - backend->length;
	ssize_t got = read(fd, backend->answer + backend->length, room);
	if (got > 0) {
		backend->length += (size_t)got;
		return false;
	}
	backend->answer[backend->length] = '\0';
	return true;
}

static void finish(struct backend *backend, int fd)
{
	close(fd);
	waitpid(backend->pid, NULL, 0);
}

static int one_after_another(struct backend *backends)
{
	for (int i = 0; i < BACKENDS; i++) {
		int fd = spawn(&backends[i]);
		if (fd < 0)
			return -1;
		/* Each read blocks until this backend answers. */
		bool answered;
		do
			answered = read_some(&backends[i], fd);
		while (!answered);
		finish(&backends[i], fd);
	}
	return 0;
}

static void on_answer(struct dp_reactor *reactor, struct dp_io_handler *self,
                      unsigned events)
{
	(void)events;
	struct backend *backend = dp_container_of(self, struct backend, io);
	if (!read_some(backend, self->fd))
		return;
	dp_reactor_io_stop(reactor, self);
	finish(backend, self->fd);
	if (--backend->round->pending == 0)
		dp_reactor_timer_stop(reactor, &backend->round->deadline);
}

static void on_deadline(struct dp_reactor *reactor, struct dp_timer *self)
{
	struct round *round = dp_container_of(self, struct round, deadline);
	round->timed_out = true;
	dp_reactor_stop(reactor);
}

static int all_at_once(struct dp_reactor *reactor, struct backend *backends,
                       struct round *round)
{
	dp_timer_init(&round->deadline, on_deadline);
	round->pending = BACKENDS;
	round->timed_out = false;
	for (int i = 0; i < BACKENDS; i++) {
		backends[i].round = round;
		int fd = spawn(&backends[i]);
		if (fd < 0)
			return -1;
		dp_io_handler_init(&backends[i].io, fd, on_answer);
		if (dp_reactor_io_start(reactor, &backends[i].io,
		                        DP_IO_READABLE) != DP_OK)
			return -1;
	}
	if (dp_reactor_timer_start(reactor, &round->deadline,
	                           DEADLINE_MS * 1000000ULL) != DP_OK)
		return -1;
	return dp_reactor_run(reactor);
}

static void print_answers(const struct backend *backends)
{
	for (int i = 0; i < BACKENDS; i++)
		printf("  backend %d: %s\n", backends[i].index,
		       backends[i].answer);
}

int main(void)
{
	struct backend serial[BACKENDS];
	struct backend concurrent[BACKENDS];
	for (int i = 0; i < BACKENDS; i++) {
		serial[i] = (struct backend){.index = i + 1};
		concurrent[i] = (struct backend){.index = i + 1};
	}

	printf("Price check: %d backends, each answers after %d ms\n\n",
	       BACKENDS, DELAY_MS);

	printf("One after another (blocking reads, the waits add up):\n");
	if (one_after_another(serial) != 0)
		return EXIT_FAILURE;
	print_answers(serial);

	struct dp_reactor *reactor = dp_reactor_create(NULL, NULL);
	if (reactor == NULL)
		return EXIT_FAILURE;
	struct round round;
	printf("\nAll at once (one reactor, the waits overlap):\n");
	int rc = all_at_once(reactor, concurrent, &round);
	if (rc != DP_OK) {
		dp_reactor_destroy(reactor);
		return EXIT_FAILURE;
	}
	bool same = true;
	for (int i = 0; i < BACKENDS; i++)
		same = same &&
		       strcmp(serial[i].answer, concurrent[i].answer) == 0;
	printf("  answers: %d of %d, the same as above: %s\n",
	       BACKENDS - round.pending, BACKENDS, same ? "yes" : "no");
	printf("  deadline timer: %s\n",
	       round.timed_out ? "fired" : "cancelled by the last answer");
	printf("  handlers left: %s\n", dp_reactor_is_alive(reactor)
	                                        ? "some"
	                                        : "none, so run() returned");
	dp_reactor_destroy(reactor);
	return EXIT_SUCCESS;
}
