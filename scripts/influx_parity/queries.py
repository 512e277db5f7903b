"""The InfluxQL queries the parity test sends to influxd and citynexus.

Each entry is a Query: the InfluxQL text, optional extra URL parameters
(epoch=...), whether the order of the series counts, and how to compare the answers ("exact": everything below, or
"contains": every row of the citynexus answer's first series must hold the
expected values, used for SHOW DATABASES where influxd also lists _internal).
Times refer to the data set of dataset.py (2026-01-05 .. 2026-01-08, UTC).
"""

import collections

Query = collections.namedtuple("Query", "text params compare contains unordered method")

D0 = "'2026-01-05T00:00:00Z'"
D1 = "'2026-01-06T00:00:00Z'"
D2 = "'2026-01-07T00:00:00Z'"
D3 = "'2026-01-08T00:00:00Z'"
ALL = "time >= %s AND time < %s" % (D0, D3)
DAY1 = "time >= %s AND time < %s" % (D0, D1)
DAY2 = "time >= %s AND time < %s" % (D1, D2)
H2 = "time >= %s AND time < '2026-01-05T02:00:00Z'" % D0


def _q(text, params=None, compare="exact", contains=None, unordered=False, method="GET"):
    return Query(text, params or {}, compare, contains or [], unordered, method)


QUERIES = [
    # Raw points.
    _q("SELECT vehicles, speed FROM traffic WHERE sensor = 'S01' AND " + H2),
    _q("SELECT * FROM traffic WHERE sensor = 'S02' AND time >= %s AND "
       "time < '2026-01-05T01:00:00Z'" % D0),
    _q("SELECT * FROM air WHERE station = 'A1' AND %s LIMIT 5" % DAY1),
    _q("SELECT \"vehicles\" FROM \"traffic\" WHERE \"sensor\" = 'S07' AND "
       "time >= 1767571200s AND time < 1767574800s"),
    _q("SELECT speed FROM traffic WHERE sensor = 'S03' AND speed > 55 AND " + DAY1),
    # Aggregates over the whole range.
    _q("SELECT count(vehicles) FROM traffic WHERE " + ALL),
    _q("SELECT count(*) FROM traffic WHERE " + ALL),
    _q("SELECT sum(vehicles), mean(speed) FROM traffic WHERE " + ALL),
    _q("SELECT min(speed), max(speed) FROM traffic WHERE " + ALL),
    _q("SELECT max(no2) FROM air WHERE " + DAY2),
    _q("SELECT first(kwh), last(kwh) FROM energy WHERE meter = 'M01' AND " + ALL),
    _q("SELECT median(no2) FROM air WHERE %s GROUP BY station" % ALL),
    _q("SELECT spread(speed) FROM traffic WHERE %s GROUP BY time(1d)" % ALL),
    _q("SELECT stddev(no2) FROM air WHERE %s GROUP BY time(1d)" % ALL),
    _q("SELECT percentile(speed, 90) FROM traffic WHERE %s GROUP BY time(1h)" % DAY1),
    _q("SELECT integral(m3) FROM water_flow WHERE point = 'P01' AND " + ALL),
    # influxd 1.6 returns integral() series grouped by tag in map order (it
    # changes from run to run), so this one compares the series as a set.
    _q("SELECT integral(m3, 1h) FROM water_flow WHERE %s GROUP BY point" % DAY2,
       unordered=True),
    _q("SELECT spread(kwh) FROM energy WHERE %s GROUP BY meter" % ALL),
    _q("SELECT mean(speed) AS avg_speed, max(vehicles) AS peak FROM traffic "
       "WHERE %s GROUP BY time(1h)" % DAY1),
    # Time buckets.
    _q("SELECT sum(vehicles) FROM traffic WHERE %s GROUP BY time(1d)" % ALL),
    _q("SELECT mean(m3) FROM water_flow WHERE %s GROUP BY time(1h, 15m)" % DAY1),
    _q("SELECT count(vehicles) FROM traffic WHERE time >= '2026-01-05T00:10:00Z' "
       "AND time < '2026-01-05T06:00:00Z' GROUP BY time(1h)"),
    _q("SELECT mean(vehicles) FROM traffic WHERE %s GROUP BY time(1d), district" % ALL),
    _q("SELECT last(kwh) FROM energy WHERE %s GROUP BY *" % ALL),
    # last() without GROUP BY time reads only the newest points (Store::Last):
    # merged series with equal last times, no time range at all, a mid range.
    _q("SELECT last(kwh) FROM energy WHERE %s" % ALL),
    _q("SELECT last(*) FROM traffic GROUP BY *"),
    _q("SELECT last(m3) FROM water_flow WHERE time >= '2026-01-05T10:07:00Z' "
       "AND time < '2026-01-06T03:31:00Z' GROUP BY point"),
    _q("SELECT mean(no2) FROM air WHERE %s GROUP BY time(1d), *" % ALL),
    # fill() around the forced gaps (S05 06:00-09:30 on day 1, P02 02:00-05:00
    # on day 2).
    _q("SELECT mean(vehicles) FROM traffic WHERE sensor = 'S05' AND time >= "
       "'2026-01-05T04:00:00Z' AND time < '2026-01-05T11:00:00Z' "
       "GROUP BY time(30m) fill(none)"),
    _q("SELECT mean(vehicles) FROM traffic WHERE sensor = 'S05' AND time >= "
       "'2026-01-05T04:00:00Z' AND time < '2026-01-05T11:00:00Z' "
       "GROUP BY time(30m) fill(null)"),
    _q("SELECT max(m3) FROM water_flow WHERE point = 'P02' AND time >= "
       "'2026-01-06T00:00:00Z' AND time < '2026-01-06T07:00:00Z' "
       "GROUP BY time(30m) fill(previous)"),
    _q("SELECT mean(m3) FROM water_flow WHERE point = 'P02' AND time >= "
       "'2026-01-06T00:00:00Z' AND time < '2026-01-06T07:00:00Z' "
       "GROUP BY time(30m) fill(linear)"),
    _q("SELECT count(vehicles) FROM traffic WHERE sensor = 'S05' AND time >= "
       "'2026-01-05T04:00:00Z' AND time < '2026-01-05T11:00:00Z' "
       "GROUP BY time(30m) fill(0)"),
    # WHERE on tags.
    _q("SELECT count(vehicles) FROM traffic WHERE district != 'Mitte' AND " + ALL),
    _q("SELECT mean(vehicles) FROM traffic WHERE sensor =~ /^S0[1-3]$/ AND %s "
       "GROUP BY sensor" % ALL),
    _q("SELECT count(speed) FROM traffic WHERE sensor !~ /^S0/ AND %s "
       "GROUP BY sensor" % DAY1),
    _q("SELECT sum(vehicles) FROM traffic WHERE (district = 'Nord' OR "
       "district = 'Ost') AND vehicles > 20 AND %s GROUP BY district" % ALL),
    _q("SELECT mean(vehicles) FROM traffic WHERE district = 'Alt Stadt' AND %s "
       "GROUP BY time(1d)" % ALL),
    _q("SELECT count(ok) FROM air WHERE ok = false AND %s GROUP BY station" % ALL),
    _q("SELECT last(ok) FROM air WHERE %s GROUP BY station" % ALL),
    # FROM regex and several measurements.
    _q("SELECT count(*) FROM /^(energy|water_flow)$/ WHERE " + ALL),
    _q("SELECT count(*) FROM traffic, air WHERE " + DAY1),
    # Ordering and paging.
    _q("SELECT vehicles FROM traffic WHERE sensor = 'S04' AND %s "
       "ORDER BY time DESC LIMIT 10" % ALL),
    _q("SELECT vehicles, speed FROM traffic WHERE sensor = 'S04' AND %s "
       "LIMIT 5 OFFSET 10" % ALL),
    _q("SELECT mean(speed) FROM traffic WHERE %s GROUP BY time(1d), sensor "
       "SLIMIT 3 SOFFSET 2" % ALL),
    _q("SELECT mean(kwh) FROM energy WHERE %s GROUP BY time(6h) ORDER BY time "
       "DESC LIMIT 4" % ALL),
    # Epoch formats.
    _q("SELECT m3 FROM water_flow WHERE point = 'P03' AND " + H2, {"epoch": "ms"}),
    _q("SELECT mean(m3) FROM water_flow WHERE %s GROUP BY time(1h)" % DAY1,
       {"epoch": "s"}),
    _q("SELECT no2 FROM air WHERE station = 'A2' AND " + H2, {"epoch": "ns"}),
    # Several statements.
    _q("SELECT count(vehicles) FROM traffic WHERE %s; SELECT max(no2) FROM air "
       "WHERE %s GROUP BY station" % (DAY1, DAY1)),
    # POST with a form body (Grafana's POST mode).
    _q("SELECT sum(kwh) FROM energy WHERE %s GROUP BY time(1d), meter "
       "SLIMIT 2" % ALL, method="POST"),
    # Nothing to return, and a syntax error (400, error text not compared).
    _q("SELECT count(vehicles) FROM nosuch WHERE " + ALL),
    _q("SELECT FROM traffic"),
    # Boundaries and selector details.
    _q("SELECT vehicles FROM traffic WHERE sensor = 'S08' AND time > %s AND "
       "time <= '2026-01-05T00:05:00Z'" % D0),
    _q("SELECT vehicles FROM traffic WHERE sensor = 'S08' AND "
       "time >= 1767571200000ms AND time < 1767571500000ms"),
    _q("SELECT first(speed) FROM traffic WHERE sensor = 'S09' AND " + ALL),
    _q("SELECT last(vehicles) FROM traffic WHERE %s GROUP BY sensor SLIMIT 4" % ALL),
    _q("SELECT median(vehicles), percentile(vehicles, 50) FROM traffic WHERE %s "
       "GROUP BY time(1d)" % ALL),
    _q("SELECT stddev(vehicles) FROM traffic WHERE sensor = 'S10' AND time >= %s AND "
       "time < '2026-01-05T00:01:00Z'" % D0),
    _q("SELECT count(vehicles) FROM traffic WHERE %s GROUP BY time(1d) "
       "LIMIT 1 OFFSET 1" % ALL),
    _q("SELECT vehicles FROM traffic WHERE sensor =~ /^S1[12]$/ AND %s GROUP BY sensor "
       "ORDER BY time DESC LIMIT 2" % ALL),
    _q("SELECT mean(m3) FROM water_flow WHERE point = 'P02' AND time >= "
       "'2026-01-06T02:00:00Z' AND time < '2026-01-06T07:00:00Z' "
       "GROUP BY time(30m) fill(previous)"),
    # No upper time bound: influxd ends the buckets at now().
    _q("SELECT count(m3) FROM water_flow WHERE point = 'P04' AND time >= %s "
       "GROUP BY time(1d)" % D2),
    # tz(): windows at local midnight, times written with the zone's offset.
    # The data set has no DST switch (2026-01-05 .. 01-08, Berlin at +01:00
    # throughout), so the DST queries stretch the time range across a switch
    # and influxd fills the empty windows: the window grid crosses the switch.
    _q("SELECT mean(vehicles) FROM traffic WHERE %s GROUP BY time(1d) "
       "tz('Europe/Berlin')" % ALL),
    _q("SELECT count(vehicles) FROM traffic WHERE time >= %s AND "
       "time < '2026-04-02T00:00:00Z' GROUP BY time(1d) tz('Europe/Berlin')" % D0),
    _q("SELECT max(no2) FROM air WHERE time >= '2025-10-23T00:00:00Z' AND "
       "time < %s GROUP BY time(1d) fill(-1) tz('Europe/Berlin')" % D3),
    _q("SELECT count(m3) FROM water_flow WHERE point = 'P01' AND time >= "
       "'2026-01-07T12:00:00Z' AND time < '2026-03-30T00:00:00Z' "
       "GROUP BY time(6h) tz('Europe/Berlin')"),
    _q("SELECT sum(vehicles) FROM traffic WHERE %s GROUP BY time(1h) "
       "tz('Asia/Kolkata')" % DAY1),
    _q("SELECT vehicles FROM traffic WHERE sensor = 'S01' AND "
       "time >= '2026-01-05 00:00:00' AND time < '2026-01-05 00:05:00' "
       "tz('America/New_York')"),
    _q("SELECT integral(m3, 1h) FROM water_flow WHERE point = 'P01' AND %s "
       "GROUP BY time(1d) tz('Europe/London')" % ALL),
    _q("SELECT count(vehicles) FROM traffic WHERE %s tz('Europe/Berlin')" % ALL),
    _q("SELECT count(vehicles) FROM traffic WHERE %s tz('Mars/Base')" % ALL),
    # Schema exploration.
    _q("SHOW MEASUREMENTS"),
    _q("SHOW TAG KEYS"),
    _q("SHOW TAG VALUES WITH KEY = \"district\""),
    _q("SHOW TAG VALUES FROM traffic WITH KEY = \"sensor\" WHERE district = 'Nord'"),
    _q("SHOW FIELD KEYS"),
    _q("SHOW FIELD KEYS FROM air"),
    _q("SHOW SERIES"),
    _q("SHOW SERIES FROM energy"),
    _q("SHOW DATABASES", compare="contains", contains=[["parity"]]),
]


# Beyond the scope of the CI target (run with --extra): InfluxQL that Grafana
# dashboards commonly use. Failures here are a to-do list, not a regression.
EXTRA_QUERIES = [
    _q("SELECT max(vehicles), sensor FROM traffic WHERE " + DAY1),
    _q("SELECT top(vehicles, 3) FROM traffic WHERE " + DAY1),
    _q("SELECT bottom(speed, 2) FROM traffic WHERE sensor = 'S01' AND " + DAY1),
    _q("SELECT non_negative_difference(last(kwh)) FROM energy WHERE meter = 'M03' "
       "AND %s GROUP BY time(6h)" % DAY2),
    _q("SELECT difference(mean(m3)) FROM water_flow WHERE %s GROUP BY time(6h)" % DAY1),
    _q("SELECT derivative(mean(kwh), 1h) FROM energy WHERE meter = 'M01' AND %s "
       "GROUP BY time(6h)" % DAY1),
    _q("SELECT moving_average(mean(vehicles), 3) FROM traffic WHERE %s "
       "GROUP BY time(1h)" % H2.replace("02:00", "06:00")),
    _q("SELECT mean(speed) * 3.6 AS kmh FROM traffic WHERE %s GROUP BY time(1d)" % ALL),
    _q("SELECT mode(vehicles) FROM traffic WHERE sensor = 'S01' AND " + DAY1),
    _q("SELECT count(distinct(vehicles)) FROM traffic WHERE sensor = 'S01' AND " + DAY1),
    _q("SELECT * FROM traffic, air WHERE time >= %s AND time < '2026-01-05T00:02:00Z' "
       "AND (sensor = 'S01' OR station = 'A1')" % D0),
    _q("SELECT mean(*) FROM water_flow WHERE " + DAY1),
    _q("SHOW TAG KEYS FROM traffic"),
    _q("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^(air|water.*)$/"),
    _q("SHOW SERIES FROM traffic WHERE district = 'Nord'"),
    _q("SHOW TAG VALUES FROM energy WITH KEY IN (\"meter\", \"district\") "
       "WHERE meter =~ /M0[12]/"),
    _q("SHOW RETENTION POLICIES ON parity"),
    _q("SHOW FIELD KEYS FROM /^(air|energy)$/"),
    _q("SELECT vehicles FROM traffic WHERE sensor = 'S01' AND time >= now() - 3650d "
       "LIMIT 3"),
]

# Functions, math, transformations and more (issue 17), in their own file.
from queries_functions import FUNCTION_QUERIES  # noqa: E402
QUERIES = QUERIES + FUNCTION_QUERIES
