#!/usr/bin/env bash
# Benchmarks of the policy gate, each run of the real `sluice validate` in a fresh JVM:
#  1. (issue 5, item 9; issue 11) a 20-statement pipeline (20 INSERTs over the example catalog:
#     copies with masking, joins, aggregates, unions) with the gate and without it (same command,
#     no policy): the gate, identities included, should stay within 1.3x of plain planning;
#  2. (issue 11) the dataset graph: 50 pipeline files (10 read staging and write masked topics, 40
#     read those topics back through their own tables and write on) validated as one graph
#     (`validate DIR`) and one by one (`validate DIR --per-file`): the graph within 2x.
# Prints every wall time, a table of medians and ratios, and the machine's load average (the
# figures scale with it).
#
#   benchmarks/gate-validate.sh [RUNS]      (default 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sql/pipelines/bench"
cp -r "$here/sql/catalog" "$work/sql/"
cp -r "$here/sql/policy" "$work/policy"   # outside sql/: only --policy turns the gate on
pipeline="$work/sql/pipelines/bench/twenty_inserts.sql"
{
  echo "-- @owner payments"
  echo "-- @description Benchmark: 20 INSERTs the gate must prove"
  echo
  echo "LOAD MODULE sluice;"
  for i in $(seq 1 5); do
    cat <<SQL

INSERT INTO warehouse.payments.customers
SELECT id, mask_hash(email), mask_show_last_n(phone, 2), country, updated_at
FROM staging.payments_customers WHERE MOD(id, $i) = 0;

INSERT INTO warehouse.payments.cards
SELECT ca.id, ca.customer_id, mask_show_last_n(ca.card_number, 4), ca.brand, ca.expiry, ca.updated_at
FROM staging.payments_cards AS ca JOIN staging.payments_customers AS cu ON ca.customer_id = cu.id
WHERE cu.country <> 'X$i';

INSERT INTO warehouse.payments.payments
SELECT card_id, card_id, CAST(SUM(amount) AS DECIMAL(12, 2)), MAX(currency), MAX(status), MAX(created_at), MAX(updated_at)
FROM staging.payments_payments WHERE amount > $i GROUP BY card_id;

INSERT INTO warehouse.payments.customers
SELECT id, mask_hash(email), mask_show_last_n(phone, 2), country, updated_at
FROM staging.payments_customers WHERE country = 'DE'
UNION ALL
SELECT id, mask_hash(email), mask_show_last_n(phone, 2), country, updated_at
FROM staging.payments_customers WHERE country = 'FR$i';
SQL
  done
} > "$pipeline"
echo "pipeline: $(grep -c '^INSERT INTO' "$pipeline") INSERTs (+ LOAD MODULE), $(wc -l < "$pipeline") lines" >&2
"$here/sluice" --version >/dev/null   # builds once if needed, outside the timed runs

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

time_runs() { # label, extra args...
  local label="$1"; shift
  local times=()
  for r in $(seq 1 "$runs"); do
    local start end t
    start=$(date +%s.%N)
    (cd "$work" && "$here/sluice" validate "$pipeline" --catalog "$work/sql/catalog" "$@") \
      > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    times+=("$t")
    printf '%s run %d: %.2f s\n' "$label" "$r" "$t"
  done
  LAST_MEDIAN=$(median "${times[@]}")
}

time_runs "with gate   " --policy "$work/policy" --audit-log "$work/audit.jsonl"
grep -q "policy gate: PASS" "$work/out.txt" || { cat "$work/out.txt"; echo "gate did not pass" >&2; exit 1; }
with_gate=$LAST_MEDIAN
gate_ms=$(grep -o '"elapsedMillis":[0-9]*' "$work/audit.jsonl" | cut -d: -f2 | sort -n | tr '\n' ' ')
time_runs "without gate"
without_gate=$LAST_MEDIAN
printf 'median of %d fresh-JVM runs of sluice validate, 20 INSERTs: %.2f s with the gate, %.2f s without (gate share %.2f s); load average %s\n' \
  "$runs" "$with_gate" "$without_gate" "$(echo "$with_gate - $without_gate" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "the gate itself (plan + lineage + decision of the 20 INSERTs, from the audit records' elapsedMillis): $gate_ms ms"

# --- 2. the dataset graph of 50 pipeline files -------------------------------------------------
graph="$work/sql/pipelines/graph"
mkdir -p "$graph"
cat > "$work/policy/20_bench.yaml" <<'YAML'
version: 1
sinks:
  - {kafka: {cluster: platform, topic: 'bench.*'}, dataset: 'bench.*', zone: analytics, region: eu-west-1}
teams:
  payments: {reads: ['bench.*']}
YAML
for i in $(seq 1 50); do
  f="$graph/p$(printf '%02d' "$i").sql"
  {
    echo "-- @owner payments"
    echo "-- @description Benchmark: hop $i of the dataset graph"
    echo
    echo "LOAD MODULE sluice;"
    echo
    echo "CREATE TEMPORARY TABLE out_t (id BIGINT, email STRING, phone STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ("
    echo "  'connector' = 'upsert-kafka', 'topic' = 'bench.t$i', 'properties.bootstrap.servers' = '\${KAFKA_BOOTSTRAP_SERVERS}',"
    echo "  'key.format' = 'json', 'value.format' = 'json');"
    echo
    if [ "$i" -le 10 ]; then
      echo "INSERT INTO out_t SELECT id, mask_hash(email), mask_show_last_n(phone, 2) FROM staging.payments_customers;"
    else
      echo "CREATE TEMPORARY TABLE in_t (id BIGINT, email STRING, phone STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ("
      echo "  'connector' = 'upsert-kafka', 'topic' = 'bench.t$((i - 10))', 'properties.bootstrap.servers' = '\${KAFKA_BOOTSTRAP_SERVERS}',"
      echo "  'key.format' = 'json', 'value.format' = 'json');"
      echo
      echo "INSERT INTO out_t SELECT id, email, phone FROM in_t;"
    fi
  } > "$f"
done
graph_runs() { # label, extra args...
  local label="$1"; shift
  local times=()
  for r in $(seq 1 "$runs"); do
    local start end t
    start=$(date +%s.%N)
    (cd "$work" && "$here/sluice" validate "$graph" --catalog "$work/sql/catalog" --policy "$work/policy" \
      --audit-log "$work/audit-graph.jsonl" "$@") > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    times+=("$t")
    printf '%s run %d: %.2f s\n' "$label" "$r" "$t"
  done
  LAST_MEDIAN=$(median "${times[@]}")
}
graph_runs "50 files, dataset graph"
grep -q "files checked, all valid" "$work/out.txt" || { cat "$work/out.txt"; echo "graph did not validate" >&2; exit 1; }
graph_median=$LAST_MEDIAN
graph_runs "50 files, one by one   " --per-file
per_file_median=$LAST_MEDIAN

echo
printf '| benchmark | median (s) | baseline | median (s) | ratio | bound |\n'
printf '|---|---|---|---|---|---|\n'
printf '| validate, 20 INSERTs, gate | %.2f | same, no policy | %.2f | %.2f | <= 1.3 |\n' \
  "$with_gate" "$without_gate" "$(echo "scale=3; $with_gate / $without_gate" | bc)"
printf '| validate DIR, 50 files, dataset graph | %.2f | --per-file | %.2f | %.2f | <= 2 |\n' \
  "$graph_median" "$per_file_median" "$(echo "scale=3; $graph_median / $per_file_median" | bc)"
echo "runs: $runs fresh JVMs each; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# --- 3. the same two comparisons inside one warm JVM (dev.sluice.benchmarks.GateBenchmark) -----
# Fresh-JVM wall times are dominated by start-up and by validate's own planning; this measures the
# gate against plain planning of the same statements, and the graph against deciding one by one.
echo
"$here/mvnw" -q -B -f "$here/pom.xml" -pl benchmarks -am compile -Dspotless.check.skip=true >&2
classes=""
for module in policy-functions udfs test-harness jobs/sql-files jobs/gate jobs/ingest-postgres jobs/pipeline cli benchmarks; do
  classes="$classes:$here/$module/target/classes"
done
mkdir -p "$work/bench-warehouse"
java -Xmx3g --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Dlog4j.configurationFile="$here/cli/src/main/resources/sluice-cli-log4j2.properties" \
  -cp "${classes#:}:$(cat "$here/cli/target/sluice.classpath")" dev.sluice.benchmarks.GateBenchmark \
  "$work/sql/catalog" "$work/policy" "$pipeline" "$graph" "$runs" "$(cd "$work/bench-warehouse" && pwd)/"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
