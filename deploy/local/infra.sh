#!/usr/bin/env bash
# Starts (up), stops (down) or reports (status) the local Kafka, PostgreSQL and Redis.
# Reuses servers already listening; records what it started so `down` stops only that.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_DIR="$LOCAL_DIR/kafka"
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
PG_DIR="$LOCAL_DIR/postgres"
REDIS_DIR="$LOCAL_DIR/redis"

kafka_fetch() {
  if [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then return 0; fi
  command -v mvn >/dev/null || die "Maven is needed to fetch Kafka $KAFKA_VERSION (apt-get install maven)"
  command -v java >/dev/null || die "Java 17+ is needed to run Kafka (apt-get install openjdk-17-jre-headless)"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central"
  mkdir -p "$KAFKA_LIBS"
  mvn -q -B -f "$REPO_ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -Dkafka.version="$KAFKA_VERSION" >&2
}

kafka_up() {
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "Kafka already listening on 127.0.0.1:$KAFKA_PORT"
  else
    kafka_fetch
    mkdir -p "$KAFKA_DIR/data"
    cat > "$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
    cat > "$KAFKA_DIR/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
PROPS
    if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
      local cluster_id
      cluster_id="$(java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
      log "formatting KRaft storage (cluster $cluster_id)"
      java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" >&2
    fi
    log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT"
    nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
      -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" > "$KAFKA_DIR/kafka.log" 2>&1 &
    echo $! > "$KAFKA_DIR/kafka.pid"
    wait_port 127.0.0.1 "$KAFKA_PORT" 90 Kafka || { tail -30 "$KAFKA_DIR/kafka.log" >&2; exit 1; }
  fi
  ensure_node
  node "$REPO_ROOT/deploy/local/kafka-topics.mjs" "127.0.0.1:$KAFKA_PORT"
}

kafka_down() {
  local pidf="$KAFKA_DIR/kafka.pid"
  [ -f "$pidf" ] || return 0
  local pid; pid="$(cat "$pidf")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Kafka (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidf"
}

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$d" ] && echo "$d"
}

postgres_up() {
  if port_open "$PG_HOST" "$PG_PORT"; then
    log "PostgreSQL already listening on $PG_HOST:$PG_PORT (reused)"
  else
    [ "$PG_HOST" = 127.0.0.1 ] || die "PostgreSQL at $PG_HOST:$PG_PORT is not reachable"
    [ -n "$(pg_bin)" ] || apt_install postgresql
    local bin; bin="$(pg_bin)"
    [ -n "$bin" ] || die "PostgreSQL binaries not found after install"
    mkdir -p "$PG_DIR"
    local run_as=()
    if as_root; then chown -R postgres:postgres "$PG_DIR"; run_as=(runuser -u postgres --); fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
      log "initialising a project-local PostgreSQL in $PG_DIR/data"
      "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300 -c fsync=off${PG_SERVER_OPTS:+ $PG_SERVER_OPTS}" start >&2
    touch "$PG_DIR/started-by-us"
  fi
  wait_port "$PG_HOST" "$PG_PORT" 30 PostgreSQL
}

postgres_down() {
  [ -f "$PG_DIR/started-by-us" ] || return 0
  local bin; bin="$(pg_bin)"
  local run_as=(); as_root && run_as=(runuser -u postgres --)
  log "stopping PostgreSQL"
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >&2 || true
  rm -f "$PG_DIR/started-by-us"
}

redis_up() {
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "Redis already listening on $REDIS_HOST:$REDIS_PORT (reused)"
    return 0
  fi
  [ "$REDIS_HOST" = 127.0.0.1 ] || die "Redis at $REDIS_HOST:$REDIS_PORT is not reachable"
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no >&2
  wait_port 127.0.0.1 "$REDIS_PORT" 20 Redis
  touch "$REDIS_DIR/started-by-us"
}

redis_down() {
  [ -f "$REDIS_DIR/started-by-us" ] || return 0
  log "stopping Redis"
  [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
  rm -f "$REDIS_DIR/started-by-us"
}

case "${1:-up}" in
  up) postgres_up; redis_up; kafka_up; "$REPO_ROOT/deploy/local/db-setup.sh" ;;
  down) kafka_down; redis_down; postgres_down ;;
  kafka-stop) kafka_down ;;
  kafka-start) kafka_up ;;
  status)
    for s in "Kafka 127.0.0.1 $KAFKA_PORT" "PostgreSQL $PG_HOST $PG_PORT" "Redis $REDIS_HOST $REDIS_PORT"; do
      set -- $s; if port_open "$2" "$3"; then echo "$1 up ($2:$3)"; else echo "$1 down"; fi
    done ;;
  *) die "usage: infra.sh up|down|status|kafka-stop|kafka-start" ;;
esac
