# ksrtp-bench and make bench (included by the top-level Makefile).
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_HDRS := $(wildcard bench/*.h)

$(BUILD)/ksrtp-bench: $(BENCH_SRCS) $(BENCH_HDRS) $(STATIC_LIB)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Ibench -o $@ $(BENCH_SRCS) $(STATIC_LIB) \
		-lsrtp2 -ljson-c -lvpx -lm $(LIBS)

bench:
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory -s $(BUILD)/ksrtp-bench
	$(BUILD)/ksrtp-bench crypto $(BENCH_ARGS)
	@$(MAKE) --no-print-directory bench-vm	# ksrtp-bench kernel in the test VM (tests/vm/vm.mk)

