# The two commands of the README, plus a few helpers. CMake does the real work.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: run test test-browser test-influx-parity peer-bench mqtt-bench build deps bench clean format

run: deps build
	scripts/run.sh $(BUILD_DIR)/app/citynexus

test: deps build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

# The dashboard in headless chromium against a server fed by the demo
# (scripts/test-browser.sh); screenshots in $(BUILD_DIR)/browser-test/.
test-browser: deps build
	scripts/test-browser.sh $(BUILD_DIR)

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
