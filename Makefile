# OpenDDK top-level driver: CMake does the building, ctest the testing.
# `make` builds everything into build/; `make check` runs every test twice
# (plain and under ASan+UBSan); `make demo` runs the main job.
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
BUILD   ?= build
ASAN    ?= build-asan
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 300

.PHONY: all deps check check-plain check-asan demo bench fuzz soak clean

all: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@MAKEFLAGS= cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps.sh build

check: check-plain check-asan

check-plain: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE soak --timeout 300

check-asan: deps
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DDDK_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@MAKEFLAGS= cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS) -LE soak --timeout 600

demo: all
	@rm -rf $(BUILD)/demo-root
	@$(BUILD)/bin/ddk-demo $(BUILD)/samples/ddkecho/ddkecho.so $(BUILD)/demo-root

bench: all
	@set -e; for b in $(BUILD)/bin/ddk-*bench; do echo "== $$(basename $$b)"; $$b; done

fuzz:
	@scripts/deps.sh fuzz
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DDDK_FUZZ=ON >/dev/null
	@MAKEFLAGS= cmake --build build-fuzz -j $(JOBS) --target fuzz_inf
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

soak: all
	cd $(BUILD) && ctest --output-on-failure -L soak

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz
