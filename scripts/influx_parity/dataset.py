"""Deterministic data set for the InfluxDB parity test.

Builds the same line protocol (precision=s) on every run from a fixed seed, so
influxd and citynexus receive byte-identical writes and the queries in
queries.py can name known sensors, districts and gaps.

Shape (3 days at 60 s, 2026-01-05T00:00:00Z .. 2026-01-08T00:00:00Z):
  traffic,sensor=S01..S24,district=<6 districts>  vehicles=<int>i,speed=<float>
      (speed is missing on ~3% of the lines: rows with a null column)
  energy,meter=M01..M12,district=<...>            kwh=<float counter>
      (M03 is reset to 0 once, on day 2 at 13:07)
  air,station=A1..A8                              no2=<float>,ok=<bool>
  water_flow,point=P01..P10                       m3=<float>
Every tag set has 0-2 random gaps (10 min .. 4 h) plus ~1% dropped minutes,
and a few forced gaps the fill() queries rely on (see FORCED_GAPS).
One district value contains a space ("Alt Stadt"), written escaped.
"""

import math
import random

SEED = 20260105
START = 1767571200  # 2026-01-05T00:00:00Z
STEP = 60
DAYS = 3
END = START + DAYS * 86400  # exclusive

DISTRICTS = ["Mitte", "Nord", "Sued", "Ost", "West", "Alt Stadt"]
TRAFFIC_SENSORS = ["S%02d" % i for i in range(1, 25)]
ENERGY_METERS = ["M%02d" % i for i in range(1, 13)]
AIR_STATIONS = ["A%d" % i for i in range(1, 9)]
WATER_POINTS = ["P%02d" % i for i in range(1, 11)]

# (measurement, tag value of the identifying tag, first missing second,
#  end second exclusive). Queries with fill() look at these windows.
FORCED_GAPS = [
    ("traffic", "S05", START + 6 * 3600, START + 9 * 3600 + 1800),
    ("water_flow", "P02", START + 86400 + 2 * 3600, START + 86400 + 5 * 3600),
    ("air", "A3", START + 12 * 3600 + 900, START + 14 * 3600),
]

RESET_METER = "M03"
RESET_AT = START + 86400 + 13 * 3600 + 7 * 60


def _escape_tag(value):
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(
        "=", "\\=").replace(" ", "\\ ")


def _fmt_float(value):
    # repr of a value rounded to few decimals is short and round-trips.
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


class _Series(object):
    """One tag set: its identity and its missing time windows."""

    def __init__(self, measurement, key, tags, rng):
        self.measurement = measurement
        self.key = key
        self.prefix = measurement + "," + ",".join(
            "%s=%s" % (k, _escape_tag(v)) for k, v in sorted(tags.items()))
        self.gaps = []
        for _ in range(rng.randint(0, 2)):
            begin = START + rng.randrange(0, DAYS * 86400 // STEP) * STEP
            length = rng.randint(10, 240) * 60
            self.gaps.append((begin, begin + length))
        for m, k, begin, end in FORCED_GAPS:
            if m == measurement and k == key:
                self.gaps.append((begin, end))
        self.phase = rng.uniform(0, 2 * math.pi)
        self.scale = rng.uniform(0.6, 1.6)
        self.state = 0.0

    def missing(self, t):
        for begin, end in self.gaps:
            if begin <= t < end:
                return True
        return False


def _diurnal(t, phase):
    hour = ((t - START) % 86400) / 3600.0
    return 0.5 + 0.5 * math.sin((hour - 6.0) / 24.0 * 2 * math.pi + phase * 0.1)


def build_series(rng):
    series = []
    for i, sensor in enumerate(TRAFFIC_SENSORS):
        series.append(_Series("traffic", sensor, {
            "sensor": sensor, "district": DISTRICTS[i % len(DISTRICTS)]}, rng))
    for i, meter in enumerate(ENERGY_METERS):
        s = _Series("energy", meter, {
            "meter": meter, "district": DISTRICTS[(i * 5) % len(DISTRICTS)]}, rng)
        s.state = round(rng.uniform(1000, 50000), 3)
        series.append(s)
    for station in AIR_STATIONS:
        series.append(_Series("air", station, {"station": station}, rng))
    for point in WATER_POINTS:
        series.append(_Series("water_flow", point, {"point": point}, rng))
    return series


def _fields(s, t, rng):
    level = _diurnal(t, s.phase)
    if s.measurement == "traffic":
        vehicles = max(0, int(round(level * 40 * s.scale + rng.gauss(0, 3))))
        parts = ["vehicles=%di" % vehicles]
        if rng.random() >= 0.03:
            speed = round(max(3.0, 55 - level * 25 + rng.gauss(0, 4)), 2)
            parts.append("speed=" + _fmt_float(speed))
        return ",".join(parts)
    if s.measurement == "energy":
        if s.key == RESET_METER and t == RESET_AT:
            s.state = 0.0
        else:
            s.state = round(s.state + level * 2.5 * s.scale + rng.uniform(0, 0.5), 3)
        return "kwh=" + _fmt_float(s.state)
    if s.measurement == "air":
        no2 = round(max(0.0, 18 + level * 30 * s.scale + rng.gauss(0, 5)), 1)
        return "no2=%s,ok=%s" % (_fmt_float(no2), "true" if no2 < 40 else "false")
    m3 = round(max(0.0, level * 12 * s.scale + rng.gauss(0, 0.8)), 3)
    return "m3=" + _fmt_float(m3)


def generate_lines():
    """Returns the whole data set as a list of line protocol lines (precision=s),
    ordered by time like a live feed. Same list on every call."""
    rng = random.Random(SEED)
    series = build_series(rng)
    lines = []
    for t in range(START, END, STEP):
        for s in series:
            if s.missing(t) or rng.random() < 0.01:
                continue
            lines.append("%s %s %d" % (s.prefix, _fields(s, t, rng), t))
    return lines


def count_points(lines):
    """Number of field values (points in citynexus' sense) in the lines."""
    total = 0
    for line in lines:
        fields = line.rsplit(" ", 2)[1]
        total += fields.count("=")
    return total


def expected_series(lines):
    """Parses the generated lines back (they only use the escape "\\ ") into
    {(measurement, field, sorted tag tuple): [type, point count]} with type
    "integer", "float" or "boolean" as InfluxDB types them."""
    series = {}
    for line in lines:
        key, fields, _ = line.rsplit(" ", 2)
        parts = key.replace("\\ ", " ").split(",")
        tags = tuple(sorted(tuple(p.split("=", 1)) for p in parts[1:]))
        for field in fields.split(","):
            name, value = field.split("=", 1)
            if value.endswith("i"):
                kind = "integer"
            elif value in ("true", "false"):
                kind = "boolean"
            else:
                kind = "float"
            entry = series.setdefault((parts[0], name, tags), [kind, 0])
            entry[1] += 1
    return series


def batches(lines, size=5000):
    for i in range(0, len(lines), size):
        yield "\n".join(lines[i:i + size]) + "\n"


if __name__ == "__main__":
    all_lines = generate_lines()
    print("%d lines, %d points" % (len(all_lines), count_points(all_lines)))
    for line in all_lines[:5]:
        print(line)
