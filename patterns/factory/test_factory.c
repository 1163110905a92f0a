/*
 * Tests of the Factory pattern: names are found in the built-in table and
 * among run-time registrations, invalid and duplicate names are refused
 * with their documented codes, constructors get their config and report
 * their own errors, and every allocation failure leaks nothing.
 *
 * The products are widgets, a product type made for these tests: each
 * records which constructor made it, with which config and allocator.
 */
#include "common/dp_test.h"
#include "factory/factory.h"

#include <stdio.h>
#include <string.h>

struct widget {
	const char *kind;
	int size;
	const struct dp_allocator *alloc;
};

/* The config of every widget constructor; `fail_with` makes one fail. */
struct widget_config {
	int size;
	int fail_with;
};

static void widget_destroy(struct widget *widget)
{
	if (widget != NULL)
		dp_free(widget->alloc, widget);
}

/* How many times any constructor ran, to prove that failed lookups never
 * reach one. */
static size_t constructor_calls;

static int make_widget(const char *kind, void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	const struct widget_config *wanted = config;

	constructor_calls++;
	if (wanted != NULL && wanted->fail_with != DP_OK)
		return wanted->fail_with;
	struct widget *widget = dp_alloc(alloc, sizeof(*widget));
	if (widget == NULL)
		return DP_ENOMEM;
	widget->kind = kind;
	widget->size = wanted != NULL ? wanted->size : 0;
	widget->alloc = alloc;
	*product = widget;
	return DP_OK;
}

static int make_gear(void **product, const void *config,
                     const struct dp_allocator *alloc)
{
	return make_widget("gear", product, config, alloc);
}

static int make_spring(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	return make_widget("spring", product, config, alloc);
}

static int make_lever(void **product, const void *config,
                      const struct dp_allocator *alloc)
{
	return make_widget("lever", product, config, alloc);
}

static int make_cam(void **product, const void *config,
                    const struct dp_allocator *alloc)
{
	return make_widget("cam", product, config, alloc);
}

static const struct dp_factory_entry BUILTINS[] = {
	{"gear", make_gear, "a toothed wheel"},
	{"spring", make_spring, NULL},
	{"lever", make_lever, "a bar on a pivot"},
	{NULL, NULL, NULL},
};
enum { N_BUILTINS = DP_ARRAY_SIZE(BUILTINS) - 1 };

static const struct dp_factory_entry CAM = {"cam", make_cam, "a plugin"};

/* ---- built-ins ------------------------------------------------------------ */

START_TEST(test_every_builtin_is_found_by_name)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	ck_assert_ptr_nonnull(factory);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS);
	/* Looked up through a copy of the name: found by content, not by
	 * the address of the table's string. */
	char name[16];
	snprintf(name, sizeof(name), "%s", BUILTINS[_i].name);
	ck_assert_ptr_eq(dp_factory_find(factory, name), &BUILTINS[_i]);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_make_builds_each_builtin_with_its_config_and_allocator)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	const struct widget_config config = {.size = 10 + (int)_i};
	void *product = NULL;

	ck_assert_int_eq(dp_factory_make(factory, BUILTINS[_i].name, &config,
	                                 &counter.base, &product),
	                 DP_OK);
	struct widget *widget = product;
	ck_assert_str_eq(widget->kind, BUILTINS[_i].name);
	ck_assert_int_eq(widget->size, 10 + (int)_i);
	ck_assert_ptr_eq(widget->alloc, &counter.base);
	ck_assert_uint_eq(counter.live_blocks, 1);
	widget_destroy(widget);
	ck_assert_uint_eq(counter.live_blocks, 0);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_a_null_allocator_reaches_the_constructor_as_given)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	void *product = NULL;

	ck_assert_int_eq(dp_factory_make(factory, "gear", NULL, NULL, &product),
	                 DP_OK);
	struct widget *widget = product;
	ck_assert_ptr_null(widget->alloc);
	ck_assert_int_eq(widget->size, 0);
	widget_destroy(widget);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_a_null_table_gives_a_registry_of_registrations_only)
{
	const struct dp_factory_entry empty[] = {{NULL, NULL, NULL}};
	dp_factory *factory = dp_factory_create(_i == 0 ? NULL : empty, NULL);

	ck_assert_ptr_nonnull(factory);
	ck_assert_uint_eq(dp_factory_count(factory), 0);
	ck_assert_ptr_null(dp_factory_entry_at(factory, 0));
	ck_assert_ptr_null(dp_factory_find(factory, "gear"));
	ck_assert_int_eq(dp_factory_register(factory, &CAM), DP_OK);
	ck_assert_ptr_eq(dp_factory_find(factory, "cam"), &CAM);
	ck_assert_ptr_eq(dp_factory_entry_at(factory, 0), &CAM);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_create_refuses_an_invalid_builtin_table)
{
	/* One flaw per iteration: an empty name, a missing constructor, a
	 * name given twice. */
	struct dp_factory_entry table[] = {
		{"gear", make_gear, NULL},
		{"lever", make_lever, NULL},
		{NULL, NULL, NULL},
	};
	switch (_i) {
	case 0:
		table[1].name = "";
		break;
	case 1:
		table[1].create = NULL;
		break;
	case 2:
		table[1].name = "gear";
		break;
	}
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	ck_assert_ptr_null(dp_factory_create(table, &counter.base));
	ck_assert_uint_eq(counter.allocations, 0);
}
END_TEST

/* ---- lookups that fail ------------------------------------------------------ */

START_TEST(test_an_unknown_name_is_enoent_and_calls_no_constructor)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	void *product = &constructor_calls;

	constructor_calls = 0;
	ck_assert_ptr_null(dp_factory_find(factory, "sprocket"));
	ck_assert_int_eq(
		dp_factory_make(factory, "sprocket", NULL, NULL, &product),
		DP_ENOENT);
	ck_assert_ptr_eq(product, &constructor_calls);
	ck_assert_uint_eq(constructor_calls, 0);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_names_match_exactly_and_case_sensitively)
{
	static const char *const near_misses[] = {"Gear", "gea", "gears",
	                                          " gear", "gear "};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	for (size_t i = 0; i < DP_ARRAY_SIZE(near_misses); i++)
		ck_assert_msg(dp_factory_find(factory, near_misses[i]) == NULL,
		              "\"%s\" was found", near_misses[i]);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_null_and_empty_names_are_einval_and_never_found)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	void *product = &constructor_calls;

	constructor_calls = 0;
	ck_assert_ptr_null(dp_factory_find(factory, NULL));
	ck_assert_ptr_null(dp_factory_find(factory, ""));
	ck_assert_int_eq(dp_factory_make(factory, NULL, NULL, NULL, &product),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_factory_make(factory, "", NULL, NULL, &product),
	                 DP_EINVAL);
	ck_assert_ptr_eq(product, &constructor_calls);
	ck_assert_uint_eq(constructor_calls, 0);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_make_rejects_a_null_product_pointer)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	constructor_calls = 0;
	ck_assert_int_eq(dp_factory_make(factory, "gear", NULL, NULL, NULL),
	                 DP_EINVAL);
	ck_assert_uint_eq(constructor_calls, 0);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_a_null_registry_is_handled_by_every_function)
{
	void *product = &constructor_calls;

	ck_assert_ptr_null(dp_factory_find(NULL, "gear"));
	ck_assert_int_eq(dp_factory_make(NULL, "gear", NULL, NULL, &product),
	                 DP_EINVAL);
	ck_assert_ptr_eq(product, &constructor_calls);
	ck_assert_int_eq(dp_factory_register(NULL, &CAM), DP_EINVAL);
	ck_assert_int_eq(dp_factory_unregister(NULL, &CAM), DP_EINVAL);
	ck_assert_uint_eq(dp_factory_count(NULL), 0);
	ck_assert_ptr_null(dp_factory_entry_at(NULL, 0));
	dp_factory_destroy(NULL);
}
END_TEST

/* ---- constructors' own errors ------------------------------------------------ */

START_TEST(test_a_constructor_error_flows_back_unchanged)
{
	static const int codes[] = {DP_EINVAL, DP_ENOMEM, DP_ERANGE, DP_EIO};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	const struct widget_config config = {.fail_with = codes[_i]};
	void *product = &constructor_calls;

	ck_assert_int_eq(
		dp_factory_make(factory, "lever", &config, NULL, &product),
		codes[_i]);
	ck_assert_ptr_eq(product, &constructor_calls);
	dp_factory_destroy(factory);
}
END_TEST

/* A constructor that writes its out-parameter and then fails. */
static int make_broken(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	(void)config;
	(void)alloc;
	*product = NULL;
	return DP_EIO;
}

START_TEST(test_product_is_untouched_even_when_a_constructor_scribbles)
{
	const struct dp_factory_entry table[] = {
		{"broken", make_broken, NULL},
		{NULL, NULL, NULL},
	};
	dp_factory *factory = dp_factory_create(table, NULL);
	void *product = &constructor_calls;

	ck_assert_int_eq(
		dp_factory_make(factory, "broken", NULL, NULL, &product),
		DP_EIO);
	ck_assert_ptr_eq(product, &constructor_calls);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_find_tells_an_unknown_name_from_a_constructors_enoent)
{
	/* A store whose file is missing answers DP_ENOENT too: make alone
	 * cannot say which, find can. */
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	const struct widget_config missing = {.fail_with = DP_ENOENT};
	void *product;

	ck_assert_int_eq(
		dp_factory_make(factory, "gear", &missing, NULL, &product),
		DP_ENOENT);
	ck_assert_int_eq(
		dp_factory_make(factory, "cog", &missing, NULL, &product),
		DP_ENOENT);
	ck_assert_ptr_nonnull(dp_factory_find(factory, "gear"));
	ck_assert_ptr_null(dp_factory_find(factory, "cog"));
	dp_factory_destroy(factory);
}
END_TEST

/* ---- registration at run time ---------------------------------------------- */

START_TEST(test_a_registered_entry_is_found_and_makes_products)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);
	const struct widget_config config = {.size = 3};
	void *product = NULL;

	ck_assert_ptr_null(dp_factory_find(factory, "cam"));
	ck_assert_int_eq(dp_factory_register(factory, &CAM), DP_OK);
	ck_assert_ptr_eq(dp_factory_find(factory, "cam"), &CAM);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS + 1);
	ck_assert_int_eq(
		dp_factory_make(factory, "cam", &config, NULL, &product),
		DP_OK);
	ck_assert_str_eq(((struct widget *)product)->kind, "cam");
	ck_assert_int_eq(((struct widget *)product)->size, 3);
	widget_destroy(product);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_registering_a_builtin_name_is_eexist)
{
	/* No shadowing: a plugin cannot replace a built-in. */
	const struct dp_factory_entry impostor = {BUILTINS[_i].name, make_cam,
	                                          NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	ck_assert_int_eq(dp_factory_register(factory, &impostor), DP_EEXIST);
	ck_assert_int_eq(dp_factory_register(factory, &BUILTINS[_i]),
	                 DP_EEXIST);
	ck_assert_ptr_eq(dp_factory_find(factory, BUILTINS[_i].name),
	                 &BUILTINS[_i]);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_registering_a_registered_name_again_is_eexist)
{
	const struct dp_factory_entry second_cam = {"cam", make_gear, NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	ck_assert_int_eq(dp_factory_register(factory, &CAM), DP_OK);
	ck_assert_int_eq(dp_factory_register(factory, &CAM), DP_EEXIST);
	ck_assert_int_eq(dp_factory_register(factory, &second_cam), DP_EEXIST);
	ck_assert_ptr_eq(dp_factory_find(factory, "cam"), &CAM);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS + 1);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_register_refuses_an_invalid_entry)
{
	/* One flaw per iteration. */
	struct dp_factory_entry entry = CAM;
	const struct dp_factory_entry *given = &entry;
	switch (_i) {
	case 0:
		given = NULL;
		break;
	case 1:
		entry.name = NULL;
		break;
	case 2:
		entry.name = "";
		break;
	case 3:
		entry.create = NULL;
		break;
	}
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_factory *factory = dp_factory_create(BUILTINS, &counter.base);
	size_t allocations = counter.allocations;

	ck_assert_int_eq(dp_factory_register(factory, given), DP_EINVAL);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS);
	ck_assert_uint_eq(counter.allocations, allocations);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_a_description_is_optional)
{
	const struct dp_factory_entry bare = {"bare", make_cam, NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	ck_assert_int_eq(dp_factory_register(factory, &bare), DP_OK);
	ck_assert_ptr_null(dp_factory_find(factory, "bare")->description);
	ck_assert_ptr_null(dp_factory_find(factory, "spring")->description);
	dp_factory_destroy(factory);
}
END_TEST

/* Entries named "e0".."e99", for the tests that register many. */
enum { MANY = 100 };
static char many_names[MANY][8];
static struct dp_factory_entry many_entries[MANY];

static void make_many_entries(void)
{
	for (size_t i = 0; i < MANY; i++) {
		snprintf(many_names[i], sizeof(many_names[i]), "e%zu", i);
		many_entries[i] = (struct dp_factory_entry){many_names[i],
		                                            make_cam, NULL};
	}
}

START_TEST(test_many_registrations_stay_findable_as_the_list_grows)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_factory *factory = dp_factory_create(BUILTINS, &counter.base);

	make_many_entries();
	for (size_t i = 0; i < MANY; i++)
		ck_assert_int_eq(dp_factory_register(factory, &many_entries[i]),
		                 DP_OK);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS + MANY);
	for (size_t i = 0; i < MANY; i++)
		ck_assert_ptr_eq(dp_factory_find(factory, many_names[i]),
		                 &many_entries[i]);
	/* Doubling from 4 to 128: one allocation for the registry, then
	 * one first allocation and five resizes of the list. */
	ck_assert_uint_eq(counter.allocations, 2);
	ck_assert_uint_eq(counter.reallocations, 5);
	dp_factory_destroy(factory);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

/* ---- unregistration --------------------------------------------------------- */

START_TEST(test_unregister_forgets_the_entry_and_keeps_the_others_in_order)
{
	const struct dp_factory_entry a = {"a", make_cam, NULL};
	const struct dp_factory_entry b = {"b", make_cam, NULL};
	const struct dp_factory_entry c = {"c", make_cam, NULL};
	const struct dp_factory_entry d = {"d", make_cam, NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	/* Four fill the list's first block exactly, so a shift that read
	 * one entry too many would be caught by the sanitizers. */
	dp_factory_register(factory, &a);
	dp_factory_register(factory, &b);
	dp_factory_register(factory, &c);
	dp_factory_register(factory, &d);
	ck_assert_int_eq(dp_factory_unregister(factory, &b), DP_OK);
	ck_assert_ptr_null(dp_factory_find(factory, "b"));
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS + 3);
	ck_assert_ptr_eq(dp_factory_entry_at(factory, N_BUILTINS), &a);
	ck_assert_ptr_eq(dp_factory_entry_at(factory, N_BUILTINS + 1), &c);
	ck_assert_ptr_eq(dp_factory_entry_at(factory, N_BUILTINS + 2), &d);
	ck_assert_int_eq(dp_factory_unregister(factory, &b), DP_ENOENT);
	/* The name is free again, and comes back last. */
	ck_assert_int_eq(dp_factory_register(factory, &b), DP_OK);
	ck_assert_ptr_eq(dp_factory_entry_at(factory, N_BUILTINS + 3), &b);
	dp_factory_destroy(factory);
}
END_TEST

START_TEST(test_unregister_refuses_builtins_and_strangers)
{
	/* A stranger with a registered name is still not the registered
	 * entry: removal goes by address. */
	const struct dp_factory_entry stranger = {"cam", make_cam, NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	dp_factory_register(factory, &CAM);
	ck_assert_int_eq(dp_factory_unregister(factory, &BUILTINS[0]),
	                 DP_ENOENT);
	ck_assert_int_eq(dp_factory_unregister(factory, &stranger), DP_ENOENT);
	ck_assert_int_eq(dp_factory_unregister(factory, NULL), DP_EINVAL);
	ck_assert_ptr_eq(dp_factory_find(factory, "gear"), &BUILTINS[0]);
	ck_assert_ptr_eq(dp_factory_find(factory, "cam"), &CAM);
	ck_assert_uint_eq(dp_factory_count(factory), N_BUILTINS + 1);
	dp_factory_destroy(factory);
}
END_TEST

/* ---- iteration ---------------------------------------------------------------- */

START_TEST(test_iteration_lists_builtins_then_registrations_in_order)
{
	const struct dp_factory_entry zebra = {"zebra", make_cam, NULL};
	const struct dp_factory_entry ant = {"ant", make_cam, NULL};
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	dp_factory_register(factory, &zebra);
	dp_factory_register(factory, &ant);
	const char *const expected[] = {"gear", "spring", "lever", "zebra",
	                                "ant"};
	ck_assert_uint_eq(dp_factory_count(factory), DP_ARRAY_SIZE(expected));
	for (size_t i = 0; i < DP_ARRAY_SIZE(expected); i++)
		ck_assert_str_eq(dp_factory_entry_at(factory, i)->name,
		                 expected[i]);
	ck_assert_ptr_null(
		dp_factory_entry_at(factory, DP_ARRAY_SIZE(expected)));
	ck_assert_ptr_null(dp_factory_entry_at(factory, SIZE_MAX));
	dp_factory_destroy(factory);
}
END_TEST

/* ---- memory: no leak, and every DP_ENOMEM path ------------------------------ */

START_TEST(test_destroy_frees_every_byte_of_the_registry)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_factory *factory = dp_factory_create(BUILTINS, &counter.base);

	make_many_entries();
	for (size_t i = 0; i < 10; i++)
		dp_factory_register(factory, &many_entries[i]);
	for (size_t i = 0; i < 10; i += 2)
		dp_factory_unregister(factory, &many_entries[i]);
	ck_assert_uint_gt(counter.live_bytes, 0);
	dp_factory_destroy(factory);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.live_bytes, 0);
	ck_assert_uint_eq(counter.allocations, counter.frees);
}
END_TEST

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		dp_factory *factory =
			dp_factory_create(BUILTINS, &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(factory);
			dp_factory_destroy(factory);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_ptr_null(factory);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_lt(n, 100);
	}
}
END_TEST

/*
 * Register the `_i`th entry after `_i` earlier ones, failing the 1st, 2nd,
 * ... allocation until it succeeds. Iterations 0 and 4 are the ones that
 * allocate (the first list, its first growth); the others prove that a
 * registration with room allocates nothing.
 */
START_TEST(test_register_fails_cleanly_at_every_allocation)
{
	make_many_entries();
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		dp_factory *factory =
			dp_factory_create(BUILTINS, &failing.base);
		for (size_t i = 0; i < (size_t)_i; i++)
			dp_factory_register(factory, &many_entries[i]);

		failing.fail_at = failing.requests + n;
		int rc = dp_factory_register(factory, &many_entries[_i]);
		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_ptr_null(
				dp_factory_find(factory, many_names[_i]));
			ck_assert_uint_eq(dp_factory_count(factory),
			                  N_BUILTINS + (size_t)_i);
			for (size_t i = 0; i < (size_t)_i; i++)
				ck_assert_ptr_eq(
					dp_factory_find(factory, many_names[i]),
					&many_entries[i]);
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_ptr_eq(
				dp_factory_find(factory, many_names[_i]),
				&many_entries[_i]);
		}
		dp_factory_destroy(factory);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed) {
			ck_assert_uint_eq(n, _i == 0 || _i == 4 ? 2 : 1);
			break;
		}
		ck_assert_uint_lt(n, 100);
	}
}
END_TEST

START_TEST(test_make_passes_a_constructors_enomem_back_without_a_leak)
{
	dp_factory *factory = dp_factory_create(BUILTINS, NULL);

	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		void *product = &constructor_calls;

		int rc = dp_factory_make(factory, "spring", NULL, &failing.base,
		                         &product);
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			widget_destroy(product);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
		ck_assert_ptr_eq(product, &constructor_calls);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_lt(n, 100);
	}
	dp_factory_destroy(factory);
}
END_TEST

static Suite *factory_suite(void)
{
	Suite *suite = suite_create("factory");
	TCase *tc;

	tc = dp_test_case(suite, "built-ins");
	tcase_add_loop_test(tc, test_every_builtin_is_found_by_name, 0,
	                    N_BUILTINS);
	tcase_add_loop_test(
		tc, test_make_builds_each_builtin_with_its_config_and_allocator,
		0, N_BUILTINS);
	tcase_add_test(tc,
	               test_a_null_allocator_reaches_the_constructor_as_given);
	tcase_add_loop_test(
		tc, test_a_null_table_gives_a_registry_of_registrations_only, 0,
		2);
	tcase_add_loop_test(tc, test_create_refuses_an_invalid_builtin_table, 0,
	                    3);

	tc = dp_test_case(suite, "failed lookups");
	tcase_add_test(tc,
	               test_an_unknown_name_is_enoent_and_calls_no_constructor);
	tcase_add_test(tc, test_names_match_exactly_and_case_sensitively);
	tcase_add_test(tc,
	               test_null_and_empty_names_are_einval_and_never_found);
	tcase_add_test(tc, test_make_rejects_a_null_product_pointer);
	tcase_add_test(tc, test_a_null_registry_is_handled_by_every_function);

	tc = dp_test_case(suite, "constructor errors");
	tcase_add_loop_test(tc, test_a_constructor_error_flows_back_unchanged,
	                    0, 4);
	tcase_add_test(
		tc,
		test_product_is_untouched_even_when_a_constructor_scribbles);
	tcase_add_test(
		tc, test_find_tells_an_unknown_name_from_a_constructors_enoent);

	tc = dp_test_case(suite, "registration");
	tcase_add_test(tc, test_a_registered_entry_is_found_and_makes_products);
	tcase_add_loop_test(tc, test_registering_a_builtin_name_is_eexist, 0,
	                    N_BUILTINS);
	tcase_add_test(tc, test_registering_a_registered_name_again_is_eexist);
	tcase_add_loop_test(tc, test_register_refuses_an_invalid_entry, 0, 4);
	tcase_add_test(tc, test_a_description_is_optional);
	tcase_add_test(tc,
	               test_many_registrations_stay_findable_as_the_list_grows);
	tcase_add_test(
		tc,
		test_unregister_forgets_the_entry_and_keeps_the_others_in_order);
	tcase_add_test(tc, test_unregister_refuses_builtins_and_strangers);
	tcase_add_test(
		tc, test_iteration_lists_builtins_then_registrations_in_order);

	tc = dp_test_case(suite, "memory");
	tcase_add_test(tc, test_destroy_frees_every_byte_of_the_registry);
	tcase_add_test(tc, test_create_fails_cleanly_at_every_allocation);
	tcase_add_loop_test(tc, test_register_fails_cleanly_at_every_allocation,
	                    0, 6);
	tcase_add_test(
		tc, test_make_passes_a_constructors_enomem_back_without_a_leak);

	return suite;
}

int main(void)
{
	return dp_test_run(factory_suite());
}
