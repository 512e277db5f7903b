#include "app/cmd/import.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "app/cmd/common.h"
#include "app/cmd/import_chunks.h"
#include "app/cmd/line_chunks.h"
#include "app/config/mapping_options.h"
#include "common/clock.h"
#include "connectors/connectors.h"
#include "engine/engine.h"

namespace citynexus::app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kDefaultBatchLines = 5000;
constexpr int64_t kMaxBatchLines = 10'000'000;
// Rejections printed on stderr; the rest are only counted.
constexpr size_t kShownRejections = 10;
// How long a saturated write path may push back before import gives up.
constexpr auto kBackpressureDeadline = std::chrono::seconds(120);

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// One progress line on a terminal, redrawn in place about 4 times a second.
class Progress {
 public:
  Progress(std::ostream& err, bool enabled, std::optional<uint64_t> total)
      : err_(err), enabled_(enabled), total_(total), start_(Clock::now()) {}

  void Update(uint64_t points, uint64_t bytes) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double elapsed = Seconds(now - start_);
    const double rate = elapsed > 0 ? static_cast<double>(points) / elapsed : 0;
    err_ << "\r\x1b[Kimport: " << points << " points, "
         << static_cast<uint64_t>(rate) << " points/s, " << FormatBytes(bytes);
    if (total_ && *total_ > 0) {
      err_ << " / " << FormatBytes(*total_) << " (" << (100 * bytes / *total_)
           << "%)";
      if (bytes > 0 && elapsed > 0) {
        const double left = elapsed * static_cast<double>(*total_ - bytes) /
                            static_cast<double>(bytes);
        const auto secs = static_cast<uint64_t>(left + 0.5);
        char eta[32];
        std::snprintf(eta, sizeof(eta), ", ETA %llu:%02llu",
                      static_cast<unsigned long long>(secs / 60),
                      static_cast<unsigned long long>(secs % 60));
        err_ << eta;
      }
    }
    err_ << std::flush;
    drawn_ = true;
  }

  // Clears the line so the summary starts on a clean one.
  void Finish() {
    if (drawn_) err_ << "\r\x1b[K" << std::flush;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  std::optional<uint64_t> total_;
  Clock::time_point start_;
  Clock::time_point last_{};
  bool drawn_ = false;
};

// PointWriter::Write, waiting out back-pressure (a bulk load has nobody to
// answer 503 to).
Result<connectors::WriteOutcome> WriteChunk(
    connectors::PointWriter& writer, const connectors::DecodedBatch& batch) {
  const Clock::time_point deadline = Clock::now() + kBackpressureDeadline;
  while (true) {
    Result<connectors::WriteOutcome> outcome = writer.Write(batch);
    if (outcome || outcome.error().code() != StatusCode::kResourceExhausted ||
        Clock::now() > deadline) {
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

struct ImportTotals {
  uint64_t points_written = 0;
  uint64_t lines_read = 0;
  uint64_t lines_rejected = 0;
  uint64_t rejections = 0;
  std::vector<std::string> shown;  // the first kShownRejections reasons
};

// Streams `reader` into `store`. Fills `totals` as it goes.
Status Import(LineChunkReader& reader, engine::Store& store,
              ChunkDecoder& decoder, Progress& progress, ImportTotals* totals) {
  connectors::PointWriter writer(store, "import");
  connectors::DecodedBatch batch;
  std::string_view chunk;
  uint64_t lines_before = 0;
  uint64_t last_rejected_line = 0;
  bool unterminated = false;  // the last chunk ends without a line feed
  while (true) {
    Result<bool> more = reader.Next(&chunk, &lines_before);
    if (!more) return more.error();
    if (!*more) break;
    uint64_t line_offset = 0;
    if (Status s = decoder.Decode(chunk, lines_before, &batch, &line_offset);
        !s.ok()) {
      return s.WithContext("decoding lines " +
                           std::to_string(lines_before + 1) + " and on");
    }
    Result<connectors::WriteOutcome> outcome = WriteChunk(writer, batch);
    if (!outcome) {
      return outcome.error().WithContext(
          "writing lines " + std::to_string(lines_before + 1) + " and on");
    }
    totals->points_written += outcome->points_written;
    for (connectors::DecodeError& rejected : outcome->rejected) {
      rejected.line += line_offset;
      ++totals->rejections;
      if (rejected.line != last_rejected_line) {
        ++totals->lines_rejected;
        last_rejected_line = rejected.line;
      }
      if (totals->shown.size() < kShownRejections) {
        totals->shown.push_back(rejected.ToString());
      }
    }
    totals->lines_read = lines_before + static_cast<uint64_t>(std::count(
                                            chunk.begin(), chunk.end(), '\n'));
    unterminated = chunk.back() != '\n';
    progress.Update(totals->points_written, reader.bytes_read());
  }
  // A last line without a line feed is a line too.
  if (unterminated) ++totals->lines_read;
  return store.Flush().WithContext("sealing the imported points");
}

int RunImport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kImportCommand,
          {.values = {"--data-dir", "--config", "--format", "--precision",
                      "--batch-lines", "--mapping"},
           .max_positional = 1},
          args, &parsed, out, err)) {
    return *done;
  }
  if (parsed.positional.empty()) {
    return UsageError(kImportCommand, "missing FILE (\"-\" reads stdin)", err);
  }
  if (!parsed.Has("--data-dir") && !parsed.Has("--config")) {
    return UsageError(kImportCommand, "missing --data-dir", err);
  }
  std::string format = "line_protocol";
  if (auto it = parsed.flags.find("--format"); it != parsed.flags.end()) {
    if (auto problem = FormatProblem(it->second, {"line_protocol", "csv"})) {
      return UsageError(kImportCommand, *problem, err);
    }
    format = it->second;
  }
  const bool csv = format == "csv";
  if (csv != parsed.Has("--mapping")) {
    return UsageError(kImportCommand,
                      csv ? "--format csv needs --mapping FILE"
                          : "--mapping is only for --format csv",
                      err);
  }
  if (csv && parsed.Has("--precision")) {
    return UsageError(kImportCommand,
                      "--precision is only for --format line_protocol", err);
  }
  connectors::IngestSource mapping;
  if (csv) {
    const std::string& mapping_path = parsed.flags["--mapping"];
    Result<std::string> text = LineChunkReader::ReadAll(mapping_path, 1 << 20);
    Result<connectors::IngestSource> parsed_mapping =
        text
            ? MappingFromJsonText(*text, connectors::IngestSource::Format::kCsv)
            : Result<connectors::IngestSource>(text.error());
    if (!parsed_mapping) {
      PrintConfigErrors(parsed_mapping.error(), mapping_path, {}, err);
      return kExitFailure;
    }
    mapping = std::move(*parsed_mapping);
  }
  connectors::LineProtocolOptions options;
  if (auto it = parsed.flags.find("--precision"); it != parsed.flags.end()) {
    Result<connectors::Precision> precision = ParsePrecisionFlag(it->second);
    if (!precision) {
      return UsageError(kImportCommand, precision.error().message(), err);
    }
    options.precision = *precision;
  }
  int64_t batch_lines = kDefaultBatchLines;
  if (auto it = parsed.flags.find("--batch-lines"); it != parsed.flags.end()) {
    std::optional<int64_t> n = ParseInt64Flag(it->second);
    if (!n || *n < 1 || *n > kMaxBatchLines) {
      return UsageError(kImportCommand,
                        "--batch-lines must be between 1 and " +
                            std::to_string(kMaxBatchLines) + ", got \"" +
                            it->second + "\"",
                        err);
    }
    batch_lines = *n;
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;

  // The input first: a missing file must not leave a new empty store.
  const std::string& path = parsed.positional[0];
  Result<std::unique_ptr<LineChunkReader>> reader = LineChunkReader::Open(
      path, static_cast<size_t>(batch_lines),
      csv ? EntrySyntax::kCsv : EntrySyntax::kLineProtocol);
  if (!reader) {
    err << "citynexus: " << reader.error().message() << "\n";
    return kExitFailure;
  }
  if (Status free = CheckDataDirFree(config->data_dir); !free.ok()) {
    err << "citynexus: " << free.message() << "\n";
    return kExitFailure;
  }
  Result<std::unique_ptr<engine::Store>> store =
      engine::OpenStore(StoreOptionsFor(*config));
  if (!store) {
    err << "citynexus: " << store.error().message() << "\n";
    return kExitFailure;
  }

  // Lines without a timestamp get the import's start time, as a server
  // would give them the request's arrival time.
  const Clock::time_point start = Clock::now();
  options.default_time_ns = UnixNowNs();
  Progress progress(err, &err == &std::cerr && isatty(STDERR_FILENO) == 1,
                    (*reader)->total_bytes());
  std::unique_ptr<ChunkDecoder> decoder;
  if (csv) {
    decoder = std::make_unique<CsvChunks>(mapping.csv, options.default_time_ns);
  } else {
    decoder = std::make_unique<LineProtocolChunks>(options);
  }
  ImportTotals totals;
  Status status = Import(**reader, **store, *decoder, progress, &totals);
  progress.Finish();
  Result<engine::StoreStats> stats = (*store)->Stats();
  Status closed = (*store)->Close();
  const double elapsed = Seconds(Clock::now() - start);
  if (!status.ok() || !closed.ok()) {
    err << "citynexus: " << (status.ok() ? closed : status).message() << "\n"
        << "citynexus: " << totals.points_written
        << " points were written before the failure\n";
    return kExitFailure;
  }

  for (const std::string& reason : totals.shown) {
    err << "citynexus: " << reason << "\n";
  }
  if (totals.rejections > totals.shown.size()) {
    err << "citynexus: ... and " << (totals.rejections - totals.shown.size())
        << " more rejections\n";
  }
  char rate[32];
  std::snprintf(
      rate, sizeof(rate), "%.0f",
      elapsed > 0 ? static_cast<double>(totals.points_written) / elapsed : 0.0);
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.3f s", elapsed);
  out << "imported " << (path == "-" ? "stdin" : path) << " into "
      << config->data_dir << "\n"
      << "points written    " << totals.points_written << "\n"
      << "series in store   "
      << (stats ? std::to_string(stats->series) : "unknown") << "\n"
      << "lines read        " << totals.lines_read << "\n"
      << "lines rejected    " << totals.lines_rejected << "\n"
      << "elapsed           " << seconds << "\n"
      << "points/s          " << rate << "\n";
  return totals.lines_rejected == 0 ? kExitOk : kExitFailure;
}

}  // namespace

const Command kImportCommand = {
    "import", "bulk-load a line protocol or CSV file into a store",
    "usage: citynexus import --data-dir DIR [--config FILE]\n"
    "                        [--format line_protocol|csv] [--mapping FILE]\n"
    "                        [--precision P] [--batch-lines N] FILE|-\n"
    "\n"
    "Reads FILE (or stdin for \"-\") in chunks of N lines (CSV: rows), "
    "decodes\n"
    "them and writes the points (series created on first sight, source\n"
    "\"import\"), then seals everything into blocks. On a terminal, progress\n"
    "goes to stderr. Prints a summary on stdout and the first 10 rejected\n"
    "lines on stderr. Exits 1 when a line was rejected (the good lines are\n"
    "stored), 0 otherwise. Refuses (exit 1) a data dir that a running\n"
    "citynexus process holds: send the file to its /write endpoint instead.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR    the store, created if missing (replaces data_dir\n"
    "                    of --config)\n"
    "  --config FILE     configuration file; its data_dir and storage options\n"
    "  --format F        line_protocol (default) or csv\n"
    "  --mapping FILE    csv (required): a JSON object with the mapping keys\n"
    "                    of an ingest source (measurement, time, time_format,\n"
    "                    fields, tags, delimiter, decimal_separator, header)\n"
    "  --precision P     line_protocol: unit of the timestamps: ns (default),\n"
    "                    us, ms, s, m, h\n"
    "  --batch-lines N   lines per chunk, 1 to 10000000 (default 5000)\n"
    "  -h, --help        show this help\n",
    RunImport};

}  // namespace citynexus::app
