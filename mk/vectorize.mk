# ---- patterns/vectorize: its own flags and bench builds -------------------
# Its kernels use `#pragma omp simd`, which needs -fopenmp-simd in every
# mode (without it the pragma is ignored and -Werror rejects it). `private`
# keeps the flag off the shared .flags stamp these objects depend on.
$(O)/patterns/vectorize/%.o: private ALL_CFLAGS += -fopenmp-simd

# Its bench also runs at -O0 and at -O3 -march=native: the kernels and the
# bench are compiled again from the same sources with those flags and
# DP_VECTORIZE_OPT naming the level; the rest of the library is the -O2
# one. `make bench` runs them when it runs the chapter's bench.
#
# The bench's yardstick, dp_vec_limit_sum(), is the same in all three: in
# bench mode its object is compiled at -O3 -march=native, and all three
# programs take it from the library. Only bench builds ever see
# -march=native: valgrind, which runs the tests on the debug build, cannot
# execute AVX-512 code.
ifeq ($(MODE),bench)
$(O)/patterns/vectorize/vectorize_limit.o: private ALL_CFLAGS += -O3 \
                                                   -march=native
endif

VEC_BENCH_SRCS := patterns/vectorize/bench_vectorize.c \
                  patterns/vectorize/vectorize.c \
                  patterns/vectorize/vectorize_kernels.c
VEC_BENCH_CFLAGS = -std=c11 $(WARNINGS) -g -pthread -fopenmp-simd \
                   -Ipatterns $(CFLAGS)
VEC_BENCHES := $(O)/patterns/vectorize/bench_vectorize-O0 \
               $(O)/patterns/vectorize/bench_vectorize-O3-native
ifeq ($(MODE),bench)
ifneq ($(filter patterns/vectorize/%,$(BENCH_SRCS)),)
BENCHES += $(VEC_BENCHES)
endif
endif

$(O)/patterns/vectorize/bench_vectorize-O0: $(VEC_BENCH_SRCS) $(LIB) \
                                            $(HEADERS)
	@$(if $(Q),echo "  CC LD   $@")
	$(Q)$(CC) $(VEC_BENCH_CFLAGS) -O0 -DDP_VECTORIZE_OPT='"-O0"' \
	    $(ALL_LDFLAGS) -o $@ $(VEC_BENCH_SRCS) $(LIB) $(LIBS)

$(O)/patterns/vectorize/bench_vectorize-O3-native: $(VEC_BENCH_SRCS) \
                                                   $(LIB) $(HEADERS)
	@$(if $(Q),echo "  CC LD   $@")
	$(Q)$(CC) $(VEC_BENCH_CFLAGS) -O3 -march=native \
	    -DDP_VECTORIZE_OPT='"-O3 -march=native"' \
	    $(ALL_LDFLAGS) -o $@ $(VEC_BENCH_SRCS) $(LIB) $(LIBS)
