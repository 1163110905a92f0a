# ---- patterns/profiling: `make profile` -----------------------------------
# The profiled program is built twice, outside the build modes: with -pg
# for gprof, and with -g alone for valgrind, which cannot run AVX-512 code
# (so never -march=native here). The library comes from the debug build.
PROF := build/profile
PROF_SRCS := patterns/profiling/profile_main.c patterns/profiling/course.c

.PHONY: profile

profile: ## Run the course's functions under gprof, callgrind and massif.
	@scripts/deps.sh test profile $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug build/libdp.a
	@mkdir -p $(PROF)
	$(Q)$(CC) $(PROF_CFLAGS) -pg -o $(PROF)/profile_gprof $(PROF_SRCS) \
	    build/libdp.a $(LIBS)
	$(Q)$(CC) $(PROF_CFLAGS) -o $(PROF)/profile_plain $(PROF_SRCS) \
	    build/libdp.a $(LIBS)
	@patterns/profiling/profile.sh $(PROF)
