#include "query/influxql/condition.h"

#include <cmath>

#include "query/time_parse.h"

namespace citynexus::query::influxql {
namespace {

bool IsTimeRef(const Expr& e) {
  return e.kind == ExprKind::kVarRef && e.name == "time";
}

bool ReferencesTime(const Expr& e) {
  if (IsTimeRef(e)) return true;
  if (e.lhs && ReferencesTime(*e.lhs)) return true;
  if (e.rhs && ReferencesTime(*e.rhs)) return true;
  for (const auto& a : e.args) {
    if (ReferencesTime(*a)) return true;
  }
  return false;
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
    case BinaryOp::kNeq:
    case BinaryOp::kLt:
    case BinaryOp::kLte:
    case BinaryOp::kGt:
    case BinaryOp::kGte:
    case BinaryOp::kEqRegex:
    case BinaryOp::kNeqRegex:
      return true;
    default:
      return false;
  }
}

// `a op b` rewritten as `b op' a`.
BinaryOp Mirror(BinaryOp op) {
  switch (op) {
    case BinaryOp::kLt:
      return BinaryOp::kGt;
    case BinaryOp::kLte:
      return BinaryOp::kGte;
    case BinaryOp::kGt:
      return BinaryOp::kLt;
    case BinaryOp::kGte:
      return BinaryOp::kLte;
    default:
      return op;
  }
}

Result<int64_t> ParseTimeString(const std::string& text, const TimeZone* zone) {
  std::string s = text;
  // InfluxDB also accepts "2006-01-02 15:04:05" (in the tz() zone, or UTC).
  bool local = false;
  if (s.size() >= 19 && s[10] == ' ') {
    s[10] = 'T';
    if (s.back() != 'Z' && s.find('+', 19) == std::string::npos &&
        s.find('-', 19) == std::string::npos) {
      s += 'Z';
      local = true;
    }
  } else if (s.size() == 10) {
    local = true;  // "2006-01-02": midnight
  }
  if (s.size() < 10 || s[4] != '-') {
    return Status::InvalidArgument("invalid timestamp string");
  }
  auto t = ParseTimeNs(s, 0);
  if (!t) return Status::InvalidArgument("invalid timestamp string");
  if (!local || zone == nullptr) return *t;
  // Parsed as if UTC: that is the local wall-clock time; find its instant.
  constexpr int64_t kNs = 1000000000;
  int64_t seconds = *t / kNs;
  int64_t frac = *t % kNs;
  if (frac < 0) {
    frac += kNs;
    --seconds;
  }
  return zone->LocalToUtc(seconds) * kNs + frac;
}

double AsNumber(const Cell& c, bool* ok) {
  *ok = true;
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<int64_t>(&c)) return static_cast<double>(*i);
  *ok = false;
  return 0;
}

}  // namespace

Result<int64_t> EvalTime(const Expr& e, int64_t now_ns, const TimeZone* zone) {
  switch (e.kind) {
    case ExprKind::kParen:
      return EvalTime(*e.lhs, now_ns, zone);
    case ExprKind::kString:
      return ParseTimeString(e.name, zone);
    case ExprKind::kInteger:
    case ExprKind::kDuration:
      return e.integer;
    case ExprKind::kNumber:
      return static_cast<int64_t>(e.number);
    case ExprKind::kCall:
      if (e.name == "now" && e.args.empty()) return now_ns;
      break;
    case ExprKind::kBinary:
      if (e.op == BinaryOp::kAdd || e.op == BinaryOp::kSub) {
        auto lhs = EvalTime(*e.lhs, now_ns, zone);
        if (!lhs) return lhs.error();
        auto rhs = EvalTime(*e.rhs, now_ns, zone);
        if (!rhs) return rhs.error();
        return e.op == BinaryOp::kAdd ? *lhs + *rhs : *lhs - *rhs;
      }
      break;
    default:
      break;
  }
  return Status::InvalidArgument("invalid time expression");
}

Status SplitCondition(const Expr* condition, int64_t now_ns, TimeRange* range,
                      std::vector<const Expr*>* filters, const TimeZone* zone) {
  if (condition == nullptr) return Status::Ok();
  const Expr& e = *condition;
  if (e.kind == ExprKind::kParen) {
    return SplitCondition(e.lhs.get(), now_ns, range, filters, zone);
  }
  if (e.kind == ExprKind::kBinary && e.op == BinaryOp::kAnd) {
    CITYNEXUS_RETURN_IF_ERROR(
        SplitCondition(e.lhs.get(), now_ns, range, filters, zone));
    return SplitCondition(e.rhs.get(), now_ns, range, filters, zone);
  }
  if (e.kind == ExprKind::kBinary && IsComparison(e.op) &&
      (IsTimeRef(*e.lhs) || IsTimeRef(*e.rhs))) {
    const bool time_left = IsTimeRef(*e.lhs);
    const BinaryOp op = time_left ? e.op : Mirror(e.op);
    auto t = EvalTime(time_left ? *e.rhs : *e.lhs, now_ns, zone);
    if (!t) return t.error();
    switch (op) {
      case BinaryOp::kGt:
        range->min_ns = std::max(range->min_ns, *t + 1);
        break;
      case BinaryOp::kGte:
        range->min_ns = std::max(range->min_ns, *t);
        break;
      case BinaryOp::kLt:
        range->max_ns = std::min(range->max_ns, *t - 1);
        break;
      case BinaryOp::kLte:
        range->max_ns = std::min(range->max_ns, *t);
        break;
      case BinaryOp::kEq:
        range->min_ns = std::max(range->min_ns, *t);
        range->max_ns = std::min(range->max_ns, *t);
        break;
      default:
        return Status::NotSupported(
            "not supported: time condition with " +
            std::string(op == BinaryOp::kNeq ? "!=" : "a regex"));
    }
    return Status::Ok();
  }
  if (ReferencesTime(e)) {
    return Status::NotSupported(
        "not supported: time conditions combined with OR");
  }
  filters->push_back(condition);
  return Status::Ok();
}

Result<RowFilter> RowFilter::Compile(std::vector<const Expr*> conjuncts,
                                     const std::set<std::string>& tag_keys,
                                     bool only_tags) {
  RowFilter f;
  f.tag_keys_ = tag_keys;
  f.only_tags_ = only_tags;
  // Collects the field names and compiles the regexes of one expression.
  std::function<Status(const Expr&, bool*)> walk = [&](const Expr& e,
                                                       bool* fields) {
    if (e.kind == ExprKind::kVarRef) {
      const bool is_tag = only_tags || e.cast == "tag" ||
                          (e.cast != "field" && tag_keys.count(e.name) > 0);
      if (!is_tag) {
        *fields = true;
        f.fields_.insert(e.name);
      }
    } else if (e.kind == ExprKind::kRegex) {
      auto re = CompileRegex(e.name);
      if (!re) return re.error();
      f.regexes_[&e] = *re;
    } else if (e.kind == ExprKind::kCall) {
      return Status::NotSupported("not supported: function calls in WHERE");
    }
    if (e.lhs) CITYNEXUS_RETURN_IF_ERROR(walk(*e.lhs, fields));
    if (e.rhs) CITYNEXUS_RETURN_IF_ERROR(walk(*e.rhs, fields));
    return Status::Ok();
  };
  for (const Expr* c : conjuncts) {
    bool fields = false;
    CITYNEXUS_RETURN_IF_ERROR(walk(*c, &fields));
    f.conjuncts_.push_back({c, fields});
  }
  return f;
}

Cell RowFilter::Eval(const Expr& e, const TagList& tags,
                     const FieldLookup* field) const {
  switch (e.kind) {
    case ExprKind::kParen:
      return Eval(*e.lhs, tags, field);
    case ExprKind::kString:
      return e.name;
    case ExprKind::kInteger:
      return e.integer;
    case ExprKind::kNumber:
      return e.number;
    case ExprKind::kBool:
      return e.boolean;
    case ExprKind::kDuration:
      return e.integer;
    case ExprKind::kVarRef: {
      const bool is_tag = only_tags_ || e.cast == "tag" ||
                          (e.cast != "field" && tag_keys_.count(e.name) > 0);
      if (is_tag) {
        for (const auto& [k, v] : tags) {
          if (k == e.name) return v;
        }
        return std::string();  // a missing tag compares as ""
      }
      if (field == nullptr) return std::monostate{};
      const engine::Value* v = (*field)(e.name);
      if (v == nullptr) return std::monostate{};
      return std::visit([](const auto& x) -> Cell { return x; }, *v);
    }
    case ExprKind::kBinary:
      break;
    default:
      return std::monostate{};
  }
  if (e.op == BinaryOp::kAnd) {
    return Truthy(*e.lhs, tags, field) && Truthy(*e.rhs, tags, field);
  }
  if (e.op == BinaryOp::kOr) {
    return Truthy(*e.lhs, tags, field) || Truthy(*e.rhs, tags, field);
  }
  const Cell lhs = Eval(*e.lhs, tags, field);
  if (e.op == BinaryOp::kEqRegex || e.op == BinaryOp::kNeqRegex) {
    const auto* s = std::get_if<std::string>(&lhs);
    auto it = regexes_.find(e.rhs.get());
    if (s == nullptr || it == regexes_.end()) return false;
    const bool match = it->second->Search(*s);
    return e.op == BinaryOp::kEqRegex ? match : !match;
  }
  const Cell rhs = Eval(*e.rhs, tags, field);
  if (std::holds_alternative<std::monostate>(lhs) ||
      std::holds_alternative<std::monostate>(rhs)) {
    return std::monostate{};  // null compares false, also with !=
  }
  bool lnum = false, rnum = false;
  const double l = AsNumber(lhs, &lnum);
  const double r = AsNumber(rhs, &rnum);
  if (lnum && rnum) {
    const auto* li = std::get_if<int64_t>(&lhs);
    const auto* ri = std::get_if<int64_t>(&rhs);
    const bool ints = li && ri;
    switch (e.op) {
      case BinaryOp::kAdd:
        return ints ? Cell(*li + *ri) : Cell(l + r);
      case BinaryOp::kSub:
        return ints ? Cell(*li - *ri) : Cell(l - r);
      case BinaryOp::kMul:
        return ints ? Cell(*li * *ri) : Cell(l * r);
      case BinaryOp::kDiv:
        return r == 0 ? Cell(0.0) : Cell(l / r);  // InfluxQL: x/0 = 0
      case BinaryOp::kMod:
        return ints && *ri != 0 ? Cell(*li % *ri) : Cell(std::fmod(l, r));
      case BinaryOp::kEq:
        return ints ? *li == *ri : l == r;
      case BinaryOp::kNeq:
        return ints ? *li != *ri : l != r;
      case BinaryOp::kLt:
        return ints ? *li < *ri : l < r;
      case BinaryOp::kLte:
        return ints ? *li <= *ri : l <= r;
      case BinaryOp::kGt:
        return ints ? *li > *ri : l > r;
      case BinaryOp::kGte:
        return ints ? *li >= *ri : l >= r;
      default:
        return std::monostate{};
    }
  }
  const auto* ls = std::get_if<std::string>(&lhs);
  const auto* rs = std::get_if<std::string>(&rhs);
  if (ls && rs) {
    switch (e.op) {
      case BinaryOp::kEq:
        return *ls == *rs;
      case BinaryOp::kNeq:
        return *ls != *rs;
      case BinaryOp::kLt:
        return *ls < *rs;
      case BinaryOp::kLte:
        return *ls <= *rs;
      case BinaryOp::kGt:
        return *ls > *rs;
      case BinaryOp::kGte:
        return *ls >= *rs;
      case BinaryOp::kAdd:
        return *ls + *rs;
      default:
        return std::monostate{};
    }
  }
  const auto* lb = std::get_if<bool>(&lhs);
  const auto* rb = std::get_if<bool>(&rhs);
  if (lb && rb) {
    if (e.op == BinaryOp::kEq) return *lb == *rb;
    if (e.op == BinaryOp::kNeq) return *lb != *rb;
  }
  return std::monostate{};  // mismatched types never match
}

bool RowFilter::Truthy(const Expr& e, const TagList& tags,
                       const FieldLookup* field) const {
  const Cell c = Eval(e, tags, field);
  const auto* b = std::get_if<bool>(&c);
  return b != nullptr && *b;
}

bool RowFilter::MatchesTags(const TagList& tags) const {
  for (const auto& c : conjuncts_) {
    if (!c.uses_fields && !Truthy(*c.expr, tags, nullptr)) return false;
  }
  return true;
}

bool RowFilter::MatchesRow(const TagList& tags,
                           const FieldLookup& field) const {
  for (const auto& c : conjuncts_) {
    if (!Truthy(*c.expr, tags, &field)) return false;
  }
  return true;
}

}  // namespace citynexus::query::influxql
