#include "common/status.h"

#include "common/enum_names.h"

namespace citynexus {

namespace {

constexpr EnumName<StatusCode> kCodeNames[] = {
    {"ok", StatusCode::kOk},
    {"invalid_argument", StatusCode::kInvalidArgument},
    {"not_found", StatusCode::kNotFound},
    {"corruption", StatusCode::kCorruption},
    {"io_error", StatusCode::kIOError},
    {"unavailable", StatusCode::kUnavailable},
    {"resource_exhausted", StatusCode::kResourceExhausted},
    {"not_supported", StatusCode::kNotSupported},
    {"deadline_exceeded", StatusCode::kDeadlineExceeded},
    {"cancelled", StatusCode::kCancelled},
    {"unauthorized", StatusCode::kUnauthenticated},
    {"forbidden", StatusCode::kPermissionDenied},
};

}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  return NameOf(kCodeNames, code, "unknown");
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

}  // namespace citynexus
