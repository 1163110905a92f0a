/*
 * The graded tests of exercise 06. They give the adapter a fake acme
 * output that records what it receives and fails on demand, so each test
 * can check how one operation was translated. Run them with
 * `make test EX=06_adapter`.
 */
#include "adapter.h"
#include "grade.h"
#include "grade_assert.h"

#include <errno.h>
#include <string.h>

enum { FAKE_CAPACITY = 256, FAKE_MAX_CALLS = 1000 };

/* A fake acme output: what it was given, and how it should behave. */
struct fake {
	char data[FAKE_CAPACITY + 1];
	int length;
	int put_calls;
	int sync_calls;
	int finish_calls;
	char calls[64];   /* The calls in order: 'p'ut, 's'ync, 'f'inish. */
	int max_take;     /* The most bytes one put takes; 0 for no limit. */
	int take_nothing; /* put returns 0. */
	int put_errno;    /* Non-zero: put fails with this errno. */
	int sync_errno;   /* Non-zero: sync fails with this errno. */
	int finish_errno; /* Non-zero: finish fails with this errno. */
};

static void fake_log(struct fake *fake, char call)
{
	size_t used = strlen(fake->calls);

	if (used + 1 < sizeof(fake->calls))
		fake->calls[used] = call;
}

static int fake_put(void *handle, const char *data, int len)
{
	struct fake *fake = handle;

	fake->put_calls++;
	fake_log(fake, 'p');
	/* A broken adapter may retry forever: end it so the test can fail. */
	if (fake->put_calls > FAKE_MAX_CALLS) {
		errno = EIO;
		return -1;
	}
	if (fake->put_errno != 0) {
		errno = fake->put_errno;
		return -1;
	}
	if (fake->take_nothing || len <= 0)
		return 0;
	int take = len;
	if (fake->max_take > 0 && take > fake->max_take)
		take = fake->max_take;
	if (take > FAKE_CAPACITY - fake->length)
		take = FAKE_CAPACITY - fake->length;
	memcpy(fake->data + fake->length, data, (size_t)take);
	fake->length += take;
	return take;
}

static int fake_sync(void *handle)
{
	struct fake *fake = handle;

	fake->sync_calls++;
	fake_log(fake, 's');
	if (fake->sync_errno != 0) {
		errno = fake->sync_errno;
		return -1;
	}
	return 0;
}

static int fake_finish(void *handle)
{
	struct fake *fake = handle;

	fake->finish_calls++;
	fake_log(fake, 'f');
	if (fake->finish_errno != 0) {
		errno = fake->finish_errno;
		return -1;
	}
	return 0;
}

static struct acme_output fake_output(struct fake *fake)
{
	return (struct acme_output){
		.handle = fake,
		.put = fake_put,
		.sync = fake_sync,
		.finish = fake_finish,
	};
}

static struct ex_sink *create_or_fail(struct fake *fake)
{
	struct acme_output output = fake_output(fake);
	struct ex_sink *sink = ex_acme_sink_create(&output, NULL);

	ck_assert_msg(sink != NULL,
	              "ex_acme_sink_create returned NULL for a complete acme "
	              "output");
	ck_assert_msg(sink->ops != NULL && sink->ops->write != NULL &&
	                      sink->ops->close != NULL,
	              "the sink's ops table must fill the required slots, "
	              "write and close");
	return sink;
}

START_TEST(test_create_wraps_a_complete_output)
{
	struct fake fake = {0};
	struct ex_sink *sink = create_or_fail(&fake);

	ck_assert_msg(sink->ops->name != NULL &&
	                      strcmp(sink->ops->name, "acme") == 0,
	              "the adapter's ops table should be named \"acme\"");
	ex_sink_close(sink);

	ck_assert_msg(ex_acme_sink_create(NULL, NULL) == NULL,
	              "ex_acme_sink_create(NULL, ...) should return NULL");
	struct acme_output no_put = fake_output(&fake);
	no_put.put = NULL;
	ck_assert_msg(ex_acme_sink_create(&no_put, NULL) == NULL,
	              "an acme output without put cannot be adapted: "
	              "ex_acme_sink_create should return NULL");
}
END_TEST

START_TEST(test_write_passes_bytes_through)
{
	struct fake fake = {0};
	struct ex_sink *sink = create_or_fail(&fake);

	grade_assert_code(ex_sink_write(sink, "hello", 5), DP_OK);
	ck_assert_msg(fake.length == 5 && memcmp(fake.data, "hello", 5) == 0,
	              "acme should have received \"hello\", it received "
	              "\"%.*s\"",
	              fake.length, fake.data);
	ck_assert_msg(fake.put_calls == 1,
	              "one write that acme takes whole is one put, got %d",
	              fake.put_calls);
	ex_sink_close(sink);
}
END_TEST

START_TEST(test_short_puts_are_completed)
{
	struct fake fake = {.max_take = 3};
	struct ex_sink *sink = create_or_fail(&fake);

	/* Acme takes 3 bytes at a time; the write still succeeds. */
	grade_assert_code(ex_sink_write(sink, "0123456789", 10), DP_OK);
	ck_assert_msg(fake.length == 10 &&
	                      memcmp(fake.data, "0123456789", 10) == 0,
	              "after short puts acme should hold \"0123456789\", it "
	              "holds \"%.*s\"",
	              fake.length, fake.data);
	ck_assert_msg(
		fake.put_calls == 4,
		"10 bytes taken 3 at a time need 4 puts (3+3+3+1), got %d",
		fake.put_calls);
	ex_sink_close(sink);
}
END_TEST

START_TEST(test_put_failure_translates_errno)
{
	struct fake fake = {.put_errno = EPIPE};
	struct ex_sink *sink = create_or_fail(&fake);

	/* Put returns -1 with errno EPIPE. */
	grade_assert_code(ex_sink_write(sink, "abc", 3), DP_EIO);
	fake.put_errno = ENOMEM;
	/* Put returns -1 with errno ENOMEM. */
	grade_assert_code(ex_sink_write(sink, "abc", 3), DP_ENOMEM);
	ck_assert_msg(fake.put_calls == 2,
	              "a failed put must not be retried: expected 2 puts for 2 "
	              "writes, got %d",
	              fake.put_calls);
	ex_sink_close(sink);
}
END_TEST

START_TEST(test_put_that_takes_nothing_is_eio)
{
	struct fake fake = {.take_nothing = 1};
	struct ex_sink *sink = create_or_fail(&fake);

	/* A put that takes 0 bytes fails the write. */
	grade_assert_code(ex_sink_write(sink, "abc", 3), DP_EIO);
	ck_assert_msg(fake.put_calls == 1,
	              "a put that takes nothing must not be retried (it could "
	              "loop forever): expected 1 put, got %d",
	              fake.put_calls);
	ex_sink_close(sink);
}
END_TEST

START_TEST(test_flush_maps_to_sync)
{
	struct fake fake = {0};
	struct ex_sink *sink = create_or_fail(&fake);

	grade_assert_code(ex_sink_flush(sink), DP_OK);
	ck_assert_msg(fake.sync_calls == 1,
	              "flush should call sync once, it called it %d times",
	              fake.sync_calls);
	fake.sync_errno = EIO;
	/* Sync returns -1 with errno EIO. */
	grade_assert_code(ex_sink_flush(sink), DP_EIO);
	ex_sink_close(sink);

	struct fake bare = {0};
	struct acme_output no_sync = {.handle = &bare, .put = fake_put};
	sink = ex_acme_sink_create(&no_sync, NULL);
	ck_assert_msg(sink != NULL, "an acme output with only put is complete: "
	                            "ex_acme_sink_create should accept it");
	/* With no sync in acme, flush has nothing to do. */
	grade_assert_code(ex_sink_flush(sink), DP_OK);
	/* With no sync and no finish in acme, close only frees. */
	grade_assert_code(ex_sink_close(sink), DP_OK);
}
END_TEST

START_TEST(test_close_syncs_finishes_and_frees)
{
	struct fake fake = {0};
	struct dp_counting_allocator counter;
	struct acme_output output = fake_output(&fake);

	dp_counting_allocator_init(&counter, NULL);
	struct ex_sink *sink = ex_acme_sink_create(&output, &counter.base);
	ck_assert_msg(sink != NULL, "ex_acme_sink_create returned NULL");
	ck_assert_msg(counter.allocations == 1,
	              "the adapter should be allocated through the allocator "
	              "given: expected 1 allocation, saw %zu",
	              counter.allocations);
	grade_assert_code(ex_sink_write(sink, "x", 1), DP_OK);
	grade_assert_code(ex_sink_close(sink), DP_OK);
	ck_assert_msg(strcmp(fake.calls, "psf") == 0,
	              "close should sync, then finish, each once: expected "
	              "the calls \"psf\" (put, sync, finish), got \"%s\"",
	              fake.calls);
	ck_assert_msg(counter.live_blocks == 0,
	              "close should free the adapter: %zu blocks still "
	              "allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_close_reports_failure_but_still_frees)
{
	struct fake fake = {.finish_errno = EIO};
	struct dp_counting_allocator counter;
	struct acme_output output = fake_output(&fake);

	dp_counting_allocator_init(&counter, NULL);
	struct ex_sink *sink = ex_acme_sink_create(&output, &counter.base);
	ck_assert_msg(sink != NULL, "ex_acme_sink_create returned NULL");
	/* Finish fails with EIO. */
	grade_assert_code(ex_sink_close(sink), DP_EIO);
	ck_assert_msg(counter.live_blocks == 0,
	              "close must free the adapter even when finish fails: "
	              "%zu blocks still allocated",
	              counter.live_blocks);

	struct fake failing_sync = {.sync_errno = ENOMEM};
	output = fake_output(&failing_sync);
	sink = ex_acme_sink_create(&output, &counter.base);
	ck_assert_msg(sink != NULL, "ex_acme_sink_create returned NULL");
	/* Sync fails with ENOMEM. */
	grade_assert_code(ex_sink_close(sink), DP_ENOMEM);
	ck_assert_msg(failing_sync.finish_calls == 1,
	              "close must still finish the output when sync fails: "
	              "finish was called %d times",
	              failing_sync.finish_calls);
	ck_assert_msg(counter.live_blocks == 0,
	              "close must free the adapter even when sync fails: %zu "
	              "blocks still allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_adapter_copies_the_output_struct)
{
	struct fake fake = {0};
	struct fake wrong = {0};
	struct acme_output output = fake_output(&fake);
	struct ex_sink *sink = ex_acme_sink_create(&output, NULL);

	ck_assert_msg(sink != NULL, "ex_acme_sink_create returned NULL");
	/* The caller reuses its struct for something else. */
	output = fake_output(&wrong);
	grade_assert_code(ex_sink_write(sink, "ok", 2), DP_OK);
	ck_assert_msg(fake.length == 2 && wrong.put_calls == 0,
	              "the adapter should keep its own copy of the acme "
	              "output: the bytes went to the caller's changed struct "
	              "instead (%d puts there)",
	              wrong.put_calls);
	ex_sink_close(sink);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_create_wraps_a_complete_output",
         test_create_wraps_a_complete_output, 1,
         "Define struct acme_sink with the base first, a static const "
         "ops table named \"acme\", and a create that checks its "
         "arguments. README step 1."},
	{"test_write_passes_bytes_through", test_write_passes_bytes_through, 2,
         "In write, recover your struct with dp_container_of and hand "
         "the bytes to output.put with output.handle."},
	{"test_short_puts_are_completed", test_short_puts_are_completed, 3,
         "put may take fewer bytes than asked: loop, advancing the "
         "pointer and shrinking the length by what it took. README "
         "step 2."},
	{"test_put_failure_translates_errno", test_put_failure_translates_errno,
         2,
         "A -1 from acme means 'look at errno': turn errno into one of "
         "our codes in one small function, as adapter.h says."},
	{"test_put_that_takes_nothing_is_eio",
         test_put_that_takes_nothing_is_eio, 1,
         "A loop that waits for progress must stop when there is none: "
         "treat a put returning 0 as an error."},
	{"test_flush_maps_to_sync", test_flush_maps_to_sync, 2,
         "sync is optional in acme: check for NULL before calling it, "
         "and translate its -1 like put's. README step 3."},
	{"test_close_syncs_finishes_and_frees",
         test_close_syncs_finishes_and_frees, 3,
         "close = your flush, then finish when present, then dp_free "
         "on "
         "the allocator you were given."},
	{"test_close_reports_failure_but_still_frees",
         test_close_reports_failure_but_still_frees, 2,
         "Keep the first error in a variable, carry on with finish and "
         "the free, and return the variable at the end."},
	{"test_adapter_copies_the_output_struct",
         test_adapter_copies_the_output_struct, 1,
         "Store the struct acme_output by value in your adapter, not a "
         "pointer to the caller's."},
};

int main(int argc, char **argv)
{
	return grade_main("06_adapter", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
