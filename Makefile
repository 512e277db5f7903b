# The two commands of the README, plus a few helpers. CMake does the real work.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: fuzz run test test-influx-parity peer-bench mqtt-bench build deps bench clean format

run: deps build
	scripts/run.sh $(BUILD_DIR)/app/citynexus

test: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# Opt-in: compares /write and /query with a real InfluxDB 1.6.7 (installed
# from Debian on first use) on the same generated data set.
test-influx-parity: deps build
	scripts/test-influx-parity.sh $(BUILD_DIR)/app/citynexus

# Opt-in: citynexus vs InfluxDB 1.6.7 on 10M points (docs/performance.md);
# PEER_BENCH_FLAGS=--quick for 1M.
peer-bench: deps build
	scripts/peer-bench.sh $(BUILD_DIR)/app/citynexus $(PEER_BENCH_FLAGS)

# Opt-in: citynexus vs mosquitto_sub draining the same QoS 1 stream from a
# private mosquitto (docs/performance.md); MQTT_BENCH_FLAGS=--reps 1 etc.
mqtt-bench: deps build
	scripts/mqtt-bench.sh $(BUILD_DIR) $(MQTT_BENCH_FLAGS)

# Builds the libFuzzer targets of fuzz/ with clang-14 and runs each for
# FUZZ_SECONDS (default 30); fails on any crash, leak or timeout.
fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30) scripts/fuzz.sh

deps:
	@scripts/install-deps.sh

build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

bench: deps build
	scripts/bench.sh $(BUILD_DIR)

format:
	find common engine net connectors app tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
