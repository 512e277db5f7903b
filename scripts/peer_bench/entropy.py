#!/usr/bin/env python3
"""Entropy estimate of the peer benchmark's data set: how few bytes per line
a lossless store of urban1000 (urban1000.py; 10M lines by default) could
reach, to set citynexus' bytes/line on disk against a floor.

What a store must keep: per series (measurement + tag set + field), every
(timestamp, value) pair exactly, the value at its decimal resolution (the
text "12.3" is the integer 123 at resolution 0.1, "4.250" is 4250 at 0.001,
"17i" is 17). Two figures come out, both in bytes per line of the data set:

1. A LOWER BOUND (entropy_floor.py): the entropy of the generator's random
   draws as they survive the printing, computed exactly from urban1000's
   formulas with its parameters given for free:
       H(v[1..n]) = sum_t H(v[t] | v[<t]) >= sum_t H(v[t] | parameters, state)
   No coder that treats the pseudo-random noise as random can go below it.
   Plus, for every store: the series keys (zlib -9 of all keys, ~0.003
   B/line), the first timestamp and first value of each series (64 bits
   each); regular 60 s timestamps carry no more information.

2. AN ACHIEVABLE ESTIMATE for the family of coders a time-series store
   uses (a per-series predictor + an entropy coder of its residuals),
   measured on the data, not derived from the generator. Per series the
   values, as integers at their resolution, are coded under each model and
   the cheapest is kept (3 bits say which):
       raw         the values themselves
       delta       v[t] - v[t-1]                 (what a delta coder sees)
       delta2      v[t] - 2 v[t-1] + v[t-2]
       delta|hour  the deltas, with one distribution per hour of the day
       profile     v[t] - round(a + b P(minute of day)), P the mean daily
                   profile of the series' kind, a, b fitted per series (for
                   counters, the same on the deltas); the profiles cost
                   2 x 1440 x 32 bits per kind, a and b 64 bits per series
   The cost of a model is its empirical (plug-in) order-0 entropy, n log2 n
   - sum c log2 c over the symbol counts c, PLUS what an adaptive coder pays
   to learn each distribution ((K - 1) / 2 log2 n bits for K distinct
   symbols in n samples, the KT / MDL regret). Without that term the
   plug-in entropy is biased low, badly so for contexts with few samples
   (delta|hour: ~420 samples per context), and would "beat" the lower bound;
   both columns are printed. Timestamps: delta-of-delta, same cost rule.

What the figures assume, honestly:
  * The lower bound holds only against coders that do not know Python's
    Mersenne Twister and the seed (with them, the whole data set is a few
    bytes). It gives the daily shape and each series' scale for free.
  * The achievable estimate is not a bound: a coder outside the family
    (one that learns the daily shape per series and codes the noise alone)
    can beat it, down to the lower bound. The gap between the two is what
    a smarter model could still gain; citynexus' figure sits above both.
  * Nothing is counted for indexes, tag lookup structures, rollups, block
    headers or the storage engine's own overhead: what a real store adds.

Usage:
  entropy.py                  # the 10M-line data set (cached, as the bench)
  entropy.py --points 1000    # 1M lines (the --quick size)
  entropy.py --compare 0.90   # print a store's B/line against both figures
  entropy.py --json out.json
Python 3 stdlib only; 10M lines take ~70 s and ~180 MB RSS on the bench machine.
"""

import argparse
import array
import collections
import json
import math
import os
import sys
import tempfile
import zlib

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import entropy_floor  # noqa: E402
import urban1000  # noqa: E402

MODEL_CHOICE_BITS = 3
VERBATIM_BITS = 64  # a first value stored as is
PROFILE_FLOAT_BITS = 32
TIMESTAMP_BITS = 64


def entropy_bits(values):
    """Total bits an ideal order-0 code needs for the sequence (plug-in), and
    the number of distinct symbols."""
    counts = collections.Counter(values)
    n = sum(counts.values())
    if n == 0:
        return 0.0, 0
    return n * math.log2(n) - sum(c * math.log2(c) for c in counts.values()), len(counts)


def table_bits(distinct, n):
    """What an adaptive coder pays to learn a distribution of `distinct`
    symbols over n samples (the KT / MDL regret, (K - 1) / 2 * log2 n)."""
    return 0.0 if n < 2 or distinct < 2 else (distinct - 1) / 2.0 * math.log2(n)


def parse(directory, manifest, log):
    """{series key: [kind, resolution decimals, times array, values array]}."""
    series = {}
    kinds = {m: m for m, _, _, _, _ in urban1000.KINDS}
    for n, name in enumerate(urban1000.batch_paths(directory, manifest)):
        with open(name) as f:
            for line in f:
                key, fv, ts = line.rstrip("\n").split(" ")
                field, text = fv.split("=", 1)
                s = series.get(key)
                if s is None:
                    s = series[key] = [kinds[key.split(",", 1)[0]], None,
                                       array.array("q"), array.array("q")]
                if text.endswith("i"):
                    decimals, digits = 0, text[:-1]
                else:
                    point = text.find(".")
                    decimals = 0 if point < 0 else len(text) - point - 1
                    digits = text.replace(".", "")
                if s[1] is None:
                    s[1] = decimals
                elif s[1] != decimals:
                    raise SystemExit("%s: mixed resolutions (%d and %d decimals): the "
                                     "model assumes one per series" % (key, s[1], decimals))
                s[2].append(int(ts))
                s[3].append(int(digits))
        if n % 500 == 0:
            log("parsed %d/%d files" % (n, manifest["files"]))
    return series


def deltas(v):
    return [v[i] - v[i - 1] for i in range(1, len(v))]


def fit_residuals(v, minutes, profile):
    """v - round(a + b * profile[minute]) with a, b least squares."""
    n = len(v)
    xs = [profile[m] for m in minutes]
    mx = sum(xs) / n
    my = sum(v) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = 0.0 if sxx == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, v)) / sxx
    a = my - b * mx
    return [y - int(round(a + b * x)) for x, y in zip(xs, v)]


def kind_profiles(series):
    """{(kind, "value" | "delta"): [mean per minute of day]}."""
    sums, counts = {}, {}
    for kind, _, times, values in series.values():
        for what, seq, ts in (("value", values, times), ("delta", deltas(values), times[1:])):
            s = sums.setdefault((kind, what), [0.0] * 1440)
            c = counts.setdefault((kind, what), [0] * 1440)
            for t, y in zip(ts, seq):
                m = (t // 60) % 1440
                s[m] += y
                c[m] += 1
    return {k: [s / c if c else 0.0 for s, c in zip(sums[k], counts[k])] for k in sums}


MODELS = ["raw", "delta", "delta2", "delta|hour", "profile"]


def value_models(kind, values, minutes, profiles):
    """{model: (plug-in bits, learning bits)} for one series' values."""
    n = len(values)
    d = deltas(values)
    models = {}
    b, k = entropy_bits(values)
    models["raw"] = (b, table_bits(k, n))
    b, k = entropy_bits(d)
    models["delta"] = (VERBATIM_BITS + b, table_bits(k, n - 1))
    b, k = entropy_bits([values[i] - 2 * values[i - 1] + values[i - 2] for i in range(2, n)])
    models["delta2"] = (2 * VERBATIM_BITS + b, table_bits(k, n - 2))
    by_hour = collections.defaultdict(list)
    for m, x in zip(minutes[1:], d):
        by_hour[m // 60].append(x)
    bits = tables = 0.0
    for xs in by_hour.values():
        b, k = entropy_bits(xs)
        bits += b
        tables += table_bits(k, len(xs))
    models["delta|hour"] = (VERBATIM_BITS + bits, tables)
    fit_cost = 2 * PROFILE_FLOAT_BITS
    b, k = entropy_bits(fit_residuals(values, minutes, profiles[(kind, "value")]))
    on_values = (fit_cost + b, table_bits(k, n))
    b, k = entropy_bits(fit_residuals(d, minutes[1:], profiles[(kind, "delta")]))
    on_deltas = (VERBATIM_BITS + fit_cost + b, table_bits(k, n - 1))
    models["profile"] = min(on_values, on_deltas, key=sum)
    return models


def analyse(series, log):
    """Per kind: lines, plug-in and learning bits per model, the MDL choice,
    and the generator floor; plus the keys' and timestamps' bits."""
    profiles = kind_profiles(series)
    log("daily profiles of %d (kind, value|delta) pairs computed" % len(profiles))
    per_kind = collections.OrderedDict()
    keys = "\n".join(sorted(series)).encode()
    totals = {"key_bits": 8.0 * len(zlib.compress(keys, 9)), "time_bits": 0.0,
              "time_table_bits": 0.0, "first_value_bits": 0.0}
    for done, (key, (kind, decimals, times, values)) in enumerate(sorted(series.items())):
        n = len(values)
        k = per_kind.setdefault(kind, {"series": 0, "lines": 0, "decimals": decimals,
                                       "bits": collections.Counter(),
                                       "table_bits": collections.Counter(),
                                       "chosen": collections.Counter(),
                                       "per_series": []})
        k["series"] += 1
        k["lines"] += n
        tdd = [times[i] - 2 * times[i - 1] + times[i - 2] for i in range(2, n)]
        b, distinct = entropy_bits(tdd)
        totals["time_bits"] += 2 * TIMESTAMP_BITS + b
        totals["time_table_bits"] += table_bits(distinct, len(tdd))
        totals["first_value_bits"] += VERBATIM_BITS
        minutes = [(t // 60) % 1440 for t in times]
        models = value_models(kind, values, minutes, profiles)
        for name, (bits, tables) in models.items():
            k["bits"][name] += bits
            k["table_bits"][name] += tables
        k["per_series"].append(models)
        if done % 200 == 0:
            log("analysed %d/%d series" % (done, len(series)))
    for kind, k in per_kind.items():
        # The shared profiles are paid once per kind: "best" may use the
        # profile model only if that pays for them.
        profile_bits = 2 * 1440 * PROFILE_FLOAT_BITS  # value and delta profiles
        k["bits"]["profile"] += profile_bits
        options = []
        for allowed in (MODELS, [m for m in MODELS if m != "profile"]):
            picks = [min(allowed, key=lambda name: sum(models[name]))  # MDL: both terms
                     for models in k["per_series"]]
            cost = sum(sum(models[m]) for m, models in zip(picks, k["per_series"]))
            options.append((cost + (profile_bits if "profile" in picks else 0), picks))
        _, picks = min(options, key=lambda o: o[0])
        for m, models in zip(picks, k.pop("per_series")):
            k["chosen"][m] += 1
            k["bits"]["best"] += models[m][0] + MODEL_CHOICE_BITS
            k["table_bits"]["best"] += models[m][1]
        if k["chosen"]["profile"]:
            k["bits"]["best"] += profile_bits
    floor = entropy_floor.floor_bits(series)
    for kind, k in per_kind.items():
        k["floor_bits"] = None if floor is None else floor.get(kind, 0.0)
    return per_kind, totals


def report(per_kind, totals, lines, compare):
    models = MODELS + ["best"]
    print()
    print("bits per value, per kind: plug-in entropy + the adaptive coder's learning cost "
          "(plug-in alone in brackets); 'best' = cheapest model per series (MDL)")
    print("%-11s %6s %8s %3s" % ("kind", "series", "lines", "dec") +
          "".join("%16s" % m for m in models) + "%9s" % "floor")
    for kind, k in per_kind.items():
        cells = "".join("%16s" % ("%.2f (%.2f)" % ((k["bits"][m] + k["table_bits"][m]) /
                                                     k["lines"], k["bits"][m] / k["lines"]))
                        for m in models)
        floor = "%9.2f" % (k["floor_bits"] / k["lines"]) if k["floor_bits"] is not None \
            else "%9s" % "n/a"
        print("%-11s %6d %8d %3d" % (kind, k["series"], k["lines"], k["decimals"]) + cells +
              floor)
    print("models chosen: " + "; ".join("%s %s" % (kind, dict(k["chosen"]))
                                        for kind, k in per_kind.items()))
    shared = totals["key_bits"] + totals["time_bits"]
    out = {"lines": lines,
           "keys_bytes_per_line": round(totals["key_bits"] / 8.0 / lines, 5),
           "timestamps_bytes_per_line": round(totals["time_bits"] / 8.0 / lines, 5),
           "plug_in_bytes_per_line": {}, "achievable_bytes_per_line": {}}
    print()
    print("%-40s %14s %12s" % ("whole data set, B/line", "with learning", "plug-in"))
    for m in models:
        plug = (sum(k["bits"][m] for k in per_kind.values()) + shared) / 8.0 / lines
        full = plug + (sum(k["table_bits"][m] for k in per_kind.values()) +
                       totals["time_table_bits"]) / 8.0 / lines
        out["plug_in_bytes_per_line"][m] = round(plug, 4)
        out["achievable_bytes_per_line"][m] = round(full, 4)
        print("%-40s %14.3f %12.3f" % ("values: " + m + " + keys + timestamps", full, plug))
    print("(keys %.4f, timestamps %.4f B/line of that)" % (
        out["keys_bytes_per_line"], out["timestamps_bytes_per_line"]))
    achievable = out["achievable_bytes_per_line"]["best"]
    lower = None
    if all(k["floor_bits"] is not None for k in per_kind.values()):
        lower = (sum(k["floor_bits"] for k in per_kind.values()) + shared +
                 totals["first_value_bits"]) / 8.0 / lines
        out["lower_bound_bytes_per_line"] = round(lower, 4)
    print()
    if lower is not None:
        print("lower bound (generator noise entropy):       %.3f B/line" % lower)
    else:
        print("lower bound: n/a (urban1000 changed since entropy_floor.py was written)")
    print("achievable estimate (best model per series): %.3f B/line" % achievable)
    if compare:
        out["compare"] = {"stored_bytes_per_line": compare,
                          "vs_achievable": round(compare / achievable, 3)}
        text = "stored %.2f B/line: %.2fx the achievable estimate" % (
            compare, compare / achievable)
        if lower is not None:
            out["compare"]["vs_lower_bound"] = round(compare / lower, 3)
            text += ", %.2fx the lower bound" % (compare / lower)
        print(text)
    out["per_kind"] = {
        kind: {"series": k["series"], "lines": k["lines"], "decimals": k["decimals"],
               "bits_per_value_plug_in": {m: round(k["bits"][m] / k["lines"], 4)
                                          for m in models},
               "bits_per_value_with_learning": {
                   m: round((k["bits"][m] + k["table_bits"][m]) / k["lines"], 4)
                   for m in models},
               "chosen": dict(k["chosen"]),
               "floor_bits_per_value": None if k["floor_bits"] is None else
               round(k["floor_bits"] / k["lines"], 4)}
        for kind, k in per_kind.items()}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=10000,
                        help="points per series (default 10000: the 10M-line data set)")
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(),
                                                            "citynexus-peer-bench"),
                        help="run_peer_bench's cache of the data set (generated if missing)")
    parser.add_argument("--compare", type=float, default=None,
                        help="a store's bytes/line to print against the floor")
    parser.add_argument("--json", default=None, help="write the figures as JSON")
    args = parser.parse_args()

    def log(msg):
        print(msg, file=sys.stderr)

    directory, manifest = urban1000.ensure(args.cache_dir, args.points, log)
    series = parse(directory, manifest, log)
    lines = sum(len(s[3]) for s in series.values())
    if lines != manifest["points"]:
        raise SystemExit("parsed %d lines, manifest says %d" % (lines, manifest["points"]))
    per_kind, totals = analyse(series, log)
    print("urban1000: %d series, %d lines (%s)" % (len(series), lines, directory))
    out = report(per_kind, totals, lines, args.compare)
    out["dataset"] = manifest
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
