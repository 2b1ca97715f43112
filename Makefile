# gazette: the README's two commands are `make run` and `make test`.
# Everything real happens in Meson; this file only strings the steps together.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PORT       ?= 8080
DEMO_DIR   ?= demo
DEMO_N     ?= 2000
GAZETTE     = $(BUILD)/src/cli/gazette

.PHONY: all deps build run test unit bench fuzz clean format

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# A demo site with generated articles, created once, then served.
run: build
	@mkdir -p $(DEMO_DIR)
	@[ -f $(DEMO_DIR)/gazette.db ] || \
	    $(GAZETTE) demo --db $(DEMO_DIR)/gazette.db --articles $(DEMO_N)
	$(GAZETTE) serve --db $(DEMO_DIR)/gazette.db --port $(PORT)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debugoptimized \
	    -Db_sanitize=address,undefined -Db_lundef=false

# Every test (unit, HTTP, browser) against the ASan+UBSan build. The release
# build is compiled too: -O3 finds warnings (errors here) that -O2 does not,
# and it is what `make run` serves.
test: deps $(ASAN_BUILD)/build.ninja $(BUILD)/build.ninja
	ninja -C $(BUILD)
	ninja -C $(ASAN_BUILD)
	tests/run.sh $(ASAN_BUILD)

# Each fuzz target for FUZZ_SECONDS (libFuzzer, clang, ASan+UBSan). Crashes
# land in fuzz/regress/, which `make test` replays.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: deps
	bench/http.sh
	bench/memory.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
