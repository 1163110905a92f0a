/*
 * Exercise 02, Factory: the graded tests. A registry must make a product
 * by name through the entry's constructor, pass the config and allocator
 * through, refuse bad and duplicate entries, grow, and change nothing and
 * leak nothing when memory runs out.
 */
#include "factory.h"
#include "grade.h"
#include "grade_assert.h"

#include <stdio.h>
#include <string.h>

/* What the test constructors make: a record of how they were called. */
struct widget {
	const char *kind;
	const void *config;
};

static int calls;

static int make_widget(void **product, const void *config,
                       const struct dp_allocator *alloc, const char *kind)
{
	calls++;
	if (alloc == NULL)
		return DP_EINVAL; /* The registry must never pass NULL. */
	struct widget *widget = dp_alloc(alloc, sizeof(*widget));
	if (widget == NULL)
		return DP_ENOMEM;
	widget->kind = kind;
	widget->config = config;
	*product = widget;
	return DP_OK;
}

static int make_button(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	return make_widget(product, config, alloc, "button");
}

static int make_slider(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	return make_widget(product, config, alloc, "slider");
}

/* A constructor that scribbles on its out-parameter, then fails. */
static int make_broken(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	(void)config;
	(void)alloc;
	calls++;
	*product = (void *)&calls;
	return DP_EIO;
}

static const struct ex_entry BUTTON = {"button", make_button};
static const struct ex_entry SLIDER = {"slider", make_slider};
static const struct ex_entry BROKEN = {"broken", make_broken};

START_TEST(test_new_registry_is_empty)
{
	ex_registry *registry = ex_registry_create(NULL);

	ck_assert_msg(registry != NULL, "ex_registry_create() returned NULL");
	ck_assert_uint_eq(ex_registry_count(registry), 0);
	ck_assert_uint_eq(ex_registry_count(NULL), 0);
	ex_registry_destroy(registry);
	ex_registry_destroy(NULL);
}
END_TEST

START_TEST(test_make_calls_the_named_constructor)
{
	ex_registry *registry = ex_registry_create(NULL);
	int config = 7;
	void *product = NULL;

	ck_assert_ptr_nonnull(registry);
	grade_assert_code(ex_registry_add(registry, &BUTTON), DP_OK);
	grade_assert_code(ex_registry_add(registry, &SLIDER), DP_OK);
	ck_assert_uint_eq(ex_registry_count(registry), 2);
	grade_assert_code(
		ex_registry_make(registry, "slider", &config, NULL, &product),
		DP_OK);
	ck_assert_ptr_nonnull(product);
	struct widget *widget = product;
	ck_assert_msg(strcmp(widget->kind, "slider") == 0,
	              "make(\"slider\") called the %s constructor",
	              widget->kind);
	ck_assert_msg(widget->config == &config,
	              "the constructor must get the config unchanged");
	dp_free(NULL, widget);
	ex_registry_destroy(registry);
}
END_TEST

START_TEST(test_unknown_name_returns_enoent_and_calls_nothing)
{
	ex_registry *registry = ex_registry_create(NULL);
	void *product = &calls;

	ck_assert_ptr_nonnull(registry);
	grade_assert_code(ex_registry_add(registry, &BUTTON), DP_OK);
	calls = 0;
	grade_assert_code(
		ex_registry_make(registry, "Button", NULL, NULL, &product),
		DP_ENOENT);
	ck_assert_msg(calls == 0, "no constructor may run for an unknown name");
	ck_assert_ptr_eq(product, &calls);
	grade_assert_code(
		ex_registry_make(registry, NULL, NULL, NULL, &product),
		DP_EINVAL);
	grade_assert_code(
		ex_registry_make(registry, "button", NULL, NULL, NULL),
		DP_EINVAL);
	ex_registry_destroy(registry);
}
END_TEST

START_TEST(test_a_taken_name_is_refused)
{
	ex_registry *registry = ex_registry_create(NULL);
	const struct ex_entry impostor = {"button", make_slider};

	ck_assert_ptr_nonnull(registry);
	grade_assert_code(ex_registry_add(registry, &BUTTON), DP_OK);
	grade_assert_code(ex_registry_add(registry, &impostor), DP_EEXIST);
	ck_assert_uint_eq(ex_registry_count(registry), 1);
	ex_registry_destroy(registry);
}
END_TEST

START_TEST(test_invalid_entries_are_refused)
{
	ex_registry *registry = ex_registry_create(NULL);
	const struct ex_entry no_name = {NULL, make_button};
	const struct ex_entry empty_name = {"", make_button};
	const struct ex_entry no_create = {"nothing", NULL};

	ck_assert_ptr_nonnull(registry);
	grade_assert_code(ex_registry_add(registry, NULL), DP_EINVAL);
	grade_assert_code(ex_registry_add(registry, &no_name), DP_EINVAL);
	grade_assert_code(ex_registry_add(registry, &empty_name), DP_EINVAL);
	grade_assert_code(ex_registry_add(registry, &no_create), DP_EINVAL);
	grade_assert_code(ex_registry_add(NULL, &BUTTON), DP_EINVAL);
	ck_assert_uint_eq(ex_registry_count(registry), 0);
	ex_registry_destroy(registry);
}
END_TEST

START_TEST(test_constructor_errors_pass_through)
{
	ex_registry *registry = ex_registry_create(NULL);
	void *product = NULL;

	ck_assert_ptr_nonnull(registry);
	grade_assert_code(ex_registry_add(registry, &BROKEN), DP_OK);
	/* Make returns the constructor's own code. */
	grade_assert_code(
		ex_registry_make(registry, "broken", NULL, NULL, &product),
		DP_EIO);
	ck_assert_msg(product == NULL,
	              "on error, *product must be left untouched");
	ex_registry_destroy(registry);
}
END_TEST

enum { MANY = 100 };

START_TEST(test_registry_grows_and_frees_everything)
{
	static char names[MANY][16];
	static struct ex_entry entries[MANY];
	struct dp_counting_allocator counter;

	dp_counting_allocator_init(&counter, NULL);
	ex_registry *registry = ex_registry_create(&counter.base);
	ck_assert_ptr_nonnull(registry);
	for (int i = 0; i < MANY; i++) {
		snprintf(names[i], sizeof(names[i]), "kind%d", i);
		entries[i] = (struct ex_entry){names[i], make_button};
		grade_assert_code(ex_registry_add(registry, &entries[i]),
		                  DP_OK);
	}
	ck_assert_uint_eq(ex_registry_count(registry), MANY);
	for (int i = 0; i < MANY; i++) {
		void *product = NULL;
		grade_assert_code(ex_registry_make(registry, names[i], NULL,
		                                   NULL, &product),
		                  DP_OK);
		dp_free(NULL, product);
	}
	ck_assert_msg(counter.allocations > 0,
	              "the registry must allocate through its allocator");
	ex_registry_destroy(registry);
	ck_assert_msg(counter.live_blocks == 0,
	              "after destroy, %zu blocks are still allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_out_of_memory_changes_nothing)
{
	static char names[8][16];
	static struct ex_entry entries[8];
	int failures = 0;
	ex_registry *probe = ex_registry_create(NULL);

	ck_assert_msg(probe != NULL, "ex_registry_create() returned NULL");
	ex_registry_destroy(probe);
	for (size_t fail_at = 1; fail_at <= 8; fail_at++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, fail_at, &counter.base);
		ex_registry *registry = ex_registry_create(&failing.base);
		if (registry == NULL) {
			failures++;
			continue;
		}
		for (int i = 0; i < 8; i++) {
			snprintf(names[i], sizeof(names[i]), "kind%d", i);
			entries[i] = (struct ex_entry){names[i], make_slider};
			size_t before = ex_registry_count(registry);
			int add_rc = ex_registry_add(registry, &entries[i]);
			if (add_rc == DP_ENOMEM) {
				failures++;
				ck_assert_uint_eq(ex_registry_count(registry),
				                  before);
			} else {
				grade_assert_code(add_rc, DP_OK);
			}
		}
		ex_registry_destroy(registry);
		ck_assert_msg(counter.live_blocks == 0,
		              "refusing allocation %zu leaked %zu blocks",
		              fail_at, counter.live_blocks);
	}
	ck_assert_msg(failures > 0,
	              "no allocation failed: does the registry allocate "
	              "through the allocator it was given?");
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_new_registry_is_empty", test_new_registry_is_empty, 1,
         "Start with ex_registry_create(), ex_registry_count() and "
         "ex_registry_destroy(): fill in struct ex_registry first."},
	{"test_make_calls_the_named_constructor",
         test_make_calls_the_named_constructor, 3,
         "ex_registry_add() appends a pointer to the entry; "
         "ex_registry_make() finds it with strcmp() and calls its create "
         "with the config, unchanged."},
	{"test_unknown_name_returns_enoent_and_calls_nothing",
         test_unknown_name_returns_enoent_and_calls_nothing, 2,
         "Names match byte for byte, so case matters. Return DP_ENOENT "
         "before calling anything, and DP_EINVAL for NULL arguments."},
	{"test_a_taken_name_is_refused", test_a_taken_name_is_refused, 2,
         "Look the name up before you add: a taken name is DP_EEXIST, even "
         "with a different constructor."},
	{"test_invalid_entries_are_refused", test_invalid_entries_are_refused,
         2,
         "An entry needs a non-empty name and a constructor; see "
         "ex_registry_add() in factory.h for every DP_EINVAL case."},
	{"test_constructor_errors_pass_through",
         test_constructor_errors_pass_through, 2,
         "Call the constructor with a local out-parameter and copy it to "
         "*product only when the call returns DP_OK."},
	{"test_registry_grows_and_frees_everything",
         test_registry_grows_and_frees_everything, 3,
         "Grow the array with dp_realloc_array() (double it) through the "
         "registry's allocator, and free both blocks in destroy."},
	{"test_out_of_memory_changes_nothing",
         test_out_of_memory_changes_nothing, 3,
         "When dp_realloc_array() returns NULL the old array is still yours: "
         "return DP_ENOMEM without changing the registry."},
};

int main(int argc, char **argv)
{
	return grade_main("02_factory", TESTS, sizeof(TESTS) / sizeof(TESTS[0]),
	                  argc, argv);
}
