// WHERE tag conditions as catalog matchers (see series_matchers.h).
#include "query/influxql/series_matchers.h"

#include <memory>

#include "common/regex.h"

namespace citynexus::query::influxql {
namespace {

const Expr& Unparen(const Expr& e) {
  const Expr* p = &e;
  while (p->kind == ExprKind::kParen && p->lhs) p = p->lhs.get();
  return *p;
}

// Appends the matcher of `e` (or of each side of an AND); false when some
// part is not a plain tag condition.
Result<bool> Collect(const Expr& expr, const std::set<std::string>& tag_keys,
                     bool only_tags, std::vector<engine::TagMatcher>* out) {
  const Expr& e = Unparen(expr);
  if (e.kind != ExprKind::kBinary || !e.lhs || !e.rhs) return false;
  if (e.op == BinaryOp::kAnd) {
    auto l = Collect(*e.lhs, tag_keys, only_tags, out);
    if (!l) return l.error();
    auto r = Collect(*e.rhs, tag_keys, only_tags, out);
    if (!r) return r.error();
    return *l && *r;
  }
  const Expr& lhs = Unparen(*e.lhs);
  const Expr& rhs = Unparen(*e.rhs);
  if (lhs.kind != ExprKind::kVarRef) return false;
  // The same rule as RowFilter: a name is a tag when cast so or known.
  const bool is_tag = only_tags || lhs.cast == "tag" ||
                      (lhs.cast != "field" && tag_keys.count(lhs.name) > 0);
  if (!is_tag) return false;
  engine::TagMatcher m;
  m.key = lhs.name;
  if ((e.op == BinaryOp::kEq || e.op == BinaryOp::kNeq) &&
      rhs.kind == ExprKind::kString) {
    m.op = e.op == BinaryOp::kEq ? engine::TagMatcher::Op::kEqual
                                 : engine::TagMatcher::Op::kNotEqual;
    m.value = rhs.name;
  } else if ((e.op == BinaryOp::kEqRegex || e.op == BinaryOp::kNeqRegex) &&
             rhs.kind == ExprKind::kRegex) {
    auto re = CompileRegex(rhs.name);
    if (!re) return re.error();
    m.op = e.op == BinaryOp::kEqRegex ? engine::TagMatcher::Op::kMatch
                                      : engine::TagMatcher::Op::kNotMatch;
    std::shared_ptr<const Regex> compiled = *re;
    m.matches = [compiled](std::string_view v) { return compiled->Search(v); };
  } else {
    return false;
  }
  out->push_back(std::move(m));
  return true;
}

}  // namespace

Result<std::vector<engine::TagMatcher>> TagMatchersOf(
    const std::vector<const Expr*>& conjuncts,
    const std::set<std::string>& tag_keys, bool only_tags, bool* complete) {
  std::vector<engine::TagMatcher> out;
  *complete = true;
  for (const Expr* c : conjuncts) {
    std::vector<engine::TagMatcher> part;
    auto whole = Collect(*c, tag_keys, only_tags, &part);
    if (!whole) return whole.error();
    // A partly convertible AND chain still narrows by its matchers: every
    // series the whole conjunct accepts satisfies each of them.
    for (auto& m : part) out.push_back(std::move(m));
    *complete = *complete && *whole;
  }
  return out;
}

}  // namespace citynexus::query::influxql
