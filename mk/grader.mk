# ---- the graded exercises: exercises/ and solutions/ ----------------------
# The grader's own checks are suites of the summary, run by
# exercises/grader/selftest.sh: the solutions score 100%, the untouched
# stubs score 0 with every test failing by assertion, and deliberately
# broken answers (exercises/grader/fixtures/) get the expected status and
# points. memcheck grades the solutions, the stubs (the grader must not
# leak when tests fail) and the leak fixture under ASan + UBSan, valgrind
# the solutions under valgrind, tsan the solutions under ThreadSanitizer.
# The pristine stubs are found by the manifest's checksums, in the tree or
# in git, so a student's work in progress never turns this red; a tree
# without solutions/ (a student's template) skips what needs them and says
# so. `make grader-class` (root) regrades eleven submissions through
# grade-class's sandbox. `P=...` leaves them out.
GRADER_GROUPS :=
ifeq ($(P),)
ifeq ($(MODE)-$(RUN),debug-plain)
GRADER_GROUPS := solutions stubs fixtures
GRADER_MODE := plain
else ifeq ($(MODE),asan)
GRADER_GROUPS := solutions stubs fixtures
GRADER_MODE := memcheck
else ifeq ($(RUN),valgrind)
GRADER_GROUPS := solutions
GRADER_MODE := valgrind
else ifeq ($(MODE),tsan)
GRADER_GROUPS := solutions
GRADER_MODE := tsan
endif
endif
RESULT_FILES += $(GRADER_GROUPS:%=$(RESULTS)/exercises/%.grade)
# A group that passed is not run again while nothing it reads changed
# (RESULT.key; GRADE_REUSE=0 runs everything); test_reuse.sh tests that.
ifeq ($(GRADER_MODE),plain)
RESULT_FILES += $(RESULTS)/exercises/grader_reuse.check
endif

# `make lint` formats every grader, exercise and solution source, and runs
# cppcheck over all but the stubs, which are incomplete by design.
GRADER_C := $(wildcard exercises/grader/*.c exercises/[0-9][0-9]_*/test_*.c \
                       solutions/[0-9][0-9]_*/*.c)
GRADER_SOURCES := $(GRADER_C) $(wildcard exercises/grader/*.h \
                  exercises/grader/fixtures/*.c exercises/[0-9][0-9]_*/*.[ch] \
                  solutions/[0-9][0-9]_*/*.h)

.PHONY: grader-class student-template

$(RESULTS)/exercises/%.grade: FORCE
	@GRADE_MODE=$(GRADER_MODE) CC="$(CC)" exercises/grader/selftest.sh $* $@ \
	    || true

$(RESULTS)/exercises/grader_reuse.check: FORCE
	@exercises/grader/test_reuse.sh $@

grader-class: ## The class regrade's own test: eleven submissions, sandboxed (root).
	@scripts/deps.sh test
	@exercises/grader/selftest.sh class

# The tree students receive: the last commit without solutions/, as a
# fresh repository of one commit. DIR must be new or empty.
student-template: ## Write the students' copy into DIR=path: the last commit without solutions/.
	@scripts/student_template.sh "$(DIR)"
