#include "app/config/config.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/config/schema.h"

namespace citynexus::app {
namespace {

// "line L, column C: <reason>" for a JSON syntax error at byte offset `byte`
// (1-based, as nlohmann reports the last character read).
std::string SyntaxErrorMessage(std::string_view text, size_t byte,
                               std::string_view what) {
  size_t line = 1;
  size_t column = 0;
  const size_t end = std::min(byte, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  if (column == 0) column = 1;
  // nlohmann: "[json.exception.parse_error.101] parse error at line 3,
  // column 14: syntax error while parsing ..." -- keep the reason only.
  std::string_view reason = what;
  const size_t at = reason.find("column ");
  if (at != std::string_view::npos) {
    const size_t colon = reason.find(": ", at);
    if (colon != std::string_view::npos) reason = reason.substr(colon + 2);
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         ": " + std::string(reason);
}

// Finds keys that appear twice in one object while parsing: JSON parsers
// (nlohmann too) silently keep the last one, which would hide a mistake such
// as two "log_level" lines. Errors name the JSON path of the repeated key.
class DuplicateKeyFinder {
 public:
  explicit DuplicateKeyFinder(ConfigErrors* errors) : errors_(errors) {}

  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        frames_.push_back({event == Json::parse_event_t::array_start,
                           ChildName(),
                           0,
                           "",
                           {}});
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case Json::parse_event_t::key: {
        if (frames_.empty() || !parsed.is_string()) break;
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.seen.insert(frame.key).second) {
          errors_->Add(Path() + (Path().empty() ? "" : ".") + frame.key,
                       "duplicate key (each key may appear once per object)");
        }
        break;
      }
      case Json::parse_event_t::value:
        ChildName();  // advances the index inside an array
        break;
    }
    return true;  // keep everything
  }

 private:
  struct Frame {
    bool is_array;
    std::string name;  // "http", "[2]"; empty for the top level
    size_t next_index;
    std::string key;  // the object's current key
    std::set<std::string> seen;
  };

  // The name of the next value inside the current container.
  std::string ChildName() {
    if (frames_.empty()) return "";
    Frame& parent = frames_.back();
    if (parent.is_array) {
      // Appended, not `"[" + ... + "]"`: g++ 12 -Wrestrict false positive.
      std::string name(1, '[');
      name.append(std::to_string(parent.next_index++)).push_back(']');
      return name;
    }
    return parent.key;
  }

  std::string Path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.name.empty()) continue;
      if (!path.empty() && frame.name.front() != '[') path += '.';
      path += frame.name;
    }
    return path;
  }

  ConfigErrors* errors_;
  std::vector<Frame> frames_;
};

// Sets a string at a dotted path, creating objects on the way. A level that
// exists but is not an object is left alone: validation reports it.
void ApplyOverride(Json& document, const ConfigOverride& override_value) {
  Json* node = &document;
  std::string_view path = override_value.path;
  size_t dot;
  while ((dot = path.find('.')) != std::string_view::npos) {
    if (!node->is_object()) return;
    node = &(*node)[std::string(path.substr(0, dot))];
    if (node->is_null()) *node = Json::object();
    path.remove_prefix(dot + 1);
  }
  if (!node->is_object()) return;
  (*node)[std::string(path)] = override_value.value;
}

Result<Config> Load(std::string_view text,
                    const std::vector<ConfigOverride>& overrides) {
  Json document;
  ConfigErrors errors;
  try {
    document =
        Json::parse(text.begin(), text.end(), DuplicateKeyFinder(&errors));
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument(SyntaxErrorMessage(text, e.byte, e.what()));
  }
  for (const ConfigOverride& o : overrides) ApplyOverride(document, o);
  Config config = DefaultConfig();
  ApplyConfigJson(document, config, errors);
  if (!errors.empty()) {
    std::string message;
    for (const std::string& line : errors.lines()) {
      if (!message.empty()) message += '\n';
      message += line;
    }
    return Status::InvalidArgument(std::move(message));
  }
  return config;
}

}  // namespace

Result<Config> LoadConfigText(std::string_view text,
                              const std::vector<ConfigOverride>& overrides) {
  try {
    return Load(text, overrides);
  } catch (const std::exception& e) {
    // nlohmann throws on misuse only; convert rather than let it escape.
    return Status::InvalidArgument(std::string("config: ") + e.what());
  }
}

Result<Config> LoadConfigFile(const std::string& path,
                              const std::vector<ConfigOverride>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("cannot read config file " + path +
                                   ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    std::string message =
        "cannot read config file " + path + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(std::move(message));
    return Status::IOError(std::move(message));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return Status::IOError("cannot read config file " + path);
  }
  Result<Config> config = LoadConfigText(contents.str(), overrides);
  if (!config) return config;
  // Indicator directories travel with the config file (config/ in the
  // repository, /etc/citynexus in the container): resolve relative ones
  // against its directory, not against wherever the process was started.
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  for (std::string& dir : config->indicator_paths) {
    if (std::filesystem::path(dir).is_relative()) {
      dir = (base / dir).lexically_normal().string();
    }
  }
  return config;
}

Result<Config> LoadDefaultConfigWith(
    const std::vector<ConfigOverride>& overrides) {
  return LoadConfigText("{}", overrides);
}

std::string EffectiveConfigJson(const Config& config) {
  Json json = ConfigToJson(config);
  // The one secret an operator may write inline; printing the effective
  // config (check-config, support tickets) must not reveal it.
  if (!config.mqtt.password.empty()) {
    json["mqtt"]["password"] = kRedactedSecret;
  }
  return json.dump(2) + "\n";
}

}  // namespace citynexus::app
