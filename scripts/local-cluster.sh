#!/usr/bin/env bash
# The scale-out topology as local processes: the platform API (no embedded worker), N workers that
# share runs through PostgreSQL leases and featurePrep partitions through RabbitMQ, and a stand-alone
# S3Proxy as the artefact bucket. PostgreSQL (127.0.0.1:5432, user postgres) and RabbitMQ
# (127.0.0.1:5672, guest/guest) are the machine's services.
#
#   scripts/local-cluster.sh start            fresh database, S3Proxy, API, workers; prints the API URL
#   scripts/local-cluster.sh status           which processes live, and GET /api/workers
#   scripts/local-cluster.sh stop             SIGTERM (workers checkpoint and hand their runs back), then SIGKILL
#   scripts/local-cluster.sh start-worker I   (re)starts worker I alone, e.g. after killing it
#   scripts/local-cluster.sh stop-worker I    SIGTERM worker I: it checkpoints, hands its runs back and exits
#   scripts/local-cluster.sh kill-worker I    SIGKILL worker I (a machine lost; its lease expires)
#   scripts/local-cluster.sh token NAME       prints a new admin API token (Authorization: Bearer …)
#
# Settings (environment): ASR3M_CLUSTER_DIR (state, logs, work dirs; default ./asr3m-cluster),
# ASR3M_WORKERS (3), ASR3M_WORKER_SLOTS (1 run per worker), ASR3M_DB (asr3m_cluster, dropped and
# created by start), ASR3M_API_PORT (8080), ASR3M_S3_PORT (9000), ASR3M_LEASE (20s),
# ASR3M_WORKER_XMX (1g), ASR3M_WORKER_ARGS (more --name=value options for every worker).
# Build first: ./mvnw -pl platform-api -am package -DskipTests (worker.jar, platform-api.jar, s3proxy.jar).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mkdir -p "${ASR3M_CLUSTER_DIR:-$PWD/asr3m-cluster}" && cd "${ASR3M_CLUSTER_DIR:-$PWD/asr3m-cluster}" && pwd)
WORKERS=${ASR3M_WORKERS:-3}
SLOTS=${ASR3M_WORKER_SLOTS:-1}
DB=${ASR3M_DB:-asr3m_cluster}
API_PORT=${ASR3M_API_PORT:-8080}
S3_PORT=${ASR3M_S3_PORT:-9000}
LEASE=${ASR3M_LEASE:-20s}
JAVA=${JAVA:-java}
API_JAR=$ROOT/platform-api/target/platform-api.jar
WORKER_JAR=$ROOT/worker/target/worker.jar
S3PROXY_JAR=${ASR3M_S3PROXY_JAR:-$ROOT/worker/target/s3proxy/s3proxy.jar}
S3_KEY=asr3m-local
S3_SECRET=asr3m-local-secret

die() { echo "local-cluster: $*" >&2; exit 1; }

common_args() {
  echo "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB" --spring.datasource.username=postgres \
    --spring.datasource.password= --asr3m.artifacts.type=s3 "--asr3m.artifacts.s3.endpoint=http://127.0.0.1:$S3_PORT" \
    "--asr3m.artifacts.s3.access-key=$S3_KEY" "--asr3m.artifacts.s3.secret-key=$S3_SECRET" \
    --asr3m.artifacts.s3.region=us-east-1 --asr3m.artifacts.s3.bucket=asr3m "--asr3m.worker.lease=$LEASE"
}

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

wait_http() { # name url seconds
  local deadline=$((SECONDS + $3))
  until curl -s -o /dev/null "$2"; do
    alive "$1" || die "$1 exited; see $DIR/$1.log: $(tail -5 "$DIR/$1.log")"
    ((SECONDS < deadline)) || die "$1 did not answer $2 within $3 s; see $DIR/$1.log"
    sleep 0.5
  done
}

start_s3proxy() {
  mkdir -p "$DIR/s3"
  cat > "$DIR/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_KEY
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem-nio2
jclouds.identity=$S3_KEY
jclouds.credential=$S3_SECRET
jclouds.filesystem.basedir=$DIR/s3
PROPS
  "$JAVA" -Xmx256m -XX:+UseSerialGC -jar "$S3PROXY_JAR" --properties "$DIR/s3proxy.properties" > "$DIR/s3proxy.log" 2>&1 &
  echo $! > "$DIR/s3proxy.pid"
  wait_http s3proxy "http://127.0.0.1:$S3_PORT/" 90
}

start_api() {
  # shellcheck disable=SC2046
  (cd "$ROOT" && exec "$JAVA" -Xmx1g -Dai.djl.offline=true -jar "$API_JAR" $(common_args) \
    --server.port="$API_PORT" --asr3m.embedded-worker.enabled=false --asr3m.home="$DIR/api") > "$DIR/api.log" 2>&1 &
  echo $! > "$DIR/api.pid"
  wait_http api "http://127.0.0.1:$API_PORT/actuator/health" 180
}

start_worker() { # index
  local name=worker-$1
  mkdir -p "$DIR/$name"
  # shellcheck disable=SC2046,SC2086
  (cd "$DIR/$name" && exec "$JAVA" -Xmx"${ASR3M_WORKER_XMX:-1g}" -Dai.djl.offline=true -jar "$WORKER_JAR" serve \
    $(common_args) --asr3m.worker.id="$name" --asr3m.worker.work-dir="$DIR/$name/work" \
    --asr3m.worker.slots="$SLOTS" --asr3m.worker.partitioning=rabbitmq --asr3m.worker.poll-interval=500ms \
    --spring.rabbitmq.host=127.0.0.1 --spring.rabbitmq.port=5672 --spring.rabbitmq.username=guest \
    --spring.rabbitmq.password=guest ${ASR3M_WORKER_ARGS:-}) >> "$DIR/$name.log" 2>&1 &
  echo $! > "$DIR/$name.pid"
  echo "worker $name: pid $(cat "$DIR/$name.pid"), log $DIR/$name.log"
}

stop_one() { # name seconds
  alive "$1" || { rm -f "$DIR/$1.pid"; return 0; }
  local pid; pid=$(cat "$DIR/$1.pid")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "local-cluster: $1 (pid $pid) did not stop in $2 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$1.pid"
}

case "${1:-}" in
  start)
    for f in "$API_JAR" "$WORKER_JAR" "$S3PROXY_JAR"; do
      [[ -f "$f" ]] || die "$f is missing: build with ./mvnw -pl platform-api -am package -DskipTests"
    done
    for n in api s3proxy; do alive $n && die "$n is running already (pid $(cat "$DIR/$n.pid")); stop first"; done
    (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null || die "RabbitMQ does not listen on 127.0.0.1:5672 (start it: rabbitmq-server -detached)"
    psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -c "drop database if exists $DB" -c "create database $DB" \
      || die "cannot create database $DB on 127.0.0.1:5432"
    start_s3proxy
    start_api
    for ((i = 1; i <= WORKERS; i++)); do start_worker "$i"; done
    echo "API http://127.0.0.1:$API_PORT (a token: $0 token me)"
    ;;
  token)
    # shellcheck disable=SC2046
    (cd "$ROOT" && exec "$JAVA" -jar "$API_JAR" token create --name "${2:-local}" $(common_args) --asr3m.home="$DIR/api")
    ;;
  start-worker)
    [[ -n "${2:-}" ]] || die "usage: $0 start-worker INDEX"
    alive "worker-$2" && die "worker-$2 is running already"
    start_worker "$2"
    ;;
  stop-worker)
    [[ -n "${2:-}" ]] || die "usage: $0 stop-worker INDEX"
    stop_one "worker-$2" 120
    ;;
  kill-worker)
    [[ -n "${2:-}" ]] || die "usage: $0 kill-worker INDEX"
    alive "worker-$2" || die "worker-$2 is not running"
    kill -KILL "$(cat "$DIR/worker-$2.pid")"
    rm -f "$DIR/worker-$2.pid"
    ;;
  stop)
    for f in "$DIR"/worker-*.pid; do
      [[ -e "$f" ]] || continue
      n=$(basename "$f" .pid)
      stop_one "$n" 120 &
    done
    wait
    stop_one api 30
    stop_one s3proxy 10
    echo "stopped (state kept in $DIR; start drops and recreates database $DB)"
    ;;
  status)
    for f in "$DIR"/*.pid; do
      [[ -e "$f" ]] || continue
      n=$(basename "$f" .pid)
      if alive "$n"; then echo "$n: running (pid $(cat "$f"))"; else echo "$n: dead"; fi
    done
    curl -s "http://127.0.0.1:$API_PORT/api/workers" && echo || echo "api: not answering on port $API_PORT"
    ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
