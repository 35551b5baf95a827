# SPDX-License-Identifier: MIT
# The commands people type.  The build itself is CMake's (build/ and
# build-asan/); this file only drives it.
PREFIX ?= /usr/local
BUILD ?= build
ASAN_BUILD ?= build-asan
CC ?= cc
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: all deps configure test check check-sanitize demo install clean

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

check-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DNETRING_SANITIZE=ON -DNETRING_WERROR=$(WERROR) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j 1

demo: deps all
	@scripts/demo.sh $(BUILD)/tools/netring

install: all
	cmake --install $(BUILD) --prefix $(DESTDIR)$(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
