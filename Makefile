# SPDX-License-Identifier: MIT
# The commands people type.  The build itself is CMake's (build/ and
# build-asan/); this file only drives it.
PREFIX ?= /usr/local
BUILD ?= build
ASAN_BUILD ?= build-asan
CC ?= cc
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: all deps configure test check check-sanitize demo bench soak fuzz install clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps.sh

configure: $(BUILD)/CMakeCache.txt
$(BUILD)/CMakeCache.txt:
	@scripts/deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DNETRING_WERROR=$(WERROR)

# Unit and integration tests, then the same suite built with clang under
# ASan+UBSan.  The last line printed is CTest's summary.
test: deps all
	cd $(BUILD) && ctest --output-on-failure -j 1
	@$(MAKE) --no-print-directory check-sanitize

check: test

# -O1 (RelWithDebInfo would be -O2): sanitizer builds at -O0 are several
# times slower, too slow for the suite's rate-sensitive cases on 2 CPUs.
check-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
		-DCMAKE_C_COMPILER=clang \
		-DNETRING_SANITIZE=ON -DNETRING_WERROR=$(WERROR) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j 1

demo: deps all
	@scripts/demo.sh $(BUILD)/tools/netring

bench: deps all
	@bench/run.sh $(BUILD)

# Long runs, not part of `make test`: `make soak`, 10 M frames of overload
# accounting on each backend (packet, xdp, tap); `make fuzz`, each libFuzzer
# target for FUZZ_SECONDS (clang build).
SOAK_FRAMES ?= 10000000
FUZZ_SECONDS ?= 600
soak: deps all
	for b in packet xdp; do \
		NRF_RX=$(BUILD)/tests/fault_rx NRT_SEND=$(BUILD)/tests/nrt-send \
		NRX_PROBE=$(BUILD)/tests/xdp_probe \
		bash tests/overload_accounting.sh $$b $(SOAK_FRAMES) || exit 1; \
	done
	NRF_RX=$(BUILD)/tests/fault_rx NRT_SEND=$(BUILD)/tests/nrt-send \
		bash tests/tap_overload.sh $(SOAK_FRAMES)

fuzz: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
		-DCMAKE_C_COMPILER=clang \
		-DNETRING_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	t=$(ASAN_BUILD)/tests; \
	tests/fuzz_run.sh $$t/fuzz_ring_header $$t/fuzz-seeds ring $(FUZZ_SECONDS) && \
	tests/fuzz_run.sh $$t/fuzz_pcap $$t/fuzz-seeds pcap $(FUZZ_SECONDS) && \
	tests/fuzz_run.sh $$t/fuzz_summary $$t/fuzz-summary-seeds summary $(FUZZ_SECONDS) && \
	tests/fuzz_run.sh $$t/fuzz_args $$t/fuzz-args-seeds args $(FUZZ_SECONDS)

install: all
	cmake --install $(BUILD) --prefix $(DESTDIR)$(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
