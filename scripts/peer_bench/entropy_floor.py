"""The information-theoretic floor of urban1000 (urban1000.py): the entropy
of the generator's random draws as they survive the printing at each
field's decimal resolution. Used by entropy.py.

Model: urban1000 prints v[t] = round(mu_i(t) + noise[t]) where mu_i(t) is a
deterministic function of the series' parameters (scale, level, drawn once
from the seed) and the minute of the day, and the noise is drawn afresh for
every point. For any coder,
  H(v[1..n]) = sum_t H(v[t] | v[<t]) >= sum_t H(v[t] | mu_i, state[t-1])
(conditioning never increases entropy; given the parameters and the hidden
state, v[t] depends only on the fresh draw). The right side is computed
exactly from the generator's formulas, per kind:

  air         round to 0.1 of mu + N(0, 1.5^2)          -> quantized Gaussian,
                                                           sigma = 15 units
  water_flow  round to 0.001 of max(0, mu + N(0, 0.05^2)) -> sigma = 50 units
              (mu >= 0.2, so the clamp at 0 is never reached in practice)
  traffic     max(0, int(scale * 55 * d(m) + N(0, 2.5^2)))  -> exact pmf per mu
  energy      counter C += scale * (0.2 + 1.8 d(m)) * (0.8 + 0.4 U) / 60,
              printed round(C, 2): given C[t-1], the printed value spreads
              over the cents that the uniform increment can reach; averaged
              over the fractional position of C[t-1] (uniform).

The parameters (scale) are recomputed from urban1000's seed exactly as its
generator draws them; the bound is refused (None) when urban1000's VERSION
is not the one this model was written for.

What it assumes: the pseudo-random draws are treated as truly random (a
coder that knew Python's Mersenne Twister and the seed could store the data
set in a few bytes); the parameters and the daily shape are given for free
(they cost a few kB, < 0.001 B/line); timestamps are regular (60 s) and cost
only their first value per series.
"""

import collections
import math
import random

import urban1000

MODEL_VERSION = 1  # urban1000.VERSION this model follows
_SQRT2 = math.sqrt(2.0)


def _phi(x):
    return 0.5 * (1.0 + math.erf(x / _SQRT2))


def quantized_gaussian_bits(sigma_units):
    """Entropy (bits) of N(mu, sigma^2) rounded to integers, sigma in units
    of the resolution (independent of mu for sigma >> 1)."""
    total = 0.0
    limit = int(12 * sigma_units) + 2
    for k in range(-limit, limit + 1):
        p = _phi((k + 0.5) / sigma_units) - _phi((k - 0.5) / sigma_units)
        if p > 0:
            total -= p * math.log2(p)
    return total


def _traffic_bits(mu, sigma=2.5):
    """Entropy of max(0, int(mu + N(0, sigma^2))): 0 for x < 1 (int()
    truncates toward zero, negatives are clamped), k for k <= x < k + 1."""
    p0 = _phi((1.0 - mu) / sigma)
    total = -p0 * math.log2(p0) if p0 > 0 else 0.0
    k = 1
    top = mu + 10 * sigma
    while k <= top:
        p = _phi((k + 1 - mu) / sigma) - _phi((k - mu) / sigma)
        if p > 0:
            total -= p * math.log2(p)
        k += 1
    return total


def _counter_bits(low, width, offsets=32):
    """Entropy of round(f + low + U * width) (units of the resolution, U
    uniform on [0, 1)), averaged over f uniform on [0, 1)."""
    total = 0.0
    for j in range(offsets):
        start = (j + 0.5) / offsets + low
        end = start + width
        # Cell k holds [k - 0.5, k + 0.5).
        k = math.floor(start + 0.5)
        h = 0.0
        while k - 0.5 < end:
            overlap = min(end, k + 0.5) - max(start, k - 0.5)
            if overlap > 0:
                p = overlap / width
                h -= p * math.log2(p)
            k += 1
        total += h
    return total / offsets


def series_parameters():
    """{series key: (kind, scale)} drawn exactly as urban1000._generate does."""
    rng = random.Random(urban1000.SEED)
    series = urban1000.series_list()
    scale = [rng.uniform(0.5, 1.5) for _ in series]
    return {"%s,district=%s,%s=%s" % (m, d, t, v): (m, scale[i])
            for i, (m, t, v, d, f) in enumerate(series)}


def floor_bits(series):
    """{kind: bits} of the values of `series` ({key: [kind, decimals, times,
    values]}, as entropy.parse returns) under the generator model, the first
    value of each series excluded (the caller pays it verbatim). None when
    urban1000 has changed since this model was written."""
    if urban1000.VERSION != MODEL_VERSION:
        return None
    params = series_parameters()
    daily = [urban1000._daily(m) for m in range(1440)]
    air = quantized_gaussian_bits(15.0)
    water = quantized_gaussian_bits(50.0)
    cache = {}
    out = {}
    for key, (kind, _, times, _) in series.items():
        if key not in params:
            return None
        _, scale = params[key]
        bits = 0.0
        if kind == "air":
            bits = air * (len(times) - 1)
        elif kind == "water_flow":
            bits = water * (len(times) - 1)
        else:
            per_minute = collections.Counter((t // 60) % 1440 for t in times[1:])
            for m, n in per_minute.items():
                if kind == "traffic":
                    mu = round(scale * 55.0 * daily[m], 2)
                    ck = ("t", mu)
                    if ck not in cache:
                        cache[ck] = _traffic_bits(mu)
                else:  # energy, in cents
                    rate = scale * (0.2 + 1.8 * daily[m]) / 60.0 * 100.0
                    low, width = round(rate * 0.8, 3), round(rate * 0.4, 3)
                    ck = ("e", low, width)
                    if ck not in cache:
                        cache[ck] = _counter_bits(low, width)
                bits += cache[ck] * n
        out[kind] = out.get(kind, 0.0) + bits
    return out

