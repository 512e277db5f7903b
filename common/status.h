// Status and Result<T>: the error types every citynexus layer returns.
//
// Status is a code plus a human-readable message. Callers branch on code(),
// never on the message text. Result<T> holds either a value or a non-OK Status,
// shaped like C++23 std::expected so it can be swapped later.
//
// Thread-safety: value types; a const object may be shared across threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace citynexus {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input or config; fix the request
  kNotFound,           // the named thing does not exist
  kCorruption,         // stored data failed a check; message says where
  kIOError,            // the OS or RocksDB failed to read or write
  kUnavailable,        // a peer (broker, server) is down; retry later
  kResourceExhausted,  // a bound was hit (queue, limit); back off and retry
  kNotSupported,       // a known gap: the feature is not implemented
  kDeadlineExceeded,   // an operation ran past its time limit
  kCancelled,          // the caller gave up (e.g. an HTTP client left)
  kUnauthenticated,    // no valid credentials were presented (HTTP 401)
  kPermissionDenied,   // valid credentials without the needed scope (403)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
  }
  static Status Corruption(std::string m) {
    return {StatusCode::kCorruption, std::move(m)};
  }
  static Status IOError(std::string m) {
    return {StatusCode::kIOError, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {StatusCode::kUnavailable, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status NotSupported(std::string m) {
    return {StatusCode::kNotSupported, std::move(m)};
  }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status Cancelled(std::string m) {
    return {StatusCode::kCancelled, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corruption: chunk 42 at byte 17: bad version byte"
  std::string ToString() const;

  // Returns a copy whose message is "context: message". Use once per layer.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; only valid when !has_value().
  const Status& error() const { return std::get<1>(data_); }

  // OK when a value is held, the error otherwise.
  Status status() const { return has_value() ? Status() : error(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace citynexus

// Evaluates an expression returning Status and returns it from the current
// function when it is not OK.
#define CITYNEXUS_RETURN_IF_ERROR(expr)      \
  do {                                       \
    ::citynexus::Status _cn_status = (expr); \
    if (!_cn_status.ok()) return _cn_status; \
  } while (0)

// Evaluates `rexpr`, a Result<T>; when it holds an error, returns that error
// from the current function (which returns Status or any Result<U>);
// otherwise moves the value into `lhs`, a declaration or an lvalue:
//
//   CITYNEXUS_ASSIGN_OR_RETURN(auto series, store.Find(filter));
//   CITYNEXUS_ASSIGN_OR_RETURN(config.facts, FactsFromJson(text));
//
// kvrocks' GET_OR_RET and Abseil's ASSIGN_OR_RETURN are the models. For
// an error that needs context, write the `if` out with WithContext().
#define CITYNEXUS_ASSIGN_OR_RETURN(lhs, rexpr) \
  CITYNEXUS_ASSIGN_OR_RETURN_IMPL_(            \
      CITYNEXUS_STATUS_CONCAT_(_cn_result_, __LINE__), lhs, rexpr)

#define CITYNEXUS_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                     \
  if (!result) return result.error();                        \
  lhs = std::move(result).value()

#define CITYNEXUS_STATUS_CONCAT_INNER_(a, b) a##b
#define CITYNEXUS_STATUS_CONCAT_(a, b) CITYNEXUS_STATUS_CONCAT_INNER_(a, b)
