/*
 * Exercise 15: the graded tests of the reactor. Run them with
 * `make test EX=15_reactor`.
 *
 * Every source is a pipe whose writer is the test itself, and it writes
 * only from the reactor's callbacks: a source delivers its next piece once
 * the previous one has been read, and some sources start only when another
 * one has ended. So what the reactor sees, and the order in which the
 * sources can finish, is fixed by the test, never by a clock. Nothing here
 * sleeps or measures time.
 *
 * The test program also defines poll() and read() itself, which the
 * linker prefers to the C library's for the code under test: the spies
 * count the calls, pass them on to ppoll() and readv(), and fail the test
 * by assertion (rather than let it hang) when the loop would wait for ever
 * or spins.
 */
#define _GNU_SOURCE    /* ppoll, the real wait behind the poll spy */
#undef _FORTIFY_SOURCE /* its inline read() would clash with the spy */

#include "grade.h"
#include "grade_assert.h"
#include "reactor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_SOURCES = 8,
	MAX_PIECES = 4,
	PIECE_SIZE = 8,
	DATA_SIZE = 64,
	MAX_POLLS = 10000,        /* far more turns than any test needs */
	MAX_EMPTY_IN_A_ROW = 1000 /* polls or reads that found nothing */
};

/* ---- the spies on poll(2) and read(2) --------------------------------- */

struct spy {
	bool armed;
	int fds[MAX_SOURCES + 2]; /* the read ends the tests hand over */
	size_t fd_count;
	unsigned polls;
	unsigned empty_polls_in_a_row;
	unsigned reads;
	unsigned empty_reads; /* read(2) that failed with EAGAIN */
	unsigned empty_reads_in_a_row;
	int fail_next_poll; /* an errno for the next poll to fail with */
};

static struct spy spy;

static void spy_arm(void)
{
	spy = (struct spy){.armed = true};
}

static void spy_watch(int fd)
{
	if (spy.fd_count < DP_ARRAY_SIZE(spy.fds))
		spy.fds[spy.fd_count++] = fd;
}

static bool spy_watches(int fd)
{
	for (size_t i = 0; i < spy.fd_count; i++)
		if (spy.fds[i] == fd)
			return true;
	return false;
}

static int real_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct timespec wait = {.tv_sec = timeout / 1000,
	                        .tv_nsec = (long)(timeout % 1000) * 1000000};
	return ppoll(fds, nfds, timeout < 0 ? NULL : &wait, NULL);
}

/*
 * In these tests only the test's callbacks write to the pipes, and they
 * run only when the reactor calls them. So a poll(2) that would wait while
 * none of its descriptors is ready would wait for ever: it fails the test
 * instead.
 */
int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (!spy.armed)
		return real_poll(fds, nfds, timeout);
	spy.polls++;
	ck_assert_msg(spy.polls <= MAX_POLLS,
	              "the loop called poll(2) more than %d times and is not "
	              "done: a source that poll reports is ready, whatever "
	              "the bits (POLLIN, POLLHUP when the writer closed, "
	              "POLLNVAL for a bad descriptor), and must be read or "
	              "ended",
	              MAX_POLLS);
	if (spy.fail_next_poll != 0) {
		errno = spy.fail_next_poll;
		spy.fail_next_poll = 0;
		return -1;
	}
	int ready = real_poll(fds, nfds, 0);
	if (ready != 0) {
		spy.empty_polls_in_a_row = 0;
		return ready;
	}
	ck_assert_msg(timeout == 0,
	              "poll(2) was asked to wait (timeout %d) for %lu "
	              "descriptor(s), none of which is ready: here the "
	              "writers write only from your callbacks, so it would "
	              "wait for ever. Pass every unfinished source to one "
	              "poll call, make each callback that is due (on_data, "
	              "on_end) before polling again, and do not poll when no "
	              "source is left",
	              timeout, (unsigned long)nfds);
	spy.empty_polls_in_a_row++;
	ck_assert_msg(spy.empty_polls_in_a_row <= MAX_EMPTY_IN_A_ROW,
	              "poll(2) with a timeout of 0 found nothing ready %d "
	              "times in a row: the loop spins instead of waiting",
	              MAX_EMPTY_IN_A_ROW);
	return 0;
}

ssize_t read(int fd, void *buf, size_t count)
{
	struct iovec iov = {.iov_base = buf, .iov_len = count};
	ssize_t got = readv(fd, &iov, 1);

	if (!spy.armed || !spy_watches(fd))
		return got;
	int saved = errno;
	spy.reads++;
	if (got < 0 && (saved == EAGAIN || saved == EWOULDBLOCK)) {
		spy.empty_reads++;
		spy.empty_reads_in_a_row++;
		ck_assert_msg(spy.empty_reads_in_a_row <= MAX_EMPTY_IN_A_ROW,
		              "read(2) found nothing (EAGAIN) %d times in a "
		              "row: the loop spins on sources that are not "
		              "ready instead of waiting in poll(2)",
		              MAX_EMPTY_IN_A_ROW);
	} else {
		spy.empty_reads_in_a_row = 0;
	}
	errno = saved;
	return got;
}

/* ---- the sources: pipes written from the callbacks -------------------- */

struct board;

struct source {
	struct board *board;
	char name;
	int read_fd;
	int write_fd;
	char pieces[MAX_PIECES][PIECE_SIZE];
	size_t piece_count;
	size_t next_piece; /* the next piece to write */
	size_t sent;       /* bytes written so far */
	char expected[DATA_SIZE];
	char data[DATA_SIZE]; /* what on_data delivered, in order */
	size_t received;
	int data_calls;
	int end_calls;
	int end_status;
	size_t count_at_end; /* ex_reactor_count() inside on_end */
	bool started;
	struct source *relay; /* starts writing when this one ends */
};

struct board {
	struct ex_reactor *reactor;
	struct source sources[MAX_SOURCES];
	size_t count;
	int in_flight; /* started (some data came) and not ended */
	int max_in_flight;
	char order[MAX_SOURCES + 1]; /* names, in the order they ended */
	size_t ended;
	int late_calls; /* callbacks after a source's on_end */
	bool meddle;    /* on_data calls add and run (must be EBUSY) */
	int meddle_add_rc;
	int meddle_run_rc;
	int spare_fd; /* what a meddling on_data tries to add */
};

/* Write the source's next piece, or close the writer after the last. */
static void deliver_next(struct source *source)
{
	if (source->next_piece < source->piece_count) {
		const char *piece = source->pieces[source->next_piece++];
		size_t len = strlen(piece);
		ck_assert_msg(write(source->write_fd, piece, len) ==
		                      (ssize_t)len,
		              "the test could not write to source %c's pipe",
		              source->name);
		source->sent += len;
	} else if (source->write_fd >= 0) {
		close(source->write_fd);
		source->write_fd = -1;
	}
}

static void probe_on_data(void *ctx, const char *data, size_t len);
static void probe_on_end(void *ctx, int status);

static const struct ex_source_ops probe_ops = {
	.on_data = probe_on_data,
	.on_end = probe_on_end,
};

static void probe_on_data(void *ctx, const char *data, size_t len)
{
	struct source *source = ctx;
	struct board *board = source->board;

	if (source->end_calls > 0) {
		board->late_calls++;
		return;
	}
	if (!source->started) {
		source->started = true;
		if (++board->in_flight > board->max_in_flight)
			board->max_in_flight = board->in_flight;
	}
	source->data_calls++;
	if (len > DATA_SIZE - 1 - source->received)
		len = DATA_SIZE - 1 - source->received;
	memcpy(source->data + source->received, data, len);
	source->received += len;
	if (board->meddle) {
		board->meddle = false; /* once */
		board->meddle_add_rc = ex_reactor_add(
			board->reactor, board->spare_fd, &probe_ops, source);
		board->meddle_run_rc = ex_reactor_run(board->reactor);
	}
	/* The writer delivers its next piece once this one has been read. */
	if (source->received == source->sent)
		deliver_next(source);
}

static void probe_on_end(void *ctx, int status)
{
	struct source *source = ctx;
	struct board *board = source->board;

	if (source->end_calls++ > 0) {
		board->late_calls++;
		return;
	}
	source->end_status = status;
	source->count_at_end = ex_reactor_count(board->reactor);
	if (source->started)
		board->in_flight--;
	if (board->ended < MAX_SOURCES)
		board->order[board->ended++] = source->name;
	if (source->relay != NULL)
		deliver_next(source->relay);
}

static void board_init(struct board *board, const struct dp_allocator *alloc)
{
	*board = (struct board){.spare_fd = -1};
	spy_arm();
	board->reactor = ex_reactor_create(alloc);
	ck_assert_msg(board->reactor != NULL,
	              "ex_reactor_create returned NULL: it should return a "
	              "new reactor");
}

/* A pipe whose read end is non-blocking, and `pieces` pieces to send. */
static struct source *source_open(struct board *board, char name, size_t pieces)
{
	ck_assert(board->count < MAX_SOURCES && pieces <= MAX_PIECES);
	struct source *source = &board->sources[board->count++];
	int ends[2];

	ck_assert_msg(pipe(ends) == 0, "the test could not make a pipe");
	ck_assert(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0);
	*source = (struct source){
		.board = board,
		.name = name,
		.read_fd = ends[0],
		.write_fd = ends[1],
		.piece_count = pieces,
		.end_status = 12345,
	};
	for (size_t i = 0; i < pieces; i++) {
		snprintf(source->pieces[i], PIECE_SIZE, "%c%zu.", name, i + 1);
		strcat(source->expected, source->pieces[i]);
	}
	spy_watch(ends[0]);
	return source;
}

static void source_add(struct board *board, struct source *source)
{
	grade_assert_code(ex_reactor_add(board->reactor, source->read_fd,
	                                 &probe_ops, source),
	                  DP_OK);
}

/* Open `count` sources named A, B, ... with the pieces given, register
 * them in that order and let each writer deliver its first piece. */
static void board_start(struct board *board, size_t count, const size_t *pieces)
{
	for (size_t i = 0; i < count; i++)
		source_open(board, (char)('A' + i), pieces[i]);
	for (size_t i = 0; i < count; i++)
		source_add(board, &board->sources[i]);
	for (size_t i = 0; i < count; i++)
		deliver_next(&board->sources[i]);
}

static void board_close(struct board *board)
{
	spy.armed = false;
	ex_reactor_destroy(board->reactor);
	board->reactor = NULL;
	for (size_t i = 0; i < board->count; i++) {
		struct source *source = &board->sources[i];
		if (source->read_fd >= 0)
			close(source->read_fd);
		if (source->write_fd >= 0)
			close(source->write_fd);
	}
	if (board->spare_fd >= 0)
		close(board->spare_fd);
}

/* Every source of the board ended once, with DP_OK and all its bytes. */
static void assert_all_served(const struct board *board)
{
	char got[GRADE_CODE_TEXT_SIZE];

	for (size_t i = 0; i < board->count; i++) {
		const struct source *source = &board->sources[i];
		ck_assert_msg(source->end_calls == 1,
		              "source %c: on_end should be called once, it was "
		              "called %d times",
		              source->name, source->end_calls);
		ck_assert_msg(source->end_status == DP_OK,
		              "source %c: on_end should get DP_OK at end of "
		              "file, got %s",
		              source->name,
		              grade_code_text(got, source->end_status));
		ck_assert_msg(strcmp(source->data, source->expected) == 0,
		              "source %c: on_data should deliver \"%s\", in "
		              "order, got \"%s\"",
		              source->name, source->expected, source->data);
	}
	ck_assert_msg(board->late_calls == 0,
	              "%d callback(s) came after their source's on_end",
	              board->late_calls);
}

/* ---- the tests -------------------------------------------------------- */

START_TEST(test_one_source_is_read_to_the_end)
{
	struct board board;

	board_init(&board, NULL);
	struct source *source = source_open(&board, 'A', 3);
	/* All of it is there before the run, and the writer has closed: poll
	 * reports data and the hang-up (POLLIN | POLLHUP) together. */
	for (size_t i = 0; i <= source->piece_count; i++)
		deliver_next(source);
	source_add(&board, source);
	ck_assert_msg(ex_reactor_count(board.reactor) == 1,
	              "after one ex_reactor_add the count should be 1, got "
	              "%zu",
	              ex_reactor_count(board.reactor));

	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	ck_assert_msg(ex_reactor_count(board.reactor) == 0,
	              "after the run the count should be 0, got %zu",
	              ex_reactor_count(board.reactor));
	board_close(&board);
}
END_TEST

START_TEST(test_sources_are_in_flight_together)
{
	struct board board;
	const size_t pieces[] = {3, 3, 3, 3, 3, 3, 3, 3};

	board_init(&board, NULL);
	board_start(&board, DP_ARRAY_SIZE(pieces), pieces);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	ck_assert_msg(board.max_in_flight == (int)DP_ARRAY_SIZE(pieces),
	              "at most %d of the %zu sources were in flight at once "
	              "(started and not ended), expected all %zu: each has "
	              "data from the start, so the first turn should read "
	              "from every one of them",
	              board.max_in_flight, DP_ARRAY_SIZE(pieces),
	              DP_ARRAY_SIZE(pieces));
	board_close(&board);
}
END_TEST

START_TEST(test_the_shortest_source_finishes_first)
{
	struct board board;
	/* A sends 3 pieces, B 1, C 2, each once the last was read. */
	const size_t pieces[] = {3, 1, 2};

	board_init(&board, NULL);
	board_start(&board, DP_ARRAY_SIZE(pieces), pieces);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	ck_assert_msg(strcmp(board.order, "BCA") == 0,
	              "A, B and C send 3, 1 and 2 pieces, one piece per "
	              "read: they should end in the order \"BCA\", they ended "
	              "in the order \"%s\"",
	              board.order);
	board_close(&board);
}
END_TEST

/* A, B, C and D are registered in that order, but only C's writer writes
 * at first; when C ends A's starts, then D's, then B's. */
static void relay_start(struct board *board)
{
	const size_t pieces[] = {1, 1, 1, 1};

	for (size_t i = 0; i < DP_ARRAY_SIZE(pieces); i++)
		source_open(board, (char)('A' + i), pieces[i]);
	for (size_t i = 0; i < DP_ARRAY_SIZE(pieces); i++)
		source_add(board, &board->sources[i]);
	struct source *a = &board->sources[0], *b = &board->sources[1];
	struct source *c = &board->sources[2], *d = &board->sources[3];
	c->relay = a;
	a->relay = d;
	d->relay = b;
	deliver_next(c);
}

START_TEST(test_completion_follows_readiness_not_registration)
{
	struct board board;
	char got[GRADE_CODE_TEXT_SIZE];

	board_init(&board, NULL);
	relay_start(&board);
	int rc = ex_reactor_run(board.reactor);
	for (size_t i = 0; i < board.count; i++) {
		const struct source *source = &board.sources[i];
		ck_assert_msg(source->end_status == DP_OK,
		              "source %c ended with %s, expected DP_OK: a "
		              "source with nothing to read yet is not "
		              "finished, it waits (read(2) fails with EAGAIN "
		              "only when it was read before poll(2) said so)",
		              source->name,
		              grade_code_text(got, source->end_status));
	}
	ck_assert_msg(strcmp(board.order, "CADB") == 0,
	              "registered A B C D, but the writers write one after "
	              "another, C, A, D, B, each when the one before has "
	              "ended: expected the order \"CADB\", got \"%s\"",
	              board.order);
	grade_assert_code(rc, DP_OK);
	assert_all_served(&board);
	board_close(&board);
}
END_TEST

START_TEST(test_the_loop_waits_in_poll)
{
	struct board board;

	board_init(&board, NULL);
	relay_start(&board);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	ck_assert_msg(spy.polls > 0,
	              "the loop never called poll(2): it can only have "
	              "tried each source in turn, a busy loop");
	ck_assert_msg(spy.empty_reads == 0,
	              "%u of %u read(2) calls found nothing (EAGAIN): the "
	              "loop read sources that poll(2) had not reported "
	              "ready, which is busy waiting",
	              spy.empty_reads, spy.reads);
	board_close(&board);
}
END_TEST

START_TEST(test_a_bad_descriptor_fails_only_its_source)
{
	struct board board;
	char got[GRADE_CODE_TEXT_SIZE];
	int ends[2];

	board_init(&board, NULL);
	struct source *a = source_open(&board, 'A', 2);
	struct source *d = source_open(&board, 'D', 1);
	/* C reads a directory: poll says readable, read(2) fails (EISDIR). */
	int directory = open("/", O_RDONLY);
	ck_assert_msg(directory >= 0, "the test could not open /");
	/* B's descriptor is closed: poll(2) reports POLLNVAL. It is made last
	 * so that no descriptor opened during the test reuses its number. */
	ck_assert(pipe(ends) == 0);
	close(ends[0]);
	close(ends[1]);
	int closed = ends[0];
	struct source *b = &board.sources[board.count++];
	struct source *c = &board.sources[board.count++];
	*b = (struct source){.board = &board,
	                     .name = 'B',
	                     .read_fd = -1,
	                     .write_fd = -1,
	                     .end_status = 12345};
	*c = (struct source){.board = &board,
	                     .name = 'C',
	                     .read_fd = directory,
	                     .write_fd = -1,
	                     .end_status = 12345};

	source_add(&board, a);
	grade_assert_code(ex_reactor_add(board.reactor, closed, &probe_ops, b),
	                  DP_OK);
	source_add(&board, c);
	source_add(&board, d);
	deliver_next(a);
	deliver_next(d);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);

	struct source *bad[] = {b, c};
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		ck_assert_msg(bad[i]->end_calls == 1 &&
		                      bad[i]->end_status == DP_EIO,
		              "source %c (%s) should end once with DP_EIO: "
		              "on_end was called %d times, last with %s",
		              bad[i]->name,
		              i == 0 ? "a closed descriptor" : "a directory",
		              bad[i]->end_calls,
		              grade_code_text(got, bad[i]->end_status));
		bad[i]->end_status = DP_OK; /* for assert_all_served */
		strcpy(bad[i]->expected, bad[i]->data);
	}
	assert_all_served(&board);
	ck_assert_msg(ex_reactor_count(board.reactor) == 0,
	              "after the run the count should be 0, got %zu",
	              ex_reactor_count(board.reactor));
	board_close(&board);
}
END_TEST

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

START_TEST(test_every_source_is_unregistered_and_nothing_leaks)
{
	struct dp_counting_allocator counter;
	struct board board;
	const size_t pieces[] = {2, 1, 3, 1, 2};

	dp_counting_allocator_init(&counter, NULL);
	board_init(&board, &counter.base);
	board_start(&board, DP_ARRAY_SIZE(pieces), pieces);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	for (size_t i = 0; i < board.count; i++) {
		const struct source *source = &board.sources[i];
		size_t left = board.count - 1 -
		              (size_t)(strchr(board.order, source->name) -
		                       board.order);
		ck_assert_msg(source->count_at_end == left,
		              "inside source %c's on_end, ex_reactor_count "
		              "should be %zu (the sources not yet ended), got "
		              "%zu: unregister a source before its on_end",
		              source->name, left, source->count_at_end);
		ck_assert_msg(is_open(source->read_fd),
		              "source %c's descriptor was closed: the reactor "
		              "must leave the caller's descriptors open",
		              source->name);
	}

	/* The reactor can be used again. */
	struct source *again = source_open(&board, 'F', 1);
	source_add(&board, again);
	deliver_next(again);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);

	/* Destroyed with sources registered: nobody is called. */
	struct source *dropped = source_open(&board, 'G', 1);
	source_add(&board, dropped);
	board_close(&board);
	ck_assert_msg(dropped->data_calls == 0 && dropped->end_calls == 0,
	              "ex_reactor_destroy must call no callback of the "
	              "sources still registered");
	ck_assert_msg(counter.allocations > 0,
	              "the reactor allocated nothing from the allocator given "
	              "to ex_reactor_create: use dp_alloc, dp_realloc_array "
	              "and dp_free with it");
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu block(s) still allocated after ex_reactor_destroy "
	              "(%zu allocated, %zu freed)",
	              counter.live_blocks, counter.allocations, counter.frees);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
	struct board board;
	const struct ex_source_ops no_data = {.on_end = probe_on_end};
	const struct ex_source_ops no_end = {.on_data = probe_on_data};

	board_init(&board, NULL);
	/* An empty reactor has nothing to wait for. */
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	ck_assert_msg(spy.polls == 0,
	              "ex_reactor_run on an empty reactor should return at "
	              "once, it called poll(2) %u times",
	              spy.polls);

	struct source *source = source_open(&board, 'A', 1);
	int fd = source->read_fd;
	grade_assert_code(ex_reactor_add(NULL, fd, &probe_ops, source),
	                  DP_EINVAL);
	grade_assert_code(ex_reactor_add(board.reactor, -1, &probe_ops, source),
	                  DP_EINVAL);
	grade_assert_code(ex_reactor_add(board.reactor, fd, NULL, source),
	                  DP_EINVAL);
	grade_assert_code(ex_reactor_add(board.reactor, fd, &no_data, source),
	                  DP_EINVAL);
	grade_assert_code(ex_reactor_add(board.reactor, fd, &no_end, source),
	                  DP_EINVAL);
	ck_assert_msg(ex_reactor_count(board.reactor) == 0,
	              "a refused ex_reactor_add must register nothing, the "
	              "count is %zu",
	              ex_reactor_count(board.reactor));
	source_add(&board, source);
	grade_assert_code(ex_reactor_add(board.reactor, fd, &probe_ops, source),
	                  DP_EEXIST);
	ck_assert_msg(ex_reactor_count(board.reactor) == 1,
	              "a descriptor added twice must be registered once, the "
	              "count is %zu",
	              ex_reactor_count(board.reactor));
	grade_assert_code(ex_reactor_run(NULL), DP_EINVAL);
	ck_assert_msg(ex_reactor_count(NULL) == 0,
	              "ex_reactor_count(NULL) should be 0");
	ex_reactor_destroy(NULL);

	deliver_next(source);
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	board_close(&board);
}
END_TEST

START_TEST(test_add_and_run_from_a_callback_are_ebusy)
{
	struct board board;
	const size_t pieces[] = {2, 1};

	board_init(&board, NULL);
	board_start(&board, DP_ARRAY_SIZE(pieces), pieces);
	int ends[2];
	ck_assert(pipe(ends) == 0);
	close(ends[1]);
	board.spare_fd = ends[0];
	board.meddle = true;
	board.meddle_add_rc = board.meddle_run_rc = 12345;

	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	/* What ex_reactor_add, called from on_data, returned. */
	grade_assert_code(board.meddle_add_rc, DP_EBUSY);
	/* What ex_reactor_run, called from on_data, returned. */
	grade_assert_code(board.meddle_run_rc, DP_EBUSY);
	assert_all_served(&board);
	ck_assert_msg(ex_reactor_count(board.reactor) == 0,
	              "the refused add must register nothing: the count "
	              "after the run should be 0, got %zu",
	              ex_reactor_count(board.reactor));
	board_close(&board);
}
END_TEST

START_TEST(test_out_of_memory_changes_nothing)
{
	enum { SOURCES = 200 };
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	struct source source = {0};
	char got[GRADE_CODE_TEXT_SIZE];
	bool done = false;

	/* Fail the 1st request, then the 2nd, ... until none is reached.
	 * The descriptors are numbers only: the reactor is never run. */
	for (size_t fail_at = 1; !done && fail_at < 100; fail_at++) {
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, fail_at, &counter.base);
		struct ex_reactor *reactor = ex_reactor_create(&failing.base);
		size_t added = 0;
		for (int fd = 1000; reactor != NULL && fd < 1000 + SOURCES;
		     fd++) {
			int rc = ex_reactor_add(reactor, fd, &probe_ops,
			                        &source);
			ck_assert_msg(rc == DP_OK || rc == DP_ENOMEM,
			              "ex_reactor_add should return DP_OK or, "
			              "when memory runs out, DP_ENOMEM; got %s",
			              grade_code_text(got, rc));
			added += rc == DP_OK;
			ck_assert_msg(ex_reactor_count(reactor) == added,
			              "after %zu successful adds (the last one "
			              "%s) the count should be %zu, got %zu",
			              added, grade_code_text(got, rc), added,
			              ex_reactor_count(reactor));
		}
		ck_assert_msg(reactor != NULL || failing.failed,
		              "ex_reactor_create returned NULL though memory "
		              "did not run out");
		done = !failing.failed;
		if (done)
			ck_assert_msg(added == SOURCES,
			              "with memory to spare all %d adds should "
			              "succeed, %zu did",
			              SOURCES, added);
		ex_reactor_destroy(reactor);
		ck_assert_msg(counter.live_blocks == 0,
		              "when allocation %zu fails, %zu block(s) are "
		              "still allocated after ex_reactor_destroy",
		              fail_at, counter.live_blocks);
	}
	ck_assert_msg(done, "the reactor made more than 100 allocations for "
	                    "200 sources: grow the tables by doubling");
	ck_assert_msg(source.data_calls == 0 && source.end_calls == 0,
	              "a failed allocation must call no callback");
}
END_TEST

START_TEST(test_a_failed_poll_is_eio_and_eintr_is_retried)
{
	struct board board;
	const size_t pieces[] = {2, 1};

	board_init(&board, NULL);
	board_start(&board, DP_ARRAY_SIZE(pieces), pieces);
	spy.fail_next_poll = EINVAL;
	grade_assert_code(ex_reactor_run(board.reactor), DP_EIO);
	ck_assert_msg(board.sources[0].data_calls == 0 &&
	                      board.sources[1].data_calls == 0,
	              "when poll(2) fails, no callback of that turn may be "
	              "made");
	ck_assert_msg(ex_reactor_count(board.reactor) == 2,
	              "after a failed poll(2) both sources should still be "
	              "registered, the count is %zu",
	              ex_reactor_count(board.reactor));

	/* A signal interrupts the wait: nothing failed, poll again. */
	spy.fail_next_poll = EINTR;
	grade_assert_code(ex_reactor_run(board.reactor), DP_OK);
	assert_all_served(&board);
	board_close(&board);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_one_source_is_read_to_the_end",
         test_one_source_is_read_to_the_end, 2,
         "Register the descriptor in ex_reactor_add; in ex_reactor_run, "
         "poll(2) it for POLLIN and read(2) when poll reports it (any "
         "non-zero revents: a closed writer shows as POLLHUP). read "
         "returning 0 is end of file: unregister, then on_end(ctx, "
         "DP_OK). README steps 1 and 2."},
	{"test_sources_are_in_flight_together",
         test_sources_are_in_flight_together, 5,
         "Only one source was in flight at a time: read(2) in a loop "
         "until end of file (the blocking read of a sequential "
         "program), or until EAGAIN, serves one source to its end "
         "before the next starts. Give poll(2) every source at once and "
         "make ONE read per reported source per turn. README step 2."},
	{"test_the_shortest_source_finishes_first",
         test_the_shortest_source_finishes_first, 4,
         "In each turn, read once from EVERY source that poll(2) "
         "reported, not only the first, and never twice: one read per "
         "source per turn lets a short source finish before a long "
         "one, whatever the registration order."},
	{"test_completion_follows_readiness_not_registration",
         test_completion_follows_readiness_not_registration, 4,
         "Serve the sources poll(2) reported, in the order readiness "
         "comes, not in registration order: waiting for source A "
         "first, or reading it before poll says so, stalls or fails "
         "while C is the one with data. One poll over all of them."},
	{"test_the_loop_waits_in_poll", test_the_loop_waits_in_poll, 3,
         "A loop that reads each source in turn without waiting in "
         "poll(2), or reads sources poll did not report, gets EAGAIN "
         "again and again: a busy loop that burns a core. Wait in "
         "poll(2) with no timeout; read only what it reported."},
	{"test_a_bad_descriptor_fails_only_its_source",
         test_a_bad_descriptor_fails_only_its_source, 3,
         "poll(2) reports a closed descriptor as POLLNVAL, and read(2) "
         "fails on it (EBADF) or on a directory (EISDIR): end that "
         "source alone with DP_EIO and keep serving the others. README "
         "step 3."},
	{"test_every_source_is_unregistered_and_nothing_leaks",
         test_every_source_is_unregistered_and_nothing_leaks, 3,
         "Unregister a source BEFORE its on_end (the count must already "
         "leave it out), never call it again, never close the caller's "
         "descriptors, leave the reactor reusable after a run, and free "
         "every table in destroy without calling anyone."},
	{"test_bad_arguments_are_refused", test_bad_arguments_are_refused, 2,
         "Check every argument first (DP_EINVAL), refuse a descriptor "
         "already registered (DP_EEXIST), and return DP_OK at once when "
         "nothing is registered: poll(2) on no descriptors with no "
         "timeout sleeps for ever. README step 4."},
	{"test_add_and_run_from_a_callback_are_ebusy",
         test_add_and_run_from_a_callback_are_ebusy, 1,
         "Keep a `running` flag set for the whole of ex_reactor_run and "
         "refuse ex_reactor_add and ex_reactor_run (DP_EBUSY) while it "
         "is set. README step 4."},
	{"test_out_of_memory_changes_nothing",
         test_out_of_memory_changes_nothing, 1,
         "When a table cannot grow, return DP_ENOMEM with nothing "
         "registered; if the first of two tables grew and the second "
         "did not, keep the larger one but count the new capacity only "
         "once both grew."},
	{"test_a_failed_poll_is_eio_and_eintr_is_retried",
         test_a_failed_poll_is_eio_and_eintr_is_retried, 2,
         "poll(2) returning -1 with errno EINTR means a signal came: "
         "poll again. Any other -1 ends the run with DP_EIO before any "
         "callback, the sources still registered. README step 4."},
};

int main(int argc, char **argv)
{
	return grade_main("15_reactor", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
