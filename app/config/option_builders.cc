#include "app/config/option_builders.h"

#include "app/config/fields.h"

namespace citynexus::app {
namespace builders {

// A JSON value as shown in an error message: its JSON text, shortened.
std::string Show(const Json& value) {
  std::string text = value.dump();
  constexpr size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

std::string Quote(std::string_view s) { return Json(std::string(s)).dump(); }

std::string JoinPath(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

OptionInfo InfoFrom(Doc doc, std::string type, std::string range,
                    std::optional<Json> default_value) {
  OptionInfo info;
  info.path = std::move(doc.path);
  info.type = std::move(type);
  info.unit = std::move(doc.unit);
  info.range = std::move(range);
  info.meaning = std::move(doc.meaning);
  info.default_value = std::move(default_value);
  return info;
}

std::string DurationRange(seconds min, seconds max) {
  return FormatDuration(min) + ".." + FormatDuration(max);
}

// Parses and range-checks one duration; reports and returns nullopt on error.
std::optional<seconds> CheckDuration(const Json& value,
                                     const std::string& where, seconds min,
                                     seconds max, ConfigErrors& errors) {
  std::optional<seconds> parsed;
  if (value.is_string()) {
    parsed = ParseDuration(value.get_ref<const std::string&>());
  }
  if (!parsed) {
    errors.Add(where,
               "expected a duration like \"90s\", \"15m\", \"1h\", \"7d\" or "
               "\"2w\", got " +
                   Show(value));
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    errors.Add(where, "must be between " + FormatDuration(min) + " and " +
                          FormatDuration(max) + ", got " + Show(value));
    return std::nullopt;
  }
  return parsed;
}

void PutAtPath(Json& root, std::string_view path, Json value) {
  Json* node = &root;
  size_t start = 0;
  for (size_t dot = path.find('.'); dot != std::string_view::npos;
       dot = path.find('.', start)) {
    node = &(*node)[std::string(path.substr(start, dot - start))];
    start = dot + 1;
  }
  (*node)[std::string(path.substr(start))] = std::move(value);
}

Option<std::vector<std::string>> StringListOption(Doc doc, ListWords words) {
  Option<std::vector<std::string>> option;
  option.info =
      InfoFrom(std::move(doc), "array of string", words.range, Json::array());
  option.set = [words](const Json& value, const std::string& where,
                       std::vector<std::string>& target, ConfigErrors& errors) {
    if (!value.is_array()) {
      errors.Add(where,
                 "expected an array of " + words.list + ", got " + Show(value));
      return;
    }
    std::vector<std::string> list;
    bool ok = true;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item = where + "[" + std::to_string(i) + "]";
      if (!value[i].is_string() ||
          value[i].get_ref<const std::string&>().empty()) {
        errors.Add(item, "expected " + words.item + ", got " + Show(value[i]));
        ok = false;
        continue;
      }
      const std::string& text = value[i].get_ref<const std::string&>();
      if (words.check) {
        if (Status s = words.check(text); !s.ok()) {
          errors.Add(item, s.message());
          ok = false;
          continue;
        }
      }
      list.push_back(text);
    }
    if (ok) target = std::move(list);
  };
  option.get = [](const std::vector<std::string>& target) {
    return Json(target);
  };
  return option;
}

}  // namespace builders

std::string_view ReloadName(Reload reload) {
  switch (reload) {
    case Reload::kRestart:
      return "restart";
  }
  return "restart";
}

void ConfigErrors::Add(std::string_view where, std::string_view message) {
  if (where.empty()) {
    lines_.emplace_back(message);
  } else {
    lines_.push_back(std::string(where) + ": " + std::string(message));
  }
}

}  // namespace citynexus::app
