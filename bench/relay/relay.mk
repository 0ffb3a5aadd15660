# ksrtp-relay, the reference relay (included by the top-level Makefile).
#
#   $(BUILD)/ksrtp-relay          linked with libksrtp.a and the shared system libraries
#   make relay-static             $(RELAY_STATIC): fully static, for a machine without
#                                 the libraries (what make bench-static ships)
#   make check-soak               ksrtp-bench soak --seconds 30; "PASS soak" or "FAIL soak"
#                                 in $(RESULTS)
RELAY_SRCS := $(wildcard bench/relay/*.c)
RELAY_HDRS := $(wildcard bench/relay/*.h)
RELAY_STATIC := $(BUILD)/static/ksrtp-relay
CHECK_SOAK_SECONDS ?= 30

.PHONY: relay-static check-soak

$(BUILD)/ksrtp-relay: $(RELAY_SRCS) $(RELAY_HDRS) $(STATIC_LIB)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Ibench/relay -o $@ $(RELAY_SRCS) $(STATIC_LIB) \
		$(LIBS) $(SAN_LDFLAGS)

$(RELAY_STATIC): $(RELAY_SRCS) $(RELAY_HDRS) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Ibench/relay -static -o $@ $(RELAY_SRCS) \
		$(STATIC_LIB) $(LIBS)

relay-static: $(RELAY_STATIC)

# The relay tests run the relay: build it first.
$(filter $(BUILD)/tests/relay/%,$(TEST_BINS)): $(BUILD)/ksrtp-relay

# tests/relay/packet_path_calls runs the relay under this LD_PRELOAD shim. Never
# sanitized: it hands each call on, to the sanitizer runtime in a SAN=1 build.
COUNT_CALLS_SO := $(BUILD)/tests/relay/preload/count_calls.so
$(COUNT_CALLS_SO): tests/relay/preload/count_calls.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(filter-out -fsanitize%,$(KSRTP_CFLAGS)) -shared -o $@ $< -ldl
$(BUILD)/tests/relay/packet_path_calls: $(COUNT_CALLS_SO)
# Named by tests too: .SECONDARY would leave a deleted one unmade behind the binary.
tests: $(COUNT_CALLS_SO)

# At 80% of the capacity it measures first: no packet lost, duplicated or
# failing to authenticate, and the relay's RSS flat. Never a timing.
check-soak:
	@$(MAKE) --no-print-directory -s WERROR=1 $(BUILD)/ksrtp-bench $(BUILD)/ksrtp-relay
	@mkdir -p $(dir $(RESULTS))
	@if $(BUILD)/ksrtp-bench soak --seconds $(CHECK_SOAK_SECONDS) \
			--relay $(BUILD)/ksrtp-relay >$(BUILD)/soak.log 2>&1; then \
		echo "PASS soak"; echo "PASS soak" >>$(RESULTS); \
	else \
		echo "FAIL soak"; echo "FAIL soak" >>$(RESULTS); tail -n 30 $(BUILD)/soak.log; \
	fi
