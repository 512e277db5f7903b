// SHOW statements of InfluxQL (databases, retention policies, measurements,
// series, tag keys and values, field keys).
#include "query/influxql/parser_internal.h"

namespace citynexus::query::influxql::detail {

Result<Statement> Parser::ParseShow() {
  const Token t = Peek();
  ShowStatement s;
  if (AcceptKeyword("databases")) {
    s.kind = ShowKind::kDatabases;
    return Statement(std::move(s));
  }
  if (AcceptKeyword("retention")) {
    CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("policies"));
    s.kind = ShowKind::kRetentionPolicies;
    if (AcceptKeyword("on")) {
      IQL_ASSIGN(db, ParseIdent());
      s.on_database = db;
    }
    return Statement(std::move(s));
  }
  // [EXACT] CARDINALITY after the noun; the singular nouns (MEASUREMENT,
  // TAG KEY, FIELD KEY) exist only in the cardinality forms.
  auto cardinality = [&](bool required) -> Status {
    s.exact = AcceptKeyword("exact");
    s.cardinality = AcceptKeyword("cardinality");
    if (s.exact && !s.cardinality) return ExpectKeyword("cardinality");
    if (required && !s.cardinality) return ExpectKeyword("cardinality");
    return Status::Ok();
  };
  if (AcceptKeyword("measurements")) {
    s.kind = ShowKind::kMeasurements;
  } else if (AcceptKeyword("measurement")) {
    s.kind = ShowKind::kMeasurements;
    CITYNEXUS_RETURN_IF_ERROR(cardinality(true));
  } else if (AcceptKeyword("series")) {
    s.kind = ShowKind::kSeries;
    CITYNEXUS_RETURN_IF_ERROR(cardinality(false));
  } else if (AcceptKeyword("tag")) {
    if (AcceptKeyword("keys")) {
      s.kind = ShowKind::kTagKeys;
    } else if (AcceptKeyword("key")) {
      s.kind = ShowKind::kTagKeys;
      CITYNEXUS_RETURN_IF_ERROR(cardinality(true));
    } else if (AcceptKeyword("values")) {
      s.kind = ShowKind::kTagValues;
      CITYNEXUS_RETURN_IF_ERROR(cardinality(false));
    } else {
      return Error(Peek(), "expected KEYS, VALUES");
    }
  } else if (AcceptKeyword("field")) {
    if (AcceptKeyword("key")) {
      s.kind = ShowKind::kFieldKeys;
      CITYNEXUS_RETURN_IF_ERROR(cardinality(true));
    } else {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("keys"));
      s.kind = ShowKind::kFieldKeys;
    }
  } else if (t.kind == TokenKind::kIdent && !t.quoted) {
    return Unsupported("SHOW");
  } else {
    return Error(t,
                 "expected DATABASES, MEASUREMENTS, SERIES, TAG, FIELD, "
                 "RETENTION");
  }
  if (AcceptKeyword("on")) {
    IQL_ASSIGN(db, ParseIdent());
    s.on_database = db;
  }
  if ((s.kind != ShowKind::kMeasurements || s.cardinality) &&
      AcceptKeyword("from")) {
    IQL_ASSIGN(sources, ParseSources());
    s.sources = std::move(sources);
  }
  if (s.kind == ShowKind::kMeasurements && AcceptKeyword("with")) {
    CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("measurement"));
    if (AcceptOp("=~")) {
      IQL_ASSIGN(re, NextRegex());
      s.measurement_regex = re.text;
    } else if (AcceptOp("=")) {
      if (PeekRegex()) {
        IQL_ASSIGN(re, NextRegex());
        s.measurement_regex = re.text;
      } else {
        IQL_ASSIGN(name, ParseIdent());
        s.measurement_equals = name;
      }
    } else {
      return Error(Peek(), "expected =, =~");
    }
  }
  if (s.kind == ShowKind::kTagValues) {
    CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("with"));
    CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("key"));
    CITYNEXUS_RETURN_IF_ERROR(ParseTagKeyCondition(s));
  }
  if (AcceptKeyword("where")) {
    IQL_ASSIGN(cond, ParseExpr(1));
    s.condition = std::move(cond);
  }
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("limit", &s.limit));
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("offset", &s.offset));
  return Statement(std::move(s));
}

Status Parser::ParseTagKeyCondition(ShowStatement& s) {
  if (AcceptKeyword("in")) {
    CITYNEXUS_RETURN_IF_ERROR(ExpectOp("("));
    do {
      IQL_ASSIGN(key, ParseIdent());
      s.keys.push_back(key);
    } while (AcceptOp(","));
    s.key_op = BinaryOp::kEq;
    return ExpectOp(")");
  }
  const Token t = Next();
  if (IsOp(t, "=~") || IsOp(t, "!~")) {
    IQL_ASSIGN(re, NextRegex());
    s.key_op = IsOp(t, "=~") ? BinaryOp::kEqRegex : BinaryOp::kNeqRegex;
    s.key_regex = re.text;
    return Status::Ok();
  }
  if (IsOp(t, "=") || IsOp(t, "!=") || IsOp(t, "<>")) {
    s.key_op = IsOp(t, "=") ? BinaryOp::kEq : BinaryOp::kNeq;
    if (PeekRegex()) {
      IQL_ASSIGN(re, NextRegex());
      s.key_op =
          s.key_op == BinaryOp::kEq ? BinaryOp::kEqRegex : BinaryOp::kNeqRegex;
      s.key_regex = re.text;
      return Status::Ok();
    }
    IQL_ASSIGN(key, ParseIdent());
    s.keys.push_back(key);
    return Status::Ok();
  }
  return Error(t, "expected =, !=, =~, !~, IN");
}

}  // namespace citynexus::query::influxql::detail
