# Thin wrapper around meson/ninja. `make test` is what CI runs (via .ci/run).
BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_SECONDS ?= 30
MESON_TEST  := meson test --print-errorlogs --num-processes 2

.PHONY: all build deps test test-asan fuzz demo bench clean

all: build

deps:
	@scripts/install-deps -q

build:
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD)
	ninja -C $(BUILD)

test: deps build
	$(MESON_TEST) -C $(BUILD)
	$(MAKE) test-asan
	$(MAKE) fuzz

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, same tests.
test-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(ASAN_BUILD)
	UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1 \
	  $(MESON_TEST) -C $(ASAN_BUILD)

# Fuzzers for a short fixed time, if the fuzz driver exists (it reads FUZZ_SECONDS).
fuzz: deps
	@if [ -x fuzz/run.sh ]; then FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh; \
	 elif [ -f fuzz/run.sh ]; then FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh; \
	 else echo "fuzz: no fuzz/run.sh yet, skipped"; fi

demo: deps build
	scripts/demo

bench: deps build
	bench/build-image.sh
	bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz bench/out
