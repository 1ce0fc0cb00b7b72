# bin/lib.sh — helpers shared by the bin/ scripts (sourced, never run on its own).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=$ROOT/target/run                                   # pids, logs, the generated JWT secret
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
REDIS_PORT=${REDIS_PORT:-56379}; PG_PORT=${PG_PORT:-55432}
REDIS_CLUSTER_PORTS=${REDIS_CLUSTER_PORTS:-54001 54002 54003 54004 54005 54006}  # bin/infra's local Redis Cluster (3x2)
DB_USER=omnicontext; DB_PASS=omnicontext

say() { echo "${0##*/}: $*"; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

# alive PID [COMM]: the process exists and is no zombie (and, if given, is named COMM: no reused PID).
alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null && return 1
  [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "root is needed to run: $*"; fi
}

APT_UPDATED=
# need WHAT:PACKAGE... — WHAT is a command or an absolute path; installs the packages of the missing ones.
need() {
  local item what missing=()
  for item; do
    what=${item%%:*}
    if [[ $what == /* ]]; then [ -e "$what" ] && continue; else command -v "$what" >/dev/null && continue; fi
    missing+=("${item#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing: ${missing[*]} (no apt-get here: install them by hand)"
  say "installing ${missing[*]} with apt-get"
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

java_bin() { if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi; }
java_major() { "$(java_bin)" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p'; }

# need_java: Java 17+ (JAVA_HOME's, else the one on PATH); MAVEN_OPTS for JDK 24+ (RECIPE pitfall 6).
need_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    [ -x "$JAVA_HOME/bin/java" ] || die "JAVA_HOME=$JAVA_HOME has no bin/java"
  elif ! command -v java >/dev/null; then
    say "java not found: Java 17 is required"; need java:openjdk-17-jdk-headless
  fi
  local major; major=$(java_major)
  [ "${major:-0}" -ge 17 ] || die "Java 17 or newer is required, found: $("$(java_bin)" -version 2>&1 | head -1)"
  if [ "$major" -ge 24 ] && [[ ${MAVEN_OPTS:-} != *sun-misc-unsafe-memory-access* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}

# ensure_jar: build the runnable jar if it is missing or older than pom.xml or anything under src/ (the JS tests in src/test/js aside).
ensure_jar() {
  if [ -f "$JAR" ] && [ -z "$(find "$ROOT/src" "$ROOT/pom.xml" -path "$ROOT/src/test/js" -prune -o -newer "$JAR" -print -quit)" ]; then return 0; fi
  say "building $JAR (./mvnw -B package -DskipTests)"
  (cd "$ROOT" && ./mvnw -B package -DskipTests)
  touch "$JAR"                                         # the jar is now newer than its sources
}

# load_secret: OMNICONTEXT_JWT_SECRET from the environment, else the one kept in target/run/jwt-secret.
load_secret() {
  if [ -z "${OMNICONTEXT_JWT_SECRET:-}" ]; then
    mkdir -p "$RUN"
    [ -s "$RUN/jwt-secret" ] || (umask 077 && openssl rand -hex 32 >"$RUN/jwt-secret")
    OMNICONTEXT_JWT_SECRET=$(cat "$RUN/jwt-secret")
  fi
  export OMNICONTEXT_JWT_SECRET
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_node NAME PORT: the jar in the background on the local infra; $RUN/NAME.pid and $RUN/NAME.log.
start_node() {
  local name=$1 port=$2 opts=()
  port_in_use "$port" && die "port $port is already in use (something else listens there)"
  read -ra opts <<<"${JAVA_OPTS:-}"
  mkdir -p "$RUN"
  QUARKUS_HTTP_PORT=$port \
  QUARKUS_REDIS_HOSTS=${QUARKUS_REDIS_HOSTS:-redis://127.0.0.1:$REDIS_PORT} \
  QUARKUS_DATASOURCE_REACTIVE_URL=${QUARKUS_DATASOURCE_REACTIVE_URL:-postgresql://127.0.0.1:$PG_PORT/omnicontext} \
  QUARKUS_DATASOURCE_USERNAME=${QUARKUS_DATASOURCE_USERNAME:-$DB_USER} \
  QUARKUS_DATASOURCE_PASSWORD=${QUARKUS_DATASOURCE_PASSWORD:-$DB_PASS} \
    "$(java_bin)" "${opts[@]}" -jar "$JAR" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  say "$name starting on :$port (pid $!, log $RUN/$name.log)"
}

# wait_ready NAME PORT: until GET /q/health/ready is 200 (READY_TIMEOUT s, default 120); else the log tail.
wait_ready() {
  local name=$1 port=$2 pid end=$((SECONDS + ${READY_TIMEOUT:-120}))
  pid=$(cat "$RUN/$name.pid")
  while [ "$SECONDS" -lt "$end" ] && alive "$pid"; do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; then
      say "$name ready on http://127.0.0.1:$port (pid $pid)"; return 0
    fi
    sleep 1
  done
  echo "----- last 40 lines of $RUN/$name.log" >&2; tail -n 40 "$RUN/$name.log" >&2
  alive "$pid" && die "$name (pid $pid) not ready on :$port after ${READY_TIMEOUT:-120} s"
  die "$name exited before it was ready"
}

# stop_node NAME: TERM the PID in $RUN/NAME.pid (KILL after 30 s); nothing if it is not running.
stop_node() {
  local pidf=$RUN/$1.pid pid
  pid=$(cat "$pidf" 2>/dev/null) || return 0
  if alive "$pid" java; then
    kill -TERM "$pid"
    for _ in $(seq 60); do alive "$pid" java || break; sleep 0.5; done
    if alive "$pid" java; then say "$1 (pid $pid) still running after 30 s: KILL"; kill -KILL "$pid"; fi
    say "$1 stopped (pid $pid)"
  fi
  rm -f "$pidf"
}
