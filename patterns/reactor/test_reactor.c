/*
 * Tests of the Reactor: timer order on a manual clock, readiness dispatch
 * on pipes the test writes itself, every change made from inside a
 * callback (removal, addition, restart, stop), every error path, and every
 * out-of-memory path. No test depends on how fast the machine is: the
 * loop is driven with dp_reactor_run_once(reactor, 0), which only polls,
 * and time moves only when a test advances the manual clock.
 *
 * Probes write their name into a shared trace when called, so "ABC"
 * means A, then B, then C was called.
 */
#include "common/dp_test.h"
#include "reactor/reactor.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint64_t MS = 1000000;

struct trace {
	char order[64];
	size_t length;
};

static void record(struct trace *trace, char name)
{
	if (trace->length + 1 < sizeof(trace->order))
		trace->order[trace->length++] = name;
}

/* What a probe does after recording itself. */
enum action {
	DO_NOTHING,
	STOP_OTHER,     /* stop `other`'s handler (or timer) */
	STOP_SELF,      /* stop its own handler and free itself */
	START_OTHER,    /* start `other`'s handler (or timer, delay 0) */
	RESTART_SELF,   /* start its own timer again, delay 0 */
	STOP_LOOP,      /* dp_reactor_stop() */
	RUN_AGAIN,      /* call dp_reactor_run_once() from inside */
	READ_ONE_BYTE,  /* drain one byte from its descriptor */
	WATCH_READABLE, /* switch `other` to readable only */
};

struct probe {
	struct dp_io_handler io;
	struct dp_timer timer;
	char name;
	struct trace *trace;
	enum action action;
	struct probe *other;
	unsigned last_events;
	int inner_rc; /* what RUN_AGAIN got */
	size_t calls;
};

static void act(struct dp_reactor *reactor, struct probe *probe, bool is_io)
{
	record(probe->trace, probe->name);
	probe->calls++;
	switch (probe->action) {
	case DO_NOTHING:
		break;
	case STOP_OTHER:
		if (is_io)
			dp_reactor_io_stop(reactor, &probe->other->io);
		else
			dp_reactor_timer_stop(reactor, &probe->other->timer);
		break;
	case STOP_SELF:
		dp_reactor_io_stop(reactor, &probe->io);
		free(probe); /* ASan reports any later use */
		break;
	case START_OTHER:
		if (is_io)
			dp_reactor_io_start(reactor, &probe->other->io,
			                    DP_IO_READABLE);
		else
			dp_reactor_timer_start(reactor, &probe->other->timer,
			                       0);
		break;
	case RESTART_SELF:
		dp_reactor_timer_start(reactor, &probe->timer, 0);
		break;
	case STOP_LOOP:
		dp_reactor_stop(reactor);
		break;
	case RUN_AGAIN:
		probe->inner_rc = dp_reactor_run_once(reactor, 0);
		break;
	case READ_ONE_BYTE: {
		char byte;
		ck_assert_int_eq(read(probe->io.fd, &byte, 1), 1);
		break;
	}
	case WATCH_READABLE:
		dp_reactor_io_modify(reactor, &probe->other->io,
		                     DP_IO_READABLE);
		break;
	}
}

static void probe_ready(struct dp_reactor *reactor, struct dp_io_handler *self,
                        unsigned events)
{
	struct probe *probe = dp_container_of(self, struct probe, io);
	probe->last_events = events;
	act(reactor, probe, true);
}

static void probe_due(struct dp_reactor *reactor, struct dp_timer *self)
{
	act(reactor, dp_container_of(self, struct probe, timer), false);
}

static void probe_init(struct probe *probe, char name, struct trace *trace,
                       int fd)
{
	*probe = (struct probe){.name = name, .trace = trace};
	ck_assert_int_eq(dp_io_handler_init(&probe->io, fd, probe_ready),
	                 DP_OK);
	ck_assert_int_eq(dp_timer_init(&probe->timer, probe_due), DP_OK);
}

/* Through a function, so that a checker sees the callback may read it. */
static void set_action(struct probe *probe, enum action action)
{
	probe->action = action;
}

/* A pipe with `bytes` bytes already written into it. */
static void filled_pipe(int fds[2], size_t bytes)
{
	ck_assert_int_eq(pipe(fds), 0);
	for (size_t i = 0; i < bytes; i++)
		ck_assert_int_eq(write(fds[1], "x", 1), 1);
}

static void close_pipe(const int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* A reactor on a manual clock that starts at 1 s. */
struct fixture {
	struct dp_manual_clock clock;
	struct dp_counting_allocator counter;
	struct dp_reactor *reactor;
	struct trace trace;
};

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(dp_manual_clock_init(&f->clock, 1000 * MS), DP_OK);
	dp_counting_allocator_init(&f->counter, NULL);
	f->reactor = dp_reactor_create(&f->clock.base, &f->counter.base);
	ck_assert_ptr_nonnull(f->reactor);
}

static void teardown(struct fixture *f)
{
	dp_reactor_destroy(f->reactor);
	ck_assert_uint_eq(f->counter.live_blocks, 0);
}

static void trace_is(const struct trace *trace, const char *expected)
{
	ck_assert_uint_eq(trace->length, strlen(expected));
	ck_assert_mem_eq(trace->order, expected, trace->length);
}

/* ---- timers --------------------------------------------------------------- */

START_TEST(test_timers_fire_in_deadline_order)
{
	struct fixture f;
	setup(&f);
	struct probe p[4];
	const uint64_t delays[] = {30 * MS, 10 * MS, 40 * MS, 20 * MS};
	for (int i = 0; i < 4; i++) {
		probe_init(&p[i], (char)('A' + i), &f.trace, 0);
		ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p[i].timer,
		                                        delays[i]),
		                 DP_OK);
	}
	dp_manual_clock_advance(&f.clock, 100 * MS);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 4);
	trace_is(&f.trace, "BDAC");
	ck_assert(!dp_reactor_is_alive(f.reactor));
	teardown(&f);
}
END_TEST

START_TEST(test_timers_with_equal_deadlines_fire_in_start_order)
{
	struct fixture f;
	setup(&f);
	struct probe p[5];
	for (int i = 0; i < 5; i++) {
		probe_init(&p[i], (char)('A' + i), &f.trace, 0);
		dp_reactor_timer_start(f.reactor, &p[i].timer, 5 * MS);
	}
	dp_manual_clock_advance(&f.clock, 5 * MS);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 5);
	trace_is(&f.trace, "ABCDE");
	teardown(&f);
}
END_TEST

START_TEST(test_a_timer_fires_only_once_its_deadline_is_reached)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	dp_reactor_timer_start(f.reactor, &p.timer, 10 * MS);

	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	dp_manual_clock_advance(&f.clock, 10 * MS - 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	dp_manual_clock_advance(&f.clock, 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	ck_assert_uint_eq(p.calls, 1);
	teardown(&f);
}
END_TEST

START_TEST(test_a_stopped_timer_never_fires)
{
	struct fixture f;
	setup(&f);
	struct probe p[3];
	for (int i = 0; i < 3; i++) {
		probe_init(&p[i], (char)('A' + i), &f.trace, 0);
		dp_reactor_timer_start(f.reactor, &p[i].timer,
		                       (uint64_t)(i + 1) * MS);
	}
	/* The earliest, the latest, then the middle: each a different
	 * place in the heap. */
	ck_assert_int_eq(dp_reactor_timer_stop(f.reactor, &p[1].timer), DP_OK);
	ck_assert_int_eq(dp_reactor_timer_stop(f.reactor, &p[1].timer),
	                 DP_ENOENT);
	dp_manual_clock_advance(&f.clock, 10 * MS);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 2);
	trace_is(&f.trace, "AC");
	ck_assert_int_eq(dp_reactor_timer_stop(f.reactor, &p[0].timer),
	                 DP_ENOENT);
	teardown(&f);
}
END_TEST

START_TEST(test_many_timers_come_out_of_the_heap_sorted)
{
	struct fixture f;
	setup(&f);
	enum { N = 200 };
	struct probe *p = calloc(N, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	struct trace unused = {0};
	uint64_t seed = 7;
	for (int i = 0; i < N; i++) {
		probe_init(&p[i], 'x', &unused, 0);
		dp_reactor_timer_start(f.reactor, &p[i].timer,
		                       dp_random_next(&seed) % (1000 * MS));
	}
	/* Stop every third one, from anywhere in the heap. */
	for (int i = 0; i < N; i += 3)
		ck_assert_int_eq(dp_reactor_timer_stop(f.reactor, &p[i].timer),
		                 DP_OK);
	/* One millisecond at a time: every turn fires exactly the timers
	 * that fell due in that millisecond. */
	int fired = 0;
	for (int ms = 0; ms <= 1000; ms++) {
		int calls = dp_reactor_run_once(f.reactor, 0);
		ck_assert_int_ge(calls, 0);
		fired += calls;
		dp_manual_clock_advance(&f.clock, MS);
	}
	ck_assert_int_eq(fired, N - (N + 2) / 3);
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(p[i].calls, i % 3 == 0 ? 0 : 1);
	free(p);
	teardown(&f);
}
END_TEST

START_TEST(test_a_timer_restarted_from_its_callback_fires_next_turn)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	p.action = RESTART_SELF;
	dp_reactor_timer_start(f.reactor, &p.timer, 0);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	trace_is(&f.trace, "AAA");
	ck_assert(dp_reactor_is_alive(f.reactor));
	teardown(&f);
}
END_TEST

START_TEST(test_a_timer_stopped_by_an_earlier_one_does_not_fire)
{
	struct fixture f;
	setup(&f);
	struct probe a;
	struct probe b;
	probe_init(&a, 'A', &f.trace, 0);
	probe_init(&b, 'B', &f.trace, 0);
	a.action = STOP_OTHER;
	a.other = &b;
	dp_reactor_timer_start(f.reactor, &a.timer, 1 * MS);
	dp_reactor_timer_start(f.reactor, &b.timer, 2 * MS);
	dp_manual_clock_advance(&f.clock, 5 * MS);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	trace_is(&f.trace, "A");
	ck_assert(!dp_reactor_is_alive(f.reactor));
	teardown(&f);
}
END_TEST

START_TEST(test_timeout_is_bounded_by_the_next_deadline)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);

	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, -1), -1);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, 50), 50);
	dp_reactor_timer_start(f.reactor, &p.timer, 2 * MS + MS / 2);
	/* 2.5 ms rounds up to 3, never down to 2. */
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, -1), 3);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, 50), 3);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, 1), 1);
	dp_manual_clock_advance(&f.clock, 2 * MS);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, -1), 1);
	dp_manual_clock_advance(&f.clock, MS);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, -1), 0);
	ck_assert_int_eq(dp_reactor_timeout_ms(NULL, 0), DP_EINVAL);
	teardown(&f);
}
END_TEST

START_TEST(test_delays_count_from_the_start_of_the_turn)
{
	struct fixture f;
	setup(&f);
	ck_assert_uint_eq(dp_reactor_now_ns(f.reactor), 1000 * MS);
	dp_manual_clock_advance(&f.clock, 7 * MS);
	/* Not yet read: the reactor still says the time of creation. */
	ck_assert_uint_eq(dp_reactor_now_ns(f.reactor), 1000 * MS);
	dp_reactor_run_once(f.reactor, 0);
	ck_assert_uint_eq(dp_reactor_now_ns(f.reactor), 1007 * MS);
	ck_assert_uint_eq(dp_reactor_now_ns(NULL), 0);
	teardown(&f);
}
END_TEST

/* ---- readiness ------------------------------------------------------------ */

START_TEST(test_a_reader_is_called_only_when_data_arrives)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 0);
	struct probe p;
	probe_init(&p, 'R', &f.trace, fds[0]);
	p.action = READ_ONE_BYTE;
	ck_assert_int_eq(dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE),
	                 DP_OK);

	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_uint_eq(p.last_events, DP_IO_READABLE);
	/* The byte was read: nothing is ready any more. */
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	ck_assert_uint_eq(dp_reactor_poll_calls(f.reactor), 3);
	ck_assert_uint_eq(dp_reactor_poll_calls(NULL), 0);
	teardown(&f);
	close_pipe(fds);
}
END_TEST

START_TEST(test_ready_handlers_are_called_in_start_order)
{
	struct fixture f;
	setup(&f);
	int fds[4][2];
	struct probe p[4];
	for (int i = 0; i < 4; i++) {
		/* The second stays silent. */
		filled_pipe(fds[i], i == 1 ? 0 : 1);
		probe_init(&p[i], (char)('A' + i), &f.trace, fds[i][0]);
		dp_reactor_io_start(f.reactor, &p[i].io, DP_IO_READABLE);
	}
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 3);
	trace_is(&f.trace, "ACD");
	teardown(&f);
	for (int i = 0; i < 4; i++)
		close_pipe(fds[i]);
}
END_TEST

START_TEST(test_a_writer_is_called_while_there_is_room)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 0);
	struct probe p;
	probe_init(&p, 'W', &f.trace, fds[1]);
	dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE | DP_IO_WRITABLE);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	/* A pipe's write end is never readable: only the writable bit. */
	ck_assert_uint_eq(p.last_events, DP_IO_WRITABLE);
	teardown(&f);
	close_pipe(fds);
}
END_TEST

START_TEST(test_modify_changes_what_a_handler_observes)
{
	struct fixture f;
	setup(&f);
	int sv[2];
	ck_assert_int_eq(pipe(sv), 0);
	struct probe p;
	probe_init(&p, 'W', &f.trace, sv[1]);
	dp_reactor_io_start(f.reactor, &p.io, DP_IO_WRITABLE);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	/* The write end never becomes readable, so it goes quiet. */
	ck_assert_int_eq(dp_reactor_io_modify(f.reactor, &p.io, DP_IO_READABLE),
	                 DP_OK);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	teardown(&f);
	close_pipe(sv);
}
END_TEST

START_TEST(test_a_hang_up_is_reported_as_readable)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 0);
	struct probe p;
	probe_init(&p, 'R', &f.trace, fds[0]);
	dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE);
	close(fds[1]);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_uint_eq(p.last_events, DP_IO_READABLE);
	char byte;
	ck_assert_int_eq(read(fds[0], &byte, 1), 0); /* end of file */
	teardown(&f);
	close(fds[0]);
}
END_TEST

START_TEST(test_handlers_and_timers_share_one_turn)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 1);
	struct probe io;
	struct probe timer;
	probe_init(&io, 'I', &f.trace, fds[0]);
	probe_init(&timer, 'T', &f.trace, 0);
	dp_reactor_timer_start(f.reactor, &timer.timer, 0);
	dp_reactor_io_start(f.reactor, &io.io, DP_IO_READABLE);
	/* Handlers first, then timers, whatever the start order. */
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 2);
	trace_is(&f.trace, "IT");
	teardown(&f);
	close_pipe(fds);
}
END_TEST

/* ---- changes made during dispatch ------------------------------------------ */

START_TEST(test_a_handler_stopped_before_its_turn_is_not_called)
{
	struct fixture f;
	setup(&f);
	int fds[3][2];
	struct probe p[3];
	for (int i = 0; i < 3; i++) {
		filled_pipe(fds[i], 1);
		probe_init(&p[i], (char)('A' + i), &f.trace, fds[i][0]);
		dp_reactor_io_start(f.reactor, &p[i].io, DP_IO_READABLE);
	}
	p[0].action = STOP_OTHER;
	p[0].other = &p[1];
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 2);
	trace_is(&f.trace, "AC");
	/* The hole is squeezed out; the others carry on. */
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 2);
	trace_is(&f.trace, "ACAC");
	ck_assert_int_eq(dp_reactor_io_stop(f.reactor, &p[1].io), DP_ENOENT);
	teardown(&f);
	for (int i = 0; i < 3; i++)
		close_pipe(fds[i]);
}
END_TEST

START_TEST(test_a_handler_may_stop_and_free_itself)
{
	struct fixture f;
	setup(&f);
	int fds[3][2];
	struct probe *p[3];
	for (int i = 0; i < 3; i++) {
		filled_pipe(fds[i], 1);
		p[i] = malloc(sizeof(*p[i]));
		ck_assert_ptr_nonnull(p[i]);
		probe_init(p[i], (char)('A' + i), &f.trace, fds[i][0]);
		p[i]->action = STOP_SELF;
		dp_reactor_io_start(f.reactor, &p[i]->io, DP_IO_READABLE);
	}
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 3);
	trace_is(&f.trace, "ABC");
	ck_assert(!dp_reactor_is_alive(f.reactor));
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 0);
	teardown(&f);
	for (int i = 0; i < 3; i++)
		close_pipe(fds[i]);
}
END_TEST

START_TEST(test_a_handler_started_during_dispatch_waits_a_turn)
{
	struct fixture f;
	setup(&f);
	int fds[2][2];
	struct probe a;
	struct probe b;
	filled_pipe(fds[0], 1);
	filled_pipe(fds[1], 1);
	probe_init(&a, 'A', &f.trace, fds[0][0]);
	probe_init(&b, 'B', &f.trace, fds[1][0]);
	a.action = START_OTHER;
	a.other = &b;
	dp_reactor_io_start(f.reactor, &a.io, DP_IO_READABLE);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	trace_is(&f.trace, "A");
	set_action(&a, DO_NOTHING);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 2);
	trace_is(&f.trace, "AAB");
	teardown(&f);
	close_pipe(fds[0]);
	close_pipe(fds[1]);
}
END_TEST

START_TEST(test_a_handler_modified_before_its_turn_sees_only_new_events)
{
	struct fixture f;
	setup(&f);
	int fds[2][2];
	struct probe a;
	struct probe b;
	filled_pipe(fds[0], 1);
	filled_pipe(fds[1], 0);
	probe_init(&a, 'A', &f.trace, fds[0][0]);
	probe_init(&b, 'B', &f.trace, fds[1][1]);
	a.action = WATCH_READABLE;
	a.other = &b;
	dp_reactor_io_start(f.reactor, &a.io, DP_IO_READABLE);
	dp_reactor_io_start(f.reactor, &b.io, DP_IO_WRITABLE);
	/* B was writable when polled, but now wants only readable. */
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	trace_is(&f.trace, "A");
	teardown(&f);
	close_pipe(fds[0]);
	close_pipe(fds[1]);
}
END_TEST

START_TEST(test_many_handlers_grow_the_tables_and_reuse_holes)
{
	struct fixture f;
	setup(&f);
	enum { N = 40 };
	int fds[2];
	filled_pipe(fds, 1);
	struct probe p[N];
	struct trace unused = {0};
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			probe_init(&p[i], 'x', &unused, fds[0]);
			ck_assert_int_eq(dp_reactor_io_start(f.reactor,
			                                     &p[i].io,
			                                     DP_IO_READABLE),
			                 DP_OK);
		}
		ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), N);
		for (int i = 0; i < N; i += 2)
			dp_reactor_io_stop(f.reactor, &p[i].io);
		ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), N / 2);
		for (int i = 1; i < N; i += 2)
			dp_reactor_io_stop(f.reactor, &p[i].io);
		ck_assert(!dp_reactor_is_alive(f.reactor));
	}
	teardown(&f);
	close_pipe(fds);
}
END_TEST

/* ---- stopping the loop ------------------------------------------------------ */

START_TEST(test_stop_ends_run_after_the_current_turn)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 1);
	struct probe reader;
	struct probe stopper;
	struct probe later;
	probe_init(&reader, 'R', &f.trace, fds[0]);
	probe_init(&stopper, 'S', &f.trace, 0);
	probe_init(&later, 'L', &f.trace, 0);
	stopper.action = STOP_LOOP;
	dp_reactor_io_start(f.reactor, &reader.io, DP_IO_READABLE);
	dp_reactor_timer_start(f.reactor, &stopper.timer, 0);
	dp_reactor_timer_start(f.reactor, &later.timer, 0);
	/* The data never runs out, so only stop() can end this run; the
	 * timer due in the same turn is still called. */
	ck_assert_int_eq(dp_reactor_run(f.reactor), DP_OK);
	trace_is(&f.trace, "RSL");
	ck_assert(dp_reactor_is_alive(f.reactor));
	/* The request was consumed: a stop before run ends it after one
	 * turn again. */
	dp_reactor_stop(f.reactor);
	ck_assert_int_eq(dp_reactor_run(f.reactor), DP_OK);
	trace_is(&f.trace, "RSLR");
	teardown(&f);
	close_pipe(fds);
}
END_TEST

START_TEST(test_run_returns_when_nothing_is_left)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 1);
	struct probe *p = malloc(sizeof(*p));
	ck_assert_ptr_nonnull(p);
	probe_init(p, 'A', &f.trace, fds[0]);
	p->action = STOP_SELF;
	dp_reactor_io_start(f.reactor, &p->io, DP_IO_READABLE);
	ck_assert_int_eq(dp_reactor_run(f.reactor), DP_OK);
	trace_is(&f.trace, "A");
	ck_assert_uint_eq(dp_reactor_poll_calls(f.reactor), 1);
	/* Idle: returns at once, without a system call. */
	ck_assert_int_eq(dp_reactor_run(f.reactor), DP_OK);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, -1), 0);
	ck_assert_uint_eq(dp_reactor_poll_calls(f.reactor), 1);
	teardown(&f);
	close_pipe(fds);
}
END_TEST

START_TEST(test_run_from_a_callback_is_refused)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	p.action = RUN_AGAIN;
	p.inner_rc = 12345;
	dp_reactor_timer_start(f.reactor, &p.timer, 0);
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_int_eq(p.inner_rc, DP_EBUSY);
	teardown(&f);
}
END_TEST

START_TEST(test_destroy_releases_handlers_and_timers_for_reuse)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE);
	dp_reactor_timer_start(f.reactor, &p.timer, MS);
	dp_reactor_destroy(f.reactor);
	ck_assert_uint_eq(f.counter.live_blocks, 0);

	f.reactor = dp_reactor_create(&f.clock.base, &f.counter.base);
	ck_assert_int_eq(dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE),
	                 DP_OK);
	ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p.timer, MS),
	                 DP_OK);
	teardown(&f);
	dp_reactor_destroy(NULL);
	trace_is(&f.trace, "");
}
END_TEST

/* ---- errors ------------------------------------------------------------------ */

START_TEST(test_every_function_rejects_null_and_bad_arguments)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	struct dp_reactor *r = f.reactor;

	ck_assert_int_eq(dp_io_handler_init(NULL, 0, probe_ready), DP_EINVAL);
	ck_assert_int_eq(dp_io_handler_init(&p.io, 0, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_timer_init(NULL, probe_due), DP_EINVAL);
	ck_assert_int_eq(dp_timer_init(&p.timer, NULL), DP_EINVAL);

	ck_assert_int_eq(dp_reactor_io_start(NULL, &p.io, 1), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_start(r, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_start(r, &p.io, 0), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_start(r, &p.io, 4), DP_EINVAL);
	struct dp_io_handler bad_fd;
	dp_io_handler_init(&bad_fd, -1, probe_ready);
	ck_assert_int_eq(dp_reactor_io_start(r, &bad_fd, 1), DP_EINVAL);
	struct dp_io_handler no_callback = {.fd = 0};
	ck_assert_int_eq(dp_reactor_io_start(r, &no_callback, 1), DP_EINVAL);

	ck_assert_int_eq(dp_reactor_io_modify(NULL, &p.io, 1), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_modify(r, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_modify(r, &p.io, 0), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_modify(r, &p.io, 1), DP_ENOENT);
	ck_assert_int_eq(dp_reactor_io_stop(NULL, &p.io), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_stop(r, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_io_stop(r, &p.io), DP_ENOENT);

	ck_assert_int_eq(dp_reactor_timer_start(NULL, &p.timer, 0), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_timer_start(r, NULL, 0), DP_EINVAL);
	struct dp_timer no_due = {0};
	ck_assert_int_eq(dp_reactor_timer_start(r, &no_due, 0), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_timer_stop(NULL, &p.timer), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_timer_stop(r, NULL), DP_EINVAL);

	ck_assert_int_eq(dp_reactor_run_once(NULL, 0), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_run(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_reactor_stop(NULL), DP_EINVAL);
	ck_assert(!dp_reactor_is_alive(NULL));
	trace_is(&f.trace, "");
	teardown(&f);
}
END_TEST

START_TEST(test_starting_twice_or_on_two_reactors_is_refused)
{
	struct fixture f;
	setup(&f);
	struct dp_reactor *other = dp_reactor_create(NULL, &f.counter.base);
	ck_assert_ptr_nonnull(other);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);

	ck_assert_int_eq(dp_reactor_io_start(f.reactor, &p.io, 1), DP_OK);
	ck_assert_int_eq(dp_reactor_io_start(f.reactor, &p.io, 1), DP_EEXIST);
	ck_assert_int_eq(dp_reactor_io_start(other, &p.io, 1), DP_EBUSY);
	ck_assert_int_eq(dp_reactor_io_stop(other, &p.io), DP_ENOENT);
	ck_assert_int_eq(dp_reactor_io_modify(other, &p.io, 1), DP_ENOENT);

	ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p.timer, 0), DP_OK);
	ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p.timer, 0),
	                 DP_EEXIST);
	ck_assert_int_eq(dp_reactor_timer_start(other, &p.timer, 0), DP_EBUSY);
	ck_assert_int_eq(dp_reactor_timer_stop(other, &p.timer), DP_ENOENT);

	dp_reactor_destroy(other);
	teardown(&f);
}
END_TEST

START_TEST(test_a_deadline_past_the_end_of_time_is_refused)
{
	struct fixture f;
	setup(&f);
	struct probe p;
	probe_init(&p, 'A', &f.trace, 0);
	ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p.timer,
	                                        UINT64_MAX - 1000 * MS + 1),
	                 DP_ERANGE);
	ck_assert_int_eq(dp_reactor_timer_start(f.reactor, &p.timer,
	                                        UINT64_MAX - 1000 * MS),
	                 DP_OK);
	ck_assert_int_eq(dp_reactor_timeout_ms(f.reactor, -1), INT_MAX);
	teardown(&f);
}
END_TEST

START_TEST(test_a_closed_descriptor_makes_poll_report_it)
{
	struct fixture f;
	setup(&f);
	int fds[2];
	filled_pipe(fds, 0);
	struct probe p;
	probe_init(&p, 'A', &f.trace, fds[0]);
	dp_reactor_io_start(f.reactor, &p.io, DP_IO_READABLE);
	close_pipe(fds);
	/* POLLNVAL: the owner is told, and learns why from read(). */
	ck_assert_int_eq(dp_reactor_run_once(f.reactor, 0), 1);
	ck_assert_uint_eq(p.last_events, DP_IO_READABLE);
	teardown(&f);
}
END_TEST

/* ---- out of memory -------------------------------------------------------- */

START_TEST(test_create_fails_cleanly_when_memory_runs_out)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 1, &counter.base);
	ck_assert_ptr_null(dp_reactor_create(NULL, &failing.base));
	ck_assert(failing.failed);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

enum operation { OP_IO_START, OP_TIMER_START };

/*
 * Fails the 1st, 2nd... allocation of the 9th start (the one that grows
 * the tables past their first 8 slots) until it succeeds, so every
 * DP_ENOMEM path is taken once; each failure must leave the reactor as
 * it was, and nothing may leak.
 */
static void sweep(enum operation operation)
{
	enum { N = 9 };
	int fds[2];
	filled_pipe(fds, 1);
	for (size_t n = 1;; n++) {
		struct dp_manual_clock clock;
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_manual_clock_init(&clock, 0);
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		struct dp_reactor *reactor =
			dp_reactor_create(&clock.base, &failing.base);
		ck_assert_ptr_nonnull(reactor);
		struct probe p[N];
		struct trace trace = {0};
		for (int i = 0; i < N; i++)
			probe_init(&p[i], (char)('A' + i), &trace, fds[0]);
		for (int i = 0; i < N - 1; i++)
			ck_assert_int_eq(
				operation == OP_IO_START
					? dp_reactor_io_start(reactor, &p[i].io,
			                                      DP_IO_READABLE)
					: dp_reactor_timer_start(
						  reactor, &p[i].timer, 0),
				DP_OK);

		failing.fail_at = failing.requests + n;
		int rc = operation == OP_IO_START
		                 ? dp_reactor_io_start(reactor, &p[N - 1].io,
		                                       DP_IO_READABLE)
		                 : dp_reactor_timer_start(reactor,
		                                          &p[N - 1].timer, 0);
		int calls = dp_reactor_run_once(reactor, 0);
		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_int_eq(calls, N - 1);
			ck_assert_uint_eq(p[N - 1].calls, 0);
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_int_eq(calls, N);
			trace_is(&trace, "ABCDEFGHI");
		}
		dp_reactor_destroy(reactor);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
	}
	close_pipe(fds);
}

START_TEST(test_io_start_fails_cleanly_when_the_tables_cannot_grow)
{
	sweep(OP_IO_START);
}
END_TEST

START_TEST(test_timer_start_fails_cleanly_when_the_heap_cannot_grow)
{
	sweep(OP_TIMER_START);
}
END_TEST

static Suite *reactor_suite(void)
{
	Suite *suite = suite_create("reactor");

	TCase *tc = dp_test_case(suite, "timers");
	tcase_add_test(tc, test_timers_fire_in_deadline_order);
	tcase_add_test(tc,
	               test_timers_with_equal_deadlines_fire_in_start_order);
	tcase_add_test(tc,
	               test_a_timer_fires_only_once_its_deadline_is_reached);
	tcase_add_test(tc, test_a_stopped_timer_never_fires);
	tcase_add_test(tc, test_many_timers_come_out_of_the_heap_sorted);
	tcase_add_test(
		tc, test_a_timer_restarted_from_its_callback_fires_next_turn);
	tcase_add_test(tc,
	               test_a_timer_stopped_by_an_earlier_one_does_not_fire);
	tcase_add_test(tc, test_timeout_is_bounded_by_the_next_deadline);
	tcase_add_test(tc, test_delays_count_from_the_start_of_the_turn);

	tc = dp_test_case(suite, "readiness");
	tcase_add_test(tc, test_a_reader_is_called_only_when_data_arrives);
	tcase_add_test(tc, test_ready_handlers_are_called_in_start_order);
	tcase_add_test(tc, test_a_writer_is_called_while_there_is_room);
	tcase_add_test(tc, test_modify_changes_what_a_handler_observes);
	tcase_add_test(tc, test_a_hang_up_is_reported_as_readable);
	tcase_add_test(tc, test_handlers_and_timers_share_one_turn);
	tcase_add_test(tc, test_a_closed_descriptor_makes_poll_report_it);

	tc = dp_test_case(suite, "removal during dispatch");
	tcase_add_test(tc,
	               test_a_handler_stopped_before_its_turn_is_not_called);
	tcase_add_test(tc, test_a_handler_may_stop_and_free_itself);
	tcase_add_test(tc, test_a_handler_started_during_dispatch_waits_a_turn);
	tcase_add_test(
		tc,
		test_a_handler_modified_before_its_turn_sees_only_new_events);
	tcase_add_test(tc, test_many_handlers_grow_the_tables_and_reuse_holes);

	tc = dp_test_case(suite, "stop");
	tcase_add_test(tc, test_stop_ends_run_after_the_current_turn);
	tcase_add_test(tc, test_run_returns_when_nothing_is_left);
	tcase_add_test(tc, test_run_from_a_callback_is_refused);
	tcase_add_test(tc, test_destroy_releases_handlers_and_timers_for_reuse);

	tc = dp_test_case(suite, "errors");
	tcase_add_test(tc, test_every_function_rejects_null_and_bad_arguments);
	tcase_add_test(tc, test_starting_twice_or_on_two_reactors_is_refused);
	tcase_add_test(tc, test_a_deadline_past_the_end_of_time_is_refused);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_test(tc, test_create_fails_cleanly_when_memory_runs_out);
	tcase_add_test(tc,
	               test_io_start_fails_cleanly_when_the_tables_cannot_grow);
	tcase_add_test(
		tc, test_timer_start_fails_cleanly_when_the_heap_cannot_grow);

	return suite;
}

int main(void)
{
	return dp_test_run(reactor_suite());
}
