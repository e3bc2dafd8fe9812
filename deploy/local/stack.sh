#!/usr/bin/env bash
# Local native infrastructure for c360: Apache Kafka (KRaft, one node), FerretDB (MongoDB wire
# protocol, SQLite or PostgreSQL backend) and, for the PostgreSQL backend, a private PostgreSQL.
# Built from package registries into a cache, run from the state directory, tracked by pid files.
# `stack.sh help` lists the subcommands and settings.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
COMPOSE_FILE="$REPO_ROOT/deploy/docker-compose.infra.yml"
HOST=127.0.0.1

CACHE_DIR="${C360_CACHE_DIR:-$HOME/.cache/c360}"
STATE_DIR="${C360_STATE_DIR:-$REPO_ROOT/.c360}"
case "$CACHE_DIR" in /*) ;; *) CACHE_DIR="$PWD/$CACHE_DIR" ;; esac
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$PWD/$STATE_DIR" ;; esac
PIDS_DIR="$STATE_DIR/pids"
LOGS_DIR="$STATE_DIR/logs"

KAFKA_PORT="${C360_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${C360_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${C360_KAFKA_HEAP:--Xms512m -Xmx1g}"
MONGO_PORT="${C360_MONGO_PORT:-27017}"
STORE_HANDLER="${C360_STORE_HANDLER:-postgresql}"
FERRETDB_LOG_LEVEL="${C360_FERRETDB_LOG_LEVEL:-warn}"
PG_PORT="${C360_PG_PORT:-5433}"
PG_OS_USER="${C360_PG_OS_USER:-c360pg}"
PG_URL="${C360_FERRETDB_POSTGRESQL_URL:-postgres://postgres@$HOST:$PG_PORT/ferretdb}"
START_TIMEOUT="${C360_START_TIMEOUT:-120}"
STOP_TIMEOUT="${C360_STOP_TIMEOUT:-30}"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LOG4J="$HERE/kafka/log4j2.properties"
FERRETDB_VERSION="$(awk '$1 == "github.com/FerretDB/FerretDB" { print $2 }
  $1 == "require" && $2 == "github.com/FerretDB/FerretDB" { print $3 }' "$HERE/ferretdb/go.mod")"

E_FAILED=1 E_USAGE=2 E_PREREQ=3

log() { printf '[c360-stack] %s\n' "$*"; }
warn() { printf '[c360-stack] %s\n' "$*" >&2; }
die() {
  local code=$1
  shift
  printf '[c360-stack] error: %s\n' "$*" >&2
  exit "$code"
}
now_ms() { date +%s%3N; }
since() { awk -v s="$1" -v e="$(now_ms)" 'BEGIN { printf "%.1fs", (e - s) / 1000 }'; }
short_hash() { cat "$@" | sha256sum | cut -c1-12; }
have() { command -v "$1" >/dev/null 2>&1; }

usage() {
  cat <<EOF
Usage: deploy/local/stack.sh COMMAND [COMPONENT...] [--purge]

Commands:
  provision                 download Kafka jars and build FerretDB into the cache (idempotent)
  up [COMPONENT...]         provision if needed, start what is not running, wait until ready
  down [--purge]            stop every kafka/ferretdb/postgres process this script started;
                            --purge also deletes the state directory (all data)
  start|stop|restart COMPONENT...
                            act on the instance at the configured port (fault tests)
  kill COMPONENT...         SIGKILL the instance (crash simulation); data is kept
  status [COMPONENT...]     one line per component; exit 0 only if all requested are up
  env                       print C360_KAFKA_BOOTSTRAP=... and C360_MONGODB_URI=... lines
  pid COMPONENT             print the pid of the running instance
  kafka-tool CLASS [ARG...] run a Kafka tool from the cached jars, e.g.
                            kafka-tool org.apache.kafka.tools.TopicCommand --list \\
                              --bootstrap-server $HOST:$KAFKA_PORT
COMPONENT: all (default: kafka + ferretdb, + postgres when the handler is postgresql),
           kafka, ferretdb, postgres

Settings (environment):
  C360_CACHE_DIR=$CACHE_DIR
  C360_STATE_DIR=$STATE_DIR
  C360_KAFKA_PORT=$KAFKA_PORT  C360_KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
  C360_KAFKA_HEAP="$KAFKA_HEAP"
  C360_MONGO_PORT=$MONGO_PORT  C360_STORE_HANDLER=$STORE_HANDLER (sqlite|postgresql)
  C360_FERRETDB_LOG_LEVEL=$FERRETDB_LOG_LEVEL  C360_PG_PORT=$PG_PORT  C360_PG_OS_USER=$PG_OS_USER
  C360_FERRETDB_POSTGRESQL_URL=$PG_URL
  C360_START_TIMEOUT=$START_TIMEOUT  C360_STOP_TIMEOUT=$STOP_TIMEOUT (seconds)
Exit codes: 0 ok, 1 a component failed or is not up, 2 usage, 3 missing prerequisites.
EOF
}

# --- instances: one per component and port --------------------------------------------------

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    ferretdb) echo "$MONGO_PORT" ;;
    postgres) echo "$PG_PORT" ;;
  esac
}
pid_file() { echo "$PIDS_DIR/$1-$2.pid"; }
log_file() {
  if [ "$1" = postgres ]; then echo "$(pg_home)/logs/postgres-$2.log"; else echo "$LOGS_DIR/$1-$2.log"; fi
}
data_dir() {
  if [ "$1" = postgres ]; then echo "$(pg_home)/postgres-$2"; else echo "$STATE_DIR/$1-$2"; fi
}

# Every directory above $1 can be entered by other users (o+x)?
searchable_above() {
  local dir perm
  dir="$(dirname "$1")"
  while :; do
    perm="$(stat -c %A "$dir")"
    case "${perm:9:1}" in x | t) ;; *) return 1 ;; esac
    [ "$dir" = / ] && return 0
    dir="$(dirname "$dir")"
  done
}

# PostgreSQL refuses to run as root, so as root it runs as an unprivileged user, whose files must
# be reachable by it: under the state directory when its parents are searchable, otherwise (a
# clone under /root, say) in a directory of its own under /var/tmp, named after the state dir.
pg_home() {
  if [ "$(id -u)" -ne 0 ] || searchable_above "$STATE_DIR"; then
    echo "$STATE_DIR"
  else
    echo "/var/tmp/c360-postgres-$(printf '%s' "$STATE_DIR" | sha1sum | cut -c1-12)"
  fi
}

# A string that only this instance's command line contains, so a recycled pid is never
# mistaken for ours (and never signalled).
cmdline_marker() {
  case "$1" in
    kafka) echo "$STATE_DIR/kafka-$2/server.properties" ;;
    ferretdb) echo "--listen-addr=$HOST:$2" ;;
    postgres) echo "$(data_dir postgres "$2")/data" ;;
  esac
}

# Prints the pid if the instance's pid file names a live process of ours.
live_pid() {
  local file pid
  file="$(pid_file "$1" "$2")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && running "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(cmdline_marker "$1" "$2")" || return 1
  fi
  echo "$pid"
}

port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

# Ready means answering its own protocol, not merely an open port.
ready() {
  local component=$1 port=$2
  case "$component" in
    kafka) python3 "$HERE/probe.py" kafka "$HOST:$port" 2>/dev/null ;;
    ferretdb) python3 "$HERE/probe.py" mongo "$HOST:$port" 2>/dev/null ;;
    postgres) "$(pg_bin)/pg_isready" -q -h "$HOST" -p "$port" -d postgres 2>/dev/null ;;
  esac
}

show_log_tail() {
  local file
  file="$(log_file "$1" "$2")"
  [ -f "$file" ] || return 0
  warn "last lines of $file:"
  tail -n 30 "$file" | sed 's/^/[c360-stack]   | /' >&2
}

# Runs a command detached in its own session, appending to the log; the pid file holds the
# pid of the command itself (exec keeps it), written before the command starts.
spawn() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  printf '=== %s started by deploy/local/stack.sh ===\n' "$(date -Is)" >>"$logfile"
  # The inner shell closes every descriptor it inherited beyond stdio before it execs: a server
  # holding the stack's lock would make every later stack.sh wait, and one holding a caller's
  # pipe would keep `make up | tail` from ever ending.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo "$$" >"$0"
    for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
  local waited=0
  until [ -s "$pidfile" ]; do
    sleep 0.05
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || die "$E_FAILED" "could not start: $*"
  done
}

wait_ready() {
  local component=$1 port=$2 started pid
  started="$(now_ms)"
  local deadline=$((SECONDS + START_TIMEOUT))
  until ready "$component" "$port"; do
    if ! pid="$(live_pid "$component" "$port")"; then
      show_log_tail "$component" "$port"
      die "$E_FAILED" "$component on port $port exited during startup (log: $(log_file "$component" "$port"))"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_log_tail "$component" "$port"
      die "$E_FAILED" "$component on port $port not ready after ${START_TIMEOUT}s; still running as pid $pid (raise C360_START_TIMEOUT or read $(log_file "$component" "$port"))"
    fi
    sleep 0.3
  done
  log "$component ready on $HOST:$port ($(since "$started"))"
}

# --- prerequisites ----------------------------------------------------------------------------

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

java_ok() {
  local java major
  java="$(java_bin)" || return 1
  major="$("$java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  [ "${major:-0}" -ge 17 ]
}

go_ok() {
  have go || return 1
  local minor
  minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  # Go >= 1.21 fetches the toolchain go.mod asks for by itself.
  [ "${minor:-0}" -ge 21 ]
}

pg_bin() {
  local dir
  if [ -n "${C360_PG_BIN:-}" ]; then echo "$C360_PG_BIN"; return; fi
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  have initdb && { dirname "$(command -v initdb)"; return; }
  echo /usr/lib/postgresql/bin
}

pg_ok() { [ -x "$(pg_bin)/initdb" ] && [ -x "$(pg_bin)/pg_ctl" ]; }

# Prints the apt packages missing for the given components, one per line.
missing_packages() {
  local component
  have python3 || echo python3
  for component in "$@"; do
    case "$component" in
      kafka)
        java_ok || echo openjdk-17-jre-headless
        kafka_provisioned || have mvn || echo maven
        ;;
      ferretdb)
        ferretdb_provisioned || go_ok || echo "golang-go (Go >= 1.21)"
        [ "$STORE_HANDLER" != postgresql ] || pg_ok || echo postgresql
        ;;
      postgres) pg_ok || echo postgresql ;;
    esac
  done | sort -u
}

docker_reachable() { have docker && docker info >/dev/null 2>&1; }

# --- provisioning -----------------------------------------------------------------------------

kafka_marker() { echo "$KAFKA_HOME/.provisioned"; }
kafka_wanted() { short_hash "$HERE/kafka/pom.xml"; }
kafka_provisioned() { [ "$(cat "$(kafka_marker)" 2>/dev/null)" = "$(kafka_wanted)" ]; }

ferretdb_bin() {
  echo "$CACHE_DIR/ferretdb-$FERRETDB_VERSION-$(short_hash "$HERE"/ferretdb/{go.mod,go.sum,main.go})/c360-ferretdb"
}
ferretdb_provisioned() { [ -x "$(ferretdb_bin)" ]; }

provision_kafka() {
  if kafka_provisioned; then
    log "kafka $KAFKA_VERSION: cached in $KAFKA_HOME"
    return
  fi
  have mvn || die "$E_PREREQ" "maven is needed to fetch Kafka: apt-get install -y maven"
  local started
  started="$(now_ms)"
  log "kafka $KAFKA_VERSION: resolving jars from Maven Central..."
  rm -rf "$KAFKA_HOME/libs.partial"
  mkdir -p "$KAFKA_HOME"
  mvn -B -q --no-transfer-progress -Dstyle.color=never -f "$HERE/kafka/pom.xml" \
    -Dmaven.repo.local="$CACHE_DIR/maven-repo" \
    dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_HOME/libs.partial" >"$KAFKA_HOME/provision.log" 2>&1 ||
    { tail -n 30 "$KAFKA_HOME/provision.log" >&2; die "$E_FAILED" "maven could not resolve deploy/local/kafka/pom.xml"; }
  rm -rf "$KAFKA_HOME/libs"
  mv "$KAFKA_HOME/libs.partial" "$KAFKA_HOME/libs"
  kafka_wanted >"$(kafka_marker)"
  log "kafka $KAFKA_VERSION: $(find "$KAFKA_HOME/libs" -name '*.jar' | wc -l) jars in $KAFKA_HOME/libs ($(since "$started"))"
}

provision_ferretdb() {
  local bin started
  bin="$(ferretdb_bin)"
  if [ -x "$bin" ]; then
    log "ferretdb $FERRETDB_VERSION: cached at $bin"
    return
  fi
  go_ok || die "$E_PREREQ" "Go >= 1.21 is needed to build FerretDB: apt-get install -y golang-go (or a newer Go toolchain)"
  started="$(now_ms)"
  log "ferretdb $FERRETDB_VERSION: building with $(go env GOVERSION) (first time only)..."
  mkdir -p "$(dirname "$bin")"
  (
    cd "$HERE/ferretdb"
    GOMODCACHE="$CACHE_DIR/go-mod" GOCACHE="$CACHE_DIR/go-build" \
      GOFLAGS="${GOFLAGS:-} -modcacherw" CGO_ENABLED=0 \
      go build -mod=readonly -trimpath -buildvcs=false -ldflags='-s -w' -o "$bin.partial" .
  ) >"$bin.log" 2>&1 || { tail -n 30 "$bin.log" >&2; die "$E_FAILED" "go build of deploy/local/ferretdb failed"; }
  mv "$bin.partial" "$bin"
  log "ferretdb $FERRETDB_VERSION: built $bin ($(since "$started"))"
}

with_provision_lock() {
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.provision.lock"
  flock -w 900 8 || die "$E_FAILED" "another provision holds $CACHE_DIR/.provision.lock"
  "$@"
  flock -u 8
}

provision() {
  local component
  for component in "$@"; do
    case "$component" in
      kafka) with_provision_lock provision_kafka ;;
      ferretdb) with_provision_lock provision_ferretdb ;;
    esac
  done
}

# --- launching --------------------------------------------------------------------------------

kafka_cluster_id() {
  # Kafka's Uuid text form: url-safe base64 of 16 random bytes, unpadded; like Kafka's own
  # generator, avoid a leading "-" that command-line parsers would take for an option.
  python3 - <<'PY'
import base64, uuid
text = "-"
while text.startswith("-"):
    text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
print(text)
PY
}


# Fills KAFKA_JVM with the java command line for broker or tool use.
kafka_jvm() {
  local heap
  read -r -a heap <<<"$1"
  KAFKA_JVM=("$(java_bin)" "${heap[@]}" -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -cp "$KAFKA_HOME/libs/*")
}

kafka_tool() {
  kafka_jvm "-Xmx512m"
  "${KAFKA_JVM[@]}" -Dc360.kafka.log.level=WARN "$@"
}

launch_kafka() {
  local port=$1 dir
  dir="$(data_dir kafka "$port")"
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
# Written by deploy/local/stack.sh on every start; change the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$port,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=12
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    [ -s "$dir/cluster-id" ] || kafka_cluster_id >"$dir/cluster-id"
    log "kafka: formatting storage in $dir/data (cluster id $(cat "$dir/cluster-id"))"
    kafka_tool kafka.tools.StorageTool format --ignore-formatted \
      -t "$(cat "$dir/cluster-id")" -c "$dir/server.properties" >>"$(log_file kafka "$port")" 2>&1 ||
      { show_log_tail kafka "$port"; die "$E_FAILED" "kafka storage format failed"; }
  fi
  kafka_jvm "$KAFKA_HEAP"
  spawn "$(pid_file kafka "$port")" "$(log_file kafka "$port")" "${KAFKA_JVM[@]}" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    kafka.Kafka "$dir/server.properties"
}

launch_ferretdb() {
  local port=$1 dir backend
  dir="$(data_dir ferretdb "$port")"
  mkdir -p "$dir"
  case "$STORE_HANDLER" in
    sqlite) backend=(--sqlite-url="file:$dir/") ;;
    postgresql)
      start_instance postgres "$PG_PORT"
      backend=(--postgresql-url="$PG_URL")
      ;;
    *) die "$E_USAGE" "C360_STORE_HANDLER must be sqlite or postgresql, not '$STORE_HANDLER'" ;;
  esac
  if [ -f "$dir/handler" ] && [ "$(cat "$dir/handler")" != "$STORE_HANDLER" ]; then
    warn "ferretdb on port $port used the $(cat "$dir/handler") handler before; it now uses $STORE_HANDLER and does not see that data (C360_STORE_HANDLER=$(cat "$dir/handler") brings it back)"
  fi
  echo "$STORE_HANDLER" >"$dir/handler"
  spawn "$(pid_file ferretdb "$port")" "$(log_file ferretdb "$port")" "$(ferretdb_bin)" \
    --listen-addr="$HOST:$port" --handler="$STORE_HANDLER" "${backend[@]}" \
    --log-level="$FERRETDB_LOG_LEVEL"
}

# PostgreSQL refuses to run as root, so as root it runs as a dedicated system user.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

ensure_pg_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
  log "postgres: creating system user $PG_OS_USER to run the server (it refuses root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$PG_OS_USER" ||
    die "$E_FAILED" "useradd $PG_OS_USER failed; create an unprivileged user and set C360_PG_OS_USER"
}

launch_postgres() {
  local port=$1 dir bin logfile
  pg_ok || die "$E_PREREQ" "PostgreSQL server binaries not found (looked in $(pg_bin)): apt-get install -y postgresql"
  dir="$(data_dir postgres "$port")"
  bin="$(pg_bin)"
  logfile="$(log_file postgres "$port")"
  ensure_pg_user
  mkdir -p "$dir/run" "$(dirname "$logfile")"
  touch "$logfile"
  if [ "$(id -u)" -eq 0 ]; then
    chmod a+x "$(pg_home)" "$(dirname "$logfile")"
    chown "$PG_OS_USER" "$dir" "$dir/run" "$logfile"
    as_pg_user test -w "$dir" ||
      die "$E_FAILED" "user $PG_OS_USER cannot reach $dir; make its parent directories world-searchable"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "postgres: initdb in $dir/data"
    as_pg_user "$bin/initdb" -D "$dir/data" --username=postgres --auth=trust --encoding=UTF8 \
      --locale=C --no-sync >>"$logfile" 2>&1 || { show_log_tail postgres "$port"; die "$E_FAILED" "initdb failed"; }
  fi
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$logfile" -w -t "$START_TIMEOUT" \
    -o "-p $port -c listen_addresses=$HOST -c unix_socket_directories='$dir/run'" start >/dev/null 8>&- 9>&- ||
    { show_log_tail postgres "$port"; die "$E_FAILED" "postgres on port $port did not start"; }
  head -n 1 "$dir/data/postmaster.pid" >"$(pid_file postgres "$port")"
  if [ -z "$(as_pg_user "$bin/psql" -h "$HOST" -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" ]; then
    as_pg_user "$bin/createdb" -h "$HOST" -p "$port" -U postgres ferretdb
  fi
}

start_instance() {
  local component=$1 port=$2 pid
  if pid="$(live_pid "$component" "$port")"; then
    if ready "$component" "$port"; then
      log "$component already running (pid $pid, $HOST:$port)"
    else
      log "$component is starting (pid $pid); waiting"
      wait_ready "$component" "$port"
    fi
    return
  fi
  rm -f "$(pid_file "$component" "$port")"
  if port_open "$port"; then
    if ready "$component" "$port"; then
      log "$component already answering on $HOST:$port (a process this script did not start; using it)"
      return
    fi
    die "$E_FAILED" "port $port is taken by a process that is not $component; free it or set $(port_env "$component")"
  fi
  provision "$component"
  log "starting $component on $HOST:$port (log: $(log_file "$component" "$port"))"
  "launch_$component" "$port"
  wait_ready "$component" "$port"
}

port_env() {
  case "$1" in
    kafka) echo C360_KAFKA_PORT ;;
    ferretdb) echo C360_MONGO_PORT ;;
    postgres) echo C360_PG_PORT ;;
  esac
}

# --- stopping ---------------------------------------------------------------------------------

# A live process, not a zombie: an exited server whose parent (a daemonising pg_ctl, say) is
# gone stays a zombie until something reaps it, which may be never in a container.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

signal_and_wait() {
  local pid=$1 signal=$2 waited=0
  kill "-$signal" "$pid" 2>/dev/null || return 0
  while running "$pid"; do
    [ "$waited" -lt $((STOP_TIMEOUT * 10)) ] || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}

stop_instance() {
  local component=$1 port=$2 pid file
  file="$(pid_file "$component" "$port")"
  if ! pid="$(live_pid "$component" "$port")"; then
    [ ! -f "$file" ] || log "$component on port $port was not running (stale pid file removed)"
    rm -f "$file"
    return 0
  fi
  log "stopping $component (pid $pid, port $port)"
  if [ "$component" = postgres ]; then
    # Fast shutdown: disconnect clients instead of waiting for them.
    as_pg_user "$(pg_bin)/pg_ctl" -D "$(data_dir postgres "$port")/data" -m fast -w \
      -t "$STOP_TIMEOUT" stop >/dev/null 2>&1 || signal_and_wait "$pid" INT || true
  else
    signal_and_wait "$pid" TERM || true
  fi
  if running "$pid"; then
    warn "$component (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
    signal_and_wait "$pid" KILL || die "$E_FAILED" "could not stop pid $pid"
  fi
  rm -f "$file"
}

kill_instance() {
  local component=$1 port=$2 pid
  if pid="$(live_pid "$component" "$port")"; then
    log "killing $component (pid $pid, port $port) with SIGKILL"
    signal_and_wait "$pid" KILL || die "$E_FAILED" "pid $pid survived SIGKILL"
  fi
  rm -f "$(pid_file "$component" "$port")"
}

# Every instance this script started, dependants first: "component port" per line.
recorded_instances() {
  local component file name
  for component in ferretdb kafka postgres; do
    for file in "$PIDS_DIR/$component"-*.pid; do
      [ -e "$file" ] || continue
      name="$(basename "$file" .pid)"
      echo "$component ${name#"$component"-}"
    done
  done
}

# --- docker fallback --------------------------------------------------------------------------

docker_services() {
  local component
  for component in "$@"; do
    case "$component" in
      kafka) echo kafka ;;
      ferretdb) echo mongo ;;
    esac
  done
}

docker_up() {
  local services
  mapfile -t services < <(docker_services "$@")
  log "a Docker engine is reachable: starting the official images from ${COMPOSE_FILE#"$REPO_ROOT"/} instead"
  docker compose -f "$COMPOSE_FILE" up -d --wait "${services[@]}" ||
    die "$E_FAILED" "docker compose up failed"
  mkdir -p "$STATE_DIR"
  touch "$STATE_DIR/docker-mode"
}

# --- commands ---------------------------------------------------------------------------------

# Expands the COMPONENT arguments: "all" or none means the default set.
components() {
  local wanted=() arg
  for arg in "$@"; do
    case "$arg" in
      all | "") wanted+=(kafka ferretdb) ;;
      kafka | ferretdb | postgres) wanted+=("$arg") ;;
      *) die "$E_USAGE" "unknown component '$arg' (all, kafka, ferretdb, postgres)" ;;
    esac
  done
  [ "${#wanted[@]}" -gt 0 ] || wanted=(kafka ferretdb)
  printf '%s\n' "${wanted[@]}" | awk '!seen[$0]++'
}

# Like components, plus postgres ahead of ferretdb when FerretDB runs on PostgreSQL.
components_with_backend() {
  local listed
  listed="$(components "$@")"
  if [ "$STORE_HANDLER" = postgresql ] && grep -qx ferretdb <<<"$listed"; then
    printf 'postgres\n%s\n' "$listed" | awk '!seen[$0]++'
  else
    echo "$listed"
  fi
}

lock_state() {
  mkdir -p "$PIDS_DIR" "$LOGS_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 300 9 || die "$E_FAILED" "another stack.sh holds $STATE_DIR/.lock"
}

cmd_provision() {
  local missing started
  started="$(now_ms)"
  missing="$(missing_packages kafka ferretdb)"
  [ -z "$missing" ] || die "$E_PREREQ" "missing: $(echo "$missing" | paste -sd' '). Install with: apt-get install -y $(echo "$missing" | cut -d' ' -f1 | paste -sd' ')"
  provision kafka ferretdb
  log "provisioned in $(since "$started")"
}

cmd_up() {
  local started wanted missing component
  started="$(now_ms)"
  mapfile -t wanted < <(components_with_backend "$@")
  missing="$(missing_packages "${wanted[@]}")"
  if [ -n "$missing" ]; then
    if ! grep -q postgres <<<"$missing" && docker_reachable; then
      warn "missing native prerequisites: $(echo "$missing" | paste -sd' ')"
      docker_up "${wanted[@]}"
      return
    fi
    die "$E_PREREQ" "missing: $(echo "$missing" | paste -sd' '). Install with: apt-get install -y $(echo "$missing" | cut -d' ' -f1 | paste -sd' ')"
  fi
  lock_state
  for component in "${wanted[@]}"; do
    start_instance "$component" "$(port_of "$component")"
  done
  log "up in $(since "$started"): $(cmd_env | paste -sd' ')"
}

cmd_stop() {
  local wanted component
  mapfile -t wanted < <(components "$@")
  lock_state
  for component in ferretdb kafka postgres; do
    [[ " ${wanted[*]} " == *" $component "* ]] || continue
    stop_instance "$component" "$(port_of "$component")"
  done
}

cmd_kill() {
  local wanted component
  mapfile -t wanted < <(components "$@")
  lock_state
  for component in "${wanted[@]}"; do
    kill_instance "$component" "$(port_of "$component")"
  done
}

cmd_down() {
  local purge=false arg component port
  for arg in "$@"; do
    case "$arg" in
      --purge) purge=true ;;
      *) die "$E_USAGE" "down takes only --purge (use 'stop COMPONENT' for one component)" ;;
    esac
  done
  lock_state
  while read -r component port; do
    stop_instance "$component" "$port"
  done < <(recorded_instances)
  if [ -f "$STATE_DIR/docker-mode" ] && docker_reachable; then
    if $purge; then
      docker compose -f "$COMPOSE_FILE" down --volumes
    else
      docker compose -f "$COMPOSE_FILE" down
    fi
    rm -f "$STATE_DIR/docker-mode"
  fi
  log "stopped"
  if $purge; then
    case "$STATE_DIR" in
      / | "$HOME" | "$REPO_ROOT") die "$E_USAGE" "refusing to delete $STATE_DIR" ;;
    esac
    # Other tools keep pid files and logs here too; delete only this script's data.
    log "purging data under $STATE_DIR"
    rm -rf "$STATE_DIR"/kafka-* "$STATE_DIR"/ferretdb-* "$(pg_home)"/postgres-* \
      "$LOGS_DIR"/kafka-* "$LOGS_DIR"/ferretdb-* "$(pg_home)"/logs/postgres-*
  fi
}

status_line() {
  local component=$1 port=$2 pid state extra=""
  if pid="$(live_pid "$component" "$port")"; then
    if ready "$component" "$port"; then state=running; else state=starting; fi
  elif port_open "$port" && ready "$component" "$port"; then
    state=running pid="external"
  else
    state=stopped pid="-"
  fi
  if [ "$component" = ferretdb ]; then
    extra=" handler=$(cat "$(data_dir ferretdb "$port")/handler" 2>/dev/null || echo "$STORE_HANDLER")"
  fi
  printf '[c360-stack] %-8s %-8s pid=%-8s %s:%-5s data=%s%s\n' "$component" "$state" "$pid" \
    "$HOST" "$port" "$(data_dir "$component" "$port")" "$extra"
  [ "$state" = running ]
}

cmd_status() {
  local wanted component port rc=0 shown=" "
  mapfile -t wanted < <(components_with_backend "$@")
  for component in "${wanted[@]}"; do
    port="$(port_of "$component")"
    status_line "$component" "$port" || rc=1
    shown+="$component-$port "
  done
  # Other instances this script started (say, a second FerretDB for benchmarks).
  while read -r component port; do
    [[ "$shown" == *" $component-$port "* ]] || status_line "$component" "$port" || true
  done < <(recorded_instances)
  return "$rc"
}

cmd_env() {
  echo "C360_KAFKA_BOOTSTRAP=$HOST:$KAFKA_PORT"
  echo "C360_MONGODB_URI=mongodb://$HOST:$MONGO_PORT/"
}

cmd_pid() {
  case "${1:-}" in
    kafka | ferretdb | postgres) [ "$#" -eq 1 ] ;;
    *) false ;;
  esac || die "$E_USAGE" "pid takes one component: kafka, ferretdb or postgres"
  live_pid "$1" "$(port_of "$1")" || die "$E_FAILED" "$1 is not running"
}

cmd_kafka_tool() {
  [ "$#" -ge 1 ] || die "$E_USAGE" "kafka-tool needs a main class, e.g. org.apache.kafka.tools.TopicCommand"
  java_ok || die "$E_PREREQ" "Java >= 17 is needed: apt-get install -y openjdk-17-jre-headless"
  provision kafka >/dev/null
  kafka_tool "$@"
}

main() {
  local command="${1:-help}"
  [ "$#" -eq 0 ] || shift
  case "$command" in
    provision) cmd_provision ;;
    up) cmd_up "$@" ;;
    start) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    stop) cmd_stop "$@" ;;
    restart)
      cmd_stop "$@"
      cmd_up "$@"
      ;;
    kill) cmd_kill "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env ;;
    pid) cmd_pid "$@" ;;
    kafka-tool) cmd_kafka_tool "$@" ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      exit "$E_USAGE"
      ;;
  esac
}

main "$@"
