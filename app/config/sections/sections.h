// The option table, one function per section of the configuration file, each
// in its own file below app/config/sections/ (one line per option: path,
// unit, meaning, member, default, range; see app/config/fields.h).
// BuildConfigOptions() (app/config/schema.cc) appends them in documentation
// order. A new section is a new file with one function here and one line
// there.
//
// Internal to app/config. Thread-safety: stateless functions.
#pragma once

#include <vector>

#include "app/config/schema.h"

namespace citynexus::app {

std::vector<Option<Config>> GeneralSection();       // data_dir, log_level
std::vector<Option<Config>> HttpSection();          // http.*
std::vector<Option<Config>> StorageSection();       // storage.*
std::vector<Option<Config>> IngestSection();        // ingest.*
std::vector<Option<Config>> QuerySection();         // query.*
std::vector<Option<Config>> MqttSection();          // mqtt.*
std::vector<Option<Config>> IndicatorSection();     // indicators.*, facts
std::vector<Option<Config>> StreamSection();        // stream.*
std::vector<Option<Config>> PollerSection();        // pollers
std::vector<Option<Config>> AuthSection();          // auth.*
std::vector<Option<Config>> PromqlSection();        // promql.*
std::vector<Option<Config>> SensorThingsSection();  // sensorthings.*

}  // namespace citynexus::app
