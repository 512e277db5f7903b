# The two commands of the README, plus a few helpers. CMake does the real work.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: fuzz run test test-browser test-influx-parity test-prom-parity prom-bench peer-bench scale-bench scale-bench-year mqtt-bench build deps bench clean format thread-safety

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

# The /prometheus API against a real Prometheus 2.42 (installed from Debian
# on first use) on the same generated samples; run by CI.
test-prom-parity: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target citynexus
	scripts/test-prom-parity.sh $(BUILD_DIR)

# Opt-in: the parity run plus range queries over 100 series x 24 h,
# citynexus vs Prometheus in one run (docs/prometheus.md).
prom-bench: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target citynexus
	scripts/test-prom-parity.sh $(BUILD_DIR) --bench

# Opt-in: citynexus vs InfluxDB 1.6.7 on 10M points (docs/performance.md);
# PEER_BENCH_FLAGS=--quick for 1M.
peer-bench: deps build
	scripts/peer-bench.sh $(BUILD_DIR)/app/citynexus $(PEER_BENCH_FLAGS)

# Opt-in: 100,000 series (smart meters, 10M lines) in citynexus and InfluxDB
# 1.6.7, same run (docs/performance.md); SCALE_BENCH_FLAGS=--quick for 1M.
scale-bench: deps build
	scripts/scale-bench.sh $(BUILD_DIR)/app/citynexus $(SCALE_BENCH_FLAGS)

# Opt-in: one year of 1-minute data for 100 series (52.56M points) in
# citynexus and InfluxDB 1.6.7, same run; SCALE_BENCH_YEAR_FLAGS=--days 30 etc.
scale-bench-year: deps build
	scripts/scale-bench.sh $(BUILD_DIR)/app/citynexus --year $(SCALE_BENCH_YEAR_FLAGS)

# Opt-in: citynexus vs mosquitto_sub draining the same QoS 1 stream from a
# private mosquitto (docs/performance.md); MQTT_BENCH_FLAGS=--reps 1 etc.
mqtt-bench: deps build
	scripts/mqtt-bench.sh $(BUILD_DIR) $(MQTT_BENCH_FLAGS)

# Clang thread-safety analysis (GUARDED_BY, REQUIRES, EXCLUDES) over the
# product code; needs only a configured build dir, no compilation.
thread-safety: deps
	scripts/thread-safety.sh $(BUILD_DIR)

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
