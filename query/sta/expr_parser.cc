// The OData expression parser: a hand-written lexer and precedence climbing
// over one table of binary operators (as query/influxql/parser_expr.cc).
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "query/sta/expr.h"

namespace citynexus::query::sta {
namespace {

// Binary operators by precedence (higher binds tighter).
struct BinaryOp {
  std::string_view name;
  int precedence;
};
constexpr BinaryOp kBinaryOps[] = {
    {"or", 1},  {"and", 2}, {"eq", 4},  {"ne", 4},  {"gt", 4},
    {"ge", 4},  {"lt", 4},  {"le", 4},  {"add", 5}, {"sub", 5},
    {"mul", 6}, {"div", 6}, {"mod", 6},
};
constexpr int kNotPrecedence = 3;  // between `and` and comparisons

struct Function {
  std::string_view name;
  int min_args;
  int max_args;
};
constexpr Function kFunctions[] = {
    {"substringof", 2, 2}, {"contains", 2, 2},    {"startswith", 2, 2},
    {"endswith", 2, 2},    {"length", 1, 1},      {"indexof", 2, 2},
    {"substring", 2, 3},   {"tolower", 1, 1},     {"toupper", 1, 1},
    {"trim", 1, 1},        {"concat", 2, 2},      {"year", 1, 1},
    {"month", 1, 1},       {"day", 1, 1},         {"hour", 1, 1},
    {"minute", 1, 1},      {"second", 1, 1},      {"fractionalseconds", 1, 1},
    {"date", 1, 1},        {"time", 1, 1},        {"totaloffsetminutes", 1, 1},
    {"now", 0, 0},         {"mindatetime", 0, 0}, {"maxdatetime", 0, 0},
    {"round", 1, 1},       {"floor", 1, 1},       {"ceiling", 1, 1},
};

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' ||
         c == '.';
}

// `op` ("not", "-") applied to `operand`.
std::unique_ptr<Expr> Unary(std::string op, std::unique_ptr<Expr> operand) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kUnary;
  e->op = std::move(op);
  e->args.push_back(std::move(operand));
  return e;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view option)
      : text_(text), option_(option) {}

  Result<std::unique_ptr<Expr>> Parse() {
    auto e = ParseBinary(0, 0);
    if (!e) return e;
    SkipSpace();
    if (pos_ < text_.size()) return Error("unexpected text after expression");
    return e;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(std::string(option_) + ": position " +
                                   std::to_string(pos_ + 1) + ": " +
                                   std::string(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  // The word at the cursor (letters only), without consuming it.
  std::string_view PeekWord() {
    SkipSpace();
    size_t end = pos_;
    while (end < text_.size() && IsNameChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  const BinaryOp* PeekBinary() {
    std::string_view w = PeekWord();
    for (const auto& op : kBinaryOps) {
      if (op.name == w) return &op;
    }
    return nullptr;
  }

  Result<std::unique_ptr<Expr>> ParseBinary(int min_precedence, int depth) {
    if (depth > kMaxExpressionDepth)
      return Error("expression nested too deeply");
    auto left = ParseUnary(min_precedence, depth + 1);
    if (!left) return left;
    while (true) {
      const BinaryOp* op = PeekBinary();
      if (op == nullptr || op->precedence <= min_precedence) break;
      pos_ += op->name.size();
      auto right = ParseBinary(op->precedence, depth + 1);
      if (!right) return right;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kBinary;
      e->op = std::string(op->name);
      e->args.push_back(std::move(*left));
      e->args.push_back(std::move(*right));
      left = std::move(e);
    }
    return left;
  }

  Result<std::unique_ptr<Expr>> ParseUnary(int min_precedence, int depth) {
    if (depth > kMaxExpressionDepth)
      return Error("expression nested too deeply");
    SkipSpace();
    if (PeekWord() == "not" && min_precedence < kNotPrecedence) {
      pos_ += 3;
      auto operand = ParseBinary(kNotPrecedence, depth + 1);
      if (!operand) return operand;
      return Unary("not", std::move(*operand));
    }
    if (pos_ < text_.size() && text_[pos_] == '-' && pos_ + 1 < text_.size() &&
        !std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
      ++pos_;
      auto operand = ParseUnary(6, depth + 1);
      if (!operand) return operand;
      return Unary("-", std::move(*operand));
    }
    return ParsePrimary(depth);
  }

  Result<std::unique_ptr<Expr>> Literal(ExprValue v) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kLiteral;
    e->literal = std::move(v);
    return e;
  }

  Result<std::unique_ptr<Expr>> ParsePrimary(int depth) {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("expected an operand");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      auto inner = ParseBinary(0, depth + 1);
      if (!inner) return inner;
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        return Error("expected ')'");
      }
      ++pos_;
      return inner;
    }
    if (c == '\'') return ParseString();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      return ParseNumberOrTime();
    }
    if (IsNameStart(c)) return ParseNameOrCall(depth);
    return Error(std::string("unexpected character '") + c + "'");
  }

  Result<std::unique_ptr<Expr>> ParseString() {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '\'') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
          out += '\'';
          pos_ += 2;
          continue;
        }
        ++pos_;
        return Literal(ExprValue::String(std::move(out)));
      }
      out += text_[pos_++];
    }
    pos_ = start;
    return Error("unterminated string");
  }

  Result<std::unique_ptr<Expr>> ParseNumberOrTime() {
    const size_t start = pos_;
    // A time literal: four digits and '-' (2024-01-01...).
    if (pos_ + 4 < text_.size() && text_[pos_ + 4] == '-' &&
        std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      size_t end = pos_;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) ||
              text_[end] == '-' || text_[end] == ':' || text_[end] == '.' ||
              text_[end] == '+')) {
        ++end;
      }
      auto t = ParseIsoTime(text_.substr(pos_, end - pos_));
      if (!t) return Error("malformed ISO 8601 time");
      pos_ = end;
      return Literal(ExprValue::Time(*t));
    }
    size_t end = pos_;
    if (text_[end] == '-') ++end;
    while (end < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[end])) ||
            text_[end] == '.' || text_[end] == 'e' || text_[end] == 'E' ||
            ((text_[end] == '+' || text_[end] == '-') &&
             (text_[end - 1] == 'e' || text_[end - 1] == 'E')))) {
      ++end;
    }
    double v = 0;
    const std::string s(text_.substr(pos_, end - pos_));
    char* parsed_end = nullptr;
    v = std::strtod(s.c_str(), &parsed_end);
    if (s.empty() || parsed_end != s.c_str() + s.size()) {
      pos_ = start;
      return Error("malformed number");
    }
    pos_ = end;
    // OData type suffixes (1.5f, 10L, 1.5d / 1.5m) are accepted and ignored.
    if (pos_ < text_.size() &&
        std::string_view("fFdDmMlL").find(text_[pos_]) !=
            std::string_view::npos &&
        (pos_ + 1 >= text_.size() || !IsNameChar(text_[pos_ + 1]))) {
      ++pos_;
    }
    return Literal(ExprValue::Number(v));
  }

  Result<std::unique_ptr<Expr>> ParseNameOrCall(int depth) {
    const size_t start = pos_;
    std::vector<std::string> path;
    while (true) {
      size_t end = pos_;
      while (end < text_.size() && IsNameChar(text_[end])) ++end;
      if (end == pos_) return Error("expected a property name");
      path.emplace_back(text_.substr(pos_, end - pos_));
      pos_ = end;
      if (pos_ < text_.size() && text_[pos_] == '/') {
        ++pos_;
        continue;
      }
      break;
    }
    if (path.size() == 1) {
      const std::string& w = path[0];
      if (w == "true") return Literal(ExprValue::Bool(true));
      if (w == "false") return Literal(ExprValue::Bool(false));
      if (w == "null") return Literal(ExprValue::Null());
    }
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      if (path.size() != 1) return Error("a function name has no '/'");
      const std::string name = path[0];
      if (name.rfind("geo.", 0) == 0 || name.rfind("st_", 0) == 0) {
        pos_ = start;
        return Status::NotSupported(
            std::string(option_) + ": position " + std::to_string(start + 1) +
            ": geospatial function " + name + "() is not supported");
      }
      const Function* fn = nullptr;
      for (const auto& f : kFunctions) {
        if (f.name == name) fn = &f;
      }
      if (fn == nullptr) {
        pos_ = start;
        return Error("unknown function " + name + "()");
      }
      ++pos_;
      auto call = std::make_unique<Expr>();
      call->kind = Expr::Kind::kCall;
      call->op = name;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ')') {
        ++pos_;
      } else {
        while (true) {
          auto arg = ParseBinary(0, depth + 1);
          if (!arg) return arg;
          call->args.push_back(std::move(*arg));
          SkipSpace();
          if (pos_ < text_.size() && text_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (pos_ < text_.size() && text_[pos_] == ')') {
            ++pos_;
            break;
          }
          return Error("expected ',' or ')' in the arguments of " + name +
                       "()");
        }
      }
      const int n = static_cast<int>(call->args.size());
      if (n < fn->min_args || n > fn->max_args) {
        pos_ = start;
        return Error(name + "() takes " + std::to_string(fn->min_args) +
                     (fn->max_args != fn->min_args
                          ? " to " + std::to_string(fn->max_args)
                          : std::string()) +
                     " argument(s), got " + std::to_string(n));
      }
      return call;
    }
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kPath;
    e->path = std::move(path);
    return e;
  }

  std::string_view text_;
  std::string_view option_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<Expr>> ParseExpr(std::string_view text,
                                        std::string_view option) {
  if (text.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument(std::string(option) + ": longer than " +
                                   std::to_string(kMaxExpressionBytes) +
                                   " bytes");
  }
  return Parser(text, option).Parse();
}

}  // namespace citynexus::query::sta
